//! One renewal, start to end: read, decide, ask Azure, check, store, roll.

use crate::arm::generate_token;
use crate::cluster::{Cluster, connect};
use crate::decision::{Decision, Reason, Stored, decide};
use crate::error::RenewError;
use crate::http::Https;
use crate::identity::WorkloadIdentity;
use crate::proxy::Proxy;
use crate::request::Request;
use base64::Engine as _;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Secret;
use shgw::Token;
use shgw::defaults::{
    RENEWER_LAST_SUCCESS_ANNOTATION, TOKEN_EXPIRY_ANNOTATION, TOKEN_FINGERPRINT_ANNOTATION,
};

/// What a renewal did (or, with `dry_run`, would do). Holds no token.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The request was a dry run: nothing was written.
    pub dry_run: bool,
    /// What happened to the Secret.
    pub action: Action,
    /// What happened to the Deployment.
    pub rollout: Rollout,
    /// The Secret's `shgw.dev/renewer-last-success` written at the end (RFC 3339, UTC).
    pub last_success: String,
}

/// What happened to the Secret.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The stored token lasts long enough; Azure was not called.
    Kept {
        /// Its expiry, RFC 3339.
        expiry: String,
        /// Days left.
        days_left: f64,
        /// The Secret's `shgw.dev/token-expiry` did not match the token and was set (or
        /// would be); Azure was not called for that either.
        annotated: bool,
    },
    /// A new token was stored (or would be).
    Renewed {
        /// Why.
        reason: Reason,
        /// The new token's expiry, RFC 3339 (also the Secret's `shgw.dev/token-expiry`).
        expiry: String,
        /// The new token's fingerprint.
        fingerprint: String,
    },
}

/// What happened to the Deployment's pod template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rollout {
    /// No `--deployment`: the pods must be restarted by other means.
    NoDeployment,
    /// Its `shgw.dev/token-fingerprint` already names the stored token.
    Current,
    /// `shgw.dev/token-fingerprint` was set (or would be), so the pods roll.
    Patched {
        /// The value written.
        fingerprint: String,
    },
}

