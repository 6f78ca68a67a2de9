//! Errors of the build, with messages close to kustomize's.

use std::path::PathBuf;

/// A build failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No kustomization file in a directory.
    #[error("unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}'", .0.display())]
    NoKustomization(PathBuf),
    /// Several kustomization files in a directory.
    #[error("Found multiple kustomization files under: {}", .0.display())]
    MultipleKustomizations(PathBuf),
    /// The kustomization file could not be decoded.
    #[error("invalid Kustomization: {msg} (in {})", .file.display())]
    InvalidKustomization {
        /// The kustomization file.
        file: PathBuf,
        /// What went wrong.
        msg: String,
    },
    /// A directory's kustomization file is a symlink to a file outside the directory: kustomize
    /// refuses to load it, so the directory has no kustomization.
    #[error("unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}' ('{}' leads to '{}', outside the directory; the load restrictions refuse it)", .dir.display(), .file.display(), .resolved.display())]
    KustomizationOutsideRoot {
        /// The directory.
        dir: PathBuf,
        /// The kustomization file (a symlink).
        file: PathBuf,
        /// Where it leads.
        resolved: PathBuf,
    },
    /// A text file that is not UTF-8 (kustomize refuses it; nothing of it is quoted).
    #[error("{}: {what} at line {line}, column {column} (the file must be UTF-8)", .file.display())]
    NotUtf8 {
        /// The file.
        file: PathBuf,
        /// go-yaml's word for the fault (`invalid trailing UTF-8 octet`, ...).
        what: &'static str,
        /// 1-based line of the first bad byte.
        line: usize,
        /// 1-based column (in characters) of the first bad byte.
        column: usize,
    },
    /// A chain of kustomizations deeper than [`crate::MAX_DEPTH`].
    #[error("kustomization '{}' is nested {depth} levels deep, beyond the limit of {limit} (a chain of bases or components this long is refused; kubectl builds at least 2,000)", .dir.display())]
    TooDeep {
        /// The kustomization directory past the limit.
        dir: PathBuf,
        /// Its depth (the top-level kustomization is 1).
        depth: usize,
        /// The limit ([`crate::MAX_DEPTH`]).
        limit: usize,
    },
    /// A file could not be read.
    #[error("accumulating resources: accumulation err='accumulating resources from '{entry}': evalsymlink failure on '{p}' : lstat {p}: no such file or directory': must build at directory: not a valid directory: evalsymlink failure on '{p}' : lstat {p}: no such file or directory", p = .path.display())]
    Missing {
        /// The entry as written in the kustomization.
        entry: String,
        /// The resolved path.
        path: PathBuf,
    },
    /// A resource file is not valid YAML.
    #[error("MalformedYAMLError: {msg} in File: {}", .file.display())]
    MalformedYaml {
        /// The file.
        file: PathBuf,
        /// Parser message.
        msg: String,
    },
    /// A file lies outside the kustomization root (kustomize's `LoadRestrictionsRootOnly`).
    #[error("security; file '{}' is not in or below '{}'{}", .file.display(), .root.display(), resolved_note(.resolved.as_deref()))]
    OutsideRoot {
        /// The file, as the kustomization names it.
        file: PathBuf,
        /// Where it leads when that differs (a symlink on its way).
        resolved: Option<PathBuf>,
        /// The kustomization root.
        root: PathBuf,
    },
    /// Two resources have the same id.
    #[error("may not add resource with an already registered id: {id} (from {})", .file.display())]
    DuplicateId {
        /// The id.
        id: String,
        /// Where the second copy came from.
        file: PathBuf,
    },
    /// An error while accumulating a `resources:` entry: of the top-level kustomization, of
    /// the base it names, and so on down to the entry that failed.
    #[error("{}{source}", accumulating(.entries))]
    Accumulate {
        /// The entries as written in their kustomizations, outermost first.
        entries: Vec<String>,
        /// The underlying error.
        source: Box<Error>,
    },
    /// A `resources:` or `components:` entry that is a remote target (URL, git repository).
    #[error(
        "{field}[{index}] '{entry}': remote resources are not supported by this renderer (fetch them and refer to a local copy)"
    )]
    Remote {
        /// `resources` or `components`.
        field: &'static str,
        /// The entry's position in the list.
        index: usize,
        /// The entry as written.
        entry: String,
    },
    /// A kustomization field this engine does not implement.
    #[error("unsupported kustomization field '{field}' in {} (not implemented by this renderer)", .file.display())]
    Unsupported {
        /// The field name.
        field: &'static str,
        /// The kustomization file.
        file: PathBuf,
    },
    /// The [`crate::Expander`] hook refused a document.
    #[error("expanding {}: {source}", .file.display())]
    Expand {
        /// The `resources:` file.
        file: PathBuf,
        /// The hook's error.
        source: crate::ExpandError,
    },
    /// An error in one entry of a kustomization file (`patches[2]`, `images[0]`, ...).
    #[error("{source} (in {} at {entry})", .file.display())]
    At {
        /// The kustomization file.
        file: PathBuf,
        /// The entry: field and index, with the value where it names a file.
        entry: String,
        /// What went wrong, in kustomize's words.
        source: Box<Error>,
    },
    /// Any other error, with kustomize's wording.
    #[error("{msg}")]
    Other {
        /// The message.
        msg: String,
    },
    /// An I/O failure.
    #[error("reading {}: {source}", .path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No (or more than one) kustomization file in a directory.
    NoKustomization,
    /// A kustomization file that does not decode.
    InvalidKustomization,
    /// A file or directory that does not exist.
    Missing,
    /// A file that is not valid YAML.
    MalformedYaml,
    /// A file outside the kustomization root.
    OutsideRoot,
    /// Two resources with one id.
    DuplicateId,
    /// A feature this engine refuses (remote resources, Helm, KRM functions, ...).
    Unsupported,
    /// Reading a file failed.
    Io,
    /// The expansion hook refused a document.
    Expand,
    /// Anything else kustomize rejects (a patch matching nothing, a bad selector, ...).
    Invalid,
}

