//! One renewal, start to end: read, decide, check that the writes can be made, ask Azure,
//! check, store, roll, stamp.

use crate::arm::generate_token;
use crate::budget::Budget;
use crate::cluster::{Cluster, Kind, WriteError, Written, connect, resource_version};
use crate::decision::{Decision, Reason, Stored, decide};
use crate::error::RenewError;
use crate::http::Https;
use crate::identity::WorkloadIdentity;
use crate::proxy::Proxy;
use crate::request::Request;
use base64::Engine as _;
use jiff::Timestamp;
use serde_json::Value;
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
/// Azure is called); `log` gets a line for every retry and every note (a clock that
/// disagrees with the API server's, a write whose answer was lost) as it happens.
///
/// # Errors
/// Every [`RenewError`]; [`RenewError::secret_changed`] says which come after the Secret was
/// changed.
pub fn renew(
    request: &Request,
    env: impl Fn(&str) -> Option<String>,
    log: impl Fn(&str),
) -> Result<Outcome, RenewError> {
    request.check()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(RenewError::Runtime)?;
    let budget = Budget::new(request.deadline, &log);
    runtime.block_on(run(request, env, &budget))
}

/// Asks Azure for a new token for `request`'s gateway (the Entra exchange, then
/// `generateToken`, each retried within `request.deadline`) and checks its gateway id and
/// expiry; Kubernetes is not contacted.
///
/// # Errors
/// [`RenewError`] from the options, Entra ID, ARM or the checks.
pub fn issue_token(
    request: &Request,
    identity: &WorkloadIdentity,
    proxy: &Proxy,
    log: impl Fn(&str),
) -> Result<Token, RenewError> {
    request.check()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(RenewError::Runtime)?;
    let budget = Budget::new(request.deadline, &log);
    runtime.block_on(issue(request, identity, proxy, &budget))
}

async fn issue(
    request: &Request,
    identity: &WorkloadIdentity,
    proxy: &Proxy,
    budget: &Budget<'_>,
) -> Result<Token, RenewError> {
    let http = Https::new(proxy);
    let scope = format!("{}/.default", request.arm);
    let bearer = identity.access_token(&http, &scope, budget).await?;
    let expiry = request.requested_expiry();
    generate_token(&http, request, &bearer, &identity.client_id, expiry, budget).await
}

/// The renewal's view of the Secret and the clocks.
struct Run<'a, 'b> {
    cluster: Cluster,
    request: Request,
    budget: &'a Budget<'b>,
    /// How far the API server's clock is ahead of this one, when it is (seconds, else 0).
    offset: i64,
}

