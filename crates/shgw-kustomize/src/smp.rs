//! Strategic merge, as kustomize's `kyaml/yaml/merge2` implements it.
//!
//! The patch is merged into the destination: maps key by key (`null` deletes),
//! lists according to the Kubernetes merge keys of built-in kinds (patch elements
//! first, then untouched destination elements), other lists replaced whole.
//! `$patch: delete|replace|merge` directives are honoured.

use crate::error::{Error, Result};
use crate::openapi::OpenApi;
use crate::smp_keys::{
    drop_mixed_secondary, elem_matches, key_value, replaces, same_keys,
    secondary_key_presence_differs,
};
use serde_json::Value;
use shgw_yaml::node::{Map, Node};
use std::sync::Arc;

/// How a list at some path is merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListStrategy {
    /// The patch's list replaces the destination's.
    Replace,
    /// Elements are matched by these keys and merged.
    Keys(Vec<String>),
    /// A set union of scalars, patch values first.
    Primitive,
}

fn keys(k: &[&str]) -> Vec<String> {
    k.iter().map(|s| (*s).to_string()).collect()
}

/// Merge information for one resource type.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// Whether the kind is a built-in Kubernetes kind with known merge keys.
    pub known: bool,
    /// The kind (some paths depend on it).
    pub kind: String,
    /// API group and version (for a custom schema's lookup).
    group: String,
    version: String,
    /// A custom `openapi:` schema, which replaces the built-in merge knowledge.
    custom: Option<Arc<OpenApi>>,
}

const CORE_GROUPS: &[&str] = &[
    "",
    "apps",
    "extensions",
    "batch",
    "autoscaling",
    "policy",
    "rbac.authorization.k8s.io",
    "networking.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "certificates.k8s.io",
    "apiregistration.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
];

impl Schema {
    /// The schema for a resource document (by its apiVersion and kind).
    pub fn for_resource(obj: &Node) -> Self {
        let api = obj.get("apiVersion").and_then(Node::as_str).unwrap_or("");
        let group = api.split_once('/').map(|(g, _)| g).unwrap_or("");
        let kind = obj
            .get("kind")
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_string();
        let version = api.rsplit('/').next().unwrap_or("");
        let k8s_version = version.strip_prefix('v').is_some_and(|v| {
            let digits = v.trim_start_matches(|c: char| c.is_ascii_digit());
            digits.len() < v.len()
                && (digits.is_empty()
                    || ["alpha", "beta"].iter().any(|p| {
                        digits
                            .strip_prefix(p)
                            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                    }))
        });
        Schema {
            known: k8s_version && CORE_GROUPS.contains(&group),
            kind,
            group: group.to_string(),
            version: version.to_string(),
            custom: None,
        }
    }

