//! `shgw fn`: a KRM function (the kustomize/kpt Functions Specification).
//!
//! A `ResourceList` comes in on stdin. Its `functionConfig` is a Gateway (the profile named by
//! its `shgw.dev/profile` annotation, production by default); the objects shgw renders for it
//! are appended to `items`, the items given are kept as they are (their
//! `internal.config.kubernetes.io/*` annotations included), and what is wrong with the Gateway,
//! what the render warns about and what the review rules find in the resulting items (every
//! gateway workload, rendered or given as plain objects, as `shgw build` reviews what it
//! built) become `results`. The ResourceList goes to stdout even when a result is an error; the exit code is
//! then 1. Input that is not a ResourceList at all is refused with nothing on stdout.

use crate::{Failure, Output};
use serde_json::{Map, Value, json};
use shgw::{Diagnostic, Profile, RenderOptions};
use std::io::Read;

/// The annotation on the Gateway that names its profile.
pub(crate) const PROFILE_ANNOTATION: &str = "shgw.dev/profile";

/// The ResourceList versions the specification names (v1beta1 is still accepted by kyaml).
const API_VERSIONS: [&str; 2] = ["config.kubernetes.io/v1", "config.kubernetes.io/v1beta1"];

/// Annotation prefixes that belong to the orchestrator, not to the Gateway: they are not put
/// on the rendered objects (`config.kubernetes.io/local-config` there would make kustomize drop
/// them).
const ORCHESTRATOR_PREFIXES: [&str; 4] = [
    "config.kubernetes.io/",
    "internal.config.kubernetes.io/",
    "config.k8s.io/",
    "kustomize.config.k8s.io/",
];

/// Reads stdin, runs the function, and gives the ResourceList to print.
pub(crate) fn run() -> Result<Output, Failure> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure::invalid(format!("<stdin>: cannot read: {e}")))?;
    let (list, errors, notes) = process(&text)?;
    let yaml = shgw_yaml::to_string(&list);
    if errors > 0 {
        let mut message = format!("{errors} error result(s) in the ResourceList");
        for n in notes {
            message.push('\n');
            message.push_str(&n);
        }
        return Err(Failure::with_report(message, yaml));
    }
    Ok(Output {
        stdout: yaml,
        stderr: notes,
    })
}

/// One entry of `results`.
struct KrmResult {
    severity: &'static str,
    message: String,
    resource: Option<Value>,
    field: String,
    file: Option<Value>,
    tags: Option<Value>,
}

impl KrmResult {
    fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("message".into(), self.message.clone().into());
        m.insert("severity".into(), self.severity.into());
        if let Some(r) = &self.resource {
            m.insert("resourceRef".into(), r.clone());
        }
        if !self.field.is_empty() {
            m.insert("field".into(), json!({"path": self.field}));
        }
        if let Some(f) = &self.file {
            m.insert("file".into(), f.clone());
        }
        if let Some(t) = &self.tags {
            m.insert("tags".into(), t.clone());
        }
        Value::Object(m)
    }
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// `resourceRef` of an object (apiVersion, kind, name, namespace when set).
fn resource_ref(obj: &Value) -> Value {
    let mut m = Map::new();
    for (key, pointer) in [
        ("apiVersion", "/apiVersion"),
        ("kind", "/kind"),
        ("name", "/metadata/name"),
        ("namespace", "/metadata/namespace"),
    ] {
        if let Some(s) = str_at(obj, pointer) {
            m.insert(key.into(), s.into());
        }
    }
    Value::Object(m)
}

/// An annotation of `obj`, by its name.
fn annotation<'a>(obj: &'a Value, name: &str) -> Option<&'a str> {
    obj.pointer("/metadata/annotations")
        .and_then(|a| a.get(name))
        .and_then(Value::as_str)
}

/// `file` of an object: the path (and index) orchestrators record in its annotations.
fn file_ref(obj: &Value) -> Option<Value> {
    let pick = |key: &str| {
        annotation(obj, &format!("internal.config.kubernetes.io/{key}"))
            .or_else(|| annotation(obj, &format!("config.kubernetes.io/{key}")))
    };
    let path = pick("path")?;
    let mut m = Map::new();
    m.insert("path".into(), path.into());
    if let Some(i) = pick("index").and_then(|i| i.parse::<u64>().ok()) {
        m.insert("index".into(), i.into());
    }
    Some(Value::Object(m))
}

