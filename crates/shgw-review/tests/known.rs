//! Known deployments and exactly what the review says about them under production: every
//! known weakness at its line, and nothing else (a new finding here is a false positive until
//! someone shows it is wrong).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

fn review(path: &str) -> shgw_review::Report {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(path),
    )
    .unwrap();
    let now = "2026-12-01T00:00:00Z".parse().unwrap();
    shgw_review::review(
        &shgw_review::load(path, &text).unwrap(),
        &shgw::Profile::embedded("production").unwrap(),
        now,
    )
}

fn check(path: &str, expected: &[(&str, usize)]) {
    let report = review(path);
    let got: BTreeSet<(String, usize)> = report
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.location.line))
        .collect();
    let want: BTreeSet<(String, usize)> = expected
        .iter()
        .map(|(r, l)| ((*r).to_owned(), *l))
        .collect();
    assert_eq!(
        got,
        want,
        "{path}:\n{}",
        shgw_review::to_text(&report, false)
    );
}

#[test]
fn the_portal_file() {
    check(
        "examples/portal/contoso-west.yml",
        &[
            ("SHGW004", 22),
            ("SHGW001", 23),
            ("SHGW010", 40),
            ("SHGW011", 40),
            ("SHGW020", 39),
            ("SHGW021", 39),
            ("SHGW031", 39),
            ("SHGW032", 39),
            ("SHGW043", 18),
            ("SHGW044", 34),
            ("SHGW048", 81),
            ("SHGW050", 39),
            ("SHGW051", 39),
            ("SHGW052", 39),
            ("SHGW053", 39),
            ("SHGW063", 64),
            ("SHGW070", 39),
        ],
    );
}

#[test]
fn the_helm_chart_output() {
    check(
        "crates/shgw-review/tests/inputs/helm-template.yaml",
        &[
            ("SHGW011", 173),
            ("SHGW013", 173),
            ("SHGW034", 194),
            ("SHGW044", 150),
            ("SHGW049", 111),
            ("SHGW052", 164),
            ("SHGW063", 199),
        ],
    );
}

#[test]
fn the_2026_documentation_sample() {
    // The token in the Secret expired on 2026-11-15: found, at the Secret's key, never shown.
    let report = review("crates/shgw-review/tests/inputs/docs-sample-2026.yaml");
    assert!(!shgw_review::to_json(&report).contains("U2lnbmF0dXJl"));
    check(
        "crates/shgw-review/tests/inputs/docs-sample-2026.yaml",
        &[
            ("SHGW004", 25),
            ("SHGW008", 25),
            ("SHGW001", 26),
            ("SHGW010", 37),
            ("SHGW011", 37),
            ("SHGW031", 36),
            ("SHGW032", 36),
            ("SHGW043", 23),
            ("SHGW044", 32),
            ("SHGW049", 65),
            ("SHGW050", 36),
            ("SHGW051", 36),
            ("SHGW052", 36),
            ("SHGW053", 36),
            ("SHGW061", 9),
            ("SHGW063", 57),
            ("SHGW070", 36),
        ],
    );
}

#[test]
fn the_configuration_backup_example() {
    check(
        "crates/shgw-review/tests/inputs/backup-example.yaml",
        &[
            ("SHGW008", 22),
            ("SHGW002", 23),
            ("SHGW004", 22),
            ("SHGW007", 31),
            ("SHGW010", 35),
            ("SHGW011", 35),
            ("SHGW020", 34),
            ("SHGW021", 34),
            ("SHGW030", 34),
            ("SHGW031", 34),
            ("SHGW032", 34),
            ("SHGW043", 20),
            ("SHGW044", 29),
            ("SHGW045", 36),
            ("SHGW046", 22),
            ("SHGW047", 34),
            ("SHGW049", 63),
            ("SHGW050", 34),
            ("SHGW051", 34),
            ("SHGW052", 34),
            ("SHGW053", 34),
            ("SHGW063", 42),
            ("SHGW071", 31),
            ("SHGW074", 32),
            ("SHGW075", 79),
        ],
    );
}

/// The portal file with its image mirrored into a private registry: the same gateway, the
/// same findings at the same lines, the rolling-tag rule included (`v2` in both), and with an
/// exact version the same again.
#[test]
fn a_mirrored_portal_file_is_reviewed_as_the_microsoft_one() {
    let path = "examples/portal/contoso-west.yml";
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(path),
    )
    .unwrap();
    let microsoft = "mcr.microsoft.com/azure-api-management/gateway";
    let mirror = "contosoacr.azurecr.io/mirror/apim-gateway";
    assert!(text.contains(&format!("{microsoft}:v2")));
    let profile = shgw::Profile::embedded("production").unwrap();
    let now: jiff::Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
    let findings = |text: &str| -> Vec<(String, String, usize)> {
        let report = shgw_review::review(&shgw_review::load(path, text).unwrap(), &profile, now);
        assert_eq!(report.gateways.len(), 1, "the gateway is found");
        report
            .findings
            .iter()
            .map(|f| (f.rule.clone(), f.path.clone(), f.location.line))
            .collect()
    };
    let original = findings(&text);
    assert!(
        original
            .iter()
            .any(|(r, _, line)| r == "SHGW010" && *line == 40)
    );
    assert_eq!(findings(&text.replace(microsoft, mirror)), original);
    let pinned = text.replace(&format!("{microsoft}:v2"), &format!("{microsoft}:2.12.1"));
    let pinned_findings = findings(&pinned);
    assert!(pinned_findings.iter().all(|(r, _, _)| r != "SHGW010"));
    assert_eq!(
        findings(&pinned.replace(microsoft, mirror)),
        pinned_findings
    );
}
