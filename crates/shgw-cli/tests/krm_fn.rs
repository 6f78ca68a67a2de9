//! `shgw fn` against the KRM Functions Specification (kustomize `functions-spec.md`): no
//! orchestrator that runs exec functions is installed here (no standalone kustomize, no kpt),
//! so this is the harness the specification describes: a ResourceList on stdin, the
//! ResourceList on stdout and the exit code checked.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn shgw(args: &[&str], stdin: &str) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shgw"));
    cmd.args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."));
    let out = shgw_testkit::run_with_stdin(&mut cmd, Some(stdin));
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn run_fn(list: &Value) -> (Run, Value) {
    let run = shgw(&["fn"], &serde_json::to_string_pretty(list).unwrap());
    let out = if run.stdout.is_empty() {
        Value::Null
    } else {
        serde_saphyr::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("stdout is not YAML: {e}\n{}", run.stdout))
    };
    (run, out)
}

fn gateway(annotations: Value) -> Value {
    json!({
        "apiVersion": "shgw.dev/v1alpha1",
        "kind": "Gateway",
        "metadata": {"name": "contoso-west", "namespace": "apim", "annotations": annotations},
        "spec": {
            "endpoint": "contoso.configuration.azure-api.net",
            "backup": {"storageClassName": "azurefile-csi"}
        }
    })
}

/// Items a kustomize orchestrator would hand over: its internal annotations, strings that
/// YAML 1.1 would misread, numbers, nested lists.
fn given_items() -> Value {
    json!([
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {
                "name": "settings",
                "namespace": "apim",
                "annotations": {
                    "internal.config.kubernetes.io/path": "base/settings.yaml",
                    "internal.config.kubernetes.io/index": "0",
                    "config.kubernetes.io/path": "base/settings.yaml"
                }
            },
            "data": {"enabled": "yes", "mode": "0755", "port": "8080", "empty": "", "multi": "a\nb\n"}
        },
        {
            "apiVersion": "example.com/v1",
            "kind": "Widget",
            "metadata": {"name": "w", "annotations": {"internal.config.kubernetes.io/index": "1"}},
            "spec": {"count": 3, "ratio": 0.5, "on": true, "list": [1, "two", null, {"k": "v"}]}
        }
    ])
}

