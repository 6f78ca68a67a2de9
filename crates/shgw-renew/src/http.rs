//! HTTPS requests to Azure over the stack kube also uses (hyper 1, rustls on ring), trusting
//! the Mozilla roots compiled into the binary, so an image without a CA bundle reaches Azure.

use crate::budget::{Budget, retry_after};
use crate::error::{RenewError, Service, chain};
use crate::proxy::{Connector, Proxy};
use crate::redact::remote_text;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// The largest answer read (Entra and ARM answers are a few kilobytes).
const MAX_BODY: usize = 1 << 20;

/// A status and body.
pub(crate) struct Answer {
    pub status: u16,
    pub body: Bytes,
    /// The answer's `Retry-After`.
    pub retry_after: Option<Duration>,
    /// The attempts made, and whether the last one still failed in a way worth retrying (the
    /// budget or the attempts ran out).
    pub attempts: u32,
    pub gave_up: bool,
}

impl Answer {
    /// `err` as the final error of this answer: marked as given up after retries when it was.
    pub fn finish(&self, err: RenewError, deadline: u64) -> RenewError {
        if self.gave_up {
            RenewError::GaveUp {
                attempts: self.attempts,
                deadline,
                source: Box::new(err),
            }
        } else {
            err
        }
    }
}

/// Statuses worth another attempt: throttling, and the server or a gateway on the way failing.
fn retryable(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// A client for Entra ID and ARM.
pub(crate) struct Https {
    client: Client<hyper_rustls::HttpsConnector<Connector>, Full<Bytes>>,
}

impl Https {
    /// Plain `http://` is reachable only because [`crate::Endpoint`] admits it for loopback
    /// addresses alone; HTTPS goes through `proxy` when it says so.
    pub fn new(proxy: &Proxy) -> Https {
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .wrap_connector(Connector::new(proxy));
        Https {
            client: Client::builder(TokioExecutor::new()).build(connector),
        }
    }

    /// POSTs `body` to `url` with the given headers, again after a transport failure or a
    /// status worth retrying (honouring `Retry-After`) while the budget allows; `what` names
    /// the request in the log.
    pub async fn post_retrying(
        &self,
        service: Service,
        what: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        budget: &Budget<'_>,
    ) -> Result<Answer, RenewError> {
        let mut attempt = 1;
        loop {
            let result = self
                .post(
                    service,
                    url,
                    headers,
                    body.to_vec(),
                    budget.request_timeout(),
                )
                .await;
            let (why, after) = match &result {
                Err(RenewError::Transport { detail, .. }) => (format!("no answer: {detail}"), None),
                Ok(a) if retryable(a.status) => (format!("HTTP {}", a.status), a.retry_after),
                _ => {
                    return result.map(|a| Answer {
                        attempts: attempt,
                        ..a
                    });
                }
            };
            if budget.pause(what, attempt, &why, after).await {
                attempt += 1;
                continue;
            }
            return match result {
                Err(e) => Err(RenewError::GaveUp {
                    attempts: attempt,
                    deadline: budget.deadline_secs(),
                    source: Box::new(e),
                }),
                Ok(a) => Ok(Answer {
                    attempts: attempt,
                    gave_up: true,
                    ..a
                }),
            };
        }
    }

    /// POSTs `body` to `url` with the given headers, once.
    async fn post(
        &self,
        service: Service,
        url: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        timeout: Duration,
    ) -> Result<Answer, RenewError> {
        let transport = |detail: String| RenewError::Transport {
            service,
            url: url.to_owned(),
            detail,
        };
        let mut builder = hyper::Request::post(url)
            .header("accept", "application/json")
            .header("user-agent", crate::USER_AGENT);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let request = builder
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| transport(chain(&e)))?;
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| transport(chain(&e)))?;
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| retry_after(v, jiff::Timestamp::now()));
            let body = Limited::new(response.into_body(), MAX_BODY)
                .collect()
                .await
                .map_err(|e| {
                    transport(format!(
                        "reading the answer: {}",
                        remote_text(&e.to_string(), 200)
                    ))
                })?
                .to_bytes();
            Ok(Answer {
                status,
                body,
                retry_after,
                attempts: 1,
                gave_up: false,
            })
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| transport(format!("no answer within {}s", timeout.as_secs())))?
    }
}
