//! `crds:` files: OpenAPI definitions of custom types whose `x-kubernetes-*` extensions add
//! field specs to the configuration, as kustomize v5.8.1's `LoadConfigFromCRDs` reads them.
//!
//! Each file maps a type name (`github.com/example/apis/v1.MyKind`: the kind is the text after
//! the last dot) to a definition whose `Schema` lists `properties`. A type that has `kind`,
//! `apiVersion` and `metadata` properties is walked, following `$ref`s to the other types of
//! the file, and a property carrying
//! - `x-kubernetes-annotation` becomes a `commonAnnotations` field spec,
//! - `x-kubernetes-label-selector` a `commonLabels` field spec,
//! - `x-kubernetes-object-ref-kind` with `x-kubernetes-object-ref-api-version` a name
//!   reference to that kind, at the property's `x-kubernetes-object-ref-name-key` (default
//!   `name`),
//! - `x-kubernetes-identity` a `namePrefix` field spec (not a `nameSuffix` one),
//!
//! each for that kind only and never created.

use crate::config::{NameBackRef, TransformerConfig};
use crate::error::{Error, Result};
use crate::kustomization::FieldSpec;
use crate::load::{check_entry_in_root, parse_documents, read_text, resolve};
use serde_json::{Map, Value};
use std::path::Path;

/// How deep `$ref`s are followed (a type that refers to itself would otherwise never end).
const MAX_REF_DEPTH: usize = 64;

/// The configuration the `crds:` files of the kustomization in `dir` add.
///
/// # Errors
/// A file outside the root or unreadable, a file that is not a map of definitions.
pub(crate) fn load(dir: &Path, files: &[String]) -> Result<TransformerConfig> {
    let mut out = TransformerConfig::default();
    for (i, f) in files.iter().enumerate() {
        let path = resolve(dir, f);
        check_entry_in_root(&path, dir, f)?;
        let at = |msg: String| Error::msg(format!("crds[{i}] '{f}': {msg}"));
        let text = read_text(&path, dir)?;
        let doc = parse_documents(&text, true)
            .map_err(|e| {
                at(format!(
                    "unable to parse open API definition from '{f}': {e}"
                ))
            })?
            .into_iter()
            .next()
            .unwrap_or_default();
        let Value::Object(types) = doc else {
            return Err(at(format!(
                "unable to parse open API definition from '{f}': not a map of definitions"
            )));
        };
        out.merge(&file_config(&types).map_err(|e| at(e.to_string()))?)?;
    }
    Ok(out)
}

/// The configuration one file's definitions add.
fn file_config(types: &Map<String, Value>) -> Result<TransformerConfig> {
    let mut cfg = TransformerConfig::default();
    for name in types.keys() {
        let props = properties(types, name);
        if !["kind", "apiVersion", "metadata"]
            .iter()
            .all(|p| props.is_some_and(|m| m.contains_key(*p)))
        {
            continue;
        }
        let kind = name.rsplit('.').next().unwrap_or_default();
        walk(&mut cfg, kind, types, name, &mut Vec::new())?;
    }
    Ok(cfg)
}

/// The `properties` of the type `name` (under its `Schema`, whose key Go matches
/// case-insensitively).
fn properties<'a>(types: &'a Map<String, Value>, name: &str) -> Option<&'a Map<String, Value>> {
    let def = types.get(name)?.as_object()?;
    let schema = def
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("schema"))?
        .1;
    schema.get("properties")?.as_object()
}

/// A string-valued extension of a property (go-openapi keeps extension keys lowercased).
fn extension<'a>(property: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    property
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .and_then(|(_, v)| v.as_str())
}

/// Adds the field specs of the properties of type `name`, found at `path` in resources of
/// `kind`.
fn walk(
    cfg: &mut TransformerConfig,
    kind: &str,
    types: &Map<String, Value>,
    name: &str,
    path: &mut Vec<String>,
) -> Result<()> {
    if path.len() > MAX_REF_DEPTH {
        return Ok(());
    }
    let Some(props) = properties(types, name) else {
        return Ok(());
    };
    for (prop, schema) in props {
        let Some(schema) = schema.as_object() else {
            continue;
        };
        path.push(prop.clone());
        let spec = |path: &[String]| FieldSpec {
            kind: kind.to_string(),
            path: path.join("/"),
            ..FieldSpec::default()
        };
        if extension(schema, "x-kubernetes-annotation").is_some() {
            cfg.common_annotations.push(spec(path));
        }
        if extension(schema, "x-kubernetes-label-selector").is_some() {
            cfg.common_labels.push(spec(path));
        }
        if extension(schema, "x-kubernetes-identity").is_some() {
            crate::config::merge_all(&mut cfg.name_prefix, &[spec(path)])?;
        }
        if let (Some(version), Some(ref_kind)) = (
            extension(schema, "x-kubernetes-object-ref-api-version"),
            extension(schema, "x-kubernetes-object-ref-kind"),
        ) {
            let key = extension(schema, "x-kubernetes-object-ref-name-key").unwrap_or("name");
            let mut at = path.clone();
            at.push(key.to_string());
            add_name_reference(cfg, ref_kind, version, spec(&at));
        }
        if let Some(r) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .filter(|r| !r.is_empty())
        {
            walk(cfg, kind, types, r, path)?;
        }
        path.pop();
    }
    Ok(())
}

/// Adds a field holding the name of a `kind`/`version` object.
fn add_name_reference(cfg: &mut TransformerConfig, kind: &str, version: &str, spec: FieldSpec) {
    match cfg
        .name_reference
        .iter_mut()
        .find(|b| b.kind == kind && b.version == version && b.group.is_empty())
    {
        Some(b) => b.field_specs.push(spec),
        None => cfg.name_reference.push(NameBackRef {
            kind: kind.to_string(),
            version: version.to_string(),
            field_specs: vec![spec],
            ..NameBackRef::default()
        }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn extensions_become_field_specs() {
        let types = json!({
            "example.com/v1.MyKind": {"Schema": {"properties": {
                "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                "metadata": {"$ref": "meta.ObjectMeta"},
                "spec": {"$ref": "example.com/v1.MyKindSpec"}
            }}},
            "example.com/v1.MyKindSpec": {"Schema": {"properties": {
                "secretRef": {"x-kubernetes-object-ref-api-version": "v1",
                              "x-kubernetes-object-ref-kind": "Secret"},
                "selectors": {"x-kubernetes-label-selector": ""},
                "notes": {"X-Kubernetes-Annotation": ""}
            }}}
        });
        let cfg = file_config(types.as_object().unwrap()).unwrap();
        assert_eq!(cfg.common_labels[0].path, "spec/selectors");
        assert_eq!(cfg.common_labels[0].kind, "MyKind");
        assert_eq!(cfg.common_annotations[0].path, "spec/notes");
        assert_eq!(cfg.name_reference[0].kind, "Secret");
        assert_eq!(
            cfg.name_reference[0].field_specs[0].path,
            "spec/secretRef/name"
        );
    }
}
