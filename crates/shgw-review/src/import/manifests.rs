//! Gateway files from a manifest stream: each gateway workload with the ConfigMaps, Secrets
//! (their names only), Services, claims, budgets, autoscalers and policies around it.

use super::adopt::Existing;
use super::build::{DEFAULT_SETTINGS, GatewayDoc, boolean, int_or_percent, quantity};
use super::{ImportError, Imported};
use serde_json::{Map, Value, json};
use shgw::defaults::{BACKUP_PATH, HTTP_CONTAINER_PORT, HTTPS_CONTAINER_PORT};
use shgw::review::inventory::{self, Gateway, Setting, Source, find, selecting};
use shgw::review::objects::{map_selects, name, namespace, str_at, string_map};
use shgw::review::parse_image;
use shgw::review::{Document, Stream};

/// Imports every gateway of `stream`.
///
/// # Errors
/// [`ImportError::NoGateway`] when the stream holds no gateway workload.
pub fn import_manifests(stream: &Stream) -> Result<Imported, ImportError> {
    import_manifests_in(stream, None)
}

/// Imports every gateway of `stream`; objects that name no namespace (`helm template` output,
/// the portal's file) live in `namespace` when given.
///
/// ```
/// let text = std::fs::read_to_string("../../examples/portal/contoso-west.yml").unwrap();
/// let stream = shgw_review::load("contoso-west.yml", &text).unwrap();
/// let out = shgw_review::import_manifests_in(&stream, Some("gateways")).unwrap();
/// assert_eq!(out.documents[0]["metadata"]["namespace"], "gateways");
/// assert_eq!(out.documents[0]["spec"]["adoption"]["container"], "contoso-west");
/// ```
///
/// # Errors
/// [`ImportError::NoGateway`] when the stream holds no gateway workload.
pub fn import_manifests_in(
    stream: &Stream,
    namespace: Option<&str>,
) -> Result<Imported, ImportError> {
    let gateways = inventory::gateways(stream);
    if gateways.is_empty() {
        let source = stream
            .documents
            .first()
            .map(|d| d.file.clone())
            .unwrap_or_else(|| "<input>".into());
        return Err(ImportError::NoGateway { input: source });
    }
    let services = shgw::review::objects::service_selectors(&stream.documents);
    let mut out = Imported {
        documents: Vec::new(),
        notes: Vec::new(),
        plans: Vec::new(),
    };
    for gw in &gateways {
        let mut notes = Notes {
            gateway: gw.name.clone(),
            lines: Vec::new(),
        };
        let (doc, existing) = one(&stream.documents, &services, gw, namespace, &mut notes)?;
        out.plans.push(super::adopt::plan(&doc, &existing));
        out.documents.push(doc);
        out.notes.extend(notes.lines);
    }
    Ok(out)
}

/// What one gateway does not carry over.
struct Notes {
    gateway: String,
    lines: Vec<String>,
}

impl Notes {
    fn add(&mut self, what: impl AsRef<str>) {
        self.lines
            .push(format!("{}: {}", self.gateway, what.as_ref()));
    }
}

/// Labels that name the deploying tool or are set by shgw: not carried.
fn tool_label(key: &str) -> bool {
    key.starts_with("app.kubernetes.io/")
        || key.starts_with("helm.sh/")
        || key == "azure.workload.identity/use"
}

/// The Gateway name: the workload's, or the Helm release's when the workload's is too long.
fn gateway_name(v: &Value, gw: &Gateway, notes: &mut Notes) -> String {
    let ok = shgw::spec::is_gateway_name;
    if ok(&gw.name) {
        return gw.name.clone();
    }
    if let Some(release) =
        str_at(v, "/metadata/labels/app.kubernetes.io~1instance").filter(|n| ok(n))
    {
        notes.add(format!(
            "the Gateway is named {release} (the Helm release): {} is longer than 44 characters",
            gw.name
        ));
        return release.to_owned();
    }
    notes.add(format!(
        "{} is not a DNS label of at most 44 characters: rename metadata.name",
        gw.name
    ));
    gw.name.clone()
}

/// Every Service with its selector.
type Services = [(usize, std::collections::BTreeMap<String, String>)];

