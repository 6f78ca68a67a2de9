//! The merged Gateway with every default filled in, as named plans: what the renderer reads.

use crate::cron::Schedule;
use crate::defaults as d;
use crate::duration::parse_duration;
use crate::profile::Platform;
use crate::spec::*;
use jiff::SignedDuration;
use std::collections::BTreeMap;

/// How the gateway authenticates, with every name decided.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AuthMode {
    /// `config.service.auth` from a Secret holding `GatewayKey ...`.
    Token {
        /// Secret name.
        secret_name: String,
        /// Key in the Secret.
        secret_key: String,
        /// The in-cluster renewer, when asked for.
        renewal: Option<RenewalPlan>,
    },
    /// `azureAdApp` with a client secret or certificate from a Secret.
    EntraApp {
        /// Tenant.
        tenant_id: String,
        /// Client.
        client_id: String,
        /// The application's credential.
        credential: EntraCredential,
        /// Authority override.
        authority: Option<String>,
        /// Audience override.
        token_audience: Option<String>,
    },
    /// `workloadIdentity` through a ServiceAccount.
    WorkloadIdentity {
        /// Client ID annotated on the ServiceAccount.
        client_id: String,
        /// The ServiceAccount.
        service_account: String,
    },
}

/// How an Entra application proves itself.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EntraCredential {
    /// A client secret passed as `config.service.auth.azureAd.clientSecret`.
    Secret {
        /// Secret name.
        secret_name: String,
        /// Key in that Secret.
        secret_key: String,
    },
    /// A client certificate mounted read-only, passed as `azureAd.certificatePath`.
    Certificate {
        /// Secret name.
        secret_name: String,
        /// Key in that Secret (the file name under the mount).
        key: String,
    },
}

/// The token renewer: a CronJob running `shgw token renew`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RenewalPlan {
    /// Subscription of the API Management service.
    pub subscription_id: String,
    /// Resource group.
    pub resource_group: String,
    /// API Management service name.
    pub service_name: String,
    /// Workload identity client ID.
    pub client_id: String,
    /// Workload identity tenant, when given.
    pub tenant_id: Option<String>,
    /// Cron schedule, in UTC.
    pub schedule: String,
    /// Renew when less than this is left (`10d`).
    pub renew_before: String,
    /// Validity of a new token (`29d`).
    pub validity: String,
    /// Signing key.
    pub key_type: KeyType,
    /// ARM endpoint.
    pub arm_endpoint: String,
    /// Full image reference.
    pub image: String,
    /// Whether the image is pinned by digest.
    pub pinned_by_digest: bool,
    /// Whether the renewer's ValidatingAdmissionPolicy is rendered.
    pub admission_policy: bool,
}

impl RenewalPlan {
    /// The longest time between two scheduled runs ([`Schedule::longest_gap`]); `None` when
    /// the schedule does not parse.
    pub fn longest_gap(&self) -> Option<SignedDuration> {
        Some(Schedule::parse(&self.schedule).ok()?.longest_gap())
    }

    /// How long the renewer may go without a success before the renewal alert fires: the
    /// smaller of twice the longest gap between its scheduled runs and `renewBefore` less one
    /// day, so that someone is paged while the current token still has at least a day left.
    /// `None` when the schedule or `renewBefore` does not parse (validation reports those).
    pub fn stale_after(&self) -> Option<SignedDuration> {
        let gap = self.longest_gap()?;
        let before = parse_duration(&self.renew_before).ok()?;
        Some((gap * 2).min(before - SignedDuration::from_hours(24)))
    }

    /// The longest healthy time between two successful renewals: the schedule's longest gap
    /// plus the longest a run may take. A staleness threshold must be above it.
    pub fn healthy_interval(&self) -> Option<SignedDuration> {
        let gap = self.longest_gap()?;
        Some(gap + SignedDuration::from_secs(d::RENEWER_ACTIVE_DEADLINE_SECONDS))
    }
}

/// The Namespace object, when the Gateway owns its namespace.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NamespacePlan {
    /// The level of the `pod-security.kubernetes.io/*` labels; none for no label.
    pub pod_security: Option<PodSecurityLevel>,
    /// Extra labels.
    pub labels: BTreeMap<String, String>,
    /// Extra annotations.
    pub annotations: BTreeMap<String, String>,
}

