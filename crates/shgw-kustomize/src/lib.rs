//! A kustomize-compatible build engine (kustomize v5.8.1 semantics, as embedded in
//! kubectl v1.37.1).
//!
//! [`build`] renders a kustomization directory to YAML exactly as
//! `kubectl kustomize DIR` does; [`build_resources`] returns the documents instead.
//!
//! Supported: `resources` (files, multi-document files, `List`s, nested
//! kustomization directories), `components`, `namespace`, `namePrefix`/`nameSuffix`,
//! `labels`, `commonLabels`, `commonAnnotations`, `images`, `replicas`,
//! `configMapGenerator`/`secretGenerator`/`generatorOptions` (with kustomize's hash
//! suffix), name-reference fix-up, `patches`, `patchesStrategicMerge`,
//! `patchesJson6902`, `sortOptions` (legacy order by default), `configurations:` files
//! (merged into the built-in field specs, which are data: `builtin_fieldspecs.yaml`) and
//! `transformers:`/`generators:` entries that are builtin plugin configs
//! (`apiVersion: builtin`: LabelTransformer, AnnotationsTransformer,
//! PrefixSuffixTransformer, NamespaceTransformer, PatchTransformer,
//! PatchStrategicMergeTransformer, PatchJson6902Transformer, ImageTagTransformer,
//! ReplicaCountTransformer, ReplacementTransformer, HashTransformer, ConfigMapGenerator,
//! SecretGenerator), `replacements` (inline and from files), `vars` and the yaml.v2
//! output layout, `buildMetadata` (origin annotations, managed-by label), `openapi` with a
//! local schema file or the built-in version, and `crds:` definition files. Not supported (an
//! error is returned when used): transformer annotations, Helm, KRM function and exec plugins,
//! `validators`, remote resources.
//!
//! Documents are [`shgw_yaml::node::Node`]s, built once from the YAML parser's events: every
//! scalar keeps its source text, tag and style, and a node kustomize shares between fields
//! carries its identity, so each transformer reads and writes what kyaml would. The typed
//! values (kyaml's `Map()`) are what the output, JSON patches and hashes see.

mod alias;
mod build;
mod config;
mod crds;
mod decode;
mod error;
mod fieldpath;
mod fs;
mod generators;
mod hash;
mod images;
mod json6902;
pub mod kustomization;
mod labels;
mod labelselector;
mod load;
mod nameref;
mod namespace;
mod openapi;
mod order;
mod patches;
mod plugins;
mod prefix;
mod replacements;
mod replicas;
mod resid;
mod resource;
mod selector;
pub mod smp;
mod smp_keys;
mod vars;

pub use error::{Error, ErrorKind, Result};
pub use fs::{DiskFs, FileSystem, MemoryFs};
pub use resid::ResId;

use serde_json::Value;
use shgw_yaml::node::Node;
use std::path::Path;

/// Renders documents exactly as `kubectl kustomize` prints them (go-yaml v2 layout, documents
/// joined by `---`), through the workspace's `shgw-yaml` emitter.
///
/// ```
/// let docs = [serde_json::json!({"kind": "ConfigMap", "data": {"on": "yes"}})];
/// assert_eq!(shgw_kustomize::to_yaml(&docs), "data:\n  \"on\": \"yes\"\nkind: ConfigMap\n");
/// ```
pub fn to_yaml(docs: &[Value]) -> String {
    shgw_yaml::to_multi_doc(docs)
}

/// The hash kustomize appends to the name of a generated ConfigMap or Secret with this content
/// (its kind, `data`, and `binaryData` or a Secret's `type` and `stringData`; the name is not
/// part of it): ten characters that change whenever the content does.
///
/// ```
/// let cm = serde_json::json!({"kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"one": ""}});
/// assert_eq!(shgw_kustomize::content_hash(&cm), "9g67k2htb6");
/// ```
pub fn content_hash(obj: &Value) -> String {
    hash::hash_of(obj)
}

/// The error an [`Expander`] hook fails with (kept as the source of [`Error::Expand`], so
/// the caller can downcast it to its own type).
pub type ExpandError = Box<dyn std::error::Error + Send + Sync>;

/// What an [`Expander`] hook puts in place of a document.
#[derive(Debug, Default)]
pub struct Expansion {
    /// The documents that replace it.
    pub docs: Vec<Value>,
    /// Warnings about it, reported in [`Output::warnings`].
    pub warnings: Vec<String>,
    /// Keep the document itself in the build next to `docs`: every transformer of every
    /// layer reaches it like any other resource (patches that target it apply to it), it is
    /// left out of the output, and its final state is reported in [`Output::kept`].
    pub keep: bool,
}

