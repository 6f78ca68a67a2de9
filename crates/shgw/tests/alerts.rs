//! `spec.telemetry.alerts`: the PrometheusRule judged by a real Prometheus. Each render's rule
//! groups go through `promtool check rules`, then through `promtool test rules` with unit tests
//! generated here for every alert: a series history that fires and a near miss that does not
//! (renewal stale a minute over and a minute under its threshold, replicas degraded for 11
//! minutes and for 9, ...). Thresholds are written here by hand from the rule, not
//! read back from shgw. Without promtool the judged tests print SKIPPED; under
//! SHGW_REQUIRE_TOOLS=1 they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const NS: &str = "apim";
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

fn gateway(name: &str, spec_extra: &str) -> String {
    format!(
        "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {{name: {name}, namespace: {NS}}}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  image: {{tag: \"2.12.1\"}}\n  backup: {{storageClassName: azurefile-csi}}\n{spec_extra}"
    )
}

fn renewal(schedule: &str, renew_before: Option<&str>) -> String {
    let before = renew_before.map_or(String::new(), |b| format!("        renewBefore: {b}\n"));
    format!(
        "  auth:\n    token:\n      renewal:\n        subscriptionId: 0b6f1d2c-3a4e-4f5a-8b7c-9d0e1f2a3b4c\n        resourceGroup: rg\n        serviceName: contoso\n        clientId: 5c4d3e2f-1a0b-4c9d-8e7f-6a5b4c3d2e1f\n        schedule: \"{schedule}\"\n{before}        image: {{repository: registry.example/shgw, tag: 0.1.0}}\n"
    )
}

fn render(text: &str, profile: &str) -> Result<shgw::Manifests, shgw::Error> {
    let gws = shgw::parse_gateways("gw.yaml", text)?;
    shgw::resolve(&gws[0], &shgw::Profile::embedded(profile)?).and_then(|r| shgw::render(&r))
}

fn rule_object(m: &shgw::Manifests) -> Option<Value> {
    m.objects
        .iter()
        .find(|o| o.kind() == "PrometheusRule")
        .map(shgw::Object::to_value)
}

fn alert_names(rule: &Value) -> BTreeSet<String> {
    rule["spec"]["groups"][0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["alert"].as_str().unwrap().to_owned())
        .collect()
}

/// One gateway under test: its name, what makes it, and the renewal threshold the issue's
/// rule gives (min(2 × longest gap, renewBefore − 1d)), when renewal is on.
struct Case {
    name: &'static str,
    extra: String,
    stale_after: Option<i64>,
    pod_monitor: bool,
}

fn cases() -> Vec<Case> {
    let alerts = "  telemetry:\n    alerts: {enabled: true}\n";
    let with_monitor = "  telemetry:\n    metrics:\n      prometheus: {enabled: true, podMonitor: true}\n    alerts: {enabled: true}\n";
    vec![
        Case {
            // Daily: twice the gap (2d) is below renewBefore − 1d (9d).
            name: "daily",
            extra: format!("{}{with_monitor}", renewal("20 4 * * *", None)),
            stale_after: Some(2 * DAY),
            pod_monitor: true,
        },
        Case {
            // Weekly: twice the gap (14d) is above renewBefore − 1d (9d).
            name: "weekly",
            extra: format!("{}{alerts}", renewal("0 3 * * 1", None)),
            stale_after: Some(9 * DAY),
            pod_monitor: false,
        },
        Case {
            // Every six hours with a short renewBefore: 12h against 2d.
            name: "six-hourly",
            extra: format!("{}{alerts}", renewal("0 */6 * * *", Some("3d"))),
            stale_after: Some(12 * HOUR),
            pod_monitor: false,
        },
        Case {
            // Weekdays only: the longest gap is Friday to Monday (72h); renewBefore 5d less a
            // day (4d) is below twice the gap.
            name: "weekdays",
            extra: format!("{}{alerts}", renewal("30 2 * * mon-fri", Some("5d"))),
            stale_after: Some(4 * DAY),
            pod_monitor: false,
        },
        Case {
            name: "token-only",
            extra: alerts.to_owned(),
            stale_after: None,
            pod_monitor: false,
        },
        Case {
            name: "workload-identity",
            extra: format!(
                "  auth:\n    workloadIdentity: {{clientId: 5c4d3e2f-1a0b-4c9d-8e7f-6a5b4c3d2e1f}}\n{alerts}"
            ),
            stale_after: None,
            pod_monitor: false,
        },
    ]
}

