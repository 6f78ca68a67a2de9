//! A manifest stream (multi-document YAML, JSON, `List` kinds) read together with the source
//! position of every field, so that a finding can point at the line and column of the field
//! itself.
//!
//! One parse into `shgw-yaml`'s placed nodes (the reader `render` and `build` use): the values
//! and the positions, keyed by JSON pointer, both come from it.

use serde::Serialize;
use serde_json::Value;
use shgw_yaml::node::Node;
use shgw_yaml::parse::{ParseOptions, parse_input};
use shgw_yaml::{Place, Places};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A place in a source file: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column (in characters), from 1.
    pub column: usize,
}

impl Position {
    /// The start of a file.
    pub const START: Position = Position { line: 1, column: 1 };
}

/// Why a stream could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct LoadError {
    /// The file (or `<stdin>`).
    pub file: String,
    /// Line of the problem.
    pub line: usize,
    /// Column of the problem.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// One object of the stream, with the positions of its fields.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file it came from.
    pub file: String,
    /// The object.
    pub value: Value,
    /// The JSON pointer of this object inside its YAML document (`/items/3` for a `List`
    /// item, empty otherwise).
    prefix: String,
    positions: Arc<BTreeMap<String, Position>>,
    /// `kind`, `metadata.namespace` (or `""`) and `metadata.name`, read once: reviews compare
    /// them for every pair of objects.
    pub(crate) id: [String; 3],
}

impl Document {
    /// Where the field at `pointer` (a JSON pointer, `/spec/replicas`) is written: the
    /// position of its key, or of the nearest enclosing field that is written.
    pub fn position(&self, pointer: &str) -> Position {
        let mut at = format!("{}{}", self.prefix, pointer);
        loop {
            if let Some(p) = self.positions.get(&at) {
                return *p;
            }
            match at.rfind('/') {
                Some(i) => at.truncate(i),
                None => return self.positions.get("").copied().unwrap_or(Position::START),
            }
        }
    }
}

impl Document {
    /// Whether this is the object `kind` in `namespace` (`""` for none).
    pub(crate) fn is(&self, kind: &str, namespace: &str) -> bool {
        self.id[0] == kind && self.id[1] == namespace
    }

    /// Where a field given by its dotted path (`spec.resources.requests.cpu`,
    /// `spec.settings.net.server.http.forwarded.proto.enabled`, `spec.pod.tolerations[0]`) is
    /// written; keys holding dots are matched against the document, longest first. Fields that
    /// are not written point at their nearest written parent, as [`Document::position`].
    ///
    /// ```
    /// let text = "kind: Gateway\nspec:\n  settings:\n    net.server.http.forwarded.proto.enabled: yes\n  pod:\n    tolerations:\n    - {key: a}\n";
    /// let d = &shgw_review::load("gw.yaml", text).unwrap().documents[0];
    /// let p = d.locate("spec.settings.net.server.http.forwarded.proto.enabled");
    /// assert_eq!((p.line, p.column), (4, 5));
    /// assert_eq!(d.locate("spec.pod.tolerations[0].key").line, 7);
    /// ```
    pub fn locate(&self, dotted: &str) -> Position {
        self.position(&pointer_of(&self.value, dotted))
    }
}

/// The JSON pointer of a dotted path in `root`, as far as the path matches.
fn pointer_of(root: &Value, dotted: &str) -> String {
    let mut pointer = String::new();
    let mut at = root;
    let mut rest = dotted.trim_start_matches('.');
    while !rest.is_empty() {
        if let Some(tail) = rest.strip_prefix('[') {
            let Some((index, after)) = tail.split_once(']') else {
                break;
            };
            let Some(next) = index.parse::<usize>().ok().and_then(|i| at.get(i)) else {
                break;
            };
            pointer.push_str(&format!("/{index}"));
            at = next;
            rest = after.trim_start_matches('.');
            continue;
        }
        let Some(map) = at.as_object() else { break };
        // The longest key that is a prefix of the rest at a `.` or `[` boundary.
        let found = map
            .keys()
            .filter(|k| {
                rest == k.as_str()
                    || rest
                        .strip_prefix(k.as_str())
                        .is_some_and(|r| r.starts_with(['.', '[']))
            })
            .max_by_key(|k| k.len());
        let Some(key) = found else { break };
        pointer.push('/');
        pointer.push_str(&escape(key));
        at = &map[key];
        rest = rest[key.len()..].trim_start_matches('.');
    }
    pointer
}

