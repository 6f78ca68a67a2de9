//! The crate's one error: what kind of problem, what is wrong, where (the input, a line and
//! column, the input's field), the values that fit no Gateway field, and what caused it.

use crate::import::Misfit;
use std::fmt;
use std::sync::Arc;

/// What kind of problem an [`Error`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is not YAML or JSON, or one of its documents is not a mapping.
    Syntax,
    /// The input holds no gateway workload to import.
    NoGateway,
    /// A Helm value or an Arc setting cannot be used as it is.
    Values,
    /// Values of the input fit no field of a Gateway file ([`Error::misfits`]); nothing is
    /// written.
    DoesNotFit,
    /// The Markdown report's template failed (a bug in the template).
    Template,
}

/// Why a stream could not be read, a deployment not imported or a report not written.
///
/// ```
/// let e = shgw_review::load("d.yaml", "a: [\n").unwrap_err();
/// assert_eq!(e.kind(), shgw_review::ErrorKind::Syntax);
/// assert_eq!((e.file(), e.line()), ("d.yaml", Some(1)));
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
    file: String,
    place: Option<(usize, usize)>,
    path: String,
    misfits: Vec<Misfit>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// An error of `kind` saying `detail`, in `file` (a file, `<stdin>`; empty for none).
    pub fn new(kind: ErrorKind, file: impl Into<String>, detail: impl Into<String>) -> Self {
        Error {
            repr: Box::new(Repr {
                kind,
                detail: detail.into(),
                file: file.into(),
                place: None,
                path: String::new(),
                misfits: Vec::new(),
                source: None,
            }),
        }
    }

    /// The values of `file` that fit no Gateway field.
    pub fn does_not_fit(file: impl Into<String>, misfits: Vec<Misfit>) -> Self {
        let detail = format!(
            "{} value(s) fit no Gateway field, nothing written:",
            misfits.len()
        );
        let mut e = Error::new(ErrorKind::DoesNotFit, file, detail);
        e.repr.misfits = misfits;
        e
    }

    /// The same error at `line` and `column` of its file.
    #[must_use]
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.repr.place = Some((line, column));
        self
    }

    /// The same error at the input's field `path` (`gateway.configuration.uri`).
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

    /// What kind of problem it is.
    pub fn kind(&self) -> ErrorKind {
        self.repr.kind
    }

    /// What is wrong.
    pub fn detail(&self) -> &str {
        &self.repr.detail
    }

    /// The input at fault; empty when there is none.
    pub fn file(&self) -> &str {
        &self.repr.file
    }

    /// The line of the problem (from 1), when known.
    pub fn line(&self) -> Option<usize> {
        self.repr.place.map(|(line, _)| line)
    }

    /// The column of the problem (from 1), when known.
    pub fn column(&self) -> Option<usize> {
        self.repr.place.map(|(_, column)| column)
    }

    /// The input's field at fault; empty when none is named.
    pub fn path(&self) -> &str {
        &self.repr.path
    }

    /// The values that fit no Gateway field ([`ErrorKind::DoesNotFit`]), each naming the
    /// gateway, the input's field and the Gateway field, in the order import reads them.
    pub fn misfits(&self) -> &[Misfit] {
        &self.repr.misfits
    }
}

/// Two errors are equal when they say the same thing about the same place; their sources are
/// not compared.
impl PartialEq for Error {
    fn eq(&self, other: &Self) -> bool {
        (
            self.repr.kind,
            &self.repr.detail,
            &self.repr.file,
            self.repr.place,
            &self.repr.path,
            &self.repr.misfits,
        ) == (
            other.repr.kind,
            &other.repr.detail,
            &other.repr.file,
            other.repr.place,
            &other.repr.path,
            &other.repr.misfits,
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if !self.repr.file.is_empty() {
            f.write_str(&self.repr.file)?;
            if let Some((line, column)) = self.repr.place {
                write!(f, ":{line}:{column}")?;
            }
            f.write_str(": ")?;
        }
        if !self.repr.path.is_empty() {
            write!(f, "{}: ", self.repr.path)?;
        }
        f.write_str(&self.repr.detail)?;
        for m in &self.repr.misfits {
            write!(f, "\n  {m}")?;
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
