//! Generic Kubernetes object helpers: identity, labels, selectors, pod templates, field paths.

use serde_json::Value;
use std::collections::BTreeMap;

/// The value at a JSON pointer, as [`Value::pointer`] finds it, without building a string per
/// segment: the rules look up thousands of fields in a fleet.
pub(crate) trait At {
    /// The value at `pointer` (`""` for the value itself).
    fn at(&self, pointer: &str) -> Option<&Value>;
}

impl At for Value {
    fn at(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut v = self;
        // Pointers are short: a byte loop finds `/` and `~` faster than a string searcher.
        let mut rest = pointer.strip_prefix('/')?;
        loop {
            let end = rest.bytes().position(|b| b == b'/').unwrap_or(rest.len());
            let (segment, tail) = rest.split_at(end);
            v = if segment.bytes().any(|b| b == b'~') {
                step(v, &segment.replace("~1", "/").replace("~0", "~"))?
            } else {
                step(v, segment)?
            };
            match tail.strip_prefix('/') {
                Some(next) => rest = next,
                None => return Some(v),
            }
        }
    }
}

/// The field `segment` of an object, or the item it numbers of an array (digits, no leading
/// zero or sign, as [`Value::pointer`] reads an index).
fn step<'a>(v: &'a Value, segment: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => field(m, segment),
        Value::Array(items) => {
            let digits = !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
            if !digits || (segment.len() > 1 && segment.starts_with('0')) {
                return None;
            }
            items.get(segment.parse::<usize>().ok()?)
        }
        _ => None,
    }
}

/// The field `key` of an object. Kubernetes objects hold a handful of fields per mapping:
/// comparing them in order costs less than hashing the key.
fn field<'a>(m: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Value> {
    if m.len() <= 8 {
        m.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        m.get(key)
    }
}

/// A string at a JSON pointer.
pub fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.at(pointer).and_then(Value::as_str)
}

/// An integer at a JSON pointer (numbers, or digits in a string).
pub fn int_at(v: &Value, pointer: &str) -> Option<i64> {
    match v.at(pointer)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The object's kind.
pub fn kind(v: &Value) -> &str {
    v.as_object()
        .and_then(|m| field(m, "kind"))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// A field of `metadata`, without building a pointer (these run for every pair of objects).
fn meta_str<'a>(v: &'a Value, name: &str) -> &'a str {
    v.as_object()
        .and_then(|m| field(m, "metadata"))
        .and_then(Value::as_object)
        .and_then(|m| field(m, name))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The object's name.
pub fn name(v: &Value) -> &str {
    meta_str(v, "name")
}

/// The object's namespace, or `""` when it names none.
pub fn namespace(v: &Value) -> &str {
    meta_str(v, "namespace")
}

/// A string map (labels, annotations, a Service selector) at `pointer`.
pub fn string_map(v: &Value, pointer: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(Value::Object(m)) = v.at(pointer) {
        for (k, val) in m {
            let text = match val {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            out.insert(k.clone(), text);
        }
    }
    out
}

/// The kinds whose pod template this reviewer reads, and where the template is.
pub fn pod_template(kind: &str) -> Option<&'static str> {
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => Some("/spec/template"),
        "Job" => Some("/spec/template"),
        "CronJob" => Some("/spec/jobTemplate/spec/template"),
        _ => None,
    }
}

/// The namespace and labels of every pod template of `docs`.
pub fn pod_labels(
    docs: &[crate::review::document::Document],
) -> Vec<(String, BTreeMap<String, String>)> {
    docs.iter()
        .filter_map(|d| {
            let t = pod_template(kind(&d.value))?;
            Some((
                namespace(&d.value).to_owned(),
                string_map(&d.value, &format!("{t}/metadata/labels")),
            ))
        })
        .collect()
}

/// Every Service of `docs` with its selector.
pub fn service_selectors(
    docs: &[crate::review::document::Document],
) -> Vec<(usize, BTreeMap<String, String>)> {
    docs.iter()
        .enumerate()
        .filter(|(_, d)| d.id[0] == "Service")
        .map(|(i, d)| (i, string_map(&d.value, "/spec/selector")))
        .collect()
}