    /// Where the pod spec of this kind lives (map keys from the document root).
    fn pod_spec(&self) -> Option<&'static [&'static str]> {
        match self.kind.as_str() {
            "Pod" => Some(&["spec"]),
            "Deployment"
            | "ReplicaSet"
            | "DaemonSet"
            | "StatefulSet"
            | "Job"
            | "ReplicationController" => Some(&["spec", "template", "spec"]),
            "CronJob" => Some(&["spec", "jobTemplate", "spec", "template", "spec"]),
            "PodTemplate" => Some(&["template", "spec"]),
            _ => None,
        }
    }

    /// The strategy for the list at `path` (map keys from the document root).
    ///
    /// Merge keys come from the schema of the resource's own kind at that very path: a
    /// `containers` list anywhere else (in a ConfigMap patched with a Deployment-shaped
    /// patch, in an unknown field) is replaced whole.
    pub fn list_strategy(&self, path: &[String]) -> ListStrategy {
        if let Some(c) = &self.custom {
            return c.list_strategy(&self.group, &self.version, &self.kind, path);
        }
        let Some((last, parents)) = path.split_last() else {
            return ListStrategy::Replace;
        };
        if !self.known {
            return ListStrategy::Replace;
        }
        let at = |prefix: &[&str]| {
            parents.len() == prefix.len() && parents.iter().zip(prefix).all(|(a, b)| a == b)
        };
        if let Some(pod) = self.pod_spec() {
            if at(pod) {
                match last.as_str() {
                    "containers"
                    | "initContainers"
                    | "ephemeralContainers"
                    | "volumes"
                    | "imagePullSecrets" => return ListStrategy::Keys(keys(&["name"])),
                    "hostAliases" => return ListStrategy::Keys(keys(&["ip"])),
                    "topologySpreadConstraints" => {
                        return ListStrategy::Keys(keys(&["topologyKey", "whenUnsatisfiable"]));
                    }
                    _ => {}
                }
            }
            let in_container = parents.len() == pod.len() + 1
                && at_prefix(parents, pod)
                && matches!(
                    parents[pod.len()].as_str(),
                    "containers" | "initContainers" | "ephemeralContainers"
                );
            if in_container {
                match last.as_str() {
                    "env" => return ListStrategy::Keys(keys(&["name"])),
                    "volumeMounts" => return ListStrategy::Keys(keys(&["mountPath"])),
                    "volumeDevices" => return ListStrategy::Keys(keys(&["devicePath"])),
                    "ports" => return ListStrategy::Keys(keys(&["containerPort", "protocol"])),
                    _ => {}
                }
            }
        }
        match (self.kind.as_str(), last.as_str()) {
            ("Service", "ports") if at(&["spec"]) => {
                ListStrategy::Keys(keys(&["port", "protocol"]))
            }
            (_, "ownerReferences") if at(&["metadata"]) => ListStrategy::Keys(keys(&["uid"])),
            (_, "finalizers") if at(&["metadata"]) => ListStrategy::Primitive,
            (k, "webhooks") if k.ends_with("WebhookConfiguration") && parents.is_empty() => {
                ListStrategy::Keys(keys(&["name"]))
            }
            ("ServiceAccount", "secrets") if parents.is_empty() => {
                ListStrategy::Keys(keys(&["name"]))
            }
            (_, "conditions") if at(&["status"]) => ListStrategy::Keys(keys(&["type"])),
            _ => ListStrategy::Replace,
        }
    }
}

fn at_prefix(path: &[String], prefix: &[&str]) -> bool {
    path.len() >= prefix.len() && path.iter().zip(prefix).all(|(a, b)| a == b)
}

/// Merges `patch` into the resource `dest`, using the schema of `dest`.
///
/// ```
/// use serde_json::json;
/// let dest = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1", "b": "2"}});
/// let patch = json!({"data": {"a": null, "c": "3"}});
/// let out = shgw_kustomize::smp::merge_resource(&dest, &patch).unwrap();
/// assert_eq!(out["data"], json!({"b": "2", "c": "3"}));
/// ```
///
/// # Errors
/// An unknown `$patch` directive.
pub fn merge_resource(dest: &Value, patch: &Value) -> Result<Value> {
    merge_resource_with(&Node::from_value(dest), &Node::from_value(patch), None)
        .map(|n| n.to_value())
}

/// [`merge_resource`] with a custom `openapi:` schema, when there is one.
pub(crate) fn merge_resource_with(
    dest: &Node,
    patch: &Node,
    custom: Option<&Arc<OpenApi>>,
) -> Result<Node> {
    let mut schema = Schema::for_resource(dest);
    schema.custom = custom.cloned();
    let mut path = Vec::new();
    Ok(merge(Some(dest), patch, &schema, &mut path)?.unwrap_or_else(Node::null))
}

/// Removes from the resource `dest`, before a strategic merge into it, the mapping values
/// its source wrote with no text (`affinity:` with nothing after it): kyaml's merge walks
/// every map of the resource and every element of a list merged by key, and drops such
/// fields, where a written `null` or `~` stays (verified with kubectl v1.37.1). Fields inside
/// lists that are replaced whole are not walked and stay null.
pub(crate) fn drop_empty_values(dest: &mut Node, custom: Option<&Arc<OpenApi>>) {
    let mut schema = Schema::for_resource(dest);
    schema.custom = custom.cloned();
    drop_empty_below(dest, &schema, &mut Vec::new());
}

fn drop_empty_below(node: &mut Node, schema: &Schema, path: &mut Vec<String>) {
    match node {
        Node::Map(m) => {
            m.retain(|_, v| !v.scalar().is_some_and(|s| s.is_empty_null()));
            for (k, v) in m.iter_mut() {
                path.push(k.clone());
                drop_empty_below(v, schema, path);
                path.pop();
            }
        }
        Node::Seq(items) if matches!(schema.list_strategy(path), ListStrategy::Keys(_)) => {
            items
                .iter_mut()
                .for_each(|i| drop_empty_below(i, schema, path));
        }
        _ => {}
    }
}

