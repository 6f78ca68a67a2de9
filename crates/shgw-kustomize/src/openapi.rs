//! `openapi: {path: schema.json}`: a custom OpenAPI schema that replaces kustomize's built-in
//! one for strategic merges (verified with kubectl v1.37.1: with a custom schema, a
//! Deployment's `containers` list is no longer merged by name unless the schema says so).
//! Namespace scope still comes from the built-in table.

use crate::error::{Error, Result};
use crate::load::{check_entry_in_root, parse_documents, read_text, resolve};
use crate::smp::ListStrategy;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// A loaded custom schema: its definitions and which one describes each group/version/kind.
#[derive(Debug, Default)]
pub struct OpenApi {
    definitions: Map<String, Value>,
    by_gvk: HashMap<(String, String, String), String>,
}

/// The one schema version built into kustomize v5.8.1.
const BUILTIN_VERSION: &str = "v1.21.2";

/// Reads the `openapi:` field of the kustomization in `dir`: `None` for the built-in schema
/// (`version: v1.21.2`, or neither field), else the schema file `path:` names.
///
/// # Errors
/// Another built-in version, both fields, a file outside the root, a file that is not a
/// schema (kustomize's wording).
pub(crate) fn load(dir: &Path, field: &Value) -> Result<Option<Arc<OpenApi>>> {
    let text_of = |k: &str| {
        field
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let version = text_of("version");
    if version.is_some_and(|v| v != BUILTIN_VERSION) {
        return Err(Error::msg("the specified OpenAPI version is not built in"));
    }
    let Some(p) = text_of("path") else {
        return Ok(None);
    };
    if version.is_some() {
        return Err(Error::msg(
            "builtin version and custom schema provided, cannot use both",
        ));
    }
    let path = resolve(dir, p);
    check_entry_in_root(&path, dir, p)?;
    let text = read_text(&path, dir)?;
    let doc = parse_documents(&text, false)
        .map_err(|e| Error::msg(format!("openapi '{p}': {e}")))?
        .into_iter()
        .next()
        .unwrap_or_default();
    let Some(Value::Object(definitions)) = doc.get("definitions").cloned() else {
        return Err(Error::msg(format!(
            "openapi '{p}': no `definitions` in the schema"
        )));
    };
    let mut by_gvk = HashMap::new();
    for (name, def) in &definitions {
        for gvk in def
            .get("x-kubernetes-group-version-kind")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let s = |k: &str| gvk.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            by_gvk.insert((s("group"), s("version"), s("kind")), name.clone());
        }
    }
    Ok(Some(Arc::new(OpenApi {
        definitions,
        by_gvk,
    })))
}

impl OpenApi {
    fn resolve<'a>(&'a self, node: &'a Value) -> &'a Value {
        let mut cur = node;
        for _ in 0..32 {
            match cur
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/definitions/"))
                .and_then(|n| self.definitions.get(n))
            {
                Some(next) => cur = next,
                None => break,
            }
        }
        cur
    }

    /// How the list at `path` (map keys from the document root) of a resource of this
    /// group/version/kind is merged, by the schema's patch extensions.
    pub fn list_strategy(
        &self,
        group: &str,
        version: &str,
        kind: &str,
        path: &[String],
    ) -> ListStrategy {
        let key = (group.to_string(), version.to_string(), kind.to_string());
        let Some(mut node) = self.by_gvk.get(&key).and_then(|n| self.definitions.get(n)) else {
            return ListStrategy::Replace;
        };
        for step in path {
            node = self.resolve(node);
            // Lists on the way are walked into (paths name map keys only).
            while node.get("type").and_then(Value::as_str) == Some("array") {
                match node.get("items") {
                    Some(items) => node = self.resolve(items),
                    None => return ListStrategy::Replace,
                }
            }
            match node.get("properties").and_then(|p| p.get(step)) {
                Some(next) => node = next,
                None => return ListStrategy::Replace,
            }
        }
        let node = self.resolve(node);
        let text = |k: &str| node.get(k).and_then(Value::as_str).unwrap_or("");
        // Only a list whose patch strategy says `merge` is merged; its elements are matched
        // by `x-kubernetes-list-map-keys` when given, else by the patch merge key (verified
        // with kubectl v1.37.1: list-map-keys alone leave the list replaced).
        if !text("x-kubernetes-patch-strategy")
            .split(',')
            .any(|s| s.trim() == "merge")
        {
            return ListStrategy::Replace;
        }
        let map_keys: Vec<String> = node
            .get("x-kubernetes-list-map-keys")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        if !map_keys.is_empty() {
            return ListStrategy::Keys(map_keys);
        }
        match text("x-kubernetes-patch-merge-key") {
            "" => ListStrategy::Primitive,
            key => ListStrategy::Keys(vec![key.to_string()]),
        }
    }
}