fn one(
    docs: &[Document],
    services: &Services,
    gw: &Gateway,
    given_namespace: Option<&str>,
    notes: &mut Notes,
) -> Result<(Value, Existing), ImportError> {
    let v = &docs[gw.doc].value;
    let name = gateway_name(v, gw, notes);
    let mut g = GatewayDoc::new(&name);
    let ns = match (namespace(v), given_namespace) {
        ("", Some(given)) => given,
        ("", None) => {
            notes.add("no namespace in the input: taken as default, where kubectl puts objects unless its context names another; if they live elsewhere, import again with --namespace");
            "default"
        }
        (ns, _) => ns,
    };
    g.meta(&["namespace"], json!(ns));
    let existing = existing(docs, services, gw, ns);
    super::adopt::write_adoption(&mut g, &name, &existing);
    if let Some(id) = token_gateway(docs, gw, &existing)
        && literal(gw, "gateway.name").is_none()
    {
        g.set(&["gatewayName"], json!(id));
    }
    let labels: Map<String, Value> = string_map(v, "/metadata/labels")
        .into_iter()
        .filter(|(k, _)| !tool_label(k))
        .map(|(k, val)| (k, json!(val)))
        .collect();
    g.meta(&["labels"], Value::Object(labels));
    settings(docs, gw, &mut g, notes);
    image(v, gw, &mut g);
    scaling(docs, gw, &mut g, notes);
    container(v, gw, &mut g, notes);
    pod(v, gw, &mut g, notes);
    service(docs, services, gw, &mut g, notes);
    backup(v, gw, &mut g, notes);
    mounts(v, gw, &mut g, notes);
    availability(docs, gw, &mut g, notes);
    Ok((g.finish(&docs[gw.doc].file)?, existing))
}

/// The gateway id of the token in the Secret `config.service.auth` reads, when that Secret is
/// in the stream (its value is read for the id only, never carried).
fn token_gateway(docs: &[Document], gw: &Gateway, e: &Existing) -> Option<String> {
    use base64::Engine;
    let (secret, key) = e.token.as_ref()?;
    let v = &docs[find(docs, "Secret", &gw.namespace, secret)?].value;
    let text = match str_at(v, &format!("/stringData/{}", shgw::review::escape(key))) {
        Some(t) => t.to_owned(),
        None => {
            let b64 = str_at(v, &format!("/data/{}", shgw::review::escape(key)))?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()?;
            String::from_utf8(bytes).ok()?
        }
    };
    shgw::Token::parse(&text)
        .ok()
        .map(|t| t.gateway_id().to_owned())
}

/// What the running deployment is called: its Deployment, selector, container, ConfigMap,
/// Services, backup claim, token Secret and ServiceAccount.
fn existing(docs: &[Document], services: &Services, gw: &Gateway, ns: &str) -> Existing {
    let v = &docs[gw.doc].value;
    let in_ns = |d: &&Document| d.namespace() == gw.namespace;
    let selected: Vec<&Value> = services
        .iter()
        .filter(|(i, sel)| docs[*i].namespace() == gw.namespace && map_selects(sel, &gw.labels))
        .map(|(i, _)| &docs[*i].value)
        .collect();
    let headless = |s: &&Value| str_at(s, "/spec/clusterIP") == Some("None");
    let live_traffic = selected.iter().find(|s| !headless(s)).map(|s| {
        (
            name(s).to_owned(),
            str_at(s, "/spec/type").unwrap_or("ClusterIP").to_owned(),
        )
    });
    let discovery = selected
        .iter()
        .find(|s| headless(s))
        .map(|s| name(s).to_owned())
        .or_else(|| {
            literal(gw, "neighborhood.host")
                .and_then(|h| h.split('.').next())
                .map(str::to_owned)
        });
    let config_map = v
        .pointer(&format!("{}/envFrom", gw.container))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| str_at(e, "/configMapRef/name"))
        .find(|n| find(docs, "ConfigMap", &gw.namespace, n).is_some())
        .map(str::to_owned);
    let backup = backup_mount(v, gw).and_then(|(volume, claim)| Some((volume, claim?)));
    let token = match gw.setting("config.service.auth").map(|s| &s.source) {
        Some(Source::Secret { name, key }) => Some((name.clone(), key.clone())),
        _ => None,
    };
    Existing {
        namespace: ns.to_owned(),
        deployment: gw.name.clone(),
        selector: string_map(v, "/spec/selector/matchLabels"),
        pod_labels: gw.labels.clone(),
        container: str_at(v, &format!("{}/name", gw.container))
            .unwrap_or("gateway")
            .to_owned(),
        config_map,
        live_traffic,
        discovery,
        backup,
        token,
        service_account: str_at(v, &format!("{}/serviceAccountName", gw.pod())).map(str::to_owned),
        objects: docs
            .iter()
            .filter(in_ns)
            .map(|d| (d.kind().to_owned(), d.name().to_owned()))
            .collect(),
        helm_release: str_at(v, "/metadata/labels/app.kubernetes.io~1managed-by")
            .filter(|m| *m == "Helm")
            .and_then(|_| str_at(v, "/metadata/labels/app.kubernetes.io~1instance"))
            .map(str::to_owned),
        replicas: (gw.autoscaler.is_none()).then_some(gw.replicas).flatten(),
        resources: v
            .pointer(&format!("{}/resources", gw.container))
            .and_then(Value::as_object)
            .is_some_and(|r| {
                r.values()
                    .any(|x| x.as_object().is_some_and(|m| !m.is_empty()))
            }),
    }
}

