//! Every example under every profile, and the error report of every invalid file, as
//! reviewed snapshots in the top-level `snapshots/` folder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

fn report(m: &shgw::Manifests) -> String {
    let mut s = String::new();
    for w in &m.warnings {
        s.push_str(&format!("# {w}\n"));
    }
    s.push_str(&m.to_yaml());
    s
}

#[test]
fn every_example_under_every_profile() {
    let examples = common::examples();
    assert!(examples.len() >= 4, "expected at least 4 examples");
    for (name, text) in &examples {
        for profile in common::PROFILES {
            let m = common::render(name, text, profile);
            common::settings().bind(|| {
                insta::assert_snapshot!(format!("render__{name}__{profile}"), report(&m));
            });
        }
    }
}

#[test]
fn invalid_files_report_every_problem() {
    let dir = common::workspace().join("crates/shgw/tests/invalid");
    let files = common::yaml_files(&dir);
    assert!(files.len() >= 4);
    for (name, text) in &files {
        let file = format!("{name}.yaml");
        // Every problem placed at its line and column, as the CLI reports them.
        let result = shgw::file::parse_documents(&file, text).and_then(|docs| {
            let gws = shgw::file::gateways_from_placed(&file, &docs)?;
            let p = shgw::Profile::embedded("production")?;
            shgw::render_with(&file, &gws, &p, &shgw::RenderOptions::default())
                .map_err(|e| e.placed_in(&docs))
        });
        let err = result.expect_err("an invalid file must not render");
        assert!(err.errors().count() > 0);
        common::settings().bind(|| {
            insta::assert_snapshot!(format!("error__{name}"), err.to_string());
        });
    }
}
