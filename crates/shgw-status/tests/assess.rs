//! The pure part of `shgw status`: which objects a Gateway or a stream names, and how what the
//! cluster holds is judged, each check with its near misses on both sides.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use shgw_status::*;

const NS: &str = "apim-gateway";

/// A Gateway with a renewer and a backup claim.
const RENEWAL: &str = "apiVersion: shgw.dev/v1alpha1
kind: Gateway
metadata: {name: contoso-west, namespace: apim-gateway}
spec:
  endpoint: contoso.configuration.azure-api.net
  backup: {storageClassName: azurefile-csi}
  auth:
    token:
      renewal:
        subscriptionId: 3f2a6c1e-8b4d-4e7a-9c21-5d6e7f8a9b0c
        resourceGroup: rg
        serviceName: contoso-apim
        clientId: 11111111-2222-3333-4444-555555555555
        schedule: \"0 3 * * *\"
        image: {repository: registry.example/platform/shgw, tag: 0.1.0}
";

/// A Gateway with a token Secret the user creates (not rendered) and no renewer.
const PLAIN_TOKEN: &str = "apiVersion: shgw.dev/v1alpha1
kind: Gateway
metadata: {name: contoso-east, namespace: apim-east}
spec:
  endpoint: contoso.configuration.azure-api.net
  backup: {storageClassName: azurefile-csi}
";

fn now() -> Timestamp {
    "2026-12-07T12:00:00Z".parse().unwrap()
}

fn production() -> shgw::Profile {
    shgw::Profile::embedded("production").unwrap()
}

fn plan(text: &str) -> Plan {
    plan_from_text("gateway.yaml", text, &production()).unwrap()
}

fn rfc(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn ago(d: SignedDuration) -> String {
    rfc(now() - d)
}

fn hours(h: i64) -> SignedDuration {
    SignedDuration::from_hours(h)
}

/// Every object of `plan` as the cluster would hold it when all is well: the rendered object
/// (or a bare one for referenced objects) with a healthy status.
fn healthy(plan: &Plan) -> Observation {
    let mut seen = Observation::default();
    for w in plan.objects() {
        let mut v = json!({
            "apiVersion": w.api_version, "kind": w.kind,
            "metadata": {"name": w.name, "namespace": w.namespace, "generation": 1,
                         "creationTimestamp": ago(hours(24 * 30))},
        });
        match w.kind.as_str() {
            "Deployment" => {
                v["spec"] = json!({"replicas": 3});
                v["status"] = json!({"observedGeneration": 1, "replicas": 3, "updatedReplicas": 3,
                                     "readyReplicas": 3, "availableReplicas": 3});
            }
            "Service" if w.name.ends_with("live-traffic") => {
                v["spec"] = json!({"type": "LoadBalancer", "clusterIP": "10.96.0.10"});
                v["status"] = json!({"loadBalancer": {"ingress": [{"ip": "20.50.60.70"}]}});
            }
            "Service" => v["spec"] = json!({"type": "ClusterIP", "clusterIP": "None"}),
            "PersistentVolumeClaim" => {
                v["spec"] = json!({"volumeName": "pv-1"});
                v["status"] = json!({"phase": "Bound", "capacity": {"storage": "50Mi"}});
            }
            "Secret" => {
                v["metadata"]["annotations"] = json!({
                    "shgw.dev/token-expiry": rfc(now() + hours(24 * 20)),
                    "shgw.dev/renewer-last-success": ago(hours(3)),
                });
            }
            "CronJob" => {
                v["spec"] = json!({"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {"spec": {
                    "containers": [{"name": "renewer", "args": ["token", "renew", "--secret", "contoso-west-token"]}]}}}}});
            }
            _ => {}
        }
        seen.objects.insert(w.key(), Observed::Found(v));
    }
    for s in &plan.sections {
        seen.events
            .insert(s.namespace.clone().unwrap(), Events::Listed(Vec::new()));
    }
    seen
}

fn key(plan: &Plan, kind: &str, name: &str) -> Key {
    plan.objects()
        .into_iter()
        .find(|w| w.kind == kind && w.name == name)
        .unwrap_or_else(|| panic!("{kind} {name} not in the plan"))
        .key()
}

fn live<'a>(seen: &'a mut Observation, plan: &Plan, kind: &str, name: &str) -> &'a mut Value {
    match seen.objects.get_mut(&key(plan, kind, name)) {
        Some(Observed::Found(v)) => v,
        other => panic!("{other:?}"),
    }
}

