//! Rendering for an older Kubernetes: which fields and API versions shgw renders need which
//! Kubernetes version, and the step that makes rendered objects valid for a given one.
//!
//! [`REQUIREMENTS`] is the one table. Each entry names a field or an API version that shgw
//! renders and that is newer than [`OLDEST_SUPPORTED`], the version from which it works on a
//! cluster with default settings (beta and on by default, or GA; sources: the KEPs' milestones
//! and the Kubernetes API reference), and what happens on an older cluster:
//!
//! - [`WhenOlder::Omit`]: the object still does its job without the field; it is left out,
//!   with a warning saying what is lost;
//! - [`WhenOlder::Refuse`]: leaving it out would silently drop something the Gateway asked for
//!   (a security control); the render fails naming the Gateway field and the version needed.
//!
//! Why 1.25 is the oldest supported version: every object shgw renders can be checked against
//! the 1.25 API schema (`kubernetes-validate -k 1.25 --strict`, the oldest schema it ships), and
//! the API versions shgw renders exist since before it (`policy/v1` PodDisruptionBudget and
//! `batch/v1` CronJob since 1.21, `autoscaling/v2` HorizontalPodAutoscaler since 1.23, CronJob
//! `timeZone` beta and on by default since 1.25). Older clusters would need other API versions
//! (`autoscaling/v2beta2`, `policy/v1beta1`, `batch/v1beta1`), which shgw does not render.
//!
//! ```
//! use shgw::kube_version::{KubeVersion, for_kube_version};
//! let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: gw, namespace: apim}\nspec: {endpoint: gw.configuration.azure-api.net, backup: {storageClassName: azurefile-csi}}\n";
//! let gw = &shgw::parse_gateways("gw.yaml", text)?[0];
//! let out = shgw::resolve(gw, &shgw::Profile::embedded("production")?).and_then(|r| shgw::render(&r))?;
//! let v = KubeVersion::parse("v1.26.3").unwrap();
//! let older = for_kube_version("gw.yaml", out, v)?;
//! assert!(!older.to_yaml().contains("unhealthyPodEvictionPolicy"));
//! assert!(older.warnings.iter().any(|w| w.message.contains("unhealthyPodEvictionPolicy")));
//! # Ok::<(), shgw::Error>(())
//! ```

use crate::defaults as d;
use crate::diag::{Diagnostic, Severity};
use crate::error::Error;
use crate::render::{Manifests, Object};
use std::fmt;

/// A Kubernetes version, `major.minor` (patch levels do not change the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    /// Major version (1).
    pub major: u32,
    /// Minor version.
    pub minor: u32,
}

/// The oldest Kubernetes version shgw renders for; an older `--kube-version` is refused.
pub const OLDEST_SUPPORTED: KubeVersion = KubeVersion::new(1, 25);

/// The newest version whose API schema the tests check the output against
/// (`kubernetes-validate` 1.37.0); newer versions are accepted and get the default output.
pub const NEWEST_CHECKED: KubeVersion = KubeVersion::new(1, 37);

impl KubeVersion {
    /// A version from its parts.
    pub const fn new(major: u32, minor: u32) -> KubeVersion {
        KubeVersion { major, minor }
    }

    /// Reads the forms clusters and tools print: `1.25`, `v1.25.3`, `1.25+` (the server's
    /// minor version on some managed clusters, sent as is by older Argo CD), `1.29.3-gke.100`,
    /// `v1.30.2+k3s1`, `v1.30.2k3s1` (Argo CD's `KUBE_VERSION` with every `+` deleted).
    /// `None` for anything else.
    ///
    /// ```
    /// use shgw::kube_version::KubeVersion;
    /// assert_eq!(KubeVersion::parse("1.25"), Some(KubeVersion::new(1, 25)));
    /// assert_eq!(KubeVersion::parse("v1.25.3"), Some(KubeVersion::new(1, 25)));
    /// assert_eq!(KubeVersion::parse("1.25+"), Some(KubeVersion::new(1, 25)));
    /// assert_eq!(KubeVersion::parse("1.29.3-eks-1234"), Some(KubeVersion::new(1, 29)));
    /// assert_eq!(KubeVersion::parse("1"), None);
    /// assert_eq!(KubeVersion::parse("1.x"), None);
    /// assert_eq!(KubeVersion::parse("1.25foo"), None);
    /// ```
    pub fn parse(text: &str) -> Option<KubeVersion> {
        let t = text.trim();
        let t = t.strip_prefix('v').unwrap_or(t);
        let (major, rest) = leading_number(t)?;
        let rest = rest.strip_prefix('.')?;
        let (minor, rest) = leading_number(rest)?;
        let tail_ok = match rest.chars().next() {
            None => true,
            Some('+') => true,
            // After the patch level anything may follow: `-gke.100`, `+k3s1`, and `k3s1`
            // from the Argo CD versions that delete every `+` of the server's version.
            Some('.') => leading_number(&rest[1..]).is_some(),
            Some('-') => rest.len() > 1,
            Some(_) => false,
        };
        tail_ok.then_some(KubeVersion::new(major, minor))
    }

