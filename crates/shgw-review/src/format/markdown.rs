//! Markdown for a pull-request comment, rendered by minijinja from `templates/report.md.j2`.

use super::rules_used;
use crate::catalog::{Catalog, Severity};
use crate::finding::{Finding, Report};
use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;

const TEMPLATE: &str = include_str!("../../templates/report.md.j2");

/// The Markdown template failed to render (a bug in the template).
#[derive(Debug, thiserror::Error)]
#[error("the markdown report template failed: {0}")]
pub struct MarkdownError(#[from] minijinja::Error);

#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    badge: &'static str,
    title: &'a str,
    help: &'a str,
    object: String,
}

#[derive(Serialize)]
struct Group<'a> {
    name: Option<&'a str>,
    object: String,
    findings: Vec<Row<'a>>,
}

fn badge(f: &Finding) -> &'static str {
    match (f.suppression.is_some(), f.severity) {
        (true, _) => "suppressed",
        (false, Severity::Error) => "**error**",
        (false, Severity::Warning) => "warning",
        (false, Severity::Info) => "info",
    }
}

/// Escapes text for a table cell: pipes, and line breaks as spaces.
fn cell(s: String) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn row(f: &Finding) -> Row<'_> {
    let rule = Catalog::get().rule(&f.rule);
    Row {
        finding: f,
        badge: badge(f),
        title: rule.map_or("", |r| r.title.as_str()),
        help: rule.map_or("", |r| r.help.as_str()),
        object: f.object.to_string(),
    }
}

/// The report as Markdown: a summary line, a table of findings per gateway (each with its rule
/// link, object, field and location), and the explanations of the rules that were hit.
///
/// # Errors
/// [`MarkdownError`] if the embedded template cannot render.
pub fn to_markdown(report: &Report) -> Result<String, MarkdownError> {
    let mut env = Environment::new();
    env.add_filter("cell", cell);
    env.add_template("report.md", TEMPLATE)?;
    let mut groups: Vec<Group> = report
        .gateways
        .iter()
        .map(|g| Group {
            name: Some(g.name.as_str()),
            object: g.object.to_string(),
            findings: report
                .findings
                .iter()
                .filter(|f| f.gateway.as_deref() == Some(g.name.as_str()))
                .map(row)
                .collect(),
        })
        .collect();
    let orphans: Vec<Row> = report
        .findings
        .iter()
        .filter(|f| f.gateway.is_none())
        .map(row)
        .collect();
    if !orphans.is_empty() {
        groups.push(Group {
            name: None,
            object: String::new(),
            findings: orphans,
        });
    }
    let rules = rules_used(report);
    let text = env.get_template("report.md")?.render(context! {
        profile => report.profile.as_str(),
        summary => Value::from(Serde(report.counts())),
        gateways => Value::from(Serde(&report.gateways)),
        groups => Value::from(Serde(&groups)),
        rules => Value::from(Serde(&rules)),
    })?;
    Ok(text)
}
