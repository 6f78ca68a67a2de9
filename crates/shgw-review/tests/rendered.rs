//! shgw's own output under the review: every example rendered under every profile, reviewed
//! under the same profile. A production (or openshift) render with an error-level finding means
//! a rule is wrong or the renderer is; either way it fails here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use shgw_review::{Severity, review_text, to_text};
use std::path::Path;

fn now() -> jiff::Timestamp {
    "2026-12-01T00:00:00Z".parse().unwrap()
}

fn examples() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(
        out.len() >= 4,
        "examples/*.yaml not found in {}",
        dir.display()
    );
    out
}

#[test]
fn production_renders_have_no_error_findings() {
    let mut failures = Vec::new();
    for profile_name in ["dev", "production", "openshift"] {
        let profile = shgw::Profile::embedded(profile_name).unwrap();
        for (name, text) in examples() {
            let gateways = shgw::parse_gateways(&name, &text).unwrap();
            let out =
                shgw::render_with(&name, &gateways, &profile, &shgw::RenderOptions::default())
                    .unwrap_or_else(|e| panic!("{name} under {profile_name}: {e}"));
            let report = review_text(
                &format!("{name} ({profile_name})"),
                &out.to_yaml(),
                profile_name,
                now(),
            )
            .unwrap();
            assert_eq!(
                report.gateways.len(),
                gateways.len(),
                "{name}: every rendered gateway is found"
            );
            let errors: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .collect();
            if profile_name != "dev" && !errors.is_empty() {
                failures.push(to_text(&report, false));
            }
            if profile_name == "production" {
                eprintln!("{}", to_text(&report, false));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "error findings on shgw's own output:\n{}",
        failures.join("\n")
    );
}
