//! A manifest stream (multi-document YAML, JSON, `List` kinds) read together with the source
//! position of every field, so that a finding can point at the line and column of the field
//! itself.
//!
//! Values come from `serde-saphyr` (the same YAML reading as the rest of the workspace);
//! positions come from the parser events of the same text, keyed by JSON pointer.

use serde_json::Value;
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};
use std::collections::BTreeMap;
use std::sync::Arc;

pub use shgw::review::{Document, Position, Stream, escape};

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

/// Reads `text` (YAML or JSON, one or more documents) named `file` in messages.
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
    let (values, json_only) = parse_values(file, text)?;
    // JSON with tab indentation is no YAML; a tab is one character, so a space keeps columns.
    let maps = match positions(file, text) {
        Err(_) if json_only => positions(file, &text.replace('\t', " "))?,
        other => other?,
    };
    let kept: Vec<_> = maps.into_iter().filter(|m| !m.empty).collect();
    if kept.len() != values.len() {
        return Err(LoadError {
            file: file.to_owned(),
            line: 1,
            column: 1,
            message: format!(
                "read {} documents but located {}; report this input as a bug",
                values.len(),
                kept.len()
            ),
        });
    }
    let mut documents = Vec::new();
    for (value, map) in values.into_iter().zip(kept) {
        if !value.is_object() {
            return Err(LoadError {
                file: file.to_owned(),
                line: map.start.line,
                column: map.start.column,
                message: "a manifest document must be a mapping (an object with kind)".into(),
            });
        }
        push_expanded(
            &mut documents,
            file,
            value,
            String::new(),
            &Arc::new(map.at),
        );
    }
    Ok(Stream { documents })
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
        out.push(Document::with_positions(
            file,
            value,
            prefix,
            Arc::clone(positions),
        ));
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

/// The values, and whether only a JSON reader could read them.
/// The parser's safety limits, in proportion to the input: a stream of thousands of objects
/// reads, an alias bomb does not.
fn options(text: &str) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    let len = text.len();
    budget.max_documents = budget.max_documents.max(len / 4 + 1);
    budget.max_events = budget.max_events.max(len.saturating_mul(4));
    budget.max_nodes = budget.max_nodes.max(len.saturating_mul(4));
    budget.max_total_scalar_bytes = budget.max_total_scalar_bytes.max(len.saturating_mul(4));
    serde_saphyr::options! { budget: Some(budget) }
}

