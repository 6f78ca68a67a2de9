//! From a Gateway and a profile to typed Kubernetes objects.

mod availability;
mod config;
mod metrics;
pub use metrics::{PodMetricsEndpoint, PodMonitor, PodMonitorSpec};
mod network;
mod notes;
mod renewal;
mod workload;

use crate::diag::{Diagnostic, Errors, Severity};
use crate::load::{merge_under, typed};
use crate::profile::Profile;
use crate::resolve::{Resolved, resolve};
use crate::spec::Gateway;
use crate::token::Token;
use crate::{policy, validate};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::CronJob;
use k8s_openapi::api::core::v1::{
    ConfigMap, PersistentVolumeClaim, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// One rendered Kubernetes object.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
#[non_exhaustive]
pub enum Object {
    /// Workload-identity or token-renewer ServiceAccount.
    ServiceAccount(ServiceAccount),
    /// What the token renewer may do.
    Role(Role),
    /// The token renewer's Role bound to its ServiceAccount.
    RoleBinding(RoleBinding),
    /// Gateway settings.
    ConfigMap(ConfigMap),
    /// Gateway token (when one is supplied, or empty for the renewer to fill).
    Secret(Secret),
    /// Live-traffic or instance-discovery Service.
    Service(Service),
    /// Backup claim.
    PersistentVolumeClaim(PersistentVolumeClaim),
    /// The gateway.
    Deployment(Deployment),
    /// The token renewer.
    CronJob(CronJob),
    /// Disruption budget.
    PodDisruptionBudget(PodDisruptionBudget),
    /// Autoscaler.
    HorizontalPodAutoscaler(HorizontalPodAutoscaler),
    /// Prometheus Operator PodMonitor for the metrics sidecar.
    PodMonitor(metrics::PodMonitor),
    /// Network policy.
    NetworkPolicy(NetworkPolicy),
}

macro_rules! each_object {
    ($self:ident, $o:ident => $e:expr) => {
        match $self {
            Object::ServiceAccount($o) => $e,
            Object::Role($o) => $e,
            Object::RoleBinding($o) => $e,
            Object::ConfigMap($o) => $e,
            Object::Secret($o) => $e,
            Object::Service($o) => $e,
            Object::PersistentVolumeClaim($o) => $e,
            Object::Deployment($o) => $e,
            Object::CronJob($o) => $e,
            Object::PodDisruptionBudget($o) => $e,
            Object::HorizontalPodAutoscaler($o) => $e,
            Object::PodMonitor($o) => $e,
            Object::NetworkPolicy($o) => $e,
        }
    };
}

impl Object {
    /// The object as JSON, with `apiVersion` and `kind`.
    pub fn to_value(&self) -> Value {
        each_object!(self, o => serde_json::to_value(o).unwrap_or(Value::Null))
    }

    /// The object's metadata.
    pub fn metadata(&self) -> &ObjectMeta {
        each_object!(self, o => &o.metadata)
    }

    /// The object's kind.
    pub fn kind(&self) -> &'static str {
        use k8s_openapi::Resource;
        fn kind_of<T: Resource>(_: &T) -> &'static str {
            T::KIND
        }
        each_object!(self, o => kind_of(o))
    }

    /// Position in kustomize's legacy output order.
    fn rank(&self) -> usize {
        match self {
            Object::ServiceAccount(_) => 0,
            Object::Role(_) => 1,
            Object::RoleBinding(_) => 2,
            Object::ConfigMap(_) => 3,
            Object::Secret(_) => 4,
            Object::Service(_) => 5,
            Object::PersistentVolumeClaim(_) => 6,
            Object::Deployment(_) => 7,
            Object::CronJob(_) => 8,
            Object::PodDisruptionBudget(_) => 9,
            // Not in kustomize's fixed list: ordered by group, version and kind.
            Object::HorizontalPodAutoscaler(_) => 10,
            Object::PodMonitor(_) => 11,
            Object::NetworkPolicy(_) => 12,
        }
    }
}

