//! The review: every gateway workload of a manifest stream (a Deployment, StatefulSet or
//! DaemonSet whose container receives `config.service.endpoint`, or runs the gateway image)
//! judged, with the objects around it, against rules with stable ids (`SHGW001`...) at the
//! levels a [`Profile`](crate::Profile) gives them, with the parameters it sets.
//!
//! [`crate::render`] runs the same review on the objects it has just built, so a render and
//! `shgw review` of its output agree. Reading text into a [`Stream`] is `shgw-review`'s job;
//! this module reads no files and no clock (the caller passes `now`).
//!
//! ```
//! use serde_json::json;
//! use shgw::review::{Document, Stream};
//! let deployment = json!({
//!     "apiVersion": "apps/v1", "kind": "Deployment",
//!     "metadata": {"name": "gw", "namespace": "apim"},
//!     "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "gw"}},
//!              "template": {"metadata": {"labels": {"app": "gw"}}, "spec": {"containers": [
//!                  {"name": "gw", "image": "contosoacr.azurecr.io/mirror/apim-gateway:v2",
//!                   "env": [{"name": "config.service.endpoint", "value": "contoso.configuration.azure-api.net"}]}]}}}
//! });
//! let stream = Stream { documents: vec![Document::new("gw.yaml", deployment)] };
//! let profile = shgw::Profile::embedded("production")?;
//! let report = shgw::review(&stream, &profile, jiff::Timestamp::UNIX_EPOCH);
//! let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
//! assert!(rules.contains(&"SHGW001") && rules.contains(&"SHGW004") && rules.contains(&"SHGW010"));
//! # Ok::<(), shgw::Error>(())
//! ```

mod catalog;
mod document;
mod engine;
mod finding;
pub mod inventory;
pub mod objects;
mod rules;
mod suppress;

pub use crate::detect::{EnvSource, GATEWAY_IMAGE, gateway_container};
pub use catalog::{Level, RULES, Rule, Severity, rule};
pub use document::{Document, Position, Positions, Stream, escape};
pub use engine::review;
pub(crate) use engine::review_rendered;
pub use finding::{Counts, FailOn, Finding, GatewayInfo, Location, ObjectRef, Report, Suppression};
pub use rules::image::{ImageRef, parse_image};
pub use rules::theme_of as theme;
pub use suppress::ANNOTATION as SUPPRESS_ANNOTATION;
