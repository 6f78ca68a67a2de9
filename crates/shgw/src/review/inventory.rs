//! The gateways of a stream and what they read: the workloads with a gateway container (found
//! by [`crate::review::gateway_container`]: the one that receives `config.service.endpoint`, else the
//! one running the gateway image), their gateway container, pod labels, effective replica
//! count and settings (from `env` and from the ConfigMaps loaded with `envFrom`). The rules
//! read this, and so does `shgw import`.

use crate::review::document::{Document, Stream, escape};
use crate::review::objects::At;
use crate::review::objects::{
    int_at, kind, label_selector_selects, name, namespace, pod_template, str_at, string_map,
};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// The kinds that may run the gateway.
const WORKLOAD_KINDS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet"];

/// Where a setting's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Written in the manifest (env `value` or ConfigMap data).
    Literal(String),
    /// `secretKeyRef` (env) or a key of a Secret loaded by `envFrom.secretRef`.
    Secret {
        /// The Secret's name.
        name: String,
        /// The key in it.
        key: String,
    },
    /// Read from somewhere the stream does not show (a ConfigMap not in the stream, a field ref).
    Elsewhere,
}

/// One setting of one gateway and where it is written.
#[derive(Debug, Clone)]
pub struct Setting {
    /// Where the value comes from.
    pub source: Source,
    /// The document that writes it.
    pub doc: usize,
    /// The JSON pointer of the field that writes it.
    pub pointer: String,
}

impl Setting {
    /// The literal value, if the manifest writes one.
    pub fn literal(&self) -> Option<&str> {
        match &self.source {
            Source::Literal(s) => Some(s),
            _ => None,
        }
    }
}

/// One gateway workload.
#[derive(Debug, Clone)]
pub struct Gateway {
    /// Index of its document in the stream.
    pub doc: usize,
    /// The workload's name.
    pub name: String,
    /// Its namespace (`""` when it names none).
    pub namespace: String,
    /// `Deployment`, `StatefulSet` or `DaemonSet`.
    pub kind: String,
    /// Pointer to the pod template (`/spec/template`).
    pub template: String,
    /// Pointer to the gateway container.
    pub container: String,
    /// Pod template labels.
    pub labels: BTreeMap<String, String>,
    /// Index of the HorizontalPodAutoscaler that scales it.
    pub autoscaler: Option<usize>,
    /// Replicas it runs with at least (the autoscaler's minimum when there is one); `None`
    /// for a DaemonSet.
    pub replicas: Option<i64>,
    /// Settings by name; `env` wins over `envFrom`, later `envFrom` sources over earlier.
    pub settings: BTreeMap<String, Setting>,
    /// Some settings come from a ConfigMap or Secret that is not in the stream.
    pub opaque_settings: bool,
    /// Every setting value written in the manifests, also those that another source
    /// overrides (a credential in a ConfigMap leaks even when env wins over it).
    pub written: Vec<(String, Setting)>,
}

impl Gateway {
    /// The pod spec pointer.
    pub fn pod(&self) -> String {
        format!("{}/spec", self.template)
    }

    /// More than one replica (or a DaemonSet).
    pub fn is_replicated(&self) -> bool {
        self.replicas.is_none_or(|r| r > 1)
    }

    /// A setting by name.
    pub fn setting(&self, key: &str) -> Option<&Setting> {
        self.settings.get(key)
    }
}

/// The objects of a stream by kind, namespace and name, built once per review so that finding
/// what a gateway reads does not scan the whole stream for each gateway.
pub(crate) struct Lookup<'a> {
    docs: &'a [Document],
    /// Kind, then namespace, then name: the first such object.
    by_id: HashMap<&'a str, HashMap<&'a str, HashMap<&'a str, usize>>>,
    /// Kind, then namespace: every such object, in stream order.
    by_kind: HashMap<&'a str, HashMap<&'a str, Vec<usize>>>,
}