/// Prometheus's `humanizeDuration` for whole seconds of at least a minute.
fn humanize_duration(secs: i64) -> String {
    let (d, h, m, s) = (secs / DAY, secs % DAY / HOUR, secs % HOUR / 60, secs % 60);
    if d > 0 {
        format!("{d}d {h}h {m}m {s}s")
    } else if h > 0 {
        format!("{h}h {m}m {s}s")
    } else {
        format!("{m}m {s}s")
    }
}

/// A series history: constant `value` every minute from 0 to `minutes`.
fn constant(series: &str, value: i64, minutes: i64) -> Value {
    json!({"series": series, "values": format!("{value}x{minutes}")})
}

fn ksm(metric: &str, labels: &str) -> String {
    // Real kube-state-metrics series carry the scrape's own labels too.
    format!("{metric}{{{labels},job=\"kube-state-metrics\",instance=\"10.0.0.7:8080\"}}")
}

/// An expectation: at this many seconds, this alert fires with these labels and this value,
/// or (none) does not fire.
type Check<'a> = (i64, &'a str, Option<(Value, String)>);

/// The generated unit tests of one render, grouped as promtool `tests` entries.
struct Tests {
    rule: Value,
    tests: Vec<Value>,
    /// Alert names with a firing expectation, and with a silent one.
    fired: BTreeSet<String>,
    silent: BTreeSet<String>,
}

impl Tests {
    fn annotations(&self, alert: &str, value: &str, job_name: Option<&str>) -> Value {
        let rules = self.rule["spec"]["groups"][0]["rules"].as_array().unwrap();
        let r = rules.iter().find(|r| r["alert"] == alert).unwrap();
        let mut out = serde_json::Map::new();
        for (k, v) in r["annotations"].as_object().unwrap() {
            let mut text = v.as_str().unwrap().to_owned();
            if let Ok(secs) = value.parse::<i64>() {
                text = text.replace("{{ $value | humanizeDuration }}", &humanize_duration(secs));
            }
            text = text.replace("{{ $value }}", value);
            if let Some(j) = job_name {
                text = text.replace("{{ $labels.job_name }}", j);
            }
            assert!(
                !text.contains("{{"),
                "{alert}: unexpanded template in {text}"
            );
            out.insert(k.clone(), Value::String(text));
        }
        Value::Object(out)
    }

    /// A promtool test: `series` over time, then `checks` of (eval minute, alert, expected
    /// labels and value, or none).
    fn add(&mut self, series: Vec<Value>, checks: &[Check]) {
        let mut alert_tests = Vec::new();
        for (at_secs, alert, expected) in checks {
            let exp_alerts = match expected {
                None => {
                    self.silent.insert((*alert).to_owned());
                    json!([])
                }
                Some((labels, value)) => {
                    self.fired.insert((*alert).to_owned());
                    let job = labels["job_name"].as_str();
                    json!([{"exp_labels": labels, "exp_annotations": self.annotations(alert, value, job)}])
                }
            };
            alert_tests.push(json!({
                "eval_time": format!("{at_secs}s"),
                "alertname": alert,
                "exp_alerts": exp_alerts,
            }));
        }
        self.tests.push(json!({
            "interval": "1m",
            "input_series": series,
            "alert_rule_test": alert_tests,
        }));
    }
}

fn labels(pairs: &[(&str, &str)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
            .collect(),
    )
}

