//! `transformers:` and `generators:` entries that are builtin plugin configs
//! (`apiVersion: builtin`), run as kubectl runs them, with no plugin flag.
//!
//! An entry is a file of plugin configs (one per document), a kustomization directory
//! whose output is plugin configs, or an inline YAML config. KRM function and exec plugins
//! are refused with an error naming the entry.

use crate::error::{Error, Result};
use crate::kustomization::{
    FieldSpec, GeneratorArgs, GeneratorOptions, Image, Patch, Replacement, Replica, Selector,
    nullable_map,
};
use crate::load::{
    check_entry_in_root, find_kustomization_file, parse_documents, read_text, resolve,
};
use crate::openapi::OpenApi;
use crate::resource::Resource;
use crate::{generators, images, labels, namespace, patches, prefix, replicas};
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

/// `metadata` of a plugin config.
#[derive(Debug, Default, Deserialize)]
struct Meta {
    #[serde(default)]
    name: String,
    #[serde(default)]
    namespace: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MapConfig {
    #[serde(default, deserialize_with = "nullable_map")]
    labels: Option<IndexMap<String, String>>,
    #[serde(default, deserialize_with = "nullable_map")]
    annotations: Option<IndexMap<String, String>>,
    #[serde(default)]
    field_specs: Vec<FieldSpec>,
}

/// `PrefixTransformer`, `SuffixTransformer` and `PrefixSuffixTransformer` (which runs the
/// first two in turn): kustomize refuses a config without `fieldSpecs` (an empty list is
/// fine).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PrefixSuffixConfig {
    #[serde(default)]
    prefix: String,
    #[serde(default)]
    suffix: String,
    #[serde(default)]
    field_specs: Option<Vec<FieldSpec>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NamespaceConfig {
    #[serde(default)]
    metadata: Meta,
    #[serde(default)]
    field_specs: Vec<FieldSpec>,
    #[serde(default)]
    unset_only: bool,
    #[serde(default)]
    set_role_binding_subjects: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PatchConfig {
    path: Option<String>,
    patch: Option<String>,
    target: Option<Selector>,
    options: Option<crate::kustomization::PatchOptions>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SmpConfig {
    #[serde(default)]
    paths: Vec<String>,
    patches: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonConfig {
    target: Option<Selector>,
    path: Option<String>,
    json_op: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ImageConfig {
    #[serde(default)]
    image_tag: Image,
    #[serde(default)]
    field_specs: Vec<FieldSpec>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReplicaConfig {
    #[serde(default)]
    replica: Replica,
    #[serde(default)]
    field_specs: Vec<FieldSpec>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReplacementConfig {
    #[serde(default)]
    replacements: Vec<Replacement>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GeneratorConfig {
    #[serde(default)]
    metadata: Meta,
    behavior: Option<String>,
    literals: Option<Vec<String>>,
    files: Option<Vec<String>>,
    envs: Option<Vec<String>>,
    env: Option<String>,
    options: Option<GeneratorOptions>,
    #[serde(rename = "type")]
    type_: Option<String>,
}

/// Which list an entry comes from (for messages and what it may hold).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Generators,
    Transformers,
}

impl Stage {
    fn field(self) -> &'static str {
        match self {
            Stage::Generators => "generators",
            Stage::Transformers => "transformers",
        }
    }
}

/// The plugin config documents of one entry.
fn entry_configs(
    dir: &Path,
    entry: &str,
    build_dir: &mut dyn FnMut(&Path) -> Result<Vec<Value>>,
) -> Result<Vec<Value>> {
    if entry.contains('\n') {
        return parse_documents(entry, false).map_err(|e| Error::msg(e.to_string()));
    }
    let path = resolve(dir, entry);
    if crate::fs::current().is_dir(&path) {
        return build_dir(&path);
    }
    check_entry_in_root(&path, dir, entry)?;
    let text = read_text(&path, dir)?;
    parse_documents(&text, false).map_err(|e| Error::MalformedYaml {
        file: path,
        msg: e.to_string(),
    })
}

fn decode<T: DeserializeOwned>(doc: &Value) -> Result<T> {
    crate::decode::decode(doc.clone()).map_err(|e| Error::msg(crate::load::unquoted(e.to_string())))
}

/// The apply step of one patch, handed to a [`PatchGuard`].
pub(crate) type ApplyPatch<'a> = dyn FnMut(&mut Vec<Resource>) -> Result<()> + 'a;

/// What the build wraps around each patch a transformer config makes (`PatchTransformer`,
/// `PatchJson6902Transformer`, `PatchStrategicMergeTransformer`): the checks and records of a
/// `patches:` entry. It gets the accumulator, the patch when it has a target, the entry's name
/// for messages, and the step that applies it.
pub(crate) type PatchGuard<'a> =
    dyn FnMut(&mut Vec<Resource>, Option<&Patch>, &str, &mut ApplyPatch) -> Result<()> + 'a;

/// Where plugin configs run: the stage, the kustomization's directory, the schema its
/// patches merge with, and how the build annotations are kept.
pub(crate) struct Site<'a> {
    /// `generators:` or `transformers:`.
    pub stage: Stage,
    /// The kustomization's directory.
    pub dir: &'a Path,
    /// The OpenAPI schema patches merge with.
    pub schema: Option<&'a Arc<OpenApi>>,
    /// How build annotations are rewritten after each transformer.
    pub build_annotations: crate::build::BuildAnnotations,
}

/// Runs the entries of `transformers:` or `generators:` of the kustomization at `site`.
pub(crate) fn run(
    site: &Site,
    entries: &[String],
    acc: &mut Vec<Resource>,
    build_dir: &mut dyn FnMut(&Path) -> Result<Vec<Value>>,
    guard: &mut PatchGuard,
) -> Result<()> {
    let (stage, dir) = (site.stage, site.dir);
    for (i, entry) in entries.iter().enumerate() {
        let name = if entry.contains('\n') {
            "inline config".to_string()
        } else {
            format!("'{entry}'")
        };
        let place = format!("{}[{i}] {name}", stage.field());
        let kfile = find_kustomization_file(dir)?;
        let at = |e: Error| e.at(&kfile, place.clone());
        let by = crate::resource::ChangedBy {
            kustomization: kfile.clone(),
            entry: format!("{}[{i}]", stage.field()),
            file: None,
            document: 0,
            kind: crate::ChangeKind::Transformer,
        };
        for doc in entry_configs(dir, entry, build_dir).map_err(at)? {
            let entry = format!("{place} {}", plugin_name(&doc));
            run_one(site, &doc, acc, &by, guard, &entry).map_err(at)?;
            if stage == Stage::Transformers {
                site.build_annotations.rewrite(acc);
            }
        }
    }
    Ok(())
}

/// `KIND NAME` of a plugin config, for messages (`PatchTransformer add-labels`).
fn plugin_name(doc: &Value) -> String {
    let field = |p: &str| doc.pointer(p).and_then(Value::as_str).unwrap_or_default();
    format!("{} {}", field("/kind"), field("/metadata/name"))
        .trim()
        .to_owned()
}

fn run_one(
    site: &Site,
    doc: &Value,
    acc: &mut Vec<Resource>,
    by: &crate::resource::ChangedBy,
    guard: &mut PatchGuard,
    entry: &str,
) -> Result<()> {
    let (stage, dir) = (site.stage, site.dir);
    let api = doc.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = doc.get("kind").and_then(Value::as_str).unwrap_or("");
    if api != "builtin" {
        return Err(Error::msg(format!(
            "plugin {kind}.{api}: only builtin plugin configs (apiVersion: builtin) are supported; KRM function and exec plugins are not run by this renderer"
        )));
    }
    match (stage, kind) {
        (Stage::Generators, "ConfigMapGenerator") => generate(dir, doc, acc, false, by),
        (Stage::Generators, "SecretGenerator") => generate(dir, doc, acc, true, by),
        (Stage::Transformers, _) => transform(site, kind, doc, acc, by, guard, entry),
        (Stage::Generators, other) => Err(Error::msg(format!(
            "builtin plugin {other} is not a generator supported by this renderer (ConfigMapGenerator, SecretGenerator)"
        ))),
    }
}

fn generate(
    dir: &Path,
    doc: &Value,
    acc: &mut Vec<Resource>,
    secret: bool,
    by: &crate::resource::ChangedBy,
) -> Result<()> {
    let c: GeneratorConfig = decode(doc)?;
    let args = GeneratorArgs {
        name: Some(c.metadata.name),
        namespace: Some(c.metadata.namespace),
        behavior: c.behavior.clone(),
        literals: c.literals,
        files: c.files,
        envs: c.envs,
        env: c.env,
        options: c.options,
        type_: c.type_,
    };
    let mut r = generators::generate(&args, None, dir, secret)?;
    r.written = Some(crate::resource::Written::Entry {
        kustomization: by.kustomization.clone(),
        entry: by.entry.clone(),
    });
    generators::absorb(acc, r, c.behavior.as_deref())
}

fn transform(
    site: &Site,
    kind: &str,
    doc: &Value,
    acc: &mut Vec<Resource>,
    by: &crate::resource::ChangedBy,
    guard: &mut PatchGuard,
    entry: &str,
) -> Result<()> {
    let (dir, schema) = (site.dir, site.schema);
    match kind {
        "LabelTransformer" => {
            let c: MapConfig = decode(doc)?;
            labels::apply_map(acc, &c.labels.unwrap_or_default(), &c.field_specs);
        }
        "AnnotationsTransformer" => {
            let c: MapConfig = decode(doc)?;
            labels::apply_map(acc, &c.annotations.unwrap_or_default(), &c.field_specs);
        }
        "PrefixSuffixTransformer" | "PrefixTransformer" | "SuffixTransformer" => {
            let c: PrefixSuffixConfig = decode(doc)?;
            let Some(specs) = c.field_specs else {
                return Err(Error::msg(format!(
                    "plugin {} fails configuration: fieldSpecs is not expected to be nil",
                    plugin_id(doc)
                )));
            };
            if kind != "SuffixTransformer" {
                prefix::apply(acc, &c.prefix, prefix::End::Prefix, &specs)?;
            }
            if kind != "PrefixTransformer" {
                prefix::apply(acc, &c.suffix, prefix::End::Suffix, &specs)?;
            }
        }
        "NamespaceTransformer" => {
            let c: NamespaceConfig = decode(doc)?;
            let opts = namespace::Options {
                unset_only: c.unset_only,
                subjects: namespace::Subjects::parse(c.set_role_binding_subjects.as_deref())
                    .map_err(|e| {
                        Error::msg(format!(
                            "plugin {} fails configuration: {e}",
                            plugin_id(doc)
                        ))
                    })?,
            };
            namespace::apply_with(acc, &c.metadata.namespace, &c.field_specs, opts)?;
        }
        "PatchTransformer" => {
            let c: PatchConfig = decode(doc)?;
            let p = Patch {
                path: c.path,
                patch: c.patch,
                target: c.target,
                options: c.options,
            };
            guard(acc, Some(&p), entry, &mut |acc| {
                patches::apply_patch(acc, &p, dir, schema, by)
            })?;
        }
        "PatchStrategicMergeTransformer" => {
            let c: SmpConfig = decode(doc)?;
            let mut entries = c.paths;
            entries.extend(c.patches.filter(|p| !p.trim().is_empty()));
            if entries.is_empty() {
                return Err(Error::msg("empty file path and empty patch content"));
            }
            guard(acc, None, entry, &mut |acc| {
                patches::apply_strategic_merge_list(acc, &entries, dir, schema, by)
            })?;
        }
        "PatchJson6902Transformer" => {
            let c: JsonConfig = decode(doc)?;
            let p = Patch {
                path: c.path,
                patch: c.json_op,
                target: c.target,
                options: None,
            };
            guard(acc, Some(&p), entry, &mut |acc| {
                patches::apply_json6902_entry(acc, &p, dir, by)
            })?;
        }
        "ImageTagTransformer" => {
            let c: ImageConfig = decode(doc)?;
            images::apply(acc, &c.image_tag, &c.field_specs, by)?;
        }
        "ReplicaCountTransformer" => {
            let c: ReplicaConfig = decode(doc)?;
            replicas::apply(acc, &c.replica, &c.field_specs, by)?;
        }
        "ReplacementTransformer" => {
            let c: ReplacementConfig = decode(doc)?;
            let reps = crate::replacements::load(dir, &c.replacements)?;
            crate::replacements::apply(acc, &reps, &find_kustomization_file(dir)?)?;
        }
        "HashTransformer" => hash_now(acc),
        other => {
            return Err(Error::msg(format!(
                "builtin plugin {other} is not supported by this renderer"
            )));
        }
    }
    Ok(())
}

/// The id of a plugin config as kustomize names it in messages
/// (`PrefixTransformer.builtin.[noGrp]/x.[noNs]`).
fn plugin_id(doc: &Value) -> crate::resid::ResId {
    crate::resid::ResId::of(&shgw_yaml::node::Node::from_value(doc))
}

/// kustomize's `HashTransformer`: generated objects that want a content hash get it now
/// (and not again at the end of the build).
fn hash_now(acc: &mut [Resource]) {
    for r in acc.iter_mut() {
        if let Some(g) = r.generated.as_mut().filter(|g| g.hash) {
            g.hash = false;
            let name = format!(
                "{}-{}",
                r.id().name,
                crate::hash::hash_of(&r.obj.to_value())
            );
            r.set_name(&name);
        }
    }
}