/// What a render produced: objects in output order, and the warnings found on the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Manifests {
    /// The objects, each gateway's in kustomize's legacy order, gateways in file order.
    pub objects: Vec<Object>,
    /// Warnings (policy findings that do not stop the render).
    pub warnings: Vec<Diagnostic>,
    /// What the user still has to do before the gateway can start (such as creating the token
    /// Secret), one instruction each; never holds a secret.
    pub next_steps: Vec<String>,
}

impl Manifests {
    /// Every object as JSON.
    pub fn to_values(&self) -> Vec<Value> {
        self.objects.iter().map(Object::to_value).collect()
    }

    /// A multi-document YAML stream laid out exactly as `kubectl kustomize` prints it.
    pub fn to_yaml(&self) -> String {
        shgw_yaml::to_multi_doc(&self.to_values())
    }

    /// A `v1` `List` holding every object, as pretty JSON.
    pub fn to_json(&self) -> String {
        let list =
            serde_json::json!({"apiVersion": "v1", "kind": "List", "items": self.to_values()});
        let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Options for [`render_with`].
///
/// ```
/// let opts = shgw::RenderOptions {
///     now: Some(jiff::Timestamp::from_second(1_800_000_000).unwrap()),
///     ..Default::default()
/// };
/// assert!(opts.token.is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// A gateway token; when given, the token Secret is rendered too.
    pub token: Option<Token>,
    /// The current time, against which a token's expiry is judged (the library has no clock).
    /// Required when a token is given.
    pub now: Option<jiff::Timestamp>,
    /// Days a token must still be valid; the profile's `minTokenDays` when absent.
    pub min_token_days: Option<u32>,
    /// Accept a token with fewer days left than required (a warning instead of an error).
    pub allow_expiring_token: bool,
}

pub(crate) fn meta(r: &Resolved, name: String) -> ObjectMeta {
    ObjectMeta {
        name: Some(name),
        namespace: r.namespace.clone(),
        labels: Some(r.labels.clone()),
        annotations: (!r.annotations.is_empty()).then(|| r.annotations.clone()),
        ..Default::default()
    }
}

pub(crate) fn selector(r: &Resolved) -> LabelSelector {
    LabelSelector {
        match_labels: Some(r.selector.clone()),
        ..Default::default()
    }
}

/// Fields of which only one may be set: a profile's choice never joins the user's.
const ONE_OF: &[(&str, &[&str])] = &[
    ("/spec/auth", &["token", "entraApp", "workloadIdentity"]),
    (
        "/spec/highAvailability/podDisruptionBudget",
        &["maxUnavailable", "minAvailable"],
    ),
];

/// The Gateway with the profile's defaults merged under it.
pub fn apply_profile(g: &Gateway, p: &Profile) -> Result<Gateway, Diagnostic> {
    let user = serde_json::to_value(g).map_err(|e| Diagnostic::error("", e.to_string()))?;
    let mut defaults = serde_json::json!({
        "metadata": serde_json::to_value(&p.defaults.metadata).unwrap_or_default(),
        "spec": serde_json::to_value(&p.defaults.spec).unwrap_or_default(),
    });
    // Where the user picked one member of an either-or group, the profile's pick gives way.
    for (at, group) in ONE_OF {
        let chosen = user
            .pointer(at)
            .and_then(Value::as_object)
            .is_some_and(|m| group.iter().any(|k| m.contains_key(*k)));
        if let Some(m) = defaults.pointer_mut(at).and_then(Value::as_object_mut)
            && chosen
        {
            m.retain(|k, _| !group.contains(&k.as_str()));
        }
    }
    typed(&merge_under(&defaults, &user))
}

/// Whether `doc` has a value at the dotted `path` (`spec.settings.a.b`, `spec.x[2].y`); a key
/// may itself hold dots.
fn has_path(doc: &Value, path: &str) -> bool {
    fn walk(v: &Value, segments: &[&str]) -> bool {
        let Some((first, _)) = segments.split_first() else {
            return !v.is_null();
        };
        let (key, index) = match first.split_once('[') {
            Some((k, i)) => (k, i.trim_end_matches(']').parse::<usize>().ok()),
            None => (*first, None),
        };
        // The longest run of segments that names one key wins (keys such as `a.b.c`).
        (1..=segments.len()).rev().any(|n| {
            let joined = if n == 1 {
                key.to_owned()
            } else {
                std::iter::once(key)
                    .chain(segments[1..n].iter().copied())
                    .collect::<Vec<_>>()
                    .join(".")
            };
            let Some(child) = v.get(&joined) else {
                return false;
            };
            let child = match index {
                Some(i) if n == 1 => match child.get(i) {
                    Some(c) => c,
                    None => return false,
                },
                _ => child,
            };
            walk(child, &segments[n..])
        })
    }
    let segments: Vec<&str> = path.split('.').collect();
    walk(doc, &segments)
}

/// A problem at a field the user did not write but the profile did is the profile's, unless
/// it relates that field to one the user wrote (a request above the user's limit).
fn attribute(d: Diagnostic, user: &Value, defaults: &Value, p: &Profile) -> Diagnostic {
    if d.path.is_empty() || has_path(user, &d.path) || !has_path(defaults, &d.path) {
        return d;
    }
    let mentions_users_field = d
        .message
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | ';'))
        .filter(|w| w.starts_with("spec.") || w.starts_with("metadata."))
        .any(|w| has_path(user, w));
    if mentions_users_field {
        return d;
    }
    d.in_profile(&p.source)
}

