//! Typed values read from placed nodes: a serde [`Deserializer`] over a [`Placed`] document.
//!
//! What a field gets is what kubectl would give it, with the text kept where the field is
//! text:
//!
//! - a string field takes the scalar's text as written: `1.10`, `0755`, `y` and `2024-01-02`
//!   stay exactly that (a mapping or a sequence is a wrong type);
//! - an integer field takes an integer as go-yaml reads one (`12`, `0x1F`, `0755`, `1_000`);
//!   `"12"` (quoted) and `1.5` are wrong types, as they are for kubectl;
//! - a boolean field takes `true`/`false` and, unquoted, the YAML 1.1 words kubectl's
//!   reader knows (`yes`, `no`, `on`, `off`, `y`, `n`, in their three spellings);
//! - a null (`~`, `null`, nothing) is `None` for an optional field and an empty mapping for a
//!   structure or a map, as Go reads a null into a struct.
//!
//! Every problem carries the place of the key or value at fault and the dotted field path;
//! [`read`] finds every problem of a document (each bad entry is left out and the document
//! read again), not only the first.
//!
//! ```
//! #[derive(serde::Deserialize, Debug, PartialEq)]
//! struct Settings { version: String, mode: String, replicas: u8, debug: bool }
//! let docs = shgw_yaml::read_all::<Settings>("s.yaml", "version: 1.10\nmode: 0755\nreplicas: 0x3\ndebug: yes\n").unwrap();
//! assert_eq!(docs[0], Settings { version: "1.10".into(), mode: "0755".into(), replicas: 3, debug: true });
//! ```

use crate::error::{Error, ErrorKind};
use crate::node::{Node, Scalar, Tag, Written};
use crate::parse::{ParseOptions, parse_placed};
use crate::place::{Placed, Places};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use std::cell::RefCell;
use std::collections::BTreeSet;

/// At most this many problems are reported for one document.
const MAX_PROBLEMS: usize = 100;

/// Reads every document of `text` (named `file` in errors) as a `T`.
///
/// # Errors
/// A syntax error alone (placed in `file`), or every problem of every document.
pub fn read_all<T: DeserializeOwned>(file: &str, text: &str) -> Result<Vec<T>, Vec<Error>> {
    let docs = parse_placed(text, &ParseOptions::default()).map_err(|e| vec![e.in_file(file)])?;
    let mut values = Vec::with_capacity(docs.len());
    let mut problems = Vec::new();
    for doc in &docs {
        match read::<T>(doc) {
            Ok(v) => values.push(v),
            Err(es) => problems.extend(es.into_iter().map(|e| e.in_file(file))),
        }
    }
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(problems)
    }
}

/// Reads one document as a `T`.
///
/// # Errors
/// Every problem found, each with its place and field path, in the order of the document.
pub fn read<T: DeserializeOwned>(doc: &Placed) -> Result<T, Vec<Error>> {
    read_node(&doc.node, &doc.places)
}

/// Reads `node` (written at `places`) as a `T`; see [`read`].
///
/// # Errors
/// Every problem found, in the order of the document.
pub fn read_node<T: DeserializeOwned>(node: &Node, places: &Places) -> Result<T, Vec<Error>> {
    let mut skip = BTreeSet::new();
    let mut problems: Vec<Error> = Vec::new();
    loop {
        let run = Run {
            skip: &skip,
            failed: RefCell::new(None),
        };
        let result = T::deserialize(De {
            node,
            places,
            path: String::new(),
            run: &run,
        });
        match result {
            Ok(v) if problems.is_empty() => return Ok(v),
            Ok(_) => break,
            Err(e) => {
                // A field left out because it was wrong is not also missing: the mapping that
                // misses it is left out next.
                let next = if e.kind() == ErrorKind::MissingField && skip.contains(e.path()) {
                    e.path()
                        .rsplit_once('.')
                        .map(|(parent, _)| parent.to_owned())
                } else {
                    problems.push(e);
                    run.failed.into_inner()
                };
                match next {
                    Some(entry) if problems.len() < MAX_PROBLEMS => {
                        if !skip.insert(entry) {
                            break;
                        }
                    }
                    _ => break,
                }
            }
        }
    }
    problems.sort_by_key(|e| e.place());
    Err(problems)
}