pub(crate) fn directive(m: &Map) -> Result<Option<&str>> {
    match m.get("$patch") {
        None => Ok(None),
        Some(n) => match n.text_or_empty() {
            s @ ("delete" | "replace" | "merge") => Ok(Some(s)),
            other => Err(Error::msg(format!("unknown patch strategy '{other}'"))),
        },
    }
}

/// Merges `patch` into `dest` (absent when `None`). Returns `None` when the
/// node is deleted.
pub(crate) fn merge(
    dest: Option<&Node>,
    patch: &Node,
    schema: &Schema,
    path: &mut Vec<String>,
) -> Result<Option<Node>> {
    if let Some(d) = dest.filter(|d| !d.is_null())
        && !patch.is_null()
        && node_kind(d) != node_kind(patch)
    {
        return Err(Error::msg(format!(
            "wrong node kind: expected {} but got {}: node contents:\n{}",
            node_kind(d),
            node_kind(patch),
            shgw_yaml::to_string(&patch.to_value())
        )));
    }
    match patch {
        n if n.is_null() => Ok(None),
        Node::Map(pm) => {
            match directive(pm)? {
                Some("delete") => return Ok(None),
                Some("replace") => {
                    let mut clean = pm.clone();
                    clean.shift_remove("$patch");
                    return merge(None, &Node::Map(clean), schema, path);
                }
                _ => {}
            }
            let dm = match dest {
                Some(Node::Map(dm)) => Some(dm),
                _ => None,
            };
            // The patch's fields merged first, in the patch's order (so the first error is
            // the same), then the result laid out as merging into a copy of the destination
            // lays it out: the destination's fields in place (a deleted one gone, the ones
            // the patch does not mention normalised: kyaml walks their lists), then the
            // patch's new fields in its order. Nothing of the destination is copied twice.
            let mut merged: Vec<Option<Node>> = Vec::with_capacity(pm.len());
            for (k, pv) in pm {
                if k == "$patch" {
                    merged.push(None);
                    continue;
                }
                path.push(k.clone());
                merged.push(merge(dm.and_then(|d| d.get(k)), pv, schema, path)?);
                path.pop();
            }
            let mut out = Map::with_capacity(dm.map_or(0, |d| d.len()) + pm.len());
            for (k, dv) in dm.into_iter().flatten() {
                match pm.get_index_of(k) {
                    Some(_) if k == "$patch" => {
                        out.insert(k.clone(), dv.clone());
                    }
                    Some(i) => {
                        if let Some(v) = merged[i].take() {
                            out.insert(k.clone(), v);
                        }
                    }
                    None => {
                        path.push(k.clone());
                        let norm = normalize(dv, schema, path);
                        path.pop();
                        out.insert(k.clone(), norm);
                    }
                }
            }
            for ((k, _), v) in pm.iter().zip(merged) {
                if let Some(v) = v.filter(|_| !dm.is_some_and(|d| d.contains_key(k))) {
                    out.insert(k.clone(), v);
                }
            }
            Ok(Some(Node::Map(out)))
        }
        Node::Seq(pl) => merge_list(dest, pl, schema, path),
        // kyaml writes a scalar over an existing one in place: a shared field stays shared.
        scalar => {
            let mut out = scalar.clone();
            if let (Some(Node::Scalar(d)), Node::Scalar(o)) = (dest, &mut out) {
                o.share.clone_from(&d.share);
            }
            Ok(Some(out))
        }
    }
}

/// A list merged by one key whose patch has an element without that key (a container with
/// no `name`, a `null`): kyaml keeps only the patch's keyed elements, each merged with the
/// destination element it names as long as no key-less element came before it; the rest of
/// the destination is gone (verified with kubectl v1.37.1).
fn merge_keyed_only(
    dl: &[Node],
    rest: &[&Node],
    key: &str,
    schema: &Schema,
    path: &mut Vec<String>,
) -> Result<Vec<Node>> {
    let mut out = Vec::new();
    // Elements after a key-less one no longer find the destination's.
    let mut dl = dl;
    for e in rest {
        if key_value(e, key).is_none() {
            dl = &[];
            continue;
        }
        let dest = dl
            .iter()
            .find(|d| d.is_map() && key_value(d, key) == key_value(e, key));
        if let Some(v) = merge(dest, e, schema, path)? {
            out.push(v);
        }
    }
    Ok(out)
}

