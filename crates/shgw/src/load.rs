//! From text to typed Gateways: YAML or JSON parsing, `--set` overrides, and deserialization
//! that reports every bad field with its path rather than only the first.

use crate::diag::{Diagnostic, Errors};
use crate::spec::{API_VERSION, Gateway, KIND};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Parses YAML (or JSON) text holding one or more documents into generic values, skipping
/// empty documents.
///
/// # Errors
/// [`Errors`] naming `source` when the text is not YAML.
pub fn parse_documents(source: &str, text: &str) -> Result<Vec<Value>, Errors> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(text)
        .map_err(|e| Errors::single(source, "", format!("not valid YAML: {e}")))?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// Reads every Gateway in `text` (a fleet renders in file order). All problems of all
/// documents are reported together.
///
/// # Errors
/// [`Errors`] with every problem of every document, each with its field path.
///
/// ```
/// let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: gw}\nspec: {endpoint: x.configuration.azure-api.net, backup: {storageClassName: azurefile-csi}}\n";
/// let gws = shgw::parse_gateways("gw.yaml", text).unwrap();
/// assert_eq!(gws[0].metadata.name, "gw");
/// ```
pub fn parse_gateways(source: &str, text: &str) -> Result<Vec<Gateway>, Errors> {
    gateways_from_documents(source, parse_documents(source, text)?)
}

/// Reads every Gateway among already parsed documents (after a caller changed them, say).
///
/// # Errors
/// [`Errors`] with every problem of every document.
pub fn gateways_from_documents(source: &str, docs: Vec<Value>) -> Result<Vec<Gateway>, Errors> {
    if docs.is_empty() {
        return Err(Errors::single(source, "", "no Gateway document found"));
    }
    let many = docs.len() > 1;
    let mut gateways = Vec::new();
    let mut problems = Vec::new();
    for (i, doc) in docs.into_iter().enumerate() {
        let prefix = if many {
            format!("document {}: ", i + 1)
        } else {
            String::new()
        };
        match gateway_from_value(&doc) {
            Ok(g) => gateways.push(g),
            Err(ds) => {
                let name = doc
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                for d in ds {
                    let d = if name.is_empty() && many {
                        Diagnostic {
                            message: format!("{prefix}{}", d.message),
                            ..d
                        }
                    } else {
                        d
                    };
                    problems.push(d.for_gateway(&name));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(gateways)
    } else {
        Err(Errors::new(source, problems))
    }
}

/// Deserializes `value` as `T`, giving the failing field's path.
pub(crate) fn typed<T: DeserializeOwned>(value: &Value) -> Result<T, Diagnostic> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        Diagnostic::error(path, e.into_inner().to_string())
    })
}

/// One Gateway document: on failure, each top-level section of `metadata` and `spec` is tried
/// on its own, so that every bad section is named.
///
/// # Errors
/// Every problem found, each with its field path.
pub fn gateway_from_value(doc: &Value) -> Result<Gateway, Vec<Diagnostic>> {
    let Some(obj) = doc.as_object() else {
        return Err(vec![Diagnostic::error(
            "",
            "a Gateway document must be a mapping",
        )]);
    };
    let mut problems = Vec::new();
    match obj.get("apiVersion").and_then(Value::as_str) {
        Some(API_VERSION) => {}
        Some(other) => problems.push(Diagnostic::error(
            "apiVersion",
            format!("must be {API_VERSION}, not {other}"),
        )),
        None => problems.push(Diagnostic::error(
            "apiVersion",
            format!("required: {API_VERSION}"),
        )),
    }
    match obj.get("kind").and_then(Value::as_str) {
        Some(KIND) => {}
        Some(other) => problems.push(Diagnostic::error(
            "kind",
            format!("must be {KIND}, not {other}"),
        )),
        None => problems.push(Diagnostic::error("kind", format!("required: {KIND}"))),
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let whole = match typed::<Gateway>(doc) {
        Ok(g) => return Ok(g),
        Err(d) => d,
    };
    for key in obj.keys() {
        if !matches!(key.as_str(), "apiVersion" | "kind" | "metadata" | "spec") {
            problems.push(Diagnostic::error(
                key.clone(),
                "unknown field; expected one of apiVersion, kind, metadata, spec",
            ));
        }
    }
    let base = |metadata: Value, spec: Value| serde_json::json!({"apiVersion": API_VERSION, "kind": KIND, "metadata": metadata, "spec": spec});
    match obj.get("metadata") {
        Some(Value::Object(meta)) => {
            if !meta.contains_key("name") {
                problems.push(Diagnostic::error("metadata.name", "required"));
            }
            for (k, v) in meta {
                let mut probe = Map::new();
                probe.insert("name".into(), Value::String("probe".into()));
                probe.insert(k.clone(), v.clone());
                if let Err(d) =
                    typed::<Gateway>(&base(Value::Object(probe), Value::Object(Map::new())))
                {
                    problems.push(d);
                }
            }
        }
        Some(_) => problems.push(Diagnostic::error("metadata", "must be a mapping")),
        None => problems.push(Diagnostic::error("metadata.name", "required")),
    }
    match obj.get("spec") {
        Some(Value::Object(spec)) => {
            for (k, v) in spec {
                let mut probe = Map::new();
                probe.insert(k.clone(), v.clone());
                let doc = base(serde_json::json!({"name": "probe"}), Value::Object(probe));
                if let Err(d) = typed::<Gateway>(&doc) {
                    problems.push(d);
                }
            }
        }
        Some(Value::Null) | None => {}
        Some(_) => problems.push(Diagnostic::error("spec", "must be a mapping")),
    }
    if problems.is_empty() {
        problems.push(whole);
    }
    Err(problems)
}

/// Merges `over` onto `under`: mappings key by key, anything else replaced by `over`.
pub(crate) fn merge_under(under: &Value, over: &Value) -> Value {
    match (under, over) {
        (Value::Object(u), Value::Object(o)) => {
            let mut out = u.clone();
            for (k, v) in o {
                let merged = match u.get(k) {
                    Some(uv) => merge_under(uv, v),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (_, o) => o.clone(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn every_bad_section_is_reported() {
        let doc = json!({
            "apiVersion": API_VERSION, "kind": KIND,
            "metadata": {"name": "gw", "colour": "red"},
            "spec": {"replicas": "three", "image": {"tga": "1"}, "endpoint": "x"}
        });
        let problems = gateway_from_value(&doc).unwrap_err();
        let paths: Vec<&str> = problems.iter().map(|d| d.path.as_str()).collect();
        assert!(paths.contains(&"metadata.colour"), "{problems:?}");
        assert!(paths.contains(&"spec.replicas"), "{problems:?}");
        assert!(paths.contains(&"spec.image.tga"), "{problems:?}");
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    #[test]
    fn merge_keeps_user_values() {
        let under = json!({"a": {"b": 1, "c": 2}, "d": [1]});
        let over = json!({"a": {"b": 5}, "d": [2, 3]});
        assert_eq!(
            merge_under(&under, &over),
            json!({"a": {"b": 5, "c": 2}, "d": [2, 3]})
        );
    }
}
