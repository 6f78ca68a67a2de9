//! Patch target selection: regex GVK/name/namespace plus label and annotation selectors.

use crate::error::{Error, Result};
use crate::kustomization::Selector;
use crate::resource::Resource;
use indexmap::IndexMap;
use regex::Regex;
use serde_json::Value;

fn anchored(re: &str) -> Result<Regex> {
    Regex::new(&format!("^(?:{re})$"))
        .map_err(|e| Error::msg(format!("invalid selector regex {re:?}: {e}")))
}

fn opt_re(s: &Option<String>) -> Result<Option<Regex>> {
    match s.as_deref() {
        None | Some("") => Ok(None),
        Some(s) => anchored(s).map(Some),
    }
}

#[derive(Debug)]
enum Req {
    Eq(String, String),
    Ne(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn parse_set(s: &str) -> Vec<String> {
    s.trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .split(',')
        .map(|x| x.trim().to_string())
        .collect()
}

fn parse_selector(s: &str) -> Vec<Req> {
    let mut reqs = Vec::new();
    for part in split_top(s) {
        if let Some(k) = part.strip_prefix('!') {
            reqs.push(Req::NotExists(k.trim().into()));
        } else if let Some((k, v)) = part.split_once("!=") {
            reqs.push(Req::Ne(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
            reqs.push(Req::Eq(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = part.split_once(" notin ") {
            reqs.push(Req::NotIn(k.trim().into(), parse_set(v)));
        } else if let Some((k, v)) = part.split_once(" in ") {
            reqs.push(Req::In(k.trim().into(), parse_set(v)));
        } else {
            reqs.push(Req::Exists(part.trim().into()));
        }
    }
    reqs
}

/// Matches a label or annotation map the way kustomize reads it (`GetLabels`,
/// `GetAnnotations`): every value as its text, typed ones included (`raw` holds source
/// text where known).
pub(crate) fn selector_matches(
    sel: &str,
    map: Option<&Value>,
    raw: &IndexMap<String, String>,
) -> bool {
    let texts: IndexMap<&str, String> = map
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        Value::Null => "null".to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Number(n) => raw
                            .get(k)
                            .cloned()
                            .unwrap_or_else(|| shgw_yaml::format_number(n)),
                        other => other.to_string(),
                    };
                    (k.as_str(), text)
                })
                .collect()
        })
        .unwrap_or_default();
    let get = |k: &str| texts.get(k).map(String::as_str);
    parse_selector(sel).iter().all(|r| match r {
        Req::Eq(k, v) => get(k) == Some(v.as_str()),
        Req::Ne(k, v) => get(k) != Some(v.as_str()),
        Req::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
        Req::NotIn(k, vs) => get(k).is_none_or(|x| !vs.iter().any(|v| v == x)),
        Req::Exists(k) => get(k).is_some(),
        Req::NotExists(k) => get(k).is_none(),
    })
}

/// Indices of the resources a selector picks.
pub fn select(resources: &[Resource], sel: &Selector) -> Result<Vec<usize>> {
    let (g, v, k) = (
        opt_re(&sel.group)?,
        opt_re(&sel.version)?,
        opt_re(&sel.kind)?,
    );
    let (n, ns) = (opt_re(&sel.name)?, opt_re(&sel.namespace)?);
    let mut out = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        let cur = r.id();
        let orig = r.orig_id();
        let ok = |re: &Option<Regex>, vals: &[&str]| {
            re.as_ref()
                .is_none_or(|re| vals.iter().any(|x| re.is_match(x)))
        };
        if !ok(&g, &[&cur.group]) || !ok(&v, &[&cur.version]) || !ok(&k, &[&cur.kind]) {
            continue;
        }
        if !ok(&n, &[&cur.name, &orig.name]) {
            continue;
        }
        if !ok(
            &ns,
            &[
                cur.effective_namespace(),
                orig.effective_namespace(),
                &cur.namespace,
            ],
        ) {
            continue;
        }
        let meta = r.obj.get("metadata");
        if let Some(ls) = sel.label_selector.as_deref().filter(|s| !s.is_empty())
            && !selector_matches(ls, meta.and_then(|m| m.get("labels")), &IndexMap::new())
        {
            continue;
        }
        if let Some(a) = sel.annotation_selector.as_deref().filter(|s| !s.is_empty())
            && !selector_matches(
                a,
                meta.and_then(|m| m.get("annotations")),
                &r.raw_annotations,
            )
        {
            continue;
        }
        out.push(i);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn label_selectors() {
        let l = json!({"app": "web", "tier": "fe"});
        assert!(selector_matches(
            "app=web,tier in (fe, be)",
            Some(&l),
            &IndexMap::new()
        ));
        assert!(!selector_matches("app!=web", Some(&l), &IndexMap::new()));
        assert!(selector_matches("!missing,app", Some(&l), &IndexMap::new()));
        assert!(selector_matches(
            "tier notin (be)",
            Some(&l),
            &IndexMap::new()
        ));
    }
}
