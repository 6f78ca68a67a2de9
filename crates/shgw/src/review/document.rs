//! A manifest stream as the review reads it: objects in file order, each with the source
//! position of its fields, so that a finding can point at the line and column of the field
//! itself. Reading text into a stream is the caller's (`shgw-review`'s loader); objects that
//! were never text (what [`crate::render`] just built) have no positions.

use serde::Serialize;
use serde_json::Value;
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

/// The positions of the fields of one YAML document, by JSON pointer (`""` for the document
/// itself), shared by every object read from that document.
pub type Positions = Arc<BTreeMap<String, Position>>;

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
    positions: Positions,
    /// `kind`, `metadata.namespace` (or `""`) and `metadata.name`, read once: reviews compare
    /// them for every pair of objects.
    pub(crate) id: [String; 3],
}

impl Document {
    /// An object that was never text: every field is placed at the start of `file`.
    ///
    /// ```
    /// let d = shgw::review::Document::new("<rendered>", serde_json::json!({"kind": "Service"}));
    /// assert_eq!(d.position("/spec").line, 1);
    /// ```
    pub fn new(file: impl Into<String>, value: Value) -> Document {
        Document::with_positions(file, value, String::new(), Positions::default())
    }

    /// An object read from text: `positions` are those of the YAML document it is in, and
    /// `prefix` is the object's JSON pointer inside that document (`/items/3` for an item of
    /// a `List`, empty for a document of its own).
    pub fn with_positions(
        file: impl Into<String>,
        value: Value,
        prefix: String,
        positions: Positions,
    ) -> Document {
        let id = [
            super::objects::kind(&value).to_owned(),
            super::objects::namespace(&value).to_owned(),
            super::objects::name(&value).to_owned(),
        ];
        Document {
            file: file.into(),
            value,
            prefix,
            positions,
            id,
        }
    }

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

    /// Where a field given by its dotted path (`spec.resources.requests.cpu`,
    /// `spec.settings.net.server.http.forwarded.proto.enabled`, `spec.pod.tolerations[0]`) is
    /// written; keys holding dots are matched against the document, longest first. Fields that
    /// are not written point at their nearest written parent, as [`Document::position`].
    pub fn locate(&self, dotted: &str) -> Position {
        self.position(&pointer_of(&self.value, dotted))
    }

    /// The object's `kind`.
    pub fn kind(&self) -> &str {
        &self.id[0]
    }

    /// The object's `metadata.namespace`, or `""` when it names none.
    pub fn namespace(&self) -> &str {
        &self.id[1]
    }

    /// The object's `metadata.name`.
    pub fn name(&self) -> &str {
        &self.id[2]
    }

    /// Whether this is the object `kind` in `namespace` (`""` for none).
    pub fn is(&self, kind: &str, namespace: &str) -> bool {
        self.id[0] == kind && self.id[1] == namespace
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
        let Some(key) = shgw_yaml::leading_key(map.keys().map(String::as_str), rest) else {
            break;
        };
        pointer.push('/');
        pointer.push_str(&escape(key));
        at = &map[key];
        rest = rest[key.len()..].trim_start_matches('.');
    }
    pointer
}

/// A whole manifest stream: every object in file order (`List` items in place of the list).
#[derive(Debug, Clone, Default)]
pub struct Stream {
    /// The objects.
    pub documents: Vec<Document>,
}

/// Escapes one JSON pointer segment.
///
/// ```
/// assert_eq!(shgw::review::escape("a/b~c"), "a~1b~0c");
/// ```
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_paths_find_keys_with_dots() {
        let v = json!({"spec": {"settings": {"a.b.c": "x", "a": {"b": 1}}, "list": [{"k": 1}]}});
        let positions: BTreeMap<String, Position> = [
            (
                "/spec/settings/a.b.c".to_owned(),
                Position { line: 4, column: 5 },
            ),
            ("/spec/list/0".to_owned(), Position { line: 7, column: 3 }),
            (String::new(), Position { line: 2, column: 1 }),
        ]
        .into();
        let d = Document::with_positions("f", v, String::new(), Arc::new(positions));
        assert_eq!(
            d.locate("spec.settings.a.b.c"),
            Position { line: 4, column: 5 }
        );
        assert_eq!(d.locate("spec.list[0].k"), Position { line: 7, column: 3 });
        assert_eq!(d.locate("spec.missing"), Position { line: 2, column: 1 });
        assert_eq!(
            Document::new("f", json!({})).position("/x"),
            Position::START
        );
    }
}
