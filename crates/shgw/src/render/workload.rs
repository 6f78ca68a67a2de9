//! The gateway Deployment.

use super::config::WI_USE_LABEL;
use super::{meta, selector};
use crate::defaults as d;
use crate::resolve::{AuthMode, CaSource, EntraCredential, Plan};
use crate::spec::{AntiAffinity, TopologySpread};
use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment,
};
use k8s_openapi::api::core::v1::{
    Affinity, ConfigMapEnvSource, ConfigMapVolumeSource, Container, ContainerPort,
    EmptyDirVolumeSource, EnvFromSource, EnvVar, EnvVarSource, HTTPGetAction, HostAlias, KeyToPath,
    LocalObjectReference, PersistentVolumeClaimVolumeSource, PodAffinityTerm, PodAntiAffinity,
    PodDNSConfig, PodDNSConfigOption, PodSecurityContext, PodSpec, PodTemplateSpec, Probe,
    ResourceRequirements, SeccompProfile, SecretKeySelector, SecretVolumeSource, Toleration,
    TopologySpreadConstraint, Volume, VolumeMount, WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

const ENTRA_CERTIFICATE_VOLUME: &str = "entra-certificate";
const DOTNET_ROOT_STORE_VOLUME: &str = "dotnet-root-store";

/// Volume name of the `i`-th CA certificate.
fn ca_volume(i: usize) -> String {
    format!("ca-certificate-{i}")
}

/// File name of a CA certificate under its mount: `update-ca-certificates` only takes `*.crt`.
fn ca_file(key: &str) -> String {
    if key.ends_with(".crt") {
        key.to_owned()
    } else {
        format!("{key}.crt")
    }
}
const CONFIG_HASH_ANNOTATION: &str = "shgw.dev/config-hash";

fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

fn non_empty_map<K, V>(m: BTreeMap<K, V>) -> Option<BTreeMap<K, V>> {
    (!m.is_empty()).then_some(m)
}

fn probe(period: i32, timeout: i32, failures: i32) -> Probe {
    Probe {
        http_get: Some(HTTPGetAction {
            path: Some(d::PROBE_PATH.into()),
            port: IntOrString::String("http".into()),
            scheme: Some("HTTP".into()),
            ..Default::default()
        }),
        period_seconds: Some(period),
        timeout_seconds: Some(timeout),
        failure_threshold: Some(failures),
        success_threshold: Some(1),
        ..Default::default()
    }
}

fn port(name: &str, port: i32, protocol: &str) -> ContainerPort {
    ContainerPort {
        name: Some(name.into()),
        container_port: port,
        protocol: Some(protocol.into()),
        ..Default::default()
    }
}

fn secret_env(name: &str, secret: &str, key: &str) -> EnvVar {
    EnvVar {
        name: name.into(),
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: secret.into(),
                key: key.into(),
                optional: Some(false),
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn env(r: &Plan) -> Vec<EnvVar> {
    let mut env = Vec::new();
    match &r.auth {
        AuthMode::Token {
            secret_name,
            secret_key,
            ..
        } => env.push(secret_env("config.service.auth", secret_name, secret_key)),
        AuthMode::EntraApp {
            credential:
                EntraCredential::Secret {
                    secret_name,
                    secret_key,
                },
            ..
        } => env.push(secret_env(
            "config.service.auth.azureAd.clientSecret",
            secret_name,
            secret_key,
        )),
        AuthMode::EntraApp { .. } | AuthMode::WorkloadIdentity { .. } => {}
    }
    let p = &r.proxy;
    for (name, v) in [
        ("HTTP_PROXY", p.http.clone()),
        ("HTTPS_PROXY", p.https.clone()),
        (
            "NO_PROXY",
            non_empty(p.no_proxy.clone()).map(|n| n.join(",")),
        ),
    ] {
        if let Some(value) = v {
            env.push(EnvVar {
                name: name.into(),
                value: Some(value),
                ..Default::default()
            });
        }
    }
    env
}

fn resources(r: &Plan) -> ResourceRequirements {
    let conv = |m: &BTreeMap<&'static str, crate::spec::Quantity>| {
        non_empty_map(
            m.iter()
                .map(|(k, v)| ((*k).to_owned(), Quantity(v.0.clone())))
                .collect(),
        )
    };
    ResourceRequirements {
        requests: conv(&r.requests),
        limits: conv(&r.limits),
        ..Default::default()
    }
}

/// The Entra client certificate Secret, when the application proves itself with one.
fn entra_certificate(r: &Plan) -> Option<(&str, &str)> {
    match &r.auth {
        AuthMode::EntraApp {
            credential: EntraCredential::Certificate { secret_name, key },
            ..
        } => Some((secret_name, key)),
        _ => None,
    }
}

fn volume_mounts(r: &Plan) -> Vec<VolumeMount> {
    let mut mounts = Vec::new();
    if r.backup.is_some() {
        mounts.push(VolumeMount {
            name: r.names.backup_volume.clone(),
            mount_path: d::BACKUP_PATH.into(),
            ..Default::default()
        });
    }
    for (i, _) in r.ca_certificates.iter().enumerate() {
        mounts.push(VolumeMount {
            name: ca_volume(i),
            mount_path: format!("{}/{i}", d::CA_CERTIFICATES_DIR),
            read_only: Some(true),
            ..Default::default()
        });
    }
    if r.trust_local_ca {
        mounts.push(VolumeMount {
            name: DOTNET_ROOT_STORE_VOLUME.into(),
            mount_path: d::DOTNET_ROOT_STORE.into(),
            ..Default::default()
        });
    }
    if entra_certificate(r).is_some() {
        mounts.push(VolumeMount {
            name: ENTRA_CERTIFICATE_VOLUME.into(),
            mount_path: d::ENTRA_CERTIFICATE_DIR.into(),
            read_only: Some(true),
            ..Default::default()
        });
    }
    mounts
}

/// One CA certificate as a read-only volume holding only its key, as `<key>.crt`.
fn ca_certificate_volume(i: usize, ca: &CaSource) -> Volume {
    let item = |key: &str| {
        Some(vec![KeyToPath {
            key: key.into(),
            path: ca_file(key),
            mode: None,
        }])
    };
    let mut volume = Volume {
        name: ca_volume(i),
        ..Default::default()
    };
    match ca {
        CaSource::ConfigMap { name, key } => {
            volume.config_map = Some(ConfigMapVolumeSource {
                name: name.clone(),
                items: item(key),
                optional: Some(false),
                ..Default::default()
            });
        }
        CaSource::Secret { name, key } => {
            volume.secret = Some(SecretVolumeSource {
                secret_name: Some(name.clone()),
                items: item(key),
                optional: Some(false),
                ..Default::default()
            });
        }
    }
    volume
}

fn volumes(r: &Plan) -> Vec<Volume> {
    let mut volumes = Vec::new();
    if let Some(b) = &r.backup {
        volumes.push(Volume {
            name: r.names.backup_volume.clone(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: b.claim_name.clone(),
                read_only: None,
            }),
            ..Default::default()
        });
    }
    for (i, ca) in r.ca_certificates.iter().enumerate() {
        volumes.push(ca_certificate_volume(i, ca));
    }
    if r.trust_local_ca {
        volumes.push(Volume {
            name: DOTNET_ROOT_STORE_VOLUME.into(),
            empty_dir: Some(EmptyDirVolumeSource {
                size_limit: Some(Quantity("16Mi".into())),
                ..Default::default()
            }),
            ..Default::default()
        });
    }
    volumes.extend(super::metrics::mapping_volume(r));
    if let Some((secret, key)) = entra_certificate(r) {
        volumes.push(Volume {
            name: ENTRA_CERTIFICATE_VOLUME.into(),
            secret: Some(SecretVolumeSource {
                secret_name: Some(secret.into()),
                items: Some(vec![KeyToPath {
                    key: key.into(),
                    path: key.into(),
                    mode: None,
                }]),
                default_mode: Some(0o440),
                optional: Some(false),
            }),
            ..Default::default()
        });
    }
    volumes
}

fn container(r: &Plan) -> Container {
    Container {
        name: r.names.container.clone(),
        image: Some(r.image.clone()),
        image_pull_policy: Some(r.pull_policy.as_str().into()),
        ports: Some(vec![
            port("http", d::HTTP_CONTAINER_PORT, "TCP"),
            port("https", d::HTTPS_CONTAINER_PORT, "TCP"),
            port("rate-limit-dc", d::RATE_LIMIT_SYNC_PORT, "UDP"),
            port("dc-heartbeat", d::HEARTBEAT_PORT, "UDP"),
        ]),
        env: non_empty(env(r)),
        env_from: Some(vec![EnvFromSource {
            config_map_ref: Some(ConfigMapEnvSource {
                name: r.names.config_map.clone(),
                optional: Some(false),
            }),
            ..Default::default()
        }]),
        readiness_probe: Some(probe(5, 1, 3)),
        liveness_probe: Some(probe(10, 5, 6)),
        startup_probe: Some(probe(5, 1, 60)),
        resources: Some(resources(r)),
        // The gateway writes a CA bundle under /etc/ssl/certs at start: no read-only root.
        security_context: Some(super::hardened(r.run_as_user, r.run_as_group, false)),
        volume_mounts: non_empty(volume_mounts(r)),
        ..Default::default()
    }
}

fn dns(r: &Plan) -> (Option<PodDNSConfig>, Option<Vec<HostAlias>>) {
    let dns = &r.dns;
    let config = PodDNSConfig {
        nameservers: non_empty(dns.nameservers.clone()),
        searches: non_empty(dns.searches.clone()),
        options: non_empty(
            dns.options
                .iter()
                .map(|(k, v)| PodDNSConfigOption {
                    name: Some(k.clone()),
                    value: v.clone(),
                })
                .collect(),
        ),
    };
    let has_config =
        config.nameservers.is_some() || config.searches.is_some() || config.options.is_some();
    let aliases = non_empty(
        dns.host_aliases
            .iter()
            .map(|h| HostAlias {
                ip: h.ip.clone(),
                hostnames: Some(h.hostnames.clone()),
            })
            .collect(),
    );
    (has_config.then_some(config), aliases)
}

fn scheduling(r: &Plan) -> (Option<Affinity>, Option<Vec<TopologySpreadConstraint>>) {
    let term = PodAffinityTerm {
        label_selector: Some(selector(r)),
        topology_key: "kubernetes.io/hostname".into(),
        ..Default::default()
    };
    let anti = match r.anti_affinity {
        AntiAffinity::None => None,
        AntiAffinity::Preferred => Some(PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                WeightedPodAffinityTerm {
                    weight: 100,
                    pod_affinity_term: term,
                },
            ]),
            ..Default::default()
        }),
        AntiAffinity::Required => Some(PodAntiAffinity {
            required_during_scheduling_ignored_during_execution: Some(vec![term]),
            ..Default::default()
        }),
    };
    let key = match r.topology_spread {
        TopologySpread::None => None,
        TopologySpread::Zone => Some("topology.kubernetes.io/zone"),
        TopologySpread::Hostname => Some("kubernetes.io/hostname"),
    };
    let spread = key.map(|k| {
        vec![TopologySpreadConstraint {
            max_skew: 1,
            topology_key: k.into(),
            when_unsatisfiable: "ScheduleAnyway".into(),
            label_selector: Some(selector(r)),
            match_label_keys: Some(vec!["pod-template-hash".into()]),
            ..Default::default()
        }]
    });
    let affinity = anti.map(|a| Affinity {
        pod_anti_affinity: Some(a),
        ..Default::default()
    });
    (affinity, spread)
}