/// `path` and a key: `spec` and `replicas` make `spec.replicas`.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// One pass over a document.
struct Run<'s> {
    /// Entries and items left out: those found wrong in earlier passes.
    skip: &'s BTreeSet<String>,
    /// The innermost mapping entry this pass failed in.
    failed: RefCell<Option<String>>,
}

/// The deserializer of one node.
struct De<'a> {
    node: &'a Node,
    places: &'a Places,
    path: String,
    run: &'a Run<'a>,
}

impl<'a> De<'a> {
    /// The error, placed at this node unless something inside placed it.
    fn placed(&self, e: Error) -> Error {
        e.placed(self.places.at, &self.path)
    }

    fn invalid(&self, exp: &dyn de::Expected) -> Error {
        self.placed(de::Error::invalid_type(unexpected(self.node), exp))
    }

    fn scalar(&self) -> Option<&'a Scalar> {
        self.node.scalar()
    }

    fn map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.node {
            Node::Map(m) => visitor.visit_map(Entries {
                entries: m.iter(),
                places: self.places.children.iter(),
                value: None,
                path: &self.path,
                run: self.run,
            }),
            // Go reads a null into a struct or a map as an empty one.
            Node::Scalar(s) if s.tag == Tag::Null => visitor.visit_map(Entries {
                entries: indexmap::map::Iter::default(),
                places: [].iter(),
                value: None,
                path: &self.path,
                run: self.run,
            }),
            _ => return Err(self.invalid(&visitor)),
        };
        result.map_err(|e| self.placed(e))
    }

    fn seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.node {
            Node::Seq(items) => visitor.visit_seq(Items {
                items: items.iter().enumerate(),
                places: self.places.children.iter(),
                path: &self.path,
                run: self.run,
            }),
            _ => return Err(self.invalid(&visitor)),
        };
        result.map_err(|e| self.placed(e))
    }

    fn integer<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = match self.scalar() {
            Some(s) if s.tag == Tag::Int => integer(&s.text),
            _ => None,
        };
        let result = match value {
            Some(v) => match i64::try_from(v) {
                Ok(i) => visitor.visit_i64(i),
                Err(_) => match u64::try_from(v) {
                    Ok(u) => visitor.visit_u64(u),
                    Err(_) => visitor.visit_i128(v),
                },
            },
            None => return Err(self.invalid(&visitor)),
        };
        result.map_err(|e| self.placed(e))
    }

    fn float<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = match self.scalar() {
            Some(s) if matches!(s.tag, Tag::Int | Tag::Float) => s.to_value().as_f64(),
            _ => None,
        };
        match value {
            Some(f) => visitor.visit_f64(f).map_err(|e| self.placed(e)),
            None => Err(self.invalid(&visitor)),
        }
    }
}

/// An integer's value as go-yaml reads it.
fn integer(text: &str) -> Option<i128> {
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    crate::resolve::go_int(&clean)
}

/// A YAML 1.1 boolean as kubectl's reader (go-yaml v2) knows it, when written plain.
fn yaml11_bool(s: &Scalar) -> Option<bool> {
    if s.style != Written::Plain {
        return None;
    }
    match s.text.as_str() {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            Some(false)
        }
        _ => None,
    }
}

/// What a node is, for a wrong-type message.
fn unexpected(node: &Node) -> de::Unexpected<'_> {
    match node {
        Node::Map(_) => de::Unexpected::Map,
        Node::Seq(_) => de::Unexpected::Seq,
        Node::Scalar(s) => match s.tag {
            Tag::Null => de::Unexpected::Unit,
            Tag::Bool => de::Unexpected::Bool(s.to_value().as_bool().unwrap_or_default()),
            Tag::Int | Tag::Float => de::Unexpected::Other(number_word(s)),
            _ => de::Unexpected::Str(&s.text),
        },
    }
}

fn number_word(s: &Scalar) -> &'static str {
    if s.tag == Tag::Int {
        "an integer"
    } else {
        "a floating-point number"
    }
}

