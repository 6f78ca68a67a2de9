//! HTTPS requests to Azure over the stack kube also uses (hyper 1, rustls on ring), trusting
//! the Mozilla roots compiled into the binary, so an image without a CA bundle reaches Azure.

use crate::error::{RenewError, Service, chain};
use crate::proxy::{Connector, Proxy};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// How long one request may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(60);
/// The largest answer read (Entra and ARM answers are a few kilobytes).
const MAX_BODY: usize = 1 << 20;

/// A status and body.
pub(crate) struct Answer {
    pub status: u16,
    pub body: Bytes,
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

    /// POSTs `body` to `url` with the given headers.
    pub async fn post(
        &self,
        service: Service,
        url: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<Answer, RenewError> {
        let transport = |detail: String| RenewError::Transport {
            service,
            url: url.to_owned(),
            detail,
        };
        let mut builder = hyper::Request::post(url).header("accept", "application/json");
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
            let body = Limited::new(response.into_body(), MAX_BODY)
                .collect()
                .await
                .map_err(|e| transport(format!("reading the answer: {e}")))?
                .to_bytes();
            Ok(Answer { status, body })
        };
        tokio::time::timeout(TIMEOUT, exchange)
            .await
            .map_err(|_| transport(format!("no answer within {}s", TIMEOUT.as_secs())))?
    }
}
