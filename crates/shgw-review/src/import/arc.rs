//! Gateway files from the Azure Arc cluster extension `Microsoft.ApiManagement.Gateway`: an ARM
//! resource (or a template holding some), `az k8s-extension show` or `list` output, or the
//! `properties` object alone, as `shgw render -o arc-extension` writes it. Settings are read by
//! the keys of [`shgw::arc::SETTINGS`]; every setting not carried over is named in the notes,
//! and protected settings (the token) are never read, only named.

use super::Imported;
use super::fit::{Fit, RESOURCE_KEYS, int_or_percent, statsd_endpoint};
use crate::error::{Error, ErrorKind};
use serde_json::{Value, json};
use shgw::spec::{
    AntiAffinity, Backup, DisruptionBudget, HighAvailability, Image, LocalLogs, LogLevel, Logs,
    Metrics, NetworkPolicyConfig, OpenTelemetry, PodConfig, ServiceConfig, Statsd, Telemetry,
    TopologySpread, TrafficPolicy,
};
use std::collections::{BTreeMap, BTreeSet};

/// The ARM resource type of cluster extensions.
const RESOURCE_TYPE: &str = "Microsoft.KubernetesConfiguration/extensions";

/// Whether `v` looks like one or more Arc cluster extensions (of any type): what `shgw import`
/// reads with [`import_arc_extension`].
///
/// ```
/// let show = serde_json::json!({"name": "gw", "extensionType": "microsoft.apimanagement.gateway", "configurationSettings": {}});
/// assert!(shgw_review::is_arc_extension(&show));
/// assert!(!shgw_review::is_arc_extension(&serde_json::json!({"kind": "Deployment"})));
/// ```
pub fn is_arc_extension(v: &Value) -> bool {
    !extensions(v).is_empty()
}

/// One extension found in the input: its name (when the input gives one) and its properties.
struct Found<'a> {
    name: Option<&'a str>,
    properties: &'a Value,
}

fn is_properties(v: &Value) -> bool {
    v.get("extensionType").is_some_and(Value::is_string)
}

/// Every extension in `v`: an ARM resource, a template's `resources` (array or symbolic-name
/// object), `az` output (the properties flattened into the resource), the properties alone, or
/// an array of any of these.
fn extensions(v: &Value) -> Vec<Found<'_>> {
    let mut out = Vec::new();
    collect(v, &mut out);
    out
}

