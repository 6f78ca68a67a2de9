//! The report as text (one line per object) or JSON.

use crate::assess::{ObjectReport, Report};

/// Text from the cluster made safe for a terminal: control characters (escape sequences,
/// newlines) and bidirectional overrides are written as Rust escapes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || bidi {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn object_name(o: &ObjectReport, section_ns: Option<&str>) -> String {
    match o.namespace.as_deref() {
        Some(ns) if Some(ns) != section_ns => format!("{ns}/{}", o.name),
        _ => o.name.clone(),
    }
}

/// One line per object under a line per gateway; events indented below their object; a
/// summary line when there is more than one gateway.
pub fn to_text(report: &Report) -> String {
    let mut out = String::new();
    for g in &report.gateways {
        let id = match &g.namespace {
            Some(ns) => format!("{ns}/{}", g.name),
            None => g.name.clone(),
        };
        let verdict = if g.healthy {
            "healthy".to_owned()
        } else {
            format!(
                "NOT HEALTHY ({} problem{})",
                g.problems,
                if g.problems == 1 { "" } else { "s" }
            )
        };
        out.push_str(&format!("{} {}: {verdict}\n", g.kind, escape(&id)));
        for o in &g.objects {
            let mut line = format!(
                "  {:<9}  {} {}",
                o.state.as_str(),
                escape(&o.kind),
                escape(&object_name(o, g.namespace.as_deref()))
            );
            if !o.message.is_empty() {
                line.push_str(": ");
                line.push_str(&escape(&o.message));
            }
            if let Some(by) = &o.referenced_by
                && o.state == crate::State::Ok
            {
                line.push_str(&format!(" (referenced by {})", escape(by)));
            }
            out.push_str(&line);
            out.push('\n');
            for e in &o.events {
                out.push_str(&format!(
                    "             {} {} x{} at {}: {}\n",
                    escape(&e.object),
                    escape(&e.reason),
                    e.count,
                    e.last_seen,
                    escape(&e.message)
                ));
            }
        }
        for n in &g.notes {
            out.push_str(&format!("  note: {}\n", escape(n)));
        }
    }
    if report.gateways.len() > 1 {
        let healthy = report.gateways.iter().filter(|g| g.healthy).count();
        out.push_str(&format!(
            "{} gateways: {healthy} healthy, {} not\n",
            report.gateways.len(),
            report.gateways.len() - healthy
        ));
    }
    out
}

/// Pretty JSON with fixed field names in a fixed order, and a final newline.
pub fn to_json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).unwrap_or_default();
    s.push('\n');
    s
}