fn parse_values(file: &str, text: &str) -> Result<(Vec<Value>, bool), LoadError> {
    match serde_saphyr::from_multiple_with_options::<Value>(text, options(text)) {
        Ok(v) => Ok((v, false)),
        Err(yaml_err) => {
            // JSON that YAML cannot read (tabs for indentation, say) is still JSON.
            if let Ok(v) = serde_json::from_str::<Value>(text) {
                return Ok((vec![v], true));
            }
            let (line, column) = yaml_err
                .location()
                .map(|l| (l.line() as usize, l.column() as usize))
                .unwrap_or((1, 1));
            Err(LoadError {
                file: file.to_owned(),
                line,
                column,
                message: format!(
                    "not valid YAML or JSON: {}",
                    first_line(&yaml_err.to_string())
                ),
            })
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// The positions of one YAML document.
struct DocPositions {
    at: BTreeMap<String, Position>,
    start: Position,
    /// An empty or null document (skipped by the value reader too).
    empty: bool,
}

enum Frame {
    Map {
        at: String,
        key: Option<(String, Position)>,
    },
    Seq {
        at: String,
        next: usize,
    },
    /// Inside a complex (non-scalar) mapping key: nothing is recorded.
    Ignore,
}

/// Walks the parser events, recording the position of every field by JSON pointer.
struct Walker {
    docs: Vec<DocPositions>,
    stack: Vec<Frame>,
    anchors: BTreeMap<usize, String>,
    root_seen: bool,
}

impl Walker {
    fn current(&mut self) -> Option<&mut DocPositions> {
        self.docs.last_mut()
    }

    fn record(&mut self, pointer: &str, pos: Position) {
        if let Some(d) = self.current() {
            d.at.entry(pointer.to_owned()).or_insert(pos);
        }
    }

    /// Places a node starting at `pos`; `None` when it is a mapping key or ignored.
    fn place(&mut self, pos: Position, scalar_key: Option<&str>) -> Option<String> {
        let (pointer, at_pos) = match self.stack.last_mut() {
            None => {
                self.root_seen = true;
                (String::new(), pos)
            }
            Some(Frame::Ignore) => return None,
            Some(Frame::Map {
                key: key @ None, ..
            }) => {
                let text = scalar_key.unwrap_or("\u{0}complex-key").to_owned();
                *key = Some((text, pos));
                return None;
            }
            Some(Frame::Map { at, key }) => {
                let (k, kpos) = key.take().unwrap_or((String::new(), pos));
                (format!("{at}/{}", escape(&k)), kpos)
            }
            Some(Frame::Seq { at, next }) => {
                let pointer = format!("{at}/{next}");
                *next += 1;
                (pointer, pos)
            }
        };
        self.record(&pointer, at_pos);
        Some(pointer)
    }

    fn is_key_slot(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn open(&mut self, pointer: Option<String>, map: bool) {
        let frame = match pointer {
            None => Frame::Ignore,
            Some(at) if map => Frame::Map { at, key: None },
            Some(at) => Frame::Seq { at, next: 0 },
        };
        self.stack.push(frame);
    }

    fn alias(&mut self, pointer: &str, id: usize) {
        let Some(src) = self.anchors.get(&id).cloned() else {
            return;
        };
        let Some(d) = self.current() else { return };
        let copied: Vec<(String, Position)> =
            d.at.range(format!("{src}/")..)
                .take_while(|(k, _)| k.starts_with(&format!("{src}/")))
                .map(|(k, p)| (format!("{pointer}{}", &k[src.len()..]), *p))
                .collect();
        for (k, p) in copied {
            d.at.entry(k).or_insert(p);
        }
    }
}

fn is_null_text(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

fn positions(file: &str, text: &str) -> Result<Vec<DocPositions>, LoadError> {
    let mut w = Walker {
        docs: Vec::new(),
        stack: Vec::new(),
        anchors: BTreeMap::new(),
        root_seen: false,
    };
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| LoadError {
            file: file.to_owned(),
            line: e.marker().line(),
            column: e.marker().col() + 1,
            message: format!("not valid YAML: {}", e.info()),
        })?;
        let pos = Position {
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        match event {
            Event::DocumentStart(..) => {
                w.docs.push(DocPositions {
                    at: BTreeMap::new(),
                    start: pos,
                    empty: true,
                });
                w.stack.clear();
                w.anchors.clear();
                w.root_seen = false;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let root = w.stack.is_empty() && !w.root_seen;
                if root && let Some(d) = w.current() {
                    d.start = pos;
                    d.empty = style == ScalarStyle::Plain && tag.is_none() && is_null_text(&value);
                }
                let key = w.is_key_slot().then_some(value.as_ref());
                let placed = w.place(pos, key);
                if let Some(p) = placed
                    && anchor != 0
                {
                    w.anchors.insert(anchor, p);
                }
            }
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                let map = matches!(event, Event::MappingStart(..));
                if w.stack.is_empty()
                    && !w.root_seen
                    && let Some(d) = w.current()
                {
                    d.start = pos;
                    d.empty = false;
                }
                let placed = w.place(pos, None);
                if let Some(p) = &placed
                    && anchor != 0
                {
                    w.anchors.insert(anchor, p.clone());
                }
                w.open(placed, map);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                w.stack.pop();
            }
            Event::Alias(id) => {
                if w.stack.is_empty()
                    && !w.root_seen
                    && let Some(d) = w.current()
                {
                    d.empty = false;
                }
                if let Some(p) = w.place(pos, Some("\u{0}alias-key")) {
                    w.alias(&p, id);
                }
            }
            _ => {}
        }
    }
    Ok(w.docs)
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
