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

/// Generated scalars in a kustomization file (YAML 1.1 mode) as a
/// `commonAnnotations` value: kubectl accepts the ones that read as strings (or null) and
/// prints their text; the rest are errors for both.
#[test]
fn random_kustomization_values_read_as_kubectl_reads_them() {
    let Some(kubectl) = shgw_testkit::tool("kubectl") else {
        return;
    };
    let cases = std::env::var("SHGW_RANDOM_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let dir = shgw_testkit::scratch("yaml-random-kubectl-k11");
    std::fs::write(
        dir.join("r.yaml"),
        "apiVersion: x.io/v1\nkind: X\nmetadata:\n  name: a\n",
    )
    .unwrap();
    let yaml11 = ParseOptions {
        yaml11: true,
        duplicate_keys: shgw_yaml::parse::DuplicateKeys::LastWins,
    };
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&common::leaf(), |t| {
        let text = format!(
            "resources:\n- r.yaml\ncommonAnnotations:\n  k:{}\n",
            common::value_text(&t).replace('\n', "\n  ")
        );
        std::fs::write(dir.join("kustomization.yaml"), &text).unwrap();
        let out = Command::new(&kubectl)
            .arg("kustomize")
            .arg(&dir)
            .output()
            .unwrap();
        let ours = parse_documents(&text, &yaml11)
            .map_err(|e| e.to_string())
            .and_then(|docs| match docs[0]["commonAnnotations"]["k"].to_value() {
                serde_json::Value::String(s) => Ok(s),
                serde_json::Value::Null => Ok(String::new()),
                other => Err(format!("not a string: {other}")),
            });
        // kustomize writes the annotation into the resource as a block scalar, which it cannot
        // read back when a line starts with a tab (kubectl fails): the engine's business.
        if let Ok(v) = &ours {
            prop_assume!(!(v.contains('\n') && v.split('\n').any(|l| l.starts_with('\t'))));
        }
        let ours = ours.map(|v| {
            shgw_yaml::to_string(&serde_json::json!({
                "apiVersion": "x.io/v1", "kind": "X",
                "metadata": {"annotations": {"k": v}, "name": "a"}
            }))
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
