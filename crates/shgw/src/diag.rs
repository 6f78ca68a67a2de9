//! Problems found in a Gateway file or a profile: every one with its field path.

use serde::Serialize;
pub use shgw_yaml::{Place, Placed};
use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Nothing is rendered.
    Error,
    /// Rendered, with a note on stderr.
    Warning,
    /// Rendered; worth knowing (a review rule at level `info`).
    Info,
}

/// One problem at one field path (`spec.replicas`), or at the document when the path is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Which Gateway (its `metadata.name`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// The file the problem is in when it is not the input's: a profile whose default is
    /// wrong (its path is then `defaults.spec...` in that file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// Dotted field path, such as `spec.resources.requests.cpu`.
    pub path: String,
    /// Where the field is written in the input (`line`, `column`), when it is known.
    #[serde(flatten)]
    pub place: Option<Place>,
    /// The review rule that found it (`SHGW004`), when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl Diagnostic {
    /// An error at `path`.
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            gateway: None,
            origin: None,
            path: path.into(),
            place: None,
            rule: None,
            message: message.into(),
        }
    }

    /// The same problem at `place` (a place on line 0, of a document built from values, is
    /// none).
    #[must_use]
    pub fn at(mut self, place: Place) -> Self {
        self.place = (place.line > 0).then_some(place);
        self
    }

    /// The same problem placed in `docs` (the input's documents) when it has no place yet:
    /// at its field in the document of its gateway (the only document when it names none).
    /// A profile's problem stays where it is.
    pub fn place_in(&mut self, docs: &[Placed]) {
        if self.place.is_some() || self.origin.is_some() {
            return;
        }
        let doc = match &self.gateway {
            Some(name) => docs
                .iter()
                .find(|d| d.node["metadata"]["name"].text() == Some(name.as_str())),
            None if docs.len() == 1 => docs.first(),
            None => None,
        };
        if let Some(doc) = doc {
            let place = doc.locate(&self.path);
            self.place = (place.line > 0).then_some(place);
        }
    }

    /// A warning at `path`.
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// The same problem, found in `origin` (a profile file) at `defaults.<path>`.
    pub fn in_profile(mut self, origin: &str) -> Self {
        self.origin = Some(origin.to_owned());
        self.path = format!("defaults.{}", self.path);
        self
    }

    /// The same problem, tagged with the gateway it belongs to.
    pub fn for_gateway(mut self, name: &str) -> Self {
        if self.gateway.is_none() && !name.is_empty() {
            self.gateway = Some(name.to_owned());
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        write!(f, "{level}: ")?;
        if let Some(o) = &self.origin {
            write!(f, "{o}: ")?;
        }
        if let Some(g) = &self.gateway {
            write!(f, "Gateway {g}: ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        if let Some(rule) = &self.rule {
            write!(f, "{rule}: ")?;
        }
        f.write_str(&self.message)
    }
}
