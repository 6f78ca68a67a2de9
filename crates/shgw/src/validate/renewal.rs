//! Checks of the token renewer's settings and of the Entra application's credential.

use super::Check;
use crate::cron::Schedule;
use crate::duration::parse_duration;
use crate::names::is_http_url;
use crate::spec::{EntraAppAuth, ImageRef, TokenRenewal};
use jiff::SignedDuration;

const PATH: &str = "spec.auth.token.renewal";
/// The longest validity the management API grants a token.
use crate::defaults::MAX_TOKEN_VALIDITY_DAYS;

fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn require_guid(c: &mut Check, field: &str, v: Option<&String>) {
    let path = format!("{PATH}.{field}");
    match v {
        None => c.err(path, "required"),
        Some(v) if !is_guid(v) => c.err(
            path,
            format!("{v:?} is not a GUID (8-4-4-4-12 hexadecimal digits)"),
        ),
        Some(_) => {}
    }
}

fn duration(
    c: &mut Check,
    field: &str,
    v: Option<&String>,
    default: &str,
) -> Option<SignedDuration> {
    let text = v.map_or(default, String::as_str);
    match parse_duration(text) {
        Ok(d) => Some(d),
        Err(e) => {
            c.err(format!("{PATH}.{field}"), e.to_string());
            None
        }
    }
}

fn image(c: &mut Check, img: Option<&ImageRef>) {
    let path = format!("{PATH}.image");
    let Some(img) = img else {
        c.err(path, "required: the image holding the shgw binary (repository and tag or digest); see the Dockerfile");
        return;
    };
    match &img.repository {
        None => c.err(format!("{path}.repository"), "required"),
        Some(r)
            if r.is_empty()
                || r.contains(['@', ' '])
                || r.rsplit('/').next().is_some_and(|l| l.contains(':')) =>
        {
            c.err(
                format!("{path}.repository"),
                format!("{r:?} must be a repository without tag or digest"),
            )
        }
        Some(_) => {}
    }
    if img.tag.is_none() && img.digest.is_none() {
        c.err(path.clone(), "set tag or digest (a pinned renewer image)");
    }
    if let Some(t) = &img.tag
        && (t.is_empty()
            || t == "latest"
            || !t
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')))
    {
        c.err(
            format!("{path}.tag"),
            format!("{t:?} must be an exact tag (not latest)"),
        );
    }
    if let Some(dg) = &img.digest
        && !dg.strip_prefix("sha256:").is_some_and(|h| {
            h.len() == 64
                && h.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
    {
        c.err(
            format!("{path}.digest"),
            format!("{dg:?} must be sha256: followed by 64 lower-case hex digits"),
        );
    }
}

/// Every problem with `spec.auth.token.renewal`.
pub(super) fn renewal(c: &mut Check, r: &TokenRenewal) {
    require_guid(c, "subscriptionId", r.subscription_id.as_ref());
    require_guid(c, "clientId", r.client_id.as_ref());
    if r.tenant_id.is_some() {
        require_guid(c, "tenantId", r.tenant_id.as_ref());
    }
    c.require(&format!("{PATH}.resourceGroup"), r.resource_group.as_ref());
    c.require(&format!("{PATH}.serviceName"), r.service_name.as_ref());
    if let Some(a) = &r.arm_endpoint
        && !is_http_url(a, &["https"])
    {
        c.err(
            format!("{PATH}.armEndpoint"),
            format!("{a:?} must be an https:// URL such as https://management.azure.com"),
        );
    }
    image(c, r.image.as_ref());
    let before = duration(
        c,
        "renewBefore",
        r.renew_before.as_ref(),
        crate::defaults::RENEW_BEFORE,
    );
    let validity = duration(
        c,
        "validity",
        r.validity.as_ref(),
        crate::defaults::RENEWAL_VALIDITY,
    );
    if let Some(v) = validity
        && v > SignedDuration::from_hours(MAX_TOKEN_VALIDITY_DAYS * 24)
    {
        c.err(
            format!("{PATH}.validity"),
            format!(
                "at most {MAX_TOKEN_VALIDITY_DAYS}d: API Management issues tokens for {MAX_TOKEN_VALIDITY_DAYS} days at most"
            ),
        );
    }
    if let (Some(b), Some(v)) = (before, validity) {
        if b >= v {
            c.err(
                format!("{PATH}.renewBefore"),
                "must be shorter than validity, or every run renews the token",
            );
        } else if v - b < SignedDuration::from_mins(2) {
            // The renewer's own check (shgw-renew's MIN_RENEWAL_GAP).
            c.err(
                format!("{PATH}.renewBefore"),
                "must be at least 2 minutes (2m) shorter than validity: tokens carry whole minutes and ARM may return one a minute early, so a new token would already be due",
            );
        }
    }
    if let Some(s) = &r.schedule {
        match Schedule::parse(s) {
            Err(e) => c.err(format!("{PATH}.schedule"), e.to_string()),
            Ok(schedule) => {
                let gap = schedule.longest_gap();
                if let Some(b) = before.filter(|b| gap >= *b) {
                    c.err(
                        format!("{PATH}.schedule"),
                        format!("runs as little as once every {} hours, which is not within renewBefore ({} hours): the token could expire between two runs; run at least daily", gap.as_secs() / 3600, b.as_secs() / 3600),
                    );
                }
            }
        }
    }
}

/// Exactly one of `clientSecret` and `clientCertificate`.
pub(super) fn entra_credential(c: &mut Check, e: &EntraAppAuth) {
    match (&e.client_secret, &e.client_certificate) {
        (Some(_), Some(_)) => c.err(
            "spec.auth.entraApp",
            "set exactly one of clientSecret or clientCertificate (found both)",
        ),
        (None, None) => c.err(
            "spec.auth.entraApp",
            "set exactly one of clientSecret or clientCertificate (found none)",
        ),
        (None, Some(cert)) => c.require(
            "spec.auth.entraApp.clientCertificate.secretName",
            cert.secret_name.as_ref(),
        ),
        (Some(_), None) => {}
    }
}