/// The volume mounted at the backup path, and its claim when it is one.
fn backup_mount(v: &Value, gw: &Gateway) -> Option<(String, Option<String>)> {
    let mount = v
        .pointer(&format!("{}/volumeMounts", gw.container))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|m| {
            str_at(m, "/mountPath").is_some_and(|p| p.trim_end_matches('/') == BACKUP_PATH)
        })?;
    let vol_name = str_at(mount, "/name").unwrap_or_default();
    let claim = v
        .pointer(&format!("{}/volumes", gw.pod()))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|x| str_at(x, "/name") == Some(vol_name))
        .and_then(|x| str_at(x, "/persistentVolumeClaim/claimName"));
    Some((vol_name.to_owned(), claim.map(str::to_owned)))
}

fn literal<'a>(gw: &'a Gateway, key: &str) -> Option<&'a str> {
    gw.setting(key).and_then(Setting::literal).map(str::trim)
}

/// Settings shgw writes from its own fields, or that describe how the gateway was deployed.
fn handled_elsewhere(key: &str) -> bool {
    key.starts_with("config.service.auth")
        || key.starts_with("runtime.deployment.")
        || key.starts_with("telemetry.logs.std")
        || key.starts_with("telemetry.logs.local")
        || key.starts_with("telemetry.metrics.local")
        || key.starts_with("observability.opentelemetry.")
        || matches!(
            key,
            "config.service.endpoint"
                | "gateway.name"
                | "neighborhood.host"
                | "telemetry.metrics.cloud"
                | "certificates.local.ca.enabled"
                | "HTTP_PROXY"
                | "HTTPS_PROXY"
                | "NO_PROXY"
        )
}

fn settings(docs: &[Document], gw: &Gateway, g: &mut GatewayDoc, notes: &mut Notes) {
    match literal(gw, "config.service.endpoint") {
        Some(e) => g.set(&["endpoint"], json!(e)),
        None => notes.add("config.service.endpoint is not in the stream: set spec.endpoint"),
    }
    if let Some(n) = literal(gw, "gateway.name") {
        g.set(&["gatewayName"], json!(n));
    }
    auth(docs, gw, g, notes);
    telemetry(docs, gw, g, notes);
    if let Some(b) = literal(gw, "certificates.local.ca.enabled").and_then(boolean) {
        g.set(&["trustLocalCA"], json!(b));
    }
    for (var, field) in [("HTTP_PROXY", "http"), ("HTTPS_PROXY", "https")] {
        if let Some(p) = literal(gw, var) {
            g.set(&["proxy", field], json!(p));
        }
    }
    if let Some(list) = literal(gw, "NO_PROXY") {
        let items: Vec<&str> = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        g.set(&["proxy", "noProxy"], json!(items));
    }
    if gw.opaque_settings {
        notes.add("envFrom names a ConfigMap or Secret that is not in the stream: its settings are not carried over");
    }
    let mut extra = Map::new();
    for (key, s) in &gw.settings {
        if handled_elsewhere(key) {
            continue;
        }
        match &s.source {
            Source::Literal(text) => {
                if DEFAULT_SETTINGS.iter().any(|(k, d)| k == key && d == text) {
                    continue;
                }
                let lower = key.to_ascii_lowercase();
                if lower.contains("secret") || lower.contains("password") {
                    notes.add(format!("setting {key} holds a secret in plain text: not carried over (keep it in a Secret)"));
                    continue;
                }
                extra.insert(key.clone(), json!(text));
            }
            Source::Secret { name, key: k } => notes.add(format!(
                "setting {key} comes from Secret {name} (key {k}): not carried over"
            )),
            Source::Elsewhere => notes.add(format!(
                "setting {key} comes from a source outside the stream: not carried over"
            )),
        }
    }
    g.set(&["settings"], Value::Object(extra));
}

fn auth(docs: &[Document], gw: &Gateway, g: &mut GatewayDoc, notes: &mut Notes) {
    let Some(auth) = gw.setting("config.service.auth") else {
        notes.add("config.service.auth is not in the stream: the token Secret <name>-token (key value) is assumed");
        return;
    };
    match &auth.source {
        Source::Secret { name, key } => {
            g.set(&["auth", "token"], json!({"secretName": name, "secretKey": key}));
            super::renewal::renewal(docs, gw, name, g);
        }
        Source::Literal(mode) if mode.trim() == "azureAdApp" => entra(&docs[gw.doc].value, gw, g, notes),
        Source::Literal(mode) if mode.trim() == "workloadIdentity" => workload_identity(docs, gw, g, notes),
        Source::Literal(mode) if mode.trim() == "key" => notes.add("config.service.auth key (a key read from config.service.auth.key) has no shgw form: put the token in a Secret and set spec.auth.token"),
        Source::Literal(_) => notes.add("config.service.auth holds a token in plain text: not carried over; store it in a Secret and set spec.auth.token"),
        Source::Elsewhere => notes.add("config.service.auth comes from outside the stream: set spec.auth"),
    }
}

