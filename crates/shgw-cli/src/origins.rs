//! Where a finding of `shgw review DIR` was written in the repository.
//!
//! A review of a kustomization judges the built stream, which exists in no file. Each finding
//! names an object and a field; this module follows the build's provenance
//! ([`shgw_kustomize::Provenance`]) back to the text that wrote that field, so that a report
//! (and code scanning, through SARIF) points at a line a user can edit:
//!
//! 1. the last entry that changed the object and holds the field: a strategic-merge patch
//!    document with the field's path (list elements matched by their merge key, `name` for
//!    containers), a JSON 6902 operation whose path is the field or holds it, an `images:`
//!    entry for an `image`, a `replicas:` entry for `spec.replicas`, a merging generator for
//!    its key;
//! 2. else the field in the object's own file (the same path in that document), or the
//!    generator entry of the kustomization that made it (its literal or file for a key of
//!    `data`), or the Gateway document an expansion rendered it from;
//! 3. else the nearest enclosing field that is written, wherever it is written deepest.
//!
//! File names are relative to DIR with `/` separators (`../base/deployment.yaml` for a base
//! beside it); lines and columns count from 1, as the review loader gives them.

use serde_json::Value;
use shgw_kustomize::{Change, ChangeKind, Provenance, Source};
use shgw_review::{Document, Location, ObjectRef, Report, Stream};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Keys that identify list elements strategic merge matches, in the order tried (Kubernetes'
/// `patchMergeKey`s: containers, env, volumes and mounts, ports, ...).
const MERGE_KEYS: &[&str] = &[
    "name",
    "mountPath",
    "devicePath",
    "containerPort",
    "port",
    "ip",
    "topologyKey",
    "type",
];

/// A field's place in one file: where to read it and how deep the path matched.
#[derive(Debug, Clone)]
struct Hit {
    file: String,
    line: usize,
    column: usize,
    /// How many segments of the field's path the file writes (the whole path: `usize::MAX`).
    depth: usize,
    /// A strategic-merge patch holds the field as a mapping or list it merges into what is
    /// already there: the field's own file, when it writes the field, is where it is.
    merged: bool,
}

/// An object's `apiVersion`, `kind`, namespace (`""` for none) and name.
type Key = (String, String, String, String);

/// A patch text read (its strategic-merge documents, or its operations under `ops`).
type Patch = Option<Rc<(PatchText, Stream)>>;

/// The built objects with their provenance, and the files read so far (each read once).
pub(crate) struct Origins<'a> {
    dir: PathBuf,
    resources: &'a [Value],
    provenance: &'a [Provenance],
    /// Where each object is in `resources` (the first of an id).
    index: BTreeMap<Key, usize>,
    files: RefCell<BTreeMap<String, Option<Rc<Stream>>>>,
    texts: RefCell<BTreeMap<String, Option<Rc<str>>>>,
    /// Patch texts by kustomization, entry and whether they are operations.
    patches: RefCell<BTreeMap<(String, String, bool), Patch>>,
}

