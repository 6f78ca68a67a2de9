//! `patches`, `patchesStrategicMerge` and `patchesJson6902`.

use crate::ChangeKind;
use crate::alias::propagate;
use crate::error::{Error, Result};
use crate::kustomization::{Patch, Selector};
use crate::load::{
    Mode, check_entry_in_root, find_kustomization_file, parse_documents, parse_nodes, read_text,
    resolve, restring_metadata_map,
};
use crate::openapi::OpenApi;
use crate::resid::ResId;
use crate::resource::{ChangedBy, Origin, Resource};
use crate::{json6902, selector, smp};
use serde_json::Value;
use shgw_yaml::node::Node;
use std::path::Path;
use std::sync::Arc;

enum Parsed {
    /// Strategic-merge documents.
    Smp(Vec<Node>),
    Json(Vec<Value>),
}

fn is_blank_or_comments(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---"
    })
}

/// Parses a patch text: an inline `patch:` arrives trimmed (kustomize `TrimSpace`s it,
/// which matters for a block scalar at its end), a patch file as it is.
fn parse_patch(text: &str) -> Result<Parsed> {
    let trimmed = text.trim();
    let docs = parse_nodes(text, Mode::Patch).ok();
    // A patch of empty mappings (`{}`) patches nothing (verified with kubectl v1.37.1).
    if docs.as_ref().is_some_and(|d| {
        !d.is_empty() && d.iter().all(|d| d.as_map().is_some_and(|m| m.is_empty()))
    }) {
        return Ok(Parsed::Smp(Vec::new()));
    }
    let smp = docs.filter(|docs| {
        !docs.is_empty()
            && docs.iter().all(|d| {
                let id = ResId::of(d);
                d.is_map() && !id.kind.is_empty() && !id.name.is_empty()
            })
    });
    let json = if trimmed.starts_with('[') {
        serde_json::from_str::<Value>(trimmed).ok()
    } else {
        parse_documents(text, true)
            .ok()
            .and_then(|d| d.into_iter().next())
    }
    .and_then(|v| match v {
        Value::Array(ops) if ops.iter().all(Value::is_object) => Some(ops),
        _ => None,
    });
    match (smp, json) {
        (Some(_), Some(_)) => Err(Error::msg(format!(
            "illegally qualifies as both an SM and JSON patch: {trimmed}"
        ))),
        (Some(d), None) => Ok(Parsed::Smp(d)),
        (None, Some(ops)) => Ok(Parsed::Json(ops)),
        (None, None) => Err(Error::msg(format!(
            "unable to parse SM or JSON patch from [patch: {trimmed:?}]"
        ))),
    }
}

fn patch_text(p: &Patch, dir: &Path) -> Result<Option<String>> {
    match (&p.path, &p.patch) {
        (Some(_), Some(_)) => Err(Error::msg("patch and path can't be set at the same time")),
        (None, None) => Err(Error::msg(
            "must specify one of patch and path in patch entry",
        )),
        (None, Some(inline)) => Ok(Some(inline.trim().to_string())),
        (Some(path), None) => {
            let full = resolve(dir, path);
            check_entry_in_root(&full, dir, path)?;
            let text = read_text(&full, dir).map_err(|e| {
                Error::msg(format!(
                    "failed to get the patch file from path({path}): {e}"
                ))
            })?;
            if is_blank_or_comments(&text) {
                Ok(None)
            } else {
                Ok(Some(text))
            }
        }
    }
}

fn is_delete_doc(doc: &Node) -> bool {
    doc.get("$patch").and_then(Node::as_str) == Some("delete")
}

/// Merges `patch` into resource `idx`, keeping its identity unless allowed to change.
fn merge_into(
    acc: &mut [Resource],
    idx: usize,
    patch_doc: &PatchDoc,
    allow_name: bool,
    allow_kind: bool,
    schema: Option<&Arc<OpenApi>>,
    by: &ChangedBy,
) -> Result<()> {
    let patch = &patch_doc.doc;
    let r = &mut acc[idx];
    r.changes.push(by.clone());
    let before = r.id();
    let before_api = r.obj.get("apiVersion").cloned();
    smp::drop_empty_values(&mut r.obj, schema);
    let merged = smp::merge_resource_with(&r.obj, patch, schema)?;
    r.obj = merged;
    propagate(&mut r.obj);
    let after = r.id();
    {
        let meta = r.metadata_mut();
        meta.insert("name".into(), Node::string(before.name.clone()));
        if before.namespace.is_empty() {
            meta.shift_remove("namespace");
        } else {
            meta.insert("namespace".into(), Node::string(before.namespace.clone()));
        }
    }
    if let Node::Map(o) = &mut r.obj {
        o.insert("kind".into(), Node::string(before.kind.clone()));
        match &before_api {
            Some(a) => o.insert("apiVersion".into(), a.clone()),
            None => o.shift_remove("apiVersion"),
        };
    }
    if allow_kind && after.kind != before.kind {
        r.prev_ids.push(before.clone());
        if let Node::Map(o) = &mut r.obj {
            o.insert("kind".into(), Node::string(after.kind.clone()));
            o.insert("apiVersion".into(), Node::string(after.api_version()));
        }
    }
    if allow_name && after.name != before.name {
        r.set_name(&after.name);
    }
    Ok(())
}