/// Deployment `<name>`. `config_hash` rolls the pods whenever the settings change.
pub(crate) fn deployment(
    r: &Plan,
    config_hash: &str,
    token_fingerprint: Option<String>,
    annotations: BTreeMap<String, String>,
) -> Deployment {
    let mut pod_labels = r.pod.labels.clone();
    pod_labels.extend(r.labels.clone());
    if matches!(r.auth, AuthMode::WorkloadIdentity { .. }) {
        pod_labels.insert(WI_USE_LABEL.into(), "true".into());
    }
    let mut pod_annotations = r.pod.annotations.clone();
    pod_annotations.insert(CONFIG_HASH_ANNOTATION.into(), config_hash.into());
    if let Some(f) = token_fingerprint {
        pod_annotations.insert(d::TOKEN_FINGERPRINT_ANNOTATION.into(), f);
    }
    let (dns_config, host_aliases) = dns(r);
    let (affinity, spread) = scheduling(r);
    let service_account = match &r.auth {
        AuthMode::WorkloadIdentity {
            service_account, ..
        } => Some(service_account.clone()),
        _ => None,
    };
    pod_annotations.extend(super::metrics::scrape_annotations(r));
    let mut containers = vec![container(r)];
    containers.extend(super::metrics::sidecar(r));
    if containers.len() > 1 {
        // With a sidecar, `kubectl logs|exec|attach` without `-c` go to the gateway (a
        // value the user set on the pod stays).
        pod_annotations
            .entry(d::DEFAULT_CONTAINER_ANNOTATION.into())
            .or_insert_with(|| r.names.container.clone());
    }
    let pod = PodSpec {
        containers,
        service_account_name: service_account,
        automount_service_account_token: Some(false),
        image_pull_secrets: non_empty(
            r.pull_secrets
                .iter()
                .map(|n| LocalObjectReference { name: n.clone() })
                .collect(),
        ),
        security_context: Some(PodSecurityContext {
            run_as_non_root: Some(true),
            run_as_user: r.run_as_user,
            run_as_group: r.run_as_group,
            fs_group: r.fs_group,
            fs_group_change_policy: r.backup.as_ref().map(|_| "OnRootMismatch".into()),
            seccomp_profile: Some(SeccompProfile {
                type_: "RuntimeDefault".into(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        dns_policy: r.dns.policy.map(|p| p.as_str().into()),
        dns_config,
        host_aliases,
        affinity,
        topology_spread_constraints: spread,
        node_selector: non_empty_map(r.pod.node_selector.clone()),
        tolerations: non_empty(
            r.pod
                .tolerations
                .iter()
                .map(|t| Toleration {
                    key: t.key.clone(),
                    operator: t.operator.clone(),
                    value: t.value.clone(),
                    effect: t.effect.clone(),
                    toleration_seconds: t.toleration_seconds,
                })
                .collect(),
        ),
        priority_class_name: r.pod.priority_class_name.clone(),
        termination_grace_period_seconds: Some(r.termination_grace_period_seconds),
        volumes: non_empty(volumes(r)),
        ..Default::default()
    };
    let mut metadata = meta(r, r.names.deployment.clone());
    if !annotations.is_empty() {
        metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .extend(annotations);
    }
    Deployment {
        metadata,
        spec: Some(DeploymentSpec {
            replicas: r.replicas,
            selector: selector(r),
            strategy: Some(DeploymentStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_unavailable: Some(r.max_unavailable.to_k8s()),
                    max_surge: Some(r.max_surge.to_k8s()),
                }),
            }),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(pod_labels),
                    annotations: Some(pod_annotations),
                    ..Default::default()
                }),
                spec: Some(pod),
            },
            ..Default::default()
        }),
        ..Default::default()
    }
}