/// Runs a renewal; `env` looks up the workload identity and proxy variables (read only when
/// Azure is called).
///
/// # Errors
/// Every [`RenewError`]; only [`RenewError::RolloutAfterStore`] comes after the Secret was
/// changed.
pub fn renew(
    request: &Request,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Outcome, RenewError> {
    request.check()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(RenewError::Runtime)?;
    runtime.block_on(run(request, env))
}

/// Asks Azure for a new token for `request`'s gateway (the Entra exchange, then
/// `generateToken`) and checks its gateway id and expiry; Kubernetes is not contacted.
///
/// # Errors
/// [`RenewError`] from the options, Entra ID, ARM or the checks.
pub fn issue_token(
    request: &Request,
    identity: &WorkloadIdentity,
    proxy: &Proxy,
) -> Result<Token, RenewError> {
    request.check()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(RenewError::Runtime)?;
    runtime.block_on(issue(request, identity, proxy))
}

async fn issue(
    request: &Request,
    identity: &WorkloadIdentity,
    proxy: &Proxy,
) -> Result<Token, RenewError> {
    let http = Https::new(proxy);
    let scope = format!("{}/.default", request.arm);
    let bearer = identity.access_token(&http, &scope).await?;
    let expiry = request.requested_expiry();
    generate_token(&http, request, &bearer, &identity.client_id, expiry).await
}

async fn run(
    request: &Request,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Outcome, RenewError> {
    let target = &request.target;
    let cluster = connect(&request.kube, target).await?;
    let secret = cluster.secret(&target.secret).await?;
    let deployment = match &target.deployment {
        Some(name) => Some(cluster.deployment(name).await?),
        None => None,
    };
    let decision = decide(
        &stored(&secret, &target.secret_key),
        &format!("Secret {}/{}", target.namespace, target.secret),
        &request.gateway.gateway,
        request.now,
        request.renew_before,
        request.force,
    )?;
    let reason = match decision {
        Decision::Keep(token) => return keep(&cluster, request, &secret, deployment, &token).await,
        Decision::Renew(reason) => reason,
    };
    let identity = WorkloadIdentity::from_env(&env)?;
    let proxy = Proxy::from_env(&env)?;
    let token = issue(request, &identity, &proxy).await?;
    store(&cluster, request, &secret, &token).await?;
    let rollout = roll(&cluster, request, deployment.as_ref(), &token)
        .await
        .map_err(|source| RenewError::RolloutAfterStore {
            namespace: target.namespace.clone(),
            secret: target.secret.clone(),
            deployment: target.deployment.clone().unwrap_or_default(),
            expiry: token.expiry_rfc3339(),
            source: Box::new(source),
        })?;
    let last_success = stamp(
        &cluster,
        request,
        "the new token is stored and the pods roll",
    )
    .await?;
    Ok(Outcome {
        dry_run: request.dry_run,
        action: Action::Renewed {
            reason,
            expiry: token.expiry_rfc3339(),
            fingerprint: token.fingerprint(),
        },
        rollout,
        last_success,
    })
}

/// Sets the Secret's `shgw.dev/renewer-last-success` to now, the last write of a run that
/// succeeded; `done` says what was done before, for the error.
async fn stamp(cluster: &Cluster, request: &Request, done: &str) -> Result<String, RenewError> {
    let now = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let patch = serde_json::json!({
        "metadata": {"annotations": {RENEWER_LAST_SUCCESS_ANNOTATION: now}},
    });
    cluster
        .patch_secret(&request.target.secret, &patch, request.dry_run)
        .await
        .map_err(|source| RenewError::Stamp {
            done: done.to_owned(),
            source: Box::new(source),
        })?;
    Ok(now)
}

/// What the Secret holds under `key`.
fn stored(secret: &Secret, key: &str) -> Stored {
    Stored::from_bytes(
        secret
            .data
            .as_ref()
            .and_then(|d| d.get(key))
            .map(|b| b.0.as_slice()),
    )
}

/// A token that lasts: Azure is not called, but the cluster is made to agree with it (the
/// expiry annotation, and the pod template of a rollout that failed after a store).
async fn keep(
    cluster: &Cluster,
    request: &Request,
    secret: &Secret,
    deployment: Option<Deployment>,
    token: &Token,
) -> Result<Outcome, RenewError> {
    let annotated = annotate(cluster, request, secret, token).await?;
    let rollout = roll(cluster, request, deployment.as_ref(), token).await?;
    let last_success = stamp(
        cluster,
        request,
        "the stored token lasts; nothing else to do",
    )
    .await?;
    Ok(Outcome {
        dry_run: request.dry_run,
        action: Action::Kept {
            expiry: token.expiry_rfc3339(),
            days_left: token.days_left(request.now),
            annotated,
        },
        rollout,
        last_success,
    })
}

/// Writes the token and its expiry annotation, provided the Secret is still the one read.
async fn store(
    cluster: &Cluster,
    request: &Request,
    secret: &Secret,
    token: &Token,
) -> Result<(), RenewError> {
    let value = base64::engine::general_purpose::STANDARD.encode(token.reveal());
    let mut patch = serde_json::json!({
        "metadata": {"annotations": {TOKEN_EXPIRY_ANNOTATION: token.expiry_rfc3339()}},
        "data": {request.target.secret_key.as_str(): value},
    });
    if let Some(rv) = &secret.metadata.resource_version {
        patch["metadata"]["resourceVersion"] = serde_json::Value::String(rv.clone());
    }
    cluster
        .patch_secret(&request.target.secret, &patch, request.dry_run)
        .await
        .map_err(|source| RenewError::Store {
            source: Box::new(source),
        })
}

/// Sets the Secret's expiry annotation when it does not match the stored token (a Secret made
/// by hand has none), so what monitors read is true.
async fn annotate(
    cluster: &Cluster,
    request: &Request,
    secret: &Secret,
    token: &Token,
) -> Result<bool, RenewError> {
    let expiry = token.expiry_rfc3339();
    let current = secret
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(TOKEN_EXPIRY_ANNOTATION));
    if current == Some(&expiry) {
        return Ok(false);
    }
    let mut patch = serde_json::json!({
        "metadata": {"annotations": {TOKEN_EXPIRY_ANNOTATION: expiry}},
    });
    if let Some(rv) = &secret.metadata.resource_version {
        patch["metadata"]["resourceVersion"] = serde_json::Value::String(rv.clone());
    }
    cluster
        .patch_secret(&request.target.secret, &patch, request.dry_run)
        .await?;
    Ok(true)
}

/// Sets the pod template's fingerprint annotation unless it already names `token`.
async fn roll(
    cluster: &Cluster,
    request: &Request,
    deployment: Option<&Deployment>,
    token: &Token,
) -> Result<Rollout, RenewError> {
    let (Some(name), Some(deployment)) = (&request.target.deployment, deployment) else {
        return Ok(Rollout::NoDeployment);
    };
    let fingerprint = token.fingerprint();
    let current = deployment
        .spec
        .as_ref()
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.annotations.as_ref())
        .and_then(|a| a.get(TOKEN_FINGERPRINT_ANNOTATION));
    if current == Some(&fingerprint) {
        return Ok(Rollout::Current);
    }
    let patch = serde_json::json!({
        "spec": {"template": {"metadata": {"annotations": {TOKEN_FINGERPRINT_ANNOTATION: fingerprint}}}}
    });
    cluster
        .patch_deployment(name, &patch, request.dry_run)
        .await?;
    Ok(Rollout::Patched { fingerprint })
}
