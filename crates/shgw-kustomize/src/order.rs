//! Output ordering: kustomize's `legacy` sort (the CLI default) and FIFO.

use crate::resid::ResId;
use std::cmp::Ordering;

/// Kinds sorted first by the legacy order.
pub const ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];

/// Kinds sorted last by the legacy order.
pub const ORDER_LAST: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

fn rank(kind: &str, first: &[String], last: &[String]) -> i64 {
    let len = i64::try_from(first.len()).unwrap_or(0);
    if let Some(i) = first.iter().position(|k| k == kind) {
        return -len + i64::try_from(i).unwrap_or(0);
    }
    if let Some(i) = last.iter().position(|k| k == kind) {
        return 1 + i64::try_from(i).unwrap_or(0);
    }
    0
}

fn or<'a>(s: &'a str, p: &'a str) -> &'a str {
    if s.is_empty() { p } else { s }
}

fn gvk_string(id: &ResId) -> String {
    format!(
        "{}_{}_{}",
        or(&id.group, "~G"),
        or(&id.version, "~V"),
        or(&id.kind, "~K")
    )
}

/// What the legacy order compares of one id (kind rank, then GVK, with `Namespace` of the
/// core group reversed, then namespace and name), worked out once per resource rather than
/// in every comparison (a sort makes n log n of them).
struct SortKey {
    rank: i64,
    gvk: String,
    below_gvk: String,
    id: ResId,
}

impl SortKey {
    fn of(id: ResId, first: &[String], last: &[String]) -> Self {
        SortKey {
            rank: rank(&id.kind, first, last),
            gvk: gvk_string(&id),
            below_gvk: legacy_id_string(&id),
            id,
        }
    }

    fn cmp(&self, other: &SortKey) -> Ordering {
        let (a, b) = (&self.id, &other.id);
        if self.rank != other.rank {
            return self.rank.cmp(&other.rank);
        }
        if !a.same_gvk(b) {
            if a.kind == "Namespace"
                && b.kind == "Namespace"
                && (a.group.is_empty() || b.group.is_empty())
            {
                return other.gvk.cmp(&self.gvk);
            }
            return self.gvk.cmp(&other.gvk);
        }
        self.below_gvk.cmp(&other.below_gvk)
    }
}

/// kustomize's legacy sort string of an id below its GVK: namespace and name joined by
/// `|` and compared as one string, so namespace `team-system` sorts before `team`
/// (`-` is below `|`).
fn legacy_id_string(id: &ResId) -> String {
    format!("{}|{}", or(&id.namespace, "~X"), or(&id.name, "~N"))
}

/// Sorts items by legacy order of their ids (stable).
pub fn legacy_sort<T>(
    items: &mut [T],
    id: impl Fn(&T) -> ResId,
    first: &[String],
    last: &[String],
) {
    let mut keyed: Vec<(SortKey, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, t)| (SortKey::of(id(t), first, last), i))
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let order: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
    apply_permutation(items, &order);
}

fn apply_permutation<T>(items: &mut [T], order: &[usize]) {
    // order[k] = index of the element that goes to position k.
    let mut pos: Vec<usize> = vec![0; order.len()];
    for (k, &i) in order.iter().enumerate() {
        pos[i] = k;
    }
    for i in 0..items.len() {
        while pos[i] != i {
            let j = pos[i];
            items.swap(i, j);
            pos.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(g: &str, k: &str, ns: &str, n: &str) -> ResId {
        ResId {
            group: g.into(),
            version: "v1".into(),
            kind: k.into(),
            name: n.into(),
            namespace: ns.into(),
        }
    }

    #[test]
    fn legacy() {
        let first: Vec<String> = ORDER_FIRST.iter().map(|s| s.to_string()).collect();
        let last: Vec<String> = ORDER_LAST.iter().map(|s| s.to_string()).collect();
        let mut v = vec![
            id("", "Pod", "", "p"),
            id(
                "admissionregistration.k8s.io",
                "ValidatingWebhookConfiguration",
                "",
                "v",
            ),
            id("apps", "Deployment", "", "d"),
            id("apps", "Deployment", "a", "d"),
            id("example.com", "Zeta", "", "z"),
            id("", "Namespace", "", "n"),
            id("apps", "ReplicaSet", "", "r"),
        ];
        legacy_sort(&mut v, |i| i.clone(), &first, &last);
        let kinds: Vec<String> = v
            .iter()
            .map(|i| format!("{}/{}", i.kind, i.namespace))
            .collect();
        assert_eq!(
            kinds,
            vec![
                "Namespace/",
                "Deployment/a",
                "Deployment/",
                "ReplicaSet/",
                "Zeta/",
                "Pod/",
                "ValidatingWebhookConfiguration/"
            ]
        );
    }
}
