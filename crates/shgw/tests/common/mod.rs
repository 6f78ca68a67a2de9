//! Helpers shared by the integration tests.
#![allow(dead_code, unused_imports, clippy::unwrap_used, clippy::expect_used)]

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

pub const PROFILES: &[&str] = &["dev", "production", "openshift"];

/// Renders an example under a profile, panicking on errors.
pub fn render(name: &str, text: &str, profile: &str) -> shgw::Manifests {
    let gws = shgw::parse_gateways(name, text).unwrap();
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

pub use shgw_testkit::{scratch, tool};
