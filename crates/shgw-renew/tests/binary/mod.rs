//! The `shgw` binary these tests run: `SHGW_BIN`, or the one next to the test's own binary
//! (`target/<profile>/shgw`), refused when it is older than the sources.
#![allow(dead_code, clippy::unwrap_used, clippy::print_stderr, clippy::panic)]

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn require_tools() -> bool {
    std::env::var(shgw_testkit::REQUIRE_TOOLS).is_ok_and(|v| v == "1")
}

/// The newest modification time of the sources the binary is built from.
fn newest_source(dir: &Path, newest: &mut SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            // Test-only code is not in the binary.
            if p.file_name()
                .is_some_and(|n| n != "tests" && n != "target" && n != "shgw-testkit")
            {
                newest_source(&p, newest);
            }
        } else if p.extension().is_some_and(|x| x == "rs" || x == "toml")
            && let Ok(m) = e.metadata().and_then(|m| m.modified())
        {
            *newest = (*newest).max(m);
        }
    }
}

/// The `shgw` binary to run, refusing one older than the sources.
pub fn shgw_bin() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SHGW_BIN") {
        return Some(PathBuf::from(p));
    }
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent()?.parent()?.join("shgw");
    if !bin.is_file() {
        let msg = format!(
            "{} not built: run cargo build -p shgw-cli (or cargo test --workspace) first",
            bin.display()
        );
        if require_tools() {
            panic!("{msg}");
        }
        eprintln!("SKIPPED: {msg}");
        return None;
    }
    let mut newest = SystemTime::UNIX_EPOCH;
    newest_source(&workspace().join("crates"), &mut newest);
    let built = std::fs::metadata(&bin).and_then(|m| m.modified()).unwrap();
    assert!(
        built >= newest,
        "{} is older than the sources: run cargo build -p shgw-cli first",
        bin.display()
    );
    Some(bin)
}
