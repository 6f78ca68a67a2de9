//! The ARM `generateToken` call and the checks on the token it returns.

use crate::budget::Budget;
use crate::error::{RenewError, Service};
use crate::http::Https;
use crate::redact::remote_text;
use crate::request::{API_VERSION, Request};
use jiff::Timestamp;
use shgw::Token;

/// Asks ARM for a token expiring at `expiry`, with the ARM access token `bearer`.
pub(crate) async fn generate_token(
    http: &Https,
    request: &Request,
    bearer: &str,
    client_id: &str,
    expiry: Timestamp,
    budget: &Budget<'_>,
) -> Result<Token, RenewError> {
    let path = request.gateway.path();
    let url = request
        .arm
        .join(&format!("{path}/generateToken?api-version={API_VERSION}"));
    let body = serde_json::json!({
        "keyType": request.key.as_str(),
        "expiry": expiry.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    });
    let authorization = format!("Bearer {bearer}");
    let answer = http
        .post_retrying(
            Service::Arm,
            "ARM generateToken",
            &url,
            &[
                ("content-type", "application/json"),
                ("authorization", &authorization),
            ],
            body.to_string().as_bytes(),
            budget,
        )
        .await?;
    let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
    if !(200..300).contains(&answer.status) {
        return Err(answer.finish(
            refusal(answer.status, &json, path, client_id),
            budget.deadline_secs(),
        ));
    }
    let value =
        json.get("value")
            .and_then(|v| v.as_str())
            .ok_or_else(|| RenewError::BadResponse {
                service: Service::Arm,
                detail: format!("HTTP {} without a string \"value\"", answer.status),
            })?;
    // ARM's value has no `GatewayKey ` prefix; parsing adds it.
    let token = Token::parse(value).map_err(|e| RenewError::IssuedToken {
        detail: e.to_string(),
    })?;
    check_issued(&token, request, expiry)?;
    Ok(token)
}

/// The checks made before a new token is stored: the right gateway, and the expiry asked for.
pub(crate) fn check_issued(
    token: &Token,
    request: &Request,
    asked: Timestamp,
) -> Result<(), RenewError> {
    // ARM resource names are case-insensitive.
    if !token
        .gateway_id()
        .eq_ignore_ascii_case(&request.gateway.gateway)
    {
        return Err(RenewError::IssuedToken {
            detail: format!(
                "it is for gateway {:?}, not {:?}",
                token.gateway_id(),
                request.gateway.gateway
            ),
        });
    }
    let asked_text = asked.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    // Tokens carry whole minutes: the expiry is the one asked for, or at most a minute before.
    let early = asked.as_second() - token.expiry().as_second();
    if !(0..=60).contains(&early) {
        return Err(RenewError::IssuedToken {
            detail: format!(
                "it expires {}, but {asked_text} was asked for",
                token.expiry_rfc3339()
            ),
        });
    }
    if token.expiry().as_second() - request.now.as_second() <= request.renew_before.as_secs() {
        return Err(RenewError::IssuedToken {
            detail: format!(
                "it expires {}, within --renew-before of now",
                token.expiry_rfc3339()
            ),
        });
    }
    Ok(())
}

fn refusal(status: u16, json: &serde_json::Value, path: String, client_id: &str) -> RenewError {
    // ARM may quote what it was sent (the access token): shown only redacted.
    let field = |k: &str, max: usize| {
        json.pointer(&format!("/error/{k}"))
            .and_then(|v| v.as_str())
            .map(|s| remote_text(s, max))
            .filter(|s| !s.is_empty())
    };
    let (code, message) = (field("code", 80), field("message", 600));
    match status {
        401 | 403 => RenewError::ArmDenied {
            status,
            code,
            message,
            client_id: client_id.to_owned(),
            path,
        },
        404 => RenewError::ArmNotFound {
            code,
            message,
            path,
        },
        _ => RenewError::Arm {
            status,
            code,
            message,
            path,
        },
    }
}
