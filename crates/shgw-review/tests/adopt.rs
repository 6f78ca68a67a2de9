//! Adoption on a real API server (v1.20): a gateway deployed from the portal's file or by the
//! Helm chart is created there (Helm's objects with `kubectl create`, so without kubectl's
//! last-applied annotation, as Helm leaves them), imported, rendered under `dev` and
//! `production`, and applied over the originals with client-side and server-side
//! `kubectl apply`. The live objects must then keep the Deployment's name, selector, container
//! and volumes; the pods every label the old selector and the Services need; the live Service
//! its name and a selector matching old and new pods; the discovery Service the name
//! `neighborhood.host` gives; the mounted claim and the token Secret; and no second gateway
//! Deployment or LoadBalancer Service may appear. No pods run there: "no outage" is proved
//! through names, selectors and labels.
//!
//! The chart cannot be fetched: its output is written here from the chart's documented
//! templates (1.15.1), as `tests/inputs/helm-template.yaml` is.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use shgw_testkit::ApiServer;
use shgw_testkit::workspace;
use std::collections::BTreeMap;
use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(workspace().join(path)).unwrap()
}

fn lower_stream(text: &str) -> String {
    let docs: Vec<Value> = shgw_review::load("input", text)
        .unwrap()
        .documents
        .into_iter()
        .filter_map(|d| shgw_testkit::lowered_for_v1_20(d.value))
        .collect();
    shgw_yaml::to_multi_doc(&docs)
}

fn ok(out: &std::process::Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}:\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn get(api: &ApiServer, kind: &str, ns: &str) -> Vec<Value> {
    let out = api.kubectl(&["get", kind, "-n", ns, "-o", "json"], None);
    let v: Value = serde_json::from_str(&ok(&out, "kubectl get")).unwrap();
    v["items"].as_array().cloned().unwrap_or_default()
}

fn map(v: &Value, pointer: &str) -> BTreeMap<String, String> {
    v.pointer(pointer)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, x)| (k.clone(), x.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn contains(big: &BTreeMap<String, String>, small: &BTreeMap<String, String>) -> bool {
    !small.is_empty() && small.iter().all(|(k, v)| big.get(k) == Some(v))
}

/// What must survive the takeover, read from the live objects before it.
#[derive(Debug)]
struct Before {
    deployment: String,
    selector: BTreeMap<String, String>,
    pod_labels: BTreeMap<String, String>,
    container: String,
    volumes: Vec<(String, Option<String>)>,
    auth: (Value, Value, Value),
    services: Vec<(String, String, BTreeMap<String, String>)>,
}

fn volumes(d: &Value) -> Vec<(String, Option<String>)> {
    d.pointer("/spec/template/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| {
            (
                v["name"].as_str().unwrap().to_owned(),
                v.pointer("/persistentVolumeClaim/claimName")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            )
        })
        .collect()
}

/// Where `config.service.auth` comes from: the Secret and key, or the literal mode.
fn auth_env(container: &Value) -> (Value, Value, Value) {
    let e = container["env"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["name"] == "config.service.auth")
        .cloned()
        .unwrap_or(Value::Null);
    let r = &e["valueFrom"]["secretKeyRef"];
    (r["name"].clone(), r["key"].clone(), e["value"].clone())
}