/// The Secret and key a file path inside a Secret volume mount of the gateway container reads.
fn mounted_secret(v: &Value, gw: &Gateway, path: &str) -> Option<(String, String)> {
    let mounts = v
        .pointer(&format!("{}/volumeMounts", gw.container))?
        .as_array()?;
    let (mount, key) = mounts.iter().find_map(|m| {
        let at = str_at(m, "/mountPath")?.trim_end_matches('/');
        let key = path.strip_prefix(at)?.strip_prefix('/')?;
        Some((str_at(m, "/name")?, key))
    })?;
    let volumes = v.pointer(&format!("{}/volumes", gw.pod()))?.as_array()?;
    let volume = volumes.iter().find(|x| str_at(x, "/name") == Some(mount))?;
    Some((
        str_at(volume, "/secret/secretName")?.to_owned(),
        key.to_owned(),
    ))
}

fn entra(v: &Value, gw: &Gateway, g: &mut GatewayDoc, notes: &mut Notes) {
    for (setting, field) in [
        ("config.service.auth.azureAd.tenantId", "tenantId"),
        ("config.service.auth.azureAd.clientId", "clientId"),
        ("config.service.auth.azureAd.authority", "authority"),
        ("config.service.auth.tokenAudience", "tokenAudience"),
    ] {
        if let Some(v) = literal(gw, setting) {
            g.set(&["auth", "entraApp", field], json!(v));
        }
    }
    match gw.setting("config.service.auth.azureAd.clientSecret").map(|s| &s.source) {
        Some(Source::Secret { name, key }) => g.set(&["auth", "entraApp", "clientSecret"], json!({"secretName": name, "secretKey": key})),
        Some(Source::Literal(_)) => notes.add("config.service.auth.azureAd.clientSecret is written in plain text: not carried over; set spec.auth.entraApp.clientSecret to a Secret"),
        _ if literal(gw, "config.service.auth.azureAd.certificatePath").is_some() => {
            match literal(gw, "config.service.auth.azureAd.certificatePath").and_then(|p| mounted_secret(v, gw, p)) {
                Some((secret, key)) => g.set(&["auth", "entraApp", "clientCertificate"], json!({"secretName": secret, "key": key})),
                None => notes.add("the Entra client certificate (azureAd.certificatePath) is not a file of a mounted Secret: set spec.auth.entraApp.clientCertificate"),
            }
        }
        _ => notes.add("no Entra client secret found: set spec.auth.entraApp.clientSecret"),
    }
}

fn workload_identity(docs: &[Document], gw: &Gateway, g: &mut GatewayDoc, notes: &mut Notes) {
    let v = &docs[gw.doc].value;
    let sa = str_at(v, &format!("{}/serviceAccountName", gw.pod())).unwrap_or_default();
    g.set(
        &["auth", "workloadIdentity", "serviceAccountName"],
        json!(sa),
    );
    let client = find(docs, "ServiceAccount", &gw.namespace, sa).and_then(|i| {
        str_at(
            &docs[i].value,
            "/metadata/annotations/azure.workload.identity~1client-id",
        )
    });
    match client {
        Some(c) => g.set(&["auth", "workloadIdentity", "clientId"], json!(c)),
        None => notes.add(format!("the workload identity client id (annotation azure.workload.identity/client-id on ServiceAccount {sa:?}) is not in the stream: set spec.auth.workloadIdentity.clientId")),
    }
}

/// The statsd-exporter sidecar shgw adds for Prometheus metrics, if the pod has one: its index
/// among the containers.
fn statsd_exporter(v: &Value, gw: &Gateway) -> Option<usize> {
    v.pointer(&format!("{}/containers", gw.pod()))?
        .as_array()?
        .iter()
        .position(|c| str_at(c, "/image").is_some_and(|i| i.contains("statsd-exporter")))
}

fn prometheus(docs: &[Document], gw: &Gateway, i: usize, g: &mut GatewayDoc) {
    let v = &docs[gw.doc].value;
    let c = format!("{}/containers/{i}", gw.pod());
    g.set(
        &["telemetry", "metrics", "prometheus", "enabled"],
        json!(true),
    );
    if let Some(image) = str_at(v, &format!("{c}/image")) {
        let r = parse_image(image);
        let default = r.repository == shgw::defaults::STATSD_EXPORTER_REPOSITORY
            && r.tag == Some(shgw::defaults::STATSD_EXPORTER_TAG)
            && r.digest.is_none();
        if !default {
            g.set(
                &["telemetry", "metrics", "prometheus", "image"],
                json!({"repository": r.repository, "tag": r.tag, "digest": r.digest}),
            );
        }
    }
    let port = v
        .pointer(&format!("{c}/ports"))
        .and_then(Value::as_array)
        .and_then(|ps| {
            ps.iter()
                .find(|p| str_at(p, "/protocol").unwrap_or("TCP") == "TCP")
        })
        .and_then(|p| p.get("containerPort"))
        .and_then(Value::as_i64);
    if let Some(p) = port.filter(|p| *p != i64::from(shgw::defaults::PROMETHEUS_PORT)) {
        g.set(&["telemetry", "metrics", "prometheus", "port"], json!(p));
    }
    if !selecting(docs, gw, "PodMonitor", "/spec/selector").is_empty() {
        g.set(
            &["telemetry", "metrics", "prometheus", "podMonitor"],
            json!(true),
        );
    }
}

