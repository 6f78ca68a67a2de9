//! Checks of CA certificates, the Prometheus sidecar and local logs.

use super::Check;
use crate::defaults as d;
use crate::names::{is_config_key, is_host_port};
use crate::spec::{CaCertificate, GatewaySpec, LocalLogType, LocalLogs, Prometheus};
use std::collections::BTreeMap;

/// Every entry names exactly one ConfigMap or Secret and a key; no entry twice.
pub(super) fn ca_certificates(c: &mut Check, list: &[CaCertificate]) {
    let mut seen: BTreeMap<(bool, &str, &str), usize> = BTreeMap::new();
    for (i, ca) in list.iter().enumerate() {
        let path = format!("spec.caCertificates[{i}]");
        let source = match (&ca.config_map, &ca.secret) {
            (Some(n), None) => Some((false, n)),
            (None, Some(n)) => Some((true, n)),
            (Some(_), Some(_)) => {
                c.err(&path, "set exactly one of configMap or secret (found both)");
                None
            }
            (None, None) => {
                c.err(&path, "empty: set configMap or secret, and key");
                None
            }
        };
        if let Some((_, name)) = source {
            let field = if ca.secret.is_some() {
                "secret"
            } else {
                "configMap"
            };
            c.subdomain(&format!("{path}.{field}"), name);
        }
        let key = match &ca.key {
            None => {
                c.err(
                    format!("{path}.key"),
                    "required: the key holding the PEM certificate",
                );
                continue;
            }
            Some(k) if !is_config_key(k) => {
                c.err(format!("{path}.key"), format!("{k:?} is not a valid key"));
                continue;
            }
            Some(k) => k,
        };
        if let Some((secret, name)) = source
            && let Some(first) = seen.insert((secret, name, key), i)
        {
            c.err(
                &path,
                format!("the same certificate as spec.caCertificates[{first}]"),
            );
        }
    }
}

/// The sidecar's settings, and no second StatsD destination beside it.
pub(super) fn prometheus(c: &mut Check, p: &Prometheus, statsd_set: bool) {
    const PATH: &str = "spec.telemetry.metrics.prometheus";
    if p.enabled != Some(true) {
        return;
    }
    if statsd_set {
        c.err(
            "spec.telemetry.metrics.statsd",
            "the Prometheus sidecar receives the gateway's StatsD metrics itself; remove spec.telemetry.metrics.statsd or turn the sidecar off",
        );
    }
    if let Some(port) = p.port {
        let taken = [
            d::HTTP_CONTAINER_PORT,
            d::HTTPS_CONTAINER_PORT,
            d::RATE_LIMIT_SYNC_PORT,
            d::HEARTBEAT_PORT,
            d::STATSD_EXPORTER_UDP_PORT,
        ];
        if !(1024..=65535).contains(&port) {
            c.err(
                format!("{PATH}.port"),
                "must be from 1024 to 65535 (the pod runs as non-root)",
            );
        } else if taken.contains(&port) {
            c.err(
                format!("{PATH}.port"),
                format!("{port} is already used in the gateway's pod"),
            );
        }
    }
    if let Some(img) = &p.image {
        if img
            .repository
            .as_ref()
            .is_some_and(|r| r.is_empty() || r.contains(['@', ' ']))
        {
            c.err(
                format!("{PATH}.image.repository"),
                "must be a repository without tag or digest",
            );
        }
        if img.repository.is_some() && img.tag.is_none() && img.digest.is_none() {
            c.err(
                format!("{PATH}.image"),
                "a mirror needs a tag or a digest too",
            );
        }
        if img.tag.as_deref() == Some("latest") {
            c.err(
                format!("{PATH}.image.tag"),
                "pin an exact version, not latest",
            );
        }
    }
}

/// The gateway's own default for `json` local logs, used when no endpoint is given.
const JSON_DEFAULT_ENDPOINT: &str = "127.0.0.1:8888";

/// Whether `host:port` (or `[v6]:port`) names this pod itself.
fn is_loopback(endpoint: &str) -> bool {
    let host = endpoint.rsplit_once(':').map_or(endpoint, |(h, _)| h);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified())
}

