//! YAML text to [`Node`]s, read as kubectl kustomize (v1.37.1, kustomize v5.8.1) reads it.
//!
//! Resources (the default) are read as kyaml reads them, every rule checked against kubectl:
//!
//! - the file is split as kyaml splits it: CRLF made LF, pieces between `---` lines (a
//!   separator with more than a comment after it is an error), only the first document of
//!   each piece kept; empty and null documents are left out;
//! - scalars resolve as go-yaml v3 resolves them: the YAML 1.2 core schema with Go's number
//!   syntax (`0755`, `0x1F`, `1_000`, `09` a float), timestamps, `.inf`/`.nan` refused (kubectl
//!   cannot print them); explicit tags are checked (`!!int x` is an error);
//! - mapping keys must read as strings (kubectl cannot print a mapping with a `1:`, `true:`
//!   or null key); duplicate keys are an error ([`DuplicateKeys`]);
//! - anchors, aliases and merge keys (`<<`) are resolved on the way, as kyaml's `DeAnchor`
//!   does (explicit keys win over merged ones, earlier merged mappings over later ones);
//! - what kustomize's internal re-print of each resource changes is applied: timestamps with a
//!   time inside flow collections and omitted flow-mapping values become strings, folded
//!   scalars gain or lose line breaks around more-indented lines, a `\N` in a double-quoted
//!   scalar becomes a space (see `reprint.rs`);
//! - a block scalar that runs into the end of a text with no final line break gets no
//!   trailing newline, whatever its chomping.
//!
//! Kustomization files are read in YAML 1.1 mode ([`ParseOptions::yaml11`]), as
//! sigs.k8s.io/yaml (go-yaml v2) reads them: the whole text, `yes`/`on`/`y` booleans (and
//! such keys become `"true"`/`"false"`), dates stay strings, `! 12` is a string, merge keys
//! apply in order (a quoted `"<<"` merges too).
//!
//! Budgets keep hostile input cheap: at most [`node_budget`] nodes (anchor copies and alias
//! copies counted) and [`MAX_DEPTH`] levels of nesting; beyond them, an error.
//!
//! ```
//! use shgw_yaml::node::Tag;
//! use shgw_yaml::parse::{parse_documents, ParseOptions};
//! let docs = parse_documents("a: 0755\nb: yes\n---\n", &ParseOptions::default()).unwrap();
//! assert_eq!(docs.len(), 1);
//! assert_eq!(docs[0]["a"].to_value(), 493);
//! assert_eq!(docs[0]["b"].as_str(), Some("yes"));
//! let err = parse_documents("a: 1\na: 2\n", &ParseOptions::default()).unwrap_err();
//! assert_eq!((err.line(), err.column()), (2, 1));
//! assert_eq!(err.message(), "mapping key \"a\" already defined at line 1");
//! let kustomization = ParseOptions { yaml11: true, ..Default::default() };
//! let docs = parse_documents("b: yes\n", &kustomization).unwrap();
//! assert_eq!(docs[0]["b"].scalar().map(|s| s.tag), Some(Tag::Bool));
//! ```

use crate::node::{Node, Scalar, Tag, Written};
use crate::place::{Place, Placed, Places};
use crate::{reprint, resolve};
use mapping::{Duplicates, Key, KeyKind, build_map, build_map_v2};
use source::{
    document_marker_after_unicode_break, go_quote_escapes, split_documents,
    starts_with_document_end, trim_around_unicode_breaks, unicode_break_blanks, unknown_escape,
};

mod mapping;
mod source;
use granit_parser::{
    Event, Marker, Options, Parser, ScalarStyle, ScanError, StructureStyle, Tag as EventTag,
};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// How to read a text.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// Read it as go-yaml v2 reads kustomization files (YAML 1.1 booleans, mapping keys that
    /// read as booleans become `"true"`/`"false"`, no timestamps), instead of as kyaml
    /// (go-yaml v3) reads resources.
    pub yaml11: bool,
    /// What a key written twice in one mapping does.
    pub duplicate_keys: DuplicateKeys,
}

/// What a key written twice in one mapping does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DuplicateKeys {
    /// An error naming the key and both lines (kubectl fails so on resources).
    #[default]
    Error,
    /// The later value replaces the earlier one (as kustomization files are read).
    LastWins,
    /// The earlier value stays (as kyaml looks a field up in a patch's mapping node, which
    /// keeps both entries; verified with kubectl v1.37.1).
    FirstWins,
}

/// The crate's [`Error`](crate::Error), as the parser's functions name it.
pub type ParseError = crate::Error;

/// The crate's [`ErrorKind`](crate::ErrorKind), as the parser's functions name it.
pub type ParseErrorKind = crate::ErrorKind;

impl From<ScanError> for ParseError {
    fn from(e: ScanError) -> Self {
        let at = Pos::of(e.marker());
        let info = e.info();
        let message = if info.is_empty() {
            "invalid YAML".to_string()
        } else {
            info
        };
        ParseError::at(ParseErrorKind::Syntax, message, at)
    }
}

/// Collections nested deeper than this are refused.
pub const MAX_DEPTH: usize = 512;

/// The most nodes (alias copies included) a text of `len` bytes may make.
pub fn node_budget(len: usize) -> usize {
    len.saturating_mul(4).max(500_000)
}

/// All non-empty documents of `text`. A document with no content, or only a null scalar, is
/// left out.
pub fn parse_documents(text: &str, opts: &ParseOptions) -> Result<Vec<Node>, ParseError> {
    Ok(parse_placed(text, opts)?
        .into_iter()
        .map(|d| d.node)
        .collect())
}

/// All non-empty documents of `text` as the values kubectl reads (kyaml's `Map()` of each
/// document, as [`parse_documents`] reads them).
///
/// ```
/// let v = shgw_yaml::parse::parse_values("a: 0x10\n---\nb: [yes]\n").unwrap();
/// assert_eq!(v, [serde_json::json!({"a": 16}), serde_json::json!({"b": ["yes"]})]);
/// ```
///
/// # Errors
/// [`ParseError`] with the place of the first problem.
pub fn parse_values(text: &str) -> Result<Vec<serde_json::Value>, ParseError> {
    Ok(parse_documents(text, &ParseOptions::default())?
        .into_iter()
        .map(Node::into_value)
        .collect())
}

/// The first document of `text` as a value ([`parse_values`]); null when it has none.
///
/// # Errors
/// [`ParseError`] with the place of the first problem.
pub fn parse_value(text: &str) -> Result<serde_json::Value, ParseError> {
    Ok(parse_values(text)?
        .into_iter()
        .next()
        .unwrap_or(serde_json::Value::Null))
}

