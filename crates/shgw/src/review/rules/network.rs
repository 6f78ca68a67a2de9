//! Network around the gateway: NetworkPolicy, the UDP discovery ports and headless Service,
//! `neighborhood.host`, and how external Services route traffic.

use super::{Ctx, Hits, Theme};
use crate::defaults::{HEARTBEAT_PORT, RATE_LIMIT_SYNC_PORT};
use crate::review::inventory::Gateway;
use crate::review::objects::At;
use crate::review::objects::{int_at, map_selects, name, str_at};
use crate::settings::NEIGHBORHOOD_HOST;
use serde_json::Value;

pub(crate) const THEME: Theme = Theme {
    name: "network",
    rules: &[
        "SHGW044", "SHGW045", "SHGW046", "SHGW047", "SHGW048", "SHGW049", "SHGW074",
    ],
    check,
};

fn check(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    if cx
        .lookup
        .selecting(gw, "NetworkPolicy", "/spec/podSelector")
        .is_empty()
    {
        hits.on(
            gw,
            "SHGW044",
            format!("{}/metadata/labels", gw.template),
            "no NetworkPolicy in the stream selects the gateway pods",
        );
    }
    if gw.is_replicated() {
        udp_ports(cx, gw, hits);
        discovery(cx, gw, hits);
    }
    external(cx, gw, hits);
    dns_policy(cx, gw, hits);
}

/// `dnsPolicy: Default` matters when the gateway must resolve a cluster name: its peers, or a
/// setting that names a host.
fn dns_policy(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    let at = format!("{}/dnsPolicy", gw.pod());
    if str_at(cx.doc(gw), &at) != Some("Default") {
        return;
    }
    let names_cluster_host = gw.is_replicated() || gw.setting(NEIGHBORHOOD_HOST.key).is_some();
    if names_cluster_host {
        hits.on(gw, "SHGW074", at, "dnsPolicy Default: the node's resolver cannot resolve neighborhood.host or other cluster Service names");
    }
}

fn udp_ports(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    let ports = cx
        .doc(gw)
        .at(&format!("{}/ports", gw.container))
        .and_then(Value::as_array);
    let has = |n: i32| {
        ports.into_iter().flatten().any(|p| {
            int_at(p, "/containerPort") == Some(i64::from(n))
                && str_at(p, "/protocol") == Some("UDP")
        })
    };
    let missing: Vec<String> = [RATE_LIMIT_SYNC_PORT, HEARTBEAT_PORT]
        .into_iter()
        .filter(|p| !has(*p))
        .map(|p| format!("{p}/UDP"))
        .collect();
    if !missing.is_empty() {
        let at = if ports.is_some() {
            format!("{}/ports", gw.container)
        } else {
            gw.container.clone()
        };
        hits.on(
            gw,
            "SHGW045",
            at,
            format!(
                "{} replicas but no container port {}",
                replicas_text(gw),
                missing.join(" or ")
            ),
        );
    }
}

fn replicas_text(gw: &Gateway) -> String {
    gw.replicas
        .map_or_else(|| "one pod per node".to_owned(), |r| r.to_string())
}

fn is_headless(v: &Value) -> bool {
    str_at(v, "/spec/clusterIP") == Some("None")
}

/// Services in the gateway's namespace whose selector matches its pods.
fn selecting_services<'a>(
    cx: &'a Ctx,
    gw: &'a Gateway,
) -> impl Iterator<Item = (usize, &'a Value)> + 'a {
    // `services` is in stream order, so a Service's selector is found by its document index.
    cx.lookup
        .of_kind("Service", &gw.namespace)
        .iter()
        .filter_map(move |i| {
            let at = cx.services.binary_search_by_key(i, |(d, _)| *d).ok()?;
            map_selects(&cx.services[at].1, &gw.labels).then(|| (*i, &cx.docs[*i].value))
        })
}

fn discovery(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    let headless: Vec<(usize, &Value)> = selecting_services(cx, gw)
        .filter(|(_, v)| is_headless(v))
        .collect();
    if headless.is_empty() {
        hits.on(
            gw,
            "SHGW046",
            "/spec",
            format!(
                "{} replicas but no headless Service selects the pods for instance discovery",
                replicas_text(gw)
            ),
        );
    }
    match gw.setting(NEIGHBORHOOD_HOST.key) {
        None => hits.on(
            gw,
            "SHGW047",
            &gw.container,
            format!(
                "{} is not set: the replicas cannot find each other",
                NEIGHBORHOOD_HOST.key
            ),
        ),
        Some(s) => {
            let Some(host) = s.literal() else { return };
            let mut labels = host.split('.');
            let service = labels.next().unwrap_or_default();
            let ns = labels.next().unwrap_or(gw.namespace.as_str());
            if ns != gw.namespace {
                return; // another namespace: not in this stream's view
            }
            let ok = headless.iter().any(|(_, v)| name(v) == service);
            if !ok {
                let found = cx.lookup.find("Service", &gw.namespace, service);
                let what = match found.map(|i| &cx.docs[i]) {
                    None => format!(
                        "{} {host:?} names no Service in the stream",
                        NEIGHBORHOOD_HOST.key
                    ),
                    Some(d) if !is_headless(&d.value) => format!(
                        "{} {host:?} names Service {service}, which is not headless (clusterIP None)",
                        NEIGHBORHOOD_HOST.key
                    ),
                    Some(_) => format!(
                        "{} {host:?} names Service {service}, which does not select the gateway pods",
                        NEIGHBORHOOD_HOST.key
                    ),
                };
                hits.at(s.doc, "SHGW047", &s.pointer, what);
            }
        }
    }
}

fn external(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    for (i, v) in selecting_services(cx, gw) {
        let ty = str_at(v, "/spec/type").unwrap_or("ClusterIP");
        if ty != "LoadBalancer" && ty != "NodePort" {
            continue;
        }
        let svc = name(v);
        match str_at(v, "/spec/externalTrafficPolicy") {
            Some("Local") => {
                if let Some(r) = gw.replicas
                    && r < cx.profile.parameters.zones
                {
                    hits.at(i, "SHGW048", "/spec/externalTrafficPolicy", format!("Service {svc}: externalTrafficPolicy Local with {r} replica(s), fewer than the {} zones of the profile's parameters", cx.profile.parameters.zones));
                }
            }
            Some(other) => hits.at(i, "SHGW049", "/spec/externalTrafficPolicy", format!("Service {svc} ({ty}): externalTrafficPolicy {other} hides client IPs")),
            None => hits.at(i, "SHGW049", "/spec/type", format!("Service {svc} ({ty}) has no externalTrafficPolicy, so Cluster: client IPs are hidden")),
        }
    }
}