fn judge(plan: &Plan, seen: &Observation) -> Report {
    assess(plan, seen, now(), &Settings::default())
}

fn object<'a>(r: &'a Report, kind: &str, name: &str) -> &'a ObjectReport {
    r.gateways
        .iter()
        .flat_map(|g| &g.objects)
        .find(|o| o.kind == kind && o.name == name)
        .unwrap_or_else(|| panic!("{kind} {name} not reported"))
}

#[test]
fn a_rendered_gateway_names_its_objects_and_the_token_secret() {
    let p = plan(RENEWAL);
    assert_eq!(p.sections.len(), 1);
    let s = &p.sections[0];
    assert_eq!(
        (s.kind.as_str(), s.namespace.as_deref(), s.name.as_str()),
        ("Gateway", Some(NS), "contoso-west")
    );
    let names: Vec<String> = s
        .objects
        .iter()
        .map(|w| format!("{} {}", w.kind, w.name))
        .collect();
    assert_eq!(
        names,
        [
            "ServiceAccount contoso-west-token-renewer",
            "Role contoso-west-token-renewer",
            "RoleBinding contoso-west-token-renewer",
            "ConfigMap contoso-west-env",
            "Secret contoso-west-token",
            "Service contoso-west-instance-discovery",
            "Service contoso-west-live-traffic",
            "PersistentVolumeClaim contoso-west-config-backup",
            "Deployment contoso-west",
            "CronJob contoso-west-token-renewer",
            "PodDisruptionBudget contoso-west",
            "NetworkPolicy contoso-west",
            "NetworkPolicy contoso-west-token-renewer",
        ]
    );
    let token: Vec<&Wanted> = s.objects.iter().filter(|w| w.token).collect();
    assert_eq!(token.len(), 1);
    assert_eq!(token[0].origin, Origin::Manifest);

    // Without a renewer (and no token given) the Secret is not rendered, but still read.
    let p = plan(PLAIN_TOKEN);
    let secret = p.sections[0]
        .objects
        .iter()
        .find(|w| w.kind == "Secret")
        .unwrap();
    assert_eq!(secret.name, "contoso-east-token");
    assert!(secret.token);
    assert_eq!(
        secret.origin,
        Origin::Referenced("Deployment contoso-east".into())
    );
    assert_eq!(secret.namespace.as_deref(), Some("apim-east"));
}

#[test]
fn a_manifest_stream_is_grouped_by_gateway() {
    // Two gateways rendered to plain YAML (as `shgw build` of an overlay prints them), the
    // second renamed by hand as a namePrefix would, its instance label left alone.
    let profile = production();
    let mut yaml = String::new();
    for text in [RENEWAL, PLAIN_TOKEN] {
        let g = &shgw::parse_gateways("g.yaml", text).unwrap()[0];
        yaml.push_str(
            &shgw::resolve(g, &profile)
                .and_then(|r| shgw::render(&r))
                .unwrap()
                .to_yaml(),
        );
        yaml.push_str("---\n");
    }
    yaml.push_str(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unrelated, namespace: apim-east}\n",
    );
    let p = plan_from_text("<stdin>", &yaml, &profile).unwrap();
    let sections: Vec<(String, String, usize)> = p
        .sections
        .iter()
        .map(|s| (s.kind.clone(), s.name.clone(), s.objects.len()))
        .collect();
    assert_eq!(
        sections,
        [
            ("Deployment".to_owned(), "contoso-west".to_owned(), 13),
            // 7 rendered, the unrelated ConfigMap (same namespace), the token Secret.
            ("Deployment".to_owned(), "contoso-east".to_owned(), 9),
        ]
    );
    assert!(
        p.sections[0]
            .objects
            .iter()
            .all(|w| w.namespace.as_deref() == Some(NS))
    );

    // Gateway documents in a stream are rendered; a List's items are objects.
    let mixed = format!(
        "{RENEWAL}---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {{name: extra}}\n"
    );
    let p = plan_from_text("mixed.yaml", &mixed, &profile).unwrap();
    assert_eq!(p.sections.len(), 2);
    assert_eq!(p.sections[0].kind, "Gateway");
    assert_eq!(p.sections[1].kind, "Objects");
    let mut p2 = p.clone();
    p2.default_namespace("team-a");
    assert_eq!(
        p2.sections[1].objects[0].namespace.as_deref(),
        Some("team-a")
    );
    assert_eq!(p2.sections[0].objects[0].namespace.as_deref(), Some(NS));
}

