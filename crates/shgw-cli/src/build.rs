//! `shgw build DIR`: a kustomize build in which every `kind: Gateway` resource is first
//! expanded into the manifests shgw renders for it.

use crate::Failure;
use serde_json::Value;
use shgw::Profile;
use shgw_kustomize::{BuildOptions, Expander};
use std::path::Path;
use std::sync::{Arc, Mutex};

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

/// The expander handed to the kustomize engine, collecting warnings as it goes.
fn expander(profile: Profile, warnings: Arc<Mutex<Vec<String>>>) -> Expander {
    Box::new(move |doc: &Value, file: &Path| {
        if !is_gateway(doc) {
            return refusal(doc).map(Err);
        }
        let source = file.display().to_string();
        let result = shgw::gateway_from_value(doc)
            .map_err(|problems| shgw::Errors::new(&source, problems))
            .and_then(|g| {
                shgw::render_with(&source, &[g], &profile, &shgw::RenderOptions::default())
            })
            .map(|m| {
                if let Ok(mut w) = warnings.lock() {
                    w.extend(m.warnings.iter().map(|d| format!("{source}: {d}")));
                }
                m.to_values()
            })
            .map_err(|e| e.to_string());
        Some(result)
    })
}

/// Builds `dir`; returns the YAML and the warnings.
pub(crate) fn build(dir: &Path, profile: Profile) -> Result<(String, Vec<String>), Failure> {
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let opts = BuildOptions {
        expander: Some(expander(profile, Arc::clone(&warnings))),
    };
    // The engine's errors already carry their causes in their text.
    let yaml = shgw_kustomize::build(dir, &opts).map_err(|e| Failure::invalid(e.to_string()))?;
    let notes = warnings.lock().map(|w| w.clone()).unwrap_or_default();
    Ok((yaml, notes))
}
