//! The `replicas` transformer.

use crate::error::{Error, Result};
use crate::fieldpath::{spec_applies, split_path, visit};
use crate::kustomization::FieldSpec;
use crate::kustomization::Replica;
use crate::resource::Resource;
use shgw_yaml::node::Node;

/// Sets the replica count of the workloads named `rep.name` (current or previous name) at
/// the replica field specs `specs` that apply to them.
///
/// # Errors
/// No resource of a kind the specs name has that name (kustomize's wording).
pub fn apply(
    resources: &mut [Resource],
    rep: &Replica,
    specs: &[FieldSpec],
    by: &crate::resource::ChangedBy,
) -> Result<()> {
    let mut found = false;
    for r in resources.iter_mut() {
        let id = r.id();
        if id.name != rep.name && !r.prev_ids.iter().any(|p| p.name == rep.name) {
            continue;
        }
        let mut changed = false;
        for spec in specs.iter().filter(|s| spec_applies(s, &id)) {
            found = true;
            changed = true;
            visit(
                &mut r.obj,
                &split_path(&spec.path),
                spec.create,
                &mut |node| {
                    *node = Node::from_value(&rep.count.into());
                },
            );
        }
        if changed {
            r.changes.push(by.clone());
        }
    }
    if found {
        Ok(())
    } else {
        let gvks: Vec<String> = specs
            .iter()
            .map(|s| {
                let or = |v: &str, p: &'static str| {
                    if v.is_empty() {
                        p.to_string()
                    } else {
                        v.to_string()
                    }
                };
                format!(
                    "{}.{}.{}",
                    or(&s.kind, "[noKind]"),
                    or(&s.version, "[noVer]"),
                    or(&s.group, "[noGrp]")
                )
            })
            .collect();
        Err(Error::msg(format!(
            "resource with name {} does not match a config with the following GVK [{}]",
            rep.name,
            gvks.join(" ")
        )))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sets_replicas_by_current_or_previous_name() {
        let mut r = Resource::new(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}),
        );
        r.set_name("p-web");
        let mut rs = vec![r];
        let specs = crate::config::builtin().unwrap().replicas;
        let by = crate::resource::ChangedBy {
            kustomization: "kustomization.yaml".into(),
            entry: "replicas[0]".into(),
            file: None,
            document: 0,
            kind: crate::ChangeKind::Transformer,
        };
        apply(
            &mut rs,
            &Replica {
                name: "web".into(),
                count: 3,
            },
            &specs,
            &by,
        )
        .unwrap();
        assert_eq!(rs[0].obj["spec"]["replicas"].to_value(), 3);
        assert_eq!(rs[0].changes.len(), 1);
        assert!(
            apply(
                &mut rs,
                &Replica {
                    name: "nope".into(),
                    count: 1
                },
                &specs,
                &by,
            )
            .is_err()
        );
    }
}
