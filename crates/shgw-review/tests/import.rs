//! `shgw import` round trips: the portal's file, the Helm chart's output and the chart's values
//! become Gateway files that shgw accepts, whose render reads the same Secret and key, the same
//! endpoint and the same image as the original. Imports are reviewed snapshots.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use shgw_review::{Error, ErrorKind, Imported, import_helm_values, import_manifests, load};
use shgw_testkit::workspace;

fn read(path: &str) -> String {
    std::fs::read_to_string(workspace().join(path)).unwrap()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(workspace().join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

/// The wiring that must survive: Secret name and key of config.service.auth, the endpoint, the
/// image.
#[derive(Debug, PartialEq)]
struct Wiring {
    secret: (String, String),
    endpoint: String,
    image: String,
}

/// The wiring of the first gateway Deployment in `docs`, reading the endpoint from env or the
/// ConfigMap it loads.
fn wiring(docs: &[Value]) -> Wiring {
    let dep = docs.iter().find(|d| d["kind"] == "Deployment").unwrap();
    let c = &dep["spec"]["template"]["spec"]["containers"][0];
    let env = c["env"].as_array().unwrap();
    let auth = env
        .iter()
        .find(|e| e["name"] == "config.service.auth")
        .unwrap();
    let r = &auth["valueFrom"]["secretKeyRef"];
    let cm_name = c["envFrom"][0]["configMapRef"]["name"].as_str().unwrap();
    let cm = docs
        .iter()
        .find(|d| d["kind"] == "ConfigMap" && d["metadata"]["name"] == cm_name)
        .unwrap();
    Wiring {
        secret: (
            r["name"].as_str().unwrap().into(),
            r["key"].as_str().unwrap().into(),
        ),
        endpoint: cm["data"]["config.service.endpoint"]
            .as_str()
            .unwrap()
            .into(),
        image: c["image"].as_str().unwrap().into(),
    }
}

fn render(imported: &Imported, profile: &str) -> Vec<Value> {
    let yaml = imported.to_yaml();
    let gws =
        shgw::parse_gateways("imported.yaml", &yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    // What import built is what its file reads back as: typed by construction.
    assert_eq!(gws, imported.gateways, "{yaml}");
    let p = shgw::Profile::embedded(profile).unwrap();
    shgw::render_with("imported.yaml", &gws, &p, &shgw::RenderOptions::default())
        .unwrap_or_else(|e| panic!("{e}\n{yaml}"))
        .to_values()
}

fn original(path: &str) -> Vec<Value> {
    load(path, &read(path))
        .unwrap()
        .documents
        .into_iter()
        .map(|d| d.value)
        .collect()
}

#[test]
fn the_portal_file_round_trips() {
    let path = "examples/portal/contoso-west.yml";
    let imported = import_manifests(&load(path, &read(path)).unwrap()).unwrap();
    settings().bind(|| insta::assert_snapshot!("import__portal", imported.to_yaml()));
    // dev: the portal's single replica and v2 tag are what it had (production refuses them).
    let rendered = render(&imported, "dev");
    assert_eq!(wiring(&rendered), wiring(&original(path)));
    let dep = rendered.iter().find(|d| d["kind"] == "Deployment").unwrap();
    assert_eq!(dep["spec"]["replicas"], 1);
    assert_eq!(dep["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
}

#[test]
fn the_helm_chart_output_round_trips_and_passes_production() {
    let path = "crates/shgw-review/tests/inputs/helm-template.yaml";
    let imported =
        shgw_review::import_manifests_in(&load(path, &read(path)).unwrap(), Some("apim-east"))
            .unwrap();
    settings().bind(|| insta::assert_snapshot!("import__helm-template", imported.to_yaml()));
    let rendered = render(&imported, "production");
    let w = wiring(&rendered);
    assert_eq!(w, wiring(&original(path)));
    assert_eq!(
        w.secret,
        ("contoso-east-token".into(), "gateway-key".into())
    );
    let dep = rendered.iter().find(|d| d["kind"] == "Deployment").unwrap();
    let env = dep["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap();
    assert!(
        env.iter()
            .any(|e| e["name"] == "HTTPS_PROXY" && e["value"] == "http://proxy.corp.example:3128")
    );
    let svc = rendered
        .iter()
        .find(|d| d["kind"] == "Service" && d["spec"]["type"] == "LoadBalancer")
        .unwrap();
    assert_eq!(svc["spec"]["ports"][0]["port"], 8080);
    assert_eq!(
        svc["metadata"]["annotations"]["service.beta.kubernetes.io/azure-load-balancer-internal"],
        "true"
    );
    // The chart's claim, holding the saved configuration, stays the one mounted; shgw makes none.
    assert!(
        !rendered
            .iter()
            .any(|d| d["kind"] == "PersistentVolumeClaim")
    );
    assert_eq!(
        dep["spec"]["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"],
        "contoso-east-azure-api-management-gateway"
    );
    let pdb = rendered
        .iter()
        .find(|d| d["kind"] == "PodDisruptionBudget")
        .unwrap();
    assert_eq!(pdb["spec"]["maxUnavailable"], "25%");
    // The render of the import has no error-level finding under production.
    let report = shgw_review::review_text(
        "rendered",
        &shgw_yaml::to_multi_doc(&rendered),
        &shgw::Profile::embedded("production").unwrap(),
        "2026-12-01T00:00:00Z".parse().unwrap(),
    )
    .unwrap();
    assert_eq!(
        report.counts().error,
        0,
        "{}",
        shgw_review::to_text(&report, false)
    );
}

#[test]
fn the_helm_values_round_trip_to_the_same_wiring_as_the_chart_output() {
    let values = read("examples/helm/values.yaml");
    let imported = import_helm_values(
        "examples/helm/values.yaml",
        &values,
        Some("contoso-east"),
        Some("apim-east"),
    )
    .unwrap();
    settings().bind(|| insta::assert_snapshot!("import__helm-values", imported.to_yaml()));
    let rendered = render(&imported, "production");
    assert_eq!(
        wiring(&rendered),
        wiring(&original(
            "crates/shgw-review/tests/inputs/helm-template.yaml"
        ))
    );
    let dep = rendered.iter().find(|d| d["kind"] == "Deployment").unwrap();
    assert_eq!(dep["metadata"]["namespace"], "apim-east");
    // Without a release name there is no selector (app.kubernetes.io/instance): a clear error,
    // fullnameOverride or not.
    let e = import_helm_values("v.yaml", &values, None, None).unwrap_err();
    assert!(e.to_string().contains("--release: required"), "{e}");
    let named = format!("fullnameOverride: gw\n{values}");
    let e = import_helm_values("v.yaml", &named, None, None).unwrap_err();
    assert!(e.to_string().contains("app.kubernetes.io/instance"), "{e}");
    let e = import_helm_values("v.yaml", "gateway: {}\n", Some("x"), None).unwrap_err();
    assert!(e.to_string().contains("gateway.configuration.uri"), "{e}");
}

#[test]
fn the_chart_created_secret_and_literal_tokens_are_named_never_copied() {
    let values = "gateway:\n  configuration: {uri: c.configuration.azure-api.net}\n  auth: {key: \"GatewayKey gw&209912312359&U2VjcmV0\"}\n";
    let imported = import_helm_values("v.yaml", values, Some("gw"), None).unwrap();
    let yaml = imported.to_yaml();
    assert!(!yaml.contains("U2VjcmV0"), "{yaml}");
    assert!(yaml.contains("# - gw-azure-api-management-gateway: the chart creates Secret gw-azure-api-management-gateway"), "{yaml}");
    let portal = read("examples/portal/contoso-west.yml").replace(
        "  neighborhood.host:",
        "  my.secret.setting: \"hunter2\"\n  neighborhood.host:",
    );
    let leaked = portal.replace("          valueFrom:\n            secretKeyRef:\n              name: contoso-west-token\n              key: value\n", "          value: \"GatewayKey contoso-west&209912312359&U2VjcmV0\"\n");
    assert_ne!(leaked, portal);
    let imported = import_manifests(&load("p.yml", &leaked).unwrap()).unwrap();
    let yaml = imported.to_yaml();
    assert!(
        !yaml.contains("U2VjcmV0") && !yaml.contains("hunter2"),
        "{yaml}"
    );
    assert!(
        imported
            .notes
            .iter()
            .any(|n| n.contains("config.service.auth holds a token in plain text"))
    );
    assert!(
        imported
            .notes
            .iter()
            .any(|n| n.contains("my.secret.setting"))
    );
    assert!(yaml.starts_with("# shgw import: takeover plan for Gateway"));
    assert!(yaml.contains("\n# shgw import: not carried over"));
}

#[test]
fn a_stream_without_a_gateway_is_an_error() {
    let e = import_manifests(&load("cm.yaml", "kind: ConfigMap\nmetadata: {name: x}\n").unwrap())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoGateway, "{e}");
}

/// What a render's wiring is, compared after importing it back: ConfigMap settings, env of the
/// gateway container (values and Secret references), image, replicas or autoscaler, Services'
/// type and ports, claim, budget.
fn full_wiring(docs: &[Value]) -> Value {
    let pick = |kind: &str| {
        docs.iter()
            .filter(|d| d["kind"] == kind)
            .cloned()
            .collect::<Vec<_>>()
    };
    let dep = pick("Deployment").into_iter().next().unwrap();
    let c = &dep["spec"]["template"]["spec"]["containers"][0];
    let mut data = pick("ConfigMap").into_iter().next().unwrap()["data"].clone();
    if let Some(m) = data.as_object_mut() {
        m.retain(|k, _| !k.starts_with("runtime.deployment."));
    }
    let services: Vec<Value> = pick("Service")
        .iter()
        .map(|s| {
            serde_json::json!([
                s["spec"]["type"],
                s["spec"]["clusterIP"],
                s["spec"]["ports"],
                s["spec"]["externalTrafficPolicy"],
                s["metadata"]["annotations"]
            ])
        })
        .collect();
    serde_json::json!({
        "namespace": dep["metadata"]["namespace"],
        "data": data,
        "env": c["env"],
        "image": c["image"],
        "resources": c["resources"],
        "replicas": dep["spec"]["replicas"],
        "strategy": dep["spec"]["strategy"],
        "pod": [dep["spec"]["template"]["spec"]["securityContext"], dep["spec"]["template"]["spec"]["nodeSelector"], dep["spec"]["template"]["spec"]["tolerations"], dep["spec"]["template"]["spec"]["dnsConfig"], dep["spec"]["template"]["spec"]["hostAliases"], dep["spec"]["template"]["spec"]["serviceAccountName"], dep["spec"]["template"]["spec"]["priorityClassName"]],
        "volumes": dep["spec"]["template"]["spec"]["volumes"],
        "services": services,
        // The claim is adopted (spec.backup.existingClaim): the volumes name the same one.
        "budgets": pick("PodDisruptionBudget").iter().map(|p| p["spec"].clone()).collect::<Vec<_>>(),
        "autoscalers": pick("HorizontalPodAutoscaler").iter().map(|p| p["spec"].clone()).collect::<Vec<_>>(),
        "policies": pick("NetworkPolicy").len(),
    })
}

/// shgw's own output imported back renders the same wiring: every example, every profile.
#[test]
fn every_example_rendered_then_imported_renders_the_same() {
    let dir = workspace().join("examples");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    names.sort();
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for profile in ["production", "dev"] {
            let p = shgw::Profile::embedded(profile).unwrap();
            for gw in shgw::parse_gateways(&name, &text).unwrap() {
                let first = shgw::resolve(&gw, &p)
                    .and_then(|r| shgw::render(&r))
                    .unwrap()
                    .to_values();
                let stream = load("rendered.yaml", &shgw_yaml::to_multi_doc(&first)).unwrap();
                let imported = import_manifests(&stream).unwrap();
                let second = render(&imported, profile);
                assert_eq!(
                    full_wiring(&second),
                    full_wiring(&first),
                    "{name} {} under {profile}: notes {:?}\n{}",
                    gw.metadata.name,
                    imported.notes,
                    imported.to_yaml()
                );
            }
        }
    }
}

/// The chart's other auth types become the Gateway's, and render as the chart would wire them.
#[test]
fn helm_values_with_entra_and_workload_identity() {
    let wi = "image: {tag: \"2.12.1\"}\ngateway:\n  name: edge\n  configuration: {uri: c.configuration.azure-api.net}\n  auth: {type: WorkloadIdentity}\nserviceAccount:\n  name: edge-gateway\n  annotations: {azure.workload.identity/client-id: 7d8f2c4e-3b1a-4c5d-9e6f-0a1b2c3d4e5f}\n";
    let imported = import_helm_values("wi.yaml", wi, Some("edge"), Some("apim")).unwrap();
    let auth = &imported.documents[0]["spec"]["auth"]["workloadIdentity"];
    assert_eq!(auth["serviceAccountName"], "edge-gateway");
    assert_eq!(auth["clientId"], "7d8f2c4e-3b1a-4c5d-9e6f-0a1b2c3d4e5f");
    let rendered = render(&imported, "production");
    let dep = rendered.iter().find(|d| d["kind"] == "Deployment").unwrap();
    assert_eq!(
        dep["spec"]["template"]["spec"]["serviceAccountName"],
        "edge-gateway"
    );
    let cm = rendered.iter().find(|d| d["kind"] == "ConfigMap").unwrap();
    assert_eq!(cm["data"]["config.service.auth"], "workloadIdentity");
    assert_eq!(cm["data"]["gateway.name"], "edge");

    let entra = "image: {tag: \"2.12.1\"}\ngateway:\n  name: edge\n  configuration: {uri: c.configuration.azure-api.net}\n  auth:\n    type: AzureAdApp\n    azureAd:\n      tenant: {id: 72f988bf-86f1-41af-91ab-2d7cd011db47}\n      app: {id: 0f8fad5b-d9cb-469f-a165-70867728950e, secret: do-not-copy-me}\nsecret: {existingSecretName: edge-entra}\n";
    let imported = import_helm_values("entra.yaml", entra, Some("edge"), None).unwrap();
    assert!(!imported.to_yaml().contains("do-not-copy-me"));
    let rendered = render(&imported, "production");
    let dep = rendered.iter().find(|d| d["kind"] == "Deployment").unwrap();
    let env = dep["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap();
    let secret = env
        .iter()
        .find(|e| e["name"] == "config.service.auth.azureAd.clientSecret")
        .unwrap();
    assert_eq!(secret["valueFrom"]["secretKeyRef"]["name"], "edge-entra");
    assert_eq!(
        secret["valueFrom"]["secretKeyRef"]["key"],
        "azure-ad-app-secret"
    );
}

/// The renewer's admission policy is carried over by import.
#[test]
fn the_renewers_admission_policy_round_trips() {
    let text = read("examples/renewal.yaml").replace(
        "        image:\n          repository: registry.fabrikam.example",
        "        admissionPolicy: {enabled: true}\n        image:\n          repository: registry.fabrikam.example",
    );
    let p = shgw::Profile::embedded("production").unwrap();
    let gw = shgw::parse_gateways("renewal.yaml", &text)
        .unwrap()
        .remove(0);
    let first = shgw::resolve(&gw, &p)
        .and_then(|r| shgw::render(&r))
        .unwrap()
        .to_values();
    let policies = |docs: &[Value]| {
        docs.iter()
            .filter(|d| {
                d["kind"]
                    .as_str()
                    .is_some_and(|k| k.starts_with("ValidatingAdmissionPolicy"))
            })
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(policies(&first).len(), 2);
    let stream = load("rendered.yaml", &shgw_yaml::to_multi_doc(&first)).unwrap();
    let imported = import_manifests(&stream).unwrap();
    assert_eq!(policies(&render(&imported, "production")), policies(&first));
}

/// The misfits of a refused import, as (input field, Gateway field).
fn misfits(r: Result<Imported, Error>) -> Vec<(String, String, String)> {
    match r {
        Err(e) if e.kind() == ErrorKind::DoesNotFit => e
            .misfits()
            .iter()
            .map(|m| {
                (
                    m.gateway.clone(),
                    m.input_field.clone(),
                    m.gateway_field.clone(),
                )
            })
            .collect(),
        Err(e) => panic!("expected values that do not fit, got {e}"),
        Ok(i) => panic!("expected values that do not fit, got\n{}", i.to_yaml()),
    }
}

#[test]
fn helm_values_that_fit_no_gateway_field_are_named_where_written_and_nothing_is_written() {
    let values = "\
gateway:
  configuration:
    uri: contoso.configuration.azure-api.net
replicaCount: three
image:
  pullPolicy: Sometimes
service:
  type: ExternalName
tolerations:
- key: dedicated
  colour: red
";
    let r = import_helm_values("values.yaml", values, Some("gw"), Some("apim"));
    let e = r.clone().map(|_| ()).unwrap_err().to_string();
    assert!(
        e.starts_with("values.yaml: 4 value(s) fit no Gateway field, nothing written:\n  gateway gw-azure-api-management-gateway: values.yaml:6:3: image.pullPolicy: does not fit spec.image.pullPolicy: "),
        "{e}"
    );
    let gw = "gw-azure-api-management-gateway";
    assert_eq!(
        misfits(r),
        [
            ("values.yaml:6:3: image.pullPolicy", "spec.image.pullPolicy"),
            ("values.yaml:4:1: replicaCount", "spec.replicas"),
            ("values.yaml:8:3: service.type", "spec.service.type"),
            (
                "values.yaml:9:1: tolerations",
                "spec.pod.tolerations[0].colour"
            ),
        ]
        .map(|(a, b)| (gw.to_owned(), a.to_owned(), b.to_owned()))
    );
}

#[test]
fn manifest_values_that_fit_no_gateway_field_are_named_where_written_and_nothing_is_written() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: gw, namespace: apim}
spec:
  replicas: 2
  selector: {matchLabels: {app: gw}}
  template:
    metadata: {labels: {app: gw}}
    spec:
      containers:
      - name: gw
        image: mcr.microsoft.com/azure-api-management/gateway:2.12.1
        imagePullPolicy: Sometimes
        env:
        - {name: config.service.endpoint, value: contoso.configuration.azure-api.net}
        resources:
          limits: {cpu: {millicores: 500}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: gw, namespace: apim}
spec:
  maxUnavailable: [1]
  selector: {matchLabels: {app: gw}}
";
    // A second gateway in the stream: its misfits are reported with the first one's.
    let second = text
        .split("---")
        .next()
        .unwrap()
        .replace("name: gw,", "name: gw2,")
        .replace("app: gw", "app: gw2")
        .replace("replicas: 2", "replicas: two")
        .replace("imagePullPolicy: Sometimes", "imagePullPolicy: Always")
        .replace("{cpu: {millicores: 500}}", "{cpu: 500m}");
    let stream = load("gw.yaml", &format!("{text}---\n{second}")).unwrap();
    assert_eq!(
        misfits(import_manifests(&stream)),
        [
            (
                "gw",
                "gw.yaml:13:9: Deployment gw spec.template.spec.containers[0].imagePullPolicy",
                "spec.image.pullPolicy"
            ),
            (
                "gw",
                "gw.yaml:17:20: Deployment gw spec.template.spec.containers[0].resources.limits.cpu",
                "spec.resources.limits.cpu"
            ),
            (
                "gw",
                "gw.yaml:23:3: PodDisruptionBudget gw spec.maxUnavailable",
                "spec.highAvailability.podDisruptionBudget.maxUnavailable"
            ),
            (
                "gw2",
                "gw.yaml:30:3: Deployment gw2 spec.replicas",
                "spec.replicas"
            ),
        ]
        .map(|(g, a, b)| (g.to_owned(), a.to_owned(), b.to_owned()))
    );
}

#[test]
fn the_histogram_buckets_setting_is_kept_next_to_other_settings() {
    let values = "\
gateway:
  configuration:
    uri: contoso.configuration.azure-api.net
    additional:
      net.server.http.forwarded.proto.enabled: 'true'
observability:
  opentelemetry:
    enabled: true
    collector:
      uri: http://otel:4317
    histogram:
      buckets: 5,10,25
";
    let i = import_helm_values("values.yaml", values, Some("gw"), Some("apim")).unwrap();
    let settings = &i.documents[0]["spec"]["settings"];
    assert_eq!(
        settings["observability.opentelemetry.histogram.buckets"],
        "5,10,25"
    );
    assert_eq!(settings["net.server.http.forwarded.proto.enabled"], "true");
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: gw, namespace: apim}
spec:
  selector: {matchLabels: {app: gw}}
  template:
    metadata: {labels: {app: gw}}
    spec:
      containers:
      - name: gw
        image: mcr.microsoft.com/azure-api-management/gateway:2.12.1
        env:
        - {name: config.service.endpoint, value: contoso.configuration.azure-api.net}
        - {name: observability.opentelemetry.enabled, value: 'true'}
        - {name: observability.opentelemetry.collector.uri, value: 'http://otel:4317'}
        - {name: observability.opentelemetry.histogram.buckets, value: '5,10,25'}
        - {name: net.server.http.forwarded.proto.enabled, value: 'true'}
";
    let i = import_manifests(&load("gw.yaml", text).unwrap()).unwrap();
    let settings = &i.documents[0]["spec"]["settings"];
    assert_eq!(
        settings["observability.opentelemetry.histogram.buckets"],
        "5,10,25"
    );
    assert_eq!(settings["net.server.http.forwarded.proto.enabled"], "true");
}

#[test]
fn helm_local_logs_are_typed_where_read() {
    let values = |local: &str| {
        format!(
            "gateway:\n  configuration:\n    uri: contoso.configuration.azure-api.net\nobservability:\n  logs:\n    local:\n{local}"
        )
    };
    let ok = values(
        "      type: rfc5424\n      rfc5424:\n        endpoint: syslog:514\n        facility: 3\n",
    );
    let i = import_helm_values("values.yaml", &ok, Some("gw"), Some("apim")).unwrap();
    assert_eq!(
        i.documents[0]["spec"]["telemetry"]["logs"]["local"],
        serde_json::json!({"type": "rfc5424", "endpoint": "syslog:514", "facility": 3})
    );
    let big = values("      type: rfc5424\n      rfc5424:\n        facility: 300\n");
    assert_eq!(
        misfits(import_helm_values(
            "values.yaml",
            &big,
            Some("gw"),
            Some("apim")
        )),
        [(
            "gw-azure-api-management-gateway".to_owned(),
            "values.yaml:9:9: observability.logs.local.rfc5424.facility".to_owned(),
            "spec.telemetry.logs.local.facility".to_owned()
        )]
    );
    let unknown = values("      type: syslog\n");
    let i = import_helm_values("values.yaml", &unknown, Some("gw"), Some("apim")).unwrap();
    assert!(i.notes.iter().any(|n| n.ends_with(
        "observability.logs.local.type syslog is not one of none, auto, localsyslog, rfc5424, journal, json: not carried over"
    )), "{:?}", i.notes);
    assert!(i.documents[0]["spec"]["telemetry"]["logs"]["local"].is_null());
}
