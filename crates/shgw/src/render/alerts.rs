//! Alerts: a Prometheus Operator `PrometheusRule` on the kube-state-metrics series every such
//! cluster has, scoped to this gateway's namespace and object names.
//!
//! Every threshold is computed once, here or in the renewal plan, and written into
//! both the expression and the description, so what the rule does and what it says agree.

use super::metrics::METRICS_PORT_NAME;
use super::renewal::renewer_name;
use crate::defaults as d;
use crate::diag::Diagnostic;
use crate::pipeline::Resolved;
use crate::resolve::{AlertsPlan, AuthMode, Plan, RenewalPlan};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Alert names, one place each (the README's runbook sections are named after them).
pub mod names {
    /// The token renewer has not succeeded for too long.
    pub const TOKEN_RENEWAL_STALE: &str = "ShgwTokenRenewalStale";
    /// The token renewer's newest run failed.
    pub const TOKEN_RENEWAL_FAILED: &str = "ShgwTokenRenewalFailed";
    /// Fewer replicas available than desired.
    pub const REPLICAS_UNAVAILABLE: &str = "ShgwGatewayReplicasUnavailable";
    /// No replica available at all.
    pub const GATEWAY_DOWN: &str = "ShgwGatewayDown";
    /// Prometheus does not scrape the metrics sidecar.
    pub const METRICS_NOT_SCRAPED: &str = "ShgwGatewayMetricsNotScraped";
}

/// How long fewer replicas than desired may be available before the warning fires.
const REPLICAS_UNAVAILABLE_FOR_SECS: i64 = 10 * 60;
/// How long no replica may be available before the critical alert fires.
const GATEWAY_DOWN_FOR_SECS: i64 = 5 * 60;
/// How long the metrics sidecar may go unscraped.
const METRICS_NOT_SCRAPED_FOR_SECS: i64 = 15 * 60;
/// A failed renewer run is reported once the job cannot be running any more: its
/// `activeDeadlineSeconds` and five minutes for kube-state-metrics to see the end.
const RENEWAL_FAILED_FOR_SECS: i64 = d::RENEWER_ACTIVE_DEADLINE_SECONDS + 5 * 60;

/// A Prometheus Operator `PrometheusRule` (`monitoring.coreos.com/v1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusRule {
    /// Always `monitoring.coreos.com/v1`.
    pub api_version: &'static str,
    /// Always `PrometheusRule`.
    pub kind: &'static str,
    /// Name, namespace, labels.
    pub metadata: ObjectMeta,
    /// The rule groups, in the format of a Prometheus rule file.
    pub spec: PrometheusRuleSpec,
}

impl k8s_openapi::Resource for PrometheusRule {
    const API_VERSION: &'static str = "monitoring.coreos.com/v1";
    const GROUP: &'static str = "monitoring.coreos.com";
    const KIND: &'static str = "PrometheusRule";
    const VERSION: &'static str = "v1";
    const URL_PATH_SEGMENT: &'static str = "prometheusrules";
    type Scope = k8s_openapi::NamespaceResourceScope;
}

/// What a PrometheusRule holds: exactly a Prometheus rule file's `groups`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrometheusRuleSpec {
    /// Rule groups.
    pub groups: Vec<RuleGroup>,
}

/// A named group of rules, evaluated together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleGroup {
    /// Group name, unique in the Prometheus.
    pub name: String,
    /// The alerting rules.
    pub rules: Vec<AlertingRule>,
}

/// One alerting rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertingRule {
    /// Alert name.
    pub alert: String,
    /// PromQL expression; every element it returns is an alert.
    pub expr: String,
    /// How long the expression must hold before the alert fires.
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<String>,
    /// Labels added to the alert (`severity`, and fixed names of this gateway's objects).
    pub labels: BTreeMap<String, String>,
    /// `summary`, `description` and `runbook_url`.
    pub annotations: BTreeMap<String, String>,
}

