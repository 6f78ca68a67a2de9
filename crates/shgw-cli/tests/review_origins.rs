//! `shgw review DIR` points each finding at the file and line of the repository that wrote the
//! field: the patch that set it (a strategic-merge document, an inline patch in the
//! kustomization, a JSON 6902 operation), the resource's own file, the generator entry of a
//! generated ConfigMap, or the Gateway document an expansion rendered it from; in every format,
//! SARIF with URIs relative to DIR.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A one-replica gateway Deployment and the ConfigMap it reads, image pinned.
const BASE: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: gw-env
data:
  config.service.endpoint: contoso.configuration.azure-api.net
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: gw
spec:
  replicas: 1
  selector:
    matchLabels:
      app: gw
  template:
    metadata:
      labels:
        app: gw
    spec:
      containers:
      - name: gw
        image: mcr.microsoft.com/azure-api-management/gateway:2.12.1
        envFrom:
        - configMapRef:
            name: gw-env
";

/// Writes `files` under a fresh folder (a git repository: it holds `.git`).
fn tree(tag: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = shgw_testkit::scratch(tag);
    std::fs::create_dir_all(root.join(".git")).unwrap();
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    root
}

fn review(dir: &Path, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_shgw"))
        .args(["review", dir.to_str().unwrap(), "--fail-on", "never"])
        .args(["--format", format])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `FILE:LINE:COLUMN` of the first finding of `rule` on `kind` in the JSON report.
fn at(report: &Value, rule: &str, kind: &str) -> String {
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule && f["object"]["kind"] == kind)
        .unwrap_or_else(|| panic!("no {rule} on a {kind} in {report:#}"));
    let l = &f["location"];
    format!(
        "{}:{}:{}",
        l["file"].as_str().unwrap(),
        l["line"],
        l["column"]
    )
}

fn json(dir: &Path) -> Value {
    serde_json::from_str(&review(dir, "json")).unwrap()
}

/// The line and column of the first occurrence of `needle` in `text` (1-based).
fn find(text: &str, needle: &str) -> (usize, usize) {
    for (i, line) in text.lines().enumerate() {
        if let Some(c) = line.find(needle) {
            return (i + 1, line[..c].chars().count() + 1);
        }
    }
    panic!("{needle:?} not in {text}")
}

/// `FILE:LINE:COLUMN` of the first occurrence of `needle` in `text`, the file `file` holds.
fn place(file: &str, text: &str, needle: &str) -> String {
    let (line, column) = find(text, needle);
    format!("{file}:{line}:{column}")
}

const LATEST_PATCH: &str = "\
# the overlay follows the newest gateway
apiVersion: apps/v1
kind: Deployment
metadata:
  name: gw
spec:
  template:
    spec:
      containers:
      - name: gw
        image: mcr.microsoft.com/azure-api-management/gateway:latest
";

#[test]
fn an_overlay_patch_and_the_base_file_are_named_in_every_format() {
    let root = tree(
        "origins-overlay",
        &[
            ("base/gateway.yaml", BASE),
            ("base/kustomization.yaml", "resources:\n- gateway.yaml\n"),
            (
                "overlay/kustomization.yaml",
                "resources:\n- ../base\npatches:\n- path: latest.yaml\n",
            ),
            ("overlay/latest.yaml", LATEST_PATCH),
        ],
    );
    let dir = root.join("overlay");
    let report = json(&dir);
    assert_eq!(
        at(&report, "SHGW010", "Deployment"),
        place("latest.yaml", LATEST_PATCH, "image:")
    );
    assert_eq!(
        at(&report, "SHGW001", "Deployment"),
        place("../base/gateway.yaml", BASE, "replicas:")
    );
    // A finding about the container (a field it lacks) is at the container in the base, which
    // writes it; the patch only merges into it.
    let (line, column) = find(BASE, "- name: gw");
    let column = column + 2;
    assert_eq!(
        at(&report, "SHGW030", "Deployment"),
        format!("../base/gateway.yaml:{line}:{column}")
    );
    // The gateway itself is where its Deployment is written.
    let (line, _) = find(BASE, "apiVersion: apps/v1");
    assert_eq!(
        report["gateways"][0]["location"]["file"],
        "../base/gateway.yaml"
    );
    assert_eq!(report["gateways"][0]["location"]["line"], line);

    let (l10, c10) = find(LATEST_PATCH, "image:");
    let text = review(&dir, "text");
    assert!(
        text.contains(&format!("latest.yaml:{l10}:{c10}: error SHGW010")),
        "{text}"
    );
    assert!(!text.contains("kustomize build"), "{text}");
    let markdown = review(&dir, "markdown");
    assert!(
        markdown.contains(&format!("latest.yaml:{l10}")),
        "{markdown}"
    );

    // SARIF: each URI is relative to DIR and names a file there; the run says where DIR is in
    // the repository, so that the URIs resolve to repository paths.
    let sarif: Value = serde_json::from_str(&review(&dir, "sarif")).unwrap();
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let a = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        let uri = a["uri"].as_str().unwrap();
        assert!(!uri.contains(':') && !uri.starts_with('/'), "{uri}");
        assert!(dir.join(uri).is_file(), "{uri} is no file under DIR");
        assert_eq!(a["uriBaseId"], "KUSTOMIZATION_ROOT");
        let repo_path = resolve("overlay/", uri);
        assert!(root.join(&repo_path).is_file(), "{repo_path}");
    }
    let base = &run["originalUriBaseIds"]["KUSTOMIZATION_ROOT"];
    assert_eq!(base["uri"], "overlay/");
    assert_eq!(base["uriBaseId"], "%SRCROOT%");
    let shgw010 = results.iter().find(|r| r["ruleId"] == "SHGW010").unwrap();
    let physical = &shgw010["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "latest.yaml");
    assert_eq!(physical["region"]["startLine"], l10);
    assert_eq!(physical["region"]["startColumn"], c10);
    validate_sarif(&root, &review(&dir, "sarif"));
}