fn collect<'a>(v: &'a Value, out: &mut Vec<Found<'a>>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
        Value::Object(m) => {
            let name = m.get("name").and_then(Value::as_str);
            if let Some(p) = m.get("properties").filter(|p| is_properties(p)) {
                out.push(Found {
                    name,
                    properties: p,
                });
            } else if is_properties(v) {
                out.push(Found {
                    name,
                    properties: v,
                });
            } else if let Some(r) = m.get("resources") {
                match r {
                    Value::Array(_) => collect(r, out),
                    Value::Object(symbolic) => symbolic.values().for_each(|i| collect(i, out)),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// A setting's value as text (a hand-written template may hold numbers or booleans).
fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The flat settings, each taken at most once; what is left is named in the notes.
struct Settings {
    map: BTreeMap<String, String>,
    taken: BTreeSet<String>,
}

impl Settings {
    fn take(&mut self, key: &str) -> Option<String> {
        let v = self.map.get(key)?.clone();
        self.taken.insert(key.to_owned());
        Some(v)
    }

    /// The settings below `prefix` (`resources`), split into their path segments after it.
    fn take_tree(&mut self, prefix: &str) -> Vec<(Vec<String>, String)> {
        let keys: Vec<String> = self
            .map
            .keys()
            .filter(|k| {
                k.strip_prefix(prefix)
                    .is_some_and(|r| r.starts_with('.') || r.starts_with('['))
            })
            .cloned()
            .collect();
        let mut out = Vec::new();
        for k in keys {
            let (Some(rest), Some(v)) = (k.strip_prefix(prefix), self.map.get(&k)) else {
                continue;
            };
            let rest = rest.strip_prefix('.').unwrap_or(rest);
            out.push((shgw::arc::split_path(rest), v.clone()));
            self.taken.insert(k);
        }
        out
    }

    fn left(&self) -> impl Iterator<Item = &String> {
        self.map.keys().filter(|k| !self.taken.contains(*k))
    }
}

/// `[3]` at the start of a segment list: the index and the rest (`[3].key` splits as
/// `["[3]", "key"]` once the brackets are its own segment).
fn index(segments: &[String]) -> Option<(usize, &[String])> {
    let (first, rest) = segments.split_first()?;
    let n = first.strip_prefix('[')?.strip_suffix(']')?.parse().ok()?;
    Some((n, rest))
}

/// Imports the Arc gateway extensions in `input` (parsed JSON or YAML) read from `file`.
/// `name` names the Gateway when the input gives no extension name (the properties alone);
/// `namespace` is used when the extension has no scope.
///
/// ```
/// let show = serde_json::json!({
///   "name": "contoso-west", "extensionType": "microsoft.apimanagement.gateway",
///   "scope": {"namespace": {"targetNamespace": "apim"}},
///   "configurationSettings": {"gateway.configuration.uri": "contoso.configuration.azure-api.net", "replicaCount": "3"},
///   "configurationProtectedSettings": {"gateway.auth.token": "GatewayKey secret"}
/// });
/// let out = shgw_review::import_arc_extension("show.json", &show, None, None).unwrap();
/// assert_eq!(out.documents[0]["spec"]["replicas"], 3);
/// assert!(!out.to_yaml().contains("GatewayKey secret"));
/// ```
///
/// # Errors
/// [`ErrorKind::Values`] when the input holds no `Microsoft.ApiManagement.Gateway` extension,
/// or one has no `gateway.configuration.uri`.
pub fn import_arc_extension(
    file: &str,
    input: &Value,
    name: Option<&str>,
    namespace: Option<&str>,
) -> Result<Imported, Error> {
    let err =
        |path: &str, message: String| Error::new(ErrorKind::Values, file, message).at_path(path);
    let found = extensions(input);
    let mut notes = Vec::new();
    let mut gateways = Vec::new();
    for f in &found {
        let kind = f
            .properties
            .get("extensionType")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if kind.eq_ignore_ascii_case(shgw::arc::EXTENSION_TYPE) {
            gateways.push(f);
        } else {
            notes.push(format!(
                "{}: an extension of type {kind}, not {}: skipped",
                f.name.unwrap_or("(unnamed)"),
                shgw::arc::EXTENSION_TYPE
            ));
        }
    }
    if gateways.is_empty() {
        return Err(err(
            "extensionType",
            format!(
                "no {} extension here (an ARM resource of type {RESOURCE_TYPE}, `az k8s-extension show` output, or its properties)",
                shgw::arc::EXTENSION_TYPE
            ),
        ));
    }
    if name.is_some() && gateways.len() > 1 {
        return Err(err(
            "--name",
            format!(
                "{} extensions here: --name names one Gateway",
                gateways.len()
            ),
        ));
    }
    let mut out = Imported {
        gateways: Vec::new(),
        documents: Vec::new(),
        notes: Vec::new(),
        plans: Vec::new(),
    };
    let mut misfits = Vec::new();
    let mut used = BTreeSet::new();
    for (i, f) in gateways.iter().enumerate() {
        let at = if gateways.len() > 1 {
            format!("[{i}].")
        } else {
            String::new()
        };
        let (fit, mut n) = one(f, name, namespace, &mut used, &Src { file, at: &at })?;
        notes.append(&mut n);
        match fit.finish() {
            Ok((gateway, doc)) => {
                out.gateways.push(gateway);
                out.documents.push(doc);
            }
            Err(mut m) => misfits.append(&mut m),
        }
    }
    if !misfits.is_empty() {
        return Err(Error::does_not_fit(file, misfits));
    }
    out.notes = notes;
    Ok(out)
}

/// A DNS-1123 label of at most 44 characters made from `text`, if anything is left of it.
fn label(text: &str) -> Option<String> {
    let mut s: String = text
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    s.truncate(44);
    let s = s.trim_matches('-').to_owned();
    (!s.is_empty()).then_some(s)
}

fn one(
    f: &Found<'_>,
    given: Option<&str>,
    namespace: Option<&str>,
    used: &mut BTreeSet<String>,
    src: &Src,
) -> Result<(Fit, Vec<String>), Error> {
    let p = f.properties;
    let mut settings = Settings {
        map: p
            .get("configurationSettings")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), as_text(v)?)))
                    .collect()
            })
            .unwrap_or_default(),
        taken: BTreeSet::new(),
    };
    let endpoint = settings.take("gateway.configuration.uri").ok_or_else(|| {
        src.refused(
            "gateway.configuration.uri",
            "required: the gateway's configuration endpoint",
        )
    })?;
    let mut notes = Vec::new();
    // The name: --name, the extension's, or the configuration endpoint's first label.
    let from_input = f.name.filter(|n| !n.starts_with('['));
    let (mut name, why) = match (given, from_input) {
        (Some(n), _) => (n.to_owned(), None),
        (None, Some(n)) => match label(n) {
            Some(l) if l == n => (l, None),
            Some(l) => (
                l,
                Some(format!("the extension's name {n:?} made a DNS label")),
            ),
            None => (
                "gateway".to_owned(),
                Some(format!(
                    "the extension's name {n:?} has no usable characters"
                )),
            ),
        },
        (None, None) => {
            let host = endpoint
                .trim_start_matches("https://")
                .split(['.', ':', '/'])
                .next()
                .unwrap_or_default();
            (
                label(host).unwrap_or_else(|| "gateway".to_owned()),
                Some("the input names no extension: named after the configuration endpoint; give --name to choose".to_owned()),
            )
        }
    };
    if used.contains(&name) {
        let base = name.clone();
        let mut i = 2;
        while used.contains(&name) {
            name = format!("{base}-{i}");
            i += 1;
        }
    }
    used.insert(name.clone());
    let mut note = |s: String| notes.push(format!("{name}: {s}"));
    if let Some(why) = why {
        note(format!("Gateway named {name}: {why}"));
    }
    let mut fit = Fit::new(&name);
    let scope_ns = p
        .pointer("/scope/namespace/targetNamespace")
        .or_else(|| p.pointer("/scope/cluster/releaseNamespace"))
        .and_then(Value::as_str);
    match scope_ns.or(namespace) {
        Some(ns) => fit.gateway.metadata.namespace = Some(ns.to_owned()).filter(|n| !n.is_empty()),
        None => note(
            "the extension names no namespace: set metadata.namespace (or import with --namespace)"
                .into(),
        ),
    }
    fit.spec().endpoint = nonempty(Some(endpoint));
    for (k, v) in &settings.map {
        if v.starts_with('[') && v.ends_with(']') && !v.starts_with("[[") {
            note(format!(
                "setting {k} is an ARM template expression, carried as written: replace it with its value (or import `az k8s-extension show` output of the deployed extension)"
            ));
        }
    }
    extension_level(p, &mut note);
    protected(p, &mut settings, &mut note);
    image(src, &mut settings, &mut fit, &mut note);
    workload(src, &mut settings, &mut fit, &mut note);
    service(src, &mut settings, &mut fit, &mut note);
    backup(src, &mut settings, &mut fit);
    telemetry(src, &mut settings, &mut fit, &mut note);
    availability(src, &mut settings, &mut fit, &mut note);
    pod(src, &mut settings, &mut fit, &mut note);
    // The extension renders no NetworkPolicy: a profile's would change what reaches the pods.
    fit.spec().network_policy = Some(NetworkPolicyConfig {
        enabled: Some(false),
        ..NetworkPolicyConfig::default()
    });
    note("the extension's objects are Azure Arc's: rendering this Gateway makes a second gateway next to them (the same configuration endpoint, so both serve); delete the extension (az k8s-extension delete) once shgw's serves".into());
    for k in settings.left() {
        let k = k.clone();
        match shgw::arc::setting(&k) {
            Some(s) if s.key == k => note(format!(
                "setting {k} (documented by the extension) is not carried over: shgw has no such field"
            )),
            Some(s) => note(format!(
                "setting {k} (documented by the extension under {}) is not carried over: shgw has no such field",
                s.key
            )),
            None => note(format!(
                "setting {k} is not one the extension's reference documents: not carried over"
            )),
        }
    }
    Ok((fit, notes))
}

