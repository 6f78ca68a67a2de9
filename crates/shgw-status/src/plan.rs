//! Which objects to read: those a Gateway renders, or those a manifest stream holds, grouped
//! by gateway, plus what the gateway's pods cannot start without (the token Secret that is
//! never rendered from the Gateway file, CA ConfigMaps, the ServiceAccount).

use crate::error::{ErrorKind, StatusError};
use serde_json::Value;
use std::collections::BTreeMap;

/// The gateway's token setting.
const AUTH_SETTING: &str = "config.service.auth";
/// The instance label every rendered object carries.
const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";
/// Kinds without a namespace (so a missing `metadata.namespace` is not the default one).
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "PriorityClass",
    "StorageClass",
    "CustomResourceDefinition",
    "PersistentVolume",
    "IngressClass",
    "RuntimeClass",
    "APIService",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
];

/// Why an object is expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Rendered from a Gateway, or given in the manifests.
    Manifest,
    /// Not in the manifests, but a workload cannot start without it: `Deployment NAME`.
    Referenced(String),
}

/// One object to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// As rendered (`policy/v1`); read at whatever version of its group the server serves.
    pub api_version: String,
    /// Kind.
    pub kind: String,
    /// Namespace; `None` for cluster-scoped kinds, and until [`Plan::default_namespace`]
    /// fills in the client's default for objects that name none.
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// Why it is expected.
    pub origin: Origin,
    /// It holds the gateway's token (only its metadata is ever read, as for every Secret).
    pub token: bool,
}

impl Wanted {
    /// The API group (`""` for the core group).
    pub fn group(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
    }

    /// The version part of `apiVersion`.
    pub fn version(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or(self.api_version.as_str(), |(_, v)| v)
    }

    /// The key its observation is stored under.
    pub fn key(&self) -> Key {
        Key {
            group: self.group().to_owned(),
            kind: self.kind.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }
}

/// Identifies one live object (any version of its group).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// API group.
    pub group: String,
    /// Kind.
    pub kind: String,
    /// Namespace.
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
}

/// One gateway's objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// `Gateway` (rendered from a Gateway document), `Deployment` (a gateway workload found in
    /// manifests) or `Objects` (manifests without one).
    pub kind: String,
    /// The gateway's namespace, when it has one.
    pub namespace: Option<String>,
    /// The gateway's name.
    pub name: String,
    /// Its objects, in manifest order, then what they reference.
    pub objects: Vec<Wanted>,
}

/// Everything `shgw status` reads, one section per gateway.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Gateways in input order.
    pub sections: Vec<Section>,
}

