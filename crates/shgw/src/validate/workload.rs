//! Checks of scaling, resources, storage, availability, security and pod settings.

use super::Check;
use crate::defaults as d;
use crate::names::*;
use crate::profile::Platform;
use crate::resolve::Plan;
use crate::settings::managed_setting;
use crate::spec::*;
use std::collections::BTreeMap;

pub(super) fn scaling(c: &mut Check, s: &GatewaySpec, r: &Plan) {
    if let Some(n) = s.replicas {
        if n < 0 {
            c.err("spec.replicas", "must not be negative");
        } else if n == 0 && s.autoscaling.is_none() {
            c.warn(
                "spec.replicas",
                "0: the gateway is scaled down and serves no traffic",
            );
        }
    }
    if let (Some(a), Some(plan)) = (&s.autoscaling, r.autoscaling) {
        let (min, max, cpu, mem) = (plan.min, plan.max, plan.cpu, plan.memory);
        if min < 1 {
            c.err("spec.autoscaling.minReplicas", "must be at least 1");
        }
        if max < min {
            c.err(
                "spec.autoscaling.maxReplicas",
                format!("{max} is below minReplicas {min}"),
            );
        }
        if !(1..=1000).contains(&cpu) {
            c.err(
                "spec.autoscaling.cpuUtilization",
                "must be a percentage from 1 to 1000",
            );
        }
        if mem.is_some_and(|m| !(1..=1000).contains(&m)) {
            c.err(
                "spec.autoscaling.memoryUtilization",
                "must be a percentage from 1 to 1000",
            );
        }
        if !r.requests.contains_key("cpu") {
            c.err(
                "spec.resources.requests.cpu",
                "required with spec.autoscaling: CPU utilisation is measured against the request",
            );
        }
        if mem.is_some() && !r.requests.contains_key("memory") {
            c.err(
                "spec.resources.requests.memory",
                "required with spec.autoscaling.memoryUtilization",
            );
        }
        if a.min_replicas.is_none() {
            c.warn("spec.autoscaling.minReplicas", "not set; using 1");
        }
    }
    c.int_or_percent("spec.rollout.maxUnavailable", &r.max_unavailable);
    c.int_or_percent("spec.rollout.maxSurge", &r.max_surge);
    if r.max_unavailable.is_zero() && r.max_surge.is_zero() {
        c.err(
            "spec.rollout",
            "maxUnavailable and maxSurge cannot both be 0: the rollout could never make progress",
        );
    }
}

pub(super) fn resources(c: &mut Check, s: &GatewaySpec, r: &Plan) {
    if s.resources.is_none() {
        return;
    }
    let mut req = BTreeMap::new();
    for (k, q) in &r.requests {
        if let Some(v) = c.quantity(&format!("spec.resources.requests.{}", camel(k)), q) {
            req.insert(*k, v);
        }
    }
    for (k, q) in &r.limits {
        let path = format!("spec.resources.limits.{}", camel(k));
        if let Some(limit) = c.quantity(&path, q)
            && let Some(request) = req.get(k).filter(|rq| **rq > limit)
        {
            let _ = request;
            c.err(
                format!("spec.resources.requests.{}", camel(k)),
                format!(
                    "{} is above the limit {} (spec.resources.limits.{})",
                    r.requests[k],
                    q,
                    camel(k)
                ),
            );
        }
    }
}

pub(super) fn camel(k: &str) -> &str {
    if k == "ephemeral-storage" {
        "ephemeralStorage"
    } else {
        k
    }
}

