//! `configMapGenerator`, `secretGenerator` and `generatorOptions`, plus absorbing
//! generated objects into the accumulator (create / merge / replace).

use crate::error::{Error, Result};
use crate::kustomization::{GeneratorArgs, GeneratorOptions};
use crate::load::{check_entry_in_root, read_bytes, resolve};
use crate::load::{restring, restring_metadata_map};
use crate::resid::ResId;
use crate::resource::{GenInfo, Resource};
use base64::Engine;
use serde_json::{Map, Value};
use shgw_yaml::node::Node;
use std::path::Path;

/// Base64 with kustomize's wrapping (70-character lines, each followed by `\n`).
pub fn encode_base64(bytes: &[u8]) -> String {
    let s = base64::engine::general_purpose::STANDARD.encode(bytes);
    if s.len() < 70 {
        return s;
    }
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(70) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out
}

/// Reads an env file's `KEY=value` lines. A line that is not UTF-8 is refused, as kustomize
/// refuses it, by number and column, never quoted (an env file holds secrets).
fn parse_env(name: &str, bytes: &[u8], pairs: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let (_, line, column) = crate::load::utf8_fault(bytes, e.valid_up_to());
            return Err(Error::msg(format!(
                "loading KV pairs: env source files: [{name}]: line {line} has invalid utf8 bytes (at column {column}; the file must be UTF-8)"
            )));
        }
    };
    for (i, line) in text.lines().enumerate() {
        let line = if i == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        let line = line.strip_suffix('\r').unwrap_or(line).trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('=') {
            Some((k, v)) => pairs.push((k.to_string(), v.as_bytes().to_vec())),
            None => pairs.push((line.to_string(), Vec::new())),
        }
    }
    Ok(())
}

fn strip_quotes(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2
        && (b[0] == b'"' && b[b.len() - 1] == b'"' || b[0] == b'\'' && b[b.len() - 1] == b'\'')
    {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

fn collect_pairs(args: &GeneratorArgs, dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut pairs = Vec::new();
    let mut envs: Vec<String> = args.envs.clone().unwrap_or_default();
    if let Some(e) = &args.env {
        envs.push(e.clone());
    }
    for e in &envs {
        let path = resolve(dir, e);
        check_entry_in_root(&path, dir, e)?;
        parse_env(e, &read_bytes(&path, dir)?, &mut pairs)?;
    }
    for lit in args.literals.iter().flatten() {
        match lit.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                pairs.push((k.to_string(), strip_quotes(v).as_bytes().to_vec()))
            }
            _ => {
                return Err(Error::msg(format!(
                    "invalid literal source {lit}, expected key=value"
                )));
            }
        }
    }
    for f in args.files.iter().flatten() {
        let (key, p) = match f.split_once('=') {
            Some((k, p)) => {
                if k.is_empty() || p.is_empty() || p.contains('=') {
                    return Err(Error::msg(format!(
                        "key names or file paths cannot contain '=' ({f})"
                    )));
                }
                (k.to_string(), p)
            }
            None => (
                Path::new(f)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                f.as_str(),
            ),
        };
        let path = resolve(dir, p);
        check_entry_in_root(&path, dir, p)?;
        pairs.push((key, read_bytes(&path, dir)?));
    }
    Ok(pairs)
}

