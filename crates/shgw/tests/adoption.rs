//! `spec.adoption`: the names and selector of a gateway deployed by other means replace shgw's
//! wherever an object is named or pods are selected; bad names are refused with their path.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use shgw::Profile;

const ADOPTION: &str = "  adoption:
    deployment: east-azure-api-management-gateway
    selector: {app.kubernetes.io/name: azure-api-management-gateway, app.kubernetes.io/component: self-hosted-gateway, app.kubernetes.io/instance: east}
    container: azure-api-management-gateway
    configMap: east-azure-api-management-gateway
    liveTrafficService: east-azure-api-management-gateway
    discoveryService: east-azure-api-management-gateway-instance-discovery
    backupVolume: backup
";

fn gateway(extra: &str) -> String {
    format!(
        "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {{name: east, namespace: apim}}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {{enabled: true, existingClaim: east-azure-api-management-gateway}}\n  autoscaling: {{minReplicas: 2, maxReplicas: 4}}\n  networkPolicy: {{enabled: true}}\n{extra}"
    )
}

fn render(text: &str) -> Result<Vec<Value>, shgw::Error> {
    let gws = shgw::parse_gateways("gw.yaml", text)?;
    Ok(shgw::resolve(&gws[0], &Profile::embedded("production")?)
        .and_then(|r| shgw::render(&r))?
        .to_values())
}

fn one<'a>(docs: &'a [Value], kind: &str) -> Vec<&'a Value> {
    docs.iter().filter(|d| d["kind"] == kind).collect()
}

#[test]
fn adopted_names_and_selector_are_used_everywhere() {
    let docs = render(&gateway(ADOPTION)).unwrap();
    let selector = serde_json::json!({
        "app.kubernetes.io/name": "azure-api-management-gateway",
        "app.kubernetes.io/component": "self-hosted-gateway",
        "app.kubernetes.io/instance": "east",
    });
    let dep = one(&docs, "Deployment")[0];
    assert_eq!(dep["metadata"]["name"], "east-azure-api-management-gateway");
    assert_eq!(dep["spec"]["selector"]["matchLabels"], selector);
    let labels = &dep["spec"]["template"]["metadata"]["labels"];
    for (k, v) in selector.as_object().unwrap() {
        assert_eq!(&labels[k], v, "pods carry the selector");
    }
    let pod = &dep["spec"]["template"]["spec"];
    assert_eq!(pod["containers"][0]["name"], "azure-api-management-gateway");
    assert_eq!(
        pod["containers"][0]["envFrom"][0]["configMapRef"]["name"],
        "east-azure-api-management-gateway"
    );
    assert_eq!(pod["volumes"][0]["name"], "backup");
    assert_eq!(pod["containers"][0]["volumeMounts"][0]["name"], "backup");
    assert_eq!(
        pod["topologySpreadConstraints"][0]["labelSelector"]["matchLabels"],
        selector
    );
    let cm = one(&docs, "ConfigMap")[0];
    assert_eq!(cm["metadata"]["name"], "east-azure-api-management-gateway");
    assert_eq!(
        cm["data"]["neighborhood.host"],
        "east-azure-api-management-gateway-instance-discovery"
    );
    let services = one(&docs, "Service");
    let names: Vec<&str> = services
        .iter()
        .map(|s| s["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "east-azure-api-management-gateway",
            "east-azure-api-management-gateway-instance-discovery"
        ]
    );
    for s in services {
        assert_eq!(s["spec"]["selector"], selector);
    }
    let pdb = one(&docs, "PodDisruptionBudget")[0];
    assert_eq!(pdb["metadata"]["name"], "east-azure-api-management-gateway");
    assert_eq!(pdb["spec"]["selector"]["matchLabels"], selector);
    let hpa = one(&docs, "HorizontalPodAutoscaler")[0];
    assert_eq!(
        hpa["spec"]["scaleTargetRef"]["name"],
        "east-azure-api-management-gateway"
    );
    let np = one(&docs, "NetworkPolicy")[0];
    assert_eq!(np["spec"]["podSelector"]["matchLabels"], selector);
    assert!(one(&docs, "PersistentVolumeClaim").is_empty());
}

