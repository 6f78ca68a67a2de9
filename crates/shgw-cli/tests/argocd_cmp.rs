//! The Argo CD Config Management Plugin run the way `argocd-cmp-server` runs it (argoproj/argo-cd
//! `cmpserver/plugin/plugin.go`): the commands are read from `deploy/argocd/plugin.yaml`
//! (`command` then `args`), run with the working directory set to the application's path in an
//! unpacked copy of the repository, with the Argo CD environment (`ARGOCD_APP_*`,
//! `ARGOCD_ENV_*`, `KUBE_VERSION`...) and nothing else. The copy is read-only; as root (CI), the
//! commands run as user and group 999 (the sidecar's `runAsUser`) through `setpriv`, so they
//! can neither write the checkout nor rely on root. The image path `/usr/local/bin/shgw` (the
//! Dockerfile's) is the only thing mapped: to the binary under test, copied next to the checkout.
//! discover must exit 0 (a failing find command is an error to Argo CD) and print something
//! exactly for shgw apps; generate must print objects or exit non-zero with nothing on stdout.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

use serde_json::Value;
use shgw_testkit::{text, workspace};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The path of shgw in the renewer image (Dockerfile `COPY ... /usr/local/bin/shgw`).
const IMAGE_BINARY: &str = "/usr/local/bin/shgw";
/// The sidecar's user (deploy/argocd/repo-server-patch.yaml, Argo CD's requirement).
const CMP_USER: &str = "999";

fn yaml(text: &str) -> Value {
    shgw_yaml::parse::parse_value(text).unwrap()
}

fn docs(text: &str) -> Vec<Value> {
    let all: Vec<Value> = shgw_yaml::parse::parse_values(text).unwrap();
    all.into_iter().filter(|d| !d.is_null()).collect()
}

/// A step of plugin.yaml: its argv, `command` followed by `args`.
fn step(plugin: &Value, pointer: &str) -> Vec<String> {
    let s = plugin
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{pointer}"));
    let mut argv: Vec<String> = s["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    if let Some(args) = s.get("args").and_then(Value::as_array) {
        argv.extend(args.iter().map(|v| v.as_str().unwrap().to_owned()));
    }
    argv
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Read-only for everyone: directories 0555, files 0444.
fn freeze(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            freeze(&p);
        } else {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
        }
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
}

/// Directories writable again (0755), so that the copy can be removed.
fn thaw(dir: &Path) {
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            thaw(&entry.path());
        }
    }
}

fn listing(dir: &Path, out: &mut Vec<(PathBuf, u64)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            listing(&p, out);
        } else {
            out.push((p.clone(), std::fs::metadata(&p).unwrap().len()));
        }
    }
    out.sort();
}

struct Cmp {
    /// The unpacked repository (read-only).
    repo: PathBuf,
    /// The binary standing in for the image's /usr/local/bin/shgw.
    binary: PathBuf,
    discover: Vec<String>,
    generate: Vec<String>,
    /// Whether the steps run as the sidecar's non-root user.
    as_user: bool,
}

