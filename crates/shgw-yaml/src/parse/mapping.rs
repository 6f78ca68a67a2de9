//! Mappings built from their entries: keys, duplicates and merge keys (`<<`), as kyaml builds
//! resources and go-yaml v2 kustomization files.

use super::{ParseError, ParseErrorKind, Pos};
use crate::node::{Map, Node};
use crate::place::Places;
use indexmap::map::Entry;
use std::collections::BTreeMap;

/// What a mapping key does.
#[derive(Debug)]
pub(super) enum KeyKind {
    /// An ordinary key.
    Plain(String),
    /// `<<`: the value's mappings are merged in.
    Merge,
    /// A `!!merge` tag on another text: merged in, and also kept as an ordinary key (as kyaml
    /// does).
    MergeAndKey(String),
    /// A quoted `"<<"` (or `!!str <<`): kyaml drops it unless the mapping also has a merge
    /// key, where it is an ordinary key.
    QuotedMerge,
}

impl KeyKind {
    /// Whether the key merges its value in.
    pub(super) fn merges(&self) -> bool {
        matches!(self, KeyKind::Merge | KeyKind::MergeAndKey(_))
    }
}

/// A mapping key and where it was written.
#[derive(Debug)]
pub(super) struct Key {
    pub(super) kind: KeyKind,
    pub(super) at: Pos,
}

/// What a key written twice does in one mapping.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Duplicates {
    Error,
    LastWins,
    FirstWins,
}

/// A mapping being built and the places of its values, index for index.
#[derive(Default)]
struct Building {
    map: Map,
    places: Vec<Places>,
}

impl Building {
    fn with_capacity(n: usize) -> Building {
        Building {
            map: Map::with_capacity(n),
            places: Vec::with_capacity(n),
        }
    }

    /// Sets `key` (in place when it is there already, at the end otherwise).
    fn set(&mut self, key: String, value: Node, places: Places) {
        match self.map.get_index_of(&key) {
            Some(i) => {
                if let (Some(slot), Some(p)) = (self.map.get_index_mut(i), self.places.get_mut(i)) {
                    *slot.1 = value;
                    *p = places;
                }
            }
            None => {
                self.map.insert(key, value);
                self.places.push(places);
            }
        }
    }

    /// Adds `key` unless it is there.
    fn add(&mut self, key: String, value: Node, places: Places) {
        if !self.map.contains_key(&key) {
            self.map.insert(key, value);
            self.places.push(places);
        }
    }

    fn finish(self) -> (Map, Vec<Places>) {
        (self.map, self.places)
    }
}

/// The mapping of a finished mapping's entries (and the places of its values): explicit keys,
/// then what merge keys bring in (explicit keys win over merged ones, earlier merged mappings
/// over later ones).
pub(super) fn build_map(
    entries: Vec<(Key, Node, Places)>,
    duplicates: Duplicates,
) -> Result<(Map, Vec<Places>), ParseError> {
    let mut built = Building::with_capacity(entries.len());
    let mut merge: Option<(Node, Places, Pos)> = None;
    let mut quoted: Vec<(Key, Node, Places)> = Vec::new();
    // One hash of the key: looked up and inserted through its entry.
    let insert = |b: &mut Building, key: String, at: Pos, value: Node, places: Places| {
        match b.map.entry(key) {
            Entry::Occupied(mut e) => match duplicates {
                Duplicates::Error => {
                    // An entry's places hold where its key is written.
                    let first = b.places.get(e.index()).map_or(at.line, |p| p.key.line);
                    return Err(ParseError::at(
                        ParseErrorKind::DuplicateKey,
                        format!(
                            "mapping key \"{}\" already defined at line {first}",
                            e.key()
                        ),
                        at,
                    ));
                }
                Duplicates::LastWins => {
                    if let Some(p) = b.places.get_mut(e.index()) {
                        *p = places;
                    }
                    *e.get_mut() = value;
                }
                Duplicates::FirstWins => {}
            },
            Entry::Vacant(e) => {
                e.insert(value);
                b.places.push(places);
            }
        }
        Ok(())
    };
    for (key, value, places) in entries {
        let at = key.at;
        let value = match key.kind {
            KeyKind::Plain(k) => {
                insert(&mut built, k, at, value, places)?;
                continue;
            }
            KeyKind::QuotedMerge => {
                quoted.push((key, value, places));
                continue;
            }
            KeyKind::Merge => value,
            KeyKind::MergeAndKey(k) => {
                insert(&mut built, k, at, value.clone(), places.clone())?;
                value
            }
        };
        if merge.is_some() {
            return Err(ParseError::at(
                ParseErrorKind::Merge,
                "duplicate merge key",
                at,
            ));
        }
        merge = Some((value, places, at));
    }
    let Some((value, places, at)) = merge else {
        // kyaml drops quoted `"<<"` keys from a mapping without a merge key.
        return Ok(built.finish());
    };
    for (key, value, places) in quoted {
        insert(&mut built, "<<".into(), key.at, value, places)?;
    }
    for (source, places) in merge_sources(value, places, at)? {
        for ((k, v), p) in source.into_iter().zip(padded(places)) {
            built.add(k, v, p);
        }
    }
    Ok(built.finish())
}

