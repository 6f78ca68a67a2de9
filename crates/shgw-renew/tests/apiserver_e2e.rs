//! End to end: `shgw token renew` (the built binary) run as the renewer's ServiceAccount
//! against a real kube-apiserver with RBAC on, and against the loopback Entra/ARM stand-in.
//!
//! Needs `local-apiserver` (shared/tools/install-validators.sh with WITH_APISERVER=1) and
//! kubectl; without them it prints SKIPPED, and fails under SHGW_REQUIRE_TOOLS=1. It runs the
//! `shgw` binary next to this test's own binary (`target/<profile>/shgw`, built by
//! `cargo test --workspace`; `cargo build -p shgw-cli` before `cargo test -p shgw-renew`),
//! or `SHGW_BIN`. With `SHGW_RENEW_IN_IMAGE=1` and `SHGW_BIN` the static binary, the in-cluster
//! runs happen chrooted into a root as empty as the renewer image, as user 65532.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    clippy::panic
)]

mod binary;
mod faultproxy;
mod standin;

use binary::shgw_bin;

use faultproxy::{Action, FaultProxy, Rule};
use serde_json::Value;
use shgw::Token;
use shgw_testkit::text;
use standin::{ArmMode, ConnectProxy, EntraMode, Expect, StandIn};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NS: &str = "apim-gateway";
const NAME: &str = "contoso-west";
const SECRET: &str = "contoso-west-token";
const RENEWER: &str = "contoso-west-token-renewer";
const CLIENT_ID: &str = "11111111-2222-3333-4444-555555555555";
const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/// The signature of a token near expiry put in the Secret by hand.
const OLD_SIGNATURE: &str = "T2xkU2lnbmF0dXJlRm9yRTJFVGVzdA==";

