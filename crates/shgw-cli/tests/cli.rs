//! The `shgw` binary as a user runs it: exit codes, stdout only on success, warnings and errors
//! on stderr, tokens never echoed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use shgw_testkit::{text, workspace};
use std::path::PathBuf;
use std::process::{Command, Output};

const TOKEN: &str = "GatewayKey contoso-west&209912312359&U2VjcmV0U2lnbmF0dXJlVmFsdWU0Mg==";
const SIGNATURE: &str = "U2VjcmV0U2lnbmF0dXJlVmFsdWU0Mg==";

fn shgw(args: &[&str]) -> Output {
    shgw_stdin(args, None)
}

fn shgw_stdin(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shgw"));
    cmd.args(args).current_dir(workspace());
    shgw_testkit::run_with_stdin(&mut cmd, stdin)
}

fn scratch(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shgw-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn render_without_arguments_prints_the_example() {
    let out = shgw(&["render"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    assert!(yaml.contains("kind: Deployment"));
    assert!(yaml.contains("name: contoso-west-live-traffic"));
    assert!(yaml.contains("namespace: apim-gateway"));
    assert!(
        !yaml.contains("kind: Secret"),
        "no token given, so no Secret"
    );
}

#[test]
fn invalid_file_exits_1_with_nothing_on_stdout() {
    let out = shgw(&[
        "render",
        "-f",
        "crates/shgw/tests/invalid/many-problems.yaml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains("crates/shgw/tests/invalid/many-problems.yaml"),
        "{err}"
    );
    assert!(err.contains("spec.resources.requests.memory"), "{err}");
    assert!(err.contains("metadata.name"), "{err}");
    assert!(
        !err.contains("hunter2"),
        "a secret-looking setting value must not be echoed"
    );
}

#[test]
fn missing_file_and_bad_usage() {
    let out = shgw(&["render", "-f", "no/such/file.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("no/such/file.yaml"));

    let out = shgw(&["render", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());

    let out = shgw(&["render", "--profile", "staging"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("dev, production"));

    let out = shgw(&["render", "--set", "spec.replicas"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn set_overrides_and_policy() {
    let out = shgw(&["render", "--set", "spec.replicas=5"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("replicas: 5"));

    let out = shgw(&["render", "--set", "spec.replicas=1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("spec.replicas"));

    let out = shgw(&[
        "render",
        "--profile",
        "dev",
        "--set",
        "spec.image.tag=latest",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("warning"),
        "dev warns on a moving tag"
    );

    let out = shgw(&["render", "--set", "spec.image.tag=v2"]);
    assert_eq!(out.status.code(), Some(1), "production refuses v2");
}

#[test]
fn json_output_is_a_list() {
    let out = shgw(&["render", "-o", "json", "-f", "examples/fleet.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "List");
    let deployments = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "Deployment")
        .count();
    assert_eq!(deployments, 3);
}

#[test]
fn stdin_and_user_profile_file() {
    let gw = std::fs::read_to_string(workspace().join("examples/minimal.yaml")).unwrap();
    let out = shgw_stdin(
        &[
            "render",
            "-f",
            "-",
            "--profile",
            "crates/shgw/profiles/dev.yaml",
        ],
        Some(&gw),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("namespace: apim-gateway-dev"));
}

#[test]
fn token_goes_only_into_the_secret() {
    let token_file = scratch("token.txt", &format!("{TOKEN}\n"));
    let out = shgw(&["render", "--token-file", token_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    assert!(yaml.contains("kind: Secret"));
    assert!(
        !yaml.contains(SIGNATURE),
        "the token is stored base64-encoded"
    );
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(TOKEN);
    assert!(yaml.contains(&format!("value: {encoded}")));
    assert!(!text(&out.stderr).contains(SIGNATURE));

    // Through the environment, with a file that fails: the token is still not echoed.
    let out = Command::new(env!("CARGO_BIN_EXE_shgw"))
        .args([
            "render",
            "--token-env",
            "SHGW_TEST_TOKEN",
            "-f",
            "crates/shgw/tests/invalid/many-problems.yaml",
        ])
        .current_dir(workspace())
        .env("SHGW_TEST_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(!text(&out.stderr).contains(SIGNATURE));

    let bad = scratch("bad-token.txt", "GatewayKey not-a-token-SECRETVALUE");
    let out = shgw(&["render", "--token-file", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!text(&out.stderr).contains("SECRETVALUE"));

    let expired = scratch("expired.txt", "GatewayKey contoso-west&201904210044&c2ln");
    let out = shgw(&["render", "--token-file", expired.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("expired"));
}

#[test]
fn token_inspect_never_shows_the_signature() {
    let token_file = scratch("inspect.txt", TOKEN);
    let out = shgw(&[
        "token",
        "inspect",
        "--token-file",
        token_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let s = text(&out.stdout);
    assert!(s.contains("gateway: contoso-west"));
    assert!(s.contains("expires: 2099-12-31T23:59:00Z"));
    assert!(!s.contains(SIGNATURE));
}

#[test]
fn validate_reports_without_rendering() {
    let out = shgw(&["validate", "-f", "examples/fleet.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("3 gateway(s)"));
    assert!(!s.contains("apiVersion"));

    let out = shgw(&[
        "validate",
        "-f",
        "crates/shgw/tests/invalid/auth-conflict.yaml",
        "--format",
        "json",
    ]);
    // The JSON report reaches stdout even when validation fails (exit 1); only render keeps
    // stdout empty on failure.
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], false);
    let auth = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "spec.auth")
        .unwrap();
    // At the value that is wrong: the mapping under `auth:`.
    assert_eq!(
        (auth["line"].as_u64(), auth["column"].as_u64()),
        (Some(10), Some(5))
    );

    // Text places each problem at its line and column.
    let out = shgw(&[
        "validate",
        "-f",
        "crates/shgw/tests/invalid/auth-conflict.yaml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("auth-conflict.yaml:10:5: error: Gateway gw: spec.auth:"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn render_and_validate_run_the_review_rules() {
    // The library reviews what it renders; the CLI shows the findings at their Gateway field.
    let out = shgw(&["render"]);
    assert!(
        text(&out.stderr).contains(
            "warning: Gateway contoso-west: spec.auth.token.renewal: SHGW063: token from Secret"
        ),
        "{}",
        text(&out.stderr)
    );
    let out = shgw(&["validate", "-f", "examples/renewal.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(!s.contains("SHGW063"), "the renewer renews the token: {s}");
    let out = shgw(&["validate", "-f", "examples/minimal.yaml"]);
    let s = text(&out.stdout);
    // Each problem once: the rule's finding, at the Gateway field it comes from.
    assert_eq!(s.matches("SHGW063").count(), 1, "{s}");
    assert!(
        s.contains("warning: Gateway contoso-west: spec.auth.token.renewal: SHGW063:"),
        "{s}"
    );
}

#[test]
fn schema_profiles_and_help() {
    let out = shgw(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["title"], "Gateway");

    let out = shgw(&["profiles"]);
    let s = text(&out.stdout);
    assert!(s.contains("dev") && s.contains("production (default)"));

    for cmd in [
        vec!["render"],
        vec!["validate"],
        vec!["schema"],
        vec!["profiles"],
        vec!["token", "inspect"],
    ] {
        let mut args = cmd.clone();
        args.push("--help");
        let out = shgw(&args);
        assert_eq!(out.status.code(), Some(0));
        assert!(
            text(&out.stdout).contains("Example"),
            "{cmd:?} --help has no example"
        );
    }
}

#[test]
fn set_cannot_override_a_managed_setting() {
    for key in [
        "runtime\\.deployment\\.mechanism",
        "config\\.service\\.endpoint",
        "telemetry\\.metrics\\.local",
    ] {
        let set = format!("spec.settings.{key}=Helm");
        let out = shgw(&["render", "--set", &set]);
        assert_eq!(out.status.code(), Some(1), "{key}");
        assert!(out.stdout.is_empty());
        assert!(
            text(&out.stderr).contains("written by shgw"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn render_without_a_token_prints_the_secret_command_on_stderr() {
    let out = shgw(&["render"]);
    assert_eq!(out.status.code(), Some(0));
    let err = text(&out.stderr);
    assert!(err.contains("kubectl create secret generic contoso-west-token --namespace apim-gateway --type=Opaque --from-literal=value='GatewayKey ...'"), "{err}");
    assert!(!text(&out.stdout).contains("kubectl create"));
}

#[test]
fn an_expiring_token_fails_production_unless_allowed() {
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48);
    let stamp = soon.strftime("%Y%m%d%H%M").to_string();
    let token = scratch(
        "soon.txt",
        &format!("GatewayKey contoso-west&{stamp}&{SIGNATURE}"),
    );
    let file = token.to_str().unwrap();
    let out = shgw(&["render", "--token-file", file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("--allow-expiring-token"));
    let out = shgw(&["render", "--token-file", file, "--allow-expiring-token"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = shgw(&["render", "--token-file", file, "--profile", "dev"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("warning"));
    let out = shgw(&[
        "render",
        "--token-file",
        file,
        "--profile",
        "dev",
        "--min-token-days",
        "1",
    ]);
    assert!(
        !text(&out.stderr).contains("days from now"),
        "{}",
        text(&out.stderr)
    );
    assert!(!text(&out.stderr).contains(SIGNATURE));
}

#[test]
fn local_logs_that_cannot_arrive_are_refused_or_warned() {
    let gateway = |local: &str| {
        format!(
            "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {{name: gw, namespace: apim}}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {{storageClassName: azurefile-csi}}\n  telemetry: {{logs: {{local: {local}}}}}\n"
        )
    };
    // A node socket: refused, with the reason and the field, nothing on stdout.
    let out = shgw_stdin(
        &["render", "-f", "-"],
        Some(&gateway(
            "{type: localsyslog, endpoint: /dev/log, facility: 7}",
        )),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains("spec.telemetry.logs.local.type"), "{err}");
    assert!(err.contains("hostPath"), "{err}");
    // JSON to a loopback port nothing listens on: rendered, with a warning.
    let out = shgw_stdin(
        &["render", "-f", "-"],
        Some(&gateway("{type: json, endpoint: \"127.0.0.1:8888\"}")),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("kind: Deployment"));
    let err = text(&out.stderr);
    assert!(
        err.contains("warning") && err.contains("spec.telemetry.logs.local.endpoint"),
        "{err}"
    );
    assert!(err.contains("dropped"), "{err}");
}

#[test]
fn alerts_render_a_prometheus_rule() {
    let out = shgw(&["render", "-f", "examples/alerts.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    assert!(yaml.contains("kind: PrometheusRule"), "{yaml}");
    assert!(yaml.contains("- alert: ShgwTokenRenewalStale"), "{yaml}");
    assert!(
        yaml.contains("- alert: ShgwGatewayReplicasUnavailable"),
        "{yaml}"
    );
}

#[test]
fn kube_version_leaves_out_or_refuses_and_is_the_default_when_new_enough() {
    let default = shgw(&["render", "-f", "examples/fleet.yaml"]);
    assert_eq!(default.status.code(), Some(0), "{}", text(&default.stderr));
    // New enough for everything: the default output, byte for byte, and no new warning.
    for v in ["1.31", "v1.37.1", "1.33+"] {
        let out = shgw(&["render", "-f", "examples/fleet.yaml", "--kube-version", v]);
        assert_eq!(out.status.code(), Some(0), "{v}: {}", text(&out.stderr));
        assert_eq!(out.stdout, default.stdout, "{v}");
        assert_eq!(out.stderr, default.stderr, "{v}");
    }
    // 1.26: the two fields are left out, each with a warning on stderr.
    let out = shgw(&[
        "render",
        "-f",
        "examples/fleet.yaml",
        "--kube-version",
        "1.26",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (yaml, err) = (text(&out.stdout), text(&out.stderr));
    assert!(!yaml.contains("unhealthyPodEvictionPolicy") && !yaml.contains("matchLabelKeys"));
    assert!(
        yaml.contains("kind: PodDisruptionBudget") && yaml.contains("topologySpreadConstraints")
    );
    assert!(
        err.contains("warning: Gateway contoso-west: PodDisruptionBudget contoso-west: spec.unhealthyPodEvictionPolicy left out for Kubernetes 1.26 (it needs 1.27)"),
        "{err}"
    );
    // build and validate take it too.
    let dir = scratch_dir("kube-version-build");
    std::fs::copy(
        workspace().join("examples/minimal.yaml"),
        dir.join("gateway.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.join("kustomization.yaml"),
        "resources:\n- gateway.yaml\n",
    )
    .unwrap();
    let out = shgw(&["build", dir.to_str().unwrap(), "--kube-version", "1.25"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("unhealthyPodEvictionPolicy"));
    assert!(text(&out.stderr).contains("left out for Kubernetes 1.25"));
    let out = shgw(&[
        "validate",
        "-f",
        "examples/minimal.yaml",
        "--kube-version",
        "1.26",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("matchLabelKeys left out"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn kube_version_refusals_print_nothing() {
    // Older than supported, or no version: a usage error.
    for (v, says) in [
        (
            "1.24",
            "older than the oldest version shgw renders for (1.25)",
        ),
        ("1.20.2", "(1.25)"),
        ("latest", "is not a Kubernetes version"),
    ] {
        for cmd in ["render", "validate"] {
            let out = shgw(&[cmd, "--kube-version", v]);
            assert_eq!(out.status.code(), Some(2), "{cmd} {v}");
            assert!(out.stdout.is_empty(), "{cmd} {v}");
            assert!(text(&out.stderr).contains(says), "{}", text(&out.stderr));
        }
    }
    // The admission policy asked for on a cluster without admissionregistration.k8s.io/v1.
    let policy = "spec.auth.token.renewal.admissionPolicy.enabled=true";
    let args = [
        "-f",
        "examples/renewal.yaml",
        "--set",
        policy,
        "--kube-version",
        "1.29",
    ];
    let out = shgw(&[&["render"][..], &args[..]].concat());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains("spec.auth.token.renewal.admissionPolicy.enabled: ValidatingAdmissionPolicy shgw-apim-gateway-fabrikam-east-token-renewer needs Kubernetes 1.30 or later, and 1.29 was asked for"),
        "{err}"
    );
    let out = shgw(&[&["validate"][..], &args[..]].concat());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("needs Kubernetes 1.30"),
        "{}",
        text(&out.stdout)
    );
    let out = shgw(&[
        "render",
        "-f",
        "examples/renewal.yaml",
        "--set",
        policy,
        "--kube-version",
        "1.30",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("kind: ValidatingAdmissionPolicy"));
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shgw-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
