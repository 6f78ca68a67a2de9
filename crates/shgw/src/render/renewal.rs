//! The token renewer: a ServiceAccount for workload identity, a Role that may read and patch
//! exactly the token Secret and the gateway Deployment, and a CronJob running
//! `shgw token renew`.

use super::config::{WI_CLIENT_ID_ANNOTATION, WI_TENANT_ID_ANNOTATION, WI_USE_LABEL};
use crate::defaults as d;
use crate::resolve::{Plan, RenewalPlan};
use k8s_openapi::api::admissionregistration::v1::{
    MatchCondition, MatchResources, NamedRuleWithOperations, ValidatingAdmissionPolicy,
    ValidatingAdmissionPolicyBinding, ValidatingAdmissionPolicyBindingSpec,
    ValidatingAdmissionPolicySpec, Validation, Variable,
};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{
    Container, EnvVar, EnvVarSource, ObjectFieldSelector, PodSecurityContext, PodSpec,
    PodTemplateSpec, ResourceRequirements, SeccompProfile, ServiceAccount,
};
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicySpec};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use std::collections::BTreeMap;

/// Value of `app.kubernetes.io/name` on the renewer's objects and pods: not the gateway's, so
/// that no gateway Service, PDB or NetworkPolicy selects the renewer's pods.
const RENEWER_APP: &str = "shgw-token-renewer";
/// Environment variable holding the pod's namespace (downward API).
const NAMESPACE_ENV: &str = "POD_NAMESPACE";

/// The renewer plan, the token Secret's name and key, when renewal is on.
fn plan(r: &Plan) -> Option<(&RenewalPlan, &str, &str)> {
    let (secret, key, plan) = r.token_secret()?;
    Some((plan?, secret, key))
}

/// `<name>-token-renewer`.
pub(crate) fn renewer_name(r: &Plan) -> String {
    format!("{}-token-renewer", r.name)
}

fn selector_labels(r: &Plan) -> BTreeMap<String, String> {
    BTreeMap::from([
        (d::LABEL_NAME.to_owned(), RENEWER_APP.to_owned()),
        (d::LABEL_INSTANCE.to_owned(), r.name.clone()),
    ])
}

fn labels(r: &Plan) -> BTreeMap<String, String> {
    let mut labels: BTreeMap<String, String> = r
        .labels
        .iter()
        .filter(|(k, _)| !r.selector.contains_key(*k) && *k != d::LABEL_COMPONENT)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    labels.extend(selector_labels(r));
    labels.insert(d::LABEL_COMPONENT.into(), "token-renewer".into());
    labels
}

fn meta(r: &Plan) -> ObjectMeta {
    ObjectMeta {
        name: Some(renewer_name(r)),
        namespace: r.namespace.clone(),
        labels: Some(labels(r)),
        annotations: (!r.annotations.is_empty()).then(|| r.annotations.clone()),
        ..Default::default()
    }
}

/// ServiceAccount `<name>-token-renewer`, federated with the identity that may generate tokens.
pub(crate) fn service_account(r: &Plan) -> Option<ServiceAccount> {
    let (plan, _, _) = plan(r)?;
    let mut metadata = meta(r);
    let annotations = metadata.annotations.get_or_insert_with(BTreeMap::new);
    annotations.insert(WI_CLIENT_ID_ANNOTATION.into(), plan.client_id.clone());
    if let Some(t) = &plan.tenant_id {
        annotations.insert(WI_TENANT_ID_ANNOTATION.into(), t.clone());
    }
    Some(ServiceAccount {
        metadata,
        ..Default::default()
    })
}

fn rule(group: &str, resource: &str, name: &str) -> PolicyRule {
    PolicyRule {
        api_groups: Some(vec![group.into()]),
        resources: Some(vec![resource.into()]),
        resource_names: Some(vec![name.into()]),
        verbs: vec!["get".into(), "patch".into()],
        ..Default::default()
    }
}

/// Role `<name>-token-renewer`: `get` and `patch` on the token Secret and the Deployment only.
pub(crate) fn role(r: &Plan) -> Option<Role> {
    let (_, secret, _) = plan(r)?;
    Some(Role {
        metadata: meta(r),
        rules: Some(vec![
            rule("", "secrets", secret),
            rule("apps", "deployments", &r.names.deployment),
        ]),
    })
}