/// kyaml's name for the kind of a node.
fn node_kind(n: &Node) -> &'static str {
    match n {
        Node::Scalar(_) => "ScalarNode",
        Node::Seq(_) => "SequenceNode",
        Node::Map(_) => "MappingNode",
    }
}

fn normalize(v: &Node, schema: &Schema, path: &mut Vec<String>) -> Node {
    match v {
        Node::Map(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                path.push(k.clone());
                out.insert(k.clone(), normalize(x, schema, path));
                path.pop();
            }
            Node::Map(out)
        }
        Node::Seq(items) => {
            let items: Vec<Node> = items.iter().map(|i| normalize(i, schema, path)).collect();
            match schema.list_strategy(path) {
                ListStrategy::Keys(owned) => {
                    let keys: Vec<&str> = owned.iter().map(String::as_str).collect();
                    let mut out: Vec<Node> = Vec::new();
                    for it in items {
                        if !it.is_map() {
                            out.push(it);
                            continue;
                        }
                        match out
                            .iter()
                            .position(|o| o.is_map() && replaces(o, &it, &keys))
                        {
                            Some(i) => out[i] = it,
                            None => out.push(it),
                        }
                    }
                    Node::Seq(out)
                }
                _ => Node::Seq(items),
            }
        }
        other => other.clone(),
    }
}

