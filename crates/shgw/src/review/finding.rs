//! What a review reports: findings with their rule, object, field path and source location.

use crate::review::catalog::{Level, Severity};
use serde::Serialize;

/// The object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    /// `apps/v1`, `v1`...
    pub api_version: String,
    /// `Deployment`, `Service`...
    pub kind: String,
    /// The namespace it names, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Its name.
    pub name: String,
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{}/{}/{}", self.kind, ns, self.name),
            None => write!(f, "{}/{}", self.kind, self.name),
        }
    }
}

/// Where the field is written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// File (or `<stdin>`).
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

/// A suppression that covers a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// Why the finding is accepted.
    pub justification: String,
    /// The last day it applies (`YYYY-MM-DD`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Where it is written: `metadata.annotations` or the pod template's.
    pub on: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id, `SHGW001`.
    pub rule: String,
    /// Rule name, `replicas-below-minimum`.
    pub name: String,
    /// Severity under the review's profile.
    pub severity: Severity,
    /// The gateway (workload name) it belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// The object it is about.
    pub object: ObjectRef,
    /// The field, as Kubernetes writes paths (`spec.template.spec.containers[0].resources`).
    pub path: String,
    /// Where that field (or the nearest enclosing one that is written) is.
    pub location: Location,
    /// What is wrong, for this object. Never holds a secret value.
    pub message: String,
    /// The suppression that covers it, when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
}

/// A gateway workload found in the stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GatewayInfo {
    /// Workload name.
    pub name: String,
    /// Its object.
    pub object: ObjectRef,
    /// Where it starts.
    pub location: Location,
}

/// Counts of findings by severity (unsuppressed) and of suppressed ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Unsuppressed errors.
    pub error: usize,
    /// Unsuppressed warnings.
    pub warning: usize,
    /// Unsuppressed information.
    pub info: usize,
    /// Suppressed findings of any severity.
    pub suppressed: usize,
}

/// The result of a review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The name of the profile whose levels apply.
    pub profile: String,
    /// The gateway workloads, in stream order.
    pub gateways: Vec<GatewayInfo>,
    /// Every finding, gateways in stream order, then by severity and position.
    pub findings: Vec<Finding>,
    /// The level of every rule under the profile, in id order (what SARIF calls a rule's
    /// default configuration).
    #[serde(skip)]
    pub levels: Vec<(&'static str, Level)>,
}

/// The level from which a review fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Any unsuppressed error.
    Error,
    /// Any unsuppressed error or warning.
    Warning,
    /// Never.
    Never,
}

impl Report {
    /// The level of rule `id` under the report's profile (`off` for an unknown id).
    pub fn level(&self, id: &str) -> Level {
        self.levels
            .iter()
            .find(|(r, _)| *r == id)
            .map_or(Level::Off, |(_, l)| *l)
    }

    /// Counts by severity.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for f in &self.findings {
            match (f.suppression.is_some(), f.severity) {
                (true, _) => c.suppressed += 1,
                (false, Severity::Error) => c.error += 1,
                (false, Severity::Warning) => c.warning += 1,
                (false, Severity::Info) => c.info += 1,
            }
        }
        c
    }

    /// Whether an unsuppressed finding reaches `level`.
    pub fn fails(&self, level: FailOn) -> bool {
        let c = self.counts();
        match level {
            FailOn::Error => c.error > 0,
            FailOn::Warning => c.error + c.warning > 0,
            FailOn::Never => false,
        }
    }
}
