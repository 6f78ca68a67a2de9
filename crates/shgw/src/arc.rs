//! The Azure Arc cluster extension `Microsoft.ApiManagement.Gateway`: a resolved gateway as the
//! ARM `properties` of a `Microsoft.KubernetesConfiguration/extensions` resource, and what the
//! extension cannot express for it.
//!
//! The extension installs the gateway from its own chart and takes flat string settings
//! (`configurationSettings`, keys such as `gateway.configuration.uri`), the token among the
//! protected ones. [`SETTINGS`] is the one list of the keys its reference documents
//! (Microsoft Learn, "Reference: Self-hosted gateway Azure Arc configuration settings"); every
//! key written here is one of them, or a path below one of its tree-shaped keys (`resources`,
//! `nodeSelector`, `tolerations`, ...), written the way Helm's `--set` names such paths
//! (`resources.requests.cpu`, `tolerations[0].key`, a dot inside a map key escaped as `\.`).
//!
//! ```
//! let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: gw, namespace: apim}\nspec: {endpoint: gw.configuration.azure-api.net, image: {tag: \"2.12.1\"}, backup: {storageClassName: azurefile-csi}}\n";
//! let gw = &shgw::parse_gateways("gw.yaml", text).unwrap()[0];
//! let resolved = shgw::resolve(gw, &shgw::Profile::embedded("production").unwrap()).unwrap();
//! let ext = shgw::arc::extension(&resolved, None)?;
//! let p = ext.properties();
//! assert_eq!(p["extensionType"], "Microsoft.ApiManagement.Gateway");
//! assert_eq!(p["scope"]["namespace"]["targetNamespace"], "apim");
//! assert_eq!(p["configurationSettings"]["gateway.configuration.uri"], "gw.configuration.azure-api.net");
//! assert!(p.get("configurationProtectedSettings").is_none(), "no token given");
//! assert!(ext.gaps.iter().any(|g| g.path == "spec.networkPolicy"));
//! # Ok::<(), shgw::Error>(())
//! ```

use crate::defaults as d;
use crate::error::{Error, ErrorKind};
use crate::pipeline::Resolved;
use crate::resolve::{AuthMode, Plan};
use crate::spec::{
    AntiAffinity, Dns, IntOrPercent, LocalLogType, LogLevel, TopologySpread, TrafficPolicy,
};
use crate::token::Token;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fmt;

/// The extension type (`extensionType`, `az k8s-extension create --extension-type`).
pub const EXTENSION_TYPE: &str = "Microsoft.ApiManagement.Gateway";
/// The release train the deployment guide installs from: the extension is in preview.
pub const RELEASE_TRAIN: &str = "preview";
/// The setting that holds the gateway token; written only among the protected settings.
pub const TOKEN_SETTING: &str = "gateway.auth.token";

/// Whether a documented key takes one value or a tree of values below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArcSettingShape {
    /// One value: the key itself is the setting.
    Value,
    /// A map or a list (`resources`, `tolerations`): set through paths below the key
    /// (`resources.limits.cpu`, `tolerations[0].key`).
    Tree,
}

/// One setting the extension's reference documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ArcSetting {
    /// The key, as in the reference.
    pub key: &'static str,
    /// One value, or a tree below the key.
    pub shape: ArcSettingShape,
    /// The default the reference states, when it states one.
    pub default: Option<&'static str>,
}

const fn value(key: &'static str, default: Option<&'static str>) -> ArcSetting {
    ArcSetting {
        key,
        shape: ArcSettingShape::Value,
        default,
    }
}

const fn tree(key: &'static str) -> ArcSetting {
    ArcSetting {
        key,
        shape: ArcSettingShape::Tree,
        default: None,
    }
}