    /// [`parse`](Self::parse), refusing versions older than [`OLDEST_SUPPORTED`]; `origin`
    /// names where the text came from in the error (`--kube-version`, `$KUBE_VERSION`).
    ///
    /// # Error
    /// [`Error`] naming `origin`, the text and what is accepted.
    pub fn supported(text: &str, origin: &str) -> Result<KubeVersion, Error> {
        let Some(v) = KubeVersion::parse(text) else {
            return Err(Error::single(
                origin,
                "",
                format!(
                    "{text:?} is not a Kubernetes version (accepted: 1.30, v1.30.2, 1.30+, 1.30.2-eks-1)"
                ),
            ));
        };
        if v < OLDEST_SUPPORTED {
            return Err(Error::single(
                origin,
                "",
                format!(
                    "Kubernetes {v} is older than the oldest version shgw renders for ({OLDEST_SUPPORTED}): it lacks the API versions shgw renders (policy/v1 since 1.21, autoscaling/v2 since 1.23)"
                ),
            ));
        }
        Ok(v)
    }
}

fn leading_number(s: &str) -> Option<(u32, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    Some((s[..end].parse().ok()?, &s[end..]))
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// What happens to an object on a cluster older than a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenOlder {
    /// The field is left out (the object still does its job), with a warning.
    Omit,
    /// The render is refused: leaving it out would drop what the Gateway asked for.
    Refuse,
}

/// One field or API version shgw renders, and the Kubernetes version it needs.
#[derive(Debug, Clone, Copy)]
pub struct Requirement {
    /// The kind of the object it is on.
    pub kind: &'static str,
    /// The field (`spec.unhealthyPodEvictionPolicy`), or `apiVersion` for the kind itself.
    pub field: &'static str,
    /// The first version where it works on a cluster with default settings.
    pub since: KubeVersion,
    /// What an older version gets.
    pub when_older: WhenOlder,
    /// The Gateway field that makes shgw render it, named in a refusal.
    pub gateway_field: &'static str,
    /// What it does, what is lost without it, and its history.
    pub note: &'static str,
    /// Takes it out of an object of [`kind`](Self::kind); `true` when it was there.
    strip: fn(&mut Object) -> bool,
}

fn strip_unhealthy_pod_eviction_policy(o: &mut Object) -> bool {
    match o {
        Object::PodDisruptionBudget(pdb) => pdb
            .spec
            .as_mut()
            .and_then(|s| s.unhealthy_pod_eviction_policy.take())
            .is_some(),
        _ => false,
    }
}

fn strip_match_label_keys(o: &mut Object) -> bool {
    let Object::Deployment(dep) = o else {
        return false;
    };
    let constraints = dep
        .spec
        .as_mut()
        .and_then(|s| s.template.spec.as_mut())
        .and_then(|p| p.topology_spread_constraints.as_mut());
    let mut found = false;
    for c in constraints.into_iter().flatten() {
        found |= c.match_label_keys.take().is_some();
    }
    found
}

/// The policy only: its binding goes with it, and one refusal is enough.
fn is_admission_policy(o: &mut Object) -> bool {
    matches!(o, Object::ValidatingAdmissionPolicy(_))
}

/// Every field and API version shgw renders that is newer than [`OLDEST_SUPPORTED`].
pub static REQUIREMENTS: &[Requirement] = &[
    Requirement {
        kind: "PodDisruptionBudget",
        field: "spec.unhealthyPodEvictionPolicy",
        since: KubeVersion::new(1, 27),
        when_older: WhenOlder::Omit,
        gateway_field: "spec.highAvailability.podDisruptionBudget",
        note: "AlwaysAllow lets a drain evict pods that are not ready; without it a node drain waits while the budget is not met (alpha 1.26, beta and on by default 1.27, GA 1.31; KEP-3017)",
        strip: strip_unhealthy_pod_eviction_policy,
    },
    Requirement {
        kind: "Deployment",
        field: "spec.template.spec.topologySpreadConstraints[].matchLabelKeys",
        since: KubeVersion::new(1, 27),
        when_older: WhenOlder::Omit,
        gateway_field: "spec.highAvailability.topologySpread",
        note: "pod-template-hash spreads each rollout's pods on their own; without it the spread counts old and new pods together during a rollout (alpha 1.25, beta and on by default 1.27; KEP-3243)",
        strip: strip_match_label_keys,
    },
    Requirement {
        kind: "ValidatingAdmissionPolicy",
        field: "apiVersion",
        since: KubeVersion::new(1, 30),
        when_older: WhenOlder::Refuse,
        gateway_field: "spec.auth.token.renewal.admissionPolicy.enabled",
        note: "admissionregistration.k8s.io/v1 (GA 1.30; beta APIs off by default before); without it the renewer's RBAC alone limits what it may change",
        strip: is_admission_policy,
    },
];

