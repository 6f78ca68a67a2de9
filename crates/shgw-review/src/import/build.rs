//! Building a Gateway document field by field, in the file's order, skipping empty values.

use super::ImportError;
use serde_json::{Map, Value, json};

/// A Gateway document under construction.
pub(crate) struct GatewayDoc {
    metadata: Map<String, Value>,
    spec: Map<String, Value>,
}

/// Whether `v` says nothing (null, empty text, empty list or mapping).
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

fn put(map: &mut Map<String, Value>, path: &[&str], value: Value) {
    if is_empty(&value) {
        return;
    }
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = map;
    for p in parents {
        let entry = at
            .entry((*p).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(m) = entry else { return };
        at = m;
    }
    at.insert((*last).to_owned(), value);
}

impl GatewayDoc {
    /// A Gateway named `name`.
    pub fn new(name: &str) -> GatewayDoc {
        let mut metadata = Map::new();
        metadata.insert("name".into(), json!(name));
        GatewayDoc {
            metadata,
            spec: Map::new(),
        }
    }

    /// Sets `metadata.<path>` unless `value` is empty.
    pub fn meta(&mut self, path: &[&str], value: Value) {
        put(&mut self.metadata, path, value);
    }

    /// Sets `spec.<path>` unless `value` is empty.
    pub fn set(&mut self, path: &[&str], value: Value) {
        put(&mut self.spec, path, value);
    }

    /// The document, read back through the Gateway file's types and written from them: what
    /// import writes is a Gateway file shgw reads, or import fails naming the field (a value
    /// of the input that no Gateway field can hold).
    pub fn finish(self, input: &str) -> Result<Value, ImportError> {
        let name = self.metadata.get("name").cloned().unwrap_or_default();
        let doc = json!({
            "apiVersion": shgw::spec::API_VERSION,
            "kind": shgw::spec::KIND,
            "metadata": Value::Object(self.metadata),
            "spec": Value::Object(self.spec),
        });
        let typed =
            shgw::file::gateway_from_value(&doc).map_err(|problems| ImportError::Unreadable {
                input: input.to_owned(),
                gateway: name.as_str().unwrap_or_default().to_owned(),
                problems: problems.iter().map(ToString::to_string).collect(),
            })?;
        serde_json::to_value(typed).map_err(|e| ImportError::Unreadable {
            input: input.to_owned(),
            gateway: name.as_str().unwrap_or_default().to_owned(),
            problems: vec![e.to_string()],
        })
    }
}

/// `"2"` stays text, `2` a number; a quantity is written as text.
pub(crate) fn quantity(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::String(n.to_string()),
        other => other.clone(),
    }
}

/// `1` stays a number, `"25%"` text, `"1"` becomes 1.
pub(crate) fn int_or_percent(v: &Value) -> Value {
    match v {
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map_or_else(|_| json!(s), |n| json!(n)),
        other => other.clone(),
    }
}

/// Settings whose value here equals the gateway's default: dropping them changes nothing.
pub(crate) const DEFAULT_SETTINGS: &[(&str, &str)] = &[
    ("telemetry.logs.local", "auto"),
    ("telemetry.metrics.local", "none"),
    ("telemetry.logs.local.json.endpoint", "127.0.0.1:8888"),
    ("observability.opentelemetry.enabled", "false"),
    (
        "observability.opentelemetry.system-metrics.enabled",
        "false",
    ),
    ("neighborhood.heartbeat.port", "4291"),
    ("policy.rate-limit.sync.port", "4290"),
    ("k8s.ingress.enabled", "false"),
];

/// A bool from a setting's text.
pub(crate) fn boolean(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// A StatsD endpoint as render takes it (`host:port`): the chart documents `udp://host:port`.
pub(crate) fn statsd_endpoint(e: &str) -> &str {
    let e = e.trim();
    e.strip_prefix("udp://")
        .or_else(|| e.strip_prefix("UDP://"))
        .unwrap_or(e)
        .trim_end_matches('/')
}
