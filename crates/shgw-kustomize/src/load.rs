//! Reading files: kustomization files, multi-document YAML, the root restriction.

use crate::alias::Seg;
use crate::emptyvalues::read_empty_values;
use crate::error::{Error, Result};
use crate::kustomization::Kustomization;
use crate::textfix::final_block_scalar_as_go_yaml;
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;
use std::path::{Component, Path, PathBuf};

/// The accepted kustomization file names, in lookup order.
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Parser options for a text of `len` bytes. The safety budgets grow with the input (a
/// YAML text cannot hold more documents, nodes, events or scalar bytes than a small multiple
/// of its length), so a large manifest parses while a small hostile one (an alias bomb) is
/// still stopped.
fn options(yaml11: bool, strict_keys: bool, len: usize) -> serde_saphyr::Options {
    let dup = if strict_keys {
        serde_saphyr::DuplicateKeyPolicy::Error
    } else {
        serde_saphyr::DuplicateKeyPolicy::LastWins
    };
    let scaled = |per_byte: usize, floor: usize| len.saturating_mul(per_byte).max(floor);
    let mut budget = serde_saphyr::Budget::default();
    budget.max_documents = scaled(1, 1_000);
    budget.max_events = scaled(8, 1_000_000);
    budget.max_nodes = scaled(4, 500_000);
    budget.max_depth = 512;
    budget.max_total_scalar_bytes = scaled(2, 1 << 20);
    serde_saphyr::options! {
        budget: Some(budget),
        duplicate_keys: dup,
        strict_booleans: !yaml11,
        legacy_octal_numbers: true,
        with_snippet: false,
    }
}

/// Options that read every scalar as its source text (`~` stays "~", an empty value is "").
fn text_options(len: usize) -> serde_saphyr::Options {
    let mut o = options(false, false, len);
    o.null_as_string = true;
    o
}

/// Parses a multi-document YAML text into its non-empty documents.
pub fn parse_documents(text: &str, yaml11: bool) -> Result<Vec<Value>, String> {
    let text = final_block_scalar_as_go_yaml(text);
    let docs: Vec<Value> =
        serde_saphyr::from_multiple_with_options(&text, options(yaml11, false, text.len()))
            .map_err(|e| e.to_string())?;
    let mut docs: Vec<Value> = docs.into_iter().filter(|d| !d.is_null()).collect();
    if yaml11 {
        docs.iter_mut().for_each(yaml11_bool_keys);
    }
    Ok(docs)
}

/// go-yaml v2 reads map keys such as `on`, `y` or `No` as booleans, which become the
/// JSON keys "true"/"false" (the last of equal keys wins).
fn yaml11_bool_keys(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let old = std::mem::take(m);
            for (k, mut x) in old {
                yaml11_bool_keys(&mut x);
                let key = match k.as_str() {
                    "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On"
                    | "ON" => "true".to_string(),
                    "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off"
                    | "Off" | "OFF" => "false".to_string(),
                    _ => k,
                };
                m.insert(key, x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(yaml11_bool_keys),
        _ => {}
    }
}

/// Parses a resource file: duplicate keys are errors, label and annotation
/// values are turned into strings (as kustomize does).
pub fn parse_resource_documents(text: &str) -> Result<(Vec<Value>, SourceInfo), String> {
    let text = &final_block_scalar_as_go_yaml(text);
    let mut docs: Vec<Value> =
        serde_saphyr::from_multiple_with_options(text, options(false, true, text.len()))
            .map_err(|e| e.to_string())?;
    let mut blocks = read_empty_values(text, &mut docs).into_iter();
    let (docs, empty_nulls): (Vec<Value>, Vec<Vec<Vec<Seg>>>) = docs
        .into_iter()
        .map(|d| (d, blocks.next().unwrap_or_default()))
        .filter(|(d, _)| !d.is_null())
        .unzip();
    let mut info = SourceInfo::of_docs(text, &docs);
    info.empty_nulls = empty_nulls;
    let docs = docs
        .into_iter()
        .map(|mut d| {
            convert_plain_dates(&mut d, &info.dates, false);
            d
        })
        .collect();
    Ok((docs, info))
}

/// Turns the plain dates of `doc` (found by [`unquoted_dates`] in its source text) into
/// the RFC 3339 strings kustomize prints for them. Top-level `metadata.annotations` (and
/// `metadata.labels` when `keep_labels`) are left alone: kustomize rewrites those maps
/// from their source text, so their dates stay as written.
pub fn convert_plain_dates(doc: &mut Value, dates: &[String], keep_labels: bool) {
    if dates.is_empty() {
        return;
    }
    let keep: &[&str] = if keep_labels {
        &["annotations", "labels"]
    } else {
        &["annotations"]
    };
    let mut kept = Vec::new();
    if let Some(Value::Object(meta)) = doc.get_mut("metadata") {
        for k in keep {
            if let Some(v) = meta.remove(*k) {
                kept.push((*k, v));
            }
        }
    }
    convert_dates(doc, dates);
    if let Some(Value::Object(meta)) = doc.get_mut("metadata") {
        for (k, v) in kept {
            meta.insert(k.to_string(), v);
        }
    }
}

type RawMap = IndexMap<String, String>;

/// A document's top-level `metadata.labels` and `metadata.annotations`, every value as
/// its source text.
#[derive(Debug, Default, Deserialize)]
struct RawMeta {
    #[serde(default)]
    labels: Option<RawMap>,
    #[serde(default)]
    annotations: Option<RawMap>,
}

#[derive(Debug, Default, Deserialize)]
struct RawDoc {
    #[serde(default)]
    metadata: Option<RawMeta>,
}

/// What kustomize still knows of a YAML text after parsing it: its plain dates and the
/// source text of each document's label and annotation values (kustomize's
/// `GetLabels`/`GetAnnotations` read `1_000`, `1.0` or `0755` as written).
#[derive(Debug, Default)]
pub struct SourceInfo {
    /// Plain dates (see [`unquoted_dates`]).
    pub dates: Vec<String>,
    /// Per non-empty document; empty when a document has other shapes.
    raw: Vec<RawDoc>,
    /// Per non-empty document: the places of its mapping values written with no text
    /// (see [`crate::emptyvalues`]).
    empty_nulls: Vec<Vec<Vec<Seg>>>,
}

impl SourceInfo {
    /// Reads `text` (the text [`parse_documents`] parsed).
    pub fn of(text: &str) -> Self {
        let raw = serde_saphyr::from_multiple_with_options::<Option<RawDoc>>(
            &final_block_scalar_as_go_yaml(text),
            text_options(text.len()),
        )
        .map(|docs| docs.into_iter().flatten().collect())
        .unwrap_or_default();
        SourceInfo {
            dates: unquoted_dates(text),
            raw,
            empty_nulls: Vec::new(),
        }
    }

    /// Like [`SourceInfo::of`] for the already parsed `docs` of `text`, but skips the second
    /// parse when no document has a number, a boolean or a null among its top-level label
    /// and annotation values: only those values ever need their source text.
    pub fn of_docs(text: &str, docs: &[Value]) -> Self {
        let typed = docs.iter().any(|d| {
            ["labels", "annotations"].iter().any(|f| {
                d.get("metadata")
                    .and_then(|m| m.get(*f))
                    .and_then(Value::as_object)
                    .is_some_and(|m| {
                        m.values()
                            .any(|v| matches!(v, Value::Number(_) | Value::Bool(_) | Value::Null))
                    })
            })
        });
        if typed {
            SourceInfo::of(text)
        } else {
            SourceInfo {
                dates: unquoted_dates(text),
                raw: Vec::new(),
                empty_nulls: Vec::new(),
            }
        }
    }

    /// The places of the values written with no text in document number `index`.
    pub fn empty_nulls(&self, index: usize) -> Vec<Vec<Seg>> {
        self.empty_nulls.get(index).cloned().unwrap_or_default()
    }

    /// The source text of the annotation values of document number `index`.
    pub fn raw_annotations(&self, index: usize) -> IndexMap<String, String> {
        self.raw
            .get(index)
            .and_then(|d| d.metadata.as_ref())
            .and_then(|m| m.annotations.as_ref())
            .map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }

    /// Puts the source text back into the scalar values of `metadata.<field>` of `doc`,
    /// document number `index` of the text.
    pub fn restore(&self, index: usize, doc: &mut Value, fields: &[&str]) {
        let Some(meta) = self.raw.get(index).and_then(|d| d.metadata.as_ref()) else {
            return;
        };
        for field in fields {
            let raw = match *field {
                "labels" => meta.labels.as_ref(),
                _ => meta.annotations.as_ref(),
            };
            let Some(raw) = raw else { continue };
            let Some(Value::Object(m)) = doc.get_mut("metadata").and_then(|m| m.get_mut(*field))
            else {
                continue;
            };
            for (k, v) in m.iter_mut() {
                if let (Value::Number(_) | Value::Bool(_) | Value::Null, Some(text)) =
                    (&*v, raw.get(k))
                {
                    *v = Value::String(text.clone());
                }
            }
        }
    }
}

/// Plain (unquoted) `YYYY-M-D` scalars in a YAML text: kustomize reads them as
/// timestamps and prints them as RFC 3339 strings.
pub fn unquoted_dates(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let tokens =
        text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '{' | '}' | '[' | ']'));
    for v in tokens {
        // Cheap filter first: a date is 8 to 10 characters starting with four digits.
        if !(8..=10).contains(&v.len()) || !v.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
            continue;
        }
        let parts: Vec<&str> = v.split('-').collect();
        let is_date = parts.len() == 3
            && parts[0].len() == 4
            && parts[1..].iter().all(|p| (1..=2).contains(&p.len()))
            && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
        if is_date && !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    }
    out
}

