//! `shgw import [FILE|-] | --helm-values FILE`: Gateway files from existing deployments.

use crate::args::ImportArgs;
use crate::{Failure, Output};

pub(crate) fn import(a: ImportArgs) -> Result<Output, Failure> {
    let imported = match &a.helm_values {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::invalid(format!("{path}: cannot read: {e}")))?;
            shgw_review::import_helm_values(
                path,
                &text,
                a.release.as_deref(),
                a.namespace.as_deref(),
            )
        }
        None => {
            let input = a.input.as_deref().unwrap_or("-");
            let profile = crate::commands::load_profile(shgw::DEFAULT_PROFILE)?;
            let (source, text) = crate::review::read_manifests(input, &profile)?;
            let stream =
                shgw_review::load(&source, &text).map_err(|e| Failure::invalid(e.to_string()))?;
            shgw_review::import_manifests_in(&stream, a.namespace.as_deref())
        }
    }
    .map_err(|e| Failure::invalid(e.to_string()))?;
    // The takeover plan and the notes, as the comment at the top of the output says them.
    let stderr = imported.comment_lines();
    Ok(Output {
        stdout: imported.to_yaml(),
        stderr,
    })
}