/// A duration the way Prometheus writes it (`2d`, `1d12h`, `10m`), exact to the second.
pub(crate) fn prometheus_duration(secs: i64) -> String {
    if secs <= 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let mut rest = secs;
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

/// Widest a one-line selector may be, indentation included; wider ones get a matcher per
/// line, so rendered rules stay within the usual YAML line limits (yamllint's 120) whatever
/// the names.
const SELECTOR_WIDTH: usize = 88;

/// A label matcher: name, operator (`=` or `=~`), value.
type Matcher = (&'static str, &'static str, String);

/// A PromQL selector for `metric` with label matchers (`=` or `=~`), in the order given,
/// laid out at `indent` spaces: on one line, or one matcher per line when too wide.
fn selector(metric: &str, matchers: &[Matcher], indent: usize) -> String {
    let items: Vec<String> = matchers
        .iter()
        .map(|(k, op, v)| format!("{k}{op}\"{}\"", escape(v)))
        .collect();
    let pad = " ".repeat(indent);
    let one_line = format!("{pad}{metric}{{{}}}", items.join(", "));
    if one_line.len() <= SELECTOR_WIDTH {
        return one_line;
    }
    let inner: Vec<String> = items.iter().map(|i| format!("{pad}  {i}")).collect();
    format!("{pad}{metric}{{\n{}\n{pad}}}", inner.join(",\n"))
}

/// `v` as the inside of a double-quoted PromQL string.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"")
}

