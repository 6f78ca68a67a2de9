//! From a Gateway and a profile to typed Kubernetes objects.

pub mod alerts;
pub(crate) use alerts::prometheus_duration;
mod availability;
mod config;
mod findings;
pub mod metrics;
mod namespace;
mod network;
mod notes;
mod renewal;
mod workload;

use crate::diag::{Diagnostic, Severity};
use crate::error::Error;
use crate::pipeline::{Resolved, resolve_in};
use crate::profile::Profile;
use crate::resolve::Plan;
use crate::review::{Level, Report, review_rendered};
use crate::spec::Gateway;
use crate::token::Token;
use k8s_openapi::api::admissionregistration::v1::{
    ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::CronJob;
use k8s_openapi::api::core::v1::{
    ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::borrow::Cow;

/// One rendered Kubernetes object.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
#[non_exhaustive]
pub enum Object {
    /// The namespace, when the Gateway owns it (`spec.namespace.create`).
    Namespace(Namespace),
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
    /// Prometheus Operator alerting rules on kube-state-metrics series.
    PrometheusRule(alerts::PrometheusRule),
    /// Network policy.
    NetworkPolicy(NetworkPolicy),
    /// What the token renewer may change (Kubernetes 1.30+, cluster scoped).
    ValidatingAdmissionPolicy(ValidatingAdmissionPolicy),
    /// That policy's binding.
    ValidatingAdmissionPolicyBinding(ValidatingAdmissionPolicyBinding),
}

macro_rules! each_object {
    ($self:ident, $o:ident => $e:expr) => {
        match $self {
            Object::Namespace($o) => $e,
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
            Object::PrometheusRule($o) => $e,
            Object::NetworkPolicy($o) => $e,
            Object::ValidatingAdmissionPolicy($o) => $e,
            Object::ValidatingAdmissionPolicyBinding($o) => $e,
        }
    };
}

impl Object {
    /// The object as JSON, with `apiVersion` and `kind`.
    #[allow(clippy::expect_used)]
    pub fn to_value(&self) -> Value {
        // Invariant: these types hold only strings, numbers, booleans, lists and maps with
        // string keys, which always serialize (every rendered object is serialized in tests).
        each_object!(self, o => serde_json::to_value(o).expect("a Kubernetes object serializes to JSON"))
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
            Object::Namespace(_) => 0,
            Object::ServiceAccount(_) => 1,
            Object::Role(_) => 2,
            Object::RoleBinding(_) => 3,
            Object::ConfigMap(_) => 4,
            Object::Secret(_) => 5,
            Object::Service(_) => 6,
            Object::PersistentVolumeClaim(_) => 7,
            Object::Deployment(_) => 8,
            Object::CronJob(_) => 9,
            Object::PodDisruptionBudget(_) => 10,
            // Not in kustomize's fixed list: ordered by group, version and kind.
            Object::ValidatingAdmissionPolicy(_) => 11,
            Object::ValidatingAdmissionPolicyBinding(_) => 12,
            Object::HorizontalPodAutoscaler(_) => 13,
            Object::PodMonitor(_) => 14,
            Object::PrometheusRule(_) => 15,
            Object::NetworkPolicy(_) => 16,
        }
    }
}

/// What a render produced: objects in output order, and the warnings found on the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Manifests {
    /// The objects, each gateway's in kustomize's legacy order, gateways in file order.
    pub objects: Vec<Object>,
    /// Warnings and information: the review findings that do not stop the render (each at
    /// the Gateway field it comes from, when one), and the spec's warnings.
    pub warnings: Vec<Diagnostic>,
    /// The review of the rendered objects under the profile, gateway by gateway, with every
    /// finding (errors refuse the render, so a returned render has none unsuppressed).
    pub review: Report,
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
    /// The current time, against which a token's expiry and suppressions' end dates are
    /// judged (the library has no clock). Required when a token is given; without it,
    /// suppression end dates count as not reached.
    pub now: Option<jiff::Timestamp>,
    /// Days a token must still be valid; the profile's `parameters.minTokenDays` when absent.
    pub min_token_days: Option<u32>,
    /// Accept a token with fewer days left than required: SHGW062 at most a warning.
    pub allow_expiring_token: bool,
}