macro_rules! integers {
    ($($name:ident)*) => {
        $(fn $name<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
            self.integer(visitor)
        })*
    };
}

impl<'a> Deserializer<'a> for De<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let s = match self.node {
            Node::Map(_) => return self.map(visitor),
            Node::Seq(_) => return self.seq(visitor),
            Node::Scalar(s) => s,
        };
        let result = match s.tag {
            Tag::Null => visitor.visit_unit(),
            Tag::Bool => visitor.visit_bool(s.to_value().as_bool().unwrap_or_default()),
            Tag::Int => return self.integer(visitor),
            Tag::Float => return self.float(visitor),
            Tag::Str | Tag::Timestamp | Tag::Binary => visitor.visit_borrowed_str(&s.text),
        };
        result.map_err(|e| self.placed(e))
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.scalar().and_then(yaml11_bool) {
            Some(b) => visitor.visit_bool(b).map_err(|e| self.placed(e)),
            None => Err(self.invalid(&visitor)),
        }
    }

    integers!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128);

    fn deserialize_f32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.float(visitor)
    }

    fn deserialize_f64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.float(visitor)
    }

    fn deserialize_char<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    /// The scalar's text as written, whatever it reads as.
    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.scalar() {
            Some(s) if s.tag != Tag::Null => visitor
                .visit_borrowed_str(&s.text)
                .map_err(|e| self.placed(e)),
            _ => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.is_null() {
            visitor.visit_none().map_err(|e| self.placed(e))
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.is_null() {
            visitor.visit_unit().map_err(|e| self.placed(e))
        } else {
            Err(self.invalid(&visitor))
        }
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.seq(visitor)
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.seq(visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.map(visitor)
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.map(visitor)
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let result = match self.node {
            Node::Scalar(s) if s.tag != Tag::Null => {
                let unit = de::value::BorrowedStrDeserializer::<'a, Error>::new(s.text.as_str());
                visitor.visit_enum(unit)
            }
            Node::Map(m) if m.len() == 1 => match (m.get_index(0), self.places.child(0)) {
                (Some((k, v)), places) => visitor.visit_enum(Variant {
                    name: k,
                    de: De {
                        node: v,
                        places: places.unwrap_or(self.places),
                        path: join(&self.path, k),
                        run: self.run,
                    },
                }),
                _ => return Err(self.invalid(&visitor)),
            },
            _ => return Err(self.invalid(&visitor)),
        };
        result.map_err(|e| self.placed(e))
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// A mapping's entries.
struct Entries<'a, 'p> {
    entries: indexmap::map::Iter<'a, String, Node>,
    places: std::slice::Iter<'a, Places>,
    /// The value of the entry whose key was just read, and its path.
    value: Option<(&'a Node, &'a Places, String)>,
    path: &'p str,
    run: &'a Run<'a>,
}

impl<'a> MapAccess<'a> for Entries<'a, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        loop {
            let Some((key, node)) = self.entries.next() else {
                return Ok(None);
            };
            let places = self.places.next().unwrap_or(&EMPTY);
            let path = join(self.path, key);
            if self.run.skip.contains(&path) {
                continue;
            }
            let k = de::value::BorrowedStrDeserializer::<'a, Error>::new(key.as_str());
            return match seed.deserialize(k) {
                Ok(k) => {
                    self.value = Some((node, places, path));
                    Ok(Some(k))
                }
                Err(e) => {
                    let e = e.placed(places.key, &path);
                    self.run.failed.borrow_mut().get_or_insert(path);
                    Err(e)
                }
            };
        }
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((node, places, path)) = self.value.take() else {
            return Err(Error::new(
                ErrorKind::Invalid,
                "a mapping value was asked for before its key",
            ));
        };
        let result = seed.deserialize(De {
            node,
            places,
            path: path.clone(),
            run: self.run,
        });
        result.map_err(|e| {
            // The innermost entry is the one to leave out in the next pass.
            self.run.failed.borrow_mut().get_or_insert(path.clone());
            e.placed(places.at, &path)
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// What an entry missing from the places tree has (never, for a parsed document).
static EMPTY: Places = Places {
    at: crate::place::Place { line: 0, column: 0 },
    key: crate::place::Place { line: 0, column: 0 },
    children: Vec::new(),
};

/// A sequence's items.
struct Items<'a, 'p> {
    items: std::iter::Enumerate<std::slice::Iter<'a, Node>>,
    places: std::slice::Iter<'a, Places>,
    path: &'p str,
    run: &'a Run<'a>,
}

impl<'a> SeqAccess<'a> for Items<'a, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        loop {
            let Some((i, node)) = self.items.next() else {
                return Ok(None);
            };
            let places = self.places.next().unwrap_or(&EMPTY);
            let path = format!("{}[{i}]", self.path);
            if self.run.skip.contains(&path) {
                continue;
            }
            return seed
                .deserialize(De {
                    node,
                    places,
                    path,
                    run: self.run,
                })
                .map(Some);
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// A variant written as a mapping of one key (`{name: value}`).
struct Variant<'a> {
    name: &'a str,
    de: De<'a>,
}

impl<'a> EnumAccess<'a> for Variant<'a> {
    type Error = Error;
    type Variant = De<'a>;

    fn variant_seed<S: DeserializeSeed<'a>>(self, seed: S) -> Result<(S::Value, De<'a>), Error> {
        let name = de::value::BorrowedStrDeserializer::<'a, Error>::new(self.name);
        let v = seed.deserialize(name)?;
        Ok((v, self.de))
    }
}

impl<'a> VariantAccess<'a> for De<'a> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        de::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<S: DeserializeSeed<'a>>(self, seed: S) -> Result<S::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.seq(visitor)
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.map(visitor)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Gw {
        metadata: Meta,
        #[serde(default)]
        spec: Spec,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Meta {
        name: String,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Spec {
        replicas: Option<i32>,
        enabled: Option<bool>,
        ratio: Option<f64>,
        #[serde(default)]
        settings: BTreeMap<String, String>,
        #[serde(default)]
        ports: Vec<Port>,
        mode: Option<Mode>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Port {
        port: u16,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Mode {
        Fast,
        Safe,
    }

    fn problems(text: &str) -> Vec<String> {
        read_all::<Gw>("f.yaml", text)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// Each line: a value written for `spec.X`, and what the field gets (or the start of
    /// the error).
    #[test]
    fn scalars_read_as_kubectl_reads_them() {
        let table: &[(&str, &str, Result<&str, &str>)] = &[
            ("replicas", "3", Ok("3")),
            ("replicas", "0x10", Ok("16")),
            ("replicas", "0755", Ok("493")),
            ("replicas", "1_000", Ok("1000")),
            (
                "replicas",
                "\"3\"",
                Err("invalid type: string \"3\", expected i32"),
            ),
            (
                "replicas",
                "3.0",
                Err("invalid type: a floating-point number, expected i32"),
            ),
            ("replicas", "three", Err("invalid type: string \"three\"")),
            (
                "replicas",
                "99999999999",
                Err("invalid value: integer `99999999999`"),
            ),
            ("replicas", "[1]", Err("invalid type: sequence")),
            ("replicas", "~", Ok("None")),
            ("enabled", "true", Ok("true")),
            ("enabled", "yes", Ok("true")),
            ("enabled", "Off", Ok("false")),
            (
                "enabled",
                "\"yes\"",
                Err("invalid type: string \"yes\", expected a boolean"),
            ),
            (
                "enabled",
                "1",
                Err("invalid type: an integer, expected a boolean"),
            ),
            ("ratio", "1", Ok("1")),
            ("ratio", "1.5e1", Ok("15")),
            ("ratio", "x", Err("invalid type: string \"x\"")),
            ("mode", "fast", Ok("Fast")),
            (
                "mode",
                "slow",
                Err("unknown variant `slow`, expected `fast` or `safe`"),
            ),
        ];
        for (field, written, want) in table {
            let text = format!("metadata: {{name: a}}\nspec:\n  {field}: {written}\n");
            let got = read_all::<Gw>("f.yaml", &text).map(|mut d| {
                let s = d.remove(0).spec;
                match *field {
                    "replicas" => format!("{:?}", s.replicas)
                        .replace("Some(", "")
                        .replace(')', ""),
                    "enabled" => format!("{}", s.enabled.unwrap()),
                    "ratio" => format!("{}", s.ratio.unwrap()),
                    _ => format!("{:?}", s.mode.unwrap()),
                }
            });
            match (got, want) {
                (Ok(g), Ok(w)) => assert_eq!(&g, w, "{field}: {written}"),
                (Err(es), Err(w)) => {
                    let e = &es[0];
                    assert_eq!(
                        (e.line(), e.column()),
                        (3, 5 + field.len()),
                        "{field}: {written}"
                    );
                    assert_eq!(e.path(), format!("spec.{field}"));
                    assert!(e.detail().starts_with(w), "{field}: {written}: {e}");
                }
                (got, want) => panic!("{field}: {written}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn strings_keep_their_text() {
        let text = "metadata: {name: 0755}\nspec:\n  settings:\n    a: 1.10\n    b: 0755\n    c: y\n    d: 2024-01-02\n    e: \"1.10\"\n    f: 1e3\n    g: |\n      x\n";
        let gw = &read_all::<Gw>("f.yaml", text).unwrap()[0];
        assert_eq!(gw.metadata.name, "0755");
        let s: Vec<&str> = gw.spec.settings.values().map(String::as_str).collect();
        assert_eq!(s, ["1.10", "0755", "y", "2024-01-02", "1.10", "1e3", "x\n"]);
        let e = problems(
            "metadata: {name: a}\nspec:\n  settings:\n    a: {b: 1}\n    c: [1]\n    d: ~\n",
        );
        assert_eq!(
            e,
            [
                "f.yaml:4:8: spec.settings.a: invalid type: map, expected a string",
                "f.yaml:5:8: spec.settings.c: invalid type: sequence, expected a string",
                "f.yaml:6:8: spec.settings.d: invalid type: unit value, expected a string",
            ]
        );
    }

    #[test]
    fn every_problem_of_every_document_is_placed() {
        let text = "metadata: {name: a, colour: red}\nspec:\n  replicas: x\n  ports:\n  - port: 80\n  - port: 99999\n    host: h\n  extra: 1\n---\nmetadata: {}\nspek: {}\n";
        assert_eq!(
            problems(text),
            [
                "f.yaml:1:21: metadata.colour: unknown field `colour`, expected `name`",
                "f.yaml:3:13: spec.replicas: invalid type: string \"x\", expected i32",
                "f.yaml:6:11: spec.ports[1].port: invalid value: integer `99999`, expected u16",
                "f.yaml:7:5: spec.ports[1].host: unknown field `host`, expected `port`",
                "f.yaml:8:3: spec.extra: unknown field `extra`, expected one of `replicas`, `enabled`, `ratio`, `settings`, `ports`, `mode`",
                "f.yaml:10:11: metadata.name: required",
                "f.yaml:11:1: spek: unknown field `spek`, expected `metadata` or `spec`",
            ]
        );
    }

    #[test]
    fn syntax_errors_are_placed_in_the_file() {
        let e = read_all::<Gw>("f.yaml", "metadata: {name: a}\nspec: [\n").unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].kind(), ErrorKind::Syntax);
        assert_eq!(e[0].file(), Some("f.yaml"));
        assert!(e[0].to_string().starts_with("f.yaml:2:7: "), "{}", e[0]);
        let e = read_all::<Gw>("f.yaml", "a: 1\nmetadata: {name: a}\nmetadata: {name: b}\n")
            .unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "f.yaml:3:1: mapping key \"metadata\" already defined at line 2"
        );
    }

    #[test]
    fn nulls_read_as_go_reads_them() {
        let gw = &read_all::<Gw>("f.yaml", "metadata: {name: a}\nspec:\n").unwrap()[0];
        assert_eq!(gw.spec, Spec::default());
        let v = &read_all::<BTreeMap<String, Option<String>>>("f.yaml", "a: ~\nb: null\nc: x\n")
            .unwrap()[0];
        assert_eq!(v["a"], None);
        assert_eq!(v["c"].as_deref(), Some("x"));
    }
}
