//! A manifest stream as the review reads it: objects in file order, each with the source
//! position of its fields, so that a finding can point at the line and column of the field
//! itself. Reading text into a stream is the caller's (`shgw-review`'s loader); objects that
//! were never text (what [`crate::render`] just built) have no positions.

use serde::Serialize;
use serde_json::Value;
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

/// Where the fields of one YAML document were written: one line and column per field, in
/// document order (a field, then everything in it), shared by every object read from that
/// document. A field is found when a finding is placed, by walking its JSON pointer through the
/// object and this table side by side: a mapping's entries are in the order they were written,
/// which is the order of the object's keys (the workspace builds `serde_json` with
/// `preserve_order`), and a sequence's items in theirs.
///
/// A few bytes per field, where a table keyed by JSON pointer would hold each field's whole
/// path.
///
/// ```
/// use shgw::review::{Document, Positions};
/// use shgw_yaml::parse::{ParseOptions, parse_placed};
/// let doc = parse_placed("kind: A\nspec:\n  ports: [{port: 80}]\n", &ParseOptions::default())?.remove(0);
/// let positions = Positions::of(&doc.places);
/// let d = Document::with_positions("a.yaml", doc.node.into_value(), positions);
/// let p = d.position("/spec/ports/0/port");
/// assert_eq!((p.line, p.column), (3, 12));
/// # Ok::<(), shgw_yaml::parse::ParseError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Positions {
    /// Every field of the document, its root first.
    fields: Arc<[Field]>,
    /// The entry of the object these positions are of (an item of a `List` is not the root).
    root: usize,
}

/// One written field.
#[derive(Debug, Clone, Copy)]
struct Field {
    line: u32,
    column: u32,
    /// How many entries the field and everything in it take.
    span: u32,
}

impl Positions {
    /// The positions of a parsed document: each mapping entry where its key is written, each
    /// sequence item where it starts, the document where it starts.
    pub fn of(places: &shgw_yaml::Places) -> Positions {
        let mut fields = Vec::with_capacity(count(places));
        flatten(places, places.at, &mut fields);
        Positions {
            fields: fields.into(),
            root: 0,
        }
    }

    /// The positions of the field at `pointer` in `value` (the object these positions are
    /// of), to place the fields of an object held inside another (an item of a `List`). A
    /// field that is not written gives the positions of its nearest written parent.
    #[must_use]
    pub fn within(&self, value: &Value, pointer: &str) -> Positions {
        Positions {
            fields: Arc::clone(&self.fields),
            root: self.walk(value, pointer).unwrap_or(self.root),
        }
    }

    /// Where the field at `pointer` in `value` is written, or its nearest written parent;
    /// `None` when nothing is written at all.
    fn find(&self, value: &Value, pointer: &str) -> Option<Position> {
        let f = self.fields.get(self.walk(value, pointer)?)?;
        Some(Position {
            line: usize::try_from(f.line).unwrap_or(usize::MAX),
            column: usize::try_from(f.column).unwrap_or(usize::MAX),
        })
    }

    /// The entry of the deepest field on `pointer` that `value` holds and the table places.
    fn walk(&self, value: &Value, pointer: &str) -> Option<usize> {
        let mut at = self.root;
        self.fields.get(at)?;
        let mut v = value;
        let Some(rest) = pointer.strip_prefix('/') else {
            return Some(at);
        };
        for segment in rest.split('/') {
            let found = match v {
                Value::Object(map) => {
                    let key = unescape(segment);
                    map.iter()
                        .enumerate()
                        .find(|(_, (k, _))| **k == *key)
                        .map(|(i, (_, child))| (i, child))
                }
                Value::Array(items) => {
                    index(segment).and_then(|i| items.get(i).map(|child| (i, child)))
                }
                _ => None,
            };
            let Some((i, child)) = found else { break };
            let Some(entry) = self.child(at, i) else {
                break;
            };
            (at, v) = (entry, child);
        }
        Some(at)
    }

    /// The entry of the `i`th field directly in the field at entry `at`.
    fn child(&self, at: usize, i: usize) -> Option<usize> {
        let end = at + usize::try_from(self.fields.get(at)?.span).ok()?;
        let mut c = at + 1;
        for _ in 0..i {
            c += usize::try_from(self.fields.get(c)?.span).ok()?;
        }
        (c < end).then_some(c)
    }
}

/// How many entries the field `places` and everything in it take.
fn count(places: &shgw_yaml::Places) -> usize {
    1 + places.children.iter().map(count).sum::<usize>()
}

