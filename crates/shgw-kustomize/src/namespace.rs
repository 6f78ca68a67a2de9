//! The `namespace` transformer.

use crate::error::{Error, Result};
use crate::fieldpath::{spec_applies, split_path, visit};
use crate::kustomization::FieldSpec;
use crate::resource::Resource;
use shgw_yaml::node::Node;

/// Moves every namespaced resource into `ns`, renames the v1 Namespace when `specs` say so,
/// and writes `ns` at the other field specs of `specs` (the namespace field specs of the
/// configuration).
pub fn apply(resources: &mut [Resource], ns: &str, specs: &[FieldSpec]) -> Result<()> {
    if ns.is_empty() {
        return Ok(());
    }
    for r in resources.iter_mut() {
        let id = r.id();
        r.store_prev_id();
        // kustomize's `metaNamespaceHack`: `metadata.namespace` of every namespaced
        // resource, whatever the field specs say; `metadata/name` specs apply to the v1
        // Namespace alone (its rename), and only when the specs have one (a
        // NamespaceTransformer config without it leaves Namespaces alone; verified with
        // kubectl v1.37.1).
        if id.kind == "Namespace" && id.group.is_empty() && id.version == "v1" {
            if specs
                .iter()
                .any(|s| s.path == "metadata/name" && spec_applies(s, &id))
            {
                r.metadata_mut().insert("name".into(), Node::string(ns));
            }
            continue;
        }
        if !id.is_cluster_scoped() {
            r.metadata_mut()
                .insert("namespace".into(), Node::string(ns));
        }
        for spec in specs.iter().filter(|s| {
            s.path != "metadata/namespace" && s.path != "metadata/name" && spec_applies(s, &id)
        }) {
            visit(
                &mut r.obj,
                &split_path(&spec.path),
                spec.create,
                &mut |node| {
                    *node = Node::string(ns);
                },
            );
        }
        if (id.kind == "RoleBinding" || id.kind == "ClusterRoleBinding")
            && let Some(Node::Seq(subjects)) = r.obj.get_mut("subjects")
        {
            for s in subjects.iter_mut() {
                if s.get("name").and_then(Node::as_str) == Some("default") {
                    s.ensure_map().insert("namespace".into(), Node::string(ns));
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for r in resources.iter() {
        let id = r.id();
        let key = id.collision_key();
        if !seen.insert(key) {
            return Err(Error::msg(format!(
                "namespace transformation produces ID conflict: {id}"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renames_namespace_and_skips_cluster_kinds() {
        let mut rs = vec![
            Resource::new(
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}),
            ),
            Resource::new(
                json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "c"}}),
            ),
            Resource::new(
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "o"}}),
            ),
        ];
        let specs = crate::config::builtin().unwrap().namespace;
        assert!(apply(&mut rs, "prod", &specs).is_ok());
        assert_eq!(rs[0].obj["metadata"]["name"], "prod");
        assert!(rs[1].obj["metadata"].get("namespace").is_none());
        assert_eq!(rs[2].obj["metadata"]["namespace"], "prod");
    }
}
