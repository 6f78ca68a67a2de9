//! Gateway files from the Azure chart's `values.yaml` (`azure-api-management-gateway` 1.15.x,
//! keys as in its values reference): what the chart would render, as a Gateway.

use super::Imported;
use super::adopt::Existing;
use super::fit::{Fit, int_or_percent, statsd_endpoint};
use crate::error::{Error, ErrorKind};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use shgw::spec::{
    AntiAffinity, Auth, DisruptionBudget, EntraAppAuth, HighAvailability, HostAlias, Image,
    LocalLogType, LocalLogs, Logs, Metrics, NetworkPolicyConfig, OpenTelemetry, PodConfig, Proxy,
    Rollout, SecretKeyRef, SecurityContext, ServiceConfig, SettingValue, Statsd, Telemetry,
    TokenAuth, Toleration, TopologySpread, WorkloadIdentityAuth,
};
use shgw_yaml::Placed;
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
/// [`ErrorKind::Values`] when the file is not a mapping, `gateway.configuration.uri` is
/// missing, or no name can be found.
pub fn import_helm_values(
    file: &str,
    text_: &str,
    release: Option<&str>,
    namespace: Option<&str>,
) -> Result<Imported, Error> {
    let stream_err =
        |path: &str, message: String| Error::new(ErrorKind::Values, file, message).at_path(path);
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
    let input = Input {
        file,
        doc: docs.first(),
    };
    let mut fit = Fit::new(&name);
    let namespace = match namespace {
        Some(ns) => ns,
        None => {
            note("no --namespace: the release is taken to be in default, where helm installs unless told otherwise; if it is elsewhere, import again with --namespace".into());
            "default"
        }
    };
    fit.gateway.metadata.namespace = Some(namespace.to_owned()).filter(|n| !n.is_empty());
    if name != fullname {
        note(format!(
            "the Gateway is named {name} (the Helm release): {fullname} is longer than 44 characters"
        ));
    }
    let existing = chart_objects(&values, &fullname, release, Some(namespace));
    super::adopt::write_adoption(fit.spec(), &name, &existing);
    fit.gateway.metadata.labels = input
        .read(&mut fit, &values, "commonLabels", "metadata.labels", None)
        .unwrap_or_default();
    fit.spec().endpoint = Some(endpoint);
    fit.spec().gateway_name = text(&values, "gateway.name");
    auth(&values, &name, &mut fit, &mut note);
    image(&input, &values, &mut fit, &mut note);
    deployment(&input, &values, &mut fit, &mut note);
    backup(&values, &fullname, &mut fit, &mut note);
    telemetry(&input, &values, &mut fit, &mut note);
    service(&input, &values, &mut fit, &mut note);
    availability(&input, &values, &mut fit, &mut note);
    pod(&input, &values, &mut fit, &mut note);
    unsupported(&values, &mut fit, &mut note);
    let (gateway, doc) = fit
        .finish()
        .map_err(|misfits| Error::does_not_fit(file, misfits))?;
    let plan = super::adopt::plan(&gateway, &existing);
    Ok(Imported {
        gateways: vec![gateway],
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

/// The values file being read: where a value that does not fit was written.
struct Input<'a> {
    file: &'a str,
    doc: Option<&'a Placed>,
}

impl Input<'_> {
    /// The values key `path` (dotted), with its line and column, as a misfit names it.
    fn at(&self, path: &str) -> String {
        match self.doc {
            Some(d) => {
                let p = d.locate(path);
                format!("{}:{}:{}: {path}", self.file, p.line, p.column)
            }
            None => format!("{}: {path}", self.file),
        }
    }

    /// The value at `path` (or `default` when it is not set) as the Gateway field `to`.
    fn read<T: DeserializeOwned>(
        &self,
        fit: &mut Fit,
        values: &Value,
        path: &str,
        to: &str,
        default: Option<Value>,
    ) -> Option<T> {
        let v = get(values, path).cloned().or(default).unwrap_or_default();
        fit.read(&self.at(path), to, &v)
    }

    /// The text at `path` (or `default`) as the Gateway field `to`: a choice, say.
    fn choice<T: DeserializeOwned>(
        &self,
        fit: &mut Fit,
        values: &Value,
        path: &str,
        to: &str,
        default: Option<&str>,
    ) -> Option<T> {
        let t = text(values, path).or_else(|| default.map(str::to_owned));
        fit.read_text(&self.at(path), to, t.as_deref())
    }
}

fn auth(values: &Value, name: &str, fit: &mut Fit, note: &mut impl FnMut(String)) {
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
        "GatewayToken" => {
            fit.spec().auth = Some(Auth::Token(TokenAuth {
                secret_name: Some(secret),
                secret_key: Some(TOKEN_KEY.to_owned()),
                renewal: None,
            }));
        }
        "AzureAdApp" => {
            fit.spec().auth = Some(Auth::EntraApp(EntraAppAuth {
                tenant_id: text(values, "gateway.auth.azureAd.tenant.id"),
                client_id: text(values, "gateway.auth.azureAd.app.id"),
                authority: text(values, "gateway.auth.azureAd.authority"),
                client_secret: Some(SecretKeyRef {
                    secret_name: Some(secret),
                    secret_key: Some(ENTRA_SECRET_KEY.to_owned()),
                }),
                ..EntraAppAuth::default()
            }));
        }
        "WorkloadIdentity" => {
            let sa = text(values, "serviceAccount.name").unwrap_or_else(|| name.to_owned());
            // The chart annotates its ServiceAccount with gateway.auth.azureAd.app.id.
            let client = text(values, "gateway.auth.azureAd.app.id").or_else(|| {
                get(values, "serviceAccount.annotations")
                    .and_then(|a| a.get("azure.workload.identity/client-id"))
                    .and_then(Value::as_str)
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
            });
            if client.is_none() {
                note(
                    "gateway.auth.azureAd.app.id is empty: set spec.auth.workloadIdentity.clientId"
                        .into(),
                );
            }
            if truthy(values, "serviceAccount.create") == Some(false) {
                note(format!(
                    "serviceAccount.create false: shgw renders ServiceAccount {sa} with the client id annotation; it replaces the labels and annotations of the one you made"
                ));
            }
            fit.spec().auth = Some(Auth::WorkloadIdentity(WorkloadIdentityAuth {
                client_id: client,
                service_account_name: Some(sa).filter(|s| !s.is_empty()),
            }));
        }
        other => note(format!(
            "gateway.auth.type {other} is not a chart auth type: set spec.auth"
        )),
    }
}