/// The Prometheus alerting rules.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AlertsPlan {
    /// Base of each alert's runbook link.
    pub runbook_base_url: String,
    /// Extra labels on the PrometheusRule.
    pub labels: BTreeMap<String, String>,
}

impl AlertsPlan {
    /// The runbook link of alert `name`: the base, then the name in lower case after `#` (or as
    /// a path segment when the base ends with `/`).
    pub fn runbook_url(&self, name: &str) -> String {
        let base = &self.runbook_base_url;
        let anchor = name.to_ascii_lowercase();
        if base.ends_with('/') {
            format!("{base}{anchor}")
        } else {
            format!("{base}#{anchor}")
        }
    }
}

/// Daily at a minute and hour derived from the name, so that a fleet's renewers do not all
/// call Azure at once.
fn default_schedule(name: &str) -> String {
    let h = name.bytes().fold(0u32, |acc, b| {
        acc.wrapping_mul(31).wrapping_add(u32::from(b))
    });
    format!("{} {} * * *", h % 60, (h / 60) % 24)
}

fn renewal_plan(name: &str, r: TokenRenewal) -> RenewalPlan {
    let image = r.image.unwrap_or_default();
    let image_ref = image_reference(
        image.repository.as_deref().unwrap_or_default(),
        image.tag.as_deref(),
        image.digest.as_deref(),
    );
    RenewalPlan {
        subscription_id: r.subscription_id.unwrap_or_default(),
        resource_group: r.resource_group.unwrap_or_default(),
        service_name: r.service_name.unwrap_or_default(),
        client_id: r.client_id.unwrap_or_default(),
        tenant_id: r.tenant_id,
        schedule: r.schedule.unwrap_or_else(|| default_schedule(name)),
        renew_before: r
            .renew_before
            .unwrap_or_else(|| crate::defaults::RENEW_BEFORE.into()),
        validity: r
            .validity
            .unwrap_or_else(|| crate::defaults::RENEWAL_VALIDITY.into()),
        key_type: r.key_type.unwrap_or(KeyType::Primary),
        arm_endpoint: r
            .arm_endpoint
            .unwrap_or_else(|| crate::defaults::ARM_ENDPOINT.into()),
        image: image_ref,
        pinned_by_digest: image.digest.is_some(),
        admission_policy: r.admission_policy.and_then(|a| a.enabled).unwrap_or(false),
    }
}

impl Plan {
    /// Whether shgw fixes UIDs and GIDs (Kubernetes), or the platform assigns them (OpenShift).
    pub fn fixed_ids(&self) -> bool {
        self.platform == Platform::Kubernetes
    }

    /// With token authentication: the Secret's name and key, and the renewer if any.
    pub fn token_secret(&self) -> Option<(&str, &str, Option<&RenewalPlan>)> {
        match &self.auth {
            AuthMode::Token {
                secret_name,
                secret_key,
                renewal,
            } => Some((secret_name, secret_key, renewal.as_ref())),
            _ => None,
        }
    }
}

/// Standard-output and local logs.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LogPlan {
    /// Format.
    pub std: LogFormat,
    /// Level.
    pub level: LogLevel,
    /// Colour, when set.
    pub color: Option<bool>,
    /// Local logs, when set.
    pub local: Option<LocalLogs>,
}

/// The `statsd-exporter` sidecar.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PrometheusPlan {
    /// Full image reference.
    pub image: String,
    /// Whether the image is pinned by digest.
    pub pinned_by_digest: bool,
    /// Metrics port.
    pub port: i32,
    /// A PodMonitor instead of scrape annotations.
    pub pod_monitor: bool,
}

/// Where one CA certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CaSource {
    /// A ConfigMap key.
    ConfigMap {
        /// ConfigMap name.
        name: String,
        /// Key.
        key: String,
    },
    /// A Secret key.
    Secret {
        /// Secret name.
        name: String,
        /// Key.
        key: String,
    },
}

