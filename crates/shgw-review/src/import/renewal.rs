//! A `shgw token renew` CronJob back to `spec.auth.token.renewal`: its arguments, schedule and
//! image, and the workload identity of its ServiceAccount.

use super::build::GatewayDoc;
use serde_json::{Value, json};
use shgw::review::Document;
use shgw::review::inventory::{Gateway, find};
use shgw::review::objects::str_at;
use shgw::review::parse_image;

/// `--flag` of the renewer and the renewal field it comes from.
const FLAGS: &[(&str, &str)] = &[
    ("--subscription", "subscriptionId"),
    ("--resource-group", "resourceGroup"),
    ("--service", "serviceName"),
    ("--renew-before", "renewBefore"),
    ("--validity", "validity"),
    ("--key", "keyType"),
    ("--arm-endpoint", "armEndpoint"),
];

/// The value after `flag` in `args`.
fn flag<'a>(args: &'a [&'a str], flag: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| *a == flag)
        .and_then(|i| args.get(i + 1))
        .copied()
}

/// Sets the renewal of `gw` from a CronJob in its namespace that runs `token renew` on
/// `secret`, if there is one.
pub(crate) fn renewal(docs: &[Document], gw: &Gateway, secret: &str, g: &mut GatewayDoc) {
    let template = "/spec/jobTemplate/spec/template/spec";
    for d in docs.iter().filter(|d| d.is("CronJob", &gw.namespace)) {
        let v = &d.value;
        let Some(c) = v.pointer(&format!("{template}/containers/0")) else {
            continue;
        };
        let args: Vec<&str> = c
            .get("args")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let renews = args.windows(2).any(|w| w == ["token", "renew"])
            && flag(&args, "--secret") == Some(secret);
        if !renews {
            continue;
        }
        for (f, field) in FLAGS {
            g.set(&["auth", "token", "renewal", field], json!(flag(&args, f)));
        }
        g.set(
            &["auth", "token", "renewal", "schedule"],
            json!(str_at(v, "/spec/schedule")),
        );
        if let Some(image) = str_at(c, "/image") {
            let r = parse_image(image);
            g.set(
                &["auth", "token", "renewal", "image"],
                json!({"repository": r.repository, "tag": r.tag, "digest": r.digest}),
            );
        }
        let sa = str_at(v, &format!("{template}/serviceAccountName")).unwrap_or_default();
        // The renewer's ValidatingAdmissionPolicy (cluster scoped), by the name shgw gives it.
        let policy = format!("shgw-{}-{sa}", gw.namespace);
        if docs.iter().any(|d| {
            str_at(&d.value, "/kind") == Some("ValidatingAdmissionPolicy")
                && str_at(&d.value, "/metadata/name") == Some(policy.as_str())
        }) {
            g.set(
                &["auth", "token", "renewal", "admissionPolicy"],
                json!({"enabled": true}),
            );
        }
        if let Some(i) = find(docs, "ServiceAccount", &gw.namespace, sa) {
            let a = &docs[i].value;
            g.set(
                &["auth", "token", "renewal", "clientId"],
                json!(str_at(
                    a,
                    "/metadata/annotations/azure.workload.identity~1client-id"
                )),
            );
            g.set(
                &["auth", "token", "renewal", "tenantId"],
                json!(str_at(
                    a,
                    "/metadata/annotations/azure.workload.identity~1tenant-id"
                )),
            );
        }
        return;
    }
}
