//! The Kubernetes side: read the Secret and the Deployment, patch them. Needs exactly `get`
//! and `patch` on the two objects.

use crate::error::{RenewError, chain};
use crate::request::{KubeAccess, Target};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, Patch, PatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// The field manager named in the API server's managed fields.
const FIELD_MANAGER: &str = "shgw-token-renew";

/// A connection to the API server, scoped to the target's namespace.
pub(crate) struct Cluster {
    secrets: Api<Secret>,
    deployments: Api<Deployment>,
    namespace: String,
}

/// Connects: `--kubeconfig`, else the pod's ServiceAccount, else `KUBECONFIG`/`~/.kube/config`.
pub(crate) async fn connect(access: &KubeAccess, target: &Target) -> Result<Cluster, RenewError> {
    let path = match access {
        KubeAccess::Kubeconfig(path) => Some(path.as_path()),
        KubeAccess::Infer => None,
    };
    let client = kube_client(path, None).await?;
    Ok(Cluster {
        secrets: Api::namespaced(client.clone(), &target.namespace),
        deployments: Api::namespaced(client, &target.namespace),
        namespace: target.namespace.clone(),
    })
}

/// A Kubernetes client: from `kubeconfig` when given (its `context`, or its current context);
/// otherwise the pod's ServiceAccount, else `KUBECONFIG` or `~/.kube/config` (a `context`
/// skips the ServiceAccount). Reads time out after 60 seconds.
///
/// Call it inside a Tokio runtime that outlives the client.
///
/// # Errors
/// [`RenewError::KubeConfig`] saying where the configuration was looked for and what failed.
pub async fn kube_client(
    kubeconfig: Option<&Path>,
    context: Option<&str>,
) -> Result<Client, RenewError> {
    let options = KubeConfigOptions {
        context: context.map(str::to_owned),
        ..KubeConfigOptions::default()
    };
    let mut config = match kubeconfig {
        Some(path) => {
            let file = Kubeconfig::read_from(path).map_err(|e| RenewError::KubeConfig {
                detail: format!("--kubeconfig {}: {}", path.display(), chain(&e)),
            })?;
            Config::from_custom_kubeconfig(file, &options)
                .await
                .map_err(|e| RenewError::KubeConfig {
                    detail: format!("--kubeconfig {}: {}", path.display(), chain(&e)),
                })?
        }
        None if context.is_some() => {
            Config::from_kubeconfig(&options)
                .await
                .map_err(|e| RenewError::KubeConfig {
                    detail: format!("KUBECONFIG or ~/.kube/config: {}", chain(&e)),
                })?
        }
        None => match Config::incluster() {
            Ok(c) => c,
            Err(in_cluster) => Config::from_kubeconfig(&options).await.map_err(|kubeconfig| {
                RenewError::KubeConfig {
                    detail: format!(
                        "not in a cluster ({}) and no usable KUBECONFIG or ~/.kube/config ({}); pass --kubeconfig",
                        chain(&in_cluster),
                        chain(&kubeconfig)
                    ),
                }
            })?,
        },
    };
    config.read_timeout = Some(Duration::from_secs(60));
    Client::try_from(config).map_err(|e| RenewError::KubeConfig { detail: chain(&e) })
}

impl Cluster {
    /// The Secret.
    pub async fn secret(&self, name: &str) -> Result<Secret, RenewError> {
        self.secrets
            .get(name)
            .await
            .map_err(|e| self.error("get", "Secret", name, &e))
    }

    /// The Deployment.
    pub async fn deployment(&self, name: &str) -> Result<Deployment, RenewError> {
        self.deployments
            .get(name)
            .await
            .map_err(|e| self.error("get", "Deployment", name, &e))
    }

    /// Merge-patches the Secret; `resource_version` makes it fail if the Secret changed since
    /// it was read.
    pub async fn patch_secret(
        &self,
        name: &str,
        patch: &Value,
        dry_run: bool,
    ) -> Result<(), RenewError> {
        self.secrets
            .patch(name, &params(dry_run), &Patch::Merge(patch))
            .await
            .map(drop)
            .map_err(|e| self.error("patch", "Secret", name, &e))
    }

    /// Merge-patches the Deployment.
    pub async fn patch_deployment(
        &self,
        name: &str,
        patch: &Value,
        dry_run: bool,
    ) -> Result<(), RenewError> {
        self.deployments
            .patch(name, &params(dry_run), &Patch::Merge(patch))
            .await
            .map(drop)
            .map_err(|e| self.error("patch", "Deployment", name, &e))
    }

    fn error(&self, action: &'static str, kind: &str, name: &str, e: &kube::Error) -> RenewError {
        let object = format!("{kind} {}/{name}", self.namespace);
        let (status, detail) = match e {
            kube::Error::Api(s) => (
                Some(s.code),
                if s.message.is_empty() {
                    s.reason.clone()
                } else {
                    s.message.clone()
                },
            ),
            other => (None, chain(other)),
        };
        let lower = kind.to_ascii_lowercase();
        let hint = match status {
            Some(403) => format!(
                "; the renewer's Role needs verbs get and patch on {lower}s with resourceNames [{name}] in namespace {}",
                self.namespace
            ),
            Some(404) if action == "get" => format!(
                "; check --namespace and --{lower} (create the {kind} first: shgw render writes it)"
            ),
            Some(409) => "; it changed while the renewer ran: run it again".to_owned(),
            _ => String::new(),
        };
        RenewError::Kube {
            action,
            object,
            status,
            detail,
            hint,
        }
    }
}

fn params(dry_run: bool) -> PatchParams {
    let p = PatchParams {
        field_manager: Some(FIELD_MANAGER.to_owned()),
        ..PatchParams::default()
    };
    if dry_run { p.dry_run() } else { p }
}
