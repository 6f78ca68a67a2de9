//! Renews an Azure API Management self-hosted gateway token stored in a Kubernetes Secret:
//! the library behind `shgw token renew`.
//!
//! A renewal reads the Secret, and when the stored token has less than `renew_before` left
//! (by the later of this machine's clock and the API server's), or none is stored, it
//! 0. checks with server-side dry runs that the Secret and the Deployment can be written,
//! 1. exchanges the pod's federated ServiceAccount token for an ARM access token (Azure
//!    workload identity: `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`, `AZURE_FEDERATED_TOKEN_FILE`,
//!    `AZURE_AUTHORITY_HOST`),
//! 2. calls `POST .../gateways/{gateway}/generateToken?api-version=2024-05-01`,
//! 3. checks the gateway id and expiry of the token it gets,
//! 4. patches the Secret (the token under the key, `shgw.dev/token-expiry`), reading it back
//!    when the write's answer is lost, then the Deployment's pod template
//!    (`shgw.dev/token-fingerprint`, to the token the Secret then holds) so the pods roll,
//! 5. and on success (renewed or not due) sets the Secret's `shgw.dev/renewer-last-success`.
//!
//! Requests that fail in a way worth retrying (no answer, 429, 5xx) are retried with backoff,
//! honouring `Retry-After`, within `deadline`; every retry is logged.
//!
//! It needs `get` and `patch` on the Secret and the Deployment, nothing more. Nothing here
//! prints; [`Outcome`] and [`RenewError`] say what happened and the log callback gets the
//! notes, never showing a token.
//!
//! ```no_run
//! use shgw_renew::*;
//! let request = Request {
//!     target: Target {
//!         namespace: "apim-gateway".into(),
//!         secret: "contoso-token".into(),
//!         secret_key: "value".into(),
//!         deployment: Some("contoso".into()),
//!     },
//!     gateway: GatewayRef {
//!         subscription: "00000000-0000-0000-0000-000000000000".into(),
//!         resource_group: "rg".into(),
//!         service: "contoso-apim".into(),
//!         gateway: "contoso".into(),
//!     },
//!     renew_before: shgw::spec::parse_duration("10d").unwrap(),
//!     validity: shgw::spec::parse_duration("29d").unwrap(),
//!     key: KeyType::Primary,
//!     arm: Endpoint::parse("--arm-endpoint", Endpoint::PUBLIC_ARM).unwrap(),
//!     kube: KubeAccess::Infer,
//!     force: false,
//!     dry_run: false,
//!     now: jiff::Timestamp::now(),
//!     deadline: std::time::Duration::from_secs(600),
//! };
//! let outcome = renew(&request, |k| std::env::var(k).ok(), |line| eprintln!("{line}"));
//! ```

mod arm;
mod budget;
mod cluster;
mod decision;
mod endpoint;
mod error;
mod http;
mod identity;
mod proxy;
mod redact;
mod request;
mod run;

pub use cluster::kube_client;
pub use decision::{Decision, Reason, Stored, decide};
pub use endpoint::Endpoint;
pub use error::{ErrorKind, GENERATE_TOKEN_ACTION, RenewError, Service};
pub use identity::{ASSERTION_TYPE, WorkloadIdentity};
pub use proxy::Proxy;
pub use request::{
    API_VERSION, DEADLINE_RANGE, GatewayRef, KeyType, KubeAccess, MAX_VALIDITY, MIN_RENEWAL_GAP,
    Request, Target,
};

/// The `User-Agent` of every request the renewer makes (Kubernetes, Entra ID, ARM), so audit
/// logs can tell its requests apart.
pub const USER_AGENT: &str = concat!("shgw-token-renew/", env!("CARGO_PKG_VERSION"));
pub use run::{Action, Outcome, Rollout, issue_token, renew};
