//! The JSON report (shape documented in the README, `version` 1).

use super::{TOOL, VERSION, rules_used};
use serde_json::json;
use shgw::review::Report;

/// The report as pretty JSON:
/// `{version, tool: {name, version}, profile, summary: {error, warning, info, suppressed},
/// gateways: [{name, object, location}], findings: [{rule, name, severity, gateway, object:
/// {apiVersion, kind, namespace, name}, path, location: {file, line, column}, message,
/// suppression: {justification, until, on}}], rules: [{id, name, title, severity,
/// explanation, help}]}`; `rules` lists the rules that have findings, with their severity
/// under the report's profile.
pub fn to_json(report: &Report) -> String {
    let rules: Vec<serde_json::Value> = rules_used(report)
        .into_iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name,
                "title": r.title,
                "severity": report.level(r.id).severity(),
                "explanation": r.explanation,
                "help": r.help,
            })
        })
        .collect();
    let doc = json!({
        "version": 1,
        "tool": {"name": TOOL, "version": VERSION},
        "profile": report.profile,
        "summary": report.counts(),
        "gateways": report.gateways,
        "findings": report.findings,
        "rules": rules,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
