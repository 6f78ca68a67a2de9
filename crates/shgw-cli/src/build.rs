//! `shgw build DIR`: a kustomize build in which every `kind: Gateway` resource is first
//! expanded into the manifests shgw renders for it.

use crate::Failure;
use serde_json::Value;
use shgw::Profile;
use shgw_kustomize::{BuildOptions, ExpandError, Expander, Expansion};
use shgw_yaml::node::Node;
use std::path::Path;

fn is_gateway(doc: &Value) -> bool {
    doc.get("kind").and_then(Value::as_str) == Some(shgw::spec::KIND)
        && doc.get("apiVersion").and_then(Value::as_str) == Some(shgw::spec::API_VERSION)
}

/// The API group of shgw's own documents (`shgw.dev/<version>`).
const GROUP_PREFIX: &str = "shgw.dev/";

fn str_field<'a>(doc: &'a Value, key: &str) -> &'a str {
    doc.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Why a document that is not a Gateway shgw can expand must not pass through silently: a
/// `shgw.dev` document of another version or kind, or a `List` holding `shgw.dev` items
/// (which kustomize would flatten without expanding).
fn refusal(doc: &Value) -> Option<String> {
    let (api, kind) = (str_field(doc, "apiVersion"), str_field(doc, "kind"));
    if api.starts_with(GROUP_PREFIX) {
        return Some(format!(
            "unknown shgw.dev document: kind '{kind}' in apiVersion '{api}' (shgw knows kind '{}' in apiVersion '{}')",
            shgw::spec::KIND,
            shgw::spec::API_VERSION
        ));
    }
    let items = doc.get("items").and_then(Value::as_array)?;
    if kind.ends_with("List")
        && let Some(i) = items
            .iter()
            .position(|item| str_field(item, "apiVersion").starts_with(GROUP_PREFIX))
    {
        return Some(format!(
            "{kind} item {i} is a shgw.dev document: Gateways inside a List are not expanded; write each Gateway as a document of its own"
        ));
    }
    None
}

/// The expander handed to the kustomize engine: a Gateway becomes the manifests shgw renders
/// for it (with the render's warnings), any other `shgw.dev` document is refused.
fn expander(profile: Profile) -> Expander {
    Box::new(move |node: &Node, file: &Path| {
        let doc = &node.to_value();
        if !is_gateway(doc) {
            return refusal(doc).map(|why| Err(why.into()));
        }
        let source = file.display().to_string();
        // Read from the nodes: settings keep the text they were written with.
        let placed = shgw::Placed {
            node: node.clone(),
            places: shgw_yaml::Places::default(),
        };
        let result = shgw::gateway_from_placed(&placed)
            .map_err(|problems| shgw::Errors::new(&source, problems))
            .and_then(|g| {
                shgw::render_with(&source, &[g], &profile, &shgw::RenderOptions::default())
            })
            .map(|m| Expansion {
                warnings: m.warnings.iter().map(ToString::to_string).collect(),
                docs: m.to_values(),
            })
            .map_err(|e| -> ExpandError { Box::new(e) });
        Some(result)
    })
}

/// Builds `dir`; returns the YAML and the warnings.
pub(crate) fn build(dir: &Path, profile: Profile) -> Result<(String, Vec<String>), Failure> {
    let opts = BuildOptions {
        expander: Some(expander(profile)),
        ..BuildOptions::default()
    };
    // The engine's errors carry their causes (a Gateway's problems included) in their text.
    let out =
        shgw_kustomize::build_output(dir, &opts).map_err(|e| Failure::invalid(e.to_string()))?;
    // Alerts name their objects in PromQL text, which no transformer rewrites.
    let moved = shgw::alert_scope_problems(&out.resources);
    if !moved.is_empty() {
        let source = dir.display().to_string();
        return Err(Failure::invalid(
            shgw::Errors::new(&source, moved).to_string(),
        ));
    }
    let notes = out.warnings.iter().map(ToString::to_string).collect();
    Ok((out.to_yaml(), notes))
}
