//! One case per rule that triggers it, and cases that must not.
//!
//! The base is what shgw renders for a production gateway (with its token Secret and a renewal
//! CronJob): the review finds nothing in it. Each case changes the base the way a hand-written
//! or portal manifest would be wrong, and expects the rule at the field it names, on the object
//! it names. A case list that misses a rule of the table fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use shgw_review::{Finding, Report, review_text};
use std::collections::BTreeSet;

const TOKEN_FAR: &str = "GatewayKey gw&209912312359&U2VjcmV0U2lnbmF0dXJl";
const SIGNATURE: &str = "U2VjcmV0U2lnbmF0dXJl";

fn now() -> jiff::Timestamp {
    "2026-12-01T00:00:00Z".parse().unwrap()
}

/// The base objects: a production render of `gw` in `apim`, plus a renewal CronJob.
fn base() -> Vec<Value> {
    let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: gw, namespace: apim}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {storageClassName: azurefile-csi}\n  image: {tag: \"2.12.1\", digest: \"sha256:3f1c0ea2c4d8f1b6a9e7d2c5b8a1f4e7d0c3b6a9f2e5d8c1b4a7f0e3d6c9b2a5\"}\n  replicas: 3\n";
    let gws = shgw::parse_gateways("gw.yaml", text).unwrap();
    let opts = shgw::RenderOptions {
        token: Some(shgw::Token::parse(TOKEN_FAR).unwrap()),
        now: Some(now()),
        ..Default::default()
    };
    let profile = shgw::Profile::embedded("production").unwrap();
    let mut docs = shgw::render_with("gw.yaml", &gws, &profile, &opts)
        .unwrap()
        .to_values();
    docs.push(json!({
        "apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": {"name": "gw-token-renewal", "namespace": "apim"},
        "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "Never",
            "containers": [{"name": "renew", "image": "example.invalid/renewer:1.0", "args": ["--secret", "gw-token"]}]
        }}}}}
    }));
    docs
}

fn review_docs(docs: &[Value], profile: &str) -> (Report, String) {
    let text = shgw_yaml::to_multi_doc(docs);
    let profile = shgw::Profile::embedded(profile).unwrap();
    let report = review_text("case.yaml", &text, &profile, now()).unwrap();
    (report, text)
}

/// The first object of `target`: a kind, or `Kind/name`.
fn position_of(docs: &[Value], target: &str) -> usize {
    let (kind, name) = target
        .split_once('/')
        .map_or((target, None), |(k, n)| (k, Some(n)));
    docs.iter()
        .position(|d| d["kind"] == kind && name.is_none_or(|n| d["metadata"]["name"] == n))
        .unwrap_or_else(|| panic!("no {target} in the base"))
}

/// An edit of the base.
enum Op {
    /// Set the value at a pointer in the first object of a kind (creating mappings).
    Set(&'static str, &'static str, Value),
    /// Remove the field at a pointer in the first object of a kind.
    Remove(&'static str, &'static str),
    /// Remove every object of a kind.
    Drop(&'static str),
    /// Add an object.
    Add(Value),
}

fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let mut at = doc;
    for seg in parent.split('/').skip(1) {
        let seg = seg.replace("~1", "/");
        at = match at {
            Value::Array(a) => &mut a[seg.parse::<usize>().unwrap()],
            other => {
                if other.get(&seg).is_none() {
                    other[&seg] = json!({});
                }
                &mut other[&seg]
            }
        };
    }
    let key = key.replace("~1", "/");
    match at {
        Value::Array(a) => a[key.parse::<usize>().unwrap()] = value,
        other => other[&key] = value,
    }
}

fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/");
    match doc.pointer_mut(parent).unwrap() {
        Value::Object(m) => {
            m.remove(&key);
        }
        Value::Array(a) => {
            a.remove(key.parse::<usize>().unwrap());
        }
        _ => panic!("{pointer}"),
    }
}

fn apply(ops: &[Op]) -> Vec<Value> {
    let mut docs = base();
    for op in ops {
        match op {
            Op::Set(kind, p, v) => {
                let i = position_of(&docs, kind);
                set(&mut docs[i], p, v.clone());
            }
            Op::Remove(kind, p) => {
                let i = position_of(&docs, kind);
                remove(&mut docs[i], p);
            }
            Op::Drop(kind) => docs.retain(|d| d["kind"] != *kind),
            Op::Add(v) => docs.push(v.clone()),
        }
    }
    docs
}

