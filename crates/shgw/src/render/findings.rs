//! What the review of a render says, as problems of the Gateway: each finding on a rendered
//! object becomes a [`Diagnostic`] at the Gateway field the object's field comes from, so a
//! refused render points into the Gateway file rather than at manifests nobody wrote.

use crate::diag::{Diagnostic, Severity};
use crate::review::{Finding, Severity as Level};

/// Fields of the gateway container (`spec.template.spec.containers[N].<field>`) and the
/// Gateway field each comes from.
const CONTAINER_FIELDS: &[(&str, &str)] =
    &[("image", "spec.image"), ("resources", "spec.resources")];

/// Rules whose finding is about one Gateway field, wherever the rendered object shows it.
const RULE_FIELDS: &[(&str, &str)] = &[
    ("SHGW004", "spec.highAvailability.podDisruptionBudget"),
    ("SHGW007", "spec.highAvailability.topologySpread"),
    ("SHGW008", "spec.rollout"),
    ("SHGW043", "metadata.namespace"),
    ("SHGW044", "spec.networkPolicy.enabled"),
    ("SHGW061", "spec.auth.token"),
    ("SHGW062", "spec.auth.token"),
    ("SHGW049", "spec.service.externalTrafficPolicy"),
    ("SHGW063", "spec.auth.token.renewal"),
    ("SHGW070", "spec.backup.enabled"),
    ("SHGW075", "spec.backup.storageClassName"),
];

/// The Gateway field a finding on a rendered object comes from, when one does.
pub(crate) fn gateway_field(f: &Finding) -> Option<String> {
    if let Some((_, field)) = RULE_FIELDS.iter().find(|(rule, _)| *rule == f.rule) {
        return Some((*field).to_owned());
    }
    let path = f.path.as_str();
    if path == "metadata.namespace" {
        return Some(path.to_owned());
    }
    match (f.object.kind.as_str(), path) {
        ("Deployment", "spec.replicas") => return Some("spec.replicas".to_owned()),
        ("HorizontalPodAutoscaler", "spec.minReplicas") => {
            return Some("spec.autoscaling.minReplicas".to_owned());
        }
        _ => {}
    }
    let rest = path.strip_prefix("spec.template.spec.containers[")?;
    let (_, field) = rest.split_once("].")?;
    CONTAINER_FIELDS.iter().find_map(|(from, to)| {
        let tail = field.strip_prefix(from)?;
        (tail.is_empty() || tail.starts_with('.')).then(|| format!("{to}{tail}"))
    })
}

/// The unsuppressed findings as problems of the Gateway `gateway`, each naming the profile
/// whose level it has.
pub(crate) fn diagnostics(findings: &[Finding], gateway: &str, profile: &str) -> Vec<Diagnostic> {
    findings
        .iter()
        .filter(|f| f.suppression.is_none())
        .map(|f| {
            let severity = match f.severity {
                Level::Error => Severity::Error,
                Level::Warning => Severity::Warning,
                Level::Info => Severity::Info,
            };
            let (path, message) = match gateway_field(f) {
                Some(field) => (field, f.message.clone()),
                None if f.path.is_empty() => {
                    (String::new(), format!("{}: {}", f.object, f.message))
                }
                None => (
                    String::new(),
                    format!("{} {}: {}", f.object, f.path, f.message),
                ),
            };
            let message = format!("{message} ({profile} profile)");
            Diagnostic {
                severity,
                rule: crate::review::rule(&f.rule).map(|r| r.id),
                ..Diagnostic::error(path, message)
            }
            .for_gateway(gateway)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::{Location, ObjectRef};

    fn finding(rule: &str, kind: &str, path: &str) -> Finding {
        Finding {
            rule: rule.into(),
            name: String::new(),
            severity: Level::Error,
            gateway: None,
            object: ObjectRef {
                api_version: "v1".into(),
                kind: kind.into(),
                namespace: None,
                name: "gw".into(),
            },
            path: path.into(),
            location: Location {
                file: String::new(),
                line: 1,
                column: 1,
            },
            message: String::new(),
            suppression: None,
        }
    }

    #[test]
    fn rendered_fields_map_to_gateway_fields() {
        let cases = [
            (
                "SHGW001",
                "Deployment",
                "spec.replicas",
                Some("spec.replicas"),
            ),
            (
                "SHGW001",
                "HorizontalPodAutoscaler",
                "spec.minReplicas",
                Some("spec.autoscaling.minReplicas"),
            ),
            (
                "SHGW010",
                "Deployment",
                "spec.template.spec.containers[0].image",
                Some("spec.image"),
            ),
            (
                "SHGW020",
                "Deployment",
                "spec.template.spec.containers[0].resources.requests",
                Some("spec.resources.requests"),
            ),
            (
                "SHGW042",
                "Deployment",
                "metadata.namespace",
                Some("metadata.namespace"),
            ),
            (
                "SHGW004",
                "Deployment",
                "spec",
                Some("spec.highAvailability.podDisruptionBudget"),
            ),
            (
                "SHGW033",
                "Deployment",
                "spec.template.spec.containers[0].readinessProbe",
                None,
            ),
            (
                "SHGW020",
                "Deployment",
                "spec.template.spec.containers[0].imageX",
                None,
            ),
        ];
        for (rule, kind, path, want) in cases {
            assert_eq!(
                gateway_field(&finding(rule, kind, path)).as_deref(),
                want,
                "{rule} {kind} {path}"
            );
        }
    }
}