/// A patch document as kustomize applies it. A targeted `patches` entry and
/// `patchesStrategicMerge` go through `ResMap.ApplySmPatch`, which first copies the patch's
/// labels and annotations onto it as string maps (`CopyMergeMetaDataFieldsFrom`): values as
/// written, an empty map disappears.
fn prepare_smp(doc: &Node, via_resmap: bool) -> PatchDoc {
    let mut doc = doc.clone();
    if via_resmap {
        restring_metadata_map(&mut doc, "labels");
        restring_metadata_map(&mut doc, "annotations");
    }
    PatchDoc { doc }
}

/// A strategic-merge patch document, ready to merge.
struct PatchDoc {
    doc: Node,
}

/// What a change is recorded as: `by` with the patch file, document and kind (a plugin
/// config's change stays a transformer's, at its entry).
fn stamp(by: &ChangedBy, file: Option<&Path>, document: usize, kind: ChangeKind) -> ChangedBy {
    let mut by = by.clone();
    if by.kind != ChangeKind::Transformer {
        by.file = file.map(Path::to_path_buf);
        by.document = document;
        by.kind = kind;
    }
    by
}

fn apply_smp_docs(
    acc: &mut Vec<Resource>,
    docs: &[Node],
    target: Option<&Selector>,
    opts: (bool, bool),
    psm: bool,
    schema: Option<&Arc<OpenApi>>,
    by: (&ChangedBy, Option<&Path>),
) -> Result<()> {
    let (by, file) = by;
    if let Some(sel) = target {
        if docs.len() > 1 {
            return Err(Error::msg(
                "Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field",
            ));
        }
        let Some(doc) = docs.first() else {
            return Ok(());
        };
        let doc = &prepare_smp(doc, true);
        let idxs = selector::select(acc, sel)?;
        if is_delete_doc(&doc.doc) {
            let mut i = 0;
            acc.retain(|_| {
                let keep = !idxs.contains(&i);
                i += 1;
                keep
            });
            return Ok(());
        }
        let by = stamp(by, file, 0, ChangeKind::StrategicMerge);
        for i in idxs {
            merge_into(acc, i, doc, opts.0, opts.1, schema, &by)?;
        }
        return Ok(());
    }
    for (n, doc) in docs.iter().enumerate() {
        let doc = &prepare_smp(doc, psm);
        let id = ResId::of(&doc.doc);
        let found: Vec<usize> = (0..acc.len())
            .filter(|i| acc[*i].matches_any_id(&id))
            .collect();
        if found.len() != 1 {
            let what = if found.is_empty() {
                "no matches"
            } else {
                "multiple matches"
            };
            let base = format!("{what} for Id {id}; failed to find unique target for patch {id}");
            return Err(Error::msg(if psm {
                base
            } else {
                format!("no resource matches strategic merge patch \"{id}\": {base}")
            }));
        }
        if is_delete_doc(&doc.doc) {
            acc.remove(found[0]);
        } else {
            let by = stamp(by, file, n, ChangeKind::StrategicMerge);
            merge_into(acc, found[0], doc, false, false, schema, &by)?;
        }
    }
    Ok(())
}

/// Applies JSON patch operations to the selected resources. `patches` entries record the
/// previous id (`StorePreviousId`); the deprecated `patchesJson6902` does not, so a
/// rename there leaves no trace for later name matching (verified with kubectl v1.37.1).
fn apply_json(
    acc: &mut [Resource],
    ops: &[Value],
    sel: &Selector,
    record: bool,
    dir: &Path,
    by: &ChangedBy,
) -> Result<()> {
    // kustomize keeps a resource's origin as an annotation while it builds: an operation
    // that writes the whole `metadata.annotations` (or `metadata`) drops it, and the patch
    // becomes the origin (verified with kubectl v1.37.1).
    let drops_origin = ops.iter().any(|op| {
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        matches!(path, "/metadata/annotations" | "/metadata") && kind != "test"
    });
    let origin = if drops_origin {
        Some(Origin::Transformer {
            kustomization: find_kustomization_file(dir)?,
            kind: if record {
                "PatchTransformer"
            } else {
                "PatchJson6902Transformer"
            },
        })
    } else {
        None
    };
    for i in selector::select(acc, sel)? {
        let r = &mut acc[i];
        r.changes.push(by.clone());
        if origin.is_some() {
            r.origin.clone_from(&origin);
        }
        let before = r.id();
        if record {
            // `patches` stores the previous id in internal annotations first, so the
            // patch sees an annotations map even on a resource without one.
            let meta = r.metadata_mut();
            if !meta.get("annotations").is_some_and(Node::is_map) {
                meta.insert("annotations".into(), Node::empty_map());
            }
        }
        // kyaml converts the resource to JSON (plain dates become RFC 3339 strings, typed
        // annotation values their JSON text), patches that, and re-creates every node from
        // the patched JSON (verified with kubectl v1.37.1).
        let mut json = r.obj.to_value();
        json6902::apply(&mut json, ops)?;
        r.obj = Node::from_value(&json);
        let after = r.id();
        if record
            && (after.name != before.name
                || after.namespace != before.namespace
                || after.kind != before.kind)
        {
            r.prev_ids.push(before);
        }
    }
    Ok(())
}

