//! A profile's policy applied to a resolved Gateway.

use crate::defaults::{BACKUP_CLASS_ADVICE, ROLLING_TAGS};
use crate::diag::Diagnostic;
use crate::profile::{Enforcement, Profile};
use crate::resolve::{AuthMode, Resolved};
use crate::spec::{AccessMode, ServiceType, TrafficPolicy};
use crate::versions::{NEWEST, Version};

fn finding(e: Enforcement, path: &str, msg: String) -> Option<Diagnostic> {
    match e {
        Enforcement::Allow => None,
        Enforcement::Warn => Some(Diagnostic::warning(path, msg)),
        Enforcement::Error => Some(Diagnostic::error(path, msg)),
    }
}

/// The findings of `profile`'s policy on `r`.
pub fn check(profile: &Profile, r: &Resolved) -> Vec<Diagnostic> {
    let p = &profile.policy;
    let name = &profile.metadata.name;
    let mut out = Vec::new();
    let replicas_path = if r.autoscaling.is_some() {
        "spec.autoscaling.minReplicas"
    } else {
        "spec.replicas"
    };
    if r.min_pods < p.min_replicas {
        out.push(Diagnostic::error(
            replicas_path,
            format!(
                "{} replica(s); the {name} profile needs at least {} so that one pod can fail or be drained",
                r.min_pods, p.min_replicas
            ),
        ));
    } else if r.min_pods < p.recommended_replicas {
        out.push(Diagnostic::warning(
            replicas_path,
            format!(
                "{} replicas; {} or more are recommended for {name} (Microsoft's production guidance)",
                r.min_pods, p.recommended_replicas
            ),
        ));
    }
    let rolling = match (&r.tag, &r.digest) {
        (_, Some(_)) => None,
        (None, None) => Some("no tag or digest".to_owned()),
        (Some(t), None) if ROLLING_TAGS.contains(&t.as_str()) || t.ends_with("-preview") => {
            Some(format!("{t:?} is a moving tag"))
        }
        (Some(t), None) if Version::from_tag(t).is_none() => {
            Some(format!("{t:?} is not an exact version (X.Y.Z)"))
        }
        _ => None,
    };
    if let Some(why) = rolling {
        out.extend(finding(
            p.rolling_tags,
            "spec.image.tag",
            format!("{why}; pin an exact version such as {NEWEST} or a digest ({name} profile)"),
        ));
    }
    for res in ["cpu", "memory"] {
        if !r.requests.contains_key(res) {
            out.extend(finding(
                p.missing_requests,
                &format!("spec.resources.requests.{res}"),
                format!("no {res} request; the scheduler cannot place the gateway sensibly ({name} profile; Microsoft suggests 2 CPU / 2Gi to start)"),
            ));
        }
    }
    if !r.limits.contains_key("memory") {
        out.extend(finding(
            p.missing_limits,
            "spec.resources.limits.memory",
            format!("no memory limit; a leaking gateway can starve its node ({name} profile)"),
        ));
    }
    if r.adopted && r.namespace.as_deref() == Some("default") {
        // An adoption updates objects where they are: moving them is a migration.
        let e = match p.default_namespace {
            Enforcement::Error => Enforcement::Warn,
            other => other,
        };
        out.extend(finding(
            e,
            "metadata.namespace",
            format!("the default namespace, kept because this Gateway adopts objects that live there; move the gateway to its own namespace when you can, as a new deployment ({name} profile)"),
        ));
    } else if r.namespace.as_deref().is_none_or(|n| n == "default") {
        out.extend(finding(
            p.default_namespace,
            "metadata.namespace",
            format!("the default namespace; give the gateway its own ({name} profile)"),
        ));
    }
    if r.backup.is_none() {
        out.extend(finding(
            p.backup_disabled,
            "spec.backup.enabled",
            format!("no configuration backup: a restarted pod cannot start while Azure is unreachable ({name} profile)"),
        ));
    }
    if let Some(claim) = r.backup.as_ref().and_then(|b| b.create.as_ref())
        && claim.access_mode == AccessMode::ReadWriteMany
        && claim.storage_class.is_none()
    {
        out.extend(finding(
            p.backup_without_storage_class,
            "spec.backup.storageClassName",
            format!("{BACKUP_CLASS_ADVICE} ({name} profile)"),
        ));
    }
    if r.disruption_budget.is_none() && r.min_pods > 1 {
        out.extend(finding(
            p.missing_disruption_budget,
            "spec.highAvailability.podDisruptionBudget",
            format!("no PodDisruptionBudget: a node drain may stop every replica at once ({name} profile)"),
        ));
    }
    if r.network_policy.is_none() {
        out.extend(finding(
            p.missing_network_policy,
            "spec.networkPolicy.enabled",
            format!(
                "no NetworkPolicy: any pod may reach the gateway's sync ports ({name} profile)"
            ),
        ));
    }
    if r.service_type != ServiceType::ClusterIP
        && r.external_traffic_policy != Some(TrafficPolicy::Local)
    {
        out.extend(finding(
            p.cluster_traffic_policy,
            "spec.service.externalTrafficPolicy",
            format!(
                "not Local: the gateway sees node addresses instead of client IPs ({name} profile)"
            ),
        ));
    }
    if let AuthMode::Token { renewal: None, .. } = r.auth {
        out.extend(finding(
            p.token_without_renewal,
            "spec.auth.token.renewal",
            format!("nothing renews the token: it expires within 30 days and the gateway then answers 200 with an empty body while staying Running (gateway issue #287); set spec.auth.token.renewal, or use spec.auth.workloadIdentity ({name} profile)"),
        ));
    }
    out
}
