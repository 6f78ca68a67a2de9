//! From text to typed Gateways: every document read once into placed nodes (`shgw-yaml`),
//! typed values read from the nodes, and every problem of every document reported with its
//! place and field path.

use crate::diag::Diagnostic;
use crate::error::Error;
use crate::spec::{API_VERSION, Gateway, KIND};
use serde::de::DeserializeOwned;
use serde_json::Value;
use shgw_yaml::node::Node;
use shgw_yaml::parse::{ParseOptions, parse_input};
use shgw_yaml::{Placed, Places};

/// Reads YAML (or JSON) text holding one or more documents into placed nodes, skipping
/// empty documents.
///
/// # Error
/// [`Error`] naming `source`, with the line and column, when the text is not YAML.
///
/// ```
/// let docs = shgw::file::parse_documents("gw.yaml", "kind: Gateway\n---\nspec:\n  replicas: 2\n").unwrap();
/// assert_eq!(docs[1].node["spec"]["replicas"].text(), Some("2"));
/// assert_eq!(docs[1].place_of(&["spec", "replicas"]).map(|p| p.line), Some(4));
/// let e = shgw::file::parse_documents("gw.yaml", "a: [\n").unwrap_err();
/// assert_eq!(e.to_string(), "gw.yaml: 1 error found\n  gw.yaml:1:4: error: not valid YAML: unclosed bracket '['");
/// ```
pub fn parse_documents(source: &str, text: &str) -> Result<Vec<Placed>, Error> {
    parse_input(text, &ParseOptions::default()).map_err(|e| {
        let d = Diagnostic::error("", format!("not valid YAML: {}", e.detail()));
        let d = match e.place() {
            Some(p) => d.at(p),
            None => d,
        };
        Error::invalid(source, vec![d])
    })
}

/// Reads every Gateway in `text` (a fleet renders in file order). All problems of all
/// documents are reported together, each at its line and column.
///
/// # Error
/// [`Error`] with every problem of every document, each with its place and field path.
///
/// ```
/// let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: gw}\nspec: {endpoint: x.configuration.azure-api.net, backup: {storageClassName: azurefile-csi}}\n";
/// let gws = shgw::parse_gateways("gw.yaml", text).unwrap();
/// assert_eq!(gws[0].metadata.name, "gw");
/// let bad = text.replace("endpoint", "endpiont");
/// let e = shgw::parse_gateways("gw.yaml", &bad).unwrap_err();
/// assert_eq!(e.problems()[0].place.map(|p| (p.line, p.column)), Some((4, 8)));
/// assert_eq!(e.problems()[0].path, "spec.endpiont");
/// ```
pub fn parse_gateways(source: &str, text: &str) -> Result<Vec<Gateway>, Error> {
    gateways_from_placed(source, &parse_documents(source, text)?)
}

/// Reads every Gateway among parsed documents; see [`parse_gateways`].
///
/// # Error
/// [`Error`] with every problem of every document.
pub fn gateways_from_placed(source: &str, docs: &[Placed]) -> Result<Vec<Gateway>, Error> {
    if docs.is_empty() {
        return Err(Error::single(source, "", "no Gateway document found"));
    }
    let many = docs.len() > 1;
    let mut gateways = Vec::new();
    let mut problems = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        match gateway_from_placed(doc) {
            Ok(g) => gateways.push(g),
            Err(ds) => {
                let name = doc.node["metadata"]["name"].text_or_empty();
                for mut d in ds {
                    // Without a name or a place, only the document's number says which it is.
                    if name.is_empty() && many && d.place.is_none() {
                        d.message = format!("document {}: {}", i + 1, d.message);
                    }
                    problems.push(d.for_gateway(name));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(gateways)
    } else {
        Err(Error::invalid(source, problems))
    }
}

/// Reads every Gateway among documents given as values (after a caller built or changed
/// them); their problems have field paths but no places.
///
/// # Error
/// [`Error`] with every problem of every document.
pub fn gateways_from_documents(source: &str, docs: Vec<Value>) -> Result<Vec<Gateway>, Error> {
    let docs: Vec<Placed> = docs.iter().map(unplaced).collect();
    gateways_from_placed(source, &docs)
}

/// A document built from a value: its nodes have no places.
fn unplaced(v: &Value) -> Placed {
    Placed {
        node: Node::from_value(v),
        places: Places::default(),
    }
}

/// A problem the reader found, as a diagnostic at its place.
fn diagnostic(e: &shgw_yaml::Error) -> Diagnostic {
    let d = Diagnostic::error(e.path(), e.detail());
    match e.place() {
        Some(p) => d.at(p),
        None => d,
    }
}

/// A document a typed value is read from: placed nodes, or a value.
pub(crate) trait Source {
    /// Reads it as a `T`: every problem, each with its field path (and place).
    fn read<T: DeserializeOwned>(&self) -> Result<T, Vec<Diagnostic>>;
}

impl Source for Placed {
    fn read<T: DeserializeOwned>(&self) -> Result<T, Vec<Diagnostic>> {
        shgw_yaml::read(self).map_err(|es| es.iter().map(diagnostic).collect())
    }
}

impl Source for Value {
    fn read<T: DeserializeOwned>(&self) -> Result<T, Vec<Diagnostic>> {
        unplaced(self).read()
    }
}

/// Reads `doc` as `T`, giving the first problem with its field path.
// One problem, built once on the way out of a failed read: boxing it buys nothing.
#[allow(clippy::result_large_err)]
pub(crate) fn typed<T: DeserializeOwned>(doc: &impl Source) -> Result<T, Diagnostic> {
    doc.read().map_err(|mut ds| {
        if ds.is_empty() {
            Diagnostic::error("", "cannot be read")
        } else {
            ds.swap_remove(0)
        }
    })
}

/// One Gateway document: `apiVersion` and `kind` first, then every problem of the rest.
///
/// # Error
/// Every problem found, each with its field path and place.
pub fn gateway_from_placed(doc: &Placed) -> Result<Gateway, Vec<Diagnostic>> {
    let at = |path: &[&str]| doc.place_of(path).unwrap_or(doc.places.at);
    if !doc.node.is_map() {
        return Err(vec![
            Diagnostic::error("", "a Gateway document must be a mapping").at(doc.places.at),
        ]);
    }
    let mut problems = Vec::new();
    for (field, want) in [("apiVersion", API_VERSION), ("kind", KIND)] {
        match doc.node.get(field).and_then(Node::text) {
            Some(v) if v == want => {}
            Some(other) => problems.push(
                Diagnostic::error(field, format!("must be {want}, not {other}")).at(at(&[field])),
            ),
            None => problems
                .push(Diagnostic::error(field, format!("required: {want}")).at(at(&[field]))),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    doc.read()
}

/// One Gateway document given as a value; see [`gateway_from_placed`].
///
/// # Error
/// Every problem found, each with its field path.
pub fn gateway_from_value(doc: &Value) -> Result<Gateway, Vec<Diagnostic>> {
    gateway_from_placed(&unplaced(doc))
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
    fn every_bad_field_is_reported() {
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
