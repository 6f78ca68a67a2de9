//! How the gateway authenticates: credentials written in plain text, the token Secret's
//! expiry (read, never shown), renewal, and what Entra and workload identity need.

use super::{Ctx, Hits, Theme};
use crate::Token;
use crate::review::document::escape;
use crate::review::inventory::{Gateway, Setting, Source};
use crate::review::objects::At;
use crate::review::objects::kind;
use crate::settings::{AUTH, AUTH_KEY, ENTRA_SECRET, GATEWAY_NAME};
use base64::Engine;
use serde_json::Value;

pub(crate) const THEME: Theme = Theme {
    name: "credentials",
    rules: &["SHGW060", "SHGW061", "SHGW062", "SHGW063", "SHGW064"],
    check,
};

/// `config.service.auth` values that name a mode rather than hold a credential.
const AUTH_MODES: &[&str] = &["azureAdApp", "workloadIdentity", "key"];

/// Settings whose value is a credential.
const SECRET_SETTINGS: &[&str] = &[ENTRA_SECRET.key, AUTH_KEY.key];

fn where_written(cx: &Ctx, s: &Setting) -> String {
    let v = &cx.docs[s.doc].value;
    match kind(v) {
        "ConfigMap" => format!("ConfigMap {}", crate::review::objects::name(v)),
        _ => "an env value".to_owned(),
    }
}

fn check(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    literals(cx, gw, hits);
    let Some(auth) = gw.setting(AUTH.key) else {
        return;
    };
    match &auth.source {
        Source::Literal(mode)
            if AUTH_MODES
                .iter()
                .any(|m| m.eq_ignore_ascii_case(mode.trim())) =>
        {
            // `key`: the token itself is in config.service.auth.key (the 2026 samples).
            if mode.trim().eq_ignore_ascii_case("key") {
                if let Some(key_setting) = gw.setting(AUTH_KEY.key)
                    && let Source::Secret { name, key } = &key_setting.source
                {
                    expiry(cx, gw, name, key, hits);
                    renewal(cx, gw, name, key_setting, hits);
                }
            } else if gw.setting(GATEWAY_NAME.key).is_none() {
                hits.at(
                    auth.doc,
                    "SHGW064",
                    &auth.pointer,
                    format!("{} {} without {}", AUTH.key, mode.trim(), GATEWAY_NAME.key),
                );
            }
        }
        Source::Secret { name, key } => {
            expiry(cx, gw, name, key, hits);
            renewal(cx, gw, name, auth, hits);
        }
        Source::Literal(_) | Source::Elsewhere => {}
    }
}

fn literals(cx: &Ctx, gw: &Gateway, hits: &mut Hits) {
    for (key, s) in &gw.written {
        let Some(text) = s.literal() else { continue };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let credential = if key == AUTH.key {
            !AUTH_MODES.iter().any(|m| m.eq_ignore_ascii_case(text))
        } else {
            SECRET_SETTINGS.contains(&key.as_str()) || Token::parse(text).is_ok()
        };
        if credential {
            hits.at(
                s.doc,
                "SHGW060",
                &s.pointer,
                format!(
                    "{key} is written as a literal in {} (value not shown)",
                    where_written(cx, s)
                ),
            );
        }
    }
}

/// The value of `key` in Secret `name`: `stringData`, or `data` decoded from base64.
fn secret_value(v: &Value, key: &str) -> Option<(String, String)> {
    let k = escape(key);
    if let Some(s) = v.at(&format!("/stringData/{k}")).and_then(Value::as_str) {
        return Some((s.to_owned(), format!("/stringData/{k}")));
    }
    let b64 = v.at(&format!("/data/{k}")).and_then(Value::as_str)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    Some((String::from_utf8(bytes).ok()?, format!("/data/{k}")))
}

fn expiry(cx: &Ctx, gw: &Gateway, secret: &str, key: &str, hits: &mut Hits) {
    let Some(i) = cx.lookup.find("Secret", &gw.namespace, secret) else {
        return;
    };
    let Some((text, pointer)) = secret_value(&cx.docs[i].value, key) else {
        return;
    };
    let Ok(token) = Token::parse(&text) else {
        return;
    };
    let days = token.days_left(cx.now);
    if days < 0.0 {
        hits.at(
            i,
            "SHGW061",
            pointer,
            format!(
                "the token in Secret {secret} (key {key}) for gateway {} expired at {}",
                token.gateway_id(),
                token.expiry_rfc3339()
            ),
        );
    } else if days < cx.profile.parameters.min_token_days as f64 {
        hits.at(i, "SHGW062", pointer, format!("the token in Secret {secret} (key {key}) for gateway {} expires at {} ({days:.1} days left, fewer than minTokenDays {})", token.gateway_id(), token.expiry_rfc3339(), cx.profile.parameters.min_token_days));
    }
}

/// Kinds that keep a Secret's value up to date: a CronJob rotating it, or an operator syncing it
/// from a vault (External Secrets, the Secrets Store CSI driver).
const RENEWERS: &[&str] = &["CronJob", "ExternalSecret", "SecretProviderClass"];

/// Whether an object of [`RENEWERS`] in the namespace mentions the Secret by name in its spec.
fn renewed_by_cronjob(cx: &Ctx, ns: &str, secret: &str) -> bool {
    RENEWERS.iter().any(|k| {
        cx.lookup.of_kind(k, ns).iter().any(|i| {
            cx.docs[*i]
                .value
                .get("spec")
                .is_some_and(|s| s.to_string().contains(secret))
        })
    })
}

fn renewal(cx: &Ctx, gw: &Gateway, secret: &str, auth: &Setting, hits: &mut Hits) {
    if !renewed_by_cronjob(cx, &gw.namespace, secret) {
        hits.at(
            auth.doc,
            "SHGW063",
            &auth.pointer,
            format!("token from Secret {secret}, and nothing in the stream renews it (no CronJob, ExternalSecret or SecretProviderClass names it)"),
        );
    }
}