impl Cmp {
    fn setup(tag: &str) -> Cmp {
        let plugin =
            yaml(&std::fs::read_to_string(workspace().join("deploy/argocd/plugin.yaml")).unwrap());
        assert_eq!(plugin["apiVersion"], "argoproj.io/v1alpha1");
        assert_eq!(plugin["kind"], "ConfigManagementPlugin");
        // fileName and find.glob come first in argocd-cmp-server: they must not be set, or
        // the find command below would never run.
        assert!(plugin.pointer("/spec/discover/fileName").is_none());
        assert!(plugin.pointer("/spec/discover/find/glob").is_none());
        assert!(plugin.pointer("/spec/init").is_none());
        let discover = step(&plugin, "/spec/discover/find");
        let generate = step(&plugin, "/spec/generate");
        let dockerfile = std::fs::read_to_string(workspace().join("Dockerfile")).unwrap();
        assert!(dockerfile.contains(&format!(" {IMAGE_BINARY}\n")));
        for argv in [&discover, &generate] {
            assert_eq!(argv[0], IMAGE_BINARY, "the image has no shell: {argv:?}");
        }

        let root = shgw_testkit::scratch(&format!("argocd-{tag}"));
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        let repo = root.join("repo");
        copy_tree(
            &workspace().join("examples/argocd"),
            &repo.join("examples/argocd"),
        );
        // Apps the example layout does not need but Argo CD can meet.
        std::fs::create_dir_all(repo.join("empty")).unwrap();
        std::fs::create_dir_all(repo.join("no-objects")).unwrap();
        // A kustomization that builds nothing (an app named explicitly, not discovered).
        std::fs::write(
            repo.join("no-objects/kustomization.yaml"),
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: apim\nresources: []\n",
        )
        .unwrap();
        // A profile file next to the Gateway (PARAM_PROFILE=profile.yaml), and one alone.
        std::fs::create_dir_all(repo.join("with-profile")).unwrap();
        std::fs::create_dir_all(repo.join("only-profile")).unwrap();
        let profile =
            std::fs::read_to_string(workspace().join("crates/shgw/profiles/production.yaml"))
                .unwrap()
                .replace("name: production", "name: west");
        std::fs::write(repo.join("with-profile/profile.yaml"), &profile).unwrap();
        std::fs::write(repo.join("only-profile/profile.yaml"), &profile).unwrap();
        std::fs::copy(
            workspace().join("examples/argocd/apps/west-prod/gateway.yaml"),
            repo.join("with-profile/gateway.yaml"),
        )
        .unwrap();
        std::fs::create_dir_all(repo.join("bad-yaml")).unwrap();
        std::fs::write(
            repo.join("bad-yaml/gateway.yaml"),
            "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: [\n",
        )
        .unwrap();
        // Review levels (fail-on): a Gateway with only a warning (a directory app), and an
        // overlay that breaks production's review rules (one replica, a rolling tag).
        let warned = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: contoso-west, namespace: apim}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {storageClassName: azurefile-csi}\n";
        for (file, text) in [
            ("warned/gateway.yaml", warned),
            ("review-errors/gateway.yaml", warned),
            (
                "review-errors/kustomization.yaml",
                "resources: [gateway.yaml]\nreplicas:\n- name: contoso-west\n  count: 1\nimages:\n- name: mcr.microsoft.com/azure-api-management/gateway\n  newTag: latest\n",
            ),
        ] {
            std::fs::create_dir_all(repo.join(file).parent().unwrap()).unwrap();
            std::fs::write(repo.join(file), text).unwrap();
        }
        freeze(&repo);
        let binary = root.join("shgw");
        std::fs::copy(env!("CARGO_BIN_EXE_shgw"), &binary).unwrap();
        std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o555)).unwrap();
        let as_user = is_root() && Path::new("/usr/bin/setpriv").is_file();
        if !as_user {
            eprintln!(
                "NOTE: not root or no setpriv: the plugin steps run as this user on a read-only copy"
            );
        }
        Cmp {
            repo,
            binary,
            discover,
            generate,
            as_user,
        }
    }

    fn run(&self, argv: &[String], app: &str, env: &[(&str, &str)]) -> Output {
        let program = self.binary.to_str().unwrap().to_owned();
        let mut cmd = if self.as_user {
            let mut c = Command::new("/usr/bin/setpriv");
            c.args([
                "--reuid",
                CMP_USER,
                "--regid",
                CMP_USER,
                "--clear-groups",
                "--",
                &program,
            ]);
            c
        } else {
            Command::new(&program)
        };
        cmd.args(&argv[1..])
            .current_dir(self.repo.join(app))
            .env_clear()
            .envs([
                ("ARGOCD_APP_NAME", "apim-gateway"),
                ("ARGOCD_APP_PROJECT_NAME", "default"),
                ("ARGOCD_APP_REVISION", "0c7d2b5f6a1e9d8c3b4a5f6e7d8c9b0a1f2e3d4c"),
                ("ARGOCD_APP_REVISION_SHORT", "0c7d2b5"),
                ("ARGOCD_APP_SOURCE_PATH", app),
                ("ARGOCD_APP_SOURCE_REPO_URL", "https://git.example.com/platform/gateways.git"),
                ("ARGOCD_APP_SOURCE_TARGET_REVISION", "main"),
                ("KUBE_VERSION", "1.33.0"),
                ("KUBE_API_VERSIONS", "v1,apps/v1,batch/v1,policy/v1,networking.k8s.io/v1,autoscaling/v2,rbac.authorization.k8s.io/v1"),
                ("HOME", "/home/argocd"),
            ])
            .envs(env.iter().copied());
        shgw_testkit::run_with_stdin(&mut cmd, None)
    }

    fn discover(&self, app: &str) -> Output {
        self.run(&self.discover, app, &[("ARGOCD_APP_NAMESPACE", "apim")])
    }

    fn generate(&self, app: &str, env: &[(&str, &str)]) -> Output {
        self.run(&self.generate, app, env)
    }
}

