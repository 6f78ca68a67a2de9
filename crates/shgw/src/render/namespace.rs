//! The Namespace object, for deployments that own their namespace.

use crate::defaults as d;
use crate::resolve::Plan;
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// The prefix of the Pod Security admission labels.
pub(crate) const POD_SECURITY_PREFIX: &str = "pod-security.kubernetes.io/";

/// The modes each level is set for: enforced, and also audited and warned about so that a pod
/// added by another tool is reported where `kubectl` shows it.
const MODES: [&str; 3] = ["audit", "enforce", "warn"];

/// Namespace `metadata.namespace`, when `spec.namespace.create` is on and there is one.
pub(crate) fn namespace(r: &Plan) -> Option<Namespace> {
    let plan = r.namespace_object.as_ref()?;
    let name = r.namespace.clone()?;
    // The Gateway's own labels, not those that name one gateway: a fleet may share the namespace.
    let mut labels: std::collections::BTreeMap<String, String> = r
        .labels
        .iter()
        .filter(|(k, _)| {
            !r.selector.contains_key(*k)
                && ![d::LABEL_INSTANCE, d::LABEL_COMPONENT].contains(&k.as_str())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    labels.extend(plan.labels.clone());
    if let Some(level) = plan.pod_security {
        for mode in MODES {
            labels.insert(
                format!("{POD_SECURITY_PREFIX}{mode}"),
                level.as_str().to_owned(),
            );
        }
    }
    let mut annotations = r.annotations.clone();
    annotations.extend(plan.annotations.clone());
    Some(Namespace {
        metadata: ObjectMeta {
            name: Some(name),
            labels: Some(labels),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..Default::default()
        },
        ..Default::default()
    })
}
