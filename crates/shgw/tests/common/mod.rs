//! Helpers shared by the integration tests.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr
)]

use std::path::{Path, PathBuf};

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `(stem, text)` of every `*.yaml` in `dir`, sorted by name.
pub fn yaml_files(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

pub fn examples() -> Vec<(String, String)> {
    yaml_files(&workspace().join("examples"))
}

pub const PROFILES: &[&str] = &["dev", "production"];

/// Renders an example under a profile, panicking on errors.
pub fn render(name: &str, text: &str, profile: &str) -> shgw::Manifests {
    let gws = shgw::parse_gateways(name, text, &[]).unwrap();
    let p = shgw::Profile::embedded(profile).unwrap();
    shgw::render_with(name, &gws, &p, &shgw::RenderOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

pub fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(workspace().join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

/// Finds an external tool on PATH or in /opt/validators/bin. When it is missing the test is
/// skipped with a message, unless SHGW_REQUIRE_TOOLS=1 (set by CI), where it fails.
pub fn tool(name: &str) -> Option<PathBuf> {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain([PathBuf::from("/opt/validators/bin")]);
    for dir in candidates {
        let p = dir.join(name);
        if p.is_file() {
            return Some(p);
        }
    }
    if std::env::var("SHGW_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
        panic!(
            "{name} is required (SHGW_REQUIRE_TOOLS=1) but was not found; run shared/tools/install-validators.sh"
        );
    }
    eprintln!(
        "SKIPPED: {name} not found on PATH or in /opt/validators/bin; install it with ../shared/tools/install-validators.sh"
    );
    None
}
