//! Gateway files from a manifest stream: each gateway workload with the ConfigMaps, Secrets
//! (their names only), Services, claims, budgets, autoscalers and policies around it.

use super::adopt::Existing;
use super::fit::{DEFAULT_SETTINGS, Fit, boolean, int_or_percent, set, text};
use super::{Imported, Misfit};
use crate::error::{Error, ErrorKind};
use serde_json::{Value, json};
use shgw::defaults::{BACKUP_PATH, HTTP_CONTAINER_PORT, HTTPS_CONTAINER_PORT};
use shgw::review::inventory::{self, Gateway, Setting, Source, find, selecting};
use shgw::review::objects::{map_selects, name, namespace, str_at, string_map};
use shgw::review::parse_image;
use shgw::review::{Document, Stream};
use shgw::spec::{
    AntiAffinity, Auth, Autoscaling, CaCertificate, CertificateRef, DisruptionBudget, Dns,
    EntraAppAuth, HighAvailability, Image, ImageRef, LocalLogs, LogFormat, LogLevel, Logs, Metrics,
    NetworkPolicyConfig, OpenTelemetry, PodConfig, Prometheus, Proxy, Rollout, SecretKeyRef,
    SecurityContext, ServiceConfig, SettingValue, Statsd, TokenAuth, TopologySpread,
    WorkloadIdentityAuth,
};

