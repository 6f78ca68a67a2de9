//! Reading files: kustomization files, multi-document YAML, the root restriction.

use crate::error::{Error, Result};
use crate::kustomization::Kustomization;
use serde_json::Value;
use shgw_yaml::node::{Node, Tag};
use std::path::{Component, Path, PathBuf};

/// The accepted kustomization file names, in lookup order.
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// How a text is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A kustomization or another configuration file (go-yaml v2 rules: YAML 1.1 booleans,
    /// a later duplicate key wins).
    Config,
    /// A configuration read with YAML 1.2 rules (a schema file, a plugin config; a later
    /// duplicate key wins).
    Data,
    /// A patch (kyaml's YAML 1.2 rules; of a key written twice the first counts).
    Patch,
    /// A resource file (kyaml's YAML 1.2 rules; duplicate keys are errors).
    Resource,
}

/// Parses a multi-document YAML text into its non-empty documents, each built once from
/// the parser's events (see [`shgw_yaml::node`]).
pub fn parse_nodes(text: &str, mode: Mode) -> std::result::Result<Vec<Node>, shgw_yaml::Error> {
    use shgw_yaml::parse::{DuplicateKeys, ParseOptions};
    let opts = ParseOptions {
        yaml11: mode == Mode::Config,
        duplicate_keys: match mode {
            Mode::Resource => DuplicateKeys::Error,
            Mode::Patch => DuplicateKeys::FirstWins,
            Mode::Config | Mode::Data => DuplicateKeys::LastWins,
        },
    };
    shgw_yaml::parse::parse_documents(text, &opts)
}

/// Parses a multi-document configuration text (`yaml11`: go-yaml v2 rules) into the typed
/// values of its non-empty documents.
pub fn parse_documents(
    text: &str,
    yaml11: bool,
) -> std::result::Result<Vec<Value>, shgw_yaml::Error> {
    let mode = if yaml11 { Mode::Config } else { Mode::Data };
    Ok(parse_nodes(text, mode)?
        .iter()
        .map(Node::to_value)
        .collect())
}

/// Rewrites the string map `metadata.<field>` as kustomize's `SetAnnotations`/`SetLabels`
/// do when they rewrite it from `GetAnnotations`/`GetLabels`: every value becomes a string
/// of its source text (`1.0`, `0755`, `~`, and `null` for a null written by a JSON patch),
/// and an empty or null map disappears.
pub fn restring_metadata_map(doc: &mut Node, field: &str) {
    let Some(Node::Map(meta)) = doc.get_mut("metadata") else {
        return;
    };
    match meta.get_mut(field) {
        Some(Node::Map(m)) if !m.is_empty() => m.values_mut().for_each(restring),
        Some(Node::Map(_)) => {
            meta.shift_remove(field);
        }
        Some(n) if n.is_null() => {
            meta.shift_remove(field);
        }
        _ => {}
    }
}

/// Makes a node a string of its source text (kyaml's `YNode.Value` stored as `!!str`); a
/// mapping or a sequence, whose `Value` is empty, becomes `""` (verified with kubectl
/// v1.37.1 for an annotation holding a map).
pub fn restring(n: &mut Node) {
    if !matches!(n, Node::Scalar(_)) {
        *n = Node::string("");
        return;
    }
    if let Node::Scalar(s) = n
        && s.tag != Tag::Str
    {
        *n = Node::string(std::mem::take(&mut s.text));
    }
}

/// Whether a `resources:`/`components:` entry names a remote target: a URL, a git
/// repository (`git@host:…`, `git::…`) or a `github.com/…`-style repository path. Such an
/// entry is refused, never read as a local path.
pub fn is_remote(entry: &str) -> bool {
    let e = entry.trim();
    [
        "https://", "http://", "ssh://", "git://", "file://", "git@", "git::", "s3::", "gcs::",
    ]
    .iter()
    .any(|p| e.starts_with(p))
        || [
            "github.com/",
            "gitlab.com/",
            "bitbucket.org/",
            "dev.azure.com/",
        ]
        .iter()
        .any(|h| e.starts_with(h))
}

/// Lexically normalises a path (`.` and `..` removed).
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Resolves `entry` relative to `dir` (absolute, normalised; symlinks resolved when possible).
pub fn resolve(dir: &Path, entry: &str) -> PathBuf {
    let joined = normalize(&dir.join(entry));
    crate::fs::current().canonicalize(&joined).unwrap_or(joined)
}