const C: &str = "/spec/template/spec/containers/0";

fn token_secret(token: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "gw-token", "namespace": "apim"}, "stringData": {"value": token}})
}

/// A case: the rule, the edits, and the kind and path of the expected finding.
struct Case {
    rule: &'static str,
    ops: Vec<Op>,
    kind: &'static str,
    path: &'static str,
    profile: &'static str,
}

fn case(rule: &'static str, ops: Vec<Op>, kind: &'static str, path: &'static str) -> Case {
    Case {
        rule,
        ops,
        kind,
        path,
        profile: "production",
    }
}

fn cases() -> Vec<Case> {
    use Op::*;
    let dep = "Deployment";
    let hpa = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "gw", "namespace": "apim"},
        "spec": {"minReplicas": 3, "maxReplicas": 6, "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "gw"}}});
    let c = |p: &str| -> &'static str { Box::leak(format!("{C}{p}").into_boxed_str()) };
    let expired = "GatewayKey gw&202611010000&U2VjcmV0U2lnbmF0dXJl";
    let soon = "GatewayKey gw&202612030000&U2VjcmV0U2lnbmF0dXJl";
    vec![
        case(
            "SHGW001",
            vec![Set(dep, "/spec/replicas", json!(1))],
            dep,
            "spec.replicas",
        ),
        case(
            "SHGW002",
            vec![Set(dep, "/spec/replicas", json!(2))],
            dep,
            "spec.replicas",
        ),
        case("SHGW003", vec![Add(hpa.clone())], dep, "spec.replicas"),
        case("SHGW004", vec![Drop("PodDisruptionBudget")], dep, "spec"),
        case(
            "SHGW005",
            vec![Set("PodDisruptionBudget", "/spec/maxUnavailable", json!(0))],
            "PodDisruptionBudget",
            "spec.maxUnavailable",
        ),
        case(
            "SHGW006",
            vec![
                Remove(dep, "/spec/replicas"),
                Add(hpa),
                Remove("PodDisruptionBudget", "/spec/maxUnavailable"),
                Set("PodDisruptionBudget", "/spec/minAvailable", json!(3)),
            ],
            "PodDisruptionBudget",
            "spec.minAvailable",
        ),
        case(
            "SHGW007",
            vec![
                Remove(dep, "/spec/template/spec/topologySpreadConstraints"),
                Remove(dep, "/spec/template/spec/affinity"),
            ],
            dep,
            "spec.template.spec",
        ),
        // The Helm chart's case: 4 replicas and no rollingUpdate numbers.
        case(
            "SHGW008",
            vec![
                Set(dep, "/spec/replicas", json!(4)),
                Remove(dep, "/spec/strategy"),
            ],
            dep,
            "spec",
        ),
        case(
            "SHGW008",
            vec![Remove(dep, "/spec/strategy/rollingUpdate/maxSurge")],
            dep,
            "spec.strategy.rollingUpdate",
        ),
        case(
            "SHGW010",
            vec![Set(
                dep,
                c("/image"),
                json!("mcr.microsoft.com/azure-api-management/gateway:v2"),
            )],
            dep,
            "spec.template.spec.containers[0].image",
        ),
        case(
            "SHGW011",
            vec![Set(
                dep,
                c("/image"),
                json!("mcr.microsoft.com/azure-api-management/gateway:2.12.1"),
            )],
            dep,
            "spec.template.spec.containers[0].image",
        ),
        case(
            "SHGW012",
            vec![
                Set(
                    dep,
                    c("/image"),
                    json!("mcr.microsoft.com/azure-api-management/gateway:2.10.1@sha256:3f1c"),
                ),
                Set(
                    "ConfigMap",
                    "/data/config.service.auth",
                    json!("workloadIdentity"),
                ),
                Set("ConfigMap", "/data/gateway.name", json!("gw")),
                Remove(dep, c("/env/0")),
            ],
            dep,
            "spec.template.spec.containers[0].image",
        ),
        case(
            "SHGW013",
            vec![Set(
                dep,
                c("/image"),
                json!("mcr.microsoft.com/azure-api-management/gateway:2.11.1@sha256:3f1c"),
            )],
            dep,
            "spec.template.spec.containers[0].image",
        ),
        case(
            "SHGW020",
            vec![Remove(dep, c("/resources/requests/memory"))],
            dep,
            "spec.template.spec.containers[0].resources.requests",
        ),
        case(
            "SHGW021",
            vec![Remove(dep, c("/resources/limits"))],
            dep,
            "spec.template.spec.containers[0].resources",
        ),
        case(
            "SHGW022",
            vec![Set(dep, c("/resources/requests/memory"), json!("4Gi"))],
            dep,
            "spec.template.spec.containers[0].resources.requests.memory",
        ),
        case(
            "SHGW030",
            vec![Remove(dep, c("/readinessProbe"))],
            dep,
            "spec.template.spec.containers[0]",
        ),
        case(
            "SHGW031",
            vec![Remove(dep, c("/livenessProbe"))],
            dep,
            "spec.template.spec.containers[0]",
        ),
        case(
            "SHGW032",
            vec![Remove(dep, c("/startupProbe"))],
            dep,
            "spec.template.spec.containers[0]",
        ),
        case(
            "SHGW033",
            vec![Set(dep, c("/livenessProbe/httpGet/port"), json!("https"))],
            dep,
            "spec.template.spec.containers[0].livenessProbe.httpGet.port",
        ),
        case(
            "SHGW034",
            vec![Set(dep, c("/startupProbe/failureThreshold"), json!(3))],
            dep,
            "spec.template.spec.containers[0].startupProbe.failureThreshold",
        ),
        case(
            "SHGW040",
            vec![Set(
                dep,
                "/spec/selector/matchLabels/app.kubernetes.io~1instance",
                json!("other"),
            )],
            dep,
            "spec.selector",
        ),
        case(
            "SHGW041",
            vec![Set(
                "Service",
                "/spec/selector/app.kubernetes.io~1instance",
                json!("gw-typo"),
            )],
            "Service",
            "spec.selector",
        ),
        case(
            "SHGW042",
            vec![Set(dep, "/metadata/namespace", json!("default"))],
            dep,
            "metadata.namespace",
        ),
        case(
            "SHGW043",
            vec![Remove(dep, "/metadata/namespace")],
            dep,
            "metadata",
        ),
        case(
            "SHGW044",
            vec![Drop("NetworkPolicy")],
            dep,
            "spec.template.metadata.labels",
        ),
        case(
            "SHGW045",
            vec![Remove(dep, c("/ports/3")), Remove(dep, c("/ports/2"))],
            dep,
            "spec.template.spec.containers[0].ports",
        ),
        case(
            "SHGW046",
            vec![Set("Service", "/spec/clusterIP", json!("10.0.0.12"))],
            dep,
            "spec",
        ),
        case(
            "SHGW047",
            vec![Set(
                "ConfigMap",
                "/data/neighborhood.host",
                json!("gw-discovery"),
            )],
            "ConfigMap",
            "data[\"neighborhood.host\"]",
        ),
        case(
            "SHGW048",
            vec![Set(dep, "/spec/replicas", json!(2))],
            "Service",
            "spec.externalTrafficPolicy",
        ),
        case(
            "SHGW049",
            vec![Op::Remove(
                "Service/gw-live-traffic",
                "/spec/externalTrafficPolicy",
            )],
            "Service",
            "spec.type",
        ),
        case(
            "SHGW050",
            vec![Set(
                dep,
                c("/securityContext/allowPrivilegeEscalation"),
                json!(true),
            )],
            dep,
            "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
        ),
        case(
            "SHGW051",
            vec![Set(dep, c("/securityContext/runAsUser"), json!(0))],
            dep,
            "spec.template.spec.containers[0].securityContext.runAsUser",
        ),
        case(
            "SHGW052",
            vec![Remove(
                dep,
                "/spec/template/spec/securityContext/seccompProfile",
            )],
            dep,
            "spec.template.spec.containers[0].securityContext",
        ),
        case(
            "SHGW053",
            vec![Remove(dep, c("/securityContext/capabilities"))],
            dep,
            "spec.template.spec.containers[0].securityContext",
        ),
        case(
            "SHGW054",
            vec![Set(dep, c("/securityContext/privileged"), json!(true))],
            dep,
            "spec.template.spec.containers[0].securityContext.privileged",
        ),
        case(
            "SHGW055",
            vec![Set(
                dep,
                c("/securityContext/readOnlyRootFilesystem"),
                json!(true),
            )],
            dep,
            "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
        ),
        case(
            "SHGW056",
            vec![
                Set(
                    "ConfigMap",
                    "/data/certificates.local.ca.enabled",
                    json!("true"),
                ),
                Set(dep, c("/securityContext/runAsUser"), json!(2000)),
            ],
            dep,
            "spec.template.spec.containers[0].securityContext.runAsUser",
        ),
        Case {
            rule: "SHGW057",
            ops: vec![],
            kind: dep,
            path: "spec.template.spec.containers[0].securityContext.runAsUser",
            profile: "openshift",
        },
        case(
            "SHGW060",
            vec![Set(
                "ConfigMap",
                "/data/config.service.auth",
                json!(TOKEN_FAR),
            )],
            "ConfigMap",
            "data[\"config.service.auth\"]",
        ),
        case(
            "SHGW061",
            vec![Drop("Secret"), Add(token_secret(expired))],
            "Secret",
            "stringData.value",
        ),
        case(
            "SHGW062",
            vec![Drop("Secret"), Add(token_secret(soon))],
            "Secret",
            "stringData.value",
        ),
        case(
            "SHGW063",
            vec![Drop("CronJob")],
            dep,
            "spec.template.spec.containers[0].env[0]",
        ),
        case(
            "SHGW064",
            vec![
                Set(
                    "ConfigMap",
                    "/data/config.service.auth",
                    json!("workloadIdentity"),
                ),
                Remove(dep, c("/env/0")),
            ],
            "ConfigMap",
            "data[\"config.service.auth\"]",
        ),
        case(
            "SHGW070",
            vec![Remove(dep, c("/volumeMounts"))],
            dep,
            "spec.template.spec.containers[0]",
        ),
        case(
            "SHGW071",
            vec![Set(
                dep,
                "/spec/template/spec/securityContext/fsGroup",
                json!(2000),
            )],
            dep,
            "spec.template.spec.securityContext.fsGroup",
        ),
        case(
            "SHGW072",
            vec![Set(
                dep,
                "/spec/template/spec/volumes/0",
                json!({"name": "config-backup", "emptyDir": {}}),
            )],
            dep,
            "spec.template.spec.volumes[0].emptyDir",
        ),
        case(
            "SHGW073",
            vec![Set(
                "ConfigMap",
                "/data/config.service.endpoint",
                json!("http://contoso.configuration.azure-api.net"),
            )],
            "ConfigMap",
            "data[\"config.service.endpoint\"]",
        ),
        case(
            "SHGW074",
            vec![Set(dep, "/spec/template/spec/dnsPolicy", json!("Default"))],
            dep,
            "spec.template.spec.dnsPolicy",
        ),
        case(
            "SHGW075",
            vec![Remove("PersistentVolumeClaim", "/spec/storageClassName")],
            "PersistentVolumeClaim",
            "spec.accessModes",
        ),
        case(
            "SHGW090",
            vec![Set(
                dep,
                "/metadata/annotations/shgw.dev~1ignore",
                json!("SHGW001"),
            )],
            dep,
            "metadata.annotations[\"shgw.dev/ignore\"]",
        ),
        case(
            "SHGW091",
            vec![Set(
                dep,
                "/metadata/annotations/shgw.dev~1ignore",
                json!("SHGW001=old until 2026-01-31"),
            )],
            dep,
            "metadata.annotations[\"shgw.dev/ignore\"]",
        ),
        case(
            "SHGW092",
            vec![Set(
                dep,
                "/spec/template/metadata/annotations/shgw.dev~1ignore",
                json!("CKV_K8S_8=not ours"),
            )],
            dep,
            "spec.template.metadata.annotations[\"shgw.dev/ignore\"]",
        ),
    ]
}

