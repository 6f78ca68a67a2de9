//! YAML text exactly as `kubectl kustomize` prints it.
//!
//! kubectl turns every object into JSON and back into YAML with go-yaml v2. This crate writes a
//! [`serde_json::Value`] the same way, so shgw's output is byte-identical to what kustomize
//! would print for the same objects:
//!
//! - mapping keys in go-yaml's natural order (`a9` before `a10`, `_x` before `B`);
//! - two-space indent, block sequences not indented under their key;
//! - strings that a YAML 1.1 reader would take for something else (`yes`, `on`, `12:30`,
//!   `1_000`, `0755`, `1.25`, `2026-11-26`) double-quoted, so kubectl, kustomize, PyPI-based
//!   linters and `kubectl apply` all read them back as strings;
//! - strings with indicators single-quoted, control characters escaped, multi-line text as a
//!   `|` block, long text folded at spaces after column 80.
//!
//! ```
//! let doc = serde_json::json!({"kind": "ConfigMap", "data": {"enabled": "yes", "port": "8080"}});
//! assert_eq!(
//!     shgw_yaml::to_string(&doc),
//!     "data:\n  enabled: \"yes\"\n  port: \"8080\"\nkind: ConfigMap\n"
//! );
//! ```

mod de;
mod emit;
mod error;
pub mod node;
mod order;
pub mod parse;
mod place;
mod reprint;
mod resolve;
mod scalar;
mod timestamp;
mod unicode_go;

pub use de::{read, read_all, read_node};
pub use emit::format_number;
pub use error::{Error, ErrorKind};
pub use order::{GO_ORDER_CHECK_LIMIT, go_yaml_less, natural_cmp, sort_keys};
pub use place::{Place, Placed, Places, leading_key};
pub use scalar::{Style, is_ambiguous_in_yaml11, key_style, value_style};
use serde_json::Value;

/// What go-yaml makes of a U+0085 (NEL) inside a double-quoted scalar it reads: a line break,
/// folded with the spaces around it into a space (`n` of them in a row into `n - 1`
/// newlines); `None` when `value` holds no NEL.
///
/// ```
/// assert_eq!(shgw_yaml::fold_next_lines("a \u{85} b").as_deref(), Some("a b"));
/// assert_eq!(shgw_yaml::fold_next_lines("ab"), None);
/// ```
pub fn fold_next_lines(value: &str) -> Option<String> {
    reprint::double_quoted(value)
}

/// One YAML document, ending with a newline.
pub fn to_string(doc: &Value) -> String {
    let mut e = emit::Emitter::new();
    e.document(doc);
    e.finish()
}

/// Several documents joined with `---` lines, as `kubectl kustomize` joins them. No documents
/// give an empty string.
///
/// ```
/// let docs = [serde_json::json!({"a": 1}), serde_json::json!({"b": [1, 2]})];
/// assert_eq!(shgw_yaml::to_multi_doc(&docs), "a: 1\n---\nb:\n- 1\n- 2\n");
/// ```
pub fn to_multi_doc<'a>(docs: impl IntoIterator<Item = &'a Value>) -> String {
    let mut out = String::new();
    for (i, doc) in docs.into_iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&to_string(doc));
    }
    out
}
