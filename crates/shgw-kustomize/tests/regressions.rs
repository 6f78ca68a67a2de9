//! Regression tests for differences found by the randomized differential test
//! (`tests/fuzz/`). Every expectation is text printed by real `kubectl kustomize`
//! (Client Version: v1.37.1, Kustomize Version: v5.8.1), pasted here; kubectl is not needed to run them.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use shgw_kustomize::{BuildOptions, build};
use std::path::PathBuf;

/// Writes `files` into a fresh scratch directory and builds it.
fn build_tree(name: &str, files: &[(&str, &str)]) -> Result<String, String> {
    let dir = std::env::temp_dir().join(format!(
        "shgw-kustomize-regress-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let p: PathBuf = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }
    let result = build(&dir, &BuildOptions::default()).map_err(|e| e.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// A targeted strategic-merge patch (and patchesStrategicMerge) copies the patch's labels and annotations as string maps first: `null` becomes "null" instead of deleting; an untargeted one deletes.
#[test]
fn targeted_smp_restrings_labels_and_annotations() {
    let got = build_tree(
        "targeted_smp_restrings_labels_and_annotations",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  labels:
    env: beta
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  labels:
    env: beta
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patches:
- target: {name: a}
  patch: |
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: a
      labels: {app: null, n: 1_000}
      annotations: {x: null}
- patch: |
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: b
      labels: {env: null}
      annotations: {x: null}
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    x: "null"
  labels:
    app: "null"
    env: beta
    "n": "1_000"
  name: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  labels: {}
  name: b
"#;
    assert_eq!(got.unwrap(), want);
}

/// kustomize rewrites metadata.annotations at the end of a build; an empty or null map disappears (labels stay).
#[test]
fn empty_annotations_are_dropped_at_output() {
    let got = build_tree(
        "empty_annotations_are_dropped_at_output",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  annotations: {}
  labels: {}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  annotations:
  labels:
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
kind: ConfigMap
metadata:
  labels: {}
  name: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  labels: null
  name: b
"#;
    assert_eq!(got.unwrap(), want);
}

/// A list without merge keys is replaced by the patch's list as written: its nulls and `$patch` elements are not interpreted.
#[test]
fn non_associative_patch_lists_are_taken_verbatim() {
    let got = build_tree(
        "non_associative_patch_lists_are_taken_verbatim",
        &[
            (
                "r.yaml",
                r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: a, image: a}]
      tolerations: [{key: k}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patches:
- patch: |
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: cm}
    data:
      u: [{a: null, $patch: delete}]
- patch: |
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      template:
        spec:
          tolerations: [{$patch: replace}, {key: b, value: null}]
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
data:
  u:
  - $patch: delete
    a: null
kind: ConfigMap
metadata:
  name: cm
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - image: a
        name: a
      tolerations:
      - $patch: replace
      - key: b
        value: null
"#;
    assert_eq!(got.unwrap(), want);
}

/// Plain dates print as RFC 3339 timestamps, except top-level annotations (rewritten from source text); patches alike.
#[test]
fn plain_dates_follow_kustomize() {
    let got = build_tree(
        "plain_dates_follow_kustomize",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  annotations: {a: 2001-12-14}
  labels: {l: 2001-12-14}
data: {d: 2001-12-14}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patches:
- patch: |
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: b, annotations: {a: 2001-12-14}, labels: {l: 2001-12-14}}
    data: {d: 2001-12-14}
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
data:
  d: "2001-12-14T00:00:00Z"
kind: ConfigMap
metadata:
  annotations:
    a: "2001-12-14"
  labels:
    l: "2001-12-14T00:00:00Z"
  name: a
---
apiVersion: v1
data:
  d: "2001-12-14T00:00:00Z"
kind: ConfigMap
metadata:
  annotations:
    a: "2001-12-14"
  labels:
    l: "2001-12-14T00:00:00Z"
  name: b
"#;
    assert_eq!(got.unwrap(), want);
}

/// Labels added where missing share one YAML node per key and resource; a later in-place write (labels entry, patch) shows up in every such field.
#[test]
fn label_nodes_are_shared_between_fields() {
    let got = build_tree(
        "label_nodes_are_shared_between_fields",
        &[
            (
                "base/r.yaml",
                r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
"#,
            ),
            (
                "base/kustomization.yaml",
                r#"resources: [r.yaml]
labels:
- pairs: {same: first}
  includeSelectors: true
- pairs: {b: "2"}
- pairs: {c: "3", same: third}
  includeTemplates: true
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [base]
patches:
- patch: |
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels: {same: patched}
"#,
            ),
        ],
    );
    let want = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    b: "2"
    c: "3"
    same: patched
  name: web
spec:
  selector:
    matchLabels:
      app: web
      same: patched
  template:
    metadata:
      labels:
        app: web
        c: "3"
        same: patched
"#;
    assert_eq!(got.unwrap(), want);
}

/// A namespaced referrer only sees resources of its namespace (or, for a RoleBinding, of its subjects' namespaces).
#[test]
fn name_references_respect_namespaces() {
    let got = build_tree(
        "name_references_respect_namespaces",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: ServiceAccount
metadata: {name: sa, namespace: other}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: {template: {spec: {serviceAccountName: sa}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d2, namespace: other}
spec: {template: {spec: {serviceAccountName: sa}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: ServiceAccount, name: sa}, {kind: ServiceAccount, name: sa, namespace: other}]
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
namePrefix: p-
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: p-sa
  namespace: other
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: p-rb
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: r
subjects:
- kind: ServiceAccount
  name: p-sa
  namespace: other
- kind: ServiceAccount
  name: p-sa
  namespace: other
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: p-d2
  namespace: other
spec:
  template:
    spec:
      serviceAccountName: p-sa
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: p-d
spec:
  template:
    spec:
      serviceAccountName: sa
"#;
    assert_eq!(got.unwrap(), want);
}

/// v5.8.1's namereference table: no ServiceAccount reference for ReplicaSet, no ConfigMap reference for ReplicationController, Ingress annotations yes, IngressClass never.
#[test]
fn name_reference_field_table() {
    let got = build_tree(
        "name_reference_field_table",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: ServiceAccount
metadata: {name: sa}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: ic}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec: {template: {spec: {serviceAccountName: sa, volumes: [{name: v, configMap: {name: cm}}]}}}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec: {template: {spec: {serviceAccountName: sa, volumes: [{name: v, configMap: {name: cm}}]}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ing
  annotations: {nginx.ingress.kubernetes.io/auth-secret: sec}
spec: {ingressClassName: ic}
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
namePrefix: p-
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: p-sa
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: p-cm
---
apiVersion: v1
kind: Secret
metadata:
  name: p-sec
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: p-rs
spec:
  template:
    spec:
      serviceAccountName: sa
      volumes:
      - configMap:
          name: p-cm
        name: v
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  annotations:
    nginx.ingress.kubernetes.io/auth-secret: p-sec
  name: p-ing
spec:
  ingressClassName: ic
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: p-ic
---
apiVersion: v1
kind: ReplicationController
metadata:
  name: p-rc
spec:
  template:
    spec:
      serviceAccountName: p-sa
      volumes:
      - configMap:
          name: cm
        name: v
"#;
    assert_eq!(got.unwrap(), want);
}

/// behavior merge/replace keeps the generated document (type, immutable) with the old labels/annotations (and data for merge) under it, old name and namespace; old null data reads as "".
#[test]
fn generator_merge_keeps_the_new_document() {
    let got = build_tree(
        "generator_merge_keeps_the_new_document",
        &[
            (
                "base/cm.yaml",
                r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c2}
data:
  n: ~
  d: 2001-12-14
"#,
            ),
            (
                "base/kustomization.yaml",
                r#"namespace: ns1
namePrefix: b-
resources: [cm.yaml]
secretGenerator:
- name: s
  type: kubernetes.io/tls-x
  literals: [A=1]
  options: {immutable: true, labels: {l: base}, annotations: {a: base}}
configMapGenerator:
- name: c
  literals: [A=1]
  options: {immutable: true}
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [base]
secretGenerator:
- name: s
  behavior: merge
  literals: [B=2]
  options: {labels: {l: ov, m: ov}}
configMapGenerator:
- name: c
  behavior: replace
  literals: [B=2]
- name: c2
  namespace: ns1
  behavior: merge
  literals: [B=2]
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
data:
  B: "2"
kind: ConfigMap
metadata:
  name: b-c-588tk542k9
  namespace: ns1
---
apiVersion: v1
data:
  B: "2"
  d: "2001-12-14"
  "n": ""
kind: ConfigMap
metadata:
  name: b-c2
  namespace: ns1
---
apiVersion: v1
data:
  A: MQ==
  B: Mg==
kind: Secret
metadata:
  annotations:
    a: base
  labels:
    l: ov
    m: ov
  name: b-s-t9gtd5587h
  namespace: ns1
type: Opaque
"#;
    assert_eq!(got.unwrap(), want);
}

/// Typed annotation values print as written (1_000, 1.0, 0755) unless a JSON patch re-created the nodes.
#[test]
fn annotation_values_keep_their_source_text() {
    let got = build_tree(
        "annotation_values_keep_their_source_text",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  annotations: {l: 1_000, m: 1.0, p: 0755}
  labels: {l: 1_000, m: 1.0}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  annotations: {l: 1_000, m: 1.0, p: 0755}
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patches:
- target: {name: b}
  patch: |
    - {op: add, path: /data, value: {x: y}}
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    l: "1_000"
    m: "1.0"
    p: "0755"
  labels:
    l: 1000
    m: 1
  name: a
---
apiVersion: v1
data:
  x: true
kind: ConfigMap
metadata:
  annotations:
    l: "1000"
    m: "1"
    p: "493"
  name: b
"#;
    assert_eq!(got.unwrap(), want);
}

/// A patch port that has a protocol where the destination port has none (or the reverse) leaves the destination port alone.
#[test]
fn service_port_protocol_presence_mismatch() {
    let got = build_tree(
        "service_port_protocol_presence_mismatch",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: Service
metadata: {name: a}
spec:
  ports:
  - {port: 80, targetPort: http}
  - {port: 90, protocol: UDP, targetPort: http}
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patches:
- patch: |
    apiVersion: v1
    kind: Service
    metadata: {name: a}
    spec:
      ports:
      - {port: 80, targetPort: 8081, protocol: UDP}
      - {port: 90, targetPort: 9091}
      - {port: 70, protocol: UDP}
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
kind: Service
metadata:
  name: a
spec:
  ports:
  - port: 70
    protocol: UDP
  - port: 80
    targetPort: http
  - port: 90
    protocol: UDP
    targetPort: http
"#;
    assert_eq!(got.unwrap(), want);
}

/// Merge keys come from the kind's schema at that path: `containers` in an unknown field, ServiceAccount imagePullSecrets and a ConfigMap patched with a workload-shaped patch are replaced.
#[test]
fn merge_keys_depend_on_kind_and_path() {
    let got = build_tree(
        "merge_keys_depend_on_kind_and_path",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: ServiceAccount
metadata: {name: sa}
imagePullSecrets: [{name: a}]
secrets: [{name: a}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  extra:
    containers: [{name: a, image: a}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, labels: {x: y}}
spec: {template: {spec: {containers: [{name: a, image: a}]}}}
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patches:
- patch: |
    apiVersion: v1
    kind: ServiceAccount
    metadata: {name: sa}
    imagePullSecrets: [{name: b}]
    secrets: [{name: b}]
- patch: |
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: d}
    spec:
      extra:
        containers: [{name: b, image: b}]
- target: {labelSelector: x=y}
  patch: |
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: any}
    spec: {template: {spec: {containers: [{name: a, args: null}]}}}
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
imagePullSecrets:
- name: b
kind: ServiceAccount
metadata:
  name: sa
secrets:
- name: b
- name: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  labels:
    x: "y"
  name: cm
spec:
  template:
    spec:
      containers:
      - args: null
        name: a
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  extra:
    containers:
    - image: b
      name: b
"#;
    assert_eq!(got.unwrap(), want);
}

/// kustomize trims an inline `patch:` (a block scalar at its very end loses its final newline) but not a patch file or a patchesStrategicMerge entry.
#[test]
fn inline_patch_text_is_trimmed() {
    let got = build_tree(
        "inline_patch_text_is_trimmed",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b}
"#,
            ),
            (
                "p.yaml",
                r#"apiVersion: v1
kind: ConfigMap
metadata: {name: b}
data:
  x: |
    l1
    l2
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patches:
- patch: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  x: |\n    l1\n    l2\n"
- path: p.yaml
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
data:
  x: |-
    l1
    l2
kind: ConfigMap
metadata:
  name: a
---
apiVersion: v1
data:
  x: |
    l1
    l2
kind: ConfigMap
metadata:
  name: b
"#;
    assert_eq!(got.unwrap(), want);
}

/// A patchesJson6902 file is YAML 1.1: keys such as `y`, `on`, `Off` become "true"/"false"; its renames are not recorded as previous names.
#[test]
fn json6902_yaml_reads_yaml_1_1_keys() {
    let got = build_tree(
        "json6902_yaml_reads_yaml_1_1_keys",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: ConfigMap
metadata: {name: b}
"#,
            ),
            (
                "j.yaml",
                r#"- op: add
  path: /data
  value:
    y: y
    Off: Off
    k1: 0755
- op: replace
  path: /metadata/name
  value: c
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patchesJson6902:
- target: {version: v1, kind: ConfigMap, name: b}
  path: j.yaml
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
data:
  "false": false
  k1: 493
  "true": true
kind: ConfigMap
metadata:
  name: c
"#;
    assert_eq!(got.unwrap(), want);
}

/// After a patchesJson6902 rename, `replicas` by the old name finds nothing (kubectl: error).
#[test]
fn json6902_rename_leaves_no_previous_name() {
    let got = build_tree(
        "json6902_rename_leaves_no_previous_name",
        &[
            (
                "r.yaml",
                r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
"#,
            ),
            (
                "j.yaml",
                r#"- {op: replace, path: /metadata/name, value: web2}
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patchesJson6902:
- target: {group: apps, version: v1, kind: Deployment, name: web}
  path: j.yaml
replicas:
- {name: web, count: 2}
"#,
            ),
        ],
    );
    // kubectl prints `error: resource with name web does not match a config with the following GVK [Deployment.[noVer].[noGrp] StatefulSet.[noVer].[noGrp] ReplicaSet.[noVer].[noGrp] ReplicationController.[noVer].[noGrp]]` and exits 1.
    let err = got.expect_err("kubectl fails here");
    assert!(err.contains(r#"resource with name web does not match a config with the following GVK [Deployment.[noVer].[noGrp] StatefulSet.[noVer].[noGrp] ReplicaSet.[noVer].[noGrp] ReplicationController.[noVer].[noGrp]]"#), "{err}");
}

/// Two resources that end with one id cannot both be output (kubectl panics: may not add resource with an already registered id).
#[test]
fn duplicate_ids_after_a_rename_fail() {
    let got = build_tree(
        "duplicate_ids_after_a_rename_fail",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b}
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patches:
- target: {name: a}
  patch: '[{"op": "replace", "path": "/metadata/name", "value": "b"}]'
"#,
            ),
        ],
    );
    // kubectl prints `panic: may not add resource with an already registered id: ConfigMap.v1.[noGrp]/b.[noNs]` and exits 2.
    let err = got.expect_err("kubectl fails here");
    assert!(
        err.contains(
            r#"may not add resource with an already registered id: ConfigMap.v1.[noGrp]/b.[noNs]"#
        ),
        "{err}"
    );
}

/// A kustomization that decodes to nothing but apiVersion/kind (or zero values) is "empty".
#[test]
fn kustomization_with_only_type_fields_is_empty() {
    let got = build_tree(
        "kustomization_with_only_type_fields_is_empty",
        &[(
            "kustomization.yaml",
            r#"apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namePrefix: ""
"#,
        )],
    );
    // kubectl prints `error: kustomization.yaml is empty` and exits 1.
    let err = got.expect_err("kubectl fails here");
    assert!(err.contains(r#"kustomization.yaml is empty"#), "{err}");
}

/// Once a port list involves a protocol, merged ports stay where they were and only new ports come first; without protocols patch ports come first.
#[test]
fn service_port_merge_order_with_protocols() {
    let got = build_tree(
        "service_port_merge_order_with_protocols",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: Service
metadata: {name: a}
spec:
  ports: [{port: 8443, protocol: UDP}, {port: 80}, {port: 70}]
---
apiVersion: v1
kind: Service
metadata: {name: b}
spec:
  ports: [{port: 8443}, {port: 80}]
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patches:
- patch: |
    apiVersion: v1
    kind: Service
    metadata: {name: a}
    spec:
      ports: [{port: 70, name: s}, {port: 90}]
- patch: |
    apiVersion: v1
    kind: Service
    metadata: {name: b}
    spec:
      ports: [{port: 80, targetPort: 8081}]
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
kind: Service
metadata:
  name: a
spec:
  ports:
  - port: 90
  - port: 8443
    protocol: UDP
  - port: 80
  - name: s
    port: 70
---
apiVersion: v1
kind: Service
metadata:
  name: b
spec:
  ports:
  - port: 80
    targetPort: 8081
  - port: 8443
"#;
    assert_eq!(got.unwrap(), want);
}

/// A `patches` JSON patch runs after kustomize stored the previous id in internal annotations, so adding one annotation works on a resource without any (not so for a label); its YAML is YAML 1.1 (`y` is true).
#[test]
fn json_patch_entries_see_an_annotations_map() {
    let got = build_tree(
        "json_patch_entries_see_an_annotations_map",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: ConfigMap
metadata: {name: a}
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patches:
- target: {name: a}
  patch: |
    - {op: add, path: /metadata/annotations/x, value: y}
    - {op: add, path: /metadata/annotations/z, value: 1.0}
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    x: "true"
    z: "1"
  name: a
"#;
    assert_eq!(got.unwrap(), want);
}

/// labelSelector/annotationSelector see typed values as text: a label `tier: .5` exists.
#[test]
fn label_selectors_read_typed_values_as_text() {
    let got = build_tree(
        "label_selectors_read_typed_values_as_text",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  labels: {tier: .5}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  annotations: {n: 0755}
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patches:
- target: {labelSelector: tier}
  patch: '[{"op": "add", "path": "/data", "value": {"t": "x"}}]'
- target: {annotationSelector: n=0755}
  patch: '[{"op": "add", "path": "/data", "value": {"n": "x"}}]'
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
data:
  t: x
kind: ConfigMap
metadata:
  labels:
    tier: 0.5
  name: a
---
apiVersion: v1
data:
  "n": x
kind: ConfigMap
metadata:
  annotations:
    "n": "493"
  name: b
"#;
    assert_eq!(got.unwrap(), want);
}

/// A generator merge reads the old data as text: a plain date stays as written, unless a JSON patch already turned it into a timestamp string.
#[test]
fn generator_merge_reads_data_as_text() {
    let got = build_tree(
        "generator_merge_reads_data_as_text",
        &[
            (
                "base/r.yaml",
                r#"apiVersion: v1
kind: ConfigMap
metadata: {name: a}
data: {d: 2001-12-14}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b}
data: {d: 2001-12-14}
"#,
            ),
            (
                "base/kustomization.yaml",
                r#"resources: [r.yaml]
patches:
- target: {name: b}
  patch: '[{"op": "add", "path": "/data/x", "value": "y"}]'
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [base]
configMapGenerator:
- {name: a, behavior: merge, literals: [k=v]}
- {name: b, behavior: merge, literals: [k=v]}
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
data:
  d: "2001-12-14"
  k: v
kind: ConfigMap
metadata:
  name: a
---
apiVersion: v1
data:
  d: "2001-12-14T00:00:00Z"
  k: v
  x: "y"
kind: ConfigMap
metadata:
  name: b
"#;
    assert_eq!(got.unwrap(), want);
}

/// Annotation values are printed as their source text: `~` stays "~", an empty value (block
/// or flow map) is "", `Null` is "Null"; a targeted patch copies its labels and annotations
/// the same way.
#[test]
fn null_annotation_values_keep_their_source_text() {
    let got = build_tree(
        "null_annotation_values_keep_their_source_text",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  annotations:
    t: ~
    e:
    n: null
    N: Null
    q: "~"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  annotations: {d: ~}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations: {c: , d: ~}
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patches:
- target: {name: b}
  patch: |
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: b
      labels: {l: ~, m: }
      annotations: {p: ~, r: Null}
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    "N": "Null"
    e: ""
    "n": "null"
    q: "~"
    t: "~"
  name: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    d: "~"
    p: "~"
    r: "Null"
  labels:
    l: "~"
    m: ""
  name: b
---
apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    c: ""
    d: "~"
  name: c
"#;
    assert_eq!(got.unwrap(), want);
}

/// Patch ports with the same port number where only some have a protocol: one without a
/// protocol is dropped when any other port with its number has one; one with a protocol
/// is dropped when a destination port with its number has none.
#[test]
fn patch_ports_mixing_protocol_presence() {
    let got = build_tree(
        "patch_ports_mixing_protocol_presence",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - {port: 80, name: http, targetPort: 8080}
  - {port: 443, name: https}
---
apiVersion: v1
kind: Service
metadata:
  name: dns
spec:
  ports:
  - {port: 80, name: http, protocol: TCP}
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patches:
- patch: |
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      ports:
      - {port: 80, protocol: UDP, targetPort: 53}
      - {port: 80, targetPort: 9090}
      - {port: 81, targetPort: 9091}
      - {port: 81, protocol: UDP, targetPort: 54}
- patch: |
    apiVersion: v1
    kind: Service
    metadata:
      name: dns
    spec:
      ports:
      - {port: 80, targetPort: 9090}
      - {port: 80, protocol: TCP, targetPort: 53}
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
kind: Service
metadata:
  name: dns
spec:
  ports:
  - name: http
    port: 80
    protocol: TCP
    targetPort: 53
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 81
    protocol: UDP
    targetPort: 54
  - name: http
    port: 80
    targetPort: 8080
  - name: https
    port: 443
"#;
    assert_eq!(got.unwrap(), want);
}

/// A `labels` entry merges its custom `fields` with the built-in specs as kustomize's
/// `FsSlice.MergeAll` does: a built-in spec is dropped when it selects a custom one with the
/// same path (here `metadata/labels` only on StatefulSets), and a different `create` is
/// an error.
#[test]
fn label_fields_merge_with_builtin_specs() {
    let resources = r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: s
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
---
apiVersion: v1
kind: Service
metadata:
  name: svc
"#;
    let got = build_tree(
        "label_fields_merge_with_builtin_specs",
        &[
            ("r.yaml", resources),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
labels:
- pairs: {x: z}
  fields: [{path: metadata/labels, kind: StatefulSet, create: true}]
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
kind: Service
metadata:
  name: svc
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  labels:
    x: z
  name: s
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
"#;
    assert_eq!(got.unwrap(), want);
    // kubectl: "error: failed to merge template fieldSpec: conflicting fieldspecs"
    let err = build_tree(
        "label_fields_merge_with_builtin_specs_conflict",
        &[
            ("r.yaml", resources),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
labels:
- pairs: {x: z}
  includeTemplates: true
  fields: [{path: spec/template/metadata/labels, group: apps, kind: StatefulSet}]
"#,
            ),
        ],
    )
    .unwrap_err();
    assert!(
        err.contains("failed to merge template fieldSpec: conflicting fieldspecs"),
        "{err}"
    );
    // kubectl: "error: failed to merge labels: conflicting fieldspecs"
    let err = build_tree(
        "label_fields_merge_with_builtin_specs_conflict2",
        &[
            ("r.yaml", resources),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
labels:
- pairs: {x: z}
  includeSelectors: true
  fields: [{path: spec/selector/matchLabels, kind: Deployment}]
"#,
            ),
        ],
    )
    .unwrap_err();
    assert!(
        err.contains("failed to merge labels: conflicting fieldspecs"),
        "{err}"
    );
}

/// A JSON patch sees the resource as JSON: a plain date among its annotations, otherwise
/// printed as written, becomes an RFC 3339 string; an unpatched resource keeps it.
#[test]
fn json_patch_converts_plain_date_annotations() {
    let got = build_tree(
        "json_patch_converts_plain_date_annotations",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  annotations:
    d: 2001-12-14
    q: "2024-01-02"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  annotations:
    d: 2001-12-14
"#,
            ),
            (
                "kustomization.yaml",
                r#"resources: [r.yaml]
patches:
- target: {name: a}
  patch: '[{"op": "add", "path": "/metadata/annotations/x", "value": "y"}]'
"#,
            ),
        ],
    );
    let want = r#"apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    d: "2001-12-14T00:00:00Z"
    q: "2024-01-02"
    x: "y"
  name: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    d: "2001-12-14"
  name: b
"#;
    assert_eq!(got.unwrap(), want);
}

/// go-yaml v3 reads an omitted value in a flow mapping (`{c: }`) as "" (a block `c:` and
/// `~` stay null), in every field of a resource.
#[test]
fn empty_flow_mapping_values_are_empty_strings() {
    let got = build_tree(
        "empty_flow_mapping_values_are_empty_strings",
        &[
            (
                "r.yaml",
                r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  labels: {c: , d: ~, f: null}
  annotations: {c: , d: ~}
data: {c: , d: ~, e: "", f: null}
binaryData:
  c:
---
apiVersion: v1
kind: Foo
metadata:
  name: a
spec: {c: , d: ~, f: null, l: [a, ], m: [ ~, ], n: [{x: }, {y: {z: }}]}
other:
  c:
  l:
  - 
  - ~
"#,
            ),
            ("kustomization.yaml", "resources: [r.yaml]\n"),
        ],
    );
    let want = r#"apiVersion: v1
binaryData:
  c: null
data:
  c: ""
  d: null
  e: ""
  f: null
kind: ConfigMap
metadata:
  annotations:
    c: ""
    d: "~"
  labels:
    c: ""
    d: null
    f: null
  name: a
---
apiVersion: v1
kind: Foo
metadata:
  name: a
other:
  c: null
  l:
  - null
  - null
spec:
  c: ""
  d: null
  f: null
  l:
  - a
  m:
  - null
  "n":
  - x: ""
  - "y":
      z: ""
"#;
    assert_eq!(got.unwrap(), want);
}
