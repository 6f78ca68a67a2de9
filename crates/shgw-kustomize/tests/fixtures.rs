//! One runner for every fixture directory: `tests/fixtures/<case>/` of this crate and the
//! reductions in `$SHGW_CORPUS_DIR/kustomize-repros/<case>/` (skipped when unset). Each case is a kustomization with
//! its inputs and either `expected.yaml` (what `kubectl kustomize` prints) or
//! `expected.err` (its error message, `error: ` removed and the case's absolute path
//! written `$DIR`).
//!
//! The engine's output must equal `expected.yaml` byte for byte; for an error case, the
//! engine's message must contain kubectl's message (the engine may add where it happened),
//! or, where the engine deliberately refuses what kubectl accepts or crashes on, the text
//! of `expected.shgw.err` (kubectl is then still checked against its own expectation).
//! When kubectl is installed, every fixture is also re-verified against it, so an
//! expectation can never drift from the real tool. `FIXTURE=<substring>` runs a subset.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    clippy::panic,
    missing_docs
)]

use shgw_kustomize::{BuildOptions, build};
use std::path::{Path, PathBuf};
use std::process::Command;

fn own_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn cases_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    let only = std::env::var("FIXTURE").ok();
    out.retain(|p| {
        only.as_deref()
            .is_none_or(|o| p.to_string_lossy().contains(o))
    });
    out
}

/// What a case expects.
enum Expected {
    Yaml(String),
    Err(String),
}

fn expected(case: &Path) -> Expected {
    if let Ok(y) = std::fs::read_to_string(case.join("expected.yaml")) {
        return Expected::Yaml(y);
    }
    match std::fs::read_to_string(case.join("expected.err")) {
        Ok(e) => Expected::Err(e.trim_end().to_string()),
        Err(_) => panic!("{}: neither expected.yaml nor expected.err", case.display()),
    }
}

/// The directory a case builds: `<case>/build` when the case has one (for cases whose
/// kustomization refers to siblings), else the case itself.
fn build_dir(case: &Path) -> PathBuf {
    let sub = case.join("build");
    if sub.is_dir() {
        sub
    } else {
        case.to_path_buf()
    }
}

fn normalise(msg: &str, case: &Path) -> String {
    let abs = std::fs::canonicalize(case).unwrap();
    msg.replace(&abs.display().to_string(), "$DIR")
}

fn check_engine(case: &Path, want: &Expected) -> Result<(), String> {
    let ours = std::fs::read_to_string(case.join("expected.shgw.err"))
        .ok()
        .map(|e| Expected::Err(e.trim_end().to_string()));
    let want = ours.as_ref().unwrap_or(want);
    let got = build(&build_dir(case), &BuildOptions::default());
    match (want, got) {
        (Expected::Yaml(w), Ok(g)) if *w == g => Ok(()),
        (Expected::Yaml(w), Ok(g)) => Err(format!("--- expected\n{w}--- got\n{g}")),
        (Expected::Yaml(_), Err(e)) => Err(format!("unexpected error: {e}")),
        (Expected::Err(w), Err(e)) => {
            let msg = normalise(&e.to_string(), case);
            if msg.contains(w.as_str()) {
                Ok(())
            } else {
                Err(format!(
                    "error message differs:\n--- expected (kubectl)\n{w}\n--- got\n{msg}"
                ))
            }
        }
        (Expected::Err(w), Ok(g)) => Err(format!("expected error {w:?}, built:\n{g}")),
    }
}

fn check_kubectl(kubectl: &Path, case: &Path, want: &Expected) -> Result<(), String> {
    if matches!(want, Expected::Err(w) if w == "CRASH") {
        // kubectl panics on this input (its message is a Go stack trace).
        let out = Command::new(kubectl)
            .arg("kustomize")
            .arg(build_dir(case))
            .output();
        return match out {
            Ok(o)
                if !o.status.success() && String::from_utf8_lossy(&o.stderr).contains("panic:") =>
            {
                Ok(())
            }
            _ => Err("kubectl no longer crashes here".into()),
        };
    }
    let out = Command::new(kubectl)
        .arg("kustomize")
        .arg(build_dir(case))
        .output()
        .map_err(|e| format!("running kubectl: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match want {
        Expected::Yaml(w) if out.status.success() && *w == stdout => Ok(()),
        Expected::Err(w) if !out.status.success() => {
            // kubectl prints deprecation warnings (`# Warning: ...`) and klog lines
            // (`I1201 16:37:10.779450 ...`) before the error.
            let klog = |l: &str| {
                let b = l.as_bytes();
                b.len() > 5 && b"IWE".contains(&b[0]) && b[1..5].iter().all(u8::is_ascii_digit)
            };
            let text: Vec<&str> = stderr
                .lines()
                .filter(|l| !l.starts_with("# ") && !klog(l))
                .collect();
            let text = text.join("\n");
            let msg = normalise(text.trim_end().trim_start_matches("error: "), case);
            if msg == *w {
                Ok(())
            } else {
                Err(format!("kubectl's message is now:\n{msg}"))
            }
        }
        _ => Err(format!(
            "kubectl disagrees with the fixture (exit {}):\n{stdout}{stderr}",
            out.status
        )),
    }
}

/// Shared reductions the engine does not build like kubectl yet (the test fails when one
/// of them starts to pass, so the list cannot go stale).
const PENDING: &[&str] = &[];

fn is_pending(case: &Path) -> bool {
    case.file_name()
        .is_some_and(|n| PENDING.contains(&n.to_string_lossy().as_ref()))
}

fn run(cases: &[PathBuf]) {
    let kubectl = shgw_testkit::tool("kubectl");
    let mut failures = Vec::new();
    for case in cases {
        let want = expected(case);
        match (check_engine(case, &want), is_pending(case)) {
            (Err(why), false) => failures.push(format!("{}: {why}", case.display())),
            (Ok(()), true) => failures.push(format!(
                "{}: passes now; remove it from PENDING",
                case.display()
            )),
            _ => {}
        }
        if let Some(k) = &kubectl
            && let Err(why) = check_kubectl(k, case, &want)
        {
            failures.push(format!(
                "{} (re-verified with kubectl): {why}",
                case.display()
            ));
        }
    }
    eprintln!(
        "{} fixtures, {} failures{}",
        cases.len(),
        failures.len(),
        if kubectl.is_some() {
            ", re-verified with kubectl"
        } else {
            ""
        }
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn own_fixtures_match_kubectl() {
    let cases = cases_in(&own_fixtures());
    assert!(
        !cases.is_empty() || std::env::var_os("FIXTURE").is_some(),
        "no fixtures found in {}",
        own_fixtures().display()
    );
    run(&cases);
}

#[test]
fn shared_reductions_match_kubectl() {
    // `$SHGW_CORPUS_DIR/kustomize-repros` (shared/ in CI).
    let Some(dir) = shgw_testkit::corpus("kustomize-repros") else {
        return;
    };
    run(&cases_in(&dir));
}
