//! `spec.namespace`: the Namespace object, first in the output, once per namespace of a fleet,
//! with the Pod Security labels; and every pod shgw renders meets the level it enforces by
//! default (`restricted`), checked control by control against the Pod Security Standards
//! (kubernetes.io/docs/concepts/security/pod-security-standards, "Restricted" and the
//! "Baseline" controls it includes). Neither judge here runs Pod Security admission (the test
//! API server is v1.20, before it; kubernetes-validate checks schemas), so the controls are
//! checked here, on every example under every profile.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::Value;

/// `text` with `spec.namespace.create: true` in every Gateway document.
fn creating(text: &str) -> String {
    let out = text.replace("\nspec:\n", "\nspec:\n  namespace: {create: true}\n");
    assert!(out.contains("namespace: {create: true}"));
    out
}

fn render(name: &str, text: &str, profile: &str) -> Result<shgw::Manifests, shgw::Error> {
    let gws = shgw::parse_gateways(name, text)?;
    let p = shgw::Profile::embedded(profile)?;
    shgw::render_with(name, &gws, &p, &shgw::RenderOptions::default())
}

#[test]
fn the_namespace_comes_first_once_per_namespace_with_pod_security_labels() {
    for (name, text) in common::examples() {
        for profile in common::PROFILES {
            let default = common::render(&name, &text, profile);
            let out = render(&name, &creating(&text), profile).unwrap();
            let values = out.to_values();
            let namespaces: Vec<&Value> =
                values.iter().filter(|v| v["kind"] == "Namespace").collect();
            // The namespaces of the gateways, in file order, before anything else.
            let mut wanted: Vec<String> = Vec::new();
            for v in default.to_values() {
                if let Some(ns) = v["metadata"]["namespace"].as_str()
                    && !wanted.iter().any(|w| w == ns)
                {
                    wanted.push(ns.to_owned());
                }
            }
            let got: Vec<&str> = namespaces
                .iter()
                .map(|v| v["metadata"]["name"].as_str().unwrap())
                .collect();
            assert_eq!(got, wanted, "{name}/{profile}");
            assert!(
                values[..namespaces.len()]
                    .iter()
                    .all(|v| v["kind"] == "Namespace"),
                "{name}/{profile}: not first"
            );
            for ns in &namespaces {
                let labels = &ns["metadata"]["labels"];
                for mode in ["enforce", "audit", "warn"] {
                    assert_eq!(
                        labels[format!("pod-security.kubernetes.io/{mode}")],
                        "restricted"
                    );
                }
                assert_eq!(labels["app.kubernetes.io/managed-by"], "shgw");
                assert!(labels.get("app.kubernetes.io/instance").is_none());
                assert!(ns["metadata"].get("namespace").is_none());
            }
            // Everything else is the default output.
            assert_eq!(
                values[namespaces.len()..],
                default.to_values()[..],
                "{name}/{profile}"
            );
        }
    }
}