impl<'a> Origins<'a> {
    /// The objects of a build of `dir` and their provenance (index for index).
    pub(crate) fn new(dir: &Path, resources: &'a [Value], provenance: &'a [Provenance]) -> Self {
        let mut index = BTreeMap::new();
        for (i, r) in resources.iter().enumerate() {
            let s = |p: &str| {
                r.pointer(p)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            let key = (
                s("/apiVersion"),
                s("/kind"),
                s("/metadata/namespace"),
                s("/metadata/name"),
            );
            index.entry(key).or_insert(i);
        }
        Origins {
            dir: dir.to_path_buf(),
            resources,
            provenance,
            index,
            files: RefCell::new(BTreeMap::new()),
            texts: RefCell::new(BTreeMap::new()),
            patches: RefCell::new(BTreeMap::new()),
        }
    }

    /// Points every finding, and every gateway, of `report` at the file that wrote it; one
    /// whose object is not in the build keeps its place in the stream.
    pub(crate) fn relocate(&self, report: &mut Report) {
        for f in &mut report.findings {
            if let Some(l) = self.locate(&f.object, &f.path) {
                f.location = l;
            }
        }
        for g in &mut report.gateways {
            if let Some(l) = self.locate(&g.object, "") {
                g.location = l;
            }
        }
    }

    /// Where the field `path` (dotted, `spec.template.spec.containers[0].image`) of `object`
    /// was written.
    pub(crate) fn locate(&self, object: &ObjectRef, path: &str) -> Option<Location> {
        let key = (
            object.api_version.clone(),
            object.kind.clone(),
            object.namespace.clone().unwrap_or_default(),
            object.name.clone(),
        );
        let index = *self.index.get(&key)?;
        let value = &self.resources[index];
        let prov = self.provenance.get(index)?;
        let segments = segments_of(value, path);
        let own = prov
            .source
            .as_ref()
            .and_then(|s| self.in_source(s, value, &segments));
        let own_full = own.as_ref().is_some_and(|o| o.depth == usize::MAX);
        let mut best: Option<Hit> = None;
        for change in prov.changes.iter().rev() {
            let Some(hit) = self.in_change(change, value, &segments) else {
                continue;
            };
            if hit.depth == usize::MAX && !(hit.merged && own_full) {
                return Some(location(hit));
            }
            if best.as_ref().is_none_or(|b| hit.depth > b.depth) {
                best = Some(hit);
            }
        }
        if own_full {
            return own.map(location);
        }
        let hit = match (own, best) {
            (Some(own), Some(best)) if best.depth > own.depth => best,
            (Some(own), _) => own,
            (None, best) => best?,
        };
        Some(location(hit))
    }

    /// The field in the object's own file or generator entry.
    fn in_source(&self, source: &Source, value: &Value, segments: &[Seg]) -> Option<Hit> {
        match source {
            Source::File { file, object } => {
                let stream = self.stream(file)?;
                let doc = stream.documents.get(*object)?;
                let (pointer, depth) = walk(value, &doc.value, segments, false);
                let p = doc.position(&pointer);
                Some(hit(file, p.line, p.column, depth))
            }
            Source::Expansion { file, object, .. } => {
                // What an expansion renders is written by no file: the Gateway it came from is.
                let stream = self.stream(file)?;
                let p = stream.documents.get(*object)?.position("");
                Some(hit(file, p.line, p.column, 0))
            }
            Source::Generator {
                kustomization,
                entry,
            } => self.in_generator(kustomization, entry, segments, false),
        }
    }

    /// A generator entry (`configMapGenerator[0]`) of `kustomization`: the literal, file or
    /// env file of the key a `data` field holds, else the entry.
    fn in_generator(
        &self,
        kustomization: &str,
        entry: &str,
        segments: &[Seg],
        change: bool,
    ) -> Option<Hit> {
        let stream = self.stream(kustomization)?;
        let doc = stream.documents.first()?;
        let base = entry_pointer(entry)?;
        let key = match segments {
            [Seg::Key(field), Seg::Key(key)] if field == "data" || field == "binaryData" => {
                Some(key.as_str())
            }
            _ => None,
        };
        let generator = doc.value.pointer(&base)?;
        let found = key.and_then(|key| {
            for list in ["literals", "files"] {
                let items = generator.get(list).and_then(Value::as_array);
                for (i, item) in items.into_iter().flatten().enumerate() {
                    let text = item.as_str().unwrap_or("");
                    let name = text
                        .split_once('=')
                        .map_or_else(|| text.rsplit('/').next().unwrap_or(text), |(k, _)| k);
                    if name.trim() == key {
                        return Some(format!("{base}/{list}/{i}"));
                    }
                }
            }
            None
        });
        if change && found.is_none() {
            return None;
        }
        let depth = if found.is_some() { usize::MAX } else { 0 };
        let p = doc.position(&found.unwrap_or(base));
        Some(hit(kustomization, p.line, p.column, depth))
    }

    /// The field in what `change` wrote, when it wrote the field or a field around it.
    fn in_change(&self, change: &Change, value: &Value, segments: &[Seg]) -> Option<Hit> {
        match change.kind {
            ChangeKind::StrategicMerge => {
                if segments.is_empty() || identity(segments) {
                    return None;
                }
                let (read, n) = self.patch_doc(change)?;
                let (file, stream) = (&read.0, &read.1);
                let doc = stream.documents.get(n)?;
                let (pointer, depth) = walk(value, &doc.value, segments, true);
                // Only the fields the document writes count (it always names its target).
                if depth == 0 || (depth < usize::MAX && identity(&segments[..depth])) {
                    return None;
                }
                let (line, column) = file.at(doc, &pointer);
                let mut h = hit(&file.name, line, column, depth);
                h.merged = doc
                    .value
                    .pointer(&pointer)
                    .is_some_and(|v| v.is_object() || v.is_array());
                Some(h)
            }
            ChangeKind::Json6902 => {
                let target = pointer_text(segments);
                let read = self.patch_ops(change)?;
                let (file, ops) = (&read.0, read.1.documents.first()?);
                let list = ops.value.get("ops").and_then(Value::as_array)?;
                for (i, op) in list.iter().enumerate().rev() {
                    let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
                    let path = op.get("path").and_then(Value::as_str).unwrap_or("");
                    if kind == "test" || !(covers(path, &target) || covers(&target, path)) {
                        continue;
                    }
                    // Inside the written value when the operation writes one around the field.
                    let inner = target
                        .get(path.len()..)
                        .filter(|_| path.len() < target.len() && matches!(kind, "add" | "replace"));
                    let pointer = match inner {
                        Some(rest) => format!("/ops/{i}/value{rest}"),
                        None => format!("/ops/{i}/path"),
                    };
                    let (line, column) = file.at(ops, &pointer);
                    let mut h = hit(&file.name, line, column, usize::MAX);
                    // An operation on a field inside it changes the field as a merge would.
                    h.merged = path.len() > target.len();
                    return Some(h);
                }
                None
            }
            ChangeKind::Generator => {
                self.in_generator(&change.kustomization, &change.entry, segments, true)
            }
            ChangeKind::Transformer => {
                let (field, pointer) = match segments.last() {
                    Some(Seg::Key(k)) if k == "image" => ("images", "newTag,newName,digest"),
                    _ if pointer_text(segments) == "/spec/replicas" => ("replicas", "count"),
                    _ => return None,
                };
                let base = entry_pointer(&change.entry)?;
                if !base.starts_with(&format!("/{field}/")) {
                    return None;
                }
                let stream = self.stream(&change.kustomization)?;
                let doc = stream.documents.first()?;
                let entry = doc.value.pointer(&base)?;
                let key = pointer.split(',').find(|k| entry.get(*k).is_some());
                let p = doc.position(&key.map_or(base.clone(), |k| format!("{base}/{k}")));
                Some(hit(&change.kustomization, p.line, p.column, usize::MAX))
            }
        }
    }

    /// The strategic-merge document a change applied, and where its text is.
    fn patch_doc(&self, change: &Change) -> Option<(Rc<(PatchText, Stream)>, usize)> {
        let read = self.patch(change, false)?;
        read.1.documents.get(change.document)?;
        Some((read, change.document))
    }

    /// The JSON 6902 operations of a change, read as the list under a key `ops` (the review
    /// loader reads mappings): the text indented by one column below `ops:`.
    fn patch_ops(&self, change: &Change) -> Option<Rc<(PatchText, Stream)>> {
        self.patch(change, true)
    }

    /// A change's patch text, read once.
    fn patch(&self, change: &Change, ops: bool) -> Patch {
        let key = (change.kustomization.clone(), change.entry.clone(), ops);
        if let Some(p) = self.patches.borrow().get(&key) {
            return p.clone();
        }
        let read = self.read_patch(change, ops).map(Rc::new);
        self.patches.borrow_mut().insert(key, read.clone());
        read
    }

    fn read_patch(&self, change: &Change, ops: bool) -> Option<(PatchText, Stream)> {
        let mut text = self.patch_text(change)?;
        if !ops {
            let stream = shgw_review::load(&text.name, &text.text).ok()?;
            return Some((text, stream));
        }
        let mut wrapped = String::from("ops:\n");
        for line in text.text.lines() {
            wrapped.push(' ');
            wrapped.push_str(line);
            wrapped.push('\n');
        }
        let stream = shgw_review::load(&text.name, &wrapped).ok()?;
        text.shift = (text.shift.0 - 1, text.shift.1 - 1);
        Some((text, stream))
    }

    /// The text of a change's patch: its file, or the `patch:` of its entry in the
    /// kustomization, with the offset of that text in the kustomization file.
    fn patch_text(&self, change: &Change) -> Option<PatchText> {
        if let Some(file) = &change.file {
            return Some(PatchText {
                name: file.clone(),
                text: self.text(file)?.to_string(),
                shift: (0, 0),
                fallback: None,
            });
        }
        let kfile = &change.kustomization;
        let stream = self.stream(kfile)?;
        let doc = stream.documents.first()?;
        let base = entry_pointer(&change.entry)?;
        // `patches[i].patch`, or an inline `patchesStrategicMerge[i]` (the entry is the text).
        let pointer = [format!("{base}/patch"), base]
            .into_iter()
            .find(|p| doc.value.pointer(p).is_some_and(Value::is_string))?;
        let text = doc.value.pointer(&pointer)?.as_str()?.to_owned();
        let key = doc.position(&pointer);
        let source = self.text(kfile)?;
        let lines: Vec<&str> = source.lines().collect();
        let key_line = lines.get(key.line - 1)?;
        // A literal block (`patch: |-`): its text starts on the next line, every line indented
        // alike. Any other style points at the entry.
        // A literal block: after the key (`patch: |-`, the position is the key's), or a list
        // item's (`- |-`, the position is the text's first line).
        let is_block = |t: &str| matches!(t.trim(), "|" | "|-" | "|+");
        let rest = key_line.chars().skip(key.column - 1).collect::<String>();
        let first = match rest.split_once(':') {
            Some((_, v)) if is_block(v) => Some(key.line + 1),
            _ if key.line >= 2
                && lines
                    .get(key.line - 2)
                    .is_some_and(|l| l.trim_start().strip_prefix('-').is_some_and(is_block)) =>
            {
                Some(key.line)
            }
            _ => None,
        };
        let Some(first) = first else {
            return Some(PatchText {
                name: kfile.clone(),
                text,
                shift: (0, 0),
                fallback: Some((key.line, key.column)),
            });
        };
        let indent = lines
            .iter()
            .skip(first - 1)
            .find(|l| !l.trim().is_empty())
            .map_or(0, |l| l.chars().take_while(|c| *c == ' ').count());
        Some(PatchText {
            name: kfile.clone(),
            text,
            shift: (first as isize - 1, indent as isize),
            fallback: None,
        })
    }

    /// A file of DIR read through the review loader (cached; `None` when it cannot be read).
    fn stream(&self, file: &str) -> Option<Rc<Stream>> {
        if let Some(s) = self.files.borrow().get(file) {
            return s.clone();
        }
        let stream = self
            .text(file)
            .and_then(|t| shgw_review::load(file, &t).ok())
            .map(Rc::new);
        self.files
            .borrow_mut()
            .insert(file.to_owned(), stream.clone());
        stream
    }

    /// The text of a file of DIR (cached).
    fn text(&self, file: &str) -> Option<Rc<str>> {
        if let Some(t) = self.texts.borrow().get(file) {
            return t.clone();
        }
        let text = std::fs::read_to_string(self.dir.join(file))
            .ok()
            .map(Rc::from);
        self.texts
            .borrow_mut()
            .insert(file.to_owned(), text.clone());
        text
    }
}

/// A patch's text and where it sits in its file.
struct PatchText {
    /// The file, relative to DIR.
    name: String,
    text: String,
    /// Lines and columns to add to a position in `text` (an inline block in the kustomization).
    shift: (isize, isize),
    /// Where to point for any field of an inline patch written in another style.
    fallback: Option<(usize, usize)>,
}

impl PatchText {
    /// The file's line and column of `pointer` in `doc` (read from this text).
    fn at(&self, doc: &Document, pointer: &str) -> (usize, usize) {
        if let Some(at) = self.fallback {
            return at;
        }
        let p = doc.position(pointer);
        let shift = |v: usize, by: isize| v.saturating_add_signed(by).max(1);
        (shift(p.line, self.shift.0), shift(p.column, self.shift.1))
    }
}

fn hit(file: &str, line: usize, column: usize, depth: usize) -> Hit {
    Hit {
        file: file.to_owned(),
        line,
        column,
        depth,
        merged: false,
    }
}

fn location(h: Hit) -> Location {
    Location {
        file: h.file,
        line: h.line,
        column: h.column,
    }
}

/// One step of a field's path.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// The steps of a dotted path (`spec.containers[0].image`; keys holding dots matched against
/// `root`, longest first), as far as `root` has them.
fn segments_of(root: &Value, dotted: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut at = root;
    let mut rest = dotted.trim_start_matches('.');
    while !rest.is_empty() {
        // A key written in brackets (`data["config.service.endpoint"]`, Rust's quoting).
        if let Some(tail) = rest.strip_prefix("[\"") {
            let Some((key, after)) = quoted(tail) else {
                break;
            };
            let Some(next) = at.get(&key) else {
                out.push(Seg::Key(key));
                break;
            };
            out.push(Seg::Key(key));
            at = next;
            rest = after.trim_start_matches('.');
            continue;
        }
        if let Some(tail) = rest.strip_prefix('[') {
            let Some((index, after)) = tail.split_once(']') else {
                break;
            };
            let Some((i, next)) = index
                .parse::<usize>()
                .ok()
                .and_then(|i| Some((i, at.get(i)?)))
            else {
                break;
            };
            out.push(Seg::Index(i));
            at = next;
            rest = after.trim_start_matches('.');
            continue;
        }
        let Some(map) = at.as_object() else { break };
        let found = shgw_yaml::leading_key(map.keys().map(String::as_str), rest);
        let Some(key) = found else {
            // A field the object lacks (the rule misses it): name it, it is the last step.
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            out.push(Seg::Key(rest[..end].to_owned()));
            break;
        };
        out.push(Seg::Key(key.to_owned()));
        at = &map[key];
        rest = rest[key.len()..].trim_start_matches('.');
    }
    out
}

/// The key of a bracketed step after its `["`, and the text after its `"]`: the review writes
/// keys as Rust quotes them (`\"`, `\\`, `\n`, `\u{7f}`...).
fn quoted(text: &str) -> Option<(String, &str)> {
    let mut key = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((key, text[i + 1..].strip_prefix(']')?)),
            '\\' => match chars.next()?.1 {
                'n' => key.push('\n'),
                't' => key.push('\t'),
                'r' => key.push('\r'),
                '0' => key.push('\0'),
                'u' => {
                    let rest = &text[chars.next()?.0 + 1..];
                    let (hex, _) = rest.split_once('}')?;
                    key.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
                    for _ in 0..=hex.len() {
                        chars.next();
                    }
                }
                other => key.push(other),
            },
            c => key.push(c),
        }
    }
    None
}

