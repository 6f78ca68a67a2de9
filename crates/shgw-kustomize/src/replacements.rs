//! `replacements`: copy a field of one resource (or a part of it, split at a delimiter)
//! into fields of the resources a target selects, as kustomize v5.8.1 does.

use crate::alias::propagate;
use crate::error::{Error, Result};
use crate::kustomization::{
    FieldOptions, Replacement, ReplacementSelector, ReplacementSource, ReplacementTarget,
};
use crate::load::{check_entry_in_root, parse_documents, read_text, resolve};
use crate::resid::ResId;
use crate::resource::Resource;
use crate::selector::selector_matches;
use serde_json::Value;
use shgw_yaml::node::{Map, Node, Scalar};
use std::path::Path;

/// The replacements of a kustomization: inline entries as they are, `path:` entries read
/// from their file (one replacement or a list).
pub fn load(dir: &Path, entries: &[Replacement]) -> Result<Vec<Replacement>> {
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let Some(p) = &e.path else {
            out.push(e.clone());
            continue;
        };
        if e.source.is_some() || e.targets.is_some() {
            return Err(Error::msg(format!(
                "replacements[{i}]: cannot specify both path and inline replacement"
            )));
        }
        let path = resolve(dir, p);
        check_entry_in_root(&path, dir, p)?;
        let text = read_text(&path, dir)?;
        let at = |msg: String| Error::msg(format!("replacements[{i}] '{p}': {msg}"));
        // Only the first document counts (verified with kubectl v1.37.1).
        let doc = parse_documents(&text, false)
            .map_err(|e| at(e.to_string()))?
            .into_iter()
            .next()
            .unwrap_or_default();
        let list = match doc {
            Value::Array(a) => a,
            other => vec![other],
        };
        for r in list {
            out.push(
                crate::decode::decode(r).map_err(|e| at(crate::load::unquoted(e.to_string())))?,
            );
        }
    }
    Ok(out)
}

/// Applies replacements in order; an error names its entry of the kustomization `kfile`.
pub fn apply(acc: &mut [Resource], reps: &[Replacement], kfile: &Path) -> Result<()> {
    for (i, r) in reps.iter().enumerate() {
        apply_one(acc, r).map_err(|e| e.at(kfile, format!("replacements[{i}]")))?;
    }
    Ok(())
}