/// What belongs to the extension resource rather than the gateway.
fn extension_level(p: &Value, note: &mut impl FnMut(String)) {
    if let Some(t) = p
        .get("releaseTrain")
        .and_then(Value::as_str)
        .filter(|t| !t.eq_ignore_ascii_case(shgw::arc::RELEASE_TRAIN))
    {
        note(format!(
            "releaseTrain {t} is the extension's, not the gateway's: `shgw render -o arc-extension` writes {}",
            shgw::arc::RELEASE_TRAIN
        ));
    }
    if p.get("autoUpgradeMinorVersion") == Some(&json!(false))
        || p.get("version").is_some_and(|v| !v.is_null())
    {
        note("the extension's pinned version (autoUpgradeMinorVersion false, version) is not carried over: `shgw render -o arc-extension` lets minor versions upgrade; the gateway image is pinned by image.tag".into());
    }
}

/// Protected settings are never read: their names are noted, and a token among the plain
/// settings is left there.
fn protected(p: &Value, s: &mut Settings, note: &mut impl FnMut(String)) {
    if let Some(m) = p
        .get("configurationProtectedSettings")
        .and_then(Value::as_object)
    {
        for k in m.keys() {
            if k == shgw::arc::TOKEN_SETTING {
                note(format!(
                    "protected setting {k} (the token) is not carried over and never printed: render with --token-file or --token-env, or keep the token in a Secret named by spec.auth.token"
                ));
            } else {
                note(format!(
                    "protected setting {k} is not carried over (its value is never printed)"
                ));
            }
        }
    }
    if s.take(shgw::arc::TOKEN_SETTING).is_some() {
        note(format!(
            "{} is a plain (not protected) setting, readable by anyone who can read the extension: move it to configurationProtectedSettings and renew the token; its value is not carried over",
            shgw::arc::TOKEN_SETTING
        ));
    }
}

