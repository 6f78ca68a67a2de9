//! Runs the build over the peer kustomize corpus (expected outputs produced by real
//! `kubectl kustomize` v1.37.1 / kustomize v5.8.1).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    missing_docs
)]

use shgw_kustomize::{BuildOptions, build};
use std::path::Path;
use std::time::Instant;

/// The number of in-scope cases that must pass (raise it as the engine improves).
const PASS_FLOOR: usize = 312;

fn split_docs(s: &str) -> Vec<String> {
    let s = s.trim_end_matches('\n');
    if s.is_empty() {
        return Vec::new();
    }
    s.split("\n---\n")
        .map(|d| d.trim_end_matches('\n').to_string())
        .collect()
}

enum Outcome {
    Pass,
    Fail(String),
}

fn run_case(root: &Path) -> Outcome {
    let result = build(root, &BuildOptions::default());
    let expected_yaml = root.join("expected.yaml");
    let expected_err = root.join("expected.err");
    if expected_yaml.is_file() {
        let want = std::fs::read_to_string(&expected_yaml).unwrap();
        match result {
            Ok(got) => {
                let (w, g) = (split_docs(&want), split_docs(&got));
                if w.len() != g.len() {
                    return Outcome::Fail(format!("{} documents, expected {}", g.len(), w.len()));
                }
                for (i, (a, b)) in w.iter().zip(&g).enumerate() {
                    if a != b {
                        return Outcome::Fail(format!(
                            "document {i} differs:\n--- expected\n{a}\n--- got\n{b}"
                        ));
                    }
                }
                Outcome::Pass
            }
            Err(e) => Outcome::Fail(format!("unexpected error: {e}")),
        }
    } else if expected_err.is_file() {
        match result {
            Ok(_) => Outcome::Fail("expected an error, build succeeded".into()),
            Err(_) => Outcome::Pass,
        }
    } else {
        Outcome::Fail("case has neither expected.yaml nor expected.err".into())
    }
}

#[test]
fn peer_corpus() {
    // `$SHGW_CORPUS_DIR/peer-corpus/kustomizer` (shared/ in CI).
    let Some(dir) = shgw_testkit::corpus("peer-corpus/kustomizer") else {
        return;
    };
    let index = dir.join("index.tsv");
    assert!(index.is_file(), "{} has no index.tsv", dir.display());
    let text = std::fs::read_to_string(&index).unwrap();
    let verbose = std::env::var_os("CORPUS_VERBOSE").is_some();
    let only = std::env::var("CORPUS_CASE").ok();
    let (mut passed, mut failed) = (0usize, Vec::new());
    let start = Instant::now();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 2 || cols[1] != "yes" {
            continue;
        }
        if only.as_deref().is_some_and(|o| !cols[0].contains(o)) {
            continue;
        }
        match run_case(&dir.join(cols[0])) {
            Outcome::Pass => passed += 1,
            Outcome::Fail(why) => {
                if verbose {
                    eprintln!("FAIL {}: {why}\n", cols[0]);
                }
                failed.push(cols[0].to_string());
            }
        }
    }
    eprintln!(
        "peer corpus: {passed} passed, {} failed in {:?}",
        failed.len(),
        start.elapsed()
    );
    for f in &failed {
        eprintln!("  failed: {f}");
    }
    if only.is_none() {
        assert!(
            passed >= PASS_FLOOR,
            "corpus pass count {passed} fell below the floor {PASS_FLOOR}"
        );
    }
}