/// RoleBinding `<name>-token-renewer` of that Role to the renewer's ServiceAccount.
pub(crate) fn role_binding(r: &Plan) -> Option<RoleBinding> {
    plan(r)?;
    Some(RoleBinding {
        metadata: meta(r),
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".into(),
            kind: "Role".into(),
            name: renewer_name(r),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".into(),
            name: renewer_name(r),
            namespace: r.namespace.clone(),
            ..Default::default()
        }]),
    })
}

/// The command line the CronJob runs; `$(POD_NAMESPACE)` is expanded by the kubelet.
fn args(r: &Plan, plan: &RenewalPlan, secret: &str, key: &str) -> Vec<String> {
    let flags: [(&str, &str); 13] = [
        ("--namespace", &format!("$({NAMESPACE_ENV})")),
        ("--secret", secret),
        ("--secret-key", key),
        ("--deployment", &r.names.deployment),
        ("--subscription", &plan.subscription_id),
        ("--resource-group", &plan.resource_group),
        ("--service", &plan.service_name),
        ("--gateway", &r.gateway_name),
        ("--renew-before", &plan.renew_before),
        ("--validity", &plan.validity),
        ("--key", plan.key_type.as_str()),
        ("--arm-endpoint", &plan.arm_endpoint),
        (
            "--deadline",
            &format!("{}s", d::RENEWER_ACTIVE_DEADLINE_SECONDS),
        ),
    ];
    let mut args = vec!["token".to_owned(), "renew".to_owned()];
    for (flag, value) in flags {
        args.push(flag.to_owned());
        args.push(value.to_owned());
    }
    args
}

fn quantities(cpu: &str, memory: &str) -> Option<BTreeMap<String, Quantity>> {
    Some(BTreeMap::from([
        ("cpu".to_owned(), Quantity(cpu.into())),
        ("memory".to_owned(), Quantity(memory.into())),
    ]))
}

