//! The token renewer's ValidatingAdmissionPolicy (`spec.auth.token.renewal.admissionPolicy`):
//! rendered only when asked, valid for Kubernetes 1.30 and later (kubernetes-validate), and its
//! CEL, run by Google's CEL runtime (cel-expr-python, `cel-python` in /opt/validators/bin),
//! lets the renewer's ServiceAccount change the one pod-template annotation and the token, and
//! nothing else: not the image, envFrom, the ServiceAccount, the replicas, ...
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::{Value, json};
use std::process::Command;

const NS: &str = "apim-gateway";
const NAME: &str = "fabrikam-east";
const SECRET: &str = "fabrikam-east-token";
const RENEWER: &str = "system:serviceaccount:apim-gateway:fabrikam-east-token-renewer";

fn example(admission_policy: Option<bool>) -> shgw::Manifests {
    let (_, text) = common::examples()
        .into_iter()
        .find(|(n, _)| n == "renewal")
        .unwrap();
    let text = match admission_policy {
        Some(on) => text.replace(
            "        image:\n          repository: registry.fabrikam.example",
            &format!(
                "        admissionPolicy: {{enabled: {on}}}\n        image:\n          repository: registry.fabrikam.example"
            ),
        ),
        None => text,
    };
    common::render("renewal", &text, "production")
}

fn of_kind(m: &shgw::Manifests, kind: &str) -> Vec<Value> {
    m.objects
        .iter()
        .filter(|o| o.kind() == kind)
        .map(|o| o.to_value())
        .collect()
}

#[test]
fn rendered_only_when_asked() {
    for asked in [None, Some(false)] {
        let m = example(asked);
        assert!(of_kind(&m, "ValidatingAdmissionPolicy").is_empty());
        assert!(of_kind(&m, "ValidatingAdmissionPolicyBinding").is_empty());
    }
    let m = example(Some(true));
    let policy = &of_kind(&m, "ValidatingAdmissionPolicy")[0];
    let binding = &of_kind(&m, "ValidatingAdmissionPolicyBinding")[0];
    let name = "shgw-apim-gateway-fabrikam-east-token-renewer";
    assert_eq!(policy["metadata"]["name"], name);
    assert!(
        policy["metadata"].get("namespace").is_none(),
        "cluster scoped"
    );
    assert_eq!(binding["spec"]["policyName"], name);
    assert_eq!(binding["spec"]["validationActions"], json!(["Deny"]));
    assert_eq!(policy["spec"]["failurePolicy"], "Fail");
}

#[test]
fn kubernetes_validate_accepts_it_from_1_30_and_older_versions_lack_it() {
    let Some(kv) = common::tool("kubernetes-validate") else {
        return;
    };
    let m = example(Some(true));
    let dir = common::scratch("vap-kv");
    let path = dir.join("policy.yaml");
    let docs: Vec<Value> = [
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
    ]
    .iter()
    .flat_map(|k| of_kind(&m, k))
    .collect();
    std::fs::write(&path, shgw_yaml::to_multi_doc(&docs)).unwrap();
    let validate = |version: &str| {
        let out = Command::new(&kv)
            .args(["--strict", "-k", version])
            .arg(&path)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    for version in ["1.30.0", "1.33.0", "1.37.0"] {
        let (ok, text) = validate(version);
        // Validated against the kind's schema, not passed for want of one.
        assert!(
            ok && !text.contains("Couldn't find schema"),
            "kubernetes-validate {version}:\n{text}"
        );
    }
    // 1.29 has the kind only as admissionregistration.k8s.io/v1beta1 (off by default): no
    // schema for it, which kubernetes-validate only warns about.
    let (_, text) = validate("1.29.0");
    assert!(
        text.contains("Couldn't find schema for kind ValidatingAdmissionPolicy with api version admissionregistration.k8s.io/v1"),
        "{text}"
    );
    // The whole render, with the policy, is still valid for the versions shgw targets.
    let all = dir.join("all.yaml");
    std::fs::write(&all, m.to_yaml()).unwrap();
    for version in ["1.33.0", "1.37.0"] {
        let out = Command::new(&kv)
            .args(["--strict", "--quiet", "-k", version])
            .arg(&all)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// The admission request for an update of `resource` (`deployments` or `secrets`) by `user`.
fn request(user: &str, resource: &str, name: &str) -> Value {
    let group = if resource == "deployments" {
        "apps"
    } else {
        ""
    };
    json!({
        "operation": "UPDATE",
        "namespace": NS,
        "name": name,
        "resource": {"group": group, "version": "v1", "resource": resource},
        "userInfo": {"username": user},
    })
}

/// What the API server would hold: the rendered Deployment with a fingerprint, as served
/// (defaults filled in by the server are the same on both sides of an update).
fn live_deployment(m: &shgw::Manifests) -> Value {
    let mut d = of_kind(m, "Deployment")[0].clone();
    d["metadata"]["resourceVersion"] = json!("41");
    d["spec"]["template"]["metadata"]["annotations"]["shgw.dev/token-fingerprint"] =
        json!("0123456789abcdef");
    d
}

fn live_secret() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
        "metadata": {"name": SECRET, "namespace": NS, "resourceVersion": "40",
            "labels": {"app.kubernetes.io/name": "azure-api-management-gateway"},
            "annotations": {"shgw.dev/token-expiry": "2027-01-01T00:00:00Z"}},
        "data": {"value": "R2F0ZXdheUtleSBvbGQ=", "other": "a2VlcA=="},
    })
}