fn merge_list(
    dest: Option<&Node>,
    pl: &[Node],
    schema: &Schema,
    path: &mut Vec<String>,
) -> Result<Option<Node>> {
    let strategy = schema.list_strategy(path);
    if strategy == ListStrategy::Replace {
        // kyaml returns a non-associative patch list as it is: its `null`s and `$patch`
        // elements are not interpreted.
        return Ok(Some(Node::Seq(pl.to_vec())));
    }
    let dl: Vec<Node> = match dest {
        Some(Node::Seq(d)) => d.clone(),
        _ => Vec::new(),
    };
    // `- $patch: replace` / `- $patch: delete` as list elements.
    let mut replace = false;
    let mut rest: Vec<&Node> = Vec::new();
    for e in pl {
        if let Node::Map(m) = e {
            match directive(m)? {
                Some("replace") if m.len() == 1 => {
                    replace = true;
                    continue;
                }
                Some("delete") if m.len() == 1 => return Ok(None),
                Some("merge") if m.len() == 1 => continue,
                _ => {}
            }
        }
        rest.push(e);
    }
    if replace {
        let mut out = Vec::new();
        for e in rest {
            if let Some(v) = merge(None, e, schema, path)? {
                out.push(v);
            }
        }
        return Ok(Some(Node::Seq(out)));
    }
    let out = match strategy {
        ListStrategy::Primitive => {
            let mut out: Vec<Node> = Vec::new();
            for e in rest.into_iter().cloned().chain(dl) {
                if !out.contains(&e) {
                    out.push(e);
                }
            }
            out
        }
        ListStrategy::Keys(owned) => {
            let keys: Vec<&str> = owned.iter().map(String::as_str).collect();
            let dl = match normalize(&Node::Seq(dl), schema, path) {
                Node::Seq(a) => a,
                _ => Vec::new(),
            };
            if let [key] = keys.as_slice() {
                let keyless = |e: &&Node| e.is_map() && key_value(e, key).is_none();
                if matches!(dest, Some(Node::Seq(_)))
                    && rest.iter().any(|e| e.is_null() || keyless(e))
                {
                    return merge_keyed_only(&dl, &rest, key, schema, path)
                        .map(|l| Some(Node::Seq(l)));
                }
                // With no list to merge into, the key-less elements all have the same (empty)
                // key: the last of them is the list (verified with kubectl v1.37.1).
                if !matches!(dest, Some(Node::Seq(_)))
                    && let Some(last) = rest.iter().rev().find(|e| keyless(e))
                {
                    return Ok(merge(None, last, schema, path)?.map(|v| Node::Seq(vec![v])));
                }
            }
            // With a secondary key in play (a port's `protocol`), kyaml leaves merged
            // elements where they are in the destination and puts only new ones first;
            // otherwise patch elements come first in patch order (verified with kubectl
            // v1.37.1).
            let in_place = keys.len() > 1
                && dl
                    .iter()
                    .chain(rest.iter().copied())
                    .any(|e| keys[1..].iter().any(|k| key_value(e, k).is_some()));
            let rest = drop_mixed_secondary(rest, &dl, &keys);
            let mut used = vec![false; dl.len()];
            let mut merged_at: Vec<Option<Node>> = vec![None; dl.len()];
            let mut out = Vec::new();
            for e in rest {
                // An exact match of every key first, then one that leaves out a secondary key.
                let pos = if e.is_map() {
                    let free = |i: &usize| !used[*i] && dl[*i].is_map();
                    (0..dl.len())
                        .find(|i| free(i) && same_keys(&dl[*i], e, &keys))
                        .or_else(|| {
                            (0..dl.len()).find(|i| free(i) && elem_matches(&dl[*i], e, &keys))
                        })
                } else {
                    None
                };
                let is_delete = matches!(e, Node::Map(m) if directive(m)? == Some("delete"));
                let is_replace = matches!(e, Node::Map(m) if directive(m)? == Some("replace"));
                // An element that names a destination element and says `$patch: replace`
                // leaves that element as it is (verified with kubectl v1.37.1).
                if pos.is_some() && is_replace {
                    continue;
                }
                if let Some(i) = pos
                    && secondary_key_presence_differs(&dl[i], e, &keys)
                {
                    // kustomize keeps the destination element where it is and drops the patch element.
                    continue;
                }
                if let Some(i) = pos {
                    used[i] = true;
                }
                if is_delete {
                    continue;
                }
                let merged = merge(pos.map(|i| &dl[i]), e, schema, path)?;
                match (pos, merged) {
                    (Some(i), Some(v)) if in_place => merged_at[i] = Some(v),
                    (_, Some(v)) => out.push(v),
                    (_, None) => {}
                }
            }
            for (i, d) in dl.into_iter().enumerate() {
                if !used[i] {
                    out.push(d);
                } else if let Some(v) = merged_at[i].take() {
                    out.push(v);
                }
            }
            out
        }
        ListStrategy::Replace => Vec::new(),
    };
    Ok(Some(Node::Seq(out)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dep(containers: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
               "spec": {"template": {"spec": {"containers": containers}}}})
    }

    #[test]
    fn containers_merge_patch_first() {
        let d = dep(json!([{"name": "a", "image": "x"}, {"name": "b"}]));
        let p = json!({"spec": {"template": {"spec": {"containers": [{"name": "c"}, {"name": "a", "image": "y"}]}}}});
        let out = merge_resource(&d, &p).unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"],
            json!([{"name": "c"}, {"name": "a", "image": "y"}, {"name": "b"}])
        );
    }

    #[test]
    fn delete_directive_and_replace() {
        let d = dep(json!([{"name": "a"}, {"name": "b"}]));
        let p = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "$patch": "delete"}, {"name": "z", "$patch": "delete"}]}}}});
        let out = merge_resource(&d, &p).unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"],
            json!([{"name": "b"}])
        );
        let p = json!({"metadata": {"labels": {"$patch": "replace", "only": "this"}}});
        let out = merge_resource(&d, &p).unwrap();
        assert_eq!(out["metadata"]["labels"], json!({"only": "this"}));
    }

    #[test]
    fn ports_protocol_matching() {
        // Verified with kubectl kustomize v5.8.1: a patch port without protocol does not
        // touch a destination port that has one; new ports come first.
        let d = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": 80, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}]}});
        let p = json!({"spec": {"ports": [{"port": 80, "name": "http"}, {"port": 9090}]}});
        let out = merge_resource(&d, &p).unwrap();
        assert_eq!(
            out["spec"]["ports"],
            json!([{"port": 9090}, {"port": 80, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}])
        );
        // Nor does a patch port with a protocol touch a destination port without one
        // (kubectl v1.37.1 prints `ports: [{port: 80}]` here).
        let d = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": 80}]}});
        let p = json!({"spec": {"ports": [{"port": 80, "protocol": "TCP", "name": "http"}]}});
        let out = merge_resource(&d, &p).unwrap();
        assert_eq!(out["spec"]["ports"], json!([{"port": 80}]));
    }
}
