//! How the objects find each other: the workload's own selector, the Services named after the
//! gateway, and the namespace they all land in.

use super::{Ctx, Hits, Theme};
use crate::inventory::Gateway;
use crate::objects::{
    kind, label_selector_selects, map_selects, name, namespace, pod_template, string_map,
};

pub(crate) const THEME: Theme = Theme {
    name: "wiring",
    rules: &["SHGW040", "SHGW041", "SHGW042", "SHGW043"],
    check,
};

fn check(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    let doc = cx.doc(gw);
    if !label_selector_selects(doc.pointer("/spec/selector"), &gw.labels) {
        hits.on(gw, "SHGW040", "/spec/selector", "spec.selector does not match spec.template.metadata.labels; the API server refuses this workload");
    }
    services(cx, gw, hits);
    match doc
        .pointer("/metadata/namespace")
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
    doc.pointer("/metadata/labels/app.kubernetes.io~1managed-by")
        .and_then(serde_json::Value::as_str)
        == Some("Helm")
}

/// The gateway a Service belongs to by name: the longest gateway name that is the Service's
/// name or a `<name>-` prefix of it, in the same namespace.
pub(crate) fn service_owner<'a>(
    gateways: &'a [Gateway],
    ns: &str,
    service: &str,
) -> Option<&'a Gateway> {
    gateways
        .iter()
        .filter(|g| g.namespace == ns)
        .filter(|g| service == g.name || service.starts_with(&format!("{}-", g.name)))
        .max_by_key(|g| g.name.len())
}

fn services(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    for (i, d) in cx.docs.iter().enumerate() {
        let v = &d.value;
        if kind(v) != "Service" || namespace(v) != gw.namespace {
            continue;
        }
        let owner = service_owner(cx.gateways, &gw.namespace, name(v));
        if owner.is_none_or(|o| o.doc != gw.doc) {
            continue;
        }
        let selector = string_map(v, "/spec/selector");
        if selector.is_empty() {
            continue; // endpoints managed by hand
        }
        let any_pod = cx.docs.iter().any(|p| {
            namespace(&p.value) == gw.namespace
                && pod_template(kind(&p.value)).is_some_and(|t| {
                    map_selects(
                        &selector,
                        &string_map(&p.value, &format!("{t}/metadata/labels")),
                    )
                })
        });
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
