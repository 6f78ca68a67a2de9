//! Base URLs of the services the renewer calls (ARM, the Entra authority): HTTPS, or plain
//! HTTP on a loopback address only (how tests reach their stand-ins).

use crate::error::RenewError;
use std::net::IpAddr;

/// A checked base URL, without a trailing slash.
///
/// ```
/// use shgw_renew::Endpoint;
/// let arm = Endpoint::parse("--arm-endpoint", "https://management.usgovcloudapi.net/").unwrap();
/// assert_eq!(arm.join("/subscriptions/x"), "https://management.usgovcloudapi.net/subscriptions/x");
/// assert!(Endpoint::parse("--arm-endpoint", "http://127.0.0.1:8080").is_ok());
/// assert!(Endpoint::parse("--arm-endpoint", "http://management.azure.com").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    base: String,
}

impl Endpoint {
    /// The public cloud's Azure Resource Manager.
    pub const PUBLIC_ARM: &'static str = shgw::defaults::ARM_ENDPOINT;
    /// The public cloud's Entra ID authority.
    pub const PUBLIC_AUTHORITY: &'static str = "https://login.microsoftonline.com/";

    /// Checks `url`; `what` names it in errors.
    ///
    /// # Errors
    /// [`RenewError::EndpointMalformed`] for anything but `scheme://host[:port][/path]` (no query,
    /// no fragment, no user info); [`RenewError::EndpointInsecure`] for a scheme other than
    /// `https`, or `http` to a host that is not a loopback address.
    pub fn parse(what: &'static str, url: &str) -> Result<Endpoint, RenewError> {
        let malformed = || RenewError::EndpointMalformed {
            what,
            url: url.to_owned(),
        };
        let uri: http::Uri = url.parse().map_err(|_| malformed())?;
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err(malformed());
        };
        if uri.query().is_some()
            || url.contains('#')
            || authority.as_str().contains('@')
            || authority.host().is_empty()
        {
            return Err(malformed());
        }
        let secure = match scheme {
            "https" => true,
            "http" => is_loopback(authority.host()),
            _ => false,
        };
        if !secure {
            return Err(RenewError::EndpointInsecure {
                what,
                url: url.to_owned(),
            });
        }
        let path = uri.path().trim_end_matches('/');
        Ok(Endpoint {
            base: format!("{scheme}://{authority}{path}"),
        })
    }

    /// `base` followed by `path` (which starts with `/`).
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The base URL, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.base
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.base)
    }
}

/// `localhost`, 127.0.0.0/8 or ::1.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        for ok in [
            "https://management.azure.com",
            "https://management.chinacloudapi.cn/",
            "https://login.microsoftonline.com/",
            "http://127.0.0.1:1234",
            "http://127.9.8.7",
            "http://[::1]:80/",
            "http://localhost:9/",
            "http://LOCALHOST",
        ] {
            assert!(Endpoint::parse("x", ok).is_ok(), "{ok}");
        }
        for insecure in [
            "http://management.azure.com",
            "http://10.0.0.1",
            "http://128.0.0.1",
            "http://[::2]",
            "http://localhost.example.com",
            "ftp://127.0.0.1",
        ] {
            assert!(
                matches!(
                    Endpoint::parse("x", insecure),
                    Err(RenewError::EndpointInsecure { .. })
                ),
                "{insecure}"
            );
        }
        for malformed in [
            "",
            "management.azure.com",
            "/relative",
            "https://",
            "https://a.b/?x=1",
            "https://a.b/#f",
            "https://user@a.b",
        ] {
            assert!(
                matches!(
                    Endpoint::parse("x", malformed),
                    Err(RenewError::EndpointMalformed { .. })
                ),
                "{malformed}"
            );
        }
    }

    #[test]
    fn join_keeps_one_slash() {
        let e = Endpoint::parse("x", "https://login.microsoftonline.com/").unwrap();
        assert_eq!(
            e.join("/t/oauth2/v2.0/token"),
            "https://login.microsoftonline.com/t/oauth2/v2.0/token"
        );
        let e = Endpoint::parse("x", "https://login.example/prefix/").unwrap();
        assert_eq!(e.join("/t"), "https://login.example/prefix/t");
    }
}
