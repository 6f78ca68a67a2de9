//! `labels`, `commonLabels` and `commonAnnotations`.

use crate::alias::{AliasGroup, Seg, resync};
use crate::error::{Error, Result};
use crate::fieldpath::{fs, spec_applies, split_path, visit_at};
use crate::kustomization::{FieldSpec, Label};
use crate::resource::{Resource, ensure_object};
use indexmap::IndexMap;
use serde_json::Value;

const TEMPLATE_KINDS: &[(&str, &str, &str)] = &[
    ("", "v1", "ReplicationController"),
    ("", "", "Deployment"),
    ("", "", "ReplicaSet"),
    ("", "", "DaemonSet"),
    ("apps", "", "StatefulSet"),
    ("batch", "", "Job"),
];

/// Field specs for pod-template labels (`includeTemplates`).
pub fn template_label_specs() -> Vec<FieldSpec> {
    let mut v: Vec<FieldSpec> = TEMPLATE_KINDS
        .iter()
        .map(|(g, ver, k)| fs(g, ver, k, "spec/template/metadata/labels", true))
        .collect();
    v.push(fs(
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/metadata/labels",
        true,
    ));
    v.push(fs(
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/metadata/labels",
        true,
    ));
    v.push(fs(
        "apps",
        "",
        "StatefulSet",
        "spec/volumeClaimTemplates[]/metadata/labels",
        true,
    ));
    v
}

/// The field specs `commonLabels` uses (metadata, selectors and templates).
pub fn common_label_specs() -> Vec<FieldSpec> {
    let mut v = vec![
        fs("", "", "", "metadata/labels", true),
        fs("", "v1", "Service", "spec/selector", true),
        fs("", "v1", "ReplicationController", "spec/selector", true),
        fs("", "", "Deployment", "spec/selector/matchLabels", true),
        fs("", "", "ReplicaSet", "spec/selector/matchLabels", true),
        fs("", "", "DaemonSet", "spec/selector/matchLabels", true),
        fs("apps", "", "StatefulSet", "spec/selector/matchLabels", true),
        fs("batch", "", "Job", "spec/selector/matchLabels", false),
        fs(
            "batch",
            "",
            "CronJob",
            "spec/jobTemplate/spec/selector/matchLabels",
            false,
        ),
        fs(
            "policy",
            "",
            "PodDisruptionBudget",
            "spec/selector/matchLabels",
            false,
        ),
        fs(
            "networking.k8s.io",
            "",
            "NetworkPolicy",
            "spec/podSelector/matchLabels",
            false,
        ),
        fs(
            "networking.k8s.io",
            "",
            "NetworkPolicy",
            "spec/ingress/from/podSelector/matchLabels",
            false,
        ),
        fs(
            "networking.k8s.io",
            "",
            "NetworkPolicy",
            "spec/egress/to/podSelector/matchLabels",
            false,
        ),
    ];
    for kind in ["Deployment", "StatefulSet"] {
        for aff in ["podAffinity", "podAntiAffinity"] {
            v.push(fs(
                "apps",
                "",
                kind,
                &format!("spec/template/spec/affinity/{aff}/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels"),
                false,
            ));
            v.push(fs(
                "apps",
                "",
                kind,
                &format!("spec/template/spec/affinity/{aff}/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels"),
                false,
            ));
        }
        v.push(fs(
            "apps",
            "",
            kind,
            "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
            false,
        ));
    }
    v.extend(template_label_specs());
    v
}

/// The field specs `commonAnnotations` uses.
pub fn annotation_specs() -> Vec<FieldSpec> {
    let mut v = vec![fs("", "", "", "metadata/annotations", true)];
    v.extend(
        TEMPLATE_KINDS
            .iter()
            .map(|(g, ver, k)| fs(g, ver, k, "spec/template/metadata/annotations", true)),
    );
    v.push(fs(
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/metadata/annotations",
        true,
    ));
    v.push(fs(
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/metadata/annotations",
        true,
    ));
    v
}

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
        let mut fresh: Vec<(&String, Vec<Vec<Seg>>)> = Vec::new();
        for k in &keys {
            let val = Value::String(pairs[*k].clone());
            let mut created = Vec::new();
            for spec in specs.iter().filter(|s| spec_applies(s, &id)) {
                let path = split_path(&spec.path);
                visit_at(
                    &mut r.obj,
                    &path,
                    spec.create,
                    &mut Vec::new(),
                    &mut |node, at| {
                        let m = ensure_object(node);
                        if m.insert((*k).clone(), val.clone()).is_none() {
                            let mut p = at.to_vec();
                            p.push(Seg::Key((*k).clone()));
                            created.push(p);
                        }
                    },
                );
            }
            fresh.push((k, created));
        }
        resync(&mut r.obj, &mut r.aliases, true);
        for (k, paths) in fresh {
            r.aliases
                .extend(AliasGroup::new(paths, Value::String(pairs[k].clone())));
        }
    }
}

/// Applies one `labels:` entry.
///
/// # Errors
/// A custom field spec that kustomize's `FsSlice.MergeOne` finds equal to a built-in
/// one (same path, selected by the built-in's group/version/kind) but with another
/// `create` ("conflicting fieldspecs").
pub fn apply_label_entry(resources: &mut [Resource], label: &Label) -> Result<()> {
    let Some(pairs) = &label.pairs else {
        return Ok(());
    };
    let mut specs: Vec<FieldSpec> = label.fields.clone().unwrap_or_default();
    let conflict = |what: &str| Error::msg(format!("{what}: conflicting fieldspecs"));
    if label.include_selectors {
        merge_all(&mut specs, common_label_specs())
            .map_err(|()| conflict("failed to merge labels"))?;
    } else {
        if label.include_templates {
            merge_all(&mut specs, template_label_specs())
                .map_err(|()| conflict("failed to merge template fieldSpec"))?;
        }
        merge_all(&mut specs, vec![fs("", "", "", "metadata/labels", true)])
            .map_err(|()| conflict("failed to merge labels"))?;
    }
    apply_map(resources, pairs, &specs);
    Ok(())
}

/// kustomize's `FsSlice.MergeAll`: each of `more` is skipped when a spec with its path
/// already exists whose group/version/kind it selects (empty fields are wildcards), an
/// error when that spec's `create` differs, and appended otherwise.
fn merge_all(specs: &mut Vec<FieldSpec>, more: Vec<FieldSpec>) -> std::result::Result<(), ()> {
    for x in more {
        let selects = |s: &FieldSpec| {
            s.path == x.path
                && (x.group.is_empty() || x.group == s.group)
                && (x.version.is_empty() || x.version == s.version)
                && (x.kind.is_empty() || x.kind == s.kind)
        };
        match specs.iter().find(|s| selects(s)) {
            Some(s) if s.create != x.create => return Err(()),
            Some(_) => {}
            None => specs.push(x),
        }
    }
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
        apply_map(&mut rs, &pairs, &common_label_specs());
        assert_eq!(rs[0].obj["spec"]["selector"]["matchLabels"]["a"], "1");
        assert_eq!(
            rs[0].obj["spec"]["template"]["metadata"]["labels"]["a"],
            "1"
        );
        assert_eq!(rs[0].obj["metadata"]["labels"]["a"], "1");
    }
}
