//! **shgw**: production-grade Kubernetes manifests for the Azure API Management self-hosted
//! gateway.
//!
//! A typed [`Gateway`] (the Gateway file) and a [`Profile`] (`dev`, `production` or your own)
//! become typed `k8s-openapi` objects: ConfigMap, token Secret, Services, backup claim,
//! Deployment, PodDisruptionBudget, HorizontalPodAutoscaler, NetworkPolicy. The library does no
//! I/O, prints nothing and does not panic; every problem comes back with its field path.
//!
//! A profile is the one policy of every command: its defaults go under the Gateway file, and
//! its `rules:` (the level of every [`review`](mod@review) rule) and `parameters:` judge what is rendered.
//! [`render`] reviews the objects it has just built and refuses what the profile calls an
//! error, naming the Gateway field each finding comes from; [`review()`] judges any manifest
//! stream the same way.
//!
//! ```
//! let text = r#"
//! apiVersion: shgw.dev/v1alpha1
//! kind: Gateway
//! metadata: {name: contoso-west, namespace: apim}
//! spec:
//!   endpoint: contoso.configuration.azure-api.net
//!   image: {tag: "2.12.1"}
//!   backup: {storageClassName: azurefile-csi}
//! "#;
//! let gateways = shgw::parse_gateways("gateway.yaml", text)?;
//! let profile = shgw::Profile::embedded("production")?;
//! let manifests = shgw::render(&gateways[0], &profile)?;
//! let yaml = manifests.to_yaml();
//! assert!(yaml.contains("externalTrafficPolicy: Local"));
//! assert!(manifests.objects.iter().any(|o| o.kind() == "PodDisruptionBudget"));
//! # Ok::<(), shgw::Errors>(())
//! ```

mod arc;
mod cron;
pub mod defaults;
mod detect;
mod diag;
mod duration;
pub mod kube_version;
mod load;
mod managed_settings;
pub mod names;
mod pipeline;
mod profile;
mod reference;
mod render;
mod resolve;
pub mod review;
pub mod spec;
mod token;
mod token_policy;
mod validate;
pub mod versions;

pub use arc::{
    ARC_EXTENSION_TYPE, ARC_RELEASE_TRAIN, ARC_SETTINGS, ARC_TOKEN_SETTING, ArcError, ArcErrorKind,
    ArcExtension, ArcGap, ArcRemedy, ArcSetting, ArcSettingShape, arc_escape_segment,
    arc_extension, arc_setting, arc_split_path,
};
pub use cron::{CronError, Schedule};
pub use detect::{EnvSource, GATEWAY_IMAGE, gateway_container};
pub use diag::{Diagnostic, Errors, Place, Placed, Severity};
pub use duration::{DurationError, parse_duration};
pub use kube_version::{KubeVersion, for_kube_version};
pub use load::{
    gateway_from_placed, gateway_from_value, gateways_from_documents, gateways_from_placed,
    parse_documents, parse_gateways,
};
pub use managed_settings::{MANAGED_SETTINGS, ManagedSetting, managed_setting};
pub use pipeline::{Resolution, check, resolve};
pub use profile::{
    DEFAULT_PROFILE, DefaultMetadata, EMBEDDED as EMBEDDED_PROFILES, PROFILE_API_VERSION,
    Parameters, Platform, Profile, ProfileDefaults, ProfileMetadata,
};
pub use reference::reference_markdown;
pub use render::{
    AlertTargets, AlertingRule, Manifests, Object, PodMetricsEndpoint, PodMonitor, PodMonitorSpec,
    PrometheusRule, PrometheusRuleSpec, RenderOptions, RuleGroup, alert_names, alert_rules,
    alert_scope_problems, render, render_with,
};
pub use resolve::{
    AlertsPlan, AuthMode, AutoscalingPlan, BackupPlan, CaSource, EntraCredential, LogPlan,
    NamespacePlan, NewClaim, PrometheusPlan, RenewalPlan, Resolved,
};
pub use review::review;
pub use spec::{Gateway, GatewayMetadata, GatewaySpec};
pub use token::{MAX_GATEWAY_ID_LEN, MAX_TOKEN_LEN, TOKEN_PREFIX, Token, TokenError};

/// The JSON Schema of the Gateway file, generated from the types.
///
/// ```
/// let schema = shgw::schema();
/// assert_eq!(schema["title"], "Gateway");
/// ```
pub fn schema() -> serde_json::Value {
    schemars::schema_for!(Gateway).to_value()
}

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
