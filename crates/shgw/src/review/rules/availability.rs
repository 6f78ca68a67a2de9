//! Replicas, autoscaling, disruption budgets and spreading.

use super::{Ctx, Hits, Theme};
use crate::review::inventory::Gateway;
use crate::review::objects::At;
use serde_json::Value;

pub(crate) const THEME: Theme = Theme {
    name: "availability",
    rules: &[
        "SHGW001", "SHGW002", "SHGW003", "SHGW004", "SHGW005", "SHGW006", "SHGW007", "SHGW008",
    ],
    check,
};

fn check(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    replicas(cx, gw, hits);
    budgets(cx, gw, hits);
    spread(cx, gw, hits);
    rollout(cx, gw, hits);
}

fn replicas(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    let written = cx.doc(gw).at("/spec/replicas").is_some();
    if let Some(h) = gw.autoscaler
        && written
    {
        hits.on(
            gw,
            "SHGW003",
            "/spec/replicas",
            format!(
                "HorizontalPodAutoscaler {} scales this {}; spec.replicas resets its count on every apply",
                crate::review::objects::name(&cx.docs[h].value),
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
    let p = &cx.profile.parameters;
    if r < p.min_replicas {
        hits.at(
            doc,
            "SHGW001",
            pointer,
            format!(
                "{what} {r}; at least {} are needed ({} recommended) so that one pod can fail or be drained",
                p.min_replicas, p.recommended_replicas
            ),
        );
    } else if r < p.recommended_replicas {
        hits.at(
            doc,
            "SHGW002",
            pointer,
            format!(
                "{what} {r}; {} or more are recommended (Microsoft's production guidance)",
                p.recommended_replicas
            ),
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
    let pdbs = cx
        .lookup
        .selecting(gw, "PodDisruptionBudget", "/spec/selector");
    if pdbs.is_empty() {
        // Also with one replica: the fix for SHGW001 needs a budget too, and a review shows
        // every change a deployment needs at once.
        hits.on(
            gw,
            "SHGW004",
            "/spec",
            "no PodDisruptionBudget in the stream selects this workload's pods",
        );
        return;
    }
    for i in pdbs {
        let pdb = &cx.docs[i].value;
        let name = crate::review::objects::name(pdb);
        if let Some(v) = pdb.at("/spec/maxUnavailable")
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
        let Some(min) = pdb.at("/spec/minAvailable") else {
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
            crate::review::objects::int_at(pdb, "/spec/minAvailable"),
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
        .at(&format!("{pod}/topologySpreadConstraints"))
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    let anti = doc
        .at(&format!("{pod}/affinity/podAntiAffinity"))
        .is_some_and(|v| v.as_object().is_some_and(|m| !m.is_empty()));
    if !spread && !anti {
        hits.on(gw, "SHGW007", pod, "neither topologySpreadConstraints nor podAntiAffinity: all replicas may land on one node or zone");
    }
}

/// SHGW008: a Deployment's rolling update with `maxUnavailable` or `maxSurge` left to
/// Kubernetes' defaults (25% each).
fn rollout(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    if gw.kind != "Deployment" {
        return;
    }
    let doc = cx.doc(gw);
    let strategy = doc.at("/spec/strategy");
    if strategy
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str)
        .is_some_and(|t| t == "Recreate")
    {
        return;
    }
    let rolling = strategy.and_then(|s| s.get("rollingUpdate"));
    let missing: Vec<&str> = ["maxUnavailable", "maxSurge"]
        .into_iter()
        .filter(|f| rolling.and_then(|r| r.get(*f)).is_none_or(Value::is_null))
        .collect();
    if missing.is_empty() {
        return;
    }
    let pointer = match (strategy, rolling) {
        (_, Some(_)) => "/spec/strategy/rollingUpdate",
        (Some(_), None) => "/spec/strategy",
        (None, None) => "/spec",
    };
    let replicas = gw
        .replicas
        .map_or(String::new(), |r| format!(" with {r} replica(s)"));
    hits.on(
        gw,
        "SHGW008",
        pointer,
        format!(
            "the rolling update leaves {} implicit (25% by default){replicas}; set maxUnavailable 0 and maxSurge 25% or 1",
            missing.join(" and ")
        ),
    );
}
