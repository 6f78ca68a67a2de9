//! Field specs: which fields of which kinds each built-in transformer writes.
//!
//! The built-in ones are data (`builtin_fieldspecs.yaml`, kustomize's
//! `builtinpluginconsts`); a kustomization's `configurations:` files have the same format
//! and are merged into them, and a kustomization's configuration (its own files and those
//! of every kustomization it includes) is what its transformers use (verified with
//! kubectl v1.37.1: a base's `configurations:` apply to an overlay's transformers).

use crate::error::{Error, Result};
use crate::kustomization::{FieldSpec, Var};
use crate::load::{check_entry_in_root, json_error, parse_documents, read_text, resolve};
use serde::Deserialize;
use std::path::Path;
use std::sync::LazyLock;

/// The field specs of kustomize v5.8.1's built-in transformers.
const BUILTIN: &str = include_str!("builtin_fieldspecs.yaml");

/// A name reference: fields (`field_specs`) that hold the name of a resource of `kind`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct NameBackRef {
    /// Group of the referenced kind.
    #[serde(default)]
    pub group: String,
    /// Version of the referenced kind.
    #[serde(default)]
    pub version: String,
    /// The referenced kind.
    #[serde(default)]
    pub kind: String,
    /// The referring fields.
    #[serde(default)]
    pub field_specs: Vec<FieldSpec>,
}

/// kustomize's `TransformerConfig`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct TransformerConfig {
    /// Fields `namePrefix` writes.
    #[serde(default)]
    pub name_prefix: Vec<FieldSpec>,
    /// Fields `nameSuffix` writes.
    #[serde(default)]
    pub name_suffix: Vec<FieldSpec>,
    /// Fields `namespace` writes.
    #[serde(default)]
    pub namespace: Vec<FieldSpec>,
    /// Fields `commonLabels` (and `labels` with `includeSelectors`) write.
    #[serde(default)]
    pub common_labels: Vec<FieldSpec>,
    /// Fields `labels` with `includeTemplates` writes.
    #[serde(default)]
    pub template_labels: Vec<FieldSpec>,
    /// Fields `commonAnnotations` writes.
    #[serde(default)]
    pub common_annotations: Vec<FieldSpec>,
    /// Fields holding names of other resources.
    #[serde(default)]
    pub name_reference: Vec<NameBackRef>,
    /// Fields where `$(VAR)` is substituted (vars are not supported).
    #[serde(default)]
    pub var_reference: Vec<FieldSpec>,
    /// Fields holding container images.
    #[serde(default)]
    pub images: Vec<FieldSpec>,
    /// Fields holding replica counts.
    #[serde(default)]
    pub replicas: Vec<FieldSpec>,
    /// The `vars:` of the kustomizations merged so far (kustomize's accumulator keeps them
    /// beside the configuration; never read from a configuration file).
    #[serde(skip)]
    pub vars: Vec<Var>,
}

static BUILTIN_CONFIG: LazyLock<Result<TransformerConfig>> = LazyLock::new(|| {
    let docs = parse_documents(BUILTIN, false).map_err(|e| Error::msg(e.to_string()))?;
    let doc = docs.into_iter().next().unwrap_or_default();
    serde_json::from_value(doc).map_err(|e| Error::msg(e.to_string()))
});

/// The built-in configuration.
pub(crate) fn builtin() -> Result<TransformerConfig> {
    BUILTIN_CONFIG
        .as_ref()
        .cloned()
        .map_err(|e| Error::msg(format!("built-in field specs: {e}")))
}

