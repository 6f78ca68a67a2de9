//! Hostile trees, built by the engine and by real `kubectl kustomize` (kustomize v5.8.1):
//! symlinks leading out of a kustomization root (the kustomization file itself, in a base, in
//! a component, resources, generator files), text that is not UTF-8 or holds control
//! characters, and chains of bases thousands of levels deep.
//!
//! Git holds symlinks and stray bytes poorly, so each tree is made here at run time. For each
//! case the engine must accept exactly what kubectl accepts (with byte-identical output) and
//! refuse what it refuses; a refusal must name the file and, for bad bytes, the line and
//! column, and must never quote the content of a file it refused (the planted secret).
//! kubectl is run on every case when installed (SKIPPED otherwise, a failure with
//! `SHGW_REQUIRE_TOOLS=1`); what it did when these cases were written is in each case's
//! comment.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    clippy::panic,
    missing_docs
)]

use shgw_kustomize::{BuildOptions, ErrorKind, build};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The content of the file outside the roots that the symlinks point at.
const SECRET: &str = "password=hunter2-do-not-leak\n";
const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leaked\ndata:\n  k: v\n";

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn link(target: &Path, at: &Path) {
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    symlink(target, at).unwrap();
}

/// What a case must do.
enum Want {
    /// Build, with this text in the output.
    Builds(&'static str),
    /// Fail with this kind; the message holds every listed piece.
    Fails(ErrorKind, &'static [&'static str]),
}

struct Case {
    name: &'static str,
    /// Makes the tree under the case folder (with `outside` holding the secret) and returns
    /// the folder to build.
    make: fn(case: &Path, outside: &Path) -> PathBuf,
    want: Want,
}

