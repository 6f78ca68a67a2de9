//! The recursive build of a kustomization directory (kustomize's `KustTarget`).

use crate::alias::{Seg, unshare_under};
use crate::config::{self, TransformerConfig};
use crate::error::{Error, Result};
use crate::kustomization::Kustomization;
use crate::load::{
    Mode, check_entry_in_root, find_kustomization_file, is_remote, load_kustomization, parse_nodes,
    read_text, resolve, restring_metadata_map,
};
use crate::openapi::{self, OpenApi};
use crate::plugins::{self, Stage};
use crate::resid::ResId;
use crate::resource::{ChangedBy, Expanded, Origin, Resource, Written};
use crate::{
    BuildOptions, Change, ChangeKind, Kept, Output, Patched, Product, Provenance, Source, Warning,
    generators, images, labels, nameref, namespace, order, patches, prefix, replacements, replicas,
    vars,
};
use serde_json::Value;
use shgw_yaml::node::Node;
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

/// Builds `dir` as the top-level kustomization and returns the final resources in output order.
pub(crate) fn build_top(dir: &Path, opts: &BuildOptions) -> Result<Output> {
    let dir = crate::fs::current()
        .canonicalize(dir)
        .map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    let k = load_kustomization(&dir)?;
    let mut acc = Vec::new();
    let mut cfg = config::builtin()?;
    let warnings = RefCell::new(Vec::new());
    let expansions = Cell::new(0);
    let kept_kinds = RefCell::new(std::collections::BTreeSet::new());
    let ctx = Ctx {
        opts,
        warnings: &warnings,
        expansions: &expansions,
        kept_kinds: &kept_kinds,
        schema: None,
        build_annotations: BuildAnnotations(
            k.build_metadata.as_ref().is_some_and(|b| !b.is_empty()),
        ),
        visited: None,
        depth: 0,
    };
    run(&dir, &k, &mut acc, &mut cfg, &ctx)?;
    for r in acc.iter_mut() {
        if r.generated.as_ref().is_some_and(|g| g.hash) {
            let name = format!(
                "{}-{}",
                r.id().name,
                crate::hash::hash_of(&r.obj.to_value())
            );
            r.set_name(&name);
        }
    }
    nameref::fix(&mut acc, &cfg.name_reference)?;
    vars::substitute(&mut acc, &cfg.vars, &cfg.var_reference)?;
    acc.retain(|r| r.annotation("config.kubernetes.io/local-config") != Some("true"));
    let kept = take_kept(&mut acc);
    // kustomize rebuilds the final ResMap here (`IgnoreLocal`); resources that ended up
    // with one id (a JSON patch may rename) cannot both be registered.
    let mut seen = std::collections::HashSet::new();
    for r in &acc {
        let id = r.id();
        if !seen.insert(id.collision_key()) {
            return Err(Error::msg(format!(
                "may not add resource with an already registered id: {id}"
            )));
        }
    }
    sort(&mut acc, &k)?;
    let meta = BuildMetadata::of(&k)?;
    let mut resources = Vec::with_capacity(acc.len());
    let mut products = Vec::new();
    let mut provenance = Vec::with_capacity(acc.len());
    for mut r in acc {
        provenance.push(provenance_of(&mut r, &dir));
        if let Some(Expanded::Product(expansion)) = r.expansion {
            products.push(Product {
                index: resources.len(),
                expansion,
                original: r.orig_id(),
            });
        }
        let origin = r.origin.clone();
        let id = r.id().to_string();
        let mut obj = strip_internal(r);
        meta.apply(&mut obj, origin.as_ref(), &dir);
        let mut value = obj.to_value();
        printable(&mut value).map_err(|Unprintable { path, c, at }| {
            let path = field_path(&path);
            let from = match &origin {
                Some(Origin::File(f)) => format!(" (from {})", f.display()),
                Some(Origin::Generator { kustomization, .. })
                | Some(Origin::Transformer { kustomization, .. }) => {
                    format!(" (generated in {})", kustomization.display())
                }
                None => String::new(),
            };
            Error::msg(format!(
                "{id}{from}: {path}: yaml: control characters are not allowed (U+{:04X} at character {at}); kubectl cannot print it",
                u32::from(c)
            ))
        })?;
        resources.push(value);
    }
    Ok(Output {
        resources,
        warnings: warnings.into_inner(),
        kept,
        products,
        provenance,
    })
}