fn rfc3339(date: &str) -> String {
    let p: Vec<&str> = date.split('-').collect();
    match p.as_slice() {
        [y, m, d] => format!("{y}-{m:0>2}-{d:0>2}T00:00:00Z"),
        _ => date.to_string(),
    }
}

/// Whether `s` is one of the plain `dates` of the source as [`convert_plain_dates`] wrote
/// it (kyaml holds such a value as a timestamp, not a string).
pub fn is_converted_date(s: &str, dates: &[String]) -> bool {
    dates.iter().any(|d| rfc3339(d) == s)
}

/// Undoes [`convert_plain_dates`] in the values of a string map that kustomize reads as
/// source text (`GetDataMap`, `GetLabels`), given the plain dates of the source.
pub fn unconvert_dates(map: &mut Value, dates: &[String]) {
    if let Value::Object(m) = map {
        for v in m.values_mut() {
            if let Value::String(s) = v
                && let Some(d) = dates.iter().find(|d| rfc3339(d) == *s)
            {
                *s = d.clone();
            }
        }
    }
}

/// Turns the strings of `v` that are one of the plain `dates` into RFC 3339 strings.
pub fn convert_dates(v: &mut Value, dates: &[String]) {
    match v {
        Value::String(s) if dates.iter().any(|d| d == s) => {
            *s = rfc3339(s);
        }
        Value::Array(a) => a.iter_mut().for_each(|x| convert_dates(x, dates)),
        Value::Object(m) => m.values_mut().for_each(|x| convert_dates(x, dates)),
        _ => {}
    }
}