/// `v` as a regular expression matching exactly `v` (RE2 syntax).
fn regex_literal(v: &str) -> String {
    let mut out = String::new();
    for ch in v.chars() {
        if "\\.+*?()|[]{}^$".contains(ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

struct Rules<'a> {
    plan: &'a AlertsPlan,
    namespace: &'a str,
    gateway: &'a str,
    out: Vec<AlertingRule>,
}

impl Rules<'_> {
    fn push(
        &mut self,
        alert: &str,
        severity: &str,
        expr: String,
        for_secs: Option<i64>,
        fixed_labels: &[(&str, &str)],
        (summary, description): (String, String),
    ) {
        let mut labels = BTreeMap::from([("severity".to_owned(), severity.to_owned())]);
        for (k, v) in fixed_labels {
            labels.insert((*k).to_owned(), (*v).to_owned());
        }
        self.out.push(AlertingRule {
            alert: alert.to_owned(),
            expr,
            for_: for_secs.map(prometheus_duration),
            labels,
            annotations: BTreeMap::from([
                ("summary".to_owned(), summary),
                ("description".to_owned(), description),
                ("runbook_url".to_owned(), self.plan.runbook_url(alert)),
            ]),
        });
    }

    fn renewal(&mut self, cron_job: &str, plan: &RenewalPlan) {
        let (ns, gw) = (self.namespace, self.gateway);
        let scope = [
            ("namespace", "=", ns.to_owned()),
            ("cronjob", "=", cron_job.to_owned()),
        ];
        let last = |indent| selector("kube_cronjob_status_last_successful_time", &scope, indent);
        let created = selector("kube_cronjob_created", &scope, 4);
        if let Some(stale) = plan.stale_after() {
            let t = stale.as_secs();
            // A CronJob that never succeeded has no last-success series: its age counts from
            // its creation instead.
            let expr = format!(
                "(\n  time() - max by (namespace, cronjob) (\n{}\n  ) > {t}\n)\nor\n(\n  time() - max by (namespace, cronjob) (\n{created}\n  ) > {t}\n  unless on (namespace, cronjob)\n{}\n)",
                last(4),
                last(4),
            );
            let threshold = prometheus_duration(t);
            let gap = prometheus_duration(plan.longest_gap().map_or(0, |g| g.as_secs()));
            let (schedule, before) = (&plan.schedule, &plan.renew_before);
            let summary = format!(
                "The token of gateway {ns}/{gw} has not been renewed for more than {threshold}."
            );
            let description = format!(
                "CronJob {ns}/{cron_job} has not completed a renewal for {{{{ $value | humanizeDuration }}}} (or, if it never succeeded, was created that long ago). The threshold, {threshold}, is the smaller of twice the longest gap between its scheduled runs ({gap} for schedule \"{schedule}\") and renewBefore ({before}) less one day, so the token in use still has at least a day left. When it expires, the gateway can no longer reach its configuration endpoint."
            );
            let alert = names::TOKEN_RENEWAL_STALE;
            self.push(alert, "critical", expr, None, &[], (summary, description));
        }
        let job = |metric: &str, indent: usize| {
            let matchers = [
                ("namespace", "=", ns.to_owned()),
                (
                    "job_name",
                    "=~",
                    format!("{}-[0-9]+", regex_literal(cron_job)),
                ),
            ];
            selector(metric, &matchers, indent)
        };
        // The newest scheduled run (by start time) has failed pods and no success; older
        // failed runs kept in the job history do not count once a newer run exists.
        let expr = format!(
            "(\n  max by (namespace, job_name) (\n{}\n  ) > 0\n)\nand on (namespace, job_name)\n  topk by (namespace) (1,\n    max by (namespace, job_name) (\n{}\n    )\n  )\nunless on (namespace, job_name)\n  (\n    max by (namespace, job_name) (\n{}\n    ) > 0\n  )",
            job("kube_job_status_failed", 4),
            job("kube_job_status_start_time", 6),
            job("kube_job_status_succeeded", 6),
        );
        let summary = format!("The newest token renewal of gateway {ns}/{gw} failed.");
        let description = format!(
            "Job {ns}/{{{{ $labels.job_name }}}} of CronJob {ns}/{cron_job} failed and no later run has started. The token in use is still valid; {} fires if no run succeeds in time. Read the job's log: kubectl -n {ns} logs job/{{{{ $labels.job_name }}}}",
            names::TOKEN_RENEWAL_STALE
        );
        self.push(
            names::TOKEN_RENEWAL_FAILED,
            "warning",
            expr,
            Some(RENEWAL_FAILED_FOR_SECS),
            &[("cronjob", cron_job)],
            (summary, description),
        );
    }

    fn replicas(&mut self, deployment: &str) {
        let ns = self.namespace;
        let scope = [
            ("namespace", "=", ns.to_owned()),
            ("deployment", "=", deployment.to_owned()),
        ];
        let available = format!(
            "max by (namespace, deployment) (\n{}\n)",
            selector("kube_deployment_status_replicas_available", &scope, 2)
        );
        let desired = format!(
            "max by (namespace, deployment) (\n{}\n)",
            selector("kube_deployment_spec_replicas", &scope, 2)
        );
        let summary = format!("Gateway {ns}/{deployment} runs with fewer replicas than desired.");
        let description = format!(
            "Only {{{{ $value }}}} replica(s) of Deployment {ns}/{deployment} have been available for more than {}, fewer than desired. The remaining pods carry all API traffic and a further failure may take the gateway down.",
            prometheus_duration(REPLICAS_UNAVAILABLE_FOR_SECS)
        );
        self.push(
            names::REPLICAS_UNAVAILABLE,
            "warning",
            format!("{available}\n<\n{desired}"),
            Some(REPLICAS_UNAVAILABLE_FOR_SECS),
            &[],
            (summary, description),
        );
        let summary = format!("Gateway {ns}/{deployment} has no available replica.");
        let description = format!(
            "Deployment {ns}/{deployment} has had no available replica for more than {}: every API behind this gateway is unreachable.",
            prometheus_duration(GATEWAY_DOWN_FOR_SECS)
        );
        self.push(
            names::GATEWAY_DOWN,
            "critical",
            format!("{available} == 0\nand on (namespace, deployment)\n{desired} > 0"),
            Some(GATEWAY_DOWN_FOR_SECS),
            &[],
            (summary, description),
        );
    }

    fn metrics(&mut self, pod_monitor: &str) {
        let ns = self.namespace;
        // A PodMonitor without `jobLabel` names its targets' job `<namespace>/<name>`.
        let job = format!("{ns}/{pod_monitor}");
        let up = selector(
            "up",
            &[("namespace", "=", ns.to_owned()), ("job", "=", job.clone())],
            2,
        );
        let summary =
            format!("Prometheus does not scrape the local metrics of gateway {ns}/{pod_monitor}.");
        let description = format!(
            "For more than {}, no target of PodMonitor {ns}/{pod_monitor} (port {METRICS_PORT_NAME} of the statsd-exporter sidecar) has been scraped, or one is down. Local metrics are what shows the gateway's traffic while Azure is unreachable. Check that your Prometheus's podMonitorSelector and podMonitorNamespaceSelector select this PodMonitor.",
            prometheus_duration(METRICS_NOT_SCRAPED_FOR_SECS)
        );
        self.push(
            names::METRICS_NOT_SCRAPED,
            "warning",
            format!("absent(\n{up}\n)\nor\nmin by (namespace, job) (\n{up}\n) == 0"),
            Some(METRICS_NOT_SCRAPED_FOR_SECS),
            &[],
            (summary, description),
        );
    }
}

/// The objects an alerting rule watches, by the names they have where the rule runs. Every
/// selector, label and text of the rule is made from these (and the rule group is named after
/// the rule), so that a rule made for names another tool gave the objects (a kustomize
/// `namePrefix` or `namespace`) watches those objects.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AlertTargets {
    /// The namespace of every watched object.
    pub namespace: String,
    /// The PrometheusRule itself (its rule group is `shgw.<namespace>.<rule>`).
    pub rule: String,
    /// The gateway's Deployment.
    pub deployment: String,
    /// The token renewer's CronJob, when the rule watches it.
    pub cron_job: Option<String>,
    /// The PodMonitor that scrapes the metrics sidecar, when the rule watches it.
    pub pod_monitor: Option<String>,
}