/// Every setting of the `Microsoft.ApiManagement.Gateway` extension its reference documents,
/// with the defaults it states: the one list the output and `shgw import` are checked against.
pub const SETTINGS: &[ArcSetting] = &[
    value("gateway.configuration.uri", None),
    value(TOKEN_SETTING, None),
    value("gateway.configuration.backup.enabled", Some("false")),
    value(
        "gateway.configuration.backup.persistentVolumeClaim.accessMode",
        Some("ReadWriteMany"),
    ),
    value(
        "gateway.configuration.backup.persistentVolumeClaim.size",
        Some("50Mi"),
    ),
    value(
        "gateway.configuration.backup.persistentVolumeClaim.storageClassName",
        None,
    ),
    value("service.instance.heartbeat.port", Some("4291")),
    value("service.instance.synchronization.port", Some("4290")),
    value("telemetry.metrics.cloud", Some("true")),
    value("telemetry.metrics.local", None),
    value("telemetry.metrics.localStatsd.endpoint", None),
    value("telemetry.metrics.localStatsd.sampling", None),
    value("telemetry.metrics.localStatsd.tagFormat", None),
    value("telemetry.metrics.opentelemetry.enabled", Some("false")),
    value("telemetry.metrics.opentelemetry.collector.uri", None),
    value("telemetry.logs.std", Some("text")),
    value("telemetry.logs.local", Some("auto")),
    value("telemetry.logs.localConfig.localsyslog.endpoint", None),
    value("telemetry.logs.localConfig.localsyslog.facility", None),
    value("telemetry.logs.localConfig.rfc5424.endpoint", None),
    value("telemetry.logs.localConfig.rfc5424.facility", None),
    value("telemetry.logs.localConfig.journal.endpoint", None),
    value("service.type", Some("ClusterIP")),
    value("service.http.port", Some("8080")),
    value("service.http.nodePort", None),
    value("service.https.port", Some("8081")),
    value("service.https.nodePort", None),
    tree("service.annotations"),
    tree("ingress.annotations"),
    value("ingress.enabled", Some("false")),
    tree("ingress.tls"),
    tree("ingress.hosts"),
    value("dapr.enabled", Some("false")),
    value("dapr.app.id", None),
    value("dapr.config", Some("tracing")),
    value("dapr.logging.level", Some("info")),
    value("dapr.logging.useJsonOutput", Some("true")),
    value("monitoring.customResourceId", None),
    value("monitoring.ingestionKey", None),
    value("monitoring.workspaceId", None),
    value("replicaCount", Some("3")),
    value("image.repository", Some(d::IMAGE_REPOSITORY)),
    value("image.pullPolicy", Some("IfNotPresent")),
    value("image.tag", None),
    tree("imagePullSecrets"),
    value("probes.readiness.httpGet.path", Some(d::PROBE_PATH)),
    value("probes.readiness.httpGet.port", Some("http")),
    value("probes.liveness.httpGet.path", Some(d::PROBE_PATH)),
    value("probes.liveness.httpGet.port", Some("http")),
    value("highAvailability.enabled", Some("false")),
    value(
        "highAvailability.disruption.maximumUnavailable",
        Some("25%"),
    ),
    value(
        "highAvailability.podTopologySpread.whenUnsatisfiable",
        Some("ScheduleAnyway"),
    ),
    tree("resources"),
    tree("nodeSelector"),
    tree("affinity"),
    tree("tolerations"),
];

/// The documented setting `key` is, or lies below (`resources.limits.cpu` below `resources`);
/// `None` for a key the reference does not document.
///
/// ```
/// assert_eq!(shgw::arc::setting("replicaCount").unwrap().default, Some("3"));
/// assert_eq!(shgw::arc::setting("tolerations[0].key").unwrap().key, "tolerations");
/// assert!(shgw::arc::setting("replicaCountX").is_none());
/// assert!(shgw::arc::setting("gateway.name").is_none());
/// ```
pub fn setting(key: &str) -> Option<&'static ArcSetting> {
    SETTINGS.iter().find(|s| match s.shape {
        ArcSettingShape::Value => s.key == key,
        ArcSettingShape::Tree => key
            .strip_prefix(s.key)
            .is_some_and(|rest| (rest.starts_with('.') && rest.len() > 1) || rest.starts_with('[')),
    })
}

