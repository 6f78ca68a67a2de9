//! The review of manifests shgw did not render itself in this call: what `build` made and the
//! items a KRM function is given. Both run the library's one review with the command's profile.

use crate::Failure;
use shgw::Profile;
use shgw_review::{Finding, Report};

/// Reviews manifest text named `source` under `profile`.
pub(crate) fn review_text(source: &str, yaml: &str, profile: &Profile) -> Result<Report, Failure> {
    let stream = shgw_review::load(source, yaml)
        .map_err(|e| Failure::invalid(format!("reviewing {source}: {e}")))?;
    Ok(shgw_review::review(
        &stream,
        profile,
        jiff::Timestamp::now(),
    ))
}

/// One finding as a line of text.
pub(crate) fn finding_line(f: &Finding) -> String {
    format!(
        "{} {} {}: {} {}: {}",
        f.severity.as_str(),
        f.rule,
        f.name,
        f.object.kind,
        f.object.name,
        f.message
    )
}