/// How the renewer reaches the API server.
enum Kube<'a> {
    /// `--kubeconfig PATH`.
    Flag(&'a Path),
    /// `KUBECONFIG=PATH`.
    Env(&'a Path),
    /// As in a pod, with this ServiceAccount token.
    InCluster(&'a str),
}

struct Env {
    api: shgw_testkit::ApiServer,
    kubectl: PathBuf,
    unshare: PathBuf,
    shgw: PathBuf,
    standin: StandIn,
    scratch: PathBuf,
    assertion_file: PathBuf,
    assertion: String,
    /// Every stdout and stderr of every run, searched for secrets at the end.
    outputs: Vec<String>,
    /// Variables set (or replaced) for the next runs.
    extra_env: Vec<(&'static str, String)>,
    /// The rendered CronJob's container arguments, as stored by the API server.
    cron_args: Vec<String>,
}

impl Env {
    fn admin_kubeconfig(&self) -> PathBuf {
        self.api.dir().join("kubeconfig")
    }

    /// A kubeconfig for a static token user, trusting the API server's own CA.
    fn user_kubeconfig(&self, user: &str, token: &str) -> PathBuf {
        let path = self.scratch.join(format!("{user}.kubeconfig"));
        let ca = self.api.dir().join("certs/apiserver.crt");
        std::fs::write(
            &path,
            format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster:\n    server: https://127.0.0.1:{}\n    certificate-authority: {}\nusers:\n- name: {user}\n  user:\n    token: {token}\ncontexts:\n- name: local\n  context: {{cluster: local, user: {user}}}\ncurrent-context: local\n",
                self.api.port(),
                ca.display()
            ),
        )
        .unwrap();
        path
    }

    /// A kubeconfig for a static token user reaching the API server through `proxy` (plain
    /// HTTP on loopback).
    fn proxy_kubeconfig(&self, proxy: &FaultProxy, user: &str, token: &str) -> PathBuf {
        let path = self.scratch.join(format!("{user}-via-proxy.kubeconfig"));
        std::fs::write(
            &path,
            format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: proxy\n  cluster:\n    server: http://{}\nusers:\n- name: {user}\n  user:\n    token: {token}\ncontexts:\n- name: proxy\n  context: {{cluster: proxy, user: {user}}}\ncurrent-context: proxy\n",
                proxy.addr
            ),
        )
        .unwrap();
        path
    }

    fn kubectl(&self, kubeconfig: &Path, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(&self.kubectl);
        cmd.arg("--kubeconfig").arg(kubeconfig).args(args);
        shgw_testkit::run_with_stdin(&mut cmd, stdin)
    }

    fn admin(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.kubectl(&self.admin_kubeconfig(), args, stdin);
        assert!(
            out.status.success(),
            "kubectl {args:?}: {}",
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    fn get(&self, kind: &str, name: &str) -> Value {
        serde_json::from_str(&self.admin(&["get", kind, name, "-n", NS, "-o", "json"], None))
            .unwrap()
    }

    /// Runs the rendered CronJob's command line (`--arm-endpoint` pointed at the stand-in) with
    /// the workload identity environment and nothing else; `extra` flags replace the CronJob's
    /// of the same name, others are added.
    fn renew(&mut self, kube: Kube, extra: &[&str]) -> Output {
        assert_eq!(self.cron_args[..2], ["token", "renew"]);
        let mut pairs: Vec<(String, String)> = self.cron_args[2..]
            .chunks(2)
            .map(|c| (c[0].clone(), c[1].clone()))
            .collect();
        let mut set = |flag: &str, value: &str| match pairs.iter_mut().find(|(f, _)| f == flag) {
            Some(pair) => pair.1 = value.to_owned(),
            None => pairs.push((flag.to_owned(), value.to_owned())),
        };
        set("--arm-endpoint", &self.standin.url());
        let mut bare = Vec::new();
        let mut rest = extra.iter();
        while let Some(flag) = rest.next() {
            if ["--force", "--dry-run"].contains(flag) {
                bare.push((*flag).to_owned());
            } else {
                set(flag, rest.next().unwrap());
            }
        }
        let mut args: Vec<String> = vec!["token".into(), "renew".into()];
        for (flag, value) in pairs {
            args.extend([flag, value]);
        }
        args.extend(bare);
        if let Kube::Flag(path) = &kube {
            args.extend(["--kubeconfig".to_owned(), path.display().to_string()]);
        }
        let mut cmd = match &kube {
            Kube::InCluster(token) => self.in_cluster(token),
            _ => {
                let mut c = Command::new(&self.shgw);
                c.env_clear();
                c
            }
        };
        cmd.args(&args)
            .env("HOME", &self.scratch)
            .env("AZURE_CLIENT_ID", CLIENT_ID)
            .env("AZURE_TENANT_ID", TENANT)
            .env("AZURE_FEDERATED_TOKEN_FILE", self.token_file(&kube))
            .env("AZURE_AUTHORITY_HOST", format!("{}/", self.standin.url()));
        if let Kube::Env(path) = &kube {
            cmd.env("KUBECONFIG", path);
        }
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        self.outputs.push(text(&out.stdout));
        self.outputs.push(text(&out.stderr));
        out
    }

    /// Where the run finds the federated token.
    fn token_file(&self, kube: &Kube) -> PathBuf {
        match kube {
            Kube::InCluster(_) if std::env::var_os(IMAGE_ENV).is_some() => {
                PathBuf::from("/var/run/secrets/azure/tokens/azure-identity-token")
            }
            _ => self.assertion_file.clone(),
        }
    }

    /// `shgw` as in a pod: in a private mount namespace whose /var/run/secrets/kubernetes.io/
    /// serviceaccount holds the ServiceAccount's token, the cluster CA and the namespace, with
    /// KUBERNETES_SERVICE_HOST/PORT set. Nothing on the host changes.
    fn in_cluster(&self, token: &str) -> Command {
        if std::env::var_os(IMAGE_ENV).is_some() {
            return self.in_image(token);
        }
        let sa = self.scratch.join("serviceaccount");
        std::fs::create_dir_all(&sa).unwrap();
        std::fs::write(sa.join("token"), token).unwrap();
        std::fs::write(sa.join("namespace"), NS).unwrap();
        std::fs::copy(
            self.api.dir().join("certs/apiserver.crt"),
            sa.join("ca.crt"),
        )
        .unwrap();
        let mut cmd = Command::new(&self.unshare);
        cmd.args(["--mount", "--propagation", "private", "sh", "-c"])
            .arg(
                "set -e; run=\"$(readlink -f /var/run)\"; mount -t tmpfs tmpfs \"$run\"; \
                 mkdir -p /var/run/secrets/kubernetes.io/serviceaccount; \
                 cp \"$SA\"/* /var/run/secrets/kubernetes.io/serviceaccount/; \
                 unset SA PATH; exec \"$@\"",
            )
            .arg("sh")
            .arg(&self.shgw)
            .env_clear()
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            .env("SA", &sa)
            .env("KUBERNETES_SERVICE_HOST", "127.0.0.1")
            .env("KUBERNETES_SERVICE_PORT", self.api.port().to_string());
        cmd
    }

    /// `shgw` as the renewer image runs it: chrooted as 65532:65532 into a root holding only
    /// /usr/local/bin/shgw and what the kubelet and the workload identity webhook mount (the
    /// ServiceAccount files, the federated token). Needs the static binary (`SHGW_BIN`).
    fn in_image(&self, token: &str) -> Command {
        let root = self.scratch.join("image");
        let _ = std::fs::remove_dir_all(&root);
        let sa = root.join("var/run/secrets/kubernetes.io/serviceaccount");
        let azure = root.join("var/run/secrets/azure/tokens");
        let bin = root.join("usr/local/bin");
        for dir in [&sa, &azure, &bin] {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(sa.join("token"), token).unwrap();
        std::fs::write(sa.join("namespace"), NS).unwrap();
        std::fs::copy(
            self.api.dir().join("certs/apiserver.crt"),
            sa.join("ca.crt"),
        )
        .unwrap();
        std::fs::copy(&self.assertion_file, azure.join("azure-identity-token")).unwrap();
        std::fs::copy(&self.shgw, bin.join("shgw")).unwrap();
        let opened = Command::new("chmod")
            .args(["-R", "a+rX"])
            .arg(&root)
            .status()
            .unwrap();
        assert!(opened.success());
        let mut cmd = Command::new(CHROOT);
        cmd.arg("--userspec=65532:65532")
            .arg(&root)
            .arg("/usr/local/bin/shgw")
            .env_clear()
            .env("KUBERNETES_SERVICE_HOST", "127.0.0.1")
            .env("KUBERNETES_SERVICE_PORT", self.api.port().to_string());
        cmd
    }

    /// Stores `value` in the Secret as the admin (another writer).
    fn set_secret_value(&self, value: &str) {
        use base64::Engine as _;
        let patch = format!(
            r#"{{"data":{{"value":"{}"}}}}"#,
            base64::engine::general_purpose::STANDARD.encode(value)
        );
        self.admin(&["patch", "secret", SECRET, "-n", NS, "-p", &patch], None);
    }

    fn secret_value(&self) -> Option<String> {
        let s = self.get("secret", SECRET);
        let b64 = s["data"]["value"].as_str()?;
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        Some(String::from_utf8(bytes).unwrap())
    }
}

fn start(tag: &str) -> Option<Env> {
    let kubectl = shgw_testkit::tool("kubectl")?;
    let unshare = shgw_testkit::tool("unshare")?;
    let shgw = shgw_bin()?;
    let scratch = shgw_testkit::scratch(tag);
    let tokens = format!(
        "renewer-{pid}-token,system:serviceaccount:{NS}:{RENEWER},renewer-uid,\"system:serviceaccounts,system:serviceaccounts:{NS}\"\nlimited-{pid}-token,system:serviceaccount:{NS}:limited,limited-uid,\"system:serviceaccounts,system:serviceaccounts:{NS}\"",
        pid = std::process::id()
    );
    let api = shgw_testkit::ApiServer::start(
        &format!("{tag}-kas"),
        &[("AUTHZ", "RBAC"), ("EXTRA_TOKENS", &tokens)],
    )?;
    let assertion_file = scratch.join("azure-identity-token");
    let assertion = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImUyZSJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.ZTJlLWFzc2VydGlvbg".to_owned();
    std::fs::write(&assertion_file, &assertion).unwrap();
    let standin = StandIn::start(Expect {
        tenant: TENANT.into(),
        client_id: CLIENT_ID.into(),
        assertion_file: assertion_file.clone(),
        arm_base: String::new(),
        subscription: SUBSCRIPTION.into(),
        resource_group: "rg-gateways".into(),
        service: "contoso-apim".into(),
        gateway: NAME.into(),
        key_type: "primary",
        entra: EntraMode::Issue,
        arm: ArmMode::Issue,
        entra_faults: Vec::new(),
        arm_faults: Vec::new(),
    });
    let url = standin.url();
    standin.set(|e| e.arm_base = url);
    Some(Env {
        api,
        kubectl,
        unshare,
        shgw,
        standin,
        scratch,
        assertion_file,
        assertion,
        outputs: Vec::new(),
        extra_env: Vec::new(),
        cron_args: Vec::new(),
    })
}

/// Set (with `SHGW_BIN` the static binary) to run the in-cluster steps in an image-like root.
const IMAGE_ENV: &str = "SHGW_RENEW_IN_IMAGE";
/// chroot(8), in /usr/sbin, which a non-login PATH may lack.
const CHROOT: &str = "/usr/sbin/chroot";

const SUBSCRIPTION: &str = "3f2a6c1e-8b4d-4e7a-9c21-5d6e7f8a9b0c";

/// A Gateway with `spec.auth.token.renewal` and no token, as a user would start.
fn gateway_file() -> String {
    format!(
        "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata:\n  name: {NAME}\n  namespace: {NS}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {{storageClassName: azurefile-csi}}\n  auth:\n    token:\n      renewal:\n        subscriptionId: {SUBSCRIPTION}\n        resourceGroup: rg-gateways\n        serviceName: contoso-apim\n        clientId: {CLIENT_ID}\n        tenantId: {TENANT}\n        image: {{repository: registry.example/platform/shgw, tag: 0.1.0}}\n"
    )
}

/// `shgw render` of [`gateway_file`], with the kinds a v1.20 API server serves (the gateway's
/// ConfigMap, empty Secret and Deployment; the renewer's ServiceAccount, Role, RoleBinding and
/// CronJob).
fn rendered(env: &Env) -> String {
    let file = env.scratch.join("gateway.yaml");
    std::fs::write(&file, gateway_file()).unwrap();
    let out = Command::new(&env.shgw)
        .args(["render", "--profile", "production", "-f"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "shgw render: {}", text(&out.stderr));
    let yaml = text(&out.stdout);
    let kinds = [
        "ConfigMap",
        "Secret",
        "Deployment",
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "CronJob",
    ];
    let docs: Vec<&str> = yaml
        .split("\n---\n")
        .filter(|d| kinds.iter().any(|k| d.contains(&format!("\nkind: {k}\n"))))
        .collect();
    assert_eq!(docs.len(), kinds.len(), "{yaml}");
    // v1.20 serves CronJob only as batch/v1beta1; the rendered batch/v1 is lowered here only.
    docs.join("\n---\n").replace(
        "apiVersion: batch/v1\nkind: CronJob",
        "apiVersion: batch/v1beta1\nkind: CronJob",
    )
}

/// A ServiceAccount `limited` that may read and patch the token Secret but only read the
/// Deployment (to fail after the store), and another Secret nobody may touch.
fn extra_objects() -> String {
    let role = |name: &str, deployment_verbs: &str| {
        format!(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n  namespace: {NS}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: {name}\n  namespace: {NS}\nrules:\n- apiGroups: [\"\"]\n  resources: [secrets]\n  resourceNames: [{SECRET}]\n  verbs: [get, patch]\n- apiGroups: [apps]\n  resources: [deployments]\n  resourceNames: [{NAME}]\n  verbs: [{deployment_verbs}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: {name}\n  namespace: {NS}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: {name}\nsubjects:\n- kind: ServiceAccount\n  name: {name}\n  namespace: {NS}\n"
        )
    };
    format!(
        "{}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: another-token\n  namespace: {NS}\ntype: Opaque\nstringData:\n  value: untouchable\n",
        role("limited", "get")
    )
}

/// No output holds a secret, its base64, or any 20 characters in a row of either.
fn assert_clean(outputs: &[String], secrets: &[String]) {
    use base64::Engine as _;
    let mut all = secrets.to_vec();
    for s in secrets {
        all.push(base64::engine::general_purpose::STANDARD.encode(s));
        all.push(base64::engine::general_purpose::STANDARD.encode(format!("GatewayKey {s}")));
    }
    for out in outputs {
        for s in &all {
            let chars: Vec<char> = s.chars().collect();
            for w in chars.windows(20.min(chars.len())) {
                let piece: String = w.iter().collect();
                assert!(
                    !out.contains(&piece),
                    "{piece:?} of a secret in output: {out}"
                );
            }
        }
    }
}

/// The Secret annotation `shgw status` reads.
const LAST_SUCCESS: &str = shgw::defaults::RENEWER_LAST_SUCCESS_ANNOTATION;

/// The Secret's last-success stamp, which must be RFC 3339 in UTC to the second.
fn last_success(secret: &Value) -> Option<jiff::Timestamp> {
    let text = secret["metadata"]["annotations"][LAST_SUCCESS].as_str()?;
    assert!(
        text.len() == 20 && text.ends_with('Z'),
        "{LAST_SUCCESS}={text:?} is not YYYY-MM-DDTHH:MM:SSZ"
    );
    Some(text.parse().unwrap())
}

fn fingerprint_annotation(d: &Value) -> Option<String> {
    d["spec"]["template"]["metadata"]["annotations"]["shgw.dev/token-fingerprint"]
        .as_str()
        .map(str::to_owned)
}

/// The namespace, the rendered objects and [`extra_objects`]; the CronJob's arguments.
fn setup(env: &mut Env) {
    env.admin(&["create", "namespace", NS], None);
    // Unknown fields (added after 1.20) are dropped by a 1.20 server instead of refused.
    env.admin(
        &["apply", "--validate=false", "-f", "-"],
        Some(&rendered(env)),
    );
    env.admin(&["apply", "-f", "-"], Some(&extra_objects()));
    let cron = env.get("cronjob", RENEWER);
    let container = &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(
        container["command"][0], "/usr/local/bin/shgw",
        "the Dockerfile's path"
    );
    env.cron_args = container["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().replace("$(POD_NAMESPACE)", NS))
        .collect();
    // The renewer's time budget is the Job's.
    let job = &cron["spec"]["jobTemplate"]["spec"];
    let deadline = env
        .cron_args
        .iter()
        .position(|a| a == "--deadline")
        .unwrap();
    assert_eq!(
        env.cron_args[deadline + 1],
        format!("{}s", job["activeDeadlineSeconds"].as_i64().unwrap())
    );
}

#[test]
fn renews_the_secret_and_rolls_the_deployment_with_exactly_get_and_patch() {
    let Some(mut env) = start("renew-e2e") else {
        return;
    };
    setup(&mut env);
    let pid = std::process::id();
    let renewer_token = format!("renewer-{pid}-token");
    let renewer = env.user_kubeconfig("renewer", &renewer_token);
    let limited = env.user_kubeconfig("limited", &format!("limited-{pid}-token"));
    assert_eq!(
        env.secret_value(),
        None,
        "rendered empty: the renewer fills it"
    );

    // 0. Entra refuses the assertion: exit 1 with Entra's code, ARM not called, nothing written.
    let before_secret = env.get("secret", SECRET);
    let before_deploy = env.get("deployment", NAME);
    env.standin.set(|e| {
        e.entra = EntraMode::Fail(
            400,
            "invalid_request",
            "AADSTS70021: No matching federated identity record found for presented assertion.\r\nTrace ID: 1".into(),
        )
    });
    let out = env.renew(Kube::Flag(&renewer), &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.contains("AADSTS70021") && err.contains("api://AzureADTokenExchange"),
        "{err}"
    );
    assert_eq!(
        (env.standin.count("entra"), env.standin.count("arm")),
        (1, 0)
    );
    assert_eq!(env.get("secret", SECRET), before_secret, "Secret untouched");
    env.standin.set(|e| e.entra = EntraMode::Issue);
    env.standin.clear_calls();

    // 1. ARM refuses (403): exit 1 naming the permission and the identity; nothing written.
    env.standin.set(|e| {
        e.arm = ArmMode::Fail(
            403,
            "AuthorizationFailed",
            format!("The client '{CLIENT_ID}' does not have authorization to perform action 'Microsoft.ApiManagement/service/gateways/generateToken/action'"),
        )
    });
    let out = env.renew(Kube::Flag(&renewer), &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.contains("Microsoft.ApiManagement/service/gateways/generateToken/action")
            && err.contains(CLIENT_ID),
        "{err}"
    );
    assert_eq!(env.get("secret", SECRET), before_secret, "Secret untouched");
    assert_eq!(env.get("deployment", NAME), before_deploy);
    assert_eq!(
        (env.standin.count("entra"), env.standin.count("arm")),
        (1, 1)
    );

    // 2. The first renewal, run as in the CronJob's pod (in-cluster ServiceAccount config) with
    //    its arguments: new token in the empty Secret, expiry annotation, pod template rolled.
    env.standin.set(|e| e.arm = ArmMode::Issue);
    env.standin.clear_calls();
    let out = env.renew(Kube::InCluster(&renewer_token), &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    env.standin.assert_all_valid();
    assert_eq!(
        (env.standin.count("entra"), env.standin.count("arm")),
        (1, 1)
    );
    let issued = env.standin.last_gateway_token().unwrap();
    let value = env.secret_value().unwrap();
    assert_eq!(value, format!("GatewayKey {issued}"));
    let token = Token::parse(&value).unwrap();
    let secret = env.get("secret", SECRET);
    assert_eq!(
        secret["metadata"]["annotations"]["shgw.dev/token-expiry"],
        token.expiry_rfc3339()
    );
    let days = token.days_left(jiff::Timestamp::now());
    assert!(days > 28.9 && days <= 29.0, "{days}");
    let deploy = env.get("deployment", NAME);
    assert_eq!(
        fingerprint_annotation(&deploy).as_deref(),
        Some(token.fingerprint().as_str())
    );
    assert_ne!(
        fingerprint_annotation(&before_deploy),
        fingerprint_annotation(&deploy)
    );
    assert!(
        deploy["metadata"]["generation"].as_i64()
            > before_deploy["metadata"]["generation"].as_i64(),
        "the template changed, so the pods roll"
    );
    assert!(stdout.contains(&token.expiry_rfc3339()), "{stdout}");
    assert!(stdout.contains("the Secret holds no token yet"), "{stdout}");
    // The run's success is stamped on the Secret, by the name `shgw status` reads.
    let first_stamp = last_success(&secret).expect("renewer-last-success set");
    let age = jiff::Timestamp::now().as_second() - first_stamp.as_second();
    assert!((0..600).contains(&age), "stamp {first_stamp} is not now");
    assert!(
        stdout.contains(&format!("{LAST_SUCCESS}={first_stamp}")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("Deployment {NS}/{NAME}")),
        "{stdout}"
    );

    // 3. A second run (through KUBECONFIG) finds the token fresh: no call, no write but the
    //    success stamp (a run that has nothing to do still succeeded).
    env.standin.clear_calls();
    let deploy_rv = env.get("deployment", NAME)["metadata"]["resourceVersion"].clone();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = env.renew(Kube::Env(&renewer), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("not renewed, Azure not called"));
    assert!(env.standin.calls().is_empty(), "{:?}", env.standin.calls());
    let after = env.get("secret", SECRET);
    assert_eq!(after["data"], secret["data"]);
    assert_eq!(
        after["metadata"]["annotations"]["shgw.dev/token-expiry"],
        token.expiry_rfc3339()
    );
    assert!(last_success(&after).unwrap() > first_stamp, "stamped again");
    assert_eq!(
        env.get("deployment", NAME)["metadata"]["resourceVersion"],
        deploy_rv
    );

    // 4. --dry-run --force: Azure is asked, the writes go as server dry runs, nothing changes.
    let out = env.renew(Kube::Flag(&renewer), &["--force", "--dry-run"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(stdout.contains("would store a new token"), "{stdout}");
    assert!(stdout.contains("nothing was changed"), "{stdout}");
    assert_eq!(
        (env.standin.count("entra"), env.standin.count("arm")),
        (1, 1)
    );
    assert_eq!(env.secret_value().unwrap(), value);
    assert_eq!(
        env.get("deployment", NAME)["metadata"]["resourceVersion"],
        deploy_rv
    );

    // 5. The ServiceAccount can do nothing else: list Secrets, read or patch another one.
    for args in [
        vec!["get", "secrets", "-n", NS],
        vec!["get", "secret", "another-token", "-n", NS],
        vec![
            "patch",
            "secret",
            "another-token",
            "-n",
            NS,
            "-p",
            r#"{"stringData":{"value":"x"}}"#,
        ],
        vec!["get", "deployments", "-n", NS],
        vec![
            "create",
            "secret",
            "generic",
            "new-one",
            "-n",
            NS,
            "--from-literal=a=b",
        ],
    ] {
        let out = env.kubectl(&renewer, &args, None);
        assert!(!out.status.success(), "{args:?} must be forbidden");
        let err = text(&out.stderr);
        assert!(err.to_lowercase().contains("forbidden"), "{args:?}: {err}");
    }
    env.standin.clear_calls();
    let out = env.renew(Kube::Flag(&renewer), &["--secret", "another-token"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("cannot get Secret apim-gateway/another-token"),
        "{err}"
    );
    assert!(err.contains("resourceNames [another-token]"), "{err}");
    assert!(env.standin.calls().is_empty());
    assert_eq!(
        env.get("secret", "another-token")["data"]["value"],
        "dW50b3VjaGFibGU="
    );

    // 6. A store that cannot succeed (here: no patch on the Deployment) is found by a
    //    server-side dry run before Azure is asked: no token is wasted, nothing changes.
    let before_secret = env.get("secret", SECRET);
    let before_deploy = env.get("deployment", NAME);
    env.standin.clear_calls();
    let out = env.renew(Kube::Flag(&limited), &["--force"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("but a server-side dry run of the write to Deployment apim-gateway/contoso-west failed, so Azure was not asked for a token"),
        "{err}"
    );
    assert!(err.contains("HTTP 403"), "{err}");
    assert!(env.standin.calls().is_empty(), "{:?}", env.standin.calls());
    assert_eq!(env.get("secret", SECRET), before_secret);
    assert_eq!(env.get("deployment", NAME), before_deploy);

    //    A token stored by other means (by hand, or by a run whose rollout failed) is rolled
    //    out by the next run without calling Azure.
    let by_hand = format!(
        "GatewayKey {NAME}&{}&SGFuZFN0b3JlZFNpZ25hdHVyZQ==",
        (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(20 * 24)).strftime("%Y%m%d%H%M")
    );
    env.set_secret_value(&by_hand);
    let stored = Token::parse(&by_hand).unwrap();
    let out = env.renew(Kube::Flag(&renewer), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(env.standin.calls().is_empty());
    assert!(text(&out.stdout).contains("so its pods roll"));
    assert_eq!(
        fingerprint_annotation(&env.get("deployment", NAME)),
        Some(stored.fingerprint())
    );

    // 7. A token with 9 days left (less than the CronJob's --renew-before 10d) is renewed.
    let expiry = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(9 * 24);
    let old_value = format!(
        "GatewayKey {NAME}&{}&{OLD_SIGNATURE}",
        expiry.strftime("%Y%m%d%H%M")
    );
    env.set_secret_value(&old_value);
    env.standin.clear_calls();
    let out = env.renew(Kube::Flag(&renewer), &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        stdout.contains("(9.0 days left, less than --renew-before)"),
        "{stdout}"
    );
    assert_eq!(
        (env.standin.count("entra"), env.standin.count("arm")),
        (1, 1)
    );
    let first = Token::parse(&env.secret_value().unwrap()).unwrap();
    assert_eq!(
        first.reveal(),
        format!("GatewayKey {}", env.standin.last_gateway_token().unwrap())
    );
    assert_eq!(
        env.get("secret", SECRET)["metadata"]["annotations"]["shgw.dev/token-expiry"],
        first.expiry_rfc3339()
    );
    assert_eq!(
        fingerprint_annotation(&env.get("deployment", NAME)),
        Some(first.fingerprint())
    );

    // 8. An expiry annotation that does not match the stored token is set right, without Azure.
    env.admin(
        &[
            "annotate",
            "--overwrite",
            "secret",
            SECRET,
            "-n",
            NS,
            "shgw.dev/token-expiry=2000-01-01T00:00:00Z",
        ],
        None,
    );
    env.standin.clear_calls();
    let out = env.renew(Kube::Flag(&renewer), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("it did not match the stored token"));
    assert!(env.standin.calls().is_empty());
    assert_eq!(
        env.get("secret", SECRET)["metadata"]["annotations"]["shgw.dev/token-expiry"],
        first.expiry_rfc3339()
    );
    assert_eq!(env.secret_value().unwrap(), first.reveal());

    // 9. In the pod, with HTTPS_PROXY set: Azure's real names go through the proxy, which
    //    tunnels to the API server, whose certificate the compiled-in roots do not trust, so
    //    the run stops there. The in-cluster API server connection does not use the proxy.
    let proxy = ConnectProxy::start(Some(
        format!("127.0.0.1:{}", env.api.port()).parse().unwrap(),
    ));
    env.extra_env = vec![
        ("HTTPS_PROXY", format!("http://{}", proxy.addr)),
        (
            "AZURE_AUTHORITY_HOST",
            "https://login.microsoftonline.com/".to_owned(),
        ),
    ];
    let before = env.get("secret", SECRET);
    env.standin.clear_calls();
    let out = env.renew(
        Kube::InCluster(&renewer_token),
        &["--force", "--deadline", "10s"],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("invalid peer certificate"), "{err}");
    // Only Azure went through the proxy (once per attempt, each logged).
    let asked: Vec<String> = proxy.connects().into_iter().map(|c| c.0).collect();
    assert!(!asked.is_empty());
    assert!(
        asked
            .iter()
            .all(|a| a == "CONNECT login.microsoftonline.com:443"),
        "{asked:?}"
    );
    assert_eq!(
        err.matches("Entra ID token request: attempt").count(),
        asked.len(),
        "{err}"
    );
    assert!(env.standin.calls().is_empty());
    assert_eq!(env.get("secret", SECRET), before, "Secret untouched");
    env.extra_env.clear();

    // 10. No output of any run shows a token, a signature, an access token or the assertion.
    env.standin.assert_all_valid();
    let mut secrets = env.standin.secrets();
    secrets.extend([env.assertion.clone(), OLD_SIGNATURE.to_owned(), old_value]);
    assert_clean(&env.outputs, &secrets);
    assert_eq!(env.outputs.len(), 22, "11 runs");
    if std::env::var_os("SHGW_SHOW_OUTPUT").is_some() {
        eprintln!("{}", env.outputs.join("\n"));
    }
}

/// A token for the test gateway expiring `days` from now, with a made-up signature.
fn token_in(days: i64, signature: &str) -> String {
    let expiry = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(days * 24);
    format!(
        "GatewayKey {NAME}&{}&{signature}",
        expiry.strftime("%Y%m%d%H%M")
    )
}

fn patch_rule(path: &'static str, dry_run: bool, times: usize, action: Action) -> Rule {
    Rule {
        method: "PATCH",
        path,
        dry_run: Some(dry_run),
        times,
        action,
    }
}

#[test]
fn under_faults_the_renewer_reports_and_acts_on_what_the_api_server_holds() {
    let Some(mut env) = start("renew-faults") else {
        return;
    };
    setup(&mut env);
    let pid = std::process::id();
    let token = format!("renewer-{pid}-token");
    let proxy = FaultProxy::start(env.api.port(), &env.api.dir().join("certs/apiserver.crt"));
    let via = env.proxy_kubeconfig(&proxy, "renewer", &token);
    let direct = env.user_kubeconfig("renewer", &token);
    let mut hand_signatures = Vec::new();

    // 1. The first write of the new token is made, but its answer is lost (the connection
    //    drops). The renewer reads the Secret back, finds the new token and rolls the pods.
    proxy.add(patch_rule("/secrets/", false, 1, Action::ForwardThenDrop));
    let out = env.renew(Kube::Flag(&via), &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(proxy.pending(), 0, "the fault was met");
    assert!(
        err.contains("reading it back to see whether the change was made"),
        "{err}"
    );
    assert!(
        err.contains("the new token is stored (read back after the write's answer was lost); rolling the pods to it"),
        "{err}"
    );
    let stored = Token::parse(&env.secret_value().unwrap()).unwrap();
    assert_eq!(
        stored.reveal(),
        format!("GatewayKey {}", env.standin.last_gateway_token().unwrap())
    );
    assert_eq!(
        fingerprint_annotation(&env.get("deployment", NAME)),
        Some(stored.fingerprint())
    );
    assert_eq!(
        (env.standin.count("entra"), env.standin.count("arm")),
        (1, 1)
    );
    // Every request carried the renewer's User-Agent (audit logs tell it apart).
    let seen = proxy.seen();
    assert!(seen.len() >= 8, "{seen:?}");
    for s in &seen {
        assert!(
            s.user_agent
                .as_deref()
                .is_some_and(|a| a.starts_with("shgw-token-renew/")),
            "{s:?}"
        );
    }
    // The dry runs came before Azure was asked: the first two writes are dry runs.
    let patches: Vec<&faultproxy::Seen> = seen.iter().filter(|s| s.method == "PATCH").collect();
    assert!(patches[0].query.contains("dryRun=All") && patches[0].path.contains("/secrets/"));
    assert!(patches[1].query.contains("dryRun=All") && patches[1].path.contains("/deployments/"));

    //    The same when the write is made and answered 504 (a gateway timing out): the
    //    Secret is read back, and the pods roll to the token it holds.
    proxy.clear();
    proxy.add(patch_rule(
        "/secrets/",
        false,
        1,
        Action::ForwardThenStatus(504),
    ));
    let out = env.renew(Kube::Flag(&via), &["--force"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(proxy.pending(), 0);
    assert!(
        err.contains("the change is there: the write was made although its answer was lost or an error (HTTP 504)"),
        "{err}"
    );
    let stored = Token::parse(&env.secret_value().unwrap()).unwrap();
    assert_eq!(
        stored.reveal(),
        format!("GatewayKey {}", env.standin.last_gateway_token().unwrap())
    );
    assert_eq!(
        fingerprint_annotation(&env.get("deployment", NAME)),
        Some(stored.fingerprint())
    );

    // 2. The write is answered 504 without being made: read back (unchanged), retried, stored.
    proxy.clear();
    env.standin.clear_calls();
    proxy.add(patch_rule("/secrets/", false, 1, Action::Status(504)));
    let out = env.renew(Kube::Flag(&via), &["--force"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("attempt 1 got no clear answer (HTTP 504"),
        "{err}"
    );
    assert!(err.contains("attempt 1 failed (HTTP 504"), "{err}");
    assert!(err.contains("retrying in 1s"), "{err}");
    let second = Token::parse(&env.secret_value().unwrap()).unwrap();
    assert_ne!(second, stored);
    assert_eq!(
        second.reveal(),
        format!("GatewayKey {}", env.standin.last_gateway_token().unwrap())
    );
    assert_eq!(
        fingerprint_annotation(&env.get("deployment", NAME)),
        Some(second.fingerprint())
    );

    // 3. Every write of the token fails (503, never made) within a 10 s budget: the renewer
    //    gives up in time and says, truly, that the Secret does not hold the new token.
    proxy.clear();
    proxy.add(patch_rule("/secrets/", false, 100, Action::Status(503)));
    let before = env.get("secret", SECRET);
    let out = env.renew(Kube::Flag(&via), &["--force", "--deadline", "10s"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the new token was not stored (read back after the failure, the Secret is unchanged and does not hold it)"),
        "{err}"
    );
    assert!(err.contains("within --deadline 10s"), "{err}");
    assert!(
        err.contains("retrying in 1s (") && err.contains("not retrying"),
        "{err}"
    );
    assert_eq!(env.get("secret", SECRET)["data"], before["data"]);
    assert!(
        !err.contains("may still be carried out"),
        "an answered 503: {err}"
    );
    //    A 504 (a gateway that timed out) may hide a write still on its way: said so.
    proxy.clear();
    proxy.add(patch_rule("/secrets/", false, 100, Action::Status(504)));
    let out = env.renew(Kube::Flag(&via), &["--force", "--deadline", "10s"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the Secret is unchanged and does not hold it; the last write went unanswered and may still be carried out: if it is, the next run rolls the pods to it"),
        "{err}"
    );
    assert_eq!(env.get("secret", SECRET)["data"], before["data"]);

    // 4. An admission webhook refuses the write and quotes it (the base64 token) in its
    //    message: the refusal is shown, the token is not.
    proxy.clear();
    proxy.add(patch_rule("/secrets/", false, 1, Action::EchoStatus(400)));
    let out = env.renew(Kube::Flag(&via), &["--force"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the new token was not stored (the API server refused the write; the Secret is unchanged)"),
        "{err}"
    );
    assert!(
        err.contains("admission webhook \"deny.example\" denied the request"),
        "{err}"
    );
    assert!(err.contains("<redacted>"), "{err}");
    assert_eq!(env.get("secret", SECRET)["data"], before["data"]);

    // 5. The Deployment patch is refused after the store: the token is stored, the message says
    //    how to restart the pods; the next run rolls them without Azure.
    proxy.clear();
    env.standin.clear_calls();
    proxy.add(patch_rule(
        "/deployments/",
        false,
        1,
        Action::EchoStatus(403),
    ));
    let out = env.renew(Kube::Flag(&via), &["--force"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("the new token is stored"), "{err}");
    assert!(
        err.contains(&format!(
            "kubectl rollout restart deployment/{NAME} -n {NS}"
        )),
        "{err}"
    );
    let third = Token::parse(&env.secret_value().unwrap()).unwrap();
    assert_ne!(
        fingerprint_annotation(&env.get("deployment", NAME)),
        Some(third.fingerprint())
    );
    env.standin.clear_calls();
    let out = env.renew(Kube::Flag(&direct), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(env.standin.calls().is_empty());
    assert_eq!(
        fingerprint_annotation(&env.get("deployment", NAME)),
        Some(third.fingerprint())
    );

    // 6. Another run stores another token between this run's store and its rollout (--force
    //    overlapping a scheduled run): the pods roll to the token the Secret holds.
    proxy.clear();
    let other = token_in(20, "T3RoZXJSdW5TaWduYXR1cmVGb3JUZXN0");
    hand_signatures.push("T3RoZXJSdW5TaWduYXR1cmVGb3JUZXN0".to_owned());
    let kubectl = env.kubectl.clone();
    let admin = env.admin_kubeconfig();
    let other_patch = {
        use base64::Engine as _;
        format!(
            r#"{{"data":{{"value":"{}"}}}}"#,
            base64::engine::general_purpose::STANDARD.encode(&other)
        )
    };
    proxy.add(patch_rule(
        "/deployments/",
        false,
        1,
        Action::Before(std::sync::Arc::new(move || {
            let out = Command::new(&kubectl)
                .arg("--kubeconfig")
                .arg(&admin)
                .args(["patch", "secret", SECRET, "-n", NS, "-p", &other_patch])
                .output()
                .unwrap();
            assert!(out.status.success());
        })),
    ));
    let out = env.renew(Kube::Flag(&via), &["--force"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(proxy.pending(), 0);
    assert!(err.contains("it now holds another token"), "{err}");
    let other = Token::parse(&other).unwrap();
    assert_eq!(env.secret_value().unwrap(), other.reveal());
    assert_eq!(
        fingerprint_annotation(&env.get("deployment", NAME)),
        Some(other.fingerprint()),
        "the pods are named after the stored token"
    );

    // 7. The API server's clock is 3 days ahead of this machine's: a token with 12 days left
    //    here has 9 by the server, less than --renew-before 10d: renewed, and said so.
    proxy.clear();
    env.standin.clear_calls();
    env.set_secret_value(&token_in(12, "VHdlbHZlRGF5c0xlZnRTaWduYXR1cmU="));
    hand_signatures.push("VHdlbHZlRGF5c0xlZnRTaWduYXR1cmU=".to_owned());
    proxy.shift_date(3 * 86_400);
    let out = env.renew(Kube::Flag(&via), &["--validity", "25d"]);
    let err = text(&out.stderr);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("is 3d ahead of this machine's"), "{err}");
    assert!(
        err.contains("expiry is judged by the API server's time"),
        "{err}"
    );
    assert!(stdout.contains("less than --renew-before"), "{stdout}");
    assert_eq!(env.standin.count("arm"), 1);
    env.standin.assert_all_valid();
    let stamp = last_success(&env.get("secret", SECRET)).unwrap();
    let ahead = stamp.as_second() - jiff::Timestamp::now().as_second();
    assert!(
        ahead > 3 * 86_400 - 600,
        "stamped by the server's clock: {stamp}"
    );
    proxy.shift_date(0);

    //    A hung API server: the first write (a dry run) is answered only after 12 s, past
    //    --deadline 10s. The request times out within the budget, no retry fits, and Azure
    //    is not asked.
    proxy.clear();
    env.standin.clear_calls();
    proxy.add(patch_rule(
        "/secrets/",
        true,
        1,
        Action::Delay(std::time::Duration::from_secs(12)),
    ));
    let out = env.renew(Kube::Flag(&via), &["--force", "--deadline", "10s"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("no answer within"), "{err}");
    assert!(err.contains("so Azure was not asked for a token"), "{err}");
    assert!(err.contains("within --deadline 10s"), "{err}");
    assert!(env.standin.calls().is_empty());

    // 8. An immutable Secret can never take a new token: found by the dry run, Azure not
    //    called.
    env.admin(
        &[
            "patch",
            "secret",
            SECRET,
            "-n",
            NS,
            "-p",
            r#"{"immutable":true}"#,
        ],
        None,
    );
    env.standin.clear_calls();
    let out = env.renew(Kube::Flag(&direct), &["--force"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("but a server-side dry run of the write to Secret apim-gateway/contoso-west-token failed, so Azure was not asked for a token"),
        "{err}"
    );
    assert!(err.contains("immutable"), "{err}");
    assert!(env.standin.calls().is_empty());

    // 9. Nothing secret in any output, whole or in part.
    env.standin.assert_all_valid();
    let mut secrets = env.standin.secrets();
    secrets.push(env.assertion.clone());
    secrets.extend(hand_signatures);
    assert_clean(&env.outputs, &secrets);
    if std::env::var_os("SHGW_SHOW_OUTPUT").is_some() {
        eprintln!("{}", env.outputs.join("\n"));
    }
}
