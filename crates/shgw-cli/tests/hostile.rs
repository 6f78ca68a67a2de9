//! Hostile input through the binary's doors: symlinks out of a kustomization through
//! `shgw build DIR` and `shgw review DIR`, map keys that go-yaml cannot order through
//! `build`, `import` and `render`, oversized and malformed tokens, and stdout that cannot be
//! written (a full disk, a closed pipe).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use shgw_testkit::text;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn shgw_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shgw"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn scratch(tag: &str) -> PathBuf {
    shgw_testkit::scratch(&format!("cli-hostile-{tag}"))
}

fn write(path: &Path, content: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

const SECRET: &str = "password=hunter2-do-not-leak\n";

/// A kustomization file that is a symlink to a secret elsewhere is never read, through any
/// command that builds a tree, and kubectl refuses it too.
#[test]
fn a_kustomization_linking_out_is_refused_by_build_and_review() {
    let dir = scratch("link");
    write(&dir.join("outside/secret.env"), SECRET);
    for case in ["top", "base"] {
        let root = dir.join(case);
        let kfile = if case == "top" {
            root.join("kustomization.yaml")
        } else {
            write(&root.join("kustomization.yaml"), "resources:\n- base\n");
            root.join("base/kustomization.yaml")
        };
        std::fs::create_dir_all(kfile.parent().unwrap()).unwrap();
        symlink(dir.join("outside/secret.env"), &kfile).unwrap();
        for args in [
            vec!["build", root.to_str().unwrap()],
            vec!["review", root.to_str().unwrap()],
        ] {
            let out = shgw_in(&dir, &args);
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
            assert!(out.stdout.is_empty(), "{args:?}");
            assert!(!err.contains("hunter2"), "{args:?}: {err}");
            assert!(err.contains("unable to find one of"), "{args:?}: {err}");
        }
        if let Some(k) = shgw_testkit::tool("kubectl") {
            let out = Command::new(k)
                .arg("kustomize")
                .arg(&root)
                .output()
                .unwrap();
            assert!(!out.status.success(), "kubectl built {case}");
        }
    }
}

/// Keys on which go-yaml's comparison is not transitive: every command prints them, in one
/// order whatever order they came in.
#[test]
fn keys_go_yaml_cannot_order_do_not_panic() {
    let dir = scratch("keys");
    let keys = [
        "10", "1b", "2", "2B", "20", "3", "1c", "11", "1a", "100", "1d", "30", "3a", "4", "40",
        "4a", "5", "50", "5a", "6", "60", "6a", "7", "70", "7a",
    ];
    let mut outputs = Vec::new();
    for (n, order) in [keys.to_vec(), keys.iter().rev().copied().collect()]
        .into_iter()
        .enumerate()
    {
        let data: String = order.iter().map(|k| format!("  \"{k}\": x\n")).collect();
        let root = dir.join(format!("k{n}"));
        write(
            &root.join("cm.yaml"),
            &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n{data}"),
        );
        write(&root.join("kustomization.yaml"), "resources: [cm.yaml]\n");
        let out = shgw_in(&dir, &["build", root.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        outputs.push(text(&out.stdout));
        // The portal's file with those keys in its ConfigMap: import, then render.
        let portal = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/portal/contoso-west.yml"),
        )
        .unwrap()
        .replacen("\ndata:\n", &format!("\ndata:\n{data}"), 1);
        write(&root.join("portal.yml"), &portal);
        let out = shgw_in(&root, &["import", "portal.yml"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        write(&root.join("gw.yaml"), &text(&out.stdout));
        let out = shgw_in(&root, &["render", "-f", "gw.yaml", "--profile", "dev"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains("1b: x"));
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn tokens_are_bounded_and_their_parts_checked() {
    let dir = scratch("tokens");
    let huge = format!("GatewayKey gw&202701010000&{}\n", "A".repeat(10 << 20));
    write(&dir.join("huge"), &huge);
    write(
        &dir.join("escape"),
        "GatewayKey g\u{1b}[2Jw&202701010000&c2ln\n",
    );
    write(&dir.join("far"), "GatewayKey gw&999912312359&c2ln\n");
    let out = shgw_in(&dir, &["token", "inspect", "--token-file", "huge"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("more than the 4096"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).len() < 300);
    let out = shgw_in(&dir, &["token", "inspect", "--token-file", "escape"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!out.stderr.contains(&0x1b) && out.stdout.is_empty());
    let out = shgw_in(&dir, &["token", "inspect", "--token-file", "far"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("9999-12-31T23:59:00Z"));
    // Rendering a Secret from a huge token is refused too.
    let out = shgw_in(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .as_path(),
        &[
            "render",
            "-f",
            "examples/minimal.yaml",
            "--token-file",
            dir.join("huge").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn a_full_disk_is_reported() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let out = Command::new(env!("CARGO_BIN_EXE_shgw"))
        .arg("render")
        .stdin(Stdio::null())
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("error: writing to standard output: No space left on device"),
        "{err}"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shgw"))
        .args(["render", "--profile", "dev"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert!(!err.contains("writing to standard output"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(matches!(out.status.code(), Some(0 | 1)), "{:?}", out.status);
}