/// Generates one ConfigMap (`secret == false`) or Secret.
pub fn generate(
    args: &GeneratorArgs,
    global: Option<&GeneratorOptions>,
    dir: &Path,
    secret: bool,
) -> Result<Resource> {
    let what = if secret { "secret" } else { "configmap" };
    let name = args
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| Error::msg(format!("a {what} must have a name")))?;
    let pairs = collect_pairs(args, dir)?;
    let mut data = Map::new();
    let mut binary = Map::new();
    for (k, v) in pairs {
        if data.contains_key(&k) || binary.contains_key(&k) {
            return Err(Error::msg(format!(
                "configmap {name} illegally repeats the key `{k}`"
            )));
        }
        if secret {
            data.insert(k, Value::String(encode_base64(&v)));
        } else {
            match String::from_utf8(v) {
                Ok(s) => {
                    data.insert(k, Value::String(s));
                }
                Err(e) => {
                    binary.insert(k, Value::String(encode_base64(e.as_bytes())));
                }
            }
        }
    }
    data.sort_keys();
    binary.sort_keys();
    let mut meta = Map::new();
    meta.insert("name".into(), Value::String(name));
    if let Some(ns) = args.namespace.as_ref().filter(|n| !n.is_empty()) {
        meta.insert("namespace".into(), Value::String(ns.clone()));
    }
    let local = args.options.clone().unwrap_or_default();
    let g = global.cloned().unwrap_or_default();
    let mut labels = g.labels.clone().unwrap_or_default();
    labels.extend(local.labels.clone().unwrap_or_default());
    let mut annotations = g.annotations.clone().unwrap_or_default();
    annotations.extend(local.annotations.clone().unwrap_or_default());
    let to_map = |m: indexmap::IndexMap<String, String>| {
        Value::Object(m.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
    };
    if !labels.is_empty() {
        meta.insert("labels".into(), to_map(labels));
    }
    if !annotations.is_empty() {
        meta.insert("annotations".into(), to_map(annotations));
    }
    let mut obj = Map::new();
    obj.insert("apiVersion".into(), Value::String("v1".into()));
    obj.insert(
        "kind".into(),
        Value::String(if secret { "Secret" } else { "ConfigMap" }.into()),
    );
    obj.insert("metadata".into(), Value::Object(meta));
    if secret || !data.is_empty() {
        obj.insert("data".into(), Value::Object(data));
    }
    if !binary.is_empty() {
        obj.insert("binaryData".into(), Value::Object(binary));
    }
    if secret {
        let t = args
            .type_
            .clone()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "Opaque".into());
        obj.insert("type".into(), Value::String(t));
    }
    if local.immutable || g.immutable {
        obj.insert("immutable".into(), Value::Bool(true));
    }
    let mut r = Resource::new(Value::Object(obj));
    r.generated = Some(GenInfo {
        hash: !(local.disable_name_suffix_hash || g.disable_name_suffix_hash),
    });
    Ok(r)
}