fn list(items: Value, config: Option<Value>) -> Value {
    let mut l =
        json!({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": items});
    if let Some(c) = config {
        l["functionConfig"] = c;
    }
    l
}

fn results(out: &Value) -> Vec<Value> {
    out.get("results")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn errors(out: &Value) -> Vec<Value> {
    results(out)
        .into_iter()
        .filter(|r| r["severity"] == "error")
        .collect()
}

/// Every result is well formed per the specification.
fn check_results_shape(out: &Value) {
    for r in results(out) {
        assert!(r["message"].as_str().is_some_and(|m| !m.is_empty()), "{r}");
        assert!(
            ["error", "warning", "info"].contains(&r["severity"].as_str().unwrap_or("")),
            "{r}"
        );
        if let Some(rr) = r.get("resourceRef") {
            assert!(rr["kind"].is_string() && rr["name"].is_string(), "{r}");
        }
        if let Some(f) = r.get("field") {
            assert!(f["path"].as_str().is_some_and(|p| !p.is_empty()), "{r}");
        }
    }
}

#[test]
fn gateway_objects_are_appended_and_given_items_kept() {
    let items = given_items();
    let (run, out) = run_fn(&list(items.clone(), Some(gateway(json!({})))));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(out["apiVersion"], "config.kubernetes.io/v1");
    assert_eq!(out["kind"], "ResourceList");
    let got = out["items"].as_array().unwrap();
    // The given items first, unchanged in meaning (annotations included).
    assert_eq!(&got[..2], items.as_array().unwrap().as_slice());
    // Then exactly what `shgw render` renders for the same Gateway and profile.
    let render = shgw(
        &["render", "-f", "-", "-o", "json"],
        &serde_json::to_string(&gateway(json!({}))).unwrap(),
    );
    assert_eq!(render.code, Some(0), "{}", render.stderr);
    let rendered: Value = serde_json::from_str(&render.stdout).unwrap();
    assert_eq!(&got[2..], rendered["items"].as_array().unwrap().as_slice());
    assert!(got.len() > 4);
    // The review's findings are results, none an error for the production render.
    check_results_shape(&out);
    assert!(errors(&out).is_empty(), "{out}");
    let rules: Vec<String> = results(&out)
        .iter()
        .filter_map(|r| r["tags"]["rule"].as_str().map(str::to_owned))
        .collect();
    assert!(rules.iter().any(|r| r == "SHGW063"), "{rules:?}");
    // Each finding on a rendered object names that object.
    for r in results(&out)
        .iter()
        .filter(|r| r["tags"]["rule"].is_string())
    {
        let rr = &r["resourceRef"];
        assert!(
            got.iter()
                .any(|o| o["kind"] == rr["kind"] && o["metadata"]["name"] == rr["name"]),
            "{r}"
        );
    }
    // The function config is echoed back.
    assert_eq!(out["functionConfig"], gateway(json!({})));
}

#[test]
fn orchestrator_annotations_stay_off_the_rendered_objects() {
    let config = gateway(json!({
        "config.kubernetes.io/function": "exec:\n  path: shgw\n  args: [fn]\n",
        "config.kubernetes.io/local-config": "true",
        "internal.config.kubernetes.io/path": "gateway.yaml",
        "shgw.dev/profile": "dev",
        "team": "edge"
    }));
    let (run, out) = run_fn(&list(json!([]), Some(config)));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let items = out["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for item in items {
        let ann = &item["metadata"]["annotations"];
        assert_eq!(ann["team"], "edge", "{item}");
        for k in ann.as_object().unwrap().keys() {
            assert!(
                !k.contains("config.kubernetes.io/") && k != "shgw.dev/profile",
                "{k} on {item}"
            );
        }
    }
}

#[test]
fn the_profile_annotation_chooses_the_profile() {
    let mut config = gateway(json!({"shgw.dev/profile": "dev"}));
    config["spec"]["replicas"] = json!(1);
    let (run, out) = run_fn(&list(json!([]), Some(config.clone())));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(errors(&out).is_empty(), "{out}");
    // Production (the default) refuses one replica: an error result on the Gateway's field.
    config["metadata"]["annotations"] = json!({"internal.config.kubernetes.io/path": "gw/gateway.yaml", "internal.config.kubernetes.io/index": "2"});
    let (run, out) = run_fn(&list(given_items(), Some(config)));
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let errs = errors(&out);
    assert_eq!(errs.len(), 1, "{out}");
    assert_eq!(errs[0]["field"]["path"], "spec.replicas");
    assert_eq!(errs[0]["resourceRef"]["kind"], "Gateway");
    assert_eq!(errs[0]["resourceRef"]["name"], "contoso-west");
    assert_eq!(
        errs[0]["file"],
        json!({"path": "gw/gateway.yaml", "index": 2})
    );
    // Nothing rendered, the given items still there.
    assert_eq!(out["items"], given_items());
    // An unknown profile is an error result naming the annotation.
    let (run, out) = run_fn(&list(
        json!([]),
        Some(gateway(json!({"shgw.dev/profile": "staging"}))),
    ));
    assert_eq!(run.code, Some(1));
    let errs = errors(&out);
    assert_eq!(
        errs[0]["field"]["path"],
        "metadata.annotations.shgw.dev/profile"
    );
    assert!(errs[0]["message"].as_str().unwrap().contains("staging"));
}

#[test]
fn missing_or_wrong_function_config_is_an_error_result() {
    let (run, out) = run_fn(&list(given_items(), None));
    assert_eq!(run.code, Some(1));
    assert_eq!(out["items"], given_items());
    let errs = errors(&out);
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0]["message"]
            .as_str()
            .unwrap()
            .contains("functionConfig")
    );
    check_results_shape(&out);

    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fn-config"}, "data": {"x": "1"}});
    let (run, out) = run_fn(&list(given_items(), Some(cm)));
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(out["items"], given_items());
    let errs = errors(&out);
    assert!(
        errs.iter()
            .any(|e| e["field"]["path"] == "kind" && e["resourceRef"]["kind"] == "ConfigMap"),
        "{out}"
    );
    check_results_shape(&out);
}

#[test]
fn an_invalid_gateway_gives_every_problem_as_a_result() {
    let mut config = gateway(json!({}));
    config["spec"]["replicas"] = json!("three");
    config["spec"]["endpoint"] = json!("not a host");
    config["spec"]["bogus"] = json!(1);
    let (run, out) = run_fn(&list(given_items(), Some(config)));
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("error"), "{}", run.stderr);
    assert_eq!(out["items"], given_items());
    let errs = errors(&out);
    assert!(errs.len() >= 2, "{out}");
    let paths: Vec<&str> = errs
        .iter()
        .filter_map(|e| e["field"]["path"].as_str())
        .collect();
    assert!(paths.contains(&"spec.replicas"), "{paths:?}");
    check_results_shape(&out);
}