/// Checks that `resolved`, what the kustomization entry `entry` resolves to from `root`, is in
/// or below `root`; the error names the entry's path as kustomize does (joined to `root`,
/// symlinks unresolved) and where it leads.
pub fn check_entry_in_root(resolved: &Path, root: &Path, entry: &str) -> Result<()> {
    if resolved.starts_with(root) {
        return Ok(());
    }
    let joined = normalize(&root.join(entry));
    Err(Error::OutsideRoot {
        resolved: (joined != resolved).then(|| resolved.to_path_buf()),
        file: joined,
        root: root.to_path_buf(),
    })
}

/// Reads a file of the kustomization rooted at `root` as bytes ([`crate::fs::read_in_root`]:
/// the file, symlinks resolved, must lie in or below `root`).
pub fn read_bytes(path: &Path, root: &Path) -> Result<Vec<u8>> {
    crate::fs::read_in_root(path, root)
}

/// Reads a text file of the kustomization rooted at `root` ([`read_bytes`]); a file that is
/// not UTF-8 is refused, as kubectl refuses it, with the place of the first bad byte.
pub fn read_text(path: &Path, root: &Path) -> Result<String> {
    let bytes = read_bytes(path, root)?;
    String::from_utf8(bytes).map_err(|e| {
        let (what, line, column) = utf8_fault(e.as_bytes(), e.utf8_error().valid_up_to());
        Error::NotUtf8 {
            file: path.to_path_buf(),
            what,
            line,
            column,
        }
    })
}

/// go-yaml's word for the UTF-8 fault at `at` (its reader's classification: a bad leading
/// byte, a sequence cut off by the end of the text, a bad continuation byte, an overlong form
/// or a value that is no Unicode character), with the 1-based line and column of `at`.
pub(crate) fn utf8_fault(bytes: &[u8], at: usize) -> (&'static str, usize, usize) {
    let head = &bytes[..at];
    let line = head.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = head.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&head[line_start..]).chars().count() + 1;
    let rest = &bytes[at..];
    let lead = rest.first().copied().unwrap_or(0);
    let width = match lead {
        b if b & 0x80 == 0 => 1,
        b if b & 0xE0 == 0xC0 => 2,
        b if b & 0xF0 == 0xE0 => 3,
        b if b & 0xF8 == 0xF0 => 4,
        _ => return ("invalid leading UTF-8 octet", line, column),
    };
    if width > rest.len() {
        return ("incomplete UTF-8 octet sequence", line, column);
    }
    let mut value = u32::from(lead & (0xFF >> (width + 1)));
    for &b in &rest[1..width] {
        if b & 0xC0 != 0x80 {
            return ("invalid trailing UTF-8 octet", line, column);
        }
        value = (value << 6) | u32::from(b & 0x3F);
    }
    let shortest = match width {
        2 => value >= 0x80,
        3 => value >= 0x800,
        4 => value >= 0x10000,
        _ => true,
    };
    if !shortest {
        ("invalid length of a UTF-8 sequence", line, column)
    } else {
        ("invalid Unicode character", line, column)
    }
}

/// Finds the kustomization file of the directory `dir` (absolute and canonical).
///
/// A kustomization file that is a symlink leading out of `dir` is refused as kustomize
/// refuses it (its loader cannot load it, so the directory has none): the file is never read.
pub fn find_kustomization_file(dir: &Path) -> Result<PathBuf> {
    let fs = crate::fs::current();
    let mut found = Vec::new();
    let mut refused = None;
    for name in KUSTOMIZATION_FILES {
        let file = dir.join(name);
        if !fs.is_file(&file) {
            continue;
        }
        match crate::fs::resolve_in_root(fs.as_ref(), &file, dir) {
            Ok(_) => found.push(file),
            Err(Error::OutsideRoot {
                resolved: Some(resolved),
                ..
            }) => {
                refused.get_or_insert((file, resolved));
            }
            Err(e) => return Err(e),
        }
    }
    match (found.len(), refused) {
        (0, Some((file, resolved))) => Err(Error::KustomizationOutsideRoot {
            dir: dir.to_path_buf(),
            file,
            resolved,
        }),
        (0, None) => Err(Error::NoKustomization(dir.to_path_buf())),
        (1, _) => Ok(found.into_iter().next().unwrap_or_default()),
        _ => Err(Error::MultipleKustomizations(dir.to_path_buf())),
    }
}