/// A map key as one segment of a setting path: `.` and `\` escaped with `\`, as Helm's
/// `--set` reads them (`service.annotations.service\.beta\.kubernetes\.io/x`).
///
/// ```
/// assert_eq!(shgw::arc::escape_segment("kubernetes.io/os"), "kubernetes\\.io/os");
/// ```
pub fn escape_segment(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        if matches!(c, '.' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Splits a setting path at its unescaped dots and unescapes each segment, the inverse of
/// [`escape_segment`] joined with `.`.
///
/// ```
/// assert_eq!(
///     shgw::arc::split_path("nodeSelector.kubernetes\\.io/os"),
///     vec!["nodeSelector", "kubernetes.io/os"],
/// );
/// ```
pub fn split_path(path: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(last)) = (chars.next(), out.last_mut()) {
                    last.push(next);
                }
            }
            '.' => out.push(String::new()),
            other => {
                if let Some(last) = out.last_mut() {
                    last.push(other);
                }
            }
        }
    }
    out
}

/// Whether what the extension cannot express can be added next to it as plain objects.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArcRemedy {
    /// Apply these kinds from `shgw render`'s output next to the extension, after the change
    /// named (the extension's pods carry its chart's labels, not shgw's).
    Alongside {
        /// The kinds to take from `shgw render`.
        kinds: &'static [&'static str],
        /// What to change in them first.
        change: &'static str,
    },
    /// Nothing applied next to the extension adds it: it lives in the pod the extension's chart
    /// writes, or it would fight the extension.
    No,
}

/// Something the Gateway asks for that the extension's settings cannot express.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ArcGap {
    /// The Gateway field (`spec.networkPolicy`), or what shgw renders that has none (`probes`).
    pub path: String,
    /// What the extension does instead.
    pub detail: String,
    /// Whether plain objects next to the extension make up for it.
    pub remedy: ArcRemedy,
}

impl fmt::Display for ArcGap {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.detail)?;
        match &self.remedy {
            ArcRemedy::Alongside { kinds, change } => write!(
                f,
                "; can be added next to the extension as plain objects: the {} of `shgw render` ({change})",
                kinds.join(" and ")
            ),
            ArcRemedy::No => f.write_str("; cannot be added next to the extension"),
        }
    }
}

/// The extension resource's properties for one gateway, and what they leave out.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ArcExtension {
    /// The Gateway's name (a good name for the extension resource).
    pub gateway: String,
    /// `scope.namespace.targetNamespace`.
    pub target_namespace: String,
    /// `releaseTrain`.
    pub release_train: String,
    /// `autoUpgradeMinorVersion`.
    pub auto_upgrade_minor_version: bool,
    /// `configurationSettings`, every key one [`setting`] knows.
    pub settings: BTreeMap<String, String>,
    /// The token for `configurationProtectedSettings`, when one was given.
    token: Option<Token>,
    /// What the Gateway asks for that the settings cannot express.
    pub gaps: Vec<ArcGap>,
}

impl ArcExtension {
    /// Whether a token goes into `configurationProtectedSettings`.
    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// The ARM `properties` object: `extensionType`, `autoUpgradeMinorVersion`,
    /// `releaseTrain`, `scope`, `configurationSettings`, and `configurationProtectedSettings`
    /// (the token) only when a token was given.
    pub fn properties(&self) -> Value {
        let mut p = Map::new();
        p.insert("extensionType".into(), json!(EXTENSION_TYPE));
        p.insert(
            "autoUpgradeMinorVersion".into(),
            json!(self.auto_upgrade_minor_version),
        );
        p.insert("releaseTrain".into(), json!(self.release_train));
        p.insert(
            "scope".into(),
            json!({"namespace": {"targetNamespace": self.target_namespace}}),
        );
        let settings: Map<String, Value> = self
            .settings
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        p.insert("configurationSettings".into(), Value::Object(settings));
        if let Some(t) = &self.token {
            p.insert(
                "configurationProtectedSettings".into(),
                json!({ TOKEN_SETTING: t.reveal() }),
            );
        }
        Value::Object(p)
    }
}

/// The settings under construction and the gaps found on the way.
struct Builder {
    settings: BTreeMap<String, String>,
    gaps: Vec<ArcGap>,
}

impl Builder {
    fn put(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.settings.insert(key.into(), value.into());
    }

    fn gap(&mut self, path: &str, detail: impl Into<String>, remedy: ArcRemedy) {
        self.gaps.push(ArcGap {
            path: path.to_owned(),
            detail: detail.into(),
            remedy,
        });
    }
}

