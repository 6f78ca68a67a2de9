//! The crate's one error: what kind of problem, what is wrong, where (the input and the field
//! path, or every placed problem of the input), and what caused it.

use crate::diag::{Diagnostic, Placed, Severity};
use std::fmt;
use std::sync::Arc;

/// What kind of problem an [`Error`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A Gateway file, a profile or what was rendered from them has problems: every one is in
    /// [`Error::problems`], with its field path and, where known, its line and column.
    Invalid,
    /// No token was given (an empty text).
    EmptyToken,
    /// The text is not a gateway token (`GatewayKey <gatewayId>&<yyyyMMddHHmm>&<signature>`).
    MalformedToken,
    /// Not a duration (`10d`, `36h`, `90m`), or a zero one.
    Duration,
    /// Not a cron schedule Kubernetes accepts.
    Schedule,
    /// The Azure Arc extension cannot express the Gateway: it authenticates with a token only.
    ArcAuth,
}

/// Why a step of shgw refused its input. Nothing was rendered then.
///
/// ```
/// let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: gw}\nspec: {replicaz: 2}\n";
/// let e = shgw::parse_gateways("gw.yaml", text).unwrap_err();
/// assert_eq!(e.kind(), shgw::ErrorKind::Invalid);
/// assert_eq!((e.input(), e.problems()[0].path.as_str()), ("gw.yaml", "spec.replicaz"));
/// let e = shgw::spec::parse_duration("10").unwrap_err();
/// assert_eq!(e.kind(), shgw::ErrorKind::Duration);
/// assert!(e.detail().contains("such as 10d"));
/// ```
#[derive(Clone, Debug)]
pub struct Error {
    repr: Box<Repr>,
}

/// What an [`Error`] holds, boxed so that a `Result` stays small.
#[derive(Clone, Debug)]
struct Repr {
    kind: ErrorKind,
    detail: String,
    input: String,
    path: String,
    problems: Vec<Diagnostic>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// An error of `kind` saying `detail`, in no input and at no field yet.
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        Error {
            repr: Box::new(Repr {
                kind,
                detail: detail.into(),
                input: String::new(),
                path: String::new(),
                problems: Vec::new(),
                source: None,
            }),
        }
    }

    /// The problems found in `input` (a file, `<stdin>`, `Gateway NAME`), errors first.
    pub fn invalid(input: impl Into<String>, problems: Vec<Diagnostic>) -> Self {
        let n = problems
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let mut e = Error::new(
            ErrorKind::Invalid,
            format!("{n} error{} found", if n == 1 { "" } else { "s" }),
        )
        .in_input(input);
        e.repr.problems = problems;
        e
    }

    /// One problem at field `path` of `input`.
    pub fn single(input: impl Into<String>, path: &str, message: impl Into<String>) -> Self {
        Error::invalid(input, vec![Diagnostic::error(path, message)])
    }

    /// The same error, in `input`.
    #[must_use]
    pub fn in_input(mut self, input: impl Into<String>) -> Self {
        self.repr.input = input.into();
        self
    }

    /// The same error, at field `path` (`spec.auth`).
    #[must_use]
    pub fn at_path(mut self, path: impl Into<String>) -> Self {
        self.repr.path = path.into();
        self
    }

    /// The same error, caused by `source`.
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.repr.source = Some(Arc::new(source));
        self
    }

    /// The same problems, each placed in `docs` (the input's documents) where it has no place
    /// yet; see [`Diagnostic::place_in`].
    #[must_use]
    pub fn placed_in(mut self, docs: &[Placed]) -> Self {
        for d in &mut self.repr.problems {
            d.place_in(docs);
        }
        self
    }

    /// What kind of problem it is.
    pub fn kind(&self) -> ErrorKind {
        self.repr.kind
    }

    /// What is wrong (for [`ErrorKind::Invalid`], how many errors were found).
    pub fn detail(&self) -> &str {
        &self.repr.detail
    }

    /// The input at fault (a file, `<stdin>`, `Gateway NAME`); empty when none was named.
    pub fn input(&self) -> &str {
        &self.repr.input
    }

    /// The field at fault (`spec.auth`); empty when the problems carry their own.
    pub fn path(&self) -> &str {
        &self.repr.path
    }

    /// Every problem found, errors first (warnings found alongside are kept).
    pub fn problems(&self) -> &[Diagnostic] {
        &self.repr.problems
    }

    /// The problems, taken out.
    pub fn into_problems(self) -> Vec<Diagnostic> {
        self.repr.problems
    }

    /// Only the errors among [`Error::problems`] (not the warnings).
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.repr
            .problems
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
}

/// Two errors are equal when they say the same thing about the same place; their sources are
/// not compared.
impl PartialEq for Error {
    fn eq(&self, other: &Self) -> bool {
        (
            self.repr.kind,
            &self.repr.detail,
            &self.repr.input,
            &self.repr.path,
            &self.repr.problems,
        ) == (
            other.repr.kind,
            &other.repr.detail,
            &other.repr.input,
            &other.repr.path,
            &other.repr.problems,
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for part in [&self.repr.input, &self.repr.path] {
            if !part.is_empty() {
                write!(f, "{part}: ")?;
            }
        }
        f.write_str(&self.repr.detail)?;
        for d in &self.repr.problems {
            match d.place {
                Some(p) => write!(f, "\n  {}:{}:{}: {d}", self.repr.input, p.line, p.column)?,
                None => write!(f, "\n  {d}")?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.repr
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
