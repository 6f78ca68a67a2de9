//! A YAML document as kustomize's kyaml holds it: mappings, sequences and scalars, where every
//! scalar keeps its source text, its tag and the style it was written in.
//!
//! A [`serde_json::Value`] cannot tell `2024-01-02` (a timestamp) from `"2024-01-02"` (a
//! string), `1.0` from `1`, `0755` from `493`, or a value written as `~` from one written
//! with no text at all; kustomize can, and prints them differently. [`Node`] keeps all of
//! that, and [`Node::to_value`] is kyaml's `Map()`: the typed value a JSON encoder sees.
//!
//! ```
//! use shgw_yaml::node::{Node, Tag};
//! let docs = shgw_yaml::parse::parse_documents("a: 2024-01-02\nb: \"2024-01-02\"\n", &Default::default()).unwrap();
//! let doc = &docs[0];
//! assert_eq!(doc["a"].scalar().map(|s| s.tag), Some(Tag::Timestamp));
//! assert_eq!(doc["a"].to_value(), "2024-01-02T00:00:00Z");
//! assert_eq!(doc["b"].as_str(), Some("2024-01-02"));
//! ```

use indexmap::IndexMap;
use serde_json::{Number, Value};

/// A mapping: keys in the order they were written.
pub type Map = IndexMap<String, Node>;

/// A YAML node.
#[derive(Clone, Debug)]
pub enum Node {
    /// A scalar with its source text, tag and style.
    Scalar(Scalar),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping.
    Map(Map),
}

/// What a scalar is, resolved from its text, style and explicit tag as kyaml resolves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// `~`, `null`, or nothing at all.
    Null,
    /// `true` / `false` (and, in YAML 1.1 files, `yes`, `on`, ...).
    Bool,
    /// An integer (`12`, `0x1F`, `0o17`, `0755`, `1_000`).
    Int,
    /// A finite floating-point number (`1.0`, `1e3`, `.5`).
    Float,
    /// A string.
    Str,
    /// A timestamp (a plain `YYYY-M-D` date, `2024-01-02T10:00:00Z`, ...), which kustomize
    /// prints as an RFC 3339 timestamp.
    Timestamp,
    /// A `!!binary` scalar: the node keeps its base64 text; kustomize prints the decoded
    /// bytes.
    Binary,
}

/// How a scalar was written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Written {
    /// Plain (unquoted), or made by a transformer.
    #[default]
    Plain,
    /// `'single quoted'`.
    SingleQuoted,
    /// `"double quoted"`.
    DoubleQuoted,
    /// A `|` block.
    Literal,
    /// A `>` block.
    Folded,
}

/// A scalar node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    /// The text as written (after unquoting and block folding): kyaml's `YNode.Value`.
    pub text: String,
    /// What the text resolves to.
    pub tag: Tag,
    /// How it was written.
    pub style: Written,
    /// The node this scalar is one of, when a transformer put one node at several fields of
    /// a document (kyaml's label and annotation transformers do).
    pub share: Option<Share>,
}

/// The identity of a node kyaml holds at several fields of one document, and the value all
/// of them had when they last agreed. A field written in place keeps its identity and
/// differs from that value until the writer brings the others along.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
    /// Which node (unique within a build).
    pub id: u64,
    /// The text the fields last agreed on.
    pub text: String,
    /// The tag the fields last agreed on.
    pub tag: Tag,
}

impl Scalar {
    /// A string scalar, as a transformer writes one.
    pub fn string(text: impl Into<String>) -> Self {
        Scalar {
            text: text.into(),
            tag: Tag::Str,
            style: Written::Plain,
            share: None,
        }
    }

    /// An untagged plain scalar, as kyaml writes a field it creates: the text decides the tag
    /// (YAML 1.2 rules: `5432` is an integer, `true` a boolean, `2024-01-02` a timestamp).
    pub fn plain(text: impl Into<String>) -> Self {
        let text = text.into();
        Scalar {
            tag: crate::resolve::implicit(&text, false, true),
            text,
            style: Written::Plain,
            share: None,
        }
    }