impl<'a> Lookup<'a> {
    pub(crate) fn new(docs: &'a [Document]) -> Self {
        let mut by_id: HashMap<&str, HashMap<&str, HashMap<&str, usize>>> = HashMap::new();
        let mut by_kind: HashMap<&str, HashMap<&str, Vec<usize>>> = HashMap::new();
        for (i, d) in docs.iter().enumerate() {
            let [k, ns, n] = &d.id;
            by_id
                .entry(k.as_str())
                .or_default()
                .entry(ns.as_str())
                .or_default()
                .entry(n.as_str())
                .or_insert(i);
            by_kind
                .entry(k.as_str())
                .or_default()
                .entry(ns.as_str())
                .or_default()
                .push(i);
        }
        Lookup {
            docs,
            by_id,
            by_kind,
        }
    }

    /// The document index of the object `kind`/`name` in `ns` (the first, as [`find`]).
    pub(crate) fn find(&self, kind_: &str, ns: &str, name_: &str) -> Option<usize> {
        self.by_id.get(kind_)?.get(ns)?.get(name_).copied()
    }

    /// The documents of `kind_` in `ns`, in stream order.
    pub(crate) fn of_kind(&self, kind_: &str, ns: &str) -> &[usize] {
        self.by_kind
            .get(kind_)
            .and_then(|m| m.get(ns))
            .map_or(&[], Vec::as_slice)
    }

    /// As [`selecting`].
    pub(crate) fn selecting(&self, gw: &Gateway, kind_: &str, selector: &str) -> Vec<usize> {
        self.of_kind(kind_, &gw.namespace)
            .iter()
            .copied()
            .filter(|i| label_selector_selects(self.docs[*i].value.at(selector), &gw.labels))
            .collect()
    }
}

/// Finds every gateway workload of the stream, in stream order.
pub fn gateways(stream: &Stream) -> Vec<Gateway> {
    gateways_in(&Lookup::new(&stream.documents))
}

pub(crate) fn gateways_in(lookup: &Lookup) -> Vec<Gateway> {
    let docs = lookup.docs;
    let mut out = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let k = kind(&d.value);
        if !WORKLOAD_KINDS.contains(&k) {
            continue;
        }
        let Some(template) = pod_template(k) else {
            continue;
        };
        let ns = namespace(&d.value);
        let Some(idx) = d.value.at(&format!("{template}/spec")).and_then(|pod| {
            crate::detect::gateway_container(pod, |source, name| {
                let kind = match source {
                    crate::detect::EnvSource::ConfigMap => "ConfigMap",
                    crate::detect::EnvSource::Secret => "Secret",
                };
                lookup.find(kind, ns, name).map(|i| &docs[i].value)
            })
        }) else {
            continue;
        };
        let mut gw = Gateway {
            doc: i,
            name: name(&d.value).to_owned(),
            namespace: namespace(&d.value).to_owned(),
            kind: k.to_owned(),
            template: template.to_owned(),
            container: format!("{template}/spec/containers/{idx}"),
            labels: string_map(&d.value, &format!("{template}/metadata/labels")),
            autoscaler: None,
            replicas: None,
            settings: BTreeMap::new(),
            opaque_settings: false,
            written: Vec::new(),
        };
        gw.autoscaler = autoscaler_of(lookup, &gw);
        gw.replicas = replicas_of(docs, &gw);
        let collected = settings_of(lookup, &gw);
        gw.settings = collected.effective;
        gw.written = collected.written;
        gw.opaque_settings = has_opaque_sources(lookup, &gw);
        out.push(gw);
    }
    out
}

fn autoscaler_of(lookup: &Lookup, gw: &Gateway) -> Option<usize> {
    lookup
        .of_kind("HorizontalPodAutoscaler", &gw.namespace)
        .iter()
        .copied()
        .find(|i| {
            let v = &lookup.docs[*i].value;
            str_at(v, "/spec/scaleTargetRef/kind") == Some(gw.kind.as_str())
                && str_at(v, "/spec/scaleTargetRef/name") == Some(gw.name.as_str())
        })
}

fn replicas_of(docs: &[Document], gw: &Gateway) -> Option<i64> {
    if gw.kind == "DaemonSet" {
        return None;
    }
    if let Some(h) = gw.autoscaler.and_then(|i| docs.get(i)) {
        return Some(int_at(&h.value, "/spec/minReplicas").unwrap_or(1));
    }
    Some(int_at(&docs[gw.doc].value, "/spec/replicas").unwrap_or(1))
}