pub(crate) fn meta(r: &Plan, name: String) -> ObjectMeta {
    ObjectMeta {
        name: Some(name),
        namespace: r.namespace.clone(),
        labels: Some(r.labels.clone()),
        annotations: (!r.annotations.is_empty()).then(|| r.annotations.clone()),
        ..Default::default()
    }
}

/// A container's hardening: non-root, no escalation, no privileges, every capability dropped;
/// the root filesystem read-only unless the container must write to it.
pub(crate) fn hardened(
    user: Option<i64>,
    group: Option<i64>,
    read_only_root: bool,
) -> k8s_openapi::api::core::v1::SecurityContext {
    k8s_openapi::api::core::v1::SecurityContext {
        allow_privilege_escalation: Some(false),
        privileged: Some(false),
        run_as_non_root: Some(true),
        run_as_user: user,
        run_as_group: group,
        read_only_root_filesystem: Some(read_only_root),
        capabilities: Some(k8s_openapi::api::core::v1::Capabilities {
            drop: Some(vec!["ALL".into()]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub(crate) fn selector(r: &Plan) -> LabelSelector {
    LabelSelector {
        match_labels: Some(r.selector.clone()),
        ..Default::default()
    }
}

/// The objects of one resolved gateway, in kustomize's legacy order.
fn objects(r: &Plan, token: Option<&Token>) -> Vec<Object> {
    let data = config::settings(r);
    let mut hashed = serde_json::to_string(&data).unwrap_or_default();
    if r.prometheus.is_some() {
        hashed.push_str(metrics::MAPPING);
    }
    let hash = short_digest(&hashed);
    let mut objects = Vec::new();
    objects.extend(namespace::namespace(r).map(Object::Namespace));
    objects.extend(config::service_account(r).map(Object::ServiceAccount));
    objects.extend(renewal::service_account(r).map(Object::ServiceAccount));
    objects.extend(renewal::role(r).map(Object::Role));
    objects.extend(renewal::role_binding(r).map(Object::RoleBinding));
    objects.extend(renewal::admission_policy(r).map(Object::ValidatingAdmissionPolicy));
    objects
        .extend(renewal::admission_policy_binding(r).map(Object::ValidatingAdmissionPolicyBinding));
    objects.push(Object::ConfigMap(config::config_map(r, data)));
    objects.extend(metrics::mapping_config_map(r).map(Object::ConfigMap));
    objects.extend(config::token_secret(r, token).map(Object::Secret));
    objects.push(Object::Service(network::live_traffic(r)));
    objects.push(Object::Service(network::instance_discovery(r)));
    objects.extend(availability::backup_claim(r).map(Object::PersistentVolumeClaim));
    objects.push(Object::Deployment(workload::deployment(
        r,
        &hash,
        token.map(Token::fingerprint),
        notes::linter_skips(r),
    )));
    objects.extend(renewal::cron_job(r).map(Object::CronJob));
    objects.extend(availability::disruption_budget(r).map(Object::PodDisruptionBudget));
    objects.extend(availability::autoscaler(r).map(Object::HorizontalPodAutoscaler));
    objects.extend(metrics::pod_monitor(r).map(Object::PodMonitor));
    objects.extend(alerts::prometheus_rule(r).map(Object::PrometheusRule));
    objects.extend(network::network_policy(r).map(Object::NetworkPolicy));
    objects.extend(renewal::network_policy(r).map(Object::NetworkPolicy));
    objects.sort_by(|a, b| {
        a.rank()
            .cmp(&b.rank())
            .then_with(|| a.metadata().name.cmp(&b.metadata().name))
    });
    objects
}

/// Which gateway of the fleet a token belongs to: the one whose `gateway.name` it was issued
/// for, or the only one.
fn token_owner(resolved: &[Option<&Resolved>], token: &Token) -> Option<usize> {
    let by_name = resolved
        .iter()
        .position(|r| r.is_some_and(|r| r.gateway_name() == token.gateway_id()));
    by_name.or((resolved.len() == 1).then_some(0))
}

/// The first 16 hex digits of the SHA-256 of `text`.
fn short_digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Renders one resolved Gateway (no token, so no time is needed), and reviews the objects
/// under the profile it was resolved under.
///
/// # Error
/// [`Error`] with every problem found, errors first: the review's findings at level error,
/// each with its rule id at the Gateway field it comes from (the spec's own problems were
/// [`resolve`](crate::resolve)'s).
///
/// ```
/// let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: contoso, namespace: apim}\nspec: {endpoint: contoso.configuration.azure-api.net, backup: {storageClassName: azurefile-csi}}\n";
/// let production = shgw::Profile::embedded("production")?;
/// let gw = &shgw::parse_gateways("gw.yaml", text)?[0];
/// let out = shgw::render(&shgw::resolve(gw, &production)?)?;
/// assert!(out.to_yaml().contains("name: contoso-live-traffic"));
/// // One replica: production refuses it at the Gateway's own field.
/// let one = text.replace("spec: {", "spec: {replicas: 1, ");
/// let gw = &shgw::parse_gateways("gw.yaml", &one)?[0];
/// let e = shgw::render(&shgw::resolve(gw, &production)?).unwrap_err();
/// let d = e.errors().next().unwrap();
/// assert_eq!((d.rule, d.path.as_str()), (Some("SHGW001"), "spec.replicas"));
/// # Ok::<(), shgw::Error>(())
/// ```
pub fn render(r: &Resolved) -> Result<Manifests, Error> {
    let mut out = Manifests::default();
    let mut problems = r.warnings.clone();
    render_into(&mut out, &mut problems, r, None, &RenderOptions::default());
    finish(&format!("Gateway {}", r.name()), out, problems)
}

/// Renders a fleet (several Gateways, in order) under one profile; `source` names the input in
/// errors. A token goes to the gateway whose `gatewayName` it was issued for (or to the only
/// gateway), and is judged against `opts.now`. Each gateway's objects are reviewed under the
/// profile (as JSON values, never printed): findings at level error refuse the render, the
/// others are [`Manifests::warnings`], and the whole review is [`Manifests::review`].
///
/// # Error
/// [`Error`] with every problem of every gateway, errors first; nothing is rendered then.
///
/// ```
/// let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: contoso, namespace: apim}\nspec: {endpoint: contoso.configuration.azure-api.net, backup: {storageClassName: azurefile-csi}}\n";
/// let fleet = shgw::parse_gateways("fleet.yaml", &format!("{text}---\n{}", text.replace("contoso", "fabrikam")))?;
/// let p = shgw::Profile::embedded("production")?;
/// let out = shgw::render_with("fleet.yaml", &fleet, &p, &shgw::RenderOptions::default())?;
/// assert_eq!(out.review.gateways.len(), 2);
/// # Ok::<(), shgw::Error>(())
/// ```
pub fn render_with(
    source: &str,
    gateways: &[Gateway],
    p: &Profile,
    opts: &RenderOptions,
) -> Result<Manifests, Error> {
    let results: Vec<Result<Resolved, Vec<Diagnostic>>> =
        gateways.iter().map(|g| resolve_in(g, p)).collect();
    let resolved: Vec<Option<&Resolved>> = results.iter().map(|r| r.as_ref().ok()).collect();
    let owner = match &opts.token {
        None => None,
        Some(t) => match token_owner(&resolved, t) {
            Some(i) => Some((i, t)),
            None if results.iter().all(Result::is_ok) => {
                return Err(Error::single(
                    source,
                    "",
                    format!(
                        "the token was issued for gateway {:?}, which is not in this fleet",
                        t.gateway_id()
                    ),
                ));
            }
            None => None,
        },
    };
    let mut out = Manifests::default();
    let mut problems = Vec::new();
    for (i, result) in results.into_iter().enumerate() {
        match result {
            Ok(r) => {
                problems.extend(r.warnings.iter().cloned());
                let token = owner.filter(|(o, _)| *o == i).map(|(_, t)| t);
                render_into(&mut out, &mut problems, &r, token, opts);
            }
            Err(ds) => problems.extend(ds),
        }
    }
    finish(source, out, problems)
}

/// Adds the objects of one resolved gateway (with `token`, if it is its own) to `out`, and
/// what is wrong with them (the token's problems, the review's findings) to `problems`.
fn render_into(
    out: &mut Manifests,
    problems: &mut Vec<Diagnostic>,
    r: &Resolved,
    token: Option<&Token>,
    opts: &RenderOptions,
) {
    let plan = &r.plan;
    if let Some(t) = token {
        problems.extend(
            crate::token_policy::check(t, plan, opts)
                .into_iter()
                .map(|d| d.for_gateway(&plan.name)),
        );
    }
    let objects = objects(plan, token);
    let now = opts.now.unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let values = objects.iter().map(Object::to_value).collect();
    let report = review_rendered(values, &review_profile(&r.profile, opts), now);
    problems.extend(findings::diagnostics(
        &report.findings,
        &plan.name,
        &report.profile,
    ));
    out.review.profile.clone_from(&report.profile);
    out.review.levels.clone_from(&report.levels);
    out.review.gateways.extend(report.gateways);
    out.review.findings.extend(report.findings);
    out.objects.extend(objects);
    out.next_steps
        .extend(crate::token_policy::next_steps(plan, token.is_some()));
}

/// The manifests, unless `problems` holds an error: then every problem, errors first.
fn finish(
    source: &str,
    mut out: Manifests,
    mut problems: Vec<Diagnostic>,
) -> Result<Manifests, Error> {
    problems.extend(namespaces_first(&mut out.objects));
    problems.sort_by_key(|d| d.severity);
    if problems.iter().any(|d| d.severity == Severity::Error) {
        return Err(Error::invalid(source, problems));
    }
    out.warnings = problems;
    Ok(out)
}

/// Moves the Namespace objects of a fleet before everything else, so that `kubectl apply`
/// creates them first, each namespace once; gateways that create the same namespace
/// differently are an error.
fn namespaces_first(objects: &mut Vec<Object>) -> Vec<Diagnostic> {
    let (namespaces, rest): (Vec<Object>, Vec<Object>) = std::mem::take(objects)
        .into_iter()
        .partition(|o| matches!(o, Object::Namespace(_)));
    let mut problems = Vec::new();
    for ns in namespaces {
        match objects
            .iter()
            .find(|o| o.metadata().name == ns.metadata().name)
        {
            Some(same) if *same == ns => {}
            Some(_) => problems.push(Diagnostic::error(
                "spec.namespace",
                format!(
                    "two Gateways create Namespace {} with different labels or annotations; give them the same spec.namespace and metadata.labels, or let one of them create it",
                    ns.metadata().name.clone().unwrap_or_default()
                ),
            )),
            None => objects.push(ns),
        }
    }
    objects.extend(rest);
    problems
}

/// The profile the objects are reviewed with: `p`, with the render's token options taken
/// into account.
fn review_profile<'a>(p: &'a Profile, opts: &RenderOptions) -> Cow<'a, Profile> {
    let mut p = Cow::Borrowed(p);
    if let Some(days) = opts.min_token_days {
        p.to_mut().parameters.min_token_days = i64::from(days);
    }
    if opts.allow_expiring_token && p.level("SHGW062") == Level::Error {
        p.to_mut().set_level("SHGW062", Level::Warning);
    }
    p
}
