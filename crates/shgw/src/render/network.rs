//! The live-traffic Service, the headless discovery Service and the NetworkPolicy.

use super::{meta, selector};
use crate::defaults as d;
use crate::resolve::Plan;
use crate::spec::ServiceType;
use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort,
    NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

fn service_port(name: &str, port: i32, target: &str, protocol: &str) -> ServicePort {
    ServicePort {
        name: Some(name.into()),
        port,
        target_port: Some(IntOrString::String(target.into())),
        protocol: Some(protocol.into()),
        ..Default::default()
    }
}

/// Service `<name>-live-traffic`: HTTP and HTTPS to the gateway pods.
pub(crate) fn live_traffic(r: &Plan) -> Service {
    let mut metadata = meta(r, r.names.live_traffic.clone());
    if !r.service_annotations.is_empty() {
        metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .extend(r.service_annotations.clone());
    }
    Service {
        metadata,
        spec: Some(ServiceSpec {
            type_: Some(r.service_type.as_str().into()),
            external_traffic_policy: r.external_traffic_policy.map(|p| p.as_str().into()),
            load_balancer_source_ranges: (!r.source_ranges.is_empty()
                && r.service_type == ServiceType::LoadBalancer)
                .then(|| r.source_ranges.clone()),
            selector: Some(r.selector.clone()),
            ports: Some(vec![
                service_port("http", r.http_port, "http", "TCP"),
                service_port("https", r.https_port, "https", "TCP"),
            ]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Headless Service `<name>-instance-discovery`: lets instances find each other to share
/// rate-limit counters (UDP 4290) and heartbeats (UDP 4291).
pub(crate) fn instance_discovery(r: &Plan) -> Service {
    let mut metadata = meta(r, r.names.discovery.clone());
    metadata
        .annotations
        .get_or_insert_with(BTreeMap::new)
        .insert(
            "azure.apim.kubernetes.io/notes".into(),
            "Headless service being used for instance discovery of self-hosted gateway".into(),
        );
    Service {
        metadata,
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".into()),
            cluster_ip: Some("None".into()),
            selector: Some(r.selector.clone()),
            ports: Some(vec![
                service_port(
                    "rate-limit-discovery",
                    d::RATE_LIMIT_SYNC_PORT,
                    "rate-limit-dc",
                    "UDP",
                ),
                service_port(
                    "discovery-heartbeat",
                    d::HEARTBEAT_PORT,
                    "dc-heartbeat",
                    "UDP",
                ),
            ]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn np_port(port: i32, protocol: &str) -> NetworkPolicyPort {
    NetworkPolicyPort {
        port: Some(IntOrString::Int(port)),
        protocol: Some(protocol.into()),
        ..Default::default()
    }
}

/// Prometheus may scrape the metrics sidecar from any namespace.
fn scrape_rule(r: &Plan) -> Option<NetworkPolicyIngressRule> {
    let p = r.prometheus.as_ref()?;
    Some(NetworkPolicyIngressRule {
        from: Some(vec![NetworkPolicyPeer {
            namespace_selector: Some(LabelSelector::default()),
            ..Default::default()
        }]),
        ports: Some(vec![np_port(p.port, "TCP")]),
    })
}

/// NetworkPolicy `<name>`: API traffic from anywhere (or the allowed CIDRs), instance sync only
/// from the gateway's own pods. Egress stays open: backends can be anywhere on any port.
pub(crate) fn network_policy(r: &Plan) -> Option<NetworkPolicy> {
    let cidrs = r.network_policy.as_ref()?;
    let from = (!cidrs.is_empty()).then(|| {
        cidrs
            .iter()
            .map(|c| NetworkPolicyPeer {
                ip_block: Some(IPBlock {
                    cidr: c.clone(),
                    except: None,
                }),
                ..Default::default()
            })
            .collect()
    });
    Some(NetworkPolicy {
        metadata: meta(r, r.names.deployment.clone()),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(selector(r)),
            policy_types: Some(vec!["Ingress".into()]),
            ingress: Some(
                vec![
                    NetworkPolicyIngressRule {
                        from,
                        ports: Some(vec![
                            np_port(d::HTTP_CONTAINER_PORT, "TCP"),
                            np_port(d::HTTPS_CONTAINER_PORT, "TCP"),
                        ]),
                    },
                    NetworkPolicyIngressRule {
                        from: Some(vec![NetworkPolicyPeer {
                            pod_selector: Some(LabelSelector {
                                match_labels: Some(r.selector.clone()),
                                ..Default::default()
                            }),
                            ..Default::default()
                        }]),
                        ports: Some(vec![
                            np_port(d::RATE_LIMIT_SYNC_PORT, "UDP"),
                            np_port(d::HEARTBEAT_PORT, "UDP"),
                        ]),
                    },
                ]
                .into_iter()
                .chain(scrape_rule(r))
                .collect(),
            ),
            ..Default::default()
        }),
    })
}
