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
    let generated = shgw::spec::reference_markdown();
    // A developer refreshes the table with SHGW_UPDATE_README=1; CI never sets it.
    if std::env::var_os("SHGW_UPDATE_README").is_some() && readme[start..end] != generated {
        let updated = format!("{}{generated}{}", &readme[..start], &readme[end..]);
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"),
            updated,
        )
        .unwrap();
        return;
    }
    assert!(
        readme[start..end] == generated,
        "README.md's Gateway reference is out of date; replace it with:\n{generated}"
    );
}
