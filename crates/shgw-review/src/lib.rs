//! **shgw-review**: policy review of Azure API Management self-hosted gateway deployments.
//!
//! Any manifest stream that holds gateway workloads (Deployments, StatefulSets or DaemonSets
//! running the `azure-api-management/gateway` image) is judged, with the objects around them
//! (the ConfigMaps and Secrets they read, the Services that select them, PDBs, HPAs and
//! NetworkPolicies that match them), against rules with stable ids (`SHGW001`...). Every
//! finding carries the rule, its severity under the chosen profile, the gateway, the object,
//! the field path and the line and column of the field. Suppressions are annotations with a
//! reason and an optional end date. The library reads no clock: the caller passes `now`.
//!
//! ```
//! let text = std::fs::read_to_string("../../examples/portal/contoso-west.yml").unwrap();
//! let stream = shgw_review::load("contoso-west.yml", &text).unwrap();
//! let now: jiff::Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
//! let report = shgw_review::review(&stream, "production", now).unwrap();
//! assert!(report.fails(shgw_review::FailOn::Error));
//! ```

mod catalog;
mod engine;
mod finding;
mod format;
mod import;
mod inventory;
mod objects;
mod rules;
mod source;
mod suppress;

pub use catalog::{Catalog, Level, Rule, Severity, UnknownProfile};
pub use engine::{ReviewError, review, review_text};
pub use finding::{Counts, FailOn, Finding, GatewayInfo, Location, ObjectRef, Report, Suppression};
pub use format::{MarkdownError, explain, rules_table, to_json, to_markdown, to_sarif, to_text};
pub use import::{
    ImportError, Imported, Takeover, import_arc_extension, import_helm_values, import_manifests,
    import_manifests_in, is_arc_extension,
};
pub use inventory::GATEWAY_IMAGE;
pub use source::{Document, LoadError, Position, Stream, escape, load};
pub use suppress::ANNOTATION as SUPPRESS_ANNOTATION;
