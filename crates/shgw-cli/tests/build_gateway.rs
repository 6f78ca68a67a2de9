//! `shgw build` of overlays over a Gateway: names that keep the gateway wired, patches that
//! reach the Gateway (or fail naming themselves), settings changes that roll the pods, and the
//! review of what was built. Each test writes a real kustomization tree to a scratch folder and
//! runs the binary; where no Gateway is involved, `kubectl kustomize` is the judge.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use shgw_testkit::text;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A scratch tree of kustomizations.
struct Tree(PathBuf);

impl Tree {
    fn new(tag: &str) -> Self {
        Tree(shgw_testkit::scratch(&format!("build-gw-{tag}")))
    }
    fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
    /// `shgw build DIR ARGS...`.
    fn build(&self, rel: &str, args: &[&str]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_shgw"))
            .arg("build")
            .arg(self.path(rel))
            .args(args)
            .output()
            .unwrap()
    }
    /// A build that must succeed: its objects.
    fn objects(&self, rel: &str, args: &[&str]) -> Vec<Value> {
        let out = self.build(rel, args);
        assert!(
            out.status.success(),
            "shgw build {rel} {args:?} failed: {}",
            text(&out.stderr)
        );
        documents(&text(&out.stdout))
    }
    /// A build that must fail with exit 1 and nothing on stdout: its stderr.
    fn refused(&self, rel: &str, args: &[&str]) -> String {
        let out = self.build(rel, args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "shgw build {rel} {args:?} should fail: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "stdout: {}", text(&out.stdout));
        text(&out.stderr)
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn documents(yaml: &str) -> Vec<Value> {
    shgw_yaml::parse::parse_values(yaml).unwrap()
}

/// The one document of `yaml`.
fn document(yaml: &str) -> Value {
    let mut docs = documents(yaml);
    assert_eq!(docs.len(), 1, "{yaml}");
    docs.remove(0)
}

fn find<'a>(objs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    objs.iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| {
            let ids: Vec<String> = objs
                .iter()
                .map(|o| format!("{}/{}", o["kind"], o["metadata"]["name"]))
                .collect();
            panic!("no {kind}/{name} in {ids:?}")
        })
}