fn apply_one(acc: &mut [Resource], r: &Replacement) -> Result<()> {
    let Some(src) = &r.source else {
        return Err(Error::msg("replacement source must be specified"));
    };
    let value = source_value(acc, src)?;
    for t in r.targets.iter().flatten() {
        apply_target(acc, t, &value)?;
    }
    Ok(())
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

/// The id string of a selector, as kustomize prints it in messages.
fn selector_string(g: &str, v: &str, k: &str, n: &str, ns: &str) -> String {
    ResId {
        group: g.into(),
        version: v.into(),
        kind: k.into(),
        name: n.into(),
        namespace: ns.into(),
    }
    .to_string()
}

/// kustomize's `ResId.IsSelectedBy`: every field the selector sets equals the id's (the
/// namespace literally: `default` does not select a resource without one, verified with
/// kubectl v1.37.1).
fn id_selected(id: &ResId, g: &str, v: &str, k: &str, n: &str, ns: &str) -> bool {
    (g.is_empty() || g == id.group)
        && (v.is_empty() || v == id.version)
        && (k.is_empty() || k == id.kind)
        && (n.is_empty() || n == id.name)
        && (ns.is_empty() || ns == id.namespace)
}

fn any_id_selected(r: &Resource, g: &str, v: &str, k: &str, n: &str, ns: &str) -> bool {
    std::iter::once(r.id())
        .chain(r.prev_ids.iter().cloned())
        .any(|id| id_selected(&id, g, v, k, n, ns))
}

fn source_value(acc: &[Resource], s: &ReplacementSource) -> Result<Node> {
    let (g, v, k, n, ns) = (
        opt(&s.group),
        opt(&s.version),
        opt(&s.kind),
        opt(&s.name),
        opt(&s.namespace),
    );
    let found: Vec<&Resource> = acc
        .iter()
        .filter(|r| any_id_selected(r, g, v, k, n, ns))
        .collect();
    let sel = selector_string(g, v, k, n, ns);
    let r = match found.as_slice() {
        [one] => *one,
        [] => return Err(Error::msg(format!("nothing selected by {sel}"))),
        _ => return Err(Error::msg(format!("multiple matches for selector {sel}"))),
    };
    let fp = s.field_path.as_deref().unwrap_or("metadata.name");
    let path = split_field_path(fp);
    let mut obj = r.obj.clone();
    let places = find(&mut obj, &path, false)?;
    let Some(first) = places.first() else {
        return Err(Error::msg(format!(
            "fieldPath `{fp}` is missing for replacement source {}",
            selector_string(g, v, k, n, ns)
        )));
    };
    let value = get(&obj, first).cloned().unwrap_or_else(Node::null);
    match s
        .options
        .as_ref()
        .and_then(|o| o.delimiter.as_deref().map(|d| (d, o)))
    {
        Some((d, o)) if !d.is_empty() => {
            let text = scalar_text(&value);
            let parts: Vec<&str> = text.split(d).collect();
            let idx = usize::try_from(o.index).ok().filter(|i| *i < parts.len());
            match idx {
                Some(i) => Ok(Node::string(parts[i])),
                None => Err(Error::msg(format!(
                    "options.index {} is out of bounds for value {text}",
                    o.index
                ))),
            }
        }
        _ => Ok(value),
    }
}

/// A node's text as kyaml reads it for a replacement or a var: a scalar's source text
/// (`""` for null), a collection's JSON text.
pub(crate) fn scalar_text(v: &Node) -> String {
    match v {
        Node::Scalar(_) => v.text_or_empty().to_string(),
        other => other.to_value().to_string(),
    }
}

fn selector_picks(r: &Resource, s: &ReplacementSelector) -> Result<bool> {
    if !any_id_selected(
        r,
        opt(&s.group),
        opt(&s.version),
        opt(&s.kind),
        opt(&s.name),
        opt(&s.namespace),
    ) {
        return Ok(false);
    }
    let meta = r.obj.get("metadata");
    if let Some(l) = s.label_selector.as_deref().filter(|l| !l.is_empty())
        && !selector_matches(l, meta.and_then(|m| m.get("labels")))?
    {
        return Ok(false);
    }
    if let Some(a) = s.annotation_selector.as_deref().filter(|a| !a.is_empty())
        && !selector_matches(a, meta.and_then(|m| m.get("annotations")))?
    {
        return Ok(false);
    }
    Ok(true)
}

fn apply_target(acc: &mut [Resource], t: &ReplacementTarget, value: &Node) -> Result<()> {
    let Some(select) = &t.select else {
        return Err(Error::msg("target must specify resources to select"));
    };
    let opts = t.options.clone().unwrap_or_default();
    for r in acc.iter_mut() {
        if !selector_picks(r, select)? {
            continue;
        }
        let mut rejected = false;
        for x in t.reject.iter().flatten() {
            rejected |= selector_picks(r, x)?;
        }
        if rejected {
            continue;
        }
        for fp in t.field_paths.iter().flatten() {
            let path = split_field_path(fp);
            if path.contains(&Step::Malformed) {
                let what = if opts.create {
                    "find or create"
                } else {
                    "find"
                };
                return Err(Error::msg(format!(
                    "unable to {what} field \"{fp}\" in replacement target: list path element must contain fieldName=fieldValue for element to match"
                )));
            }
            let mut places = find(&mut r.obj, &path, false)?;
            let created = places.is_empty() && opts.create;
            if created {
                places = find(&mut r.obj, &path, true)?;
            }
            if places.is_empty() {
                return Err(Error::msg(format!(
                    "unable to find field \"{fp}\" in replacement target"
                )));
            }
            for place in places {
                if let Some(node) = get_mut(&mut r.obj, &place) {
                    set_value(node, value, &opts, created)?;
                }
            }
        }
        // kyaml writes a replacement into the existing node: fields sharing it follow.
        propagate(&mut r.obj);
    }
    Ok(())
}

/// Writes `value` into the target `node` as kyaml's `setFieldValue` does: a scalar target
/// takes the text and keeps its own tag (`"5432"` copied into `port: 80` prints `5432`, into
/// `name: x` prints `"5432"`); a field the replacement created is an untagged plain scalar,
/// whose tag the text decides; a collection target is replaced by the value (all verified
/// with kubectl v1.37.1).
fn set_value(node: &mut Node, value: &Node, o: &FieldOptions, created: bool) -> Result<()> {
    let text = match o.delimiter.as_deref().filter(|d| !d.is_empty()) {
        None => match (value, &*node) {
            (Node::Scalar(v), _) => v.text.clone(),
            // A scalar target takes the collection's scalar value, which is empty.
            (_, Node::Scalar(_)) if !created => String::new(),
            (collection, _) => {
                *node = crate::alias::detached(collection.clone());
                return Ok(());
            }
        },
        Some(d) => {
            // An index before the first part prepends, one after the last appends (kyaml).
            let old = scalar_text(node);
            let mut parts: Vec<String> = old.split(d).map(str::to_string).collect();
            match usize::try_from(o.index) {
                Ok(i) if i < parts.len() => parts[i] = scalar_text(value),
                Ok(_) => parts.push(scalar_text(value)),
                Err(_) => parts.insert(0, scalar_text(value)),
            }
            parts.join(d)
        }
    };
    match node {
        Node::Scalar(s) if !created => s.text = text,
        _ => *node = Node::Scalar(Scalar::plain(text)),
    }
    Ok(())
}

/// One step of a replacement field path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    /// A map key (or, on a list, an index when it is a number).
    Key(String),
    /// `[name=value]`: the list elements whose field `name` is `value`.
    Match(String, String),
    /// `*`: every element of a list (or value of a map).
    All,
    /// `[x]` with neither `=` nor a dot in it.
    Malformed,
}