struct Case {
    label: &'static str,
    request: Value,
    old: Value,
    new: Value,
    /// Whether the policy applies, and whether the update is allowed.
    matched: bool,
    allowed: bool,
}

fn change(
    label: &'static str,
    old: &Value,
    f: impl FnOnce(&mut Value),
) -> (&'static str, Value, Value) {
    let mut new = old.clone();
    f(&mut new);
    (label, old.clone(), new)
}

fn evaluate(python: &std::path::Path, policy: &Value, cases: &[Case]) -> Vec<Value> {
    let script = common::workspace().join("crates/shgw/tests/cel/vap_eval.py");
    let input = json!({
        "policy": policy,
        "cases": cases.iter().map(|c| json!({"request": c.request, "object": c.new, "oldObject": c.old})).collect::<Vec<_>>(),
    });
    let mut cmd = Command::new(python);
    cmd.arg(&script);
    let out = shgw_testkit::run_with_stdin(&mut cmd, Some(&input.to_string()));
    assert!(
        out.status.success(),
        "vap_eval.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_renewer_may_change_the_fingerprint_and_the_token_and_nothing_else() {
    let Some(python) = common::tool("cel-python") else {
        return;
    };
    let m = example(Some(true));
    let policy = of_kind(&m, "ValidatingAdmissionPolicy")[0].clone();
    let deployment = live_deployment(&m);
    let secret = live_secret();
    let container = "/spec/template/spec/containers/0";
    let deployment_changes = [
        change(
            "roll: a new fingerprint (what the renewer does)",
            &deployment,
            |d| {
                d["spec"]["template"]["metadata"]["annotations"]["shgw.dev/token-fingerprint"] =
                    json!("fedcba9876543210");
            },
        ),
        change("roll: the first fingerprint", &deployment, |d| {
            d["spec"]["template"]["metadata"]["annotations"]
                .as_object_mut()
                .unwrap()
                .remove("shgw.dev/token-fingerprint");
        }),
        change("another image", &deployment, |d| {
            d.pointer_mut(container).unwrap()["image"] = json!("evil.example/gateway:1");
        }),
        change("envFrom another Secret", &deployment, |d| {
            d.pointer_mut(container).unwrap()["envFrom"]
                .as_array_mut()
                .unwrap()
                .push(json!({"secretRef": {"name": "database-credentials"}}));
        }),
        change("another ServiceAccount", &deployment, |d| {
            d["spec"]["template"]["spec"]["serviceAccountName"] = json!("cluster-admin-sa");
        }),
        change("zero replicas", &deployment, |d| {
            d["spec"]["replicas"] = json!(0);
        }),
        change("replicas removed (an HPA's)", &deployment, |d| {
            d["spec"].as_object_mut().unwrap().remove("replicas");
        }),
        change("paused", &deployment, |d| {
            d["spec"]["paused"] = json!(true);
        }),
        change("another strategy", &deployment, |d| {
            d["spec"]["strategy"] = json!({"type": "Recreate"});
        }),
        change("another pod template annotation", &deployment, |d| {
            d["spec"]["template"]["metadata"]["annotations"]["shgw.dev/config-hash"] = json!("x");
        }),
        change("a pod template annotation added", &deployment, |d| {
            d["spec"]["template"]["metadata"]["annotations"]["sidecar.istio.io/inject"] =
                json!("true");
        }),
        change("a pod label added", &deployment, |d| {
            d["spec"]["template"]["metadata"]["labels"]["azure.workload.identity/use"] =
                json!("true");
        }),
        change("a Deployment label", &deployment, |d| {
            d["metadata"]["labels"]["team"] = json!("x");
        }),
        change("a Deployment annotation", &deployment, |d| {
            d["metadata"]["annotations"]["x"] = json!("y");
        }),
    ];
    let secret_changes = [
        change(
            "store: the token and its annotations (what the renewer does)",
            &secret,
            |s| {
                s["data"]["value"] = json!("R2F0ZXdheUtleSBuZXc=");
                s["metadata"]["annotations"]["shgw.dev/token-expiry"] =
                    json!("2027-02-01T00:00:00Z");
                s["metadata"]["annotations"]["shgw.dev/renewer-last-success"] =
                    json!("2027-01-02T00:00:00Z");
            },
        ),
        change("another data key changed", &secret, |s| {
            s["data"]["other"] = json!("Y2hhbmdlZA==");
        }),
        change("a data key added", &secret, |s| {
            s["data"]["extra"] = json!("eA==");
        }),
        change("a data key removed", &secret, |s| {
            s["data"].as_object_mut().unwrap().remove("other");
        }),
        change("another type", &secret, |s| {
            s["type"] = json!("kubernetes.io/service-account-token");
        }),
        change("made immutable", &secret, |s| {
            s["immutable"] = json!(true);
        }),
        change("a label", &secret, |s| {
            s["metadata"]["labels"]["x"] = json!("y");
        }),
    ];
    let mut cases = Vec::new();
    for (label, old, new) in deployment_changes.into_iter().chain(secret_changes) {
        let (resource, name) = if old["kind"] == "Deployment" {
            ("deployments", NAME)
        } else {
            ("secrets", SECRET)
        };
        let allowed = label.contains("what the renewer does") || label.starts_with("roll:");
        cases.push(Case {
            label,
            request: request(RENEWER, resource, name),
            old: old.clone(),
            new: new.clone(),
            matched: true,
            allowed,
        });
        // Anyone else is not this policy's business (RBAC decides).
        cases.push(Case {
            label: "by another user",
            request: request(
                "system:serviceaccount:apim-gateway:deployer",
                resource,
                name,
            ),
            old: old.clone(),
            new: new.clone(),
            matched: false,
            allowed: true,
        });
    }
    // Another object, even by the renewer, is outside the policy (and outside its Role).
    let mut other = deployment.clone();
    other["metadata"]["name"] = json!("other");
    cases.push(Case {
        label: "another Deployment",
        request: request(RENEWER, "deployments", "other"),
        old: other.clone(),
        new: other,
        matched: false,
        allowed: true,
    });
    let verdicts = evaluate(&python, &policy, &cases);
    assert_eq!(verdicts.len(), cases.len());
    for (case, verdict) in cases.iter().zip(&verdicts) {
        assert_eq!(
            verdict["errors"],
            json!([]),
            "{}: evaluation errors",
            case.label
        );
        assert_eq!(
            verdict["matched"], case.matched,
            "{}: {verdict}",
            case.label
        );
        assert_eq!(
            verdict["allowed"], case.allowed,
            "{}: {verdict}",
            case.label
        );
        if !case.allowed {
            // Exactly the check that names the change refuses it.
            assert_eq!(
                verdict["denied_by"].as_array().unwrap().len(),
                1,
                "{}: {verdict}",
                case.label
            );
        }
    }
}

#[test]
fn kubectl_kustomize_reprints_it_unchanged() {
    let Some(kubectl) = common::tool("kubectl") else {
        return;
    };
    let dir = common::scratch("vap-kustomize");
    let ours = example(Some(true)).to_yaml();
    let theirs = shgw_testkit::kubectl_reprint(&kubectl, &dir, &ours);
    assert!(
        ours == theirs,
        "kubectl kustomize prints it differently (order?):\n--- ours\n{ours}\n--- kubectl\n{theirs}"
    );
}
