//! The ConfigMap of gateway settings, the token Secret and the workload-identity ServiceAccount.

use super::meta;
use crate::defaults as d;
use crate::resolve::{AuthMode, EntraCredential, Plan};
use crate::settings::{self as m, ManagedSetting};
use crate::spec::{LocalLogType, LogFormat, TagFormat};
use crate::token::Token;
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{ConfigMap, Secret, ServiceAccount};
use std::collections::BTreeMap;

/// Label and annotation keys of Azure workload identity.
pub(crate) const WI_USE_LABEL: &str = "azure.workload.identity/use";
pub(crate) const WI_CLIENT_ID_ANNOTATION: &str = "azure.workload.identity/client-id";
pub(crate) const WI_TENANT_ID_ANNOTATION: &str = "azure.workload.identity/tenant-id";

/// The settings shgw writes, each a key of the one table of managed settings.
struct Settings(BTreeMap<String, String>);

impl Settings {
    fn put(&mut self, setting: ManagedSetting, value: impl Into<String>) {
        self.0.insert(setting.key.to_owned(), value.into());
    }
}

fn auth_settings(out: &mut Settings, r: &Plan) {
    match &r.auth {
        AuthMode::Token { .. } => {}
        AuthMode::EntraApp {
            tenant_id,
            client_id,
            credential,
            authority,
            token_audience,
        } => {
            out.put(m::GATEWAY_NAME, r.gateway_name.clone());
            out.put(m::AUTH, "azureAdApp");
            out.put(m::ENTRA_TENANT, tenant_id.clone());
            out.put(m::ENTRA_CLIENT, client_id.clone());
            if let EntraCredential::Certificate { key, .. } = credential {
                out.put(
                    m::ENTRA_CERTIFICATE,
                    format!("{}/{key}", d::ENTRA_CERTIFICATE_DIR),
                );
            }
            if let Some(a) = authority {
                out.put(m::ENTRA_AUTHORITY, a.clone());
            }
            if let Some(a) = token_audience {
                out.put(m::TOKEN_AUDIENCE, a.clone());
            }
        }
        AuthMode::WorkloadIdentity { .. } => {
            out.put(m::GATEWAY_NAME, r.gateway_name.clone());
            out.put(m::AUTH, "workloadIdentity");
        }
    }
}

fn log_settings(out: &mut Settings, r: &Plan) {
    let logs = &r.logs;
    out.put(m::LOGS_STD, logs.std.as_str());
    out.put(m::LOGS_LEVEL, logs.level.as_str());
    let color = logs.color.unwrap_or(logs.std == LogFormat::Text);
    out.put(m::LOGS_COLOR, color.to_string());
    let Some(local) = &logs.local else { return };
    let kind = local.kind.unwrap_or(LocalLogType::Auto);
    out.put(m::LOGS_LOCAL, kind.as_str());
    let (endpoint, facility) = match kind {
        LocalLogType::LocalSyslog => (m::LOGS_SYSLOG_ENDPOINT, Some(m::LOGS_SYSLOG_FACILITY)),
        LocalLogType::Rfc5424 => (m::LOGS_RFC5424_ENDPOINT, Some(m::LOGS_RFC5424_FACILITY)),
        LocalLogType::Journal => (m::LOGS_JOURNAL_ENDPOINT, None),
        LocalLogType::Json => (m::LOGS_JSON_ENDPOINT, None),
        LocalLogType::None | LocalLogType::Auto => return,
    };
    if let Some(e) = &local.endpoint {
        out.put(endpoint, e.clone());
    }
    if let (Some(key), Some(f)) = (facility, local.facility) {
        out.put(key, f.to_string());
    }
}

fn metric_settings(out: &mut Settings, r: &Plan) {
    out.put(m::METRICS_CLOUD, r.metrics_cloud.to_string());
    let statsd = match (&r.prometheus, &r.statsd) {
        (Some(_), _) => Some((
            format!("127.0.0.1:{}", d::STATSD_EXPORTER_UDP_PORT),
            1.0,
            TagFormat::DogStatsD,
        )),
        (None, Some(s)) => Some((
            s.endpoint.clone().unwrap_or_default(),
            s.sampling.unwrap_or(1.0),
            s.tag_format.unwrap_or(TagFormat::DogStatsD),
        )),
        (None, None) => None,
    };
    match statsd {
        Some((endpoint, sampling, tags)) => {
            out.put(m::METRICS_LOCAL, "statsd");
            out.put(m::STATSD_ENDPOINT, endpoint);
            out.put(m::STATSD_SAMPLING, sampling.to_string());
            out.put(m::STATSD_TAG_FORMAT, tags.as_str());
        }
        None => out.put(m::METRICS_LOCAL, "none"),
    }
    if let Some(o) = &r.open_telemetry {
        out.put(m::OTEL_ENABLED, "true");
        out.put(
            m::OTEL_COLLECTOR,
            o.collector_uri.clone().unwrap_or_default(),
        );
        out.put(
            m::OTEL_SYSTEM_METRICS,
            o.system_metrics.unwrap_or(false).to_string(),
        );
    }
}