impl AlertTargets {
    /// The targets with the names `render` gives them; none when alerts are off or there is
    /// no namespace (validation refuses alerts without one).
    pub fn rendered(r: &Resolved) -> Option<AlertTargets> {
        AlertTargets::of(&r.plan)
    }

    /// [`AlertTargets::rendered`] of a plan.
    pub(crate) fn of(r: &Plan) -> Option<AlertTargets> {
        r.alerts.as_ref()?;
        let namespace = r.namespace.clone()?;
        let cron_job = match &r.auth {
            AuthMode::Token {
                renewal: Some(_), ..
            } => Some(renewer_name(r)),
            _ => None,
        };
        Some(AlertTargets {
            namespace,
            rule: r.name.clone(),
            deployment: r.names.deployment.clone(),
            cron_job,
            pod_monitor: r
                .prometheus
                .as_ref()
                .is_some_and(|p| p.pod_monitor)
                .then(|| r.name.clone()),
        })
    }

    /// The value of the rule's `shgw.dev/alert-scope` annotation, which
    /// [`scope_problems`] reads: `<namespace>/<deployment>`.
    pub fn scope(&self) -> String {
        format!("{}/{}", self.namespace, self.deployment)
    }
}

/// The rule groups of gateway `r`'s PrometheusRule, watching `t`: the one place the alerts'
/// expressions, labels and texts are made (`render` calls it with
/// [`AlertTargets::rendered`]). None when alerts are off.
///
/// ```
/// let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: gw, namespace: apim}\nspec: {endpoint: contoso.configuration.azure-api.net, backup: {storageClassName: azurefile-csi}, telemetry: {alerts: {enabled: true}}}\n";
/// let gw = &shgw::parse_gateways("gw.yaml", text)?[0];
/// let r = shgw::resolve(gw, &shgw::Profile::embedded("production")?)?;
/// let mut t = shgw::alerts::AlertTargets::rendered(&r).unwrap();
/// t.namespace = "staging".into();
/// t.deployment = "staging-gw".into();
/// let spec = shgw::alerts::rules(&r, &t).unwrap();
/// assert!(spec.groups[0].rules[0].expr.contains(r#"deployment="staging-gw""#));
/// assert_eq!(spec.groups[0].name, "shgw.staging.gw");
/// # Ok::<(), shgw::Error>(())
/// ```
pub fn rules(r: &Resolved, t: &AlertTargets) -> Option<PrometheusRuleSpec> {
    rule_groups(&r.plan, t)
}

/// [`rules`] of a plan.
pub(crate) fn rule_groups(r: &Plan, t: &AlertTargets) -> Option<PrometheusRuleSpec> {
    let plan = r.alerts.as_ref()?;
    let mut rules = Rules {
        plan,
        namespace: &t.namespace,
        gateway: &r.name,
        out: Vec::new(),
    };
    if let (
        AuthMode::Token {
            renewal: Some(renewal),
            ..
        },
        Some(cron_job),
    ) = (&r.auth, &t.cron_job)
    {
        rules.renewal(cron_job, renewal);
    }
    rules.replicas(&t.deployment);
    if let Some(pod_monitor) = &t.pod_monitor {
        rules.metrics(pod_monitor);
    }
    Some(PrometheusRuleSpec {
        groups: vec![RuleGroup {
            name: format!("shgw.{}.{}", t.namespace, t.rule),
            rules: rules.out,
        }],
    })
}