/// The JSON pointer of some steps.
fn pointer_text(segments: &[Seg]) -> String {
    let mut p = String::new();
    for s in segments {
        p.push('/');
        match s {
            Seg::Key(k) => p.push_str(&shgw_review::escape(k)),
            Seg::Index(i) => p.push_str(&i.to_string()),
        }
    }
    p
}

/// Whether the JSON pointer `outer` is `inner` or holds it.
fn covers(outer: &str, inner: &str) -> bool {
    inner == outer
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Whether the steps name the object's identity (which every patch document writes to say what
/// it targets).
fn identity(segments: &[Seg]) -> bool {
    let key = |i: usize| match segments.get(i) {
        Some(Seg::Key(k)) => Some(k.as_str()),
        _ => None,
    };
    match (key(0), segments.len()) {
        (Some("apiVersion" | "kind"), 1) | (Some("metadata"), 1) => true,
        (Some("metadata"), 2) => matches!(key(1), Some("name" | "namespace")),
        _ => false,
    }
}

/// Follows the field's steps through the built object `built` and a document `doc` that wrote
/// part of it: the pointer of the deepest step `doc` holds and how many steps that is
/// (`usize::MAX`: all of them). List elements are matched by merge key, else by value, else
/// (unless `by_key`, a strategic-merge patch) by position.
fn walk(built: &Value, doc: &Value, segments: &[Seg], by_key: bool) -> (String, usize) {
    let mut pointer = String::new();
    let (mut b, mut d) = (built, doc);
    for (n, seg) in segments.iter().enumerate() {
        let next = match seg {
            Seg::Key(k) => d.get(k).map(|v| (shgw_review::escape(k), v, b.get(k))),
            Seg::Index(i) => {
                let element = b.get(*i);
                let items = d.as_array();
                let keyed = |e: &Value, items: &[Value]| {
                    MERGE_KEYS.iter().find_map(|key| {
                        let want = e.get(*key)?;
                        items.iter().position(|x| x.get(*key) == Some(want))
                    })
                };
                let j = match (element, items) {
                    (Some(e), Some(items)) => keyed(e, items)
                        .or_else(|| items.iter().position(|x| x == e))
                        .or_else(|| (!by_key && *i < items.len()).then_some(*i)),
                    _ => None,
                };
                j.and_then(|j| Some((j.to_string(), items?.get(j)?, element)))
            }
        };
        let Some((step, next_doc, next_built)) = next else {
            return (pointer, n);
        };
        pointer.push('/');
        pointer.push_str(&step);
        d = next_doc;
        b = next_built.unwrap_or(&Value::Null);
    }
    (pointer, usize::MAX)
}

/// The JSON pointer of a kustomization entry (`patches[1]` is `/patches/1`).
fn entry_pointer(entry: &str) -> Option<String> {
    let (field, rest) = entry.split_once('[')?;
    let index = rest.split_once(']')?.0.parse::<usize>().ok()?;
    Some(format!("/{field}/{index}"))
}

/// The uriBaseId of the locations of a review of DIR: the kustomization directory reviewed.
pub(crate) const URI_BASE: &str = "KUSTOMIZATION_ROOT";

/// A SARIF log of a review of `dir` whose locations are relative to `dir`: each location
/// names [`URI_BASE`], and the run's `originalUriBaseIds` says where that is, relative to the
/// repository's root (`%SRCROOT%`, found as the nearest directory above `dir` holding `.git`):
/// `deploy/overlays/prod/`, so that `../base/deployment.yaml` resolves to
/// `deploy/overlays/base/deployment.yaml` (SARIF 2.1.0, 3.4.4 and 3.14.14). Outside a
/// repository the base has only its description.
pub(crate) fn sarif_base(sarif: &str, dir: &Path) -> String {
    let Ok(mut log) = serde_json::from_str::<Value>(sarif) else {
        return sarif.to_owned();
    };
    let mut base = serde_json::Map::new();
    if let Some(rel) = in_repository(dir) {
        base.insert("uri".into(), Value::String(encode(&rel)));
        base.insert("uriBaseId".into(), Value::String("%SRCROOT%".into()));
    }
    base.insert(
        "description".into(),
        serde_json::json!({"text": "The kustomization directory reviewed (shgw review DIR); file names are relative to it."}),
    );
    if let Some(runs) = log.get_mut("runs").and_then(Value::as_array_mut) {
        for run in runs {
            let results = run.get_mut("results").and_then(Value::as_array_mut);
            for result in results.into_iter().flatten() {
                let locations = result.get_mut("locations").and_then(Value::as_array_mut);
                for l in locations.into_iter().flatten() {
                    if let Some(Value::Object(a)) =
                        l.pointer_mut("/physicalLocation/artifactLocation")
                        && a.get("uri")
                            .and_then(Value::as_str)
                            .is_some_and(|u| !u.contains(':'))
                    {
                        a.insert("uriBaseId".into(), Value::String(URI_BASE.into()));
                    }
                }
            }
            if let Some(run) = run.as_object_mut() {
                run.insert(
                    "originalUriBaseIds".into(),
                    serde_json::json!({ URI_BASE: Value::Object(base.clone()) }),
                );
            }
        }
    }
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_else(|_| sarif.to_owned());
    out.push('\n');
    out
}

/// `dir` relative to the root of the git repository that holds it, ending in `/` (`./` for
/// the root itself); `None` outside a repository.
fn in_repository(dir: &Path) -> Option<String> {
    let dir = dir.canonicalize().ok()?;
    let root = dir.ancestors().find(|a| a.join(".git").exists())?;
    let rel = dir.strip_prefix(root).ok()?;
    let mut out = String::new();
    for c in rel.components() {
        out.push_str(&c.as_os_str().to_string_lossy());
        out.push('/');
    }
    Some(if out.is_empty() { "./".into() } else { out })
}

/// A path as a relative URI reference.
fn encode(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn walks_lists_by_merge_key() {
        let built = json!({"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}});
        let patch = json!({"spec": {"containers": [{"name": "b", "image": "y"}]}});
        let segs = segments_of(&built, "spec.containers[1].image");
        assert_eq!(
            walk(&built, &patch, &segs, true),
            ("/spec/containers/0/image".to_owned(), usize::MAX)
        );
        let segs = segments_of(&built, "spec.containers[0].image");
        assert_eq!(
            walk(&built, &patch, &segs, true),
            ("/spec/containers".to_owned(), 2)
        );
    }

    #[test]
    fn names_the_missing_step() {
        let built = json!({"spec": {"template": {}}});
        assert_eq!(
            pointer_text(&segments_of(&built, "spec.template.spec.securityContext")),
            "/spec/template/spec"
        );
        assert!(covers("/spec", "/spec/replicas"));
        assert!(!covers("/spec/rep", "/spec/replicas"));
        assert_eq!(
            entry_pointer("patches[3] 'p.yaml'").as_deref(),
            Some("/patches/3")
        );
        let built = json!({"data": {"a.b": "x", "q\"\u{7f}": "y"}});
        assert_eq!(
            pointer_text(&segments_of(&built, "data[\"a.b\"]")),
            "/data/a.b"
        );
        let dotted = format!("data[{:?}]", "q\"\u{7f}");
        assert_eq!(
            segments_of(&built, &dotted),
            [Seg::Key("data".into()), Seg::Key("q\"\u{7f}".into())]
        );
    }
}