impl Error {
    /// A free-form error.
    pub(crate) fn msg(msg: impl Into<String>) -> Self {
        Error::Other { msg: msg.into() }
    }

    /// Places `self` at `entry` of the kustomization file `file`.
    pub(crate) fn at(self, file: &std::path::Path, entry: impl Into<String>) -> Self {
        Error::At {
            file: file.to_path_buf(),
            entry: entry.into(),
            source: Box::new(self),
        }
    }

    /// The kind of failure.
    ///
    /// ```
    /// let e = shgw_kustomize::build(std::path::Path::new("/nonexistent"), &Default::default());
    /// assert_eq!(e.unwrap_err().kind(), shgw_kustomize::ErrorKind::Io);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NoKustomization(_) | Error::MultipleKustomizations(_) => {
                ErrorKind::NoKustomization
            }
            Error::InvalidKustomization { .. } => ErrorKind::InvalidKustomization,
            Error::Missing { .. } => ErrorKind::Missing,
            Error::MalformedYaml { .. } => ErrorKind::MalformedYaml,
            Error::OutsideRoot { .. } | Error::KustomizationOutsideRoot { .. } => {
                ErrorKind::OutsideRoot
            }
            Error::NotUtf8 { .. } => ErrorKind::MalformedYaml,
            Error::TooDeep { .. } => ErrorKind::Invalid,
            Error::DuplicateId { .. } => ErrorKind::DuplicateId,
            Error::Remote { .. } | Error::Unsupported { .. } => ErrorKind::Unsupported,
            Error::Io { .. } => ErrorKind::Io,
            Error::At { source, .. } | Error::Accumulate { source, .. } => source.kind(),
            Error::Other { .. } => ErrorKind::Invalid,
            Error::Expand { .. } => ErrorKind::Expand,
        }
    }

    /// The kustomization entry the error is about (`patches[2]`), innermost first.
    pub fn entry(&self) -> Option<&str> {
        match self {
            Error::At { entry, source, .. } => source.entry().or(Some(entry)),
            Error::Accumulate { entries, source } => {
                source.entry().or(entries.last().map(String::as_str))
            }
            _ => None,
        }
    }
}

fn accumulating(entries: &[String]) -> String {
    entries
        .iter()
        .map(|e| format!("accumulating resources from '{e}': "))
        .collect()
}

fn resolved_note(resolved: Option<&std::path::Path>) -> String {
    resolved
        .map(|r| format!(" (it leads to '{}')", r.display()))
        .unwrap_or_default()
}

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
