//! Checks of `spec.telemetry.alerts`.

use super::Check;
use crate::defaults as d;
use crate::names::is_http_url;
use crate::render::alerts::names as alert_names;
use crate::render::prometheus_duration;
use crate::resolve::{AuthMode, Plan};
use crate::spec::GatewaySpec;

const PATH: &str = "spec.telemetry.alerts";

/// The alerts can be rendered, scoped to this gateway, with thresholds that healthy operation
/// does not cross.
pub(super) fn check(c: &mut Check, s: &GatewaySpec, r: &Plan) {
    let Some(a) = s.telemetry.as_ref().and_then(|t| t.alerts.as_ref()) else {
        return;
    };
    c.labels(&format!("{PATH}.labels"), &a.labels, true);
    for k in a.labels.keys() {
        if [
            d::LABEL_NAME,
            d::LABEL_INSTANCE,
            d::LABEL_COMPONENT,
            d::LABEL_MANAGED_BY,
        ]
        .contains(&k.as_str())
        {
            c.err(
                format!("{PATH}.labels.{k}"),
                "is set by shgw on every object of the gateway",
            );
        }
    }
    if let Some(u) = &a.runbook_base_url
        && (!is_http_url(u, &["http", "https"]) || u.contains(['#', ' ']))
    {
        c.err(
            format!("{PATH}.runbookBaseUrl"),
            format!("{u:?} must be an http:// or https:// URL without a #fragment: each alert's name is appended to it"),
        );
    }
    if r.alerts.is_none() {
        return;
    }
    if r.namespace.is_none() {
        c.err(
            format!("{PATH}.enabled"),
            "alerts need metadata.namespace (in the Gateway file or the profile): their expressions select this gateway's kube-state-metrics series by namespace",
        );
    }
    match &r.auth {
        AuthMode::Token {
            renewal: Some(renewal),
            ..
        } => {
            if let (Some(stale), Some(healthy)) = (renewal.stale_after(), renewal.healthy_interval())
                && stale <= healthy
            {
                c.err(
                    "spec.auth.token.renewal.renewBefore",
                    format!(
                        "with alerts on, {} fires after {} without a successful renewal (renewBefore {} less one day), but healthy runs of schedule {:?} can be up to {} apart (the longest gap plus a run): lengthen renewBefore or run more often",
                        alert_names::TOKEN_RENEWAL_STALE,
                        prometheus_duration(stale.as_secs()),
                        renewal.renew_before,
                        renewal.schedule,
                        prometheus_duration(healthy.as_secs()),
                    ),
                );
            }
        }
        AuthMode::Token { renewal: None, .. } => c.warn(
            format!("{PATH}.enabled"),
            "no alert watches the token's expiry: the token lives in a Secret, and kube-state-metrics shows annotations (such as shgw.dev/token-expiry) only as labels, which PromQL cannot compare with the time. Set spec.auth.token.renewal (its CronJob is watched), or check the expiry with `shgw status` or `shgw token inspect`",
        ),
        _ => {}
    }
}