pub(super) fn storage_and_ha(c: &mut Check, s: &GatewaySpec, r: &Plan) {
    if let Some(b) = &r.backup {
        match &b.create {
            None => c.subdomain("spec.backup.existingClaim", &b.claim_name),
            Some(claim) => {
                let (size, mode, class) = (&claim.size, &claim.access_mode, &claim.storage_class);
                if c.quantity("spec.backup.size", size)
                    .is_some_and(|v| v <= 0.0)
                {
                    c.err("spec.backup.size", "must be above zero");
                }
                if let Some(class) = class.as_ref().filter(|cl| !cl.is_empty()) {
                    c.subdomain("spec.backup.storageClassName", class);
                }
                let many = r.min_pods > 1 || r.autoscaling.is_some_and(|a| a.max > 1);
                match mode {
                    AccessMode::ReadWriteOncePod if many => c.err(
                        "spec.backup.accessMode",
                        "ReadWriteOncePod lets only one pod mount the claim; with several replicas use ReadWriteMany",
                    ),
                    AccessMode::ReadWriteOnce if many => c.warn(
                        "spec.backup.accessMode",
                        "ReadWriteOnce: replicas on other nodes cannot mount the claim; use ReadWriteMany",
                    ),
                    _ => {}
                }
            }
        }
        if let Some(fs_group) = r.fs_group.filter(|g| *g != d::GATEWAY_UID) {
            c.warn(
                "spec.securityContext.fsGroup",
                format!(
                    "the backup path {} must be owned by group 1001; fsGroup is {fs_group}",
                    d::BACKUP_PATH
                ),
            );
        }
    } else if let Some(b) = s.backup.as_ref().filter(|b| b.enabled != Some(true))
        && b.existing_claim.is_some()
    {
        c.warn(
            "spec.backup.existingClaim",
            "ignored: spec.backup.enabled is not true",
        );
    }
    if let Some(pdb) = &r.disruption_budget {
        match (&pdb.max_unavailable, &pdb.min_available) {
            (Some(_), Some(_)) => c.err(
                "spec.highAvailability.podDisruptionBudget",
                "set maxUnavailable or minAvailable, not both",
            ),
            (None, None) => c.err(
                "spec.highAvailability.podDisruptionBudget",
                "set maxUnavailable or minAvailable",
            ),
            (Some(mu), None) => {
                c.int_or_percent(
                    "spec.highAvailability.podDisruptionBudget.maxUnavailable",
                    mu,
                );
                if mu.is_zero() {
                    c.err(
                        "spec.highAvailability.podDisruptionBudget.maxUnavailable",
                        "0 blocks every voluntary eviction, so node drains and upgrades hang; use 1 or more",
                    );
                }
            }
            (None, Some(ma)) => {
                let path = "spec.highAvailability.podDisruptionBudget.minAvailable";
                c.int_or_percent(path, ma);
                let blocks = match ma {
                    IntOrPercent::Int(n) => *n >= r.min_pods,
                    IntOrPercent::Percent(_) => ma.percent() == Some(100),
                };
                if blocks {
                    c.err(
                        path,
                        format!("{ma} with {} pod(s) blocks every voluntary eviction, so node drains hang; keep it below the replica count", r.min_pods),
                    );
                }
            }
        }
    }
    if r.anti_affinity == AntiAffinity::Required && r.min_pods > 1 {
        c.warn(
            "spec.highAvailability.antiAffinity",
            "required: each replica needs its own node, or it stays Pending",
        );
    }
}

pub(super) fn security(c: &mut Check, r: &Plan) {
    for (p, v) in [
        ("runAsUser", r.run_as_user),
        ("runAsGroup", r.run_as_group),
        ("fsGroup", r.fs_group),
    ] {
        if v.is_some_and(|v| !(0..=2_147_483_647).contains(&v)) {
            c.err(
                format!("spec.securityContext.{p}"),
                "must be from 0 to 2147483647",
            );
        }
    }
    if r.run_as_user == Some(0) {
        c.err(
            "spec.securityContext.runAsUser",
            "0 is root; the gateway runs as a non-root user (1001)",
        );
    }
    if r.trust_local_ca {
        local_ca_user(c, r);
    }
}