fn findings_of<'a>(report: &'a Report, rule: &str) -> Vec<&'a Finding> {
    report.findings.iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn the_base_has_no_findings_under_production_and_dev() {
    for profile in ["production", "dev"] {
        let (report, _) = review_docs(&base(), profile);
        assert_eq!(report.gateways.len(), 1);
        assert!(
            report.findings.is_empty(),
            "{profile}: {}",
            shgw_review::to_text(&report, false)
        );
    }
}

#[test]
fn every_rule_triggers_at_its_field() {
    let mut covered = BTreeSet::new();
    for c in cases() {
        let docs = apply(&c.ops);
        let (report, text) = review_docs(&docs, c.profile);
        let hits = findings_of(&report, c.rule);
        let shown = shgw_review::to_text(&report, false);
        let f = hits
            .first()
            .unwrap_or_else(|| panic!("{} did not trigger:\n{shown}", c.rule));
        assert_eq!(f.object.kind, c.kind, "{}: {shown}", c.rule);
        assert_eq!(f.path, c.path, "{}: {shown}", c.rule);
        assert_eq!(f.gateway.as_deref(), Some("gw"), "{}", c.rule);
        // The location is the field in the text (or, for a missing field, its parent's key).
        let line = text.lines().nth(f.location.line - 1).unwrap();
        let last = match c.path.strip_suffix("\"]") {
            Some(head) => head.rsplit("[\"").next().unwrap(),
            None => c
                .path
                .rsplit(['.', '['])
                .next()
                .unwrap()
                .trim_end_matches(']'),
        };
        let key = if last.parse::<usize>().is_ok() {
            "-"
        } else {
            last
        };
        assert!(
            line[f.location.column - 1..].starts_with(key) || line.trim_start().starts_with("- "),
            "{}: {}:{} is {line:?}, expected {key}",
            c.rule,
            f.location.line,
            f.location.column
        );
        assert!(
            !shown.contains(SIGNATURE) && !shgw_review::to_json(&report).contains(SIGNATURE),
            "{} repeats a secret",
            c.rule
        );
        covered.insert(c.rule);
    }
    let all: BTreeSet<&str> = shgw_review::RULES.iter().map(|r| r.id).collect();
    let missing: Vec<_> = all.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "rules without a triggering case: {missing:?}"
    );
}

