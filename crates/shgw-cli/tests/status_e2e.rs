//! End to end: `shgw status` (the built binary) against a real kube-apiserver (v1.20, no
//! controllers: the test writes each object's status through the status subresource, as the
//! controllers would), before and after the Deployment, Service and claim report ready, after
//! an object is deleted, with a stale renewer, while waiting, as a user holding only the
//! documented Role (examples/rbac/status-role.yaml), as a user with no rights, with refused
//! credentials, and with no server at all.
//!
//! Needs `local-apiserver` (shared/tools/install-validators.sh with WITH_APISERVER=1) and
//! kubectl; without them it prints SKIPPED, and fails under SHGW_REQUIRE_TOOLS=1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use shgw_testkit::{text, workspace};
use std::path::PathBuf;
use std::process::{Command, Output};

const NS: &str = "apim-gateway";
const NAME: &str = "contoso-west";
/// A token for the test's Secret, so the test can prove it is never printed.
const TOKEN: &str = "GatewayKey contoso-west&209912312359&U3RhdHVzRTJFU2lnbmF0dXJlNDI=";
const SIGNATURE: &str = "U3RhdHVzRTJFU2lnbmF0dXJlNDI=";

/// The Gateway the example Role is written for: token renewal and a backup claim.
const GATEWAY: &str = "apiVersion: shgw.dev/v1alpha1
kind: Gateway
metadata:
  name: contoso-west
  namespace: apim-gateway
spec:
  endpoint: contoso.configuration.azure-api.net
  backup: {storageClassName: azurefile-csi}
  auth:
    token:
      renewal:
        subscriptionId: 3f2a6c1e-8b4d-4e7a-9c21-5d6e7f8a9b0c
        resourceGroup: rg-gateways
        serviceName: contoso-apim
        clientId: 11111111-2222-3333-4444-555555555555
        image: {repository: registry.example/platform/shgw, tag: 0.1.0}
";

struct Env {
    api: shgw_testkit::ApiServer,
    scratch: PathBuf,
    gateway: PathBuf,
    /// Every stdout and stderr of every `shgw` run, searched for the token at the end.
    outputs: Vec<String>,
}

impl Env {
    fn admin(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.api.kubectl(args, stdin);
        assert!(
            out.status.success(),
            "kubectl {args:?}: {}",
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// `shgw` with no kubeconfig of the environment (HOME is the scratch folder).
    fn shgw(&mut self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_shgw"));
        cmd.args(args)
            .env_clear()
            .env("HOME", &self.scratch)
            .current_dir(&self.scratch);
        let out = shgw_testkit::run_with_stdin(&mut cmd, stdin);
        self.outputs.push(text(&out.stdout));
        self.outputs.push(text(&out.stderr));
        out
    }

    /// `shgw status -f GATEWAY --kubeconfig ADMIN` and more flags.
    fn status(&mut self, extra: &[&str]) -> Output {
        let (gw, kc) = (
            self.gateway.display().to_string(),
            self.api.kubeconfig().display().to_string(),
        );
        let mut args = vec!["status", "-f", &gw, "--kubeconfig", &kc];
        args.extend(extra);
        self.shgw(&args, None)
    }

    /// A kubeconfig for a static token user, trusting the API server's own CA.
    fn user_kubeconfig(&self, user: &str, token: &str, port: u16) -> PathBuf {
        let path = self.scratch.join(format!("{user}.kubeconfig"));
        let ca = self.api.dir().join("certs/apiserver.crt");
        std::fs::write(
            &path,
            format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster:\n    server: https://127.0.0.1:{port}\n    certificate-authority: {}\nusers:\n- name: {user}\n  user:\n    token: {token}\ncontexts:\n- name: local\n  context: {{cluster: local, user: {user}, namespace: {NS}}}\ncurrent-context: local\n",
                ca.display()
            ),
        )
        .unwrap();
        path
    }

    fn patch_status(&self, kind: &str, name: &str, patch: &Value) {
        self.admin(
            &[
                "patch",
                kind,
                name,
                "-n",
                NS,
                "--subresource=status",
                "--type=merge",
                "-p",
                &patch.to_string(),
            ],
            None,
        );
    }

    fn annotate(&self, key: &str, value: &str) {
        self.admin(
            &[
                "annotate",
                "--overwrite",
                "secret",
                "contoso-west-token",
                "-n",
                NS,
                &format!("{key}={value}"),
            ],
            None,
        );
    }
}

/// The objects as a v1.20 server takes them (`shgw_testkit::lowered_for_v1_20`), in a `List`.
fn lowered(docs: &[Value]) -> String {
    let items: Vec<Value> = docs
        .iter()
        .cloned()
        .filter_map(shgw_testkit::lowered_for_v1_20)
        .collect();
    json!({"apiVersion": "v1", "kind": "List", "items": items}).to_string()
}

fn now_plus(hours: i64) -> String {
    (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(hours))
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn ready(env: &Env) {
    env.patch_status(
        "deployment",
        NAME,
        &json!({"status": {"observedGeneration": 1, "replicas": 3, "updatedReplicas": 3,
                           "readyReplicas": 3, "availableReplicas": 3}}),
    );
}

fn lines_with<'a>(stdout: &'a str, needle: &str) -> Vec<&'a str> {
    stdout.lines().filter(|l| l.contains(needle)).collect()
}