fn config_hash(objs: &[Value], deployment: &str) -> String {
    find(objs, "Deployment", deployment)["spec"]["template"]["metadata"]["annotations"]
        ["shgw.dev/config-hash"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The smallest production Gateway (it passes production's review: only a warning).
const GATEWAY: &str = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata:\n  name: contoso-west\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {storageClassName: azurefile-csi}\n";

/// A base holding [`GATEWAY`].
fn base(tag: &str) -> Tree {
    let t = Tree::new(tag);
    t.write("base/kustomization.yaml", "resources: [gateway.yaml]\n")
        .write("base/gateway.yaml", GATEWAY);
    t
}

#[test]
fn a_prefix_keeps_the_discovery_host_on_the_renamed_service() {
    let t = base("prefix");
    t.write(
        "eu/kustomization.yaml",
        "resources: [../base]\nnamePrefix: eu-\nnamespace: apim-eu\n",
    )
    .write(
        "suffix/kustomization.yaml",
        "resources: [../eu]\nnameSuffix: -v2\n",
    );
    let objs = t.objects("eu", &[]);
    let cm = find(&objs, "ConfigMap", "eu-contoso-west-env");
    find(&objs, "Service", "eu-contoso-west-instance-discovery");
    assert_eq!(
        cm["data"]["neighborhood.host"],
        "eu-contoso-west-instance-discovery"
    );
    assert!(objs.iter().all(|o| o["metadata"]["namespace"] == "apim-eu"));
    // Layers nest: the suffix of an overlay over the prefixed one.
    let objs = t.objects("suffix", &[]);
    let cm = find(&objs, "ConfigMap", "eu-contoso-west-env-v2");
    find(&objs, "Service", "eu-contoso-west-instance-discovery-v2");
    assert_eq!(
        cm["data"]["neighborhood.host"],
        "eu-contoso-west-instance-discovery-v2"
    );
    // No Gateway document in the output.
    assert!(objs.iter().all(|o| o["kind"] != "Gateway"));
}

#[test]
fn a_host_an_overlay_set_itself_is_left_as_written() {
    let t = base("own-host");
    t.write(
        "eu/kustomization.yaml",
        "resources: [../base]\nnamePrefix: eu-\npatches:\n- target: {kind: ConfigMap, name: contoso-west-env}\n  patch: |-\n    - op: replace\n      path: /data/neighborhood.host\n      value: gw-peers.apim.svc.cluster.local\n",
    );
    let objs = t.objects("eu", &[]);
    let cm = find(&objs, "ConfigMap", "eu-contoso-west-env");
    assert_eq!(
        cm["data"]["neighborhood.host"],
        "gw-peers.apim.svc.cluster.local"
    );
}

/// A Gateway whose token a renewer CronJob renews (Role, admission policy, arguments naming
/// the Secret and the Deployment).
fn renewal_tree(tag: &str) -> Tree {
    let t = Tree::new(tag);
    let gateway = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/renewal.yaml"),
    )
    .unwrap();
    t.write("base/kustomization.yaml", "resources: [gateway.yaml]\n")
        .write("base/gateway.yaml", &gateway)
        .write(
            "eu/kustomization.yaml",
            "resources: [../base]\nnamePrefix: eu-\npatches:\n- target: {kind: Gateway}\n  patch: |-\n    - op: add\n      path: /spec/auth/token/renewal/admissionPolicy\n      value: {enabled: true}\n",
        );
    t
}

#[test]
fn a_prefix_keeps_the_token_renewer_pointed_at_the_renamed_objects() {
    let t = renewal_tree("renewal");
    let plain = t.objects("base", &["--fail-on", "never"]);
    let objs = t.objects("eu", &["--fail-on", "never"]);
    let deployment = find(&plain, "Deployment", "fabrikam-east")["metadata"]["name"].clone();
    assert_eq!(deployment, "fabrikam-east");
    let cron = objs.iter().find(|o| o["kind"] == "CronJob").unwrap();
    let args: Vec<&str> = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
        ["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let after = |flag: &str| args[args.iter().position(|a| *a == flag).unwrap() + 1];
    let secret = after("--secret");
    let deployment = after("--deployment");
    find(&objs, "Deployment", deployment);
    assert_eq!(deployment, "eu-fabrikam-east");
    assert_eq!(secret, "eu-fabrikam-east-token");
    // The API Management gateway keeps its name: only Kubernetes objects are renamed.
    assert_eq!(after("--gateway"), "fabrikam-east");
    // The gateway reads the Secret the renewer renews.
    let d = find(&objs, "Deployment", "eu-fabrikam-east");
    let env = d["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap();
    assert!(
        env.iter()
            .any(|e| e["valueFrom"]["secretKeyRef"]["name"] == secret),
        "{env:?}"
    );
    // The admission policy the overlay turned on through the Gateway is there.
    assert!(
        objs.iter()
            .any(|o| o["kind"] == "ValidatingAdmissionPolicyBinding"),
        "no admission policy"
    );
    // Every resource name the renewer's Role and admission policy grant is an object built.
    let built: Vec<&str> = objs
        .iter()
        .map(|o| o["metadata"]["name"].as_str().unwrap())
        .collect();
    for o in &objs {
        let rules = match o["kind"].as_str().unwrap() {
            "Role" => o["rules"].clone(),
            "ValidatingAdmissionPolicy" => o["spec"]["matchConstraints"]["resourceRules"].clone(),
            _ => continue,
        };
        for rule in rules.as_array().unwrap() {
            for name in rule["resourceNames"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                assert!(
                    built.contains(&name),
                    "{} grants {name}, not built",
                    o["kind"]
                );
            }
        }
        if o["kind"] == "ValidatingAdmissionPolicy" {
            let expr = o["spec"]["matchConditions"][0]["expression"]
                .as_str()
                .unwrap();
            assert!(expr.ends_with(":eu-fabrikam-east-token-renewer'"), "{expr}");
            let binding = objs
                .iter()
                .find(|b| b["kind"] == "ValidatingAdmissionPolicyBinding")
                .unwrap();
            assert_eq!(binding["spec"]["policyName"], o["metadata"]["name"]);
        }
    }
}

/// Builds `overlay` (written over the base) and returns the Deployment's replicas and image.
fn replicas_and_image(t: &Tree, overlay: &str) -> (i64, String) {
    t.write("o/kustomization.yaml", overlay);
    let objs = t.objects("o", &["--fail-on", "never"]);
    let d = objs.iter().find(|o| o["kind"] == "Deployment").unwrap();
    (
        d["spec"]["replicas"].as_i64().unwrap(),
        d["spec"]["template"]["spec"]["containers"][0]["image"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

#[test]
fn patches_that_target_the_gateway_apply_to_it() {
    let t = base("patches");
    let (replicas, _) = replicas_and_image(&t, "resources: [../base]\n");
    assert_eq!(replicas, 3);
    // Strategic merge, by name (the patch's own id).
    let smp = "resources: [../base]\npatches:\n- patch: |-\n    apiVersion: shgw.dev/v1alpha1\n    kind: Gateway\n    metadata: {name: contoso-west}\n    spec: {replicas: 4}\n";
    assert_eq!(replicas_and_image(&t, smp).0, 4);
    // JSON 6902, by kind.
    let json = "resources: [../base]\npatches:\n- target: {kind: Gateway}\n  patch: |-\n    - op: add\n      path: /spec/replicas\n      value: 5\n";
    assert_eq!(replicas_and_image(&t, json).0, 5);
    // The deprecated fields, by name, and the image through the Gateway.
    let old = "resources: [../base]\npatchesStrategicMerge:\n- |-\n  apiVersion: shgw.dev/v1alpha1\n  kind: Gateway\n  metadata: {name: contoso-west}\n  spec: {image: {tag: 2.11.0}}\npatchesJson6902:\n- target: {group: shgw.dev, version: v1alpha1, kind: Gateway, name: contoso-west}\n  patch: |-\n    - op: add\n      path: /spec/replicas\n      value: 6\n";
    let (replicas, image) = replicas_and_image(&t, old);
    assert_eq!(replicas, 6);
    assert!(image.ends_with(":2.11.0"), "{image}");
    // By the name a lower layer gave it (and by a name pattern), two layers up.
    t.write(
        "mid/kustomization.yaml",
        "resources: [../base]\nnamePrefix: b-\n",
    );
    let renamed = "resources: [../mid]\npatches:\n- target: {kind: Gateway, name: b-contoso-west}\n  patch: |-\n    - op: add\n      path: /spec/replicas\n      value: 7\n- target: {kind: Gateway, name: \"b-.*\"}\n  patch: |-\n    - op: add\n      path: /spec/image\n      value: {tag: 2.10.0}\n";
    let (replicas, image) = replicas_and_image(&t, renamed);
    assert_eq!(replicas, 7);
    assert!(image.ends_with(":2.10.0"), "{image}");
}

#[test]
fn a_patch_that_cannot_reach_the_gateway_fails_naming_itself() {
    let t = base("patch-errors");
    // A change outside the spec would do nothing: refused.
    t.write(
        "meta/kustomization.yaml",
        "resources: [../base]\npatches:\n- target: {kind: Gateway}\n  patch: |-\n    - op: add\n      path: /metadata/labels\n      value: {team: edge}\n",
    );
    let e = t.refused("meta", &[]);
    assert!(
        e.contains("meta/kustomization.yaml: patches[0]") && e.contains("metadata"),
        "{e}"
    );
    // A patched spec that is wrong names the Gateway's problem and the patch.
    t.write(
        "bad/kustomization.yaml",
        "resources: [../base]\npatches:\n- path: gw.yaml\n",
    )
    .write(
        "bad/gw.yaml",
        "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: contoso-west}\nspec: {replicas: many}\n",
    );
    let e = t.refused("bad", &[]);
    assert!(
        e.contains("spec.replicas") && e.contains("bad/kustomization.yaml: patches[0] 'gw.yaml'"),
        "{e}"
    );
    // A JSON patch whose path is not in the Gateway fails as kustomize fails, naming the entry.
    t.write(
        "missing/kustomization.yaml",
        "resources: [../base]\npatches:\n- target: {kind: Gateway}\n  patch: |-\n    - op: remove\n      path: /spec/nothing\n",
    );
    let e = t.refused("missing", &[]);
    assert!(
        e.contains("patches[0]") && e.contains("/spec/nothing"),
        "{e}"
    );
    // A target naming kind Gateway that selects none (a misspelt name) is no silent no-op.
    t.write(
        "typo/kustomization.yaml",
        "resources: [../base]\npatches:\n- target: {kind: Gateway, name: contoso-wset}\n  patch: |-\n    - op: add\n      path: /spec/replicas\n      value: 4\n",
    );
    let e = t.refused("typo", &[]);
    assert!(
        e.contains("typo/kustomization.yaml at patches[0]") && e.contains("selects no Gateway"),
        "{e}"
    );
}

#[test]
fn deleting_the_gateway_deletes_what_it_renders() {
    let t = base("delete");
    t.write("base/extra.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n")
        .write("base/kustomization.yaml", "resources: [gateway.yaml, extra.yaml]\n")
        .write(
            "o/kustomization.yaml",
            "resources: [../base]\npatches:\n- patch: |-\n    apiVersion: shgw.dev/v1alpha1\n    kind: Gateway\n    metadata: {name: contoso-west}\n    $patch: delete\n",
        );
    let objs = t.objects("o", &[]);
    let ids: Vec<String> = objs
        .iter()
        .map(|o| {
            format!(
                "{}/{}",
                o["kind"].as_str().unwrap(),
                o["metadata"]["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(ids, ["ConfigMap/other"]);
    // Next to another Gateway that a patch re-renders.
    t.write("east/gateway.yaml", &GATEWAY.replace("contoso-west", "contoso-east"))
        .write("east/kustomization.yaml", "resources: [gateway.yaml]\n")
        .write(
            "both/kustomization.yaml",
            "resources: [../o, ../east]\npatches:\n- target: {kind: Gateway, name: contoso-east}\n  patch: |-\n    - op: add\n      path: /spec/replicas\n      value: 4\n",
        );
    let objs = t.objects("both", &[]);
    assert!(objs.iter().all(|o| {
        !o["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with("contoso-west")
    }));
    assert_eq!(
        find(&objs, "Deployment", "contoso-east")["spec"]["replicas"],
        4
    );
}

#[test]
fn settings_changes_roll_the_pods() {
    let t = base("settings");
    let plain = t.objects("base", &[]);
    let base_hash = config_hash(&plain, "contoso-west");
    // Through the Gateway: the log level.
    t.write(
        "gw/kustomization.yaml",
        "resources: [../base]\npatches:\n- target: {kind: Gateway}\n  patch: |-\n    - op: add\n      path: /spec/telemetry\n      value: {logs: {level: debug}}\n",
    );
    let objs = t.objects("gw", &[]);
    let cm = find(&objs, "ConfigMap", "contoso-west-env");
    assert_eq!(cm["data"]["telemetry.logs.std.level"], "debug");
    let via_gateway = config_hash(&objs, "contoso-west");
    assert_ne!(via_gateway, base_hash);
    // Through the Gateway's free-form settings, by a strategic merge patch.
    t.write(
        "extra/kustomization.yaml",
        "resources: [../base]\npatches:\n- patch: |-\n    apiVersion: shgw.dev/v1alpha1\n    kind: Gateway\n    metadata: {name: contoso-west}\n    spec:\n      settings: {net.server.http.forwarded.proto.enabled: \"true\"}\n",
    );
    let objs = t.objects("extra", &[]);
    let cm = find(&objs, "ConfigMap", "contoso-west-env");
    assert_eq!(
        cm["data"]["net.server.http.forwarded.proto.enabled"],
        "true"
    );
    assert_ne!(config_hash(&objs, "contoso-west"), base_hash);
    // Through the rendered ConfigMap.
    t.write(
        "cm/kustomization.yaml",
        "resources: [../base]\npatches:\n- target: {kind: ConfigMap, name: contoso-west-env}\n  patch: |-\n    - op: replace\n      path: /data/telemetry.logs.std.level\n      value: debug\n",
    );
    let objs = t.objects("cm", &[]);
    assert_eq!(
        find(&objs, "ConfigMap", "contoso-west-env")["data"]["telemetry.logs.std.level"],
        "debug"
    );
    let via_configmap = config_hash(&objs, "contoso-west");
    assert_ne!(via_configmap, base_hash);
    // The same final data gives the same hash, build after build.
    assert_eq!(
        config_hash(&t.objects("cm", &[]), "contoso-west"),
        via_configmap
    );
    // The token Secret, generated without a hash suffix (so its name does not change).
    let token = |value: &str| {
        t.write(
            "token/kustomization.yaml",
            &format!("resources: [../base]\nsecretGenerator:\n- name: contoso-west-token\n  namespace: apim-gateway\n  literals: [value=GatewayKey {value}]\n  options: {{disableNameSuffixHash: true}}\n"),
        );
        let objs = t.objects("token", &[]);
        find(&objs, "Secret", "contoso-west-token");
        config_hash(&objs, "contoso-west")
    };
    let first = token("one");
    let second = token("two");
    assert_ne!(first, second);
    assert_ne!(first, base_hash);
}

/// An overlay that breaks production's rules: one replica and a rolling tag.
const BREAKS_PRODUCTION: &str = "resources: [../base]\nreplicas:\n- name: contoso-west\n  count: 1\nimages:\n- name: mcr.microsoft.com/azure-api-management/gateway\n  newTag: latest\n";

#[test]
fn an_overlay_that_breaks_a_production_rule_is_refused() {
    let t = base("production");
    t.write("o/kustomization.yaml", BREAKS_PRODUCTION);
    let e = t.refused("o", &[]);
    assert!(e.contains("SHGW") && e.contains("--fail-on never"), "{e}");
    // The same through the Gateway: the render refuses it under production, as `render` does,
    // naming the patch; the dev profile takes it.
    t.write(
        "g/kustomization.yaml",
        "resources: [../base]\npatches:\n- target: {kind: Gateway}\n  patch: |-\n    - op: add\n      path: /spec/replicas\n      value: 1\n",
    );
    let e = t.refused("g", &[]);
    assert!(
        e.contains("spec.replicas") && e.contains("g/kustomization.yaml: patches[0]"),
        "{e}"
    );
    let objs = t.objects("g", &["--profile", "dev"]);
    assert_eq!(
        find(&objs, "Deployment", "contoso-west")["spec"]["replicas"],
        1
    );
    // Opting out builds it, with the image and replicas as the overlay says.
    let objs = t.objects("o", &["--fail-on", "never"]);
    let d = find(&objs, "Deployment", "contoso-west");
    assert_eq!(d["spec"]["replicas"], 1);
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        "mcr.microsoft.com/azure-api-management/gateway:latest"
    );
    // --fail-on warning is stricter than the default: the base has a warning.
    let e = t.refused("base", &["--fail-on", "warning"]);
    assert!(e.contains("warning"), "{e}");
    // Argo CD's generate refuses it too, with nothing on stdout.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_shgw"))
        .args(["argocd", "generate"])
        .current_dir(t.path("o"))
        .env_remove("PARAM_PROFILE")
        .env_remove("ARGOCD_ENV_PROFILE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
}

/// A gateway written as plain objects (the portal's shape), with a rolling tag and one replica.
const PLAIN_GATEWAY: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gw-env\ndata:\n  config.service.endpoint: contoso.configuration.azure-api.net\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: gw\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: gw}\n  template:\n    metadata:\n      labels: {app: gw}\n    spec:\n      containers:\n      - name: gw\n        image: mcr.microsoft.com/azure-api-management/gateway:v2\n        envFrom:\n        - configMapRef: {name: gw-env}\n";

#[test]
fn plain_gateway_objects_are_reviewed_and_otherwise_built_as_kubectl_builds_them() {
    let t = Tree::new("plain");
    t.write("base/kustomization.yaml", "resources: [gw.yaml]\n")
        .write("base/gw.yaml", PLAIN_GATEWAY)
        .write(
            "o/kustomization.yaml",
            "resources: [../base]\nnamePrefix: eu-\nnamespace: apim\nimages:\n- name: mcr.microsoft.com/azure-api-management/gateway\n  newTag: latest\npatches:\n- target: {kind: Deployment}\n  patch: |-\n    - op: add\n      path: /spec/template/spec/containers/0/securityContext\n      value: {readOnlyRootFilesystem: true}\n",
        );
    let e = t.refused("o", &[]);
    assert!(e.contains("SHGW"), "{e}");
    // A tree without any gateway workload has nothing to review.
    t.write(
        "cfg/kustomization.yaml",
        "resources: [cm.yaml]\nnamePrefix: x-\n",
    )
    .write(
        "cfg/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: \"1\"}\n",
    );
    let Some(kubectl) = shgw_testkit::tool("kubectl") else {
        return;
    };
    for (dir, args) in [("o", &["--fail-on", "never"][..]), ("cfg", &[][..])] {
        let ours = t.build(dir, args);
        assert!(ours.status.success(), "{}", text(&ours.stderr));
        let theirs = std::process::Command::new(&kubectl)
            .arg("kustomize")
            .arg(t.path(dir))
            .output()
            .unwrap();
        assert!(theirs.status.success(), "{}", text(&theirs.stderr));
        assert_eq!(text(&ours.stdout), text(&theirs.stdout), "{dir}");
    }
}

#[test]
fn the_krm_function_reviews_given_gateway_workloads_too() {
    // A package that already holds a plain gateway (one replica, a rolling tag) and a Gateway as
    // the function's config: the plain one's findings come back as error results, on its file.
    let mut plain: Vec<Value> = documents(PLAIN_GATEWAY);
    for (i, item) in plain.iter_mut().enumerate() {
        item["metadata"]["annotations"] = serde_json::json!({
            "internal.config.kubernetes.io/path": "legacy/gw.yaml",
            "internal.config.kubernetes.io/index": i.to_string(),
        });
    }
    let config: Value = document(GATEWAY);
    let list = serde_json::json!({
        "apiVersion": "config.kubernetes.io/v1",
        "kind": "ResourceList",
        "items": plain,
        "functionConfig": config,
    });
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_shgw"));
    cmd.arg("fn");
    let out = shgw_testkit::run_with_stdin(&mut cmd, Some(&list.to_string()));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let back: Value = document(&text(&out.stdout));
    let results = back["results"].as_array().unwrap();
    let on_plain: Vec<&Value> = results
        .iter()
        .filter(|r| r["severity"] == "error" && r["resourceRef"]["name"] == "gw")
        .collect();
    assert!(!on_plain.is_empty(), "{results:?}");
    assert!(
        on_plain
            .iter()
            .all(|r| r["file"]["path"] == "legacy/gw.yaml"),
        "{on_plain:?}"
    );
    // The rendered gateway passes production: no error result names it.
    assert!(
        !results
            .iter()
            .any(|r| r["severity"] == "error" && r["resourceRef"]["name"] == "contoso-west"),
        "{results:?}"
    );
}

#[test]
fn one_base_twice_under_two_prefixes_keeps_each_copy_wired_and_patched_on_its_own() {
    let t = base("twice");
    t.write("eu/kustomization.yaml", "resources: [../base]\nnamePrefix: eu-\n")
        .write("us/kustomization.yaml", "resources: [../base]\nnamePrefix: us-\n")
        .write(
            "all/kustomization.yaml",
            "resources: [../eu, ../us]\npatches:\n- target: {kind: Gateway, name: us-contoso-west}\n  patch: |-\n    - op: add\n      path: /spec/replicas\n      value: 4\n",
        );
    let objs = t.objects("all", &[]);
    for (region, replicas) in [("eu", 3), ("us", 4)] {
        let cm = find(&objs, "ConfigMap", &format!("{region}-contoso-west-env"));
        assert_eq!(
            cm["data"]["neighborhood.host"],
            format!("{region}-contoso-west-instance-discovery").as_str()
        );
        let d = find(&objs, "Deployment", &format!("{region}-contoso-west"));
        assert_eq!(d["spec"]["replicas"], replicas, "{region}");
    }
}

#[test]
fn an_overlay_may_complete_a_gateway_its_base_leaves_open() {
    // The base names no endpoint (each environment has its own): alone it does not render.
    let t = Tree::new("complete");
    t.write("base/kustomization.yaml", "resources: [gateway.yaml]\n")
        .write(
            "base/gateway.yaml",
            "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata:\n  name: contoso-west\nspec:\n  backup: {storageClassName: azurefile-csi}\n",
        )
        .write(
            "prod/kustomization.yaml",
            "resources: [../base]\npatches:\n- target: {kind: Gateway}\n  patch: |-\n    - op: add\n      path: /spec/endpoint\n      value: contoso-prod.configuration.azure-api.net\n",
        );
    let e = t.refused("base", &[]);
    assert!(e.contains("endpoint"), "{e}");
    let objs = t.objects("prod", &[]);
    let cm = find(&objs, "ConfigMap", "contoso-west-env");
    assert_eq!(
        cm["data"]["config.service.endpoint"],
        "contoso-prod.configuration.azure-api.net"
    );
}

#[test]
fn a_replacement_into_the_gateway_spec_is_rendered() {
    let t = base("replacement");
    t.write(
        "o/kustomization.yaml",
        "resources: [../base, endpoint.yaml]\nreplacements:\n- source: {kind: ConfigMap, name: region, fieldPath: data.endpoint}\n  targets:\n  - select: {kind: Gateway}\n    fieldPaths: [spec.endpoint]\n",
    )
    .write(
        "o/endpoint.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: region}\ndata: {endpoint: contoso-weu.configuration.azure-api.net}\n",
    );
    let objs = t.objects("o", &[]);
    let cm = find(&objs, "ConfigMap", "contoso-west-env");
    assert_eq!(
        cm["data"]["config.service.endpoint"],
        "contoso-weu.configuration.azure-api.net"
    );
}

/// A base holding `examples/alerts.yaml` (renewer, PodMonitor and alerts, in `apim-gateway`),
/// and `staging`: the base under `namePrefix: staging-` and `namespace: staging`.
fn alerts_tree(tag: &str) -> Tree {
    let t = Tree::new(tag);
    let gateway = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/alerts.yaml"),
    )
    .unwrap();
    t.write("base/kustomization.yaml", "resources: [gateway.yaml]\n")
        .write("base/gateway.yaml", &gateway)
        .write(
            "staging/kustomization.yaml",
            "resources: [../base]\nnamePrefix: staging-\nnamespace: staging\n",
        );
    t
}

/// Prometheus's `humanizeDuration` for whole seconds of at least a minute.
fn humanize_duration(secs: i64) -> String {
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    if d > 0 {
        format!("{d}d {h}h {m}m {s}s")
    } else if h > 0 {
        format!("{h}h {m}m {s}s")
    } else {
        format!("{m}m {s}s")
    }
}

/// A promtool unit test of `rule`: `series` (name, values), then at `at` seconds `alert`
/// fires with `labels` and `value`, or (no labels) stays silent.
fn promtool_case(
    rule: &Value,
    series: &[(String, String)],
    at: i64,
    alert: &str,
    fired: Option<(&[(&str, &str)], &str)>,
) -> Value {
    let exp = match fired {
        None => serde_json::json!([]),
        Some((labels, value)) => {
            let rules = rule["spec"]["groups"][0]["rules"].as_array().unwrap();
            let r = rules.iter().find(|r| r["alert"] == alert).unwrap();
            let job = labels
                .iter()
                .find(|(k, _)| *k == "job_name")
                .map(|(_, v)| *v);
            let mut annotations = serde_json::Map::new();
            for (k, v) in r["annotations"].as_object().unwrap() {
                let mut text = v.as_str().unwrap().to_owned();
                if let Ok(secs) = value.parse::<i64>() {
                    text =
                        text.replace("{{ $value | humanizeDuration }}", &humanize_duration(secs));
                }
                text = text.replace("{{ $value }}", value);
                if let Some(j) = job {
                    text = text.replace("{{ $labels.job_name }}", j);
                }
                assert!(
                    !text.contains("{{"),
                    "{alert}: unexpanded template in {text}"
                );
                annotations.insert(k.clone(), Value::String(text));
            }
            let labels: serde_json::Map<String, Value> = labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
                .collect();
            serde_json::json!([{"exp_labels": labels, "exp_annotations": annotations}])
        }
    };
    let input: Vec<Value> = series
        .iter()
        .map(|(s, v)| serde_json::json!({"series": s, "values": v}))
        .collect();
    serde_json::json!({
        "interval": "1m",
        "input_series": input,
        "alert_rule_test": [{"eval_time": format!("{at}s"), "alertname": alert, "exp_alerts": exp}],
    })
}

fn run_promtool(bin: &Path, dir: &Path, args: &[&str]) {
    let out = std::process::Command::new(bin)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "promtool {args:?}:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn alerts_follow_a_prefix_and_a_namespace_as_promtool_judges() {
    let t = alerts_tree("alerts-follow");
    let objs = t.objects("staging", &[]);
    // The objects the alerts watch, under their final names.
    find(&objs, "Deployment", "staging-woodgrove");
    find(&objs, "CronJob", "staging-woodgrove-token-renewer");
    find(&objs, "PodMonitor", "staging-woodgrove");
    let rule = find(&objs, "PrometheusRule", "staging-woodgrove").clone();
    assert_eq!(rule["metadata"]["namespace"], "staging");
    assert_eq!(
        rule["metadata"]["annotations"]["shgw.dev/alert-scope"],
        "staging/staging-woodgrove"
    );
    let group = &rule["spec"]["groups"][0];
    assert_eq!(group["name"], "shgw.staging.staging-woodgrove");
    let spec = rule["spec"].to_string();
    assert!(!spec.contains("apim-gateway"), "{spec}");
    assert!(!spec.contains("\\\"woodgrove"), "{spec}");
    let renewal_failed = group["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["alert"] == "ShgwTokenRenewalFailed")
        .unwrap();
    assert_eq!(
        renewal_failed["labels"]["cronjob"],
        "staging-woodgrove-token-renewer"
    );
    // Every alert of the base is there, in the same order, with the same thresholds.
    let base = t.objects("base", &[]);
    let base_rule = find(&base, "PrometheusRule", "woodgrove");
    let alerts = |r: &Value| -> Vec<(String, String)> {
        r["spec"]["groups"][0]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["alert"].to_string(), a["for"].to_string()))
            .collect()
    };
    assert_eq!(alerts(&rule), alerts(base_rule));

    let Some(bin) = shgw_testkit::tool("promtool") else {
        return;
    };
    let dir = t.path("promtool");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("rules.json"), rule["spec"].to_string()).unwrap();
    run_promtool(&bin, &dir, &["check", "rules", "rules.json"]);

    let ksm = |metric: &str, labels: &str| {
        format!("{metric}{{{labels},job=\"kube-state-metrics\",instance=\"10.0.0.7:8080\"}}")
    };
    let deploy = "namespace=\"staging\",deployment=\"staging-woodgrove\"";
    let old_deploy = "namespace=\"apim-gateway\",deployment=\"woodgrove\"";
    let degraded = |labels: &str| {
        vec![
            (
                ksm("kube_deployment_spec_replicas", labels),
                "3x30".to_owned(),
            ),
            (
                ksm("kube_deployment_status_replicas_available", labels),
                "3x4 2x25".to_owned(),
            ),
        ]
    };
    let (ns, dep) = (
        ("namespace", "staging"),
        ("deployment", "staging-woodgrove"),
    );
    let cj = "staging-woodgrove-token-renewer";
    let stale = 2 * 86_400;
    let minutes = (stale + 120) / 60;
    let created =
        |labels: &str| vec![(ksm("kube_cronjob_created", labels), format!("0x{minutes}"))];
    let job = |n: &str| format!("namespace=\"staging\",job_name=\"{cj}-{n}\"");
    let failed_run = vec![
        (
            ksm("kube_job_status_failed", &job("29000000")),
            "1x40".to_owned(),
        ),
        (
            ksm("kube_job_status_succeeded", &job("29000000")),
            "0x40".to_owned(),
        ),
        (
            ksm("kube_job_status_start_time", &job("29000000")),
            "60x40".to_owned(),
        ),
    ];
    let job_name = format!("{cj}-29000000");
    let up = |labels: &str| vec![(format!("up{{{labels},pod=\"p-1\"}}"), "0x20".to_owned())];
    let tests = vec![
        // The final names fire; the names the base rendered are not watched any more.
        promtool_case(
            &rule,
            &degraded(deploy),
            16 * 60,
            "ShgwGatewayReplicasUnavailable",
            Some((&[("severity", "warning"), ns, dep], "2")),
        ),
        promtool_case(
            &rule,
            &degraded(old_deploy),
            16 * 60,
            "ShgwGatewayReplicasUnavailable",
            None,
        ),
        promtool_case(
            &rule,
            &[
                (
                    ksm("kube_deployment_spec_replicas", deploy),
                    "3x20".to_owned(),
                ),
                (
                    ksm("kube_deployment_status_replicas_available", deploy),
                    "3x4 0x15".to_owned(),
                ),
            ],
            11 * 60,
            "ShgwGatewayDown",
            Some((&[("severity", "critical"), ns, dep], "0")),
        ),
        promtool_case(
            &rule,
            &created(&format!("namespace=\"staging\",cronjob=\"{cj}\"")),
            stale + 60,
            "ShgwTokenRenewalStale",
            Some((
                &[("severity", "critical"), ns, ("cronjob", cj)],
                &(stale + 60).to_string(),
            )),
        ),
        promtool_case(
            &rule,
            &created("namespace=\"apim-gateway\",cronjob=\"woodgrove-token-renewer\""),
            stale + 60,
            "ShgwTokenRenewalStale",
            None,
        ),
        promtool_case(
            &rule,
            &failed_run,
            16 * 60,
            "ShgwTokenRenewalFailed",
            Some((
                &[
                    ("severity", "warning"),
                    ns,
                    ("job_name", &job_name),
                    ("cronjob", cj),
                ],
                "1",
            )),
        ),
        promtool_case(
            &rule,
            &up("namespace=\"staging\",job=\"staging/staging-woodgrove\""),
            16 * 60,
            "ShgwGatewayMetricsNotScraped",
            Some((
                &[
                    ("severity", "warning"),
                    ns,
                    ("job", "staging/staging-woodgrove"),
                ],
                "0",
            )),
        ),
        // Scraped under the final job name: silent.
        promtool_case(
            &rule,
            &[(
                "up{namespace=\"staging\",job=\"staging/staging-woodgrove\",pod=\"p-1\"}"
                    .to_owned(),
                "1x20".to_owned(),
            )],
            16 * 60,
            "ShgwGatewayMetricsNotScraped",
            None,
        ),
    ];
    let file = serde_json::json!({
        "rule_files": ["rules.json"],
        "evaluation_interval": "1m",
        "tests": tests,
    });
    std::fs::write(dir.join("tests.json"), file.to_string()).unwrap();
    run_promtool(&bin, &dir, &["test", "rules", "tests.json"]);
}

#[test]
fn alerts_that_cannot_follow_are_refused_saying_why() {
    let t = alerts_tree("alerts-refused");
    // A layer wrote an expression with the names the base rendered.
    t.write(
        "own-expr/kustomization.yaml",
        "resources: [../base]\nnamePrefix: staging-\npatches:\n- target: {kind: PrometheusRule, name: woodgrove}\n  patch: |-\n    - op: replace\n      path: /spec/groups/0/rules/3/expr\n      value: 'kube_deployment_status_replicas_available{namespace=\"apim-gateway\", deployment=\"woodgrove\"} == 0'\n",
    );
    let err = t.refused("own-expr", &[]);
    assert!(
        err.contains("PrometheusRule staging-woodgrove")
            && err.contains("spec.groups[0].rules[3].expr selects \"woodgrove\""),
        "{err}"
    );
    // The same layer with the final names builds, the expression as it wrote it.
    t.write(
        "own-expr-final/kustomization.yaml",
        "resources: [../base]\nnamePrefix: staging-\npatches:\n- target: {kind: PrometheusRule, name: woodgrove}\n  patch: |-\n    - op: replace\n      path: /spec/groups/0/rules/3/expr\n      value: 'kube_deployment_status_replicas_available{namespace=\"apim-gateway\", deployment=\"staging-woodgrove\"} == 0'\n",
    );
    let objs = t.objects("own-expr-final", &[]);
    let rule = find(&objs, "PrometheusRule", "staging-woodgrove");
    let rules = &rule["spec"]["groups"][0]["rules"];
    assert!(
        rules[3]["expr"]
            .as_str()
            .unwrap()
            .contains("\"staging-woodgrove\"")
    );
    assert!(
        rules[2]["expr"]
            .as_str()
            .unwrap()
            .contains("\"staging-woodgrove\"")
    );
    // The renewer moved to a namespace of its own: one rule cannot select both.
    t.write(
        "split/kustomization.yaml",
        "resources: [../staging]\npatches:\n- target: {kind: CronJob}\n  patch: |-\n    - op: replace\n      path: /metadata/namespace\n      value: jobs\n",
    );
    let err = t.refused("split", &[]);
    assert!(
        err.contains("CronJob jobs/staging-woodgrove-token-renewer")
            && err.contains("different namespaces"),
        "{err}"
    );
    // The rendered objects listed as plain files: no Gateway to make the rule again from.
    let rendered = t.build("base", &[]);
    assert!(rendered.status.success(), "{}", text(&rendered.stderr));
    t.write("plain/kustomization.yaml", "resources: [all.yaml]\n")
        .write("plain/all.yaml", &text(&rendered.stdout))
        .write(
            "plain-staging/kustomization.yaml",
            "resources: [../plain]\nnamespace: staging\n",
        );
    let err = t.refused("plain-staging", &[]);
    assert!(
        err.contains("PrometheusRule woodgrove") && err.contains("not rendered from a Gateway"),
        "{err}"
    );
}

#[test]
fn patch_transformer_configs_are_checked_like_patches() {
    let t = base("transformer-patches");
    // A PatchTransformer that changes the spec: rendered, as a `patches:` entry is.
    t.write(
        "spec/kustomization.yaml",
        "resources: [../base]\ntransformers: [scale.yaml]\n",
    )
    .write(
        "spec/scale.yaml",
        "apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: scale}\ntarget: {kind: Gateway, name: contoso-west}\npatch: |-\n  - op: add\n    path: /spec/replicas\n    value: 4\n",
    );
    let objs = t.objects("spec", &[]);
    assert_eq!(
        find(&objs, "Deployment", "contoso-west")["spec"]["replicas"],
        4
    );
    // One that changes the Gateway's metadata would do nothing: refused, naming the config.
    t.write(
        "meta/kustomization.yaml",
        "resources: [../base]\ntransformers:\n- |-\n  apiVersion: builtin\n  kind: PatchTransformer\n  metadata: {name: team-label}\n  target: {kind: Gateway}\n  patch: |-\n    - op: add\n      path: /metadata/labels\n      value: {team: edge}\n",
    );
    let e = t.refused("meta", &[]);
    assert!(
        e.contains(
            "meta/kustomization.yaml: transformers[0] inline config PatchTransformer team-label"
        ) && e.contains("changes metadata of Gateway contoso-west"),
        "{e}"
    );
    // So does a strategic merge patch config.
    t.write(
        "smp/kustomization.yaml",
        "resources: [../base]\ntransformers: [smp.yaml]\n",
    )
    .write(
        "smp/smp.yaml",
        "apiVersion: builtin\nkind: PatchStrategicMergeTransformer\nmetadata: {name: annotate}\npatches: |-\n  apiVersion: shgw.dev/v1alpha1\n  kind: Gateway\n  metadata:\n    name: contoso-west\n    annotations: {owner: edge}\n",
    );
    let e = t.refused("smp", &[]);
    assert!(
        e.contains("smp/kustomization.yaml: transformers[0] 'smp.yaml' PatchStrategicMergeTransformer annotate")
            && e.contains("metadata"),
        "{e}"
    );
    // A target naming kind Gateway that selects none (a misspelt name), in either config kind.
    t.write(
        "typo/kustomization.yaml",
        "resources: [../base]\ntransformers: [typo.yaml]\n",
    )
    .write(
        "typo/typo.yaml",
        "apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: scale}\ntarget: {kind: Gateway, name: contoso-wset}\npatch: |-\n  - op: add\n    path: /spec/replicas\n    value: 4\n",
    );
    let e = t.refused("typo", &[]);
    assert!(
        e.contains("typo/kustomization.yaml at transformers[0] 'typo.yaml'")
            && e.contains("selects no Gateway"),
        "{e}"
    );
    t.write(
        "typo6902/kustomization.yaml",
        "resources: [../base]\ntransformers: [typo.yaml]\n",
    )
    .write(
        "typo6902/typo.yaml",
        "apiVersion: builtin\nkind: PatchJson6902Transformer\nmetadata: {name: scale}\ntarget: {kind: Gateway, name: contoso-wset}\njsonOp: '[{\"op\": \"add\", \"path\": \"/spec/replicas\", \"value\": 4}]'\n",
    );
    let e = t.refused("typo6902", &[]);
    assert!(
        e.contains("typo6902/kustomization.yaml at transformers[0] 'typo.yaml'")
            && e.contains("selects no Gateway"),
        "{e}"
    );
    // A patched spec that no longer renders names the Gateway's problem and the config.
    t.write(
        "bad/kustomization.yaml",
        "resources: [../base]\ntransformers: [bad.yaml]\n",
    )
    .write(
        "bad/bad.yaml",
        "apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: scale}\ntarget: {kind: Gateway}\npatch: |-\n  - op: add\n    path: /spec/replicas\n    value: many\n",
    );
    let e = t.refused("bad", &[]);
    assert!(
        e.contains("spec.replicas")
            && e.contains(
                "bad/kustomization.yaml: transformers[0] 'bad.yaml' PatchTransformer scale"
            ),
        "{e}"
    );
}
