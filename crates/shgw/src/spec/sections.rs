//! The sections of `spec`.

use super::{IntOrPercent, Quantity};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

macro_rules! section {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[$fm])*
                #[serde(default, skip_serializing_if = "crate::spec::sections::is_unset")]
                pub $field: $ty,
            )*
        }
    };
}

/// Implemented by what may be left out of a serialized section.
pub(crate) trait Unset {
    fn unset(&self) -> bool;
}
impl<T> Unset for Option<T> {
    fn unset(&self) -> bool {
        self.is_none()
    }
}
impl<T> Unset for Vec<T> {
    fn unset(&self) -> bool {
        self.is_empty()
    }
}
impl<K, V> Unset for BTreeMap<K, V> {
    fn unset(&self) -> bool {
        self.is_empty()
    }
}
pub(crate) fn is_unset<T: Unset>(v: &T) -> bool {
    v.unset()
}

macro_rules! choice {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $( $(#[$vm])* #[doc = concat!("`", $text, "`")] #[serde(rename = $text)] $variant, )*
        }
        impl $name {
            /// Every choice, in the order the Gateway file's schema lists them.
            pub const ALL: &'static [$name] = &[$( $name::$variant, )*];

            /// The text written in the Gateway file and in Kubernetes objects.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text, )* }
            }
        }
    };
}

/// How the gateway authenticates to its configuration endpoint: exactly one way, written as a
/// mapping with one key (`auth: {workloadIdentity: {clientId: ...}}`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Auth {
    /// A gateway token (`GatewayKey ...`) read from a Secret (the portal's way).
    Token(TokenAuth),
    /// A Microsoft Entra application with a client secret or certificate.
    EntraApp(EntraAppAuth),
    /// Azure workload identity (image 2.11.0 or later).
    WorkloadIdentity(WorkloadIdentityAuth),
}

impl Default for Auth {
    /// A token from the Secret `<name>-token`, as the portal's file reads it.
    fn default() -> Self {
        Auth::Token(TokenAuth::default())
    }
}

/// `spec.auth` as written, before the one choice is checked: serde's own message for a
/// mapping with two keys names neither.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AuthFields {
    token: Option<TokenAuth>,
    entra_app: Option<EntraAppAuth>,
    workload_identity: Option<WorkloadIdentityAuth>,
}

impl<'de> Deserialize<'de> for Auth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f = AuthFields::deserialize(d)?;
        let written: Vec<&str> = [
            ("token", f.token.is_some()),
            ("entraApp", f.entra_app.is_some()),
            ("workloadIdentity", f.workload_identity.is_some()),
        ]
        .into_iter()
        .filter_map(|(key, set)| set.then_some(key))
        .collect();
        match (f.token, f.entra_app, f.workload_identity) {
            (Some(t), None, None) => Ok(Auth::Token(t)),
            (None, Some(e), None) => Ok(Auth::EntraApp(e)),
            (None, None, Some(w)) => Ok(Auth::WorkloadIdentity(w)),
            _ => Err(serde::de::Error::custom(format!(
                "set exactly one of token, entraApp or workloadIdentity (found {})",
                if written.is_empty() {
                    "none".to_owned()
                } else {
                    written.join(", ")
                }
            ))),
        }
    }
}

impl Unset for Auth {
    fn unset(&self) -> bool {
        false
    }
}

section!(
    /// Where the token Secret is.
    TokenAuth {
        /// Secret name; `<name>-token` by default.
        secret_name: Option<String>,
        /// Key in the Secret; `value` by default (portal-compatible).
        secret_key: Option<String>,
        /// Renew the token in the cluster: a CronJob running `shgw token renew` with a
        /// least-privilege Role.
        renewal: Option<TokenRenewal>,
    }
);

choice!(
    /// Which gateway key signs a generated token.
    KeyType { Primary = "primary", Secondary = "secondary" }
);