/// A Gateway rendered by the caller: its name and namespace, and the objects (as JSON).
#[derive(Debug, Clone)]
pub struct Rendered {
    /// `metadata.name` of the Gateway.
    pub name: String,
    /// Its namespace, when it or the profile names one.
    pub namespace: Option<String>,
    /// The rendered objects.
    pub objects: Vec<Value>,
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

fn array_at<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn is_gateway_document(v: &Value) -> bool {
    str_at(v, "/kind") == Some("Gateway")
        && str_at(v, "/apiVersion").is_some_and(|a| a.starts_with("shgw.dev/"))
}

/// Documents with their 1-based numbers.
type Numbered = Vec<(usize, Value)>;

/// Reads a Gateway file or a manifest stream: Gateway documents are rendered under `profile`
/// (one section each); other objects are taken as given (`List` items included) and grouped by
/// the gateway workload they belong to.
///
/// # Errors
/// [`ErrorKind::Input`] naming `source` (and the document) for text that is not YAML, a
/// Gateway that does not render, or an object without `apiVersion`, `kind` or `metadata.name`.
pub fn plan_from_text(
    source: &str,
    text: &str,
    profile: &shgw::Profile,
) -> Result<Plan, StatusError> {
    let input = |detail: String| StatusError::new(ErrorKind::Input, "", detail);
    let docs = shgw::file::parse_documents(source, text).map_err(|e| input(e.to_string()))?;
    if docs.is_empty() {
        return Err(StatusError::new(
            ErrorKind::Input,
            source,
            "no objects and no Gateway: nothing to check",
        ));
    }
    // Gateways are read from the placed documents (settings keep their text); other objects
    // as values.
    let (gateway_docs, plain): (Vec<_>, Vec<_>) = docs
        .into_iter()
        .enumerate()
        .map(|(i, d)| (i, d.node.to_value(), d))
        .partition(|(_, v, _)| is_gateway_document(v));
    let plain: Numbered = plain.into_iter().map(|(i, v, _)| (i, v)).collect();
    let mut problems = Vec::new();
    let mut rendered = Vec::new();
    if !gateway_docs.is_empty() {
        let placed: Vec<shgw::Placed> = gateway_docs.into_iter().map(|(_, _, d)| d).collect();
        match shgw::file::gateways_from_placed(source, &placed) {
            Ok(gateways) => {
                for g in &gateways {
                    match shgw::resolve(g, profile).and_then(|r| shgw::render(&r)) {
                        Ok(m) => rendered.push(Rendered {
                            name: g.metadata.name.clone(),
                            namespace: m
                                .objects
                                .iter()
                                .find_map(|o| o.metadata().namespace.clone()),
                            objects: m.to_values(),
                        }),
                        Err(e) => problems.push(format!("{source}: {e}")),
                    }
                }
            }
            Err(e) => problems.push(e.to_string()),
        }
    }
    let mut objects = Vec::new();
    for (i, doc) in plain {
        flatten(doc, &mut objects, i + 1);
    }
    for (doc, v) in &objects {
        for (pointer, what) in [
            ("/apiVersion", "apiVersion"),
            ("/kind", "kind"),
            ("/metadata/name", "metadata.name"),
        ] {
            if str_at(v, pointer).is_none_or(str::is_empty) {
                problems.push(format!("{source}: document {doc}: no {what}"));
            }
        }
    }
    if !problems.is_empty() {
        return Err(input(problems.join("\n")));
    }
    let mut plan = Plan::from_rendered(rendered);
    plan.sections
        .extend(group(objects.into_iter().map(|(_, v)| v).collect()));
    Ok(plan)
}

/// Objects of a document, `List` items in place of the list.
fn flatten(doc: Value, out: &mut Vec<(usize, Value)>, n: usize) {
    let is_list = str_at(&doc, "/kind").is_some_and(|k| k.ends_with("List"))
        && doc.get("items").is_some_and(Value::is_array);
    if is_list {
        if let Value::Object(mut m) = doc
            && let Some(Value::Array(items)) = m.remove("items")
        {
            for item in items {
                flatten(item, out, n);
            }
        }
    } else {
        out.push((n, doc));
    }
}

fn wanted(v: &Value) -> Wanted {
    let kind = str_at(v, "/kind").unwrap_or_default().to_owned();
    Wanted {
        api_version: str_at(v, "/apiVersion").unwrap_or_default().to_owned(),
        namespace: if CLUSTER_SCOPED.contains(&kind.as_str()) {
            None
        } else {
            str_at(v, "/metadata/namespace").map(str::to_owned)
        },
        name: str_at(v, "/metadata/name").unwrap_or_default().to_owned(),
        kind,
        origin: Origin::Manifest,
        token: false,
    }
}

/// The pod template of a workload.
fn template(v: &Value) -> Option<&Value> {
    match str_at(v, "/kind")? {
        "Deployment" | "StatefulSet" | "DaemonSet" => v.pointer("/spec/template"),
        _ => None,
    }
}

fn containers(template: &Value) -> impl Iterator<Item = &Value> {
    array_at(template, "/spec/containers")
        .iter()
        .chain(array_at(template, "/spec/initContainers"))
}

/// Whether a workload runs the self-hosted gateway (told by `shgw::review::gateway_container`: the
/// container that receives the configuration endpoint, else the gateway image), looking up
/// the ConfigMaps and Secrets its `envFrom` names among `objects`.
fn is_gateway_workload(v: &Value, objects: &[Value]) -> bool {
    let ns = str_at(v, "/metadata/namespace");
    template(v)
        .and_then(|t| t.get("spec"))
        .and_then(|pod| {
            shgw::review::gateway_container(pod, |source, name| {
                let kind = match source {
                    shgw::review::EnvSource::ConfigMap => "ConfigMap",
                    shgw::review::EnvSource::Secret => "Secret",
                };
                objects.iter().find(|o| {
                    str_at(o, "/kind") == Some(kind)
                        && str_at(o, "/metadata/name") == Some(name)
                        && str_at(o, "/metadata/namespace") == ns
                })
            })
        })
        .is_some()
}

fn required(v: &Value) -> bool {
    v.get("optional").and_then(Value::as_bool) != Some(true)
}

/// What a workload's pods cannot start without: `(kind, name, holds the token)`.
fn references(v: &Value) -> Vec<(&'static str, String, bool)> {
    let Some(t) = template(v) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for c in containers(t) {
        for e in array_at(c, "/env") {
            let token = str_at(e, "/name") == Some(AUTH_SETTING);
            if let Some(r) = e.pointer("/valueFrom/secretKeyRef")
                && required(r)
                && let Some(n) = str_at(r, "/name")
            {
                out.push(("Secret", n.to_owned(), token));
            }
            if let Some(r) = e.pointer("/valueFrom/configMapKeyRef")
                && required(r)
                && let Some(n) = str_at(r, "/name")
            {
                out.push(("ConfigMap", n.to_owned(), false));
            }
        }
        for e in array_at(c, "/envFrom") {
            if let Some(r) = e.get("secretRef")
                && required(r)
                && let Some(n) = str_at(r, "/name")
            {
                out.push(("Secret", n.to_owned(), false));
            }
            if let Some(r) = e.get("configMapRef")
                && required(r)
                && let Some(n) = str_at(r, "/name")
            {
                out.push(("ConfigMap", n.to_owned(), false));
            }
        }
    }
    for vol in array_at(t, "/spec/volumes") {
        if let Some(r) = vol.get("secret")
            && required(r)
            && let Some(n) = str_at(r, "/secretName")
        {
            out.push(("Secret", n.to_owned(), false));
        }
        if let Some(r) = vol.get("configMap")
            && required(r)
            && let Some(n) = str_at(r, "/name")
        {
            out.push(("ConfigMap", n.to_owned(), false));
        }
        if let Some(n) = str_at(vol, "/persistentVolumeClaim/claimName") {
            out.push(("PersistentVolumeClaim", n.to_owned(), false));
        }
        for p in array_at(vol, "/projected/sources") {
            if let Some(r) = p.get("secret")
                && required(r)
                && let Some(n) = str_at(r, "/name")
            {
                out.push(("Secret", n.to_owned(), false));
            }
            if let Some(r) = p.get("configMap")
                && required(r)
                && let Some(n) = str_at(r, "/name")
            {
                out.push(("ConfigMap", n.to_owned(), false));
            }
        }
    }
    if let Some(sa) = str_at(t, "/spec/serviceAccountName").filter(|s| *s != "default") {
        out.push(("ServiceAccount", sa.to_owned(), false));
    }
    out
}

/// The Secret a token renewer CronJob stamps (`token renew ... --secret NAME`).
pub(crate) fn renewer_secret(cron_job: &Value) -> Option<String> {
    let containers = array_at(cron_job, "/spec/jobTemplate/spec/template/spec/containers");
    containers.iter().find_map(|c| {
        let args: Vec<&str> = array_at(c, "/args")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let renews = args.windows(2).any(|w| w == ["token", "renew"]);
        let secret = args
            .windows(2)
            .find(|w| w[0] == "--secret")
            .map(|w| w[1].to_owned())
            .or_else(|| {
                args.iter()
                    .find_map(|a| a.strip_prefix("--secret="))
                    .map(str::to_owned)
            });
        if renews { secret } else { None }
    })
}

/// A section of `objects` (a gateway's), with what its workloads reference added after them.
fn section(kind: &str, namespace: Option<String>, name: String, objects: &[Value]) -> Section {
    let mut list: Vec<Wanted> = objects.iter().map(wanted).collect();
    let mut extra = Vec::new();
    for v in objects {
        let ns = str_at(v, "/metadata/namespace").map(str::to_owned);
        let by = format!(
            "{} {}",
            str_at(v, "/kind").unwrap_or_default(),
            str_at(v, "/metadata/name").unwrap_or_default()
        );
        let mut refs = references(v);
        if str_at(v, "/kind") == Some("CronJob")
            && let Some(secret) = renewer_secret(v)
        {
            refs.push(("Secret", secret, true));
        }
        for (kind, name, token) in refs {
            extra.push(Wanted {
                // Every kind a pod references is in the core group.
                api_version: "v1".to_owned(),
                kind: kind.to_owned(),
                namespace: ns.clone(),
                name,
                origin: Origin::Referenced(by.clone()),
                token,
            });
        }
    }
    for e in extra {
        match list
            .iter_mut()
            .find(|w| w.kind == e.kind && w.namespace == e.namespace && w.name == e.name)
        {
            Some(w) => w.token |= e.token,
            None => list.push(e),
        }
    }
    Section {
        kind: kind.to_owned(),
        namespace,
        name,
        objects: list,
    }
}

impl Plan {
    /// One section per rendered Gateway.
    pub fn from_rendered(gateways: Vec<Rendered>) -> Plan {
        Plan {
            sections: gateways
                .into_iter()
                .map(|g| section("Gateway", g.namespace, g.name, &g.objects))
                .collect(),
        }
    }