fn telemetry(docs: &[Document], gw: &Gateway, g: &mut GatewayDoc, notes: &mut Notes) {
    let choice =
        |key: &str, allowed: &[&str], field: &str, g: &mut GatewayDoc, notes: &mut Notes| {
            if let Some(v) = literal(gw, key) {
                if allowed.contains(&v) {
                    g.set(&["telemetry", "logs", field], json!(v));
                } else {
                    notes.add(format!("{key} {v:?} is not one of {}", allowed.join(", ")));
                }
            }
        };
    choice(
        "telemetry.logs.std",
        &["none", "text", "json"],
        "std",
        g,
        notes,
    );
    choice(
        "telemetry.logs.std.level",
        &["all", "debug", "info", "warn", "error", "fatal"],
        "level",
        g,
        notes,
    );
    if let Some(b) = literal(gw, "telemetry.logs.std.color").and_then(boolean) {
        g.set(&["telemetry", "logs", "color"], json!(b));
    }
    if let Some(b) = literal(gw, "telemetry.metrics.cloud").and_then(boolean) {
        g.set(&["telemetry", "metrics", "cloud"], json!(b));
    }
    let local = literal(gw, "telemetry.logs.local").filter(|t| *t != "auto");
    if let Some(t) = local {
        g.set(&["telemetry", "logs", "local", "type"], json!(t));
        g.set(
            &["telemetry", "logs", "local", "endpoint"],
            json!(literal(gw, &format!("telemetry.logs.local.{t}.endpoint"))),
        );
        if let Some(f) = literal(gw, &format!("telemetry.logs.local.{t}.facility"))
            .and_then(|f| f.parse::<u8>().ok())
        {
            g.set(&["telemetry", "logs", "local", "facility"], json!(f));
        }
    }
    let sidecar = statsd_exporter(&docs[gw.doc].value, gw);
    if let Some(i) = sidecar {
        prometheus(docs, gw, i, g);
    } else if literal(gw, "telemetry.metrics.local") == Some("statsd") {
        g.set(
            &["telemetry", "metrics", "statsd", "endpoint"],
            json!(
                literal(gw, "telemetry.metrics.local.statsd.endpoint")
                    .map(super::build::statsd_endpoint)
            ),
        );
        if let Some(s) = literal(gw, "telemetry.metrics.local.statsd.sampling")
            .and_then(|s| s.parse::<f64>().ok())
        {
            g.set(&["telemetry", "metrics", "statsd", "sampling"], json!(s));
        }
        g.set(
            &["telemetry", "metrics", "statsd", "tagFormat"],
            json!(literal(gw, "telemetry.metrics.local.statsd.tag-format")),
        );
    }
    if literal(gw, "observability.opentelemetry.enabled").and_then(boolean) == Some(true) {
        g.set(
            &["telemetry", "metrics", "openTelemetry", "collectorUri"],
            json!(literal(gw, "observability.opentelemetry.collector.uri")),
        );
        if let Some(b) =
            literal(gw, "observability.opentelemetry.system-metrics.enabled").and_then(boolean)
        {
            g.set(
                &["telemetry", "metrics", "openTelemetry", "systemMetrics"],
                json!(b),
            );
        }
        if let Some(b) = literal(gw, "observability.opentelemetry.histogram.buckets") {
            g.set(
                &["settings", "observability.opentelemetry.histogram.buckets"],
                json!(b),
            );
        }
    }
}

fn image(v: &Value, gw: &Gateway, g: &mut GatewayDoc) {
    if let Some(image) = str_at(v, &format!("{}/image", gw.container)) {
        let r = parse_image(image);
        g.set(&["image", "repository"], json!(r.repository));
        g.set(&["image", "tag"], json!(r.tag));
        g.set(&["image", "digest"], json!(r.digest));
    }
    g.set(
        &["image", "pullPolicy"],
        json!(str_at(v, &format!("{}/imagePullPolicy", gw.container))),
    );
    let secrets: Vec<&str> = v
        .pointer(&format!("{}/imagePullSecrets", gw.pod()))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|s| str_at(s, "/name")).collect())
        .unwrap_or_default();
    g.set(&["image", "pullSecrets"], json!(secrets));
}