/// A relative URI reference resolved against a base ending in `/` (RFC 3986 dot segments).
fn resolve(base: &str, uri: &str) -> String {
    let mut parts: Vec<&str> = base.trim_end_matches('/').split('/').collect();
    for seg in uri.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn validate_sarif(root: &Path, sarif: &str) {
    let Some(validator) = shgw_testkit::tool("sarif-validate") else {
        return;
    };
    let file = root.join("review.sarif");
    std::fs::write(&file, sarif).unwrap();
    let out = Command::new(&validator).arg(&file).output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn inline_and_json_patches_and_generators_are_named() {
    let kustomization = "\
resources:
- gateway.yaml
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: gw
    spec:
      replicas: 1
- path: ops.yaml
  target:
    kind: Deployment
    name: gw
- target:
    kind: Deployment
  patch: |-
    - op: add
      path: /spec/template/spec/containers/0/envFrom/-
      value:
        configMapRef:
          name: extra
configMapGenerator:
- name: extra
  literals:
  - log.level=debug
  - config.service.endpoint=http://contoso.configuration.azure-api.net
";
    let ops = "\
- op: replace
  path: /spec/template/spec/containers/0/image
  value: mcr.microsoft.com/azure-api-management/gateway:v2
- op: add
  path: /spec/template/spec/containers/0/resources
  value:
    limits:
      memory: 1Gi
";
    let root = tree(
        "origins-inline",
        &[
            ("kustomization.yaml", kustomization),
            ("ops.yaml", ops),
            ("gateway.yaml", BASE),
        ],
    );
    let report = json(&root);
    // The inline strategic-merge patch wrote the one replica: its line in kustomization.yaml.
    assert_eq!(
        at(&report, "SHGW001", "Deployment"),
        place("kustomization.yaml", kustomization, "replicas: 1")
    );
    // JSON 6902 operations: the one that set the field (its path), not the base.
    assert_eq!(
        at(&report, "SHGW010", "Deployment"),
        place(
            "ops.yaml",
            ops,
            "path: /spec/template/spec/containers/0/image"
        )
    );
    assert_eq!(
        at(&report, "SHGW020", "Deployment"),
        place(
            "ops.yaml",
            ops,
            "path: /spec/template/spec/containers/0/resources"
        )
    );
    // The generated ConfigMap's bad endpoint: the generator's literal that holds it.
    assert_eq!(
        at(&report, "SHGW073", "ConfigMap"),
        place(
            "kustomization.yaml",
            kustomization,
            "config.service.endpoint="
        )
    );
    validate_sarif(&root, &review(&root, "sarif"));
    let sarif: Value = serde_json::from_str(&review(&root, "sarif")).unwrap();
    assert_eq!(
        sarif["runs"][0]["originalUriBaseIds"]["KUSTOMIZATION_ROOT"]["uri"],
        "./"
    );
}

#[test]
fn an_inline_json_patch_and_an_images_entry_are_named() {
    let kustomization = "\
resources:
- gateway.yaml
patches:
- target:
    kind: Deployment
    name: gw
  patch: |-
    - op: replace
      path: /spec/replicas
      value: 1
    - op: replace
      path: /spec/template/spec/containers/0/image
      value: mcr.microsoft.com/azure-api-management/gateway:v2
images:
- name: mcr.microsoft.com/azure-api-management/gateway
  newTag: latest
patchesStrategicMerge:
- |-
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: gw
  spec:
    template:
      spec:
        containers:
        - name: gw
          securityContext:
            allowPrivilegeEscalation: true
";
    let root = tree(
        "origins-inline-json",
        &[
            ("kustomization.yaml", kustomization),
            ("gateway.yaml", BASE),
        ],
    );
    let report = json(&root);
    assert_eq!(
        at(&report, "SHGW001", "Deployment"),
        place("kustomization.yaml", kustomization, "path: /spec/replicas")
    );
    // An inline `patchesStrategicMerge` entry, a list item of the kustomization.
    assert_eq!(
        at(&report, "SHGW050", "Deployment"),
        place(
            "kustomization.yaml",
            kustomization,
            "allowPrivilegeEscalation: true"
        )
    );
    // `images:` runs after the patches: its tag is the image's.
    assert_eq!(
        at(&report, "SHGW010", "Deployment"),
        place("kustomization.yaml", kustomization, "newTag: latest")
    );
}

#[test]
fn what_a_gateway_renders_is_at_the_gateway_document() {
    let gateway = "\
# the west gateway
---
apiVersion: shgw.dev/v1alpha1
kind: Gateway
metadata:
  name: contoso-west
spec:
  endpoint: contoso.configuration.azure-api.net
  backup: {storageClassName: azurefile-csi}
  image: {tag: \"2.11.1\"}
";
    let root = tree(
        "origins-gateway",
        &[
            ("gateway.yaml", gateway),
            (
                "kustomization.yaml",
                "resources:\n- gateway.yaml\nimages:\n- name: mcr.microsoft.com/azure-api-management/gateway\n  newTag: latest\n",
            ),
        ],
    );
    let report = json(&root);
    let (line, _) = find(gateway, "apiVersion: shgw.dev");
    // A default the renderer wrote (no renewal of the token) is at the Gateway.
    assert_eq!(
        at(&report, "SHGW063", "Deployment"),
        format!("gateway.yaml:{line}:1")
    );
    assert_eq!(
        at(&report, "SHGW010", "Deployment"),
        "kustomization.yaml:5:3"
    );
}