section!(
    /// Token renewal through the management API (`generateToken`), with Azure workload identity.
    TokenRenewal {
        /// Azure subscription ID of the API Management service.
        subscription_id: Option<String>,
        /// Resource group of the API Management service.
        resource_group: Option<String>,
        /// Name of the API Management service.
        service_name: Option<String>,
        /// Client ID of the identity allowed to generate tokens (workload identity).
        client_id: Option<String>,
        /// Tenant of that identity; the cluster's workload identity default when absent.
        tenant_id: Option<String>,
        /// Cron schedule (UTC); daily at a minute derived from the name by default.
        schedule: Option<String>,
        /// Renew when less than this is left (`10d` by default).
        renew_before: Option<String>,
        /// Validity of a new token (`29d` by default, at most `30d`).
        validity: Option<String>,
        /// Gateway key that signs new tokens: `primary` (default) or `secondary`.
        key_type: Option<KeyType>,
        /// Azure Resource Manager endpoint; `https://management.azure.com` by default.
        arm_endpoint: Option<String>,
        /// Image holding the `shgw` binary. Required.
        image: Option<ImageRef>,
        /// A ValidatingAdmissionPolicy and its binding (Kubernetes 1.30 and later; cluster
        /// scoped) that let the renewer's ServiceAccount change nothing on the Deployment but
        /// the pod template's `shgw.dev/token-fingerprint`, and nothing on the Secret but the
        /// token and annotations. Off by default: older clusters reject the kind.
        admission_policy: Option<AdmissionPolicyConfig>,
    }
);

section!(
    /// `spec.auth.token.renewal.admissionPolicy`.
    AdmissionPolicyConfig {
        /// Render the policy and its binding.
        enabled: Option<bool>,
    }
);

section!(
    /// A pinned container image for a helper container (the token renewer, the metrics sidecar).
    ImageRef {
        /// Repository.
        repository: Option<String>,
        /// Tag.
        tag: Option<String>,
        /// Digest (`sha256:` and 64 hex digits).
        digest: Option<String>,
    }
);

section!(
    /// A client certificate in a Secret, mounted read-only into the gateway.
    CertificateRef {
        /// Secret name.
        secret_name: Option<String>,
        /// Key in the Secret; `certificate.pfx` by default.
        key: Option<String>,
    }
);

section!(
    /// A reference to one key of a Secret.
    SecretKeyRef {
        /// Secret name.
        secret_name: Option<String>,
        /// Key in the Secret.
        secret_key: Option<String>,
    }
);

section!(
    /// Microsoft Entra application credentials.
    EntraAppAuth {
        /// Directory (tenant) ID.
        tenant_id: Option<String>,
        /// Application (client) ID.
        client_id: Option<String>,
        /// The client secret, only ever through a Secret (or use `clientCertificate`).
        client_secret: Option<SecretKeyRef>,
        /// A client certificate from a Secret (or use `clientSecret`).
        client_certificate: Option<CertificateRef>,
        /// Entra authority; `https://login.microsoftonline.com` by default.
        authority: Option<String>,
        /// Token audience; `https://azure-api.net/configuration` by default.
        token_audience: Option<String>,
    }
);

section!(
    /// Azure workload identity.
    WorkloadIdentityAuth {
        /// Client ID of the federated identity.
        client_id: Option<String>,
        /// ServiceAccount to create and run as; `<name>` by default.
        service_account_name: Option<String>,
    }
);

choice!(
    /// When the kubelet pulls the image.
    PullPolicy { Always = "Always", IfNotPresent = "IfNotPresent", Never = "Never" }
);

section!(
    /// The gateway container image.
    Image {
        /// Repository; `mcr.microsoft.com/azure-api-management/gateway` by default.
        repository: Option<String>,
        /// Tag, an exact version such as `2.12.1` in production.
        tag: Option<String>,
        /// Digest (`sha256:` and 64 hex digits); pins the image exactly.
        digest: Option<String>,
        /// Pull policy; `IfNotPresent` by default.
        pull_policy: Option<PullPolicy>,
        /// Names of image pull Secrets.
        pull_secrets: Vec<String>,
    }
);

section!(
    /// A HorizontalPodAutoscaler on CPU (and optionally memory) utilisation.
    Autoscaling {
        /// Lowest replica count.
        min_replicas: Option<i32>,
        /// Highest replica count.
        max_replicas: Option<i32>,
        /// Target average CPU utilisation in percent of requests; 70 by default.
        cpu_utilization: Option<i32>,
        /// Target average memory utilisation in percent of requests.
        memory_utilization: Option<i32>,
    }
);

section!(
    /// Rolling-update limits.
    Rollout {
        /// Pods that may be unavailable during a rollout; 0 by default.
        max_unavailable: Option<IntOrPercent>,
        /// Extra pods during a rollout; 25% by default.
        max_surge: Option<IntOrPercent>,
    }
);

section!(
    /// Quantities of one kind (requests or limits).
    ResourceList {
        /// CPU cores (`2`, `500m`).
        cpu: Option<Quantity>,
        /// Memory (`2Gi`).
        memory: Option<Quantity>,
        /// Ephemeral storage (`1Gi`).
        ephemeral_storage: Option<Quantity>,
    }
);