impl TransformerConfig {
    /// Merges `other` into `self` (kustomize's `TransformerConfig.Merge`).
    pub fn merge(&mut self, other: &TransformerConfig) -> Result<()> {
        let pairs = [
            ("NamePrefix", &mut self.name_prefix, &other.name_prefix),
            ("NameSuffix", &mut self.name_suffix, &other.name_suffix),
            ("NameSpace", &mut self.namespace, &other.namespace),
            (
                "CommonLabels",
                &mut self.common_labels,
                &other.common_labels,
            ),
            (
                "TemplateLabels",
                &mut self.template_labels,
                &other.template_labels,
            ),
            (
                "CommonAnnotations",
                &mut self.common_annotations,
                &other.common_annotations,
            ),
            (
                "VarReference",
                &mut self.var_reference,
                &other.var_reference,
            ),
            ("Images", &mut self.images, &other.images),
            ("Replicas", &mut self.replicas, &other.replicas),
        ];
        for (name, mine, theirs) in pairs {
            merge_all(mine, theirs)
                .map_err(|e| Error::msg(format!("failed to merge {name} fieldSpec: {e}")))?;
        }
        crate::vars::collect(&mut self.vars, &other.vars)?;
        for b in &other.name_reference {
            match self
                .name_reference
                .iter_mut()
                .find(|s| s.group == b.group && s.version == b.version && s.kind == b.kind)
            {
                Some(s) => merge_all(&mut s.field_specs, &b.field_specs).map_err(|e| {
                    Error::msg(format!("failed to merge NameReference fieldSpec: {e}"))
                })?,
                None => self.name_reference.push(b.clone()),
            }
        }
        Ok(())
    }

    /// Reads the `configurations:` files of the kustomization in `dir` into `self`. As in
    /// kustomize (`MakeTransformerConfig`), the files are merged in order, then the
    /// configuration so far is merged into theirs: a built-in spec that selects a file's spec
    /// on the same path gives way to it, or conflicts when their `create` differ (verified
    /// with kubectl v1.37.1).
    pub fn load_files(&mut self, dir: &Path, files: &[String]) -> Result<()> {
        if files.is_empty() {
            return Ok(());
        }
        let mut custom = TransformerConfig::default();
        for (i, f) in files.iter().enumerate() {
            let path = resolve(dir, f);
            check_entry_in_root(&path, dir, f)?;
            let at = |msg: String| {
                Error::msg(format!(
                    "configurations[{i}] '{f}' ({}): {msg}",
                    path.display()
                ))
            };
            let text = read_text(&path, dir)?;
            let docs = parse_documents(&text, true).map_err(|e| at(e.to_string()))?;
            let doc = docs.into_iter().next().unwrap_or_default();
            let cfg: TransformerConfig = crate::decode::decode(doc).map_err(|e| {
                at(format!(
                    "error unmarshaling JSON: while decoding JSON: {}",
                    json_error(&e)
                ))
            })?;
            custom.merge(&cfg).map_err(|e| at(e.to_string()))?;
        }
        custom
            .merge(self)
            .map_err(|e| Error::msg(format!("merging config: {e}")))?;
        *self = custom;
        Ok(())
    }
}

/// kustomize's `FsSlice.MergeAll`: each of `more` is skipped when a spec with its path
/// already exists whose group/version/kind it selects (empty fields are wildcards), an
/// error when that spec's `create` differs, and appended otherwise.
///
/// # Errors
/// kustomize's "conflicting fieldspecs".
pub(crate) fn merge_all(specs: &mut Vec<FieldSpec>, more: &[FieldSpec]) -> Result<()> {
    for x in more {
        let selects = |s: &FieldSpec| {
            s.path == x.path
                && (x.group.is_empty() || x.group == s.group)
                && (x.version.is_empty() || x.version == s.version)
                && (x.kind.is_empty() || x.kind == s.kind)
        };
        match specs.iter().find(|s| selects(s)) {
            Some(s) if s.create != x.create => {
                return Err(Error::msg("conflicting fieldspecs"));
            }
            Some(_) => {}
            None => specs.push(x.clone()),
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn builtin_specs_parse() {
        let c = builtin().unwrap();
        assert_eq!(c.common_labels[0].path, "metadata/labels");
        assert!(c.name_reference.iter().any(|b| b.kind == "ConfigMap"));
        assert_eq!(c.replicas.len(), 4);
    }
}