impl CaSource {
    fn of(c: &CaCertificate) -> Option<CaSource> {
        let key = c.key.clone()?;
        match (&c.config_map, &c.secret) {
            (Some(name), None) => Some(CaSource::ConfigMap {
                name: name.clone(),
                key,
            }),
            (None, Some(name)) => Some(CaSource::Secret {
                name: name.clone(),
                key,
            }),
            _ => None,
        }
    }
}

/// Full image reference from repository, tag and digest.
pub(crate) fn image_reference(repository: &str, tag: Option<&str>, digest: Option<&str>) -> String {
    let mut image = repository.to_owned();
    if let Some(t) = tag {
        image = format!("{image}:{t}");
    }
    if let Some(dg) = digest {
        image = format!("{image}@{dg}");
    }
    image
}

fn prometheus_plan(p: Prometheus) -> Option<PrometheusPlan> {
    if p.enabled != Some(true) {
        return None;
    }
    let image = p.image.unwrap_or_default();
    let (repository, tag) = match image.repository {
        Some(r) => (r, image.tag),
        None => (
            d::STATSD_EXPORTER_REPOSITORY.to_owned(),
            image
                .tag
                .or_else(|| Some(d::STATSD_EXPORTER_TAG.to_owned())),
        ),
    };
    Some(PrometheusPlan {
        image: image_reference(&repository, tag.as_deref(), image.digest.as_deref()),
        pinned_by_digest: image.digest.is_some(),
        port: p.port.unwrap_or(d::PROMETHEUS_PORT),
        pod_monitor: p.pod_monitor.unwrap_or(false),
    })
}

/// The backup volume.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BackupPlan {
    /// Claim mounted at `/apim/config`.
    pub claim_name: String,
    /// The claim to create, unless an existing one is used.
    pub create: Option<NewClaim>,
}

/// A PersistentVolumeClaim shgw creates for the backup.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NewClaim {
    /// Requested size.
    pub size: Quantity,
    /// Access mode.
    pub access_mode: AccessMode,
    /// Storage class; the cluster default when none.
    pub storage_class: Option<String>,
}

/// Replica bounds and utilisation targets of the HorizontalPodAutoscaler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AutoscalingPlan {
    /// Lowest replica count.
    pub min: i32,
    /// Highest replica count.
    pub max: i32,
    /// CPU target, percent of requests.
    pub cpu: i32,
    /// Memory target, percent of requests.
    pub memory: Option<i32>,
}

/// The names of the objects a gateway renders that other objects refer to: shgw's own, or
/// those of the deployment it adopts (`spec.adoption`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ObjectNames {
    /// The Deployment (and its budget, autoscaler and policy).
    pub deployment: String,
    /// The gateway container.
    pub container: String,
    /// The settings ConfigMap.
    pub config_map: String,
    /// The live-traffic Service.
    pub live_traffic: String,
    /// The headless discovery Service (`neighborhood.host`).
    pub discovery: String,
    /// The pod volume of the backup claim.
    pub backup_volume: String,
}

impl ObjectNames {
    fn of(name: &str, a: Option<&Adoption>) -> ObjectNames {
        let a = a.cloned().unwrap_or_default();
        ObjectNames {
            deployment: a.deployment.unwrap_or_else(|| name.to_owned()),
            container: a
                .container
                .unwrap_or_else(|| d::GATEWAY_CONTAINER.to_owned()),
            config_map: a.config_map.unwrap_or_else(|| format!("{name}-env")),
            live_traffic: a
                .live_traffic_service
                .unwrap_or_else(|| format!("{name}-live-traffic")),
            discovery: a
                .discovery_service
                .unwrap_or_else(|| format!("{name}-instance-discovery")),
            backup_volume: a
                .backup_volume
                .unwrap_or_else(|| "config-backup".to_owned()),
        }
    }
}