impl Drop for Cmp {
    /// The scratch folder (the repository copy and a copy of the binary) is removed.
    fn drop(&mut self) {
        thaw(&self.repo);
        if let Some(root) = self.repo.parent() {
            let _ = std::fs::remove_dir_all(root);
        }
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn shgw(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shgw"))
        .args(args)
        .current_dir(workspace())
        .output()
        .unwrap()
}

#[test]
fn discover_claims_exactly_the_shgw_apps() {
    let cmp = Cmp::setup("discover");
    for (app, expect) in [
        ("examples/argocd/apps/edge-dev", "gateway.yaml\n"),
        ("examples/argocd/apps/west-prod", "kustomization.yaml\n"),
        // Claimed so that generate says what is wrong, rather than another tool taking it.
        ("examples/argocd/apps/broken", "gateway.yaml\n"),
        ("bad-yaml", "gateway.yaml\n"),
        ("examples/argocd/apps/plain", ""),
        ("empty", ""),
        ("no-objects", ""),
        ("with-profile", "gateway.yaml\n"),
        ("only-profile", ""),
        ("examples/argocd", ""),
    ] {
        let out = cmp.discover(app);
        assert_eq!(out.status.code(), Some(0), "{app}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), expect, "{app}");
    }
}

#[test]
fn generate_renders_a_directory_app_like_render() {
    let cmp = Cmp::setup("directory");
    let before = {
        let mut l = Vec::new();
        listing(&cmp.repo, &mut l);
        l
    };
    let out = cmp.generate(
        "examples/argocd/apps/edge-dev",
        &[
            ("ARGOCD_APP_NAMESPACE", "apim-edge"),
            ("ARGOCD_ENV_PROFILE", "dev"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let got = docs(&text(&out.stdout));
    // The Gateway rendered as `shgw render` renders it in the destination namespace, then the
    // ConfigMap next to it unchanged.
    let render = shgw(&[
        "render",
        "-f",
        "examples/argocd/apps/edge-dev/gateway.yaml",
        "--profile",
        "dev",
        "--set",
        "metadata.namespace=apim-edge",
        "-o",
        "json",
    ]);
    assert_eq!(render.status.code(), Some(0), "{}", text(&render.stderr));
    let mut expected: Vec<Value> =
        serde_json::from_str::<Value>(&text(&render.stdout)).unwrap()["items"]
            .as_array()
            .unwrap()
            .clone();
    expected.extend(docs(
        &std::fs::read_to_string(
            workspace().join("examples/argocd/apps/edge-dev/team-settings.yaml"),
        )
        .unwrap(),
    ));
    assert_eq!(got, expected);
    assert!(got.iter().any(|d| d["kind"] == "Deployment"));
    // The parameter wins over the plugin env; production refuses this dev-sized gateway.
    let out = cmp.generate(
        "examples/argocd/apps/edge-dev",
        &[
            ("ARGOCD_ENV_PROFILE", "dev"),
            ("PARAM_PROFILE", "production"),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    assert!(
        text(&out.stderr).contains("production"),
        "{}",
        text(&out.stderr)
    );
    // Nothing was written to the checkout (and as user 999 nothing could be).
    let mut after = Vec::new();
    listing(&cmp.repo, &mut after);
    assert_eq!(before, after);
}

#[test]
fn a_profile_file_in_the_app_is_used_not_applied() {
    let cmp = Cmp::setup("profile");
    let out = cmp.generate(
        "with-profile",
        &[
            ("ARGOCD_APP_NAMESPACE", "apim-edge"),
            ("PARAM_PROFILE", "profile.yaml"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let got = docs(&text(&out.stdout));
    assert!(got.iter().all(|d| d["kind"] != "Profile"));
    // The Gateway names its namespace: the destination's does not replace it.
    assert!(
        got.iter()
            .all(|d| d["metadata"]["namespace"] == "apim-west")
    );
    let render = shgw(&[
        "render",
        "-f",
        &cmp.repo
            .join("with-profile/gateway.yaml")
            .display()
            .to_string(),
        "--profile",
        &cmp.repo
            .join("with-profile/profile.yaml")
            .display()
            .to_string(),
        "-o",
        "json",
    ]);
    assert_eq!(render.status.code(), Some(0), "{}", text(&render.stderr));
    let expected: Value = serde_json::from_str(&text(&render.stdout)).unwrap();
    assert_eq!(Value::Array(got), expected["items"]);
}

#[test]
fn generate_builds_a_kustomization_app_like_build() {
    let cmp = Cmp::setup("kustomization");
    let out = cmp.generate(
        "examples/argocd/apps/west-prod",
        &[
            ("ARGOCD_APP_NAMESPACE", "apim-west"),
            ("ARGOCD_ENV_PROFILE", "production"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let build = shgw(&["build", "examples/argocd/apps/west-prod"]);
    assert_eq!(build.status.code(), Some(0), "{}", text(&build.stderr));
    assert_eq!(text(&out.stdout), text(&build.stdout));
    // Renewal is on: the token Secret is empty and carries what keeps GitOps off its data.
    let objects = docs(&text(&out.stdout));
    let secret = objects
        .iter()
        .find(|d| d["kind"] == "Secret")
        .expect("the token Secret");
    assert!(secret.get("data").is_none() && secret.get("stringData").is_none());
    let ann = &secret["metadata"]["annotations"];
    assert_eq!(ann["kustomize.toolkit.fluxcd.io/ssa"], "IfNotPresent");
    assert_eq!(ann["kustomize.toolkit.fluxcd.io/prune"], "disabled");
    assert_eq!(ann["argocd.argoproj.io/sync-options"], "Prune=false");
    // Only that Secret carries them.
    let marked = objects
        .iter()
        .filter(|d| d["metadata"]["annotations"]["kustomize.toolkit.fluxcd.io/ssa"].is_string())
        .count();
    assert_eq!(marked, 1);
}

#[test]
fn generate_renders_for_the_clusters_kube_version() {
    let cmp = Cmp::setup("kube-version");
    let app = "examples/argocd/apps/west-prod";
    let env = [("ARGOCD_APP_NAMESPACE", "apim-west")];
    let current = cmp.generate(app, &env);
    assert_eq!(current.status.code(), Some(0), "{}", text(&current.stderr));
    // As older Argo CD versions send it (the server's minor version with its `+`), and empty
    // (Argo CD does not know): the first is rendered for 1.26, the second as for current.
    let old = cmp.generate(app, &[env[0], ("KUBE_VERSION", "1.26+")]);
    assert_eq!(old.status.code(), Some(0), "{}", text(&old.stderr));
    let build = shgw(&["build", app, "--kube-version", "1.26"]);
    assert_eq!(text(&old.stdout), text(&build.stdout));
    assert!(!text(&old.stdout).contains("unhealthyPodEvictionPolicy"));
    assert!(text(&current.stdout).contains("unhealthyPodEvictionPolicy"));
    assert!(text(&old.stderr).contains("left out for Kubernetes 1.26"));
    let unknown = cmp.generate(app, &[env[0], ("KUBE_VERSION", "")]);
    assert_eq!(unknown.stdout, current.stdout);
    // Too old: exit 1, nothing on stdout, the variable named.
    let refused = cmp.generate(app, &[env[0], ("KUBE_VERSION", "1.24")]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(refused.stdout.is_empty());
    assert!(
        text(&refused.stderr).contains("$KUBE_VERSION"),
        "{}",
        text(&refused.stderr)
    );
}

#[test]
fn failures_print_nothing_and_exit_non_zero() {
    let cmp = Cmp::setup("failures");
    for (app, env, says) in [
        ("examples/argocd/apps/broken", vec![], "spec.replicas"),
        ("bad-yaml", vec![], "gateway.yaml"),
        ("empty", vec![], "no kustomization"),
        ("no-objects", vec![], "no objects"),
        (
            "examples/argocd/apps/edge-dev",
            vec![("ARGOCD_ENV_PROFILE", "staging")],
            "ARGOCD_ENV_PROFILE",
        ),
    ] {
        let out = cmp.generate(app, &env);
        assert_eq!(out.status.code(), Some(1), "{app}: {}", text(&out.stdout));
        assert!(out.stdout.is_empty(), "{app}: {}", text(&out.stdout));
        assert!(
            text(&out.stderr).contains(says),
            "{app}: {}",
            text(&out.stderr)
        );
    }
}

/// The environment variable argocd-cmp-server sets for a plugin parameter: `PARAM_` and the
/// name in capitals, other characters than letters and digits as `_`.
fn param_var(name: &str) -> String {
    let upper: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("PARAM_{upper}")
}

#[test]
fn fail_on_is_a_parameter_and_a_plugin_env_like_the_profile() {
    let plugin =
        yaml(&std::fs::read_to_string(workspace().join("deploy/argocd/plugin.yaml")).unwrap());
    let params = plugin["spec"]["parameters"]["static"].as_array().unwrap();
    let announced = params
        .iter()
        .find(|p| p["name"] == "fail-on")
        .expect("the plugin announces a fail-on parameter");
    // Argo CD does not send announced defaults: the default shgw applies must be the one shown.
    assert_eq!(announced["string"], "error");
    let param = param_var("fail-on");
    assert_eq!(param, "PARAM_FAIL_ON");
    let cmp = Cmp::setup("fail-on");
    let refused = |app: &str, env: &[(&str, &str)], says: &str| {
        let out = cmp.generate(app, env);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{app} {env:?}: {}",
            text(&out.stderr)
        );
        assert!(
            out.stdout.is_empty(),
            "{app} {env:?}: {}",
            text(&out.stdout)
        );
        assert!(
            text(&out.stderr).contains(says),
            "{app} {env:?}: {}",
            text(&out.stderr)
        );
    };
    let built = |app: &str, env: &[(&str, &str)]| {
        let out = cmp.generate(app, env);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{app} {env:?}: {}",
            text(&out.stderr)
        );
        docs(&text(&out.stdout))
    };
    // A kustomization app: errors refuse it by default and at error; never builds it.
    refused("review-errors", &[], "--fail-on error");
    refused("review-errors", &[(&param, "error")], "SHGW");
    let objects = built("review-errors", &[("ARGOCD_ENV_FAIL_ON", "never")]);
    let deployment = objects.iter().find(|d| d["kind"] == "Deployment").unwrap();
    assert_eq!(deployment["spec"]["replicas"], 1);
    // The parameter wins over the plugin env.
    refused(
        "review-errors",
        &[(&param, "error"), ("ARGOCD_ENV_FAIL_ON", "never")],
        "SHGW",
    );
    built(
        "review-errors",
        &[(&param, "never"), ("ARGOCD_ENV_FAIL_ON", "error")],
    );
    // A directory app with one warning: built by default, refused at warning.
    let objects = built("warned", &[]);
    assert!(objects.iter().any(|d| d["kind"] == "Deployment"));
    refused("warned", &[(&param, "warning")], "fail-on warning");
    refused(
        "warned",
        &[("ARGOCD_ENV_FAIL_ON", "warning")],
        "fail-on warning",
    );
    // An unknown level names where it was read and what is allowed.
    refused(
        "warned",
        &[(&param, "sometimes")],
        "$PARAM_FAIL_ON: unknown fail-on level \"sometimes\"; use error, warning or never",
    );
}

#[test]
fn the_sidecar_component_patches_argocd_repo_server() {
    let Some(kubectl) = shgw_testkit::tool("kubectl") else {
        return;
    };
    let dir = shgw_testkit::scratch("argocd-sidecar");
    copy_tree(&workspace().join("deploy/argocd"), &dir.join("shgw"));
    // The parts of Argo CD's install the patch relies on: the repo server and its volumes.
    std::fs::write(
        dir.join("repo-server.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: argocd-repo-server, namespace: argocd}\nspec:\n  selector: {matchLabels: {app.kubernetes.io/name: argocd-repo-server}}\n  template:\n    metadata: {labels: {app.kubernetes.io/name: argocd-repo-server}}\n    spec:\n      containers:\n      - {name: argocd-repo-server, image: quay.io/argoproj/argocd:v3.1.0}\n      volumes:\n      - {name: var-files, emptyDir: {}}\n      - {name: plugins, emptyDir: {}}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("kustomization.yaml"),
        "namespace: argocd\nresources: [repo-server.yaml]\ncomponents: [shgw]\n",
    )
    .unwrap();
    let out = Command::new(&kubectl)
        .args(["kustomize", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let objects = docs(&text(&out.stdout));
    let cm = objects.iter().find(|d| d["kind"] == "ConfigMap").unwrap();
    assert_eq!(cm["metadata"]["name"], "shgw-cmp-plugin");
    assert_eq!(
        cm["data"]["plugin.yaml"],
        std::fs::read_to_string(workspace().join("deploy/argocd/plugin.yaml")).unwrap()
    );
    let pod =
        &objects.iter().find(|d| d["kind"] == "Deployment").unwrap()["spec"]["template"]["spec"];
    let sidecar = pod["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "shgw")
        .unwrap();
    assert_eq!(sidecar["command"][0], "/var/run/argocd/argocd-cmp-server");
    assert_eq!(sidecar["securityContext"]["runAsUser"], 999);
    assert_eq!(sidecar["securityContext"]["runAsNonRoot"], true);
    let mounts: Vec<&str> = sidecar["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mountPath"].as_str().unwrap())
        .collect();
    for path in [
        "/var/run/argocd",
        "/home/argocd/cmp-server/plugins",
        "/home/argocd/cmp-server/config/plugin.yaml",
        "/tmp",
    ] {
        assert!(mounts.contains(&path), "{path} not in {mounts:?}");
    }
    // Every mount names a volume of the pod.
    let volumes: Vec<&str> = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    for m in sidecar["volumeMounts"].as_array().unwrap() {
        assert!(volumes.contains(&m["name"].as_str().unwrap()), "{m}");
    }
    // And the API server's schema accepts the result.
    if let Some(kv) = shgw_testkit::tool("kubernetes-validate") {
        let file = dir.join("built.yaml");
        std::fs::write(&file, &out.stdout).unwrap();
        let v = Command::new(kv)
            .args(["--strict", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(
            v.status.code(),
            Some(0),
            "{}{}",
            text(&v.stdout),
            text(&v.stderr)
        );
    }
}
