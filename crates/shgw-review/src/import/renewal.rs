//! A `shgw token renew` CronJob back to `spec.auth.token.renewal`: its arguments, schedule and
//! image, and the workload identity of its ServiceAccount.

use super::fit::{Fit, text};
use serde_json::Value;
use shgw::review::Document;
use shgw::review::inventory::{Gateway, find};
use shgw::review::objects::str_at;
use shgw::review::parse_image;
use shgw::spec::{AdmissionPolicyConfig, ImageRef, TokenRenewal};

/// The value after `flag` in `args`.
fn flag<'a>(args: &'a [&'a str], flag: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| *a == flag)
        .and_then(|i| args.get(i + 1))
        .copied()
}

/// The renewal of `gw` from a CronJob in its namespace that runs `token renew` on `secret`,
/// if there is one; a `--key` that is no key type is a misfit of `fit`.
pub(crate) fn renewal(
    docs: &[Document],
    gw: &Gateway,
    secret: &str,
    fit: &mut Fit,
) -> Option<TokenRenewal> {
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
        let arg = |f: &str| text(flag(&args, f));
        let key = flag(&args, "--key");
        let at = d.position(&format!("{template}/containers/0/args"));
        let from = format!(
            "{}:{}:{}: CronJob {} argument --key",
            d.file,
            at.line,
            at.column,
            d.name()
        );
        let mut r = TokenRenewal {
            subscription_id: arg("--subscription"),
            resource_group: arg("--resource-group"),
            service_name: arg("--service"),
            renew_before: arg("--renew-before"),
            validity: arg("--validity"),
            key_type: fit.read_text(&from, "spec.auth.token.renewal.keyType", key),
            arm_endpoint: arg("--arm-endpoint"),
            schedule: text(str_at(v, "/spec/schedule")),
            ..TokenRenewal::default()
        };
        if let Some(image) = str_at(c, "/image") {
            let i = parse_image(image);
            r.image = Some(ImageRef {
                repository: Some(i.repository.to_owned()),
                tag: i.tag.map(str::to_owned),
                digest: i.digest.map(str::to_owned),
            });
        }
        let sa = str_at(v, &format!("{template}/serviceAccountName")).unwrap_or_default();
        // The renewer's ValidatingAdmissionPolicy (cluster scoped), by the name shgw gives it.
        let policy = format!("shgw-{}-{sa}", gw.namespace);
        if docs.iter().any(|d| {
            str_at(&d.value, "/kind") == Some("ValidatingAdmissionPolicy")
                && str_at(&d.value, "/metadata/name") == Some(policy.as_str())
        }) {
            r.admission_policy = Some(AdmissionPolicyConfig {
                enabled: Some(true),
            });
        }
        if let Some(i) = find(docs, "ServiceAccount", &gw.namespace, sa) {
            let a = &docs[i].value;
            r.client_id = text(str_at(
                a,
                "/metadata/annotations/azure.workload.identity~1client-id",
            ));
            r.tenant_id = text(str_at(
                a,
                "/metadata/annotations/azure.workload.identity~1tenant-id",
            ));
        }
        // A job that says nothing of the renewal leaves it out, as an absent one does.
        return (r != TokenRenewal::default()).then_some(r);
    }
    None
}
