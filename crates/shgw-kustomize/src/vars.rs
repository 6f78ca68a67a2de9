//! `vars` (deprecated in kustomize, still used): `$(NAME)` in the varReference fields is
//! replaced by a field of another resource, once, at the end of the top-level build.

use crate::alias::{Seg, propagate, write_in_place};
use crate::error::{Error, Result};
use crate::fieldpath::{spec_applies, split_path, visit_at};
use crate::kustomization::{FieldSpec, Var};
use crate::replacements::{find, get, scalar_text, split_field_path};
use crate::resid::split_api_version;
use crate::resource::Resource;
use indexmap::IndexMap;
use shgw_yaml::node::Node;

/// Adds the vars of one kustomization to those collected from the ones it includes.
///
/// # Errors
/// A name already defined (kustomize's "var 'NAME' already encountered").
pub fn collect(all: &mut Vec<Var>, new: &[Var]) -> Result<()> {
    for v in new {
        if all.iter().any(|x| x.name == v.name) {
            return Err(Error::msg(format!("var '{}' already encountered", v.name)));
        }
        all.push(v.clone());
    }
    Ok(())
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

fn field_path(v: &Var) -> &str {
    v.fieldref
        .as_ref()
        .map(|f| f.fieldpath.as_str())
        .filter(|f| !f.is_empty())
        .unwrap_or("metadata.name")
}

/// The value of a var from the resources (a scalar).
fn value_of(acc: &[Resource], v: &Var) -> Result<Node> {
    let o = &v.objref;
    let (g, ver) = match o.api_version.as_deref() {
        Some(a) if !a.is_empty() => split_api_version(a),
        _ => (opt(&o.group).to_string(), opt(&o.version).to_string()),
    };
    let matches: Vec<&Resource> = acc
        .iter()
        .filter(|r| {
            std::iter::once(r.id())
                .chain(r.prev_ids.iter().cloned())
                .any(|id| {
                    (g.is_empty() || g == id.group)
                        && (ver.is_empty() || ver == id.version)
                        && opt(&o.kind) == id.kind
                        && opt(&o.name) == id.name
                        && (opt(&o.namespace).is_empty()
                            || opt(&o.namespace) == id.effective_namespace())
                })
        })
        .collect();
    let r = match matches.as_slice() {
        [one] => *one,
        [] => {
            let or = |s: &str, p: &'static str| {
                if s.is_empty() {
                    p.to_string()
                } else {
                    s.to_string()
                }
            };
            return Err(Error::msg(format!(
                "var '{{{} {}.{}.{} {{{}}}}}' cannot be mapped to a field in the set of known resources",
                v.name,
                or(opt(&o.kind), "[noKind]"),
                or(&ver, "[noVer]"),
                or(&g, "[noGrp]"),
                field_path(v)
            )));
        }
        many => {
            return Err(Error::msg(format!(
                "found {} resId matches for var {} (unable to disambiguate)",
                many.len(),
                v.name
            )));
        }
    };
    let fp = field_path(v);
    // `spec.ports[0].port` is `spec.ports.0.port`.
    let dotted = index_brackets(fp);
    let mut obj = r.obj.clone();
    let places = find(&mut obj, &split_field_path(&dotted), false)?;
    match places.first().and_then(|p| get(&obj, p)) {
        Some(Node::Map(_) | Node::Seq(_)) | None => Err(Error::msg(format!(
            "field specified in var '{}' not found in corresponding resource or is not a scalar",
            v.name
        ))),
        Some(value) => Ok(value.clone()),
    }
}