    /// Fills in `namespace` for namespaced objects that name none (the client's default, as
    /// `kubectl apply` would have put them there).
    pub fn default_namespace(&mut self, namespace: &str) {
        for s in &mut self.sections {
            if s.namespace.is_none() {
                s.namespace = Some(namespace.to_owned());
            }
            for w in &mut s.objects {
                if w.namespace.is_none() && !CLUSTER_SCOPED.contains(&w.kind.as_str()) {
                    w.namespace = Some(namespace.to_owned());
                }
            }
        }
    }

    /// Every object of every section once, in order.
    pub fn objects(&self) -> Vec<&Wanted> {
        let mut seen = std::collections::BTreeSet::new();
        self.sections
            .iter()
            .flat_map(|s| &s.objects)
            .filter(|w| seen.insert(w.key()))
            .collect()
    }
}

/// Plain objects, one section per gateway workload: an object belongs to the gateway with its
/// `app.kubernetes.io/instance` label, else the one that references it, else the one a Service
/// selects or a CronJob renews, else the first in its namespace, else the first.
fn group(objects: Vec<Value>) -> Vec<Section> {
    if objects.is_empty() {
        return Vec::new();
    }
    let mut gateways: Vec<usize> = (0..objects.len())
        .filter(|&i| is_gateway_workload(&objects[i], &objects))
        .collect();
    if gateways.is_empty() {
        gateways = (0..objects.len())
            .filter(|&i| str_at(&objects[i], "/kind") == Some("Deployment"))
            .collect();
    }
    if gateways.is_empty() {
        return vec![section("Objects", None, "manifests".to_owned(), &objects)];
    }
    let ns = |v: &Value| str_at(v, "/metadata/namespace").map(str::to_owned);
    let name = |v: &Value| str_at(v, "/metadata/name").unwrap_or_default().to_owned();
    let instance = |v: &Value| {
        str_at(
            v,
            &format!("/metadata/labels/{}", INSTANCE_LABEL.replace('/', "~1")),
        )
        .map(str::to_owned)
    };
    let mut members: BTreeMap<usize, Vec<usize>> = gateways.iter().map(|&g| (g, vec![])).collect();
    for (i, v) in objects.iter().enumerate() {
        if gateways.contains(&i) {
            members.entry(i).or_default().push(i);
            continue;
        }
        let same_ns: Vec<usize> = gateways
            .iter()
            .copied()
            .filter(|&g| ns(&objects[g]) == ns(v))
            .collect();
        let kind = str_at(v, "/kind").unwrap_or_default();
        let by_label = instance(v).and_then(|l| {
            same_ns
                .iter()
                .copied()
                .find(|&g| instance(&objects[g]).as_deref() == Some(l.as_str()))
        });
        let by_reference = || {
            same_ns.iter().copied().find(|&g| {
                references(&objects[g])
                    .iter()
                    .any(|(k, n, _)| *k == kind && *n == name(v))
            })
        };
        let by_selector = || {
            let selector = v.pointer("/spec/selector").and_then(Value::as_object)?;
            if kind != "Service" || selector.is_empty() {
                return None;
            }
            same_ns.iter().copied().find(|&g| {
                let labels = objects[g].pointer("/spec/template/metadata/labels");
                selector
                    .iter()
                    .all(|(k, val)| labels.and_then(|l| l.get(k)) == Some(val))
            })
        };
        let by_renewal = || {
            if kind != "CronJob" {
                return None;
            }
            let args: Vec<&str> = array_at(v, "/spec/jobTemplate/spec/template/spec/containers")
                .iter()
                .flat_map(|c| array_at(c, "/args"))
                .filter_map(Value::as_str)
                .collect();
            same_ns.iter().copied().find(|&g| {
                args.windows(2)
                    .any(|w| w[0] == "--deployment" && w[1] == name(&objects[g]))
            })
        };
        let owner = by_label
            .or_else(by_reference)
            .or_else(by_selector)
            .or_else(by_renewal)
            .or_else(|| same_ns.first().copied())
            .unwrap_or(gateways[0]);
        members.entry(owner).or_default().push(i);
    }
    gateways
        .iter()
        .map(|g| {
            let list: Vec<Value> = members
                .get(g)
                .map(|m| m.iter().map(|&i| objects[i].clone()).collect())
                .unwrap_or_default();
            let v = &objects[*g];
            section(
                str_at(v, "/kind").unwrap_or("Deployment"),
                ns(v),
                name(v),
                &list,
            )
        })
        .collect()
}