#[test]
fn levels_labels_and_refusals() {
    let base = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: gw, namespace: team-a, labels: {team: a}}\nspec:\n  endpoint: gw.configuration.azure-api.net\n";
    let with = |ns: &str| format!("{base}  namespace: {ns}\n");
    let out = render("gw.yaml", &with("{create: true, podSecurity: baseline, labels: {istio-injection: disabled}, annotations: {owner: platform}}"), "dev").unwrap();
    let ns = &out.to_values()[0];
    assert_eq!(
        ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
        "baseline"
    );
    assert_eq!(ns["metadata"]["labels"]["istio-injection"], "disabled");
    assert_eq!(ns["metadata"]["labels"]["team"], "a");
    assert_eq!(ns["metadata"]["annotations"]["owner"], "platform");
    let out = render("gw.yaml", &with("{create: true, podSecurity: none}"), "dev").unwrap();
    let labels = out.to_values()[0]["metadata"]["labels"].clone();
    assert!(
        labels
            .as_object()
            .unwrap()
            .keys()
            .all(|k| !k.starts_with("pod-security"))
    );
    // Not created: nothing rendered, and a warning when other fields are set.
    let out = render("gw.yaml", &with("{podSecurity: baseline}"), "dev").unwrap();
    assert!(out.objects.iter().all(|o| o.kind() != "Namespace"));
    assert!(
        out.warnings
            .iter()
            .any(|w| w.path == "spec.namespace.create")
    );
    // Refused: no namespace (a profile without a default one), Kubernetes' own, a Pod Security
    // label written by hand, a level that does not exist.
    let no_ns = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  endpoint: gw.configuration.azure-api.net\n  namespace: {create: true}\n";
    let bare = shgw::Profile::from_yaml(
        "bare.yaml",
        "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: bare}\nextends: production\ndefaults: {metadata: {namespace: null}}\n",
    )
    .unwrap();
    let gws = shgw::parse_gateways("gw.yaml", no_ns).unwrap();
    let e = shgw::render_with("gw.yaml", &gws, &bare, &shgw::RenderOptions::default()).unwrap_err();
    assert!(
        e.errors()
            .any(|d| d.path == "spec.namespace.create"
                && d.message.contains("needs metadata.namespace")),
        "{e}"
    );
    for (text, path, says) in [
        (
            with("{create: true}").replace("team-a", "kube-system"),
            "spec.namespace.create",
            "Kubernetes' own",
        ),
        (
            with("{create: true, labels: {pod-security.kubernetes.io/enforce: privileged}}"),
            "spec.namespace.labels.pod-security.kubernetes.io/enforce",
            "podSecurity",
        ),
    ] {
        let e = render("gw.yaml", &text, "dev").unwrap_err();
        assert!(
            e.errors()
                .any(|d| d.path == path && d.message.contains(says)),
            "{e}"
        );
    }
    let e = render(
        "gw.yaml",
        &with("{create: true, podSecurity: strict}"),
        "dev",
    )
    .unwrap_err();
    assert!(e.to_string().contains("spec.namespace.podSecurity"), "{e}");
    // Two gateways of a fleet that create one namespace differently.
    let fleet = format!(
        "{}---\n{}",
        with("{create: true}"),
        with("{create: true, podSecurity: baseline}").replace("name: gw,", "name: gw2,")
    );
    let e = render("fleet.yaml", &fleet, "dev").unwrap_err();
    assert!(
        e.to_string()
            .contains("two Gateways create Namespace team-a"),
        "{e}"
    );
    let same = format!(
        "{}---\n{}",
        with("{create: true}"),
        with("{create: true}").replace("name: gw,", "name: gw2,")
    );
    let out = render("fleet.yaml", &same, "dev").unwrap();
    assert_eq!(
        out.objects
            .iter()
            .filter(|o| o.kind() == "Namespace")
            .count(),
        1
    );
}

/// The pod templates of a rendered stream: `(where, pod spec)`.
fn pod_specs(values: &[Value]) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for v in values {
        let at = format!("{} {}", v["kind"], v["metadata"]["name"]);
        for pointer in [
            "/spec/template/spec",
            "/spec/jobTemplate/spec/template/spec",
        ] {
            if let Some(p) = v.pointer(pointer) {
                out.push((at.clone(), p.clone()));
            }
        }
    }
    out
}

