//! Checks that a merged Gateway can be deployed: every problem, with its field path.

use crate::defaults as d;
use crate::diag::Diagnostic;
use crate::names::*;
use crate::resolve::{AuthMode, EntraCredential, Plan};
use crate::spec::*;
use crate::versions::{self, Feature, Version};
use std::collections::BTreeMap;

mod alerts;
mod network;
mod renewal;
mod trust_and_metrics;
mod workload;
use network::{networking, telemetry};
use workload::{resources, scaling, security, settings_and_pod, storage_and_ha};

pub(super) struct Check {
    out: Vec<Diagnostic>,
}

impl Check {
    pub(super) fn err(&mut self, path: impl Into<String>, msg: impl Into<String>) {
        self.out.push(Diagnostic::error(path, msg));
    }
    pub(super) fn warn(&mut self, path: impl Into<String>, msg: impl Into<String>) {
        self.out.push(Diagnostic::warning(path, msg));
    }
    pub(super) fn require(&mut self, path: &str, v: Option<&String>) {
        if v.is_none_or(|s| s.trim().is_empty()) {
            self.err(path, "required");
        }
    }
    pub(super) fn labels(&mut self, path: &str, m: &BTreeMap<String, String>, values: bool) {
        for (k, v) in m {
            if !is_qualified_name(k) {
                self.err(
                    format!("{path}.{k}"),
                    "not a valid key: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'",
                );
            }
            if values && !is_label_value(v) {
                self.err(
                    format!("{path}.{k}"),
                    format!("{v:?} is not a valid label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"),
                );
            }
        }
    }
    pub(super) fn quantity(&mut self, path: &str, q: &Quantity) -> Option<f64> {
        let v = parse_quantity(&q.0);
        if v.is_none() {
            self.err(
                path,
                format!(
                    "{:?} is not a quantity; write e.g. 2, 500m, 2Gi or 512Mi",
                    q.0
                ),
            );
        }
        v
    }
    pub(super) fn int_or_percent(&mut self, path: &str, v: &IntOrPercent) {
        match v {
            IntOrPercent::Int(i) if *i < 0 => self.err(path, "must not be negative"),
            IntOrPercent::Percent(s) if v.percent().is_none() => self.err(
                path,
                format!("{s:?} is neither a whole number nor a percentage from 0% to 100%"),
            ),
            _ => {}
        }
    }
    pub(super) fn subdomain(&mut self, path: &str, v: &str) {
        if !is_dns1123_subdomain(v) {
            self.err(
                path,
                format!("{v:?} is not a valid name: lower-case letters, digits, '-' and '.', at most 253 characters"),
            );
        }
    }
}

/// Every problem with the merged Gateway `g` (resolved as `r`).
pub fn validate(g: &Gateway, r: &Plan) -> Vec<Diagnostic> {
    let mut c = Check { out: Vec::new() };
    let s = &g.spec;
    metadata(&mut c, g);
    endpoint_and_auth(&mut c, s, r);
    image(&mut c, s, r);
    scaling(&mut c, s, r);
    resources(&mut c, s, r);
    networking(&mut c, s, r);
    storage_and_ha(&mut c, s, r);
    telemetry(&mut c, s);
    trust_and_metrics::check(&mut c, s);
    alerts::check(&mut c, s, r);
    security(&mut c, r);
    settings_and_pod(&mut c, s, r);
    adoption(&mut c, s);
    namespace_object(&mut c, g);
    c.out
}

/// Namespaces a Gateway may not own: Kubernetes' own.
const SYSTEM_NAMESPACES: [&str; 4] = ["default", "kube-node-lease", "kube-public", "kube-system"];

/// `spec.namespace`: a Namespace needs a name that is not Kubernetes' own, valid labels, and
/// leaves the Pod Security labels to `podSecurity`.
fn namespace_object(c: &mut Check, g: &Gateway) {
    let Some(n) = &g.spec.namespace else { return };
    let path = "spec.namespace";
    if n.create != Some(true) {
        if n.pod_security.is_some() || !n.labels.is_empty() || !n.annotations.is_empty() {
            c.warn(
                format!("{path}.create"),
                "the Namespace is not rendered (create is not true), so its podSecurity, labels and annotations have no effect",
            );
        }
        return;
    }
    match g.metadata.namespace.as_deref() {
        None => c.err(
            format!("{path}.create"),
            "needs metadata.namespace (or a profile default): the Namespace to create",
        ),
        Some(ns) if SYSTEM_NAMESPACES.contains(&ns) => c.err(
            format!("{path}.create"),
            format!("{ns:?} is Kubernetes' own namespace: a Gateway cannot own it (pruning the application would try to delete it)"),
        ),
        Some(_) => {}
    }
    c.labels(&format!("{path}.labels"), &n.labels, true);
    c.labels(&format!("{path}.annotations"), &n.annotations, false);
    for k in n.labels.keys() {
        if k.starts_with("pod-security.kubernetes.io/") {
            c.err(
                format!("{path}.labels.{k}"),
                "set by shgw from spec.namespace.podSecurity (restricted, baseline, privileged or none)",
            );
        }
    }
}