/// Where a setting is written, as a misfit names it: the input, and the setting's key under
/// `configurationSettings`.
struct Src<'a> {
    /// The input file.
    file: &'a str,
    /// Among several extensions, `[i].`; else empty.
    at: &'a str,
}

impl Src<'_> {
    /// The input's field of setting `key`, in its file: `FILE: [i].configurationSettings.KEY`.
    fn at(&self, key: &str) -> String {
        format!("{}: {}", self.file, self.field(key))
    }

    /// The input's field of setting `key`: `[i].configurationSettings.KEY`.
    fn field(&self, key: &str) -> String {
        format!("{}configurationSettings.{key}", self.at)
    }

    /// Setting `key` cannot be used: `message` says why.
    fn refused(&self, key: &str, message: &str) -> Error {
        Error::new(ErrorKind::Values, self.file, message).at_path(self.field(key))
    }
}

fn image(src: &Src, s: &mut Settings, fit: &mut Fit, note: &mut impl FnMut(String)) {
    let mut i = Image {
        repository: nonempty(s.take("image.repository")),
        ..Image::default()
    };
    match s.take("image.tag") {
        Some(t) => i.tag = nonempty(Some(t)),
        None => note("image.tag is not set (the extension's app version): the profile's pinned version is used; set spec.image.tag to keep the running one".into()),
    }
    let policy = s.take("image.pullPolicy");
    i.pull_policy = fit.read_text(
        &src.at("image.pullPolicy"),
        "spec.image.pullPolicy",
        policy.as_deref(),
    );
    let mut secrets: BTreeMap<usize, String> = BTreeMap::new();
    for (path, v) in s.take_tree("imagePullSecrets") {
        match index(&path) {
            Some((i, [field])) if field == "name" => {
                secrets.insert(i, v);
            }
            _ => note(format!(
                "imagePullSecrets.{} is not carried over: shgw takes pull secrets by name",
                path.join(".")
            )),
        }
    }
    i.pull_secrets = secrets.into_values().collect();
    if i != Image::default() {
        fit.spec().image = Some(i);
    }
}

