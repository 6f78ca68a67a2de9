//! Hostile text from the input (names, namespaces, file names, suppression reasons) in every
//! report format: the Markdown comment cannot gain HTML, links, headings or table columns,
//! the text report carries no escape sequence, and JSON and SARIF keep every character as a
//! JSON escape. A suppression with a date and no reason suppresses nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use shgw_review::{load, review, to_json, to_markdown, to_sarif, to_text};

fn now() -> jiff::Timestamp {
    "2026-12-01T00:00:00Z".parse().unwrap()
}

/// A gateway Deployment whose name, namespace and suppression reason try to forge a report.
fn hostile(name: &str, namespace: &str, ignore: &str) -> String {
    // A YAML double-quoted scalar, every control character (C1 too) as a `\u` escape.
    let q = |s: &str| {
        let mut out = String::from('"');
        for c in s.chars() {
            match c {
                '"' | '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    };
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {}
  namespace: {}
  annotations:
    shgw.dev/ignore: {}
spec:
  replicas: 1
  selector:
    matchLabels: {{app: gw}}
  template:
    metadata:
      labels: {{app: gw}}
    spec:
      containers:
      - name: gw
        image: mcr.microsoft.com/azure-api-management/gateway:2.12.1
"#,
        q(name),
        q(namespace),
        q(ignore)
    )
}

const NAME: &str = "gw<img src=x onerror=alert(1)>|col\n## Forged heading\n`code` [link](https://evil.example) \u{1b}[2J\u{1b}]0;pwned\u{7}";
const NAMESPACE: &str = "ns</details><script>x</script>|\r\n# h1";
const REASON: &str =
    "SHGW001=approved <b>by</b> | the | team\n[click](https://evil.example) \u{1b}[31mred\u{9b}1m";

/// The Markdown text with its code spans (CommonMark: a run of n backticks up to the next
/// run of exactly n) left out, and `\`-escaped characters dropped.
fn outside_code_spans(md: &str) -> String {
    let c: Vec<char> = md.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < c.len() {
        if c[i] == '\\' {
            i += 2;
            continue;
        }
        if c[i] != '`' {
            out.push(c[i]);
            i += 1;
            continue;
        }
        let n = c[i..].iter().take_while(|&&x| x == '`').count();
        let mut j = i + n;
        let mut closed = None;
        while j < c.len() {
            let m = c[j..].iter().take_while(|&&x| x == '`').count();
            if m == n {
                closed = Some(j + m);
                break;
            }
            j += m.max(1);
        }
        match closed {
            Some(end) => i = end,
            None => {
                out.extend(&c[i..i + n]);
                i += n;
            }
        }
    }
    out
}

#[test]
fn markdown_renders_input_as_text() {
    let text = hostile(NAME, NAMESPACE, REASON);
    let report = review(
        &load("f<i>.yaml", &text).unwrap(),
        &shgw::Profile::embedded("production").unwrap(),
        now(),
    );
    let md = to_markdown(&report).unwrap();
    // Inside code spans nothing is interpreted; outside them nothing may be markup.
    let outside = outside_code_spans(&md);
    for bad in [
        "<img",
        "<script",
        "<b>",
        "<i>",
        "\u{1b}",
        "\u{9b}",
        "](https://evil",
        "\n## Forged",
        "\n# h1",
    ] {
        assert!(!outside.contains(bad), "{bad:?} in:\n{outside}");
    }
    assert_eq!(outside.matches("</details>").count(), 1, "{outside}");
    // Every table row keeps its six columns: no unescaped `|` came from the input.
    for line in md.lines().filter(|l| l.starts_with("| ")) {
        let mut cells = 0;
        let mut prev = ' ';
        for c in line.chars() {
            if c == '|' && prev != '\\' {
                cells += 1;
            }
            prev = c;
        }
        assert_eq!(cells, 7, "{line}");
    }
    // Names stay readable: in code spans (fenced past their backticks) or as entities.
    assert!(md.contains("&lt;b&gt;by&lt;/b&gt;"), "{md}");
    assert!(
        md.contains("``gw<img src=x onerror=alert(1)>\\|col ## Forged heading `code`"),
        "{md}"
    );
    // The heading is one line.
    assert_eq!(
        md.lines().filter(|l| l.starts_with('#')).count(),
        1 + report.gateways.len()
    );
}

#[test]
fn text_report_has_no_escape_sequences() {
    let text = hostile(NAME, NAMESPACE, REASON);
    let report = review(
        &load("f.yaml", &text).unwrap(),
        &shgw::Profile::embedded("production").unwrap(),
        now(),
    );
    for color in [false, true] {
        let out = to_text(&report, color);
        // Colour codes are the report's own (`ESC [ digits m`); none comes from the input.
        let stripped = out
            .replace("\u{1b}[0m", "")
            .replace("\u{1b}[1m", "")
            .replace("\u{1b}[1;31m", "")
            .replace("\u{1b}[33m", "")
            .replace("\u{1b}[36m", "")
            .replace("\u{1b}[2m", "");
        assert!(
            !stripped.chars().any(|c| c.is_control() && c != '\n'),
            "{stripped:?}"
        );
        assert!(out.contains("\\u{1b}[2J"), "{out}");
        // No line of the input's own: every line is the report's.
        assert!(
            !out.lines()
                .any(|l| l.starts_with("## Forged") || l.starts_with("# h1"))
        );
    }
}

#[test]
fn json_and_sarif_escape_control_characters() {
    let text = hostile(NAME, NAMESPACE, REASON);
    let report = review(
        &load("f.yaml", &text).unwrap(),
        &shgw::Profile::embedded("production").unwrap(),
        now(),
    );
    for out in [to_json(&report), to_sarif(&report)] {
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(v.to_string().contains("\\u001b[2J"));
    }
}

#[test]
fn a_date_without_a_reason_suppresses_nothing() {
    let with_date = hostile("gw", "ns", "SHGW001=until 2099-01-01");
    let report = review(
        &load("f.yaml", &with_date).unwrap(),
        &shgw::Profile::embedded("production").unwrap(),
        now(),
    );
    assert!(report.findings.iter().all(|f| f.suppression.is_none()));
    let flagged: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(flagged.contains(&"SHGW001"), "{flagged:?}");
    assert!(flagged.contains(&"SHGW090"), "{flagged:?}");
    // With a reason it suppresses.
    let with_reason = hostile("gw", "ns", "SHGW001=one replica in dev until 2099-01-01");
    let report = review(
        &load("f.yaml", &with_reason).unwrap(),
        &shgw::Profile::embedded("production").unwrap(),
        now(),
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "SHGW001" && f.suppression.is_some())
    );
}