#[test]
fn bad_input_is_named() {
    let profile = production();
    let e =
        plan_from_text("x.yaml", "kind: ConfigMap\nmetadata: {name: a}\n", &profile).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(
        e.to_string().contains("x.yaml: document 1: no apiVersion"),
        "{e}"
    );
    let e = plan_from_text("x.yaml", "", &profile).unwrap_err();
    assert!(e.to_string().contains("nothing to check"), "{e}");
    let e = plan_from_text("x.yaml", "a: [\n", &profile).unwrap_err();
    assert!(e.to_string().contains("x.yaml"), "{e}");
    let bad = RENEWAL.replace("endpoint:", "endpiont:");
    let e = plan_from_text("gw.yaml", &bad, &profile).unwrap_err();
    assert!(e.to_string().contains("endpiont"), "{e}");
}

#[test]
fn all_well_is_healthy_and_says_why() {
    let p = plan(RENEWAL);
    let r = judge(&p, &healthy(&p));
    assert!(r.healthy, "{}", to_text(&r));
    let text = to_text(&r);
    assert_eq!(text.lines().count(), 14, "{text}");
    assert!(text.starts_with("Gateway apim-gateway/contoso-west: healthy\n"));
    for line in [
        "  ok         Deployment contoso-west: 3/3 available; rollout complete\n",
        "  ok         Service contoso-west-live-traffic: LoadBalancer at 20.50.60.70\n",
        "  ok         Service contoso-west-instance-discovery: headless\n",
        "  ok         PersistentVolumeClaim contoso-west-config-backup: Bound to pv-1 (50Mi)\n",
        "  ok         Secret contoso-west-token: the token expires at 2026-12-27T12:00:00Z (20.0 days left)\n",
        "  ok         CronJob contoso-west-token-renewer: last success 2026-12-07T09:00:00Z (3h ago; runs at most 1d apart)\n",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    let cron = object(&r, "CronJob", "contoso-west-token-renewer");
    let renewer = cron.renewer.as_ref().unwrap();
    assert_eq!(
        renewer.last_success_from.as_deref(),
        Some("secret-annotation")
    );
    assert_eq!(renewer.longest_gap.as_deref(), Some("1d"));
}

#[test]
fn deployment_availability_and_rollout() {
    let p = plan(RENEWAL);
    let cases: Vec<(Value, State, &str)> = vec![
        (
            json!({"status": {"availableReplicas": 2, "readyReplicas": 2}}),
            State::Unhealthy,
            "2/3 available; rollout in progress: 2 of 3 updated replicas available",
        ),
        (
            json!({"metadata": {"generation": 2}}),
            State::Unhealthy,
            "3/3 available; the controller has not yet seen generation 2",
        ),
        (
            json!({"status": {"updatedReplicas": 2}}),
            State::Unhealthy,
            "3/3 available; rollout in progress: 2 of 3 replicas updated",
        ),
        (
            json!({"status": {"replicas": 4}}),
            State::Unhealthy,
            "3/3 available; rollout in progress: 1 old replicas pending termination",
        ),
        (
            json!({"status": {"conditions": [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]}}),
            State::Unhealthy,
            "rollout stalled: it exceeded its progress deadline",
        ),
        (
            json!({"spec": {"replicas": 0}, "status": {"replicas": 0, "updatedReplicas": 0, "readyReplicas": 0, "availableReplicas": 0}}),
            State::Unhealthy,
            "scaled to 0 replicas",
        ),
        (
            json!({"spec": {"paused": true}}),
            State::Warning,
            "3/3 available; rollout paused",
        ),
        // Near miss on the good side: more available than desired (a surge) is fine.
        (
            json!({"status": {"availableReplicas": 4, "readyReplicas": 4, "replicas": 3}}),
            State::Ok,
            "4/3 available; rollout complete",
        ),
    ];
    for (change, state, message) in cases {
        let mut seen = healthy(&p);
        merge(live(&mut seen, &p, "Deployment", "contoso-west"), &change);
        let r = judge(&p, &seen);
        let o = object(&r, "Deployment", "contoso-west");
        assert_eq!(o.state, state, "{change}: {}", o.message);
        assert!(o.message.contains(message), "{change}: {}", o.message);
        assert_eq!(r.healthy, !state.is_problem());
    }
}

fn merge(into: &mut Value, patch: &Value) {
    match (into, patch) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

#[test]
fn service_address_and_claim_phase() {
    let p = plan(RENEWAL);
    let svc = "contoso-west-live-traffic";
    let cases = [
        (
            json!({"status": {"loadBalancer": {"ingress": []}}}),
            State::Unhealthy,
            "external address pending",
        ),
        (
            json!({"status": {"loadBalancer": null}}),
            State::Unhealthy,
            "external address pending",
        ),
        (
            json!({"status": {"loadBalancer": {"ingress": [{"hostname": "gw.example.net"}]}}}),
            State::Ok,
            "LoadBalancer at gw.example.net",
        ),
        (
            json!({"spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]}, "status": {"loadBalancer": null}}),
            State::Ok,
            "NodePort 80:30080",
        ),
    ];
    for (change, state, message) in cases {
        let mut seen = healthy(&p);
        merge(live(&mut seen, &p, "Service", svc), &change);
        let r = judge(&p, &seen);
        let o = object(&r, "Service", svc);
        assert_eq!(o.state, state, "{change}: {}", o.message);
        assert!(o.message.contains(message), "{}", o.message);
        assert_eq!(
            o.service.as_ref().unwrap().pending,
            state == State::Unhealthy
        );
    }
    let claim = "contoso-west-config-backup";
    for (phase, state) in [
        (json!("Pending"), State::Unhealthy),
        (json!("Lost"), State::Unhealthy),
        (Value::Null, State::Unhealthy),
        (json!("Bound"), State::Ok),
    ] {
        let mut seen = healthy(&p);
        live(&mut seen, &p, "PersistentVolumeClaim", claim)["status"]["phase"] = phase.clone();
        let r = judge(&p, &seen);
        assert_eq!(
            object(&r, "PersistentVolumeClaim", claim).state,
            state,
            "{phase}"
        );
    }
}

#[test]
fn token_expiry_from_the_annotation() {
    let p = plan(RENEWAL);
    let secret = "contoso-west-token";
    let min = SignedDuration::from_hours(24 * 7);
    let cases = [
        (
            Some(rfc(now() - SignedDuration::from_mins(1))),
            State::Unhealthy,
            "the token expired at 2026-12-07T11:59:00Z (1m ago)",
        ),
        (
            Some(rfc(now() + min - SignedDuration::from_mins(10))),
            State::Warning,
            "(7.0 days left, fewer than 7)",
        ),
        (
            Some(rfc(now() + min + SignedDuration::from_mins(10))),
            State::Ok,
            "(7.0 days left)",
        ),
        (
            None,
            State::Warning,
            "token expiry unknown: no shgw.dev/token-expiry annotation",
        ),
        (
            Some("next tuesday".to_owned()),
            State::Warning,
            "is not an RFC 3339 time",
        ),
    ];
    for (expiry, state, message) in cases {
        let mut seen = healthy(&p);
        let annotations = &mut live(&mut seen, &p, "Secret", secret)["metadata"]["annotations"];
        match &expiry {
            Some(e) => annotations["shgw.dev/token-expiry"] = json!(e),
            None => {
                annotations
                    .as_object_mut()
                    .unwrap()
                    .remove("shgw.dev/token-expiry");
            }
        }
        let r = judge(&p, &seen);
        let o = object(&r, "Secret", secret);
        assert_eq!(o.state, state, "{expiry:?}: {}", o.message);
        assert!(o.message.contains(message), "{expiry:?}: {}", o.message);
    }
    // The profile's minTokenDays is the threshold.
    let mut seen = healthy(&p);
    live(&mut seen, &p, "Secret", secret)["metadata"]["annotations"]["shgw.dev/token-expiry"] =
        json!(rfc(now() + SignedDuration::from_hours(24 * 10)));
    let strict = Settings {
        min_token_days: 14,
        ..Settings::default()
    };
    let r = assess(&p, &seen, now(), &strict);
    assert_eq!(object(&r, "Secret", secret).state, State::Warning);
    assert!(r.healthy, "a warning is not a problem");
}

#[test]
fn renewer_staleness_is_twice_the_longest_gap() {
    let p = plan(RENEWAL);
    let (cron, secret) = ("contoso-west-token-renewer", "contoso-west-token");
    let stamp = |seen: &mut Observation, v: Option<String>| {
        let a = &mut live(seen, &p, "Secret", secret)["metadata"]["annotations"];
        match v {
            Some(t) => a["shgw.dev/renewer-last-success"] = json!(t),
            None => {
                a.as_object_mut()
                    .unwrap()
                    .remove("shgw.dev/renewer-last-success");
            }
        }
    };
    // The schedule runs daily: stale after 48 hours.
    let mut seen = healthy(&p);
    stamp(
        &mut seen,
        Some(ago(hours(48) - SignedDuration::from_mins(1))),
    );
    assert_eq!(object(&judge(&p, &seen), "CronJob", cron).state, State::Ok);
    stamp(
        &mut seen,
        Some(ago(hours(48) + SignedDuration::from_mins(1))),
    );
    let r = judge(&p, &seen);
    let o = object(&r, "CronJob", cron);
    assert_eq!(o.state, State::Unhealthy);
    assert!(
        o.message
            .contains("(2d ago), more than twice the longest gap"),
        "{}",
        o.message
    );
    // A newer status.lastSuccessfulTime (Kubernetes 1.21+) wins over an older stamp.
    live(&mut seen, &p, "CronJob", cron)["status"] = json!({"lastSuccessfulTime": ago(hours(1))});
    let r = judge(&p, &seen);
    let renewer = object(&r, "CronJob", cron).renewer.clone().unwrap();
    assert_eq!(renewer.last_success_from.as_deref(), Some("cronjob-status"));
    assert_eq!(object(&r, "CronJob", cron).state, State::Ok);
    // A weekly schedule allows a week and more.
    let mut seen = healthy(&p);
    live(&mut seen, &p, "CronJob", cron)["spec"]["schedule"] = json!("0 3 * * 1");
    stamp(&mut seen, Some(ago(hours(24 * 13))));
    assert_eq!(object(&judge(&p, &seen), "CronJob", cron).state, State::Ok);
    stamp(&mut seen, Some(ago(hours(24 * 15))));
    assert_eq!(
        object(&judge(&p, &seen), "CronJob", cron).state,
        State::Unhealthy
    );
    // Never succeeded: fine while young, a problem once older than twice the gap.
    let mut seen = healthy(&p);
    stamp(&mut seen, None);
    live(&mut seen, &p, "CronJob", cron)["metadata"]["creationTimestamp"] = json!(ago(hours(47)));
    let o = object(&judge(&p, &seen), "CronJob", cron).clone();
    assert_eq!(o.state, State::Warning, "{}", o.message);
    assert!(
        o.message
            .contains("no successful run yet (created 1d23h ago"),
        "{}",
        o.message
    );
    live(&mut seen, &p, "CronJob", cron)["metadata"]["creationTimestamp"] = json!(ago(hours(49)));
    assert_eq!(
        object(&judge(&p, &seen), "CronJob", cron).state,
        State::Unhealthy
    );
    // Suspended is a problem whatever the last success.
    let mut seen = healthy(&p);
    live(&mut seen, &p, "CronJob", cron)["spec"]["suspend"] = json!(true);
    assert_eq!(
        object(&judge(&p, &seen), "CronJob", cron).state,
        State::Unhealthy
    );
    // The stamp is read from the Secret the CronJob renews, not another one.
    let mut seen = healthy(&p);
    live(&mut seen, &p, "CronJob", cron)["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        [0]["args"] = json!(["token", "renew", "--secret", "other-token"]);
    live(&mut seen, &p, "CronJob", cron)["metadata"]["creationTimestamp"] = json!(ago(hours(100)));
    let o = object(&judge(&p, &seen), "CronJob", cron).clone();
    assert_eq!(o.state, State::Unhealthy, "{}", o.message);
    assert_eq!(o.renewer.unwrap().last_success, None);
}

#[test]
fn missing_forbidden_and_unserved_objects_are_problems() {
    let p = plan(RENEWAL);
    let mut seen = healthy(&p);
    seen.objects
        .insert(key(&p, "NetworkPolicy", "contoso-west"), Observed::Missing);
    seen.objects.insert(
        key(&p, "Role", "contoso-west-token-renewer"),
        Observed::Denied(
            "roles.rbac.authorization.k8s.io \"contoso-west-token-renewer\" is forbidden".into(),
        ),
    );
    seen.objects.insert(
        key(&p, "PodDisruptionBudget", "contoso-west"),
        Observed::NotServed,
    );
    let r = judge(&p, &seen);
    assert!(!r.healthy);
    assert_eq!(r.gateways[0].problems, 3);
    let text = to_text(&r);
    assert!(
        text.contains("Gateway apim-gateway/contoso-west: NOT HEALTHY (3 problems)\n"),
        "{text}"
    );
    assert!(
        text.contains("  missing    NetworkPolicy contoso-west: not found\n"),
        "{text}"
    );
    assert!(
        text.contains("  unknown    Role contoso-west-token-renewer: cannot read it (forbidden"),
        "{text}"
    );
    assert!(text.contains("  missing    PodDisruptionBudget contoso-west: the cluster serves no policy PodDisruptionBudget"), "{text}");
    // A referenced object that is missing says who needs it.
    let p = plan(PLAIN_TOKEN);
    let mut seen = healthy(&p);
    seen.objects
        .insert(key(&p, "Secret", "contoso-east-token"), Observed::Missing);
    let r = judge(&p, &seen);
    assert_eq!(
        object(&r, "Secret", "contoso-east-token").message,
        "not found; Deployment contoso-east needs it"
    );
}

fn event(kind: &str, name: &str, reason: &str, message: &str, at: SignedDuration) -> Value {
    json!({"type": "Warning", "reason": reason, "message": message, "count": 2,
           "involvedObject": {"kind": kind, "name": name, "namespace": NS},
           "lastTimestamp": ago(at), "metadata": {"name": format!("{name}.{reason}")}})
}

#[test]
fn recent_warning_events_explain_problems() {
    let p = plan(RENEWAL);
    let mut seen = healthy(&p);
    merge(
        live(&mut seen, &p, "Deployment", "contoso-west"),
        &json!({"status": {"availableReplicas": 0, "readyReplicas": 0}}),
    );
    let m = SignedDuration::from_mins;
    seen.events.insert(
        NS.into(),
        Events::Listed(vec![
            event(
                "ReplicaSet",
                "contoso-west-7d9f8c6b5",
                "FailedCreate",
                "exceeded quota \u{1b}[31mcompute\u{1b}[0m\nnext",
                m(5),
            ),
            event(
                "Pod",
                "contoso-west-7d9f8c6b5-x2x4z",
                "FailedScheduling",
                "0/3 nodes are available",
                m(4),
            ),
            event(
                "Pod",
                "contoso-west-7d9f8c6b5-abcde",
                "BackOff",
                "Back-off pulling image",
                m(3),
            ),
            event(
                "Pod",
                "contoso-west-7d9f8c6b5-fghij",
                "Failed",
                "ErrImagePull",
                m(2),
            ),
            // Near misses: too old, the renewer's pods, another Deployment, not a warning.
            event(
                "Pod",
                "contoso-west-7d9f8c6b5-old00",
                "Failed",
                "an hour ago",
                m(61),
            ),
            event(
                "Pod",
                "contoso-west-token-renewer-2891-ab12c",
                "BackOff",
                "renewer",
                m(1),
            ),
            event(
                "ReplicaSet",
                "contoso-westish-7d9f8c6b5",
                "FailedCreate",
                "other",
                m(1),
            ),
            {
                let mut e = event(
                    "Pod",
                    "contoso-west-7d9f8c6b5-zzzzz",
                    "Pulled",
                    "normal",
                    m(1),
                );
                e["type"] = json!("Normal");
                e
            },
            // On an object that is fine: not shown.
            event(
                "Service",
                "contoso-west-live-traffic",
                "SyncLoadBalancerFailed",
                "old news",
                m(1),
            ),
        ]),
    );
    let r = judge(&p, &seen);
    let o = object(&r, "Deployment", "contoso-west");
    let got: Vec<(&str, &str)> = o
        .events
        .iter()
        .map(|e| (e.object.as_str(), e.reason.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("Pod contoso-west-7d9f8c6b5-x2x4z", "FailedScheduling"),
            ("Pod contoso-west-7d9f8c6b5-abcde", "BackOff"),
            ("Pod contoso-west-7d9f8c6b5-fghij", "Failed"),
        ],
        "the newest three, oldest first"
    );
    assert!(
        object(&r, "Service", "contoso-west-live-traffic")
            .events
            .is_empty()
    );
    // With four allowed the quota event shows, escaped in text, raw in JSON.
    let settings = Settings {
        events_per_object: 4,
        ..Settings::default()
    };
    let r = assess(&p, &seen, now(), &settings);
    let text = to_text(&r);
    assert!(
        text.contains("             ReplicaSet contoso-west-7d9f8c6b5 FailedCreate x2 at 2026-12-07T11:55:00Z: exceeded quota \\u{1b}[31mcompute\\u{1b}[0m\\nnext\n"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'));
    let json: Value = serde_json::from_str(&to_json(&r)).unwrap();
    let first = &json["gateways"][0]["objects"][8]["events"][0];
    assert_eq!(
        first["message"],
        "exceeded quota \u{1b}[31mcompute\u{1b}[0m\nnext"
    );
    // Events that cannot be listed are noted, once per gateway, only when something is wrong.
    let mut seen2 = seen.clone();
    seen2
        .events
        .insert(NS.into(), Events::Unread("forbidden".into()));
    let r = judge(&p, &seen2);
    assert_eq!(
        r.gateways[0].notes,
        ["events of namespace apim-gateway not read: forbidden"]
    );
    let mut fine = healthy(&p);
    fine.events
        .insert(NS.into(), Events::Unread("forbidden".into()));
    assert!(judge(&p, &fine).gateways[0].notes.is_empty());
}

#[test]
fn names_from_the_cluster_are_escaped_in_text() {
    assert_eq!(escape("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
    assert_eq!(escape("x\u{202e}y\r"), "x\\u{202e}y\\r");
    assert_eq!(escape("plain ünïcode"), "plain ünïcode");
}

#[test]
fn json_has_stable_names_in_a_fixed_order() {
    let p = plan(RENEWAL);
    let r = judge(&p, &healthy(&p));
    let json = to_json(&r);
    assert_eq!(
        json,
        to_json(&judge(&p, &healthy(&p))),
        "same input, same bytes"
    );
    let v: Value = serde_json::from_str(&json).unwrap();
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&v), ["healthy", "checkedAt", "gateways"]);
    assert_eq!(
        keys(&v["gateways"][0]),
        [
            "kind",
            "namespace",
            "name",
            "healthy",
            "problems",
            "objects",
            "notes"
        ]
    );
    let deploy = &v["gateways"][0]["objects"][8];
    assert_eq!(
        keys(deploy),
        [
            "apiVersion",
            "kind",
            "namespace",
            "name",
            "state",
            "message",
            "workload",
            "events"
        ]
    );
    assert_eq!(
        deploy["workload"],
        json!({"desired": 3, "ready": 3, "available": 3, "updated": 3, "rollout": "complete"})
    );
    assert_eq!(
        v["gateways"][0]["objects"][6]["service"],
        json!({"type": "LoadBalancer", "externalAddresses": ["20.50.60.70"], "pending": false})
    );
    assert_eq!(
        v["gateways"][0]["objects"][7]["claim"],
        json!({"phase": "Bound", "volume": "pv-1"})
    );
    assert_eq!(
        v["gateways"][0]["objects"][4]["token"],
        json!({"expiry": "2026-12-27T12:00:00Z", "daysLeft": 20.0})
    );
    assert_eq!(
        v["gateways"][0]["objects"][9]["renewer"],
        json!({"schedule": "0 3 * * *", "longestGap": "1d", "lastSuccess": "2026-12-07T09:00:00Z",
               "lastSuccessFrom": "secret-annotation", "suspended": false})
    );
}

#[test]
fn a_fleet_reports_each_gateway() {
    let fleet = format!("{RENEWAL}---\n{PLAIN_TOKEN}");
    let p = plan(&fleet);
    let mut seen = healthy(&p);
    merge(
        live(&mut seen, &p, "Deployment", "contoso-east"),
        &json!({"status": {"availableReplicas": 1}}),
    );
    let r = judge(&p, &seen);
    assert!(!r.healthy);
    assert_eq!(
        r.gateways
            .iter()
            .map(|g| (g.name.as_str(), g.healthy))
            .collect::<Vec<_>>(),
        [("contoso-west", true), ("contoso-east", false)]
    );
    assert!(to_text(&r).ends_with("2 gateways: 1 healthy, 1 not\n"));
}
