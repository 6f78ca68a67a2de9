//! Resource identity: group, version, kind, name and namespace.

use shgw_yaml::node::Node;
use std::fmt;

/// The identity of a resource, as kustomize compares them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct ResId {
    /// API group (`""` for the core group).
    pub group: String,
    /// API version.
    pub version: String,
    /// Kind.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` (`""` when unset).
    pub namespace: String,
}

/// The kinds kustomize v5.8.1 treats as certainly cluster-scoped, with the API versions
/// its built-in schema (Kubernetes v1.21.2) has them in: scope is decided by group,
/// version and kind together, so a `ClusterRole` of another group, a v1 `FlowSchema` or an
/// `APIService` of `v1alpha1` is namespaced (all verified with kubectl v1.37.1).
const CLUSTER_SCOPED: &[(&str, &[&str], &[&str])] = &[
    (
        "",
        &["v1"],
        &["Namespace", "Node", "PersistentVolume", "ComponentStatus"],
    ),
    (
        "rbac.authorization.k8s.io",
        &["v1", "v1beta1"],
        &["ClusterRole", "ClusterRoleBinding"],
    ),
    (
        "storage.k8s.io",
        &["v1", "v1beta1"],
        &["StorageClass", "CSIDriver", "CSINode", "VolumeAttachment"],
    ),
    ("scheduling.k8s.io", &["v1", "v1beta1"], &["PriorityClass"]),
    ("node.k8s.io", &["v1", "v1beta1"], &["RuntimeClass"]),
    ("networking.k8s.io", &["v1", "v1beta1"], &["IngressClass"]),
    (
        "apiextensions.k8s.io",
        &["v1", "v1beta1"],
        &["CustomResourceDefinition"],
    ),
    (
        "apiregistration.k8s.io",
        &["v1", "v1beta1"],
        &["APIService"],
    ),
    (
        "admissionregistration.k8s.io",
        &["v1", "v1beta1"],
        &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ],
    ),
    (
        "certificates.k8s.io",
        &["v1", "v1beta1"],
        &["CertificateSigningRequest"],
    ),
    ("policy", &["v1beta1"], &["PodSecurityPolicy"]),
    (
        "flowcontrol.apiserver.k8s.io",
        &["v1beta1"],
        &["FlowSchema", "PriorityLevelConfiguration"],
    ),
];

/// Whether kustomize's built-in schema knows `group`/`version`/`kind` as cluster-scoped
/// (anything it does not know, such as every custom resource, is namespaced).
pub fn is_cluster_scoped(group: &str, version: &str, kind: &str) -> bool {
    CLUSTER_SCOPED
        .iter()
        .any(|(g, vs, ks)| *g == group && vs.contains(&version) && ks.contains(&kind))
}

/// Splits an `apiVersion` into group and version.
pub fn split_api_version(api: &str) -> (String, String) {
    match api.split_once('/') {
        Some((g, v)) => (g.to_string(), v.to_string()),
        None => (String::new(), api.to_string()),
    }
}

fn str_at<'a>(v: &'a Node, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        match cur.get(p) {
            Some(n) => cur = n,
            None => return "",
        }
    }
    // kyaml reads the text of any scalar: `name: 2048` is the name "2048" (verified with
    // kubectl v1.37.1).
    cur.text_or_empty()
}

impl ResId {
    /// Reads the id of a resource document.
    pub fn of(obj: &Node) -> Self {
        let (group, version) = split_api_version(str_at(obj, &["apiVersion"]));
        ResId {
            group,
            version,
            kind: str_at(obj, &["kind"]).to_string(),
            name: str_at(obj, &["metadata", "name"]).to_string(),
            namespace: str_at(obj, &["metadata", "namespace"]).to_string(),
        }
    }

    /// Whether kustomize treats this id's group, version and kind as cluster-scoped (its
    /// built-in Kubernetes v1.21.2 schema; anything it does not know is namespaced).
    pub fn is_cluster_scoped(&self) -> bool {
        is_cluster_scoped(&self.group, &self.version, &self.kind)
    }

    /// The namespace used for comparisons (`default` for unset namespaced ids).
    pub fn effective_namespace(&self) -> &str {
        if self.is_cluster_scoped() {
            ""
        } else if self.namespace.is_empty() {
            "default"
        } else {
            &self.namespace
        }
    }

    /// The key under which two ids collide: GVK, name and effective namespace.
    pub fn collision_key(&self) -> (String, String, String, String, String) {
        (
            self.group.clone(),
            self.version.clone(),
            self.kind.clone(),
            self.name.clone(),
            self.effective_namespace().to_string(),
        )
    }

    /// Whether two ids denote the same object.
    pub fn same_as(&self, other: &ResId) -> bool {
        self.group == other.group
            && self.version == other.version
            && self.kind == other.kind
            && self.name == other.name
            && self.effective_namespace() == other.effective_namespace()
    }

    /// Whether group, version and kind are equal.
    pub fn same_gvk(&self, other: &ResId) -> bool {
        self.group == other.group && self.version == other.version && self.kind == other.kind
    }

    /// The `apiVersion` string.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

fn or<'a>(s: &'a str, placeholder: &'a str) -> &'a str {
    if s.is_empty() { placeholder } else { s }
}

impl fmt::Display for ResId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}.{}/{}.{}",
            or(&self.kind, "[noKind]"),
            or(&self.version, "[noVer]"),
            or(&self.group, "[noGrp]"),
            or(&self.name, "[noName]"),
            or(&self.namespace, "[noNs]")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn display_and_equality() {
        let a = ResId::of(&Node::from_value(
            &json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}}),
        ));
        assert_eq!(a.to_string(), "Deployment.v1.apps/d.[noNs]");
        let b = ResId {
            namespace: "default".into(),
            ..a.clone()
        };
        assert!(a.same_as(&b));
        let ns = ResId::of(&Node::from_value(
            &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x", "namespace": "y"}}),
        ));
        assert!(ns.same_as(&ResId {
            namespace: String::new(),
            ..ns.clone()
        }));
    }
}