/// Appends the entries of the field `places` (written at `at`) and everything in it.
fn flatten(places: &shgw_yaml::Places, at: shgw_yaml::Place, out: &mut Vec<Field>) {
    let i = out.len();
    out.push(Field {
        line: at.line,
        column: at.column,
        span: 1,
    });
    for c in &places.children {
        flatten(c, c.key, out);
    }
    let span = u32::try_from(out.len() - i).unwrap_or(u32::MAX);
    if let Some(f) = out.get_mut(i) {
        f.span = span;
    }
}

/// A JSON pointer segment as the key it names (`a~1b` is `a/b`).
fn unescape(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains('~') {
        segment.replace("~1", "/").replace("~0", "~").into()
    } else {
        segment.into()
    }
}

/// A JSON pointer segment as a sequence index: decimal digits, no leading zero.
fn index(segment: &str) -> Option<usize> {
    let digits = !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
    if !digits || (segment.len() > 1 && segment.starts_with('0')) {
        return None;
    }
    segment.parse().ok()
}

/// One object of the stream, with the positions of its fields.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file it came from.
    pub file: String,
    /// The object. Its positions follow it as it was read: a key added or removed later is
    /// placed at its parent, or shifts its later siblings.
    pub value: Value,
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
        Document::with_positions(file, value, Positions::default())
    }

    /// An object read from text, with the positions of its fields ([`Positions::of`] its
    /// document, or [`Positions::within`] it for an item of a `List`).
    pub fn with_positions(file: impl Into<String>, value: Value, positions: Positions) -> Document {
        let id = [
            super::objects::kind(&value).to_owned(),
            super::objects::namespace(&value).to_owned(),
            super::objects::name(&value).to_owned(),
        ];
        Document {
            file: file.into(),
            value,
            positions,
            id,
        }
    }

    /// Where the field at `pointer` (a JSON pointer, `/spec/replicas`) is written: the
    /// position of its key, or of the nearest enclosing field that is written.
    pub fn position(&self, pointer: &str) -> Position {
        self.positions
            .find(&self.value, pointer)
            .unwrap_or(Position::START)
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
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;
    use shgw_yaml::parse::{ParseOptions, parse_placed};

    fn read(text: &str) -> Document {
        let doc = parse_placed(text, &ParseOptions::default())
            .unwrap()
            .remove(0);
        let positions = Positions::of(&doc.places);
        Document::with_positions("f", doc.node.into_value(), positions)
    }

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn dotted_paths_find_keys_with_dots() {
        let d = read("# c\nspec:\n  settings:\n    a.b.c: x\n    a: {b: 1}\n  list:\n  - k: 1\n");
        assert_eq!(d.locate("spec.settings.a.b.c"), at(4, 5));
        assert_eq!(d.locate("spec.settings.a.b"), at(5, 9));
        assert_eq!(d.locate("spec.list[0].k"), at(7, 5));
        assert_eq!(d.locate("spec.list[0].missing"), at(7, 5));
        assert_eq!(d.locate("spec.missing"), at(2, 1));
        assert_eq!(
            Document::new("f", json!({})).position("/x"),
            Position::START
        );
    }

    #[test]
    fn pointers_walk_the_object_and_the_table_together() {
        let d = read(
            "kind: X\nmetadata:\n  annotations:\n    example.com/a~b: x\n    b: y\nlist:\n- 1\n- [2, 3]\n",
        );
        assert_eq!(d.position(""), at(1, 1));
        assert_eq!(
            d.position("/metadata/annotations/example.com~1a~0b"),
            at(4, 5)
        );
        assert_eq!(d.position("/metadata/annotations/b"), at(5, 5));
        assert_eq!(d.position("/list/1/1"), at(8, 7));
        // Not an index as a pointer writes one: the nearest parent.
        assert_eq!(d.position("/list/01"), at(6, 1));
        assert_eq!(d.position("/list/+1"), at(6, 1));
        assert_eq!(d.position("/list/9"), at(6, 1));
        assert_eq!(d.position("/kind/deeper"), at(1, 1));
        assert_eq!(d.position("/metadata/annotations/b/c"), at(5, 5));
    }

    #[test]
    fn an_item_of_a_list_is_placed_within_its_document() {
        let text = "kind: List\nitems:\n- kind: A\n- kind: B\n  spec: {x: 1}\n";
        let doc = parse_placed(text, &ParseOptions::default())
            .unwrap()
            .remove(0);
        let positions = Positions::of(&doc.places);
        let list = doc.node.into_value();
        let item = Document::with_positions(
            "f",
            list["items"][1].clone(),
            positions.within(&list, "/items/1"),
        );
        assert_eq!(item.position(""), at(4, 3));
        assert_eq!(item.position("/spec/x"), at(5, 10));
        assert_eq!(item.position("/spec/y"), at(5, 3));
    }
}