/// The document index of the object `kind`/`name` in `ns`.
pub fn find(docs: &[Document], kind_: &str, ns: &str, name_: &str) -> Option<usize> {
    docs.iter()
        .position(|d| d.is(kind_, ns) && d.id[2] == name_)
}

/// Settings as they are read: the effective ones, and every literal written.
#[derive(Default)]
struct Collector {
    effective: BTreeMap<String, Setting>,
    written: Vec<(String, Setting)>,
}

impl Collector {
    fn insert(&mut self, key: String, s: Setting) {
        if matches!(s.source, Source::Literal(_)) {
            self.written.push((key.clone(), s.clone()));
        }
        self.effective.insert(key, s);
    }
}

fn settings_of(lookup: &Lookup, gw: &Gateway) -> Collector {
    let docs = lookup.docs;
    let mut out = Collector::default();
    let container = docs[gw.doc].value.at(&gw.container);
    let env_from = container
        .and_then(|c| c.get("envFrom"))
        .and_then(Value::as_array);
    for (i, source) in env_from.into_iter().flatten().enumerate() {
        let prefix = str_at(source, "/prefix").unwrap_or_default();
        let at = format!("{}/envFrom/{i}", gw.container);
        if let Some(cm) = str_at(source, "/configMapRef/name") {
            load_config_map(lookup, gw, cm, prefix, &mut out);
        } else if let Some(secret) = str_at(source, "/secretRef/name") {
            load_secret_keys(lookup, gw, secret, prefix, &at, &mut out);
        }
    }
    let env = container
        .and_then(|c| c.get("env"))
        .and_then(Value::as_array);
    for (i, e) in env.into_iter().flatten().enumerate() {
        let Some(key) = str_at(e, "/name") else {
            continue;
        };
        let at = format!("{}/env/{i}", gw.container);
        let source = if let Some(v) = e.get("value") {
            let pointer = format!("{at}/value");
            let text = v
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string());
            out.insert(
                key.to_owned(),
                Setting {
                    source: Source::Literal(text),
                    doc: gw.doc,
                    pointer,
                },
            );
            continue;
        } else if let (Some(n), Some(k)) = (
            str_at(e, "/valueFrom/secretKeyRef/name"),
            str_at(e, "/valueFrom/secretKeyRef/key"),
        ) {
            Source::Secret {
                name: n.to_owned(),
                key: k.to_owned(),
            }
        } else if let (Some(n), Some(k)) = (
            str_at(e, "/valueFrom/configMapKeyRef/name"),
            str_at(e, "/valueFrom/configMapKeyRef/key"),
        ) {
            match config_map_value(lookup, gw, n, k) {
                Some(s) => {
                    out.insert(key.to_owned(), s);
                    continue;
                }
                None => Source::Elsewhere,
            }
        } else if e.get("value").is_none() && e.get("valueFrom").is_none() {
            Source::Literal(String::new())
        } else {
            Source::Elsewhere
        };
        out.insert(
            key.to_owned(),
            Setting {
                source,
                doc: gw.doc,
                pointer: at,
            },
        );
    }
    out
}

fn has_opaque_sources(lookup: &Lookup, gw: &Gateway) -> bool {
    let env_from = lookup.docs[gw.doc]
        .value
        .at(&format!("{}/envFrom", gw.container))
        .and_then(Value::as_array);
    env_from.into_iter().flatten().any(|s| {
        let cm = str_at(s, "/configMapRef/name").map(|n| ("ConfigMap", n));
        let secret = str_at(s, "/secretRef/name").map(|n| ("Secret", n));
        cm.or(secret)
            .is_some_and(|(k, n)| lookup.find(k, &gw.namespace, n).is_none())
    })
}

