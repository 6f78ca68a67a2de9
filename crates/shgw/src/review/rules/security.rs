//! The security context of the gateway container and pod, judged against what this gateway
//! can and cannot run with.

use super::{Ctx, Hits, Theme};
use crate::defaults::GATEWAY_UID;
use crate::review::inventory::Gateway;
use crate::review::objects::At;
use crate::settings::LOCAL_CA;
use serde_json::Value;

pub(crate) const THEME: Theme = Theme {
    name: "security",
    rules: &[
        "SHGW050", "SHGW051", "SHGW052", "SHGW053", "SHGW054", "SHGW055", "SHGW056", "SHGW057",
    ],
    check,
};

/// The container's and the pod's security contexts.
struct Contexts<'a> {
    doc: &'a Value,
    container: String,
    pod: String,
}

impl Contexts<'_> {
    /// A container-only field.
    fn container(&self, field: &str) -> (Option<&Value>, String) {
        let p = format!("{}/{field}", self.container);
        (self.doc.at(&p), p)
    }

    /// A field the container sets or inherits from the pod.
    fn effective(&self, field: &str) -> (Option<&Value>, String) {
        let c = format!("{}/{field}", self.container);
        if let Some(v) = self.doc.at(&c) {
            return (Some(v), c);
        }
        let p = format!("{}/{field}", self.pod);
        (self.doc.at(&p), p)
    }

    /// Where to point when a field is missing: the container's securityContext, or the
    /// container.
    fn missing_at(&self) -> String {
        if self.doc.at(&self.container).is_some() {
            self.container.clone()
        } else {
            self.container
                .trim_end_matches("/securityContext")
                .to_owned()
        }
    }
}

fn is_true(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

fn check(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    let sc = Contexts {
        doc: cx.doc(gw),
        container: format!("{}/securityContext", gw.container),
        pod: format!("{}/securityContext", gw.pod()),
    };
    escalation_and_privilege(&sc, gw, hits);
    user(cx, &sc, gw, hits);
    let (seccomp, at) = sc.effective("seccompProfile/type");
    match seccomp.and_then(Value::as_str) {
        Some("RuntimeDefault" | "Localhost") => {}
        Some(other) => hits.on(gw, "SHGW052", at, format!("seccompProfile {other}")),
        None => hits.on(
            gw,
            "SHGW052",
            sc.missing_at(),
            "no seccompProfile on the container or the pod",
        ),
    }
    let (drop, at) = sc.container("capabilities/drop");
    let drops_all = drop.and_then(Value::as_array).is_some_and(|a| {
        a.iter()
            .any(|c| c.as_str().is_some_and(|s| s.eq_ignore_ascii_case("ALL")))
    });
    if !drops_all {
        let at = if drop.is_some() { at } else { sc.missing_at() };
        hits.on(gw, "SHGW053", at, "capabilities.drop does not contain ALL");
    }
    let (ro, at) = sc.container("readOnlyRootFilesystem");
    if is_true(ro) {
        hits.on(
            gw,
            "SHGW055",
            at,
            "readOnlyRootFilesystem true: the gateway fails to write /etc/ssl/certs at start",
        );
    }
}

fn escalation_and_privilege(sc: &Contexts, gw: &Gateway, hits: &mut Hits) {
    let (esc, at) = sc.container("allowPrivilegeEscalation");
    if !matches!(esc, Some(Value::Bool(false))) {
        let at = if esc.is_some() { at } else { sc.missing_at() };
        hits.on(gw, "SHGW050", at, "allowPrivilegeEscalation is not false");
    }
    let (privileged, at) = sc.container("privileged");
    if is_true(privileged) {
        hits.on(gw, "SHGW054", at, "privileged true");
    }
}

fn user(cx: &Ctx, sc: &Contexts, gw: &Gateway, hits: &mut Hits) {
    let (uid, uid_at) = sc.effective("runAsUser");
    let uid_value = uid.and_then(Value::as_i64);
    let (non_root, _) = sc.effective("runAsNonRoot");
    match uid_value {
        Some(0) => hits.on(gw, "SHGW051", &uid_at, "runAsUser 0 (root)"),
        None if !is_true(non_root) => hits.on(
            gw,
            "SHGW051",
            sc.missing_at(),
            "neither runAsNonRoot true nor a non-zero runAsUser",
        ),
        _ => {}
    }
    let local_ca = gw
        .setting(LOCAL_CA.key)
        .and_then(|s| s.literal())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if local_ca {
        match uid_value {
            Some(u) if u != GATEWAY_UID && u != 0 => hits.on(
                gw,
                "SHGW056",
                &uid_at,
                format!(
                    "{} with runAsUser {u}; it needs {GATEWAY_UID}",
                    LOCAL_CA.key
                ),
            ),
            None if cx.profile.platform == crate::profile::Platform::Openshift => hits.on(
                gw,
                "SHGW056",
                sc.missing_at(),
                format!(
                    "{} without runAsUser {GATEWAY_UID}: OpenShift assigns another UID",
                    LOCAL_CA.key
                ),
            ),
            _ => {}
        }
    }
    if let Some(u) = uid_value
        && u != 0
    {
        hits.on(
            gw,
            "SHGW057",
            &uid_at,
            format!(
                "runAsUser {u} is rejected by OpenShift's restricted SCC unless an SCC allows it"
            ),
        );
    }
}