section!(
    /// Container resource requests and limits.
    Resources {
        /// Requests.
        requests: Option<ResourceList>,
        /// Limits.
        limits: Option<ResourceList>,
    }
);

choice!(
    /// Pod DNS policy.
    DnsPolicy {
        ClusterFirst = "ClusterFirst",
        ClusterFirstWithHostNet = "ClusterFirstWithHostNet",
        Default = "Default",
        None = "None",
    }
);

/// A static `/etc/hosts` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HostAlias {
    /// IP address.
    pub ip: String,
    /// Host names for it.
    pub hostnames: Vec<String>,
}

section!(
    /// DNS settings of the pod.
    Dns {
        /// `ClusterFirst` (default), `Default`, `ClusterFirstWithHostNet` or `None`.
        policy: Option<DnsPolicy>,
        /// Extra name servers (required with policy `None`).
        nameservers: Vec<String>,
        /// Extra search domains.
        searches: Vec<String>,
        /// Resolver options, such as `ndots: "2"`; a null value sets a flag option.
        options: BTreeMap<String, Option<String>>,
        /// Static host entries, e.g. for a private configuration endpoint.
        host_aliases: Vec<HostAlias>,
    }
);

choice!(
    /// Kubernetes Service type.
    ServiceType { ClusterIP = "ClusterIP", NodePort = "NodePort", LoadBalancer = "LoadBalancer" }
);

choice!(
    /// Service external traffic policy.
    TrafficPolicy { Local = "Local", Cluster = "Cluster" }
);

section!(
    /// The `<name>-live-traffic` Service.
    ServiceConfig {
        /// Service type; `LoadBalancer` by default.
        #[serde(rename = "type")]
        kind: Option<ServiceType>,
        /// `Local` keeps client IPs; only used with `LoadBalancer` and `NodePort`.
        external_traffic_policy: Option<TrafficPolicy>,
        /// Port for HTTP; 80 by default.
        http_port: Option<i32>,
        /// Port for HTTPS; 443 by default.
        https_port: Option<i32>,
        /// Service annotations (e.g. an internal load balancer).
        annotations: BTreeMap<String, String>,
        /// CIDRs allowed to reach a load balancer.
        load_balancer_source_ranges: Vec<String>,
    }
);

choice!(
    /// Volume access mode for the backup claim.
    AccessMode {
        ReadWriteOnce = "ReadWriteOnce",
        ReadWriteMany = "ReadWriteMany",
        ReadWriteOncePod = "ReadWriteOncePod",
    }
);

section!(
    /// Configuration backup: a writable volume at `/apim/config`.
    Backup {
        /// Turn the backup on.
        enabled: Option<bool>,
        /// Claim size; `50Mi` by default.
        size: Option<Quantity>,
        /// Access mode; `ReadWriteMany` by default (shared by every replica).
        access_mode: Option<AccessMode>,
        /// Storage class. Absent, the cluster's default decides, which on AKS, EKS and GKE
        /// offers only `ReadWriteOnce`: production and openshift then refuse a `ReadWriteMany`
        /// claim. Name one that offers `ReadWriteMany` (`azurefile-csi` on AKS).
        storage_class_name: Option<String>,
        /// Use this existing claim instead of creating one.
        existing_claim: Option<String>,
    }
);

section!(
    /// PodDisruptionBudget limits: one of `maxUnavailable` or `minAvailable`.
    DisruptionBudget {
        /// Pods that may be evicted at once.
        max_unavailable: Option<IntOrPercent>,
        /// Pods that must stay up.
        min_available: Option<IntOrPercent>,
    }
);

choice!(
    /// Spread pods across zones or nodes.
    TopologySpread { Zone = "zone", Hostname = "hostname", None = "none" }
);

choice!(
    /// Keep pods off each other's node.
    AntiAffinity { Preferred = "preferred", Required = "required", None = "none" }
);

section!(
    /// High-availability scheduling.
    HighAvailability {
        /// A PodDisruptionBudget.
        pod_disruption_budget: Option<DisruptionBudget>,
        /// Topology spread: `zone`, `hostname` or `none`.
        topology_spread: Option<TopologySpread>,
        /// Pod anti-affinity on the node: `preferred`, `required` or `none`.
        anti_affinity: Option<AntiAffinity>,
    }
);

