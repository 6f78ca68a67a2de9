//! What a renewal is asked to do: which Secret and Deployment, which gateway in Azure, and
//! the policy (renew before, validity, key).

use crate::Endpoint;
use crate::error::RenewError;
use jiff::{SignedDuration, Timestamp};
use std::path::PathBuf;

/// The longest validity API Management grants a gateway token.
pub const MAX_VALIDITY: SignedDuration =
    SignedDuration::from_hours(shgw::defaults::MAX_TOKEN_VALIDITY_DAYS * 24);

/// The ARM API version of the `generateToken` call.
pub const API_VERSION: &str = "2024-05-01";

/// The gateway key a token is derived from: the Gateway file's own type.
pub use shgw::spec::KeyType;

/// The gateway resource in Azure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayRef {
    /// Subscription id.
    pub subscription: String,
    /// Resource group name.
    pub resource_group: String,
    /// API Management service name.
    pub service: String,
    /// Gateway id (the resource name, which is also the first part of its tokens).
    pub gateway: String,
}

impl GatewayRef {
    /// The ARM resource path of the gateway.
    ///
    /// ```
    /// let g = shgw_renew::GatewayRef {
    ///     subscription: "sub".into(), resource_group: "rg".into(),
    ///     service: "apim".into(), gateway: "gw".into(),
    /// };
    /// assert_eq!(g.path(), "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim/gateways/gw");
    /// ```
    pub fn path(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ApiManagement/service/{}/gateways/{}",
            self.subscription, self.resource_group, self.service, self.gateway
        )
    }

    fn check(&self) -> Result<(), RenewError> {
        for (flag, value) in [
            ("--subscription", &self.subscription),
            ("--resource-group", &self.resource_group),
            ("--service", &self.service),
            ("--gateway", &self.gateway),
        ] {
            // ARM names: letters, digits, `-`, `_`, `.` and `()` (resource groups); nothing
            // that would change the URL's path or query.
            let ok = !value.is_empty()
                && value.len() <= 90
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.()".contains(c))
                && value != "."
                && value != "..";
            if !ok {
                return Err(RenewError::Option {
                    flag,
                    reason: format!(
                        "{value:?} is not an Azure resource name (letters, digits, - _ . ( ))"
                    ),
                });
            }
        }
        Ok(())
    }
}

/// How to reach the Kubernetes API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KubeAccess {
    /// This kubeconfig file (`--kubeconfig`).
    Kubeconfig(PathBuf),
    /// The pod's ServiceAccount when running in a cluster, else `KUBECONFIG` or
    /// `~/.kube/config`.
    Infer,
}

/// The Kubernetes objects a renewal reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Namespace of both objects.
    pub namespace: String,
    /// The Secret holding the token.
    pub secret: String,
    /// The Secret's key holding `GatewayKey ...` (`value` in shgw's and the portal's Secret).
    pub secret_key: String,
    /// The gateway's Deployment, whose pods must restart to read a new token.
    pub deployment: Option<String>,
}

/// A renewal to perform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The Secret and Deployment.
    pub target: Target,
    /// The gateway in Azure.
    pub gateway: GatewayRef,
    /// Renew when less than this is left.
    pub renew_before: SignedDuration,
    /// How long a new token lasts (at most [`MAX_VALIDITY`]).
    pub validity: SignedDuration,
    /// Which gateway key signs the new token.
    pub key: KeyType,
    /// Azure Resource Manager.
    pub arm: Endpoint,
    /// How to reach Kubernetes.
    pub kube: KubeAccess,
    /// Renew even when the stored token has time left, or is for another gateway.
    pub force: bool,
    /// Do everything but the writes (which are sent as server-side dry runs).
    pub dry_run: bool,
    /// The current time (by this machine's clock; the API server's `Date` is compared with it).
    pub now: Timestamp,
    /// The run's time budget (the Job's `activeDeadlineSeconds`): retries stop early enough
    /// to finish within it.
    pub deadline: std::time::Duration,
}

/// The smallest gap between `--validity` and `--renew-before`: a token carries whole minutes,
/// the expiry asked for is rounded down to the minute, and ARM may return one a minute
/// earlier, so a new token can have up to 119 s less than the validity left.
pub const MIN_RENEWAL_GAP: SignedDuration = SignedDuration::from_mins(2);

/// The shortest and longest `--deadline`.
pub const DEADLINE_RANGE: (std::time::Duration, std::time::Duration) = (
    std::time::Duration::from_secs(10),
    std::time::Duration::from_secs(24 * 3600),
);

impl Request {
    /// Checks the policy and names before anything is contacted.
    ///
    /// # Errors
    /// [`RenewError::Option`] naming the flag at fault.
    pub fn check(&self) -> Result<(), RenewError> {
        self.gateway.check()?;
        if self.validity > MAX_VALIDITY {
            return Err(RenewError::Option {
                flag: "--validity",
                reason: format!(
                    "API Management issues tokens for at most {days} days ({days}d)",
                    days = shgw::defaults::MAX_TOKEN_VALIDITY_DAYS
                ),
            });
        }
        if self.validity < SignedDuration::from_hours(1) {
            return Err(RenewError::Option {
                flag: "--validity",
                reason: "a token must last at least an hour (1h)".into(),
            });
        }
        if self.renew_before >= self.validity {
            return Err(RenewError::Option {
                flag: "--renew-before",
                reason: "must be shorter than --validity, or every run would renew again".into(),
            });
        }
        if self.validity - self.renew_before < MIN_RENEWAL_GAP {
            return Err(RenewError::Option {
                flag: "--renew-before",
                reason: "must be at least 2 minutes (2m) shorter than --validity: tokens carry whole minutes and ARM may return one a minute early, so a new token would already be due".into(),
            });
        }
        if self.deadline < DEADLINE_RANGE.0 || self.deadline > DEADLINE_RANGE.1 {
            return Err(RenewError::Option {
                flag: "--deadline",
                reason: "must be between 10s and 24h".into(),
            });
        }
        for (flag, value) in [
            ("--namespace", Some(&self.target.namespace)),
            ("--secret", Some(&self.target.secret)),
            ("--deployment", self.target.deployment.as_ref()),
        ] {
            if let Some(v) = value
                && !is_dns_name(v)
            {
                return Err(RenewError::Option {
                    flag,
                    reason: format!(
                        "{v:?} is not a Kubernetes object name (lower-case letters, digits, -, .)"
                    ),
                });
            }
        }
        let key = &self.target.secret_key;
        if key.is_empty()
            || key.len() > 253
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err(RenewError::Option {
                flag: "--secret-key",
                reason: format!("{key:?} is not a Secret key (letters, digits, - _ .)"),
            });
        }
        Ok(())
    }

    /// The expiry to ask for: now plus the validity, down to the whole minute (tokens carry
    /// minutes), so never more than the validity ahead.
    pub fn requested_expiry(&self) -> Timestamp {
        let end = self.now.as_second().saturating_add(self.validity.as_secs());
        Timestamp::from_second(end - end.rem_euclid(60)).unwrap_or(self.now)
    }
}

/// RFC 1123 subdomain: what Kubernetes accepts as a Secret, Deployment or namespace name.
fn is_dns_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}
