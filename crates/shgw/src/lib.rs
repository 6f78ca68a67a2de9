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
//! let resolved = shgw::resolve(&gateways[0], &profile)?;
//! let manifests = shgw::render(&resolved)?;
//! let yaml = manifests.to_yaml();
//! assert!(yaml.contains("externalTrafficPolicy: Local"));
//! assert!(manifests.objects.iter().any(|o| o.kind() == "PodDisruptionBudget"));
//! # Ok::<(), shgw::Error>(())
//! ```
//!
//! # The catalogue
//!
//! At the root, the way from a file to objects: [`parse_gateways`] reads a [`Gateway`] file,
//! [`resolve`] puts a Gateway under a [`Profile`] and checks it ([`Resolved`], whose contents
//! are private), [`render`] (or [`render_with`] for a fleet and a [`Token`]) makes the
//! [`Manifests`] and refuses what the profile calls an error, [`review()`] judges any manifest
//! stream. Every problem is a [`Diagnostic`]; a failed step returns [`Error`].
//!
//! The modules hold the rest, one concept each:
//!
//! | module | what it holds |
//! |---|---|
//! | [`spec`] | the Gateway file's types, its JSON Schema's source, durations and cron schedules |
//! | [`file`](mod@file) | readers of Gateway files from text, placed nodes and JSON values |
//! | [`profile`] | profiles: embedded ones, `extends:`, rule levels and parameters |
//! | [`review`](mod@review) | the review rules, the gateway's recognition, findings and reports |
//! | [`settings`] | the gateway settings shgw writes itself |
//! | [`defaults`] | the values used when neither the file nor the profile says anything |
//! | [`versions`] | gateway releases, what each feature needs, known issues |
//! | [`kube_version`] | what each Kubernetes version lacks, and the output made for it |
//! | [`token`] | the gateway token |
//! | [`alerts`], [`metrics`] | the Prometheus Operator objects render writes |
//! | [`arc`] | the Azure Arc extension's settings for a resolved gateway |

pub mod arc;
mod cron;
pub mod defaults;
mod detect;
mod diag;
mod duration;
mod error;
pub mod file;
pub mod kube_version;
mod names;
mod pipeline;
pub mod profile;
mod reference;
mod render;
mod resolve;
pub mod review;
pub mod settings;
pub mod spec;
pub mod token;
mod token_policy;
mod validate;
pub mod versions;

pub use diag::{Diagnostic, Place, Placed, Severity};
pub use error::{Error, ErrorKind};
pub use file::parse_gateways;
pub use pipeline::{Resolved, check, resolve};
pub use profile::Profile;
pub use render::{Manifests, Object, RenderOptions, alerts, metrics, render, render_with};
pub use review::review;
pub use spec::Gateway;
pub use token::Token;

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
