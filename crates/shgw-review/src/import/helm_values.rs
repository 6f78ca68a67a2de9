//! Gateway files from the Azure chart's `values.yaml` (`azure-api-management-gateway` 1.15.x,
//! keys as in its values reference): what the chart would render, as a Gateway.

use super::adopt::Existing;
use super::build::{GatewayDoc, int_or_percent, quantity, statsd_endpoint};
use super::{ImportError, Imported};
use serde_json::{Map, Value, json};
use shgw_yaml::parse::{ParseOptions, parse_input};
use std::collections::{BTreeMap, BTreeSet};

/// The chart's name, the default `fullname` suffix.
const CHART: &str = "azure-api-management-gateway";
/// The Secret key the chart uses for the token.
const TOKEN_KEY: &str = "gateway-key";
/// The Secret key the chart uses for the Entra client secret.
const ENTRA_SECRET_KEY: &str = "azure-ad-app-secret";

/// The value at a dotted path of the values, if set and not null or empty text.
fn get<'a>(values: &'a Value, path: &str) -> Option<&'a Value> {
    let mut at = values;
    for seg in path.split('.') {
        at = at.get(seg)?;
    }
    match at {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        other => Some(other),
    }
}

fn text(values: &Value, path: &str) -> Option<String> {
    get(values, path).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
}

fn truthy(values: &Value, path: &str) -> Option<bool> {
    get(values, path).and_then(|v| {
        v.as_bool()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    })
}

/// Imports the values of one chart release. `release` is the Helm release name (the chart names
/// its objects `<release>-azure-api-management-gateway` unless `fullnameOverride` says
/// otherwise); `namespace` the namespace it is installed in.
///
/// ```
/// let values = std::fs::read_to_string("../../examples/helm/values.yaml").unwrap();
/// let out = shgw_review::import_helm_values("values.yaml", &values, Some("contoso-east"), Some("apim-east")).unwrap();
/// assert_eq!(out.documents[0]["spec"]["auth"]["token"]["secretKey"], "gateway-key");
/// ```
///
/// # Errors
/// [`ImportError::Values`] when the file is not a mapping, `gateway.configuration.uri` is
/// missing, or no name can be found.
pub fn import_helm_values(
    file: &str,
    text_: &str,
    release: Option<&str>,
    namespace: Option<&str>,
) -> Result<Imported, ImportError> {
    let stream_err = |path: &str, message: String| ImportError::Values {
        file: file.to_owned(),
        path: path.to_owned(),
        message,
    };
    // Helm reads values as go-yaml v2 does (YAML 1.1: `yes` and `on` are booleans), one
    // document.
    let opts = ParseOptions {
        yaml11: true,
        ..ParseOptions::default()
    };
    let docs =
        parse_input(text_, &opts).map_err(|e| stream_err("", format!("not valid YAML: {e}")))?;
    let values = docs.first().map_or(Value::Null, |d| d.node.to_value());
    if !values.is_object() {
        return Err(stream_err("", "a values file is a mapping".into()));
    }
    // The chart names its objects after the release unless fullnameOverride says otherwise,
    // and its selector (app.kubernetes.io/instance) always carries the release: a wrong guess
    // would change the Services' selectors while the Deployment's, immutable, is refused.
    let (Some(release_name), Some(fullname)) = (release, gateway_name(&values, release)) else {
        return Err(stream_err(
            "--release",
            "required: the release name, which the chart's selector (app.kubernetes.io/instance) carries and its names start with unless fullnameOverride is set".into(),
        ));
    };
    let release = Some(release_name);
    let ok = shgw::spec::is_gateway_name;
    let name = match release {
        _ if ok(&fullname) => fullname.clone(),
        Some(r) if ok(r) => r.to_owned(),
        _ => fullname.clone(),
    };
    let endpoint = text(&values, "gateway.configuration.uri").ok_or_else(|| {
        stream_err(
            "gateway.configuration.uri",
            "required: the configuration endpoint".into(),
        )
    })?;
    let mut notes = Vec::new();
    let mut note = |s: String| notes.push(format!("{name}: {s}"));
    let mut g = GatewayDoc::new(&name);
    let namespace = match namespace {
        Some(ns) => ns,
        None => {
            note("no --namespace: the release is taken to be in default, where helm installs unless told otherwise; if it is elsewhere, import again with --namespace".into());
            "default"
        }
    };
    g.meta(&["namespace"], json!(namespace));
    if name != fullname {
        note(format!(
            "the Gateway is named {name} (the Helm release): {fullname} is longer than 44 characters"
        ));
    }
    let existing = chart_objects(&values, &fullname, release, Some(namespace));
    super::adopt::write_adoption(&mut g, &name, &existing);
    g.meta(
        &["labels"],
        get(&values, "commonLabels").cloned().unwrap_or_default(),
    );
    g.set(&["endpoint"], json!(endpoint));
    g.set(&["gatewayName"], json!(text(&values, "gateway.name")));
    auth(&values, &name, &mut g, &mut note);
    image(&values, &mut g, &mut note);
    deployment(&values, &mut g, &mut note);
    backup(&values, &fullname, &mut g, &mut note);
    telemetry(&values, &mut g, &mut note);
    service(&values, &mut g, &mut note);
    availability(&values, &mut g, &mut note);
    pod(&values, &mut g, &mut note);
    unsupported(&values, &mut g, &mut note);
    let doc = g.finish(file)?;
    let plan = super::adopt::plan(&doc, &existing);
    Ok(Imported {
        documents: vec![doc],
        notes,
        plans: vec![plan],
    })
}

