//! The filesystem a build reads: the disk, or a tree held in memory.
//!
//! A build reads only through [`FileSystem`]; [`crate::BuildOptions::fs`] chooses it (the
//! disk when unset). While a build runs, the filesystem in use is this thread's current one.
//!
//! The load restrictions live here, so that every command that builds a tree gets them: every
//! file is read through `read_in_root`, which resolves symlinks and refuses a file that is not
//! in or below the root of the kustomization naming it (kustomize's default
//! `LoadRestrictionsRootOnly`), and a kustomization file that leads out of its directory is
//! not a kustomization file (`load::find_kustomization_file`). Directories (bases,
//! components) may lie anywhere, as in kustomize.

use crate::error::Error;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// What a build needs from a filesystem.
pub trait FileSystem: Send + Sync {
    /// The bytes of a file.
    ///
    /// # Errors
    /// The file does not exist or cannot be read.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Whether `path` is a file.
    fn is_file(&self, path: &Path) -> bool;
    /// Whether `path` is a directory.
    fn is_dir(&self, path: &Path) -> bool;
    /// The absolute, normalised form of an existing path (symlinks resolved on disk). The
    /// load restrictions judge this form: a filesystem with links must resolve them here.
    ///
    /// # Errors
    /// The path does not exist.
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;
}

/// The disk (`std::fs`).
#[derive(Debug, Default, Clone, Copy)]
pub struct DiskFs;

impl FileSystem for DiskFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }
}

/// A tree of files held in memory; directories are implied by the files under them.
///
/// ```
/// use shgw_kustomize::{BuildOptions, MemoryFs, build};
/// use std::{path::Path, sync::Arc};
/// let mut fs = MemoryFs::new();
/// fs.insert("/app/kustomization.yaml", "resources: [cm.yaml]\nnamePrefix: p-\n");
/// fs.insert("/app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
/// let opts = BuildOptions { fs: Some(Arc::new(fs)), ..Default::default() };
/// let yaml = build(Path::new("/app"), &opts)?;
/// assert_eq!(yaml, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p-c\n");
/// # Ok::<(), shgw_kustomize::Error>(())
/// ```
#[derive(Debug, Default, Clone)]
pub struct MemoryFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(n) => out.push(n),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    out
}

impl MemoryFs {
    /// An empty tree.
    pub fn new() -> Self {
        MemoryFs::default()
    }

    /// Adds (or replaces) the file at `path` (absolute; `.` and `..` are resolved).
    pub fn insert(&mut self, path: impl AsRef<Path>, contents: impl Into<Vec<u8>>) {
        self.files.insert(normal(path.as_ref()), contents.into());
    }
}

impl FileSystem for MemoryFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(&normal(path))
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file or directory"))
    }
    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(&normal(path))
    }
    fn is_dir(&self, path: &Path) -> bool {
        let dir = normal(path);
        self.files
            .range(dir.clone()..)
            .next()
            .is_some_and(|(p, _)| p != &dir && p.starts_with(&dir))
    }
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        let p = normal(path);
        if self.is_file(&p) || self.is_dir(&p) {
            Ok(p)
        } else {
            Err(io::Error::new(
                io::ErrorKind::NotFound,
                "no such file or directory",
            ))
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<dyn FileSystem>>> = const { RefCell::new(None) };
}

/// Runs `f` with `fs` as this thread's filesystem (the disk when `None`), restoring the
/// previous one afterwards.
pub(crate) fn scoped<T>(fs: Option<Arc<dyn FileSystem>>, f: impl FnOnce() -> T) -> T {
    let previous = CURRENT.with(|c| c.replace(fs));
    let out = f();
    CURRENT.with(|c| *c.borrow_mut() = previous);
    out
}

/// Reads the file at `path` for the kustomization rooted at `root` (absolute and
/// canonical), as kustomize's default load restrictor (`LoadRestrictionsRootOnly`) allows
/// it: the path, with every symlink on its way resolved, must name a file in or below
/// `root`. Every file a build reads goes through here, so the rule holds whichever command
/// started the build (`shgw build`, `shgw review DIR`, ...): a symlink cannot pull a file
/// from elsewhere into the output, and a refused file is never read, so no error can quote
/// it.
///
/// # Errors
/// [`Error::OutsideRoot`] when the file resolves outside `root`; [`Error::Io`] when it
/// cannot be resolved or read.
pub(crate) fn read_in_root(path: &Path, root: &Path) -> Result<Vec<u8>, Error> {
    let fs = current();
    let resolved = resolve_in_root(fs.as_ref(), path, root)?;
    fs.read(&resolved).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The canonical form of `path`, refused unless it lies in or below `root`.
pub(crate) fn resolve_in_root(
    fs: &dyn FileSystem,
    path: &Path,
    root: &Path,
) -> Result<PathBuf, Error> {
    let resolved = fs.canonicalize(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if resolved.starts_with(root) {
        Ok(resolved)
    } else {
        Err(Error::OutsideRoot {
            file: path.to_path_buf(),
            resolved: (resolved != path).then_some(resolved),
            root: root.to_path_buf(),
        })
    }
}

/// The filesystem of the build running on this thread.
pub(crate) fn current() -> Arc<dyn FileSystem> {
    CURRENT
        .with(|c| c.borrow().clone())
        .unwrap_or_else(|| Arc::new(DiskFs))
}
