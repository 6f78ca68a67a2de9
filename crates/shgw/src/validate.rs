//! Checks that a merged Gateway can be deployed: every problem, with its field path.

use crate::defaults as d;
use crate::diag::Diagnostic;
use crate::names::*;
use crate::resolve::{AuthMode, Resolved};
use crate::spec::*;
use std::collections::BTreeMap;

/// Settings that shgw writes itself, and the field that controls each.
const MANAGED_SETTINGS: &[(&str, &str)] = &[
    ("config.service.endpoint", "spec.endpoint"),
    ("config.service.auth", "spec.auth"),
    (
        "config.service.auth.azureAd.tenantId",
        "spec.auth.entraApp.tenantId",
    ),
    (
        "config.service.auth.azureAd.clientId",
        "spec.auth.entraApp.clientId",
    ),
    (
        "config.service.auth.azureAd.clientSecret",
        "spec.auth.entraApp.clientSecret",
    ),
    (
        "config.service.auth.azureAd.authority",
        "spec.auth.entraApp.authority",
    ),
    (
        "config.service.auth.tokenAudience",
        "spec.auth.entraApp.tokenAudience",
    ),
    ("gateway.name", "spec.gatewayName"),
    ("neighborhood.host", "metadata.name"),
    ("neighborhood.heartbeat.port", "(fixed at 4291)"),
    ("policy.rate-limit.sync.port", "(fixed at 4290)"),
    ("telemetry.logs.std", "spec.telemetry.logs.std"),
    ("telemetry.logs.std.level", "spec.telemetry.logs.level"),
    ("telemetry.logs.std.color", "spec.telemetry.logs.color"),
    ("telemetry.metrics.cloud", "spec.telemetry.metrics.cloud"),
    ("telemetry.metrics.local", "spec.telemetry.metrics.statsd"),
    ("certificates.local.ca.enabled", "spec.trustLocalCA"),
];

struct Check {
    out: Vec<Diagnostic>,
}

