//! The `kustomization.yaml` file format (strictly decoded, like kustomize).

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

/// A parsed `kustomization.yaml` (or a `Component`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Kustomization {
    /// `apiVersion` (`kustomize.config.k8s.io/v1beta1`, or `v1alpha1` for a Component).
    pub api_version: Option<String>,
    /// `Kustomization` or `Component`.
    pub kind: Option<String>,
    /// `metadata` (ignored).
    #[serde(rename = "metadata")]
    pub meta_data: Option<Value>,
    /// `openapi: {path: schema}`: a custom schema for strategic merges (replaces the built-in one).
    #[serde(rename = "openapi")]
    pub openapi: Option<Value>,
    /// `namePrefix`.
    pub name_prefix: Option<String>,
    /// `nameSuffix`.
    pub name_suffix: Option<String>,
    /// `namespace`.
    pub namespace: Option<String>,
    /// `commonLabels` (deprecated; also sets selectors).
    #[serde(default, deserialize_with = "nullable_map")]
    pub common_labels: Option<IndexMap<String, String>>,
    /// `labels` entries.
    pub labels: Option<Vec<Label>>,
    /// `commonAnnotations`.
    #[serde(default, deserialize_with = "nullable_map")]
    pub common_annotations: Option<IndexMap<String, String>>,
    /// `patchesStrategicMerge` (deprecated): inline patches or file paths.
    pub patches_strategic_merge: Option<Vec<String>>,
    /// `patchesJson6902` (deprecated).
    pub patches_json6902: Option<Vec<Patch>>,
    /// `patches`.
    pub patches: Option<Vec<Patch>>,
    /// `images`.
    pub images: Option<Vec<Image>>,
    /// `imageTags` (deprecated alias of `images`).
    pub image_tags: Option<Vec<Image>>,
    /// `replacements`: inline, or `path:` entries naming files of replacements.
    pub replacements: Option<Vec<Replacement>>,
    /// `replicas`.
    pub replicas: Option<Vec<Replica>>,
    /// `vars` (deprecated): values substituted for `$(NAME)` in the varReference fields.
    pub vars: Option<Vec<Var>>,
    /// `sortOptions`.
    pub sort_options: Option<SortOptions>,
    /// `resources`: files and kustomization directories.
    pub resources: Option<Vec<String>>,
    /// `components`: Component directories.
    pub components: Option<Vec<String>>,
    /// `crds`: OpenAPI definition files of custom types (see `crds.rs`).
    pub crds: Option<Vec<String>>,
    /// `bases` (deprecated alias of `resources`).
    pub bases: Option<Vec<String>>,
    /// `configMapGenerator`.
    pub config_map_generator: Option<Vec<GeneratorArgs>>,
    /// `secretGenerator`.
    pub secret_generator: Option<Vec<GeneratorArgs>>,
    /// `helmGlobals` (unsupported).
    pub helm_globals: Option<Value>,
    /// `helmCharts` (unsupported).
    pub helm_charts: Option<Value>,
    /// `helmChartInflationGenerator` (unsupported).
    pub helm_chart_inflation_generator: Option<Value>,
    /// `generatorOptions` for the generators of this kustomization.
    pub generator_options: Option<GeneratorOptions>,
    /// `configurations` (unsupported).
    pub configurations: Option<Vec<String>>,
    /// `generators` plugins (unsupported).
    pub generators: Option<Vec<String>>,
    /// `transformers` plugins (unsupported).
    pub transformers: Option<Vec<String>>,
    /// `validators` plugins (unsupported).
    pub validators: Option<Vec<String>>,
    /// `buildMetadata` of the top-level kustomization: `originAnnotations`, `managedByLabel`
    /// (`transformerAnnotations` is refused rather than silently ignored).
    pub build_metadata: Option<Vec<String>>,
}

/// A `labels:` entry.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Label {
    /// The labels to set.
    #[serde(default, deserialize_with = "nullable_map")]
    pub pairs: Option<IndexMap<String, String>>,
    /// Also set selectors and templates (like `commonLabels`).
    #[serde(default)]
    pub include_selectors: bool,
    /// Also set pod-template labels.
    #[serde(default)]
    pub include_templates: bool,
    /// Extra field specs.
    pub fields: Option<Vec<FieldSpec>>,
}