/// Whether a Service-style selector (a plain map) selects pods with `labels`; an empty or
/// missing selector selects nothing.
pub fn map_selects(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// Whether a `LabelSelector` (matchLabels and matchExpressions) selects `labels`. An empty
/// selector selects everything; a missing one (`None`) nothing.
pub fn label_selector_selects(selector: Option<&Value>, labels: &BTreeMap<String, String>) -> bool {
    let Some(sel) = selector else { return false };
    // Read in place: this runs for every budget and policy against every gateway.
    let wanted = sel.get("matchLabels").and_then(Value::as_object);
    let matches = wanted.into_iter().flatten().all(|(k, v)| {
        let have = labels.get(k).map(String::as_str);
        match v {
            Value::String(s) => have == Some(s.as_str()),
            Value::Null => have == Some(""),
            other => have == Some(other.to_string().as_str()),
        }
    });
    if !matches {
        return false;
    }
    let exprs = sel.get("matchExpressions").and_then(Value::as_array);
    exprs
        .into_iter()
        .flatten()
        .all(|e| expression_holds(e, labels))
}

fn expression_holds(e: &Value, labels: &BTreeMap<String, String>) -> bool {
    let key = str_at(e, "/key").unwrap_or_default();
    let values: Vec<&str> = e
        .get("values")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let have = labels.get(key).map(String::as_str);
    match str_at(e, "/operator").unwrap_or_default() {
        "In" => have.is_some_and(|h| values.contains(&h)),
        "NotIn" => have.is_none_or(|h| !values.contains(&h)),
        "Exists" => have.is_some(),
        "DoesNotExist" => have.is_none(),
        _ => false,
    }
}

/// The field path of a JSON pointer, as Kubernetes writes it:
/// `spec.template.spec.containers[0].resources`, with keys holding dots in brackets
/// (`data["config.service.endpoint"]`).
pub fn field_path(root: &Value, pointer: &str) -> String {
    let mut out = String::new();
    let mut at = Some(root);
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        match at {
            Some(Value::Array(items)) => {
                out.push_str(&format!("[{seg}]"));
                at = seg.parse::<usize>().ok().and_then(|i| items.get(i));
            }
            other => {
                if seg.contains(['.', '/', '[', ']', ' ']) || seg.is_empty() {
                    out.push_str(&format!("[{seg:?}]"));
                } else {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(&seg);
                }
                at = other.and_then(|v| v.get(&seg));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_paths_read_like_kubectl() {
        let v = json!({"spec": {"containers": [{"ports": [1]}]}, "data": {"a.b": "x"}});
        assert_eq!(
            field_path(&v, "/spec/containers/0/ports"),
            "spec.containers[0].ports"
        );
        assert_eq!(field_path(&v, "/data/a.b"), "data[\"a.b\"]");
        assert_eq!(field_path(&v, "/spec/missing/x"), "spec.missing.x");
        assert_eq!(field_path(&v, ""), "");
    }

    #[test]
    fn pointers_read_as_serde_json_reads_them() {
        let wide: serde_json::Map<String, Value> =
            (0..20).map(|i| (format!("k{i}"), json!(i))).collect();
        let v = json!({"a": {"b/c": [1, {"d~e": 2}], "": {"x": 3}, "0": 4}, "wide": wide});
        for p in [
            "",
            "/a",
            "/a/b~1c",
            "/a/b~1c/1/d~0e",
            "/a/b~1c/01",
            "/a/b~1c/+1",
            "/a/b~1c/2",
            "/a//x",
            "/a/0",
            "a",
            "/a/b~1c/0/x",
            "/missing",
            "/a/b~1c/-",
        ] {
            assert_eq!(v.at(p), v.pointer(p), "{p}");
        }
    }

    #[test]
    fn selectors() {
        let labels: BTreeMap<String, String> = [
            ("app".to_string(), "gw".to_string()),
            ("tier".to_string(), "edge".to_string()),
        ]
        .into();
        let sel = json!({"matchLabels": {"app": "gw"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["edge"]}]});
        assert!(label_selector_selects(Some(&sel), &labels));
        let sel = json!({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]});
        assert!(!label_selector_selects(Some(&sel), &labels));
        assert!(label_selector_selects(Some(&json!({})), &labels));
        assert!(!label_selector_selects(None, &labels));
        assert!(!map_selects(&BTreeMap::new(), &labels));
    }
}