#[test]
fn without_adoption_shgw_names_everything() {
    let docs = render(&gateway("")).unwrap();
    let dep = one(&docs, "Deployment")[0];
    assert_eq!(dep["metadata"]["name"], "east");
    assert_eq!(
        dep["spec"]["template"]["spec"]["containers"][0]["name"],
        "gateway"
    );
    let names: Vec<&str> = one(&docs, "Service")
        .iter()
        .map(|s| s["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["east-instance-discovery", "east-live-traffic"]);
}

#[test]
fn bad_adoption_names_are_refused_with_their_path() {
    let bad = "  adoption:
    deployment: Bad_Name
    container: has.dot
    liveTrafficService: 1starts-with-digit
    discoveryService: UPPER
    configMap: \"a b\"
    backupVolume: -x
    selector: {\"bad key\": v, ok: \"bad value!\"}
  pod:
    labels: {app: east}
";
    let e = render(&gateway(bad)).unwrap_err();
    let paths: Vec<&str> = e.errors().map(|d| d.path.as_str()).collect();
    for p in [
        "spec.adoption.deployment",
        "spec.adoption.container",
        "spec.adoption.liveTrafficService",
        "spec.adoption.discoveryService",
        "spec.adoption.configMap",
        "spec.adoption.backupVolume",
        "spec.adoption.selector.bad key",
        "spec.adoption.selector.ok",
    ] {
        assert!(paths.contains(&p), "{p} not in {paths:?}");
    }
    // A selector label set again as a pod label is refused: the selector puts it there.
    let dup = "  adoption:\n    selector: {app: east}\n  pod:\n    labels: {app: east}\n";
    let e = render(&gateway(dup)).unwrap_err();
    assert!(e.errors().any(|d| d.path == "spec.pod.labels.app"), "{e}");
    // An adopted Deployment needs its selector: it cannot change.
    let e = render(&gateway("  adoption: {deployment: other}\n")).unwrap_err();
    assert!(
        e.errors().any(|d| d.path == "spec.adoption.selector"),
        "{e}"
    );
}

#[test]
fn an_adopted_gateway_may_stay_in_the_default_namespace_with_a_warning() {
    let text = |extra: &str| {
        format!(
            "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {{name: west, namespace: default}}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {{enabled: false}}\n{extra}"
        )
    };
    let p = Profile::embedded("production").unwrap();
    let gws =
        shgw::parse_gateways("gw.yaml", &text("  adoption: {selector: {app: west}}\n")).unwrap();
    let m = shgw::resolve(&gws[0], &p)
        .and_then(|r| shgw::render(&r))
        .unwrap();
    // The render says why on the Deployment, where `shgw review` of the output reads it too.
    let f = m
        .review
        .findings
        .iter()
        .find(|f| f.rule == "SHGW042")
        .unwrap();
    let s = f.suppression.as_ref().unwrap();
    assert!(s.justification.contains("adopted in place"), "{s:?}");
    assert!(
        m.warnings.iter().all(|w| w.rule != Some("SHGW090")),
        "{:?}",
        m.warnings
    );
    let gws = shgw::parse_gateways("gw.yaml", &text("")).unwrap();
    let e = shgw::resolve(&gws[0], &p)
        .and_then(|r| shgw::render(&r))
        .unwrap_err();
    assert!(e.errors().any(|d| d.path == "metadata.namespace"), "{e}");
}

#[test]
fn alerts_watch_the_adopted_deployment() {
    let text = gateway(&format!(
        "{ADOPTION}  telemetry: {{alerts: {{enabled: true}}}}\n"
    ));
    let docs = render(&text).unwrap();
    let rule = one(&docs, "PrometheusRule")[0].to_string();
    assert!(
        rule.contains("deployment=\\\"east-azure-api-management-gateway\\\""),
        "{rule}"
    );
}

/// The token renewer rolls, and may touch, the adopted Deployment: its Role, its arguments and
/// its admission policy name it.
#[test]
fn the_token_renewer_targets_the_adopted_deployment() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/renewal.yaml"),
    )
    .unwrap();
    let mut docs: Vec<serde_json::Value> = shgw::file::parse_documents("renewal.yaml", &text)
        .unwrap()
        .iter()
        .map(|d| d.node.to_value())
        .collect();
    docs[0]["spec"]["adoption"] = serde_json::json!({
        "deployment": "fabrikam-east-azure-api-management-gateway",
        "selector": {"app": "fabrikam-east"},
    });
    docs[0]["spec"]["auth"]["token"]["renewal"]["admissionPolicy"] =
        serde_json::json!({"enabled": true});
    let gws = shgw::file::gateways_from_documents("renewal.yaml", docs).unwrap();
    let out = shgw::resolve(&gws[0], &Profile::embedded("production").unwrap())
        .and_then(|r| shgw::render(&r))
        .unwrap()
        .to_values();
    let adopted = "fabrikam-east-azure-api-management-gateway";
    let role = one(&out, "Role")[0];
    assert!(role["rules"].to_string().contains(adopted), "{role}");
    let job = one(&out, "CronJob")[0].to_string();
    assert!(
        job.contains(&format!("\"--deployment\",\"{adopted}\"")),
        "{job}"
    );
    let vap = one(&out, "ValidatingAdmissionPolicy")[0].to_string();
    assert!(vap.contains(adopted), "{vap}");
    // Nothing names a Deployment the gateway no longer has.
    for o in [role.to_string(), job, vap] {
        assert!(!o.contains("\"fabrikam-east\"]"), "{o}");
    }
}
