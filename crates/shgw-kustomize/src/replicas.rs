//! The `replicas` transformer.

use crate::error::{Error, Result};
use crate::kustomization::Replica;
use crate::resource::{Resource, ensure_object};
use serde_json::Value;

const KINDS: &[&str] = &[
    "Deployment",
    "ReplicationController",
    "ReplicaSet",
    "StatefulSet",
];

/// Sets `spec.replicas` on the workloads named by `rep`.
pub fn apply(resources: &mut [Resource], rep: &Replica) -> Result<()> {
    let mut found = false;
    for r in resources.iter_mut() {
        let id = r.id();
        if !KINDS.contains(&id.kind.as_str()) {
            continue;
        }
        if id.name != rep.name && !r.prev_ids.iter().any(|p| p.name == rep.name) {
            continue;
        }
        found = true;
        let obj = ensure_object(&mut r.obj);
        let spec = ensure_object(obj.entry("spec").or_insert(Value::Null));
        spec.insert("replicas".into(), Value::from(rep.count));
    }
    if found {
        Ok(())
    } else {
        Err(Error::msg(format!(
            "resource with name {} does not match a config with the following GVK [Deployment.[noVer].[noGrp] StatefulSet.[noVer].[noGrp] ReplicaSet.[noVer].[noGrp] ReplicationController.[noVer].[noGrp]]",
            rep.name
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
        apply(
            &mut rs,
            &Replica {
                name: "web".into(),
                count: 3,
            },
        )
        .unwrap();
        assert_eq!(rs[0].obj["spec"]["replicas"], 3);
        assert!(
            apply(
                &mut rs,
                &Replica {
                    name: "nope".into(),
                    count: 1
                }
            )
            .is_err()
        );
    }
}