/// A field of `spec.adoption`, its value, the check it must pass and what it must be.
type NameRule<'a> = (&'a str, &'a Option<String>, fn(&str) -> bool, &'a str);

/// `spec.adoption`: every name is one Kubernetes takes for its kind, the selector is a valid,
/// non-empty label set.
fn adoption(c: &mut Check, s: &GatewaySpec) {
    let Some(a) = &s.adoption else { return };
    fn service(n: &str) -> bool {
        is_dns1123_label(n) && n.starts_with(|ch: char| ch.is_ascii_lowercase())
    }
    let label = "a DNS-1123 label (lower-case letters, digits and '-', at most 63)";
    let service_name = "a Service name (a DNS-1123 label starting with a letter, at most 63)";
    let subdomain = "a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253)";
    let fields: [NameRule; 6] = [
        ("deployment", &a.deployment, is_dns1123_subdomain, subdomain),
        ("container", &a.container, is_dns1123_label, label),
        ("configMap", &a.config_map, is_dns1123_subdomain, subdomain),
        (
            "liveTrafficService",
            &a.live_traffic_service,
            service,
            service_name,
        ),
        (
            "discoveryService",
            &a.discovery_service,
            service,
            service_name,
        ),
        ("backupVolume", &a.backup_volume, is_dns1123_label, label),
    ];
    for (field, value, ok, what) in fields {
        if let Some(v) = value.as_deref().filter(|v| !ok(v)) {
            c.err(
                format!("spec.adoption.{field}"),
                format!("{v:?} must be {what}"),
            );
        }
    }
    if a.selector.is_empty() && a.deployment.is_some() {
        c.err(
            "spec.adoption.selector",
            "required with spec.adoption.deployment: the Deployment's spec.selector.matchLabels, which cannot change",
        );
    }
    c.labels("spec.adoption.selector", &a.selector, true);
}

fn metadata(c: &mut Check, g: &Gateway) {
    let name = &g.metadata.name;
    if name.is_empty() {
        c.err("metadata.name", "required");
    } else if !crate::spec::is_gateway_name(name) {
        c.err(
            "metadata.name",
            format!("{name:?} must be a DNS-1123 label of at most {} characters (lower-case letters, digits and '-'), so that \"<name>-instance-discovery\" fits in 63", crate::spec::MAX_NAME_LEN),
        );
    }
    if let Some(ns) = &g.metadata.namespace
        && !is_dns1123_label(ns)
    {
        c.err(
            "metadata.namespace",
            format!(
                "{ns:?} must be a DNS-1123 label (lower-case letters, digits and '-', at most 63)"
            ),
        );
    }
    c.labels("metadata.labels", &g.metadata.labels, true);
    c.labels("metadata.annotations", &g.metadata.annotations, false);
    for k in g.metadata.labels.keys() {
        if k == d::LABEL_NAME || k == d::LABEL_INSTANCE {
            c.err(
                format!("metadata.labels.{k}"),
                "is set by shgw (it selects the gateway's pods)",
            );
        }
    }
}