/// `"3"` as the number 3; any other text stays text (and is then no number to the field
/// that reads it).
fn number(v: &str) -> Value {
    v.trim()
        .parse::<i64>()
        .map_or_else(|_| json!(v), |n| json!(n))
}

/// Non-empty text.
fn nonempty(v: Option<String>) -> Option<String> {
    v.filter(|v| !v.is_empty())
}

fn workload(src: &Src, s: &mut Settings, fit: &mut Fit, note: &mut impl FnMut(String)) {
    // The extension's default when unset (3), stated so that a profile's does not change it.
    let replicas = s.take("replicaCount").unwrap_or_else(|| "3".to_owned());
    let replicas = fit.read(&src.at("replicaCount"), "spec.replicas", &number(&replicas));
    fit.spec().replicas = replicas;
    let mut given = BTreeMap::new();
    for (path, v) in s.take_tree("resources") {
        match path.as_slice() {
            [section, key]
                if matches!(section.as_str(), "requests" | "limits")
                    && RESOURCE_KEYS.iter().any(|(k, _)| k == key) =>
            {
                given.insert((section.clone(), key.clone()), v);
            }
            _ => note(format!(
                "resources.{} is not carried over: shgw sets cpu, memory and ephemeral-storage requests and limits",
                path.join(".")
            )),
        }
    }
    fit.resources(|section, key| {
        let v = given.remove(&(section.to_owned(), key.to_owned()))?;
        Some((
            src.at(&format!("resources.{section}.{key}")),
            Value::String(v),
        ))
    });
}

fn service(src: &Src, s: &mut Settings, fit: &mut Fit, note: &mut impl FnMut(String)) {
    // The extension's defaults (ClusterIP, 8080, 8081), stated so that a profile's do not
    // change them unasked.
    let kind = s.take("service.type").unwrap_or_else(|| "ClusterIP".into());
    let mut c = ServiceConfig {
        kind: fit.read_text(&src.at("service.type"), "spec.service.type", Some(&kind)),
        ..ServiceConfig::default()
    };
    if matches!(kind.as_str(), "LoadBalancer" | "NodePort") {
        // The extension's Service writes no policy: Kubernetes then uses Cluster.
        c.external_traffic_policy = Some(TrafficPolicy::Cluster);
    }
    let http = s.take("service.http.port").unwrap_or_else(|| "8080".into());
    let https = s
        .take("service.https.port")
        .unwrap_or_else(|| "8081".into());
    c.http_port = fit.read(
        &src.at("service.http.port"),
        "spec.service.httpPort",
        &number(&http),
    );
    c.https_port = fit.read(
        &src.at("service.https.port"),
        "spec.service.httpsPort",
        &number(&https),
    );
    for (path, v) in s.take_tree("service.annotations") {
        match path.as_slice() {
            [key] if !v.is_empty() => {
                c.annotations.insert(key.clone(), v);
            }
            [_] => {}
            _ => note(format!(
                "service.annotations.{} is not an annotation: not carried over",
                path.join(".")
            )),
        }
    }
    if c != ServiceConfig::default() {
        fit.spec().service = Some(c);
    }
    for (key, default) in [
        ("service.instance.heartbeat.port", "4291"),
        ("service.instance.synchronization.port", "4290"),
    ] {
        if s.take(key).is_some_and(|v| v.trim() != default) {
            note(format!(
                "{key} is not carried over: shgw uses port {default}"
            ));
        }
    }
}

