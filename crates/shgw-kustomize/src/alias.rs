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

use serde_json::Value;

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
    value: Value,
}

impl AliasGroup {
    /// A group of `paths` (the fields just given `value`); `None` unless it shares.
    pub fn new(paths: Vec<Vec<Seg>>, value: Value) -> Option<Self> {
        (paths.len() > 1).then_some(AliasGroup { paths, value })
    }
}

fn get<'a>(v: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, s| match s {
        Seg::Key(k) => cur.as_object()?.get(k),
        Seg::Index(i) => cur.as_array()?.get(*i),
    })
}

fn get_mut<'a>(v: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |cur, s| match s {
        Seg::Key(k) => cur.as_object_mut()?.get_mut(k),
        Seg::Index(i) => cur.as_array_mut()?.get_mut(*i),
    })
}

fn is_scalar(v: &Value) -> bool {
    !(v.is_object() || v.is_array() || v.is_null())
}

/// Brings the shared fields of `obj` back in line after a transformation: a field of a
/// group that was overwritten with a scalar passes that value on to the group's other
/// fields that still hold the old one. Fields that vanished or were replaced otherwise
/// leave their group. With `lists_in_place` false (a strategic merge, which may reorder
/// or replace lists), a changed field below a list is taken as replaced, not written.
pub(crate) fn resync(obj: &mut Value, groups: &mut Vec<AliasGroup>, lists_in_place: bool) {
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
        let mut obj = json!({"a": {"x": "new"}, "b": {"x": "old"}, "c": {"x": "old"}});
        let mut groups = vec![
            AliasGroup::new(
                vec![p(&["a", "x"]), p(&["b", "x"]), p(&["c", "x"])],
                json!("old"),
            )
            .unwrap(),
        ];
        resync(&mut obj, &mut groups, false);
        assert_eq!(
            obj,
            json!({"a": {"x": "new"}, "b": {"x": "new"}, "c": {"x": "new"}})
        );
        // A deleted field leaves the group; the rest keep sharing.
        obj["a"].as_object_mut().unwrap().remove("x");
        obj["b"]["x"] = json!("z");
        resync(&mut obj, &mut groups, false);
        assert_eq!(obj, json!({"a": {}, "b": {"x": "z"}, "c": {"x": "z"}}));
    }
}
