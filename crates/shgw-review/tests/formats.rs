//! The review of the portal's file and of the Helm chart's output in every format, as reviewed
//! snapshots in the top-level `snapshots/` folder; SARIF checked by the SARIF 2.1.0 JSON schema
//! (`sarif-validate`, installed by `.ci/run`), Markdown and JSON read back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use shgw_review::{Report, load, review, to_json, to_markdown, to_sarif, to_text};
use shgw_testkit::workspace;
use std::process::Command;

fn now() -> jiff::Timestamp {
    "2026-12-01T00:00:00Z".parse().unwrap()
}

/// The inputs, by the name their snapshots carry and the path they are read from.
const INPUTS: &[(&str, &str)] = &[
    ("portal", "examples/portal/contoso-west.yml"),
    ("helm", "crates/shgw-review/tests/inputs/helm-template.yaml"),
];

fn reviewed(path: &str, profile: &str) -> Report {
    let text = std::fs::read_to_string(workspace().join(path)).unwrap();
    review(
        &load(path, &text).unwrap(),
        &shgw::Profile::embedded(profile).unwrap(),
        now(),
    )
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(workspace().join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

#[test]
fn every_format_of_the_portal_file_and_the_helm_output() {
    for (name, path) in INPUTS {
        let report = reviewed(path, "production");
        let json = to_json(&report);
        let sarif = to_sarif(&report);
        let markdown = to_markdown(&report).unwrap();
        settings().bind(|| {
            insta::assert_snapshot!(format!("review__{name}__text"), to_text(&report, false));
            insta::assert_snapshot!(format!("review__{name}__json"), json);
            insta::assert_snapshot!(format!("review__{name}__sarif"), sarif);
            insta::assert_snapshot!(format!("review__{name}__markdown"), markdown);
        });
    }
}

#[test]
fn every_format_carries_every_finding_with_its_link() {
    for (_, path) in INPUTS {
        let report = reviewed(path, "production");
        let json: serde_json::Value = serde_json::from_str(&to_json(&report)).unwrap();
        let sarif: serde_json::Value = serde_json::from_str(&to_sarif(&report)).unwrap();
        let markdown = to_markdown(&report).unwrap();
        let text = to_text(&report, false);
        assert_eq!(
            json["findings"].as_array().unwrap().len(),
            report.findings.len()
        );
        assert_eq!(
            sarif["runs"][0]["results"].as_array().unwrap().len(),
            report.findings.len()
        );
        for f in &report.findings {
            let rule = shgw::review::rule(&f.rule).unwrap();
            let at = format!(
                "{}:{}:{}",
                f.location.file, f.location.line, f.location.column
            );
            assert!(
                text.contains(&at) && text.contains(rule.help),
                "text lacks {at} {}",
                f.rule
            );
            assert!(
                markdown.contains(&at) && markdown.contains(rule.help),
                "markdown lacks {at} {}",
                f.rule
            );
            assert!(
                json["rules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r["id"] == f.rule.as_str() && r["help"] == rule.help)
            );
        }
        // colour only when asked for
        assert!(!text.contains('\u{1b}'));
        let painted = to_text(&report, true);
        assert!(painted.contains("\u{1b}[33mwarning\u{1b}[0m"));
        assert_eq!(
            painted.contains("\u{1b}[1;31merror\u{1b}[0m"),
            report.counts().error > 0
        );
    }
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let Some(validator) = shgw_testkit::tool("sarif-validate") else {
        return;
    };
    let dir = shgw_testkit::scratch("review-sarif");
    let mut files = Vec::new();
    for (name, path) in INPUTS {
        for profile in ["dev", "production", "openshift"] {
            let file = dir.join(format!("{name}-{profile}.sarif"));
            std::fs::write(&file, to_sarif(&reviewed(path, profile))).unwrap();
            files.push(file);
        }
    }
    // A suppressed result carries its justification.
    let text = std::fs::read_to_string(workspace().join("examples/portal/contoso-west.yml"))
        .unwrap()
        .replace("  template:\n    metadata:\n", "  template:\n    metadata:\n      annotations:\n        shgw.dev/ignore: \"SHGW070=stateless edge gateway until 2027-03-31\"\n");
    let report = review(
        &load("suppressed.yml", &text).unwrap(),
        &shgw::Profile::embedded("production").unwrap(),
        now(),
    );
    let sarif = to_sarif(&report);
    let parsed: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let suppressed: Vec<_> = parsed["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "stateless edge gateway"
    );
    let file = dir.join("suppressed.sarif");
    std::fs::write(&file, sarif).unwrap();
    files.push(file);
    let out = Command::new(&validator).args(&files).output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The validator is a real judge: a log without a driver name is refused.
    let bad = dir.join("bad.sarif");
    std::fs::write(
        &bad,
        r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": []}]}"#,
    )
    .unwrap();
    assert!(
        !Command::new(&validator)
            .arg(&bad)
            .output()
            .unwrap()
            .status
            .success()
    );
}
