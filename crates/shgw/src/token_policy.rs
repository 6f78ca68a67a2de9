//! What a given token must meet (a gateway that authenticates with a token, not owned by the
//! renewer, issued for this gateway), and what the user must do when no token is given.

use crate::diag::Diagnostic;
use crate::render::RenderOptions;
use crate::resolve::{AuthMode, Plan};
use crate::token::{TOKEN_PREFIX, Token};

/// Where token findings point.
const TOKEN_PATH: &str = "spec.auth.token";

/// Findings on `token`, given to render the gateway `r`: that it can be used at all (its
/// expiry is a review rule's, on the rendered Secret).
pub(crate) fn check(token: &Token, r: &Plan, opts: &RenderOptions) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let renewal = match &r.auth {
        AuthMode::Token { renewal, .. } => renewal.is_some(),
        _ => {
            out.push(Diagnostic::error(
                "spec.auth",
                "a token was given, but this gateway does not authenticate with a token",
            ));
            return out;
        }
    };
    if renewal {
        out.push(Diagnostic::error(
            "spec.auth.token.renewal",
            format!(
                "a token was given, but the renewer owns the token Secret: a rendered token would be put back by every later kubectl apply, undoing renewals; render without a token and fill the Secret by running the renewer once (kubectl create job --from=cronjob/{name}-token-renewer {name}-token-renewer-first --namespace {ns})",
                name = r.name,
                ns = r.namespace.as_deref().unwrap_or("default")
            ),
        ));
        return out;
    }
    if token.gateway_id() != r.gateway_name {
        out.push(Diagnostic::warning(
            "spec.gatewayName",
            format!(
                "the token was issued for gateway {:?}, but this gateway is {:?} in API Management; check that it belongs to this gateway",
                token.gateway_id(),
                r.gateway_name
            ),
        ));
    }
    if opts.now.is_none() {
        out.push(Diagnostic::error(
            TOKEN_PATH,
            "the render options carry no current time (RenderOptions::now), so the token's expiry cannot be checked",
        ));
    }
    // Expiry is judged by the review of the rendered Secret (SHGW061, SHGW062), at the
    // profile's levels and with its minTokenDays.
    out
}

/// What the user must still do for `r` to start: create the token Secret when no token was
/// given and nothing renews it, or run the renewer once.
pub(crate) fn next_steps(r: &Plan, token_given: bool) -> Vec<String> {
    let Some((secret_name, secret_key, renewal)) = r.token_secret() else {
        return Vec::new();
    };
    if token_given {
        return Vec::new();
    }
    let ns = r.namespace.as_deref().unwrap_or("default");
    match renewal {
        None => vec![format!(
            "no token given, so no Secret was rendered; before the gateway {} can start, create it with a token from API Management (Gateways > {} > Deployment):\n  kubectl create secret generic {secret_name} --namespace {ns} --type=Opaque --from-literal={secret_key}='{TOKEN_PREFIX}...'",
            r.name, r.gateway_name
        )],
        Some(_) => vec![format!(
            "no token given: the Secret {secret_name} is rendered empty and the renewer fills it on its first scheduled run; to get a token now, run it once:\n  kubectl create job --from=cronjob/{name}-token-renewer {name}-token-renewer-first --namespace {ns}",
            name = r.name
        )],
    }
}