/// A Gateway after merging with its profile, with defaults applied.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Plan {
    /// `metadata.name`.
    pub name: String,
    /// Namespace.
    pub namespace: Option<String>,
    /// Labels for every object (user labels plus shgw's).
    pub labels: BTreeMap<String, String>,
    /// The selector labels: shgw's, or the adopted Deployment's.
    pub selector: BTreeMap<String, String>,
    /// Names of the objects that others refer to.
    pub names: ObjectNames,
    /// The Gateway takes over objects deployed by other means (`spec.adoption`).
    pub adopted: bool,
    /// Annotations for every object.
    pub annotations: BTreeMap<String, String>,
    /// Configuration endpoint.
    pub endpoint: String,
    /// `gateway.name`.
    pub gateway_name: String,
    /// Authentication.
    pub auth: AuthMode,
    /// Full image reference.
    pub image: String,
    /// Tag, if any.
    pub tag: Option<String>,
    /// Digest, if any.
    pub digest: Option<String>,
    /// Pull policy.
    pub pull_policy: PullPolicy,
    /// Pull secrets.
    pub pull_secrets: Vec<String>,
    /// Replicas on the Deployment (none under autoscaling).
    pub replicas: Option<i32>,
    /// The lowest number of pods expected (replicas or autoscaling minimum).
    pub min_pods: i32,
    /// The HorizontalPodAutoscaler, when autoscaling.
    pub autoscaling: Option<AutoscalingPlan>,
    /// Rolling update.
    pub max_unavailable: IntOrPercent,
    /// Rolling update.
    pub max_surge: IntOrPercent,
    /// Requests by resource name.
    pub requests: BTreeMap<&'static str, Quantity>,
    /// Limits by resource name.
    pub limits: BTreeMap<&'static str, Quantity>,
    /// DNS.
    pub dns: Dns,
    /// Service type.
    pub service_type: ServiceType,
    /// External traffic policy (only for LoadBalancer and NodePort).
    pub external_traffic_policy: Option<TrafficPolicy>,
    /// Service ports.
    pub http_port: i32,
    /// Service ports.
    pub https_port: i32,
    /// Service annotations.
    pub service_annotations: BTreeMap<String, String>,
    /// Load balancer source ranges.
    pub source_ranges: Vec<String>,
    /// Backup.
    pub backup: Option<BackupPlan>,
    /// PDB.
    pub disruption_budget: Option<DisruptionBudget>,
    /// Spread.
    pub topology_spread: TopologySpread,
    /// Anti-affinity.
    pub anti_affinity: AntiAffinity,
    /// NetworkPolicy allowed CIDRs, when enabled.
    pub network_policy: Option<Vec<String>>,
    /// Logs.
    pub logs: LogPlan,
    /// Metrics.
    pub metrics_cloud: bool,
    /// StatsD.
    pub statsd: Option<Statsd>,
    /// OpenTelemetry.
    pub open_telemetry: Option<OpenTelemetry>,
    /// The Prometheus metrics sidecar.
    pub prometheus: Option<PrometheusPlan>,
    /// The PrometheusRule, when alerts are on.
    pub alerts: Option<AlertsPlan>,
    /// CA certificates to trust.
    pub ca_certificates: Vec<CaSource>,
    /// Proxy.
    pub proxy: Proxy,
    /// Local CA trust.
    pub trust_local_ca: bool,
    /// The platform.
    pub platform: Platform,
    /// UID; none when the platform assigns it.
    pub run_as_user: Option<i64>,
    /// GID; none when the platform assigns it.
    pub run_as_group: Option<i64>,
    /// fsGroup; none when the platform assigns it.
    pub fs_group: Option<i64>,
    /// Extra settings.
    pub settings: BTreeMap<String, SettingValue>,
    /// Pod settings.
    pub pod: PodConfig,
    /// Grace period.
    pub termination_grace_period_seconds: i64,
    /// The Namespace object, when `spec.namespace.create` is on.
    pub namespace_object: Option<NamespacePlan>,
}

