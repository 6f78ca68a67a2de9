//! `tools/install-validators.sh` installs every external judge a test asks for: each name
//! passed to `shgw_testkit::tool("...")` anywhere in the workspace is one the installer names
//! (the system's own `bash` and `unshare` aside), so a clone has everything its tests use.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The names in `tool("NAME")` calls of `text`.
fn tools_asked(text: &str) -> Vec<String> {
    text.match_indices("tool(\"")
        .filter_map(|(i, m)| {
            let rest = &text[i + m.len()..];
            rest.find('"').map(|end| rest[..end].to_owned())
        })
        .collect()
}

#[test]
fn the_installer_provides_every_tool_a_test_asks_for() {
    let script =
        std::fs::read_to_string(shgw_testkit::workspace().join("tools/install-validators.sh"))
            .unwrap();
    let mut files = Vec::new();
    rust_files(&shgw_testkit::workspace().join("crates"), &mut files);
    let mut asked: Vec<String> = files
        .iter()
        .flat_map(|f| tools_asked(&std::fs::read_to_string(f).unwrap()))
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .filter(|n| !["bash", "unshare"].contains(&n.as_str()))
        .collect();
    asked.sort();
    asked.dedup();
    assert!(asked.len() >= 10, "{asked:?}");
    let header: String = script
        .lines()
        .take_while(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let missing: Vec<&String> = asked
        .iter()
        .filter(|n| {
            !header
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .any(|w| w == n.as_str())
        })
        .collect();
    assert!(
        missing.is_empty(),
        "tools the tests use that tools/install-validators.sh does not install: {missing:?}"
    );
}