/// A field spec: a `/`-separated path with an optional GVK filter.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FieldSpec {
    /// API group filter (empty: any).
    #[serde(default)]
    pub group: String,
    /// API version filter (empty: any).
    #[serde(default)]
    pub version: String,
    /// Kind filter (empty: any).
    #[serde(default)]
    pub kind: String,
    /// `/`-separated field path (`[]` marks a sequence).
    #[serde(default)]
    pub path: String,
    /// Create the field when missing.
    #[serde(default)]
    pub create: bool,
}

/// A patch selector.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Selector {
    /// API group filter (empty: any).
    pub group: Option<String>,
    /// API version filter (empty: any).
    pub version: Option<String>,
    /// Kind filter (empty: any).
    pub kind: Option<String>,
    /// Name (a regular expression in selectors).
    pub name: Option<String>,
    /// Namespace.
    pub namespace: Option<String>,
    /// Kubernetes label selector.
    pub label_selector: Option<String>,
    /// Kubernetes-style selector over annotations.
    pub annotation_selector: Option<String>,
}

/// A `patches:` (or `patchesJson6902:`) entry.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Patch {
    /// Patch file path.
    pub path: Option<String>,
    /// Inline patch text.
    pub patch: Option<String>,
    /// Which resources to patch.
    pub target: Option<Selector>,
    /// `allowNameChange` / `allowKindChange`.
    pub options: Option<PatchOptions>,
}

/// `options` of a `patches:` entry (any other key is an error, as in kubectl).
#[derive(Debug, Default, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PatchOptions {
    /// A strategic-merge patch may rename its target.
    #[serde(default)]
    pub allow_name_change: bool,
    /// A strategic-merge patch may change its target's kind.
    #[serde(default)]
    pub allow_kind_change: bool,
}

/// An `images:` entry.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Image {
    /// Image name to match (a regular expression).
    #[serde(default)]
    pub name: String,
    /// Replacement image name.
    pub new_name: Option<String>,
    /// Replacement tag.
    pub new_tag: Option<String>,
    /// Replacement digest (`sha256:...`).
    pub digest: Option<String>,
    /// Suffix appended to the tag.
    pub tag_suffix: Option<String>,
}

/// A `replicas:` entry.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Replica {
    /// Name of the workload (current or previous).
    #[serde(default)]
    pub name: String,
    /// Replica count.
    #[serde(default)]
    pub count: i64,
}

/// A `replacements:` entry: copy a field of one resource into fields of others.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Replacement {
    /// A file holding one replacement or a list of them (instead of an inline one).
    pub path: Option<String>,
    /// Where the value comes from.
    pub source: Option<ReplacementSource>,
    /// Where it goes.
    pub targets: Option<Vec<ReplacementTarget>>,
}

/// `replacements[].source`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReplacementSource {
    /// API group.
    pub group: Option<String>,
    /// API version.
    pub version: Option<String>,
    /// Kind.
    pub kind: Option<String>,
    /// Name (current or previous).
    pub name: Option<String>,
    /// Namespace.
    pub namespace: Option<String>,
    /// The field to copy (default `metadata.name`).
    pub field_path: Option<String>,
    /// How to read the field.
    pub options: Option<FieldOptions>,
}

/// A resource selector of a replacement target (`select` / `reject`).
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReplacementSelector {
    /// API group.
    pub group: Option<String>,
    /// API version.
    pub version: Option<String>,
    /// Kind.
    pub kind: Option<String>,
    /// Name (current or previous).
    pub name: Option<String>,
    /// Namespace.
    pub namespace: Option<String>,
    /// Kubernetes label selector.
    pub label_selector: Option<String>,
    /// Kubernetes-style selector over annotations.
    pub annotation_selector: Option<String>,
}

/// `replacements[].targets[]`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReplacementTarget {
    /// Resources to write to.
    pub select: Option<ReplacementSelector>,
    /// Resources among them to leave alone.
    pub reject: Option<Vec<ReplacementSelector>>,
    /// Fields to write.
    pub field_paths: Option<Vec<String>>,
    /// How to write them.
    pub options: Option<FieldOptions>,
}

