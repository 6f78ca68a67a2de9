//! Linter findings that the gateway makes unavoidable, each with its reason, as the
//! `checkov.io/skipN` annotations checkov reads.

use crate::defaults as d;
use crate::resolve::{AuthMode, Plan};
use crate::spec::PullPolicy;
use std::collections::BTreeMap;

/// `checkov.io/skip1..N` annotations for the Deployment, and the `shgw.dev/ignore` of the
/// default-namespace rule for a gateway adopted where it lives.
pub(crate) fn linter_skips(r: &Plan) -> BTreeMap<String, String> {
    let mut skips: Vec<String> = vec![
        "CKV_K8S_22=the gateway writes its CA bundle under /etc/ssl/certs at start; a read-only root filesystem is not supported".into(),
    ];
    match r.run_as_user {
        Some(uid) if uid < 10000 => skips.push(format!(
            "CKV_K8S_40=UID {uid} is the gateway image's own user, required for local CA certificates and the backup volume"
        )),
        None => skips.push(
            "CKV_K8S_40=the platform assigns the UID from the namespace's range (OpenShift restricted-v2 SCC)"
                .into(),
        ),
        Some(_) => {}
    }
    if !matches!(r.auth, AuthMode::WorkloadIdentity { .. }) {
        skips.push("CKV_K8S_35=the gateway reads its credential only from an environment variable (config.service.auth / azureAd.clientSecret)".into());
    }
    if r.pull_policy != PullPolicy::Always {
        skips.push("CKV_K8S_15=the image is pinned; IfNotPresent lets pods restart while the registry is unreachable".into());
    }
    if r.digest.is_none() {
        skips.push(format!(
            "CKV_K8S_43=pinned to an exact version tag ({}); set spec.image.digest to pin by digest",
            r.tag.as_deref().unwrap_or(d::IMAGE_TAG)
        ));
    }
    if r.network_policy.is_none() {
        skips.push(
            "CKV2_K8S_6=NetworkPolicy turned off in this profile (spec.networkPolicy.enabled)"
                .into(),
        );
    }
    let mut out: BTreeMap<String, String> = skips
        .into_iter()
        .enumerate()
        .map(|(i, s)| (format!("checkov.io/skip{}", i + 1), s))
        .collect();
    if r.adopted && r.namespace.as_deref() == Some("default") {
        // shgw review's own rule: an adoption updates the objects where they live.
        out.insert(
            "shgw.dev/ignore".into(),
            "SHGW042=adopted in place (spec.adoption): the objects live in default, and moving them to their own namespace is a new deployment".into(),
        );
    }
    out
}
