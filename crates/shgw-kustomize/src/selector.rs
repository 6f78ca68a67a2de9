//! Patch target selection: regex GVK/name/namespace plus label and annotation selectors.

use crate::error::{Error, Result};
use crate::kustomization::Selector;
use crate::labelselector;
use crate::resource::Resource;
use indexmap::IndexMap;
use regex::Regex;
use shgw_yaml::node::Node;

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

/// Matches a label or annotation map the way kustomize reads it (`GetLabels`,
/// `GetAnnotations`): every value as its source text, typed ones included.
///
/// # Errors
/// A selector that does not parse.
pub(crate) fn selector_matches(sel: &str, map: Option<&Node>) -> Result<bool> {
    let texts: IndexMap<&str, String> = map
        .and_then(Node::as_map)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.as_str(), v.text()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let reqs = labelselector::parse(sel)?;
    Ok(labelselector::matches(&reqs, &|k| texts.get(k).cloned()))
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
            && !selector_matches(ls, meta.and_then(|m| m.get("labels")))?
        {
            continue;
        }
        if let Some(a) = sel.annotation_selector.as_deref().filter(|s| !s.is_empty())
            && !selector_matches(a, meta.and_then(|m| m.get("annotations")))?
        {
            continue;
        }
        out.push(i);
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn label_selectors() {
        let l = Node::from_value(&json!({"app": "web", "tier": "fe"}));
        let m = |s: &str| selector_matches(s, Some(&l)).unwrap();
        assert!(m("app=web,tier in (fe, be)"));
        assert!(!m("app!=web"));
        assert!(m("!missing,app"));
        assert!(m("tier notin (be)"));
        assert!(selector_matches("a b", Some(&l)).is_err());
    }
}