/// The ResourceList to print, the number of error results, and notes for stderr.
fn process(text: &str) -> Result<(Value, usize, Vec<String>), Failure> {
    let mut docs = shgw::file::parse_documents("<stdin>", text)?;
    if docs.len() != 1 {
        return Err(Failure::invalid(format!(
            "<stdin>: expected one ResourceList document, found {}",
            docs.len()
        )));
    }
    let Value::Object(mut list) = docs.remove(0).node.to_value() else {
        return Err(Failure::invalid(
            "<stdin>: a ResourceList must be a mapping",
        ));
    };
    let api = list.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = list.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind != "ResourceList" || !API_VERSIONS.contains(&api) {
        return Err(Failure::invalid(format!(
            "<stdin>: expected kind ResourceList in apiVersion {}, found kind '{kind}' in apiVersion '{api}'",
            API_VERSIONS.join(" or ")
        )));
    }
    let mut items = match list.remove("items") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(Failure::invalid(
                "<stdin>: ResourceList items: must be a list of objects",
            ));
        }
    };
    if let Some(i) = items.iter().position(|i| !i.is_object()) {
        return Err(Failure::invalid(format!(
            "<stdin>: ResourceList items[{i}]: must be an object"
        )));
    }
    let config = list.get("functionConfig").filter(|c| !c.is_null());
    let mut results = Vec::new();
    let mut notes = Vec::new();
    match config {
        None => results.push(KrmResult {
            severity: "error",
            message: format!(
                "no functionConfig: shgw fn needs a Gateway ({}) as its functionConfig",
                shgw::spec::API_VERSION
            ),
            resource: None,
            field: String::new(),
            file: None,
            tags: None,
        }),
        Some(config) => {
            let (rendered, found, n, profile) = generate(config);
            upsert(&mut items, rendered);
            results.extend(found);
            notes.extend(n);
            if let Some(profile) = profile {
                results.extend(review_items(&items, config, &profile));
            }
        }
    }
    let errors = results.iter().filter(|r| r.severity == "error").count();
    list.insert("items".into(), Value::Array(items));
    if !results.is_empty() {
        list.insert(
            "results".into(),
            Value::Array(results.iter().map(KrmResult::to_value).collect()),
        );
    }
    Ok((Value::Object(list), errors, notes))
}

/// The identity of an object: apiVersion, kind, namespace, name.
fn identity(obj: &Value) -> [&str; 4] {
    [
        str_at(obj, "/apiVersion").unwrap_or(""),
        str_at(obj, "/kind").unwrap_or(""),
        str_at(obj, "/metadata/namespace").unwrap_or(""),
        str_at(obj, "/metadata/name").unwrap_or(""),
    ]
}

