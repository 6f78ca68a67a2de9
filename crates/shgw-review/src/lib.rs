//! **shgw-review**: reports of the review of Azure API Management self-hosted gateway
//! deployments, the manifest loader that places every field, and import.
//!
//! The rules themselves live in [`shgw::review`](mod@shgw::review), below `shgw::render`, so that a render, a
//! build and a review judge with one engine. This crate reads manifest text into a [`Stream`]
//! (with the line and column of every field), writes a [`Report`] as text, JSON, SARIF or
//! Markdown, explains rules, and imports existing deployments as Gateway files.
//!
//! ```
//! let text = std::fs::read_to_string("../../examples/portal/contoso-west.yml").unwrap();
//! let stream = shgw_review::load("contoso-west.yml", &text).unwrap();
//! let now: jiff::Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
//! let profile = shgw::Profile::embedded("production").unwrap();
//! let report = shgw_review::review(&stream, &profile, now);
//! assert!(report.fails(shgw_review::FailOn::Error));
//! ```

mod error;
mod format;
mod import;
mod source;

pub use error::{Error, ErrorKind};

pub use format::{explain, rules_table, to_json, to_markdown, to_sarif, to_text};
pub use import::{
    Imported, Misfit, Takeover, import_arc_extension, import_helm_values, import_manifests,
    import_manifests_in, is_arc_extension,
};
pub use shgw::review::GATEWAY_IMAGE;
pub use shgw::review::{
    Counts, FailOn, Finding, GatewayInfo, Level, Location, ObjectRef, Report, Rule, Severity,
    Suppression, review,
};
pub use shgw::review::{RULES, SUPPRESS_ANNOTATION};
pub use source::{Document, Position, Stream, escape, load};

/// Reads manifest text named `source` (what `shgw render` prints, a Helm chart's output) and
/// reviews it under `profile`: [`load`] then [`review`], with locations in that text.
///
/// # Errors
/// [`ErrorKind::Syntax`] for text that is no manifest stream.
pub fn review_text(
    source: &str,
    text: &str,
    profile: &shgw::Profile,
    now: jiff::Timestamp,
) -> Result<Report, Error> {
    Ok(review(&load(source, text)?, profile, now))
}
