//! The name-reference field specs of kustomize v5.8.1 (`namereference.go`): which
//! fields of which referrer kinds name a resource of which kind.

/// Where pod specs live, per workload kind, and whether kustomize v5.8.1's
/// `namereference.go` lists the kind for ConfigMap/Secret references and for
/// ServiceAccount/PersistentVolumeClaim/PriorityClass references (it lists
/// ReplicationController only for the latter, ReplicaSet and PodTemplate only for the
/// former; verified with kubectl v1.37.1).
const POD_SPECS: &[(&str, &str, bool, bool)] = &[
    ("Pod", "spec", true, true),
    ("Deployment", "spec/template/spec", true, true),
    ("ReplicaSet", "spec/template/spec", true, false),
    ("DaemonSet", "spec/template/spec", true, true),
    ("StatefulSet", "spec/template/spec", true, true),
    ("Job", "spec/template/spec", true, true),
    ("ReplicationController", "spec/template/spec", false, true),
    ("CronJob", "spec/jobTemplate/spec/template/spec", true, true),
    ("PodTemplate", "template/spec", true, false),
];

const CM_POD_FIELDS: &[&str] = &[
    "volumes/configMap/name",
    "volumes/projected/sources/configMap/name",
    "containers/env/valueFrom/configMapKeyRef/name",
    "initContainers/env/valueFrom/configMapKeyRef/name",
    "containers/envFrom/configMapRef/name",
    "initContainers/envFrom/configMapRef/name",
];

const SECRET_POD_FIELDS: &[&str] = &[
    "volumes/secret/secretName",
    "volumes/projected/sources/secret/name",
    "containers/env/valueFrom/secretKeyRef/name",
    "initContainers/env/valueFrom/secretKeyRef/name",
    "containers/envFrom/secretRef/name",
    "initContainers/envFrom/secretRef/name",
    "imagePullSecrets/name",
];

/// One name-reference field: the target kind, the referrer kind, the field path
/// (`\/` escapes a slash inside a key) and the referrer's group ("" for any).
pub(crate) type RefSpec = (&'static str, String, String, &'static str);

/// (target kind, referrer kind, path, referrer group)
pub(crate) fn table() -> Vec<RefSpec> {
    let mut t: Vec<RefSpec> = Vec::new();
    for (kind, base, cm_secret, others) in POD_SPECS {
        if *cm_secret {
            for f in CM_POD_FIELDS {
                t.push(("ConfigMap", kind.to_string(), format!("{base}/{f}"), ""));
            }
            for f in SECRET_POD_FIELDS {
                t.push(("Secret", kind.to_string(), format!("{base}/{f}"), ""));
            }
        }
        if *others {
            for (target, f) in [
                ("ServiceAccount", "serviceAccountName"),
                (
                    "PersistentVolumeClaim",
                    "volumes/persistentVolumeClaim/claimName",
                ),
                ("PriorityClass", "priorityClassName"),
            ] {
                t.push((target, kind.to_string(), format!("{base}/{f}"), ""));
            }
        }
    }
    let ann = |target: &'static str, key: &str| {
        (
            target,
            "Ingress".to_string(),
            format!("metadata/annotations/{}", key.replace('/', "\\/")),
            "",
        )
    };
    t.extend([
        ann(
            "ConfigMap",
            "nginx.ingress.kubernetes.io/fastcgi-params-configmap",
        ),
        ann("Secret", "ingress.kubernetes.io/auth-secret"),
        ann("Secret", "nginx.ingress.kubernetes.io/auth-secret"),
        ann("Secret", "nginx.ingress.kubernetes.io/auth-tls-secret"),
        (
            "ConfigMap",
            "Node".to_string(),
            "spec/configSource/configMap".to_string(),
            "",
        ),
        (
            "Secret",
            "Service".to_string(),
            "spec/template/spec/containers/env/valueFrom/secretKeyRef/name".to_string(),
            "serving.knative.dev",
        ),
    ]);
    let s = |a: &'static str, b: &str, c: &str| (a, b.to_string(), c.to_string(), "");
    t.extend([
        s("ConfigMap", "Role", "rules/resourceNames"),
        s("ConfigMap", "ClusterRole", "rules/resourceNames"),
        s("Secret", "Role", "rules/resourceNames"),
        s("Secret", "ClusterRole", "rules/resourceNames"),
        s("Secret", "ServiceAccount", "imagePullSecrets/name"),
        s("Secret", "ServiceAccount", "secrets/name"),
        s("Secret", "Ingress", "spec/tls/secretName"),
        s("Secret", "StorageClass", "parameters/secretName"),
        s("Secret", "StorageClass", "parameters/adminSecretName"),
        s("Secret", "StorageClass", "parameters/userSecretName"),
        s("Secret", "StorageClass", "parameters/secretRef"),
        s("Secret", "PersistentVolume", "spec/azureFile/secretName"),
        s("Service", "StatefulSet", "spec/serviceName"),
        s(
            "Service",
            "Ingress",
            "spec/rules/http/paths/backend/serviceName",
        ),
        s(
            "Service",
            "Ingress",
            "spec/rules/http/paths/backend/service/name",
        ),
        s("Service", "Ingress", "spec/backend/serviceName"),
        s("Service", "Ingress", "spec/backend/service/name"),
        s("Service", "Ingress", "spec/defaultBackend/service/name"),
        s(
            "Deployment",
            "HorizontalPodAutoscaler",
            "spec/scaleTargetRef/name",
        ),
        s(
            "ReplicaSet",
            "HorizontalPodAutoscaler",
            "spec/scaleTargetRef/name",
        ),
        s(
            "StatefulSet",
            "HorizontalPodAutoscaler",
            "spec/scaleTargetRef/name",
        ),
        s(
            "ReplicationController",
            "HorizontalPodAutoscaler",
            "spec/scaleTargetRef/name",
        ),
        s("Role", "RoleBinding", "roleRef/name"),
        s("ClusterRole", "RoleBinding", "roleRef/name"),
        s("ClusterRole", "ClusterRoleBinding", "roleRef/name"),
        s(
            "PersistentVolume",
            "PersistentVolumeClaim",
            "spec/volumeName",
        ),
        s("PersistentVolume", "ClusterRole", "rules/resourceNames"),
        s("StorageClass", "PersistentVolume", "spec/storageClassName"),
        s(
            "StorageClass",
            "PersistentVolumeClaim",
            "spec/storageClassName",
        ),
        s(
            "StorageClass",
            "StatefulSet",
            "spec/volumeClaimTemplates/spec/storageClassName",
        ),
        // Not `IngressClass` → Ingress `spec/ingressClassName`: v5.8.1 lists it under
        // group "networking.k8s.io/v1", which matches nothing (verified).
        s(
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "spec/policyName",
        ),
    ]);
    t
}
