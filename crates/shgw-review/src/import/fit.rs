//! Filling a typed Gateway from an input: each value the input gives is read into the type of
//! the Gateway field it goes to, where it is read, by the reader Gateway files are read with
//! (`shgw-yaml`: what kubectl would read as that type; text as written for text fields). A
//! value that does not fit is a [`Misfit`] naming the input's field and the Gateway field;
//! the importer goes on, so that every misfit of a gateway is reported at once, and nothing
//! is written for it.

use super::Misfit;
use serde::de::DeserializeOwned;
use serde_json::Value;
use shgw::spec::{
    API_VERSION, Gateway, GatewayMetadata, GatewaySpec, KIND, Quantity, ResourceList, Resources,
};

/// The Gateway being filled from one input, and the values of the input that did not fit.
pub(crate) struct Fit {
    /// The Gateway as far as it is filled.
    pub gateway: Gateway,
    misfits: Vec<Misfit>,
}

/// Whether `v` says nothing (null, empty text, empty list or mapping): such a value leaves the
/// field unset, as an absent one does.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

/// `text` unless it is empty.
pub(crate) fn text(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Sets `field` to `value` when there is one: an absent value leaves what is there.
pub(crate) fn set<T>(field: &mut Option<T>, value: Option<T>) {
    if value.is_some() {
        *field = value;
    }
}

/// A sampling rate from text, when it is a finite number.
pub(crate) fn sampling(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

impl Fit {
    /// A Gateway named `name`, nothing else set.
    pub fn new(name: &str) -> Fit {
        Fit {
            gateway: Gateway {
                api_version: API_VERSION.to_owned(),
                kind: KIND.to_owned(),
                metadata: GatewayMetadata {
                    name: name.to_owned(),
                    ..GatewayMetadata::default()
                },
                spec: GatewaySpec::default(),
            },
            misfits: Vec::new(),
        }
    }

    /// The spec being filled.
    pub fn spec(&mut self) -> &mut GatewaySpec {
        &mut self.gateway.spec
    }

    /// `value`, read from the input's field `from`, as the type of the Gateway field `to`
    /// (`spec.replicas`). `None` when the value is empty (null, empty text, list or mapping),
    /// or when it does not fit: then a misfit naming both fields is kept.
    pub fn read<T: DeserializeOwned>(&mut self, from: &str, to: &str, value: &Value) -> Option<T> {
        if is_empty(value) {
            return None;
        }
        let node = shgw_yaml::node::Node::from_value(value);
        match shgw_yaml::read_node::<T>(&node, &shgw_yaml::Places::default()) {
            Ok(v) => Some(v),
            Err(problems) => {
                for p in problems {
                    let field = match p.path() {
                        "" => to.to_owned(),
                        inner if inner.starts_with('[') => format!("{to}{inner}"),
                        inner => format!("{to}.{inner}"),
                    };
                    self.misfits.push(Misfit {
                        gateway: self.gateway.metadata.name.clone(),
                        input_field: from.to_owned(),
                        gateway_field: field,
                        message: p.detail().to_owned(),
                    });
                }
                None
            }
        }
    }

    /// Text of the input's field `from` as the Gateway field `to` (a choice such as
    /// `spec.image.pullPolicy`, say); see [`Fit::read`].
    pub fn read_text<T: DeserializeOwned>(
        &mut self,
        from: &str,
        to: &str,
        value: Option<&str>,
    ) -> Option<T> {
        self.read(from, to, &value.map_or(Value::Null, Value::from))
    }

    /// `spec.resources` from what the input gives: `find(section, key)` is the input's
    /// `resources.<section>.<key>` (`requests` or `limits`; `cpu`, `memory` or
    /// `ephemeral-storage`) with where the input says it.
    pub fn resources(&mut self, mut find: impl FnMut(&str, &str) -> Option<(String, Value)>) {
        let mut resources = Resources::default();
        for (section, list) in [
            ("requests", &mut resources.requests),
            ("limits", &mut resources.limits),
        ] {
            let mut l = ResourceList::default();
            for (key, field) in RESOURCE_KEYS {
                let Some((from, v)) = find(section, key) else {
                    continue;
                };
                let to = format!("spec.resources.{section}.{field}");
                let q: Option<Quantity> = self.read(&from, &to, &quantity(&v));
                match key {
                    "cpu" => l.cpu = q,
                    "memory" => l.memory = q,
                    _ => l.ephemeral_storage = q,
                }
            }
            if l != ResourceList::default() {
                *list = Some(l);
            }
        }
        if resources != Resources::default() {
            self.spec().resources = Some(resources);
        }
    }

    /// The Gateway, and its document as import writes it; or every misfit.
    pub fn finish(self) -> Result<(Gateway, Value), Vec<Misfit>> {
        if !self.misfits.is_empty() {
            return Err(self.misfits);
        }
        match serde_json::to_value(&self.gateway) {
            Ok(doc) => Ok((self.gateway, doc)),
            Err(e) => Err(vec![Misfit {
                gateway: self.gateway.metadata.name.clone(),
                input_field: String::new(),
                gateway_field: String::new(),
                message: e.to_string(),
            }]),
        }
    }
}

/// The resources a Gateway carries: each Kubernetes key and its Gateway field.
pub(crate) const RESOURCE_KEYS: [(&str, &str); 3] = [
    ("cpu", "cpu"),
    ("memory", "memory"),
    ("ephemeral-storage", "ephemeralStorage"),
];

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
            .map_or_else(|_| Value::from(s.as_str()), Value::from),
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn a_value_that_fits_is_read_and_an_empty_one_left_out() {
        let mut f = Fit::new("gw");
        assert_eq!(
            f.read::<i32>("replicaCount", "spec.replicas", &json!(3)),
            Some(3)
        );
        assert_eq!(
            f.read::<i32>("replicaCount", "spec.replicas", &json!("")),
            None
        );
        assert_eq!(
            f.read::<shgw::spec::Quantity>("cpu", "spec.resources.limits.cpu", &json!(2))
                .map(|q| q.0),
            Some("2".to_owned())
        );
        assert!(f.finish().is_ok());
    }

    #[test]
    fn a_misfit_names_both_fields_and_fails_the_gateway() {
        let mut f = Fit::new("gw");
        let to = "spec.image.pullPolicy";
        assert_eq!(
            f.read_text::<shgw::spec::PullPolicy>("image.pullPolicy", to, Some("Sometimes")),
            None
        );
        let tolerations = json!([{"key": "k", "colour": "red"}]);
        let t: Option<Vec<shgw::spec::Toleration>> =
            f.read("tolerations", "spec.pod.tolerations", &tolerations);
        assert_eq!(t, None);
        let Err(misfits) = f.finish() else {
            panic!("a misfit must fail the gateway");
        };
        assert!(misfits.iter().all(|m| m.gateway == "gw"));
        let fields: Vec<(&str, &str)> = misfits
            .iter()
            .map(|m| (m.input_field.as_str(), m.gateway_field.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("image.pullPolicy", "spec.image.pullPolicy"),
                ("tolerations", "spec.pod.tolerations[0].colour")
            ]
        );
    }
}