/// The extension's properties for a resolved gateway ([`crate::resolve`]), with the token for
/// `configurationProtectedSettings` when one is given.
///
/// # Error
/// [`ErrorKind::ArcAuth`] (in `Gateway NAME`, at `spec.auth`) when the gateway authenticates with Microsoft Entra or workload
/// identity and no token is given: the extension documents token authentication only.
pub fn extension(r: &Resolved, token: Option<&Token>) -> Result<ArcExtension, Error> {
    let r = &r.plan;
    let mut b = Builder {
        settings: BTreeMap::new(),
        gaps: Vec::new(),
    };
    auth(&mut b, r, token)?;
    b.put("gateway.configuration.uri", r.endpoint.clone());
    image(&mut b, r);
    workload(&mut b, r);
    service(&mut b, r);
    backup(&mut b, r);
    telemetry(&mut b, r);
    availability(&mut b, r);
    pod(&mut b, r);
    unexpressed(&mut b, r);
    Ok(ArcExtension {
        gateway: r.name.clone(),
        target_namespace: r.namespace.clone().unwrap_or_else(|| "default".to_owned()),
        release_train: RELEASE_TRAIN.to_owned(),
        auto_upgrade_minor_version: true,
        settings: b.settings,
        token: token.cloned(),
        gaps: b.gaps,
    })
}

fn auth(b: &mut Builder, r: &Plan, token: Option<&Token>) -> Result<(), Error> {
    let kind = match &r.auth {
        AuthMode::Token { renewal, .. } => {
            if renewal.is_some() {
                b.gap(
                    "spec.auth.token.renewal",
                    "the token is a protected setting of the extension, which the renewer cannot write; renew it with `az k8s-extension update --configuration-protected-settings-file`",
                    ArcRemedy::No,
                );
            }
            return Ok(());
        }
        AuthMode::EntraApp { .. } => "Microsoft Entra authentication (entraApp)",
        AuthMode::WorkloadIdentity { .. } => "workload identity authentication (workloadIdentity)",
    };
    if token.is_none() {
        return Err(Error::new(
            ErrorKind::ArcAuth,
            format!(
                "{kind} cannot be expressed by the Azure Arc extension, which authenticates with a gateway token ({TOKEN_SETTING}) only; give a token (--token-file or --token-env) or deploy with `shgw render`"
            ),
        )
        .in_input(format!("Gateway {}", r.name))
        .at_path("spec.auth"));
    }
    b.gap(
        "spec.auth",
        format!("{kind} is not available to the extension: it authenticates with the token given"),
        ArcRemedy::No,
    );
    Ok(())
}

fn image(b: &mut Builder, r: &Plan) {
    let without_digest = r.image.split('@').next().unwrap_or(&r.image);
    let repository = match &r.tag {
        Some(t) => without_digest
            .strip_suffix(&format!(":{t}"))
            .unwrap_or(without_digest),
        None => without_digest,
    };
    b.put("image.repository", repository);
    if let Some(t) = &r.tag {
        b.put("image.tag", t.clone());
    }
    b.put("image.pullPolicy", r.pull_policy.as_str());
    if r.digest.is_some() {
        let detail = if r.tag.is_some() {
            "the extension takes a tag only (image.tag): the image is not pinned by digest"
        } else {
            "the extension takes a tag only (image.tag): with a digest and no tag it runs the image of its own app version"
        };
        b.gap("spec.image.digest", detail, ArcRemedy::No);
    }
    for (i, s) in r.pull_secrets.iter().enumerate() {
        b.put(format!("imagePullSecrets[{i}].name"), s.clone());
    }
}

fn workload(b: &mut Builder, r: &Plan) {
    b.put("replicaCount", r.replicas.unwrap_or(r.min_pods).to_string());
    if let Some(a) = r.autoscaling {
        b.gap(
            "spec.autoscaling",
            format!(
                "the extension runs a fixed replicaCount ({}, the minimum); a HorizontalPodAutoscaler next to it would fight the replicas each extension upgrade writes",
                a.min
            ),
            ArcRemedy::No,
        );
    }
    let quarter = IntOrPercent::Percent("25%".into());
    if r.max_unavailable != quarter || r.max_surge != quarter {
        b.gap(
            "spec.rollout",
            format!(
                "the extension's rollout strategy cannot be set (maxUnavailable {}, maxSurge {} asked for)",
                r.max_unavailable, r.max_surge
            ),
            ArcRemedy::No,
        );
    }
    for (section, list) in [("requests", &r.requests), ("limits", &r.limits)] {
        for (name, q) in list.iter() {
            b.put(format!("resources.{section}.{name}"), q.0.clone());
        }
    }
}