fn cases() -> Vec<Case> {
    vec![
        // kubectl: "unable to find one of 'kustomization.yaml', ... in directory '<case>'".
        Case {
            name: "top-kustomization-links-to-a-secret",
            make: |c, o| {
                link(&o.join("secret.env"), &c.join("kustomization.yaml"));
                c.to_path_buf()
            },
            want: Want::Fails(ErrorKind::OutsideRoot, &["unable to find one of"]),
        },
        // kubectl: refuses it as above, although the target is a valid kustomization.
        Case {
            name: "top-kustomization-links-to-a-valid-one-elsewhere",
            make: |c, o| {
                link(
                    &o.join("app/kustomization.yaml"),
                    &c.join("kustomization.yaml"),
                );
                c.to_path_buf()
            },
            want: Want::Fails(ErrorKind::OutsideRoot, &["unable to find one of"]),
        },
        // kubectl: "... '<case>/base' must resolve to a file': couldn't make target for path
        // '<case>/base': unable to find one of ...".
        Case {
            name: "base-kustomization-links-to-a-secret",
            make: |c, o| {
                write(&c.join("kustomization.yaml"), "resources:\n- base\n");
                link(&o.join("secret.env"), &c.join("base/kustomization.yaml"));
                c.to_path_buf()
            },
            want: Want::Fails(ErrorKind::OutsideRoot, &["unable to find one of"]),
        },
        // kubectl: "accumulating components: ... unable to find one of ...".
        Case {
            name: "component-kustomization-links-to-a-secret",
            make: |c, o| {
                write(&c.join("kustomization.yaml"), "components:\n- comp\n");
                link(&o.join("secret.env"), &c.join("comp/kustomization.yaml"));
                c.to_path_buf()
            },
            want: Want::Fails(ErrorKind::Invalid, &["unable to find one of"]),
        },
        // kubectl: "security; file '<case>/cm.yaml' is not in or below '<case>'".
        Case {
            name: "resource-links-out-of-the-root",
            make: |c, o| {
                write(&c.join("kustomization.yaml"), "resources:\n- cm.yaml\n");
                link(&o.join("app/cm.yaml"), &c.join("cm.yaml"));
                c.to_path_buf()
            },
            want: Want::Fails(ErrorKind::OutsideRoot, &["security; file", "cm.yaml"]),
        },
        // kubectl: the same refusal through a symlinked folder on the way.
        Case {
            name: "resource-through-a-linked-folder",
            make: |c, o| {
                write(&c.join("kustomization.yaml"), "resources:\n- sub/cm.yaml\n");
                link(&o.join("app"), &c.join("sub"));
                c.to_path_buf()
            },
            want: Want::Fails(ErrorKind::OutsideRoot, &["security; file"]),
        },
        // kubectl: "security; file ... is not in or below ..." for an env file.
        Case {
            name: "env-file-links-to-a-secret",
            make: |c, o| {
                write(
                    &c.join("kustomization.yaml"),
                    "configMapGenerator:\n- name: c\n  envs: [a.env]\n",
                );
                link(&o.join("secret.env"), &c.join("a.env"));
                c.to_path_buf()
            },
            want: Want::Fails(ErrorKind::OutsideRoot, &["security; file"]),
        },
        // kubectl: the same for a `files:` entry.
        Case {
            name: "generator-file-links-to-a-secret",
            make: |c, o| {
                write(
                    &c.join("kustomization.yaml"),
                    "secretGenerator:\n- name: s\n  files: [key]\n",
                );
                link(&o.join("secret.env"), &c.join("key"));
                c.to_path_buf()
            },
            want: Want::Fails(ErrorKind::OutsideRoot, &["security; file"]),
        },
        // kubectl: a base folder may lie anywhere (a symlink to it too); it builds.
        Case {
            name: "base-folder-links-elsewhere",
            make: |c, o| {
                write(&c.join("kustomization.yaml"), "resources:\n- base\n");
                link(&o.join("app"), &c.join("base"));
                c.to_path_buf()
            },
            want: Want::Builds("name: leaked"),
        },
        // kubectl: a kustomization file linking to a file inside its own folder builds (its
        // entries relative to the folder of the link).
        Case {
            name: "kustomization-links-inside-its-folder",
            make: |c, _| {
                write(&c.join("real/k.yaml"), "resources:\n- cm.yaml\n");
                write(&c.join("cm.yaml"), CM);
                link(Path::new("real/k.yaml"), &c.join("kustomization.yaml"));
                c.to_path_buf()
            },
            want: Want::Builds("name: leaked"),
        },
        // kubectl: "new root '/…' cannot be absolute" for a base, and for a component.
        Case {
            name: "absolute-base",
            make: |c, o| {
                write(
                    &c.join("kustomization.yaml"),
                    format!("resources:\n- {}\n", o.join("app").display()),
                );
                c.to_path_buf()
            },
            want: Want::Fails(ErrorKind::Invalid, &["cannot be absolute"]),
        },
        Case {
            name: "absolute-component",
            make: |c, _| {
                write(
                    &c.join("comp/kustomization.yaml"),
                    "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
                );
                write(
                    &c.join("kustomization.yaml"),
                    format!("components:\n- {}\n", c.join("comp").display()),
                );
                c.to_path_buf()
            },
            want: Want::Fails(ErrorKind::Invalid, &["cannot be absolute"]),
        },
        // kubectl: "cycle detected: candidate root '…' contains visited root '…'" for a base
        // that is a symlink to the folder above.
        Case {
            name: "base-links-to-its-parent",
            make: |c, _| {
                write(&c.join("k/kustomization.yaml"), "resources:\n- base\n");
                link(Path::new(".."), &c.join("k/base"));
                c.join("k")
            },
            want: Want::Fails(ErrorKind::Invalid, &["cycle detected"]),
        },
        // kubectl: "MalformedYAMLError: yaml: invalid trailing UTF-8 octet in File: cm.yaml".
        Case {
            name: "resource-latin1-quoted",
            make: |c, _| {
                write(&c.join("kustomization.yaml"), "resources:\n- cm.yaml\n");
                write(
                    &c.join("cm.yaml"),
                    b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: \"caf\xe9\"\n",
                );
                c.to_path_buf()
            },
            want: Want::Fails(
                ErrorKind::MalformedYaml,
                &[
                    "invalid trailing UTF-8 octet (line 6, column 10)",
                    "cm.yaml",
                ],
            ),
        },
        // kubectl: "MalformedYAMLError: yaml: incomplete UTF-8 octet sequence in File: cm.yaml".
        Case {
            name: "resource-latin1-at-the-end",
            make: |c, _| {
                write(&c.join("kustomization.yaml"), "resources:\n- cm.yaml\n");
                write(
                    &c.join("cm.yaml"),
                    b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: caf\xe9\n",
                );
                c.to_path_buf()
            },
            want: Want::Fails(
                ErrorKind::MalformedYaml,
                &["incomplete UTF-8 octet sequence (line 6, column 9)"],
            ),
        },
        // kubectl: "MalformedYAMLError: yaml: invalid leading UTF-8 octet" (a lone
        // continuation byte in a comment).
        Case {
            name: "resource-stray-byte-in-a-comment",
            make: |c, _| {
                write(&c.join("kustomization.yaml"), "resources:\n- cm.yaml\n");
                write(
                    &c.join("cm.yaml"),
                    b"# \x80\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
                );
                c.to_path_buf()
            },
            want: Want::Fails(
                ErrorKind::MalformedYaml,
                &["invalid leading UTF-8 octet (line 1, column 3)"],
            ),
        },
        // kubectl: "invalid Kustomization: yaml: invalid trailing UTF-8 octet".
        Case {
            name: "kustomization-latin1",
            make: |c, _| {
                write(&c.join("kustomization.yaml"), b"namePrefix: caf\xe9-\n");
                c.to_path_buf()
            },
            want: Want::Fails(
                ErrorKind::InvalidKustomization,
                &["invalid trailing UTF-8 octet (line 1, column 16)"],
            ),
        },
        // kubectl: "env source files: [a.env]: line [...] has invalid utf8 bytes : k=caf\xe9"
        // (it quotes the line; an env file holds secrets, so the engine gives its number).
        Case {
            name: "env-file-latin1",
            make: |c, _| {
                write(
                    &c.join("kustomization.yaml"),
                    "configMapGenerator:\n- name: c\n  envs: [a.env]\n",
                );
                write(&c.join("a.env"), b"a=1\nk=caf\xe9\n");
                c.to_path_buf()
            },
            want: Want::Fails(
                ErrorKind::Invalid,
                &["[a.env]: line 2 has invalid utf8 bytes (at column 6"],
            ),
        },
        // kubectl: a `files:` entry that is not UTF-8 becomes binaryData.
        Case {
            name: "generator-binary-file",
            make: |c, _| {
                write(
                    &c.join("kustomization.yaml"),
                    "configMapGenerator:\n- name: c\n  files: [a.bin]\n",
                );
                write(&c.join("a.bin"), b"caf\xe9\n");
                c.to_path_buf()
            },
            want: Want::Builds("a.bin: Y2Fm6Qo="),
        },
        // kubectl: "MalformedYAMLError: yaml: control characters are not allowed" for C0,
        // DEL, C1, ESC and U+FFFE in a resource.
        Case {
            name: "resource-control-characters",
            make: |c, _| {
                write(&c.join("kustomization.yaml"), "resources:\n- cm.yaml\n");
                write(
                    &c.join("cm.yaml"),
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: a\u{1b}[31mb\n",
                );
                c.to_path_buf()
            },
            want: Want::Fails(ErrorKind::MalformedYaml, &["(line 6, column 6)"]),
        },
        Case {
            name: "resource-c1-character",
            make: |c, _| {
                write(&c.join("kustomization.yaml"), "resources:\n- cm.yaml\n");
                write(
                    &c.join("cm.yaml"),
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: a\u{9b}b\n",
                );
                c.to_path_buf()
            },
            want: Want::Fails(ErrorKind::MalformedYaml, &["(line 6, column 6)"]),
        },
        // kubectl: control characters in env values and `files:` are data; it builds them
        // (escaped in double quotes).
        Case {
            name: "env-value-control-characters",
            make: |c, _| {
                write(
                    &c.join("kustomization.yaml"),
                    "configMapGenerator:\n- name: c\n  envs: [a.env]\n",
                );
                write(&c.join("a.env"), "k=a\u{1}b\u{1b}[0m\n");
                c.to_path_buf()
            },
            want: Want::Builds("k: \"a\\x01b\\e[0m\""),
        },
    ]
}

fn kubectl_outcome(kubectl: &Path, dir: &Path) -> Result<String, String> {
    let out = Command::new(kubectl)
        .arg("kustomize")
        .arg(dir)
        .output()
        .expect("running kubectl");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn hostile_trees_are_refused_like_kubectl_refuses_them() {
    let kubectl = shgw_testkit::tool("kubectl");
    let scratch = shgw_testkit::scratch("hostile");
    let outside = scratch.join("outside");
    write(&outside.join("secret.env"), SECRET);
    write(&outside.join("app/cm.yaml"), CM);
    write(
        &outside.join("app/kustomization.yaml"),
        "resources:\n- cm.yaml\n",
    );
    let mut failures = Vec::new();
    for case in cases() {
        let dir = (case.make)(&scratch.join(case.name), &outside);
        let got = build(&dir, &BuildOptions::default());
        match (&case.want, &got) {
            (Want::Builds(text), Ok(yaml)) if yaml.contains(text) => {}
            (Want::Fails(kind, pieces), Err(e)) => {
                let msg = e.to_string();
                if e.kind() != *kind {
                    failures.push(format!("{}: kind {:?}: {msg}", case.name, e.kind()));
                }
                if msg.contains("hunter2") || msg.contains("caf") {
                    failures.push(format!(
                        "{}: the error quotes a refused file: {msg}",
                        case.name
                    ));
                }
                if let Some(p) = pieces.iter().find(|p| !msg.contains(*p)) {
                    failures.push(format!("{}: {p:?} missing from: {msg}", case.name));
                }
            }
            _ => failures.push(format!("{}: got {got:?}", case.name)),
        }
        if let Ok(yaml) = &got
            && yaml.contains("hunter2")
        {
            failures.push(format!("{}: the secret is in the output", case.name));
        }
        if let Some(k) = &kubectl {
            match (kubectl_outcome(k, &dir), &got) {
                (Ok(theirs), Ok(ours)) if theirs == *ours => {}
                (Err(_), Err(_)) => {}
                (theirs, ours) => failures.push(format!(
                    "{}: kubectl {theirs:?}, engine {ours:?}",
                    case.name
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A chain of `n` kustomizations, `l0` -> `../l1` -> ... -> a ConfigMap.
fn chain(root: &Path, n: usize) -> PathBuf {
    for i in 0..n {
        let k = if i + 1 < n {
            format!("resources:\n- ../l{}\n", i + 1)
        } else {
            "resources:\n- cm.yaml\n".to_string()
        };
        write(&root.join(format!("l{i}/kustomization.yaml")), k);
    }
    write(&root.join(format!("l{}/cm.yaml", n - 1)), CM);
    root.join("l0")
}

#[test]
fn a_chain_of_two_thousand_bases_builds_like_kubectl() {
    let scratch = shgw_testkit::scratch("deep-2000");
    let top = chain(&scratch, 2000);
    let ours = build(&top, &BuildOptions::default()).unwrap();
    assert!(ours.ends_with("name: leaked\n"), "{ours}");
    if let Some(k) = shgw_testkit::tool("kubectl") {
        assert_eq!(kubectl_outcome(&k, &top), Ok(ours));
    }
}

#[test]
fn a_chain_past_the_limit_is_refused() {
    let scratch = shgw_testkit::scratch("deep-limit");
    let n = shgw_kustomize::MAX_DEPTH + 1;
    let top = chain(&scratch, n);
    let e = build(&top, &BuildOptions::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    let msg = e.to_string();
    assert!(
        msg.contains(&format!("l{}", n - 1))
            && msg.contains(&format!("{n} levels deep, beyond the limit of 5000")),
        "{msg}"
    );
    // One line, not one wrapper per level.
    assert!(msg.len() < 500, "{} bytes", msg.len());
}

#[test]
fn an_error_deep_in_a_chain_is_one_error() {
    let scratch = shgw_testkit::scratch("deep-error");
    let top = chain(&scratch, 1500);
    write(&scratch.join("l1499/cm.yaml"), "a: [\n");
    let e = build(&top, &BuildOptions::default()).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with(
            "accumulating resources from '../l1': accumulating resources from '../l2': "
        ),
        "{}",
        &msg[..200]
    );
    assert_eq!(e.entry(), Some("cm.yaml"));
    assert_eq!(e.kind(), ErrorKind::MalformedYaml);
}

/// A character in a value, from an env file, a literal, a `files:` entry or a resource: kubectl
/// refuses DEL, the C1 controls but NEL, U+FFFE and U+FFFF wherever they come from (it prints
/// through a JSON-to-YAML trip whose reader refuses them), prints a NEL folded into a space,
/// and prints the rest escaped. The refused set below is what kubectl v1.37.1 refused.
#[test]
fn control_characters_in_values_are_refused_like_kubectl() {
    let kubectl = shgw_testkit::tool("kubectl");
    let scratch = shgw_testkit::scratch("controls");
    let refused = |cp: u32| matches!(cp, 0x7f..=0x84 | 0x86..=0x9f | 0xfffe | 0xffff);
    let mut failures = Vec::new();
    for cp in [
        0x01, 0x1b, 0x7f, 0x80, 0x85, 0x9b, 0x9f, 0xa0, 0x2028, 0xfeff, 0xfffe, 0xffff, 0x10ffff,
    ] {
        let c = char::from_u32(cp).unwrap();
        for mode in ["env", "literal", "file", "resource"] {
            let dir = scratch.join(format!("{cp:x}-{mode}"));
            let generator = "configMapGenerator:\n- name: c\n";
            match mode {
                "env" => {
                    write(
                        &dir.join("kustomization.yaml"),
                        format!("{generator}  envs: [a.env]\n"),
                    );
                    write(&dir.join("a.env"), format!("k=a{c}b\n"));
                }
                "literal" => write(
                    &dir.join("kustomization.yaml"),
                    format!("{generator}  literals: [\"k=a\\U{cp:08x}b\"]\n"),
                ),
                "file" => {
                    write(
                        &dir.join("kustomization.yaml"),
                        format!("{generator}  files: [k]\n"),
                    );
                    write(&dir.join("k"), format!("a{c}b"));
                }
                _ => {
                    write(&dir.join("kustomization.yaml"), "resources: [cm.yaml]\n");
                    write(
                        &dir.join("cm.yaml"),
                        format!(
                            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: \"a\\U{cp:08x}b\"\n"
                        ),
                    );
                }
            }
            let got = build(&dir, &BuildOptions::default());
            match (&got, refused(cp)) {
                (Err(e), true) => {
                    let msg = e.to_string();
                    if !msg.contains(&format!("data.k: yaml: control characters are not allowed (U+{cp:04X} at character 2)")) {
                        failures.push(format!("{cp:x} {mode}: {msg}"));
                    }
                }
                (Ok(yaml), false) => {
                    if cp == 0x85 && !yaml.contains("  k: a b\n") {
                        failures.push(format!("{cp:x} {mode}: NEL not folded: {yaml}"));
                    }
                }
                _ => failures.push(format!("{cp:x} {mode}: {got:?}")),
            }
            if let Some(k) = &kubectl {
                match (kubectl_outcome(k, &dir), &got) {
                    (Ok(theirs), Ok(ours)) if theirs == *ours => {}
                    (Err(_), Err(_)) => {}
                    (theirs, ours) => failures.push(format!(
                        "{cp:x} {mode}: kubectl {theirs:?}, engine {ours:?}"
                    )),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