/// What the Restricted standard finds wrong with a pod spec (empty: it passes).
fn restricted_violations(pod: &Value) -> Vec<String> {
    let mut found = Vec::new();
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if pod[key] == true {
            found.push(format!("{key} is true"));
        }
    }
    let allowed_volumes = [
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
    ];
    for vol in pod["volumes"].as_array().into_iter().flatten() {
        for key in vol.as_object().unwrap().keys().filter(|k| *k != "name") {
            if !allowed_volumes.contains(&key.as_str()) {
                found.push(format!("volume {} is {key}", vol["name"]));
            }
        }
    }
    let psc = &pod["securityContext"];
    let pod_seccomp = psc["seccompProfile"]["type"].as_str();
    let seccomp_ok = |t: Option<&str>| matches!(t, Some("RuntimeDefault" | "Localhost"));
    if psc["runAsUser"] == 0 {
        found.push("pod runAsUser 0".into());
    }
    if psc["sysctls"].is_array() {
        found.push("sysctls".into());
    }
    let containers = ["initContainers", "containers", "ephemeralContainers"]
        .iter()
        .flat_map(|k| pod[*k].as_array().cloned().unwrap_or_default());
    for c in containers {
        let name = c["name"].as_str().unwrap_or_default().to_owned();
        let sc = &c["securityContext"];
        if sc["privileged"] == true {
            found.push(format!("{name}: privileged"));
        }
        if sc["allowPrivilegeEscalation"] != false {
            found.push(format!("{name}: allowPrivilegeEscalation is not false"));
        }
        if sc["runAsNonRoot"] != true && psc["runAsNonRoot"] != true || sc["runAsNonRoot"] == false
        {
            found.push(format!("{name}: runAsNonRoot is not true"));
        }
        if sc["runAsUser"] == 0 {
            found.push(format!("{name}: runAsUser 0"));
        }
        let own = sc["seccompProfile"]["type"].as_str();
        if !(seccomp_ok(own) || own.is_none() && seccomp_ok(pod_seccomp)) {
            found.push(format!(
                "{name}: seccompProfile is not RuntimeDefault or Localhost"
            ));
        }
        let caps = &sc["capabilities"];
        if !caps["drop"]
            .as_array()
            .is_some_and(|d| d.iter().any(|x| x == "ALL"))
        {
            found.push(format!("{name}: capabilities do not drop ALL"));
        }
        if caps["add"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x != "NET_BIND_SERVICE"))
        {
            found.push(format!(
                "{name}: capabilities add more than NET_BIND_SERVICE"
            ));
        }
        if sc["procMount"].as_str().is_some_and(|p| p != "Default") {
            found.push(format!("{name}: procMount"));
        }
        for p in c["ports"].as_array().into_iter().flatten() {
            if p["hostPort"].as_i64().is_some_and(|h| h != 0) {
                found.push(format!("{name}: hostPort"));
            }
        }
    }
    found
}

#[test]
fn every_pod_meets_the_restricted_standard_it_enforces() {
    let mut checked = 0;
    for (name, text) in common::examples() {
        for profile in common::PROFILES {
            let values = render(&name, &creating(&text), profile)
                .unwrap()
                .to_values();
            for (at, pod) in pod_specs(&values) {
                let v = restricted_violations(&pod);
                assert!(v.is_empty(), "{name}/{profile} {at}: {v:?}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "{checked}");
    // The checker is not blind: a root, privileged pod with a host path fails.
    let bad = serde_json::json!({
        "hostNetwork": true,
        "volumes": [{"name": "h", "hostPath": {"path": "/"}}],
        "containers": [{"name": "c", "securityContext": {"privileged": true, "runAsUser": 0}}]
    });
    assert_eq!(
        restricted_violations(&bad).len(),
        8,
        "{:?}",
        restricted_violations(&bad)
    );
}

#[test]
fn kubectl_apply_creates_the_namespaces_first_on_a_real_api_server() {
    // A fresh v1.20 API server with no namespace of the fleet: one `kubectl apply` of the
    // stream creates each Namespace before the objects that go in it (the stream lowered to
    // what v1.20 serves, as in dry_run.rs).
    let Some(api) = shgw_testkit::ApiServer::start("namespace-apply", &[]) else {
        return;
    };
    let (name, text) = common::examples()
        .into_iter()
        .find(|(n, _)| n == "fleet")
        .unwrap();
    for profile in common::PROFILES {
        let m = render(&name, &creating(&text), profile).unwrap();
        let docs: Vec<Value> = m
            .to_values()
            .into_iter()
            .filter_map(shgw_testkit::lowered_for_v1_20)
            .collect();
        let stream = shgw_yaml::to_multi_doc(&docs);
        let out = api.kubectl(&["apply", "-f", "-"], Some(&stream));
        assert!(
            out.status.success(),
            "{profile}: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        let said = String::from_utf8_lossy(&out.stdout);
        for ns in ["apim-west", "apim-east", "apim-edge"] {
            assert!(said.contains(&format!("namespace/{ns}")), "{said}");
        }
        let out = api.kubectl(&["get", "namespace", "apim-west", "-o", "json"], None);
        let live: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            live["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
            "restricted"
        );
    }
}
