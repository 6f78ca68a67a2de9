//! The Kubernetes side: read the Secret and the Deployment, patch them. Needs exactly `get`
//! and `patch` on the two objects.
//!
//! Requests are made here, not by the client's own retry layer (which retries silently, and
//! retries a write whose answer was lost into a conflict with itself): a failed read is retried
//! within the [`Budget`], and after a write whose answer is missing or unclear the object is
//! read back, so what is reported is what the API server holds. Error answers are shown only
//! as their status, reason and redacted message ([`remote_text`]), never as a body.

use crate::budget::{Budget, http_date, retry_after};
use crate::error::{RenewError, chain};
use crate::redact::remote_text;
use crate::request::{KubeAccess, Target};
use http_body_util::{BodyExt, Limited};
use jiff::Timestamp;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// The field manager named in the API server's managed fields.
const FIELD_MANAGER: &str = "shgw-token-renew";
/// The largest answer read (a Secret or a Deployment is a few kilobytes).
const MAX_BODY: usize = 4 << 20;

/// The two kinds the renewer touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The token Secret.
    Secret,
    /// The gateway Deployment.
    Deployment,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Secret => "Secret",
            Kind::Deployment => "Deployment",
        }
    }

    fn path(self, namespace: &str, name: &str) -> String {
        // Both names are checked RFC 1123 names: nothing to escape.
        match self {
            Kind::Secret => format!("/api/v1/namespaces/{namespace}/secrets/{name}"),
            Kind::Deployment => {
                format!("/apis/apps/v1/namespaces/{namespace}/deployments/{name}")
            }
        }
    }
}

/// A connection to the API server, scoped to the target's namespace.
pub(crate) struct Cluster {
    client: Client,
    namespace: String,
}

/// Connects: `--kubeconfig`, else the pod's ServiceAccount, else `KUBECONFIG`/`~/.kube/config`.
pub(crate) async fn connect(access: &KubeAccess, target: &Target) -> Result<Cluster, RenewError> {
    let path = match access {
        KubeAccess::Kubeconfig(path) => Some(path.as_path()),
        KubeAccess::Infer => None,
    };
    let mut config = kube_config(path, None).await?;
    // Retries are made here, logged and bounded by --deadline.
    config.default_retry = false;
    config.headers.push((
        http::header::USER_AGENT,
        http::HeaderValue::from_static(crate::USER_AGENT),
    ));
    let client =
        Client::try_from(config).map_err(|e| RenewError::KubeConfig { detail: chain(&e) })?;
    Ok(Cluster {
        client,
        namespace: target.namespace.clone(),
    })
}

/// A Kubernetes client: from `kubeconfig` when given (its `context`, or its current context);
/// otherwise the pod's ServiceAccount, else `KUBECONFIG` or `~/.kube/config` (a `context`
/// skips the ServiceAccount). Reads time out after 60 seconds.
///
/// Call it inside a Tokio runtime that outlives the client.
///
/// # Errors
/// [`RenewError::KubeConfig`] saying where the configuration was looked for and what failed.
pub async fn kube_client(
    kubeconfig: Option<&Path>,
    context: Option<&str>,
) -> Result<Client, RenewError> {
    let mut config = kube_config(kubeconfig, context).await?;
    config.read_timeout = Some(Duration::from_secs(60));
    Client::try_from(config).map_err(|e| RenewError::KubeConfig { detail: chain(&e) })
}

