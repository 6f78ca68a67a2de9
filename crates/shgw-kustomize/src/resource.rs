//! A resource in the accumulator: the document plus kustomize's bookkeeping.

use crate::alias::{AliasGroup, Seg};
use crate::resid::ResId;
use indexmap::IndexMap;
use serde_json::{Map, Value};

/// How a generated resource may be absorbed by later generators.
#[derive(Clone, Debug, Default)]
pub(crate) struct GenInfo {
    /// Whether the name wants a content hash suffix.
    pub hash: bool,
}

/// Where a resource came from (kustomize's `config.kubernetes.io/origin`).
#[derive(Clone, Debug)]
pub(crate) enum Origin {
    /// A `resources:` file (absolute path).
    File(std::path::PathBuf),
    /// A generator of a kustomization file (absolute path).
    Generator {
        /// The kustomization file.
        kustomization: std::path::PathBuf,
        /// `ConfigMapGenerator` or `SecretGenerator`.
        kind: &'static str,
    },
    /// A transformer of a kustomization file that rewrote the resource's annotations.
    Transformer {
        /// The kustomization file.
        kustomization: std::path::PathBuf,
        /// The builtin transformer (`PatchTransformer`, ...).
        kind: &'static str,
    },
}

/// A resource being built.
#[derive(Clone, Debug)]
pub(crate) struct Resource {
    /// The document (always a JSON object).
    pub obj: Value,
    /// Ids this resource had before renames, oldest first.
    pub prev_ids: Vec<ResId>,
    /// Set for generated ConfigMaps/Secrets.
    pub generated: Option<GenInfo>,
    /// Name prefixes applied, innermost first.
    pub prefixes: Vec<String>,
    /// Name suffixes applied, innermost first.
    pub suffixes: Vec<String>,
    /// Fields sharing one YAML node in kustomize (see [`crate::alias`]).
    pub aliases: Vec<AliasGroup>,
    /// Source text of typed (non-string) top-level annotation values, which kustomize
    /// prints as written (`1.0`, `0755`) unless a JSON patch re-created them.
    pub raw_annotations: IndexMap<String, String>,
    /// The plain dates of the source file, read as RFC 3339 timestamps everywhere but
    /// where kustomize reads a map as source text (see [`crate::load::unconvert_dates`]).
    pub plain_dates: Vec<String>,
    /// The places of mapping values the source wrote with no text (`key:`), which a
    /// strategic merge drops (see [`crate::emptyvalues`]).
    pub empty_nulls: Vec<Vec<Seg>>,
    /// Where it came from.
    pub origin: Option<Origin>,
}

impl Resource {
    /// Wraps a document.
    pub fn new(obj: Value) -> Self {
        Resource {
            obj,
            prev_ids: Vec::new(),
            generated: None,
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            aliases: Vec::new(),
            raw_annotations: IndexMap::new(),
            plain_dates: Vec::new(),
            empty_nulls: Vec::new(),
            origin: None,
        }
    }

    /// The current id.
    pub fn id(&self) -> ResId {
        ResId::of(&self.obj)
    }

    /// The original id (before any rename).
    pub fn orig_id(&self) -> ResId {
        self.prev_ids.first().cloned().unwrap_or_else(|| self.id())
    }

    /// Whether the current or any previous id equals `id`.
    pub fn matches_any_id(&self, id: &ResId) -> bool {
        self.id().same_as(id) || self.prev_ids.iter().any(|p| p.same_as(id))
    }

    /// The kind.
    pub fn kind(&self) -> String {
        self.id().kind
    }

    /// Mutable `metadata` map, created if absent.
    pub fn metadata_mut(&mut self) -> &mut Map<String, Value> {
        let obj = ensure_object(&mut self.obj);
        ensure_object(
            obj.entry("metadata")
                .or_insert_with(|| Value::Object(Map::new())),
        )
    }

    /// Records the current id as a previous id (kustomize's `StorePreviousId`).
    pub fn store_prev_id(&mut self) {
        let id = self.id();
        self.prev_ids.push(id);
    }

    /// Renames the resource, recording the old id.
    pub fn set_name(&mut self, name: &str) {
        let old = self.id();
        if old.name == name {
            return;
        }
        self.prev_ids.push(old);
        self.metadata_mut()
            .insert("name".into(), Value::String(name.to_string()));
    }

    /// Reads an annotation.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.obj
            .get("metadata")?
            .get("annotations")?
            .get(key)?
            .as_str()
    }
}

/// Turns `v` into an object if it is not one and returns its map.
pub(crate) fn ensure_object(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(m) => m,
        // Not reachable: `v` was just made an object.
        _ => Box::leak(Box::new(Map::new())),
    }
}