impl Check {
    fn err(&mut self, path: impl Into<String>, msg: impl Into<String>) {
        self.out.push(Diagnostic::error(path, msg));
    }
    fn warn(&mut self, path: impl Into<String>, msg: impl Into<String>) {
        self.out.push(Diagnostic::warning(path, msg));
    }
    fn require(&mut self, path: &str, v: Option<&String>) {
        if v.is_none_or(|s| s.trim().is_empty()) {
            self.err(path, "required");
        }
    }
    fn labels(&mut self, path: &str, m: &BTreeMap<String, String>, values: bool) {
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
    fn quantity(&mut self, path: &str, q: &Quantity) -> Option<f64> {
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
    fn int_or_percent(&mut self, path: &str, v: &IntOrPercent) {
        match v {
            IntOrPercent::Int(i) if *i < 0 => self.err(path, "must not be negative"),
            IntOrPercent::Percent(s) if v.percent().is_none() => self.err(
                path,
                format!("{s:?} is neither a whole number nor a percentage from 0% to 100%"),
            ),
            _ => {}
        }
    }
    fn subdomain(&mut self, path: &str, v: &str) {
        if !is_dns1123_subdomain(v) {
            self.err(
                path,
                format!("{v:?} is not a valid name: lower-case letters, digits, '-' and '.', at most 253 characters"),
            );
        }
    }
}

/// The version in an exact `X.Y.Z` tag.
pub(crate) fn tag_version(tag: &str) -> Option<(u32, u32, u32)> {
    let core = tag.split(['-', '+']).next()?;
    let mut it = core.split('.').map(|p| p.parse::<u32>().ok());
    let v = (it.next()??, it.next()??, it.next()??);
    it.next().is_none().then_some(v)
}

/// Every problem with the merged Gateway `g` (resolved as `r`).
pub fn validate(g: &Gateway, r: &Resolved) -> Vec<Diagnostic> {
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
    security(&mut c, r);
    settings_and_pod(&mut c, s, r);
    c.out
}

fn metadata(c: &mut Check, g: &Gateway) {
    let name = &g.metadata.name;
    if name.is_empty() {
        c.err("metadata.name", "required");
    } else if !is_dns1123_label(name) || name.len() > 44 {
        c.err(
            "metadata.name",
            format!("{name:?} must be a DNS-1123 label of at most 44 characters (lower-case letters, digits and '-'), so that \"<name>-instance-discovery\" fits in 63"),
        );
    }
    if let Some(ns) = &g.metadata.namespace {
        if !is_dns1123_label(ns) {
            c.err(
                "metadata.namespace",
                format!("{ns:?} must be a DNS-1123 label (lower-case letters, digits and '-', at most 63)"),
            );
        }
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

fn endpoint_and_auth(c: &mut Check, s: &GatewaySpec, r: &Resolved) {
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
    if let Some(n) = &s.gateway_name {
        if n.trim().is_empty() || n.chars().any(char::is_whitespace) {
            c.err(
                "spec.gatewayName",
                "must be a non-empty name without spaces",
            );
        }
    }
    if let Some(a) = &s.auth {
        let set: Vec<&str> = [
            ("token", a.token.is_some()),
            ("entraApp", a.entra_app.is_some()),
            ("workloadIdentity", a.workload_identity.is_some()),
        ]
        .into_iter()
        .filter_map(|(n, on)| on.then_some(n))
        .collect();
        if set.len() != 1 {
            c.err(
                "spec.auth",
                format!(
                    "set exactly one of token, entraApp or workloadIdentity (found {})",
                    if set.is_empty() {
                        "none".to_owned()
                    } else {
                        set.join(", ")
                    }
                ),
            );
        }
        if let Some(e) = &a.entra_app {
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
        if let Some(w) = &a.workload_identity {
            c.require("spec.auth.workloadIdentity.clientId", w.client_id.as_ref());
        }
    }
    let min_version = match &r.auth {
        AuthMode::Token {
            secret_name,
            secret_key,
        } => {
            c.subdomain("spec.auth.token.secretName", secret_name);
            if !is_config_key(secret_key) {
                c.err("spec.auth.token.secretKey", "not a valid Secret key");
            }
            None
        }
        AuthMode::EntraApp {
            secret_name,
            secret_key,
            ..
        } => {
            c.subdomain("spec.auth.entraApp.clientSecret.secretName", secret_name);
            if !is_config_key(secret_key) {
                c.err(
                    "spec.auth.entraApp.clientSecret.secretKey",
                    "not a valid Secret key",
                );
            }
            Some(((2, 3, 0), "spec.auth.entraApp"))
        }
        AuthMode::WorkloadIdentity {
            service_account, ..
        } => {
            c.subdomain(
                "spec.auth.workloadIdentity.serviceAccountName",
                service_account,
            );
            Some(((2, 11, 0), "spec.auth.workloadIdentity"))
        }
    };
    if let (Some((min, path)), Some(v)) = (min_version, r.tag.as_deref().and_then(tag_version)) {
        if v < min {
            c.err(
                path,
                format!(
                    "needs gateway image {}.{}.{} or later; spec.image.tag is {}.{}.{}",
                    min.0, min.1, min.2, v.0, v.1, v.2
                ),
            );
        }
    }
}

fn image(c: &mut Check, s: &GatewaySpec, r: &Resolved) {
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

fn scaling(c: &mut Check, s: &GatewaySpec, r: &Resolved) {
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
    if let Some(a) = &s.autoscaling {
        let (min, max, cpu, mem) = r.autoscaling.unwrap_or((1, 1, 0, None));
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

fn resources(c: &mut Check, s: &GatewaySpec, r: &Resolved) {
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
        if let Some(limit) = c.quantity(&path, q) {
            if let Some(request) = req.get(k).filter(|rq| **rq > limit) {
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
}

fn camel(k: &str) -> &str {
    if k == "ephemeral-storage" {
        "ephemeralStorage"
    } else {
        k
    }
}

fn networking(c: &mut Check, s: &GatewaySpec, r: &Resolved) {
    let dns = &r.dns;
    if dns.policy == Some(DnsPolicy::None) && dns.nameservers.is_empty() {
        c.err(
            "spec.dns.nameservers",
            "required when spec.dns.policy is None",
        );
    }
    if dns.nameservers.len() > 3 {
        c.err("spec.dns.nameservers", "at most 3 name servers");
    }
    for (i, ns) in dns.nameservers.iter().enumerate() {
        if !is_ip(ns) {
            c.err(
                format!("spec.dns.nameservers[{i}]"),
                format!("{ns:?} is not an IP address"),
            );
        }
    }
    if dns.searches.len() > 32 {
        c.err("spec.dns.searches", "at most 32 search domains");
    }
    for (i, sd) in dns.searches.iter().enumerate() {
        if !is_hostname(sd.trim_end_matches('.')) {
            c.err(
                format!("spec.dns.searches[{i}]"),
                format!("{sd:?} is not a domain name"),
            );
        }
    }
    for k in dns.options.keys() {
        if k.is_empty() || k.contains(char::is_whitespace) {
            c.err(
                "spec.dns.options",
                format!("{k:?} is not a resolver option name"),
            );
        }
    }
    for (i, h) in dns.host_aliases.iter().enumerate() {
        if !is_ip(&h.ip) {
            c.err(
                format!("spec.dns.hostAliases[{i}].ip"),
                format!("{:?} is not an IP address", h.ip),
            );
        }
        if h.hostnames.is_empty() {
            c.err(
                format!("spec.dns.hostAliases[{i}].hostnames"),
                "list at least one host name",
            );
        }
        for (j, n) in h.hostnames.iter().enumerate() {
            if !is_hostname(n) {
                c.err(
                    format!("spec.dns.hostAliases[{i}].hostnames[{j}]"),
                    format!("{n:?} is not a host name"),
                );
            }
        }
    }
    for (p, v) in [("httpPort", r.http_port), ("httpsPort", r.https_port)] {
        if !(1..=65535).contains(&v) {
            c.err(
                format!("spec.service.{p}"),
                format!("{v} is not a port (1 to 65535)"),
            );
        }
    }
    if r.http_port == r.https_port {
        c.err(
            "spec.service.httpsPort",
            format!("clashes with spec.service.httpPort ({})", r.http_port),
        );
    }
    if let Some(svc) = &s.service {
        c.labels("spec.service.annotations", &svc.annotations, false);
        if !svc.load_balancer_source_ranges.is_empty()
            && r.service_type != ServiceType::LoadBalancer
        {
            c.err(
                "spec.service.loadBalancerSourceRanges",
                "only applies to type LoadBalancer",
            );
        }
    }
    for (i, cidr) in r.source_ranges.iter().enumerate() {
        if !is_cidr(cidr) {
            c.err(
                format!("spec.service.loadBalancerSourceRanges[{i}]"),
                format!("{cidr:?} is not a CIDR block"),
            );
        }
    }
    for (i, cidr) in r.network_policy.iter().flatten().enumerate() {
        if !is_cidr(cidr) {
            c.err(
                format!("spec.networkPolicy.allowedCidrs[{i}]"),
                format!("{cidr:?} is not a CIDR block"),
            );
        }
    }
    let p = &r.proxy;
    for (f, v) in [("http", &p.http), ("https", &p.https)] {
        if let Some(v) = v.as_ref().filter(|v| !is_http_url(v, &["http", "https"])) {
            c.err(
                format!("spec.proxy.{f}"),
                format!("{v:?} must be an http:// or https:// URL"),
            );
        }
    }
    for (i, n) in p.no_proxy.iter().enumerate() {
        if n.is_empty() || n.contains([',', ' ']) {
            c.err(
                format!("spec.proxy.noProxy[{i}]"),
                "one host, domain or CIDR per entry",
            );
        }
    }
}

fn storage_and_ha(c: &mut Check, s: &GatewaySpec, r: &Resolved) {
    if let Some(b) = &r.backup {
        match &b.create {
            None => c.subdomain("spec.backup.existingClaim", &b.claim_name),
            Some((size, mode, class)) => {
                if c.quantity("spec.backup.size", size)
                    .is_some_and(|v| v <= 0.0)
                {
                    c.err("spec.backup.size", "must be above zero");
                }
                if let Some(class) = class.as_ref().filter(|cl| !cl.is_empty()) {
                    c.subdomain("spec.backup.storageClassName", class);
                }
                let many = r.min_pods > 1 || r.autoscaling.is_some_and(|a| a.1 > 1);
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
        if r.fs_group != d::GATEWAY_UID {
            c.warn(
                "spec.securityContext.fsGroup",
                format!(
                    "the backup path {} must be owned by group 1001; fsGroup is {}",
                    d::BACKUP_PATH,
                    r.fs_group
                ),
            );
        }
    } else if let Some(b) = s.backup.as_ref().filter(|b| b.enabled != Some(true)) {
        if b.existing_claim.is_some() {
            c.warn(
                "spec.backup.existingClaim",
                "ignored: spec.backup.enabled is not true",
            );
        }
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

fn telemetry(c: &mut Check, s: &GatewaySpec) {
    let Some(m) = s.telemetry.as_ref().and_then(|t| t.metrics.as_ref()) else {
        return;
    };
    if let Some(sd) = &m.statsd {
        match &sd.endpoint {
            None => c.err(
                "spec.telemetry.metrics.statsd.endpoint",
                "required: host:port of the StatsD server",
            ),
            Some(e) if !is_host_port(e, true) => c.err(
                "spec.telemetry.metrics.statsd.endpoint",
                format!("{e:?} must be host:port, e.g. statsd.monitoring:8125"),
            ),
            _ => {}
        }
        if sd.sampling.is_some_and(|x| !(0.0..=1.0).contains(&x)) {
            c.err(
                "spec.telemetry.metrics.statsd.sampling",
                "must be between 0 and 1",
            );
        }
    }
    if let Some(o) = &m.open_telemetry {
        match &o.collector_uri {
            None => c.err(
                "spec.telemetry.metrics.openTelemetry.collectorUri",
                "required, e.g. http://otel-collector:4317",
            ),
            Some(u) if !is_http_url(u, &["http", "https"]) => c.err(
                "spec.telemetry.metrics.openTelemetry.collectorUri",
                format!("{u:?} must be an http:// or https:// URL"),
            ),
            _ => {}
        }
    }
}

fn security(c: &mut Check, r: &Resolved) {
    for (p, v) in [
        ("runAsUser", r.run_as_user),
        ("runAsGroup", r.run_as_group),
        ("fsGroup", r.fs_group),
    ] {
        if !(0..=2_147_483_647).contains(&v) {
            c.err(
                format!("spec.securityContext.{p}"),
                "must be from 0 to 2147483647",
            );
        }
    }
    if r.run_as_user == 0 {
        c.err(
            "spec.securityContext.runAsUser",
            "0 is root; the gateway runs as a non-root user (1001)",
        );
    }
    if r.trust_local_ca && r.run_as_user != d::GATEWAY_UID {
        c.err(
            "spec.trustLocalCA",
            format!("local CA certificates need the gateway to run as UID 1001; spec.securityContext.runAsUser is {}", r.run_as_user),
        );
    }
}

fn settings_and_pod(c: &mut Check, s: &GatewaySpec, r: &Resolved) {
    for key in s.settings.keys() {
        let path = format!("spec.settings.{key}");
        if !is_config_key(key) {
            c.err(
                &path,
                "not a valid setting name: letters, digits, '-', '_' and '.'",
            );
        } else if let Some((_, field)) = MANAGED_SETTINGS.iter().find(|(k, _)| k == key) {
            c.err(&path, format!("written by shgw; set {field} instead"));
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
        if let Some(e) = t.effect.as_deref() {
            if !matches!(e, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                c.err(
                    format!("{path}.effect"),
                    format!("{e:?}: use NoSchedule, PreferNoSchedule or NoExecute"),
                );
            }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn tag_versions() {
        assert_eq!(tag_version("2.11.1"), Some((2, 11, 1)));
        assert_eq!(tag_version("2.11.1-rc1"), Some((2, 11, 1)));
        assert_eq!(tag_version("v2"), None);
        assert_eq!(tag_version("2.11"), None);
    }
}