fn image(input: &Input, values: &Value, fit: &mut Fit, note: &mut impl FnMut(String)) {
    let tag = text(values, "image.tag");
    if tag.is_none() {
        note(
            "image.tag is empty (the chart's appVersion, 2.11.1 in chart 1.15.1): the profile's pinned version is used, so the first apply changes the image; set spec.image.tag to keep yours"
                .into(),
        );
    }
    let i = Image {
        repository: text(values, "image.repository"),
        tag,
        pull_policy: input.choice(
            fit,
            values,
            "image.pullPolicy",
            "spec.image.pullPolicy",
            None,
        ),
        pull_secrets: get(values, "imagePullSecrets")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.get("name").or(Some(s)).and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        ..Image::default()
    };
    if i != Image::default() {
        fit.spec().image = Some(i);
    }
}

/// `spec.pod`, made on first use.
fn pod_config(fit: &mut Fit) -> &mut PodConfig {
    fit.spec().pod.get_or_insert_default()
}

fn deployment(input: &Input, values: &Value, fit: &mut Fit, note: &mut impl FnMut(String)) {
    match get(values, "replicaCount") {
        Some(r) => {
            let r = fit.read(
                &input.at("replicaCount"),
                "spec.replicas",
                &int_or_percent(r),
            );
            fit.spec().replicas = r;
        }
        None if values.get("replicaCount").is_some() => note(
            "replicaCount null (scaled by KEDA or an HPA outside the chart): add spec.autoscaling"
                .into(),
        ),
        None => fit.spec().replicas = Some(3),
    }
    match text(values, "gateway.deployment.strategy.type").as_deref() {
        Some("Recreate") => note(
            "gateway.deployment.strategy Recreate is not carried over: shgw rolls pods one by one"
                .into(),
        ),
        _ => {
            let mut r = Rollout::default();
            for (f, out) in [
                ("maxUnavailable", &mut r.max_unavailable),
                ("maxSurge", &mut r.max_surge),
            ] {
                let path = format!("gateway.deployment.strategy.rollingUpdate.{f}");
                if let Some(x) = get(values, &path) {
                    *out = fit.read(
                        &input.at(&path),
                        &format!("spec.rollout.{f}"),
                        &int_or_percent(x),
                    );
                }
            }
            if r != Rollout::default() {
                fit.spec().rollout = Some(r);
            }
        }
    }
    let grace = input.read(
        fit,
        values,
        "gateway.deployment.terminationGracePeriodSeconds",
        "spec.pod.terminationGracePeriodSeconds",
        Some(json!(60)),
    );
    let annotations: Option<BTreeMap<String, String>> = input.read(
        fit,
        values,
        "gateway.deployment.annotations",
        "spec.pod.annotations",
        None,
    );
    if grace.is_some() {
        pod_config(fit).termination_grace_period_seconds = grace;
    }
    if let Some(a) = annotations.filter(|a| !a.is_empty()) {
        pod_config(fit).annotations = a;
    }
    let mut proxy = Proxy {
        http: text(values, "gateway.deployment.network.proxy.http"),
        https: text(values, "gateway.deployment.network.proxy.https"),
        ..Proxy::default()
    };
    if let Some(b) = text(values, "gateway.deployment.network.proxy.bypass") {
        proxy.no_proxy = b
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
    }
    if proxy != Proxy::default() {
        fit.spec().proxy = Some(proxy);
    }
    let aliases = "gateway.deployment.dns.hostAliases";
    match get(values, aliases) {
        Some(list @ Value::Array(_)) => {
            let a: Option<Vec<HostAlias>> =
                fit.read(&input.at(aliases), "spec.dns.hostAliases", list);
            if let Some(a) = a.filter(|a| !a.is_empty()) {
                fit.spec().dns.get_or_insert_default().host_aliases = a;
            }
        }
        Some(Value::Object(m)) if !m.is_empty() => note("gateway.deployment.dns.hostAliases as a mapping is not carried over: write spec.dns.hostAliases as [{ip, hostnames}]".into()),
        _ => {}
    }
    fit.resources(|section, key| {
        let q = get(values, &format!("resources.{section}"))?.get(key)?;
        Some((input.at(&format!("resources.{section}.{key}")), q.clone()))
    });
    let mut s = SecurityContext::default();
    for (field, out) in [
        ("runAsUser", &mut s.run_as_user),
        ("runAsGroup", &mut s.run_as_group),
    ] {
        let path = [
            format!("securityContext.{field}"),
            format!("podSecurityContext.{field}"),
        ]
        .into_iter()
        .find(|p| get(values, p).is_some());
        if let Some(p) = path {
            *out = input.read(
                fit,
                values,
                &p,
                &format!("spec.securityContext.{field}"),
                None,
            );
        }
    }
    s.fs_group = input.read(
        fit,
        values,
        "podSecurityContext.fsGroup",
        "spec.securityContext.fsGroup",
        None,
    );
    if s != SecurityContext::default() {
        fit.spec().security_context = Some(s);
    }
    if truthy(values, "securityContext.readOnlyRootFilesystem") == Some(true) {
        note("securityContext.readOnlyRootFilesystem true is not carried over: the v2 gateway cannot start with it".into());
    }
}