/// Endpoints and facilities fit the chosen kind of local logs, and the logs can reach
/// something.
///
/// Decision on Unix sockets (`localsyslog`, `journal`, and `rfc5424` to a path): the pod has no
/// syslog or journald socket of its own, and shgw renders no sidecar that would provide one.
/// The node's socket could only be mounted through a `hostPath` volume, which Pod Security
/// `baseline` and `restricted`, OpenShift's `restricted-v2` SCC and hardening linters (checkov)
/// refuse, and which would write the gateway's logs into the node's system log. So these
/// configurations are refused with that reason rather than rendered to log into nothing.
///
/// A loopback UDP endpoint is received by nothing: shgw renders no log sidecar, and the only
/// sidecar, statsd-exporter, takes StatsD. That, and a file inside the container, is a warning
/// in every profile: the render works, the logs go nowhere.
pub(super) fn local_logs(c: &mut Check, l: &LocalLogs, statsd_exporter: bool) {
    const PATH: &str = "spec.telemetry.logs.local";
    let kind = l.kind.unwrap_or(LocalLogType::Auto);
    let syslog = matches!(kind, LocalLogType::LocalSyslog | LocalLogType::Rfc5424);
    if l.facility.is_some() && !syslog {
        c.err(
            format!("{PATH}.facility"),
            format!("only for localsyslog and rfc5424, not {}", kind.as_str()),
        );
    }
    if l.facility.is_some_and(|f| f > 23) {
        c.err(format!("{PATH}.facility"), "a syslog facility is 0 to 23");
    }
    let no_socket = |what: &str| {
        format!(
            "{what}, a Unix socket on the node that the pod does not have: mounting it takes a hostPath volume, which Pod Security baseline and restricted and OpenShift's restricted-v2 refuse, so shgw does not render one. Use spec.telemetry.logs.std (the cluster's log agent collects the container's standard output), or rfc5424 or json to a collector's host:port"
        )
    };
    let nobody_listens = |e: &str| {
        let sidecar = if statsd_exporter {
            format!(
                "; the statsd-exporter sidecar takes only StatsD, on 127.0.0.1:{}",
                d::STATSD_EXPORTER_UDP_PORT
            )
        } else {
            String::new()
        };
        format!(
            "{e} is this pod itself, and nothing in the pod receives logs there (shgw renders no log sidecar{sidecar}): these logs are dropped. Send them to a collector's Service (such as fluent-bit.logging:5170), or set type none and rely on spec.telemetry.logs.std"
        )
    };
    match (kind, l.endpoint.as_deref()) {
        (LocalLogType::None | LocalLogType::Auto, Some(_)) => c.err(
            format!("{PATH}.endpoint"),
            format!("not used with type {}", kind.as_str()),
        ),
        (LocalLogType::None | LocalLogType::Auto, None) => {}
        (LocalLogType::LocalSyslog | LocalLogType::Journal, Some(e)) if !e.starts_with('/') => c
            .err(
                format!("{PATH}.endpoint"),
                format!("{e:?} must be a socket path such as /dev/log"),
            ),
        (LocalLogType::LocalSyslog | LocalLogType::Journal, e) => c.err(
            format!("{PATH}.type"),
            no_socket(&format!(
                "{} writes to {}",
                kind.as_str(),
                e.unwrap_or("the node's socket")
            )),
        ),
        (LocalLogType::Rfc5424, None) => c.err(
            format!("{PATH}.endpoint"),
            "required with rfc5424: the host:port of a syslog collector",
        ),
        (LocalLogType::Rfc5424, Some(e)) if e.starts_with('/') => c.err(
            format!("{PATH}.endpoint"),
            no_socket(&format!("rfc5424 to {e} writes to a path")),
        ),
        (LocalLogType::Rfc5424, Some(e)) if !is_host_port(e, true) => c.err(
            format!("{PATH}.endpoint"),
            format!("{e:?} must be the host:port of a syslog collector, such as syslog.logging:514"),
        ),
        (LocalLogType::Json, Some(e)) if !e.starts_with('/') && !is_host_port(e, true) => c.err(
            format!("{PATH}.endpoint"),
            format!("{e:?} must be a UDP host:port such as 127.0.0.1:8888, or a path"),
        ),
        (LocalLogType::Json, Some(e)) if e.starts_with('/') => c.warn(
            format!("{PATH}.endpoint"),
            format!("{e} is a file inside the container: nothing collects it, and it is lost when the pod is replaced. Send the logs to a collector's host:port, or set type none and rely on spec.telemetry.logs.std"),
        ),
        (LocalLogType::Json, None) => c.warn(
            format!("{PATH}.endpoint"),
            format!("not set, so the gateway's default: {}", nobody_listens(JSON_DEFAULT_ENDPOINT)),
        ),
        (LocalLogType::Rfc5424 | LocalLogType::Json, Some(e)) if is_loopback(e) => {
            c.warn(format!("{PATH}.endpoint"), nobody_listens(e))
        }
        (LocalLogType::Rfc5424 | LocalLogType::Json, Some(_)) => {}
    }
}

/// All of the above for one spec.
pub(super) fn check(c: &mut Check, s: &GatewaySpec) {
    ca_certificates(c, &s.ca_certificates);
    let telemetry = s.telemetry.as_ref();
    if let Some(m) = telemetry.and_then(|t| t.metrics.as_ref())
        && let Some(p) = &m.prometheus
    {
        prometheus(c, p, m.statsd.is_some());
    }
    if let Some(l) = telemetry
        .and_then(|t| t.logs.as_ref())
        .and_then(|l| l.local.as_ref())
    {
        let sidecar = telemetry
            .and_then(|t| t.metrics.as_ref())
            .and_then(|m| m.prometheus.as_ref())
            .is_some_and(|p| p.enabled == Some(true));
        local_logs(c, l, sidecar);
    }
}