/// Where the client's configuration comes from; see [`kube_client`].
async fn kube_config(
    kubeconfig: Option<&Path>,
    context: Option<&str>,
) -> Result<Config, RenewError> {
    let options = KubeConfigOptions {
        context: context.map(str::to_owned),
        ..KubeConfigOptions::default()
    };
    match kubeconfig {
        Some(path) => {
            let file = Kubeconfig::read_from(path).map_err(|e| RenewError::KubeConfig {
                detail: format!("--kubeconfig {}: {}", path.display(), chain(&e)),
            })?;
            Config::from_custom_kubeconfig(file, &options)
                .await
                .map_err(|e| RenewError::KubeConfig {
                    detail: format!("--kubeconfig {}: {}", path.display(), chain(&e)),
                })
        }
        None if context.is_some() => {
            Config::from_kubeconfig(&options)
                .await
                .map_err(|e| RenewError::KubeConfig {
                    detail: format!("KUBECONFIG or ~/.kube/config: {}", chain(&e)),
                })
        }
        None => match Config::incluster() {
            Ok(c) => Ok(c),
            Err(in_cluster) => Config::from_kubeconfig(&options).await.map_err(|kubeconfig| {
                RenewError::KubeConfig {
                    detail: format!(
                        "not in a cluster ({}) and no usable KUBECONFIG or ~/.kube/config ({}); pass --kubeconfig",
                        chain(&in_cluster),
                        chain(&kubeconfig)
                    ),
                }
            }),
        },
    }
}

/// One request that did not succeed.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The HTTP status, when an answer came.
    status: Option<u16>,
    /// What happened, safe to show.
    detail: String,
    /// The answer's `Retry-After`.
    retry_after: Option<Duration>,
}

impl Failure {
    /// Trying again may succeed.
    fn retryable(&self) -> bool {
        match self.status {
            None => true,
            Some(s) => matches!(s, 408 | 429 | 500 | 502 | 503 | 504),
        }
    }

    /// A write that failed like this may still have been made: no answer, or a server error
    /// (a proxy or the API server may answer 5xx for a request it passed on or carried out).
    fn ambiguous(&self) -> bool {
        self.status.is_none_or(|s| s >= 500)
    }

    fn why(&self) -> String {
        match self.status {
            Some(s) => format!("HTTP {s}"),
            None => "no answer".to_owned(),
        }
    }
}

/// How a write ended well.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Written {
    /// The API server said so.
    Answered,
    /// Its answer was lost or an error, but reading the object back shows the change.
    ReadBack,
}

/// How a write ended badly.
#[derive(Debug)]
pub(crate) enum WriteError {
    /// The object does not hold the change (the API server refused it, or reading it back
    /// shows it did not happen).
    NotWritten {
        /// The write's error.
        cause: RenewError,
        /// The object was read back after the failure (so "not written" is what it holds).
        read_back: bool,
        /// The last attempt went unanswered or timed out at a gateway (504): that write may
        /// still be carried out after the read.
        in_flight: bool,
        /// The object changed since it was read (a conflict with another writer).
        changed: bool,
    },
    /// The write's answer was lost or an error and the object could not be read back: whether
    /// the change was made is unknown.
    Unknown {
        /// The write's error.
        cause: RenewError,
        /// The read's error.
        read: RenewError,
    },
}

impl WriteError {
    /// As one error naming `what` was written.
    pub fn into_error(self, object: String) -> RenewError {
        match self {
            WriteError::NotWritten { cause, .. } => cause,
            WriteError::Unknown { cause, read } => RenewError::WriteUnknown {
                object,
                cause: Box::new(cause),
                read: Box::new(read),
            },
        }
    }
}

/// `resourceVersion` of a read object.
pub(crate) fn resource_version(object: &Value) -> Option<&str> {
    object
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
}

impl Cluster {
    /// `Kind ns/name`, as errors name it.
    pub fn object(&self, kind: Kind, name: &str) -> String {
        format!("{} {}/{name}", kind.as_str(), self.namespace)
    }

