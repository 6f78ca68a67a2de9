//! The gateway settings shgw writes or fixes itself, each with the Gateway file field that
//! controls it: the one table both the ConfigMap writer and the check of `spec.settings` read,
//! so no managed key can be overridden through `spec.settings` or `--set`.

/// A setting shgw owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManagedSetting {
    /// The setting's key in the gateway's environment (ConfigMap data).
    pub key: &'static str,
    /// What controls it: a Gateway file field, or why it is fixed.
    pub field: &'static str,
}

macro_rules! managed {
    ($($(#[$m:meta])* $name:ident = $key:literal => $field:literal;)*) => {
        $( $(#[$m])* pub(crate) const $name: ManagedSetting = ManagedSetting { key: $key, field: $field }; )*
        /// Every setting shgw owns.
        pub const MANAGED_SETTINGS: &[ManagedSetting] = &[$($name),*];
    };
}

managed! {
    ENDPOINT = "config.service.endpoint" => "spec.endpoint";
    AUTH = "config.service.auth" => "spec.auth";
    ENTRA_TENANT = "config.service.auth.azureAd.tenantId" => "spec.auth.entraApp.tenantId";
    ENTRA_CLIENT = "config.service.auth.azureAd.clientId" => "spec.auth.entraApp.clientId";
    ENTRA_SECRET = "config.service.auth.azureAd.clientSecret" => "spec.auth.entraApp.clientSecret";
    ENTRA_CERTIFICATE = "config.service.auth.azureAd.certificatePath" => "spec.auth.entraApp.clientCertificate";
    ENTRA_AUTHORITY = "config.service.auth.azureAd.authority" => "spec.auth.entraApp.authority";
    TOKEN_AUDIENCE = "config.service.auth.tokenAudience" => "spec.auth.entraApp.tokenAudience";
    /// The token of `config.service.auth: key` (the 2026 documentation samples); shgw passes
    /// the token as `config.service.auth` itself.
    AUTH_KEY = "config.service.auth.key" => "spec.auth.token";
    GATEWAY_NAME = "gateway.name" => "spec.gatewayName";
    NEIGHBORHOOD_HOST = "neighborhood.host" => "metadata.name (the headless Service <name>-instance-discovery)";
    HEARTBEAT_PORT = "neighborhood.heartbeat.port" => "(fixed at 4291, the port the headless Service and NetworkPolicy open)";
    RATE_LIMIT_PORT = "policy.rate-limit.sync.port" => "(fixed at 4290, the port the headless Service and NetworkPolicy open)";
    ARTIFACT_SOURCE = "runtime.deployment.artifact.source" => "(it records how the gateway was deployed)";
    ARTIFACT_VERSION = "runtime.deployment.artifact.version" => "(left out by shgw, so that upgrading shgw restarts no gateway)";
    MECHANISM = "runtime.deployment.mechanism" => "(it records how the gateway was deployed)";
    ORCHESTRATOR = "runtime.deployment.orchestrator.type" => "(it records how the gateway was deployed)";
    HIGH_AVAILABILITY = "runtime.deployment.highAvailability.enabled" => "spec.replicas and spec.highAvailability.podDisruptionBudget";
    LOGS_STD = "telemetry.logs.std" => "spec.telemetry.logs.std";
    LOGS_LEVEL = "telemetry.logs.std.level" => "spec.telemetry.logs.level";
    LOGS_COLOR = "telemetry.logs.std.color" => "spec.telemetry.logs.color";
    LOGS_LOCAL = "telemetry.logs.local" => "spec.telemetry.logs.local.type";
    LOGS_SYSLOG_ENDPOINT = "telemetry.logs.local.localsyslog.endpoint" => "spec.telemetry.logs.local.endpoint";
    LOGS_SYSLOG_FACILITY = "telemetry.logs.local.localsyslog.facility" => "spec.telemetry.logs.local.facility";
    LOGS_RFC5424_ENDPOINT = "telemetry.logs.local.rfc5424.endpoint" => "spec.telemetry.logs.local.endpoint";
    LOGS_RFC5424_FACILITY = "telemetry.logs.local.rfc5424.facility" => "spec.telemetry.logs.local.facility";
    LOGS_JOURNAL_ENDPOINT = "telemetry.logs.local.journal.endpoint" => "spec.telemetry.logs.local.endpoint";
    LOGS_JSON_ENDPOINT = "telemetry.logs.local.json.endpoint" => "spec.telemetry.logs.local.endpoint";
    METRICS_CLOUD = "telemetry.metrics.cloud" => "spec.telemetry.metrics.cloud";
    METRICS_LOCAL = "telemetry.metrics.local" => "spec.telemetry.metrics.statsd or spec.telemetry.metrics.prometheus";
    STATSD_ENDPOINT = "telemetry.metrics.local.statsd.endpoint" => "spec.telemetry.metrics.statsd.endpoint";
    STATSD_SAMPLING = "telemetry.metrics.local.statsd.sampling" => "spec.telemetry.metrics.statsd.sampling";
    STATSD_TAG_FORMAT = "telemetry.metrics.local.statsd.tag-format" => "spec.telemetry.metrics.statsd.tagFormat";
    OTEL_ENABLED = "observability.opentelemetry.enabled" => "spec.telemetry.metrics.openTelemetry";
    OTEL_COLLECTOR = "observability.opentelemetry.collector.uri" => "spec.telemetry.metrics.openTelemetry.collectorUri";
    OTEL_SYSTEM_METRICS = "observability.opentelemetry.system-metrics.enabled" => "spec.telemetry.metrics.openTelemetry.systemMetrics";
    LOCAL_CA = "certificates.local.ca.enabled" => "spec.trustLocalCA";
}

/// The managed setting with this key, if shgw owns it.
///
/// ```
/// let m = shgw::settings::managed_setting("runtime.deployment.mechanism").unwrap();
/// assert!(m.field.contains("deployed"));
/// assert!(shgw::settings::managed_setting("net.server.http.forwarded.proto.enabled").is_none());
/// ```
pub fn managed_setting(key: &str) -> Option<&'static ManagedSetting> {
    MANAGED_SETTINGS.iter().find(|m| m.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<&str> = MANAGED_SETTINGS.iter().map(|m| m.key).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }
}
