//! Why a status could not be produced (as opposed to a status that finds problems).

/// What kind of failure it is; the CLI maps it to an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input (Gateway file, manifests, profile) is not usable.
    Input,
    /// No usable Kubernetes configuration (kubeconfig file, context, in-cluster files).
    Config,
    /// The API server could not be reached or refused the credentials.
    Unreachable,
    /// The API server answered something other than what was asked for, as a whole (discovery).
    Api,
    /// The I/O runtime could not start.
    Runtime,
}

impl ErrorKind {
    /// Whether the cluster could not be reached at all (exit 3 of `shgw status`): no
    /// configuration, no connection, or credentials refused.
    pub fn is_unreachable(self) -> bool {
        matches!(self, ErrorKind::Config | ErrorKind::Unreachable)
    }
}

/// A failure: its kind, what went wrong, where (a file, a kubeconfig, an object), and the
/// underlying error.
#[derive(Debug, thiserror::Error)]
#[error("{}{detail}", if place.is_empty() { String::new() } else { format!("{place}: ") })]
pub struct StatusError {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// What went wrong and what to do about it.
    pub detail: String,
    /// Where: the input file, `--kubeconfig PATH`, or an object; empty when nothing fits.
    pub place: String,
    /// The underlying error, when there is one.
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StatusError {
    /// An error without an underlying one.
    pub fn new(kind: ErrorKind, place: impl Into<String>, detail: impl Into<String>) -> Self {
        StatusError {
            kind,
            detail: detail.into(),
            place: place.into(),
            source: None,
        }
    }
}

/// An error and its sources, joined with `: ` (a source already in the text is skipped).
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cur = s.source();
    }
    out
}