/// `options` of a replacement source or target.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FieldOptions {
    /// Split the value at this delimiter.
    pub delimiter: Option<String>,
    /// Which part of the split value.
    #[serde(default)]
    pub index: i64,
    /// Create missing target fields.
    #[serde(default)]
    pub create: bool,
}

/// A `vars:` entry.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Var {
    /// The name used as `$(NAME)`.
    #[serde(default)]
    pub name: String,
    /// The resource the value comes from.
    #[serde(default)]
    pub objref: VarObjRef,
    /// The field of that resource (default `metadata.name`).
    pub fieldref: Option<VarFieldRef>,
}

/// `vars[].objref`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VarObjRef {
    /// `group/version` of the resource.
    pub api_version: Option<String>,
    /// API group.
    pub group: Option<String>,
    /// API version.
    pub version: Option<String>,
    /// Kind.
    pub kind: Option<String>,
    /// Name (current or previous).
    pub name: Option<String>,
    /// Namespace.
    pub namespace: Option<String>,
}

/// `vars[].fieldref`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct VarFieldRef {
    /// Dotted path of the field (`spec.ports[0].port`).
    #[serde(default)]
    pub fieldpath: String,
}

/// `sortOptions`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SortOptions {
    /// `legacy` or `fifo`.
    pub order: Option<String>,
    /// Kind order for the legacy sort.
    pub legacy_sort_options: Option<LegacySortOptions>,
}

/// `sortOptions.legacySortOptions`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LegacySortOptions {
    /// Kinds sorted first.
    pub order_first: Option<Vec<String>>,
    /// Kinds sorted last.
    pub order_last: Option<Vec<String>>,
}

/// A `configMapGenerator` / `secretGenerator` entry.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GeneratorArgs {
    /// Name of the generated object.
    pub name: Option<String>,
    /// Namespace.
    pub namespace: Option<String>,
    /// `create` (default), `merge` or `replace`.
    pub behavior: Option<String>,
    /// `KEY=VALUE` literals.
    pub literals: Option<Vec<String>>,
    /// Files (`path` or `key=path`).
    pub files: Option<Vec<String>>,
    /// Env files.
    pub envs: Option<Vec<String>>,
    /// Deprecated single env file.
    pub env: Option<String>,
    /// Per-generator options.
    pub options: Option<GeneratorOptions>,
    /// Secret type (default `Opaque`).
    #[serde(rename = "type")]
    pub type_: Option<String>,
}

/// `generatorOptions` (global or per generator).
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GeneratorOptions {
    /// Labels to add.
    #[serde(default, deserialize_with = "nullable_map")]
    pub labels: Option<IndexMap<String, String>>,
    /// Annotations to add.
    #[serde(default, deserialize_with = "nullable_map")]
    pub annotations: Option<IndexMap<String, String>>,
    /// Do not append the content hash to the name.
    #[serde(default)]
    pub disable_name_suffix_hash: bool,
    /// Set `immutable: true`.
    #[serde(default)]
    pub immutable: bool,
}

/// A `map[string]string` as Go decodes it: `null` values become `""`.
pub(crate) fn nullable_map<'de, D>(d: D) -> Result<Option<IndexMap<String, String>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let m: Option<IndexMap<String, Option<String>>> = Option::deserialize(d)?;
    Ok(m.map(|m| {
        m.into_iter()
            .map(|(k, v)| (k, v.unwrap_or_default()))
            .collect()
    }))
}

impl Kustomization {
    /// Whether this is a `Component`.
    pub fn is_component(&self) -> bool {
        self.kind.as_deref() == Some("Component")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_field_rejected() {
        let r: Result<Kustomization, _> = serde_json::from_value(json!({"unknownField": 1}));
        assert!(r.unwrap_err().to_string().contains("unknownField"));
        let k: Kustomization = serde_json::from_value(json!({"namePrefix": "p-"})).unwrap();
        assert_eq!(k.name_prefix.as_deref(), Some("p-"));
    }
}