/// The mapping of a finished mapping's entries as go-yaml v2 builds it (kustomization files):
/// entries in order, each merge key setting the keys its mappings bring (earlier mappings of
/// a list win), so a merge key overrides the explicit keys before it and not those after it.
pub(super) fn build_map_v2(
    entries: Vec<(Key, Node, Places)>,
    duplicates: Duplicates,
) -> Result<(Map, Vec<Places>), ParseError> {
    let mut built = Building::with_capacity(entries.len());
    // The line of each explicit key, for duplicates.
    let mut explicit: BTreeMap<String, u32> = BTreeMap::new();
    for (key, value, places) in entries {
        let at = key.at;
        match key.kind {
            KeyKind::Plain(k) => {
                if let Some(first) = explicit.get(&k)
                    && duplicates == Duplicates::Error
                {
                    return Err(ParseError::at(
                        ParseErrorKind::DuplicateKey,
                        format!("mapping key \"{k}\" already defined at line {first}"),
                        at,
                    ));
                }
                explicit.insert(k.clone(), at.line);
                built.set(k, value, places);
            }
            KeyKind::Merge | KeyKind::QuotedMerge | KeyKind::MergeAndKey(_) => {
                for (source, places) in merge_sources(value, places, at)?.into_iter().rev() {
                    for ((k, v), p) in source.into_iter().zip(padded(places)) {
                        built.set(k, v, p);
                    }
                }
            }
        }
    }
    Ok(built.finish())
}

/// The mappings a merge key's value brings in (with the places of their values), in
/// priority order.
pub(super) fn merge_sources(
    value: Node,
    places: Places,
    at: Pos,
) -> Result<Vec<(Map, Vec<Places>)>, ParseError> {
    const NOT_MAPS: &str = "map merge requires map or sequence of maps as the value";
    match value {
        Node::Map(m) => Ok(vec![(m, places.children)]),
        Node::Seq(items) => items
            .into_iter()
            .zip(
                places
                    .children
                    .into_iter()
                    .chain(std::iter::repeat_with(Places::default)),
            )
            .map(|(item, p)| match item {
                Node::Map(m) => Ok((m, p.children)),
                Node::Seq(_) => Err(ParseError::at(
                    ParseErrorKind::Merge,
                    "invalid map merge: received a nested sequence",
                    at,
                )),
                Node::Scalar(_) => Err(ParseError::at(ParseErrorKind::Merge, NOT_MAPS, at)),
            })
            .collect(),
        Node::Scalar(_) => Err(ParseError::at(ParseErrorKind::Merge, NOT_MAPS, at)),
    }
}

/// `places`, then default places without end: a mapping's places are built with it, so the
/// padding is never reached, but a zip with it never drops an entry.
fn padded(places: Vec<Places>) -> impl Iterator<Item = Places> {
    places
        .into_iter()
        .chain(std::iter::repeat_with(Places::default))
}