async fn run(
    request: &Request,
    env: impl Fn(&str) -> Option<String>,
    budget: &Budget<'_>,
) -> Result<Outcome, RenewError> {
    let cluster = connect(&request.kube, &request.target).await?;
    let (secret, date) = cluster
        .get(Kind::Secret, &request.target.secret, budget)
        .await?;
    let now = judge_clock(request.now, date, budget);
    let run = Run {
        cluster,
        request: Request {
            now,
            ..request.clone()
        },
        budget,
        offset: now.as_second() - request.now.as_second(),
    };
    let request = &run.request;
    let object = run.secret_object();
    let decision = decide(
        &stored(&secret, &request.target.secret_key),
        &object,
        &request.gateway.gateway,
        request.now,
        request.renew_before,
        request.force,
    )?;
    let reason = match decision {
        Decision::Keep(token) => return run.keep(&secret, &token).await,
        Decision::Renew(reason) => reason,
    };
    run.preflight(&secret, &reason).await?;
    let identity = WorkloadIdentity::from_env(&env)?;
    let proxy = Proxy::from_env(&env)?;
    let token = issue(request, &identity, &proxy, budget).await?;
    run.store(&secret, &token).await?;
    let after_store = |source: RenewError| RenewError::RolloutAfterStore {
        namespace: request.target.namespace.clone(),
        secret: request.target.secret.clone(),
        deployment: request.target.deployment.clone().unwrap_or_default(),
        expiry: token.expiry_rfc3339(),
        source: Box::new(source),
    };
    let rollout = run.roll(&token).await.map_err(after_store)?;
    let last_success = run
        .stamp("the new token is stored and the pods roll")
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

/// The time expiry is judged by: this machine's, unless the API server's (its `Date`) is more
/// than a minute later; a disagreement of more than a minute is logged either way.
fn judge_clock(local: Timestamp, server: Option<Timestamp>, budget: &Budget<'_>) -> Timestamp {
    let Some(server) = server else {
        return local;
    };
    let skew = server.as_second() - local.as_second();
    if skew.abs() <= 60 {
        return local;
    }
    let at = |t: Timestamp| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    if skew > 0 {
        budget.note(&format!(
            "clock: the API server's time ({}, its Date header) is {} ahead of this machine's ({}): expiry is judged by the API server's time; fix this machine's clock",
            at(server),
            span(skew),
            at(local)
        ));
        server
    } else {
        budget.note(&format!(
            "clock: this machine's time ({}) is {} ahead of the API server's ({}, its Date header): expiry is judged by this machine's time, the later of the two; check both clocks",
            at(local),
            span(-skew),
            at(server)
        ));
        local
    }
}

/// `3d 4h 5m 6s`, without the zero parts.
fn span(secs: i64) -> String {
    let parts = [
        (secs / 86_400, "d"),
        (secs % 86_400 / 3600, "h"),
        (secs % 3600 / 60, "m"),
        (secs % 60, "s"),
    ];
    let text: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n != 0)
        .map(|(n, u)| format!("{n}{u}"))
        .collect();
    text.join(" ")
}

/// What the Secret (as JSON) holds under `key`.
fn stored(secret: &Value, key: &str) -> Stored {
    let bytes = secret
        .pointer("/data")
        .and_then(|d| d.get(key))
        .and_then(Value::as_str)
        .map(|b64| base64::engine::general_purpose::STANDARD.decode(b64));
    match bytes {
        None => Stored::from_bytes(None),
        Some(Ok(b)) => Stored::from_bytes(Some(&b)),
        Some(Err(_)) => Stored::Unreadable("the API server's data is not base64".into()),
    }
}

fn annotation<'v>(object: &'v Value, path: &str, name: &str) -> Option<&'v str> {
    object.pointer(path)?.get(name)?.as_str()
}

impl Run<'_, '_> {
    fn secret_object(&self) -> String {
        self.cluster
            .object(Kind::Secret, &self.request.target.secret)
    }

    /// A merge patch's `metadata.resourceVersion` precondition.
    fn with_version(mut patch: Value, object: &Value) -> Value {
        if let Some(rv) = resource_version(object) {
            patch["metadata"]["resourceVersion"] = Value::String(rv.to_owned());
        }
        patch
    }

    /// A token that lasts: Azure is not called, but the cluster is made to agree with it (the
    /// expiry annotation, and the pod template of a rollout that failed after a store).
    async fn keep(&self, secret: &Value, token: &Token) -> Result<Outcome, RenewError> {
        let annotated = self.annotate(secret, token).await?;
        let rollout = self.roll(token).await?;
        let last_success = self
            .stamp("the stored token lasts; nothing else to do")
            .await?;
        Ok(Outcome {
            dry_run: self.request.dry_run,
            action: Action::Kept {
                expiry: token.expiry_rfc3339(),
                days_left: token.days_left(self.request.now),
                annotated,
            },
            rollout,
            last_success,
        })
    }

