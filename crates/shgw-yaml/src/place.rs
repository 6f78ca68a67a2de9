//! Where each node of a parsed document was written.
//!
//! [`Node`]s carry no place: the engine builds and rewrites them by the thousand, and a place
//! is only wanted where a person is told about a field. A parse that keeps places returns a
//! [`Placed`] document: its node and a [`Places`] tree shaped like it, one entry per mapping
//! entry (in the mapping's order) and per sequence item.
//!
//! ```
//! use shgw_yaml::parse::{parse_placed, ParseOptions};
//! let docs = parse_placed("kind: A\nspec:\n  ports: [{port: 80}]\n", &ParseOptions::default()).unwrap();
//! let p = docs[0].place_of(&["spec", "ports", "0", "port"]).unwrap();
//! assert_eq!((p.line, p.column), (3, 12));
//! ```

use crate::node::Node;

/// A place in a text: 1-based line and column, columns counted in characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Place {
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
}

impl Place {
    /// The start of a text.
    pub const START: Place = Place { line: 1, column: 1 };

    /// The place at `line` and `column` (beyond `u32::MAX`, `u32::MAX`).
    pub fn new(line: usize, column: usize) -> Place {
        Place {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The same place `lines` lines down.
    #[must_use]
    pub(crate) fn below(self, lines: usize) -> Place {
        Place {
            line: self
                .line
                .saturating_add(u32::try_from(lines).unwrap_or(u32::MAX)),
            ..self
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Where a node and everything in it were written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Places {
    /// Where the node starts (for an alias, where the alias is).
    pub at: Place,
    /// Where its key is written when the node is a mapping entry's value; `at` otherwise.
    pub key: Place,
    /// The places of a mapping's values (in the mapping's order) or a sequence's items; empty
    /// for a scalar.
    pub children: Vec<Places>,
}

impl Places {
    /// The places of a node with nothing in it, written at `at`.
    pub fn leaf(at: Place) -> Places {
        Places {
            at,
            key: at,
            children: Vec::new(),
        }
    }

    /// The places of entry or item `i`.
    pub fn child(&self, i: usize) -> Option<&Places> {
        self.children.get(i)
    }

    /// Moves every place `lines` lines down.
    pub(crate) fn shift(&mut self, lines: usize) {
        if lines == 0 {
            return;
        }
        self.at = self.at.below(lines);
        self.key = self.key.below(lines);
        for c in &mut self.children {
            c.shift(lines);
        }
    }
}

/// A parsed document with the place of every node.
#[derive(Clone, Debug)]
pub struct Placed {
    /// The document.
    pub node: Node,
    /// Where its nodes were written.
    pub places: Places,
}

impl Placed {
    /// The places of the node at `path` (mapping keys, and sequence indexes written as
    /// numbers), or `None` when the document has no such node.
    pub fn places_of<S: AsRef<str>>(&self, path: &[S]) -> Option<&Places> {
        let (mut node, mut places) = (&self.node, &self.places);
        for segment in path {
            let segment = segment.as_ref();
            let i = match node {
                Node::Map(m) => m.get_index_of(segment)?,
                Node::Seq(_) => segment.parse::<usize>().ok()?,
                Node::Scalar(_) => return None,
            };
            node = match node {
                Node::Map(m) => m.get_index(i)?.1,
                _ => node.as_seq()?.get(i)?,
            };
            places = places.child(i)?;
        }
        Some(places)
    }

    /// Where the field at `path` is written: its key for a mapping entry, the item itself for
    /// a sequence item; `None` when the document has no such field.
    pub fn place_of<S: AsRef<str>>(&self, path: &[S]) -> Option<Place> {
        self.places_of(path).map(|p| p.key)
    }

    /// Where the field at a dotted path (`spec.replicas`, `spec.pod.tolerations[0].key`) is
    /// written: its key, or the item for a sequence item. A key holding dots
    /// (`spec.settings.net.server.http.forwarded.proto.enabled`) is matched against the
    /// document, longest first; a field that is not written points at its nearest written
    /// parent.
    ///
    /// ```
    /// use shgw_yaml::parse::{parse_placed, ParseOptions};
    /// let text = "spec:\n  settings:\n    a.b.c: 1\n  list:\n  - {k: v}\n";
    /// let doc = &parse_placed(text, &ParseOptions::default()).unwrap()[0];
    /// assert_eq!(doc.locate("spec.settings.a.b.c").line, 3);
    /// assert_eq!(doc.locate("spec.list[0].k").column, 6);
    /// assert_eq!(doc.locate("spec.missing.field").line, 1);
    /// ```
    pub fn locate(&self, dotted: &str) -> Place {
        let (mut node, mut places) = (&self.node, &self.places);
        let mut found = places.key;
        let mut rest = dotted.trim_start_matches('.');
        while !rest.is_empty() {
            let (i, after) = if let Some(tail) = rest.strip_prefix('[') {
                let Some((index, after)) = tail.split_once(']') else {
                    break;
                };
                match index.parse::<usize>() {
                    Ok(i) if node.as_seq().is_some_and(|s| i < s.len()) => (i, after),
                    _ => break,
                }
            } else {
                let Some(map) = node.as_map() else { break };
                let key = leading_key(map.keys().map(String::as_str), rest);
                let Some((i, key)) = key.and_then(|k| map.get_index_of(k).map(|i| (i, k))) else {
                    break;
                };
                (i, rest.get(key.len()..).unwrap_or_default())
            };
            let next = match node {
                Node::Map(m) => m.get_index(i).map(|(_, v)| v),
                _ => node.as_seq().and_then(|s| s.get(i)),
            };
            let (Some(next), Some(p)) = (next, places.child(i)) else {
                break;
            };
            (node, places) = (next, p);
            found = p.key;
            rest = after.trim_start_matches('.');
        }
        found
    }
}

/// The key of `keys` that the dotted field path `rest` starts with: the longest one followed by
/// the end of `rest`, a `.` or a `[`, so that a key holding dots
/// (`net.server.http.forwarded.proto.enabled` under `spec.settings`) is matched whole.
///
/// ```
/// let keys = ["net", "net.server.http.forwarded.proto.enabled", "pod"];
/// let rest = "net.server.http.forwarded.proto.enabled";
/// assert_eq!(shgw_yaml::leading_key(keys, rest), Some(rest));
/// assert_eq!(shgw_yaml::leading_key(keys, "pod.tolerations[0]"), Some("pod"));
/// assert_eq!(shgw_yaml::leading_key(keys, "podx"), None);
/// ```
pub fn leading_key<'k>(keys: impl IntoIterator<Item = &'k str>, rest: &str) -> Option<&'k str> {
    keys.into_iter()
        .filter(|k| {
            rest == *k
                || rest
                    .strip_prefix(*k)
                    .is_some_and(|r| r.starts_with(['.', '[']))
        })
        .max_by_key(|k| k.len())
}
