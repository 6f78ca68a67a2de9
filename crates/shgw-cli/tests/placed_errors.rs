//! Every problem of a Gateway file at its `FILE:LINE:COLUMN`, with its field path, for every
//! document at once; exit 1 and nothing on stdout. Settings reach the ConfigMap as written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use shgw_testkit::text;
use std::path::PathBuf;
use std::process::{Command, Output};

fn shgw(dir: &PathBuf, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shgw"));
    cmd.args(args).current_dir(dir);
    shgw_testkit::run_with_stdin(&mut cmd, None)
}

/// Runs `shgw ARGS` on `file` (holding `content`) in a scratch folder: the exit code must be
/// 1 and stdout empty; returns stderr.
fn refused(tag: &str, file: &str, content: &str, args: &[&str]) -> String {
    let dir = shgw_testkit::scratch(tag);
    std::fs::write(dir.join(file), content).unwrap();
    let mut all = args.to_vec();
    all.extend(["-f", file]);
    let out = shgw(&dir, &all);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "stdout: {}", text(&out.stdout));
    text(&out.stderr)
}

const HEAD: &str = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\n";

#[test]
fn a_misspelled_field_is_placed_at_its_key() {
    let file = format!(
        "{HEAD}metadata:\n  name: gw\nspec:\n  endpoint: gw.configuration.azure-api.net\n  replicaz: 3\n"
    );
    let problem = "gw.yaml:7:3: error: Gateway gw: spec.replicaz: unknown field `replicaz`, expected one of `endpoint`, `gatewayName`, `auth`, `image`, `replicas`, `autoscaling`, `rollout`, `resources`, `dns`, `service`, `backup`, `highAvailability`, `networkPolicy`, `telemetry`, `proxy`, `caCertificates`, `trustLocalCA`, `securityContext`, `settings`, `pod`, `namespace`, `adoption`\n";
    let err = refused("typo-render", "gw.yaml", &file, &["render"]);
    assert_eq!(err, format!("error: gw.yaml: 1 error found\n  {problem}"));
    // validate's report holds every problem, the file's own ones too; it exits 1.
    let dir = shgw_testkit::scratch("typo-validate");
    std::fs::write(dir.join("gw.yaml"), &file).unwrap();
    let out = shgw(&dir, &["validate", "-f", "gw.yaml"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with(problem),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_wrong_type_is_placed_at_its_value() {
    let file = format!(
        "{HEAD}metadata:\n  name: gw\nspec:\n  endpoint: gw.configuration.azure-api.net\n  image: {{tag: \"2.12.1\"}}\n  replicas: \"3\"\n  resources:\n    requests: {{cpu: [1]}}\n"
    );
    let err = refused("wrong-type", "gw.yaml", &file, &["render"]);
    assert_eq!(
        err,
        "error: gw.yaml: 2 errors found\n  gw.yaml:8:13: error: Gateway gw: spec.replicas: invalid type: string \"3\", expected i32\n  gw.yaml:10:21: error: Gateway gw: spec.resources.requests.cpu: invalid type: sequence, expected a quantity such as 2, 500m or 2Gi\n"
    );
}

#[test]
fn a_syntax_error_is_placed_in_the_file() {
    let file = format!("{HEAD}metadata:\n  name: gw\nspec:\n  endpoint: [a\n");
    let err = refused("syntax", "broken.yaml", &file, &["render"]);
    assert_eq!(
        err,
        "error: broken.yaml: 1 error found\n  broken.yaml:6:13: error: not valid YAML: unclosed bracket '['\n"
    );
    let err = refused(
        "dup",
        "dup.yaml",
        &format!("{HEAD}kind: Gateway\n"),
        &["validate"],
    );
    assert_eq!(
        err,
        "error: dup.yaml: 1 error found\n  dup.yaml:3:1: error: not valid YAML: mapping key \"kind\" already defined at line 2\n"
    );
}

#[test]
fn every_gateway_of_a_file_is_reported_at_once() {
    let file = format!(
        "{HEAD}metadata:\n  name: one\n  colour: red\nspec:\n  endpoint: one.configuration.azure-api.net\n---\napiVersion: apps/v1\nkind: Gateway\nmetadata: {{name: two}}\n---\n{HEAD}metadata: {{name: three}}\nspec:\n  endpoint: three.configuration.azure-api.net\n  settings:\n    nested: {{a: 1}}\n    list: [1, 2]\n"
    );
    let err = refused("fleet", "fleet.yaml", &file, &["render"]);
    assert_eq!(
        err,
        "error: fleet.yaml: 4 errors found\n  fleet.yaml:5:3: error: Gateway one: metadata.colour: unknown field `colour`, expected one of `name`, `namespace`, `labels`, `annotations`\n  fleet.yaml:9:1: error: Gateway two: apiVersion: must be shgw.dev/v1alpha1, not apps/v1\n  fleet.yaml:19:13: error: Gateway three: spec.settings.nested: invalid type: map, expected a string, number or boolean\n  fleet.yaml:20:11: error: Gateway three: spec.settings.list: invalid type: sequence, expected a string, number or boolean\n"
    );
}

#[test]
fn semantic_checks_are_placed_at_their_fields() {
    let file = format!(
        "{HEAD}metadata:\n  name: Not_A_Label\nspec:\n  endpoint: gw.configuration.azure-api.net\n  settings:\n    my.clientSecret: x\n"
    );
    let dir = shgw_testkit::scratch("semantic");
    std::fs::write(dir.join("gw.yaml"), &file).unwrap();
    let out = shgw(&dir, &["render", "--profile", "dev", "-f", "gw.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains("\n  gw.yaml:4:3: error: Gateway Not_A_Label: metadata.name: "),
        "{err}"
    );
    assert!(
        err.contains("\n  gw.yaml:8:5: error: Gateway Not_A_Label: spec.settings.my.clientSecret: looks like a secret"),
        "{err}"
    );
}

#[test]
fn settings_reach_the_config_map_as_written() {
    let file = format!(
        "{HEAD}metadata:\n  name: gw\nspec:\n  endpoint: gw.configuration.azure-api.net\n  settings:\n    x: 1.10\n    y: 0755\n    z: y\n"
    );
    let dir = shgw_testkit::scratch("settings-text");
    std::fs::write(dir.join("gw.yaml"), &file).unwrap();
    let out = shgw(&dir, &["render", "--profile", "dev", "-f", "gw.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    let config_map = yaml
        .split("\n---\n")
        .find(|d| d.contains("kind: ConfigMap") && d.contains("name: gw-env"))
        .expect("the settings ConfigMap");
    assert!(
        config_map.contains("  x: \"1.10\"\n  \"y\": \"0755\"\n  z: \"y\"\n"),
        "{config_map}"
    );
    // kubectl reads them back as the strings written (a number or a boolean would print bare).
    if let Some(kubectl) = shgw_testkit::tool("kubectl") {
        let back = shgw_testkit::kubectl_reprint(&kubectl, &dir.join("reprint"), config_map);
        assert!(
            back.contains("  x: \"1.10\"\n  \"y\": \"0755\"\n  z: \"y\"\n"),
            "{back}"
        );
    }
    // The same through --set.
    let out = shgw(
        &dir,
        &[
            "render",
            "--profile",
            "dev",
            "-f",
            "gw.yaml",
            "--set",
            "spec.settings.x=2.10",
            "--set",
            "spec.settings.w=on",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    assert!(yaml.contains("  w: \"on\"\n  x: \"2.10\"\n"), "{yaml}");
    // And through `shgw build`: the kustomize engine hands the Gateway over as nodes.
    std::fs::write(dir.join("kustomization.yaml"), "resources:\n- gw.yaml\n").unwrap();
    let out = shgw(&dir, &["build", ".", "--profile", "dev"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    assert!(
        yaml.contains("  x: \"1.10\"\n  \"y\": \"0755\"\n  z: \"y\"\n"),
        "{yaml}"
    );
}
