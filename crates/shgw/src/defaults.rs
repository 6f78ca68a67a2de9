//! What the gateway gets when neither the Gateway file nor the profile says otherwise, and the
//! fixed facts about the self-hosted gateway container.

/// Image repository on the Microsoft Container Registry.
pub const IMAGE_REPOSITORY: &str = "mcr.microsoft.com/azure-api-management/gateway";
/// The gateway version pinned when nothing else is given: [`crate::versions::NEWEST`] (Helm chart 1.16.1).
pub const IMAGE_TAG: &str = "2.12.1";
/// Health endpoint used by the portal file and the Helm chart for every probe.
pub const PROBE_PATH: &str = "/status-0123456789abcdef";
/// Container port for HTTP traffic.
pub const HTTP_CONTAINER_PORT: i32 = 8080;
/// Container port for HTTPS traffic.
pub const HTTPS_CONTAINER_PORT: i32 = 8081;
/// UDP port for rate-limit counter synchronisation between instances.
pub const RATE_LIMIT_SYNC_PORT: i32 = 4290;
/// UDP port for instance heartbeats.
pub const HEARTBEAT_PORT: i32 = 4291;
/// Where the gateway writes its configuration backup.
pub const BACKUP_PATH: &str = "/apim/config";
/// The image's built-in user and group; required for local CA certificates and backup ownership.
pub const GATEWAY_UID: i64 = 1001;
/// Key of the token Secret used by the Azure portal's file.
pub const TOKEN_SECRET_KEY: &str = "value";
/// Drain time on shutdown, as in the portal file and the Helm chart.
pub const TERMINATION_GRACE_SECONDS: i64 = 60;
/// Default backup claim size (Helm chart default).
pub const BACKUP_SIZE: &str = "50Mi";
/// Default HPA CPU target in percent.
pub const CPU_UTILIZATION: i32 = 70;
/// Default Service ports.
pub const HTTP_SERVICE_PORT: i32 = 80;
/// Default Service HTTPS port.
pub const HTTPS_SERVICE_PORT: i32 = 443;
/// Tags that move: refused by the production profile.
pub const ROLLING_TAGS: &[&str] = &["latest", "v2", "v2-preview", "beta", "v1", "v0"];
/// Label key shared by every object of one gateway.
pub const LABEL_NAME: &str = "app.kubernetes.io/name";
/// Label value of [`LABEL_NAME`].
pub const LABEL_NAME_VALUE: &str = "azure-api-management-gateway";
/// Label key naming the gateway instance.
pub const LABEL_INSTANCE: &str = "app.kubernetes.io/instance";
/// Label key naming the component.
pub const LABEL_COMPONENT: &str = "app.kubernetes.io/component";
/// Label key naming the tool.
pub const LABEL_MANAGED_BY: &str = "app.kubernetes.io/managed-by";
/// Key of the Entra client certificate in its Secret, by default.
pub const ENTRA_CERTIFICATE_KEY: &str = "certificate.pfx";
/// Where the Entra client certificate Secret is mounted (read-only) in the gateway container.
pub const ENTRA_CERTIFICATE_DIR: &str = "/apim/entra-certificate";
/// Where the renewer image holds the `shgw` binary (see the `Dockerfile`).
pub const RENEWER_BINARY: &str = "/usr/local/bin/shgw";
/// How long before its expiry the renewer replaces a token, unless the Gateway file says
/// otherwise (`renewal.renewBefore`; `shgw token renew --renew-before`).
pub const RENEW_BEFORE: &str = "10d";
/// How long a renewed token lasts, unless the Gateway file says otherwise
/// (`renewal.validity`; `shgw token renew --validity`): a day below the maximum, so a token
/// issued at the end of a day never exceeds it.
pub const RENEWAL_VALIDITY: &str = "29d";
/// The longest validity, in days, API Management grants a gateway token.
pub const MAX_TOKEN_VALIDITY_DAYS: i64 = 30;
/// The public cloud's Azure Resource Manager, where the renewer calls `generateToken`.
pub const ARM_ENDPOINT: &str = "https://management.azure.com";
/// Longest run of one token-renewer job (its `activeDeadlineSeconds`).
pub const RENEWER_ACTIVE_DEADLINE_SECONDS: i64 = 600;
/// How late a missed renewer run may still start (the CronJob's `startingDeadlineSeconds`).
pub const RENEWER_STARTING_DEADLINE_SECONDS: i64 = 3600;
/// Where alert runbooks are unless `spec.telemetry.alerts.runbookBaseUrl` says otherwise: the
/// repository, whose README has a section per alert.
pub const RUNBOOK_BASE_URL: &str = env!("CARGO_PKG_REPOSITORY");
/// Annotation on the PrometheusRule: `<namespace>/<deployment>`, the objects its expressions
/// select, so that a build that moved or renamed them is caught.
pub const ALERT_SCOPE_ANNOTATION: &str = "shgw.dev/alert-scope";
/// UID and GID the renewer runs as (the distroless "nonroot" user).
pub const RENEWER_UID: i64 = 65532;
/// The `statsd-exporter` image used for Prometheus metrics unless one is given.
pub const STATSD_EXPORTER_REPOSITORY: &str = "prom/statsd-exporter";
/// Its pinned tag.
pub const STATSD_EXPORTER_TAG: &str = "v0.29.0";
/// Port the exporter serves Prometheus metrics on.
pub const PROMETHEUS_PORT: i32 = 9102;
/// UDP port the exporter receives StatsD on (from the gateway, over loopback).
pub const STATSD_EXPORTER_UDP_PORT: i32 = 9125;
/// Where each CA certificate is mounted: the image rebuilds its trust bundle from the `*.crt`
/// files under this folder when it starts.
pub const CA_CERTIFICATES_DIR: &str = "/usr/local/share/ca-certificates/shgw";
/// .NET's certificate store for CAs assigned in API Management; must be writable with
/// `certificates.local.ca.enabled` (MicrosoftDocs #116325).
pub const DOTNET_ROOT_STORE: &str = "/.dotnet/corefx/cryptography/x509stores/root";
/// Annotation on the token Secret: the token's expiry, RFC 3339 in UTC.
pub const TOKEN_EXPIRY_ANNOTATION: &str = "shgw.dev/token-expiry";
/// Annotation on the token Secret: when the renewer last succeeded (RFC 3339 in UTC), stamped
/// by `shgw token renew` on every successful run, renewal or not; `shgw status` judges the
/// renewer by it, as CronJob `status.lastSuccessfulTime` is missing before Kubernetes 1.21.
pub const RENEWER_LAST_SUCCESS_ANNOTATION: &str = "shgw.dev/renewer-last-success";
/// Annotation on the pod template: [`crate::Token::fingerprint`] of the token in use, so that a
/// new token rolls the pods.
pub const TOKEN_FINGERPRINT_ANNOTATION: &str = "shgw.dev/token-fingerprint";
/// Annotation on the pod template when a sidecar runs next to the gateway (the Prometheus
/// statsd-exporter): the container `kubectl logs`, `exec` and `attach` pick without `-c`.
pub const DEFAULT_CONTAINER_ANNOTATION: &str = "kubectl.kubernetes.io/default-container";
/// Name of the gateway's container in the pod.
pub const GATEWAY_CONTAINER: &str = "gateway";

#[cfg(test)]
mod tests {
    #[test]
    fn default_tag_is_the_newest_release() {
        assert_eq!(super::IMAGE_TAG, crate::versions::NEWEST.to_string());
    }
}
