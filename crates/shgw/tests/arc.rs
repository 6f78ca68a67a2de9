//! The Azure Arc extension's properties for every example: every setting one the extension's
//! reference documents, string values only, the token only among the protected settings and
//! only when given, Entra and workload identity refused without a token, and what the
//! extension cannot express named. Reviewed snapshots in `snapshots/arc__*.snap`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::Value;
use shgw::{ErrorKind, Profile, Resolved, Token, arc::ArcRemedy};

const TOKEN: &str = "GatewayKey contoso-west&209912312359&U2VjcmV0U2lnbmF0dXJlVmFsdWU0Mg==";
const SIGNATURE: &str = "U2VjcmV0U2lnbmF0dXJlVmFsdWU0Mg==";

fn resolve_all(name: &str, text: &str, profile: &str) -> Vec<Resolved> {
    let p = Profile::embedded(profile).unwrap();
    shgw::parse_gateways(name, text)
        .unwrap()
        .iter()
        .map(|g| shgw::resolve(g, &p).unwrap_or_else(|e| panic!("{name}: {e:?}")))
        .collect()
}

/// One Gateway resolved under the embedded `profile`.
fn resolve(g: &shgw::Gateway, profile: &str) -> Resolved {
    shgw::resolve(g, &Profile::embedded(profile).unwrap()).unwrap()
}

fn resolve_one(text: &str, profile: &str) -> Resolved {
    resolve_all("test.yaml", text, profile).remove(0)
}

/// A Gateway with `spec` (indented lines) added; a pinned image unless `spec` names one.
fn gateway(spec: &str) -> String {
    let image = if spec.contains("  image:") {
        ""
    } else {
        "  image: {tag: \"2.12.1\"}\n"
    };
    format!(
        "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {{name: contoso-west, namespace: apim}}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {{storageClassName: azurefile-csi}}\n{image}{spec}"
    )
}

/// Every key is documented (or below a documented tree key), every value a string, and the
/// token setting never among the plain ones.
fn assert_documented(p: &Value) {
    let settings = p["configurationSettings"].as_object().unwrap();
    assert!(!settings.is_empty());
    for (k, v) in settings {
        assert!(
            shgw::arc::setting(k).is_some(),
            "{k} is not a setting the extension documents"
        );
        assert!(v.is_string(), "{k}: {v} is not a string");
        assert_ne!(k, shgw::arc::TOKEN_SETTING);
    }
    assert_eq!(p["extensionType"], shgw::arc::EXTENSION_TYPE);
    assert!(p["scope"]["namespace"]["targetNamespace"].is_string());
    assert!(p["autoUpgradeMinorVersion"].is_boolean());
    assert_eq!(p["releaseTrain"], "preview");
    let keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
    for k in &keys {
        assert!(
            [
                "extensionType",
                "autoUpgradeMinorVersion",
                "releaseTrain",
                "scope",
                "configurationSettings",
                "configurationProtectedSettings"
            ]
            .contains(k),
            "{k} is not an ARM property of the extension"
        );
    }
}

fn report(ext: &shgw::arc::ArcExtension) -> String {
    let mut s = serde_json::to_string_pretty(&ext.properties()).unwrap();
    s.push('\n');
    for g in &ext.gaps {
        s.push_str(&format!("# cannot express: {g}\n"));
    }
    s
}

#[test]
fn every_example_under_production() {
    let examples = common::examples();
    assert!(examples.len() >= 8);
    let mut refused = 0;
    for (name, text) in &examples {
        let gateways = shgw::parse_gateways(name, text).unwrap();
        for (i, r) in resolve_all(name, text, "production").iter().enumerate() {
            let spec = &gateways[i].spec;
            let snap = if i == 0 {
                format!("arc__{name}")
            } else {
                format!("arc__{name}-{i}")
            };
            match shgw::arc::extension(r, None) {
                Ok(ext) => {
                    let p = ext.properties();
                    assert_documented(&p);
                    assert!(p.get("configurationProtectedSettings").is_none());
                    assert_eq!(
                        p["configurationSettings"]["gateway.configuration.uri"],
                        spec.endpoint.as_deref().unwrap()
                    );
                    common::settings().bind(|| insta::assert_snapshot!(snap, report(&ext)));
                }
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::ArcAuth, "{name}: {e}");
                    assert!(!matches!(
                        spec.auth,
                        None | Some(shgw::spec::Auth::Token(_))
                    ));
                    refused += 1;
                    common::settings().bind(|| insta::assert_snapshot!(snap, e.to_string()));
                }
            }
        }
    }
    // entra, entra-certificate and the fleet's workload-identity gateway.
    assert_eq!(refused, 3);
}