section!(
    /// A NetworkPolicy for the gateway pods.
    NetworkPolicyConfig {
        /// Create it.
        enabled: Option<bool>,
        /// CIDRs allowed to send API traffic; everyone when empty.
        allowed_cidrs: Vec<String>,
    }
);

choice!(
    /// Standard-output log format.
    LogFormat { None = "none", Text = "text", Json = "json" }
);

choice!(
    /// Log level.
    LogLevel { All = "all", Debug = "debug", Info = "info", Warn = "warn", Error = "error", Fatal = "fatal" }
);

choice!(
    /// Where local logs go (`telemetry.logs.local`).
    LocalLogType {
        None = "none",
        Auto = "auto",
        LocalSyslog = "localsyslog",
        Rfc5424 = "rfc5424",
        Journal = "journal",
        Json = "json",
    }
);

section!(
    /// Local logs, besides standard output (`telemetry.logs.local.*`).
    LocalLogs {
        /// `none`, `auto` (the gateway's default), `rfc5424` or `json`; `localsyslog` and
        /// `journal` write to a node socket the pod does not have and are refused.
        #[serde(rename = "type")]
        kind: Option<LocalLogType>,
        /// The `host:port` of a collector that receives the logs (UDP for json); a loopback
        /// address or a file is a warning, since nothing in the pod reads them.
        endpoint: Option<String>,
        /// Syslog facility, 0 to 23 (`localsyslog` and `rfc5424` only).
        facility: Option<u8>,
    }
);

section!(
    /// Logs.
    Logs {
        /// `text` (default), `json` or `none`.
        std: Option<LogFormat>,
        /// `info` by default.
        level: Option<LogLevel>,
        /// Coloured logs.
        color: Option<bool>,
        /// Local logs besides standard output, to a collector (rfc5424 syslog, UDP JSON).
        local: Option<LocalLogs>,
    }
);

choice!(
    /// StatsD tag format.
    TagFormat { Librato = "librato", DogStatsD = "dogStatsD", InfluxDb = "influxDB" }
);

section!(
    /// Local metrics to a StatsD server.
    Statsd {
        /// `host:port` of the StatsD server (UDP).
        endpoint: Option<String>,
        /// Sampling rate, 0 to 1.
        sampling: Option<f64>,
        /// Tag format; `dogStatsD` by default.
        tag_format: Option<TagFormat>,
    }
);

section!(
    /// Metrics pushed to an OpenTelemetry collector.
    OpenTelemetry {
        /// Collector URI, e.g. `http://otel-collector:4317`.
        collector_uri: Option<String>,
        /// Also send CPU, memory and GC metrics.
        system_metrics: Option<bool>,
    }
);

section!(
    /// Metrics.
    Metrics {
        /// Send metrics to Azure Monitor; true by default.
        cloud: Option<bool>,
        /// Local StatsD metrics.
        statsd: Option<Statsd>,
        /// OpenTelemetry metrics.
        open_telemetry: Option<OpenTelemetry>,
        /// Metrics Prometheus scrapes, through a `statsd-exporter` sidecar.
        prometheus: Option<Prometheus>,
    }
);

section!(
    /// A `statsd-exporter` sidecar that turns the gateway's StatsD metrics into a Prometheus
    /// endpoint.
    Prometheus {
        /// Turn it on.
        enabled: Option<bool>,
        /// The exporter image (a mirror, say); a pinned `prom/statsd-exporter` by default.
        image: Option<ImageRef>,
        /// Metrics port; 9102 by default.
        port: Option<i32>,
        /// Render a `monitoring.coreos.com/v1` PodMonitor instead of `prometheus.io/*` annotations.
        pod_monitor: Option<bool>,
    }
);

section!(
    /// A CA certificate the gateway trusts, from one key of a ConfigMap or a Secret.
    CaCertificate {
        /// ConfigMap holding it (or use `secret`).
        config_map: Option<String>,
        /// Secret holding it (or use `configMap`).
        secret: Option<String>,
        /// Key of the PEM certificate. Required.
        key: Option<String>,
    }
);

section!(
    /// Prometheus alerting rules on the kube-state-metrics series (a `monitoring.coreos.com/v1`
    /// PrometheusRule).
    Alerts {
        /// Render the PrometheusRule.
        enabled: Option<bool>,
        /// Where each alert's runbook is: the alert's name in lower case is appended, after `#`
        /// (or, when the URL ends with `/`, as the last path segment). The README's Alerts
        /// section by default.
        runbook_base_url: Option<String>,
        /// Extra labels on the PrometheusRule object, such as the ones your Prometheus's
        /// `ruleSelector` matches.
        labels: BTreeMap<String, String>,
    }
);