    /// One request; the answer's body and `Date` on success.
    async fn exchange(
        &self,
        method: http::Method,
        kind: Kind,
        name: &str,
        patch: Option<&Value>,
        dry_run: bool,
        budget: &Budget<'_>,
    ) -> Result<(Value, Option<Timestamp>), Failure> {
        let mut uri = kind.path(&self.namespace, name);
        if patch.is_some() {
            uri.push_str("?fieldManager=");
            uri.push_str(FIELD_MANAGER);
            if dry_run {
                uri.push_str("&dryRun=All");
            }
        }
        let local = |detail: String| Failure {
            status: None,
            detail,
            retry_after: None,
        };
        let mut builder = http::Request::builder()
            .method(method)
            .uri(uri)
            .header(http::header::ACCEPT, "application/json");
        let body = match patch {
            Some(p) => {
                builder =
                    builder.header(http::header::CONTENT_TYPE, "application/merge-patch+json");
                p.to_string().into_bytes()
            }
            None => Vec::new(),
        };
        let request = builder
            .body(kube::client::Body::from(body))
            .map_err(|e| local(chain(&e)))?;
        let timeout = budget.request_timeout();
        let exchange = async {
            let response = self
                .client
                .send(request)
                .await
                .map_err(|e| local(remote_text(&chain(&e), 400)))?;
            let status = response.status().as_u16();
            let header = |name: http::header::HeaderName| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let date = header(http::header::DATE).and_then(|d| http_date(&d));
            let retry =
                header(http::header::RETRY_AFTER).and_then(|v| retry_after(&v, Timestamp::now()));
            let bytes = Limited::new(response.into_body(), MAX_BODY)
                .collect()
                .await
                .map_err(|e| {
                    local(format!(
                        "reading the answer: {}",
                        remote_text(&e.to_string(), 200)
                    ))
                })?
                .to_bytes();
            if !(200..300).contains(&status) {
                return Err(Failure {
                    status: Some(status),
                    detail: status_text(status, &bytes),
                    retry_after: retry,
                });
            }
            let value = serde_json::from_slice(&bytes).map_err(|_| Failure {
                status: Some(status),
                detail: format!("HTTP {status} with an answer that is not JSON"),
                retry_after: None,
            })?;
            Ok((value, date))
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| local(format!("no answer within {}s", timeout.as_secs())))?
    }

    fn error(&self, action: &'static str, kind: Kind, name: &str, f: &Failure) -> RenewError {
        let lower = kind.as_str().to_ascii_lowercase();
        let hint = match f.status {
            Some(403) => format!(
                "; the renewer's Role needs verbs get and patch on {lower}s with resourceNames [{name}] in namespace {}",
                self.namespace
            ),
            Some(404) => format!(
                "; check --namespace and --{lower} (create the {} first: shgw render writes it)",
                kind.as_str()
            ),
            Some(409) => "; it changed while the renewer ran: run it again".to_owned(),
            _ => String::new(),
        };
        RenewError::Kube {
            action,
            object: self.object(kind, name),
            status: f.status,
            detail: f.detail.clone(),
            hint,
        }
    }

    /// Reads an object, retrying within the budget; its JSON and the answer's `Date`.
    pub async fn get(
        &self,
        kind: Kind,
        name: &str,
        budget: &Budget<'_>,
    ) -> Result<(Value, Option<Timestamp>), RenewError> {
        let mut attempt = 1;
        loop {
            match self
                .exchange(http::Method::GET, kind, name, None, false, budget)
                .await
            {
                Ok(answer) => return Ok(answer),
                Err(f) => {
                    let what = format!("get {}", self.object(kind, name));
                    if f.retryable() && budget.pause(&what, attempt, &f.detail, f.retry_after).await
                    {
                        attempt += 1;
                        continue;
                    }
                    let e = self.error("get", kind, name, &f);
                    return Err(if f.retryable() {
                        RenewError::GaveUp {
                            attempts: attempt,
                            deadline: budget.deadline_secs(),
                            source: Box::new(e),
                        }
                    } else {
                        e
                    });
                }
            }
        }
    }

