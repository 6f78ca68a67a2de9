//! Field specs: `/`-separated paths with optional GVK filters, walked like kustomize.

use crate::alias::Seg;
use crate::kustomization::FieldSpec;
use crate::resid::ResId;
use shgw_yaml::node::Node;

/// Splits a field-spec path into segments (`\/` escapes a slash, `[]` is dropped).
pub fn split_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'/') {
            cur.push('/');
            chars.next();
        } else if c == '/' {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

/// Whether a field spec applies to a resource with id `id`.
pub fn spec_applies(fs: &FieldSpec, id: &ResId) -> bool {
    (fs.group.is_empty() || fs.group == id.group)
        && (fs.version.is_empty() || fs.version == id.version)
        && (fs.kind.is_empty() || fs.kind == id.kind)
}

/// Calls `f` on every node at `path` below `v`. With `create`, missing maps along
/// the way are created and a missing final node is passed as a null
/// (inserted into the parent).
pub fn visit(v: &mut Node, path: &[String], create: bool, f: &mut dyn FnMut(&mut Node)) {
    visit_at(v, path, create, &mut Vec::new(), &mut |node, _| f(node));
}

/// Like [`visit`], also passing each node's location in the document.
pub fn visit_at(
    v: &mut Node,
    path: &[String],
    create: bool,
    at: &mut Vec<Seg>,
    f: &mut dyn FnMut(&mut Node, &[Seg]),
) {
    walk(v, path, create, false, at, &mut |node, at, _| f(node, at));
}

/// Like [`visit`], also telling whether the field held nothing before: it was missing (and
/// created as a null) or written with no value (`key:`).
pub fn visit_marking_created(
    v: &mut Node,
    path: &[String],
    create: bool,
    f: &mut dyn FnMut(&mut Node, bool),
) {
    walk(
        v,
        path,
        create,
        false,
        &mut Vec::new(),
        &mut |node, _, created| f(node, created),
    );
}

fn walk(
    v: &mut Node,
    path: &[String],
    create: bool,
    created: bool,
    at: &mut Vec<Seg>,
    f: &mut dyn FnMut(&mut Node, &[Seg], bool),
) {
    if let Node::Seq(items) = v {
        for (i, item) in items.iter_mut().enumerate() {
            at.push(Seg::Index(i));
            walk(item, path, create, false, at, f);
            at.pop();
        }
        return;
    }
    let Some((head, rest)) = path.split_first() else {
        f(v, at, created);
        return;
    };
    let Node::Map(m) = v else { return };
    let (head, is_seq) = match head.strip_suffix("[]") {
        Some(h) => (h.to_string(), true),
        None => (head.clone(), false),
    };
    let exists = m.get(&head).is_some_and(|x| !x.is_null());
    // Missing, or written with no value at all (`key:`): nothing was there.
    let blank = m
        .get(&head)
        .is_none_or(|x| x.is_null() && x.text() == Some(""));
    if !exists {
        if !create || is_seq {
            return;
        }
        let fresh = if rest.is_empty() {
            Node::null()
        } else {
            Node::empty_map()
        };
        m.insert(head.clone(), fresh);
    }
    if let Some(child) = m.get_mut(&head) {
        at.push(Seg::Key(head));
        walk(child, rest, create, blank, at, f);
        at.pop();
    }
}

/// Shorthand to build a field spec.
pub fn fs(group: &str, version: &str, kind: &str, path: &str, create: bool) -> FieldSpec {
    FieldSpec {
        group: group.into(),
        version: version.into(),
        kind: kind.into(),
        path: path.into(),
        create,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn walk_and_create() {
        assert_eq!(split_path("a/b\\/c/d[]/e"), vec!["a", "b/c", "d[]", "e"]);
        let mut v = Node::from_value(&json!({"spec": {"c": [{"x": 1}, {"x": 2}]}}));
        visit(&mut v, &split_path("spec/c/x"), false, &mut |n| {
            *n = Node::string("0")
        });
        assert_eq!(
            v.to_value(),
            json!({"spec": {"c": [{"x": "0"}, {"x": "0"}]}})
        );
        visit(&mut v, &split_path("metadata/labels"), true, &mut |n| {
            *n = Node::empty_map()
        });
        assert_eq!(v["metadata"]["labels"].to_value(), json!({}));
    }
}
