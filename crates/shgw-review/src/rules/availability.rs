//! Replicas, autoscaling, disruption budgets and spreading.

use super::{Ctx, Hits, Theme};
use crate::inventory::{Gateway, selecting};
use serde_json::Value;

pub(crate) const THEME: Theme = Theme {
    name: "availability",
    rules: &[
        "SHGW001", "SHGW002", "SHGW003", "SHGW004", "SHGW005", "SHGW006", "SHGW007",
    ],
    check,
};

fn check(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    replicas(cx, gw, hits);
    budgets(cx, gw, hits);
    spread(cx, gw, hits);
}

fn replicas(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    let written = cx.doc(gw).pointer("/spec/replicas").is_some();
    if let Some(h) = gw.autoscaler
        && written
    {
        hits.on(
            gw,
            "SHGW003",
            "/spec/replicas",
            format!(
                "HorizontalPodAutoscaler {} scales this {}; spec.replicas resets its count on every apply",
                crate::objects::name(&cx.docs[h].value),
                gw.kind
            ),
        );
    }
    let Some(r) = gw.replicas else { return };
    let (doc, pointer, what) = match gw.autoscaler {
        Some(h) => (h, "/spec/minReplicas", "the autoscaler's minReplicas is"),
        None => (
            gw.doc,
            "/spec/replicas",
            if written {
                "spec.replicas is"
            } else {
                "spec.replicas is not set, so it is"
            },
        ),
    };
    if r < 2 {
        hits.at(
            doc,
            "SHGW001",
            pointer,
            format!("{what} {r}; production needs at least 2 (3 recommended)"),
        );
    } else if r < 3 {
        hits.at(
            doc,
            "SHGW002",
            pointer,
            format!("{what} {r}; 3 or more are recommended"),
        );
    }
}

/// `0`, `"0"` or `"0%"`.
fn is_zero(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.as_i64() == Some(0),
        Value::String(s) => matches!(s.trim(), "0" | "0%"),
        _ => false,
    }
}

fn budgets(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    let pdbs = selecting(cx.docs, gw, "PodDisruptionBudget", "/spec/selector");
    if pdbs.is_empty() {
        if gw.is_replicated() {
            hits.on(
                gw,
                "SHGW004",
                "/spec",
                "no PodDisruptionBudget in the stream selects this workload's pods",
            );
        }
        return;
    }
    for i in pdbs {
        let pdb = &cx.docs[i].value;
        let name = crate::objects::name(pdb);
        if let Some(v) = pdb.pointer("/spec/maxUnavailable")
            && is_zero(v)
        {
            hits.at(
                i,
                "SHGW005",
                "/spec/maxUnavailable",
                format!("PodDisruptionBudget {name}: maxUnavailable {v} allows no eviction"),
            );
            continue;
        }
        let Some(min) = pdb.pointer("/spec/minAvailable") else {
            continue;
        };
        if min.as_str().is_some_and(|s| s.trim() == "100%") {
            hits.at(
                i,
                "SHGW005",
                "/spec/minAvailable",
                format!("PodDisruptionBudget {name}: minAvailable 100% allows no eviction"),
            );
            continue;
        }
        let (Some(m), Some(r)) = (
            crate::objects::int_at(pdb, "/spec/minAvailable"),
            gw.replicas,
        ) else {
            continue;
        };
        if m < r {
            continue;
        }
        if gw.autoscaler.is_some() {
            hits.at(i, "SHGW006", "/spec/minAvailable", format!("PodDisruptionBudget {name}: minAvailable {m} with the autoscaler's minReplicas {r}: no eviction at the minimum"));
        } else {
            hits.at(i, "SHGW005", "/spec/minAvailable", format!("PodDisruptionBudget {name}: minAvailable {m} with {r} replicas allows no eviction"));
        }
    }
}

fn spread(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    if !gw.is_replicated() {
        return;
    }
    let pod = gw.pod();
    let doc = cx.doc(gw);
    let spread = doc
        .pointer(&format!("{pod}/topologySpreadConstraints"))
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    let anti = doc
        .pointer(&format!("{pod}/affinity/podAntiAffinity"))
        .is_some_and(|v| v.as_object().is_some_and(|m| !m.is_empty()));
    if !spread && !anti {
        hits.on(gw, "SHGW007", pod, "neither topologySpreadConstraints nor podAntiAffinity: all replicas may land on one node or zone");
    }
}