    /// Before Azure is asked: server-side dry runs of the writes a renewal makes, so that a
    /// store that cannot succeed (an immutable Secret, a missing permission, an admission
    /// policy) does not cost a token.
    async fn preflight(&self, secret: &Value, reason: &Reason) -> Result<(), RenewError> {
        let request = &self.request;
        let probe = format!(
            "GatewayKey {}&{}&c2hndyBkcnkgcnVu",
            request.gateway.gateway,
            request.requested_expiry().strftime("%Y%m%d%H%M")
        );
        let patch = Self::with_version(
            serde_json::json!({
                "metadata": {"annotations": {
                    TOKEN_EXPIRY_ANNOTATION: request.requested_expiry().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                    RENEWER_LAST_SUCCESS_ANNOTATION: self.now_text(),
                }},
                "data": {request.target.secret_key.as_str(): base64::engine::general_purpose::STANDARD.encode(&probe)},
            }),
            secret,
        );
        let refused = |object: String, e: WriteError| RenewError::Preflight {
            reason: reason.to_string(),
            object: object.clone(),
            source: Box::new(e.into_error(object)),
        };
        self.cluster
            .write(
                Kind::Secret,
                &request.target.secret,
                &patch,
                true,
                self.budget,
                &|_| false,
            )
            .await
            .map_err(|e| refused(self.secret_object(), e))?;
        if let Some(name) = &request.target.deployment {
            let fingerprint = Token::parse(&probe)
                .map(|t| t.fingerprint())
                .unwrap_or_default();
            let patch = serde_json::json!({
                "spec": {"template": {"metadata": {"annotations": {TOKEN_FINGERPRINT_ANNOTATION: fingerprint}}}}
            });
            self.cluster
                .write(Kind::Deployment, name, &patch, true, self.budget, &|_| {
                    false
                })
                .await
                .map_err(|e| refused(self.cluster.object(Kind::Deployment, name), e))?;
        }
        Ok(())
    }

    /// Writes the token and its expiry annotation, provided the Secret is still the one read.
    /// When the write's answer is lost or an error, the Secret is read back: the result (and
    /// the message) follow what it holds.
    async fn store(&self, secret: &Value, token: &Token) -> Result<(), RenewError> {
        let request = &self.request;
        let key = request.target.secret_key.as_str();
        let value = base64::engine::general_purpose::STANDARD.encode(token.reveal());
        let patch = Self::with_version(
            serde_json::json!({
                "metadata": {"annotations": {TOKEN_EXPIRY_ANNOTATION: token.expiry_rfc3339()}},
                "data": {key: value},
            }),
            secret,
        );
        let landed = |object: &Value| {
            object
                .pointer("/data")
                .and_then(|d| d.get(key))
                .and_then(Value::as_str)
                == Some(value.as_str())
        };
        match self
            .cluster
            .write(
                Kind::Secret,
                &request.target.secret,
                &patch,
                request.dry_run,
                self.budget,
                &landed,
            )
            .await
        {
            Ok(Written::Answered) => Ok(()),
            Ok(Written::ReadBack) => {
                self.budget.note(&format!(
                    "{}: the new token is stored (read back after the write's answer was lost); rolling the pods to it",
                    self.secret_object()
                ));
                Ok(())
            }
            Err(WriteError::NotWritten {
                cause,
                read_back,
                in_flight,
                changed,
            }) => Err(RenewError::Store {
                how: match (read_back, changed, in_flight) {
                    (true, true, _) => {
                        "read back after the failure, the Secret holds another value: it changed while the renewer ran (another run?); run it again"
                    }
                    (true, false, true) => {
                        "read back after the failure, the Secret is unchanged and does not hold it; the last write went unanswered and may still be carried out: if it is, the next run rolls the pods to it"
                    }
                    (true, false, false) => {
                        "read back after the failure, the Secret is unchanged and does not hold it"
                    }
                    (false, true, _) => {
                        "the API server refused the write: the Secret changed since the renewer read it; run it again"
                    }
                    (false, false, _) => {
                        "the API server refused the write; the Secret is unchanged"
                    }
                },
                source: Box::new(cause),
            }),
            Err(WriteError::Unknown { cause, read }) => Err(RenewError::StoreUnknown {
                cause: Box::new(cause),
                read: Box::new(read),
            }),
        }
    }

