//! Markdown for a pull-request comment, rendered by minijinja from `templates/report.md.j2`.

use super::rules_used;
use crate::error::{Error, ErrorKind};
use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;
use shgw::review::Severity;
use shgw::review::{Finding, Report};

const TEMPLATE: &str = include_str!("../../templates/report.md.j2");

/// The template failed: [`ErrorKind::Template`], with minijinja's error as its source.
fn template_failed(e: minijinja::Error) -> Error {
    Error::new(
        ErrorKind::Template,
        "",
        format!("the markdown report template failed: {e}"),
    )
    .with_source(e)
}

#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    badge: &'static str,
    title: &'a str,
    help: &'a str,
    object: String,
    /// `file:line:column`.
    place: String,
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

/// Text from the input as inline Markdown that renders as the same text, in a table cell or
/// a heading: HTML's `<`, `>` and `&` as entities, the characters that start Markdown
/// constructs (`\`, `` ` ``, `*`, `_`, `[`, `]`, `|`, `~`, and `#` first) escaped with a
/// backslash, every line break and other control character as a space. A name or a reason
/// cannot add HTML, a link, a heading or a table column to a pull-request comment.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text from the input as a Markdown code span: fenced by one backtick more than its longest
/// run of backticks (padded with a space when it starts or ends with one), `|` escaped for the
/// table, every line break and other control character as a space. Inside a code span
/// nothing else is interpreted.
pub(crate) fn code(s: &str) -> String {
    let body: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|");
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if body.starts_with('`') || body.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

fn row(f: &Finding) -> Row<'_> {
    let rule = shgw::review::rule(&f.rule);
    Row {
        finding: f,
        badge: badge(f),
        title: rule.map_or("", |r| r.title),
        help: rule.map_or("", |r| r.help),
        object: f.object.to_string(),
        place: format!(
            "{}:{}:{}",
            f.location.file, f.location.line, f.location.column
        ),
    }
}

/// The report as Markdown: a summary line, a table of findings per gateway (each with its rule
/// link, object, field and location), and the explanations of the rules that were hit.
///
/// # Errors
/// [`ErrorKind::Template`] if the embedded template cannot render.
pub fn to_markdown(report: &Report) -> Result<String, Error> {
    let mut env = Environment::new();
    env.add_filter("text", |s: String| text(&s));
    env.add_filter("code", |s: String| code(&s));
    env.add_template("report.md", TEMPLATE)
        .map_err(template_failed)?;
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
    let template = env.get_template("report.md").map_err(template_failed)?;
    template
        .render(context! {
        profile => report.profile.as_str(),
        summary => Value::from(Serde(report.counts())),
        gateways => Value::from(Serde(&report.gateways)),
        groups => Value::from(Serde(&groups)),
        rules => Value::from(Serde(&rules)),
        })
        .map_err(template_failed)
}
