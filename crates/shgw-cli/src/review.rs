//! `shgw review [FILE|-|DIR]`: the policy review of any manifest stream or kustomization, and
//! `--explain RULE`.

use crate::args::{FailOn, ReviewArgs, ReviewFormat};
use crate::{Failure, Output};
use std::io::{IsTerminal, Read};
use std::path::Path;

/// Reads the input: stdin, a kustomization directory (built first), or a file.
pub(crate) fn read_manifests(
    input: &str,
    profile: &shgw::Profile,
) -> Result<(String, String), Failure> {
    read_input(input, profile).map(|(source, text, _)| (source, text))
}

/// [`read_manifests`], with the build of a kustomization directory (for its provenance).
fn read_input(
    input: &str,
    profile: &shgw::Profile,
) -> Result<(String, String, Option<crate::build::Built>), Failure> {
    if input == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::invalid(format!("<stdin>: cannot read: {e}")))?;
        return Ok(("<stdin>".into(), text, None));
    }
    let path = Path::new(input);
    if path.is_dir() {
        // Gateway resources in the tree are rendered with the same profile.
        let built = crate::build::build(path, profile, None)?;
        let text = built.to_yaml();
        return Ok((format!("{input} (kustomize build)"), text, Some(built)));
    }
    std::fs::read_to_string(path)
        .map(|t| (input.to_owned(), t, None))
        .map_err(|e| Failure::invalid(format!("{input}: cannot read: {e}")))
}

/// `--source-name`: what standard input is called in findings and reports. Only stdin takes
/// a name (a file is named by its path); the name must be one line of visible text.
fn source_name(input: &str, name: Option<&str>) -> Result<Option<String>, Failure> {
    let Some(name) = name else {
        return Ok(None);
    };
    if input != "-" {
        return Err(Failure::usage(format!(
            "--source-name names standard input (`shgw review -`); {input} is named by its path"
        )));
    }
    if name.trim().is_empty() {
        return Err(Failure::usage("--source-name: the name is empty"));
    }
    if name.chars().any(char::is_control) {
        return Err(Failure::usage(
            "--source-name: the name holds a control character (a line break, a tab, ...)",
        ));
    }
    Ok(Some(name.to_owned()))
}

/// What the input looks like instead, when it is a Gateway file or the chart's values.
fn hint(stream: &shgw_review::Stream) -> &'static str {
    let docs = &stream.documents;
    if docs.iter().any(|d| {
        d.value.get("apiVersion").and_then(|v| v.as_str()) == Some(shgw::spec::API_VERSION)
    }) {
        return "; this is a Gateway file: shgw validate -f FILE judges it with the same rules";
    }
    if docs
        .iter()
        .any(|d| d.value.pointer("/gateway/configuration").is_some())
    {
        return "; this looks like the Azure chart's values: shgw import --helm-values FILE --release NAME, then review the render";
    }
    ""
}

/// Colour only on a terminal, and never when `NO_COLOR` is set to anything.
fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub(crate) fn review(a: ReviewArgs) -> Result<Output, Failure> {
    if a.list_rules {
        return Ok(Output {
            stdout: shgw_review::rules_table(),
            stderr: Vec::new(),
        });
    }
    if let Some(id) = &a.explain {
        return shgw_review::explain(id)
            .map(|stdout| Output {
                stdout,
                stderr: Vec::new(),
            })
            .ok_or_else(|| {
                Failure::usage(format!(
                    "--explain {id}: no such rule; rules are SHGW001 to {}",
                    last_rule()
                ))
            });
    }
    let profile = crate::commands::load_profile(&a.profile)?;
    let input = a.input.as_deref().unwrap_or("-");
    let named = source_name(input, a.source_name.as_deref())?;
    let (source, text, built) = read_input(input, &profile)?;
    let source = named.unwrap_or(source);
    let stream =
        shgw_review::load(&source, &text).map_err(|e| Failure::invalid(crate::chain(&e)))?;
    let mut report = shgw_review::review(&stream, &profile, jiff::Timestamp::now());
    // A kustomization's findings point at the files of DIR that wrote each field.
    if let Some(built) = &built {
        crate::origins::Origins::new(Path::new(input), &built.resources, &built.provenance)
            .relocate(&mut report);
    }
    if report.gateways.is_empty() {
        return Err(Failure::invalid(format!(
            "{source}: no gateway workload (a Deployment, StatefulSet or DaemonSet with a container that receives config.service.endpoint, or that runs {}) to review{}",
            shgw_review::GATEWAY_IMAGE,
            hint(&stream)
        )));
    }
    let stdout = match a.format {
        ReviewFormat::Text => shgw_review::to_text(&report, use_color()),
        ReviewFormat::Json => shgw_review::to_json(&report),
        ReviewFormat::Sarif => match &built {
            Some(_) => {
                crate::origins::sarif_base(&shgw_review::to_sarif(&report), Path::new(input))
            }
            None => shgw_review::to_sarif(&report),
        },
        ReviewFormat::Markdown => {
            shgw_review::to_markdown(&report).map_err(|e| Failure::invalid(crate::chain(&e)))?
        }
    };
    let level = match a.fail_on {
        FailOn::Error => shgw_review::FailOn::Error,
        FailOn::Warning => shgw_review::FailOn::Warning,
        FailOn::Never => shgw_review::FailOn::Never,
    };
    if report.fails(level) {
        let c = report.counts();
        return Err(Failure::with_report(
            format!(
                "{source}: review failed: {} error(s), {} warning(s) (--fail-on {})",
                c.error,
                c.warning,
                fail_name(a.fail_on)
            ),
            stdout,
        ));
    }
    Ok(Output {
        stdout,
        stderr: Vec::new(),
    })
}

fn fail_name(f: FailOn) -> &'static str {
    match f {
        FailOn::Error => "error",
        FailOn::Warning => "warning",
        FailOn::Never => "never",
    }
}

fn last_rule() -> &'static str {
    shgw_review::RULES.last().map_or("", |r| r.id)
}
