//! How the objects find each other: the workload's own selector, the Services named after the
//! gateway, and the namespace they all land in.

use super::{Ctx, Hits, Theme};
use crate::review::inventory::Gateway;
use crate::review::objects::At;
use crate::review::objects::{label_selector_selects, map_selects, name};
use std::collections::HashMap;

pub(crate) const THEME: Theme = Theme {
    name: "wiring",
    rules: &["SHGW040", "SHGW041", "SHGW042", "SHGW043"],
    check,
};

fn check(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    let doc = cx.doc(gw);
    if !label_selector_selects(doc.at("/spec/selector"), &gw.labels) {
        hits.on(gw, "SHGW040", "/spec/selector", "spec.selector does not match spec.template.metadata.labels; the API server refuses this workload");
    }
    services(cx, gw, hits);
    match doc
        .at("/metadata/namespace")
        .and_then(serde_json::Value::as_str)
    {
        Some("default") => hits.on(gw, "SHGW042", "/metadata/namespace", "namespace default"),
        None if is_helm_managed(doc) => {}
        None => hits.on(
            gw,
            "SHGW043",
            "/metadata",
            "no metadata.namespace: the objects land in the current context's namespace",
        ),
        Some(_) => {}
    }
}

/// Objects Helm installs get `helm install --namespace`: they name none on purpose.
fn is_helm_managed(doc: &serde_json::Value) -> bool {
    doc.at("/metadata/labels/app.kubernetes.io~1managed-by")
        .and_then(serde_json::Value::as_str)
        == Some("Helm")
}

/// Whether a Service's target ports are the gateway's (8080, 8081, the UDP sync ports or their
/// names as the portal and the chart write them).
fn targets_gateway_ports(v: &serde_json::Value) -> bool {
    const NAMES: &[&str] = &["http", "https", "rate-limit-dc", "dc-heartbeat"];
    const NUMBERS: &[i64] = &[8080, 8081, 4290, 4291];
    let ports = v.at("/spec/ports").and_then(serde_json::Value::as_array);
    let mut ports = ports.into_iter().flatten().peekable();
    ports.peek().is_some()
        && ports.all(|p| match p.get("targetPort").or_else(|| p.get("port")) {
            Some(serde_json::Value::String(n)) => NAMES.contains(&n.as_str()),
            Some(t) => t.as_i64().is_some_and(|n| NUMBERS.contains(&n)),
            None => false,
        })
}

/// The Services each gateway (by its document) owns, as indexes into `services`, in stream
/// order. A Service belongs to a gateway by name (`<gateway>-live-traffic`: the longest
/// gateway name that prefixes it in its namespace), else, for a Service aimed at the gateway's
/// ports, to the first gateway of its namespace. Computed once per review, with the gateways
/// indexed by namespace.
pub(crate) fn service_owners(
    docs: &[crate::review::document::Document],
    gateways: &[Gateway],
    services: &[(usize, std::collections::BTreeMap<String, String>)],
) -> HashMap<usize, Vec<usize>> {
    let mut by_namespace: HashMap<&str, Vec<&Gateway>> = HashMap::new();
    for g in gateways {
        by_namespace
            .entry(g.namespace.as_str())
            .or_default()
            .push(g);
    }
    let mut owned: HashMap<usize, Vec<usize>> = HashMap::new();
    for (s, (i, _)) in services.iter().enumerate() {
        let d = &docs[*i];
        let Some(in_namespace) = by_namespace.get(d.namespace()) else {
            continue;
        };
        let owner = service_owner(in_namespace, d.name()).or_else(|| {
            targets_gateway_ports(&d.value)
                .then(|| in_namespace.first().copied())
                .flatten()
        });
        if let Some(g) = owner {
            owned.entry(g.doc).or_default().push(s);
        }
    }
    owned
}

/// The gateway of `gateways` (those of the Service's namespace) whose name is the Service's
/// name or a `<name>-` prefix of it; the longest such name (the last of equals).
fn service_owner<'a>(gateways: &[&'a Gateway], service: &str) -> Option<&'a Gateway> {
    gateways
        .iter()
        .copied()
        .filter(|g| {
            service
                .strip_prefix(g.name.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
        })
        .max_by_key(|g| g.name.len())
}

fn services(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    let owned = cx
        .service_owners
        .get(&gw.doc)
        .map_or(&[][..], Vec::as_slice);
    for (i, selector) in owned.iter().filter_map(|s| cx.services.get(*s)) {
        let (i, v) = (*i, &cx.docs[*i].value);
        if selector.is_empty() {
            continue; // endpoints managed by hand
        }
        // Usually the Service selects its own gateway's pods; only otherwise look further.
        let any_pod = map_selects(selector, &gw.labels)
            || cx
                .pods
                .iter()
                .any(|(ns, labels)| *ns == gw.namespace && map_selects(selector, labels));
        if !any_pod {
            hits.at(
                i,
                "SHGW041",
                "/spec/selector",
                format!(
                    "Service {} selects no pod in the stream; gateway {} has labels {}",
                    name(v),
                    gw.name,
                    show_labels(&gw.labels)
                ),
            );
        }
    }
}

fn show_labels(labels: &std::collections::BTreeMap<String, String>) -> String {
    let parts: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{{{}}}", parts.join(", "))
}