fn service(b: &mut Builder, r: &Plan) {
    b.put("service.type", r.service_type.as_str());
    b.put("service.http.port", r.http_port.to_string());
    b.put("service.https.port", r.https_port.to_string());
    for (k, v) in &r.service_annotations {
        b.put(
            format!("service.annotations.{}", escape_segment(k)),
            v.clone(),
        );
    }
    if r.external_traffic_policy == Some(TrafficPolicy::Local) {
        b.gap(
            "spec.service.externalTrafficPolicy",
            "the extension's Service takes Kubernetes' default (Cluster), not Local: client addresses are not kept",
            ArcRemedy::No,
        );
    }
    if !r.source_ranges.is_empty() {
        b.gap(
            "spec.service.loadBalancerSourceRanges",
            "the extension's Service cannot limit its clients (use spec.networkPolicy's allowedCidrs, or your cloud's Service annotation)",
            ArcRemedy::No,
        );
    }
}

fn backup(b: &mut Builder, r: &Plan) {
    let Some(plan) = &r.backup else {
        b.put("gateway.configuration.backup.enabled", "false");
        return;
    };
    b.put("gateway.configuration.backup.enabled", "true");
    let pvc = "gateway.configuration.backup.persistentVolumeClaim";
    match &plan.create {
        Some(claim) => {
            b.put(format!("{pvc}.size"), claim.size.0.clone());
            b.put(format!("{pvc}.accessMode"), claim.access_mode.as_str());
            if let Some(class) = &claim.storage_class {
                b.put(format!("{pvc}.storageClassName"), class.clone());
            }
        }
        None => b.gap(
            "spec.backup.existingClaim",
            format!(
                "the extension creates its own claim and cannot mount {}",
                plan.claim_name
            ),
            ArcRemedy::No,
        ),
    }
}

fn telemetry(b: &mut Builder, r: &Plan) {
    let logs = &r.logs;
    b.put("telemetry.logs.std", logs.std.as_str());
    if logs.level != LogLevel::Info {
        b.gap(
            "spec.telemetry.logs.level",
            format!(
                "the extension logs at the gateway's default level (info), not {}",
                logs.level.as_str()
            ),
            ArcRemedy::No,
        );
    }
    if logs.color.is_some() {
        b.gap(
            "spec.telemetry.logs.color",
            "the extension's log colour cannot be set",
            ArcRemedy::No,
        );
    }
    if let Some(local) = &logs.local {
        let kind = local.kind.unwrap_or(LocalLogType::Auto);
        b.put("telemetry.logs.local", kind.as_str());
        let config = match kind {
            LocalLogType::LocalSyslog | LocalLogType::Rfc5424 | LocalLogType::Journal => {
                Some(format!("telemetry.logs.localConfig.{}", kind.as_str()))
            }
            LocalLogType::Json if local.endpoint.is_some() => {
                b.gap(
                    "spec.telemetry.logs.local.endpoint",
                    "the extension documents no endpoint for json local logs: the gateway's default (127.0.0.1:8888) is used",
                    ArcRemedy::No,
                );
                None
            }
            _ => None,
        };
        if let Some(config) = config {
            if let Some(e) = &local.endpoint {
                b.put(format!("{config}.endpoint"), e.clone());
            }
            if kind != LocalLogType::Journal
                && let Some(f) = local.facility
            {
                b.put(format!("{config}.facility"), f.to_string());
            }
        }
    }
    b.put("telemetry.metrics.cloud", r.metrics_cloud.to_string());
    match (&r.prometheus, &r.statsd) {
        (Some(_), _) => {
            b.put("telemetry.metrics.local", "none");
            b.gap(
                "spec.telemetry.metrics.prometheus",
                "the extension's pod has no statsd-exporter sidecar (nor a PodMonitor for it); run an exporter of your own and point spec.telemetry.metrics.statsd at it",
                ArcRemedy::No,
            );
        }
        (None, Some(s)) => {
            b.put("telemetry.metrics.local", "statsd");
            b.put(
                "telemetry.metrics.localStatsd.endpoint",
                s.endpoint.clone().unwrap_or_default(),
            );
            b.put(
                "telemetry.metrics.localStatsd.sampling",
                s.sampling.unwrap_or(1.0).to_string(),
            );
            b.put(
                "telemetry.metrics.localStatsd.tagFormat",
                s.tag_format
                    .unwrap_or(crate::spec::TagFormat::DogStatsD)
                    .as_str(),
            );
        }
        (None, None) => b.put("telemetry.metrics.local", "none"),
    }
    if let Some(o) = &r.open_telemetry {
        b.put("telemetry.metrics.opentelemetry.enabled", "true");
        b.put(
            "telemetry.metrics.opentelemetry.collector.uri",
            o.collector_uri.clone().unwrap_or_default(),
        );
        if o.system_metrics == Some(true) {
            b.gap(
                "spec.telemetry.metrics.openTelemetry.systemMetrics",
                "the extension sends no system metrics (CPU, memory, GC) to the collector",
                ArcRemedy::No,
            );
        }
    }
    if r.alerts.is_some() {
        b.gap(
            "spec.telemetry.alerts",
            "the extension renders no alerting rules",
            ArcRemedy::Alongside {
                kinds: &["PrometheusRule"],
                change: "point its namespace and deployment matchers at the extension's Deployment, and drop ShgwTokenRenewalStale: no renewer runs",
            },
        );
    }
}