/// Turns the scalar values of `metadata.<field>` into strings and drops the field when
/// it is empty or null, as kustomize's `SetAnnotations`/`SetLabels` do when they rewrite
/// such a map from its source text (`null` becomes `"null"`).
pub fn restring_metadata_map(doc: &mut Value, field: &str) {
    let Some(Value::Object(meta)) = doc.get_mut("metadata") else {
        return;
    };
    match meta.get_mut(field) {
        Some(Value::Object(m)) if !m.is_empty() => {
            for v in m.values_mut() {
                match v {
                    Value::Null => *v = Value::String("null".into()),
                    Value::Bool(b) => *v = Value::String(b.to_string()),
                    Value::Number(n) => *v = Value::String(shgw_yaml::format_number(n)),
                    _ => {}
                }
            }
        }
        Some(Value::Object(_) | Value::Null) => {
            meta.remove(field);
        }
        _ => {}
    }
}

/// Rewrites `metadata.annotations` as kustomize does at the end of a build: typed
/// scalars read from a file become their source text (`raw`), others their JSON text.
pub fn stringify_annotations(doc: &mut Value, raw: &IndexMap<String, String>) {
    if let Some(Value::Object(m)) = doc
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
    {
        for (k, v) in m.iter_mut() {
            if let (Value::Number(_) | Value::Bool(_) | Value::Null, Some(text)) = (&*v, raw.get(k))
            {
                *v = Value::String(text.clone());
            }
        }
    }
    restring_metadata_map(doc, "annotations");
}

/// Whether a `resources:`/`components:` entry names a remote target: a URL, a git
/// repository (`git@host:…`, `git::…`) or a `github.com/…`-style repository path. Such an
/// entry is refused, never read as a local path.
pub fn is_remote(entry: &str) -> bool {
    let e = entry.trim();
    [
        "https://", "http://", "ssh://", "git://", "file://", "git@", "git::", "s3::", "gcs::",
    ]
    .iter()
    .any(|p| e.starts_with(p))
        || [
            "github.com/",
            "gitlab.com/",
            "bitbucket.org/",
            "dev.azure.com/",
        ]
        .iter()
        .any(|h| e.starts_with(h))
}