    /// Whether the source wrote nothing at all here (`key:` with no value).
    pub fn is_empty_null(&self) -> bool {
        self.tag == Tag::Null && self.text.is_empty() && self.style == Written::Plain
    }

    /// The typed value a JSON encoder sees (kyaml's `Map()` of this scalar).
    pub fn to_value(&self) -> Value {
        match self.tag {
            Tag::Null => Value::Null,
            Tag::Bool => Value::Bool(bool_value(&self.text)),
            Tag::Int => int_value(&self.text)
                .or_else(|| float_value(&self.text))
                .unwrap_or_else(|| Value::String(self.text.clone())),
            Tag::Float => {
                float_value(&self.text).unwrap_or_else(|| Value::String(self.text.clone()))
            }
            Tag::Str => Value::String(self.text.clone()),
            Tag::Binary => Value::String(binary_value(&self.text)),
            Tag::Timestamp => Value::String(rfc3339(&self.text)),
        }
    }
}

/// A YAML 1.1 or 1.2 boolean's truth (`true`, `yes`, `on`, `y` in any case).
fn bool_value(text: &str) -> bool {
    matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "yes" | "on" | "y"
    )
}

/// An integer's value as go-yaml reads it (Go's `ParseInt`/`ParseUint` with base prefixes
/// after dropping `_`): decimal, `0x` hex, `0o` or legacy leading-zero octal, `0b` binary.
fn int_value(text: &str) -> Option<Value> {
    let clean = without_underscores(text);
    let v = crate::resolve::go_int(&clean)?;
    if let Ok(i) = i64::try_from(v) {
        Some(Value::Number(i.into()))
    } else {
        u64::try_from(v).ok().map(|u| Value::Number(u.into()))
    }
}

/// A number's text without the `_` digit separators Go allows (copied only when it has some).
fn without_underscores(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('_') {
        text.replace('_', "").into()
    } else {
        text.into()
    }
}

/// A finite float's value; an integer text (`!!float 0x10`) is converted.
fn float_value(text: &str) -> Option<Value> {
    let clean = without_underscores(text);
    let f = match clean.parse::<f64>() {
        Ok(f) => f,
        // Below 2^64, so the conversion to f64 only rounds.
        #[allow(clippy::cast_precision_loss)]
        Err(_) => crate::resolve::go_int(&clean)? as f64,
    };
    // kubectl prints a negative zero as `0` (verified with kubectl v1.37.1).
    let f = if f == 0.0 { 0.0 } else { f };
    Number::from_f64(f).map(Value::Number)
}

/// A timestamp as kubectl prints it: RFC 3339 with nanoseconds, in the zone it was written
/// with (`2024-1-2` → `2024-01-02T00:00:00Z`, `2001-12-14t21:59:43.10-05:00` →
/// `2001-12-14T21:59:43.1-05:00`). Text that is no timestamp is returned as it is.
pub fn rfc3339(date: &str) -> String {
    crate::timestamp::Timestamp::parse(date).map_or_else(|| date.to_string(), |t| t.rfc3339())
}

/// A `!!binary` scalar's value as kubectl prints it: the decoded bytes as a string (bytes
/// that are not UTF-8 become U+FFFD); text that is not base64 is returned as it is.
fn binary_value(text: &str) -> String {
    crate::resolve::decode_base64(text).map_or_else(
        || text.to_string(),
        |bytes| crate::resolve::go_lossy_utf8(&bytes),
    )
}

/// What [`Node::index`] returns for a missing key.
static MISSING: Node = Node::Scalar(Scalar {
    text: String::new(),
    tag: Tag::Null,
    style: Written::Plain,
    share: None,
});

impl Node {
    /// A string scalar.
    pub fn string(text: impl Into<String>) -> Self {
        Node::Scalar(Scalar::string(text))
    }