/// The public form of a resource's provenance, paths relative to the top-level `top`.
fn provenance_of(r: &mut Resource, top: &Path) -> Provenance {
    let source = r.written.take().map(|w| match w {
        Written::File { file, object } => Source::File {
            file: relative(&file, top),
            object,
        },
        Written::Entry {
            kustomization,
            entry,
        } => Source::Generator {
            kustomization: relative(&kustomization, top),
            entry,
        },
        Written::Expansion {
            file,
            object,
            expansion,
        } => Source::Expansion {
            file: relative(&file, top),
            object,
            expansion,
        },
    });
    let changes = std::mem::take(&mut r.changes)
        .into_iter()
        .map(|c| Change {
            kustomization: relative(&c.kustomization, top),
            entry: c.entry,
            file: c.file.map(|f| relative(&f, top)),
            document: c.document,
            kind: c.kind,
        })
        .collect();
    Provenance { source, changes }
}

/// Takes the documents an expander kept out of the accumulator, in expansion order, each as
/// the whole build left it.
fn take_kept(acc: &mut Vec<Resource>) -> Vec<Kept> {
    if !acc
        .iter()
        .any(|r| matches!(r.expansion, Some(Expanded::Source(..))))
    {
        return Vec::new();
    }
    let mut kept = Vec::new();
    acc.retain_mut(|r| {
        if !matches!(r.expansion, Some(Expanded::Source(..))) {
            return true;
        }
        let Some(Expanded::Source(expansion, patches)) = r.expansion.take() else {
            return true;
        };
        let file = match &r.origin {
            Some(Origin::File(f)) => f.clone(),
            _ => std::path::PathBuf::new(),
        };
        kept.push(Kept {
            expansion,
            file,
            value: strip_internal(r.clone()).to_value(),
            patches,
        });
        false
    });
    kept.sort_by_key(|k| k.expansion);
    kept
}

/// Refuses a patch whose target names, literally, the kind of documents the expander keeps but
/// selects none of them: kustomize would let it do nothing, silently.
fn reaches_kept(acc: &[Resource], p: &crate::kustomization::Patch, ctx: &Ctx) -> Result<()> {
    let Some(target) = &p.target else {
        return Ok(());
    };
    let Some(kind) = target.kind.as_deref() else {
        return Ok(());
    };
    if !ctx.kept_kinds.borrow().contains(kind) {
        return Ok(());
    }
    let selected = crate::selector::select(acc, target)?;
    if selected
        .iter()
        .any(|&i| matches!(acc[i].expansion, Some(Expanded::Source(..))))
    {
        return Ok(());
    }
    Err(Error::msg(format!(
        "the target selects no {kind} of this kustomization (its {kind} documents are expanded by the build, and a patch that reaches none of them would do nothing)"
    )))
}

/// Runs one patch entry over the accumulator and records, on every kept expansion source it
/// changes, the entry and the change (so that a caller can tell what reached the source).
fn tracked(
    acc: &mut Vec<Resource>,
    entry: impl FnOnce() -> String,
    apply: impl FnOnce(&mut Vec<Resource>) -> Result<()>,
) -> Result<()> {
    let before: Vec<(usize, Value)> = acc
        .iter()
        .filter_map(|r| match r.expansion {
            Some(Expanded::Source(n, _)) => Some((n, strip_internal(r.clone()).to_value())),
            _ => None,
        })
        .collect();
    apply(acc)?;
    if before.is_empty() {
        return Ok(());
    }
    let entry = entry();
    for r in acc.iter_mut() {
        if !matches!(r.expansion, Some(Expanded::Source(..))) {
            continue;
        }
        let after = strip_internal(r.clone()).to_value();
        if let Some(Expanded::Source(n, patches)) = &mut r.expansion
            && let Some((_, old)) = before.iter().find(|(m, _)| m == n)
            && *old != after
        {
            patches.push(Patched {
                entry: entry.clone(),
                before: old.clone(),
                after,
            });
        }
    }
    Ok(())
}

/// A character kubectl cannot print: where (field path segments, innermost first), which,
/// and its 1-based position in the string.
struct Unprintable {
    path: Vec<String>,
    c: char,
    at: usize,
}