/// `a[0].b` → `a.0.b` (other brackets are left alone).
fn index_brackets(fp: &str) -> String {
    let mut out = String::with_capacity(fp.len());
    let mut rest = fp;
    while let Some(i) = rest.find('[') {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        match tail[1..].find(']') {
            Some(end)
                if !tail[1..=end].is_empty()
                    && tail[1..=end].chars().all(|c| c.is_ascii_digit()) =>
            {
                out.push('.');
                out.push_str(&tail[1..=end]);
                rest = &tail[end + 2..];
            }
            _ => {
                out.push('[');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Kubernetes' `$(VAR)` expansion: known names are replaced, unknown ones kept, `$$`
/// escapes a `$`.
fn expand(s: &str, vals: &IndexMap<String, String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        if let Some(after) = tail.strip_prefix('$') {
            out.push('$');
            rest = after;
        } else if let Some(inner) = tail.strip_prefix('(') {
            match inner.find(')') {
                Some(end) => {
                    let name = &inner[..end];
                    match vals.get(name) {
                        Some(v) => out.push_str(v),
                        None => {
                            out.push_str("$(");
                            out.push_str(name);
                            out.push(')');
                        }
                    }
                    rest = &inner[end + 1..];
                }
                None => {
                    out.push_str("$(");
                    rest = inner;
                }
            }
        } else {
            out.push('$');
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

fn expand_node(node: &mut Node, vals: &IndexMap<String, Node>, texts: &IndexMap<String, String>) {
    match node {
        Node::Map(m) => m.values_mut().for_each(|v| expand_node(v, vals, texts)),
        Node::Seq(a) => a.iter_mut().for_each(|v| expand_node(v, vals, texts)),
        Node::Scalar(_) => {
            let Some(s) = node.as_str().filter(|s| s.contains('$')) else {
                return;
            };
            // A field that is exactly one reference takes the value with its type (kubectl
            // v1.37.1 prints a port copied into `args` as `8080`, not `"8080"`).
            let whole = s
                .strip_prefix("$(")
                .and_then(|r| r.strip_suffix(')'))
                .and_then(|name| vals.get(name));
            let new = match whole {
                Some(v) => v.clone(),
                None => Node::string(expand(s, texts)),
            };
            write_in_place(node, new);
        }
    }
}

/// Resolves every var and substitutes it at the varReference field specs `specs`.
///
/// # Errors
/// A var whose resource or field cannot be found, or is ambiguous.
pub fn substitute(acc: &mut [Resource], vars: &[Var], specs: &[FieldSpec]) -> Result<()> {
    if vars.is_empty() {
        return Ok(());
    }
    let mut vals = IndexMap::new();
    for v in vars {
        vals.insert(v.name.clone(), value_of(acc, v)?);
    }
    let texts: IndexMap<String, String> = vals
        .iter()
        .map(|(k, v)| (k.clone(), scalar_text(v)))
        .collect();
    for r in acc.iter_mut() {
        let id = r.id();
        let is_text = |v: &Node| v.as_str().is_some();
        for spec in specs.iter().filter(|s| spec_applies(s, &id)) {
            let path = split_path(&spec.path);
            let mut bad = false;
            visit_at(
                &mut r.obj,
                &path,
                false,
                &mut Vec::new(),
                &mut |node, at| {
                    // kyaml refuses a list with anything but strings in a varReference field.
                    if matches!(at.last(), Some(Seg::Index(_))) && !is_text(node) {
                        bad = true;
                    }
                    expand_node(node, &vals, &texts);
                },
            );
            if bad {
                return Err(Error::msg(format!(
                    "considering field '{}' of object {id}: visit traversal on path: [{}]: invalid value type expect a string",
                    spec.path,
                    path.last().map(String::as_str).unwrap_or("")
                )));
            }
        }
        // A node kustomize shares between fields (a label or annotation it created) is
        // rewritten in place, so the substitution shows in all of them.
        propagate(&mut r.obj);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion() {
        let vals: IndexMap<String, String> = [("V".to_string(), "x".to_string())].into();
        assert_eq!(
            expand("a-$(V)-$(NOPE)-$$(V)-$x-$(", &vals),
            "a-x-$(NOPE)-$(V)-$x-$("
        );
        assert_eq!(index_brackets("spec.ports[0].port"), "spec.ports.0.port");
        assert_eq!(index_brackets("a.[name=x].b"), "a.[name=x].b");
    }
}
