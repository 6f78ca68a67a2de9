//! The `namespace` transformer.

use crate::error::{Error, Result};
use crate::fieldpath::{spec_applies, split_path, visit_marking_created};
use crate::kustomization::FieldSpec;
use crate::resource::Resource;
use shgw_yaml::node::Node;

/// Which (Cluster)RoleBinding subjects get the namespace (`setRoleBindingSubjects` of a
/// `NamespaceTransformer` config).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Subjects {
    /// `defaultOnly` (and unset): subjects named `default`.
    #[default]
    DefaultOnly,
    /// `allServiceAccounts`: every `ServiceAccount` subject.
    AllServiceAccounts,
    /// `none`.
    None,
}

impl Subjects {
    /// The mode a config names.
    ///
    /// # Errors
    /// kustomize's message for another value.
    pub(crate) fn parse(s: Option<&str>) -> Result<Self> {
        match s.unwrap_or("") {
            "" | "defaultOnly" => Ok(Subjects::DefaultOnly),
            "allServiceAccounts" => Ok(Subjects::AllServiceAccounts),
            "none" => Ok(Subjects::None),
            other => Err(Error::msg(format!(
                "invalid value \"{other}\" for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""
            ))),
        }
    }
}

/// How a `NamespaceTransformer` config writes (the kustomization's `namespace` uses the
/// defaults).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Options {
    /// `unsetOnly`: write only where the field is missing, null or empty (so a Namespace
    /// object is never renamed).
    pub unset_only: bool,
    /// `setRoleBindingSubjects`.
    pub subjects: Subjects,
}

/// Writes `ns` into `node` unless `unset_only` and it already holds a scalar with text
/// (kustomize's `SetEntryIfEmpty`: `namespace: null` stays, verified with kubectl v1.37.1).
fn write(node: &mut Node, ns: &str, unset_only: bool) {
    // kyaml reads the text: a `null` written out is a value, `key:` with nothing is not.
    let has_value = matches!(&*node, Node::Scalar(s) if !s.text.is_empty());
    if !(unset_only && has_value) {
        *node = Node::string(ns);
    }
}

/// Sets the `namespace` key of a map, as [`write`] does.
fn write_key(map: &mut Node, ns: &str, unset_only: bool) {
    let m = map.ensure_map();
    match m.get_mut("namespace") {
        Some(node) => write(node, ns, unset_only),
        None => {
            m.insert("namespace".into(), Node::string(ns));
        }
    }
}

/// Moves every namespaced resource into `ns`, renames the v1 Namespace when `specs` say so,
/// and writes `ns` at the other field specs of `specs` (the namespace field specs of the
/// configuration).
pub fn apply(resources: &mut [Resource], ns: &str, specs: &[FieldSpec]) -> Result<()> {
    apply_with(resources, ns, specs, Options::default())
}

/// [`apply`] with a `NamespaceTransformer` config's options.
pub(crate) fn apply_with(
    resources: &mut [Resource],
    ns: &str,
    specs: &[FieldSpec],
    opts: Options,
) -> Result<()> {
    if ns.is_empty() {
        return Ok(());
    }
    let unset_only = opts.unset_only;
    for r in resources.iter_mut() {
        let id = r.id();
        r.store_prev_id();
        // kustomize's `metaNamespaceHack`: `metadata.namespace` of every namespaced
        // resource, whatever the field specs say; `metadata/name` specs apply to the v1
        // Namespace alone (its rename), and only when the specs have one (a
        // NamespaceTransformer config without it leaves Namespaces alone; verified with
        // kubectl v1.37.1).
        if id.kind == "Namespace" && id.group.is_empty() && id.version == "v1" {
            if !unset_only
                && specs
                    .iter()
                    .any(|s| s.path == "metadata/name" && spec_applies(s, &id))
            {
                r.metadata_mut().insert("name".into(), Node::string(ns));
            }
            continue;
        }
        if !id.is_cluster_scoped() {
            let meta = r.metadata_mut();
            match meta.get_mut("namespace") {
                Some(node) => write(node, ns, unset_only),
                None => {
                    meta.insert("namespace".into(), Node::string(ns));
                }
            }
        }
        for spec in specs.iter().filter(|s| {
            s.path != "metadata/namespace" && s.path != "metadata/name" && spec_applies(s, &id)
        }) {
            visit_marking_created(
                &mut r.obj,
                &split_path(&spec.path),
                spec.create,
                // A field just created holds nothing yet (kyaml creates an empty scalar).
                &mut |node, created| write(node, ns, unset_only && !created),
            );
        }
        if (id.kind == "RoleBinding" || id.kind == "ClusterRoleBinding")
            && let Some(Node::Seq(subjects)) = r.obj.get_mut("subjects")
        {
            for s in subjects.iter_mut() {
                let picked = match opts.subjects {
                    Subjects::DefaultOnly => {
                        s.get("name").and_then(Node::as_str) == Some("default")
                    }
                    Subjects::AllServiceAccounts => {
                        s.get("kind").and_then(Node::as_str) == Some("ServiceAccount")
                    }
                    Subjects::None => false,
                };
                if picked {
                    write_key(s, ns, unset_only);
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
