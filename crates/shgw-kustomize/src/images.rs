//! The `images` transformer.

use crate::error::{Error, Result};
use crate::fieldpath::{spec_applies, split_path, visit};
use crate::kustomization::{FieldSpec, Image};
use crate::resource::Resource;
use regex::Regex;
use shgw_yaml::node::{Node, Scalar};

/// Splits an image reference into name, tag and digest (kustomize's `image.Split`).
pub fn split(image: &str) -> (String, String, String) {
    let slash = image.find('/').filter(|i| *i > 0).unwrap_or(0);
    let search = &image[slash..];
    let id = search.find('@');
    let ic = search.find(':');
    match (ic, id) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (ic, Some(d)) if ic.is_none_or(|c| d < c) => {
            let d = d + slash;
            (
                image[..d].to_string(),
                String::new(),
                image[d + 1..].to_string(),
            )
        }
        (Some(c), Some(d)) => {
            let (c, d) = (c + slash, d + slash);
            (
                image[..c].to_string(),
                image[c + 1..d].to_string(),
                image[d + 1..].to_string(),
            )
        }
        (Some(c), None) => {
            let c = c + slash;
            (
                image[..c].to_string(),
                image[c + 1..].to_string(),
                String::new(),
            )
        }
        (None, Some(_)) => (image.to_string(), String::new(), String::new()),
    }
}

fn rewrite(value: &str, img: &Image, re: &Regex) -> Option<String> {
    if !re.is_match(value) {
        return None;
    }
    let (mut name, mut tag, mut digest) = split(value);
    if let Some(n) = img.new_name.as_deref().filter(|s| !s.is_empty()) {
        name = n.to_string();
    }
    let new_tag = img.new_tag.as_deref().unwrap_or("");
    let new_digest = img.digest.as_deref().unwrap_or("");
    if !new_tag.is_empty() && !new_digest.is_empty() {
        tag = new_tag.into();
        digest = new_digest.into();
    } else if !new_tag.is_empty() {
        tag = new_tag.into();
        digest.clear();
    } else if !new_digest.is_empty() {
        tag.clear();
        digest = new_digest.into();
    }
    if let Some(s) = img.tag_suffix.as_deref() {
        tag.push_str(s);
    }
    if !tag.is_empty() {
        name = format!("{name}:{tag}");
    }
    if !digest.is_empty() {
        name = format!("{name}@{digest}");
    }
    Some(name)
}

/// Rewrites `node` when it is a string scalar naming an image `img` matches; whether it did.
fn rewrite_node(node: &mut Node, img: &Image, re: &Regex) -> bool {
    if let Some(new) = node.as_str().and_then(|s| rewrite(s, img, re)) {
        *node = Node::Scalar(Scalar::string(new));
        return true;
    }
    false
}

fn walk(v: &mut Node, img: &Image, re: &Regex, changed: &mut bool) {
    match v {
        Node::Map(m) => {
            for (k, child) in m.iter_mut() {
                if (k == "containers" || k == "initContainers")
                    && let Node::Seq(items) = child
                {
                    for c in items.iter_mut() {
                        if let Some(image) = c.get_mut("image") {
                            *changed |= rewrite_node(image, img, re);
                        }
                    }
                }
                walk(child, img, re, changed);
            }
        }
        Node::Seq(items) => items.iter_mut().for_each(|i| walk(i, img, re, changed)),
        Node::Scalar(_) => {}
    }
}

/// Applies one `images:` entry to every resource.
///
/// # Errors
/// `img.name` is not a valid pattern (kubectl v1.37.1 silently ignores such an entry, or
/// crashes; an entry that can never apply is refused here instead).
pub fn apply(
    resources: &mut [Resource],
    img: &Image,
    specs: &[FieldSpec],
    by: &crate::resource::ChangedBy,
) -> Result<()> {
    // Go's `\w` is ASCII-only; spelling the classes out keeps the same meaning and avoids
    // compiling Unicode classes repeated 127 times (which cost ~40 ms per entry).
    let pattern = format!(
        r"^{}(:[0-9A-Za-z_][0-9A-Za-z_.-]{{0,127}})?(@sha256:[0-9A-Za-z]+)?$",
        img.name
    );
    let re = Regex::new(&pattern).map_err(|e| {
        Error::msg(format!(
            "image name '{}' is not a valid image name pattern: {e}",
            img.name
        ))
    })?;
    for r in resources.iter_mut() {
        if r.kind() == "CustomResourceDefinition" {
            continue;
        }
        let mut changed = false;
        walk(&mut r.obj, img, &re, &mut changed);
        let id = r.id();
        for spec in specs.iter().filter(|s| spec_applies(s, &id)) {
            visit(&mut r.obj, &split_path(&spec.path), false, &mut |node| {
                changed |= rewrite_node(node, img, &re);
            });
        }
        if changed {
            r.changes.push(by.clone());
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn split_and_rewrite() {
        assert_eq!(
            split("reg:5000/a/b:1@sha256:x"),
            ("reg:5000/a/b".into(), "1".into(), "sha256:x".into())
        );
        let img = Image {
            name: "nginx".into(),
            new_tag: Some("1.25".into()),
            ..Default::default()
        };
        let mut rs = vec![Resource::new(
            json!({"kind": "Pod", "spec": {"containers": [{"image": "nginx:1.2@sha256:aaaa"}, {"image": "docker.io/library/nginx"}]}}),
        )];
        let by = crate::resource::ChangedBy {
            kustomization: "kustomization.yaml".into(),
            entry: "images[0]".into(),
            file: None,
            document: 0,
            kind: crate::ChangeKind::Transformer,
        };
        apply(
            &mut rs,
            &img,
            &crate::config::builtin().unwrap().images,
            &by,
        )
        .unwrap();
        assert_eq!(rs[0].changes.len(), 1);
        assert_eq!(rs[0].obj["spec"]["containers"][0]["image"], "nginx:1.25");
        assert_eq!(
            rs[0].obj["spec"]["containers"][1]["image"],
            "docker.io/library/nginx"
        );
    }
}