fn scaling(docs: &[Document], gw: &Gateway, g: &mut GatewayDoc, notes: &mut Notes) {
    let v = &docs[gw.doc].value;
    if let Some(h) = gw.autoscaler.map(|i| &docs[i].value) {
        g.set(
            &["autoscaling", "minReplicas"],
            json!(h.pointer("/spec/minReplicas").cloned().unwrap_or(json!(1))),
        );
        g.set(
            &["autoscaling", "maxReplicas"],
            json!(h.pointer("/spec/maxReplicas")),
        );
        for m in h
            .pointer("/spec/metrics")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let target = m.pointer("/resource/target/averageUtilization");
            match (str_at(m, "/resource/name"), target) {
                (Some("cpu"), Some(t)) => g.set(&["autoscaling", "cpuUtilization"], t.clone()),
                (Some("memory"), Some(t)) => {
                    g.set(&["autoscaling", "memoryUtilization"], t.clone())
                }
                _ => notes.add(format!(
                    "autoscaler {} metric {} is not carried over (only CPU and memory utilization)",
                    name(h),
                    m
                )),
            }
        }
    } else if gw.kind == "DaemonSet" {
        notes.add("a DaemonSet runs one pod per node; the Gateway renders a Deployment: set spec.replicas");
    } else {
        g.set(
            &["replicas"],
            v.pointer("/spec/replicas").cloned().unwrap_or(json!(1)),
        );
    }
    match str_at(v, "/spec/strategy/type") {
        Some("Recreate") => {
            notes.add("strategy Recreate is not carried over: shgw rolls pods one by one")
        }
        _ => {
            for field in ["maxUnavailable", "maxSurge"] {
                if let Some(x) = v.pointer(&format!("/spec/strategy/rollingUpdate/{field}")) {
                    g.set(&["rollout", field], int_or_percent(x));
                }
            }
        }
    }
}

fn container(v: &Value, gw: &Gateway, g: &mut GatewayDoc, notes: &mut Notes) {
    let c = &gw.container;
    for section in ["requests", "limits"] {
        for (k, field) in [
            ("cpu", "cpu"),
            ("memory", "memory"),
            ("ephemeral-storage", "ephemeralStorage"),
        ] {
            if let Some(q) = v.pointer(&format!("{c}/resources/{section}/{k}")) {
                g.set(&["resources", section, field], quantity(q));
            }
        }
    }
    let sc = |field: &str| {
        v.pointer(&format!("{c}/securityContext/{field}"))
            .or_else(|| v.pointer(&format!("{}/securityContext/{field}", gw.pod())))
    };
    for (field, out) in [("runAsUser", "runAsUser"), ("runAsGroup", "runAsGroup")] {
        if let Some(x) = sc(field) {
            g.set(&["securityContext", out], x.clone());
        }
    }
    if let Some(x) = v.pointer(&format!("{}/securityContext/fsGroup", gw.pod())) {
        g.set(&["securityContext", "fsGroup"], x.clone());
    }
    let ro = v.pointer(&format!("{c}/securityContext/readOnlyRootFilesystem"));
    if ro == Some(&json!(true)) {
        notes.add(
            "readOnlyRootFilesystem true is not carried over: the v2 gateway cannot start with it",
        );
    }
    for probe in ["readinessProbe", "livenessProbe", "startupProbe"] {
        if v.pointer(&format!("{c}/{probe}/httpGet"))
            .is_some_and(|h| str_at(h, "/path") != Some(shgw::defaults::PROBE_PATH))
        {
            notes.add(format!(
                "{probe} on another path is not carried over: shgw probes {}",
                shgw::defaults::PROBE_PATH
            ));
        }
    }
    let containers = v
        .pointer(&format!("{}/containers", gw.pod()))
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let sidecars = containers
        .saturating_sub(1)
        .saturating_sub(usize::from(statsd_exporter(v, gw).is_some()));
    if sidecars > 0 {
        notes.add(format!(
            "{sidecars} other container(s) in the pod are not carried over"
        ));
    }
    if v.pointer(&format!("{}/initContainers", gw.pod()))
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
    {
        notes.add("init containers are not carried over");
    }
}

