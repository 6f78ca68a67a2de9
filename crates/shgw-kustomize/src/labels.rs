//! `labels`, `commonLabels` and `commonAnnotations`.

use crate::alias::{new_share, propagate, write_in_place};
use crate::config::{TransformerConfig, merge_all};
use crate::error::{Error, Result};
use crate::fieldpath::{fs, spec_applies, split_path, visit};
use crate::kustomization::{FieldSpec, Label};
use crate::resource::Resource;
use indexmap::IndexMap;
use indexmap::map::Entry;
use shgw_yaml::node::{Node, Scalar, Tag};

/// Sets every pair at every applicable field spec of every resource.
///
/// Like kustomize, the fields where a key was missing share one node per key and
/// resource (see [`crate::alias`]); an existing field is overwritten in place.
pub fn apply_map(
    resources: &mut [Resource],
    pairs: &IndexMap<String, String>,
    specs: &[FieldSpec],
) {
    if pairs.is_empty() {
        return;
    }
    let mut keys: Vec<&String> = pairs.keys().collect();
    keys.sort();
    for r in resources.iter_mut() {
        let id = r.id();
        for k in &keys {
            // One node per key and resource, put wherever the key was missing.
            let text = &pairs[*k];
            let mut one = Scalar::string(text.clone());
            one.share = Some(new_share(text, Tag::Str));
            let fresh = Node::Scalar(one);
            for spec in specs.iter().filter(|s| spec_applies(s, &id)) {
                visit(
                    &mut r.obj,
                    &split_path(&spec.path),
                    spec.create,
                    &mut |node| match node.ensure_map().entry((*k).clone()) {
                        Entry::Occupied(mut e) => write_in_place(e.get_mut(), Node::string(text)),
                        Entry::Vacant(e) => {
                            e.insert(fresh.clone());
                        }
                    },
                );
            }
        }
        propagate(&mut r.obj);
    }
}

/// Applies one `labels:` entry with the field specs of `cfg`.
///
/// # Errors
/// A custom field spec that kustomize's `FsSlice.MergeOne` finds equal to a built-in
/// one (same path, selected by the built-in's group/version/kind) but with another
/// `create` ("conflicting fieldspecs").
pub fn apply_label_entry(
    resources: &mut [Resource],
    label: &Label,
    cfg: &TransformerConfig,
) -> Result<()> {
    let Some(pairs) = &label.pairs else {
        return Ok(());
    };
    let mut specs: Vec<FieldSpec> = label.fields.clone().unwrap_or_default();
    fn conflict(what: &'static str) -> impl Fn(Error) -> Error {
        move |_| Error::msg(format!("{what}: conflicting fieldspecs"))
    }
    if label.include_selectors {
        merge_all(&mut specs, &cfg.common_labels).map_err(conflict("failed to merge labels"))?;
    } else {
        if label.include_templates {
            merge_all(&mut specs, &cfg.template_labels)
                .map_err(conflict("failed to merge template fieldSpec"))?;
        }
        merge_all(&mut specs, &[fs("", "", "", "metadata/labels", true)])
            .map_err(conflict("failed to merge labels"))?;
    }
    apply_map(resources, pairs, &specs);
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn common_labels_on_deployment() {
        let mut rs = vec![Resource::new(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}}),
        )];
        let pairs: IndexMap<String, String> =
            [("a".to_string(), "1".to_string())].into_iter().collect();
        let cfg = crate::config::builtin().unwrap();
        apply_map(&mut rs, &pairs, &cfg.common_labels);
        assert_eq!(rs[0].obj["spec"]["selector"]["matchLabels"]["a"], "1");
        assert_eq!(
            rs[0].obj["spec"]["template"]["metadata"]["labels"]["a"],
            "1"
        );
        assert_eq!(rs[0].obj["metadata"]["labels"]["a"], "1");
    }
}
