//! Profiles: defaults merged under the Gateway file, and a policy the result must meet.
//!
//! `dev`, `production` and `openshift` live in the crate's `profiles/` folder and are embedded in the
//! library; a user's own file in the same format works the same way.

use crate::diag::{Diagnostic, Errors};
use crate::load::{parse_documents, typed};
use crate::spec::GatewaySpec;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The only `apiVersion` a profile file may have.
pub const PROFILE_API_VERSION: &str = "shgw.dev/v1alpha1";

/// The profiles compiled into the library: `(name, YAML text)`.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("dev", include_str!("../profiles/dev.yaml")),
    ("production", include_str!("../profiles/production.yaml")),
    ("openshift", include_str!("../profiles/openshift.yaml")),
];

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "production";

/// A named set of defaults and a policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Profile {
    /// The file the profile was read from (`profiles/production.yaml` for embedded ones).
    #[serde(skip)]
    pub source: String,
    /// Always `shgw.dev/v1alpha1`.
    pub api_version: String,
    /// Always `Profile`.
    pub kind: String,
    /// The profile's name.
    pub metadata: ProfileMetadata,
    /// One line on what the profile is for.
    #[serde(default)]
    pub description: String,
    /// The platform the gateway runs on: `kubernetes` (default) or `openshift`.
    #[serde(default)]
    pub platform: Platform,
    /// What a rendered gateway must meet.
    #[serde(default)]
    pub policy: Policy,
    /// Values used where the Gateway file says nothing.
    #[serde(default)]
    pub defaults: ProfileDefaults,
}

/// A profile's name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileMetadata {
    /// Name, as given to `--profile`.
    pub name: String,
}

/// Defaults for `metadata` and `spec`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileDefaults {
    /// Namespace, labels and annotations.
    #[serde(default)]
    pub metadata: DefaultMetadata,
    /// Any part of a Gateway's `spec`.
    #[serde(default)]
    pub spec: GatewaySpec,
}

/// Metadata defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DefaultMetadata {
    /// Namespace when the Gateway names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Labels added under the Gateway's own.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations added under the Gateway's own.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// Where the gateway runs, as far as it changes what is rendered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Any Kubernetes: shgw fixes the gateway's UID, GID and fsGroup to 1001.
    #[default]
    Kubernetes,
    /// OpenShift: the restricted-v2 SCC assigns UID, GID and fsGroup from the namespace's
    /// range, so none is set unless the Gateway file asks for one.
    Openshift,
}

/// What a breach of a rule does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Enforcement {
    /// Nothing.
    #[default]
    Allow,
    /// A warning on stderr; still rendered.
    Warn,
    /// An error; nothing rendered.
    Error,
}

/// The rules a profile enforces on the merged Gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Policy {
    /// Fewer replicas (or autoscaling minimum) than this is an error.
    #[serde(default)]
    pub min_replicas: i32,
    /// Fewer replicas than this is a warning.
    #[serde(default)]
    pub recommended_replicas: i32,
    /// A moving tag (`latest`, `v2`, `v2-preview`, `beta`) or no tag and no digest.
    #[serde(default)]
    pub rolling_tags: Enforcement,
    /// No CPU or memory request.
    #[serde(default)]
    pub missing_requests: Enforcement,
    /// No memory limit.
    #[serde(default)]
    pub missing_limits: Enforcement,
    /// The `default` namespace.
    #[serde(default)]
    pub default_namespace: Enforcement,
    /// Configuration backup off.
    #[serde(default)]
    pub backup_disabled: Enforcement,
    /// A new `ReadWriteMany` backup claim that names no storage class: the cluster's default
    /// class decides, and the default classes of AKS, EKS and GKE offer only `ReadWriteOnce`.
    #[serde(default)]
    pub backup_without_storage_class: Enforcement,
    /// More than one replica without a PodDisruptionBudget.
    #[serde(default)]
    pub missing_disruption_budget: Enforcement,
    /// No NetworkPolicy.
    #[serde(default)]
    pub missing_network_policy: Enforcement,
    /// A LoadBalancer or NodePort Service that does not keep client IPs.
    #[serde(default)]
    pub cluster_traffic_policy: Enforcement,
    /// Days a given token must still be valid (7 by default).
    #[serde(default = "default_min_token_days")]
    pub min_token_days: i64,
    /// A given token with fewer than `minTokenDays` left.
    #[serde(default)]
    pub expiring_token: Enforcement,
    /// Token authentication with nothing that renews the token.
    #[serde(default)]
    pub token_without_renewal: Enforcement,
}