/// Merges, resolves and checks one Gateway; the findings are sorted errors first and tagged
/// with the gateway's name (or the profile file, for a bad default).
fn evaluate(g: &Gateway, p: &Profile) -> (Option<Resolved>, Vec<Diagnostic>) {
    let name = &g.metadata.name;
    let merged = match apply_profile(g, p) {
        Ok(m) => m,
        Err(d) => return (None, vec![d.for_gateway(name)]),
    };
    let r = resolve(&merged, p.platform);
    let mut found = validate::validate(&merged, &r);
    found.extend(policy::check(p, &r));
    found.sort_by_key(|d| d.severity);
    let user = serde_json::to_value(g).unwrap_or_default();
    let defaults = serde_json::json!({
        "metadata": serde_json::to_value(&p.defaults.metadata).unwrap_or_default(),
        "spec": serde_json::to_value(&p.defaults.spec).unwrap_or_default(),
    });
    let found = found
        .into_iter()
        .map(|d| attribute(d, &user, &defaults, p).for_gateway(name))
        .collect();
    (Some(r), found)
}

/// Validation and policy findings for one Gateway under a profile, without rendering.
pub fn check(g: &Gateway, p: &Profile) -> Vec<Diagnostic> {
    evaluate(g, p).1
}

fn render_one(
    g: &Gateway,
    p: &Profile,
    opts: &RenderOptions,
    token: Option<&Token>,
) -> Result<Manifests, Vec<Diagnostic>> {
    let (resolved, mut problems) = evaluate(g, p);
    if let (Some(r), Some(t)) = (&resolved, token) {
        problems.extend(
            crate::token_policy::check(t, r, p, opts)
                .into_iter()
                .map(|d| d.for_gateway(&g.metadata.name)),
        );
    }
    problems.sort_by_key(|d| d.severity);
    let r = match resolved {
        Some(r) if !problems.iter().any(|d| d.severity == Severity::Error) => r,
        _ => return Err(problems),
    };
    let data = config::settings(&r);
    let mut hashed = serde_json::to_string(&data).unwrap_or_default();
    if r.prometheus.is_some() {
        hashed.push_str(metrics::MAPPING);
    }
    let hash = short_digest(&hashed);
    let mut objects = Vec::new();
    objects.extend(config::service_account(&r).map(Object::ServiceAccount));
    objects.extend(renewal::service_account(&r).map(Object::ServiceAccount));
    objects.extend(renewal::role(&r).map(Object::Role));
    objects.extend(renewal::role_binding(&r).map(Object::RoleBinding));
    objects.push(Object::ConfigMap(config::config_map(&r, data)));
    objects.extend(metrics::mapping_config_map(&r).map(Object::ConfigMap));
    objects.extend(config::token_secret(&r, token).map(Object::Secret));
    objects.push(Object::Service(network::live_traffic(&r)));
    objects.push(Object::Service(network::instance_discovery(&r)));
    objects.extend(availability::backup_claim(&r).map(Object::PersistentVolumeClaim));
    objects.push(Object::Deployment(workload::deployment(
        &r,
        &hash,
        token.map(Token::fingerprint),
        notes::linter_skips(&r),
    )));
    objects.extend(renewal::cron_job(&r).map(Object::CronJob));
    objects.extend(availability::disruption_budget(&r).map(Object::PodDisruptionBudget));
    objects.extend(availability::autoscaler(&r).map(Object::HorizontalPodAutoscaler));
    objects.extend(metrics::pod_monitor(&r).map(Object::PodMonitor));
    objects.extend(network::network_policy(&r).map(Object::NetworkPolicy));
    objects.extend(renewal::network_policy(&r).map(Object::NetworkPolicy));
    objects.sort_by(|a, b| {
        a.rank()
            .cmp(&b.rank())
            .then_with(|| a.metadata().name.cmp(&b.metadata().name))
    });
    Ok(Manifests {
        objects,
        warnings: problems,
        next_steps: crate::token_policy::next_steps(&r, token.is_some()),
    })
}

