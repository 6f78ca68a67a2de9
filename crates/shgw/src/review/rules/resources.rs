//! Requests and limits of the gateway container.

use super::{Ctx, Hits, Theme};
use crate::names::parse_quantity;
use crate::review::inventory::Gateway;
use crate::review::objects::At;
use serde_json::Value;

pub(crate) const THEME: Theme = Theme {
    name: "resources",
    rules: &["SHGW020", "SHGW021", "SHGW022"],
    check,
};

fn quantity(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_quantity(s),
        _ => None,
    }
}

fn check(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    let at = format!("{}/resources", gw.container);
    let res = cx.doc(gw).at(&at);
    let get = |section: &str, what: &str| res.and_then(|r| r.at(&format!("/{section}/{what}")));
    let missing: Vec<&str> = ["cpu", "memory"]
        .into_iter()
        .filter(|w| get("requests", w).is_none())
        .collect();
    if !missing.is_empty() {
        let pointer = if res.and_then(|r| r.get("requests")).is_some() {
            format!("{at}/requests")
        } else {
            at.clone()
        };
        hits.on(
            gw,
            "SHGW020",
            pointer,
            format!("no {} request", missing.join(" or ")),
        );
    }
    if get("limits", "memory").is_none() {
        let pointer = if res.and_then(|r| r.get("limits")).is_some() {
            format!("{at}/limits")
        } else {
            at.clone()
        };
        hits.on(gw, "SHGW021", pointer, "no memory limit");
    }
    for what in ["cpu", "memory"] {
        let (Some(req), Some(lim)) = (get("requests", what), get("limits", what)) else {
            continue;
        };
        if let (Some(r), Some(l)) = (quantity(req), quantity(lim))
            && r > l
        {
            hits.on(
                gw,
                "SHGW022",
                format!("{at}/requests/{what}"),
                format!(
                    "{what} request {} is above its limit {}",
                    show(req),
                    show(lim)
                ),
            );
        }
    }
}

fn show(v: &Value) -> String {
    v.as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| v.to_string())
}