#[test]
fn yaml_and_json_input_and_v1beta1() {
    let l = list(
        given_items(),
        Some(gateway(json!({"shgw.dev/profile": "dev"}))),
    );
    let (json_run, json_out) = run_fn(&l);
    // The same list written as YAML by hand, with flow and block styles and a comment.
    let yaml = r#"# from kustomize
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
    namespace: apim
    annotations:
      internal.config.kubernetes.io/path: 'base/settings.yaml'
      internal.config.kubernetes.io/index: '0'
      config.kubernetes.io/path: base/settings.yaml
  data: {enabled: "yes", mode: "0755", port: "8080", empty: "", multi: "a\nb\n"}
- apiVersion: example.com/v1
  kind: Widget
  metadata: {name: w, annotations: {internal.config.kubernetes.io/index: "1"}}
  spec:
    count: 3
    ratio: 0.5
    "on": true
    list: [1, two, null, {k: v}]
functionConfig:
  apiVersion: shgw.dev/v1alpha1
  kind: Gateway
  metadata:
    name: contoso-west
    namespace: apim
    annotations: {shgw.dev/profile: dev}
  spec:
    endpoint: contoso.configuration.azure-api.net
    backup: {storageClassName: azurefile-csi}
"#;
    let yaml_run = shgw(&["fn"], yaml);
    assert_eq!(json_run.code, Some(0), "{}", json_run.stderr);
    assert_eq!(yaml_run.code, Some(0), "{}", yaml_run.stderr);
    // Byte for byte the same ResourceList.
    assert_eq!(json_run.stdout, yaml_run.stdout);
    assert_eq!(
        &json_out["items"].as_array().unwrap()[..2],
        given_items().as_array().unwrap().as_slice()
    );
    // Deterministic.
    assert_eq!(shgw(&["fn"], yaml).stdout, yaml_run.stdout);

    let beta = yaml.replace(
        "config.kubernetes.io/v1\n",
        "config.kubernetes.io/v1beta1\n",
    );
    let run = shgw(&["fn"], &beta);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("apiVersion: config.kubernetes.io/v1beta1\n")
    );
}

#[test]
fn input_that_is_not_a_resource_list_prints_nothing() {
    for (input, says) in [
        ("apiVersion: v1\nkind: List\nitems: []\n", "ResourceList"),
        (
            "apiVersion: config.kubernetes.io/v2\nkind: ResourceList\nitems: []\n",
            "ResourceList",
        ),
        (
            "kind: ResourceList\napiVersion: config.kubernetes.io/v1\nitems: {a: 1}\n",
            "items",
        ),
        (
            "kind: ResourceList\napiVersion: config.kubernetes.io/v1\nitems: [1]\n",
            "items[0]",
        ),
        ("a: [\n", "YAML"),
        ("", "ResourceList"),
        (
            "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n---\na: 1\n",
            "one ResourceList",
        ),
    ] {
        let run = shgw(&["fn"], input);
        assert_eq!(run.code, Some(1), "{input}");
        assert_eq!(run.stdout, "", "{input}");
        assert!(run.stderr.contains(says), "{input}: {}", run.stderr);
    }
}

#[test]
fn a_token_never_reaches_the_output() {
    // A Gateway naming its token Secret: the function renders no token and echoes none.
    let mut config = gateway(json!({}));
    config["spec"]["auth"] = json!({"token": {"secretName": "contoso-token"}});
    let (run, out) = run_fn(&list(json!([]), Some(config)));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stdout.contains("GatewayKey"), "{}", run.stdout);
    assert!(out["items"].as_array().unwrap().iter().all(|o| {
        o["kind"] != "Secret"
            || o["data"]
                .as_object()
                .is_none_or(|d| d.values().all(|v| v == ""))
    }));
}