fn endpoint_and_auth(c: &mut Check, s: &GatewaySpec, r: &Plan) {
    match &s.endpoint {
        None => c.err(
            "spec.endpoint",
            "required: the configuration endpoint, e.g. <apim>.configuration.azure-api.net",
        ),
        Some(e) => {
            let ok = if e.contains("://") {
                is_http_url(e, &["https"])
            } else {
                is_host_port(e, false)
            };
            if !ok {
                c.err(
                    "spec.endpoint",
                    format!("{e:?} must be a host, host:port or an https:// URL, e.g. contoso.configuration.azure-api.net"),
                );
            }
        }
    }
    if let Some(n) = &s.gateway_name
        && (n.trim().is_empty() || n.chars().any(char::is_whitespace))
    {
        c.err(
            "spec.gatewayName",
            "must be a non-empty name without spaces",
        );
    }
    match &s.auth {
        Some(Auth::EntraApp(e)) => {
            renewal::entra_credential(c, e);
            c.require("spec.auth.entraApp.tenantId", e.tenant_id.as_ref());
            c.require("spec.auth.entraApp.clientId", e.client_id.as_ref());
            for (p, v) in [
                ("authority", &e.authority),
                ("tokenAudience", &e.token_audience),
            ] {
                if let Some(v) = v.as_ref().filter(|v| !is_http_url(v, &["https"])) {
                    c.err(
                        format!("spec.auth.entraApp.{p}"),
                        format!("{v:?} must be an https:// URL"),
                    );
                }
            }
        }
        Some(Auth::WorkloadIdentity(w)) => {
            c.require("spec.auth.workloadIdentity.clientId", w.client_id.as_ref());
        }
        Some(Auth::Token(_)) | None => {}
    }
    let feature = match &r.auth {
        AuthMode::Token {
            secret_name,
            secret_key,
            ..
        } => {
            // A derived name is only as good as metadata.name, which is checked on its own.
            let explicit = match &s.auth {
                Some(Auth::Token(t)) => Some(t),
                _ => None,
            };
            if explicit.is_some_and(|t| t.secret_name.is_some()) {
                c.subdomain("spec.auth.token.secretName", secret_name);
            }
            if !is_config_key(secret_key) {
                c.err("spec.auth.token.secretKey", "not a valid Secret key");
            }
            if let Some(plan) = explicit.and_then(|t| t.renewal.as_ref()) {
                renewal::renewal(c, plan);
            }
            None
        }
        AuthMode::EntraApp { credential, .. } => {
            let (path, name, key) = match credential {
                EntraCredential::Secret {
                    secret_name,
                    secret_key,
                } => ("clientSecret", secret_name, secret_key),
                EntraCredential::Certificate { secret_name, key } => {
                    ("clientCertificate", secret_name, key)
                }
            };
            c.subdomain(&format!("spec.auth.entraApp.{path}.secretName"), name);
            if !is_config_key(key) {
                let field = if path == "clientSecret" {
                    "secretKey"
                } else {
                    "key"
                };
                c.err(
                    format!("spec.auth.entraApp.{path}.{field}"),
                    "not a valid Secret key",
                );
            }
            Some(Feature::EntraApp)
        }
        AuthMode::WorkloadIdentity {
            service_account, ..
        } => {
            c.subdomain(
                "spec.auth.workloadIdentity.serviceAccountName",
                service_account,
            );
            Some(Feature::WorkloadIdentity)
        }
    };
    let version = r.tag.as_deref().and_then(Version::from_tag);
    let needed = feature.and_then(versions::requirement).into_iter().chain(
        s.settings
            .iter()
            .flat_map(|(k, v)| versions::requirements_of_setting(k, &v.0)),
    );
    if let Some(v) = version {
        known_issues(c, r, v);
    }
    for req in needed {
        if let Some(v) = version.filter(|v| *v < req.since) {
            c.err(
                req.field,
                format!(
                    "{} needs gateway image {} or later; spec.image.tag is {v}",
                    req.title, req.since
                ),
            );
        }
    }
}

/// Warnings for the known issues of image version `v` that this deployment would meet.
fn known_issues(c: &mut Check, r: &Plan, v: Version) {
    let trigger = if r.platform == crate::profile::Platform::Openshift && r.backup.is_some() {
        versions::Trigger::BackupOnOpenShift
    } else {
        versions::Trigger::Always
    };
    for issue in versions::known_issues(v, trigger) {
        c.warn(
            "spec.image.tag",
            format!("{v}: {} ({})", issue.summary, issue.url()),
        );
    }
}

fn image(c: &mut Check, s: &GatewaySpec, r: &Plan) {
    let Some(img) = &s.image else { return };
    if let Some(repo) = &img.repository {
        let last = repo.rsplit('/').next().unwrap_or_default();
        if repo.is_empty()
            || repo.chars().any(char::is_whitespace)
            || repo.contains('@')
            || last.contains(':')
        {
            c.err(
                "spec.image.repository",
                format!("{repo:?} must be a repository without tag or digest (use spec.image.tag and spec.image.digest)"),
            );
        }
    }
    if let Some(tag) = &img.tag {
        let ok = !tag.is_empty()
            && tag.len() <= 128
            && !tag.starts_with(['.', '-'])
            && tag
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        if !ok {
            c.err(
                "spec.image.tag",
                format!("{tag:?} is not a valid tag: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'"),
            );
        }
    }
    if let Some(dg) = &img.digest {
        let ok = dg.split_once(':').is_some_and(|(alg, hex)| {
            alg == "sha256"
                && hex.len() == 64
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        });
        if !ok {
            c.err(
                "spec.image.digest",
                format!("{dg:?} must be sha256: followed by 64 lower-case hex digits"),
            );
        }
    }
    for (i, p) in img.pull_secrets.iter().enumerate() {
        c.subdomain(&format!("spec.image.pullSecrets[{i}]"), p);
    }
    if r.pull_policy == PullPolicy::Never {
        c.warn(
            "spec.image.pullPolicy",
            "Never: pods start only on nodes that already have the image",
        );
    }
}