fn availability(b: &mut Builder, r: &Plan) {
    let pdb = r.disruption_budget.as_ref();
    let zone = r.topology_spread == TopologySpread::Zone;
    let enabled = pdb.is_some() || zone;
    b.put("highAvailability.enabled", enabled.to_string());
    if enabled {
        b.put(
            "highAvailability.podTopologySpread.whenUnsatisfiable",
            "ScheduleAnyway",
        );
        // The extension's budget always has a maxUnavailable (25% unless set): written out.
        let max = pdb
            .and_then(|p| p.max_unavailable.as_ref())
            .map_or_else(|| "25%".to_owned(), ToString::to_string);
        b.put("highAvailability.disruption.maximumUnavailable", max);
        match pdb {
            Some(p) => {
                if let Some(m) = &p.min_available {
                    b.gap(
                        "spec.highAvailability.podDisruptionBudget.minAvailable",
                        format!(
                            "the extension's budget takes maxUnavailable only (25% by default), not minAvailable {m}"
                        ),
                        ArcRemedy::No,
                    );
                }
            }
            None => b.gap(
                "spec.highAvailability.podDisruptionBudget",
                "the extension's high availability also adds a PodDisruptionBudget (maxUnavailable 25%)",
                ArcRemedy::No,
            ),
        }
        match r.topology_spread {
            TopologySpread::Zone => {}
            TopologySpread::Hostname => b.gap(
                "spec.highAvailability.topologySpread",
                "the extension spreads pods across zones, not nodes (hostname)",
                ArcRemedy::No,
            ),
            TopologySpread::None => b.gap(
                "spec.highAvailability.topologySpread",
                "the extension's high availability also spreads pods across zones",
                ArcRemedy::No,
            ),
        }
    }
    if r.anti_affinity != AntiAffinity::None {
        b.gap(
            "spec.highAvailability.antiAffinity",
            format!(
                "the extension writes no pod anti-affinity ({} asked for); its affinity setting would have to select the extension's own pod labels",
                r.anti_affinity.as_str()
            ),
            ArcRemedy::No,
        );
    }
}