#[test]
fn the_token_goes_only_into_protected_settings_and_only_when_given() {
    let r = resolve_one(&gateway(""), "production");
    let token = Token::parse(TOKEN).unwrap();
    let with = shgw::arc::extension(&r, Some(&token)).unwrap();
    assert!(with.has_token());
    let p = with.properties();
    assert_documented(&p);
    assert_eq!(
        p["configurationProtectedSettings"],
        serde_json::json!({"gateway.auth.token": TOKEN})
    );
    let plain = serde_json::to_string(&p["configurationSettings"]).unwrap();
    assert!(!plain.contains(SIGNATURE));
    // The Debug form of the whole extension never shows it either.
    assert!(!format!("{with:?}").contains(SIGNATURE));
    let without = shgw::arc::extension(&r, None).unwrap().properties();
    assert!(without.get("configurationProtectedSettings").is_none());
    assert!(!without.to_string().contains(SIGNATURE));
    assert_eq!(p["configurationSettings"], without["configurationSettings"]);
}

#[test]
fn entra_and_workload_identity_are_refused_without_a_token() {
    let token = Token::parse(TOKEN).unwrap();
    for auth in [
        "  auth: {workloadIdentity: {clientId: 7d8f2c4e-3b1a-4c5d-9e6f-0a1b2c3d4e5f}}\n",
        "  auth: {entraApp: {tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47, clientId: 7d8f2c4e-3b1a-4c5d-9e6f-0a1b2c3d4e5f, clientSecret: {secretName: entra, secretKey: secret}}}\n",
    ] {
        let r = resolve_one(&gateway(auth), "production");
        let e = shgw::arc::extension(&r, None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ArcAuth);
        assert_eq!((e.input(), e.path()), ("Gateway contoso-west", "spec.auth"));
        assert!(e.to_string().contains("gateway.auth.token"), "{e}");
        // With a token the extension authenticates with it, and says the Gateway's auth is lost.
        let ext = shgw::arc::extension(&r, Some(&token)).unwrap();
        assert!(ext.has_token());
        assert!(ext.gaps.iter().any(|g| g.path == "spec.auth"));
    }
}

#[test]
fn settings_follow_the_gateway() {
    let r = resolve_one(
        &gateway(
            "  replicas: 5\n  service:\n    type: NodePort\n    httpPort: 8000\n    httpsPort: 8443\n    annotations: {service.beta.kubernetes.io/azure-load-balancer-internal: \"true\"}\n  image: {tag: \"2.12.1\", pullSecrets: [acr-a, acr-b], pullPolicy: Always}\n  pod:\n    nodeSelector: {kubernetes.io/os: linux}\n    tolerations: [{key: dedicated, operator: Equal, value: gw, effect: NoSchedule}, {operator: Exists, tolerationSeconds: 30, effect: NoExecute}]\n  highAvailability: {podDisruptionBudget: {maxUnavailable: 2}, topologySpread: zone, antiAffinity: none}\n  telemetry:\n    logs: {std: text, level: info, local: {type: rfc5424, endpoint: \"syslog:514\", facility: 7}}\n    metrics: {cloud: false, statsd: {endpoint: \"statsd:8125\", sampling: 0.25, tagFormat: influxDB}, openTelemetry: {collectorUri: \"http://otel:4317\"}}\n",
        ),
        "dev",
    );
    let ext = shgw::arc::extension(&r, None).unwrap();
    let p = ext.properties();
    assert_documented(&p);
    let s = &p["configurationSettings"];
    for (k, v) in [
        ("replicaCount", "5"),
        ("service.type", "NodePort"),
        ("service.http.port", "8000"),
        ("service.https.port", "8443"),
        (
            "service.annotations.service\\.beta\\.kubernetes\\.io/azure-load-balancer-internal",
            "true",
        ),
        ("image.tag", "2.12.1"),
        (
            "image.repository",
            "mcr.microsoft.com/azure-api-management/gateway",
        ),
        ("image.pullPolicy", "Always"),
        ("imagePullSecrets[0].name", "acr-a"),
        ("imagePullSecrets[1].name", "acr-b"),
        ("nodeSelector.kubernetes\\.io/os", "linux"),
        ("tolerations[0].key", "dedicated"),
        ("tolerations[0].effect", "NoSchedule"),
        ("tolerations[1].operator", "Exists"),
        ("tolerations[1].tolerationSeconds", "30"),
        ("highAvailability.enabled", "true"),
        ("highAvailability.disruption.maximumUnavailable", "2"),
        ("telemetry.logs.std", "text"),
        ("telemetry.logs.local", "rfc5424"),
        ("telemetry.logs.localConfig.rfc5424.endpoint", "syslog:514"),
        ("telemetry.logs.localConfig.rfc5424.facility", "7"),
        ("telemetry.metrics.cloud", "false"),
        ("telemetry.metrics.local", "statsd"),
        ("telemetry.metrics.localStatsd.endpoint", "statsd:8125"),
        ("telemetry.metrics.localStatsd.sampling", "0.25"),
        ("telemetry.metrics.localStatsd.tagFormat", "influxDB"),
        ("telemetry.metrics.opentelemetry.enabled", "true"),
        (
            "telemetry.metrics.opentelemetry.collector.uri",
            "http://otel:4317",
        ),
    ] {
        assert_eq!(s[k], v, "{k}");
    }
    assert_eq!(
        s.as_object().unwrap().get("tolerations[1].key"),
        None,
        "absent fields stay absent"
    );
}

