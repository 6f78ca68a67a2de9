//! Randomized differential test: generated documents (nested block and flow collections,
//! plain, quoted and block scalars of tricky text) as the `spec` of a custom resource, built
//! by `kubectl kustomize` and read by us, must print the same bytes (or both fail).
//! `SHGW_RANDOM_CASES` sets the number of cases (default 40).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use shgw_yaml::parse::{ParseOptions, parse_documents};
use std::process::Command;

#[test]
fn random_documents_print_as_kubectl_prints_them() {
    let Some(kubectl) = shgw_testkit::tool("kubectl") else {
        return;
    };
    let cases = std::env::var("SHGW_RANDOM_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let dir = shgw_testkit::scratch("yaml-random-kubectl");
    std::fs::write(dir.join("kustomization.yaml"), "resources:\n- r.yaml\n").unwrap();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&common::tree(), |t| {
        let text = common::resource(&t);
        std::fs::write(dir.join("r.yaml"), &text).unwrap();
        let out = Command::new(&kubectl)
            .arg("kustomize")
            .arg(&dir)
            .output()
            .unwrap();
        let ours = parse_documents(&text, &ParseOptions::default()).map(|docs| {
            let values: Vec<_> = docs.iter().map(|d| d.to_value()).collect();
            shgw_yaml::to_multi_doc(&values)
        });
        if out.status.success() {
            let theirs = String::from_utf8(out.stdout).unwrap();
            prop_assert!(
                ours.is_ok(),
                "{text:?}: kubectl builds it, we fail: {ours:?}"
            );
            prop_assert_eq!(ours.unwrap(), theirs, "{:?}", text);
        } else {
            let theirs = String::from_utf8_lossy(&out.stderr);
            prop_assert!(
                ours.is_err(),
                "{text:?}: kubectl fails ({theirs}), we print {ours:?}"
            );
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