/// Unit tests for every alert `rule` holds, for gateway `name`.
fn unit_tests(name: &str, rule: &Value, case: &Case) -> Tests {
    let mut t = Tests {
        rule: rule.clone(),
        tests: Vec::new(),
        fired: BTreeSet::new(),
        silent: BTreeSet::new(),
    };
    let deploy = format!("namespace=\"{NS}\",deployment=\"{name}\"");
    let other_ns = format!("namespace=\"elsewhere\",deployment=\"{name}\"");
    let spec = "kube_deployment_spec_replicas";
    let avail = "kube_deployment_status_replicas_available";

    // Replicas: 3 desired; from minute 5 only 2 available (here, and in another namespace,
    // which must not alert). Silent after 9 minutes of it, firing after 11.
    let degraded = json!({"series": ksm(avail, &deploy), "values": "3x4 2x30"});
    t.add(
        vec![
            constant(&ksm(spec, &deploy), 3, 35),
            degraded.clone(),
            constant(&ksm(spec, &other_ns), 3, 35),
            json!({"series": ksm(avail, &other_ns), "values": "3x4 2x30"}),
        ],
        &[
            (14 * 60, "ShgwGatewayReplicasUnavailable", None),
            (
                16 * 60,
                "ShgwGatewayReplicasUnavailable",
                Some((
                    labels(&[
                        ("severity", "warning"),
                        ("namespace", NS),
                        ("deployment", name),
                    ]),
                    "2".into(),
                )),
            ),
            // Two of three available is not down.
            (30 * 60, "ShgwGatewayDown", None),
        ],
    );
    // Healthy: everything available, nothing fires.
    t.add(
        vec![
            constant(&ksm(spec, &deploy), 3, 35),
            constant(&ksm(avail, &deploy), 3, 35),
        ],
        &[
            (30 * 60, "ShgwGatewayReplicasUnavailable", None),
            (30 * 60, "ShgwGatewayDown", None),
        ],
    );
    // Down: none available from minute 5; silent after 4 minutes, firing after 6.
    t.add(
        vec![
            constant(&ksm(spec, &deploy), 3, 35),
            json!({"series": ksm(avail, &deploy), "values": "3x4 0x30"}),
        ],
        &[
            (9 * 60, "ShgwGatewayDown", None),
            (
                11 * 60,
                "ShgwGatewayDown",
                Some((
                    labels(&[
                        ("severity", "critical"),
                        ("namespace", NS),
                        ("deployment", name),
                    ]),
                    "0".into(),
                )),
            ),
        ],
    );
    // Scaled to zero on purpose: nothing desired, nothing down.
    t.add(
        vec![
            constant(&ksm(spec, &deploy), 0, 35),
            constant(&ksm(avail, &deploy), 0, 35),
        ],
        &[(30 * 60, "ShgwGatewayDown", None)],
    );

    if let Some(stale) = case.stale_after {
        let cj = format!("{name}-token-renewer");
        let scope = format!("namespace=\"{NS}\",cronjob=\"{cj}\"");
        let last = "kube_cronjob_status_last_successful_time";
        let created = "kube_cronjob_created";
        let fired = |secs: i64| {
            Some((
                labels(&[
                    ("severity", "critical"),
                    ("namespace", NS),
                    ("cronjob", &cj),
                ]),
                secs.to_string(),
            ))
        };
        // Last success at 10 minutes; a minute short of the threshold later it is silent, a
        // minute over it fires (the value is the age of the last success).
        let success = 600;
        let minutes = (success + stale + 120) / 60;
        t.add(
            vec![
                constant(&ksm(created, &scope), 0, minutes),
                constant(&ksm(last, &scope), success, minutes),
                // Another gateway's renewer, stale for ever: not this rule's business.
                constant(
                    &ksm(last, "namespace=\"elsewhere\",cronjob=\"x-token-renewer\""),
                    0,
                    minutes,
                ),
            ],
            &[
                (success + stale - 60, "ShgwTokenRenewalStale", None),
                (
                    success + stale + 60,
                    "ShgwTokenRenewalStale",
                    fired(stale + 60),
                ),
            ],
        );
        // Never succeeded: the age counts from the CronJob's creation.
        let minutes = (stale + 120) / 60;
        t.add(
            vec![constant(&ksm(created, &scope), 0, minutes)],
            &[
                (stale - 60, "ShgwTokenRenewalStale", None),
                (stale + 60, "ShgwTokenRenewalStale", fired(stale + 60)),
            ],
        );
        // Created long ago, renewed recently: silent.
        t.add(
            vec![
                constant(&ksm(created, &scope), 0, minutes),
                constant(&ksm(last, &scope), stale - 600, minutes),
            ],
            &[(stale + 60, "ShgwTokenRenewalStale", None)],
        );

        // Failed runs. The newest run failed (pods failed, none succeeded): silent for 14
        // minutes while it might still be retrying, firing at 16.
        let job = |n: &str| format!("namespace=\"{NS}\",job_name=\"{cj}-{n}\"");
        let failed_labels = labels(&[
            ("severity", "warning"),
            ("namespace", NS),
            ("job_name", &format!("{cj}-29000000")),
            ("cronjob", &cj),
        ]);
        t.add(
            vec![
                constant(&ksm("kube_job_status_failed", &job("29000000")), 1, 40),
                constant(&ksm("kube_job_status_succeeded", &job("29000000")), 0, 40),
                constant(&ksm("kube_job_status_start_time", &job("29000000")), 60, 40),
                // An older run that succeeded changes nothing.
                constant(&ksm("kube_job_status_failed", &job("28998560")), 0, 40),
                constant(&ksm("kube_job_status_succeeded", &job("28998560")), 1, 40),
                constant(&ksm("kube_job_status_start_time", &job("28998560")), 0, 40),
            ],
            &[
                (14 * 60, "ShgwTokenRenewalFailed", None),
                (
                    16 * 60,
                    "ShgwTokenRenewalFailed",
                    Some((failed_labels, "1".into())),
                ),
            ],
        );
        // An old failed run kept in the job history, followed by a newer successful one:
        // silent. So is a run that failed once and then succeeded on a retry.
        t.add(
            vec![
                constant(&ksm("kube_job_status_failed", &job("28998560")), 4, 40),
                constant(&ksm("kube_job_status_succeeded", &job("28998560")), 0, 40),
                constant(&ksm("kube_job_status_start_time", &job("28998560")), 0, 40),
                constant(&ksm("kube_job_status_failed", &job("29000000")), 1, 40),
                constant(&ksm("kube_job_status_succeeded", &job("29000000")), 1, 40),
                constant(&ksm("kube_job_status_start_time", &job("29000000")), 60, 40),
            ],
            &[(30 * 60, "ShgwTokenRenewalFailed", None)],
        );
    }

    if case.pod_monitor {
        let up = format!("up{{namespace=\"{NS}\",job=\"{NS}/{name}\",pod=\"{name}-7d9f-abcde\"}}");
        let scrape_labels = labels(&[
            ("severity", "warning"),
            ("namespace", NS),
            ("job", &format!("{NS}/{name}")),
        ]);
        // Never scraped (the PodMonitor is not selected): silent at 14 minutes, firing at 16.
        t.add(
            vec![constant(&ksm(spec, &deploy), 3, 20)],
            &[
                (14 * 60, "ShgwGatewayMetricsNotScraped", None),
                (
                    16 * 60,
                    "ShgwGatewayMetricsNotScraped",
                    Some((scrape_labels.clone(), "1".into())),
                ),
            ],
        );
        // A target down.
        t.add(
            vec![constant(&up, 0, 20)],
            &[(
                16 * 60,
                "ShgwGatewayMetricsNotScraped",
                Some((scrape_labels, "0".into())),
            )],
        );
        // Scraped: silent.
        t.add(
            vec![constant(&up, 1, 20)],
            &[(16 * 60, "ShgwGatewayMetricsNotScraped", None)],
        );
    }
    t
}