/// Imports every gateway of `stream`.
///
/// # Errors
/// [`ErrorKind::NoGateway`] when the stream holds no gateway workload.
pub fn import_manifests(stream: &Stream) -> Result<Imported, Error> {
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
/// [`ErrorKind::NoGateway`] when the stream holds no gateway workload.
pub fn import_manifests_in(stream: &Stream, namespace: Option<&str>) -> Result<Imported, Error> {
    let gateways = inventory::gateways(stream);
    if gateways.is_empty() {
        let source = stream
            .documents
            .first()
            .map(|d| d.file.clone())
            .unwrap_or_else(|| "<input>".into());
        return Err(Error::new(
            ErrorKind::NoGateway,
            source,
            format!(
                "no gateway workload (a Deployment, StatefulSet or DaemonSet running {}) to import",
                shgw::review::GATEWAY_IMAGE
            ),
        ));
    }
    let services = shgw::review::objects::service_selectors(&stream.documents);
    let mut misfits = Vec::new();
    let mut out = Imported {
        gateways: Vec::new(),
        documents: Vec::new(),
        notes: Vec::new(),
        plans: Vec::new(),
    };
    for gw in &gateways {
        let mut notes = Notes {
            gateway: gw.name.clone(),
            lines: Vec::new(),
        };
        match one(&stream.documents, &services, gw, namespace, &mut notes) {
            Ok((gateway, doc, existing)) => {
                out.plans.push(super::adopt::plan(&gateway, &existing));
                out.gateways.push(gateway);
                out.documents.push(doc);
                out.notes.extend(notes.lines);
            }
            // Every gateway is read: the misfits of all of them are reported together.
            Err(mut m) => misfits.append(&mut m),
        }
    }
    if !misfits.is_empty() {
        let input = stream.documents[gateways[0].doc].file.clone();
        return Err(Error::does_not_fit(input, misfits));
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
) -> Result<(shgw::spec::Gateway, Value, Existing), Vec<Misfit>> {
    let v = &docs[gw.doc].value;
    let name = gateway_name(v, gw, notes);
    let mut fit = Fit::new(&name);
    let ns = match (namespace(v), given_namespace) {
        ("", Some(given)) => given,
        ("", None) => {
            notes.add("no namespace in the input: taken as default, where kubectl puts objects unless its context names another; if they live elsewhere, import again with --namespace");
            "default"
        }
        (ns, _) => ns,
    };
    fit.gateway.metadata.namespace = text(Some(ns));
    let existing = existing(docs, services, gw, ns);
    super::adopt::write_adoption(fit.spec(), &name, &existing);
    if let Some(id) = token_gateway(docs, gw, &existing)
        && literal(gw, "gateway.name").is_none()
    {
        set(&mut fit.spec().gateway_name, text(Some(&id)));
    }
    fit.gateway.metadata.labels = string_map(v, "/metadata/labels")
        .into_iter()
        .filter(|(k, _)| !tool_label(k))
        .collect();
    settings(docs, gw, &mut fit, notes);
    image(&docs[gw.doc], gw, &mut fit);
    scaling(docs, gw, &mut fit, notes);
    container(&docs[gw.doc], gw, &mut fit, notes);
    pod(&docs[gw.doc], gw, &mut fit, notes);
    service(docs, services, gw, &mut fit, notes);
    backup(v, gw, &mut fit, notes);
    mounts(v, gw, &mut fit, notes);
    availability(docs, gw, &mut fit, notes);
    let (gateway, doc) = fit.finish()?;
    Ok((gateway, doc, existing))
}

/// The input's field at `pointer` of `d`, as a misfit names it: file, line and column, the
/// object, and the field's path (`spec.template.spec.containers[0].imagePullPolicy`).
fn at(d: &Document, pointer: &str) -> String {
    let p = d.position(pointer);
    let mut path = String::new();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.parse::<usize>().is_ok() {
            path.push_str(&format!("[{seg}]"));
        } else if seg.contains(['.', '/']) {
            path.push_str(&format!("[{seg:?}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&seg);
        }
    }
    format!(
        "{}:{}:{}: {} {} {path}",
        d.file,
        p.line,
        p.column,
        d.kind(),
        d.name()
    )
}

/// Where the setting `key` of `gw` is written, as a misfit names it.
fn setting_at(docs: &[Document], gw: &Gateway, key: &str) -> String {
    match gw.setting(key) {
        Some(s) => format!("{} (setting {key})", at(&docs[s.doc], &s.pointer)),
        None => format!("setting {key}"),
    }
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
fn settings(docs: &[Document], gw: &Gateway, fit: &mut Fit, notes: &mut Notes) {
    match literal(gw, "config.service.endpoint") {
        Some(e) => set(&mut fit.spec().endpoint, text(Some(e))),
        None => notes.add("config.service.endpoint is not in the stream: set spec.endpoint"),
    }
    if let Some(n) = literal(gw, "gateway.name") {
        set(&mut fit.spec().gateway_name, text(Some(n)));
    }
    auth(docs, gw, fit, notes);
    telemetry(docs, gw, fit, notes);
    if let Some(b) = literal(gw, "certificates.local.ca.enabled").and_then(boolean) {
        fit.spec().trust_local_ca = Some(b);
    }
    if let Some(p) = text(literal(gw, "HTTP_PROXY")) {
        proxy(fit).http = Some(p);
    }
    if let Some(p) = text(literal(gw, "HTTPS_PROXY")) {
        proxy(fit).https = Some(p);
    }
    if let Some(list) = literal(gw, "NO_PROXY") {
        let items: Vec<String> = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if !items.is_empty() {
            proxy(fit).no_proxy = items;
        }
    }
    if gw.opaque_settings {
        notes.add("envFrom names a ConfigMap or Secret that is not in the stream: its settings are not carried over");
    }
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
                // The text as written: the ConfigMap gets it unchanged.
                fit.spec()
                    .settings
                    .insert(key.clone(), SettingValue(text.clone()));
            }
            Source::Secret { name, key: k } => notes.add(format!(
                "setting {key} comes from Secret {name} (key {k}): not carried over"
            )),
            Source::Elsewhere => notes.add(format!(
                "setting {key} comes from a source outside the stream: not carried over"
            )),
        }
    }
}

fn auth(docs: &[Document], gw: &Gateway, fit: &mut Fit, notes: &mut Notes) {
    let Some(auth) = gw.setting("config.service.auth") else {
        notes.add("config.service.auth is not in the stream: the token Secret <name>-token (key value) is assumed");
        return;
    };
    match &auth.source {
        Source::Secret { name, key } => {
            let renewal = super::renewal::renewal(docs, gw, name, fit);
            fit.spec().auth = Some(Auth::Token(TokenAuth {
                secret_name: Some(name.clone()),
                secret_key: Some(key.clone()),
                renewal,
            }));
        }
        Source::Literal(mode) if mode.trim() == "azureAdApp" => entra(&docs[gw.doc].value, gw, fit, notes),
        Source::Literal(mode) if mode.trim() == "workloadIdentity" => workload_identity(docs, gw, fit, notes),
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
fn entra(v: &Value, gw: &Gateway, fit: &mut Fit, notes: &mut Notes) {
    let mut e = EntraAppAuth {
        tenant_id: text(literal(gw, "config.service.auth.azureAd.tenantId")),
        client_id: text(literal(gw, "config.service.auth.azureAd.clientId")),
        authority: text(literal(gw, "config.service.auth.azureAd.authority")),
        token_audience: text(literal(gw, "config.service.auth.tokenAudience")),
        ..EntraAppAuth::default()
    };
    match gw.setting("config.service.auth.azureAd.clientSecret").map(|s| &s.source) {
        Some(Source::Secret { name, key }) => e.client_secret = Some(SecretKeyRef { secret_name: Some(name.clone()), secret_key: Some(key.clone()) }),
        Some(Source::Literal(_)) => notes.add("config.service.auth.azureAd.clientSecret is written in plain text: not carried over; set spec.auth.entraApp.clientSecret to a Secret"),
        _ if literal(gw, "config.service.auth.azureAd.certificatePath").is_some() => {
            match literal(gw, "config.service.auth.azureAd.certificatePath").and_then(|p| mounted_secret(v, gw, p)) {
                Some((secret, key)) => e.client_certificate = Some(CertificateRef { secret_name: Some(secret), key: Some(key) }),
                None => notes.add("the Entra client certificate (azureAd.certificatePath) is not a file of a mounted Secret: set spec.auth.entraApp.clientCertificate"),
            }
        }
        _ => notes.add("no Entra client secret found: set spec.auth.entraApp.clientSecret"),
    }
    if e != EntraAppAuth::default() {
        fit.spec().auth = Some(Auth::EntraApp(e));
    }
}

fn workload_identity(docs: &[Document], gw: &Gateway, fit: &mut Fit, notes: &mut Notes) {
    let v = &docs[gw.doc].value;
    let sa = str_at(v, &format!("{}/serviceAccountName", gw.pod())).unwrap_or_default();
    let client = find(docs, "ServiceAccount", &gw.namespace, sa).and_then(|i| {
        str_at(
            &docs[i].value,
            "/metadata/annotations/azure.workload.identity~1client-id",
        )
    });
    if client.is_none() {
        notes.add(format!("the workload identity client id (annotation azure.workload.identity/client-id on ServiceAccount {sa:?}) is not in the stream: set spec.auth.workloadIdentity.clientId"));
    }
    let w = WorkloadIdentityAuth {
        client_id: text(client),
        service_account_name: text(Some(sa)),
    };
    if w != WorkloadIdentityAuth::default() {
        fit.spec().auth = Some(Auth::WorkloadIdentity(w));
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
fn prometheus(docs: &[Document], gw: &Gateway, i: usize, fit: &mut Fit) {
    let d = &docs[gw.doc];
    let v = &d.value;
    let c = format!("{}/containers/{i}", gw.pod());
    let mut p = Prometheus {
        enabled: Some(true),
        ..Prometheus::default()
    };
    if let Some(image) = str_at(v, &format!("{c}/image")) {
        let r = parse_image(image);
        let default = r.repository == shgw::defaults::STATSD_EXPORTER_REPOSITORY
            && r.tag == Some(shgw::defaults::STATSD_EXPORTER_TAG)
            && r.digest.is_none();
        if !default {
            p.image = Some(ImageRef {
                repository: Some(r.repository.to_owned()),
                tag: r.tag.map(str::to_owned),
                digest: r.digest.map(str::to_owned),
            });
        }
    }
    let port = v
        .pointer(&format!("{c}/ports"))
        .and_then(Value::as_array)
        .and_then(|ps| {
            ps.iter()
                .position(|p| str_at(p, "/protocol").unwrap_or("TCP") == "TCP")
        })
        .map(|n| format!("{c}/ports/{n}/containerPort"));
    if let Some(pointer) = port
        && let Some(x) = v.pointer(&pointer).filter(|x| x.is_i64())
        && x.as_i64() != Some(i64::from(shgw::defaults::PROMETHEUS_PORT))
    {
        p.port = fit.read(
            &at(d, &pointer),
            "spec.telemetry.metrics.prometheus.port",
            x,
        );
    }
    if !selecting(docs, gw, "PodMonitor", "/spec/selector").is_empty() {
        p.pod_monitor = Some(true);
    }
    metrics(fit).prometheus = Some(p);
}

/// `spec.proxy`, made on first use.
fn proxy(fit: &mut Fit) -> &mut Proxy {
    fit.spec().proxy.get_or_insert_default()
}

/// `spec.telemetry.logs`, made on first use.
fn logs(fit: &mut Fit) -> &mut Logs {
    let t = fit.spec().telemetry.get_or_insert_default();
    t.logs.get_or_insert_default()
}

/// `spec.telemetry.metrics`, made on first use.
fn metrics(fit: &mut Fit) -> &mut Metrics {
    let t = fit.spec().telemetry.get_or_insert_default();
    t.metrics.get_or_insert_default()
}

/// The choice among `all` a setting names; another text is noted, and leaves it out.
fn choice<T: Copy>(
    gw: &Gateway,
    key: &str,
    all: &[T],
    text: fn(T) -> &'static str,
    notes: &mut Notes,
) -> Option<T> {
    let v = literal(gw, key)?;
    let found = all.iter().copied().find(|c| text(*c) == v);
    if found.is_none() {
        let allowed: Vec<&str> = all.iter().map(|c| text(*c)).collect();
        notes.add(format!("{key} {v:?} is not one of {}", allowed.join(", ")));
    }
    found
}

fn telemetry(docs: &[Document], gw: &Gateway, fit: &mut Fit, notes: &mut Notes) {
    let std = choice(
        gw,
        "telemetry.logs.std",
        LogFormat::ALL,
        LogFormat::as_str,
        notes,
    );
    if std.is_some() {
        logs(fit).std = std;
    }
    let level = choice(
        gw,
        "telemetry.logs.std.level",
        LogLevel::ALL,
        LogLevel::as_str,
        notes,
    );
    if level.is_some() {
        logs(fit).level = level;
    }
    if let Some(b) = literal(gw, "telemetry.logs.std.color").and_then(boolean) {
        logs(fit).color = Some(b);
    }
    if let Some(b) = literal(gw, "telemetry.metrics.cloud").and_then(boolean) {
        metrics(fit).cloud = Some(b);
    }
    let local = literal(gw, "telemetry.logs.local").filter(|t| *t != "auto");
    if let Some(t) = local {
        let kind = fit.read_text(
            &setting_at(docs, gw, "telemetry.logs.local"),
            "spec.telemetry.logs.local.type",
            Some(t),
        );
        let l = LocalLogs {
            kind,
            endpoint: text(literal(gw, &format!("telemetry.logs.local.{t}.endpoint"))),
            facility: literal(gw, &format!("telemetry.logs.local.{t}.facility"))
                .and_then(|f| f.parse::<u8>().ok()),
        };
        if l != LocalLogs::default() {
            logs(fit).local = Some(l);
        }
    }
    let sidecar = statsd_exporter(&docs[gw.doc].value, gw);
    if let Some(i) = sidecar {
        prometheus(docs, gw, i, fit);
    } else if literal(gw, "telemetry.metrics.local") == Some("statsd") {
        let tag = "telemetry.metrics.local.statsd.tag-format";
        let s = Statsd {
            endpoint: text(
                literal(gw, "telemetry.metrics.local.statsd.endpoint")
                    .map(super::fit::statsd_endpoint),
            ),
            sampling: literal(gw, "telemetry.metrics.local.statsd.sampling")
                .and_then(super::fit::sampling),
            tag_format: fit.read_text(
                &setting_at(docs, gw, tag),
                "spec.telemetry.metrics.statsd.tagFormat",
                literal(gw, tag),
            ),
        };
        if s != Statsd::default() {
            metrics(fit).statsd = Some(s);
        }
    }
    if literal(gw, "observability.opentelemetry.enabled").and_then(boolean) == Some(true) {
        let o = OpenTelemetry {
            collector_uri: text(literal(gw, "observability.opentelemetry.collector.uri")),
            system_metrics: literal(gw, "observability.opentelemetry.system-metrics.enabled")
                .and_then(boolean),
        };
        if o != OpenTelemetry::default() {
            metrics(fit).open_telemetry = Some(o);
        }
        let buckets = "observability.opentelemetry.histogram.buckets";
        if let Some(b) = text(literal(gw, buckets)) {
            fit.spec()
                .settings
                .insert(buckets.to_owned(), SettingValue(b));
        }
    }
}

fn image(d: &Document, gw: &Gateway, fit: &mut Fit) {
    let v = &d.value;
    let mut i = Image::default();
    if let Some(image) = str_at(v, &format!("{}/image", gw.container)) {
        let r = parse_image(image);
        i.repository = text(Some(r.repository));
        i.tag = text(r.tag);
        i.digest = text(r.digest);
    }
    let policy = format!("{}/imagePullPolicy", gw.container);
    i.pull_policy = fit.read(
        &at(d, &policy),
        "spec.image.pullPolicy",
        v.pointer(&policy).unwrap_or(&Value::Null),
    );
    i.pull_secrets = v
        .pointer(&format!("{}/imagePullSecrets", gw.pod()))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| str_at(s, "/name"))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if i != Image::default() {
        fit.spec().image = Some(i);
    }
}

fn scaling(docs: &[Document], gw: &Gateway, fit: &mut Fit, notes: &mut Notes) {
    let d = &docs[gw.doc];
    let v = &d.value;
    if let Some(hd) = gw.autoscaler.map(|i| &docs[i]) {
        let h = &hd.value;
        let field = |fit: &mut Fit, pointer: &str, to: &str, default: Option<i64>| {
            let x = h
                .pointer(pointer)
                .cloned()
                .or(default.map(Value::from))
                .unwrap_or_default();
            fit.read::<i32>(&at(hd, pointer), to, &x)
        };
        let mut a = Autoscaling {
            min_replicas: field(
                fit,
                "/spec/minReplicas",
                "spec.autoscaling.minReplicas",
                Some(1),
            ),
            max_replicas: field(
                fit,
                "/spec/maxReplicas",
                "spec.autoscaling.maxReplicas",
                None,
            ),
            ..Autoscaling::default()
        };
        let metrics = h
            .pointer("/spec/metrics")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate();
        for (n, m) in metrics {
            let pointer = format!("/spec/metrics/{n}/resource/target/averageUtilization");
            let target = m.pointer("/resource/target/averageUtilization");
            match (str_at(m, "/resource/name"), target) {
                (Some("cpu"), Some(t)) => set(
                    &mut a.cpu_utilization,
                    fit.read(&at(hd, &pointer), "spec.autoscaling.cpuUtilization", t),
                ),
                (Some("memory"), Some(t)) => set(
                    &mut a.memory_utilization,
                    fit.read(&at(hd, &pointer), "spec.autoscaling.memoryUtilization", t),
                ),
                _ => notes.add(format!(
                    "autoscaler {} metric {} is not carried over (only CPU and memory utilization)",
                    name(h),
                    m
                )),
            }
        }
        if a != Autoscaling::default() {
            fit.spec().autoscaling = Some(a);
        }
    } else if gw.kind == "DaemonSet" {
        notes.add("a DaemonSet runs one pod per node; the Gateway renders a Deployment: set spec.replicas");
    } else {
        let replicas = v.pointer("/spec/replicas").cloned().unwrap_or(json!(1));
        let replicas = fit.read(&at(d, "/spec/replicas"), "spec.replicas", &replicas);
        fit.spec().replicas = replicas;
    }
    match str_at(v, "/spec/strategy/type") {
        Some("Recreate") => {
            notes.add("strategy Recreate is not carried over: shgw rolls pods one by one")
        }
        _ => {
            let mut r = Rollout::default();
            for (field, to, out) in [
                (
                    "maxUnavailable",
                    "spec.rollout.maxUnavailable",
                    &mut r.max_unavailable,
                ),
                ("maxSurge", "spec.rollout.maxSurge", &mut r.max_surge),
            ] {
                let pointer = format!("/spec/strategy/rollingUpdate/{field}");
                if let Some(x) = v.pointer(&pointer) {
                    *out = fit.read(&at(d, &pointer), to, &int_or_percent(x));
                }
            }
            if r != Rollout::default() {
                fit.spec().rollout = Some(r);
            }
        }
    }
}

fn container(d: &Document, gw: &Gateway, fit: &mut Fit, notes: &mut Notes) {
    let v = &d.value;
    let c = &gw.container;
    fit.resources(|section, key| {
        let pointer = format!("{c}/resources/{section}/{key}");
        Some((at(d, &pointer), v.pointer(&pointer)?.clone()))
    });
    let sc = |field: &str| {
        [
            format!("{c}/securityContext/{field}"),
            format!("{}/securityContext/{field}", gw.pod()),
        ]
        .into_iter()
        .find_map(|p| v.pointer(&p).map(|x| (p, x)))
    };
    let mut s = SecurityContext::default();
    for (field, out) in [
        ("runAsUser", &mut s.run_as_user),
        ("runAsGroup", &mut s.run_as_group),
    ] {
        if let Some((p, x)) = sc(field) {
            *out = fit.read(&at(d, &p), &format!("spec.securityContext.{field}"), x);
        }
    }
    let fs = format!("{}/securityContext/fsGroup", gw.pod());
    if let Some(x) = v.pointer(&fs) {
        s.fs_group = fit.read(&at(d, &fs), "spec.securityContext.fsGroup", x);
    }
    if s != SecurityContext::default() {
        fit.spec().security_context = Some(s);
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

fn pod(d: &Document, gw: &Gateway, fit: &mut Fit, notes: &mut Notes) {
    let v = &d.value;
    let selector = string_map(v, "/spec/selector/matchLabels");
    let p = gw.pod();
    let null = Value::Null;
    let field = |pointer: &str| (at(d, pointer), v.pointer(pointer).unwrap_or(&null));
    let mut pc = PodConfig {
        annotations: string_map(v, &format!("{}/metadata/annotations", gw.template))
            .into_iter()
            .filter(|(k, _)| {
                !k.starts_with("shgw.dev/") && !k.starts_with("kubectl.kubernetes.io/")
            })
            .collect(),
        labels: gw
            .labels
            .iter()
            .filter(|(k, _)| !tool_label(k) && !selector.contains_key(*k))
            .map(|(k, x)| (k.clone(), x.clone()))
            .collect(),
        ..PodConfig::default()
    };
    let (from, x) = field(&format!("{p}/nodeSelector"));
    pc.node_selector = fit
        .read(&from, "spec.pod.nodeSelector", x)
        .unwrap_or_default();
    let (from, x) = field(&format!("{p}/tolerations"));
    pc.tolerations = fit
        .read(&from, "spec.pod.tolerations", x)
        .unwrap_or_default();
    let (from, x) = field(&format!("{p}/priorityClassName"));
    pc.priority_class_name = fit.read(&from, "spec.pod.priorityClassName", x);
    let (from, x) = field(&format!("{p}/terminationGracePeriodSeconds"));
    pc.termination_grace_period_seconds =
        fit.read(&from, "spec.pod.terminationGracePeriodSeconds", x);
    if pc != PodConfig::default() {
        fit.spec().pod = Some(pc);
    }
    let mut dns = Dns::default();
    let (from, x) = field(&format!("{p}/dnsPolicy"));
    dns.policy = fit.read(&from, "spec.dns.policy", x);
    let (from, x) = field(&format!("{p}/dnsConfig/nameservers"));
    dns.nameservers = fit
        .read(&from, "spec.dns.nameservers", x)
        .unwrap_or_default();
    let (from, x) = field(&format!("{p}/dnsConfig/searches"));
    dns.searches = fit.read(&from, "spec.dns.searches", x).unwrap_or_default();
    let options: serde_json::Map<String, Value> = v
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
    let from = at(d, &format!("{p}/dnsConfig/options"));
    dns.options = fit
        .read(&from, "spec.dns.options", &Value::Object(options))
        .unwrap_or_default();
    let (from, x) = field(&format!("{p}/hostAliases"));
    dns.host_aliases = fit
        .read(&from, "spec.dns.hostAliases", x)
        .unwrap_or_default();
    if dns != Dns::default() {
        fit.spec().dns = Some(dns);
    }
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

fn service(docs: &[Document], services: &Services, gw: &Gateway, fit: &mut Fit, notes: &mut Notes) {
    let live: Vec<&Document> = services
        .iter()
        .filter(|(i, sel)| docs[*i].namespace() == gw.namespace && map_selects(sel, &gw.labels))
        .map(|(i, _)| &docs[*i])
        .filter(|d| str_at(&d.value, "/spec/clusterIP") != Some("None"))
        .collect();
    let Some(sd) = live.first() else {
        notes.add("no Service selects the gateway pods: shgw renders a LoadBalancer Service (set spec.service.type)");
        return;
    };
    let s = &sd.value;
    if live.len() > 1 {
        notes.add(format!(
            "{} Services select the gateway; only {} is carried over",
            live.len(),
            name(s)
        ));
    }
    let mut c = ServiceConfig {
        kind: fit.read_text(
            &at(sd, "/spec/type"),
            "spec.service.type",
            Some(str_at(s, "/spec/type").unwrap_or("ClusterIP")),
        ),
        ..ServiceConfig::default()
    };
    // Kubernetes' own default for a LoadBalancer or NodePort Service is Cluster: stated, so
    // that a profile's Local does not change how client addresses reach the pods unasked.
    let exposed = matches!(str_at(s, "/spec/type"), Some("LoadBalancer" | "NodePort"));
    c.external_traffic_policy = fit.read_text(
        &at(sd, "/spec/externalTrafficPolicy"),
        "spec.service.externalTrafficPolicy",
        str_at(s, "/spec/externalTrafficPolicy").or(exposed.then_some("Cluster")),
    );
    c.annotations = string_map(s, "/metadata/annotations")
        .into_iter()
        .filter(|(k, _)| {
            !k.starts_with("kubectl.kubernetes.io/") && !k.starts_with("meta.helm.sh/")
        })
        .collect();
    c.load_balancer_source_ranges = fit
        .read(
            &at(sd, "/spec/loadBalancerSourceRanges"),
            "spec.service.loadBalancerSourceRanges",
            s.pointer("/spec/loadBalancerSourceRanges")
                .unwrap_or(&Value::Null),
        )
        .unwrap_or_default();
    let ports = s
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate();
    for (n, p) in ports {
        let target = p
            .get("targetPort")
            .cloned()
            .unwrap_or_else(|| p.get("port").cloned().unwrap_or_default());
        let is = |named: &str, number: i32| target == json!(named) || target == json!(number);
        let port = p.get("port").cloned().unwrap_or_default();
        let from = at(sd, &format!("/spec/ports/{n}/port"));
        if is("http", HTTP_CONTAINER_PORT) {
            set(
                &mut c.http_port,
                fit.read(&from, "spec.service.httpPort", &port),
            );
        } else if is("https", HTTPS_CONTAINER_PORT) {
            set(
                &mut c.https_port,
                fit.read(&from, "spec.service.httpsPort", &port),
            );
        } else {
            notes.add(format!(
                "Service {} port {} is not carried over",
                name(s),
                p
            ));
        }
    }
    if c != ServiceConfig::default() {
        fit.spec().service = Some(c);
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
fn mounts(v: &Value, gw: &Gateway, fit: &mut Fit, notes: &mut Notes) {
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
                .map(|n| (false, n, x.pointer("/configMap/items")))
                .or_else(|| {
                    str_at(x, "/secret/secretName").map(|n| (true, n, x.pointer("/secret/items")))
                })
        });
        let items: Vec<&str> = source
            .and_then(|(_, _, i)| i)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|i| str_at(i, "/key")).collect())
            .unwrap_or_default();
        match source {
            Some((secret, name, _)) if path.starts_with(CA_DIR) && !items.is_empty() => {
                cas.extend(items.into_iter().map(|key| {
                    let (config_map, secret) = if secret {
                        (None, Some(name.to_owned()))
                    } else {
                        (Some(name.to_owned()), None)
                    };
                    CaCertificate {
                        config_map,
                        secret,
                        key: Some(key.to_owned()),
                    }
                }));
            }
            _ => notes.add(format!(
                "volume {vol} mounted at {path} is not carried over"
            )),
        }
    }
    fit.spec().ca_certificates = cas;
}

fn backup(v: &Value, gw: &Gateway, fit: &mut Fit, notes: &mut Notes) {
    let b = fit.spec().backup.get_or_insert_default();
    match backup_mount(v, gw) {
        None => b.enabled = Some(false),
        Some((volume, None)) => {
            notes.add(format!("volume {volume} at {BACKUP_PATH} is not a PersistentVolumeClaim: backup is off (an emptyDir does not survive the pod)"));
            b.enabled = Some(false);
        }
        Some((_, Some(claim))) => {
            // The claim holding the saved configuration stays the one mounted.
            b.enabled = Some(true);
            b.existing_claim = text(Some(&claim));
        }
    }
}

fn availability(docs: &[Document], gw: &Gateway, fit: &mut Fit, notes: &mut Notes) {
    let v = &docs[gw.doc].value;
    let mut ha = HighAvailability::default();
    if let Some(i) = selecting(docs, gw, "PodDisruptionBudget", "/spec/selector").first() {
        let pd = &docs[*i];
        let mut budget = DisruptionBudget::default();
        for (field, out) in [
            ("maxUnavailable", &mut budget.max_unavailable),
            ("minAvailable", &mut budget.min_available),
        ] {
            let pointer = format!("/spec/{field}");
            if let Some(x) = pd.value.pointer(&pointer) {
                *out = fit.read(
                    &at(pd, &pointer),
                    &format!("spec.highAvailability.podDisruptionBudget.{field}"),
                    &int_or_percent(x),
                );
            }
        }
        if budget != DisruptionBudget::default() {
            ha.pod_disruption_budget = Some(budget);
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
    ha.topology_spread = Some(if keys.contains(&"topology.kubernetes.io/zone") {
        TopologySpread::Zone
    } else if keys.contains(&"kubernetes.io/hostname") {
        TopologySpread::Hostname
    } else {
        TopologySpread::None
    });
    let anti = format!("{}/affinity/podAntiAffinity", gw.pod());
    ha.anti_affinity = Some(
        if v.pointer(&format!(
            "{anti}/requiredDuringSchedulingIgnoredDuringExecution"
        ))
        .is_some()
        {
            AntiAffinity::Required
        } else if v
            .pointer(&format!(
                "{anti}/preferredDuringSchedulingIgnoredDuringExecution"
            ))
            .is_some()
        {
            AntiAffinity::Preferred
        } else {
            AntiAffinity::None
        },
    );
    fit.spec().high_availability = Some(ha);
    let policies = selecting(docs, gw, "NetworkPolicy", "/spec/podSelector");
    fit.spec().network_policy = Some(NetworkPolicyConfig {
        enabled: Some(!policies.is_empty()),
        ..NetworkPolicyConfig::default()
    });
    for i in policies {
        notes.add(format!(
            "the rules of NetworkPolicy {} are not carried over: shgw renders its own",
            name(&docs[i].value)
        ));
    }
}
