//! Suppressions: `shgw.dev/ignore: "SHGW012=reason; SHGW020=reason until 2027-03-31"` on an
//! object or on its pod template. A reason is required; an expired or unreadable entry
//! suppresses nothing and is itself reported.

use crate::review::catalog;
use crate::review::document::{Document, escape};
use crate::review::finding::Suppression;
use crate::review::objects::At;
use crate::review::objects::pod_template;
use jiff::Timestamp;
use jiff::civil::Date;

/// The annotation that holds suppressions.
pub const ANNOTATION: &str = "shgw.dev/ignore";

/// The rules this module reports.
pub(crate) const RULES: &[&str] = &["SHGW090", "SHGW091", "SHGW092"];

/// A suppression that applies to one document.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub rule: String,
    pub suppression: Suppression,
}

/// A problem with a suppression entry.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub rule: &'static str,
    pub pointer: String,
    pub message: String,
}

/// The suppressions of one document and the problems with them.
#[derive(Debug, Default)]
pub(crate) struct Suppressions {
    pub entries: Vec<Entry>,
    pub problems: Vec<Problem>,
}

impl Suppressions {
    /// The suppression covering `rule`, if one does.
    pub fn covering(&self, rule: &str) -> Option<&Suppression> {
        self.entries
            .iter()
            .find(|e| e.rule == rule)
            .map(|e| &e.suppression)
    }
}

/// Reads the suppressions of `doc` (the object's and its pod template's) as of `now`.
pub(crate) fn read(doc: &Document, now: Timestamp) -> Suppressions {
    let mut out = Suppressions::default();
    // Most objects have none: look before building pointers or reading the clock's date.
    let template = pod_template(doc.kind());
    let on_object = annotation(&doc.value);
    let on_template = template.and_then(|t| doc.value.at(t)).and_then(annotation);
    if on_object.is_none() && on_template.is_none() {
        return out;
    }
    let key = escape(ANNOTATION);
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    if let Some(text) = on_object {
        let pointer = format!("/metadata/annotations/{key}");
        parse_into(text, "metadata.annotations", &pointer, today, &mut out);
    }
    if let (Some(t), Some(text)) = (template, on_template) {
        let on = format!(
            "{}.metadata.annotations",
            t.trim_start_matches('/').replace('/', ".")
        );
        let pointer = format!("{t}/metadata/annotations/{key}");
        parse_into(text, &on, &pointer, today, &mut out);
    }
    out
}

/// The suppression annotation of an object or a pod template, when it is a string.
fn annotation(v: &serde_json::Value) -> Option<&str> {
    v.get("metadata")?
        .get("annotations")?
        .get(ANNOTATION)?
        .as_str()
}

fn parse_into(text: &str, on: &str, pointer: &str, today: Date, out: &mut Suppressions) {
    for raw in text
        .split([';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let problem = |rule: &'static str, message: String| Problem {
            rule,
            pointer: pointer.to_owned(),
            message,
        };
        let Some((id, rest)) = raw.split_once('=') else {
            out.problems.push(problem(
                "SHGW090",
                format!(
                    "{ANNOTATION} entry {:?} has no reason: write RULE=reason",
                    short(raw)
                ),
            ));
            continue;
        };
        let id = id.trim();
        let rest = rest.trim();
        // `ID=until DATE` has a date and no reason: it must not read as the reason "until DATE".
        let (reason, until) = match rest.strip_prefix("until ") {
            Some(d) => ("", Some(d.trim())),
            None if rest == "until" => ("", None),
            None => match rest.rsplit_once(" until ") {
                Some((r, d)) => (r.trim(), Some(d.trim())),
                None => (rest, None),
            },
        };
        if catalog::rule(id).is_none() {
            out.problems.push(problem(
                "SHGW092",
                format!("{ANNOTATION} names {id:?}, which is no shgw rule"),
            ));
            continue;
        }
        if reason.is_empty() {
            out.problems.push(problem(
                "SHGW090",
                format!("{ANNOTATION} entry for {id} has no reason"),
            ));
            continue;
        }
        let until = match until.map(|d| (d, d.parse::<Date>())) {
            None => None,
            Some((d, Err(_))) => {
                out.problems.push(problem(
                    "SHGW090",
                    format!("{ANNOTATION} entry for {id}: {d:?} is not a date (YYYY-MM-DD)"),
                ));
                continue;
            }
            Some((d, Ok(date))) if date < today => {
                out.problems.push(problem(
                    "SHGW091",
                    format!(
                        "{ANNOTATION} entry for {id} expired on {d}; the finding is reported again"
                    ),
                ));
                continue;
            }
            Some((d, Ok(_))) => Some(d.to_owned()),
        };
        out.entries.push(Entry {
            rule: id.to_owned(),
            suppression: Suppression {
                justification: reason.to_owned(),
                until,
                on: on.to_owned(),
            },
        });
    }
}

/// At most 40 characters of an entry, for messages.
fn short(s: &str) -> String {
    let cut: String = s.chars().take(40).collect();
    if cut.len() < s.len() {
        format!("{cut}...")
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parse(text: &str) -> Suppressions {
        let mut out = Suppressions::default();
        parse_into(
            text,
            "metadata.annotations",
            "/p",
            "2026-12-01".parse().unwrap(),
            &mut out,
        );
        out
    }

    #[test]
    fn entries_reasons_and_dates() {
        let s = parse(
            "SHGW070=stateless edge; SHGW010=pinned by digest elsewhere until 2027-03-31\nSHGW001=",
        );
        assert_eq!(s.entries.len(), 2);
        assert_eq!(
            s.entries[1].suppression.until.as_deref(),
            Some("2027-03-31")
        );
        assert_eq!(s.problems.len(), 1);
        assert_eq!(s.problems[0].rule, "SHGW090");
        let s = parse("SHGW070=old until 2026-11-30; SHGW999=x; SHGW070; SHGW002=x until someday");
        let rules: Vec<&str> = s.problems.iter().map(|p| p.rule).collect();
        assert_eq!(rules, ["SHGW091", "SHGW092", "SHGW090", "SHGW090"]);
        assert!(s.entries.is_empty());
        // the last day still counts
        assert_eq!(parse("SHGW070=x until 2026-12-01").entries.len(), 1);
        // a date with no reason suppresses nothing and is reported
        for entry in [
            "SHGW070=until 2027-01-01",
            "SHGW070= until 2027-01-01 ",
            "SHGW070=until",
        ] {
            let s = parse(entry);
            assert!(s.entries.is_empty(), "{entry}");
            assert_eq!(s.problems.len(), 1, "{entry}");
            assert_eq!(s.problems[0].rule, "SHGW090", "{entry}");
        }
    }
}