/// `certificates.local.ca.enabled` works only as UID 1001 (or root).
fn local_ca_user(c: &mut Check, r: &Plan) {
    match (r.platform, r.run_as_user) {
        (_, Some(d::GATEWAY_UID)) if r.platform == Platform::Openshift => c.warn(
            "spec.securityContext.runAsUser",
            "UID 1001 is outside OpenShift's namespace range: grant the gateway's ServiceAccount the anyuid SCC (oc adm policy add-scc-to-user anyuid -z <serviceaccount> -n <namespace>), or pods are rejected",
        ),
        (_, Some(d::GATEWAY_UID)) => {}
        (Platform::Openshift, None) => c.err(
            "spec.trustLocalCA",
            "local CA certificates need the gateway to run as UID 1001, but OpenShift's restricted-v2 SCC assigns a UID from the namespace's range; to accept running as 1001 under the anyuid SCC, set spec.securityContext.runAsUser: 1001 and grant the SCC to the gateway's ServiceAccount",
        ),
        (_, uid) => c.err(
            "spec.trustLocalCA",
            format!(
                "local CA certificates need the gateway to run as UID 1001; spec.securityContext.runAsUser is {}",
                uid.map_or_else(|| "unset".to_owned(), |u| u.to_string())
            ),
        ),
    }
}

pub(super) fn settings_and_pod(c: &mut Check, s: &GatewaySpec, r: &Plan) {
    for key in s.settings.keys() {
        let path = format!("spec.settings.{key}");
        if !is_config_key(key) {
            c.err(
                &path,
                "not a valid setting name: letters, digits, '-', '_' and '.'",
            );
        } else if let Some(managed) = managed_setting(key) {
            let how = if managed.field.starts_with('(') {
                format!("written by shgw {} and cannot be overridden", managed.field)
            } else {
                format!("written by shgw; set {} instead", managed.field)
            };
            c.err(&path, how);
        } else if key.to_ascii_lowercase().contains("secret")
            || key.to_ascii_lowercase().contains("password")
        {
            c.err(
                &path,
                "looks like a secret; settings go into a ConfigMap, so keep secrets in a Secret",
            );
        }
    }
    let Some(pod) = &s.pod else { return };
    c.labels("spec.pod.annotations", &pod.annotations, false);
    c.labels("spec.pod.labels", &pod.labels, true);
    c.labels("spec.pod.nodeSelector", &pod.node_selector, true);
    for k in pod.labels.keys() {
        if r.selector.contains_key(k) {
            c.err(
                format!("spec.pod.labels.{k}"),
                "is set by shgw (it selects the gateway's pods)",
            );
        }
    }
    for (i, t) in pod.tolerations.iter().enumerate() {
        let path = format!("spec.pod.tolerations[{i}]");
        match t.operator.as_deref() {
            None | Some("Equal") => {}
            Some("Exists") if t.value.as_deref().is_some_and(|v| !v.is_empty()) => {
                c.err(
                    format!("{path}.value"),
                    "must be empty when operator is Exists",
                );
            }
            Some("Exists") => {}
            Some(o) => c.err(
                format!("{path}.operator"),
                format!("{o:?}: use Equal or Exists"),
            ),
        }
        if let Some(e) = t.effect.as_deref()
            && !matches!(e, "NoSchedule" | "PreferNoSchedule" | "NoExecute")
        {
            c.err(
                format!("{path}.effect"),
                format!("{e:?}: use NoSchedule, PreferNoSchedule or NoExecute"),
            );
        }
        if t.toleration_seconds.is_some() && t.effect.as_deref() != Some("NoExecute") {
            c.err(
                format!("{path}.tolerationSeconds"),
                "only applies to effect NoExecute",
            );
        }
    }
    if let Some(p) = &pod.priority_class_name {
        c.subdomain("spec.pod.priorityClassName", p);
    }
    if r.termination_grace_period_seconds < 0 {
        c.err(
            "spec.pod.terminationGracePeriodSeconds",
            "must not be negative",
        );
    }
}
