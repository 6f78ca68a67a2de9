//! One rule set everywhere: `render` and `validate` run the review rules on what shgw renders.

use crate::Failure;
use crate::args::FailOn;
use shgw::{Platform, Profile};
use shgw_review::{Catalog, Finding, Report};

/// The review profile whose severities match a shgw profile: the same name when the rules
/// know it, otherwise by platform.
pub(crate) fn review_profile(p: &Profile) -> &str {
    let name = p.metadata.name.as_str();
    if Catalog::get().check_profile(name).is_ok() {
        return name;
    }
    match p.platform {
        Platform::Openshift => "openshift",
        _ => "production",
    }
}

/// Reviews rendered manifests under `profile`.
pub(crate) fn review_rendered(yaml: &str, profile: &Profile) -> Result<Report, Failure> {
    shgw_review::review_text(
        "<rendered>",
        yaml,
        review_profile(profile),
        jiff::Timestamp::now(),
    )
    .map_err(|e| Failure::invalid(format!("reviewing the rendered manifests: {e}")))
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

/// What `render` says about its own output: an error-level finding means the render is
/// refused (it would put a known weakness into the cluster); the rest is summed up.
pub(crate) fn check_render(yaml: &str, profile: &Profile) -> Result<Vec<String>, Failure> {
    check_render_at(yaml, profile, FailOn::Error)
}

/// [`check_render`] with the level that refuses the render: `error` (what `render` does),
/// `warning` (warnings refuse it too) or `never` (the review is skipped; the profile's own
/// checks still ran in the render).
pub(crate) fn check_render_at(
    yaml: &str,
    profile: &Profile,
    fail_on: FailOn,
) -> Result<Vec<String>, Failure> {
    if matches!(fail_on, FailOn::Never) {
        return Ok(Vec::new());
    }
    let refuses = |s: shgw_review::Severity| match fail_on {
        FailOn::Warning => matches!(
            s,
            shgw_review::Severity::Error | shgw_review::Severity::Warning
        ),
        _ => s == shgw_review::Severity::Error,
    };
    let report = review_rendered(yaml, profile)?;
    let errors: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.suppression.is_none() && refuses(f.severity))
        .map(|f| format!("  {}", finding_line(f)))
        .collect();
    if !errors.is_empty() {
        let what = match fail_on {
            FailOn::Warning => "errors or warnings (fail-on warning)",
            _ => "errors",
        };
        return Err(Failure::invalid(format!(
            "the review rules find {what} in the rendered manifests:\n{}",
            errors.join("\n")
        )));
    }
    let c = report.counts();
    Ok(if c.warning + c.info > 0 {
        vec![format!(
            "note: review of the rendered manifests ({} rules): {} warning(s), {} info; see `shgw render ... | shgw review -`",
            review_profile(profile),
            c.warning,
            c.info
        )]
    } else {
        Vec::new()
    })
}
