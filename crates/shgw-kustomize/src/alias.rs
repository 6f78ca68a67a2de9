//! Nodes that kustomize shares between several fields of one resource.
//!
//! kustomize's label and annotation transformers (`fieldspec.SetEntry`) build one YAML
//! node per key and resource and insert that very node at every field spec where the key
//! was missing, e.g. `metadata.labels.app`, `spec.selector.matchLabels.app` and
//! `spec.template.metadata.labels.app`. kyaml later overwrites an existing field *in
//! place* (`FieldSetter` copies into the node), so a later label, annotation, strategic-merge,
//! replacement or var write to any one of those fields shows up in all of them (verified
//! with kubectl v1.37.1 / kustomize v5.8.1). A JSON patch re-creates every node and ends
//! the sharing; a field replaced by another node or deleted leaves it.
//!
//! Here the identity lives in the node ([`Share`] on the scalar): a writer that writes in
//! place keeps the field's identity, and [`propagate`] then brings the node's other fields
//! along, as one node would have been.

use shgw_yaml::node::{Node, Scalar, Share, Tag};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// One step of a path into a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A map key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// The node at `path` below `v`, mutably.
pub(crate) fn get_mut<'a>(v: &'a mut Node, path: &[Seg]) -> Option<&'a mut Node> {
    path.iter().try_fold(v, |cur, s| match s {
        Seg::Key(k) => cur.as_map_mut()?.get_mut(k),
        Seg::Index(i) => cur.as_seq_mut()?.get_mut(*i),
    })
}

/// A fresh identity, never handed out before in this process.
pub(crate) fn new_share(text: &str, tag: Tag) -> Share {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    Share {
        id: NEXT.fetch_add(1, Ordering::Relaxed),
        text: text.to_string(),
        tag,
    }
}

/// Writes `new` over the field `node` in place, as kyaml's `FieldSetter` does: a shared
/// scalar field keeps its identity (so [`propagate`] passes the write on), and nothing of
/// the identity `new` had elsewhere comes along.
pub(crate) fn write_in_place(node: &mut Node, new: Node) {
    let keep = match &*node {
        Node::Scalar(old) => old.share.clone(),
        _ => None,
    };
    *node = detached(new);
    if let Node::Scalar(s) = node {
        s.share = keep;
    }
}

/// `n` as a node of its own: no field of it shares an identity with another.
pub(crate) fn detached(mut n: Node) -> Node {
    visit_shared(&mut n, &mut |s| s.share = None);
    n
}

fn written(s: &Scalar) -> bool {
    s.share
        .as_ref()
        .is_some_and(|sh| sh.text != s.text || sh.tag != s.tag)
}

/// Brings the fields of each shared node of `doc` back in line after a transformation: the
/// last field written in place (its value differs from the one the node last had) gives
/// its value to the others, and all of them remember it.
pub(crate) fn propagate(doc: &mut Node) {
    let mut wins: BTreeMap<u64, (String, Tag)> = BTreeMap::new();
    let mut any = false;
    visit_shared(doc, &mut |s| {
        any = true;
        if written(s)
            && let Some(sh) = &s.share
        {
            wins.insert(sh.id, (s.text.clone(), s.tag));
        }
    });
    if !any || wins.is_empty() {
        return;
    }
    visit_shared(doc, &mut |s| {
        let Some(sh) = s.share.as_mut() else { return };
        if let Some((text, tag)) = wins.get(&sh.id) {
            s.text.clone_from(text);
            s.tag = *tag;
            sh.text.clone_from(text);
            sh.tag = *tag;
        }
    });
}

/// Ends the sharing of every field below `prefix` (kustomize rewrote that map, so its
/// nodes are no longer the shared ones).
pub(crate) fn unshare_under(doc: &mut Node, prefix: &[Seg]) {
    if let Some(n) = get_mut(doc, prefix) {
        visit_shared(n, &mut |s| s.share = None);
    }
}

/// Calls `f` on every shared scalar below `n`.
fn visit_shared(n: &mut Node, f: &mut dyn FnMut(&mut Scalar)) {
    match n {
        Node::Scalar(s) if s.share.is_some() => f(s),
        Node::Scalar(_) => {}
        Node::Seq(items) => items.iter_mut().for_each(|i| visit_shared(i, f)),
        Node::Map(m) => m.values_mut().for_each(|v| visit_shared(v, f)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shared(text: &str, share: &Share) -> Node {
        let mut s = Scalar::string(text);
        s.share = Some(share.clone());
        Node::Scalar(s)
    }

    #[test]
    fn in_place_write_reaches_every_field() {
        let sh = new_share("old", Tag::Str);
        let mut obj = Node::from_value(&json!({"a": {}, "b": {}, "c": {}}));
        for k in ["a", "b", "c"] {
            obj.get_mut(k)
                .unwrap()
                .ensure_map()
                .insert("x".into(), shared("old", &sh));
        }
        write_in_place(
            obj.get_mut("a").unwrap().get_mut("x").unwrap(),
            Node::string("new"),
        );
        propagate(&mut obj);
        assert_eq!(
            obj.to_value(),
            json!({"a": {"x": "new"}, "b": {"x": "new"}, "c": {"x": "new"}})
        );
        // A field replaced by another node leaves; the rest keep sharing.
        *obj.get_mut("a").unwrap().get_mut("x").unwrap() = Node::string("own");
        write_in_place(
            obj.get_mut("b").unwrap().get_mut("x").unwrap(),
            Node::string("z"),
        );
        propagate(&mut obj);
        assert_eq!(
            obj.to_value(),
            json!({"a": {"x": "own"}, "b": {"x": "z"}, "c": {"x": "z"}})
        );
        unshare_under(&mut obj, &[Seg::Key("c".into())]);
        write_in_place(
            obj.get_mut("b").unwrap().get_mut("x").unwrap(),
            Node::string("q"),
        );
        propagate(&mut obj);
        assert_eq!(obj["c"]["x"], "z");
    }
}