    /// Merge-patches an object (a server-side dry run with `dry_run`). A `resourceVersion` in
    /// `patch` makes it fail if the object changed since it was read. `landed` tells from the
    /// object read back whether the change is there: after a failure that may hide a write
    /// that happened (no answer, a server error, a conflict after such a one), the object is
    /// read back and the result follows what it holds; a write that did not happen is retried
    /// when that may help and the budget allows.
    pub async fn write(
        &self,
        kind: Kind,
        name: &str,
        patch: &Value,
        dry_run: bool,
        budget: &Budget<'_>,
        landed: &dyn Fn(&Value) -> bool,
    ) -> Result<Written, WriteError> {
        let sent_version = resource_version(patch).map(str::to_owned);
        let what = format!(
            "{}patch {}",
            if dry_run { "dry-run " } else { "" },
            self.object(kind, name)
        );
        let mut attempt = 1;
        let mut ambiguous = false;
        loop {
            let f = match self
                .exchange(
                    http::Method::PATCH,
                    kind,
                    name,
                    Some(patch),
                    dry_run,
                    budget,
                )
                .await
            {
                Ok(_) => return Ok(Written::Answered),
                Err(f) => f,
            };
            // A dry run changes nothing: try again or fail.
            if dry_run || !(ambiguous || f.ambiguous()) {
                if f.retryable() && budget.pause(&what, attempt, &f.detail, f.retry_after).await {
                    attempt += 1;
                    continue;
                }
                return Err(WriteError::NotWritten {
                    cause: self.gave_up(self.error("patch", kind, name, &f), &f, attempt, budget),
                    read_back: false,
                    in_flight: false,
                    changed: f.status == Some(409),
                });
            }
            ambiguous = true;
            budget.note(&format!(
                "{what}: attempt {attempt} got no clear answer ({}); reading it back to see whether the change was made",
                f.detail
            ));
            let object = match self.get(kind, name, budget).await {
                Ok((object, _)) => object,
                Err(read) => {
                    return Err(WriteError::Unknown {
                        cause: self.error("patch", kind, name, &f),
                        read,
                    });
                }
            };
            if landed(&object) {
                budget.note(&format!(
                    "{what}: the change is there: the write was made although its answer was lost or an error ({})",
                    f.why()
                ));
                return Ok(Written::ReadBack);
            }
            let changed = sent_version
                .as_deref()
                .is_some_and(|v| resource_version(&object) != Some(v));
            if f.retryable()
                && !changed
                && budget.pause(&what, attempt, &f.detail, f.retry_after).await
            {
                attempt += 1;
                continue;
            }
            return Err(WriteError::NotWritten {
                cause: self.gave_up(self.error("patch", kind, name, &f), &f, attempt, budget),
                read_back: true,
                in_flight: f.status.is_none_or(|s| s == 504),
                changed,
            });
        }
    }

    fn gave_up(
        &self,
        e: RenewError,
        f: &Failure,
        attempts: u32,
        budget: &Budget<'_>,
    ) -> RenewError {
        if f.retryable() {
            RenewError::GaveUp {
                attempts,
                deadline: budget.deadline_secs(),
                source: Box::new(e),
            }
        } else {
            e
        }
    }
}

/// An error answer, as it may be shown: the status, the Kubernetes `Status` reason and its
/// redacted message; never the body itself.
fn status_text(status: u16, body: &[u8]) -> String {
    let json: Value = serde_json::from_slice(body).unwrap_or_default();
    let text = |k: &str| {
        json.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    if json.get("kind").and_then(Value::as_str) != Some("Status") {
        return format!("HTTP {status} (the answer is not a Kubernetes Status; not shown)");
    }
    let reason = text("reason")
        .map(|r| format!(" {}", remote_text(r, 40)))
        .unwrap_or_default();
    match text("message") {
        Some(m) => format!("HTTP {status}{reason}: {}", remote_text(m, 500)),
        None => format!("HTTP {status}{reason}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_answers_show_status_reason_and_a_redacted_message_only() {
        let body = br#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"admission webhook \"deny.example\" denied the request: data.value R2F0ZXdheUtleSBndyYyMDI3MDEwMTAwMDAmc2lnbmF0dXJl is not allowed","reason":"Forbidden","code":403}"#;
        let shown = status_text(403, body);
        assert_eq!(
            shown,
            "HTTP 403 Forbidden: admission webhook \"deny.example\" denied the request: data.value <redacted> is not allowed"
        );
        assert_eq!(
            status_text(503, b"<html>upstream R2F0ZXdheUtleQ== down</html>"),
            "HTTP 503 (the answer is not a Kubernetes Status; not shown)"
        );
        assert_eq!(
            status_text(409, br#"{"kind":"Status","reason":"Conflict"}"#),
            "HTTP 409 Conflict"
        );
    }
}
