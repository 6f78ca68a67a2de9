//! A resource in the accumulator: the document plus kustomize's bookkeeping.

use crate::resid::ResId;
use shgw_yaml::node::{Map, Node};

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

/// Where a resource's document was first written (absolute paths; [`crate::Source`] is the
/// public form, relative to the top-level directory).
#[derive(Clone, Debug)]
pub(crate) enum Written {
    /// Object `object` of a `resources:` file (List items counted in place of the List).
    File {
        file: std::path::PathBuf,
        object: usize,
    },
    /// An entry (`configMapGenerator[0]`) of a kustomization file.
    Entry {
        kustomization: std::path::PathBuf,
        entry: String,
    },
    /// Rendered by expansion `expansion` from object `object` of a `resources:` file.
    Expansion {
        file: std::path::PathBuf,
        object: usize,
        expansion: usize,
    },
}

/// A kustomization entry that changed a resource (absolute paths; [`crate::Change`] is the
/// public form).
#[derive(Clone, Debug)]
pub(crate) struct ChangedBy {
    /// The kustomization file that lists the entry.
    pub kustomization: std::path::PathBuf,
    /// The entry (`patches[1]`).
    pub entry: String,
    /// The patch file, when the entry names one.
    pub file: Option<std::path::PathBuf>,
    /// The document of the patch text (strategic merge).
    pub document: usize,
    /// What kind of change.
    pub kind: crate::ChangeKind,
}

/// A resource being built.
#[derive(Clone, Debug)]
pub(crate) struct Resource {
    /// The document (always a mapping).
    pub obj: Node,
    /// Ids this resource had before renames, oldest first.
    pub prev_ids: Vec<ResId>,
    /// Set for generated ConfigMaps/Secrets.
    pub generated: Option<GenInfo>,
    /// Name prefixes applied, innermost first.
    pub prefixes: Vec<String>,
    /// Name suffixes applied, innermost first.
    pub suffixes: Vec<String>,
    /// Where it came from.
    pub origin: Option<Origin>,
    /// The expansion that produced it or kept it ([`Expanded`]).
    pub expansion: Option<Expanded>,
    /// Where its document was written.
    pub written: Option<Written>,
    /// The entries that changed it, in the order they ran.
    pub changes: Vec<ChangedBy>,
}

/// A resource's part in an [`crate::Expander`] hook's work: the `n`-th expansion of the build
/// (in load order) produced it, or it is the document that expansion was made from, kept in
/// the build so that transformers reach it ([`crate::Expansion::keep`]).
#[derive(Clone, Debug)]
pub(crate) enum Expanded {
    /// One of the documents the `n`-th expansion put in place of its source.
    Product(usize),
    /// The source document of the `n`-th expansion, with the patches that changed it.
    Source(usize, Vec<crate::Patched>),
}

impl Resource {
    /// Wraps a document.
    pub fn new(obj: impl Into<Node>) -> Self {
        Resource {
            obj: obj.into(),
            prev_ids: Vec::new(),
            generated: None,
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            origin: None,
            expansion: None,
            written: None,
            changes: Vec::new(),
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
    pub fn metadata_mut(&mut self) -> &mut Map {
        self.obj
            .ensure_map()
            .entry("metadata".to_string())
            .or_insert_with(Node::empty_map)
            .ensure_map()
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
            .insert("name".into(), Node::string(name));
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

/// Turns `v` into a JSON object if it is not one and returns its map.
pub(crate) fn ensure_object(
    v: &mut serde_json::Value,
) -> &mut serde_json::Map<String, serde_json::Value> {
    if !v.is_object() {
        *v = serde_json::Value::Object(serde_json::Map::new());
    }
    match v {
        serde_json::Value::Object(m) => m,
        _ => unreachable!("ensure_object: the value was just made an object"),
    }
}
