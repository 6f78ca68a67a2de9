//! Mapping values written with no text at all (`a:`, `{a: }`).
//!
//! In flow mappings go-yaml v3 (kyaml) reads them as the empty string, where an empty
//! block mapping value is null. The YAML parser used here reads both as null;
//! [`read_empty_values`] finds the former so that they can be turned into `""` (verified
//! with kubectl v1.37.1 in `data`, `metadata.labels`, `metadata.annotations` and `spec`).
//!
//! The latter stay null, but unlike a written `null` or `~`, kyaml's strategic merge drops
//! them from the resource it patches, so their places are returned too.

use crate::alias::Seg as Step;
use serde_json::Value;
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, StructureStyle};

/// The places of the empty values of one document.
#[derive(Debug, Default)]
struct DocEmpties {
    /// In flow mappings (read as `""`).
    flow: Vec<Vec<Step>>,
    /// In block mappings (read as null).
    block: Vec<Vec<Step>>,
}

/// A container being read: its style, and the next key or index.
enum Frame {
    Map { flow: bool, key: Option<String> },
    Seq(usize),
}

/// The paths (per document of `text`, empty documents included) of the omitted mapping
/// values. `None` when the text cannot be read so (anything unusual: complex keys, parse
/// errors); nothing is changed then.
fn empty_values(text: &str) -> Option<Vec<DocEmpties>> {
    let mut docs: Vec<DocEmpties> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut path: Vec<Step> = Vec::new();
    for ev in Parser::new_from_str(text) {
        let (ev, span) = ev.ok()?;
        // Whether a node event is a mapping key.
        let is_key = matches!(stack.last(), Some(Frame::Map { key: None, .. }));
        let node = matches!(
            ev,
            Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
                | Event::Alias(_)
        );
        if node && is_key {
            let Event::Scalar(k, ..) = &ev else {
                return None;
            };
            if let Some(Frame::Map { key, .. }) = stack.last_mut() {
                *key = Some(k.to_string());
            }
            continue;
        }
        if node {
            // The step to this node from its parent.
            match stack.last_mut() {
                Some(Frame::Map { key, .. }) => path.push(Step::Key(key.take()?)),
                Some(Frame::Seq(i)) => {
                    path.push(Step::Index(*i));
                    *i += 1;
                }
                None => {}
            }
        }
        match ev {
            Event::DocumentStart(..) => docs.push(DocEmpties::default()),
            Event::Scalar(v, style, ..) => {
                if style == ScalarStyle::Plain && v == "~" && span.is_empty() {
                    match stack.last() {
                        Some(Frame::Map { flow: true, .. }) => {
                            docs.last_mut()?.flow.push(path.clone())
                        }
                        Some(Frame::Map { flow: false, .. }) => {
                            docs.last_mut()?.block.push(path.clone());
                        }
                        _ => {}
                    }
                }
                if !stack.is_empty() {
                    path.pop();
                }
            }
            Event::Alias(_) if !stack.is_empty() => {
                path.pop();
            }
            Event::MappingStart(style, ..) => stack.push(Frame::Map {
                flow: style == StructureStyle::Flow,
                key: None,
            }),
            Event::SequenceStart(..) => stack.push(Frame::Seq(0)),
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                if !stack.is_empty() {
                    path.pop();
                }
            }
            _ => {}
        }
    }
    Some(docs)
}

fn set_empty(v: &mut Value, path: &[Step]) {
    let target = path.iter().try_fold(v, |v, s| match (s, v) {
        (Step::Key(k), Value::Object(m)) => m.get_mut(k),
        (Step::Index(i), Value::Array(a)) => a.get_mut(*i),
        _ => None,
    });
    if let Some(t) = target.filter(|t| t.is_null()) {
        *t = Value::String(String::new());
    }
}

/// Turns the empty flow-mapping values of `docs` (all documents parsed from `text`, empty
/// ones included) into `""`, and returns the places of the empty block-mapping values of
/// each document (empty when the text has none, or cannot be read so).
pub fn read_empty_values(text: &str, docs: &mut [Value]) -> Vec<Vec<Vec<Step>>> {
    // Cheap filter: an omitted flow value needs a `{`, an omitted block value a null.
    let flow = text.contains('{');
    if !flow && !docs.iter().any(has_null) {
        return Vec::new();
    }
    let Some(found) = empty_values(text) else {
        return Vec::new();
    };
    if found.len() != docs.len() {
        return Vec::new();
    }
    let mut blocks = Vec::with_capacity(docs.len());
    for (doc, e) in docs.iter_mut().zip(found) {
        for p in e.flow {
            set_empty(doc, &p);
        }
        blocks.push(e.block);
    }
    blocks
}

fn has_null(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.values().any(has_null),
        Value::Array(a) => a.iter().any(has_null),
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flow_empty_values() {
        let text = "a: {c: , d: ~, e: }\nb:\n  f:\n  g: [{h: }, {i: 1}]\n---\nk: {l: {m: }}\n";
        let mut docs = vec![
            json!({"a": {"c": null, "d": null, "e": null}, "b": {"f": null, "g": [{"h": null}, {"i": 1}]}}),
            json!({"k": {"l": {"m": null}}}),
        ];
        let blocks = read_empty_values(text, &mut docs);
        let key = |k: &str| Step::Key(k.to_string());
        assert_eq!(blocks[0], vec![vec![key("b"), key("f")]]);
        assert_eq!(
            docs[0],
            json!({"a": {"c": "", "d": null, "e": ""}, "b": {"f": null, "g": [{"h": ""}, {"i": 1}]}})
        );
        assert_eq!(docs[1], json!({"k": {"l": {"m": ""}}}));
    }
}