fn backup(values: &Value, fullname: &str, fit: &mut Fit, note: &mut impl FnMut(String)) {
    let b = fit.spec().backup.get_or_insert_default();
    if truthy(values, "gateway.configuration.backup.enabled") != Some(true) {
        b.enabled = Some(false);
        return;
    }
    let pvc = "gateway.configuration.backup.persistentVolumeClaim";
    b.enabled = Some(true);
    if let Some(existing) = text(values, &format!("{pvc}.existingName")) {
        b.existing_claim = Some(existing);
        return;
    }
    if truthy(values, &format!("{pvc}.create")) == Some(false) {
        note(format!(
            "{pvc}.create false without existingName: set spec.backup.existingClaim"
        ));
        return;
    }
    // The claim the chart made holds the saved configuration: it stays the one mounted.
    b.existing_claim = Some(fullname.to_owned()).filter(|f| !f.is_empty());
}

/// The chart's defaults (`text`, `info`, colour on, Azure Monitor on, a 60-second grace) are
/// stated where the values leave them out: a profile's own would otherwise change them unasked.
fn telemetry(input: &Input, values: &Value, fit: &mut Fit, note: &mut impl FnMut(String)) {
    let mut logs = Logs {
        std: input.choice(
            fit,
            values,
            "observability.logs.std.format",
            "spec.telemetry.logs.std",
            Some("text"),
        ),
        level: input.choice(
            fit,
            values,
            "observability.logs.std.level",
            "spec.telemetry.logs.level",
            Some("info"),
        ),
        color: Some(truthy(values, "observability.logs.std.useColor").unwrap_or(true)),
        local: None,
    };
    let mut metrics = Metrics {
        cloud: Some(truthy(values, "observability.azureMonitor.metrics.enabled").unwrap_or(true)),
        ..Metrics::default()
    };
    if truthy(values, "observability.statsD.enabled") == Some(true) {
        let s = Statsd {
            endpoint: text(values, "observability.statsD.endpoint")
                .map(|e| statsd_endpoint(&e).to_owned())
                .filter(|e| !e.is_empty()),
            sampling: get(values, "observability.statsD.sampling")
                .and_then(|v| v.as_f64().or_else(|| v.as_str()?.parse().ok()))
                .filter(|f| f.is_finite()),
            tag_format: input.choice(
                fit,
                values,
                "observability.statsD.tagFormat",
                "spec.telemetry.metrics.statsd.tagFormat",
                None,
            ),
        };
        if s != Statsd::default() {
            metrics.statsd = Some(s);
        }
    }
    let mut settings: BTreeMap<String, SettingValue> = BTreeMap::new();
    if truthy(values, "observability.opentelemetry.enabled") == Some(true) {
        let o = OpenTelemetry {
            collector_uri: text(values, "observability.opentelemetry.collector.uri"),
            system_metrics: truthy(values, "observability.opentelemetry.systemMetrics.enabled"),
        };
        if o != OpenTelemetry::default() {
            metrics.open_telemetry = Some(o);
        }
        if let Some(b) = text(values, "observability.opentelemetry.histogram.buckets") {
            settings.insert(
                "observability.opentelemetry.histogram.buckets".to_owned(),
                SettingValue(b),
            );
        }
    }
    let local = text(values, "observability.logs.local.type");
    let kind = local
        .as_deref()
        .map(|t| LocalLogType::ALL.iter().copied().find(|k| k.as_str() == t));
    match (local.as_deref(), kind) {
        (None, _) | (_, Some(Some(LocalLogType::Auto))) => {}
        (Some(t), Some(Some(kind))) => {
            let facility = format!("observability.logs.local.{t}.facility");
            let l = LocalLogs {
                kind: Some(kind),
                endpoint: text(values, &format!("observability.logs.local.{t}.endpoint")),
                facility: get(values, &facility)
                    .and_then(|f| f.as_u64().or_else(|| f.as_str()?.parse().ok()))
                    .and_then(|f| {
                        fit.read(
                            &input.at(&facility),
                            "spec.telemetry.logs.local.facility",
                            &Value::from(f),
                        )
                    }),
            };
            logs.local = Some(l);
            if kind == LocalLogType::LocalSyslog {
                note("observability.logs.local localsyslog: the chart's hostPath mount of the node's syslog socket is not carried over (shgw mounts no host path); point telemetry.logs.local.endpoint at a reachable syslog".into());
            }
        }
        (Some(other), _) => {
            let known: Vec<&str> = LocalLogType::ALL.iter().map(|k| k.as_str()).collect();
            note(format!(
                "observability.logs.local.type {other} is not one of {}: not carried over",
                known.join(", ")
            ));
        }
    }
    fit.spec().telemetry = Some(Telemetry {
        logs: Some(logs),
        metrics: Some(metrics),
        alerts: None,
    });
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
            settings.insert(setting.to_owned(), SettingValue(v));
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
            // The text as written: the ConfigMap gets it unchanged.
            let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            settings.insert(k.clone(), SettingValue(v));
        }
    }
    fit.spec().settings.extend(settings);
}

