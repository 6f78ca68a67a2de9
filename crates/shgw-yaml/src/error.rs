//! The crate's one error: what kind of problem, what is wrong, where (file, line and column,
//! field path), and what caused it.

use crate::place::Place;
use std::fmt;
use std::sync::Arc;

/// What kind of problem an [`Error`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Not YAML as go-yaml and kyaml read it (including an unknown anchor, a bad document
    /// separator, an escape go-yaml does not know).
    Syntax,
    /// A scalar that does not fit its explicit tag (`!!int x`), or that kubectl cannot print
    /// (`.inf`, a timestamp with a 24-hour zone offset).
    Value,
    /// A mapping key that is not a scalar, or does not read as a string (resources) or is null.
    Key,
    /// A key written twice in one mapping
    /// ([`DuplicateKeys::Error`](crate::parse::DuplicateKeys::Error)).
    DuplicateKey,
    /// A merge key (`<<`) whose value is not a mapping or a list of mappings, or two of them.
    Merge,
    /// Beyond [`MAX_DEPTH`](crate::parse::MAX_DEPTH) or the
    /// [`node_budget`](crate::parse::node_budget).
    Limit,
    /// A field the type being read does not have.
    UnknownField,
    /// A field the type being read requires and the document does not have.
    MissingField,
    /// A value of the wrong type (a mapping for a string, `three` for a number) or out of
    /// range for its field.
    Type,
    /// Any other problem a type reports while it is read.
    Invalid,
}

/// A text that cannot be read, or a document that is not the type it is read as.
///
/// ```
/// use shgw_yaml::{ErrorKind, read_all};
/// #[derive(serde::Deserialize, Debug)]
/// #[serde(deny_unknown_fields)]
/// struct Spec { replicas: i32 }
/// let problems = read_all::<Spec>("s.yaml", "replicas: three\n---\nreplicaz: 2\n").unwrap_err();
/// assert_eq!(problems[0].kind(), ErrorKind::Type);
/// assert_eq!(problems[0].to_string(), "s.yaml:1:11: replicas: invalid type: string \"three\", expected i32");
/// assert_eq!(problems[1].kind(), ErrorKind::UnknownField);
/// assert_eq!((problems[1].line(), problems[1].column(), problems[1].path()), (3, 1, "replicaz"));
/// ```
#[derive(Clone, Debug)]
pub struct Error {
    kind: ErrorKind,
    detail: String,
    place: Option<Place>,
    path: String,
    file: Option<String>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// An error of `kind` saying `detail`, placed nowhere yet.
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        Error {
            kind,
            detail: detail.into(),
            place: None,
            path: String::new(),
            file: None,
            source: None,
        }
    }

    /// An error at `place`.
    pub(crate) fn at(kind: ErrorKind, detail: impl Into<String>, place: Place) -> Self {
        Error {
            place: Some(place),
            ..Error::new(kind, detail)
        }
    }

    /// The same error, in `file`.
    #[must_use]
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// The same error, caused by `source`.
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// The same error at `place` and field `path`, unless it is placed already.
    pub(crate) fn placed(mut self, place: Place, path: &str) -> Self {
        if self.place.is_none() {
            self.place = Some(place);
            self.path = if self.kind == ErrorKind::MissingField {
                crate::de::join(path, &self.path)
            } else {
                path.to_owned()
            };
        }
        self
    }

    /// The same error in a piece that starts after `lines` lines of the whole text.
    pub(crate) fn below(mut self, lines: usize) -> Self {
        self.place = self.place.map(|p| p.below(lines));
        self
    }

    /// What kind of problem it is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// What is wrong, without the place.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// What is wrong, without the place (as [`Error::detail`]).
    pub fn message(&self) -> &str {
        &self.detail
    }

    /// Where: the line and column of the key or value at fault.
    pub fn place(&self) -> Option<Place> {
        self.place.filter(|p| p.line > 0)
    }

    /// The 1-based line (0 when the error has no place).
    pub fn line(&self) -> usize {
        self.place()
            .map_or(0, |p| usize::try_from(p.line).unwrap_or(usize::MAX))
    }

    /// The 1-based column, in characters (0 when the error has no place).
    pub fn column(&self) -> usize {
        self.place()
            .map_or(0, |p| usize::try_from(p.column).unwrap_or(usize::MAX))
    }

    /// The dotted path of the field at fault (`spec.replicas`, `spec.pod.tolerations[0].key`);
    /// empty for the document itself or a syntax error.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The file, when one was given.
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }
}

/// Two errors are equal when they say the same thing at the same place (the sources are not
/// compared).
impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        (
            self.kind,
            &self.detail,
            self.place(),
            &self.path,
            &self.file,
        ) == (
            other.kind,
            &other.detail,
            other.place(),
            &other.path,
            &other.file,
        )
    }
}

impl Eq for Error {}

/// `FILE:LINE:COLUMN: PATH: DETAIL` when the file is known; `DETAIL (line L, column C)`
/// otherwise (as kustomize's messages quote a resource's problem).
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.place()) {
            (Some(file), Some(p)) => write!(f, "{file}:{}:{}: ", p.line, p.column)?,
            (Some(file), None) => write!(f, "{file}: ")?,
            (None, _) => {}
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.detail)?;
        if let (None, Some(p)) = (&self.file, self.place()) {
            write!(f, " (line {}, column {})", p.line, p.column)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(ErrorKind::Invalid, msg.to_string())
    }

    fn invalid_type(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        Error::new(
            ErrorKind::Type,
            format!("invalid type: {unexp}, expected {exp}"),
        )
    }

    fn invalid_value(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        Error::new(
            ErrorKind::Type,
            format!("invalid value: {unexp}, expected {exp}"),
        )
    }

    fn invalid_length(len: usize, exp: &dyn serde::de::Expected) -> Self {
        Error::new(
            ErrorKind::Type,
            format!("invalid length {len}, expected {exp}"),
        )
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Error::new(
            ErrorKind::Type,
            format!("unknown variant `{variant}`, expected {}", one_of(expected)),
        )
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Error::new(
            ErrorKind::UnknownField,
            format!("unknown field `{field}`, expected {}", one_of(expected)),
        )
    }

    fn missing_field(field: &'static str) -> Self {
        // The map reading it puts its own path before the field's name.
        Error {
            path: field.to_owned(),
            ..Error::new(ErrorKind::MissingField, "required")
        }
    }
}

/// The names a field or variant may have, as serde words them: `` `a` ``, `` `a` or `b` ``,
/// `` one of `a`, `b`, `c` ``.
fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [] => "nothing".to_owned(),
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        _ => format!("one of {}", quoted.join(", ")),
    }
}
