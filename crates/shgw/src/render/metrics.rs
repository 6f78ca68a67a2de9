//! Local metrics Prometheus scrapes: a `statsd-exporter` sidecar that the gateway sends StatsD
//! to over loopback, its mapping file, and a PodMonitor or scrape annotations.

use super::{meta, selector};
use crate::defaults as d;
use crate::resolve::{Plan, PrometheusPlan};
use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, Container, ContainerPort, HTTPGetAction, Probe,
    ResourceRequirements, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;
use std::collections::BTreeMap;

/// The mapping from the gateway's StatsD metrics to Prometheus metrics.
pub(crate) const MAPPING: &str = include_str!("../../assets/statsd-mapping.yaml");
const MAPPING_KEY: &str = "mapping.yaml";
const MAPPING_VOLUME: &str = "statsd-mapping";
const MAPPING_DIR: &str = "/etc/statsd-exporter";
/// Name of the metrics port, on the sidecar and in the PodMonitor.
pub(crate) const METRICS_PORT_NAME: &str = "metrics";

/// ConfigMap `<name>-statsd-mapping`.
pub(crate) fn mapping_config_map(r: &Plan) -> Option<ConfigMap> {
    r.prometheus.as_ref()?;
    Some(ConfigMap {
        metadata: meta(r, mapping_name(r)),
        data: Some(BTreeMap::from([(
            MAPPING_KEY.to_owned(),
            MAPPING.to_owned(),
        )])),
        ..Default::default()
    })
}

fn mapping_name(r: &Plan) -> String {
    format!("{}-statsd-mapping", r.name)
}

fn probe(port: i32, period: i32, failures: i32) -> Probe {
    Probe {
        http_get: Some(HTTPGetAction {
            path: Some("/metrics".into()),
            port: IntOrString::Int(port),
            scheme: Some("HTTP".into()),
            ..Default::default()
        }),
        period_seconds: Some(period),
        timeout_seconds: Some(2),
        failure_threshold: Some(failures),
        success_threshold: Some(1),
        ..Default::default()
    }
}

fn quantities(cpu: &str, memory: &str) -> Option<BTreeMap<String, Quantity>> {
    Some(BTreeMap::from([
        ("cpu".to_owned(), Quantity(cpu.into())),
        ("memory".to_owned(), Quantity(memory.into())),
    ]))
}

/// The `statsd-exporter` sidecar, hardened like the gateway and with a read-only root.
pub(crate) fn sidecar(r: &Plan) -> Option<Container> {
    let p = r.prometheus.as_ref()?;
    Some(Container {
        name: "statsd-exporter".into(),
        image: Some(p.image.clone()),
        image_pull_policy: Some("IfNotPresent".into()),
        args: Some(vec![
            format!(
                "--statsd.listen-udp=127.0.0.1:{}",
                d::STATSD_EXPORTER_UDP_PORT
            ),
            "--statsd.listen-tcp=".into(),
            format!("--statsd.mapping-config={MAPPING_DIR}/{MAPPING_KEY}"),
            format!("--web.listen-address=:{}", p.port),
            "--web.telemetry-path=/metrics".into(),
        ]),
        ports: Some(vec![ContainerPort {
            name: Some(METRICS_PORT_NAME.into()),
            container_port: p.port,
            protocol: Some("TCP".into()),
            ..Default::default()
        }]),
        readiness_probe: Some(probe(p.port, 10, 3)),
        liveness_probe: Some(probe(p.port, 20, 3)),
        resources: Some(ResourceRequirements {
            requests: quantities("50m", "64Mi"),
            limits: quantities("200m", "128Mi"),
            ..Default::default()
        }),
        security_context: Some(super::hardened(r.run_as_user, r.run_as_group, true)),
        volume_mounts: Some(vec![VolumeMount {
            name: MAPPING_VOLUME.into(),
            mount_path: MAPPING_DIR.into(),
            read_only: Some(true),
            ..Default::default()
        }]),
        ..Default::default()
    })
}

/// The volume holding the mapping file.
pub(crate) fn mapping_volume(r: &Plan) -> Option<Volume> {
    r.prometheus.as_ref()?;
    Some(Volume {
        name: MAPPING_VOLUME.into(),
        config_map: Some(ConfigMapVolumeSource {
            name: mapping_name(r),
            optional: Some(false),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// `prometheus.io/*` pod annotations, when no PodMonitor is rendered.
pub(crate) fn scrape_annotations(r: &Plan) -> BTreeMap<String, String> {
    match &r.prometheus {
        Some(PrometheusPlan {
            port,
            pod_monitor: false,
            ..
        }) => BTreeMap::from([
            ("prometheus.io/scrape".to_owned(), "true".to_owned()),
            ("prometheus.io/port".to_owned(), port.to_string()),
            ("prometheus.io/path".to_owned(), "/metrics".to_owned()),
        ]),
        _ => BTreeMap::new(),
    }
}

/// A Prometheus Operator `PodMonitor` (`monitoring.coreos.com/v1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMonitor {
    /// Always `monitoring.coreos.com/v1`.
    pub api_version: &'static str,
    /// Always `PodMonitor`.
    pub kind: &'static str,
    /// Name, namespace, labels.
    pub metadata: ObjectMeta,
    /// Which pods, and which port.
    pub spec: PodMonitorSpec,
}

impl k8s_openapi::Resource for PodMonitor {
    const API_VERSION: &'static str = "monitoring.coreos.com/v1";
    const GROUP: &'static str = "monitoring.coreos.com";
    const KIND: &'static str = "PodMonitor";
    const VERSION: &'static str = "v1";
    const URL_PATH_SEGMENT: &'static str = "podmonitors";
    type Scope = k8s_openapi::NamespaceResourceScope;
}

/// What a PodMonitor scrapes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMonitorSpec {
    /// The gateway's pods.
    pub selector: LabelSelector,
    /// The sidecar's metrics port.
    pub pod_metrics_endpoints: Vec<PodMetricsEndpoint>,
}

/// One scraped endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMetricsEndpoint {
    /// Port name.
    pub port: String,
    /// HTTP path.
    pub path: String,
    /// Scrape interval.
    pub interval: String,
}

/// PodMonitor `<name>`, when asked for.
pub(crate) fn pod_monitor(r: &Plan) -> Option<PodMonitor> {
    r.prometheus.as_ref().filter(|p| p.pod_monitor)?;
    Some(PodMonitor {
        api_version: <PodMonitor as k8s_openapi::Resource>::API_VERSION,
        kind: <PodMonitor as k8s_openapi::Resource>::KIND,
        metadata: meta(r, r.name.clone()),
        spec: PodMonitorSpec {
            selector: selector(r),
            pod_metrics_endpoints: vec![PodMetricsEndpoint {
                port: METRICS_PORT_NAME.into(),
                path: "/metrics".into(),
                interval: "30s".into(),
            }],
        },
    })
}
