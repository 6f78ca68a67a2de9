//! Mappings built from their entries: keys, duplicates and merge keys (`<<`), as kyaml builds
//! resources and go-yaml v2 kustomization files.

use super::{ParseError, ParseErrorKind, Pos};
use crate::node::{Map, Node};
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

/// The mapping of a finished mapping's entries: explicit keys, then what merge keys bring in
/// (explicit keys win over merged ones, earlier merged mappings over later ones).
pub(super) fn build_map(
    entries: Vec<(Key, Node)>,
    duplicates: Duplicates,
) -> Result<Map, ParseError> {
    let mut map = Map::with_capacity(entries.len());
    let mut lines: Vec<usize> = Vec::with_capacity(entries.len());
    let mut merge: Option<(Node, Pos)> = None;
    let mut quoted: Vec<(Key, Node)> = Vec::new();
    let mut insert = |map: &mut Map, key: String, at: Pos, value: Node| {
        if let Some(i) = map.get_index_of(&key) {
            match duplicates {
                Duplicates::Error => {
                    let first = lines.get(i).copied().unwrap_or(at.line);
                    return Err(ParseError::new(
                        ParseErrorKind::DuplicateKey,
                        format!("mapping key \"{key}\" already defined at line {first}"),
                        at,
                    ));
                }
                Duplicates::LastWins => {
                    if let Some(slot) = map.get_index_mut(i) {
                        *slot.1 = value;
                    }
                }
                Duplicates::FirstWins => {}
            }
        } else {
            map.insert(key, value);
            lines.push(at.line);
        }
        Ok(())
    };
    for (key, value) in entries {
        let at = key.at;
        let value = match key.kind {
            KeyKind::Plain(k) => {
                insert(&mut map, k, at, value)?;
                continue;
            }
            KeyKind::QuotedMerge => {
                quoted.push((key, value));
                continue;
            }
            KeyKind::Merge => value,
            KeyKind::MergeAndKey(k) => {
                insert(&mut map, k, at, value.clone())?;
                value
            }
        };
        if merge.is_some() {
            return Err(ParseError::new(
                ParseErrorKind::Merge,
                "duplicate merge key",
                at,
            ));
        }
        merge = Some((value, at));
    }
    let Some((value, at)) = merge else {
        // kyaml drops quoted `"<<"` keys from a mapping without a merge key.
        return Ok(map);
    };
    for (key, value) in quoted {
        insert(&mut map, "<<".into(), key.at, value)?;
    }
    for source in merge_sources(value, at)? {
        for (k, v) in source {
            map.entry(k).or_insert(v);
        }
    }
    Ok(map)
}

/// The mapping of a finished mapping's entries as go-yaml v2 builds it (kustomization files):
/// entries in order, each merge key setting the keys its mappings bring (earlier mappings of
/// a list win), so a merge key overrides the explicit keys before it and not those after it.
pub(super) fn build_map_v2(
    entries: Vec<(Key, Node)>,
    duplicates: Duplicates,
) -> Result<Map, ParseError> {
    let mut map = Map::with_capacity(entries.len());
    // The line of each explicit key, for duplicates.
    let mut explicit: BTreeMap<String, usize> = BTreeMap::new();
    for (key, value) in entries {
        let at = key.at;
        match key.kind {
            KeyKind::Plain(k) => {
                if let Some(first) = explicit.get(&k)
                    && duplicates == Duplicates::Error
                {
                    return Err(ParseError::new(
                        ParseErrorKind::DuplicateKey,
                        format!("mapping key \"{k}\" already defined at line {first}"),
                        at,
                    ));
                }
                explicit.insert(k.clone(), at.line);
                map.insert(k, value);
            }
            KeyKind::Merge | KeyKind::QuotedMerge | KeyKind::MergeAndKey(_) => {
                for source in merge_sources(value, at)?.into_iter().rev() {
                    map.extend(source);
                }
            }
        }
    }
    Ok(map)
}

/// The mappings a merge key's value brings in, in priority order.
pub(super) fn merge_sources(value: Node, at: Pos) -> Result<Vec<Map>, ParseError> {
    const NOT_MAPS: &str = "map merge requires map or sequence of maps as the value";
    match value {
        Node::Map(m) => Ok(vec![m]),
        Node::Seq(items) => items
            .into_iter()
            .map(|item| match item {
                Node::Map(m) => Ok(m),
                Node::Seq(_) => Err(ParseError::new(
                    ParseErrorKind::Merge,
                    "invalid map merge: received a nested sequence",
                    at,
                )),
                Node::Scalar(_) => Err(ParseError::new(ParseErrorKind::Merge, NOT_MAPS, at)),
            })
            .collect(),
        Node::Scalar(_) => Err(ParseError::new(ParseErrorKind::Merge, NOT_MAPS, at)),
    }
}