/// Splits a field path at dots outside `[...]`.
pub(crate) fn split_field_path(fp: &str) -> Vec<Step> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    for c in fp.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p == "*" {
                return Step::All;
            }
            if let Some(inner) = p.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
                // `[name=value]` selects list elements; `[a.b]` is a key holding dots; any
                // other bracket is a malformed list matcher (verified with kubectl v1.37.1).
                return match inner.split_once('=') {
                    Some((k, v)) => Step::Match(k.to_string(), v.to_string()),
                    None if inner.contains('.') => Step::Key(inner.to_string()),
                    None => Step::Malformed,
                };
            }
            Step::Key(p)
        })
        .collect()
}

/// A place in a document: map keys and list indices.
#[derive(Debug, Clone)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

pub(crate) fn get<'a>(v: &'a Node, place: &[Seg]) -> Option<&'a Node> {
    place.iter().try_fold(v, |cur, s| match s {
        Seg::Key(k) => cur.as_map()?.get(k),
        Seg::Index(i) => cur.as_seq()?.get(*i),
    })
}

fn get_mut<'a>(v: &'a mut Node, place: &[Seg]) -> Option<&'a mut Node> {
    place.iter().try_fold(v, |cur, s| match s {
        Seg::Key(k) => cur.as_map_mut()?.get_mut(k),
        Seg::Index(i) => cur.as_seq_mut()?.get_mut(*i),
    })
}

/// The places `path` names in `v`; with `create`, missing map fields (and `[k=v]` list
/// elements) on the way are created.
pub(crate) fn find(v: &mut Node, path: &[Step], create: bool) -> Result<Vec<Vec<Seg>>> {
    let mut out = Vec::new();
    walk(v, path, create, &mut Vec::new(), &mut out);
    Ok(out)
}

fn walk(v: &mut Node, path: &[Step], create: bool, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    let Some((step, rest)) = path.split_first() else {
        out.push(at.clone());
        return;
    };
    match (step, v) {
        (Step::All, Node::Seq(items)) => {
            for (i, item) in items.iter_mut().enumerate() {
                at.push(Seg::Index(i));
                walk(item, rest, create, at, out);
                at.pop();
            }
        }
        (Step::All, Node::Map(m)) => {
            for (k, item) in m.iter_mut() {
                at.push(Seg::Key(k.clone()));
                walk(item, rest, create, at, out);
                at.pop();
            }
        }
        (Step::Match(k, want), Node::Seq(items)) => {
            let mut any = false;
            for (i, item) in items.iter_mut().enumerate() {
                if item.get(k).map(scalar_text).as_deref() == Some(want.as_str()) {
                    any = true;
                    at.push(Seg::Index(i));
                    walk(item, rest, create, at, out);
                    at.pop();
                }
            }
            if !any && create {
                let mut m = Map::new();
                m.insert(k.clone(), Node::string(want.clone()));
                items.push(Node::Map(m));
                let i = items.len() - 1;
                at.push(Seg::Index(i));
                walk(&mut items[i], rest, create, at, out);
                at.pop();
            }
        }
        (Step::Key(k), Node::Seq(items)) => {
            let Ok(i) = k.parse::<usize>() else { return };
            // Creating through the index one past the end appends (kubebuilder's
            // `spec.dnsNames.1` on a Certificate with one name; verified with kubectl v1.37.1).
            if create && i == items.len() {
                items.push(fresh_for(rest));
            }
            if let Some(item) = items.get_mut(i) {
                at.push(Seg::Index(i));
                walk(item, rest, create, at, out);
                at.pop();
            }
        }
        (Step::Key(k), node) => {
            if node.is_null() && create {
                *node = Node::empty_map();
            }
            let Node::Map(m) = node else { return };
            if !m.contains_key(k) {
                if !create {
                    return;
                }
                m.insert(k.clone(), fresh_for(rest));
            }
            if let Some(child) = m.get_mut(k) {
                at.push(Seg::Key(k.clone()));
                walk(child, rest, create, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// The node a replacement creates where `rest` of its path still has to go: a list before a
/// `[k=v]` matcher or an index, a map before a key, a null at the end.
fn fresh_for(rest: &[Step]) -> Node {
    match rest.first() {
        None => Node::null(),
        Some(Step::Match(..)) => Node::Seq(Vec::new()),
        Some(Step::Key(k)) if k.parse::<usize>().is_ok() => Node::Seq(Vec::new()),
        Some(_) => Node::empty_map(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths() {
        assert_eq!(
            split_field_path("spec.containers.[name=a.b].image"),
            vec![
                Step::Key("spec".into()),
                Step::Key("containers".into()),
                Step::Match("name".into(), "a.b".into()),
                Step::Key("image".into()),
            ]
        );
        assert_eq!(split_field_path("a.*")[1], Step::All);
        assert_eq!(
            split_field_path("data.[a.b.c]"),
            vec![Step::Key("data".into()), Step::Key("a.b.c".into())]
        );
        assert_eq!(split_field_path("data.[x]")[1], Step::Malformed);
    }
}
