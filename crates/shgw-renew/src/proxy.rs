//! An outbound HTTPS proxy for the Azure calls (`HTTPS_PROXY`, `NO_PROXY`), as clusters whose
//! egress goes through a proxy set them for every pod. HTTPS goes through a `CONNECT` tunnel,
//! so TLS still ends at Azure and the compiled-in roots still decide whom to trust.

use crate::error::RenewError;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::net::TcpStream;

/// The proxy settings: `HTTPS_PROXY` (or `https_proxy`, `ALL_PROXY`, `all_proxy`) and
/// `NO_PROXY` (or `no_proxy`), read like curl reads them. Loopback destinations and plain
/// `http://` (loopback only) never use the proxy.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Proxy {
    https: Option<String>,
    no: Option<String>,
}

/// Shows where the proxy is, never its credentials.
impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("https", &self.https.as_deref().map(redacted))
            .field("no", &self.no)
            .finish()
    }
}

/// `scheme://host:port` of a proxy URL, without user information.
fn redacted(url: &str) -> String {
    match url.parse::<http::Uri>() {
        Ok(u) => format!(
            "{}://{}{}",
            u.scheme_str().unwrap_or("http"),
            u.host().unwrap_or("?"),
            u.port_u16().map(|p| format!(":{p}")).unwrap_or_default()
        ),
        Err(_) => "<unparsable>".into(),
    }
}

impl Proxy {
    /// No proxy.
    pub fn none() -> Proxy {
        Proxy::default()
    }

    /// Reads the settings through `var`.
    ///
    /// # Errors
    /// [`RenewError::Env`] for a proxy URL that is not `http://host:port` (or `host:port`):
    /// a `CONNECT` tunnel to an `https://` proxy is not supported.
    ///
    /// ```
    /// use shgw_renew::Proxy;
    /// let p = Proxy::from_env(|k| (k == "HTTPS_PROXY").then(|| "http://user:pw@proxy:3128".to_owned())).unwrap();
    /// assert_eq!(format!("{p:?}"), r#"Proxy { https: Some("http://proxy:3128"), no: None }"#);
    /// assert!(Proxy::from_env(|k| (k == "HTTPS_PROXY").then(|| "socks5://proxy:1080".to_owned())).is_err());
    /// ```
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Proxy, RenewError> {
        let first = |names: &[&'static str]| {
            names.iter().find_map(|n| {
                var(n)
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
                    .map(|v| (*n, v))
            })
        };
        let https = first(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]);
        if let Some((name, url)) = &https {
            let with_scheme = if url.contains("://") {
                url.clone()
            } else {
                format!("http://{url}")
            };
            let ok = with_scheme.starts_with("http://")
                && with_scheme
                    .parse::<http::Uri>()
                    .is_ok_and(|u| u.host().is_some_and(|h| !h.is_empty()));
            if !ok {
                return Err(RenewError::Env {
                    var: name,
                    reason: format!(
                        "{} is not an http://host:port proxy (the only kind supported, through CONNECT)",
                        redacted(url)
                    ),
                });
            }
        }
        Ok(Proxy {
            https: https.map(|(_, v)| v),
            no: first(&["NO_PROXY", "no_proxy"]).map(|(_, v)| v),
        })
    }

    fn matcher(&self) -> Matcher {
        Matcher::builder()
            .https(self.https.clone().unwrap_or_default())
            .no(self.no.clone().unwrap_or_default())
            .build()
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Connects directly, or through the proxy's `CONNECT` tunnel when the proxy settings say so.
#[derive(Clone)]
pub(crate) struct Connector {
    direct: HttpConnector,
    matcher: Arc<Matcher>,
}

impl Connector {
    pub fn new(proxy: &Proxy) -> Connector {
        let mut direct = HttpConnector::new();
        // TLS is added around this connector; it must let https:// through.
        direct.enforce_http(false);
        Connector {
            direct,
            matcher: Arc::new(proxy.matcher()),
        }
    }
}

fn loopback(uri: &http::Uri) -> bool {
    let host = uri.host().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl tower_service::Service<http::Uri> for Connector {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: http::Uri) -> Self::Future {
        let via = (dst.scheme_str() == Some("https") && !loopback(&dst))
            .then(|| self.matcher.intercept(&dst))
            .flatten();
        let mut direct = self.direct.clone();
        match via {
            None => Box::pin(async move { direct.call(dst).await.map_err(Into::into) }),
            Some(intercept) => {
                let shown = redacted(&intercept.uri().to_string());
                let mut tunnel = Tunnel::new(intercept.uri().clone(), direct);
                if let Some(auth) = intercept.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                Box::pin(async move {
                    tunnel
                        .call(dst)
                        .await
                        .map_err(|e| format!("through proxy {shown}: {e}").into())
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn settings_are_read_like_curl_reads_them() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(Proxy::from_env(env(&[])).unwrap(), Proxy::none());
        let p = Proxy::from_env(env(&[
            ("https_proxy", "proxy.corp:3128"),
            ("no_proxy", ".corp"),
        ]))
        .unwrap();
        assert_eq!(p.https.as_deref(), Some("proxy.corp:3128"));
        assert_eq!(p.no.as_deref(), Some(".corp"));
        let p = Proxy::from_env(env(&[
            ("ALL_PROXY", "http://p:1"),
            ("HTTPS_PROXY", "http://q:2"),
        ]))
        .unwrap();
        assert_eq!(p.https.as_deref(), Some("http://q:2"), "HTTPS_PROXY first");
        let e = Proxy::from_env(env(&[("HTTPS_PROXY", "https://u:secret@p:443")])).unwrap_err();
        assert!(e.to_string().contains("https://p:443"), "{e}");
        assert!(!e.to_string().contains("secret"), "{e}");
    }

    #[test]
    fn loopback_and_no_proxy_go_direct() {
        let p = Proxy {
            https: Some("http://proxy:3128".into()),
            no: Some("login.example".into()),
        };
        let m = p.matcher();
        let via = |u: &str| {
            let uri: http::Uri = u.parse().unwrap();
            (!loopback(&uri))
                .then(|| m.intercept(&uri))
                .flatten()
                .is_some()
        };
        assert!(via("https://management.azure.com/x"));
        assert!(!via("https://login.example/t"));
        assert!(!via("https://127.0.0.1:8443/"));
        assert!(!via("https://localhost/"));
    }
}