/// All non-empty documents of `text`, as [`parse_documents`] reads them, each with the place
/// of every node and mapping key.
///
/// ```
/// use shgw_yaml::parse::{parse_placed, ParseOptions};
/// let docs = parse_placed("a: 1\n---\nb:\n  c: [x, y]\n", &ParseOptions::default()).unwrap();
/// let p = docs[1].place_of(&["b", "c", "1"]).unwrap();
/// assert_eq!((p.line, p.column), (4, 10));
/// assert_eq!(docs[1].place_of(&["b", "c"]).map(|p| p.column), Some(3));
/// ```
///
/// # Errors
/// [`ParseError`] with the place of the first problem.
pub fn parse_placed(text: &str, opts: &ParseOptions) -> Result<Vec<Placed>, ParseError> {
    let mut docs = Vec::new();
    for_each_placed(text, opts, |d| docs.push(d))?;
    Ok(docs)
}

/// As [`parse_placed`], handing each document to `f` as soon as it is read, so that a long
/// stream is never held as nodes all at once.
///
/// ```
/// use shgw_yaml::parse::{for_each_placed, ParseOptions};
/// let mut kinds = Vec::new();
/// for_each_placed("kind: A\n---\nkind: B\n", &ParseOptions::default(), |d| {
///     kinds.push((d.node["kind"].text_or_empty().to_owned(), d.places.at.line));
/// })
/// .unwrap();
/// assert_eq!(kinds, [("A".to_owned(), 1), ("B".to_owned(), 3)]);
/// ```
///
/// # Errors
/// [`ParseError`] with the place of the first problem (`f` has seen the documents before it).
pub fn for_each_placed(
    text: &str,
    opts: &ParseOptions,
    mut f: impl FnMut(Placed),
) -> Result<(), ParseError> {
    let mut b = Builder {
        opts,
        budget: node_budget(text.len()),
        created: 0,
        stack: Vec::new(),
        anchors: BTreeMap::new(),
        root: None,
        lines: 0,
        sink: &mut f,
    };
    // go-yaml reads U+0085 (NEL) as a line break, like LF.
    let text = if text.contains('\u{85}') {
        Cow::Owned(text.replace('\u{85}', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let text = go_quote_escapes(text);
    if opts.yaml11 {
        b.read(&text, false)?;
    } else {
        // kyaml (kio.ByteReader) reads resources file by file this way: CRLF line ends made
        // LF, the text split at `---` lines, and the first document of each piece decoded.
        let text = if text.contains("\r\n") {
            Cow::Owned(text.replace("\r\n", "\n"))
        } else {
            text
        };
        for (line, piece) in split_documents(&text)? {
            b.lines = line;
            b.read(&piece, true).map_err(|e| e.below(line))?;
        }
    }
    Ok(())
}

/// As [`parse_placed`], and JSON that YAML cannot read (a tab to indent, which JSON allows
/// and YAML does not) read as JSON, as kubectl reads JSON input: one document, with the same
/// lines and columns (a tab, one character, becomes a space; JSON strings hold no raw tabs).
///
/// ```
/// use shgw_yaml::parse::{parse_input, ParseOptions};
/// let docs = parse_input("{\n\t\"a\": {\"b\": 1}\n}\n", &ParseOptions::default()).unwrap();
/// assert_eq!(docs[0].place_of(&["a", "b"]).map(|p| (p.line, p.column)), Some((2, 8)));
/// ```
///
/// # Errors
/// The YAML reading's error when the text is neither.
pub fn parse_input(text: &str, opts: &ParseOptions) -> Result<Vec<Placed>, ParseError> {
    let mut docs = Vec::new();
    for_each_input(text, opts, |d| docs.push(d))?;
    Ok(docs)
}

/// As [`parse_input`], handing each document to `f` as soon as it is read
/// ([`for_each_placed`]).
///
/// # Errors
/// The YAML reading's error when the text is neither YAML nor JSON.
pub fn for_each_input(
    text: &str,
    opts: &ParseOptions,
    mut f: impl FnMut(Placed),
) -> Result<(), ParseError> {
    let mut seen = 0;
    match for_each_placed(text, opts, |d| {
        seen += 1;
        f(d);
    }) {
        Err(e) if seen == 0 && text.contains('\t') && text.trim_start().starts_with(['{', '[']) => {
            for_each_placed(&text.replace('\t', " "), opts, f).map_err(|_| e)
        }
        other => other,
    }
}

fn parser_options() -> Options {
    let mut o = Options::default();
    // go-yaml ends a block scalar that runs into the end of a text with no final line break
    // without a trailing newline, whatever its chomping indicator.
    o.block_scalar_eof_without_line_feed = true;
    // go-yaml reads a byte-order mark inside a document as text.
    o.bom_inside_document_as_content = true;
    // Our own depth limit is the one users meet (the scanner runs ahead of the events).
    o.flow_nesting_limit = MAX_DEPTH * 4;
    o.block_nesting_limit = MAX_DEPTH * 4;
    o
}

/// A place in the text, 1-based.
type Pos = Place;

impl Place {
    /// The place of a parser marker (its columns count characters from 0).
    fn of(m: &Marker) -> Place {
        Place::new(m.line(), m.col() + 1)
    }
}

/// A collection being read.
enum Frame {
    Seq {
        items: Vec<(Node, Places)>,
        info: Info,
        flow: bool,
        /// The value of a merge key: its mappings are merge sources, merged into a mapping
        /// written in flow style (`Some(true)`) or block style.
        merge_target: Option<bool>,
    },
    Map {
        entries: Vec<(Key, Node, Places)>,
        key: Option<Key>,
        info: Info,
        flow: bool,
        /// A mapping merged into another (written in flow style when `Some(true)`): duplicate
        /// keys are no error, the first one wins, and its values are re-printed where they
        /// land.
        merge_target: Option<bool>,
    },
}

/// Bookkeeping of a collection being read.
struct Info {
    anchor: usize,
    /// Where it starts.
    start: Pos,
    /// Nodes in it so far, itself included.
    count: usize,
    /// Nesting levels below it so far.
    height: usize,
}

/// A finished node with what its parent needs to know.
struct Done {
    node: Node,
    places: Places,
    count: usize,
    height: usize,
    anchor: usize,
    at: Pos,
    /// Whether it was written in flow context (scalars) or flow style (collections).
    flow: bool,
}

/// An anchored node, ready to be copied by aliases.
struct Anchored {
    node: Node,
    places: Places,
    count: usize,
    height: usize,
    /// As [`Done::flow`].
    flow: bool,
}

struct Builder<'o, 's> {
    opts: &'o ParseOptions,
    budget: usize,
    created: usize,
    stack: Vec<Frame>,
    anchors: BTreeMap<usize, Anchored>,
    root: Option<(Node, Places)>,
    /// Lines of the whole text before the piece being read.
    lines: usize,
    /// Where finished documents go.
    sink: &'s mut dyn FnMut(Placed),
}

impl Builder<'_, '_> {
    /// Reads the events of `text` (only its first document when `first_only`).
    fn read(&mut self, text: &str, first_only: bool) -> Result<(), ParseError> {
        if first_only && let Some(line) = starts_with_document_end(text) {
            return Err(ParseError::at(
                ParseErrorKind::Syntax,
                "did not find expected node content",
                Pos::new(line, 1),
            ));
        }
        let mut options = parser_options();
        // Comments matter only where a U+2028 or U+2029 in one is refused; parsing without
        // comment events is faster, and so is not looking for them in every event.
        let unicode_breaks = text.contains(['\u{2028}', '\u{2029}']);
        options.emit_comments = unicode_breaks;
        for ev in Parser::new_from_str_with_options(text, options) {
            let (ev, span) = ev?;
            let at = Pos::of(&span.start);
            let (start, end) = (span.start.byte_offset(), span.end.byte_offset());
            if let Event::Scalar(_, ScalarStyle::DoubleQuoted, ..) = ev
                && let (Some(start), Some(end)) = (start, end)
                && text.get(start..end).is_some_and(unknown_escape)
            {
                return Err(ParseError::at(
                    ParseErrorKind::Syntax,
                    "found unknown escape character",
                    at,
                ));
            }
            let ev = if unicode_breaks {
                let raw = start
                    .zip(end)
                    .and_then(|(s, e)| text.get(s..e))
                    .unwrap_or_default();
                self.unicode_breaks(ev, raw, at)?
            } else {
                ev
            };
            let document_end = matches!(ev, Event::DocumentEnd);
            self.event(ev, at, span.start.index() == span.end.index())?;
            if first_only && document_end {
                break;
            }
        }
        Ok(())
    }

    /// go-yaml takes U+2028 and U+2029 for line breaks (YAML 1.1), the parser here for text.
    /// In a quoted or flow scalar they stay as they are (go-yaml keeps them as the break, and
    /// drops the blanks around it as it does around any line break);
    /// anywhere else (plain block scalars, block scalars, comments) the break ends the line
    /// where kubectl then fails, and so do we. (U+0085 is made a line break beforehand.)
    fn unicode_breaks<'e>(
        &self,
        ev: Event<'e>,
        raw: &str,
        at: Pos,
    ) -> Result<Event<'e>, ParseError> {
        if !raw.contains(['\u{2028}', '\u{2029}']) {
            return Ok(ev);
        }
        match ev {
            Event::Scalar(text, style, anchor, tag)
                if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted)
                    || (style == ScalarStyle::Plain && self.in_flow()) =>
            {
                if document_marker_after_unicode_break(raw) {
                    return Err(ParseError::at(
                        ParseErrorKind::Syntax,
                        "found unexpected document indicator (after a U+2028 or U+2029 line break)",
                        at,
                    ));
                }
                // Blanks written around a line break are not content.
                let blanks = unicode_break_blanks(raw, style == ScalarStyle::DoubleQuoted);
                let text = Cow::Owned(trim_around_unicode_breaks(&text, &blanks));
                Ok(Event::Scalar(text, style, anchor, tag))
            }
            Event::Scalar(..) | Event::Comment(..) => Err(ParseError::at(
                ParseErrorKind::Syntax,
                "U+2028 and U+2029 are line breaks to kubectl (go-yaml); quote the text",
                at,
            )),
            other => Ok(other),
        }
    }

    fn event(&mut self, ev: Event<'_>, at: Pos, empty: bool) -> Result<(), ParseError> {
        match ev {
            Event::DocumentStart(..) => {
                self.anchors.clear();
                self.root = None;
            }
            Event::DocumentEnd => {
                if let Some((node, mut places)) = self.root.take()
                    && !node.is_null()
                {
                    places.shift(self.lines);
                    (self.sink)(Placed { node, places });
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, at)?;
                self.scalar(&text, style, anchor, tag.as_deref(), at, empty)?;
            }
            Event::SequenceStart(style, anchor, _) => {
                self.open(at)?;
                let merge_target = match self.stack.last() {
                    Some(Frame::Map {
                        key: Some(k), flow, ..
                    }) if k.kind.merges() => Some(*flow),
                    _ => None,
                };
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    info: Info::new(anchor, at),
                    flow: style == StructureStyle::Flow,
                    merge_target,
                });
            }
            Event::MappingStart(style, anchor, _) => {
                self.open(at)?;
                let merge_target = self.merge_target();
                self.stack.push(Frame::Map {
                    entries: Vec::new(),
                    key: None,
                    info: Info::new(anchor, at),
                    flow: style == StructureStyle::Flow,
                    merge_target,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(at)?,
            Event::Alias(id) => self.alias(id, at)?,
            _ => {}
        }
        Ok(())
    }

    /// Counts `n` new nodes against the budget.
    fn count(&mut self, n: usize, at: Pos) -> Result<(), ParseError> {
        self.created = self.created.saturating_add(n);
        if self.created > self.budget {
            return Err(ParseError::at(
                ParseErrorKind::Limit,
                format!(
                    "the text makes more than {} nodes (aliases copy their anchor's nodes)",
                    self.budget
                ),
                at,
            ));
        }
        Ok(())
    }

    /// Starts a collection: counted, nested within the depth limit, and never a key.
    fn open(&mut self, at: Pos) -> Result<(), ParseError> {
        self.count(1, at)?;
        if self.expects_key() {
            return Err(ParseError::at(
                ParseErrorKind::Key,
                "a mapping key must be a scalar (kubectl: invalid map key)",
                at,
            ));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(ParseError::at(
                ParseErrorKind::Limit,
                format!("collections nested deeper than {MAX_DEPTH} levels"),
                at,
            ));
        }
        Ok(())
    }

    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    /// When the next node is a merge source (the value of a merge key, or a mapping in the
    /// list that is), whether the mapping it is merged into is written in flow style.
    fn merge_target(&self) -> Option<bool> {
        match self.stack.last() {
            Some(Frame::Map {
                key: Some(k), flow, ..
            }) if k.kind.merges() => Some(*flow),
            Some(Frame::Seq { merge_target, .. }) => *merge_target,
            _ => None,
        }
    }

    /// Whether kustomize's re-print writes the next scalar in flow context: inside a flow
    /// collection, or merged into a flow mapping.
    fn reprint_flow(&self) -> bool {
        match self.stack.last() {
            Some(Frame::Map {
                merge_target: Some(target),
                ..
            }) => *target,
            _ => self.in_flow(),
        }
    }

    /// Whether the next node is inside a flow collection.
    fn in_flow(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Map { flow: true, .. } | Frame::Seq { flow: true, .. })
        )
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&EventTag>,
        at: Pos,
        empty: bool,
    ) -> Result<(), ParseError> {
        let written = match style {
            ScalarStyle::Plain => Written::Plain,
            ScalarStyle::SingleQuoted => Written::SingleQuoted,
            ScalarStyle::DoubleQuoted => Written::DoubleQuoted,
            ScalarStyle::Literal => Written::Literal,
            ScalarStyle::Folded => Written::Folded,
        };
        // A value written with no text at all.
        let empty = empty && written == Written::Plain;
        let text = if empty { "" } else { text };
        let explicit = Explicit::of(tag, self.opts.yaml11);
        let yaml11 = self.opts.yaml11;
        let resolved = match &explicit {
            // kubectl reads an omitted flow-mapping value of a resource as "" (kustomize's
            // re-print quotes it); go-yaml v2 and an omitted key read null.
            Explicit::None if empty && !yaml11 && self.reprint_flow() && !self.expects_key() => {
                Ok(Tag::Str)
            }
            Explicit::None if written == Written::Plain => {
                Ok(resolve::implicit(text, yaml11, !yaml11))
            }
            Explicit::None | Explicit::Other => Ok(Tag::Str),
            Explicit::Core(suffix) => resolve::explicit(suffix, text, yaml11),
        };
        let mut tag = resolved.map_err(|e| e.placed(at, ""))?;
        let mut text = Cow::Borrowed(text);
        if !yaml11 {
            // What kustomize's internal re-print of the resource changes.
            let implicit = matches!(explicit, Explicit::None) && written == Written::Plain;
            if implicit
                && tag == Tag::Timestamp
                && self.reprint_flow()
                && reprint::needs_quotes_in_flow(&text)
            {
                tag = Tag::Str;
            }
            let reprinted = match written {
                Written::Folded => reprint::folded(&text),
                Written::DoubleQuoted => reprint::double_quoted(&text),
                _ => None,
            };
            if let Some(v) = reprinted {
                text = Cow::Owned(v);
            }
        }
        if tag == Tag::Float && resolve::is_special_float(&text) {
            return Err(ParseError::at(
                ParseErrorKind::Value,
                format!("`{text}` is not a finite number; kubectl cannot print it as JSON"),
                at,
            ));
        }
        if tag == Tag::Timestamp
            && crate::timestamp::Timestamp::parse(&text).is_some_and(|t| !t.encodable())
        {
            return Err(ParseError::at(
                ParseErrorKind::Value,
                format!("timestamp `{text}`: kubectl cannot print a zone offset of 24 hours"),
                at,
            ));
        }
        let scalar = Scalar {
            text: text.into_owned(),
            tag,
            style: written,
            share: None,
        };
        if self.expects_key() {
            // The key's text moves into the key; an anchored key keeps a copy for aliases.
            let anchored = (anchor != 0).then(|| scalar.clone());
            let kind = self.key_kind(scalar, &explicit, at)?;
            if let Some(scalar) = anchored {
                let node = Node::Scalar(scalar);
                self.anchors.insert(
                    anchor,
                    Anchored {
                        node,
                        places: Places::leaf(at),
                        count: 1,
                        height: 0,
                        flow: false,
                    },
                );
            }
            self.set_key(Key { kind, at });
            return Ok(());
        }
        let flow = self.reprint_flow();
        self.finish(Done {
            node: Node::Scalar(scalar),
            places: Places::leaf(at),
            count: 1,
            height: 0,
            anchor,
            at,
            flow,
        })
    }

    /// What a scalar key does, or why it cannot be one.
    fn key_kind(&self, s: Scalar, explicit: &Explicit<'_>, at: Pos) -> Result<KeyKind, ParseError> {
        let yaml11 = self.opts.yaml11;
        if let Explicit::Core("merge") = explicit {
            return Ok(if s.text == "<<" {
                KeyKind::Merge
            } else {
                KeyKind::MergeAndKey(s.text)
            });
        }
        if s.text == "<<" {
            // go-yaml v2 takes a quoted `"<<"` for a merge key too; kyaml does not.
            let untagged = matches!(explicit, Explicit::None);
            if untagged && (s.style == Written::Plain || yaml11) {
                return Ok(KeyKind::Merge);
            }
            if !yaml11 && s.tag == Tag::Str {
                return Ok(KeyKind::QuotedMerge);
            }
        }
        let custom = matches!(explicit, Explicit::Other | Explicit::Core(_))
            && !matches!(explicit, Explicit::Core("str"));
        key_text(s, yaml11, custom)
            .map(KeyKind::Plain)
            .map_err(|e| e.placed(at, ""))
    }

    fn set_key(&mut self, k: Key) {
        if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
            *key = Some(k);
        }
    }

    fn alias(&mut self, id: usize, at: Pos) -> Result<(), ParseError> {
        let Some(a) = self.anchors.get(&id) else {
            return Err(ParseError::at(ParseErrorKind::Syntax, "unknown anchor", at));
        };
        let (count, height) = (a.count, a.height);
        if self.expects_key() {
            let Node::Scalar(s) = &a.node else {
                return Err(ParseError::at(
                    ParseErrorKind::Key,
                    "a mapping key must be a scalar (kubectl: invalid map key)",
                    at,
                ));
            };
            let text =
                key_text(s.clone(), self.opts.yaml11, false).map_err(|e| e.placed(at, ""))?;
            self.count(1, at)?;
            self.set_key(Key {
                kind: KeyKind::Plain(text),
                at,
            });
            return Ok(());
        }
        self.count(count, at)?;
        if self.stack.len() + height > MAX_DEPTH {
            return Err(ParseError::at(
                ParseErrorKind::Limit,
                format!("collections nested deeper than {MAX_DEPTH} levels (through an alias)"),
                at,
            ));
        }
        let Some((mut node, mut places, flow)) = self
            .anchors
            .get(&id)
            .map(|a| (a.node.clone(), a.places.clone(), a.flow))
        else {
            return Err(ParseError::at(ParseErrorKind::Syntax, "unknown anchor", at));
        };
        if !self.opts.yaml11 {
            // The copy is re-printed where it lands (kyaml resolves aliases and merge keys
            // before the re-print): a scalar in this context, a merged mapping's values in the
            // mapping it is merged into.
            match (&mut node, self.merge_target()) {
                (Node::Scalar(s), _) => reprint::place(s, flow, self.reprint_flow()),
                (Node::Map(m), Some(target)) => {
                    for v in m.values_mut() {
                        if let Node::Scalar(s) = v {
                            reprint::place(s, flow, target);
                        }
                    }
                }
                _ => {}
            }
        }
        // The copy's contents are placed where the anchor wrote them, the copy itself here.
        places.at = at;
        places.key = at;
        self.finish(Done {
            node,
            places,
            count,
            height,
            anchor: 0,
            at,
            flow,
        })
    }

    /// Ends the innermost collection.
    fn close(&mut self, at: Pos) -> Result<(), ParseError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let done = match frame {
            Frame::Seq {
                items, info, flow, ..
            } => {
                let (items, children): (Vec<Node>, Vec<Places>) = items.into_iter().unzip();
                Done {
                    node: Node::Seq(items),
                    places: Places {
                        at: info.start,
                        key: info.start,
                        children,
                    },
                    count: info.count,
                    height: info.height + 1,
                    anchor: info.anchor,
                    at,
                    flow,
                }
            }
            Frame::Map {
                entries,
                info,
                merge_target,
                flow,
                ..
            } => {
                let duplicates = if merge_target.is_some() && !self.opts.yaml11 {
                    Duplicates::FirstWins
                } else {
                    match self.opts.duplicate_keys {
                        DuplicateKeys::Error => Duplicates::Error,
                        DuplicateKeys::LastWins => Duplicates::LastWins,
                        DuplicateKeys::FirstWins => Duplicates::FirstWins,
                    }
                };
                let (map, children) = if self.opts.yaml11 {
                    build_map_v2(entries, duplicates)?
                } else {
                    build_map(entries, duplicates)?
                };
                Done {
                    node: Node::Map(map),
                    places: Places {
                        at: info.start,
                        key: info.start,
                        children,
                    },
                    count: info.count,
                    height: info.height + 1,
                    anchor: info.anchor,
                    at,
                    flow,
                }
            }
        };
        self.finish(done)
    }

    /// Hands a finished node to its parent (or makes it the document's root).
    fn finish(&mut self, d: Done) -> Result<(), ParseError> {
        if d.anchor != 0 {
            // The copy kept for aliases counts too, so nested anchors cannot make quadratic work.
            self.count(d.count, d.at)?;
            self.anchors.insert(
                d.anchor,
                Anchored {
                    node: d.node.clone(),
                    places: d.places.clone(),
                    count: d.count,
                    height: d.height,
                    flow: d.flow,
                },
            );
        }
        match self.stack.last_mut() {
            None => self.root = Some((d.node, d.places)),
            Some(Frame::Seq { items, info, .. }) => {
                info.add(d.count, d.height);
                items.push((d.node, d.places));
            }
            Some(Frame::Map {
                entries, key, info, ..
            }) => {
                info.add(d.count, d.height);
                match key.take() {
                    Some(k) => {
                        let mut places = d.places;
                        places.key = k.at;
                        entries.push((k, d.node, places));
                    }
                    None => {
                        return Err(ParseError::at(
                            ParseErrorKind::Key,
                            "a mapping key must be a scalar (kubectl: invalid map key)",
                            d.at,
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

impl Info {
    fn new(anchor: usize, start: Pos) -> Info {
        Info {
            anchor,
            start,
            count: 1,
            height: 0,
        }
    }

    fn add(&mut self, count: usize, height: usize) {
        self.count = self.count.saturating_add(count);
        self.height = self.height.max(height);
    }
}

/// An explicit tag on a node.
enum Explicit<'t> {
    /// None, or the non-specific `!`.
    None,
    /// A tag in the `tag:yaml.org,2002:` namespace (`!!int`), by its name.
    Core(&'t str),
    /// A local or foreign tag (`!Foo`).
    Other,
}

impl<'t> Explicit<'t> {
    /// The tag of an event. The non-specific tag `!` is no tag to go-yaml v3 (`! 12` is an
    /// integer) but makes a string for go-yaml v2.
    fn of(tag: Option<&'t EventTag>, yaml11: bool) -> Explicit<'t> {
        let Some(tag) = tag else {
            return Explicit::None;
        };
        if (tag.handle(), tag.suffix()) == ("!", "") || (tag.handle(), tag.suffix()) == ("", "!") {
            return if yaml11 {
                Explicit::Other
            } else {
                Explicit::None
            };
        }
        if let Some(prefix_tail) = "tag:yaml.org,2002:".strip_prefix(tag.handle())
            && let Some(name) = tag.suffix().strip_prefix(prefix_tail)
        {
            return Explicit::Core(name);
        }
        if let Some(name) = tag.handle().strip_prefix("tag:yaml.org,2002:")
            && name.is_empty()
        {
            return Explicit::Core(tag.suffix());
        }
        Explicit::Other
    }
}

/// The text of a scalar mapping key. kubectl can only print mappings whose keys are strings:
/// in YAML 1.2 mode a key that reads as anything else (`1`, `true`, `2024-01-02`, a custom
/// tag) is an error; in YAML 1.1 mode booleans become `"true"`/`"false"` and other keys keep
/// their text. A null key is an error in both.
fn key_text(s: Scalar, yaml11: bool, custom_tag: bool) -> Result<String, ParseError> {
    let refused = |detail: String| ParseError::new(ParseErrorKind::Key, detail);
    match s.tag {
        Tag::Null => Err(refused(format!(
            "mapping key `{}` is null; kubectl cannot print it",
            s.text
        ))),
        Tag::Bool if yaml11 => Ok(if s.to_value() == true {
            "true".into()
        } else {
            "false".into()
        }),
        Tag::Str if !custom_tag || yaml11 => Ok(s.text),
        _ if yaml11 => Ok(s.text),
        tag => Err(refused(format!(
            "mapping key `{}` is read as {}, not a string; kubectl cannot print the mapping (quote the key)",
            s.text,
            if custom_tag && tag == Tag::Str {
                "a custom-tagged value"
            } else {
                resolve::tag_name(tag)
            }
        ))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn docs(text: &str) -> Vec<Node> {
        parse_documents(text, &ParseOptions::default()).unwrap()
    }

    fn one(text: &str) -> Node {
        let mut d = docs(text);
        assert_eq!(d.len(), 1, "{text}");
        d.remove(0)
    }

    fn err(text: &str) -> ParseError {
        parse_documents(text, &ParseOptions::default()).unwrap_err()
    }

    fn yaml11(text: &str) -> Node {
        let o = ParseOptions {
            yaml11: true,
            duplicate_keys: DuplicateKeys::LastWins,
        };
        parse_documents(text, &o).unwrap().remove(0)
    }

    fn scalar(n: &Node) -> (&str, Tag, Written) {
        let s = n.scalar().unwrap();
        (s.text.as_str(), s.tag, s.style)
    }

    #[test]
    fn plain_scalars_resolve_as_go_yaml_v3() {
        let d = one(
            "a: ~\nb: true\nc: yes\nd: 0755\ne: 1.0\nf: 2024-1-2\ng: x\nh: .5\ni: 0x1F\nj: 09\n",
        );
        assert_eq!(scalar(&d["a"]), ("~", Tag::Null, Written::Plain));
        assert_eq!(scalar(&d["b"]).1, Tag::Bool);
        assert_eq!(scalar(&d["c"]).1, Tag::Str);
        assert_eq!(scalar(&d["d"]).1, Tag::Int);
        assert_eq!(scalar(&d["e"]).1, Tag::Float);
        assert_eq!(scalar(&d["f"]).1, Tag::Timestamp);
        assert_eq!(scalar(&d["g"]).1, Tag::Str);
        assert_eq!(scalar(&d["h"]).1, Tag::Float);
        assert_eq!(scalar(&d["j"]).1, Tag::Float);
        assert_eq!(
            d.to_value(),
            json!({"a": null, "b": true, "c": "yes", "d": 493, "e": 1.0, "f": "2024-01-02T00:00:00Z",
                   "g": "x", "h": 0.5, "i": 31, "j": 9.0})
        );
    }

    #[test]
    fn quoted_and_block_scalars_are_strings() {
        let d = one("a: 'true'\nb: \"12\"\nc: |\n  1\nd: >-\n  ~\n");
        assert_eq!(scalar(&d["a"]), ("true", Tag::Str, Written::SingleQuoted));
        assert_eq!(scalar(&d["b"]), ("12", Tag::Str, Written::DoubleQuoted));
        assert_eq!(scalar(&d["c"]), ("1\n", Tag::Str, Written::Literal));
        assert_eq!(scalar(&d["d"]), ("~", Tag::Str, Written::Folded));
    }

    #[test]
    fn yaml11_mode() {
        let d = yaml11("a: yes\nb: Off\nc: 2024-01-02\nyes: 1\nn: 2\nd: y\n");
        assert_eq!(
            d.to_value(),
            json!({"a": true, "b": false, "c": "2024-01-02", "true": 1, "false": 2, "d": true})
        );
        assert_eq!(yaml11("a: ! 12\n")["a"].as_str(), Some("12"));
        assert!(yaml11("a: {b: }\n")["a"]["b"].is_null());
        let d = yaml11("a: 1\na: 2\n");
        assert_eq!(d["a"].to_value(), json!(2));
    }

    #[test]
    fn explicit_tags() {
        let d = one(concat!(
            "a: !!str 12\nb: !!int \"12\"\nc: !!float 1\nd: !!binary aGVsbG8=\n",
            "e: !!timestamp \"2024-01-02\"\nf: !Foo 12\ng: !!null ''\nh: !<tag:yaml.org,2002:int> \"7\"\n",
            "i: !Foo {x: 1}\nj: !!seq {x: 1}\nk: !!str\nl: !!float 0x10\nm: ! 12\n"
        ));
        assert_eq!(scalar(&d["a"]), ("12", Tag::Str, Written::Plain));
        assert_eq!(scalar(&d["b"]), ("12", Tag::Int, Written::DoubleQuoted));
        assert_eq!(scalar(&d["d"]), ("aGVsbG8=", Tag::Binary, Written::Plain));
        assert_eq!(d["d"].as_str(), Some("aGVsbG8="));
        assert_eq!(scalar(&d["f"]).1, Tag::Str);
        assert_eq!(
            d.to_value(),
            json!({"a": "12", "b": 12, "c": 1.0, "d": "hello", "e": "2024-01-02T00:00:00Z",
                   "f": "12", "g": null, "h": 7, "i": {"x": 1}, "j": {"x": 1}, "k": "", "l": 16.0, "m": 12})
        );
        for (text, msg) in [
            ("a: !!int x\n", "cannot decode !!str `x` as a !!int"),
            ("a: !!bool yes\n", "cannot decode !!str `yes` as a !!bool"),
            (
                "a: !!binary '!!!'\n",
                "!!binary value contains invalid base64 data",
            ),
        ] {
            // The place is the scalar's text, after its tag.
            let e = err(text);
            let col = text.rfind([' ']).unwrap() + 2;
            assert_eq!((e.message(), e.line(), e.column()), (msg, 1, col), "{text}");
        }
    }

    #[test]
    fn empty_values() {
        let d = one("a:\nb: {c: , d: ~}\ne:\n- \n- {f: }\n");
        assert!(d["a"].scalar().unwrap().is_empty_null());
        assert_eq!(scalar(&d["b"]["c"]), ("", Tag::Str, Written::Plain));
        assert_eq!(scalar(&d["b"]["d"]), ("~", Tag::Null, Written::Plain));
        assert!(d["e"][0].scalar().unwrap().is_empty_null());
        assert_eq!(scalar(&d["e"][1]["f"]).1, Tag::Str);
        let d = one("a: {b}\nc: [d: ]\ne:\n  ? f\n");
        assert_eq!(
            d.to_value(),
            json!({"a": {"b": ""}, "c": [{"d": ""}], "e": {"f": null}})
        );
        assert!(d["e"]["f"].scalar().unwrap().is_empty_null());
        assert!(err("a: {: x}\n").message().contains("null"));
    }

    #[test]
    fn final_block_scalar_without_line_break() {
        for (text, want) in [
            ("a: |\n  x\n  y", "x\ny"),
            ("a: |+\n  x\n  y", "x\ny"),
            ("a: >\n  x\n  y", "x y"),
            ("a: |\n  x\n  y\n", "x\ny\n"),
            ("a: |+\n  x\n\n", "x\n\n"),
        ] {
            assert_eq!(one(text)[want_key(text)].text(), Some(want), "{text:?}");
        }
        assert_eq!(
            one("a: |\n  x\nb: |\n  y").to_value(),
            json!({"a": "x\n", "b": "y"})
        );
        assert_eq!(one("- |2\n   x").to_value(), json!([" x"]));
    }

    fn shgw_yaml_print(n: &Node) -> String {
        crate::to_string(&n.to_value())
    }

    fn want_key(text: &str) -> &'static str {
        if text.starts_with('-') { "" } else { "a" }
    }

    #[test]
    fn anchors_aliases_merge_keys() {
        let d = one(concat!(
            "a: &x {p: 1, q: 2}\n",
            "b: {<<: *x, q: 3}\n",
            "c: {<<: [*x, {p: 5, r: 6}]}\n",
            "d: {q: 9, <<: *x}\n",
            "e: {\"<<\": *x, z: 1}\n",
            "f: {<<: {p: 1}, \"<<\": {q: 1}}\n",
            "g: &s [1, &t two]\n",
            "h: [*s, *t]\n",
            "i: {<<: {p: 1, p: 2}}\n",
            "j: {<<: []}\n",
        ));
        assert_eq!(
            d.to_value(),
            json!({"a": {"p": 1, "q": 2}, "b": {"p": 1, "q": 3}, "c": {"p": 1, "q": 2, "r": 6},
                   "d": {"p": 1, "q": 9}, "e": {"z": 1}, "f": {"p": 1, "<<": {"q": 1}},
                   "g": [1, "two"], "h": [[1, "two"], "two"], "i": {"p": 1}, "j": {}})
        );
        for (text, msg) in [
            ("a: {<<: {p: 7}, <<: {r: 8}}\n", "duplicate merge key"),
            (
                "a: {<<: 1}\n",
                "map merge requires map or sequence of maps as the value",
            ),
            (
                "a: {<<: }\n",
                "map merge requires map or sequence of maps as the value",
            ),
            (
                "a: {<<: [[{p: 1}]]}\n",
                "invalid map merge: received a nested sequence",
            ),
            (
                "a: {<<: [{p: 1}, 2]}\n",
                "map merge requires map or sequence of maps as the value",
            ),
        ] {
            assert_eq!(err(text).message(), msg, "{text}");
        }
    }

    #[test]
    fn kustomize_reprint_effects() {
        // Timestamps with a time inside flow collections come back as strings.
        let d = one(
            "a: {x: 2024-01-02T10:00:00Z, y: 2024-01-02}\nb: [2024-01-02 10:00:00]\nc: 2024-01-02T10:00:00Z\nd: {? 2024-01-02T10:00:00Z : 1}\n",
        );
        assert_eq!(scalar(&d["a"]["x"]).1, Tag::Str);
        assert_eq!(scalar(&d["a"]["y"]).1, Tag::Timestamp);
        assert_eq!(scalar(&d["b"][0]).1, Tag::Str);
        assert_eq!(scalar(&d["c"]).1, Tag::Timestamp);
        assert_eq!(d["d"]["2024-01-02T10:00:00Z"].to_value(), json!(1));
        assert!(
            err("a: 2024-01-02T10:00:00+24:00\n")
                .message()
                .contains("24 hours")
        );
        // Folded scalars with more-indented lines.
        assert_eq!(
            one("a: >-\n  x\n   more\n  y\n")["a"].text(),
            Some("x\n\n more\ny")
        );
        assert_eq!(
            one("a: >2-\n   m\n  x\n\n  y\n")["a"].text(),
            Some(" m\nx y")
        );
        // Not in YAML 1.1 mode (kustomization files are not re-printed).
        let o = ParseOptions {
            yaml11: true,
            ..Default::default()
        };
        let d = parse_documents("a: >-\n  x\n   more\n  y\n", &o).unwrap();
        assert_eq!(d[0]["a"].text(), Some("x\n more\ny"));
    }

    #[test]
    fn yaml11_merge_keys() {
        // As kubectl reads kustomization files (go-yaml v2 via sigs.k8s.io/yaml).
        let d = yaml11(
            "a: {x: 2, <<: {x: 1, q: 1}}\nb: {<<: {x: 1, q: 1}, x: 2}\nc: {<<: [{x: 1}, {x: 3, z: 3}]}\nd: {\"<<\": {x: 1}}\ne: {<<: {x: 1}, <<: {q: 2}}\n",
        );
        assert_eq!(
            d.to_value(),
            json!({"a": {"x": 1, "q": 1}, "b": {"x": 2, "q": 1}, "c": {"x": 1, "z": 3},
                   "d": {"x": 1}, "e": {"x": 1, "q": 2}})
        );
        let o = ParseOptions {
            yaml11: true,
            duplicate_keys: DuplicateKeys::Error,
        };
        let e = parse_documents("a: 1\nb: 2\na: 3\n", &o).unwrap_err();
        assert_eq!(
            (e.message(), e.line()),
            ("mapping key \"a\" already defined at line 1", 3)
        );
    }

    #[test]
    fn keys() {
        let d = one("\"1\": a\n!!str 2: b\n'': c\nyes: d\n\"x\": e\n");
        assert_eq!(
            d.to_value(),
            json!({"1": "a", "2": "b", "": "c", "yes": "d", "x": "e"})
        );
        for text in [
            "1: a\n",
            "true: a\n",
            "~: a\n",
            "null: a\n",
            "2024-01-02: a\n",
            "!Foo x: a\n",
            "1.5: a\n",
        ] {
            assert!(err(text).message().starts_with("mapping key"), "{text}");
        }
        assert_eq!(
            yaml11("1: a\n0x10: b\n").to_value(),
            json!({"1": "a", "0x10": "b"})
        );
        assert!(err("? [a]\n: b\n").message().contains("must be a scalar"));
        assert!(
            err("? {a: 1}\n: b\n")
                .message()
                .contains("must be a scalar")
        );
        assert!(
            err("a: &k [1]\n*k : b\n")
                .message()
                .contains("must be a scalar")
        );
        assert_eq!(one("a: &k key\n*k : b\n")["key"].as_str(), Some("b"));
    }

    #[test]
    fn duplicate_keys() {
        let e = err("a: 1\nb:\n  c: 1\n  c: 2\n");
        assert_eq!(e.kind(), ParseErrorKind::DuplicateKey);
        assert_eq!(e.message(), "mapping key \"c\" already defined at line 3");
        assert_eq!((e.line(), e.column()), (4, 3));
        assert_eq!(
            e.to_string(),
            "mapping key \"c\" already defined at line 3 (line 4, column 3)"
        );
        let o = ParseOptions {
            yaml11: false,
            duplicate_keys: DuplicateKeys::LastWins,
        };
        let d = parse_documents("a: 1\na: 2\n", &o).unwrap();
        assert_eq!(d[0].to_value(), json!({"a": 2}));
    }

    #[test]
    fn documents() {
        let d = docs("\u{feff}# c\n---\n---\n~\n---\na: 1 # c\n...\n--- # c\nnull\n---\nb\n");
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].to_value(), json!({"a": 1}));
        assert_eq!(d[1].as_str(), Some("b"));
        assert!(docs("").is_empty());
        assert!(docs("# only\n").is_empty());
        let d = one("a: |\r\n  x\r\n  y\r\nb: \"t\\tu\"\r\nc: t\tu\r\nd: héllo ☃\r\n");
        assert_eq!(
            d.to_value(),
            json!({"a": "x\ny\n", "b": "t\tu", "c": "t\tu", "d": "héllo ☃"})
        );
        // As kyaml splits a file: only the first document between `---` lines counts.
        assert_eq!(docs("a: 1\n...\nb: 2\n").len(), 1);
        let e = err("a: 1\n--- b\nc: 1\n");
        assert_eq!(
            (e.message(), e.line()),
            ("invalid document separator: --- b", 2)
        );
        assert_eq!(
            err("a: 1\n---x\n").message(),
            "invalid document separator: ---x"
        );
        assert_eq!(err("a: 1\n---\n# c\n...\n").line(), 4);
        assert!(err("%YAML 1.2\n---\na: 1\n").line() >= 1);
        // Errors are placed in the whole text.
        assert_eq!(err("a: 1\n---\nb: 1\nb: 2\n").line(), 4);
        assert_eq!(err("a: 1\n---\nb: 1\n--- # c\n\nc: 1\nc: 2\n").line(), 7);
        assert_eq!(err("a: 1\n---\nb: 1\n\n--- x\n").line(), 5);
        // Anchors do not reach across documents.
        assert!(err("a: &x 1\n---\nb: *x\n").message().contains("anchor"));
        assert_eq!(
            err("a: \"x\\/y\"\n").message(),
            "found unknown escape character"
        );
        // Unicode line breaks.
        let d = one(
            "a: \"x\u{2028}y\"\nb: 'x \u{85} y'\nc: [x\u{85}\u{85}y]\nd: \"x\\Ny\"\ne: \"x\u{85}\n\n  y\"\n",
        );
        assert_eq!(
            d.to_value(),
            json!({"a": "x\u{2028}y", "b": "x y", "c": ["x\ny"], "d": "x y", "e": "x\n\ny"})
        );
        assert!(
            err("a: '\u{2028}--- '\n")
                .message()
                .contains("document indicator")
        );
        assert_eq!(
            one("a: '\u{2028}---x'\n")["a"].as_str(),
            Some("\u{2028}---x")
        );
        let d = one("a: 'x \u{2028}   y'\nb: \"\u{2028}\t\u{2029} z\"\nc: \"\\t\u{2028}\\L \"\n");
        assert_eq!(
            d.to_value(),
            json!({"a": "x\u{2028}y", "b": "\u{2028}\u{2029}z", "c": "\t\u{2028}\u{2028} "})
        );
        // go-yaml's `\'` escape.
        let d = one("a: \"it\\'s \\'x\\'\"\nb: 'it''s \\'\nc: \"\\\\'\"\n");
        assert_eq!(
            d.to_value(),
            json!({"a": "it's 'x'", "b": "it's \\", "c": "\\'"})
        );
        // Hostile input stays cheap: beyond 16 such scalars, the parser's error stands.
        let many = "- \"\\'\"\n".repeat(40);
        assert!(err(&many).message().contains("escape"));
        for text in [
            "a: x\u{2028}y\n",
            "a: |\n  x\u{85}y\n",
            "a: 1 # x\u{2029}y\n",
        ] {
            assert!(err(text).line() >= 1, "{text:?}");
        }
        // Kustomization files are read whole.
        let o = ParseOptions {
            yaml11: true,
            ..Default::default()
        };
        assert_eq!(
            parse_documents("a: 1\n...\n---\nb: 2\n", &o).unwrap().len(),
            2
        );
    }

    #[test]
    fn every_node_and_key_has_its_place() {
        let placed = |text: &str| parse_placed(text, &ParseOptions::default()).unwrap();
        let at = |d: &Placed, path: &[&str]| d.place_of(path).map(|p| (p.line, p.column));
        let d =
            placed("# c\na: 1\n---\nkind: K\nspec:\n  é: {ü: x, b: [1, {c: 2}]}\n  l:\n  - q\n");
        assert_eq!(d.len(), 2);
        assert_eq!(at(&d[0], &["a"]), Some((2, 1)));
        let d = &d[1];
        assert_eq!(at(d, &[]), Some((4, 1)));
        assert_eq!(at(d, &["spec", "é"]), Some((6, 3)));
        // Columns count characters.
        assert_eq!(at(d, &["spec", "é", "ü"]), Some((6, 7)));
        assert_eq!(
            d.places_of(&["spec", "é", "ü"]).map(|p| p.at.column),
            Some(10)
        );
        assert_eq!(at(d, &["spec", "é", "b", "1", "c"]), Some((6, 21)));
        assert_eq!(at(d, &["spec", "l", "0"]), Some((8, 5)));
        assert_eq!(at(d, &["spec", "missing"]), None);
        assert_eq!(at(d, &["spec", "l", "x"]), None);
        // Aliases: the copy where the alias is, its contents where the anchor wrote them;
        // merged keys where their mapping wrote them, explicit keys where they are.
        let d = &placed("a: &r {cpu: 1, mem: 2}\nb: *r\nc:\n  <<: *r\n  mem: 3\n")[0];
        assert_eq!(at(d, &["b"]), Some((2, 1)));
        assert_eq!(
            d.places_of(&["b"]).map(|p| p.at),
            Some(Place { line: 2, column: 4 })
        );
        assert_eq!(at(d, &["b", "cpu"]), Some((1, 8)));
        assert_eq!(at(d, &["c", "mem"]), Some((5, 3)));
        assert_eq!(at(d, &["c", "cpu"]), Some((1, 8)));
        // The same in YAML 1.1 mode, and a key written twice.
        let o = ParseOptions {
            yaml11: true,
            duplicate_keys: DuplicateKeys::LastWins,
        };
        let d = &parse_placed("x: 1\nc:\n  <<: {cpu: 1}\n  cpu: 2\nx: 3\n", &o).unwrap()[0];
        assert_eq!(at(d, &["c", "cpu"]), Some((4, 3)));
        assert_eq!(at(d, &["x"]), Some((5, 1)));
        // CRLF and pieces far down a file.
        let d = placed("a: 1\r\n---\r\n\r\nb:\r\n  c: 2\r\n");
        assert_eq!(at(&d[1], &["b", "c"]), Some((5, 3)));
    }

    #[test]
    fn syntax_errors_have_places() {
        let e = err("a: 1\nb: [1, 2\n");
        assert!(e.line() >= 2, "{e}");
        let e = err("a: b: c\n");
        assert_eq!(e.line(), 1, "{e}");
        assert!(!e.message().is_empty());
        assert!(err("a: .inf\n").message().contains("not a finite number"));
        assert!(err("a: *nope\n").line() == 1);
    }

    #[test]
    fn budgets() {
        // Billion laughs: every level doubles the nodes.
        let mut text = String::from("a0: &a0 [x, x]\n");
        for i in 1..40 {
            text.push_str(&format!("a{i}: &a{i} [*a{}, *a{}]\n", i - 1, i - 1));
        }
        assert!(err(&text).message().contains("more than 500000 nodes"));
        assert_eq!(err(&text).kind(), ParseErrorKind::Limit);
        assert_eq!(err("a: {<<: 1}\n").kind(), ParseErrorKind::Merge);
        assert_eq!(err("1: a\n").kind(), ParseErrorKind::Key);
        assert_eq!(err("a: !!int x\n").kind(), ParseErrorKind::Value);
        assert_eq!(err("a: [\n").kind(), ParseErrorKind::Syntax);
        let deep = format!("{}{}", "[".repeat(600), "]".repeat(600));
        assert!(
            err(&deep).message().contains("deeper than 512"),
            "{}",
            err(&deep)
        );
        let ok = format!("{}{}", "[".repeat(511), "]".repeat(511));
        let d = docs(&format!("a: {ok}\n"));
        // The deepest document prints without exhausting the stack.
        assert!(shgw_yaml_print(&d[0]).ends_with("- - []\n"));
        let mut block = String::new();
        for i in 0..512 {
            block.push_str(&format!("{}k:\n", " ".repeat(i)));
        }
        assert_eq!(docs(&block).len(), 1);
        block.push_str(&format!("{}k:\n", " ".repeat(512)));
        assert!(err(&block).message().contains("deeper than 512"));
        // Nested anchors: each level keeps a copy of everything below it.
        let mut nested = String::new();
        for i in 0..300 {
            nested.push_str(&format!("&n{i} ["));
            nested.push_str(&"x, ".repeat(300));
        }
        nested.push_str(&"]".repeat(300));
        assert!(err(&nested).message().contains("more than"));
        let mut deep = String::from("a: &a ");
        deep.push_str(&"[".repeat(300));
        deep.push_str(&"]".repeat(300));
        deep.push_str("\nb: ");
        deep.push_str(&"[".repeat(300));
        deep.push_str("*a");
        deep.push_str(&"]".repeat(300));
        assert!(err(&deep).message().contains("through an alias"));
    }
}
