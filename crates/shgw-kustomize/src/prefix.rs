//! `namePrefix` / `nameSuffix`, and the builtin `PrefixTransformer`, `SuffixTransformer`
//! and `PrefixSuffixTransformer` plugin configs: a prefix or a suffix added to the text of
//! every field a field spec names, as kustomize v5.8.1 does (verified with kubectl v1.37.1).
//!
//! - Resources whose *original* kind is `CustomResourceDefinition` (any group), `APIService`
//!   of `apiregistration.k8s.io` or `Namespace` (any group) are never touched.
//! - A field spec applies when its group/version/kind select both the original id and the
//!   current document (empty parts are wildcards).
//! - The spec whose path is exactly `metadata/name` also records the prefix (suffix) for
//!   reference disambiguation and, when it is not empty, the resource's previous id.
//! - The path is walked like kustomize's field-spec filter: a list on the way is entered
//!   element by element (`[]` after a name only says so; such a field is never created), a
//!   missing field is skipped, or created with `create: true` (a mapping on the way, a
//!   string at the end), a null on the way ends the walk, and a scalar on the way or an
//!   empty path segment is an error.
//! - The field found must be a scalar (a list or mapping there is an error). Its source
//!   text gets the prefix (suffix), null's text (`null`, `~`, nothing) included, and the
//!   result is typed as kyaml types an untagged scalar: a plain `12` with suffix `0` is the
//!   integer `120`, `tr` with suffix `ue` the boolean `true`; a quoted or block scalar stays
//!   a string.
//! - The field is written in place: a label node kustomize shares between several fields
//!   changes in all of them (see [`crate::alias`]).

use crate::alias::{propagate, write_in_place};
use crate::error::{Error, Result};
use crate::fieldpath::spec_applies;
use crate::kustomization::FieldSpec;
use crate::resid::ResId;
use crate::resource::Resource;
use shgw_yaml::node::{Node, Scalar, Tag, Written};

/// Which end of a value a transformer writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum End {
    /// `PrefixTransformer` (`namePrefix`).
    Prefix,
    /// `SuffixTransformer` (`nameSuffix`).
    Suffix,
}

/// Whether kustomize's prefix/suffix skip list holds `id` (an original id).
fn skipped(id: &ResId) -> bool {
    id.kind == "CustomResourceDefinition"
        || id.kind == "Namespace"
        || (id.kind == "APIService" && id.group == "apiregistration.k8s.io")
}

/// Adds `affix` at `end` of every field of `specs` in every resource.
///
/// # Errors
/// kustomize's field-spec errors, naming the field spec's path and the resource: a scalar
/// where the path goes on, an empty path segment, a list or a mapping at the end of the path.
pub(crate) fn apply(
    resources: &mut [Resource],
    affix: &str,
    end: End,
    specs: &[FieldSpec],
) -> Result<()> {
    for r in resources.iter_mut() {
        let orig = r.orig_id();
        if skipped(&orig) {
            continue;
        }
        // Whether a field written was one of several sharing a node (see `crate::alias`).
        let mut shared = false;
        for spec in specs.iter().filter(|s| spec_applies(s, &orig)) {
            if spec.path == "metadata/name" && !affix.is_empty() {
                match end {
                    End::Prefix => r.prefixes.push(affix.to_string()),
                    End::Suffix => r.suffixes.push(affix.to_string()),
                }
                r.store_prev_id();
            }
            let id = r.id();
            if !spec_applies(spec, &id) {
                continue;
            }
            let path = split(&spec.path);
            walk(&mut r.obj, &path, spec.create, &mut |node| {
                shared |= matches!(node, Node::Scalar(s) if s.share.is_some());
                write_affixed(node, affix, end)
            })
            .map_err(|msg| {
                Error::msg(format!(
                    "considering field '{}' of object {id}: {msg}",
                    spec.path
                ))
            })?;
        }
        if shared {
            propagate(&mut r.obj);
        }
    }
    Ok(())
}

/// kustomize's `PathSplitter`: `/`-separated, one leading `/` allowed, `\` before a `/`
/// keeps it in the segment; empty segments are kept (and refused when reached).
fn split(path: &str) -> Vec<String> {
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 1 && parts[0].is_empty() {
        parts.remove(0);
    }
    let mut out: Vec<String> = Vec::new();
    for p in parts {
        match out.last_mut() {
            Some(last) if last.ends_with('\\') => {
                last.pop();
                last.push('/');
                last.push_str(p);
            }
            _ => out.push(p.to_string()),
        }
    }
    out
}

/// kustomize's field-spec filter over one document, calling `set` on each field found.
fn walk(
    node: &mut Node,
    path: &[String],
    create: bool,
    set: &mut dyn FnMut(&mut Node) -> Result<()>,
) -> Result<()> {
    let Some((head, rest)) = path.split_first() else {
        return set(node);
    };
    match node {
        Node::Scalar(s) if s.tag == Tag::Null => Ok(()),
        Node::Scalar(_) => Err(Error::msg("expected sequence or mapping node")),
        Node::Seq(items) => items
            .iter_mut()
            .try_for_each(|item| walk(item, path, create, set))
            .map_err(|e| {
                Error::msg(format!(
                    "visit traversal on path: [{}]: {e}",
                    path.join(" ")
                ))
            }),
        Node::Map(m) => {
            let (name, is_seq) = match head.strip_suffix("[]") {
                Some(n) => (n, true),
                None => (head.as_str(), false),
            };
            if name.is_empty() {
                return Err(Error::msg("cannot set or create an empty field name"));
            }
            // What a missing (or null) field becomes: nothing without `create`, a list
            // hint for `name[]` (never created), a string at the end, a mapping on the way.
            let creates = create && !is_seq;
            if !m.contains_key(name) {
                if !creates {
                    return Ok(());
                }
                let fresh = if rest.is_empty() {
                    Node::Scalar(Scalar {
                        text: String::new(),
                        tag: Tag::Str,
                        style: Written::Plain,
                        share: None,
                    })
                } else {
                    Node::empty_map()
                };
                m.insert(name.to_string(), fresh);
            }
            let Some(field) = m.get_mut(name) else {
                return Ok(());
            };
            if field.is_null() {
                if is_seq {
                    *field = Node::Seq(Vec::new());
                } else if creates && !rest.is_empty() {
                    *field = Node::empty_map();
                }
                // A null at the end keeps its text (`null`, `~`, or nothing): that text
                // is what gets the prefix, with or without `create`.
            }
            walk(field, rest, create, set)
        }
    }
}