fn container(r: &Plan, plan: &RenewalPlan, secret: &str, key: &str) -> Container {
    Container {
        name: "renewer".into(),
        image: Some(plan.image.clone()),
        image_pull_policy: Some("IfNotPresent".into()),
        command: Some(vec![d::RENEWER_BINARY.into()]),
        args: Some(args(r, plan, secret, key)),
        env: Some(vec![EnvVar {
            name: NAMESPACE_ENV.into(),
            value_from: Some(EnvVarSource {
                field_ref: Some(ObjectFieldSelector {
                    field_path: "metadata.namespace".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }]),
        resources: Some(ResourceRequirements {
            requests: quantities("10m", "32Mi"),
            limits: quantities("100m", "64Mi"),
            ..Default::default()
        }),
        security_context: Some(super::hardened(None, None, true)),
        ..Default::default()
    }
}

fn pod_security(r: &Plan) -> PodSecurityContext {
    let uid = r.fixed_ids().then_some(d::RENEWER_UID);
    PodSecurityContext {
        run_as_non_root: Some(true),
        run_as_user: uid,
        run_as_group: uid,
        seccomp_profile: Some(SeccompProfile {
            type_: "RuntimeDefault".into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Why checkov's findings on the renewer do not apply, as `checkov.io/skipN` annotations.
fn linter_skips(r: &Plan, plan: &RenewalPlan) -> BTreeMap<String, String> {
    let mut skips = vec![
        "CKV_K8S_38=the renewer reads and patches the token Secret through the API server with its own ServiceAccount token".to_owned(),
        "CKV_K8S_15=the image is pinned; IfNotPresent lets the job run while the registry is unreachable".to_owned(),
    ];
    if !plan.pinned_by_digest {
        skips.push(
            "CKV_K8S_43=pinned to an exact tag; set spec.auth.token.renewal.image.digest to pin by digest"
                .to_owned(),
        );
    }
    if r.network_policy.is_none() {
        skips.push(
            "CKV2_K8S_6=NetworkPolicy turned off in this profile (spec.networkPolicy.enabled)"
                .to_owned(),
        );
    }
    if !r.fixed_ids() {
        skips.push("CKV_K8S_40=the platform assigns the UID from the namespace's range".to_owned());
    }
    skips
        .into_iter()
        .enumerate()
        .map(|(i, s)| (format!("checkov.io/skip{}", i + 1), s))
        .collect()
}

/// CronJob `<name>-token-renewer`.
pub(crate) fn cron_job(r: &Plan) -> Option<CronJob> {
    let (plan, secret, key) = plan(r)?;
    let mut pod_labels = labels(r);
    pod_labels.insert(WI_USE_LABEL.into(), "true".into());
    let pod = PodSpec {
        service_account_name: Some(renewer_name(r)),
        restart_policy: Some("Never".into()),
        security_context: Some(pod_security(r)),
        containers: vec![container(r, plan, secret, key)],
        ..Default::default()
    };
    let mut metadata = meta(r);
    metadata
        .annotations
        .get_or_insert_with(BTreeMap::new)
        .extend(linter_skips(r, plan));
    Some(CronJob {
        metadata,
        spec: Some(CronJobSpec {
            schedule: plan.schedule.clone(),
            time_zone: Some("Etc/UTC".into()),
            concurrency_policy: Some("Forbid".into()),
            starting_deadline_seconds: Some(d::RENEWER_STARTING_DEADLINE_SECONDS),
            successful_jobs_history_limit: Some(3),
            failed_jobs_history_limit: Some(3),
            job_template: JobTemplateSpec {
                metadata: None,
                spec: Some(JobSpec {
                    backoff_limit: Some(3),
                    active_deadline_seconds: Some(d::RENEWER_ACTIVE_DEADLINE_SECONDS),
                    template: PodTemplateSpec {
                        metadata: Some(ObjectMeta {
                            labels: Some(pod_labels),
                            ..Default::default()
                        }),
                        spec: Some(pod),
                    },
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// NetworkPolicy `<name>-token-renewer`: nothing may connect to the renewer; it may reach the
/// API server and Azure.
pub(crate) fn network_policy(r: &Plan) -> Option<NetworkPolicy> {
    plan(r)?;
    r.network_policy.as_ref()?;
    Some(NetworkPolicy {
        metadata: meta(r),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector {
                match_labels: Some(selector_labels(r)),
                ..Default::default()
            }),
            policy_types: Some(vec!["Ingress".into()]),
            ..Default::default()
        }),
    })
}

/// `shgw-<namespace>-<name>-token-renewer` (cluster scoped, so the namespace is in the name).
fn policy_name(r: &Plan) -> String {
    match &r.namespace {
        Some(ns) => format!("shgw-{ns}-{}", renewer_name(r)),
        None => format!("shgw-{}", renewer_name(r)),
    }
}

/// Metadata of a cluster-scoped object: the renewer's labels, no namespace.
fn cluster_meta(r: &Plan) -> ObjectMeta {
    ObjectMeta {
        name: Some(policy_name(r)),
        labels: Some(labels(r)),
        annotations: (!r.annotations.is_empty()).then(|| r.annotations.clone()),
        ..Default::default()
    }
}

/// `has(object.P) == has(oldObject.P) && (!has(object.P) || object.P == oldObject.P)`: the
/// field `P` (a path below the object) is set on both or neither, and equal. Written without
/// a default value so that it type-checks against the objects' schemas.
fn unchanged(path: &str) -> String {
    format!(
        "(has(object.{path}) == has(oldObject.{path}) && (!has(object.{path}) || object.{path} == oldObject.{path}))"
    )
}

/// Every key of the map at `path` other than `free` is on both objects with the same value.
fn same_keys_but(path: &str, free: &str) -> String {
    let one_way = |a: &str, b: &str, compare: bool| {
        let value = if compare {
            format!(" && {b}.{path}[k] == {a}.{path}[k]")
        } else {
            String::new()
        };
        format!(
            "(!has({a}.{path}) || {a}.{path}.all(k, k == '{free}' || (has({b}.{path}) && k in {b}.{path}{value})))"
        )
    };
    format!(
        "{} && {}",
        one_way("object", "oldObject", true),
        one_way("oldObject", "object", false)
    )
}

/// The policy's checks, each `(expression, message)`; they hold for any request but an update
/// of the Deployment or the Secret by the renewer, which the policy's match conditions select.
fn policy_checks(key: &str) -> Vec<(String, String)> {
    let fingerprint = d::TOKEN_FINGERPRINT_ANNOTATION;
    let deployment = |e: String| format!("!variables.deployment || ({e})");
    let secret = |e: String| format!("!variables.secret || ({e})");
    let spec_fields = [
        "replicas",
        "selector",
        "strategy",
        "minReadySeconds",
        "revisionHistoryLimit",
        "paused",
        "progressDeadlineSeconds",
    ];
    let metadata = ["labels", "ownerReferences", "finalizers"];
    let mut deployment_meta: Vec<String> = metadata
        .iter()
        .map(|f| unchanged(&format!("metadata.{f}")))
        .collect();
    deployment_meta.push(unchanged("metadata.annotations"));
    vec![
        (
            deployment("object.spec.template.spec == oldObject.spec.template.spec".into()),
            "the token renewer may not change the Deployment's pod spec (image, env, envFrom, volumes, serviceAccountName, ...)".into(),
        ),
        (
            deployment(
                spec_fields
                    .iter()
                    .map(|f| unchanged(&format!("spec.{f}")))
                    .collect::<Vec<_>>()
                    .join(" && "),
            ),
            "the token renewer may not change the Deployment's spec outside the pod template (replicas, selector, strategy, ...)".into(),
        ),
        (
            deployment(format!(
                "{} && {}",
                unchanged("spec.template.metadata.labels"),
                same_keys_but("spec.template.metadata.annotations", fingerprint)
            )),
            format!("the token renewer may change only the pod template annotation {fingerprint}"),
        ),
        (
            deployment(deployment_meta.join(" && ")),
            "the token renewer may not change the Deployment's labels, annotations, owners or finalizers".into(),
        ),
        (
            secret(format!(
                "{} && {} && {}",
                unchanged("type"),
                unchanged("immutable"),
                same_keys_but("data", key)
            )),
            format!("the token renewer may change only the Secret's data key {key} and its annotations"),
        ),
        (
            secret(
                metadata
                    .iter()
                    .map(|f| unchanged(&format!("metadata.{f}")))
                    .collect::<Vec<_>>()
                    .join(" && "),
            ),
            "the token renewer may not change the Secret's labels, owners or finalizers".into(),
        ),
    ]
}

/// ValidatingAdmissionPolicy `shgw-<ns>-<name>-token-renewer` (admissionregistration.k8s.io/v1,
/// Kubernetes 1.30+): requests by the renewer's ServiceAccount to update the Deployment or the
/// token Secret may change only the fingerprint annotation, or the token and annotations.
pub(crate) fn admission_policy(r: &Plan) -> Option<ValidatingAdmissionPolicy> {
    let (plan, secret, key) = plan(r)?;
    if !plan.admission_policy {
        return None;
    }
    let rule = |group: &str, resource: &str, name: &str| NamedRuleWithOperations {
        api_groups: Some(vec![group.into()]),
        api_versions: Some(vec!["v1".into()]),
        operations: Some(vec!["UPDATE".into()]),
        resources: Some(vec![resource.into()]),
        resource_names: Some(vec![name.into()]),
        scope: Some("Namespaced".into()),
    };
    let variable = |name: &str, expression: &str| Variable {
        name: name.into(),
        expression: expression.into(),
    };
    Some(ValidatingAdmissionPolicy {
        metadata: cluster_meta(r),
        spec: Some(ValidatingAdmissionPolicySpec {
            failure_policy: Some("Fail".into()),
            match_constraints: Some(MatchResources {
                resource_rules: Some(vec![
                    rule("apps", "deployments", &r.names.deployment),
                    rule("", "secrets", secret),
                ]),
                ..Default::default()
            }),
            match_conditions: Some(vec![MatchCondition {
                name: "by-the-token-renewer".into(),
                expression: format!(
                    "request.userInfo.username == 'system:serviceaccount:' + request.namespace + ':{}'",
                    renewer_name(r)
                ),
            }]),
            variables: Some(vec![
                variable(
                    "deployment",
                    "request.resource.group == 'apps' && request.resource.resource == 'deployments'",
                ),
                variable(
                    "secret",
                    "request.resource.group == '' && request.resource.resource == 'secrets'",
                ),
            ]),
            validations: Some(
                policy_checks(key)
                    .into_iter()
                    .map(|(expression, message)| Validation {
                        expression,
                        message: Some(message),
                        reason: Some("Forbidden".into()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            ..Default::default()
        }),
        status: None,
    })
}

/// Its binding: every match denied.
pub(crate) fn admission_policy_binding(r: &Plan) -> Option<ValidatingAdmissionPolicyBinding> {
    admission_policy(r)?;
    Some(ValidatingAdmissionPolicyBinding {
        metadata: cluster_meta(r),
        spec: Some(ValidatingAdmissionPolicyBindingSpec {
            policy_name: Some(policy_name(r)),
            validation_actions: Some(vec!["Deny".into()]),
            ..Default::default()
        }),
    })
}
