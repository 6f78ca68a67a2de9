//! Report formats: text for people, JSON with a documented shape, SARIF 2.1.0 for code
//! scanning, Markdown for pull-request comments. Every format carries the same findings, the
//! rule titles and the guidance links.

mod json;
mod markdown;
mod sarif;
mod text;

pub use json::to_json;
pub use markdown::to_markdown;
pub use sarif::to_sarif;
pub use text::{explain, rules_table, to_text};

use shgw::review::{Report, Rule};

/// The rules that have findings in `report`, in id order.
pub(crate) fn rules_used(report: &Report) -> Vec<&'static Rule> {
    let mut ids: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter().filter_map(shgw::review::rule).collect()
}

/// The tool name in reports.
pub(crate) const TOOL: &str = "shgw";
/// The tool version in reports.
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");