#[test]
fn what_cannot_be_expressed_is_named_with_its_remedy() {
    let r = resolve_one(
        &gateway(
            "  image: {tag: \"2.12.1\", digest: \"sha256:3f1c0ea2c4d8f1b6a9e7d2c5b8a1f4e7d0c3b6a9f2e5d8c1b4a7f0e3d6c9b2a5\"}\n  autoscaling: {minReplicas: 3, maxReplicas: 9}\n  networkPolicy: {enabled: true}\n  highAvailability: {podDisruptionBudget: {minAvailable: 2}, topologySpread: hostname}\n  settings: {net.server.http.forwarded.proto.enabled: true}\n  proxy: {https: \"http://proxy:3128\"}\n  telemetry: {alerts: {enabled: true}}\n",
        ),
        "production",
    );
    let ext = shgw::arc::extension(&r, None).unwrap();
    let s = &ext.properties()["configurationSettings"];
    assert_eq!(s["replicaCount"], "3", "the autoscaler's minimum");
    // The extension's own budget, written out.
    assert_eq!(s["highAvailability.disruption.maximumUnavailable"], "25%");
    let gap = |path: &str| {
        ext.gaps
            .iter()
            .find(|g| g.path == path)
            .unwrap_or_else(|| panic!("no gap at {path}: {:?}", ext.gaps))
    };
    for path in [
        "spec.image.digest",
        "spec.autoscaling",
        "spec.highAvailability.podDisruptionBudget.minAvailable",
        "spec.highAvailability.topologySpread",
        "spec.settings",
        "spec.proxy",
        "spec.securityContext",
    ] {
        assert_eq!(gap(path).remedy, ArcRemedy::No, "{path}");
    }
    assert!(
        gap("spec.settings")
            .detail
            .contains("net.server.http.forwarded.proto.enabled")
    );
    for (path, kind) in [
        ("spec.networkPolicy", "NetworkPolicy"),
        ("spec.telemetry.alerts", "PrometheusRule"),
    ] {
        match &gap(path).remedy {
            ArcRemedy::Alongside { kinds, change } => {
                assert_eq!(*kinds, [kind]);
                assert!(!change.is_empty());
            }
            other => panic!("{path}: {other:?}"),
        }
    }
    // Those kinds are what `shgw render` makes of the same Gateway.
    let gw = &shgw::parse_gateways(
        "g.yaml",
        &gateway("  networkPolicy: {enabled: true}\n  telemetry: {alerts: {enabled: true}}\n"),
    )
    .unwrap()[0];
    let m = shgw::render(&resolve(gw, "production")).unwrap();
    for kind in ["NetworkPolicy", "PrometheusRule"] {
        assert!(m.objects.iter().any(|o| o.kind() == kind), "{kind}");
    }
}

#[test]
fn the_prometheus_sidecar_is_not_pointed_at_by_statsd() {
    let (name, text) = common::examples()
        .into_iter()
        .find(|(n, _)| n == "prometheus")
        .unwrap();
    let r = resolve_all(&name, &text, "production").remove(0);
    let ext = shgw::arc::extension(&r, None).unwrap();
    let s = &ext.properties()["configurationSettings"];
    // The sidecar's loopback address means nothing in the extension's pod.
    assert_eq!(s["telemetry.metrics.local"], "none");
    assert!(s.get("telemetry.metrics.localStatsd.endpoint").is_none());
    assert!(
        ext.gaps
            .iter()
            .any(|g| g.path == "spec.telemetry.metrics.prometheus" && g.remedy == ArcRemedy::No)
    );
}

#[test]
fn output_is_deterministic() {
    for (name, text) in common::examples() {
        for r in resolve_all(&name, &text, "production") {
            let a = shgw::arc::extension(&r, None).map(|e| e.properties().to_string());
            let b = shgw::arc::extension(&r, None).map(|e| e.properties().to_string());
            assert_eq!(a, b);
        }
    }
}