/// Loads and strictly decodes the kustomization of a directory.
pub fn load_kustomization(dir: &Path) -> Result<Kustomization> {
    let file = find_kustomization_file(dir)?;
    let invalid = |msg: String| Error::InvalidKustomization {
        file: file.clone(),
        msg,
    };
    let text = read_text(&file, dir).map_err(|e| match e {
        Error::NotUtf8 {
            what, line, column, ..
        } => invalid(format!("yaml: {what} (line {line}, column {column})")),
        other => other,
    })?;
    let docs = parse_documents(&text, true).map_err(|e| invalid(format!("yaml: {e}")))?;
    // kustomize calls a kustomization that decodes to the zero value (apart from
    // `apiVersion`/`kind`) empty; `resources: []` is not zero, `namePrefix: ""` is.
    let is_zero = |v: &Value| match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Number(n) => n.as_f64() == Some(0.0),
        _ => false,
    };
    let empty = |doc: &Value| {
        doc.as_object().is_some_and(|m| {
            m.iter()
                .all(|(k, v)| k == "apiVersion" || k == "kind" || is_zero(v))
        })
    };
    let Some(mut doc) = docs.into_iter().next().filter(|d| !empty(d)) else {
        return Err(Error::msg("kustomization.yaml is empty"));
    };
    fold_next_lines(&mut doc);
    let mut k: Kustomization = crate::decode::decode(doc).map_err(|e| invalid(json_error(&e)))?;
    if let Some(kind) = k.kind.as_deref()
        && kind != "Kustomization"
        && kind != "Component"
    {
        return Err(invalid(format!(
            "kind should be Kustomization or Component, got {kind}"
        )));
    }
    let kind = k
        .kind
        .as_deref()
        .filter(|k| !k.is_empty())
        .unwrap_or("Kustomization");
    let expected = if kind == "Component" {
        "kustomize.config.k8s.io/v1alpha1"
    } else {
        "kustomize.config.k8s.io/v1beta1"
    };
    if k.api_version
        .as_deref()
        .is_some_and(|a| !a.is_empty() && a != expected)
    {
        return Err(Error::msg(format!(
            "Failed to read kustomization file under {}:\napiVersion for {kind} should be {expected}",
            dir.display()
        )));
    }
    let used = |v: &Option<Value>| {
        v.as_ref()
            .is_some_and(|v| !(v.is_null() || v.as_array().is_some_and(Vec::is_empty)))
    };
    let unsupported: [(&'static str, bool); 3] = [
        ("helmCharts", used(&k.helm_charts)),
        (
            "helmChartInflationGenerator",
            used(&k.helm_chart_inflation_generator),
        ),
        (
            "validators",
            k.validators.as_ref().is_some_and(|v| !v.is_empty()),
        ),
    ];
    if let Some((field, _)) = unsupported.iter().find(|(_, u)| *u) {
        return Err(Error::Unsupported { field, file });
    }
    if let Some(bases) = k.bases.take() {
        k.resources.get_or_insert_with(Vec::new).extend(bases);
    }
    if let Some(tags) = k.image_tags.take() {
        k.images.get_or_insert_with(Vec::new).extend(tags);
    }
    Ok(k)
}

/// serde's `invalid type: string "…", expected …` without the string.
pub(crate) fn unquoted(s: String) -> String {
    for kind in ["invalid type: string \"", "invalid value: string \""] {
        if let (Some(i), Some(j)) = (s.find(kind), s.rfind("\", expected"))
            && j >= i + kind.len()
        {
            return format!("{}{}", &s[..i + kind.len() - 2], &s[j + 1..]);
        }
    }
    s
}

/// kustomize reads a kustomization's strings with a U+0085 (NEL) in them folded as go-yaml
/// folds a line break in a double-quoted scalar (a literal `"k=a\N b"` generates `a b`,
/// verified with kubectl v1.37.1).
fn fold_next_lines(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let Some(folded) = shgw_yaml::fold_next_lines(s) {
                *s = folded;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fold_next_lines),
        Value::Object(map) => map.values_mut().for_each(fold_next_lines),
        _ => {}
    }
}

/// A serde error in Go's `encoding/json` wording where it has one. Like Go's, it never
/// quotes the string it could not decode (a file read as a kustomization may hold a secret).
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    let s = unquoted(e.to_string());
    if let Some(rest) = s.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return format!("json: unknown field \"{field}\"");
    }
    format!("json: {s}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn decode_errors_do_not_quote_strings() {
        let e = crate::decode::decode::<Kustomization>(serde_json::json!("password=hunter2"))
            .unwrap_err();
        let msg = json_error(&e);
        assert_eq!(
            msg,
            "json: invalid type: string, expected struct Kustomization"
        );
        let e = crate::decode::decode::<Kustomization>(serde_json::json!({"resources": "pw"}))
            .unwrap_err();
        assert_eq!(
            json_error(&e),
            "json: invalid type: string, expected a sequence"
        );
    }

    #[test]
    fn documents() {
        let docs = parse_documents("a: 0755\nb: yes\n---\n---\nc: [1]\n", false).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0]["a"], 493);
        assert_eq!(docs[0]["b"], "yes");
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
    }
}