/// A whole manifest stream: every object in file order (`List` items in place of the list).
#[derive(Debug, Clone)]
pub struct Stream {
    /// The objects.
    pub documents: Vec<Document>,
}

/// Escapes one JSON pointer segment.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

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
/// [`LoadError`] with the line and column when the text is not YAML or JSON, or when a
/// document is not a mapping.
pub fn load(file: &str, text: &str) -> Result<Stream, LoadError> {
    let docs = parse_input(text, &ParseOptions::default()).map_err(|e| LoadError {
        file: file.to_owned(),
        line: e.line(),
        column: e.column(),
        message: format!("not valid YAML or JSON: {}", e.detail()),
    })?;
    let mut documents = Vec::new();
    for doc in docs {
        let start = position(doc.places.at);
        if !doc.node.is_map() {
            return Err(LoadError {
                file: file.to_owned(),
                line: start.line,
                column: start.column,
                message: "a manifest document must be a mapping (an object with kind)".into(),
            });
        }
        let mut positions = BTreeMap::new();
        positions.insert(String::new(), start);
        let mut pointer = String::new();
        record(&doc.node, &doc.places, &mut pointer, &mut positions);
        push_expanded(
            &mut documents,
            file,
            doc.node.into_value(),
            String::new(),
            &Arc::new(positions),
        );
    }
    Ok(Stream { documents })
}

/// A place of the reader as a [`Position`].
fn position(p: Place) -> Position {
    Position {
        line: usize::try_from(p.line).unwrap_or(usize::MAX),
        column: usize::try_from(p.column).unwrap_or(usize::MAX),
    }
}

/// Records the position of every field under `node` (at `pointer`): a mapping entry where its
/// key is written, a sequence item where it starts.
fn record(
    node: &Node,
    places: &Places,
    pointer: &mut String,
    out: &mut BTreeMap<String, Position>,
) {
    let len = pointer.len();
    match node {
        Node::Map(m) => {
            for ((key, value), p) in m.iter().zip(&places.children) {
                pointer.push('/');
                pointer.push_str(&escape(key));
                out.insert(pointer.clone(), position(p.key));
                record(value, p, pointer, out);
                pointer.truncate(len);
            }
        }
        Node::Seq(items) => {
            for (i, (item, p)) in items.iter().zip(&places.children).enumerate() {
                pointer.push('/');
                pointer.push_str(&i.to_string());
                out.insert(pointer.clone(), position(p.at));
                record(item, p, pointer, out);
                pointer.truncate(len);
            }
        }
        Node::Scalar(_) => {}
    }
}

/// Pushes `value`, or each item of it when it is a `List` kind.
fn push_expanded(
    out: &mut Vec<Document>,
    file: &str,
    value: Value,
    prefix: String,
    positions: &Arc<BTreeMap<String, Position>>,
) {
    let is_list = value
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("List"))
        && value.get("items").is_some_and(Value::is_array);
    if !is_list {
        let id = [
            crate::objects::kind(&value).to_owned(),
            crate::objects::namespace(&value).to_owned(),
            crate::objects::name(&value).to_owned(),
        ];
        out.push(Document {
            file: file.to_owned(),
            value,
            prefix,
            positions: Arc::clone(positions),
            id,
        });
        return;
    }
    if let Some(Value::Array(items)) = value.get("items") {
        for (i, item) in items.iter().enumerate() {
            if item.is_object() {
                let p = format!("{prefix}/items/{i}");
                push_expanded(out, file, item.clone(), p, positions);
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
    fn bad_input_names_file_line_and_column() {
        let e = load("bad.yaml", "kind: X\n  a: b: c\n").unwrap_err();
        assert_eq!(e.file, "bad.yaml");
        assert_eq!(e.line, 2, "{e}");
        let e = load("s.yaml", "just text\n").unwrap_err();
        assert!(e.message.contains("mapping"), "{e}");
    }
}