/// Edits that look close to a breach but are fine: the rule must stay quiet.
#[test]
fn near_misses_do_not_trigger() {
    use Op::*;
    let dep = "Deployment";
    let c = |p: &str| -> &'static str { Box::leak(format!("{C}{p}").into_boxed_str()) };
    let quiet: Vec<(&str, Vec<Op>)> = vec![
        ("SHGW003", vec![]),
        (
            "SHGW005",
            vec![
                Remove("PodDisruptionBudget", "/spec/maxUnavailable"),
                Set("PodDisruptionBudget", "/spec/minAvailable", json!(2)),
            ],
        ),
        ("SHGW007", vec![Remove(dep, "/spec/template/spec/affinity")]),
        (
            "SHGW075",
            vec![Set(
                "PersistentVolumeClaim",
                "/spec/storageClassName",
                json!(""),
            )],
        ),
        (
            "SHGW075",
            vec![
                Remove("PersistentVolumeClaim", "/spec/storageClassName"),
                Set(
                    "PersistentVolumeClaim",
                    "/spec/accessModes",
                    json!(["ReadWriteOnce"]),
                ),
            ],
        ),
        (
            "SHGW010",
            vec![Set(
                dep,
                c("/image"),
                json!("mcr.microsoft.com/azure-api-management/gateway:v2@sha256:3f1c"),
            )],
        ),
        (
            "SHGW012",
            vec![
                Set(
                    "ConfigMap",
                    "/data/config.service.auth",
                    json!("workloadIdentity"),
                ),
                Set("ConfigMap", "/data/gateway.name", json!("gw")),
                Remove(dep, c("/env/0")),
            ],
        ),
        (
            "SHGW013",
            vec![Set(
                dep,
                c("/image"),
                json!("mcr.microsoft.com/azure-api-management/gateway:2.11.2"),
            )],
        ),
        (
            "SHGW033",
            vec![
                Set(
                    dep,
                    c("/readinessProbe/httpGet/path"),
                    json!("/internal-status-0123456789abcdef"),
                ),
                Set(dep, c("/readinessProbe/httpGet/port"), json!(8080)),
            ],
        ),
        (
            "SHGW033",
            vec![
                Remove(dep, c("/livenessProbe/httpGet")),
                Set(dep, c("/livenessProbe/tcpSocket"), json!({"port": "https"})),
            ],
        ),
        (
            "SHGW034",
            vec![Set(dep, c("/startupProbe/failureThreshold"), json!(12))],
        ),
        (
            "SHGW045",
            vec![
                Set(dep, "/spec/replicas", json!(1)),
                Remove(dep, c("/ports/3")),
                Remove(dep, c("/ports/2")),
            ],
        ),
        (
            "SHGW047",
            vec![Set(
                "ConfigMap",
                "/data/neighborhood.host",
                json!("gw-instance-discovery.apim.svc.cluster.local"),
            )],
        ),
        (
            "SHGW051",
            vec![
                Remove(dep, c("/securityContext/runAsNonRoot")),
                Remove(dep, "/spec/template/spec/securityContext/runAsNonRoot"),
            ],
        ),
        (
            "SHGW056",
            vec![Set(
                "ConfigMap",
                "/data/certificates.local.ca.enabled",
                json!("true"),
            )],
        ),
        (
            "SHGW060",
            vec![
                Set(
                    "ConfigMap",
                    "/data/config.service.auth",
                    json!("azureAdApp"),
                ),
                Set("ConfigMap", "/data/gateway.name", json!("gw")),
                Remove(dep, c("/env/0")),
            ],
        ),
        (
            "SHGW062",
            vec![
                Drop("Secret"),
                Add(token_secret(
                    "GatewayKey gw&202612200000&U2VjcmV0U2lnbmF0dXJl",
                )),
            ],
        ),
        (
            "SHGW061",
            vec![Drop("Secret"), Add(token_secret("paste token here"))],
        ),
        (
            "SHGW073",
            vec![Set(
                "ConfigMap",
                "/data/config.service.endpoint",
                json!("https://gw.example.com:8443"),
            )],
        ),
        (
            "SHGW074",
            vec![
                Set(dep, "/spec/template/spec/dnsPolicy", json!("Default")),
                Set(dep, "/spec/replicas", json!(1)),
                Remove("ConfigMap", "/data/neighborhood.host"),
            ],
        ),
        (
            "SHGW090",
            vec![Set(
                dep,
                "/metadata/annotations/shgw.dev~1ignore",
                json!("SHGW001=accepted until 2026-12-01"),
            )],
        ),
    ];
    for (rule, ops) in quiet {
        let (report, _) = review_docs(&apply(&ops), "production");
        assert!(
            findings_of(&report, rule).is_empty(),
            "{rule} should stay quiet:\n{}",
            shgw_review::to_text(&report, false)
        );
    }
    // A Service not named after the gateway but aimed at its ports is judged too.
    let stray = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "edge-lb", "namespace": "apim"},
        "spec": {"type": "ClusterIP", "selector": {"app": "gateway"}, "ports": [{"port": 80, "targetPort": 8080}]}});
    let (report, _) = review_docs(&apply(&[Add(stray)]), "production");
    assert_eq!(
        findings_of(&report, "SHGW041").len(),
        1,
        "{}",
        shgw_review::to_text(&report, false)
    );
    let other = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "redis", "namespace": "apim"},
        "spec": {"selector": {"app": "redis"}, "ports": [{"port": 6379}]}});
    let (report, _) = review_docs(&apply(&[Add(other)]), "production");
    assert!(
        findings_of(&report, "SHGW041").is_empty(),
        "a Service of something else is not ours"
    );
    // Severities follow the profile: dev does not ask for three replicas nor a budget.
    let (report, _) = review_docs(
        &apply(&[
            Set(dep, "/spec/replicas", json!(1)),
            Drop("PodDisruptionBudget"),
        ]),
        "dev",
    );
    assert!(
        findings_of(&report, "SHGW001").is_empty() && findings_of(&report, "SHGW004").is_empty()
    );
}

