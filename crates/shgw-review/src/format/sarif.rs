//! SARIF 2.1.0: every rule of the table with its descriptions, help and level under the
//! profile; results with physical locations (file, line, column) and logical locations (the
//! object and its field), suppressed results with their justification.

use super::{TOOL, VERSION};
use serde_json::{Value, json};
use shgw::review::{Finding, Report};
use shgw::review::{RULES, Severity};

/// The schema a SARIF log names.
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file name as a relative URI reference (`<stdin>` becomes `stdin`).
fn uri(file: &str) -> String {
    let file = if file == "<stdin>" { "stdin" } else { file };
    let mut out = String::new();
    for b in file.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn rules(report: &Report) -> Vec<Value> {
    RULES
        .iter()
        .map(|r| {
            let sev = report.level(r.id).severity();
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": r.explanation},
                "help": {
                    "text": format!("{} See {}", r.explanation, r.help),
                    "markdown": format!("{}\n\n[Guidance]({})", r.explanation, r.help),
                },
                "helpUri": r.help,
                "defaultConfiguration": {
                    "enabled": sev.is_some(),
                    "level": sev.map_or("none", level),
                },
            })
        })
        .collect()
}

fn result(f: &Finding) -> Value {
    let index = RULES
        .iter()
        .position(|r| r.id == f.rule)
        .unwrap_or_default();
    let object = f.object.to_string();
    let mut logical =
        vec![json!({"name": f.object.name, "fullyQualifiedName": object, "kind": "resource"})];
    if !f.path.is_empty() {
        logical.push(json!({"name": f.path, "fullyQualifiedName": format!("{object}/{}", f.path), "kind": "property"}));
    }
    let mut r = json!({
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": level(f.severity),
        "message": {"text": f.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(&f.location.file)},
                "region": {"startLine": f.location.line, "startColumn": f.location.column},
            },
            "logicalLocations": logical,
        }],
        "partialFingerprints": {"shgwObjectField/v1": format!("{}:{object}:{}", f.rule, f.path)},
        "properties": {"gateway": f.gateway, "path": f.path},
    });
    if let Some(s) = &f.suppression {
        r["suppressions"] =
            json!([{"kind": "inSource", "status": "accepted", "justification": s.justification}]);
    }
    r
}

/// The report as a SARIF 2.1.0 log (pretty JSON).
pub fn to_sarif(report: &Report) -> String {
    let results: Vec<Value> = report.findings.iter().map(result).collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": TOOL,
                "version": VERSION,
                "informationUri": "https://example.invalid/shgw",
                "rules": rules(report),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"profile": report.profile},
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}
