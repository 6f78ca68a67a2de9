//! `shgw import [FILE|-] | --helm-values FILE`: Gateway files from existing deployments, the
//! Azure chart's values, or an Azure Arc extension's settings (recognised by their shape).

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
            let profile = crate::commands::load_profile(shgw::profile::DEFAULT)?;
            let (source, text) = crate::review::read_manifests(input, &profile)?;
            match arc_extension(&text) {
                // An Azure Arc extension's JSON (or YAML): its settings, not manifests.
                Some(value) => shgw_review::import_arc_extension(
                    &source,
                    &value,
                    a.name.as_deref(),
                    a.namespace.as_deref(),
                ),
                None => {
                    if a.name.is_some() {
                        return Err(Failure::usage(format!(
                            "--name: {source} is not an Azure Arc extension (manifests name their gateways)"
                        )));
                    }
                    let stream = shgw_review::load(&source, &text)
                        .map_err(|e| Failure::invalid(crate::chain(&e)))?;
                    shgw_review::import_manifests_in(&stream, a.namespace.as_deref())
                }
            }
        }
    }
    .map_err(|e| Failure::invalid(crate::chain(&e)))?;
    // The takeover plan and the notes, as the comment at the top of the output says them.
    let stderr = imported.comment_lines();
    Ok(Output {
        stdout: imported.to_yaml(),
        stderr,
    })
}

/// The input as one JSON or YAML value, when it is the shape of an Azure Arc extension (an ARM
/// resource or template, `az k8s-extension show`/`list` output, the properties alone).
fn arc_extension(text: &str) -> Option<serde_json::Value> {
    let value = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .or_else(
            || match shgw_yaml::parse::parse_values(text).ok()?.as_mut_slice() {
                [one] => Some(one.take()),
                _ => None,
            },
        )?;
    shgw_review::is_arc_extension(&value).then_some(value)
}
