//! Gateway settings that decide whether it can start and survive outages: the configuration
//! endpoint and the configuration backup at `/apim/config`.

use super::{Ctx, Hits, Theme};
use crate::defaults::{BACKUP_PATH, GATEWAY_UID};
use crate::names::{is_host_port, is_http_url};
use crate::review::inventory::Gateway;
use crate::review::objects::At;
use crate::review::objects::str_at;
use crate::settings::ENDPOINT;
use serde_json::Value;

pub(crate) const THEME: Theme = Theme {
    name: "settings",
    rules: &["SHGW070", "SHGW071", "SHGW072", "SHGW073", "SHGW075"],
    check,
};

fn check(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    backup(cx, gw, hits);
    endpoint(gw, hits);
}

fn backup(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    let doc = cx.doc(gw);
    let mounts_at = format!("{}/volumeMounts", gw.container);
    let mounts = doc.at(&mounts_at).and_then(Value::as_array);
    let mount = mounts
        .into_iter()
        .flatten()
        .find(|m| str_at(m, "/mountPath").is_some_and(|p| p.trim_end_matches('/') == BACKUP_PATH));
    let Some(mount) = mount else {
        let at = if mounts.is_some() {
            mounts_at
        } else {
            gw.container.clone()
        };
        hits.on(
            gw,
            "SHGW070",
            at,
            format!("nothing is mounted at {BACKUP_PATH}"),
        );
        return;
    };
    let pod = gw.pod();
    let volume_name = str_at(mount, "/name").unwrap_or_default();
    let volumes = doc.at(&format!("{pod}/volumes")).and_then(Value::as_array);
    let volume_index = volumes
        .into_iter()
        .flatten()
        .position(|v| str_at(v, "/name") == Some(volume_name));
    if let Some(i) = volume_index
        && doc.at(&format!("{pod}/volumes/{i}/emptyDir")).is_some()
    {
        hits.on(
            gw,
            "SHGW072",
            format!("{pod}/volumes/{i}/emptyDir"),
            format!("volume {volume_name} at {BACKUP_PATH} is an emptyDir, lost with the pod"),
        );
    }
    if let Some(i) = volume_index {
        claim_class(cx, gw, &format!("{pod}/volumes/{i}"), hits);
    }
    let fs_at = format!("{pod}/securityContext/fsGroup");
    match doc.at(&fs_at).and_then(Value::as_i64) {
        Some(g) if g == GATEWAY_UID => {}
        Some(g) => hits.on(
            gw,
            "SHGW071",
            fs_at,
            format!("fsGroup {g}; {BACKUP_PATH} must belong to group {GATEWAY_UID}"),
        ),
        None => {
            let at = if doc.at(&format!("{pod}/securityContext")).is_some() {
                format!("{pod}/securityContext")
            } else {
                pod.clone()
            };
            hits.on(
                gw,
                "SHGW071",
                at,
                format!("no fsGroup; {BACKUP_PATH} must belong to group {GATEWAY_UID}"),
            );
        }
    }
}

/// SHGW075: the claim behind the backup volume at `volume` asks for ReadWriteMany and leaves the
/// class to the cluster's default (an empty class is a deliberate choice: static binding).
fn claim_class(cx: &Ctx, gw: &Gateway, volume: &str, hits: &mut Hits) {
    let doc = cx.doc(gw);
    let Some(claim) = doc
        .at(&format!("{volume}/persistentVolumeClaim/claimName"))
        .and_then(Value::as_str)
    else {
        return;
    };
    let ns = crate::review::objects::namespace(doc);
    let Some(c) = cx.lookup.find("PersistentVolumeClaim", ns, claim) else {
        return;
    };
    let pvc = &cx.docs[c].value;
    let many = pvc
        .at("/spec/accessModes")
        .and_then(Value::as_array)
        .is_some_and(|m| m.iter().any(|m| m == "ReadWriteMany"));
    if many && pvc.at("/spec/storageClassName").is_none_or(Value::is_null) {
        hits.at(
            c,
            "SHGW075",
            "/spec/accessModes",
            format!(
                "claim {claim} asks for ReadWriteMany with no storageClassName: the cluster's default class decides, and the defaults of AKS, EKS and GKE offer only ReadWriteOnce (the claim and the pods stay Pending); name a ReadWriteMany class such as azurefile-csi on AKS"
            ),
        );
    }
}

/// Why an endpoint is wrong, if it is.
fn endpoint_problem(e: &str) -> Option<String> {
    let e = e.trim();
    if e.is_empty() {
        return Some(format!("{} is empty", ENDPOINT.key));
    }
    if e.contains("management.azure-api.net") || e.contains("/subscriptions/") {
        return Some(format!(
            "{} {e:?} is a Configuration API v1 URL, out of support since 2023-10-01; use <apim>.configuration.azure-api.net",
            ENDPOINT.key
        ));
    }
    let ok = if e.contains("://") {
        is_http_url(e, &["https"])
    } else {
        is_host_port(e, false)
    };
    (!ok).then(|| {
        format!(
            "{} {e:?} is not a host, host:port or https:// URL",
            ENDPOINT.key
        )
    })
}

fn endpoint(gw: &Gateway, hits: &mut Hits) {
    match gw.setting(ENDPOINT.key) {
        None if !gw.opaque_settings => hits.on(gw, "SHGW073", &gw.container, "config.service.endpoint is not set (neither in env nor in a ConfigMap loaded by envFrom)"),
        None => {}
        Some(s) => {
            if let Some(problem) = s.literal().and_then(endpoint_problem) {
                hits.at(s.doc, "SHGW073", &s.pointer, problem);
            }
        }
    }
}