fn service(input: &Input, values: &Value, fit: &mut Fit, note: &mut impl FnMut(String)) {
    // The chart writes none before PR #393: Kubernetes then uses Cluster, stated here so that a
    // profile's Local does not change how client addresses reach the pods unasked.
    let exposed = matches!(
        text(values, "service.type").as_deref(),
        Some("LoadBalancer" | "NodePort")
    );
    let c = ServiceConfig {
        kind: input.choice(
            fit,
            values,
            "service.type",
            "spec.service.type",
            Some("ClusterIP"),
        ),
        annotations: input
            .read(
                fit,
                values,
                "service.annotations",
                "spec.service.annotations",
                None,
            )
            .unwrap_or_default(),
        http_port: input.read(
            fit,
            values,
            "service.ports.http",
            "spec.service.httpPort",
            Some(json!(8080)),
        ),
        https_port: input.read(
            fit,
            values,
            "service.ports.https",
            "spec.service.httpsPort",
            Some(json!(8081)),
        ),
        external_traffic_policy: input.choice(
            fit,
            values,
            "service.externalTrafficPolicy",
            "spec.service.externalTrafficPolicy",
            exposed.then_some("Cluster"),
        ),
        ..ServiceConfig::default()
    };
    if c != ServiceConfig::default() {
        fit.spec().service = Some(c);
    }
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

fn availability(input: &Input, values: &Value, fit: &mut Fit, note: &mut impl FnMut(String)) {
    if truthy(values, "highAvailability.enabled") == Some(false) {
        fit.spec().high_availability = Some(HighAvailability {
            topology_spread: Some(TopologySpread::None),
            anti_affinity: Some(AntiAffinity::None),
            ..HighAvailability::default()
        });
        note(
            "highAvailability.enabled false: the profile's PodDisruptionBudget still applies"
                .into(),
        );
        return;
    }
    let path = "highAvailability.disruption.maximumUnavailable";
    let max = get(values, path).map_or_else(|| json!("25%"), int_or_percent);
    let max = fit.read(
        &input.at(path),
        "spec.highAvailability.podDisruptionBudget.maxUnavailable",
        &max,
    );
    fit.spec().high_availability = Some(HighAvailability {
        pod_disruption_budget: max.map(|m| DisruptionBudget {
            max_unavailable: Some(m),
            min_available: None,
        }),
        topology_spread: Some(TopologySpread::Zone),
        anti_affinity: Some(AntiAffinity::None),
    });
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

fn pod(input: &Input, values: &Value, fit: &mut Fit, note: &mut impl FnMut(String)) {
    let node_selector: Option<BTreeMap<String, String>> =
        input.read(fit, values, "nodeSelector", "spec.pod.nodeSelector", None);
    let tolerations: Option<Vec<Toleration>> =
        input.read(fit, values, "tolerations", "spec.pod.tolerations", None);
    let priority = text(values, "priorityClassName");
    if let Some(n) = node_selector.filter(|n| !n.is_empty()) {
        pod_config(fit).node_selector = n;
    }
    if let Some(t) = tolerations.filter(|t| !t.is_empty()) {
        pod_config(fit).tolerations = t;
    }
    if priority.is_some() {
        pod_config(fit).priority_class_name = priority;
    }
    if get(values, "affinity").is_some_and(|a| a.as_object().is_some_and(|m| !m.is_empty())) {
        note("affinity is not carried over: use spec.highAvailability.antiAffinity and spec.pod.nodeSelector".into());
    }
}

fn unsupported(values: &Value, fit: &mut Fit, note: &mut impl FnMut(String)) {
    // The chart renders no NetworkPolicy.
    fit.spec().network_policy = Some(NetworkPolicyConfig {
        enabled: Some(false),
        ..NetworkPolicyConfig::default()
    });
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
            if let Some(v) = text(values, key).or_else(|| default.map(str::to_owned)) {
                pod_config(fit).annotations.insert(annotation.to_owned(), v);
            }
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