    /// Sets the Secret's expiry annotation when it does not match the stored token (a Secret
    /// made by hand has none), so what monitors read is true.
    async fn annotate(&self, secret: &Value, token: &Token) -> Result<bool, RenewError> {
        let expiry = token.expiry_rfc3339();
        if annotation(secret, "/metadata/annotations", TOKEN_EXPIRY_ANNOTATION) == Some(&expiry) {
            return Ok(false);
        }
        let patch = Self::with_version(
            serde_json::json!({"metadata": {"annotations": {TOKEN_EXPIRY_ANNOTATION: expiry}}}),
            secret,
        );
        let landed = |object: &Value| {
            annotation(object, "/metadata/annotations", TOKEN_EXPIRY_ANNOTATION)
                == Some(expiry.as_str())
        };
        self.cluster
            .write(
                Kind::Secret,
                &self.request.target.secret,
                &patch,
                self.request.dry_run,
                self.budget,
                &landed,
            )
            .await
            .map_err(|e| e.into_error(self.secret_object()))?;
        Ok(true)
    }

    /// Sets the pod template's fingerprint annotation to the token the Secret holds *now*
    /// (`token`, unless another run changed it since): the Secret is read again before the
    /// Deployment is patched and once more after, and the rollout is done again while it
    /// changed, so that the last patch of any run names the token stored after it.
    async fn roll(&self, token: &Token) -> Result<Rollout, RenewError> {
        let request = &self.request;
        let Some(name) = &request.target.deployment else {
            return Ok(Rollout::NoDeployment);
        };
        let deployment_object = self.cluster.object(Kind::Deployment, name);
        const TEMPLATE: &str = "/spec/template/metadata/annotations";
        if request.dry_run {
            // Nothing was stored: the token to roll to is the one given.
            let (deployment, _) = self
                .cluster
                .get(Kind::Deployment, name, self.budget)
                .await?;
            let fingerprint = token.fingerprint();
            if annotation(&deployment, TEMPLATE, TOKEN_FINGERPRINT_ANNOTATION) == Some(&fingerprint)
            {
                return Ok(Rollout::Current);
            }
            let patch = serde_json::json!({
                "spec": {"template": {"metadata": {"annotations": {TOKEN_FINGERPRINT_ANNOTATION: fingerprint}}}}
            });
            self.cluster
                .write(Kind::Deployment, name, &patch, true, self.budget, &|_| {
                    false
                })
                .await
                .map_err(|e| e.into_error(deployment_object))?;
            return Ok(Rollout::Patched { fingerprint });
        }
        // The fingerprint this run wrote, if any.
        let mut patched: Option<String> = None;
        const ROUNDS: u32 = 3;
        for _ in 0..ROUNDS {
            let current = self.current_token().await?;
            if current != *token {
                self.budget.note(&format!(
                    "{}: it now holds another token (expiring {}, fingerprint {}) than this run worked with: another run changed it; the pods roll to the stored one",
                    self.secret_object(),
                    current.expiry_rfc3339(),
                    current.fingerprint(),
                ));
            }
            let fingerprint = current.fingerprint();
            let (deployment, _) = self
                .cluster
                .get(Kind::Deployment, name, self.budget)
                .await?;
            if annotation(&deployment, TEMPLATE, TOKEN_FINGERPRINT_ANNOTATION) == Some(&fingerprint)
            {
                return Ok(if patched.as_ref() == Some(&fingerprint) {
                    Rollout::Patched { fingerprint }
                } else {
                    Rollout::Current
                });
            }
            // No resourceVersion: the controller's status updates would make it conflict
            // during every rollout, and the Secret read after the patch is what makes the
            // result right (the last patch is checked against the Secret after it).
            let patch = serde_json::json!({
                "spec": {"template": {"metadata": {"annotations": {TOKEN_FINGERPRINT_ANNOTATION: fingerprint}}}}
            });
            let landed = |object: &Value| {
                annotation(object, TEMPLATE, TOKEN_FINGERPRINT_ANNOTATION)
                    == Some(fingerprint.as_str())
            };
            self.cluster
                .write(Kind::Deployment, name, &patch, false, self.budget, &landed)
                .await
                .map_err(|e| e.into_error(deployment_object.clone()))?;
            // The Secret may have changed while the Deployment was patched.
            if self.current_token().await? == current {
                return Ok(Rollout::Patched { fingerprint });
            }
            patched = Some(fingerprint);
        }
        Err(RenewError::Unsettled {
            object: self.secret_object(),
            rounds: ROUNDS,
        })
    }

