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
        shgw_yaml::parse::parse_value(&run.stdout)
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

#[test]
fn running_again_on_its_own_output_changes_nothing() {
    // kpt fn render writes the output into the package and runs the pipeline on it next time.
    let mut items = given_items();
    items.as_array_mut().unwrap().push(gateway(
        json!({"config.kubernetes.io/local-config": "true"}),
    ));
    let config = gateway(json!({"shgw.dev/profile": "dev"}));
    let (run, first) = run_fn(&list(items, Some(config)));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // As kpt would write them back: each item with its file.
    let mut second_in = first.clone();
    for (i, item) in second_in["items"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        let meta = item["metadata"].as_object_mut().unwrap();
        let ann = meta.entry("annotations").or_insert_with(|| json!({}));
        ann["internal.config.kubernetes.io/path"] = json!(format!("out/{i}.yaml"));
    }
    let (run, second) = run_fn(&second_in);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(second["items"], second_in["items"]);
    assert_eq!(
        second["items"].as_array().unwrap().len(),
        first["items"].as_array().unwrap().len()
    );
}

fn example(rel: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/krm")
            .join(rel),
    )
    .unwrap()
}

/// Runs `argv` (its program `shgw`, the binary under test) with `input` as kustomize's and
/// kpt's exec runtimes do: the ResourceList on stdin.
fn exec_function(argv: &[String], input: &Value) -> Run {
    assert_eq!(argv[0], "shgw", "{argv:?}");
    let args: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
    shgw(&args, &serde_json::to_string(input).unwrap())
}

/// What `shgw render` prints for `gateway` (orchestrator annotations left out) under `profile`.
fn rendered(mut gateway: Value, profile: &str) -> Vec<Value> {
    let ann = gateway["metadata"]["annotations"].as_object_mut().unwrap();
    ann.retain(|k, _| !k.contains("config.kubernetes.io/") && k != "shgw.dev/profile");
    let out = shgw(
        &["render", "-f", "-", "--profile", profile, "-o", "json"],
        &serde_json::to_string(&gateway).unwrap(),
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    serde_json::from_str::<Value>(&out.stdout).unwrap()["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn the_kustomize_generator_example_as_kustomize_runs_it() {
    let k: Value = shgw_yaml::parse::parse_value(&example("kustomize/kustomization.yaml")).unwrap();
    let file = k["generators"][0].as_str().unwrap();
    let config: Value =
        shgw_yaml::parse::parse_value(&example(&format!("kustomize/{file}"))).unwrap();
    let spec: Value = shgw_yaml::parse::parse_value(
        config["metadata"]["annotations"]["config.kubernetes.io/function"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let mut argv = vec![spec["exec"]["path"].as_str().unwrap().to_owned()];
    argv.extend(
        spec["exec"]["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_owned()),
    );
    // kustomize's fn plugin marks the config local and hands it over as the only item too.
    let mut local = config.clone();
    local["metadata"]["annotations"]["config.kubernetes.io/local-config"] = json!("true");
    let run = exec_function(&argv, &list(json!([local.clone()]), Some(local)));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out: Value = shgw_yaml::parse::parse_value(&run.stdout).unwrap();
    // What kustomize keeps: everything not local-config, i.e. exactly the rendered objects.
    let kept: Vec<Value> = out["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["metadata"]["annotations"]["config.kubernetes.io/local-config"] != "true")
        .cloned()
        .collect();
    let profile = config["metadata"]["annotations"]["shgw.dev/profile"]
        .as_str()
        .unwrap();
    assert_eq!(kept, rendered(config.clone(), profile));
    assert!(errors(&out).is_empty());
}

#[test]
fn the_kpt_example_as_kpt_runs_it() {
    let kptfile: Value = shgw_yaml::parse::parse_value(&example("kpt/Kptfile")).unwrap();
    let mutator = &kptfile["pipeline"]["mutators"][0];
    let argv: Vec<String> = mutator["exec"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let path = mutator["configPath"].as_str().unwrap();
    let config: Value = shgw_yaml::parse::parse_value(&example(&format!("kpt/{path}"))).unwrap();
    // The package's resources, each with the file it is read from.
    let mut item = config.clone();
    item["metadata"]["annotations"]["internal.config.kubernetes.io/path"] = json!(path);
    item["metadata"]["annotations"]["internal.config.kubernetes.io/index"] = json!("0");
    let run = exec_function(&argv, &list(json!([item.clone()]), Some(config.clone())));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out: Value = shgw_yaml::parse::parse_value(&run.stdout).unwrap();
    let items = out["items"].as_array().unwrap();
    assert_eq!(items[0], item);
    assert_eq!(items[1..].to_vec(), rendered(config.clone(), "production"));
    // kpt fn render again on the written package: nothing changes.
    let again = exec_function(&argv, &list(out["items"].clone(), Some(config)));
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    let again: Value = shgw_yaml::parse::parse_value(&again.stdout).unwrap();
    assert_eq!(again["items"], out["items"]);
}

#[test]
fn kubectl_kustomize_refuses_the_exec_generator_loudly() {
    let Some(kubectl) = shgw_testkit::tool("kubectl") else {
        return;
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/krm/kustomize");
    let out = Command::new(kubectl)
        .arg("kustomize")
        .arg(&dir)
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    // shgw build does not run exec functions either, and says so.
    let build = shgw(&["build", dir.to_str().unwrap()], "");
    assert_eq!(build.code, Some(1));
    assert_eq!(build.stdout, "");
    assert!(build.stderr.contains("exec"), "{}", build.stderr);
}