fn backup(src: &Src, s: &mut Settings, fit: &mut Fit) {
    let pvc = "gateway.configuration.backup.persistentVolumeClaim";
    let enabled = s
        .take("gateway.configuration.backup.enabled")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let size = s.take(&format!("{pvc}.size"));
    let mode = s.take(&format!("{pvc}.accessMode"));
    let class = s.take(&format!("{pvc}.storageClassName"));
    let mut b = Backup {
        enabled: Some(enabled),
        ..Backup::default()
    };
    if enabled {
        b.size = fit.read_text(
            &src.at(&format!("{pvc}.size")),
            "spec.backup.size",
            size.as_deref(),
        );
        b.access_mode = fit.read_text(
            &src.at(&format!("{pvc}.accessMode")),
            "spec.backup.accessMode",
            mode.as_deref(),
        );
        b.storage_class_name = nonempty(class);
    }
    fit.spec().backup = Some(b);
}

fn telemetry(src: &Src, s: &mut Settings, fit: &mut Fit, note: &mut impl FnMut(String)) {
    let std = s
        .take("telemetry.logs.std")
        .unwrap_or_else(|| "text".into());
    let mut logs = Logs {
        std: fit.read_text(
            &src.at("telemetry.logs.std"),
            "spec.telemetry.logs.std",
            Some(&std),
        ),
        // The extension has no level setting: the gateway's default, stated against a
        // profile's.
        level: Some(LogLevel::Info),
        ..Logs::default()
    };
    if let Some(local) = s.take("telemetry.logs.local") {
        let config = "telemetry.logs.localConfig";
        match local.as_str() {
            "localsyslog" | "journal" => {
                s.take(&format!("{config}.{local}.endpoint"));
                s.take(&format!("{config}.{local}.facility"));
                note(format!(
                    "telemetry.logs.local {local} is not carried over: it writes to a node socket shgw's pod does not mount; use rfc5424 to a reachable syslog"
                ));
            }
            t @ ("none" | "auto" | "rfc5424" | "json") => {
                let mut l = LocalLogs {
                    kind: fit.read_text(
                        &src.at("telemetry.logs.local"),
                        "spec.telemetry.logs.local.type",
                        Some(t),
                    ),
                    ..LocalLogs::default()
                };
                if t == "rfc5424" {
                    l.endpoint = nonempty(s.take(&format!("{config}.rfc5424.endpoint")));
                    let facility = format!("{config}.rfc5424.facility");
                    if let Some(f) = s.take(&facility) {
                        l.facility = fit.read(
                            &src.at(&facility),
                            "spec.telemetry.logs.local.facility",
                            &number(&f),
                        );
                    }
                }
                if l != LocalLogs::default() {
                    logs.local = Some(l);
                }
            }
            other => note(format!(
                "telemetry.logs.local {other} is not one of none, auto, localsyslog, rfc5424, journal, json: not carried over"
            )),
        }
    }
    let cloud = s
        .take("telemetry.metrics.cloud")
        .is_none_or(|v| !v.trim().eq_ignore_ascii_case("false"));
    let mut metrics = Metrics {
        cloud: Some(cloud),
        ..Metrics::default()
    };
    let statsd = "telemetry.metrics.localStatsd";
    let endpoint = s.take(&format!("{statsd}.endpoint"));
    let sampling = s.take(&format!("{statsd}.sampling"));
    let tags = s.take(&format!("{statsd}.tagFormat"));
    match s.take("telemetry.metrics.local").as_deref() {
        Some("statsd") => {
            let st = Statsd {
                endpoint: nonempty(endpoint.as_deref().map(statsd_endpoint).map(str::to_owned)),
                sampling: sampling.as_deref().and_then(super::fit::sampling),
                tag_format: fit.read_text(
                    &src.at(&format!("{statsd}.tagFormat")),
                    "spec.telemetry.metrics.statsd.tagFormat",
                    tags.as_deref(),
                ),
            };
            if st != Statsd::default() {
                metrics.statsd = Some(st);
            }
        }
        None | Some("none") => {}
        Some(other) => note(format!(
            "telemetry.metrics.local {other} is not one of none, statsd: not carried over"
        )),
    }
    let otel = "telemetry.metrics.opentelemetry";
    let uri = s.take(&format!("{otel}.collector.uri"));
    if s.take(&format!("{otel}.enabled"))
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        && let Some(uri) = nonempty(uri)
    {
        metrics.open_telemetry = Some(OpenTelemetry {
            collector_uri: Some(uri),
            system_metrics: None,
        });
    }
    fit.spec().telemetry = Some(Telemetry {
        logs: Some(logs),
        metrics: Some(metrics),
        alerts: None,
    });
}

