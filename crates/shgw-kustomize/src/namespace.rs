//! The `namespace` transformer.

use crate::error::{Error, Result};
use crate::resource::{Resource, ensure_object};
use serde_json::Value;

fn set_if_present(v: &mut Value, path: &[&str], ns: &str) {
    let mut cur = v;
    for p in path {
        match cur.get_mut(*p) {
            Some(n) => cur = n,
            None => return,
        }
    }
    if let Value::Object(m) = cur {
        m.insert("namespace".into(), Value::String(ns.into()));
    }
}

/// Moves every namespaced resource into `ns`.
pub fn apply(resources: &mut [Resource], ns: &str) -> Result<()> {
    if ns.is_empty() {
        return Ok(());
    }
    for r in resources.iter_mut() {
        let id = r.id();
        r.store_prev_id();
        if id.kind == "Namespace" && id.group.is_empty() && id.version == "v1" {
            r.metadata_mut()
                .insert("name".into(), Value::String(ns.into()));
            continue;
        }
        if !id.is_cluster_scoped() {
            r.metadata_mut()
                .insert("namespace".into(), Value::String(ns.into()));
        }
        match (id.group.as_str(), id.kind.as_str()) {
            ("apiregistration.k8s.io", "APIService") => {
                let spec = ensure_object(
                    ensure_object(&mut r.obj)
                        .entry("spec")
                        .or_insert(Value::Null),
                );
                ensure_object(spec.entry("service").or_insert(Value::Null))
                    .insert("namespace".into(), Value::String(ns.into()));
            }
            ("apiextensions.k8s.io", "CustomResourceDefinition") => {
                set_if_present(
                    &mut r.obj,
                    &["spec", "conversion", "webhook", "clientConfig", "service"],
                    ns,
                );
            }
            (_, "RoleBinding" | "ClusterRoleBinding") => {
                if let Some(Value::Array(subjects)) = r.obj.get_mut("subjects") {
                    for s in subjects.iter_mut() {
                        if s.get("name").and_then(Value::as_str) == Some("default") {
                            ensure_object(s).insert("namespace".into(), Value::String(ns.into()));
                        }
                    }
                }
            }
            _ => {}
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
        assert!(apply(&mut rs, "prod").is_ok());
        assert_eq!(rs[0].obj["metadata"]["name"], "prod");
        assert!(rs[1].obj["metadata"].get("namespace").is_none());
        assert_eq!(rs[2].obj["metadata"]["namespace"], "prod");
    }
}