fn config_map_value(lookup: &Lookup, gw: &Gateway, cm: &str, key: &str) -> Option<Setting> {
    let i = lookup.find("ConfigMap", &gw.namespace, cm)?;
    let v = lookup.docs[i].value.at(&format!("/data/{}", escape(key)))?;
    Some(Setting {
        source: Source::Literal(
            v.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string()),
        ),
        doc: i,
        pointer: format!("/data/{}", escape(key)),
    })
}

fn load_config_map(lookup: &Lookup, gw: &Gateway, cm: &str, prefix: &str, out: &mut Collector) {
    // A ConfigMap not in the stream: its keys are unknown and nothing is assumed about them.
    let Some(i) = lookup.find("ConfigMap", &gw.namespace, cm) else {
        return;
    };
    if let Some(Value::Object(data)) = lookup.docs[i].value.get("data") {
        for (k, v) in data {
            let text = v
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string());
            out.insert(
                format!("{prefix}{k}"),
                Setting {
                    source: Source::Literal(text),
                    doc: i,
                    pointer: format!("/data/{}", escape(k)),
                },
            );
        }
    }
}

fn load_secret_keys(
    lookup: &Lookup,
    gw: &Gateway,
    secret: &str,
    prefix: &str,
    at: &str,
    out: &mut Collector,
) {
    let Some(i) = lookup.find("Secret", &gw.namespace, secret) else {
        return;
    };
    let v = &lookup.docs[i].value;
    let keys = ["data", "stringData"]
        .iter()
        .filter_map(|f| v.get(*f).and_then(Value::as_object))
        .flat_map(|m| m.keys());
    for k in keys {
        out.insert(
            format!("{prefix}{k}"),
            Setting {
                source: Source::Secret {
                    name: secret.to_owned(),
                    key: k.clone(),
                },
                doc: gw.doc,
                pointer: at.to_owned(),
            },
        );
    }
}

/// Indexes of the objects of `kind_` in the gateway's namespace whose `LabelSelector` at
/// `selector` selects the gateway's pods.
pub fn selecting(docs: &[Document], gw: &Gateway, kind_: &str, selector: &str) -> Vec<usize> {
    docs.iter()
        .enumerate()
        .filter(|(_, d)| d.is(kind_, &gw.namespace))
        .filter(|(_, d)| label_selector_selects(d.value.at(selector), &gw.labels))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stream(containers: serde_json::Value, extra: Vec<serde_json::Value>) -> Stream {
        let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "gw", "namespace": "apim"},
            "spec": {"template": {"metadata": {"labels": {"app": "gw"}}, "spec": {"containers": containers}}}});
        let mut documents = vec![Document::new("s.yaml", deployment)];
        documents.extend(extra.into_iter().map(|v| Document::new("s.yaml", v)));
        Stream { documents }
    }

    #[test]
    fn the_gateway_is_the_container_that_receives_the_endpoint() {
        // A mirrored image behind a sidecar, the endpoint from the ConfigMap in the stream.
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "gw-env", "namespace": "apim"},
            "data": {"config.service.endpoint": "contoso.configuration.azure-api.net", "neighborhood.host": "gw-instance-discovery"}});
        let s = stream(
            json!([
                {"name": "exporter", "image": "prom/statsd-exporter:v0.28.0"},
                {"name": "gw", "image": "contosoacr.azurecr.io/mirror/apim-gateway:2.12.1", "envFrom": [{"configMapRef": {"name": "gw-env"}}]}
            ]),
            vec![cm],
        );
        let found = gateways(&s);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].container, "/spec/template/spec/containers/1");
        assert_eq!(
            found[0]
                .setting("neighborhood.host")
                .and_then(Setting::literal),
            Some("gw-instance-discovery")
        );
        // Without the endpoint only Microsoft's image name decides; a mirror is then unknown.
        let by_image = stream(
            json!([{"name": "gw", "image": "mcr.microsoft.com/azure-api-management/gateway:v2"}]),
            vec![],
        );
        assert_eq!(gateways(&by_image).len(), 1);
        let unknown = stream(
            json!([{"name": "gw", "image": "contosoacr.azurecr.io/mirror/apim-gateway:v2"}]),
            vec![],
        );
        assert!(gateways(&unknown).is_empty());
    }
}