#[test]
fn status_against_a_real_api_server() {
    let pid = std::process::id();
    let (status_token, nobody_token) =
        (format!("status-{pid}-token"), format!("nobody-{pid}-token"));
    let tokens = format!(
        "{status_token},system:serviceaccount:{NS}:shgw-status,status-uid,\"system:serviceaccounts,system:serviceaccounts:{NS}\"\n{nobody_token},nobody,nobody-uid,\"system:authenticated\""
    );
    let Some(api) = shgw_testkit::ApiServer::start(
        "status-e2e-kas",
        &[("AUTHZ", "RBAC"), ("EXTRA_TOKENS", &tokens)],
    ) else {
        return;
    };
    let scratch = shgw_testkit::scratch("status-e2e");
    let gateway = scratch.join("gateway.yaml");
    std::fs::write(&gateway, GATEWAY).unwrap();
    let mut env = Env {
        api,
        scratch,
        gateway,
        outputs: Vec::new(),
    };

    // The rendered objects, created as `kubectl apply` would (lowered for v1.20).
    let out = env.shgw(&["render", "-f", "gateway.yaml", "-o", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let rendered = text(&out.stdout);
    let list: Value = serde_json::from_str(&rendered).unwrap();
    let docs = list["items"].as_array().unwrap().clone();
    assert_eq!(docs.len(), 13);
    env.admin(&["create", "namespace", NS], None);
    env.admin(&["apply", "-f", "-"], Some(&lowered(&docs)));
    // The token, put there by hand: it must never be printed.
    env.admin(
        &[
            "patch",
            "secret",
            "contoso-west-token",
            "-n",
            NS,
            "-p",
            &json!({"stringData": {"value": TOKEN}}).to_string(),
        ],
        None,
    );

    // 1. Fresh objects: no replica available, no address, claim Pending: exit 1.
    let out = env.status(&[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.starts_with("Gateway apim-gateway/contoso-west: NOT HEALTHY (3 problems)\n"),
        "{stdout}"
    );
    for line in [
        "  unhealthy  Deployment contoso-west: 0/3 available; the controller has not yet seen generation 1\n",
        "  unhealthy  Service contoso-west-live-traffic: LoadBalancer: external address pending\n",
        "  unhealthy  PersistentVolumeClaim contoso-west-config-backup: Pending: no volume bound yet",
        "  ok         Service contoso-west-instance-discovery: headless\n",
        "  warning    Secret contoso-west-token: token expiry unknown: no shgw.dev/token-expiry annotation",
        "  warning    CronJob contoso-west-token-renewer: no successful run yet (created ",
        "  ok         PodDisruptionBudget contoso-west: present\n",
    ] {
        assert!(stdout.contains(line), "{line}\n{stdout}");
    }
    assert_eq!(stdout.lines().count(), 14, "{stdout}");
    assert!(text(&out.stderr).contains("error: not healthy: 3 problems"));
    let out = env.status(&["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["healthy"], false);
    let deploy = &report["gateways"][0]["objects"][8];
    assert_eq!(deploy["kind"], "Deployment");
    assert_eq!(deploy["workload"]["available"], 0);
    assert_eq!(deploy["workload"]["desired"], 3);
    assert_eq!(
        report["gateways"][0]["objects"][6]["service"]["pending"],
        true
    );
    assert_eq!(
        report["gateways"][0]["objects"][7]["claim"]["phase"],
        "Pending"
    );

    // 2. Status written through the status subresource, the renewer's stamps set: exit 0.
    ready(&env);
    env.patch_status(
        "service",
        "contoso-west-live-traffic",
        &json!({"status": {"loadBalancer": {"ingress": [{"ip": "20.50.60.70"}]}}}),
    );
    env.patch_status(
        "pvc",
        "contoso-west-config-backup",
        &json!({"status": {"phase": "Bound", "capacity": {"storage": "50Mi"}}}),
    );
    let expiry = now_plus(20 * 24);
    env.annotate("shgw.dev/token-expiry", &expiry);
    env.annotate("shgw.dev/renewer-last-success", &now_plus(0));
    let out = env.status(&[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.starts_with("Gateway apim-gateway/contoso-west: healthy\n"),
        "{stdout}"
    );
    assert_eq!(lines_with(&stdout, "  ok  ").len(), 13, "{stdout}");
    for line in [
        "  ok         Deployment contoso-west: 3/3 available; rollout complete\n".to_owned(),
        "  ok         Service contoso-west-live-traffic: LoadBalancer at 20.50.60.70\n".to_owned(),
        "  ok         PersistentVolumeClaim contoso-west-config-backup: Bound\n".to_owned(),
        format!(
            "  ok         Secret contoso-west-token: the token expires at {expiry} (20.0 days left)\n"
        ),
        "  ok         CronJob contoso-west-token-renewer: last success ".to_owned(),
    ] {
        assert!(stdout.contains(&line), "{line}\n{stdout}");
    }
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    // The manifests on stdin (as `shgw build` prints them, newest API versions: the server's
    // served versions are found) give the same verdict, grouped by the gateway's Deployment.
    let kc = env.api.kubeconfig().display().to_string();
    let out = env.shgw(&["status", "-f", "-", "--kubeconfig", &kc], Some(&rendered));
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.starts_with("Deployment apim-gateway/contoso-west: healthy\n"),
        "{stdout}"
    );
    assert_eq!(lines_with(&stdout, "  ok  ").len(), 13, "{stdout}");

    // 3. As the ServiceAccount bound to the documented Role: the same verdict on every object.
    let role = std::fs::read_to_string(workspace().join("examples/rbac/status-role.yaml")).unwrap();
    env.admin(&["apply", "-f", "-"], Some(&role));
    let port = env.api.port();
    let reader = env.user_kubeconfig("shgw-status", &status_token, port);
    let reader_path = reader.display().to_string();
    let verdicts = |out: &Output| -> Vec<(String, String, String)> {
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["gateways"][0]["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["kind"].as_str().unwrap().to_owned(),
                    o["name"].as_str().unwrap().to_owned(),
                    o["state"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let admin_view = env.status(&["--format", "json"]);
    let gw = env.gateway.display().to_string();
    let out = env.shgw(
        &[
            "status",
            "-f",
            &gw,
            "--kubeconfig",
            &reader_path,
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(verdicts(&out), verdicts(&admin_view));
    assert_eq!(verdicts(&out).len(), 13);
    // The Role grants no more than that: not another Secret, not a list of Secrets.
    for args in [
        vec!["get", "secrets", "-n", NS],
        vec!["get", "configmap", "other", "-n", NS],
        vec!["get", "deployments", "-n", NS],
    ] {
        let mut cmd = Command::new(env.api.kubectl_path());
        cmd.arg("--kubeconfig").arg(&reader).args(&args);
        let out = shgw_testkit::run_with_stdin(&mut cmd, None);
        assert!(!out.status.success(), "{args:?} must be forbidden");
        assert!(
            text(&out.stderr).contains("forbidden"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    // A user the server knows but who may read nothing: exit 1 (findings), not 3.
    let nobody = env.user_kubeconfig("nobody", &nobody_token, port);
    let nobody = nobody.display().to_string();
    let out = env.shgw(&["status", "-f", &gw, "--kubeconfig", &nobody], None);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert_eq!(lines_with(&stdout, "  unknown    ").len(), 13, "{stdout}");
    assert!(
        stdout.contains("cannot read it (forbidden: grant get on it)"),
        "{stdout}"
    );
    // Credentials the server refuses (401): the cluster is not reachable as that user.
    let stranger = env.user_kubeconfig("stranger", "not-a-known-token", port);
    let stranger = stranger.display().to_string();
    let out = env.shgw(&["status", "-f", &gw, "--kubeconfig", &stranger], None);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("refused the credentials (HTTP 401"),
        "{}",
        text(&out.stderr)
    );

    // 4. A renewer that has not succeeded for longer than twice its longest gap (a day).
    env.annotate("shgw.dev/renewer-last-success", &now_plus(-49));
    let out = env.status(&[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(lines_with(&stdout, "  unhealthy  ").len(), 1, "{stdout}");
    assert!(
        stdout.contains("  unhealthy  CronJob contoso-west-token-renewer: last success "),
        "{stdout}"
    );
    assert!(
        stdout.contains("more than twice the longest gap between its runs (runs at most 1d apart)"),
        "{stdout}"
    );
    env.annotate("shgw.dev/renewer-last-success", &now_plus(0));

    // 5. An object deleted: exit 1 naming it.
    env.admin(&["delete", "networkpolicy", NAME, "-n", NS], None);
    let out = env.status(&[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("Gateway apim-gateway/contoso-west: NOT HEALTHY (1 problem)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  missing    NetworkPolicy contoso-west: not found\n"),
        "{stdout}"
    );
    env.admin(&["apply", "-f", "-"], Some(&lowered(&docs)));

    // 6. A Warning event explains an unavailable Deployment (escaped in text).
    env.patch_status(
        "deployment",
        NAME,
        &json!({"status": {"availableReplicas": 1, "readyReplicas": 1}}),
    );
    let event = json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "contoso-west-7d9f8c6b5.quota", "namespace": NS},
        "involvedObject": {"kind": "ReplicaSet", "name": "contoso-west-7d9f8c6b5", "namespace": NS, "apiVersion": "apps/v1"},
        "type": "Warning", "reason": "FailedCreate", "count": 4,
        "message": "pods \"contoso-west-7d9f8c6b5-\" is forbidden: exceeded quota: compute\u{1b}[2J",
        "firstTimestamp": now_plus(0), "lastTimestamp": now_plus(0),
        "source": {"component": "replicaset-controller"}
    });
    env.admin(&["create", "-f", "-"], Some(&event.to_string()));
    let out = env.status(&[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("  unhealthy  Deployment contoso-west: 1/3 available; rollout in progress: 1 of 3 updated replicas available\n"), "{stdout}");
    assert!(
        stdout.contains("             ReplicaSet contoso-west-7d9f8c6b5 FailedCreate x4 at ")
            && stdout.contains(": pods \"contoso-west-7d9f8c6b5-\" is forbidden: exceeded quota: compute\\u{1b}[2J\n"),
        "{stdout}"
    );
    assert!(!stdout.contains('\u{1b}'));

    // 7. --wait: healthy once the status is written during the wait (from another thread).
    let kubectl = env.api.kubectl_path().to_owned();
    let admin_kc = env.api.kubeconfig();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(3));
        let patch = json!({"status": {"observedGeneration": 1, "replicas": 3, "updatedReplicas": 3,
                                      "readyReplicas": 3, "availableReplicas": 3}});
        Command::new(kubectl)
            .arg("--kubeconfig")
            .arg(admin_kc)
            .args([
                "patch",
                "deployment",
                NAME,
                "-n",
                NS,
                "--subresource=status",
                "--type=merge",
                "-p",
            ])
            .arg(patch.to_string())
            .output()
            .unwrap()
    });
    let out = env.status(&["--wait", "2m"]);
    let patched = writer.join().unwrap();
    assert!(patched.status.success(), "{}", text(&patched.stderr));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.starts_with("Gateway apim-gateway/contoso-west: healthy\n"),
        "{stdout}"
    );
    assert!(
        stderr.starts_with("waiting: Deployment contoso-west: 1/3 available; rollout in progress"),
        "{stderr}"
    );
    // ... and one that ends unhealthy when its time is up.
    env.patch_status(
        "deployment",
        NAME,
        &json!({"status": {"availableReplicas": 2, "readyReplicas": 2}}),
    );
    let out = env.status(&["--wait", "3s"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("  unhealthy  Deployment contoso-west: 2/3 available"),
        "{stdout}"
    );
    assert!(
        stderr.contains("waiting: Deployment contoso-west: 2/3 available"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: not healthy: 1 problem when the wait ended"),
        "{stderr}"
    );
    ready(&env);
    let out = env.status(&["--wait"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // 8. No server behind the address: exit 3, nothing on stdout.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let gone = env.user_kubeconfig("gone", &status_token, closed);
    let gone = gone.display().to_string();
    let out = env.shgw(&["status", "-f", &gw, "--kubeconfig", &gone], None);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("cannot reach the cluster through --kubeconfig"),
        "{stderr}"
    );
    assert!(stderr.contains("Connection refused"), "{stderr}");
    // --context picks the reachable cluster of a kubeconfig whose current context is not.
    let two = env.scratch.join("two.kubeconfig");
    std::fs::write(
        &two,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster: {{server: \"https://127.0.0.1:{closed}\"}}\n- name: local\n  cluster: {{server: \"https://127.0.0.1:{port}\", certificate-authority: {}}}\nusers:\n- name: reader\n  user: {{token: {status_token}}}\ncontexts:\n- name: gone\n  context: {{cluster: gone, user: reader}}\n- name: local\n  context: {{cluster: local, user: reader}}\ncurrent-context: gone\n",
            env.api.dir().join("certs/apiserver.crt").display()
        ),
    )
    .unwrap();
    let two = two.display().to_string();
    let out = env.shgw(&["status", "-f", &gw, "--kubeconfig", &two], None);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let out = env.shgw(
        &[
            "status",
            "-f",
            &gw,
            "--kubeconfig",
            &two,
            "--context",
            "local",
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    // A server whose certificate is not trusted (no CA given), and a name that does not
    // resolve: both exit 3, naming the cause.
    for (server, cause) in [
        (
            format!("https://127.0.0.1:{port}"),
            "invalid peer certificate",
        ),
        ("https://no-such-host.invalid:6443".to_owned(), "dns error"),
    ] {
        let path = env.scratch.join("elsewhere.kubeconfig");
        std::fs::write(
            &path,
            format!("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {{server: \"{server}\"}}\nusers:\n- name: u\n  user: {{token: {status_token}}}\ncontexts:\n- name: c\n  context: {{cluster: c, user: u}}\ncurrent-context: c\n"),
        )
        .unwrap();
        let path = path.display().to_string();
        let out = env.shgw(&["status", "-f", &gw, "--kubeconfig", &path], None);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{server}: {stderr}");
        assert!(out.stdout.is_empty());
        assert!(stderr.to_lowercase().contains(cause), "{server}: {stderr}");
    }
    let out = env.shgw(
        &[
            "status",
            "-f",
            &gw,
            "--kubeconfig",
            &kc,
            "--context",
            "nope",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("cannot reach the cluster: Kubernetes configuration"));

    // 9. Never the token, in any output.
    for o in &env.outputs {
        assert!(
            !o.contains(SIGNATURE) && !o.contains(TOKEN),
            "token in output: {o}"
        );
    }
}

/// What is decided before any cluster is asked: usage (2), input (1), no configuration (3).
#[test]
fn usage_input_and_configuration_errors_need_no_cluster() {
    let scratch = shgw_testkit::scratch("status-offline");
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_shgw"));
        cmd.args(args)
            .env_clear()
            .env("HOME", &scratch)
            .current_dir(&scratch);
        shgw_testkit::run_with_stdin(&mut cmd, stdin)
    };
    std::fs::write(scratch.join("gateway.yaml"), GATEWAY).unwrap();
    let out = run(&["status", "-f", "gateway.yaml", "--wait", "5x"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--wait: \"5x\" is not a duration"));
    let out = run(&["status", "-f", "missing.yaml"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("missing.yaml: cannot read"));
    let bad = GATEWAY.replace("endpoint:", "endpiont:");
    let out = run(&["status", "-f", "-"], Some(&bad));
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("endpiont"),
        "{}",
        text(&out.stderr)
    );
    let out = run(
        &["status", "-f", "-"],
        Some("kind: ConfigMap\nmetadata: {name: x}\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("<stdin>: document 1: no apiVersion"),
        "{}",
        text(&out.stderr)
    );
    // No kubeconfig, no KUBECONFIG, not in a pod: the cluster cannot be reached.
    let out = run(&["status", "-f", "gateway.yaml"], None);
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr)
            .contains("cannot reach the cluster: Kubernetes configuration: not in a cluster"),
        "{}",
        text(&out.stderr)
    );
}
