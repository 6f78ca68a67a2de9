//! Text for a terminal: findings grouped by gateway, colour only when asked for.

use shgw::review::{Finding, Report};
use shgw::review::{RULES, Severity};
use std::fmt::Write;

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    fn severity(&self, f: &Finding) -> String {
        if f.suppression.is_some() {
            return self.wrap("2", "suppressed");
        }
        let (code, s) = match f.severity {
            Severity::Error => ("1;31", "error"),
            Severity::Warning => ("33", "warning"),
            Severity::Info => ("36", "info"),
        };
        self.wrap(code, s)
    }
}

/// Text from the input, safe for a terminal: C0 and C1 control characters (escape sequences
/// start with ESC or CSI), DEL, line breaks and the bidirectional overrides that reorder what
/// a terminal shows are written as `\u{..}` escapes, so a name cannot move the cursor, change
/// colours, clear the screen or start a line of its own.
pub(crate) fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The report as text: one block per gateway (then findings that belong to none), each
/// finding with its location, rule, object, field, message and guidance link, and a summary
/// line. `color` adds ANSI colours (the CLI turns it on only on a terminal without `NO_COLOR`).
pub fn to_text(report: &Report, color: bool) -> String {
    let paint = Paint { on: color };
    let mut out = String::new();
    let mut groups: Vec<(Option<&str>, Vec<&Finding>)> = report
        .gateways
        .iter()
        .map(|g| (Some(g.name.as_str()), Vec::new()))
        .collect();
    groups.push((None, Vec::new()));
    for f in &report.findings {
        let slot = groups
            .iter()
            .position(|(g, _)| *g == f.gateway.as_deref())
            .unwrap_or(groups.len() - 1);
        groups[slot].1.push(f);
    }
    for (i, (gateway, findings)) in groups.iter().enumerate() {
        match gateway.and_then(|_| report.gateways.get(i)) {
            Some(g) => {
                let _ = writeln!(
                    out,
                    "{} {} ({}) at {}:{}",
                    paint.wrap("1", "gateway"),
                    clean(&g.name),
                    clean(&g.object.to_string()),
                    clean(&g.location.file),
                    g.location.line
                );
            }
            None if findings.is_empty() => continue,
            None => out.push_str("other findings\n"),
        }
        if findings.is_empty() {
            out.push_str("  no findings\n");
        }
        for f in findings {
            let _ = writeln!(
                out,
                "  {}:{}:{}: {} {} {}",
                clean(&f.location.file),
                f.location.line,
                f.location.column,
                paint.severity(f),
                f.rule,
                f.name
            );
            let field = if f.path.is_empty() {
                String::new()
            } else {
                format!(" {}", clean(&f.path))
            };
            let _ = writeln!(
                out,
                "    {}{field}: {}",
                clean(&f.object.to_string()),
                clean(&f.message)
            );
            if let Some(s) = &f.suppression {
                let until = s
                    .until
                    .as_deref()
                    .map(|d| format!(" until {}", clean(d)))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    suppressed on {}: {}{until}",
                    s.on,
                    clean(&s.justification)
                );
            }
            if let Some(rule) = shgw::review::rule(&f.rule) {
                let _ = writeln!(out, "    {} ({})", rule.title, rule.help);
            }
        }
    }
    let c = report.counts();
    let _ = writeln!(
        out,
        "{} gateway(s), profile {}: {} error(s), {} warning(s), {} info, {} suppressed",
        report.gateways.len(),
        report.profile,
        c.error,
        c.warning,
        c.info,
        c.suppressed
    );
    out
}

/// A rule's explanation for `shgw review --explain`, or `None` for an unknown id.
///
/// ```
/// let text = shgw_review::explain("SHGW055").unwrap();
/// assert!(text.contains("readOnlyRootFilesystem"));
/// assert!(text.contains("production: error"));
/// assert!(shgw_review::explain("SHGW999").is_none());
/// ```
pub fn explain(id: &str) -> Option<String> {
    let rule = shgw::review::rule(&id.to_ascii_uppercase())?;
    let mut out = format!("{} {}: {}\n\n", rule.id, rule.name, rule.title);
    for line in wrap(rule.explanation, 88) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("\nSeverity: ");
    let levels: Vec<String> = embedded()
        .iter()
        .map(|p| format!("{}: {}", p.metadata.name, p.level(rule.id).as_str()))
        .collect();
    out.push_str(&levels.join(", "));
    let reads: Vec<&str> = shgw::profile::Parameters::NAMES
        .iter()
        .filter(|(_, r)| *r == rule.id)
        .map(|(p, _)| *p)
        .collect();
    if !reads.is_empty() {
        let _ = write!(out, "\nParameters: {}", reads.join(", "));
    }
    if let Some(theme) = shgw::review::theme(rule.id) {
        let _ = write!(out, "\nTheme: {theme}");
    }
    let _ = write!(
        out,
        "\nGuidance: {}\nSuppress: {}: \"{}=<reason> [until YYYY-MM-DD]\"\n",
        rule.help,
        shgw::review::SUPPRESS_ANNOTATION,
        rule.id
    );
    Some(out)
}

/// The embedded profiles, in their order (they are part of the library and always resolve).
fn embedded() -> Vec<shgw::Profile> {
    shgw::profile::EMBEDDED
        .iter()
        .filter_map(|(name, _)| shgw::Profile::embedded(name).ok())
        .collect()
}

/// Every rule with its level under each embedded profile and its title, one per line.
///
/// ```
/// let table = shgw_review::rules_table();
/// assert!(table.lines().next().unwrap().starts_with("rule"));
/// assert!(table.contains("SHGW055  error    error       error      readOnlyRootFilesystem"), "{table}");
/// ```
pub fn rules_table() -> String {
    let profiles = embedded();
    let widths: Vec<usize> = profiles
        .iter()
        .map(|p| p.metadata.name.len().max(7))
        .collect();
    let mut out = format!("{:<7}", "rule");
    for (p, w) in profiles.iter().zip(&widths) {
        let _ = write!(out, "  {:<w$}", p.metadata.name);
    }
    out.push_str("  title\n");
    for r in RULES {
        out.push_str(r.id);
        for (p, w) in profiles.iter().zip(&widths) {
            let _ = write!(out, "  {:<w$}", p.level(r.id).as_str());
        }
        let _ = writeln!(out, "  {}", r.title);
    }
    out
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