/// kubectl prints each resource by writing it as JSON and reading that as YAML (go-yaml),
/// whose reader refuses DEL, the C1 controls but NEL, U+FFFE and U+FFFF (JSON escapes only
/// the C0 controls), and folds a NEL with the spaces around it as a line break: the same
/// happens here to every key and string, or the build fails naming the field and character
/// (verified with kubectl v1.37.1, kustomize v5.8.1).
fn printable(v: &mut Value) -> std::result::Result<(), Unprintable> {
    fn refused(c: char) -> bool {
        matches!(c, '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
    }
    // Plain ASCII below DEL, nearly every string, needs nothing.
    let plain = |s: &str| s.bytes().all(|b| b < 0x7f);
    let check = |s: &str| match s.chars().position(refused) {
        Some(at) => Err(Unprintable {
            path: Vec::new(),
            c: s.chars().nth(at).unwrap_or_default(),
            at: at + 1,
        }),
        None => Ok(()),
    };
    match v {
        Value::String(s) if !plain(s) => {
            check(s)?;
            if let Some(folded) = shgw_yaml::fold_next_lines(s) {
                *s = folded;
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                printable(item).map_err(|mut e| {
                    e.path.push(format!("[{i}]"));
                    e
                })?;
            }
        }
        Value::Object(map) => {
            if map.keys().any(|k| !plain(k)) {
                let entries = std::mem::take(map);
                for (k, item) in entries {
                    check(&k)?;
                    let k = shgw_yaml::fold_next_lines(&k).unwrap_or(k);
                    map.insert(k, item);
                }
            }
            for (k, item) in map.iter_mut() {
                printable(item).map_err(|mut e| {
                    e.path.push(k.clone());
                    e
                })?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// A field path from its segments, innermost first (`spec.containers[0].image`).
fn field_path(segments: &[String]) -> String {
    let mut out = String::new();
    for seg in segments.iter().rev() {
        if !out.is_empty() && !seg.starts_with('[') {
            out.push('.');
        }
        out.push_str(seg);
    }
    out
}

fn sort(acc: &mut [Resource], k: &Kustomization) -> Result<()> {
    let so = k.sort_options.clone().unwrap_or_default();
    let order = so.order.as_deref().unwrap_or("legacy");
    match order {
        "fifo" => {
            if so.legacy_sort_options.is_some() {
                return Err(Error::msg(
                    "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'",
                ));
            }
            Ok(())
        }
        "legacy" => {
            let lo = so.legacy_sort_options.unwrap_or_default();
            let to_vec = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            let first = lo.order_first.unwrap_or_else(|| to_vec(order::ORDER_FIRST));
            let last = lo.order_last.unwrap_or_else(|| to_vec(order::ORDER_LAST));
            order::legacy_sort(acc, Resource::id, &first, &last);
            Ok(())
        }
        other => Err(Error::msg(format!(
            "the field 'sortOptions.order' must be one of [fifo, legacy], got '{other}'"
        ))),
    }
}

/// `field[i]`, with the file it names (`patches[2] 'p.yaml'`).
fn entry_name(field: &str, i: usize, path: Option<&str>) -> String {
    match path {
        Some(p) => format!("{field}[{i}] '{p}'"),
        None => format!("{field}[{i}]"),
    }
}

/// `buildMetadata` of the top-level kustomization.
struct BuildMetadata {
    origin: bool,
    managed_by: bool,
}

impl BuildMetadata {
    fn of(k: &Kustomization) -> Result<Self> {
        let mut m = BuildMetadata {
            origin: false,
            managed_by: false,
        };
        for (i, o) in k.build_metadata.iter().flatten().enumerate() {
            match o.as_str() {
                "originAnnotations" => m.origin = true,
                "managedByLabel" => m.managed_by = true,
                "transformerAnnotations" => {
                    return Err(Error::msg(format!(
                        "buildMetadata[{i}]: transformerAnnotations are not supported by this renderer"
                    )));
                }
                other => {
                    return Err(Error::msg(format!(
                        "buildMetadata[{i}]: unknown option '{other}' (originAnnotations, transformerAnnotations, managedByLabel)"
                    )));
                }
            }
        }
        Ok(m)
    }

    /// Adds the origin annotation (paths relative to the top-level directory `top`) and
    /// the managed-by label, as kustomize v5.8.1 writes them.
    fn apply(&self, obj: &mut Node, origin: Option<&Origin>, top: &Path) {
        let meta = obj
            .ensure_map()
            .entry("metadata".to_string())
            .or_insert_with(Node::null)
            .ensure_map();
        if self.origin
            && let Some(o) = origin
        {
            let text = match o {
                Origin::File(p) => format!("path: {}\n", relative(p, top)),
                Origin::Generator {
                    kustomization,
                    kind,
                }
                | Origin::Transformer {
                    kustomization,
                    kind,
                } => format!(
                    "configuredIn: {}\nconfiguredBy:\n  apiVersion: builtin\n  kind: {kind}\n",
                    relative(kustomization, top)
                ),
            };
            meta.entry("annotations".to_string())
                .or_insert_with(Node::null)
                .ensure_map()
                .insert("config.kubernetes.io/origin".into(), Node::string(text));
        }
        if self.managed_by {
            meta.entry("labels".to_string())
                .or_insert_with(Node::null)
                .ensure_map()
                .insert(
                    "app.kubernetes.io/managed-by".into(),
                    Node::string("kustomize-v5.8.1"),
                );
        }
    }
}

/// `path` relative to the directory `base` (both absolute), with `..` where needed.
fn relative(path: &Path, base: &Path) -> String {
    let p: Vec<_> = path.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// The document as kustomize prints it: annotations as strings of their source text, the
/// build's own annotations gone.
fn strip_internal(r: Resource) -> Node {
    let mut obj = r.obj;
    restring_metadata_map(&mut obj, "annotations");
    if let Some(Node::Map(ann)) = obj
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
    {
        ann.retain(|k, _| {
            !k.starts_with("internal.config.kubernetes.io/")
                && k != "config.kubernetes.io/origin"
                && k != "alpha.config.kubernetes.io/transformations"
        });
    }
    obj
}

/// What a kustomization's build passes down to the kustomizations it includes.
struct Ctx<'a> {
    opts: &'a BuildOptions,
    /// Where the hook's warnings go (one build, one thread: no lock).
    warnings: &'a RefCell<Vec<Warning>>,
    /// How many expansions the hook made so far.
    expansions: &'a Cell<usize>,
    /// The kinds of the documents the hook kept so far.
    kept_kinds: &'a RefCell<std::collections::BTreeSet<String>>,
    /// The custom `openapi:` schema in force.
    schema: Option<Arc<OpenApi>>,
    /// Whether the build keeps build annotations (the top-level `buildMetadata`).
    build_annotations: BuildAnnotations,
    /// The kustomization directory being built and those that include it, innermost first.
    visited: Option<&'a Visited<'a>>,
    /// How many kustomizations are being built, one inside the other (the top-level one is 1).
    depth: usize,
}

/// One link of the chain of kustomization directories being built (a list on the stack, so
/// a deep chain costs one link per level, not a copy of the chain).
struct Visited<'a> {
    dir: &'a Path,
    parent: Option<&'a Visited<'a>>,
}

impl Ctx<'_> {
    /// Refuses to build `dir` when it holds a directory already being built (kustomize's
    /// loader check, which stops a cycle of kustomizations).
    fn check_cycle(&self, dir: &Path) -> Result<()> {
        // The directories are canonical: a byte prefix ending at a separator is a path prefix
        // (and far cheaper to test on a chain thousands of levels deep).
        let d = dir.as_os_str().as_encoded_bytes();
        let contains = |v: &Path| {
            let v = v.as_os_str().as_encoded_bytes();
            v.starts_with(d)
                && (v.len() == d.len()
                    || d.last() == Some(&(std::path::MAIN_SEPARATOR as u8))
                    || v.get(d.len()) == Some(&(std::path::MAIN_SEPARATOR as u8)))
        };
        let mut link = self.visited;
        while let Some(v) = link {
            if contains(v.dir) {
                return Err(Error::msg(format!(
                    "cycle detected: candidate root '{}' contains visited root '{}'",
                    dir.display(),
                    v.dir.display()
                )));
            }
            link = v.parent;
        }
        Ok(())
    }
}

/// With `buildMetadata`, kustomize keeps its build annotations on every resource of the whole
/// tree and, after each transformer, writes `metadata.annotations` back from
/// `GetAnnotations`: every value becomes a string of its text (a `~` that a later JSON patch
/// sees stays `"~"`), and a node shared with a field there is shared no longer; label and
/// selector nodes stay shared (verified with kubectl v1.37.1).
#[derive(Clone, Copy)]
pub(crate) struct BuildAnnotations(bool);

impl BuildAnnotations {
    /// After a transformer ran over `acc`.
    pub(crate) fn rewrite(self, acc: &mut [Resource]) {
        if !self.0 {
            return;
        }
        let annotations = [Seg::Key("metadata".into()), Seg::Key("annotations".into())];
        for r in acc.iter_mut() {
            restring_metadata_map(&mut r.obj, "annotations");
            unshare_under(&mut r.obj, &annotations);
        }
    }
}

/// The ids registered in an accumulator, kept beside it while `resources:` entries are
/// appended (nothing renames resources then), so each append costs only its own size.
struct Registered(HashSet<IdKey>);

/// What two ids collide on ([`ResId::collision_key`]).
type IdKey = (String, String, String, String, String);

impl Registered {
    fn of(acc: &[Resource]) -> Self {
        Registered(acc.iter().map(|r| r.id().collision_key()).collect())
    }

    /// Appends resources, failing on an id that is already registered.
    fn append(&mut self, acc: &mut Vec<Resource>, new: Vec<Resource>, from: &Path) -> Result<()> {
        for r in new {
            let id = r.id();
            if !self.0.insert(id.collision_key()) {
                return Err(Error::DuplicateId {
                    id: id.to_string(),
                    file: from.to_path_buf(),
                });
            }
            acc.push(r);
        }
        Ok(())
    }
}

/// Turns loaded documents into resources (List flattening, kind/name checks).
/// `object` counts the objects of the file ([`Source::File`]); an expansion's documents all
/// count as the one it replaced (`expanded`).
fn to_resources(
    docs: Vec<Node>,
    file: &Path,
    out: &mut Vec<Resource>,
    object: &mut usize,
    expanded: Option<usize>,
) -> Result<()> {
    for doc in docs {
        let here = *object;
        if expanded.is_none() {
            *object += 1;
        }
        // kustomize skips a document that is an empty mapping or sequence (`{}`, `[]`).
        if doc.as_map().is_some_and(|m| m.is_empty()) || doc.as_seq().is_some_and(Vec::is_empty) {
            continue;
        }
        if !doc.is_map() {
            return Err(Error::msg(format!(
                "{}: not a resource object",
                file.display()
            )));
        }
        let id = ResId::of(&doc);
        if id.kind.ends_with("List") && doc.get("items").is_some() {
            let items = match doc.get("items") {
                Some(Node::Seq(a)) => a.clone(),
                _ => Vec::new(),
            };
            if expanded.is_none() {
                *object = here;
            }
            to_resources(items, file, out, object, expanded)?;
            continue;
        }
        if id.kind.is_empty() {
            return Err(Error::msg(format!(
                "missing kind in object {id} (in {})",
                file.display()
            )));
        }
        if id.name.is_empty() && !id.kind.ends_with("List") {
            return Err(Error::msg(format!(
                "missing metadata.name in object {id} (in {})",
                file.display()
            )));
        }
        let mut r = Resource::new(doc);
        r.origin = Some(Origin::File(file.to_path_buf()));
        r.written = Some(match expanded {
            Some(expansion) => Written::Expansion {
                file: file.to_path_buf(),
                object: here,
                expansion,
            },
            None => Written::File {
                file: file.to_path_buf(),
                object: here,
            },
        });
        out.push(r);
    }
    Ok(())
}

fn load_file(path: &Path, root: &Path, ctx: &Ctx) -> Result<Vec<Resource>> {
    let text = read_text(path, root).map_err(|e| match e {
        Error::NotUtf8 {
            file,
            what,
            line,
            column,
        } => Error::MalformedYaml {
            file,
            msg: format!("yaml: {what} (line {line}, column {column})"),
        },
        other => other,
    })?;
    let docs = parse_nodes(&text, Mode::Resource).map_err(|e| Error::MalformedYaml {
        file: path.to_path_buf(),
        msg: e.to_string(),
    })?;
    let mut out = Vec::new();
    let mut object = 0;
    for doc in docs {
        let hook = ctx.opts.expander.as_ref();
        match hook.and_then(|e| e(&doc, path)) {
            Some(Ok(expansion)) => {
                let n = ctx.expansions.get();
                ctx.expansions.set(n + 1);
                ctx.warnings
                    .borrow_mut()
                    .extend(expansion.warnings.into_iter().map(|message| Warning {
                        file: path.to_path_buf(),
                        message,
                    }));
                let docs = expansion.docs.iter().map(Node::from_value).collect();
                let first = out.len();
                let mut at = object;
                to_resources(docs, path, &mut out, &mut at, Some(n))?;
                for r in &mut out[first..] {
                    r.expansion = Some(Expanded::Product(n));
                }
                if expansion.keep {
                    let first = out.len();
                    to_resources(vec![doc], path, &mut out, &mut object, None)?;
                    for r in &mut out[first..] {
                        r.expansion = Some(Expanded::Source(n, Vec::new()));
                        ctx.kept_kinds.borrow_mut().insert(r.kind());
                    }
                } else {
                    object += 1;
                }
            }
            Some(Err(source)) => {
                return Err(Error::Expand {
                    file: path.to_path_buf(),
                    source,
                });
            }
            None => to_resources(vec![doc], path, &mut out, &mut object, None)?,
        }
    }
    Ok(out)
}

/// Adds the resources of one `resources:` entry (file or kustomization directory).
fn accumulate_entry(
    dir: &Path,
    entry: &str,
    acc: &mut Vec<Resource>,
    seen: &mut Registered,
    cfg: &mut TransformerConfig,
    ctx: &Ctx,
) -> Result<()> {
    let path = resolve(dir, entry);
    let fs = crate::fs::current();
    if fs.is_file(&path) {
        check_entry_in_root(&path, dir, entry)?;
        seen.append(acc, load_file(&path, dir, ctx)?, &path)?;
    } else if fs.is_dir(&path) {
        // kustomize's loader refuses a base named by an absolute path.
        if Path::new(entry).is_absolute() {
            return Err(Error::msg(format!("new root '{entry}' cannot be absolute")));
        }
        ctx.check_cycle(&path)?;
        let sub = load_kustomization(&path)?;
        if sub.is_component() {
            return Err(Error::msg(format!(
                "expected kind != 'Component' for path '{}'",
                path.display()
            )));
        }
        let mut sub_acc = Vec::new();
        let mut sub_cfg = config::builtin()?;
        run(&path, &sub, &mut sub_acc, &mut sub_cfg, ctx)?;
        seen.append(acc, sub_acc, &path)?;
        cfg.merge(&sub_cfg)?;
    } else {
        return Err(Error::Missing {
            entry: entry.to_string(),
            path,
        });
    }
    Ok(())
}

fn generated_in(dir: &Path, kind: &'static str) -> Result<Origin> {
    Ok(Origin::Generator {
        kustomization: find_kustomization_file(dir)?,
        kind,
    })
}

/// Runs one kustomization (or component) over the accumulator; `cfg` gains the
/// kustomization's `configurations:` and those of everything it includes.
fn run(
    dir: &Path,
    k: &Kustomization,
    acc: &mut Vec<Resource>,
    cfg: &mut TransformerConfig,
    ctx: &Ctx,
) -> Result<()> {
    // A kustomization's `openapi:` holds for it and what it includes, unless they set their own.
    let schema = match k.openapi.as_ref().filter(|v| !v.is_null()) {
        Some(field) => openapi::load(dir, field)?,
        None => ctx.schema.clone(),
    };
    let depth = ctx.depth + 1;
    if depth > crate::MAX_DEPTH {
        return Err(Error::TooDeep {
            dir: dir.to_path_buf(),
            depth,
            limit: crate::MAX_DEPTH,
        });
    }
    let visited = Visited {
        dir,
        parent: ctx.visited,
    };
    let ctx = &Ctx {
        opts: ctx.opts,
        warnings: ctx.warnings,
        expansions: ctx.expansions,
        kept_kinds: ctx.kept_kinds,
        schema,
        build_annotations: ctx.build_annotations,
        visited: Some(&visited),
        depth,
    };
    cfg.load_files(dir, k.configurations.as_deref().unwrap_or_default())?;
    if let Some(files) = k.crds.as_deref().filter(|f| !f.is_empty()) {
        cfg.merge(&crate::crds::load(dir, files)?)?;
    }
    for (field, list) in [("resources", &k.resources), ("components", &k.components)] {
        if let Some((index, entry)) = list
            .iter()
            .flatten()
            .enumerate()
            .find(|(_, e)| is_remote(e))
        {
            return Err(Error::Remote {
                field,
                index,
                entry: entry.to_string(),
            });
        }
    }
    let mut seen = Registered::of(acc);
    for entry in k.resources.iter().flatten() {
        accumulate_entry(dir, entry, acc, &mut seen, cfg, ctx).map_err(|e| match e {
            Error::Missing { .. } | Error::TooDeep { .. } => e,
            // A chain of bases failing deep down makes one error, not one per level (its
            // text and its drop would otherwise recurse as deep as the chain).
            Error::Accumulate {
                mut entries,
                source,
            } => {
                entries.insert(0, entry.clone());
                Error::Accumulate { entries, source }
            }
            other => Error::Accumulate {
                entries: vec![entry.clone()],
                source: Box::new(other),
            },
        })?;
    }
    let global = k.generator_options.as_ref();
    let kfile = find_kustomization_file(dir)?;
    for (field, list, secret) in [
        ("configMapGenerator", &k.config_map_generator, false),
        ("secretGenerator", &k.secret_generator, true),
    ] {
        for (i, args) in list.iter().flatten().enumerate() {
            let kind = if secret {
                "SecretGenerator"
            } else {
                "ConfigMapGenerator"
            };
            let mut r = generators::generate(args, global, dir, secret)
                .map_err(|e| e.at(&kfile, format!("{field}[{i}]")))?;
            r.origin = Some(generated_in(dir, kind)?);
            r.written = Some(Written::Entry {
                kustomization: kfile.clone(),
                entry: format!("{field}[{i}]"),
            });
            generators::absorb(acc, r, args.behavior.as_deref())
                .map_err(|e| e.at(&kfile, format!("{field}[{i}]")))?;
        }
    }
    let site = plugins::Site {
        stage: Stage::Generators,
        dir,
        schema: ctx.schema.as_ref(),
        build_annotations: ctx.build_annotations,
    };
    plugins::run(
        &site,
        k.generators.as_deref().unwrap_or_default(),
        acc,
        &mut |d| build_plugin_dir(d, ctx),
        // Generators make no patches.
        &mut |acc, _, _, apply| apply(acc),
    )?;
    for entry in k.components.iter().flatten() {
        let path = resolve(dir, entry);
        if !crate::fs::current().is_dir(&path) {
            return Err(Error::msg(format!(
                "accumulating components: must build at directory: '{}'",
                path.display()
            )));
        }
        if Path::new(entry).is_absolute() {
            return Err(Error::msg(format!(
                "accumulating components: loader.New \"new root '{entry}' cannot be absolute\""
            )));
        }
        ctx.check_cycle(&path)?;
        let ck = load_kustomization(&path).map_err(|e| {
            Error::msg(format!("accumulating components: accumulateDirectory: \"couldn't make target for path '{}': {e}\"", path.display()))
        })?;
        if !ck.is_component() {
            return Err(Error::msg(format!(
                "accumulating components: accumulateDirectory: \"expected kind 'Component' for path '{}' but got '{}'",
                path.display(),
                ck.kind.as_deref().unwrap_or("Kustomization")
            )));
        }
        run(&path, &ck, acc, cfg, ctx).map_err(|e| {
            if matches!(e, Error::TooDeep { .. }) {
                return e;
            }
            Error::msg(format!("accumulating components: accumulateDirectory: \"recursed accumulation of path '{}': {e}\"", path.display()))
        })?;
    }
    transform(dir, k, acc, cfg, ctx)?;
    vars::collect(&mut cfg.vars, k.vars.as_deref().unwrap_or_default())
}

fn transform(
    dir: &Path,
    k: &Kustomization,
    acc: &mut Vec<Resource>,
    cfg: &TransformerConfig,
    ctx: &Ctx,
) -> Result<()> {
    let schema = ctx.schema.as_ref();
    let kfile = &find_kustomization_file(dir)?;
    let at = |entry: String| move |e: Error| e.at(kfile, entry);
    let done = |acc: &mut Vec<Resource>| ctx.build_annotations.rewrite(acc);
    let label = |entry: String| move || format!("{}: {entry}", kfile.display());
    let by = |entry: String| ChangedBy {
        kustomization: kfile.clone(),
        entry,
        file: None,
        document: 0,
        kind: ChangeKind::StrategicMerge,
    };
    if let Some(psm) = &k.patches_strategic_merge {
        tracked(acc, label("patchesStrategicMerge".into()), |acc| {
            patches::apply_strategic_merge_list(acc, psm, dir, schema, &by(String::new()))
        })
        .map_err(at("patchesStrategicMerge".into()))?;
        done(acc);
    }
    for (i, p) in k.patches.iter().flatten().enumerate() {
        let entry = entry_name("patches", i, p.path.as_deref());
        reaches_kept(acc, p, ctx).map_err(at(entry.clone()))?;
        tracked(acc, label(entry.clone()), |acc| {
            patches::apply_patch(acc, p, dir, schema, &by(format!("patches[{i}]")))
        })
        .map_err(at(entry))?;
        done(acc);
    }
    if let Some(ns) = &k.namespace {
        namespace::apply(acc, ns, &cfg.namespace).map_err(at("namespace".into()))?;
        done(acc);
    }
    // kustomize's PrefixTransformer, then its SuffixTransformer, each with the field specs
    // of the configuration.
    for (field, affix, end, specs) in [
        (
            "namePrefix",
            &k.name_prefix,
            prefix::End::Prefix,
            &cfg.name_prefix,
        ),
        (
            "nameSuffix",
            &k.name_suffix,
            prefix::End::Suffix,
            &cfg.name_suffix,
        ),
    ] {
        if let Some(affix) = affix.as_deref().filter(|a| !a.is_empty()) {
            prefix::apply(acc, affix, end, specs).map_err(at(field.into()))?;
            done(acc);
        }
    }
    for (i, l) in k.labels.iter().flatten().enumerate() {
        labels::apply_label_entry(acc, l, cfg).map_err(at(format!("labels[{i}]")))?;
        done(acc);
    }
    if let Some(cl) = &k.common_labels {
        labels::apply_map(acc, cl, &cfg.common_labels);
        done(acc);
    }
    if let Some(ca) = &k.common_annotations {
        labels::apply_map(acc, ca, &cfg.common_annotations);
        done(acc);
    }
    for (i, p) in k.patches_json6902.iter().flatten().enumerate() {
        let entry = entry_name("patchesJson6902", i, p.path.as_deref());
        reaches_kept(acc, p, ctx).map_err(at(entry.clone()))?;
        tracked(acc, label(entry.clone()), |acc| {
            patches::apply_json6902_entry(acc, p, dir, &by(format!("patchesJson6902[{i}]")))
        })
        .map_err(at(entry))?;
        done(acc);
    }
    for (i, r) in k.replicas.iter().flatten().enumerate() {
        let entry = format!("replicas[{i}]");
        let by = ChangedBy {
            kind: ChangeKind::Transformer,
            ..by(entry.clone())
        };
        replicas::apply(acc, r, &cfg.replicas, &by).map_err(at(entry))?;
        done(acc);
    }
    for (i, img) in k.images.iter().flatten().enumerate() {
        let entry = format!("images[{i}]");
        let by = ChangedBy {
            kind: ChangeKind::Transformer,
            ..by(entry.clone())
        };
        images::apply(acc, img, &cfg.images, &by).map_err(at(entry))?;
        done(acc);
    }
    if let Some(reps) = &k.replacements {
        replacements::apply(acc, &replacements::load(dir, reps)?, kfile)?;
        done(acc);
    }
    let transformers = k.transformers.as_deref().unwrap_or_default();
    // Patch transformer configs get the checks and records of `patches:` entries.
    let mut guard = |acc: &mut Vec<Resource>,
                     p: Option<&crate::kustomization::Patch>,
                     entry: &str,
                     apply: &mut plugins::ApplyPatch|
     -> Result<()> {
        if let Some(p) = p {
            reaches_kept(acc, p, ctx)?;
        }
        tracked(acc, label(entry.to_owned()), apply)
    };
    let site = plugins::Site {
        stage: Stage::Transformers,
        dir,
        schema,
        build_annotations: ctx.build_annotations,
    };
    plugins::run(
        &site,
        transformers,
        acc,
        &mut |d| build_plugin_dir(d, ctx),
        &mut guard,
    )
}

/// The documents a kustomization directory named in `transformers:`/`generators:` builds
/// to: plugin configs.
fn build_plugin_dir(dir: &Path, ctx: &Ctx) -> Result<Vec<Value>> {
    ctx.check_cycle(dir)?;
    let k = load_kustomization(dir)?;
    let mut acc = Vec::new();
    let mut cfg = config::builtin()?;
    run(dir, &k, &mut acc, &mut cfg, ctx)?;
    Ok(acc
        .into_iter()
        .map(|r| strip_internal(r).to_value())
        .collect())
}
