//! Reads the live objects of an Azure API Management self-hosted gateway deployment and
//! reports the deployment guide's checks: the library behind `shgw status`.
//!
//! Three steps, two of them pure:
//! 1. [`plan_from_text`]: which objects (those a Gateway renders under a profile, or those a
//!    manifest stream holds, grouped by gateway, plus the token Secret and whatever else the
//!    gateway's pods cannot start without);
//! 2. [`Session::observe`]: one `get` per object (a Secret's metadata only: the token never
//!    leaves the API server) and one `list` of Warning events per namespace;
//! 3. [`assess`]: each object present or missing; the Deployment's available and desired
//!    replicas and rollout; the Service's external address; the backup claim's phase; the
//!    token's expiry (annotation `shgw.dev/token-expiry`); the renewer's last success
//!    (annotation `shgw.dev/renewer-last-success` on the Secret, or the CronJob's
//!    `status.lastSuccessfulTime`), stale beyond twice the longest gap between its runs; and
//!    recent Warning events of the objects that are not ok.
//!
//! ```
//! use shgw_status::*;
//! let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: contoso, namespace: apim}\nspec: {endpoint: contoso.configuration.azure-api.net, backup: {storageClassName: azurefile-csi}}\n";
//! let profile = shgw::Profile::embedded("production").unwrap();
//! let plan = plan_from_text("gateway.yaml", text, &profile).unwrap();
//! // Nothing read yet: every object is unknown, so the gateway is not healthy.
//! let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
//! let report = assess(&plan, &Observation::default(), now, &Settings::default());
//! assert!(!report.healthy);
//! assert!(to_text(&report).contains("Secret contoso-token: not read"));
//! ```

mod assess;
mod error;
mod fetch;
mod format;
mod plan;
mod wait;

pub use assess::{
    ClaimStatus, EventNote, Events, GatewayReport, ObjectReport, Observation, Observed,
    RenewerStatus, Report, ServiceStatus, Settings, State, TokenStatus, WorkloadStatus, assess,
    human,
};
pub use error::{ErrorKind, StatusError};
pub use fetch::Session;
pub use format::{escape, to_json, to_text};
pub use plan::{Key, Origin, Plan, Rendered, Section, Wanted, plan_from_text};
pub use wait::parse_wait;
