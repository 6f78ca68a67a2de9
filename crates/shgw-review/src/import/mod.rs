//! `shgw import`: Gateway files from existing deployments. [`import_manifests`] reads a manifest
//! stream (the portal's file, hand-written YAML, `helm template` output of the Azure chart);
//! [`import_helm_values`] reads the chart's values; [`import_arc_extension`] the settings of an
//! Azure Arc extension. Each returns the Gateway documents and the list of what could not be
//! carried over, which [`Imported::to_yaml`] writes as a comment
//! above the documents. Secret values are never carried: only the names of the Secrets that
//! hold them.

mod adopt;
mod arc;
mod fit;
mod helm_values;
mod manifests;
mod renewal;

pub use adopt::{Takeover, escape};
pub use arc::{import_arc_extension, is_arc_extension};
pub use helm_values::import_helm_values;
pub use manifests::{import_manifests, import_manifests_in};

use serde_json::Value;

/// Gateway documents and what they do not carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// One Gateway per gateway found, in input order, typed: what a Gateway file reads.
    pub gateways: Vec<shgw::spec::Gateway>,
    /// The same Gateways as the `shgw.dev/v1alpha1` documents [`Imported::to_yaml`] writes.
    pub documents: Vec<Value>,
    /// What could not be carried over, one line each, naming the gateway and the field.
    pub notes: Vec<String>,
    /// How each gateway is taken over in place, in the order of `documents`.
    pub plans: Vec<Takeover>,
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
        for line in self.comment_lines() {
            out.push('#');
            if !line.is_empty() {
                out.push(' ');
                out.push_str(&line);
            }
            out.push('\n');
        }
        out.push_str(&shgw_yaml::to_multi_doc(&self.documents));
        out
    }

    /// The takeover plans and the notes, as the lines of the comment above the documents
    /// (and of `shgw import`'s standard error); input text in them is escaped.
    pub fn comment_lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self.plans.iter().flat_map(Takeover::lines).collect();
        if !self.notes.is_empty() {
            out.push("shgw import: not carried over (review before rendering):".to_owned());
            for n in &self.notes {
                out.push(format!("- {}", escape(n)));
            }
        }
        out
    }
}

/// A value of the input that fits no field of a Gateway file.
///
/// ```
/// let m = shgw_review::Misfit {
///     gateway: "contoso".into(),
///     input_field: "values.yaml:4:15: replicaCount".into(),
///     gateway_field: "spec.replicas".into(),
///     message: "invalid type: string \"three\", expected i32".into(),
/// };
/// assert_eq!(
///     m.to_string(),
///     "gateway contoso: values.yaml:4:15: replicaCount: does not fit spec.replicas: invalid type: string \"three\", expected i32"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misfit {
    /// The Gateway's `metadata.name`.
    pub gateway: String,
    /// Where the input says it: the file (with line and column where known) and the input's
    /// field, such as `values.yaml:4:15: replicaCount`.
    pub input_field: String,
    /// The Gateway field it was read for, such as `spec.replicas`.
    pub gateway_field: String,
    /// Why it does not fit.
    pub message: String,
}

impl std::fmt::Display for Misfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Input text (names, values) is escaped: it cannot break the line.
        write!(
            f,
            "gateway {}: {}: does not fit {}: {}",
            escape(&self.gateway),
            escape(&self.input_field),
            self.gateway_field,
            escape(&self.message)
        )
    }
}