fn pod(b: &mut Builder, r: &Plan) {
    for (k, v) in &r.pod.node_selector {
        b.put(format!("nodeSelector.{}", escape_segment(k)), v.clone());
    }
    for (i, t) in r.pod.tolerations.iter().enumerate() {
        let at = format!("tolerations[{i}]");
        for (field, v) in [
            ("key", t.key.clone()),
            ("operator", t.operator.clone()),
            ("value", t.value.clone()),
            ("effect", t.effect.clone()),
            (
                "tolerationSeconds",
                t.toleration_seconds.map(|s| s.to_string()),
            ),
        ] {
            if let Some(v) = v {
                b.put(format!("{at}.{field}"), v);
            }
        }
    }
    if !r.pod.annotations.is_empty() || !r.pod.labels.is_empty() {
        b.gap(
            "spec.pod.annotations",
            "the extension's pods take no extra annotations or labels",
            ArcRemedy::No,
        );
    }
    if r.pod.priority_class_name.is_some() {
        b.gap(
            "spec.pod.priorityClassName",
            "the extension's pods take no priority class",
            ArcRemedy::No,
        );
    }
    if r.termination_grace_period_seconds != d::TERMINATION_GRACE_SECONDS {
        b.gap(
            "spec.pod.terminationGracePeriodSeconds",
            format!(
                "the extension's drain time cannot be set ({} s asked for)",
                r.termination_grace_period_seconds
            ),
            ArcRemedy::No,
        );
    }
}

/// What the extension has no setting for at all.
fn unexpressed(b: &mut Builder, r: &Plan) {
    if r.network_policy.is_some() {
        b.gap(
            "spec.networkPolicy",
            "the extension renders no NetworkPolicy",
            ArcRemedy::Alongside {
                kinds: &["NetworkPolicy"],
                change: "set its podSelector to the labels of the extension's pods: `kubectl get pods --show-labels` in the target namespace",
            },
        );
    }
    b.gap(
        "spec.securityContext",
        "the extension's chart decides the pod's security context: the hardened one (non-root, UID/GID/fsGroup, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault) cannot be set",
        ArcRemedy::No,
    );
    b.gap(
        "probes",
        "the extension's probes keep its chart's timings, and it documents no startup probe",
        ArcRemedy::No,
    );
    if r.dns != Dns::default() {
        b.gap(
            "spec.dns",
            "the extension's pods take no DNS policy, resolver options or host aliases",
            ArcRemedy::No,
        );
    }
    let p = &r.proxy;
    if p.http.is_some() || p.https.is_some() || !p.no_proxy.is_empty() {
        b.gap(
            "spec.proxy",
            "the extension documents no outbound proxy",
            ArcRemedy::No,
        );
    }
    if !r.ca_certificates.is_empty() {
        b.gap(
            "spec.caCertificates",
            "the extension mounts no CA certificates",
            ArcRemedy::No,
        );
    }
    if r.trust_local_ca {
        b.gap(
            "spec.trustLocalCA",
            "the extension documents no certificates.local.ca.enabled",
            ArcRemedy::No,
        );
    }
    if !r.settings.is_empty() {
        let keys: Vec<&str> = r.settings.keys().map(String::as_str).collect();
        b.gap(
            "spec.settings",
            format!(
                "the extension documents no way to pass further gateway settings ({})",
                keys.join(", ")
            ),
            ArcRemedy::No,
        );
    }
    if r.adopted {
        b.gap(
            "spec.adoption",
            "the extension installs objects of its own: it does not take over an existing deployment (remove that one once the extension serves)",
            ArcRemedy::No,
        );
    }
    let shgw_labels = [
        d::LABEL_NAME,
        d::LABEL_INSTANCE,
        d::LABEL_COMPONENT,
        d::LABEL_MANAGED_BY,
    ];
    let user_labels = r
        .labels
        .keys()
        .any(|k| !shgw_labels.contains(&k.as_str()) && !r.selector.contains_key(k));
    if user_labels || !r.annotations.is_empty() {
        b.gap(
            "metadata.labels",
            "the extension's objects take no extra labels or annotations",
            ArcRemedy::No,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        for k in ["a.b.c", "plain", "back\\slash.x", "kubernetes.io/os"] {
            let path = format!("nodeSelector.{}", escape_segment(k));
            assert_eq!(
                split_path(&path),
                vec!["nodeSelector".to_owned(), k.to_owned()]
            );
        }
    }

    #[test]
    fn tree_keys_need_a_path_below_them() {
        assert!(setting("resources").is_none());
        assert!(setting("resources.").is_none());
        assert!(setting("resourcesX.cpu").is_none());
        assert_eq!(
            setting("service.annotations.a\\.b").map(|s| s.key),
            Some("service.annotations")
        );
        assert!(setting("service.annotations").is_none());
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }
}