/// Adds the rendered objects to `items`. An item that is the same object (a package that
/// already holds an earlier run's output, as with `kpt fn render`) is replaced in place, keeping
/// the orchestrator's annotations that say where it is written: running the function again
/// changes nothing.
fn upsert(items: &mut Vec<Value>, rendered: Vec<Value>) {
    for mut obj in rendered {
        let Some(at) = items.iter().position(|i| identity(i) == identity(&obj)) else {
            items.push(obj);
            continue;
        };
        let kept: Vec<(String, Value)> = items[at]
            .pointer("/metadata/annotations")
            .and_then(Value::as_object)
            .map(|a| {
                a.iter()
                    .filter(|(k, _)| ORCHESTRATOR_PREFIXES.iter().any(|p| k.starts_with(p)))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        if !kept.is_empty()
            && let Some(Value::Object(meta)) = obj.get_mut("metadata")
            && let Value::Object(ann) = meta
                .entry("annotations")
                .or_insert_with(|| Value::Object(Map::new()))
        {
            ann.extend(kept);
        }
        items[at] = obj;
    }
}

/// The Gateway as shgw reads it: the orchestrator's annotations and the profile annotation
/// removed (they would otherwise land on every rendered object).
fn gateway_document(config: &Value) -> Value {
    let mut doc = config.clone();
    if let Some(Value::Object(meta)) = doc.get_mut("metadata")
        && let Some(Value::Object(ann)) = meta.get_mut("annotations")
    {
        ann.retain(|k, _| {
            k != PROFILE_ANNOTATION && !ORCHESTRATOR_PREFIXES.iter().any(|p| k.starts_with(p))
        });
        if ann.is_empty() {
            meta.remove("annotations");
        }
    }
    doc
}

/// What [`generate`] gives: the rendered objects, the results, the notes, and the profile the
/// items are reviewed under (none when the Gateway did not render).
type Generated = (Vec<Value>, Vec<KrmResult>, Vec<String>, Option<Profile>);

/// Renders the functionConfig.
fn generate(config: &Value) -> Generated {
    let gw_ref = resource_ref(config);
    let gw_file = file_ref(config);
    let source = gw_file
        .as_ref()
        .and_then(|f| f.get("path"))
        .and_then(Value::as_str)
        .unwrap_or("functionConfig")
        .to_owned();
    let on_gateway = |severity: &'static str, field: &str, message: String| KrmResult {
        severity,
        message,
        resource: Some(gw_ref.clone()),
        field: field.to_owned(),
        file: gw_file.clone(),
        tags: None,
    };
    let from_diag = |d: &Diagnostic| {
        let severity = match d.severity {
            shgw::Severity::Error => "error",
            shgw::Severity::Warning => "warning",
            shgw::Severity::Info => "info",
        };
        // A profile's own problem is in the profile, not at a field of the Gateway.
        match &d.origin {
            Some(origin) => {
                on_gateway(severity, "", format!("{origin}: {}: {}", d.path, d.message))
            }
            None => on_gateway(severity, &d.path, d.message.clone()),
        }
    };
    let profile_name = annotation(config, PROFILE_ANNOTATION).unwrap_or(shgw::profile::DEFAULT);
    let profile: Profile = match crate::commands::load_profile(profile_name) {
        Ok(p) => p,
        Err(f) => {
            let field = format!("metadata.annotations.{PROFILE_ANNOTATION}");
            return (
                Vec::new(),
                vec![on_gateway("error", &field, f.message)],
                Vec::new(),
                None,
            );
        }
    };
    let gateway = match shgw::file::gateway_from_value(&gateway_document(config)) {
        Ok(g) => g,
        Err(problems) => {
            return (
                Vec::new(),
                problems.iter().map(from_diag).collect(),
                Vec::new(),
                None,
            );
        }
    };
    let opts = RenderOptions {
        now: Some(jiff::Timestamp::now()),
        ..RenderOptions::default()
    };
    let manifests = match shgw::render_with(&source, &[gateway], &profile, &opts) {
        Ok(m) => m,
        Err(e) => {
            return (
                Vec::new(),
                e.problems().iter().map(from_diag).collect(),
                Vec::new(),
                None,
            );
        }
    };
    // The review's findings on what was rendered are results of the review of the items (below
    // in `run`); the rest of the warnings are the Gateway's own.
    let results: Vec<KrmResult> = manifests
        .warnings
        .iter()
        .filter(|d| d.rule.is_none())
        .map(from_diag)
        .collect();
    let notes = manifests
        .next_steps
        .iter()
        .map(|s| format!("note: {s}"))
        .collect();
    (manifests.to_values(), results, notes, Some(profile))
}

/// The review of every gateway workload among the items (the rendered ones and any given as
/// plain objects, as `shgw build` reviews what it built), one result per unsuppressed finding:
/// the object's own file when the orchestrator recorded one, the Gateway's otherwise.
fn review_items(items: &[Value], config: &Value, profile: &Profile) -> Vec<KrmResult> {
    let gw_file = file_ref(config);
    let yaml = shgw_yaml::to_multi_doc(items);
    let report = match crate::self_review::review_text("<items>", &yaml, profile) {
        Ok(report) => report,
        Err(f) => {
            return vec![KrmResult {
                severity: "error",
                message: f.message,
                resource: Some(resource_ref(config)),
                field: String::new(),
                file: gw_file,
                tags: None,
            }];
        }
    };
    report
        .findings
        .iter()
        .filter(|f| f.suppression.is_none())
        .map(|f| {
            let object = serde_json::to_value(&f.object).unwrap_or_else(|_| resource_ref(config));
            let item = items.iter().find(|i| {
                str_at(i, "/kind") == object.get("kind").and_then(Value::as_str)
                    && str_at(i, "/metadata/name") == object.get("name").and_then(Value::as_str)
            });
            KrmResult {
                severity: f.severity.as_str(),
                message: format!("{} {}: {}", f.rule, f.name, f.message),
                resource: Some(object),
                field: f.path.clone(),
                file: item.and_then(file_ref).or_else(|| gw_file.clone()),
                tags: Some(json!({"rule": f.rule, "review-profile": report.profile})),
            }
        })
        .collect()
}