/// The first 16 hex digits of the SHA-256 of `text`.
fn short_digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Renders one Gateway under a profile.
///
/// ```
/// let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: contoso}\nspec: {endpoint: contoso.configuration.azure-api.net}\n";
/// let gw = &shgw::parse_gateways("gw.yaml", text)?[0];
/// let out = shgw::render(gw, &shgw::Profile::embedded("production")?)?;
/// assert!(out.to_yaml().contains("name: contoso-live-traffic"));
/// # Ok::<(), shgw::Errors>(())
/// ```
pub fn render(g: &Gateway, p: &Profile) -> Result<Manifests, Errors> {
    render_with(
        &format!("Gateway {}", g.metadata.name),
        std::slice::from_ref(g),
        p,
        &RenderOptions::default(),
    )
}

/// Renders a fleet (several Gateways, in order) under one profile; `source` names the input in
/// errors. A token goes to the gateway whose `gatewayName` it was issued for (or to the only
/// gateway).
pub fn render_with(
    source: &str,
    gateways: &[Gateway],
    p: &Profile,
    opts: &RenderOptions,
) -> Result<Manifests, Errors> {
    let mut out = Manifests::default();
    let mut problems = Vec::new();
    let token_owner = opts.token.as_ref().map(|t| {
        gateways.iter().position(|g| {
            g.spec.gateway_name.as_deref().unwrap_or(&g.metadata.name) == t.gateway_id()
        })
    });
    let token_index = match token_owner {
        None => None,
        Some(Some(i)) => Some(i),
        // One gateway: the token is its own; a different gateway id is a warning then.
        Some(None) if gateways.len() == 1 => Some(0),
        Some(None) => {
            return Err(Errors::single(
                source,
                "",
                format!(
                    "the token was issued for gateway {:?}, which is not in this fleet",
                    opts.token
                        .as_ref()
                        .map(Token::gateway_id)
                        .unwrap_or_default()
                ),
            ));
        }
    };
    for (i, g) in gateways.iter().enumerate() {
        let token = if token_index == Some(i) {
            opts.token.as_ref()
        } else {
            None
        };
        match render_one(g, p, opts, token) {
            Ok(m) => {
                out.objects.extend(m.objects);
                problems.extend(m.warnings);
                out.next_steps.extend(m.next_steps);
            }
            Err(ds) => problems.extend(ds),
        }
    }
    if problems.iter().any(|d| d.severity == Severity::Error) {
        problems.sort_by_key(|d| d.severity);
        return Err(Errors::new(source, problems));
    }
    out.warnings = problems;
    Ok(out)
}
