//! Empty values in flow mappings (`{a: , b: 1}`): go-yaml v3 (kyaml) reads them as the
//! empty string, where an empty block mapping value (`a:`) is null. The YAML parser used
//! here reads both as null; [`empty_flow_values`] finds the former so that they can be
//! turned into `""` (verified with kubectl v1.37.1 in `data`, `metadata.labels`,
//! `metadata.annotations` and `spec`).

use serde_json::Value;
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, StructureStyle};

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A container being read: its style, and the next key or index.
enum Frame {
    Map { flow: bool, key: Option<String> },
    Seq(usize),
}

/// The paths (per document of `text`, empty documents included) of the omitted values in
/// flow mappings. `None` when the text cannot be read so (anything unusual: complex keys,
/// parse errors); nothing is changed then.
fn empty_flow_values(text: &str) -> Option<Vec<Vec<Vec<Step>>>> {
    let mut docs: Vec<Vec<Vec<Step>>> = Vec::new();
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
            Event::DocumentStart(..) => docs.push(Vec::new()),
            Event::Scalar(v, style, ..) => {
                let in_flow_map = matches!(stack.last(), Some(Frame::Map { flow: true, .. }));
                if in_flow_map && style == ScalarStyle::Plain && v == "~" && span.is_empty() {
                    docs.last_mut()?.push(path.clone());
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
/// ones included) into `""`.
pub fn fix_empty_flow_values(text: &str, docs: &mut [Value]) {
    // Cheap filter: an omitted flow value needs `:` followed by `,` or `}`.
    if !text.contains('{') {
        return;
    }
    let Some(paths) = empty_flow_values(text) else {
        return;
    };
    if paths.len() != docs.len() {
        return;
    }
    for (doc, ps) in docs.iter_mut().zip(paths) {
        for p in ps {
            set_empty(doc, &p);
        }
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
        fix_empty_flow_values(text, &mut docs);
        assert_eq!(
            docs[0],
            json!({"a": {"c": "", "d": null, "e": ""}, "b": {"f": null, "g": [{"h": ""}, {"i": 1}]}})
        );
        assert_eq!(docs[1], json!({"k": {"l": {"m": ""}}}));
    }
}
