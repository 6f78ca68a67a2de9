//! The README's Gateway reference is the one generated from the types.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn readme_reference_matches_the_schema() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let start = readme
        .find("<!-- reference:start -->\n")
        .expect("start marker")
        + "<!-- reference:start -->\n".len();
    let end = readme.find("<!-- reference:end -->").expect("end marker");
    let generated = shgw::reference_markdown();
    assert!(
        readme[start..end] == generated,
        "README.md's Gateway reference is out of date; replace it with:\n{generated}"
    );
}
