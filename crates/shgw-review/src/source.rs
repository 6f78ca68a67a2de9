//! A manifest stream (multi-document YAML, JSON, `List` kinds) read together with the source
//! position of every field, so that a finding can point at the line and column of the field
//! itself.
//!
//! One parse into `shgw-yaml`'s placed nodes (the reader `render` and `build` use): the values
//! and the positions, keyed by JSON pointer, both come from it.

use crate::error::{Error, ErrorKind};
use serde_json::Value;
use shgw::review::Positions;
use shgw_yaml::Place;
use shgw_yaml::parse::{ParseOptions, for_each_input};

pub use shgw::review::{Document, Position, Stream, escape};

/// Reads `text` (YAML or JSON, one or more documents) named `file` in messages: one parse into
/// placed nodes (`shgw-yaml`, as `render` and `build` read), the values and the positions both
/// from it.
///
/// ```
/// let s = shgw_review::load("d.yaml", "kind: Deployment\nspec:\n  replicas: 1\n").unwrap();
/// let doc = &s.documents[0];
/// assert_eq!(doc.value["spec"]["replicas"], 1);
/// let p = doc.position("/spec/replicas");
/// assert_eq!((p.line, p.column), (3, 3));
/// ```
///
/// # Errors
/// [`ErrorKind::Syntax`] with the line and column when the text is not YAML or JSON, or when a
/// document is not a mapping.
pub fn load(file: &str, text: &str) -> Result<Stream, Error> {
    let mut documents = Vec::new();
    let mut refused = None;
    // Each document is turned into its value and positions as soon as it is read, so the
    // stream is never held as nodes and values at once.
    for_each_input(text, &ParseOptions::default(), |doc| {
        if refused.is_some() {
            return;
        }
        let start = position(doc.places.at);
        if !doc.node.is_map() {
            refused = Some(
                Error::new(
                    ErrorKind::Syntax,
                    file,
                    "a manifest document must be a mapping (an object with kind)",
                )
                .at(start.line, start.column),
            );
            return;
        }
        let positions = Positions::of(&doc.places);
        push_expanded(&mut documents, file, doc.node.into_value(), &positions);
    })
    .map_err(|e| {
        let detail = format!("not valid YAML or JSON: {}", e.detail());
        Error::new(ErrorKind::Syntax, file, detail).at(e.line(), e.column())
    })?;
    match refused {
        Some(e) => Err(e),
        None => Ok(Stream { documents }),
    }
}

/// A place of the reader as a [`Position`].
fn position(p: Place) -> Position {
    Position {
        line: usize::try_from(p.line).unwrap_or(usize::MAX),
        column: usize::try_from(p.column).unwrap_or(usize::MAX),
    }
}

/// Pushes `value`, or each item of it when it is a `List` kind.
fn push_expanded(out: &mut Vec<Document>, file: &str, mut value: Value, positions: &Positions) {
    let is_list = value
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("List"))
        && value.get("items").is_some_and(Value::is_array);
    if !is_list {
        out.push(Document::with_positions(file, value, positions.clone()));
        return;
    }
    let within: Vec<Positions> = match value.get("items") {
        Some(Value::Array(items)) => (0..items.len())
            .map(|i| positions.within(&value, &format!("/items/{i}")))
            .collect(),
        _ => Vec::new(),
    };
    if let Some(Value::Array(items)) = value.get_mut("items").map(Value::take) {
        for (item, p) in items.into_iter().zip(&within) {
            if item.is_object() {
                push_expanded(out, file, item, p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn positions_of_fields_in_block_and_flow_style() {
        let text = "# c\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {x: y}}\ndata:\n  k: v\n---\n---\nkind: List\nitems:\n- kind: Service\n  spec:\n    ports:\n    - port: 80\n";
        let s = load("f.yaml", text).unwrap();
        assert_eq!(s.documents.len(), 2);
        let cm = &s.documents[0];
        assert_eq!(cm.position("/data/k"), Position { line: 6, column: 3 });
        assert_eq!(
            cm.position("/metadata/labels/x"),
            Position {
                line: 4,
                column: 30
            }
        );
        // a missing field points at its nearest written parent
        assert_eq!(
            cm.position("/data/missing"),
            Position { line: 5, column: 1 }
        );
        let svc = &s.documents[1];
        assert_eq!(svc.value["kind"], "Service");
        assert_eq!(
            svc.position("/spec/ports/0/port"),
            Position {
                line: 14,
                column: 7
            }
        );
        assert_eq!(
            svc.position("/spec"),
            Position {
                line: 12,
                column: 3
            }
        );
    }

    #[test]
    fn json_input_has_positions_too() {
        let text = "{\n  \"kind\": \"Deployment\",\n  \"spec\": {\"replicas\": 1}\n}\n";
        let s = load("d.json", text).unwrap();
        assert_eq!(
            s.documents[0].position("/spec/replicas"),
            Position {
                line: 3,
                column: 12
            }
        );
        let tabs = "{\n\t\"kind\": \"Deployment\",\n\t\"spec\": {\"replicas\": 1}\n}\n";
        let t = load("t.json", tabs).unwrap();
        assert_eq!(t.documents[0].value["spec"]["replicas"], 1);
        assert_eq!(
            t.documents[0].position("/spec/replicas"),
            Position {
                line: 3,
                column: 11
            }
        );
    }

    #[test]
    fn comment_only_and_empty_documents_are_skipped_in_step() {
        let text = "---\n# Source: chart/templates/empty.yaml\n---\n---\nkind: A\n---\n~\n---\nkind: B\nx: 1\n";
        let s = load("h.yaml", text).unwrap();
        assert_eq!(s.documents.len(), 2);
        assert_eq!(s.documents[1].value["kind"], "B");
        assert_eq!(
            s.documents[1].position("/x"),
            Position {
                line: 10,
                column: 1
            }
        );
    }

    #[test]
    fn thousands_of_documents_read() {
        let text = "kind: ConfigMap\nmetadata: {name: x}\n---\n".repeat(3000);
        assert_eq!(load("many.yaml", &text).unwrap().documents.len(), 3000);
    }

    #[test]
    fn aliases_carry_the_anchor_positions() {
        let text = "kind: X\na: &r {cpu: 1}\nb: *r\n";
        let s = load("a.yaml", text).unwrap();
        let d = &s.documents[0];
        assert_eq!(d.value["b"]["cpu"], 1);
        assert_eq!(d.position("/b"), Position { line: 3, column: 1 });
        assert_eq!(d.position("/b/cpu"), Position { line: 2, column: 8 });
    }

    #[test]
    fn keys_with_pointer_characters_are_escaped() {
        let text = "kind: X\nmetadata:\n  annotations:\n    example.com/a~b: x\n";
        let d = &load("k.yaml", text).unwrap().documents[0];
        assert_eq!(
            d.position("/metadata/annotations/example.com~1a~0b"),
            Position { line: 4, column: 5 }
        );
        // A document that is no mapping, after good ones, is placed where it starts.
        let e = load("m.yaml", "kind: A\n---\n- x\n").unwrap_err();
        assert_eq!((e.line(), e.column()), (Some(3), Some(1)), "{e}");
    }

    #[test]
    fn bad_input_names_file_line_and_column() {
        let e = load("bad.yaml", "kind: X\n  a: b: c\n").unwrap_err();
        assert_eq!(e.file(), "bad.yaml");
        assert_eq!(e.line(), Some(2), "{e}");
        let e = load("s.yaml", "just text\n").unwrap_err();
        assert!(e.detail().contains("mapping"), "{e}");
    }
}