fn pod(v: &Value, gw: &Gateway, g: &mut GatewayDoc, notes: &mut Notes) {
    let selector = string_map(v, "/spec/selector/matchLabels");
    let p = gw.pod();
    let annotations: Map<String, Value> =
        string_map(v, &format!("{}/metadata/annotations", gw.template))
            .into_iter()
            .filter(|(k, _)| {
                !k.starts_with("shgw.dev/") && !k.starts_with("kubectl.kubernetes.io/")
            })
            .map(|(k, x)| (k, json!(x)))
            .collect();
    g.set(&["pod", "annotations"], Value::Object(annotations));
    let labels: Map<String, Value> = gw
        .labels
        .iter()
        .filter(|(k, _)| !tool_label(k) && !selector.contains_key(*k))
        .map(|(k, x)| (k.clone(), json!(x)))
        .collect();
    g.set(&["pod", "labels"], Value::Object(labels));
    g.set(
        &["pod", "nodeSelector"],
        v.pointer(&format!("{p}/nodeSelector"))
            .cloned()
            .unwrap_or_default(),
    );
    g.set(
        &["pod", "tolerations"],
        v.pointer(&format!("{p}/tolerations"))
            .cloned()
            .unwrap_or_default(),
    );
    g.set(
        &["pod", "priorityClassName"],
        v.pointer(&format!("{p}/priorityClassName"))
            .cloned()
            .unwrap_or_default(),
    );
    g.set(
        &["pod", "terminationGracePeriodSeconds"],
        v.pointer(&format!("{p}/terminationGracePeriodSeconds"))
            .cloned()
            .unwrap_or_default(),
    );
    g.set(
        &["dns", "policy"],
        v.pointer(&format!("{p}/dnsPolicy"))
            .cloned()
            .unwrap_or_default(),
    );
    g.set(
        &["dns", "nameservers"],
        v.pointer(&format!("{p}/dnsConfig/nameservers"))
            .cloned()
            .unwrap_or_default(),
    );
    g.set(
        &["dns", "searches"],
        v.pointer(&format!("{p}/dnsConfig/searches"))
            .cloned()
            .unwrap_or_default(),
    );
    let options: Map<String, Value> = v
        .pointer(&format!("{p}/dnsConfig/options"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|o| {
                    Some((
                        str_at(o, "/name")?.to_owned(),
                        o.get("value").cloned().unwrap_or(Value::Null),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    g.set(&["dns", "options"], Value::Object(options));
    g.set(
        &["dns", "hostAliases"],
        v.pointer(&format!("{p}/hostAliases"))
            .cloned()
            .unwrap_or_default(),
    );
    for (field, what) in [
        ("nodeAffinity", "node affinity"),
        ("podAffinity", "pod affinity"),
    ] {
        if v.pointer(&format!("{p}/affinity/{field}")).is_some() {
            notes.add(format!(
                "{what} is not carried over: use spec.pod.nodeSelector"
            ));
        }
    }
}

fn service(
    docs: &[Document],
    services: &Services,
    gw: &Gateway,
    g: &mut GatewayDoc,
    notes: &mut Notes,
) {
    let live: Vec<&Value> = services
        .iter()
        .filter(|(i, sel)| docs[*i].namespace() == gw.namespace && map_selects(sel, &gw.labels))
        .map(|(i, _)| &docs[*i].value)
        .filter(|v| str_at(v, "/spec/clusterIP") != Some("None"))
        .collect();
    let Some(s) = live.first() else {
        notes.add("no Service selects the gateway pods: shgw renders a LoadBalancer Service (set spec.service.type)");
        return;
    };
    if live.len() > 1 {
        notes.add(format!(
            "{} Services select the gateway; only {} is carried over",
            live.len(),
            name(s)
        ));
    }
    g.set(
        &["service", "type"],
        json!(str_at(s, "/spec/type").unwrap_or("ClusterIP")),
    );
    // Kubernetes' own default for a LoadBalancer or NodePort Service is Cluster: stated, so
    // that a profile's Local does not change how client addresses reach the pods unasked.
    let exposed = matches!(str_at(s, "/spec/type"), Some("LoadBalancer" | "NodePort"));
    g.set(
        &["service", "externalTrafficPolicy"],
        json!(str_at(s, "/spec/externalTrafficPolicy").or(exposed.then_some("Cluster"))),
    );
    let annotations: Map<String, Value> = string_map(s, "/metadata/annotations")
        .into_iter()
        .filter(|(k, _)| {
            !k.starts_with("kubectl.kubernetes.io/") && !k.starts_with("meta.helm.sh/")
        })
        .map(|(k, x)| (k, json!(x)))
        .collect();
    g.set(&["service", "annotations"], Value::Object(annotations));
    g.set(
        &["service", "loadBalancerSourceRanges"],
        s.pointer("/spec/loadBalancerSourceRanges")
            .cloned()
            .unwrap_or_default(),
    );
    for p in s
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let target = p
            .get("targetPort")
            .cloned()
            .unwrap_or_else(|| p.get("port").cloned().unwrap_or_default());
        let is = |named: &str, number: i32| target == json!(named) || target == json!(number);
        if is("http", HTTP_CONTAINER_PORT) {
            g.set(
                &["service", "httpPort"],
                p.get("port").cloned().unwrap_or_default(),
            );
        } else if is("https", HTTPS_CONTAINER_PORT) {
            g.set(
                &["service", "httpsPort"],
                p.get("port").cloned().unwrap_or_default(),
            );
        } else {
            notes.add(format!(
                "Service {} port {} is not carried over",
                name(s),
                p
            ));
        }
    }
    if s.pointer("/spec/loadBalancerIP").is_some() {
        notes.add(format!(
            "Service {} loadBalancerIP is not in the Gateway file: applying over the live Service keeps it (kubectl removes only fields its last-applied annotation lists), but a re-created Service would lose it; use your cloud's Service annotation",
            name(s)
        ));
    }
}

/// Where the image builds its trust store from at start: CA files mounted under it are trusted.
const CA_DIR: &str = "/usr/local/share/ca-certificates";

/// Volumes of the gateway container other than the backup: CA certificates become
/// `caCertificates`; the Entra certificate is carried with the auth; anything else is listed.
fn mounts(v: &Value, gw: &Gateway, g: &mut GatewayDoc, notes: &mut Notes) {
    let mounts = v
        .pointer(&format!("{}/volumeMounts", gw.container))
        .and_then(Value::as_array);
    let volumes = v
        .pointer(&format!("{}/volumes", gw.pod()))
        .and_then(Value::as_array);
    let certificate =
        literal(gw, "config.service.auth.azureAd.certificatePath").unwrap_or_default();
    let mut cas = Vec::new();
    for m in mounts.into_iter().flatten() {
        let (Some(path), Some(vol)) = (str_at(m, "/mountPath"), str_at(m, "/name")) else {
            continue;
        };
        let path = path.trim_end_matches('/');
        if path == BACKUP_PATH
            || (!certificate.is_empty() && certificate.starts_with(&format!("{path}/")))
        {
            continue;
        }
        let volume = volumes
            .into_iter()
            .flatten()
            .find(|x| str_at(x, "/name") == Some(vol));
        let source = volume.and_then(|x| {
            str_at(x, "/configMap/name")
                .map(|n| ("configMap", n, x.pointer("/configMap/items")))
                .or_else(|| {
                    str_at(x, "/secret/secretName")
                        .map(|n| ("secret", n, x.pointer("/secret/items")))
                })
        });
        let items: Vec<&str> = source
            .and_then(|(_, _, i)| i)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|i| str_at(i, "/key")).collect())
            .unwrap_or_default();
        match source {
            Some((field, name, _)) if path.starts_with(CA_DIR) && !items.is_empty() => {
                cas.extend(
                    items
                        .into_iter()
                        .map(|key| json!({field: name, "key": key})),
                );
            }
            _ => notes.add(format!(
                "volume {vol} mounted at {path} is not carried over"
            )),
        }
    }
    g.set(&["caCertificates"], Value::Array(cas));
}

fn backup(v: &Value, gw: &Gateway, g: &mut GatewayDoc, notes: &mut Notes) {
    match backup_mount(v, gw) {
        None => g.set(&["backup", "enabled"], json!(false)),
        Some((volume, None)) => {
            notes.add(format!("volume {volume} at {BACKUP_PATH} is not a PersistentVolumeClaim: backup is off (an emptyDir does not survive the pod)"));
            g.set(&["backup", "enabled"], json!(false));
        }
        Some((_, Some(claim))) => {
            // The claim holding the saved configuration stays the one mounted.
            g.set(&["backup", "enabled"], json!(true));
            g.set(&["backup", "existingClaim"], json!(claim));
        }
    }
}

fn availability(docs: &[Document], gw: &Gateway, g: &mut GatewayDoc, notes: &mut Notes) {
    let v = &docs[gw.doc].value;
    if let Some(i) = selecting(docs, gw, "PodDisruptionBudget", "/spec/selector").first() {
        let pdb = &docs[*i].value;
        for field in ["maxUnavailable", "minAvailable"] {
            if let Some(x) = pdb.pointer(&format!("/spec/{field}")) {
                g.set(
                    &["highAvailability", "podDisruptionBudget", field],
                    int_or_percent(x),
                );
            }
        }
    }
    let constraints = v
        .pointer(&format!("{}/topologySpreadConstraints", gw.pod()))
        .and_then(Value::as_array);
    let keys: Vec<&str> = constraints
        .into_iter()
        .flatten()
        .filter_map(|c| str_at(c, "/topologyKey"))
        .collect();
    let spread = if keys.contains(&"topology.kubernetes.io/zone") {
        "zone"
    } else if keys.contains(&"kubernetes.io/hostname") {
        "hostname"
    } else {
        "none"
    };
    g.set(&["highAvailability", "topologySpread"], json!(spread));
    let anti = format!("{}/affinity/podAntiAffinity", gw.pod());
    let anti = if v
        .pointer(&format!(
            "{anti}/requiredDuringSchedulingIgnoredDuringExecution"
        ))
        .is_some()
    {
        "required"
    } else if v
        .pointer(&format!(
            "{anti}/preferredDuringSchedulingIgnoredDuringExecution"
        ))
        .is_some()
    {
        "preferred"
    } else {
        "none"
    };
    g.set(&["highAvailability", "antiAffinity"], json!(anti));
    let policies = selecting(docs, gw, "NetworkPolicy", "/spec/podSelector");
    g.set(&["networkPolicy", "enabled"], json!(!policies.is_empty()));
    for i in policies {
        notes.add(format!(
            "the rules of NetworkPolicy {} are not carried over: shgw renders its own",
            name(&docs[i].value)
        ));
    }
}