/// What the chart (1.15.1) names its objects for these values: the Deployment, ConfigMap,
/// Secret, live Service, budget, claim, claim volume and ServiceAccount `<fullname>`, the
/// discovery Service `<fullname, 44 at most>-instance-discovery`, the container after the
/// chart; the selector `app.kubernetes.io/name: <fullname>`, `component: self-hosted-gateway`
/// and `instance: <release>`, and the pods also carry the chart's common labels.
fn chart_objects(
    values: &Value,
    fullname: &str,
    release: Option<&str>,
    namespace: Option<&str>,
) -> Existing {
    let short: String = fullname.chars().take(44).collect();
    let discovery = format!("{}-instance-discovery", short.trim_end_matches('-'));
    let instance = release.unwrap_or(fullname).to_owned();
    let selector = BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), fullname.to_owned()),
        (
            "app.kubernetes.io/component".to_owned(),
            "self-hosted-gateway".to_owned(),
        ),
        ("app.kubernetes.io/instance".to_owned(), instance),
    ]);
    let mut pod_labels = selector.clone();
    pod_labels.insert("app.kubernetes.io/managed-by".into(), "Helm".into());
    if let Some(Value::Object(common)) = get(values, "commonLabels") {
        for (k, v) in common {
            pod_labels.insert(
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            );
        }
    }
    if text(values, "gateway.auth.type").as_deref() == Some("WorkloadIdentity") {
        pod_labels.insert("azure.workload.identity/use".into(), "true".into());
    }
    let backup =
        (truthy(values, "gateway.configuration.backup.enabled") == Some(true)).then(|| {
            let claim = text(
                values,
                "gateway.configuration.backup.persistentVolumeClaim.existingName",
            )
            .unwrap_or_else(|| fullname.to_owned());
            (fullname.to_owned(), claim)
        });
    let secret = text(values, "secret.existingSecretName").unwrap_or_else(|| fullname.to_owned());
    let token = (text(values, "gateway.auth.type")
        .as_deref()
        .unwrap_or("GatewayToken")
        == "GatewayToken")
        .then(|| (secret.clone(), TOKEN_KEY.to_owned()));
    let service_account = text(values, "serviceAccount.name")
        .or_else(|| text(values, "serviceAccountName"))
        .unwrap_or_else(|| fullname.to_owned());
    let mut objects = BTreeSet::new();
    let mut add = |k: &str, n: &str| objects.insert((k.to_owned(), n.to_owned()));
    add("Deployment", fullname);
    add("ConfigMap", fullname);
    add("Service", fullname);
    add("Service", &discovery);
    if truthy(values, "serviceAccount.create") != Some(false) {
        add("ServiceAccount", &service_account);
    }
    if truthy(values, "secret.createSecret") != Some(false)
        && text(values, "secret.existingSecretName").is_none()
    {
        add("Secret", &secret);
    }
    if let Some((_, claim)) = &backup {
        add("PersistentVolumeClaim", claim);
    }
    if truthy(values, "highAvailability.enabled") != Some(false) {
        add("PodDisruptionBudget", fullname);
    }
    Existing {
        namespace: namespace.unwrap_or_default().to_owned(),
        deployment: fullname.to_owned(),
        selector,
        pod_labels,
        container: CHART.to_owned(),
        config_map: Some(fullname.to_owned()),
        live_traffic: Some((
            fullname.to_owned(),
            text(values, "service.type").unwrap_or_else(|| "ClusterIP".into()),
        )),
        discovery: Some(discovery),
        backup,
        token,
        service_account: Some(service_account),
        objects,
        helm_release: Some(release.unwrap_or(fullname).to_owned()),
        replicas: get(values, "replicaCount").and_then(Value::as_i64),
        resources: get(values, "resources")
            .and_then(Value::as_object)
            .is_some_and(|r| {
                r.values()
                    .any(|x| x.as_object().is_some_and(|m| !m.is_empty()))
            }),
    }
}

