//! The Flux layout in `examples/flux`: CI renders with `shgw build` and pushes the result with
//! `flux push artifact`; the cluster pulls it with an `OCIRepository` and applies it with a
//! Flux `Kustomization`. Flux itself is not here, and kubernetes-validate knows no Flux CRDs,
//! so this checks what can be checked without them: yamllint on every file, the CI step's own
//! `shgw build` command run and its output judged by kubernetes-validate, and the three pieces
//! naming each other (artifact URL and tag, pushed folder, source reference).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use shgw_testkit::workspace;
use std::path::{Path, PathBuf};
use std::process::Command;

fn flux(rel: &str) -> PathBuf {
    workspace().join("examples/flux").join(rel)
}

fn docs(text: &str) -> Vec<Value> {
    let all: Vec<Value> = shgw_yaml::parse::parse_values(text).unwrap();
    all.into_iter().filter(|d| !d.is_null()).collect()
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml") {
            out.push(p);
        }
    }
    out.sort();
}

/// The workflow's shell steps, line continuations joined.
fn run_steps(workflow: &Value) -> Vec<String> {
    workflow["jobs"]["publish"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .map(|r| r.replace("\\\n", " "))
        .collect()
}

/// The value of `--flag=VALUE` or `--flag VALUE` in a command line, quotes removed.
fn flag(line: &str, name: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    let value = words
        .iter()
        .enumerate()
        .find_map(|(i, w)| {
            if *w == name {
                words.get(i + 1).copied()
            } else {
                w.strip_prefix(name).and_then(|r| r.strip_prefix('='))
            }
        })
        .unwrap_or_else(|| panic!("{name} in {line}"));
    value.trim_matches('"').to_owned()
}

#[test]
fn every_file_passes_yamllint() {
    let Some(yamllint) = shgw_testkit::tool("yamllint") else {
        return;
    };
    let config = "{extends: default, rules: {document-start: disable, line-length: {max: 120, allow-non-breakable-inline-mappings: true}, indentation: {spaces: 2, indent-sequences: whatever}, truthy: {check-keys: false}}}";
    let mut files = Vec::new();
    yaml_files(&workspace().join("examples/flux"), &mut files);
    yaml_files(&workspace().join("examples/argocd"), &mut files);
    yaml_files(&workspace().join("deploy/argocd"), &mut files);
    yaml_files(&workspace().join("examples/krm"), &mut files);
    files.push(workspace().join("examples/krm/kpt/Kptfile"));
    assert!(files.len() >= 14, "{files:?}");
    for f in files {
        let out = Command::new(&yamllint)
            .args(["-s", "-f", "parsable", "-d", config])
            .arg(&f)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}:\n{}",
            f.display(),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn ci_renders_what_flux_pulls() {
    let workflow: Value = shgw_yaml::parse::parse_value(
        &std::fs::read_to_string(flux("ci/publish-gateway.yaml")).unwrap(),
    )
    .unwrap();
    let steps = run_steps(&workflow);
    // The render step: `docker run ... "$SHGW_IMAGE" ARGS... > FILE`.
    let render = steps
        .iter()
        .flat_map(|s| s.lines())
        .find(|l| l.contains("\"$SHGW_IMAGE\""))
        .expect("a step running the shgw image");
    let after = render.split("\"$SHGW_IMAGE\"").nth(1).unwrap();
    let (args, file) = after.split_once('>').unwrap();
    let args: Vec<&str> = args.split_whitespace().collect();
    assert_eq!(args[0], "build");
    let out = Command::new(env!("CARGO_BIN_EXE_shgw"))
        .args(&args)
        .current_dir(workspace())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let objects = docs(&String::from_utf8(out.stdout.clone()).unwrap());
    assert!(objects.iter().any(|d| d["kind"] == "Deployment"));
    // The renewal Secret is created once by Flux, then left to the renewer.
    let secret = objects.iter().find(|d| d["kind"] == "Secret").unwrap();
    assert_eq!(
        secret["metadata"]["annotations"]["kustomize.toolkit.fluxcd.io/ssa"],
        "IfNotPresent"
    );
    if let Some(kv) = shgw_testkit::tool("kubernetes-validate") {
        let dir = shgw_testkit::scratch("flux-build");
        let f = dir.join("apim-gateway.yaml");
        std::fs::write(&f, &out.stdout).unwrap();
        let v = Command::new(kv)
            .args(["--strict", f.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(
            v.status.code(),
            Some(0),
            "{}{}",
            String::from_utf8_lossy(&v.stdout),
            String::from_utf8_lossy(&v.stderr)
        );
    }

    // The rendered file is in the folder that is pushed, under the URL and tag Flux pulls.
    let push = steps
        .iter()
        .find(|s| s.contains("flux push artifact"))
        .unwrap();
    let pushed = flag(push, "--path");
    let file = file.trim();
    assert_eq!(
        Path::new(file).parent().unwrap(),
        Path::new(pushed.trim_start_matches("./")),
        "{file} is not in {pushed}"
    );
    assert!(push.contains("--revision=") && push.contains("--source="));
    let artifact = workflow["jobs"]["publish"]["env"]["ARTIFACT"]
        .as_str()
        .unwrap();
    let tag = flag(push, "--tag");

    let cluster = docs(&std::fs::read_to_string(flux("clusters/prod/apim-gateway.yaml")).unwrap());
    let repo = cluster
        .iter()
        .find(|d| d["kind"] == "OCIRepository")
        .unwrap();
    let sync = cluster
        .iter()
        .find(|d| d["kind"] == "Kustomization")
        .unwrap();
    assert_eq!(repo["apiVersion"], "source.toolkit.fluxcd.io/v1");
    assert_eq!(sync["apiVersion"], "kustomize.toolkit.fluxcd.io/v1");
    assert_eq!(repo["spec"]["url"], artifact);
    assert_eq!(repo["spec"]["ref"]["tag"], tag.as_str());
    assert_eq!(sync["spec"]["sourceRef"]["kind"], "OCIRepository");
    assert_eq!(sync["spec"]["sourceRef"]["name"], repo["metadata"]["name"]);
    assert_eq!(sync["metadata"]["namespace"], repo["metadata"]["namespace"]);
    assert_eq!(sync["spec"]["path"], "./");
    // The rendered objects name their namespace; targetNamespace would move them.
    assert!(sync["spec"].get("targetNamespace").is_none());
    for d in [repo, sync] {
        assert!(d["spec"]["interval"].is_string(), "{d}");
    }
}