/// A patch entry that changed a kept document ([`Expansion::keep`]): the entry, the document
/// before and after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Patched {
    /// The kustomization file and its entry (`/o/kustomization.yaml: patches[0] 'gw.yaml'`).
    pub entry: String,
    /// The document before the patch.
    pub before: Value,
    /// The document after it.
    pub after: Value,
}

/// The final state of a document an [`Expander`] hook kept ([`Expansion::keep`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// Which expansion of the build kept it: the hook's expansions counted from 0 in the order
    /// the hook made them (the order documents are loaded, which is the same in every build
    /// of the same tree).
    pub expansion: usize,
    /// The `resources:` file it was loaded from.
    pub file: std::path::PathBuf,
    /// The document as every layer left it.
    pub value: Value,
    /// The patch entries that changed it, in the order they ran.
    pub patches: Vec<Patched>,
}

/// A resource of the output that an expansion produced: where it is in
/// [`Output::resources`], which expansion made it, and its id as the hook wrote it (before any
/// rename or namespace change).
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// Its index in [`Output::resources`].
    pub index: usize,
    /// The expansion ([`Kept::expansion`] numbering).
    pub expansion: usize,
    /// Its id as the hook wrote it.
    pub original: ResId,
}

/// A hook that may replace a document loaded from a `resources:` file.
///
/// It receives the document (its nodes, so that every scalar keeps the text it was written
/// with) and the file it came from. `None` keeps the document,
/// `Some(Ok(expansion))` replaces it by `expansion.docs`, `Some(Err(e))` fails the build with
/// [`Error::Expand`].
pub type Expander =
    Box<dyn Fn(&Node, &Path) -> Option<Result<Expansion, ExpandError>> + Send + Sync>;

/// A warning raised while building, with the file it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The `resources:` file.
    pub file: std::path::PathBuf,
    /// What the hook reported.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

/// Where a resource of the output was first written ([`Provenance::source`]). Paths are
/// relative to the directory given to [`build_output`], with `/` separators (`../base/a.yaml`
/// for a base beside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Object `object` of a `resources:` file, counted from 0 in file order: every YAML
    /// document that is not empty counts once, the items of a `List` each in its place.
    File {
        /// The file.
        file: String,
        /// The object's index in it.
        object: usize,
    },
    /// A generator entry of a kustomization file (`configMapGenerator[0]`,
    /// `secretGenerator[1]`, `generators[0]` for a plugin config).
    Generator {
        /// The kustomization file.
        kustomization: String,
        /// The entry.
        entry: String,
    },
    /// Rendered by an [`Expander`] hook from object `object` of a `resources:` file (numbered
    /// as in [`Source::File`]).
    Expansion {
        /// The file of the document the hook expanded.
        file: String,
        /// That document's object index in it.
        object: usize,
        /// The expansion ([`Kept::expansion`] numbering).
        expansion: usize,
    },
}

/// What kind of kustomization entry changed a resource ([`Change::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A strategic-merge patch document (`patches`, `patchesStrategicMerge`).
    StrategicMerge,
    /// JSON 6902 operations (`patches`, `patchesJson6902`).
    Json6902,
    /// A generator entry with `behavior: merge` that merged into a generated object.
    Generator,
    /// Any other transformer entry that changed values (`images[0]`, `replicas[0]`, a
    /// `transformers:` plugin config).
    Transformer,
}

/// A kustomization entry that changed a resource ([`Provenance::changes`]). Paths as in
/// [`Source`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The kustomization file that lists the entry.
    pub kustomization: String,
    /// The entry: `patches[1]`, `patchesStrategicMerge[0]`, `patchesJson6902[0]`,
    /// `configMapGenerator[0]`, `images[0]`, `replicas[0]`, `transformers[2]`.
    pub entry: String,
    /// The patch file the entry names; `None` when the patch is written in the kustomization
    /// file itself (`patch: |-` inline, or any entry that is not a patch).
    pub file: Option<String>,
    /// The strategic-merge document of the patch text that applied (0 for the others).
    pub document: usize,
    /// What kind of entry it is.
    pub kind: ChangeKind,
}

/// Where a resource of the output came from: the file (or entry) that wrote it, and every
/// entry that changed it afterwards, in the order they ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// Where it was first written (`None` only for an object no file or entry wrote).
    pub source: Option<Source>,
    /// The entries that changed it, in order (a patch entry that selected it is listed even
    /// when it left every value as it was).
    pub changes: Vec<Change>,
}

