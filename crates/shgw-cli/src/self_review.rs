//! The review of manifests shgw did not render itself in this call: what `build` made and the
//! items a KRM function is given. Both run the library's one review with the command's profile.

use crate::Failure;
use crate::args::FailOn;
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

/// `--fail-on` for what `render` made: its review's errors refused the render already; at
/// `warning`, the review's warnings refuse it too (`never` is `error` here: a Gateway is always
/// held to its profile, as `render` holds it).
pub(crate) fn check_render_at(
    source: &str,
    manifests: &shgw::Manifests,
    fail_on: FailOn,
) -> Result<(), Failure> {
    if !matches!(fail_on, FailOn::Warning) {
        return Ok(());
    }
    let warnings: Vec<String> = manifests
        .warnings
        .iter()
        .filter(|w| w.rule.is_some() && w.severity == shgw::Severity::Warning)
        .map(|w| format!("  {w}"))
        .collect();
    if warnings.is_empty() {
        return Ok(());
    }
    Err(Failure::invalid(format!(
        "{source}: the review rules find warnings in the rendered manifests (fail-on warning):\n{}",
        warnings.join("\n")
    )))
}
