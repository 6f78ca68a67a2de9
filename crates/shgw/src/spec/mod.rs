//! The Gateway file: `apiVersion: shgw.dev/v1alpha1`, `kind: Gateway`.
//!
//! Every field a profile may supply is optional here, so that a profile's defaults can be
//! merged *under* what the user wrote. [`crate::defaults`] holds the values used when neither
//! the file nor the profile says anything.

mod scalars;
mod sections;

pub use crate::cron::Schedule;
pub use crate::duration::parse_duration;
pub use crate::reference::reference_markdown;
pub use scalars::{IntOrPercent, Quantity, SettingValue};
pub use sections::*;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The only `apiVersion` a Gateway file may have.
pub const API_VERSION: &str = "shgw.dev/v1alpha1";
/// The only `kind` a Gateway file may have.
pub const KIND: &str = "Gateway";
/// The longest `metadata.name`: `<name>-instance-discovery`, the longest object name made from
/// it, must still be a DNS-1123 label (63 characters).
pub const MAX_NAME_LEN: usize = 44;

/// Whether `name` may be a Gateway's `metadata.name`: a DNS-1123 label of at most
/// [`MAX_NAME_LEN`] characters.
///
/// ```
/// assert!(shgw::spec::is_gateway_name("contoso-west"));
/// assert!(!shgw::spec::is_gateway_name("Contoso"));
/// assert!(!shgw::spec::is_gateway_name(&"a".repeat(45)));
/// ```
pub fn is_gateway_name(name: &str) -> bool {
    name.len() <= MAX_NAME_LEN && crate::names::is_dns1123_label(name)
}

/// One self-hosted gateway deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Gateway {
    /// Always `shgw.dev/v1alpha1`.
    pub api_version: String,
    /// Always `Gateway`.
    pub kind: String,
    /// Name, namespace, labels and annotations.
    pub metadata: GatewayMetadata,
    /// What to deploy.
    #[serde(default)]
    pub spec: GatewaySpec,
}

/// The Gateway's name, namespace and the labels and annotations put on every object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewayMetadata {
    /// DNS-1123 label of at most 44 characters (so `<name>-instance-discovery` fits 63).
    pub name: String,
    /// Target namespace; the profile's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Labels added to every object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations added to every object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// Everything about the gateway's deployment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewaySpec {
    /// Configuration endpoint: `host`, `host:port` or an `https://` URL
    /// (`config.service.endpoint`). Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The gateway resource's name in API Management (`gateway.name`); `metadata.name` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_name: Option<String>,
    /// How the gateway authenticates to the configuration endpoint; a token by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    /// The container image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// Fixed replica count (ignored when `autoscaling` is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// When present: a HorizontalPodAutoscaler, and no `replicas` on the Deployment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
    /// Rolling-update limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<Rollout>,
    /// CPU and memory requests and limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// DNS policy, resolver options and host aliases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<Dns>,
    /// The live-traffic Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceConfig>,
    /// Configuration backup volume at `/apim/config`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<Backup>,
    /// PodDisruptionBudget, topology spread and anti-affinity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_availability: Option<HighAvailability>,
    /// A NetworkPolicy that admits only gateway traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_policy: Option<NetworkPolicyConfig>,
    /// Logs and metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telemetry: Option<Telemetry>,
    /// Outbound HTTP(S) proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<Proxy>,
    /// CA certificates the gateway trusts for the configuration endpoint and backends, each from
    /// a ConfigMap or Secret key, mounted read-only where the image's trust store takes them in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ca_certificates: Vec<CaCertificate>,
    /// Trust CA certificates assigned to the gateway in API Management
    /// (`certificates.local.ca.enabled`); needs UID 1001.
    #[serde(
        rename = "trustLocalCA",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub trust_local_ca: Option<bool>,
    /// User and group the gateway runs as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<SecurityContext>,
    /// Further gateway settings, passed to the ConfigMap as they are.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, SettingValue>,
    /// Pod-level scheduling and metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<PodConfig>,
    /// The Namespace object and its Pod Security level, for deployments that own their
    /// namespace; not rendered by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<NamespaceConfig>,
    /// Names and selector labels of a gateway deployed by other means (the portal's file, the
    /// Helm chart), kept so that applying the render updates those objects in place; written by
    /// `shgw import`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adoption: Option<Adoption>,
}
