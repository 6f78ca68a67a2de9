//! Name-reference fix-up: referrers follow renamed ConfigMaps, Secrets, Services, ...

use crate::config::NameBackRef;
use crate::error::{Error, Result};
use crate::fieldpath::{spec_applies, split_path};
use crate::resid::ResId;
use crate::resource::Resource;
use shgw_yaml::node::Node;
use std::collections::HashMap;

/// Per resource: current id, previous ids, prefixes, suffixes.
type Snapshot = Vec<(ResId, Vec<ResId>, Vec<String>, Vec<String>)>;

/// The resources of the snapshot (in order) by current kind and any previous name, so a
/// reference is resolved without scanning every resource.
type NameIndex = HashMap<(String, String), Vec<usize>>;

fn name_index(snapshot: &Snapshot) -> NameIndex {
    let mut index = NameIndex::new();
    for (j, (cur, prev, _, _)) in snapshot.iter().enumerate() {
        for p in prev {
            let list = index.entry((cur.kind.clone(), p.name.clone())).or_default();
            if list.last() != Some(&j) {
                list.push(j);
            }
        }
    }
    index
}

struct Candidate {
    name: String,
    namespace: String,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
}

/// Finds the new name (and namespace) for a reference `old` to `kind`.
fn lookup(
    snapshot: &Snapshot,
    index: &NameIndex,
    kind: &str,
    old: &str,
    referrer: &Referrer,
    subject_ns: Option<&str>,
) -> Result<Option<(String, String)>> {
    let rid = &referrer.id;
    let rb_namespaces = &referrer.rb_namespaces;
    let mut cands: Vec<Candidate> = Vec::new();
    let found = index.get(&(kind.to_string(), old.to_string()));
    for (cur, prev, prefixes, suffixes) in found.into_iter().flatten().map(|&j| &snapshot[j]) {
        // kustomize's `SubsetThatCouldBeReferencedByResource`: a namespaced referrer sees
        // cluster-scoped resources, those of its own namespace and, for a RoleBinding,
        // those in a namespace one of its ServiceAccount subjects names.
        if !rid.is_cluster_scoped()
            && !cur.is_cluster_scoped()
            && cur.effective_namespace() != rid.effective_namespace()
            && !rb_namespaces.contains(&cur.namespace)
        {
            continue;
        }
        if let Some(sns) = subject_ns {
            let eff = |s: &str| {
                if s.is_empty() {
                    "default".to_string()
                } else {
                    s.to_string()
                }
            };
            let orig_ns = prev.first().map(|p| p.namespace.as_str()).unwrap_or("");
            if !sns.is_empty() && eff(sns) != eff(orig_ns) && eff(sns) != eff(&cur.namespace) {
                continue;
            }
        } else if !rid.is_cluster_scoped()
            && !cur.is_cluster_scoped()
            && cur.kind != "ServiceAccount"
            && cur.effective_namespace() != rid.effective_namespace()
        {
            continue;
        }
        cands.push(Candidate {
            name: cur.name.clone(),
            namespace: cur.namespace.clone(),
            prefixes: prefixes.clone(),
            suffixes: suffixes.clone(),
        });
    }
    if cands.len() > 1 {
        let both: Vec<usize> = (0..cands.len())
            .filter(|i| {
                same_ending(&cands[*i].prefixes, &referrer.prefixes)
                    && same_ending(&cands[*i].suffixes, &referrer.suffixes)
            })
            .collect();
        let keep = if both.is_empty() {
            (0..cands.len())
                .filter(|i| same_ending(&cands[*i].prefixes, &referrer.prefixes))
                .collect()
        } else {
            both
        };
        if !keep.is_empty() {
            cands = cands
                .into_iter()
                .enumerate()
                .filter(|(i, _)| keep.contains(i))
                .map(|(_, c)| c)
                .collect();
        }
    }
    match cands.as_slice() {
        [] => Ok(None),
        [first, rest @ ..] => {
            if rest
                .iter()
                .all(|c| c.name == first.name && c.namespace == first.namespace)
            {
                Ok(Some((first.name.clone(), first.namespace.clone())))
            } else {
                Err(Error::msg(format!(
                    "found multiple possible referrals: {} **** Too many possible referral targets to referrer: {rid}",
                    cands
                        .iter()
                        .map(|c| format!("{kind}/{}.{}", c.name, c.namespace))
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
        }
    }
}

/// What a lookup needs of the resource that refers, taken once before any of its references
/// is rewritten (so a RoleBinding's subjects are read as they were).
struct Referrer {
    id: ResId,
    rb_namespaces: Vec<String>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
}

impl Referrer {
    fn of(r: &Resource) -> Self {
        Referrer {
            id: r.id(),
            rb_namespaces: role_binding_namespaces(r),
            prefixes: r.prefixes.clone(),
            suffixes: r.suffixes.clone(),
        }
    }
}

/// The namespaces named by the ServiceAccount subjects of a RoleBinding.
fn role_binding_namespaces(referrer: &Resource) -> Vec<String> {
    if referrer.kind() != "RoleBinding" {
        return Vec::new();
    }
    let Some(Node::Seq(subjects)) = referrer.obj.get("subjects") else {
        return Vec::new();
    };
    subjects
        .iter()
        .filter(|s| s.get("kind").and_then(Node::as_str) == Some("ServiceAccount"))
        .filter_map(|s| s.get("namespace").and_then(Node::as_str))
        .map(str::to_string)
        .collect()
}

/// kustomize's `SameEndingSubSlice`.
fn same_ending(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return long.is_empty();
    }
    let diff = long.len() - short.len();
    short.iter().enumerate().all(|(i, s)| long[i + diff] == *s)
}

fn visit_strings(
    v: &mut Node,
    path: &[&str],
    f: &mut dyn FnMut(&mut Node) -> Result<()>,
) -> Result<()> {
    if let Node::Seq(items) = v {
        for i in items {
            visit_strings(i, path, f)?;
        }
        return Ok(());
    }
    match path.split_first() {
        None => f(v),
        Some((head, rest)) => match v.get_mut(head) {
            Some(child) => visit_strings(child, rest, f),
            None => Ok(()),
        },
    }
}

/// Rewrites every reference to a renamed resource, at the name-reference field specs
/// `refs` (plus the `{name, namespace}` object references kustomize handles in code).
pub fn fix(acc: &mut [Resource], refs: &[NameBackRef]) -> Result<()> {
    let snapshot: Snapshot = acc
        .iter()
        .map(|r| {
            (
                r.id(),
                r.prev_ids.clone(),
                r.prefixes.clone(),
                r.suffixes.clone(),
            )
        })
        .collect();
    if snapshot.iter().all(|s| s.1.is_empty()) {
        return Ok(());
    }
    let index = name_index(&snapshot);
    // Each field spec's path, split once for all resources.
    let paths: Vec<Vec<Vec<String>>> = refs
        .iter()
        .map(|b| b.field_specs.iter().map(|s| split_path(&s.path)).collect())
        .collect();
    #[allow(clippy::needless_range_loop)]
    for i in 0..acc.len() {
        let referrer = Referrer::of(&acc[i]);
        let referrer_id = referrer.id.clone();
        let referrer_kind = referrer_id.kind.clone();
        for (back, back_paths) in refs.iter().zip(&paths) {
            let target = back.kind.as_str();
            for (_, owned) in back
                .field_specs
                .iter()
                .zip(back_paths)
                .filter(|(s, _)| spec_applies(s, &referrer_id))
            {
                let segs: Vec<&str> = owned.iter().map(String::as_str).collect();
                if segs.first() == Some(&"roleRef") {
                    let k = acc[i]
                        .obj
                        .get("roleRef")
                        .and_then(|r| r.get("kind"))
                        .and_then(Node::as_str)
                        .unwrap_or("");
                    if k != target {
                        continue;
                    }
                }
                visit_strings(&mut acc[i].obj, &segs, &mut |node| {
                    // kyaml reads any scalar's text: `name: 404` refers to "404".
                    let found = match node.scalar().filter(|_| !node.is_null()) {
                        Some(s) => lookup(&snapshot, &index, target, &s.text, &referrer, None)?,
                        None => None,
                    };
                    if let Some((n, _)) = found {
                        *node = Node::string(n);
                    }
                    Ok(())
                })?;
            }
        }
        let object_ref = match referrer_kind.as_str() {
            "APIService" => Some(vec!["spec", "service"]),
            "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration" => {
                Some(vec!["webhooks", "clientConfig", "service"])
            }
            _ => None,
        };
        if let Some(segs) = object_ref {
            visit_strings(&mut acc[i].obj, &segs, &mut |node| {
                rewrite_object_ref(node, "Service", &snapshot, &index, &referrer)
            })?;
        }
        if referrer_kind == "RoleBinding" || referrer_kind == "ClusterRoleBinding" {
            #[allow(clippy::collapsible_if)]
            if let Some(Node::Seq(subjects)) = acc[i].obj.get_mut("subjects") {
                for s in subjects.iter_mut() {
                    if s.get("kind").and_then(Node::as_str) != Some("ServiceAccount") {
                        continue;
                    }
                    rewrite_object_ref(s, "ServiceAccount", &snapshot, &index, &referrer)?;
                }
            }
        }
    }
    Ok(())
}

/// Rewrites a `{name, namespace}` reference to an object of `kind` (a Service reference, a
/// RoleBinding subject) when that object was renamed or moved.
fn rewrite_object_ref(
    node: &mut Node,
    kind: &str,
    snapshot: &Snapshot,
    index: &NameIndex,
    referrer: &Referrer,
) -> Result<()> {
    let Some(name) = node.get("name").and_then(Node::as_str).map(str::to_string) else {
        return Ok(());
    };
    let ns = node
        .get("namespace")
        .and_then(Node::as_str)
        .unwrap_or("")
        .to_string();
    if let Some((n, new_ns)) = lookup(snapshot, index, kind, &name, referrer, Some(&ns))?
        && let Node::Map(m) = node
    {
        m.insert("name".into(), Node::string(n));
        if !new_ns.is_empty() {
            m.insert("namespace".into(), Node::string(new_ns));
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn renamed(obj: serde_json::Value, new_name: &str) -> Resource {
        let mut r = Resource::new(obj);
        r.set_name(new_name);
        r
    }

    #[test]
    fn follows_renamed_configmap_and_service_account() {
        let mut acc = vec![
            renamed(
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}}),
                "cfg-abc",
            ),
            renamed(
                json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa"}}),
                "p-sa",
            ),
            Resource::new(
                json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                "spec": {"template": {"spec": {"serviceAccountName": "sa",
                    "volumes": [{"name": "v", "configMap": {"name": "cfg"}}, {"name": "w", "configMap": {"name": "other"}}]}}}}),
            ),
            Resource::new(
                json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "rb"},
                "subjects": [{"kind": "ServiceAccount", "name": "sa"}, {"kind": "ServiceAccount", "name": "sa", "namespace": "elsewhere"}]}),
            ),
        ];
        fix(&mut acc, &crate::config::builtin().unwrap().name_reference).unwrap();
        let spec = &acc[2].obj["spec"]["template"]["spec"];
        assert_eq!(spec["serviceAccountName"], "p-sa");
        assert_eq!(spec["volumes"][0]["configMap"]["name"], "cfg-abc");
        assert_eq!(spec["volumes"][1]["configMap"]["name"], "other");
        assert_eq!(acc[3].obj["subjects"][0]["name"], "p-sa");
        assert_eq!(acc[3].obj["subjects"][1]["name"], "sa");
    }

    #[test]
    fn ambiguous_referral_is_an_error() {
        let mut a = renamed(
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}}),
            "a-cfg",
        );
        a.prefixes.push("a-".into());
        let mut b = renamed(
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}}),
            "b-cfg",
        );
        b.prefixes.push("b-".into());
        let pod = Resource::new(
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"volumes": [{"name": "v", "configMap": {"name": "cfg"}}]}}),
        );
        let mut acc = vec![a.clone(), b.clone(), pod.clone()];
        assert!(
            fix(&mut acc, &crate::config::builtin().unwrap().name_reference)
                .unwrap_err()
                .to_string()
                .contains("found multiple possible referrals")
        );
        // A referrer with the same prefix chain picks its own copy.
        let mut pod_a = pod;
        pod_a.prefixes.push("a-".into());
        let mut acc = vec![a, b, pod_a];
        fix(&mut acc, &crate::config::builtin().unwrap().name_reference).unwrap();
        assert_eq!(
            acc[2].obj["spec"]["volumes"][0]["configMap"]["name"],
            "a-cfg"
        );
    }
}
