//! The built-in field specs (`src/builtin_fieldspecs.yaml`) are kubectl's own: kubectl
//! v1.37.1 prints its whole merged configuration in the error for a conflicting
//! `configurations:` file (fixture `configurations-conflict-with-builtin-images`), and every
//! spec there must be in our data and the other way round, but for what the engine does in
//! code (listed below).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use serde_json::Value;
use std::collections::BTreeSet;

/// (group, version, kind, path, create)
type Spec = (String, String, String, String, bool);

const DUMP: &str =
    include_str!("fixtures/configurations-conflict-with-builtin-images/expected.err");
const OURS: &str = include_str!("../src/builtin_fieldspecs.yaml");

/// The top-level `[...]` groups of the dumped configuration, in its field order.
fn groups() -> Vec<String> {
    let body = &DUMP[DUMP.find("&{").unwrap() + 2..DUMP.rfind("}:").unwrap()];
    let (mut out, mut depth, mut cur) = (Vec::new(), 0, String::new());
    for c in body.chars() {
        match c {
            '[' => {
                depth += 1;
                if depth == 1 {
                    cur.clear();
                    continue;
                }
            }
            ']' => {
                depth -= 1;
                if depth == 0 {
                    out.push(std::mem::take(&mut cur));
                    continue;
                }
            }
            _ => {}
        }
        if depth >= 1 {
            cur.push(c);
        }
    }
    out
}

/// `Kind.version.group:create:path`, placeholders for empty parts.
fn parse_spec(tok: &str) -> Option<Spec> {
    let (gvk, rest) = tok.split_once(':')?;
    let (create, path) = rest.split_once(':')?;
    let mut parts = gvk.splitn(3, '.');
    let (k, v, g) = (parts.next()?, parts.next()?, parts.next()?);
    let un = |s: &str, p: &str| if s == p { String::new() } else { s.to_string() };
    Some((
        un(g, "[noGrp]"),
        un(v, "[noVer]"),
        un(k, "[noKind]"),
        path.to_string(),
        create == "true",
    ))
}

fn theirs(group: &str) -> BTreeSet<Spec> {
    group
        .split_whitespace()
        .filter_map(parse_spec)
        // The fixture's own configuration adds Rollout specs.
        .filter(|s| s.2 != "Rollout")
        .collect()
}

fn ours() -> Value {
    shgw_yaml::parse::parse_value(OURS).unwrap()
}

fn spec_of(v: &Value) -> Spec {
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    (
        s("group"),
        s("version"),
        s("kind"),
        s("path"),
        v.get("create").and_then(Value::as_bool).unwrap_or(false),
    )
}

#[test]
fn field_specs_are_kubectls() {
    let g = groups();
    let ours = ours();
    // Field order of kustomize's TransformerConfig as dumped (index 4 is a field this
    // version leaves empty).
    for (i, field) in [
        (0, "namePrefix"),
        (1, "nameSuffix"),
        (2, "namespace"),
        (3, "commonLabels"),
        (5, "templateLabels"),
        (6, "commonAnnotations"),
        (8, "varReference"),
        (9, "images"),
        (10, "replicas"),
    ] {
        let mut want = theirs(&g[i]);
        let have: BTreeSet<Spec> = ours[field]
            .as_array()
            .unwrap()
            .iter()
            .map(spec_of)
            .collect();
        // Done in code: `labels` with includeTemplates adds `metadata/labels` itself.
        if field == "templateLabels" {
            want.remove(&(
                "".into(),
                "".into(),
                "".into(),
                "metadata/labels".into(),
                true,
            ));
        }
        assert_eq!(have, want, "{field}");
    }
}

#[test]
fn name_references_are_kubectls() {
    let dumped = &groups()[7];
    let mut want: BTreeSet<(String, String, String, String)> = BTreeSet::new();
    let mut rest = dumped.as_str();
    while let Some(open) = rest.find(":  (\n") {
        let target = rest[..open].split_whitespace().last().unwrap_or("");
        let kind = target.split('.').next().unwrap_or("").to_string();
        let close = rest[open..].find("\n)").unwrap() + open;
        for tok in rest[open + 5..close].split_whitespace() {
            let (g, _, k, path, _) = parse_spec(tok).unwrap();
            if k != "Rollout" {
                want.insert((kind.clone(), g, k, path));
            }
        }
        rest = &rest[close + 2..];
    }
    // `{name, namespace}` object references are rewritten in code; v5.8.1 lists IngressClass
    // under the group "networking.k8s.io/v1", which matches nothing (verified).
    want.retain(|(t, _, k, path)| {
        !(path == "subjects"
            || path.starts_with("webhooks/clientConfig/service")
            || (k == "APIService" && path == "spec/service/name")
            || t == "IngressClass")
    });
    let mut have = BTreeSet::new();
    for b in ours()["nameReference"].as_array().unwrap() {
        let target = b["kind"].as_str().unwrap().to_string();
        for f in b["fieldSpecs"].as_array().unwrap() {
            let (g, _, k, path, _) = spec_of(f);
            have.insert((target.clone(), g, k, path));
        }
    }
    assert_eq!(have, want);
}