fn before(api: &ApiServer, ns: &str) -> Before {
    let deps = get(api, "deployments", ns);
    assert_eq!(deps.len(), 1, "{ns}: one gateway Deployment to start with");
    let d = &deps[0];
    let containers = d["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap();
    Before {
        deployment: d["metadata"]["name"].as_str().unwrap().to_owned(),
        selector: map(d, "/spec/selector/matchLabels"),
        pod_labels: map(d, "/spec/template/metadata/labels"),
        container: containers[0]["name"].as_str().unwrap().to_owned(),
        volumes: volumes(d),
        auth: auth_env(&containers[0]),
        services: get(api, "services", ns)
            .iter()
            .map(|s| {
                (
                    s["metadata"]["name"].as_str().unwrap().to_owned(),
                    s["spec"]["type"].as_str().unwrap().to_owned(),
                    map(s, "/spec/selector"),
                )
            })
            .collect(),
    }
}

/// The checks of an adoption, on the live objects after the apply.
fn check(api: &ApiServer, ns: &str, b: &Before, what: &str) {
    let deps = get(api, "deployments", ns);
    assert_eq!(deps.len(), 1, "{what}: a second Deployment appeared");
    let d = &deps[0];
    assert_eq!(d["metadata"]["name"], b.deployment.as_str(), "{what}");
    assert_eq!(map(d, "/spec/selector/matchLabels"), b.selector, "{what}");
    let labels = map(d, "/spec/template/metadata/labels");
    assert!(
        contains(&labels, &b.selector),
        "{what}: new pods lose the selector: {labels:?}"
    );
    let containers = d["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap();
    let gateways: Vec<&Value> = containers
        .iter()
        .filter(|c| {
            c["image"]
                .as_str()
                .unwrap()
                .contains("azure-api-management/gateway")
        })
        .collect();
    assert_eq!(gateways.len(), 1, "{what}: {containers:?}");
    assert_eq!(gateways[0]["name"], b.container.as_str(), "{what}");
    assert_eq!(
        auth_env(gateways[0]),
        b.auth,
        "{what}: token Secret or key changed"
    );
    let after = volumes(d);
    for v in &b.volumes {
        assert!(
            after.contains(v),
            "{what}: volume {v:?} lost or changed: {after:?}"
        );
    }
    let claims: Vec<&String> = after.iter().filter_map(|(_, c)| c.as_ref()).collect();
    let claims_before: Vec<&String> = b.volumes.iter().filter_map(|(_, c)| c.as_ref()).collect();
    assert_eq!(claims, claims_before, "{what}: the mounted claims changed");
    // Every Service that selected the old pods still exists and selects old and new pods.
    let services = get(api, "services", ns);
    for (name, kind, _) in b
        .services
        .iter()
        .filter(|(_, _, s)| contains(&b.pod_labels, s))
    {
        let s = services
            .iter()
            .find(|s| s["metadata"]["name"] == name.as_str())
            .unwrap_or_else(|| panic!("{what}: Service {name} is gone"));
        assert_eq!(
            s["spec"]["type"],
            kind.as_str(),
            "{what}: Service {name} type"
        );
        let sel = map(s, "/spec/selector");
        assert!(
            contains(&b.pod_labels, &sel),
            "{what}: {name} no longer selects the old pods: {sel:?}"
        );
        assert!(
            contains(&labels, &sel),
            "{what}: {name} does not select the new pods: {sel:?}"
        );
    }
    let lbs = |list: &[Value]| {
        list.iter()
            .filter(|s| s["spec"]["type"] == "LoadBalancer")
            .count()
    };
    let lbs_before = b
        .services
        .iter()
        .filter(|(_, k, _)| k == "LoadBalancer")
        .count();
    assert_eq!(
        lbs(&services),
        lbs_before,
        "{what}: a LoadBalancer Service appeared"
    );
    // neighborhood.host (env wins over the ConfigMap) names a headless Service of the pods.
    let c = gateways[0];
    let host = c["env"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["name"] == "neighborhood.host")
        .and_then(|e| e["value"].as_str().map(str::to_owned))
        .unwrap_or_else(|| {
            let cm = c["envFrom"][0]["configMapRef"]["name"].as_str().unwrap();
            let cms = get(api, "configmaps", ns);
            let cm = cms.iter().find(|x| x["metadata"]["name"] == cm).unwrap();
            cm["data"]["neighborhood.host"].as_str().unwrap().to_owned()
        });
    let discovery = services
        .iter()
        .find(|s| s["metadata"]["name"] == host.as_str())
        .unwrap_or_else(|| panic!("{what}: neighborhood.host {host} names no Service"));
    assert_eq!(discovery["spec"]["clusterIP"], "None", "{what}");
    assert!(
        contains(&labels, &map(discovery, "/spec/selector")),
        "{what}"
    );
    // The ServiceAccount carries the workload identity client id, when the pods use one.
    if labels
        .get("azure.workload.identity/use")
        .map(String::as_str)
        == Some("true")
    {
        let sa = d["spec"]["template"]["spec"]["serviceAccountName"]
            .as_str()
            .unwrap();
        let sas = get(api, "serviceaccounts", ns);
        let sa = sas.iter().find(|s| s["metadata"]["name"] == sa).unwrap();
        assert_eq!(
            sa["metadata"]["annotations"]["azure.workload.identity/client-id"],
            "00000000-1111-2222-3333-444444444444",
            "{what}"
        );
    }
}

/// The Gateway file as a user takes it over: what the profile refuses changed in place
/// (replicas, image tag), nothing else.
fn for_profile(imported: &shgw_review::Imported, profile: &str) -> Vec<shgw::Gateway> {
    let yaml = imported.to_yaml();
    let mut gws =
        shgw::parse_gateways("imported.yaml", &yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    for g in &mut gws {
        if profile == "production" {
            g.spec.replicas = Some(g.spec.replicas.unwrap_or(3).max(2));
            let image = g.spec.image.get_or_insert_with(Default::default);
            if image.tag.as_deref().is_some_and(|t| !t.contains('.')) {
                image.tag = Some("2.12.1".into());
            }
        }
    }
    gws
}

fn render(gws: &[shgw::Gateway], profile: &str) -> String {
    let p = shgw::Profile::embedded(profile).unwrap();
    let m = shgw::render_with("imported.yaml", gws, &p, &shgw::RenderOptions::default())
        .unwrap_or_else(|e| panic!("{profile}: {e}"));
    let docs: Vec<Value> = m
        .to_values()
        .into_iter()
        .filter_map(shgw_testkit::lowered_for_v1_20)
        .collect();
    shgw_yaml::to_multi_doc(&docs)
}

/// One deployment to take over: how it was made and how it is imported.
struct Case {
    name: &'static str,
    /// The objects as their tool left them.
    original: String,
    /// `kubectl create` (Helm, no last-applied annotation) or `kubectl apply` (the portal).
    with_apply: bool,
    import: Box<dyn Fn(&str) -> shgw_review::Imported>,
}

fn from_manifests(text: String) -> Box<dyn Fn(&str) -> shgw_review::Imported> {
    Box::new(move |ns: &str| {
        let stream = shgw_review::load("input.yaml", &text).unwrap();
        shgw_review::import_manifests_in(&stream, Some(ns)).unwrap()
    })
}

fn from_values(
    values: String,
    release: &'static str,
) -> Box<dyn Fn(&str) -> shgw_review::Imported> {
    Box::new(move |ns: &str| {
        shgw_review::import_helm_values("values.yaml", &values, Some(release), Some(ns)).unwrap()
    })
}

/// What the chart (1.15.1) renders for a release, from its templates (selector
/// `app.kubernetes.io/name: <fullname>`, claim volume `<fullname>`, common labels on pods): the
/// ServiceAccount, ConfigMap, Secret, claim, both Services, Deployment and budget.
struct Chart {
    release: &'static str,
    /// `WorkloadIdentity` or `GatewayToken`.
    auth: &'static str,
    /// The chart creates the Secret `<fullname>` (key `gateway-key`) holding this token.
    created_token: Option<&'static str>,
    backup: bool,
    service_type: &'static str,
}

const CLIENT_ID: &str = "00000000-1111-2222-3333-444444444444";

impl Chart {
    fn fullname(&self) -> String {
        format!("{}-azure-api-management-gateway", self.release)
    }

    fn values(&self) -> String {
        let mut v = format!(
            "replicaCount: 2\nimage:\n  tag: \"2.11.1\"\ngateway:\n  name: {release}\n  configuration:\n    uri: contoso.configuration.azure-api.net\n    backup:\n      enabled: {backup}\n  auth:\n    type: {auth}\n    azureAd:\n      app:\n        id: {CLIENT_ID}\nservice:\n  type: {st}\nresources:\n  requests: {{cpu: \"1\", memory: 1Gi}}\n  limits: {{cpu: \"1\", memory: 1Gi}}\nobservability:\n  statsD:\n    enabled: true\n    endpoint: udp://statsd.monitoring:8125\n",
            release = self.release,
            backup = self.backup,
            auth = self.auth,
            st = self.service_type
        );
        if self.auth == "GatewayToken" {
            match self.created_token {
                Some(_) => v.push_str("secret:\n  createSecret: true\n"),
                None => v.push_str(&format!(
                    "secret:\n  createSecret: false\n  existingSecretName: {}-token\n",
                    self.release
                )),
            }
        }
        v
    }

    fn manifests(&self) -> String {
        let full = self.fullname();
        let release = self.release;
        let labels = format!(
            "  labels:\n    helm.sh/chart: azure-api-management-gateway-1.15.1\n    app.kubernetes.io/name: {full}\n    app.kubernetes.io/component: self-hosted-gateway\n    app.kubernetes.io/instance: {release}\n    app.kubernetes.io/version: \"2.11.1\"\n    app.kubernetes.io/managed-by: Helm\n"
        );
        let selector = format!(
            "app.kubernetes.io/name: {full}\n      app.kubernetes.io/component: self-hosted-gateway\n      app.kubernetes.io/instance: {release}"
        );
        let wi = self.auth == "WorkloadIdentity";
        let mut out = String::new();
        out.push_str(&format!(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {full}\n{labels}"
        ));
        if wi {
            out.push_str(&format!("    azure.workload.identity/use: \"true\"\n  annotations:\n    azure.workload.identity/client-id: {CLIENT_ID}\n"));
        }
        out.push_str(&format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {full}\n{labels}data:\n  config.service.endpoint: contoso.configuration.azure-api.net\n"));
        if wi {
            out.push_str(&format!(
                "  gateway.name: {release}\n  config.service.auth: workloadIdentity\n"
            ));
        }
        out.push_str("  telemetry.metrics.cloud: \"true\"\n  telemetry.logs.std: text\n  telemetry.logs.std.level: info\n  telemetry.logs.std.color: \"true\"\n  telemetry.logs.local: auto\n  telemetry.metrics.local: statsd\n  telemetry.metrics.local.statsd.endpoint: udp://statsd.monitoring:8125\n  telemetry.metrics.local.statsd.sampling: \"1\"\n  telemetry.metrics.local.statsd.tag-format: dogStatsD\n  observability.opentelemetry.enabled: \"false\"\n  observability.opentelemetry.system-metrics.enabled: \"false\"\n");
        let secret = match (self.auth, self.created_token) {
            ("GatewayToken", Some(token)) => {
                use base64::Engine;
                let b64 = base64::engine::general_purpose::STANDARD.encode(token);
                out.push_str(&format!("---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {full}\n{labels}type: Opaque\ndata:\n  gateway-key: {b64}\n"));
                Some(full.clone())
            }
            ("GatewayToken", None) => Some(format!("{release}-token")),
            _ => None,
        };
        if self.backup {
            out.push_str(&format!("---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {full}\n{labels}spec:\n  accessModes: [ReadWriteMany]\n  resources:\n    requests:\n      storage: 50Mi\n"));
        }
        out.push_str(&format!("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {full}-instance-discovery\n{labels}  annotations:\n    azure.apim.kubernetes.io/notes: \"Headless service being used for instance discovery of self-hosted gateway\"\nspec:\n  clusterIP: None\n  type: ClusterIP\n  ports:\n  - {{name: rate-limit-discovery, port: 4290, targetPort: rate-limit-dc, protocol: UDP}}\n  - {{name: discovery-heartbeat, port: 4291, targetPort: dc-heartbeat, protocol: UDP}}\n  selector:\n      {selector}\n"));
        out.push_str(&format!("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {full}\n{labels}spec:\n  type: {}\n  ports:\n  - {{name: http, port: 8080, targetPort: http}}\n  - {{name: https, port: 8081, targetPort: https}}\n  selector:\n      {selector}\n", self.service_type));
        // The chart's pods carry its common labels, the selector among them.
        let mut pod_labels = format!(
            "      {selector}\n      helm.sh/chart: azure-api-management-gateway-1.15.1\n      app.kubernetes.io/version: \"2.11.1\"\n      app.kubernetes.io/managed-by: Helm"
        );
        if wi {
            pod_labels.push_str("\n      azure.workload.identity/use: \"true\"");
        }
        let pod_labels = pod_labels
            .replace("\n      ", "\n        ")
            .replacen("      ", "        ", 1);
        let auth_env = match &secret {
            Some(s) => format!(
                "        - name: config.service.auth\n          valueFrom:\n            secretKeyRef: {{name: {s}, key: gateway-key}}\n"
            ),
            None => String::new(),
        };
        let (mount, volume) = if self.backup {
            (
                format!(
                    "        volumeMounts:\n        - {{name: {full}, mountPath: /apim/config}}\n"
                ),
                format!(
                    "      volumes:\n      - name: {full}\n        persistentVolumeClaim: {{claimName: {full}}}\n"
                ),
            )
        } else {
            (String::new(), String::new())
        };
        out.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {full}\n{labels}spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      {selector}\n  template:\n    metadata:\n      labels:\n{pod_labels}\n    spec:\n      terminationGracePeriodSeconds: 60\n      serviceAccountName: {full}\n      containers:\n      - name: azure-api-management-gateway\n        image: mcr.microsoft.com/azure-api-management/gateway:2.11.1\n        imagePullPolicy: IfNotPresent\n        ports:\n        - {{name: http, containerPort: 8080}}\n        - {{name: https, containerPort: 8081}}\n        - {{name: rate-limit-dc, protocol: UDP, containerPort: 4290}}\n        - {{name: dc-heartbeat, protocol: UDP, containerPort: 4291}}\n        readinessProbe:\n          httpGet: {{path: /status-0123456789abcdef, port: http}}\n        env:\n{auth_env}        - {{name: runtime.deployment.artifact.source, value: Official}}\n        - {{name: runtime.deployment.mechanism, value: Helm}}\n        - {{name: neighborhood.host, value: {full}-instance-discovery}}\n        envFrom:\n        - configMapRef: {{name: {full}}}\n        resources:\n          requests: {{cpu: \"1\", memory: 1Gi}}\n          limits: {{cpu: \"1\", memory: 1Gi}}\n{mount}{volume}"
        ));
        out.push_str(&format!("---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {full}\n{labels}spec:\n  maxUnavailable: 25%\n  selector:\n    matchLabels:\n      {selector}\n"));
        out
    }
}

fn cases() -> Vec<Case> {
    let portal = read("examples/portal/contoso-west.yml");
    let template = read("crates/shgw-review/tests/inputs/helm-template.yaml");
    let charts = [
        Chart {
            release: "tok",
            auth: "GatewayToken",
            created_token: Some("GatewayKey apim-tok&203012312359&c2lnbmF0dXJl"),
            backup: false,
            service_type: "LoadBalancer",
        },
        Chart {
            release: "existing",
            auth: "GatewayToken",
            created_token: None,
            backup: true,
            service_type: "ClusterIP",
        },
        Chart {
            release: "wi",
            auth: "WorkloadIdentity",
            created_token: None,
            backup: true,
            service_type: "LoadBalancer",
        },
    ];
    let mut out = vec![
        Case {
            name: "portal-applied",
            original: portal.clone(),
            with_apply: true,
            import: from_manifests(portal.clone()),
        },
        Case {
            name: "portal-created",
            original: portal.clone(),
            with_apply: false,
            import: from_manifests(portal),
        },
        Case {
            name: "helm-template",
            original: template.clone(),
            with_apply: false,
            import: from_manifests(template.clone()),
        },
        // `helm template ... | kubectl apply -f -`: a last-applied annotation lists Helm's env
        // entries, labels and ServiceAccount, which the client-side apply then removes.
        Case {
            name: "helm-template-applied",
            original: template.clone(),
            with_apply: true,
            import: from_manifests(template),
        },
    ];
    for c in charts {
        let m = c.manifests();
        out.push(Case {
            name: Box::leak(format!("chart-{}", c.release).into_boxed_str()),
            original: m.clone(),
            with_apply: false,
            import: from_manifests(m.clone()),
        });
        out.push(Case {
            name: Box::leak(format!("values-{}", c.release).into_boxed_str()),
            original: m,
            with_apply: false,
            import: from_values(c.values(), c.release),
        });
    }
    out
}

#[test]
fn imports_take_over_running_gateways_in_place() {
    let Some(api) = ApiServer::start("adopt", &[]) else {
        return;
    };
    let mut n = 0;
    for case in cases() {
        for profile in ["dev", "production"] {
            for server_side in [false, true] {
                n += 1;
                let ns = format!("t{n}");
                let what = format!(
                    "{} under {profile} ({})",
                    case.name,
                    if server_side {
                        "server-side"
                    } else {
                        "client-side"
                    }
                );
                ok(
                    &api.kubectl(&["create", "namespace", &ns], None),
                    "namespace",
                );
                let verb = if case.with_apply { "apply" } else { "create" };
                ok(
                    &api.kubectl(
                        &[verb, "-n", &ns, "-f", "-"],
                        Some(&lower_stream(&case.original)),
                    ),
                    &what,
                );
                let b = before(&api, &ns);
                let imported = (case.import)(&ns);
                for gw in &imported.documents {
                    assert_eq!(gw["metadata"]["namespace"], ns.as_str(), "{what}");
                }
                let stream = render(&for_profile(&imported, profile), profile);
                let mut args = vec!["apply", "-n", &ns, "-f", "-"];
                if server_side {
                    args.extend(["--server-side", "--force-conflicts", "--field-manager=shgw"]);
                }
                ok(
                    &api.kubectl(&args, Some(&stream)),
                    &format!("{what}: apply\n{stream}"),
                );
                check(&api, &ns, &b, &what);
                // A second apply changes nothing that matters and still succeeds.
                ok(
                    &api.kubectl(&args, Some(&stream)),
                    &format!("{what}: second apply"),
                );
                check(&api, &ns, &b, &what);
            }
        }
    }
    assert!(n >= 40, "{n}");
}

#[test]
fn the_import_states_what_the_chart_had() {
    let c = Chart {
        release: "wi",
        auth: "WorkloadIdentity",
        created_token: None,
        backup: false,
        service_type: "LoadBalancer",
    };
    let v = shgw_review::import_helm_values("values.yaml", &c.values(), Some("wi"), Some("apim"))
        .unwrap();
    let g = &v.documents[0];
    assert_eq!(g["spec"]["auth"]["workloadIdentity"]["clientId"], CLIENT_ID);
    assert_eq!(
        g["spec"]["telemetry"]["metrics"]["statsd"]["endpoint"],
        "statsd.monitoring:8125"
    );
    assert_eq!(g["spec"]["backup"]["enabled"], false);
    assert!(g["spec"].get("autoscaling").is_none());
    let stream = shgw_review::load("chart.yaml", &c.manifests()).unwrap();
    let m = shgw_review::import_manifests_in(&stream, Some("apim")).unwrap();
    assert_eq!(
        m.documents[0]["spec"]["telemetry"]["metrics"]["statsd"]["endpoint"],
        "statsd.monitoring:8125"
    );
    assert_eq!(
        m.documents[0]["spec"]["auth"]["workloadIdentity"]["clientId"],
        CLIENT_ID
    );
    // Every import validates under dev.
    for imported in [&v, &m] {
        let gws = shgw::parse_gateways("i.yaml", &imported.to_yaml()).unwrap();
        shgw::resolve(&gws[0], &shgw::Profile::embedded("dev").unwrap())
            .and_then(|r| shgw::render(&r))
            .unwrap();
    }
    // The token's own gateway id becomes gatewayName.
    let t = Chart {
        release: "tok",
        auth: "GatewayToken",
        created_token: Some("GatewayKey apim-tok&203012312359&c2lnbmF0dXJl"),
        backup: false,
        service_type: "LoadBalancer",
    };
    let stream = shgw_review::load("chart.yaml", &t.manifests()).unwrap();
    let m = shgw_review::import_manifests_in(&stream, Some("apim")).unwrap();
    assert_eq!(m.documents[0]["spec"]["gatewayName"], "apim-tok");
    assert!(!m.to_yaml().contains("c2lnbmF0dXJl"), "the token leaked");
    // Rendered with that token, no warning says it belongs to another gateway.
    let gws = shgw::parse_gateways("i.yaml", &m.to_yaml()).unwrap();
    let opts = shgw::RenderOptions {
        token: Some(shgw::Token::parse("GatewayKey apim-tok&203012312359&c2lnbmF0dXJl").unwrap()),
        now: Some("2030-01-01T00:00:00Z".parse().unwrap()),
        ..Default::default()
    };
    let out = shgw::render_with(
        "i.yaml",
        &gws,
        &shgw::Profile::embedded("dev").unwrap(),
        &opts,
    )
    .unwrap();
    assert!(
        !out.warnings
            .iter()
            .any(|w| w.message.contains("issued for")),
        "{:?}",
        out.warnings
    );
}

#[test]
fn input_text_cannot_break_out_of_the_plan_comment() {
    let portal = read("examples/portal/contoso-west.yml").replace(
        "name: contoso-west-token",
        "name: \"x\\nkind: Evil\\u2028y\"",
    );
    let stream = shgw_review::load("p.yaml", &portal).unwrap();
    let imported = shgw_review::import_manifests_in(&stream, Some("apim")).unwrap();
    let yaml = imported.to_yaml();
    let comment: Vec<&str> = yaml
        .lines()
        .take_while(|l| !l.starts_with("apiVersion"))
        .collect();
    assert!(comment.iter().all(|l| l.starts_with('#')), "{yaml}");
    assert!(yaml.contains("x\\nkind: Evil\\u{2028}y"), "{yaml}");
    assert!(!yaml.contains("\nkind: Evil"), "{yaml}");
}

/// Runs helm against the test's API server, with its own configuration and cache folders.
fn helm(helm: &Path, api: &ApiServer, home: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new(helm);
    cmd.args(args)
        .env("KUBECONFIG", api.kubeconfig())
        .env("HELM_CACHE_HOME", home.join("cache"))
        .env("HELM_CONFIG_HOME", home.join("config"))
        .env("HELM_DATA_HOME", home.join("data"));
    shgw_testkit::run_with_stdin(&mut cmd, None)
}

/// A release installed by a real Helm is taken over with the plan's own commands: the
/// manifest Helm stored is imported, Helm lets go of the objects without deleting any, and the
/// render applied over them keeps every name and selector.
#[test]
fn a_helm_release_is_handed_over_with_the_plans_commands() {
    let Some(helm_bin) = shgw_testkit::tool("helm") else {
        return;
    };
    let Some(api) = ApiServer::start("adopt-helm", &[]) else {
        return;
    };
    let home = shgw_testkit::scratch("adopt-helm-home");
    let version =
        String::from_utf8_lossy(&helm(&helm_bin, &api, &home, &["version", "--short"]).stdout)
            .into_owned();
    let template = read("crates/shgw-review/tests/inputs/helm-template.yaml");
    let charts = [
        ("contoso-east", template),
        (
            "tok",
            Chart {
                release: "tok",
                auth: "GatewayToken",
                created_token: Some("GatewayKey apim-tok&203012312359&c2lnbmF0dXJl"),
                backup: true,
                service_type: "LoadBalancer",
            }
            .manifests(),
        ),
        (
            "wi",
            Chart {
                release: "wi",
                auth: "WorkloadIdentity",
                created_token: None,
                backup: false,
                service_type: "ClusterIP",
            }
            .manifests(),
        ),
    ];
    let mut n = 0;
    for (release, manifests) in &charts {
        for server_side in [false, true] {
            n += 1;
            let ns = format!("h{n}");
            let what = format!(
                "helm release {release} ({})",
                if server_side {
                    "server-side"
                } else {
                    "client-side"
                }
            );
            ok(
                &api.kubectl(&["create", "namespace", &ns], None),
                "namespace",
            );
            let dir = home.join(format!("chart-{n}"));
            std::fs::create_dir_all(dir.join("templates")).unwrap();
            std::fs::write(dir.join("Chart.yaml"), "apiVersion: v2\nname: azure-api-management-gateway\nversion: 1.15.1\nappVersion: 2.11.1\n").unwrap();
            std::fs::write(dir.join("templates/all.yaml"), lower_stream(manifests)).unwrap();
            let mut install = vec!["install", release, dir.to_str().unwrap(), "-n", &ns];
            if version.starts_with("v4") {
                // Helm 3's way (a three-way merge, no kubectl annotation); Helm 4's server-side
                // apply trips over a v1.20 server's port list handling.
                install.push("--server-side=false");
            }
            ok(&helm(&helm_bin, &api, &home, &install), &what);
            let manifest = ok(
                &helm(
                    &helm_bin,
                    &api,
                    &home,
                    &["get", "manifest", release, "-n", &ns],
                ),
                &what,
            );
            let stream = shgw_review::load("helm-manifest.yaml", &manifest).unwrap();
            let imported = shgw_review::import_manifests_in(&stream, Some(&ns)).unwrap();
            let plan = &imported.plans[0];
            assert_eq!(plan.helm_handover.len(), 2, "{what}");
            let b = before(&api, &ns);
            for command in &plan.helm_handover {
                let words: Vec<&str> = command.split_whitespace().collect();
                assert_eq!(words[0], "kubectl");
                ok(
                    &api.kubectl(&words[1..], None),
                    &format!("{what}: {command}"),
                );
            }
            let list = ok(
                &helm(&helm_bin, &api, &home, &["list", "-n", &ns, "-q"]),
                &what,
            );
            assert!(list.trim().is_empty(), "{what}: Helm still lists {list}");
            // Helm forgot the release: uninstalling it now deletes nothing.
            let _ = helm(&helm_bin, &api, &home, &["uninstall", release, "-n", &ns]);
            let stream = render(&for_profile(&imported, "production"), "production");
            let mut args = vec!["apply", "-n", &ns, "-f", "-"];
            if server_side {
                args.extend(["--server-side", "--force-conflicts", "--field-manager=shgw"]);
            }
            ok(
                &api.kubectl(&args, Some(&stream)),
                &format!("{what}: apply"),
            );
            check(&api, &ns, &b, &what);
            let deps = get(&api, "deployments", &ns);
            assert!(
                deps[0]["metadata"]["annotations"]
                    .get("meta.helm.sh/release-name")
                    .is_none(),
                "{what}"
            );
        }
    }
}

/// What the chart writes besides the basics is carried (Dapr's pod annotations, OpenTelemetry,
/// local logs, a `udp://` StatsD endpoint) or named as not carried, and the result renders.
#[test]
fn helm_values_extras_are_carried_or_named() {
    let values = "gateway:
  name: contoso
  configuration: {uri: contoso.configuration.azure-api.net}
  auth:
    type: WorkloadIdentity
    azureAd: {app: {id: 00000000-1111-2222-3333-444444444444}}
observability:
  logs:
    local:
      type: rfc5424
      rfc5424: {endpoint: syslog.monitoring:514, facility: 7}
  statsD: {enabled: true, endpoint: \"udp://statsd.monitoring:8125\", sampling: 0.5}
  opentelemetry:
    enabled: true
    collector: {uri: \"http://otel.monitoring:4317\"}
    systemMetrics: {enabled: true}
dapr:
  enabled: true
  app: {id: contoso-gw}
service:
  ports:
    instance: {synchronization: 5290}
";
    let out =
        shgw_review::import_helm_values("values.yaml", values, Some("c"), Some("apim")).unwrap();
    let s = &out.documents[0]["spec"];
    assert_eq!(s["auth"]["workloadIdentity"]["clientId"], CLIENT_ID);
    assert_eq!(
        s["telemetry"]["metrics"]["statsd"]["endpoint"],
        "statsd.monitoring:8125"
    );
    assert_eq!(
        s["telemetry"]["metrics"]["openTelemetry"]["collectorUri"],
        "http://otel.monitoring:4317"
    );
    assert_eq!(
        s["telemetry"]["metrics"]["openTelemetry"]["systemMetrics"],
        true
    );
    assert_eq!(s["telemetry"]["logs"]["local"]["type"], "rfc5424");
    assert_eq!(s["telemetry"]["logs"]["local"]["facility"], 7);
    assert_eq!(s["pod"]["annotations"]["dapr.io/enabled"], "true");
    assert_eq!(s["pod"]["annotations"]["dapr.io/app-id"], "contoso-gw");
    assert_eq!(s["pod"]["annotations"]["dapr.io/config"], "tracing");
    assert!(
        out.notes
            .iter()
            .any(|n| n.contains("service.ports.instance.synchronization")),
        "{:?}",
        out.notes
    );
    assert_eq!(
        out.documents[0]["metadata"]["name"],
        "c-azure-api-management-gateway"
    );
    assert_eq!(
        s["adoption"]["liveTrafficService"],
        "c-azure-api-management-gateway"
    );
    let yaml = out.to_yaml();
    let gws = shgw::parse_gateways("i.yaml", &yaml).unwrap();
    let m = shgw::resolve(&gws[0], &shgw::Profile::embedded("dev").unwrap())
        .and_then(|r| shgw::render(&r))
        .unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    let cm = m
        .objects
        .iter()
        .map(shgw::Object::to_value)
        .find(|o| o["kind"] == "ConfigMap")
        .unwrap();
    assert_eq!(
        cm["data"]["telemetry.metrics.local.statsd.endpoint"],
        "statsd.monitoring:8125"
    );
    assert_eq!(
        cm["data"]["neighborhood.host"],
        "c-azure-api-management-gateway-instance-discovery"
    );
}

/// The replicas-to-autoscaling trap the plan warns about, and both ways out it gives: a
/// client-side apply that drops `replicas` sets the Deployment to 1 unless the last-applied
/// annotation lost it first; a server-side one unless another manager took `replicas` first.
#[test]
fn the_replicas_to_autoscaling_trap_and_the_plans_ways_out() {
    let Some(api) = ApiServer::start("adopt-trap", &[]) else {
        return;
    };
    let gateway = |ns: &str, scaling: &str| {
        let text = format!(
            "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {{name: gw, namespace: {ns}}}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  {scaling}\n"
        );
        render(&shgw::parse_gateways("gw.yaml", &text).unwrap(), "dev")
    };
    let deployment_only = |stream: &str| {
        let docs: Vec<Value> = shgw_review::load("r.yaml", stream)
            .unwrap()
            .documents
            .into_iter()
            .map(|d| d.value)
            .filter(|v| v["kind"] == "Deployment")
            .collect();
        shgw_yaml::to_multi_doc(&docs)
    };
    let replicas = |ns: &str| get(&api, "deployments", ns)[0]["spec"]["replicas"].clone();
    for (ns, server_side, way_out) in [
        ("csa-trap", false, false),
        ("csa-out", false, true),
        ("ssa-trap", true, false),
        ("ssa-out", true, true),
    ] {
        ok(&api.kubectl(&["create", "namespace", ns], None), ns);
        let before = gateway(ns, "replicas: 3");
        let after = gateway(ns, "autoscaling: {minReplicas: 3, maxReplicas: 6}");
        let apply = |stream: &str, manager: &str| {
            let mut args = vec!["apply", "-f", "-"];
            let flag = format!("--field-manager={manager}");
            if server_side {
                args.extend(["--server-side", flag.as_str()]);
            }
            ok(&api.kubectl(&args, Some(stream)), ns);
        };
        apply(&before, "shgw");
        assert_eq!(replicas(ns), 3, "{ns}");
        if way_out && server_side {
            apply(&deployment_only(&before), "handover-to-hpa");
        } else if way_out {
            ok(
                &api.kubectl(
                    &["apply", "set-last-applied", "-f", "-"],
                    Some(&deployment_only(&after)),
                ),
                ns,
            );
        }
        apply(&after, "shgw");
        assert_eq!(replicas(ns), if way_out { 3 } else { 1 }, "{ns}");
    }
}

/// The portal puts everything in `default`; an adoption stays there, under production too
/// (with a warning), once replicas and tag are changed in place.
#[test]
fn a_portal_gateway_in_the_default_namespace_is_taken_over_under_production() {
    let Some(api) = ApiServer::start("adopt-default", &[]) else {
        return;
    };
    let portal = read("examples/portal/contoso-west.yml");
    ok(&api.kubectl(&["apply", "-f", "-"], Some(&portal)), "portal");
    let b = before(&api, "default");
    let stream = shgw_review::load("contoso-west.yml", &portal).unwrap();
    let imported = shgw_review::import_manifests_in(&stream, Some("default")).unwrap();
    let rendered = render(&for_profile(&imported, "production"), "production");
    ok(
        &api.kubectl(&["apply", "-f", "-"], Some(&rendered)),
        "takeover",
    );
    check(&api, "default", &b, "portal in default under production");
}