/// The result of [`build_output`]: the resources in output order and the warnings.
#[derive(Debug, Default)]
pub struct Output {
    /// The resources, as `kubectl kustomize` would print them, in its order.
    pub resources: Vec<Value>,
    /// Warnings the [`Expander`] hook reported, in the order it reported them.
    pub warnings: Vec<Warning>,
    /// The documents the hook kept ([`Expansion::keep`]), in expansion order.
    pub kept: Vec<Kept>,
    /// The resources expansions produced, in output order.
    pub products: Vec<Product>,
    /// Where each resource came from, index for index with [`Output::resources`]. Kept as
    /// data: the printed output is exactly `kubectl kustomize`'s.
    pub provenance: Vec<Provenance>,
}

impl Output {
    /// The resources as YAML, exactly as `kubectl kustomize` prints them.
    pub fn to_yaml(&self) -> String {
        to_yaml(&self.resources)
    }
}

/// Options of a build.
#[derive(Default)]
pub struct BuildOptions {
    /// Called on every document loaded from a `resources:` file, before anything else. Each
    /// document it replaces is one expansion; expansions are counted from 0 in load order.
    pub expander: Option<Expander>,
    /// The filesystem to read (the disk when `None`), e.g. a [`MemoryFs`].
    pub fs: Option<std::sync::Arc<dyn FileSystem>>,
}

impl BuildOptions {
    /// Options with an [`Expander`] hook.
    ///
    /// ```
    /// use shgw_kustomize::{BuildOptions, Expansion};
    /// let opts = BuildOptions::with_expander(|doc, _file| {
    ///     (doc["kind"] == "Gateway").then(|| Ok(Expansion::default()))
    /// });
    /// assert!(opts.expander.is_some());
    /// ```
    pub fn with_expander<F>(f: F) -> Self
    where
        F: Fn(&Node, &Path) -> Option<Result<Expansion, ExpandError>> + Send + Sync + 'static,
    {
        BuildOptions {
            expander: Some(Box::new(f)),
            fs: None,
        }
    }
}

impl std::fmt::Debug for BuildOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuildOptions")
            .field("expander", &self.expander.is_some())
            .field("fs", &self.fs.is_some())
            .finish()
    }
}

/// Builds the kustomization in `dir`: the resources in output order and the hook's warnings.
///
/// # Errors
/// Any kustomize build error (missing files, invalid YAML, unknown fields, id
/// conflicts, patches matching nothing, ...), with its [`ErrorKind`] and entry.
pub fn build_output(dir: &Path, opts: &BuildOptions) -> Result<Output> {
    // The build recurses once per kustomization in a chain of bases or components; it runs
    // on a thread of its own whose stack holds [`MAX_DEPTH`] levels.
    let run = || fs::scoped(opts.fs.clone(), || build::build_top(dir, opts));
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .name("kustomize-build".into())
            .stack_size(BUILD_STACK)
            .spawn_scoped(scope, run)
        {
            Ok(worker) => match worker.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            // No thread to be had (a system that refuses the stack's address space): build
            // here, where only very deep chains can run out of stack.
            Err(_) => run(),
        }
    })
}

/// How many kustomizations a build may hold one inside the other (a chain of `resources:`
/// bases, `components:` or plugin directories, the top-level kustomization counting as 1).
/// kubectl builds chains of 2,000 and more; past this limit a build fails with
/// [`Error::TooDeep`] instead of running out of stack.
pub const MAX_DEPTH: usize = 5_000;

/// The stack of the build thread: room for [`MAX_DEPTH`] levels of the recursive build (about
/// thirty kilobytes each in a debug build) with a threefold margin. Only the pages used are ever
/// committed.
const BUILD_STACK: usize = 512 << 20;

/// Builds the kustomization in `dir` and returns the resources in output order.
///
/// # Errors
/// See [`build_output`].
pub fn build_resources(dir: &Path, opts: &BuildOptions) -> Result<Vec<Value>> {
    Ok(build_output(dir, opts)?.resources)
}

/// Builds the kustomization in `dir` and renders it like `kubectl kustomize`.
///
/// ```no_run
/// use shgw_kustomize::{build, BuildOptions};
/// let yaml = build(std::path::Path::new("overlays/prod"), &BuildOptions::default())?;
/// assert!(yaml.is_empty() || yaml.ends_with('\n'));
/// # Ok::<(), shgw_kustomize::Error>(())
/// ```
///
/// # Errors
/// See [`build_output`].
pub fn build(dir: &Path, opts: &BuildOptions) -> Result<String> {
    Ok(build_output(dir, opts)?.to_yaml())
}
