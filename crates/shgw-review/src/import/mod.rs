//! `shgw import`: Gateway files from existing deployments. [`import_manifests`] reads a manifest
//! stream (the portal's file, hand-written YAML, `helm template` output of the Azure chart);
//! [`import_helm_values`] reads the chart's values. Both return the Gateway documents and the
//! list of what could not be carried over, which [`Imported::to_yaml`] writes as a comment
//! above the documents. Secret values are never carried: only the names of the Secrets that
//! hold them.

mod build;
mod helm_values;
mod manifests;
mod renewal;

pub use helm_values::import_helm_values;
pub use manifests::import_manifests;

use serde_json::Value;

/// Gateway documents and what they do not carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// One `shgw.dev/v1alpha1` Gateway per gateway found, in input order.
    pub documents: Vec<Value>,
    /// What could not be carried over, one line each, naming the gateway and the field.
    pub notes: Vec<String>,
}

impl Imported {
    /// The Gateway file: the notes as a comment at the top, then the documents.
    ///
    /// ```
    /// let text = std::fs::read_to_string("../../examples/portal/contoso-west.yml").unwrap();
    /// let stream = shgw_review::load("contoso-west.yml", &text).unwrap();
    /// let yaml = shgw_review::import_manifests(&stream).unwrap().to_yaml();
    /// assert!(yaml.contains("kind: Gateway"));
    /// assert!(shgw::parse_gateways("imported.yaml", &yaml).is_ok());
    /// ```
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        if !self.notes.is_empty() {
            out.push_str("# shgw import: not carried over (review before rendering):\n");
            for n in &self.notes {
                out.push_str("# - ");
                out.push_str(&n.replace(['\n', '\r'], " "));
                out.push('\n');
            }
        }
        out.push_str(&shgw_yaml::to_multi_doc(&self.documents));
        out
    }
}

/// Why nothing was imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The stream holds no gateway workload.
    #[error(
        "{input}: no gateway workload (a Deployment, StatefulSet or DaemonSet running {}) to import",
        crate::inventory::GATEWAY_IMAGE
    )]
    NoGateway {
        /// The input.
        input: String,
    },
    /// The Helm values cannot be used.
    #[error("{file}: {path}: {message}")]
    Values {
        /// The values file.
        file: String,
        /// The values key, such as `gateway.configuration.uri`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The input is not YAML or JSON.
    #[error(transparent)]
    Load(#[from] crate::source::LoadError),
}