/// Makes rendered objects valid for Kubernetes `version`: the fields of [`REQUIREMENTS`] it
/// lacks are left out (a warning each, added to the manifests' warnings), and an object it
/// cannot serve refuses the render. `source` names the input in errors. The default output,
/// for the newest versions, passes through unchanged.
///
/// # Error
/// [`Error`] naming the Gateway field, the object and the version needed, for every
/// [`WhenOlder::Refuse`] requirement the objects meet; nothing is rendered then.
pub fn for_kube_version(
    source: &str,
    mut manifests: Manifests,
    version: KubeVersion,
) -> Result<Manifests, Error> {
    let mut problems = Vec::new();
    for object in &mut manifests.objects {
        for req in REQUIREMENTS.iter().filter(|r| version < r.since) {
            if !(req.strip)(object) {
                continue;
            }
            let meta = object.metadata();
            let name = meta.name.clone().unwrap_or_default();
            let gateway = meta
                .labels
                .as_ref()
                .and_then(|l| l.get(d::LABEL_INSTANCE))
                .cloned()
                .unwrap_or_default();
            let found = match req.when_older {
                WhenOlder::Omit => Diagnostic::warning(
                    "",
                    format!(
                        "{} {name}: {} left out for Kubernetes {version} (it needs {}): {}",
                        object.kind(),
                        req.field,
                        req.since,
                        req.note
                    ),
                ),
                WhenOlder::Refuse => Diagnostic::error(
                    req.gateway_field,
                    format!(
                        "{} {name} needs Kubernetes {} or later, and {version} was asked for: {}; turn it off for this cluster or render for {} or later",
                        object.kind(),
                        req.since,
                        req.note,
                        req.since
                    ),
                ),
            };
            problems.push(found.for_gateway(&gateway));
        }
    }
    if problems.iter().any(|p| p.severity == Severity::Error) {
        problems.sort_by_key(|p| p.severity);
        return Err(Error::invalid(source, problems));
    }
    manifests.warnings.extend(problems);
    Ok(manifests)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_what_clusters_and_argo_cd_send() {
        for (text, want) in [
            ("1.25", Some((1, 25))),
            ("v1.31.4", Some((1, 31))),
            ("1.28+", Some((1, 28))),
            ("1.30.2+k3s1", Some((1, 30))),
            ("v1.29.3-gke.1093000", Some((1, 29))),
            ("v1.30.2k3s1", Some((1, 30))),
            ("1.25foo", None),
            (" 1.33 ", Some((1, 33))),
            ("", None),
            ("v", None),
            ("1.", None),
            ("1.2.", None),
            ("1.25-", None),
            ("1.25 x", None),
            ("latest", None),
            ("1.99999999999", None),
        ] {
            assert_eq!(
                KubeVersion::parse(text),
                want.map(|(a, b)| KubeVersion::new(a, b)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn refuses_versions_below_the_oldest() {
        let e = KubeVersion::supported("1.24", "--kube-version").unwrap_err();
        assert!(e.to_string().contains("older than the oldest"), "{e}");
        assert!(e.to_string().contains("1.25"), "{e}");
        let e = KubeVersion::supported("one", "$KUBE_VERSION").unwrap_err();
        assert!(e.to_string().starts_with("$KUBE_VERSION"), "{e}");
        assert_eq!(
            KubeVersion::supported("1.25", "x").ok(),
            Some(OLDEST_SUPPORTED)
        );
    }

    #[test]
    fn the_table_holds_only_what_is_newer_than_the_oldest() {
        for r in REQUIREMENTS {
            assert!(r.since > OLDEST_SUPPORTED, "{} {}", r.kind, r.field);
            assert!(r.since <= NEWEST_CHECKED, "{} {}", r.kind, r.field);
        }
    }
}