/// Lexically normalises a path (`.` and `..` removed).
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Resolves `entry` relative to `dir` (absolute, normalised; symlinks resolved when possible).
pub fn resolve(dir: &Path, entry: &str) -> PathBuf {
    let joined = normalize(&dir.join(entry));
    crate::fs::current().canonicalize(&joined).unwrap_or(joined)
}

/// Checks that `file` is inside `root`.
pub fn check_in_root(file: &Path, root: &Path) -> Result<()> {
    if file.starts_with(root) {
        Ok(())
    } else {
        Err(Error::OutsideRoot {
            file: file.to_path_buf(),
            root: root.to_path_buf(),
        })
    }
}

/// Reads a file as text.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = crate::fs::current()
        .read(path)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Finds the kustomization file of a directory.
pub fn find_kustomization_file(dir: &Path) -> Result<PathBuf> {
    let fs = crate::fs::current();
    let found: Vec<PathBuf> = KUSTOMIZATION_FILES
        .iter()
        .map(|n| dir.join(n))
        .filter(|p| fs.is_file(p))
        .collect();
    match found.len() {
        0 => Err(Error::NoKustomization(dir.to_path_buf())),
        1 => Ok(found.into_iter().next().unwrap_or_default()),
        _ => Err(Error::MultipleKustomizations(dir.to_path_buf())),
    }
}

/// Loads and strictly decodes the kustomization of a directory.
pub fn load_kustomization(dir: &Path) -> Result<Kustomization> {
    let file = find_kustomization_file(dir)?;
    let text = read_text(&file)?;
    let invalid = |msg: String| Error::InvalidKustomization {
        file: file.clone(),
        msg,
    };
    let docs = parse_documents(&text, true).map_err(|e| invalid(format!("yaml: {e}")))?;
    // kustomize calls a kustomization that decodes to the zero value (apart from
    // `apiVersion`/`kind`) empty; `resources: []` is not zero, `namePrefix: ""` is.
    let is_zero = |v: &Value| match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Number(n) => n.as_f64() == Some(0.0),
        _ => false,
    };
    let empty = |doc: &Value| {
        doc.as_object().is_some_and(|m| {
            m.iter()
                .all(|(k, v)| k == "apiVersion" || k == "kind" || is_zero(v))
        })
    };
    let Some(doc) = docs.into_iter().next().filter(|d| !empty(d)) else {
        return Err(Error::msg("kustomization.yaml is empty"));
    };
    let mut k: Kustomization = crate::decode::decode(doc).map_err(|e| invalid(json_error(&e)))?;
    if let Some(kind) = k.kind.as_deref() {
        if kind != "Kustomization" && kind != "Component" {
            return Err(invalid(format!(
                "kind should be Kustomization or Component, got {kind}"
            )));
        }
        if kind == "Component"
            && k.api_version
                .as_deref()
                .is_some_and(|a| a != "kustomize.config.k8s.io/v1alpha1")
        {
            return Err(Error::msg(
                "apiVersion for Component should be kustomize.config.k8s.io/v1alpha1",
            ));
        }
    }
    let used = |v: &Option<Value>| {
        v.as_ref()
            .is_some_and(|v| !(v.is_null() || v.as_array().is_some_and(Vec::is_empty)))
    };
    let unsupported: [(&'static str, bool); 4] = [
        ("helmCharts", used(&k.helm_charts)),
        (
            "helmChartInflationGenerator",
            used(&k.helm_chart_inflation_generator),
        ),
        (
            "validators",
            k.validators.as_ref().is_some_and(|v| !v.is_empty()),
        ),
        ("crds", k.crds.as_ref().is_some_and(|v| !v.is_empty())),
    ];
    if let Some((field, _)) = unsupported.iter().find(|(_, u)| *u) {
        return Err(Error::Unsupported { field, file });
    }
    if let Some(bases) = k.bases.take() {
        k.resources.get_or_insert_with(Vec::new).extend(bases);
    }
    if let Some(tags) = k.image_tags.take() {
        k.images.get_or_insert_with(Vec::new).extend(tags);
    }
    Ok(k)
}

/// A serde error in Go's `encoding/json` wording where it has one.
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    let s = e.to_string();
    if let Some(rest) = s.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return format!("json: unknown field \"{field}\"");
    }
    format!("json: {s}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn documents() {
        let docs = parse_documents("a: 0755\nb: yes\n---\n---\nc: [1]\n", false).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0]["a"], 493);
        assert_eq!(docs[0]["b"], "yes");
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
    }
}