/// `old.<path>` ∪ `new.<path>` (string maps, `new` wins); the field is dropped when the
/// union is empty, as kyaml's `SetLabels`/`SetDataMap` do.
fn set_union(dst: &mut Value, old: &Value, new: &Value, path: &[&str]) {
    let get = |v: &Value| {
        path.iter()
            .try_fold(v, |v, p| v.get(*p))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let mut union = get(old);
    union.extend(get(new));
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut cur = dst;
    for p in parents {
        cur = crate::resource::ensure_object(cur)
            .entry(p.to_string())
            .or_insert(Value::Null);
    }
    let m = crate::resource::ensure_object(cur);
    if union.is_empty() {
        m.remove(*last);
    } else {
        m.insert(last.to_string(), Value::Object(union));
    }
}

/// The document kustomize keeps when a generator merges into or replaces `old`: the new
/// one, with the old labels and annotations under its own (and, for `merge`, the old
/// data under its own), under the old name and namespace.
fn merged_doc(old: &Value, new: &Value, merge: bool) -> Value {
    let mut out = new.clone();
    set_union(&mut out, old, new, &["metadata", "labels"]);
    set_union(&mut out, old, new, &["metadata", "annotations"]);
    if merge {
        // `MergeDataMapFrom` reads the old data as strings: `null` becomes "".
        let mut old = old.clone();
        for k in ["data", "binaryData"] {
            if let Some(Value::Object(m)) = old.get_mut(k) {
                for v in m.values_mut().filter(|v| v.is_null()) {
                    *v = Value::String(String::new());
                }
            }
        }
        set_union(&mut out, &old, new, &["data"]);
        set_union(&mut out, &old, new, &["binaryData"]);
    }
    let meta = crate::resource::ensure_object(
        crate::resource::ensure_object(&mut out)
            .entry("metadata")
            .or_insert(Value::Null),
    );
    for k in ["name", "namespace"] {
        match old.get("metadata").and_then(|m| m.get(k)) {
            Some(v) => meta.insert(k.into(), v.clone()),
            None => meta.remove(k),
        };
    }
    out
}

/// Adds a generated resource to the accumulator according to its `behavior`.
pub fn absorb(acc: &mut Vec<Resource>, new: Resource, behavior: Option<&str>) -> Result<()> {
    let id = new.id();
    let matches: Vec<usize> = (0..acc.len())
        .filter(|i| acc[*i].matches_any_id(&id))
        .collect();
    // kustomize's `BehaviorFromString`: anything but these three is "unspecified",
    // which acts as create (verified with kubectl v1.37.1: `behavior: add`, `Merge`).
    let behavior = behavior
        .filter(|b| ["create", "merge", "replace"].contains(b))
        .unwrap_or("unspecified");
    match (matches.as_slice(), behavior) {
        ([], "create" | "unspecified") => {
            acc.push(new);
            Ok(())
        }
        ([], _) => Err(Error::msg(format!(
            "merging from generator: id {} does not exist; cannot merge or replace",
            fmt_resid(&id)
        ))),
        ([_], "create" | "unspecified") => Err(Error::msg(format!(
            "merging from generator: id {} exists; can not use behavior: '{behavior}', behavior must be merge or replace",
            fmt_resid(&id)
        ))),
        ([i], "merge" | "replace") => {
            let old = &mut acc[*i];
            let hash = old.generated.as_ref().is_some_and(|g| g.hash)
                && new.generated.as_ref().is_some_and(|g| g.hash);
            // kustomize reads the old data, labels and annotations as strings of their
            // source text (`GetDataMap`, `GetLabels`, `GetAnnotations`); a null data value
            // is left to `merged_doc`.
            let mut prev = old.obj.clone();
            restring_metadata_map(&mut prev, "annotations");
            for field in ["data", "binaryData"] {
                if let Some(Node::Map(m)) = prev.get_mut(field) {
                    m.values_mut().filter(|v| !v.is_null()).for_each(restring);
                }
            }
            restring_metadata_map(&mut prev, "labels");
            let merged = merged_doc(&prev.to_value(), &new.obj.to_value(), behavior == "merge");
            old.obj = Node::from_value(&merged);
            old.generated = Some(GenInfo { hash });
            // A replacing generator is the origin from now on; a merging one is not
            // (verified with kubectl v1.37.1).
            if behavior == "replace" {
                old.origin.clone_from(&new.origin);
                old.written.clone_from(&new.written);
                old.changes.clear();
            } else if let Some(crate::resource::Written::Entry {
                kustomization,
                entry,
            }) = &new.written
            {
                old.changes.push(crate::resource::ChangedBy {
                    kustomization: kustomization.clone(),
                    entry: entry.clone(),
                    file: None,
                    document: 0,
                    kind: crate::ChangeKind::Generator,
                });
            }
            Ok(())
        }
        (_, _) => Err(Error::msg(format!(
            "found multiple objects that could accept merge of {id}"
        ))),
    }
}

fn fmt_resid(id: &ResId) -> String {
    format!(
        "resid.ResId{{Gvk:resid.Gvk{{Group:\"{}\", Version:\"{}\", Kind:\"{}\", isClusterScoped:{}}}, Name:\"{}\", Namespace:\"{}\"}}",
        id.group,
        id.version,
        id.kind,
        id.is_cluster_scoped(),
        id.name,
        id.namespace
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_base64() {
        let args = GeneratorArgs {
            name: Some("s".into()),
            literals: Some(vec!["k=v".into(), "Q='q'".into()]),
            ..Default::default()
        };
        let r = generate(&args, None, Path::new("/nonexistent"), true).unwrap();
        assert_eq!(r.obj["data"]["k"], "dg==");
        assert_eq!(r.obj["data"]["Q"], "cQ==");
        assert_eq!(r.obj["type"], "Opaque");
        assert!(encode_base64(&[b'x'; 60]).ends_with('\n'));
    }

    #[test]
    fn absorb_behaviors() {
        let make = |name: &str, lits: &[&str], hash: bool| {
            let args = GeneratorArgs {
                name: Some(name.into()),
                literals: Some(lits.iter().map(|s| s.to_string()).collect()),
                options: Some(GeneratorOptions {
                    disable_name_suffix_hash: !hash,
                    ..Default::default()
                }),
                ..Default::default()
            };
            generate(&args, None, Path::new("/nonexistent"), false).unwrap()
        };
        let mut acc = Vec::new();
        absorb(&mut acc, make("c", &["A=1", "B=2"], true), None).unwrap();
        assert!(absorb(&mut acc, make("c", &["A=1"], true), Some("create")).is_err());
        absorb(&mut acc, make("c", &["B=3", "C=4"], true), Some("merge")).unwrap();
        assert_eq!(
            acc[0].obj["data"].to_value(),
            serde_json::json!({"A": "1", "B": "3", "C": "4"})
        );
        absorb(&mut acc, make("c", &["Z=0"], false), Some("replace")).unwrap();
        assert_eq!(acc[0].obj["data"].to_value(), serde_json::json!({"Z": "0"}));
        assert!(!acc[0].generated.as_ref().unwrap().hash);
        assert!(absorb(&mut acc, make("nothere", &[], true), Some("merge")).is_err());
    }
}