    /// The token the Secret holds now.
    async fn current_token(&self) -> Result<Token, RenewError> {
        let request = &self.request;
        let (secret, _) = self
            .cluster
            .get(Kind::Secret, &request.target.secret, self.budget)
            .await?;
        match stored(&secret, &request.target.secret_key) {
            Stored::Token(t)
                if t.gateway_id()
                    .eq_ignore_ascii_case(&request.gateway.gateway) =>
            {
                Ok(t)
            }
            _ => Err(RenewError::NothingToRoll {
                object: self.secret_object(),
                gateway: request.gateway.gateway.clone(),
            }),
        }
    }

    /// Now, by the clock expiry is judged by, RFC 3339 in UTC to the second.
    fn now_text(&self) -> String {
        let now = Timestamp::now().as_second().saturating_add(self.offset);
        Timestamp::from_second(now)
            .unwrap_or_else(|_| Timestamp::now())
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    }

    /// Sets the Secret's `shgw.dev/renewer-last-success` to now, the last write of a run that
    /// succeeded; `done` says what was done before, for the error.
    async fn stamp(&self, done: &str) -> Result<String, RenewError> {
        let now = self.now_text();
        let patch = serde_json::json!({
            "metadata": {"annotations": {RENEWER_LAST_SUCCESS_ANNOTATION: now}},
        });
        let landed = |object: &Value| {
            annotation(
                object,
                "/metadata/annotations",
                RENEWER_LAST_SUCCESS_ANNOTATION,
            ) == Some(now.as_str())
        };
        self.cluster
            .write(
                Kind::Secret,
                &self.request.target.secret,
                &patch,
                self.request.dry_run,
                self.budget,
                &landed,
            )
            .await
            .map_err(|e| RenewError::Stamp {
                done: done.to_owned(),
                source: Box::new(e.into_error(self.secret_object())),
            })?;
        Ok(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_disagreements_are_told_and_the_later_clock_judges() {
        let lines = std::cell::RefCell::new(Vec::<String>::new());
        let log = |l: &str| lines.borrow_mut().push(l.to_owned());
        let budget = Budget::new(std::time::Duration::from_secs(600), &log);
        let t = |s: &str| s.parse::<Timestamp>().ok();
        let local = t("2027-01-01T00:00:00Z").unwrap_or_default();
        assert_eq!(judge_clock(local, None, &budget), local);
        assert_eq!(
            judge_clock(local, t("2027-01-01T00:01:00Z"), &budget),
            local
        );
        assert!(lines.borrow().is_empty());
        let server = t("2027-01-04T02:00:05Z").unwrap_or_default();
        assert_eq!(judge_clock(local, Some(server), &budget), server);
        assert_eq!(
            lines.borrow()[0],
            "clock: the API server's time (2027-01-04T02:00:05Z, its Date header) is 3d 2h 5s ahead of this machine's (2027-01-01T00:00:00Z): expiry is judged by the API server's time; fix this machine's clock"
        );
        let behind = t("2026-12-31T23:58:00Z").unwrap_or_default();
        assert_eq!(judge_clock(local, Some(behind), &budget), local);
        assert!(lines.borrow()[1].contains("is 2m ahead of the API server's"));
    }
}