/// Writes the field's text with the affix, typed as kyaml types an untagged scalar of the
/// field's style.
fn write_affixed(node: &mut Node, affix: &str, end: End) -> Result<()> {
    let old = match node {
        Node::Scalar(s) => s,
        Node::Seq(_) => {
            return Err(Error::msg(
                "wrong node kind: expected ScalarNode but got SequenceNode",
            ));
        }
        Node::Map(_) => {
            return Err(Error::msg(
                "wrong node kind: expected ScalarNode but got MappingNode",
            ));
        }
    };
    let text = match end {
        End::Prefix => format!("{affix}{}", old.text),
        End::Suffix => format!("{}{affix}", old.text),
    };
    let new = match old.style {
        Written::Plain => Scalar::plain(text),
        style => Scalar {
            text,
            tag: Tag::Str,
            style,
            share: None,
        },
    };
    write_in_place(node, Node::Scalar(new));
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::fieldpath::fs;
    use serde_json::json;

    fn name_spec() -> Vec<FieldSpec> {
        vec![fs("", "", "", "metadata/name", false)]
    }

    #[test]
    fn prefixes_and_suffixes_names() {
        let mut rs = vec![Resource::new(
            json!({"kind": "ConfigMap", "metadata": {"name": "c"}}),
        )];
        apply(&mut rs, "p-", End::Prefix, &name_spec()).unwrap();
        apply(&mut rs, "-s", End::Suffix, &name_spec()).unwrap();
        assert_eq!(rs[0].obj["metadata"]["name"].as_str(), Some("p-c-s"));
        assert_eq!(rs[0].orig_id().name, "c");
        assert_eq!(rs[0].prev_ids.len(), 2);
        assert_eq!(rs[0].prefixes, vec!["p-"]);
        assert_eq!(rs[0].suffixes, vec!["-s"]);
    }

    #[test]
    fn skipped_kinds_keep_their_names() {
        let mut rs = vec![
            Resource::new(
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}}),
            ),
            Resource::new(
                json!({"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": {"name": "a"}}),
            ),
            Resource::new(
                json!({"apiVersion": "example.com/v1", "kind": "APIService", "metadata": {"name": "b"}}),
            ),
        ];
        apply(&mut rs, "p-", End::Prefix, &name_spec()).unwrap();
        let names: Vec<_> = rs.iter().map(|r| r.id().name).collect();
        assert_eq!(names, vec!["n", "a", "p-b"]);
    }

    #[test]
    fn arbitrary_fields_lists_and_creation() {
        let mut rs = vec![Resource::new(json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": "rb"},
            "subjects": [{"name": "a", "namespace": "n"}, {"name": "b"}],
            "spec": {"n": 12}
        }))];
        let specs = vec![
            fs(
                "rbac.authorization.k8s.io",
                "",
                "RoleBinding",
                "subjects/name",
                false,
            ),
            fs("", "", "RoleBinding", "subjects/namespace", false),
            fs("", "", "Other", "spec/n", false),
            fs("", "", "", "spec/n", false),
            fs("", "", "", "spec/deep/made", true),
        ];
        apply(&mut rs, "1", End::Suffix, &specs).unwrap();
        assert_eq!(
            rs[0].obj.to_value(),
            json!({
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "RoleBinding",
                "metadata": {"name": "rb"},
                "subjects": [{"name": "a1", "namespace": "n1"}, {"name": "b1"}],
                "spec": {"n": 121, "deep": {"made": 1}}
            })
        );
        // Not the name: no previous id, no recorded suffix.
        assert!(rs[0].prev_ids.is_empty() && rs[0].suffixes.is_empty());
    }

    #[test]
    fn errors_name_the_field_and_the_object() {
        let doc = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
            "data": {"a": "x", "l": ["y"]}});
        for (path, msg) in [
            ("data/a/b", "expected sequence or mapping node"),
            ("data//a", "cannot set or create an empty field name"),
            ("data/l", "expected ScalarNode but got SequenceNode"),
            ("data", "expected ScalarNode but got MappingNode"),
        ] {
            let mut rs = vec![Resource::new(doc.clone())];
            let e = apply(&mut rs, "p-", End::Prefix, &[fs("", "", "", path, false)])
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(&format!(
                    "considering field '{path}' of object ConfigMap.v1.[noGrp]/c.[noNs]: "
                )) && e.contains(msg),
                "{path}: {e}"
            );
        }
    }

    #[test]
    fn path_splitting() {
        assert_eq!(split("/a/b"), vec!["a", "b"]);
        assert_eq!(split("a\\/b/c"), vec!["a/b", "c"]);
        assert_eq!(split("a//b"), vec!["a", "", "b"]);
    }
}
