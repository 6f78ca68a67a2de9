//! Matching the elements of lists merged by key (`ports` by `port` and `protocol`, ...) as
//! kustomize's strategic merge does.

use shgw_yaml::node::Node;

pub(crate) fn key_value<'a>(v: &'a Node, k: &str) -> Option<&'a Node> {
    v.get(k).filter(|x| !x.is_null())
}

/// Exact key equality (a missing key counts as `""`), used to collapse destination lists.
pub(crate) fn same_keys(a: &Node, b: &Node, keys: &[&str]) -> bool {
    keys.iter().all(|k| key_value(a, k) == key_value(b, k))
}

/// Whether the later destination element `later` takes the place of `earlier` when kyaml
/// normalises a list merged by key: the same primary key, and each secondary key of `later`
/// either left out or equal (a port without `protocol` written after the same port with one
/// replaces it; verified with kubectl v1.37.1).
pub(crate) fn replaces(earlier: &Node, later: &Node, keys: &[&str]) -> bool {
    let Some((primary, secondary)) = keys.split_first() else {
        return false;
    };
    key_value(earlier, primary) == key_value(later, primary)
        && secondary
            .iter()
            .all(|k| key_value(later, k).is_none() || key_value(later, k) == key_value(earlier, k))
}

/// Whether exactly one of patch element `p` and destination element `d` has a secondary
/// key (a Service port with and one without `protocol`); kustomize then keeps `d`
/// unchanged and drops `p` (verified both ways with kubectl v1.37.1).
pub(crate) fn secondary_key_presence_differs(d: &Node, p: &Node, keys: &[&str]) -> bool {
    keys.iter()
        .skip(1)
        .any(|k| key_value(p, k).is_none() != key_value(d, k).is_none())
}

/// Drops the patch elements kustomize ignores when elements with the same primary key
/// differ in having a secondary key (a Service port with and one without `protocol`): an
/// element without it is dropped when any other element (destination or patch) with its
/// primary key has it; one with it is dropped when a destination element with its primary
/// key lacks it (verified with kubectl v1.37.1, several orders and protocols).
pub(crate) fn drop_mixed_secondary<'a>(
    rest: Vec<&'a Node>,
    dl: &[Node],
    keys: &[&str],
) -> Vec<&'a Node> {
    let Some(primary) = keys.first() else {
        return rest;
    };
    let has_secondary = |e: &Node| keys[1..].iter().any(|k| key_value(e, k).is_some());
    let same_primary = |a: &Node, b: &Node| {
        a.is_map()
            && key_value(a, primary).is_some()
            && key_value(a, primary) == key_value(b, primary)
    };
    let mut out = Vec::with_capacity(rest.len());
    for (i, e) in rest.iter().enumerate() {
        if keys.len() < 2 || !e.is_map() || key_value(e, primary).is_none() {
            out.push(*e);
            continue;
        }
        // A `$patch: delete` element is dropped by the same rules (verified with kubectl
        // v1.37.1); an element with a secondary key that a destination element matches
        // exactly is kept.
        let drop = if has_secondary(e) {
            dl.iter().any(|d| same_primary(d, e) && !has_secondary(d))
                && !dl.iter().any(|d| d.is_map() && same_keys(d, e, keys))
        } else {
            dl.iter().any(|d| same_primary(d, e) && has_secondary(d))
                || rest
                    .iter()
                    .enumerate()
                    .any(|(j, o)| j != i && same_primary(o, e) && has_secondary(o))
        };
        if !drop {
            out.push(*e);
        }
    }
    out
}

pub(crate) fn elem_matches(a: &Node, b: &Node, keys: &[&str]) -> bool {
    for (i, k) in keys.iter().enumerate() {
        match (key_value(a, k), key_value(b, k)) {
            (Some(x), Some(y)) => {
                if x != y {
                    return false;
                }
            }
            (None, None) => {}
            _ if i > 0 => {}
            _ => return false,
        }
    }
    true
}
