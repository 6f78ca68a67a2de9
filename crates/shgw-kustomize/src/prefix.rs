//! `namePrefix` / `nameSuffix`.

use crate::resource::Resource;
use shgw_yaml::node::Node;

const SKIPPED_KINDS: &[&str] = &["CustomResourceDefinition", "APIService", "Namespace"];

/// Adds `prefix` and `suffix` to the name of every resource except the skipped kinds.
pub fn apply(resources: &mut [Resource], prefix: &str, suffix: &str) {
    if prefix.is_empty() && suffix.is_empty() {
        return;
    }
    for r in resources.iter_mut() {
        if SKIPPED_KINDS.contains(&r.orig_id().kind.as_str()) {
            continue;
        }
        let name = r.id().name;
        r.store_prev_id();
        r.metadata_mut().insert(
            "name".into(),
            Node::string(format!("{prefix}{name}{suffix}")),
        );
        if !prefix.is_empty() {
            r.prefixes.push(prefix.to_string());
        }
        if !suffix.is_empty() {
            r.suffixes.push(suffix.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prefixes_and_suffixes() {
        let mut rs = vec![Resource::new(
            json!({"kind": "ConfigMap", "metadata": {"name": "c"}}),
        )];
        apply(&mut rs, "p-", "-s");
        assert_eq!(rs[0].obj["metadata"]["name"], "p-c-s");
        assert_eq!(rs[0].orig_id().name, "c");
    }
}