fn promtool(args: &[&str], dir: &Path) -> (bool, String) {
    let bin = common::tool("promtool").expect("checked by the caller");
    let out = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Writes the rule groups and the generated tests of `case` into `dir`.
fn write_case(dir: &Path, case: &Case, rule: &Value) -> Tests {
    std::fs::create_dir_all(dir).unwrap();
    // The rule groups printed by the same YAML writer as `shgw render` (block scalars and
    // all); the tests file is JSON, which is YAML too.
    std::fs::write(dir.join("rules.yaml"), shgw_yaml::to_string(&rule["spec"])).unwrap();
    let t = unit_tests(case.name, rule, case);
    let file = json!({
        "rule_files": ["rules.yaml"],
        "evaluation_interval": "1m",
        "tests": t.tests,
    });
    std::fs::write(dir.join("tests.yaml"), file.to_string()).unwrap();
    t
}

#[test]
fn every_alert_fires_and_stays_silent_as_promtool_judges() {
    let Some(bin) = common::tool("promtool") else {
        return;
    };
    let root = common::scratch("alerts");
    let mut runs = Vec::new();
    for case in cases() {
        let m = render(&gateway(case.name, &case.extra), "production")
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let rule = rule_object(&m).unwrap();
        let dir = root.join(case.name);
        let t = write_case(&dir, &case, &rule);
        let (ok, out) = promtool(&["check", "rules", "rules.yaml"], &dir);
        assert!(ok, "{}: promtool check rules:\n{out}", case.name);
        let names = alert_names(&rule);
        assert_eq!(
            t.fired, names,
            "{}: every alert needs a firing test",
            case.name
        );
        assert_eq!(
            t.silent, names,
            "{}: every alert needs a silent test",
            case.name
        );
        // The long histories (days of one-minute samples) take a while: run them side by side.
        let child = Command::new(&bin)
            .args(["test", "rules", "tests.yaml"])
            .current_dir(&dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        runs.push((case.name, child));
    }
    for (name, child) in runs {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{name}: promtool test rules:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_generated_tests_catch_a_wrong_threshold() {
    // The judge must be able to fail: a renewal threshold one hour too long fails the near
    // miss that fires a minute after the right one.
    let Some(_) = common::tool("promtool") else {
        return;
    };
    let case = cases().into_iter().next().unwrap();
    let m = render(&gateway(case.name, &case.extra), "production").unwrap();
    let mut rule = rule_object(&m).unwrap();
    let dir = common::scratch("alerts-mutant");
    write_case(&dir, &case, &rule);
    let expr = &mut rule["spec"]["groups"][0]["rules"][0]["expr"];
    let right = format!("> {}", 2 * DAY);
    assert!(expr.as_str().unwrap().contains(&right), "{expr}");
    *expr = Value::String(
        expr.as_str()
            .unwrap()
            .replace(&right, &format!("> {}", 2 * DAY + HOUR)),
    );
    std::fs::write(dir.join("rules.yaml"), shgw_yaml::to_string(&rule["spec"])).unwrap();
    let (ok, out) = promtool(&["test", "rules", "tests.yaml"], &dir);
    assert!(!ok, "a wrong threshold passed:\n{out}");
    assert!(out.contains("ShgwTokenRenewalStale"), "{out}");
}

#[test]
fn which_alerts_each_gateway_gets() {
    for case in cases() {
        let m = render(&gateway(case.name, &case.extra), "production").unwrap();
        let names = alert_names(&rule_object(&m).unwrap());
        let mut want: BTreeSet<String> = ["ShgwGatewayReplicasUnavailable", "ShgwGatewayDown"]
            .map(String::from)
            .into();
        if case.stale_after.is_some() {
            want.extend(["ShgwTokenRenewalStale", "ShgwTokenRenewalFailed"].map(String::from));
        }
        if case.pod_monitor {
            want.insert("ShgwGatewayMetricsNotScraped".into());
        }
        assert_eq!(names, want, "{}", case.name);
        // A token nothing renews cannot be watched from PromQL: the render says so.
        let warned = m
            .warnings
            .iter()
            .any(|w| w.path == "spec.telemetry.alerts.enabled" && w.message.contains("expiry"));
        assert_eq!(warned, case.name == "token-only", "{}", case.name);
    }
}

#[test]
fn labels_severity_and_runbooks() {
    let case = cases().into_iter().next().unwrap();
    let m = render(&gateway(case.name, &case.extra), "production").unwrap();
    let rule = rule_object(&m).unwrap();
    assert_eq!(rule["apiVersion"], "monitoring.coreos.com/v1");
    assert_eq!(rule["metadata"]["namespace"], NS);
    for r in rule["spec"]["groups"][0]["rules"].as_array().unwrap() {
        let name = r["alert"].as_str().unwrap();
        let a = &r["annotations"];
        assert!(!a["summary"].as_str().unwrap().is_empty(), "{name}");
        assert!(!a["description"].as_str().unwrap().is_empty(), "{name}");
        assert_eq!(
            a["runbook_url"],
            format!("https://example.invalid/shgw#{}", name.to_lowercase()),
        );
        let severity = r["labels"]["severity"].as_str().unwrap();
        let critical = ["ShgwTokenRenewalStale", "ShgwGatewayDown"].contains(&name);
        assert_eq!(severity, if critical { "critical" } else { "warning" });
    }
    let stale = &rule["spec"]["groups"][0]["rules"][0];
    assert_eq!(stale["alert"], "ShgwTokenRenewalStale");
    assert!(stale.get("for").is_none());

    // Another runbook base: a trailing slash makes the name a path segment.
    for (base, want) in [
        (
            "https://wiki.example/runbooks/",
            "https://wiki.example/runbooks/shgwgatewaydown",
        ),
        (
            "https://wiki.example/shgw",
            "https://wiki.example/shgw#shgwgatewaydown",
        ),
    ] {
        let text = gateway(
            "gw",
            &format!(
                "  telemetry:\n    alerts: {{enabled: true, runbookBaseUrl: \"{base}\", labels: {{release: prom}}}}\n"
            ),
        );
        let rule = rule_object(&render(&text, "production").unwrap()).unwrap();
        let down = rule["spec"]["groups"][0]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["alert"] == "ShgwGatewayDown")
            .unwrap()
            .clone();
        assert_eq!(down["annotations"]["runbook_url"], want);
        assert_eq!(rule["metadata"]["labels"]["release"], "prom");
    }
}

#[test]
fn refusals_name_their_field() {
    let paths = |text: &str, profile: &str| -> Vec<String> {
        render(text, profile)
            .unwrap_err()
            .errors()
            .map(|d| d.path.clone())
            .collect()
    };
    // No namespace: the expressions could not be scoped.
    let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {storageClassName: azurefile-csi}\n  telemetry: {alerts: {enabled: true}}\n";
    // A profile with no defaults and every rule off: only the spec's own checks are left.
    let rules: Vec<String> = shgw::review::RULES
        .iter()
        .map(|r| format!("{}: off", r.id))
        .collect();
    let bare = shgw::Profile::from_yaml(
        "bare.yaml",
        &format!(
            "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {{name: bare}}\nrules: {{{}}}\n",
            rules.join(", ")
        ),
    )
    .unwrap();
    let gws = shgw::parse_gateways("gw.yaml", text).unwrap();
    let e = shgw::resolve(&gws[0], &bare)
        .and_then(|r| shgw::render(&r))
        .unwrap_err();
    let found: Vec<&str> = e.errors().map(|d| d.path.as_str()).collect();
    assert_eq!(found, ["spec.telemetry.alerts.enabled"]);
    // A runbook base with a fragment, a bad label.
    let text = gateway(
        "gw",
        "  telemetry:\n    alerts: {enabled: true, runbookBaseUrl: \"https://x.example/a#b\", labels: {\"bad key!\": v, app.kubernetes.io/instance: x}}\n",
    );
    assert_eq!(
        paths(&text, "production"),
        [
            "spec.telemetry.alerts.labels.bad key!",
            "spec.telemetry.alerts.labels.app.kubernetes.io/instance",
            "spec.telemetry.alerts.runbookBaseUrl"
        ]
    );
    // Weekly runs with renewBefore 8d: the alert would page at 7d, before a healthy run a
    // week (and a run) later.
    let text = gateway(
        "gw",
        &format!(
            "{}  telemetry:\n    alerts: {{enabled: true}}\n",
            renewal("0 3 * * 1", Some("8d"))
        ),
    );
    let e = render(&text, "production").unwrap_err();
    let d = e.errors().next().unwrap();
    assert_eq!(d.path, "spec.auth.token.renewal.renewBefore");
    assert!(d.message.contains("ShgwTokenRenewalStale"), "{}", d.message);
    // The same renewal without alerts is fine.
    assert!(
        render(
            &gateway("gw", &renewal("0 3 * * 1", Some("8d"))),
            "production"
        )
        .is_ok()
    );
}

#[test]
fn no_rule_unless_enabled() {
    for extra in ["", "  telemetry:\n    alerts: {enabled: false}\n"] {
        let m = render(&gateway("gw", extra), "production").unwrap();
        assert!(rule_object(&m).is_none());
    }
}
