//! Which container of a pod runs the self-hosted gateway, told by what it is rather than by
//! where its image comes from: the gateway is the container that receives
//! `config.service.endpoint`, through `env` or through `envFrom` of a ConfigMap or Secret that
//! holds the key. Only where no container does, the image name decides. Sidecars (a metrics
//! exporter, a mesh proxy) never receive the endpoint, and an image mirrored into a private
//! registry under another name still does.
//!
//! One function for every reader of manifests: `shgw review`, `shgw import` and `shgw status`.

use crate::settings::ENDPOINT;
use serde_json::Value;

/// The image path of Microsoft's gateway image (`mcr.microsoft.com/azure-api-management/gateway`),
/// the fallback when no container of a pod receives the configuration endpoint.
pub const GATEWAY_IMAGE: &str = "azure-api-management/gateway";

/// Where a container's `envFrom` reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvSource {
    /// `configMapRef`.
    ConfigMap,
    /// `secretRef`.
    Secret,
}

/// The index (in `containers`) of the gateway container of the pod spec `pod`, if any.
///
/// `source` finds the object an `envFrom` entry names (its `data`, and for a Secret also its
/// `stringData`, are searched for the endpoint key after the entry's `prefix`); it answers
/// `None` for objects it does not know, which then count as not holding the endpoint.
///
/// ```
/// use serde_json::json;
/// let pod = json!({"containers": [
///     {"name": "exporter", "image": "prom/statsd-exporter:v0.28.0"},
///     {"name": "gw", "image": "contosoacr.azurecr.io/mirror/apim-gateway:2.12.1",
///      "envFrom": [{"configMapRef": {"name": "gw-env"}}]},
/// ]});
/// let cm = json!({"data": {"config.service.endpoint": "contoso.configuration.azure-api.net"}});
/// let found = shgw::review::gateway_container(&pod, |_, name| (name == "gw-env").then_some(&cm));
/// assert_eq!(found, Some(1));
/// ```
pub fn gateway_container<'a>(
    pod: &Value,
    source: impl Fn(EnvSource, &str) -> Option<&'a Value>,
) -> Option<usize> {
    let containers = pod.get("containers").and_then(Value::as_array)?;
    containers
        .iter()
        .position(|c| receives_endpoint(c, &source))
        .or_else(|| {
            containers.iter().position(|c| {
                c.get("image")
                    .and_then(Value::as_str)
                    .is_some_and(|i| i.contains(GATEWAY_IMAGE))
            })
        })
}

fn receives_endpoint<'a>(
    container: &Value,
    source: &impl Fn(EnvSource, &str) -> Option<&'a Value>,
) -> bool {
    let list = |field: &str| {
        container
            .get(field)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let in_env = list("env")
        .iter()
        .any(|e| e.get("name").and_then(Value::as_str) == Some(ENDPOINT.key));
    in_env
        || list("envFrom").iter().any(|from| {
            let prefix = from.get("prefix").and_then(Value::as_str).unwrap_or("");
            let Some(key) = ENDPOINT.key.strip_prefix(prefix) else {
                return false;
            };
            [
                ("configMapRef", EnvSource::ConfigMap),
                ("secretRef", EnvSource::Secret),
            ]
            .into_iter()
            .any(|(field, kind)| {
                from.pointer(&format!("/{field}/name"))
                    .and_then(Value::as_str)
                    .and_then(|name| source(kind, name))
                    .is_some_and(|object| {
                        ["data", "stringData"]
                            .iter()
                            .any(|d| object.get(*d).and_then(|m| m.get(key)).is_some())
                    })
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn none(_: EnvSource, _: &str) -> Option<&'static Value> {
        None
    }

    #[test]
    fn the_endpoint_decides_before_the_image() {
        let pod = json!({"containers": [
            {"name": "proxy", "image": "mcr.microsoft.com/azure-api-management/gateway:2.12.1"},
            {"name": "gw", "image": "registry.example/gw:1", "env": [{"name": "config.service.endpoint", "value": "x"}]},
        ]});
        assert_eq!(gateway_container(&pod, none), Some(1));
    }

    #[test]
    fn the_image_decides_only_when_no_container_receives_the_endpoint() {
        let pod = json!({"containers": [
            {"name": "exporter", "image": "prom/statsd-exporter"},
            {"name": "gw", "image": "mcr.microsoft.com/azure-api-management/gateway:v2", "envFrom": [{"configMapRef": {"name": "elsewhere"}}]},
        ]});
        assert_eq!(gateway_container(&pod, none), Some(1));
        let pod = json!({"containers": [{"name": "app", "image": "nginx"}]});
        assert_eq!(gateway_container(&pod, none), None);
        assert_eq!(gateway_container(&json!({}), none), None);
    }

    #[test]
    fn env_from_with_a_prefix_and_from_a_secret() {
        let cm = json!({"data": {"service.endpoint": "x"}});
        let secret = json!({"stringData": {"config.service.endpoint": "x"}});
        let pod = json!({"containers": [
            {"name": "a", "image": "a", "envFrom": [{"prefix": "other.", "configMapRef": {"name": "cm"}}]},
            {"name": "b", "image": "b", "envFrom": [{"prefix": "config.", "configMapRef": {"name": "cm"}}]},
        ]});
        let found = gateway_container(&pod, |k, n| {
            (k == EnvSource::ConfigMap && n == "cm").then_some(&cm)
        });
        assert_eq!(found, Some(1));
        let pod = json!({"containers": [
            {"name": "a", "image": "a", "envFrom": [{"configMapRef": {"name": "s"}}]},
            {"name": "b", "image": "b", "envFrom": [{"secretRef": {"name": "s"}}]},
        ]});
        let found = gateway_container(&pod, |k, n| {
            (k == EnvSource::Secret && n == "s").then_some(&secret)
        });
        assert_eq!(found, Some(1));
    }
}
