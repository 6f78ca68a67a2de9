//! Readiness, liveness and startup probes of the gateway container.

use super::{Ctx, Hits, Theme};
use crate::defaults::{HTTP_CONTAINER_PORT, HTTPS_CONTAINER_PORT, PROBE_PATH};
use crate::review::inventory::Gateway;
use crate::review::objects::At;
use crate::review::objects::int_at;
use serde_json::Value;

pub(crate) const THEME: Theme = Theme {
    name: "probes",
    rules: &["SHGW030", "SHGW031", "SHGW032", "SHGW033", "SHGW034"],
    check,
};

/// The status path of the v1-era portal file and the 2026 documentation samples; still served.
const LEGACY_PROBE_PATH: &str = "/internal-status-0123456789abcdef";

fn check(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    let Some(container) = cx.doc(gw).at(&gw.container) else {
        return;
    };
    for (field, missing_rule) in [
        ("readinessProbe", "SHGW030"),
        ("livenessProbe", "SHGW031"),
        ("startupProbe", "SHGW032"),
    ] {
        let at = format!("{}/{field}", gw.container);
        match container.get(field) {
            None => hits.on(gw, missing_rule, &gw.container, format!("no {field}")),
            Some(probe) => {
                endpoint(gw, container, field, probe, &at, hits);
                if field == "startupProbe" {
                    startup_budget(cx, gw, probe, &at, hits);
                }
            }
        }
    }
}

/// The container port a probe port (number or name) means, if the container declares it.
fn resolve_port(container: &Value, port: &Value) -> Option<i64> {
    match port {
        Value::Number(n) => n.as_i64(),
        Value::String(name) => container
            .get("ports")
            .and_then(Value::as_array)?
            .iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
            .and_then(|p| int_at(p, "/containerPort")),
        _ => None,
    }
}

fn endpoint(
    gw: &Gateway,
    container: &Value,
    field: &str,
    probe: &Value,
    at: &str,
    hits: &mut Hits,
) {
    if let Some(get) = probe.get("httpGet") {
        let path = get.get("path").and_then(Value::as_str).unwrap_or("/");
        if path != PROBE_PATH && path != LEGACY_PROBE_PATH {
            hits.on(
                gw,
                "SHGW033",
                format!("{at}/httpGet/path"),
                format!("{field} calls {path}; the gateway answers on {PROBE_PATH}"),
            );
        }
        let port = get.get("port").unwrap_or(&Value::Null);
        match resolve_port(container, port) {
            Some(p) if p == i64::from(HTTP_CONTAINER_PORT) => {}
            Some(p) => hits.on(gw, "SHGW033", format!("{at}/httpGet/port"), format!("{field} uses port {p}; the status endpoint is on the HTTP port {HTTP_CONTAINER_PORT}")),
            None => hits.on(gw, "SHGW033", format!("{at}/httpGet/port"), format!("{field} port {} is not a port the container declares", show(port))),
        }
        if get
            .get("scheme")
            .and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("HTTPS"))
        {
            hits.on(
                gw,
                "SHGW033",
                format!("{at}/httpGet/scheme"),
                format!(
                    "{field} uses HTTPS; the status endpoint on {HTTP_CONTAINER_PORT} is plain HTTP"
                ),
            );
        }
    } else if let Some(tcp) = probe.get("tcpSocket") {
        let port = tcp.get("port").unwrap_or(&Value::Null);
        let ok = resolve_port(container, port).is_some_and(|p| {
            p == i64::from(HTTP_CONTAINER_PORT) || p == i64::from(HTTPS_CONTAINER_PORT)
        });
        if !ok {
            hits.on(
                gw,
                "SHGW033",
                format!("{at}/tcpSocket/port"),
                format!(
                    "{field} port {} is not the gateway's 8080 or 8081",
                    show(port)
                ),
            );
        }
    }
}

fn startup_budget(cx: &Ctx, gw: &Gateway, probe: &Value, at: &str, hits: &mut Hits) {
    let delay = int_at(probe, "/initialDelaySeconds").unwrap_or(0);
    let period = int_at(probe, "/periodSeconds").unwrap_or(10);
    let failures = int_at(probe, "/failureThreshold").unwrap_or(3);
    let total = delay + period * failures;
    let min = cx.profile.parameters.min_startup_seconds;
    if total < min {
        let pointer = if probe.get("failureThreshold").is_some() {
            format!("{at}/failureThreshold")
        } else {
            at.to_owned()
        };
        hits.on(gw, "SHGW034", pointer, format!("the startup probe gives up after {total} s ({delay} + {failures} x {period} s); allow at least {min} s (minStartupSeconds)"));
    }
}

fn show(v: &Value) -> String {
    v.as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| v.to_string())
}
