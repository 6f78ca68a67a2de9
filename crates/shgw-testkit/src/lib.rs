//! Helpers for the workspace's tests (a dev-dependency only).
//!
//! External judges (kubectl, kubernetes-validate, checkov, yamllint) are looked up first in
//! `/opt/validators/bin`, where `tools/install-validators.sh` puts the pinned versions,
//! then on `PATH`. When one
//! is missing, [`tool`] prints a visible SKIPPED line and returns `None`, unless
//! `SHGW_REQUIRE_TOOLS=1` (set by CI), where it panics so the run fails.
#![allow(clippy::print_stderr, clippy::panic)]

mod apiserver;
pub use apiserver::ApiServer;

use std::path::{Path, PathBuf};

/// The environment variable that turns a missing tool into a failure.
pub const REQUIRE_TOOLS: &str = "SHGW_REQUIRE_TOOLS";

/// The path of an external tool, or `None` (after a SKIPPED message) when it is missing.
pub fn tool(name: &str) -> Option<PathBuf> {
    let path_dirs = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    // The pinned install comes first: a machine may carry another kubectl (this one has
    // v1.32 with kustomize 5.5 in /usr/bin), and the reference is kustomize 5.8.1.
    let found = [PathBuf::from("/opt/validators/bin")]
        .into_iter()
        .chain(path_dirs)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        if std::env::var(REQUIRE_TOOLS).is_ok_and(|v| v == "1") {
            panic!(
                "{name} is required ({REQUIRE_TOOLS}=1) but was not found; run tools/install-validators.sh"
            );
        }
        eprintln!(
            "SKIPPED: {name} not found on PATH or in /opt/validators/bin; install it with tools/install-validators.sh"
        );
    }
    found
}

/// The environment variable naming the folder that holds the corpora kept outside the
/// repository (`peer-corpus/`, `kustomize-repros/`; CI points it at `shared/`).
pub const CORPUS_DIR: &str = "SHGW_CORPUS_DIR";

/// `$SHGW_CORPUS_DIR/<sub>`, the folder of a corpus kept outside the repository, or `None`
/// (after a SKIPPED message naming the variable) when the variable is unset or the folder is
/// missing; under `SHGW_REQUIRE_TOOLS=1` it panics instead, so CI cannot skip it.
pub fn corpus(sub: &str) -> Option<PathBuf> {
    let dir = std::env::var_os(CORPUS_DIR).map(|d| PathBuf::from(d).join(sub));
    let why = match &dir {
        Some(d) if d.is_dir() => return dir,
        Some(d) => format!("{} is not a folder", d.display()),
        None => format!("{CORPUS_DIR} is not set"),
    };
    if std::env::var(REQUIRE_TOOLS).is_ok_and(|v| v == "1") {
        panic!(
            "corpus {sub} is required ({REQUIRE_TOOLS}=1) but {why}; set {CORPUS_DIR} to the folder holding it"
        );
    }
    eprintln!("SKIPPED: corpus {sub}: {why}; set {CORPUS_DIR} to the folder holding it (shared/)");
    None
}

/// A fresh, empty folder under the system temp folder, unique to this process and `tag`.
pub fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shgw-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Runs `cmd` with `stdin` piped in (nothing when `None`) and its output captured.
///
/// # Panics
/// When the program cannot be started: the test cannot go on.
pub fn run_with_stdin(
    cmd: &mut std::process::Command,
    stdin: Option<&str>,
) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = match cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!("cannot start {:?}: {e}", cmd.get_program()),
    };
    if let Some(mut input) = child.stdin.take()
        && let Some(text) = stdin
    {
        let _ = input.write_all(text.as_bytes());
    }
    match child.wait_with_output() {
        Ok(o) => o,
        Err(e) => panic!("{:?}: {e}", cmd.get_program()),
    }
}

/// A rendered object as the v1.20 test API server takes it: the kinds it serves only as beta
/// moved to their beta versions, the fields added after 1.20 removed, and `None` for the
/// Prometheus Operator kinds it does not know (no CRDs are installed there).
pub fn lowered_for_v1_20(mut v: serde_json::Value) -> Option<serde_json::Value> {
    use serde_json::Value;
    let kind = v["kind"].as_str().unwrap_or_default().to_owned();
    let drop_field = |v: &mut Value, pointer: &str, field: &str| {
        if let Some(map) = v.pointer_mut(pointer).and_then(Value::as_object_mut) {
            map.remove(field);
        }
    };
    match kind.as_str() {
        "PodMonitor" | "PrometheusRule" => return None,
        "HorizontalPodAutoscaler" => v["apiVersion"] = "autoscaling/v2beta2".into(),
        "PodDisruptionBudget" => {
            v["apiVersion"] = "policy/v1beta1".into();
            drop_field(&mut v, "/spec", "unhealthyPodEvictionPolicy");
        }
        "CronJob" => {
            v["apiVersion"] = "batch/v1beta1".into();
            drop_field(&mut v, "/spec", "timeZone");
        }
        "Deployment" => {
            let n = v
                .pointer("/spec/template/spec/topologySpreadConstraints")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            for i in 0..n {
                drop_field(
                    &mut v,
                    &format!("/spec/template/spec/topologySpreadConstraints/{i}"),
                    "matchLabelKeys",
                );
            }
        }
        _ => {}
    }
    Some(v)
}

/// `kubectl kustomize` of a scratch kustomization in `dir` (created if needed) whose one
/// resource file `all.yaml` holds `resources`: kubectl's re-print of them. Panics, with kubectl's
/// message, when kubectl fails (a test helper).
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
pub fn kubectl_reprint(kubectl: &Path, dir: &Path, resources: &str) -> String {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("all.yaml"), resources).unwrap();
    std::fs::write(dir.join("kustomization.yaml"), "resources:\n- all.yaml\n").unwrap();
    let out = std::process::Command::new(kubectl)
        .arg("kustomize")
        .arg(dir)
        .output()
        .expect("kubectl runs");
    if !out.status.success() {
        panic!(
            "kubectl kustomize {}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).expect("kubectl prints UTF-8")
}

/// The workspace's root folder (where `examples/` and `profiles/` are), for tests that run the
/// binary or read the repository's files.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Output bytes as text (invalid UTF-8 shown as U+FFFD), for assertions and messages.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
