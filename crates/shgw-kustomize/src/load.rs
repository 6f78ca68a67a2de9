//! Reading files: kustomization files, multi-document YAML, the root restriction.

use crate::error::{Error, Result};
use crate::kustomization::Kustomization;
use serde_json::Value;
use std::path::{Component, Path, PathBuf};

/// The accepted kustomization file names, in lookup order.
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

fn options(yaml11: bool, strict_keys: bool) -> serde_saphyr::Options {
    let dup = if strict_keys {
        serde_saphyr::DuplicateKeyPolicy::Error
    } else {
        serde_saphyr::DuplicateKeyPolicy::LastWins
    };
    // Manifests can be large: raise the parser's safety limits well beyond the defaults.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_documents = 10_000_000;
    budget.max_events = 500_000_000;
    budget.max_nodes = 200_000_000;
    budget.max_depth = 512;
    budget.max_total_scalar_bytes = 1 << 31;
    serde_saphyr::options! {
        budget: Some(budget),
        duplicate_keys: dup,
        strict_booleans: !yaml11,
        legacy_octal_numbers: true,
        with_snippet: false,
    }
}

/// Parses a multi-document YAML text into its non-empty documents.
pub fn parse_documents(text: &str, yaml11: bool) -> Result<Vec<Value>, String> {
    let docs: Vec<Value> = serde_saphyr::from_multiple_with_options(text, options(yaml11, false))
        .map_err(|e| e.to_string())?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// Parses a resource file: duplicate keys are errors, label and annotation
/// values are turned into strings (as kustomize does).
pub fn parse_resource_documents(text: &str) -> Result<Vec<Value>, String> {
    let docs: Vec<Value> = serde_saphyr::from_multiple_with_options(text, options(false, true))
        .map_err(|e| e.to_string())?;
    let dates = unquoted_dates(text);
    Ok(docs
        .into_iter()
        .filter(|d| !d.is_null())
        .map(|mut d| {
            if !dates.is_empty() {
                convert_dates(&mut d, &dates);
            }
            d
        })
        .collect())
}

/// Plain (unquoted) `YYYY-M-D` scalars in a YAML text: kustomize reads them as
/// timestamps and prints them as RFC 3339 strings.
fn unquoted_dates(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_end();
        let value = t
            .rsplit_once(": ")
            .map(|(_, v)| v)
            .or_else(|| t.trim_start().strip_prefix("- "));
        let Some(v) = value.map(str::trim) else {
            continue;
        };
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

fn convert_dates(v: &mut Value, dates: &[String]) {
    match v {
        Value::String(s) if dates.iter().any(|d| d == s) => {
            let p: Vec<&str> = s.split('-').collect();
            *s = format!("{}-{:0>2}-{:0>2}T00:00:00Z", p[0], p[1], p[2]);
        }
        Value::Array(a) => a.iter_mut().for_each(|x| convert_dates(x, dates)),
        Value::Object(m) => m.values_mut().for_each(|x| convert_dates(x, dates)),
        _ => {}
    }
}

/// Turns scalar annotation values into strings, as kustomize does when it
/// rewrites annotations at the end of a build.
pub fn stringify_metadata_maps(doc: &mut Value) {
    let Some(Value::Object(meta)) = doc.get_mut("metadata") else {
        return;
    };
    if let Some(Value::Object(m)) = meta.get_mut("annotations") {
        for v in m.values_mut() {
            match v {
                Value::Bool(b) => *v = Value::String(b.to_string()),
                Value::Number(n) => *v = Value::String(shgw_yaml::format_number(n)),
                _ => {}
            }
        }
    }
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
    std::fs::canonicalize(&joined).unwrap_or(joined)
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
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Finds the kustomization file of a directory.
pub fn find_kustomization_file(dir: &Path) -> Result<PathBuf> {
    let found: Vec<PathBuf> = KUSTOMIZATION_FILES
        .iter()
        .map(|n| dir.join(n))
        .filter(|p| p.is_file())
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
    let Some(doc) = docs.into_iter().next() else {
        return Err(Error::msg("kustomization.yaml is empty"));
    };
    let mut k: Kustomization = serde_json::from_value(doc).map_err(|e| invalid(json_error(&e)))?;
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
    let unsupported: [(&'static str, bool); 11] = [
        ("replacements", used(&k.replacements)),
        (
            "buildMetadata",
            k.build_metadata.as_ref().is_some_and(|v| !v.is_empty()),
        ),
        ("vars", used(&k.vars)),
        ("helmCharts", used(&k.helm_charts)),
        (
            "helmChartInflationGenerator",
            used(&k.helm_chart_inflation_generator),
        ),
        ("openapi", used(&k.openapi)),
        (
            "generators",
            k.generators.as_ref().is_some_and(|v| !v.is_empty()),
        ),
        (
            "transformers",
            k.transformers.as_ref().is_some_and(|v| !v.is_empty()),
        ),
        (
            "validators",
            k.validators.as_ref().is_some_and(|v| !v.is_empty()),
        ),
        (
            "configurations",
            k.configurations.as_ref().is_some_and(|v| !v.is_empty()),
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

fn json_error(e: &serde_json::Error) -> String {
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