    /// A null scalar (as a transformer writes one: `null`).
    pub fn null() -> Self {
        Node::Scalar(Scalar {
            text: "null".into(),
            tag: Tag::Null,
            style: Written::Plain,
            share: None,
        })
    }

    /// An empty mapping.
    pub fn empty_map() -> Self {
        Node::Map(Map::new())
    }

    /// The node of a JSON value, as kyaml builds nodes from JSON (scalars plain, tagged by
    /// their JSON type).
    pub fn from_value(v: &Value) -> Self {
        let scalar = |text: String, tag: Tag| {
            Node::Scalar(Scalar {
                text,
                tag,
                style: Written::Plain,
                share: None,
            })
        };
        match v {
            Value::Null => Node::null(),
            Value::Bool(b) => scalar(b.to_string(), Tag::Bool),
            Value::Number(n) => {
                let tag = if n.is_f64() { Tag::Float } else { Tag::Int };
                scalar(crate::format_number(n), tag)
            }
            Value::String(s) => Node::string(s.clone()),
            Value::Array(a) => Node::Seq(a.iter().map(Node::from_value).collect()),
            Value::Object(m) => Node::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), Node::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// The typed value, as [`Node::to_value`], taking the node apart instead of copying its
    /// text.
    pub fn into_value(self) -> Value {
        match self {
            Node::Scalar(s) if s.tag == Tag::Str => Value::String(s.text),
            Node::Scalar(s) => s.to_value(),
            Node::Seq(items) => Value::Array(items.into_iter().map(Node::into_value).collect()),
            Node::Map(m) => {
                Value::Object(m.into_iter().map(|(k, v)| (k, v.into_value())).collect())
            }
        }
    }

    /// The typed value (kyaml's `Map()`): what kustomize hands to JSON encoders and prints.
    pub fn to_value(&self) -> Value {
        match self {
            Node::Scalar(s) => s.to_value(),
            Node::Seq(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Node::Map(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), v.to_value())).collect())
            }
        }
    }

    /// The scalar, if this is one.
    pub fn scalar(&self) -> Option<&Scalar> {
        match self {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a string scalar (`!!str`, or `!!binary` text).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar(s) if matches!(s.tag, Tag::Str | Tag::Binary) => Some(&s.text),
            _ => None,
        }
    }

    /// The source text of any scalar (kyaml's `YNode.Value`): `1.0`, `0755`, `2024-1-2`.
    pub fn text(&self) -> Option<&str> {
        self.scalar().map(|s| s.text.as_str())
    }

    /// The text of a scalar that is not null (kyaml's `YNode.Value` where kustomize reads a
    /// name, a label value or a data value), `""` otherwise.
    pub fn text_or_empty(&self) -> &str {
        match self {
            Node::Scalar(s) if s.tag != Tag::Null => &s.text,
            _ => "",
        }
    }

    /// Whether this is a null scalar.
    pub fn is_null(&self) -> bool {
        matches!(self, Node::Scalar(s) if s.tag == Tag::Null)
    }

    /// Whether this is a mapping.
    pub fn is_map(&self) -> bool {
        matches!(self, Node::Map(_))
    }

    /// Whether this is a sequence.
    pub fn is_seq(&self) -> bool {
        matches!(self, Node::Seq(_))
    }

    /// The mapping, if this is one.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Node::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The mapping, mutably, if this is one.
    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match self {
            Node::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The sequence, if this is one.
    pub fn as_seq(&self) -> Option<&Vec<Node>> {
        match self {
            Node::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The sequence, mutably, if this is one.
    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Node>> {
        match self {
            Node::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?.get(key)
    }

    /// The value under `key` of a mapping, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.as_map_mut()?.get_mut(key)
    }

    /// Makes this node a mapping if it is not one, and returns the mapping.
    pub fn ensure_map(&mut self) -> &mut Map {
        if !self.is_map() {
            *self = Node::empty_map();
        }
        match self {
            Node::Map(m) => m,
            // Just made a mapping above.
            _ => unreachable!("ensure_map: the node was just made a mapping"),
        }
    }

    /// Takes the node out, leaving a null in its place.
    pub fn take(&mut self) -> Node {
        std::mem::replace(self, Node::null())
    }
}

/// Equal as kustomize compares values: scalars by their typed value, collections element by
/// element (mapping keys in any order).
impl PartialEq for Node {
    fn eq(&self, other: &Node) -> bool {
        match (self, other) {
            (Node::Scalar(a), Node::Scalar(b)) => {
                (a.tag == b.tag && a.text == b.text) || a.to_value() == b.to_value()
            }
            (Node::Seq(a), Node::Seq(b)) => a == b,
            (Node::Map(a), Node::Map(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v))
            }
            _ => false,
        }
    }
}

impl std::ops::Index<&str> for Node {
    type Output = Node;
    /// The value under `key`, or a null when there is none.
    fn index(&self, key: &str) -> &Node {
        self.get(key).unwrap_or(&MISSING)
    }
}

impl std::ops::Index<usize> for Node {
    type Output = Node;
    /// Element `i` of a sequence, or a null when there is none.
    fn index(&self, i: usize) -> &Node {
        self.as_seq().and_then(|s| s.get(i)).unwrap_or(&MISSING)
    }
}

impl PartialEq<&str> for Node {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl From<Value> for Node {
    fn from(v: Value) -> Self {
        Node::from_value(&v)
    }
}

impl From<&str> for Node {
    fn from(s: &str) -> Self {
        Node::string(s)
    }
}

impl From<String> for Node {
    fn from(s: String) -> Self {
        Node::string(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scalar(text: &str, tag: Tag) -> Scalar {
        Scalar {
            text: text.into(),
            tag,
            style: Written::Plain,
            share: None,
        }
    }

    #[test]
    fn typed_values() {
        assert_eq!(scalar("0755", Tag::Int).to_value(), json!(493));
        assert_eq!(scalar("0x1F", Tag::Int).to_value(), json!(31));
        assert_eq!(scalar("0o12", Tag::Int).to_value(), json!(10));
        assert_eq!(scalar("1_000", Tag::Int).to_value(), json!(1000));
        assert_eq!(scalar("-12", Tag::Int).to_value(), json!(-12));
        assert_eq!(scalar("1e3", Tag::Float).to_value(), json!(1000.0));
        assert_eq!(scalar("Yes", Tag::Bool).to_value(), json!(true));
        assert_eq!(
            scalar("2024-1-2", Tag::Timestamp).to_value(),
            json!("2024-01-02T00:00:00Z")
        );
        assert_eq!(scalar("aGVsbG8=", Tag::Binary).to_value(), json!("hello"));
        assert_eq!(scalar("0x10", Tag::Float).to_value(), json!(16.0));
        assert_eq!(scalar("0X1F", Tag::Int).to_value(), json!(31));
        assert_eq!(
            scalar("18446744073709551615", Tag::Int).to_value(),
            json!(18446744073709551615u64)
        );
        assert_eq!(
            scalar("2001-12-14t21:59:43.10-05:00", Tag::Timestamp).to_value(),
            json!("2001-12-14T21:59:43.1-05:00")
        );
        assert_eq!(scalar("", Tag::Null).to_value(), json!(null));
    }

    #[test]
    fn json_round_trip() {
        let v = json!({"a": [1, 2.5, "x", null, true], "b": {"c": "d"}});
        assert_eq!(Node::from_value(&v).to_value(), v);
        assert_eq!(Node::from_value(&v).into_value(), v);
        let n = Node::from_value(&v);
        assert_eq!(n["a"][2], "x");
        assert!(n["zz"].is_null());
        assert_eq!(n["a"][1].text(), Some("2.5"));
    }
}
