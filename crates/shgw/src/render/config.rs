//! The ConfigMap of gateway settings, the token Secret and the workload-identity ServiceAccount.

use super::meta;
use crate::defaults as d;
use crate::resolve::{AuthMode, EntraCredential, Resolved};
use crate::spec::LogFormat;
use crate::token::Token;
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{ConfigMap, Secret, ServiceAccount};
use std::collections::BTreeMap;

/// Label and annotation keys of Azure workload identity.
pub(crate) const WI_USE_LABEL: &str = "azure.workload.identity/use";
pub(crate) const WI_CLIENT_ID_ANNOTATION: &str = "azure.workload.identity/client-id";
pub(crate) const WI_TENANT_ID_ANNOTATION: &str = "azure.workload.identity/tenant-id";

/// The gateway settings, as the container reads them through `envFrom`.
pub(crate) fn settings(r: &Resolved) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        m.insert(k.to_owned(), v);
    };
    put("config.service.endpoint", r.endpoint.clone());
    put(
        "neighborhood.host",
        format!("{}-instance-discovery", r.name),
    );
    put("runtime.deployment.artifact.source", "shgw".into());
    put("runtime.deployment.mechanism", "YAML".into());
    put("runtime.deployment.orchestrator.type", "Kubernetes".into());
    put(
        "runtime.deployment.highAvailability.enabled",
        (r.min_pods > 1 && r.disruption_budget.is_some()).to_string(),
    );
    match &r.auth {
        AuthMode::Token { .. } => {}
        AuthMode::EntraApp {
            tenant_id,
            client_id,
            credential,
            authority,
            token_audience,
        } => {
            if let EntraCredential::Certificate { key, .. } = credential {
                put(
                    "config.service.auth.azureAd.certificatePath",
                    format!("{}/{key}", d::ENTRA_CERTIFICATE_DIR),
                );
            }
            put("gateway.name", r.gateway_name.clone());
            put("config.service.auth", "azureAdApp".into());
            put("config.service.auth.azureAd.tenantId", tenant_id.clone());
            put("config.service.auth.azureAd.clientId", client_id.clone());
            if let Some(a) = authority {
                put("config.service.auth.azureAd.authority", a.clone());
            }
            if let Some(a) = token_audience {
                put("config.service.auth.tokenAudience", a.clone());
            }
        }
        AuthMode::WorkloadIdentity { .. } => {
            put("gateway.name", r.gateway_name.clone());
            put("config.service.auth", "workloadIdentity".into());
        }
    }
    let (std, level, color) = r.logs;
    put("telemetry.logs.std", std.as_str().into());
    put("telemetry.logs.std.level", level.as_str().into());
    let color = color.unwrap_or(std == LogFormat::Text);
    put("telemetry.logs.std.color", color.to_string());
    put("telemetry.metrics.cloud", r.metrics_cloud.to_string());
    match &r.statsd {
        Some(s) => {
            put("telemetry.metrics.local", "statsd".into());
            put(
                "telemetry.metrics.local.statsd.endpoint",
                s.endpoint.clone().unwrap_or_default(),
            );
            put(
                "telemetry.metrics.local.statsd.sampling",
                s.sampling.unwrap_or(1.0).to_string(),
            );
            put(
                "telemetry.metrics.local.statsd.tag-format",
                s.tag_format.map_or("dogStatsD", |t| t.as_str()).to_owned(),
            );
        }
        None => put("telemetry.metrics.local", "none".into()),
    }
    if let Some(o) = &r.open_telemetry {
        put("observability.opentelemetry.enabled", "true".into());
        put(
            "observability.opentelemetry.collector.uri",
            o.collector_uri.clone().unwrap_or_default(),
        );
        put(
            "observability.opentelemetry.system-metrics.enabled",
            o.system_metrics.unwrap_or(false).to_string(),
        );
    }
    if r.trust_local_ca {
        put("certificates.local.ca.enabled", "true".into());
    }
    for (k, v) in &r.settings {
        put(k, v.0.clone());
    }
    m
}

/// ConfigMap `<name>-env`.
pub(crate) fn config_map(r: &Resolved, data: BTreeMap<String, String>) -> ConfigMap {
    ConfigMap {
        metadata: meta(r, format!("{}-env", r.name)),
        data: Some(data),
        ..Default::default()
    }
}

/// The token Secret: with the token when the caller supplied one; empty (for the renewer to
/// fill) when renewal is on and no token was given; otherwise none.
pub(crate) fn token_secret(r: &Resolved, token: Option<&Token>) -> Option<Secret> {
    let AuthMode::Token {
        secret_name,
        secret_key,
        renewal,
    } = &r.auth
    else {
        return None;
    };
    if token.is_none() && renewal.is_none() {
        return None;
    }
    let mut metadata = meta(r, secret_name.clone());
    let data = token.map(|t| {
        metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(d::TOKEN_EXPIRY_ANNOTATION.into(), t.expiry_rfc3339());
        BTreeMap::from([(
            secret_key.clone(),
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
pub(crate) fn service_account(r: &Resolved) -> Option<ServiceAccount> {
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