#[test]
fn suppressions_on_the_object_or_the_pod_template_cover_findings_and_stay_reported() {
    use Op::*;
    for pointer in [
        "/metadata/annotations/shgw.dev~1ignore",
        "/spec/template/metadata/annotations/shgw.dev~1ignore",
    ] {
        let docs = apply(&[
            Set("Deployment", "/spec/replicas", json!(1)),
            Set(
                "Deployment",
                pointer,
                json!("SHGW001=a canary, one pod is enough until 2027-03-31"),
            ),
        ]);
        let (report, _) = review_docs(&docs, "production");
        let f = findings_of(&report, "SHGW001");
        assert_eq!(f.len(), 1, "{pointer}");
        let s = f[0].suppression.as_ref().unwrap();
        assert_eq!(s.justification, "a canary, one pod is enough");
        assert_eq!(s.until.as_deref(), Some("2027-03-31"));
        assert_eq!(report.counts().suppressed, 1);
        assert_eq!(
            report.counts().error,
            0,
            "{}",
            shgw_review::to_text(&report, false)
        );
        assert!(shgw_review::to_text(&report, false).contains("1 suppressed"));
    }
    // Expired: the finding is active again, and the expiry is reported.
    let docs = apply(&[
        Set("Deployment", "/spec/replicas", json!(1)),
        Set(
            "Deployment",
            "/metadata/annotations/shgw.dev~1ignore",
            json!("SHGW001=canary until 2026-11-30"),
        ),
    ]);
    let (report, _) = review_docs(&docs, "production");
    assert!(findings_of(&report, "SHGW001")[0].suppression.is_none());
    assert_eq!(findings_of(&report, "SHGW091").len(), 1);
}
