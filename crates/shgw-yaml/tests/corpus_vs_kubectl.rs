//! Differential test over real-world YAML: every resource file of the peer corpus
//! (`$SHGW_CORPUS_DIR/peer-corpus`, files that are not kustomizations) is built alone with `kubectl
//! kustomize`; where kubectl builds it, we must read the file and print the same documents
//! (compared as a multiset, since kustomize orders resources by kind); where kubectl finds
//! the YAML malformed, we must fail too. A sample of every 25th file runs by default;
//! `SHGW_CORPUS=all` runs them all.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    missing_docs
)]

use shgw_yaml::parse::{ParseOptions, parse_documents};
use std::path::{Path, PathBuf};
use std::process::Command;

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml")
            && !p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("kustomization"))
        {
            out.push(p);
        }
    }
}

/// The documents of a build, one string each, sorted.
fn split_sorted(out: &str) -> Vec<String> {
    let mut docs: Vec<String> = out
        .split("\n---\n")
        .map(|d| d.trim_end().to_string())
        .collect();
    docs.sort();
    docs
}

/// Whether a label or annotation value is not a string.
fn has_typed_metadata(doc: &shgw_yaml::node::Node) -> bool {
    ["labels", "annotations"].iter().any(|field| {
        doc["metadata"][*field]
            .as_map()
            .is_some_and(|m| m.values().any(|v| v.as_str().is_none()))
    })
}

#[test]
fn corpus_resources_print_as_kubectl_prints_them() {
    let Some(kubectl) = shgw_testkit::tool("kubectl") else {
        return;
    };
    let Some(corpus) = shgw_testkit::corpus("peer-corpus") else {
        return;
    };
    let mut files = Vec::new();
    yaml_files(&corpus, &mut files);
    assert!(!files.is_empty(), "no YAML in {}", corpus.display());
    let all = std::env::var("SHGW_CORPUS").is_ok_and(|v| v == "all");
    let dir = shgw_testkit::scratch("yaml-corpus");
    std::fs::write(dir.join("kustomization.yaml"), "resources:\n- r.yaml\n").unwrap();
    let (mut compared, mut failures) = (0, Vec::new());
    for (i, file) in files.iter().enumerate() {
        if !all && i % 25 != 0 {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        std::fs::write(dir.join("r.yaml"), &text).unwrap();
        let out = Command::new(&kubectl)
            .arg("kustomize")
            .arg(&dir)
            .output()
            .unwrap();
        let ours = parse_documents(&text, &ParseOptions::default());
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            if err.contains("MalformedYAMLError") && ours.is_ok() {
                failures.push(format!("{}: kubectl: {err}we read it", file.display()));
            }
            continue;
        }
        // kustomize prints non-string label and annotation values as strings (`8080` as
        // "8080", `null` as "null"): the engine's business, not the reader's.
        if ours
            .as_ref()
            .is_ok_and(|docs| docs.iter().any(has_typed_metadata))
        {
            continue;
        }
        compared += 1;
        let theirs = String::from_utf8(out.stdout).unwrap();
        match ours {
            Err(e) => failures.push(format!(
                "{}: kubectl builds it, we fail: {e}",
                file.display()
            )),
            Ok(docs) => {
                let values: Vec<_> = docs.iter().map(|d| d.to_value()).collect();
                let ours = shgw_yaml::to_multi_doc(&values);
                if split_sorted(&ours) != split_sorted(&theirs) {
                    failures.push(format!(
                        "{}: kubectl prints:\n{theirs}we print:\n{ours}",
                        file.display()
                    ));
                }
            }
        }
    }
    eprintln!("corpus: {compared} files compared with kubectl");
    assert!(compared > 0, "no corpus file could be compared");
    assert!(
        failures.is_empty(),
        "{} files differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