fn default_min_token_days() -> i64 {
    7
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            min_replicas: 0,
            recommended_replicas: 0,
            rolling_tags: Enforcement::Allow,
            missing_requests: Enforcement::Allow,
            missing_limits: Enforcement::Allow,
            default_namespace: Enforcement::Allow,
            backup_disabled: Enforcement::Allow,
            backup_without_storage_class: Enforcement::Allow,
            missing_disruption_budget: Enforcement::Allow,
            missing_network_policy: Enforcement::Allow,
            cluster_traffic_policy: Enforcement::Allow,
            min_token_days: default_min_token_days(),
            expiring_token: Enforcement::Allow,
            token_without_renewal: Enforcement::Allow,
        }
    }
}

impl Profile {
    /// Reads a profile file; `source` names it in errors and in the problems its defaults
    /// cause later.
    ///
    /// # Errors
    /// [`Errors`] for text that is not one profile document, or fields that are wrong.
    pub fn from_yaml(source: &str, text: &str) -> Result<Profile, Errors> {
        let docs = parse_documents(source, text)?;
        let [doc] = docs.as_slice() else {
            return Err(Errors::single(
                source,
                "",
                format!("a profile file holds one document, found {}", docs.len()),
            ));
        };
        let mut profile: Profile = typed(doc).map_err(|d| Errors::new(source, vec![d]))?;
        profile.source = source.to_owned();
        let mut problems = Vec::new();
        if profile.api_version != PROFILE_API_VERSION {
            problems.push(Diagnostic::error(
                "apiVersion",
                format!("must be {PROFILE_API_VERSION}"),
            ));
        }
        if profile.kind != "Profile" {
            problems.push(Diagnostic::error("kind", "must be Profile"));
        }
        if profile.metadata.name.is_empty() {
            problems.push(Diagnostic::error("metadata.name", "required"));
        }
        if problems.is_empty() {
            Ok(profile)
        } else {
            Err(Errors::new(source, problems))
        }
    }

    /// One of the embedded profiles by name.
    ///
    /// # Errors
    /// [`Errors`] when no embedded profile has that name.
    ///
    /// ```
    /// let p = shgw::Profile::embedded("production").unwrap();
    /// assert_eq!(p.policy.min_replicas, 2);
    /// assert!(shgw::Profile::embedded("staging").is_err());
    /// ```
    pub fn embedded(name: &str) -> Result<Profile, Errors> {
        let Some((_, text)) = EMBEDDED.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = EMBEDDED.iter().map(|(n, _)| *n).collect();
            return Err(Errors::single(
                "--profile",
                "",
                format!(
                    "no embedded profile named {name:?}; choose one of {} or give a file path",
                    names.join(", ")
                ),
            ));
        };
        Profile::from_yaml(&format!("profiles/{name}.yaml"), text)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn embedded_profiles_load() {
        for (name, _) in EMBEDDED {
            let p = Profile::embedded(name).unwrap();
            assert_eq!(&p.metadata.name, name);
        }
    }

    #[test]
    fn bad_profile_names_the_field() {
        let text = "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: x}\npolicy: {minReplica: 2}\n";
        let e = Profile::from_yaml("p.yaml", text).unwrap_err();
        assert_eq!(e.problems[0].path, "policy.minReplica");
        assert!(e.problems[0].message.contains("minReplica"), "{e}");
    }
}