/// Applies one `patches:` entry.
pub fn apply_patch(
    acc: &mut Vec<Resource>,
    p: &Patch,
    dir: &Path,
    schema: Option<&Arc<OpenApi>>,
    by: &ChangedBy,
) -> Result<()> {
    let Some(text) = patch_text(p, dir)? else {
        return Ok(());
    };
    let file = p.path.as_deref().map(|f| resolve(dir, f));
    let opts = p.options.unwrap_or_default();
    match parse_patch(&text)? {
        Parsed::Smp(docs) => apply_smp_docs(
            acc,
            &docs,
            p.target.as_ref(),
            (opts.allow_name_change, opts.allow_kind_change),
            false,
            schema,
            (by, file.as_deref()),
        ),
        Parsed::Json(ops) => match &p.target {
            Some(sel) => {
                let by = stamp(by, file.as_deref(), 0, ChangeKind::Json6902);
                apply_json(acc, &ops, sel, true, dir, &by)
            }
            None => Err(Error::msg(format!(
                "must specify a target for JSON patch [patch: {:?}]",
                text.trim()
            ))),
        },
    }
}

/// Applies the deprecated `patchesStrategicMerge` list.
pub fn apply_strategic_merge_list(
    acc: &mut Vec<Resource>,
    entries: &[String],
    dir: &Path,
    schema: Option<&Arc<OpenApi>>,
    by: &ChangedBy,
) -> Result<()> {
    let mut all_empty = true;
    for (i, e) in entries.iter().enumerate() {
        let mut by = by.clone();
        if by.kind != ChangeKind::Transformer {
            by.entry = format!("patchesStrategicMerge[{i}]");
        }
        let mut file = None;
        let inline = parse_nodes(e, Mode::Patch)
            .ok()
            .filter(|d| d.iter().any(Node::is_map));
        let docs = match inline {
            Some(d) => d,
            None => {
                let full = resolve(dir, e);
                check_entry_in_root(&full, dir, e)?;
                let text = read_text(&full, dir)?;
                let docs = parse_nodes(&text, Mode::Patch).map_err(|e| Error::MalformedYaml {
                    file: full.clone(),
                    msg: e.to_string(),
                })?;
                file = Some(full);
                docs
            }
        };
        if docs.is_empty() {
            continue;
        }
        all_empty = false;
        apply_smp_docs(
            acc,
            &docs,
            None,
            (false, false),
            true,
            schema,
            (&by, file.as_deref()),
        )?;
    }
    if all_empty && !entries.is_empty() {
        return Err(Error::msg("patch appears to be empty"));
    }
    Ok(())
}

/// Applies one deprecated `patchesJson6902` entry.
pub fn apply_json6902_entry(
    acc: &mut [Resource],
    p: &Patch,
    dir: &Path,
    by: &ChangedBy,
) -> Result<()> {
    let Some(sel) = &p.target else {
        return Err(Error::msg("must specify a target for JSON patch"));
    };
    if sel.name.as_deref().is_none_or(str::is_empty) {
        return Err(Error::msg("must specify the target name"));
    }
    let Some(text) = patch_text(p, dir)? else {
        return Ok(());
    };
    let ops = if text.trim().starts_with('[') {
        serde_json::from_str::<Value>(&text).map_err(|e| Error::msg(e.to_string()))?
    } else {
        parse_documents(&text, true)
            .map_err(|e| Error::msg(e.to_string()))?
            .into_iter()
            .next()
            .unwrap_or(Value::Null)
    };
    let Value::Array(ops) = ops else {
        return Err(Error::msg("json patch must be a list of operations"));
    };
    let file = p.path.as_deref().map(|f| resolve(dir, f));
    let by = stamp(by, file.as_deref(), 0, ChangeKind::Json6902);
    apply_json(acc, &ops, sel, false, dir, &by)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection() {
        assert!(matches!(
            parse_patch("kind: A\nmetadata:\n  name: x\n"),
            Ok(Parsed::Smp(..))
        ));
        assert!(matches!(
            parse_patch("- op: add\n  path: /a\n  value: 1\n"),
            Ok(Parsed::Json(_))
        ));
        assert!(matches!(
            parse_patch("[{\"op\": \"remove\", \"path\": \"/a\"}]"),
            Ok(Parsed::Json(_))
        ));
        assert!(parse_patch("spec: {}\n").is_err());
    }
}