/// PrometheusRule `<name>`, when alerts are on (validation makes sure there is a namespace).
pub(crate) fn prometheus_rule(r: &Plan) -> Option<PrometheusRule> {
    let plan = r.alerts.as_ref()?;
    let targets = AlertTargets::of(r)?;
    let spec = rule_groups(r, &targets)?;
    let mut metadata = super::meta(r, r.name.clone());
    metadata
        .annotations
        .get_or_insert_with(BTreeMap::new)
        .insert(d::ALERT_SCOPE_ANNOTATION.to_owned(), targets.scope());
    if !plan.labels.is_empty() {
        metadata
            .labels
            .get_or_insert_with(BTreeMap::new)
            .extend(plan.labels.clone());
    }
    Some(PrometheusRule {
        api_version: <PrometheusRule as k8s_openapi::Resource>::API_VERSION,
        kind: <PrometheusRule as k8s_openapi::Resource>::KIND,
        metadata,
        spec,
    })
}

fn text_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// Problems with shgw's PrometheusRules among built `resources` (after kustomize
/// transformers, and after the rules of rendered Gateways were made again with
/// [`rules`] from the final names): a rule whose expressions select a namespace or
/// Deployment that the build moved or renamed would never fire. Each problem names the rule,
/// why it cannot follow, and what to change.
///
/// ```
/// let rule = serde_json::json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
///     "metadata": {"name": "gw", "namespace": "elsewhere",
///                  "annotations": {"shgw.dev/alert-scope": "apim/gw"}}});
/// let gw = serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment",
///     "metadata": {"name": "gw", "namespace": "elsewhere"}});
/// let problems = shgw::alerts::scope_problems(&[rule, gw]);
/// assert_eq!(problems[0].path, "metadata.namespace");
/// ```
pub fn scope_problems(resources: &[Value]) -> Vec<Diagnostic> {
    let deployments: BTreeSet<(&str, &str)> = resources
        .iter()
        .filter(|v| text_at(v, "/kind") == "Deployment")
        .map(|v| {
            (
                text_at(v, "/metadata/namespace"),
                text_at(v, "/metadata/name"),
            )
        })
        .collect();
    let mut out = Vec::new();
    for v in resources {
        let scope = v
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(d::ALERT_SCOPE_ANNOTATION))
            .and_then(Value::as_str);
        let Some((namespace, deployment)) = scope.and_then(|s| s.split_once('/')) else {
            continue;
        };
        if text_at(v, "/kind") != "PrometheusRule" {
            continue;
        }
        let name = text_at(v, "/metadata/name");
        let built_ns = text_at(v, "/metadata/namespace");
        let fix = "shgw build re-renders the alerts of a Gateway it renders from the final names, but this rule's PromQL was not rendered from a Gateway in this build (a rendered rule listed as a plain object, or one a layer moved apart from its Deployment), so no one can rewrite it safely: list the Gateway in the kustomization instead of its rendered objects, or set metadata.namespace and metadata.name in the Gateway file, or turn spec.telemetry.alerts off";
        let problem = if built_ns != namespace {
            Some((
                "metadata.namespace",
                format!(
                    "PrometheusRule {name} now lives in namespace {built_ns:?}, but its alerts select namespace {namespace:?}: they would never fire; {fix}"
                ),
            ))
        } else if !deployments.contains(&(namespace, deployment)) {
            Some((
                "metadata.name",
                format!(
                    "PrometheusRule {name} watches Deployment {namespace}/{deployment}, which this build renamed or removed: its alerts would never fire; {fix}"
                ),
            ))
        } else {
            None
        };
        if let Some((path, message)) = problem {
            let mut d = Diagnostic::error(path, message);
            d.gateway = Some(deployment.to_owned());
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_prometheus() {
        assert_eq!(prometheus_duration(600), "10m");
        assert_eq!(prometheus_duration(2 * 86_400), "2d");
        assert_eq!(prometheus_duration(86_400 + 12 * 3600), "1d12h");
        assert_eq!(prometheus_duration(3_661), "1h1m1s");
        assert_eq!(prometheus_duration(0), "0s");
    }

    #[test]
    fn names_are_quoted_and_regex_escaped() {
        let m = [("a", "=", "x\"y".to_owned())];
        assert_eq!(selector("m", &m, 2), "  m{a=\"x\\\"y\"}");
        let long = [
            ("namespace", "=", "n".repeat(63)),
            ("cronjob", "=", "c".repeat(58)),
        ];
        let text = selector("kube_cronjob_created", &long, 4);
        assert!(text.lines().all(|l| l.len() <= SELECTOR_WIDTH), "{text}");
        assert_eq!(text.lines().count(), 4);
        assert_eq!(regex_literal("a.b-c"), "a\\.b-c");
    }
}
