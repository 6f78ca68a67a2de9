//! Value nodes that kustomize shares between several fields of one resource.
//!
//! kustomize's label and annotation transformers (`fieldspec.SetEntry`) build one YAML
//! node per key and resource and insert that very node at every field spec where the key
//! was missing, e.g. `metadata.labels.app`, `spec.selector.matchLabels.app` and
//! `spec.template.metadata.labels.app`. kyaml later overwrites an existing scalar *in
//! place* (`FieldSetter` copies into the node), so a later label, annotation or
//! strategic-merge write to any one of those fields shows up in all of them (verified
//! with kubectl v1.37.1 / kustomize v5.8.1). A JSON patch re-creates every node and ends
//! the sharing; deleting a field ends it for that field.

use shgw_yaml::node::Node;

/// One step of a path into a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A map key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// Fields holding one shared node, and the value it had when last seen.
#[derive(Clone, Debug)]
pub(crate) struct AliasGroup {
    paths: Vec<Vec<Seg>>,
    value: Node,
}

impl AliasGroup {
    /// A group of `paths` (the fields just given `value`); `None` unless it shares.
    pub fn new(paths: Vec<Vec<Seg>>, value: Node) -> Option<Self> {
        (paths.len() > 1).then_some(AliasGroup { paths, value })
    }
}

/// The node at `path` below `v`.
pub(crate) fn get<'a>(v: &'a Node, path: &[Seg]) -> Option<&'a Node> {
    path.iter().try_fold(v, |cur, s| match s {
        Seg::Key(k) => cur.as_map()?.get(k),
        Seg::Index(i) => cur.as_seq()?.get(*i),
    })
}

/// The node at `path` below `v`, mutably.
pub(crate) fn get_mut<'a>(v: &'a mut Node, path: &[Seg]) -> Option<&'a mut Node> {
    path.iter().try_fold(v, |cur, s| match s {
        Seg::Key(k) => cur.as_map_mut()?.get_mut(k),
        Seg::Index(i) => cur.as_seq_mut()?.get_mut(*i),
    })
}

fn is_scalar(v: &Node) -> bool {
    v.scalar().is_some() && !v.is_null()
}

/// Brings the shared fields of `obj` back in line after a transformation: a field of a
/// group that was overwritten with a scalar passes that value on to the group's other
/// fields that still hold the old one. Fields that vanished or were replaced otherwise
/// leave their group. With `lists_in_place` false (a strategic merge, which may reorder
/// or replace lists), a changed field below a list is taken as replaced, not written.
pub(crate) fn resync(obj: &mut Node, groups: &mut Vec<AliasGroup>, lists_in_place: bool) {
    for g in groups.iter_mut() {
        g.paths.retain(|p| get(obj, p).is_some());
        let written = g
            .paths
            .iter()
            .filter(|p| lists_in_place || !p.iter().any(|s| matches!(s, Seg::Index(_))))
            .filter_map(|p| get(obj, p))
            .rfind(|v| **v != g.value && is_scalar(v))
            .cloned();
        if let Some(new) = written {
            for p in &g.paths {
                if let Some(v) = get_mut(obj, p)
                    && *v == g.value
                {
                    *v = new.clone();
                }
            }
            g.value = new;
        }
        let value = &g.value;
        g.paths.retain(|p| get(obj, p) == Some(value));
    }
    groups.retain(|g| g.paths.len() > 1);
}

/// Takes the fields under `prefix` out of their groups (kustomize rewrote that map, so its
/// nodes are no longer the shared ones).
pub(crate) fn detach_under(groups: &mut Vec<AliasGroup>, prefix: &[Seg]) {
    for g in groups.iter_mut() {
        g.paths.retain(|p| !p.starts_with(prefix));
    }
    groups.retain(|g| g.paths.len() > 1);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(keys: &[&str]) -> Vec<Seg> {
        keys.iter().map(|k| Seg::Key((*k).to_string())).collect()
    }

    #[test]
    fn in_place_write_reaches_every_alias() {
        let mut obj =
            Node::from_value(&json!({"a": {"x": "new"}, "b": {"x": "old"}, "c": {"x": "old"}}));
        let mut groups = vec![
            AliasGroup::new(
                vec![p(&["a", "x"]), p(&["b", "x"]), p(&["c", "x"])],
                Node::string("old"),
            )
            .unwrap(),
        ];
        resync(&mut obj, &mut groups, false);
        assert_eq!(
            obj.to_value(),
            json!({"a": {"x": "new"}, "b": {"x": "new"}, "c": {"x": "new"}})
        );
        // A deleted field leaves the group; the rest keep sharing.
        obj.get_mut("a")
            .unwrap()
            .as_map_mut()
            .unwrap()
            .shift_remove("x");
        *obj.get_mut("b").unwrap().get_mut("x").unwrap() = Node::string("z");
        resync(&mut obj, &mut groups, false);
        assert_eq!(
            obj.to_value(),
            json!({"a": {}, "b": {"x": "z"}, "c": {"x": "z"}})
        );
    }
}