section!(
    /// Logs, metrics and alerts.
    Telemetry {
        /// Standard-output logs.
        logs: Option<Logs>,
        /// Metrics.
        metrics: Option<Metrics>,
        /// Prometheus alerts.
        alerts: Option<Alerts>,
    }
);

section!(
    /// Outbound proxy (`HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`).
    Proxy {
        /// Proxy for HTTP.
        http: Option<String>,
        /// Proxy for HTTPS.
        https: Option<String>,
        /// Hosts that bypass the proxy.
        no_proxy: Vec<String>,
    }
);

section!(
    /// The user and groups the gateway runs as.
    SecurityContext {
        /// UID; 1001 (the image's user) by default.
        run_as_user: Option<i64>,
        /// GID; 1001 by default.
        run_as_group: Option<i64>,
        /// Volume group; 1001 by default (the backup path must belong to GID 1001).
        fs_group: Option<i64>,
    }
);

/// A pod toleration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Toleration {
    /// Taint key (empty with `Exists` matches every taint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `Equal` or `Exists`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// Taint value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
    /// How long a `NoExecute` taint is tolerated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

section!(
    /// Pod-level settings.
    PodConfig {
        /// Pod annotations.
        annotations: BTreeMap<String, String>,
        /// Extra pod labels (not part of the selector).
        labels: BTreeMap<String, String>,
        /// Node selector.
        node_selector: BTreeMap<String, String>,
        /// Tolerations.
        tolerations: Vec<Toleration>,
        /// Priority class.
        priority_class_name: Option<String>,
        /// Seconds to drain connections on shutdown; 60 by default.
        termination_grace_period_seconds: Option<i64>,
    }
);

section!(
    /// What a gateway deployed by other means is called, so that `kubectl apply` of the render
    /// updates its objects in place instead of creating a second gateway next to them. Every
    /// field is optional; an absent one keeps shgw's own name.
    Adoption {
        /// The Deployment's name; `<name>` by default. Also names the PodDisruptionBudget,
        /// HorizontalPodAutoscaler and NetworkPolicy.
        deployment: Option<String>,
        /// The Deployment's `spec.selector.matchLabels`, which Kubernetes never lets change: it
        /// replaces shgw's selector (`app.kubernetes.io/name` and `instance`) in the Deployment,
        /// both Services, the budget, the policy and the spreading rules, and every pod carries
        /// it, so old and new pods serve during the rollout.
        selector: BTreeMap<String, String>,
        /// The gateway container's name; `gateway` by default.
        container: Option<String>,
        /// The settings ConfigMap; `<name>-env` by default.
        config_map: Option<String>,
        /// The live-traffic Service (keeps its load-balancer address); `<name>-live-traffic` by
        /// default.
        live_traffic_service: Option<String>,
        /// The headless discovery Service, also written to `neighborhood.host`;
        /// `<name>-instance-discovery` by default.
        discovery_service: Option<String>,
        /// The pod volume holding the backup claim; `config-backup` by default.
        backup_volume: Option<String>,
    }
);

choice!(
    /// A Pod Security Standards level, enforced by Kubernetes' Pod Security admission.
    PodSecurityLevel {
        /// Every pod shgw renders meets it (non-root, no privilege escalation, all
        /// capabilities dropped, seccomp `RuntimeDefault`, only ConfigMap, Secret, emptyDir
        /// and claim volumes).
        Restricted = "restricted",
        /// Blocks known privilege escalations only.
        Baseline = "baseline",
        /// No restriction.
        Privileged = "privileged",
        /// No Pod Security label: the cluster's default applies.
        Unset = "none",
    }
);

section!(
    /// `spec.namespace`: the Namespace object, for deployments that own their namespace (an
    /// Argo CD or Flux application that creates it, prunes it and labels it).
    NamespaceConfig {
        /// Render the Namespace named by `metadata.namespace`, first in the output so that
        /// `kubectl apply` creates it before what goes in it. Off by default.
        create: Option<bool>,
        /// The Pod Security level enforced on the namespace (labels
        /// `pod-security.kubernetes.io/enforce`, `audit` and `warn`); `restricted` by default,
        /// which every pod shgw renders meets.
        pod_security: Option<PodSecurityLevel>,
        /// More labels on the Namespace (the Gateway's `metadata.labels` are there too).
        labels: BTreeMap<String, String>,
        /// More annotations on the Namespace.
        annotations: BTreeMap<String, String>,
    }
);