/// The gateway settings, as the container reads them through `envFrom`: the managed ones,
/// then `spec.settings` (validation has refused any managed key there).
pub(crate) fn settings(r: &Plan) -> BTreeMap<String, String> {
    let mut out = Settings(BTreeMap::new());
    out.put(m::ENDPOINT, r.endpoint.clone());
    out.put(m::NEIGHBORHOOD_HOST, r.names.discovery.clone());
    out.put(m::ARTIFACT_SOURCE, "shgw");
    out.put(m::MECHANISM, "YAML");
    out.put(m::ORCHESTRATOR, "Kubernetes");
    out.put(
        m::HIGH_AVAILABILITY,
        (r.min_pods > 1 && r.disruption_budget.is_some()).to_string(),
    );
    auth_settings(&mut out, r);
    log_settings(&mut out, r);
    metric_settings(&mut out, r);
    if r.trust_local_ca {
        out.put(m::LOCAL_CA, "true");
    }
    let mut all = out.0;
    for (k, v) in &r.settings {
        all.insert(k.clone(), v.0.clone());
    }
    all
}

/// ConfigMap `<name>-env`.
pub(crate) fn config_map(r: &Plan, data: BTreeMap<String, String>) -> ConfigMap {
    ConfigMap {
        metadata: meta(r, r.names.config_map.clone()),
        data: Some(data),
        ..Default::default()
    }
}

/// What keeps GitOps controllers off the data of the empty token Secret the renewer fills:
/// Flux applies it only while it does not exist (`ssa: IfNotPresent`, as for Secrets that
/// cert-manager fills) and neither Flux nor Argo CD prunes it (the Deployment reads the token
/// from it even when a later commit turns renewal off). Argo CD has no per-object switch
/// against an Application's `Replace=true` (its `Replace=false` is not read): the README says
/// which Application settings keep the token there.
const GITOPS_KEEP_TOKEN: [(&str, &str); 3] = [
    ("argocd.argoproj.io/sync-options", "Prune=false"),
    ("kustomize.toolkit.fluxcd.io/prune", "disabled"),
    ("kustomize.toolkit.fluxcd.io/ssa", "IfNotPresent"),
];

/// The token Secret: with the token when the caller supplied one; empty (for the renewer to
/// fill, with [`GITOPS_KEEP_TOKEN`]) when renewal is on and no token was given; otherwise none.
pub(crate) fn token_secret(r: &Plan, token: Option<&Token>) -> Option<Secret> {
    let (secret_name, secret_key, renewal) = r.token_secret()?;
    if token.is_none() && renewal.is_none() {
        return None;
    }
    let mut metadata = meta(r, secret_name.to_owned());
    if token.is_none() {
        let annotations = metadata.annotations.get_or_insert_with(BTreeMap::new);
        for (k, v) in GITOPS_KEEP_TOKEN {
            annotations.insert(k.into(), v.into());
        }
    }
    let data = token.map(|t| {
        metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(d::TOKEN_EXPIRY_ANNOTATION.into(), t.expiry_rfc3339());
        BTreeMap::from([(
            secret_key.to_owned(),
            ByteString(t.reveal().as_bytes().to_vec()),
        )])
    });
    Some(Secret {
        metadata,
        type_: Some("Opaque".into()),
        data,
        ..Default::default()
    })
}

/// ServiceAccount for workload identity.
pub(crate) fn service_account(r: &Plan) -> Option<ServiceAccount> {
    let AuthMode::WorkloadIdentity {
        client_id,
        service_account,
    } = &r.auth
    else {
        return None;
    };
    let mut metadata = meta(r, service_account.clone());
    metadata
        .labels
        .get_or_insert_with(BTreeMap::new)
        .insert(WI_USE_LABEL.into(), "true".into());
    metadata
        .annotations
        .get_or_insert_with(BTreeMap::new)
        .insert(WI_CLIENT_ID_ANNOTATION.into(), client_id.clone());
    Some(ServiceAccount {
        metadata,
        automount_service_account_token: Some(false),
        ..Default::default()
    })
}