/// `fullnameOverride`, else the chart's `fullname` of the release.
fn gateway_name(values: &Value, release: Option<&str>) -> Option<String> {
    if let Some(f) = text(values, "fullnameOverride") {
        return Some(f);
    }
    let release = release?;
    let chart = text(values, "nameOverride").unwrap_or_else(|| CHART.to_owned());
    let full = if release.contains(&chart) {
        release.to_owned()
    } else {
        format!("{release}-{chart}")
    };
    Some(
        full.chars()
            .take(63)
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned(),
    )
}

fn auth(values: &Value, name: &str, g: &mut GatewayDoc, note: &mut impl FnMut(String)) {
    let existing = text(values, "secret.existingSecretName");
    let created = truthy(values, "secret.createSecret").unwrap_or(true);
    let secret = existing.clone().unwrap_or_else(|| name.to_owned());
    if existing.is_none() && created {
        note(format!(
            "the chart creates Secret {secret} from the values; create it yourself (the value is not carried over)"
        ));
    }
    match text(values, "gateway.auth.type")
        .as_deref()
        .unwrap_or("GatewayToken")
    {
        "GatewayToken" => g.set(
            &["auth", "token"],
            json!({"secretName": secret, "secretKey": TOKEN_KEY}),
        ),
        "AzureAdApp" => {
            g.set(
                &["auth", "entraApp", "tenantId"],
                json!(text(values, "gateway.auth.azureAd.tenant.id")),
            );
            g.set(
                &["auth", "entraApp", "clientId"],
                json!(text(values, "gateway.auth.azureAd.app.id")),
            );
            g.set(
                &["auth", "entraApp", "authority"],
                json!(text(values, "gateway.auth.azureAd.authority")),
            );
            g.set(
                &["auth", "entraApp", "clientSecret"],
                json!({"secretName": secret, "secretKey": ENTRA_SECRET_KEY}),
            );
        }
        "WorkloadIdentity" => {
            let sa = text(values, "serviceAccount.name").unwrap_or_else(|| name.to_owned());
            g.set(
                &["auth", "workloadIdentity", "serviceAccountName"],
                json!(sa),
            );
            // The chart annotates its ServiceAccount with gateway.auth.azureAd.app.id.
            let client = text(values, "gateway.auth.azureAd.app.id").or_else(|| {
                get(values, "serviceAccount.annotations")
                    .and_then(|a| a.get("azure.workload.identity/client-id"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
            match client {
                Some(c) => g.set(&["auth", "workloadIdentity", "clientId"], json!(c)),
                None => note(
                    "gateway.auth.azureAd.app.id is empty: set spec.auth.workloadIdentity.clientId"
                        .into(),
                ),
            }
            if truthy(values, "serviceAccount.create") == Some(false) {
                note(format!(
                    "serviceAccount.create false: shgw renders ServiceAccount {sa} with the client id annotation; it replaces the labels and annotations of the one you made"
                ));
            }
        }
        other => note(format!(
            "gateway.auth.type {other} is not a chart auth type: set spec.auth"
        )),
    }
}

fn image(values: &Value, g: &mut GatewayDoc, note: &mut impl FnMut(String)) {
    g.set(
        &["image", "repository"],
        json!(text(values, "image.repository")),
    );
    match text(values, "image.tag") {
        Some(t) => g.set(&["image", "tag"], json!(t)),
        None => note(
            "image.tag is empty (the chart's appVersion, 2.11.1 in chart 1.15.1): the profile's pinned version is used, so the first apply changes the image; set spec.image.tag to keep yours"
                .into(),
        ),
    }
    g.set(
        &["image", "pullPolicy"],
        json!(text(values, "image.pullPolicy")),
    );
    let secrets: Vec<Value> = get(values, "imagePullSecrets")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| {
                    s.get("name")
                        .or(Some(s))
                        .and_then(Value::as_str)
                        .map(|n| json!(n))
                })
                .collect()
        })
        .unwrap_or_default();
    g.set(&["image", "pullSecrets"], Value::Array(secrets));
}

fn deployment(values: &Value, g: &mut GatewayDoc, note: &mut impl FnMut(String)) {
    match get(values, "replicaCount") {
        Some(r) => g.set(&["replicas"], int_or_percent(r)),
        None if values.get("replicaCount").is_some() => note(
            "replicaCount null (scaled by KEDA or an HPA outside the chart): add spec.autoscaling"
                .into(),
        ),
        None => g.set(&["replicas"], json!(3)),
    }
    match text(values, "gateway.deployment.strategy.type").as_deref() {
        Some("Recreate") => note(
            "gateway.deployment.strategy Recreate is not carried over: shgw rolls pods one by one"
                .into(),
        ),
        _ => {
            for f in ["maxUnavailable", "maxSurge"] {
                if let Some(x) = get(
                    values,
                    &format!("gateway.deployment.strategy.rollingUpdate.{f}"),
                ) {
                    g.set(&["rollout", f], int_or_percent(x));
                }
            }
        }
    }
    g.set(
        &["pod", "terminationGracePeriodSeconds"],
        json!(
            get(values, "gateway.deployment.terminationGracePeriodSeconds")
                .cloned()
                .unwrap_or(json!(60))
        ),
    );
    g.set(
        &["pod", "annotations"],
        get(values, "gateway.deployment.annotations")
            .cloned()
            .unwrap_or_default(),
    );
    g.set(
        &["proxy", "http"],
        json!(text(values, "gateway.deployment.network.proxy.http")),
    );
    g.set(
        &["proxy", "https"],
        json!(text(values, "gateway.deployment.network.proxy.https")),
    );
    if let Some(b) = text(values, "gateway.deployment.network.proxy.bypass") {
        let items: Vec<&str> = b
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        g.set(&["proxy", "noProxy"], json!(items));
    }
    match get(values, "gateway.deployment.dns.hostAliases") {
        Some(Value::Array(list)) => g.set(&["dns", "hostAliases"], Value::Array(list.clone())),
        Some(Value::Object(m)) if !m.is_empty() => note("gateway.deployment.dns.hostAliases as a mapping is not carried over: write spec.dns.hostAliases as [{ip, hostnames}]".into()),
        _ => {}
    }
    for section in ["requests", "limits"] {
        for (k, field) in [
            ("cpu", "cpu"),
            ("memory", "memory"),
            ("ephemeral-storage", "ephemeralStorage"),
        ] {
            if let Some(q) = get(values, &format!("resources.{section}")).and_then(|r| r.get(k)) {
                g.set(&["resources", section, field], quantity(q));
            }
        }
    }
    let user = get(values, "securityContext.runAsUser")
        .or_else(|| get(values, "podSecurityContext.runAsUser"));
    let group = get(values, "securityContext.runAsGroup")
        .or_else(|| get(values, "podSecurityContext.runAsGroup"));
    g.set(
        &["securityContext", "runAsUser"],
        user.cloned().unwrap_or_default(),
    );
    g.set(
        &["securityContext", "runAsGroup"],
        group.cloned().unwrap_or_default(),
    );
    g.set(
        &["securityContext", "fsGroup"],
        get(values, "podSecurityContext.fsGroup")
            .cloned()
            .unwrap_or_default(),
    );
    if truthy(values, "securityContext.readOnlyRootFilesystem") == Some(true) {
        note("securityContext.readOnlyRootFilesystem true is not carried over: the v2 gateway cannot start with it".into());
    }
}

fn backup(values: &Value, fullname: &str, g: &mut GatewayDoc, note: &mut impl FnMut(String)) {
    if truthy(values, "gateway.configuration.backup.enabled") != Some(true) {
        g.set(&["backup", "enabled"], json!(false));
        return;
    }
    let pvc = "gateway.configuration.backup.persistentVolumeClaim";
    g.set(&["backup", "enabled"], json!(true));
    if let Some(existing) = text(values, &format!("{pvc}.existingName")) {
        g.set(&["backup", "existingClaim"], json!(existing));
        return;
    }
    if truthy(values, &format!("{pvc}.create")) == Some(false) {
        note(format!(
            "{pvc}.create false without existingName: set spec.backup.existingClaim"
        ));
        return;
    }
    // The claim the chart made holds the saved configuration: it stays the one mounted.
    g.set(&["backup", "existingClaim"], json!(fullname));
}

/// The chart's defaults (`text`, `info`, colour on, Azure Monitor on, a 60-second grace) are
/// stated where the values leave them out: a profile's own would otherwise change them unasked.
fn telemetry(values: &Value, g: &mut GatewayDoc, note: &mut impl FnMut(String)) {
    g.set(
        &["telemetry", "logs", "std"],
        json!(text(values, "observability.logs.std.format").unwrap_or_else(|| "text".into())),
    );
    g.set(
        &["telemetry", "logs", "level"],
        json!(text(values, "observability.logs.std.level").unwrap_or_else(|| "info".into())),
    );
    g.set(
        &["telemetry", "logs", "color"],
        json!(truthy(values, "observability.logs.std.useColor").unwrap_or(true)),
    );
    g.set(
        &["telemetry", "metrics", "cloud"],
        json!(truthy(values, "observability.azureMonitor.metrics.enabled").unwrap_or(true)),
    );
    if truthy(values, "observability.statsD.enabled") == Some(true) {
        g.set(
            &["telemetry", "metrics", "statsd", "endpoint"],
            json!(
                text(values, "observability.statsD.endpoint")
                    .map(|e| statsd_endpoint(&e).to_owned())
            ),
        );
        g.set(
            &["telemetry", "metrics", "statsd", "sampling"],
            json!(
                get(values, "observability.statsD.sampling")
                    .and_then(|v| v.as_f64().or_else(|| v.as_str()?.parse().ok()))
            ),
        );
        g.set(
            &["telemetry", "metrics", "statsd", "tagFormat"],
            json!(text(values, "observability.statsD.tagFormat")),
        );
    }
    if truthy(values, "observability.opentelemetry.enabled") == Some(true) {
        g.set(
            &["telemetry", "metrics", "openTelemetry", "collectorUri"],
            json!(text(values, "observability.opentelemetry.collector.uri")),
        );
        g.set(
            &["telemetry", "metrics", "openTelemetry", "systemMetrics"],
            json!(truthy(
                values,
                "observability.opentelemetry.systemMetrics.enabled"
            )),
        );
        g.set(
            &["settings", "observability.opentelemetry.histogram.buckets"],
            json!(text(
                values,
                "observability.opentelemetry.histogram.buckets"
            )),
        );
    }
    let local = text(values, "observability.logs.local.type");
    match local.as_deref() {
        None | Some("auto") => {}
        Some(t @ ("none" | "localsyslog" | "rfc5424" | "journal" | "json")) => {
            g.set(&["telemetry", "logs", "local", "type"], json!(t));
            g.set(
                &["telemetry", "logs", "local", "endpoint"],
                json!(text(
                    values,
                    &format!("observability.logs.local.{t}.endpoint")
                )),
            );
            g.set(
                &["telemetry", "logs", "local", "facility"],
                json!(
                    get(values, &format!("observability.logs.local.{t}.facility"))
                        .and_then(|f| f.as_u64().or_else(|| f.as_str()?.parse().ok()))
                ),
            );
            if t == "localsyslog" {
                note("observability.logs.local localsyslog: the chart's hostPath mount of the node's syslog socket is not carried over (shgw mounts no host path); point telemetry.logs.local.endpoint at a reachable syslog".into());
            }
        }
        Some(other) => note(format!(
            "observability.logs.local.type {other} is not one of none, auto, localsyslog, rfc5424, journal, json: not carried over"
        )),
    }
    let mut settings = Map::new();
    for (path, setting) in [
        (
            "security.tls.server.ciphers.allowedSuites",
            "net.server.tls.ciphers.allowed-suites",
        ),
        (
            "security.tls.client.ciphers.allowedSuites",
            "net.client.tls.ciphers.allowed-suites",
        ),
    ] {
        if let Some(v) = text(values, path) {
            settings.insert(setting.to_owned(), json!(v));
        }
    }
    if let Some(Value::Object(extra)) = get(values, "gateway.configuration.additional") {
        for (k, v) in extra {
            let lower = k.to_ascii_lowercase();
            if lower.contains("secret") || lower.contains("password") {
                note(format!(
                    "gateway.configuration.additional.{k} holds a secret in plain text: not carried over"
                ));
                continue;
            }
            let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            settings.insert(k.clone(), json!(v));
        }
    }
    g.set(&["settings"], Value::Object(settings));
}

fn service(values: &Value, g: &mut GatewayDoc, note: &mut impl FnMut(String)) {
    g.set(
        &["service", "type"],
        json!(text(values, "service.type").unwrap_or_else(|| "ClusterIP".into())),
    );
    g.set(
        &["service", "annotations"],
        get(values, "service.annotations")
            .cloned()
            .unwrap_or_default(),
    );
    g.set(
        &["service", "httpPort"],
        json!(
            get(values, "service.ports.http")
                .cloned()
                .unwrap_or(json!(8080))
        ),
    );
    g.set(
        &["service", "httpsPort"],
        json!(
            get(values, "service.ports.https")
                .cloned()
                .unwrap_or(json!(8081))
        ),
    );
    // The chart writes none before PR #393: Kubernetes then uses Cluster, stated here so that a
    // profile's Local does not change how client addresses reach the pods unasked.
    let exposed = matches!(
        text(values, "service.type").as_deref(),
        Some("LoadBalancer" | "NodePort")
    );
    g.set(
        &["service", "externalTrafficPolicy"],
        json!(
            text(values, "service.externalTrafficPolicy")
                .or_else(|| exposed.then(|| "Cluster".to_owned()))
        ),
    );
    if get(values, "service.loadBalancer.ip").is_some() {
        note(
            "service.loadBalancer.ip is not in the Gateway file: applying over the live Service keeps it, but a re-created Service would lose it; use your cloud's Service annotation"
                .into(),
        );
    }
    if truthy(values, "service.loadBalancer.allocateNodePorts") == Some(false) {
        note("service.loadBalancer.allocateNodePorts false is not carried over".into());
    }
}

fn availability(values: &Value, g: &mut GatewayDoc, note: &mut impl FnMut(String)) {
    if truthy(values, "highAvailability.enabled") == Some(false) {
        g.set(&["highAvailability", "topologySpread"], json!("none"));
        g.set(&["highAvailability", "antiAffinity"], json!("none"));
        note(
            "highAvailability.enabled false: the profile's PodDisruptionBudget still applies"
                .into(),
        );
        return;
    }
    let max = get(values, "highAvailability.disruption.maximumUnavailable")
        .map(int_or_percent)
        .unwrap_or(json!("25%"));
    g.set(
        &["highAvailability", "podDisruptionBudget", "maxUnavailable"],
        max,
    );
    g.set(&["highAvailability", "topologySpread"], json!("zone"));
    g.set(&["highAvailability", "antiAffinity"], json!("none"));
    if text(
        values,
        "highAvailability.podTopologySpread.whenUnsatisfiable",
    )
    .as_deref()
        == Some("DoNotSchedule")
    {
        note("highAvailability.podTopologySpread.whenUnsatisfiable DoNotSchedule is not carried over: shgw spreads with ScheduleAnyway".into());
    }
}

fn pod(values: &Value, g: &mut GatewayDoc, note: &mut impl FnMut(String)) {
    g.set(
        &["pod", "nodeSelector"],
        get(values, "nodeSelector").cloned().unwrap_or_default(),
    );
    g.set(
        &["pod", "tolerations"],
        get(values, "tolerations").cloned().unwrap_or_default(),
    );
    g.set(
        &["pod", "priorityClassName"],
        json!(text(values, "priorityClassName")),
    );
    if get(values, "affinity").is_some_and(|a| a.as_object().is_some_and(|m| !m.is_empty())) {
        note("affinity is not carried over: use spec.highAvailability.antiAffinity and spec.pod.nodeSelector".into());
    }
}

fn unsupported(values: &Value, g: &mut GatewayDoc, note: &mut impl FnMut(String)) {
    // The chart renders no NetworkPolicy.
    g.set(&["networkPolicy", "enabled"], json!(false));
    if truthy(values, "dapr.enabled") == Some(true) {
        // What the chart's deployment template writes on the pod for Dapr.
        for (key, annotation, default) in [
            ("dapr.enabled", "dapr.io/enabled", Some("true")),
            ("dapr.app.id", "dapr.io/app-id", None),
            ("dapr.config", "dapr.io/config", Some("tracing")),
            (
                "dapr.logging.useJsonOutput",
                "dapr.io/log-as-json",
                Some("true"),
            ),
            ("dapr.logging.level", "dapr.io/log-level", Some("info")),
        ] {
            let v = text(values, key).or_else(|| default.map(str::to_owned));
            g.set(&["pod", "annotations", annotation], json!(v));
        }
        note("dapr: the dapr.io/* pod annotations are carried; runtime.deployment.dapr.enabled (deployment telemetry) is not".into());
    }
    for (key, default) in [
        ("service.ports.instance.synchronization", 4290),
        ("service.ports.instance.heartbeat", 4291),
    ] {
        if get(values, key)
            .and_then(Value::as_i64)
            .is_some_and(|p| p != default)
        {
            note(format!(
                "{key} is not carried over: shgw uses port {default}"
            ));
        }
    }
    if get(values, "serviceAccount.labels")
        .is_some_and(|l| l.as_object().is_some_and(|m| !m.is_empty()))
    {
        note("serviceAccount.labels are not carried over".into());
    }
    if get(values, "podSecurityContext.fsGroupChangePolicy").is_some() {
        note("podSecurityContext.fsGroupChangePolicy is not carried over: shgw sets OnRootMismatch with a backup".into());
    }
    if truthy(values, "ingress.controller.enabled") == Some(true) {
        note("ingress.controller (experimental) is not carried over".into());
    }
    for probe in ["readiness", "liveness", "startup"] {
        let path = get(values, &format!("probes.{probe}.httpGet.path")).and_then(Value::as_str);
        if path.is_some_and(|p| p != shgw::defaults::PROBE_PATH) {
            note(format!(
                "probes.{probe} on another path is not carried over"
            ));
        }
    }
}