fn availability(src: &Src, s: &mut Settings, fit: &mut Fit, note: &mut impl FnMut(String)) {
    let ha = "highAvailability";
    let max = s.take(&format!("{ha}.disruption.maximumUnavailable"));
    let when = s.take(&format!("{ha}.podTopologySpread.whenUnsatisfiable"));
    let enabled = s
        .take(&format!("{ha}.enabled"))
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let mut h = HighAvailability {
        anti_affinity: Some(AntiAffinity::None),
        ..HighAvailability::default()
    };
    if !enabled {
        h.topology_spread = Some(TopologySpread::None);
        fit.spec().high_availability = Some(h);
        note(
            "highAvailability.enabled false: the profile's PodDisruptionBudget still applies"
                .into(),
        );
        return;
    }
    h.topology_spread = Some(TopologySpread::Zone);
    let max = fit.read(
        &src.at(&format!("{ha}.disruption.maximumUnavailable")),
        "spec.highAvailability.podDisruptionBudget.maxUnavailable",
        &int_or_percent(&json!(max.unwrap_or_else(|| "25%".into()))),
    );
    h.pod_disruption_budget = max.map(|m| DisruptionBudget {
        max_unavailable: Some(m),
        min_available: None,
    });
    fit.spec().high_availability = Some(h);
    if when.is_some_and(|w| w != "ScheduleAnyway") {
        note("highAvailability.podTopologySpread.whenUnsatisfiable DoNotSchedule is not carried over: shgw spreads with ScheduleAnyway".into());
    }
}

fn pod(src: &Src, s: &mut Settings, fit: &mut Fit, note: &mut impl FnMut(String)) {
    let mut pc = PodConfig::default();
    for (path, v) in s.take_tree("nodeSelector") {
        match path.as_slice() {
            [key] => {
                if !v.is_empty() {
                    pc.node_selector.insert(key.clone(), v);
                }
            }
            _ => note(format!(
                "nodeSelector.{} is not a node label: not carried over",
                path.join(".")
            )),
        }
    }
    let mut tolerations: BTreeMap<usize, serde_json::Map<String, Value>> = BTreeMap::new();
    for (path, v) in s.take_tree("tolerations") {
        let field = index(&path).and_then(|(i, rest)| match rest {
            [f] if matches!(f.as_str(), "key" | "operator" | "value" | "effect") => {
                Some((i, f.clone(), json!(v)))
            }
            [f] if f == "tolerationSeconds" => Some((i, f.clone(), number(&v))),
            _ => None,
        });
        match field {
            Some((i, f, v)) => {
                tolerations.entry(i).or_default().insert(f, v);
            }
            None => note(format!(
                "tolerations{} is not a toleration field: not carried over",
                path.join(".")
            )),
        }
    }
    let list: Vec<Value> = tolerations.into_values().map(Value::Object).collect();
    pc.tolerations = fit
        .read(
            &src.at("tolerations"),
            "spec.pod.tolerations",
            &Value::Array(list),
        )
        .unwrap_or_default();
    if pc != PodConfig::default() {
        fit.spec().pod = Some(pc);
    }
    for probe in ["readiness", "liveness"] {
        let path = s.take(&format!("probes.{probe}.httpGet.path"));
        let port = s.take(&format!("probes.{probe}.httpGet.port"));
        if path.is_some_and(|p| p != shgw::defaults::PROBE_PATH)
            || port.is_some_and(|p| p != "http")
        {
            note(format!(
                "probes.{probe} on another path or port is not carried over: shgw probes {} on port http",
                shgw::defaults::PROBE_PATH
            ));
        }
    }
}