/// Fills in defaults for `platform`; contradictions are found by the checks that follow
/// ([`crate::resolve`]).
pub(crate) fn fill(g: &Gateway, platform: Platform) -> Plan {
    let s = &g.spec;
    let default_id = (platform == Platform::Kubernetes).then_some(d::GATEWAY_UID);
    let name = g.metadata.name.clone();
    let mut selector = BTreeMap::new();
    selector.insert(d::LABEL_NAME.to_owned(), d::LABEL_NAME_VALUE.to_owned());
    selector.insert(d::LABEL_INSTANCE.to_owned(), name.clone());
    let mut labels = g.metadata.labels.clone();
    labels.extend(selector.clone());
    labels.insert(d::LABEL_COMPONENT.into(), "self-hosted-gateway".into());
    labels.insert(d::LABEL_MANAGED_BY.into(), "shgw".into());
    let adoption = s.adoption.as_ref();
    if let Some(adopted) = adoption.filter(|a| !a.selector.is_empty()) {
        selector.clone_from(&adopted.selector);
        labels.extend(selector.clone());
    }
    let names = ObjectNames::of(&name, adoption);

    let auth = match s.auth.clone().unwrap_or_default() {
        Auth::EntraApp(e) => {
            let credential = match (e.client_certificate, e.client_secret) {
                (Some(c), None) => EntraCredential::Certificate {
                    secret_name: c
                        .secret_name
                        .unwrap_or_else(|| format!("{name}-entra-certificate")),
                    key: c.key.unwrap_or_else(|| d::ENTRA_CERTIFICATE_KEY.into()),
                },
                (_, secret) => {
                    let secret = secret.unwrap_or_default();
                    EntraCredential::Secret {
                        secret_name: secret
                            .secret_name
                            .unwrap_or_else(|| format!("{name}-entra")),
                        secret_key: secret.secret_key.unwrap_or_else(|| "client-secret".into()),
                    }
                }
            };
            AuthMode::EntraApp {
                tenant_id: e.tenant_id.unwrap_or_default(),
                client_id: e.client_id.unwrap_or_default(),
                credential,
                authority: e.authority,
                token_audience: e.token_audience,
            }
        }
        Auth::WorkloadIdentity(w) => AuthMode::WorkloadIdentity {
            client_id: w.client_id.unwrap_or_default(),
            service_account: w.service_account_name.unwrap_or_else(|| name.clone()),
        },
        Auth::Token(t) => AuthMode::Token {
            secret_name: t.secret_name.unwrap_or_else(|| format!("{name}-token")),
            secret_key: t
                .secret_key
                .unwrap_or_else(|| d::TOKEN_SECRET_KEY.to_owned()),
            renewal: t.renewal.map(|r| renewal_plan(&name, r)),
        },
    };

    let image = s.image.clone().unwrap_or_default();
    let repository = image
        .repository
        .unwrap_or_else(|| d::IMAGE_REPOSITORY.to_owned());
    let tag = match (&image.tag, &image.digest) {
        (None, None) => Some(d::IMAGE_TAG.to_owned()),
        (t, _) => t.clone(),
    };
    let image_ref = image_reference(&repository, tag.as_deref(), image.digest.as_deref());

    let autoscaling = s.autoscaling.as_ref().map(|a| {
        let min = a.min_replicas.unwrap_or(1);
        AutoscalingPlan {
            min,
            max: a.max_replicas.unwrap_or(min.max(1)),
            cpu: a.cpu_utilization.unwrap_or(d::CPU_UTILIZATION),
            memory: a.memory_utilization,
        }
    });
    let replicas = match autoscaling {
        Some(_) => None,
        None => Some(s.replicas.unwrap_or(1)),
    };
    let min_pods = autoscaling.map_or(replicas.unwrap_or(1), |a| a.min);
    let rollout = s.rollout.clone().unwrap_or_default();
    let resources = s.resources.clone().unwrap_or_default();
    let list = |l: Option<ResourceList>| {
        let l = l.unwrap_or_default();
        let mut m = BTreeMap::new();
        for (k, v) in [
            ("cpu", l.cpu),
            ("memory", l.memory),
            ("ephemeral-storage", l.ephemeral_storage),
        ] {
            if let Some(v) = v {
                m.insert(k, v);
            }
        }
        m
    };
    let service = s.service.clone().unwrap_or_default();
    let service_type = service.kind.unwrap_or(ServiceType::LoadBalancer);
    let external_traffic_policy = match service_type {
        ServiceType::ClusterIP => None,
        _ => service.external_traffic_policy,
    };
    let backup = s
        .backup
        .clone()
        .filter(|b| b.enabled == Some(true))
        .map(|b| match b.existing_claim {
            Some(claim) => BackupPlan {
                claim_name: claim,
                create: None,
            },
            None => BackupPlan {
                claim_name: format!("{name}-config-backup"),
                create: Some(NewClaim {
                    size: b.size.unwrap_or_else(|| Quantity(d::BACKUP_SIZE.into())),
                    access_mode: b.access_mode.unwrap_or(AccessMode::ReadWriteMany),
                    storage_class: b.storage_class_name,
                }),
            },
        });
    let ha = s.high_availability.clone().unwrap_or_default();
    let telemetry = s.telemetry.clone().unwrap_or_default();
    let logs = telemetry.logs.unwrap_or_default();
    let metrics = telemetry.metrics.unwrap_or_default();
    let alerts = telemetry
        .alerts
        .filter(|a| a.enabled == Some(true))
        .map(|a| AlertsPlan {
            runbook_base_url: a
                .runbook_base_url
                .unwrap_or_else(|| d::RUNBOOK_BASE_URL.to_owned()),
            labels: a.labels,
        });
    let sc = s.security_context.clone().unwrap_or_default();
    let pod = s.pod.clone().unwrap_or_default();

    Plan {
        namespace: g.metadata.namespace.clone(),
        labels,
        selector,
        names,
        adopted: adoption.is_some(),
        annotations: g.metadata.annotations.clone(),
        endpoint: s.endpoint.clone().unwrap_or_default(),
        gateway_name: s.gateway_name.clone().unwrap_or_else(|| name.clone()),
        auth,
        image: image_ref,
        tag,
        digest: image.digest,
        pull_policy: image.pull_policy.unwrap_or(PullPolicy::IfNotPresent),
        pull_secrets: image.pull_secrets,
        replicas,
        min_pods,
        autoscaling,
        max_unavailable: rollout.max_unavailable.unwrap_or(IntOrPercent::Int(0)),
        max_surge: rollout
            .max_surge
            .unwrap_or_else(|| IntOrPercent::Percent("25%".into())),
        requests: list(resources.requests),
        limits: list(resources.limits),
        dns: s.dns.clone().unwrap_or_default(),
        service_type,
        external_traffic_policy,
        http_port: service.http_port.unwrap_or(d::HTTP_SERVICE_PORT),
        https_port: service.https_port.unwrap_or(d::HTTPS_SERVICE_PORT),
        service_annotations: service.annotations,
        source_ranges: service.load_balancer_source_ranges,
        backup,
        disruption_budget: ha.pod_disruption_budget,
        topology_spread: ha.topology_spread.unwrap_or(TopologySpread::None),
        anti_affinity: ha.anti_affinity.unwrap_or(AntiAffinity::None),
        network_policy: s
            .network_policy
            .clone()
            .filter(|n| n.enabled == Some(true))
            .map(|n| n.allowed_cidrs),
        logs: LogPlan {
            std: logs.std.unwrap_or(LogFormat::Text),
            level: logs.level.unwrap_or(LogLevel::Info),
            color: logs.color,
            local: logs.local,
        },
        metrics_cloud: metrics.cloud.unwrap_or(true),
        statsd: metrics.statsd,
        open_telemetry: metrics.open_telemetry,
        prometheus: metrics.prometheus.and_then(prometheus_plan),
        alerts,
        ca_certificates: s.ca_certificates.iter().filter_map(CaSource::of).collect(),
        proxy: s.proxy.clone().unwrap_or_default(),
        trust_local_ca: s.trust_local_ca.unwrap_or(false),
        platform,
        run_as_user: sc.run_as_user.or(default_id),
        run_as_group: sc.run_as_group.or(default_id),
        fs_group: sc.fs_group.or(default_id),
        settings: s.settings.clone(),
        termination_grace_period_seconds: pod
            .termination_grace_period_seconds
            .unwrap_or(d::TERMINATION_GRACE_SECONDS),
        namespace_object: s
            .namespace
            .clone()
            .filter(|n| n.create == Some(true))
            .map(|n| NamespacePlan {
                pod_security: match n.pod_security.unwrap_or(PodSecurityLevel::Restricted) {
                    PodSecurityLevel::Unset => None,
                    level => Some(level),
                },
                labels: n.labels,
                annotations: n.annotations,
            }),
        pod,
        name,
    }
}
