//! CA certificates, the Prometheus sidecar, local logs and managed settings: what is rendered
//! and what is refused, with its path.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use shgw::Profile;

fn gateway(spec_extra: &str) -> String {
    format!(
        "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {{name: gw, namespace: apim}}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {{storageClassName: azurefile-csi}}\n{spec_extra}"
    )
}

/// Renders with `settings` added to `spec.settings` (as `--set` would put them).
fn render(spec_extra: &str, settings: &[(&str, &str)]) -> Result<shgw::Manifests, shgw::Error> {
    let mut docs: Vec<serde_json::Value> =
        shgw::file::parse_documents("gw.yaml", &gateway(spec_extra))?
            .iter()
            .map(|d| d.node.to_value())
            .collect();
    for (k, v) in settings {
        docs[0]["spec"]["settings"][*k] = serde_json::json!(v);
    }
    let gws = shgw::file::gateways_from_documents("gw.yaml", docs)?;
    shgw::resolve(&gws[0], &Profile::embedded("production")?).and_then(|r| shgw::render(&r))
}

fn error_paths(spec_extra: &str, settings: &[(&str, &str)]) -> Vec<String> {
    render(spec_extra, settings)
        .unwrap_err()
        .errors()
        .map(|d| d.path.clone())
        .collect()
}

fn deployment(m: &shgw::Manifests) -> serde_json::Value {
    m.objects
        .iter()
        .find(|o| o.kind() == "Deployment")
        .unwrap()
        .to_value()
}

#[test]
fn every_managed_setting_is_refused_in_settings() {
    for managed in shgw::settings::MANAGED_SETTINGS {
        let paths = error_paths("", &[(managed.key, "x")]);
        assert_eq!(
            paths,
            [format!("spec.settings.{}", managed.key)],
            "{}",
            managed.key
        );
    }
    let e = render("", &[("runtime.deployment.mechanism", "Helm")]).unwrap_err();
    assert!(e.to_string().contains("written by shgw"), "{e}");
}

#[test]
fn every_key_shgw_writes_is_in_the_table() {
    let extra = "  telemetry:\n    logs: {local: {type: rfc5424, endpoint: \"syslog.logging:514\", facility: 7}}\n    metrics:\n      prometheus: {enabled: true}\n      openTelemetry: {collectorUri: \"http://otel:4317\"}\n  trustLocalCA: true\n";
    let m = render(extra, &[]).unwrap();
    let cm = m
        .objects
        .iter()
        .find(|o| o.metadata().name.as_deref() == Some("gw-env"))
        .unwrap();
    for key in cm.to_value()["data"].as_object().unwrap().keys() {
        assert!(
            shgw::settings::managed_setting(key).is_some(),
            "{key} is written but not in the table"
        );
    }
}

#[test]
fn ca_certificates_are_mounted_read_only_as_crt_files() {
    let m = render("  caCertificates:\n  - {configMap: corp-ca, key: root.pem}\n  - {secret: issuing, key: issuing.crt}\n", &[]).unwrap();
    let d = deployment(&m);
    let pod = &d["spec"]["template"]["spec"];
    let volumes = pod["volumes"].as_array().unwrap();
    let v0 = volumes
        .iter()
        .find(|v| v["name"] == "ca-certificate-0")
        .unwrap();
    assert_eq!(v0["configMap"]["items"][0]["path"], "root.pem.crt");
    let v1 = volumes
        .iter()
        .find(|v| v["name"] == "ca-certificate-1")
        .unwrap();
    assert_eq!(v1["secret"]["items"][0]["path"], "issuing.crt");
    let mounts = pod["containers"][0]["volumeMounts"].as_array().unwrap();
    for i in 0..2 {
        let mount = mounts
            .iter()
            .find(|v| v["name"] == format!("ca-certificate-{i}"))
            .unwrap();
        assert_eq!(mount["readOnly"], true);
        assert_eq!(
            mount["mountPath"],
            format!("/usr/local/share/ca-certificates/shgw/{i}")
        );
    }
}

#[test]
fn bad_ca_entries_name_their_index() {
    let paths = error_paths(
        "  caCertificates:\n  - {}\n  - {configMap: a, secret: b, key: k}\n  - {configMap: a}\n  - {configMap: ca, key: k}\n  - {configMap: ca, key: k}\n",
        &[],
    );
    assert_eq!(
        paths,
        [
            "spec.caCertificates[0]",
            "spec.caCertificates[0].key",
            "spec.caCertificates[1]",
            "spec.caCertificates[2].key",
            "spec.caCertificates[4]",
        ]
    );
}

#[test]
fn trust_local_ca_gets_a_writable_dotnet_store() {
    let m = render("  trustLocalCA: true\n", &[]).unwrap();
    let d = deployment(&m);
    let mounts = d["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
        .as_array()
        .unwrap()
        .clone();
    let store = mounts
        .iter()
        .find(|v| v["mountPath"] == "/.dotnet/corefx/cryptography/x509stores/root")
        .unwrap();
    assert!(store.get("readOnly").is_none());
}

#[test]
fn prometheus_sidecar_annotations_or_pod_monitor() {
    let m = render(
        "  telemetry: {metrics: {prometheus: {enabled: true}}}\n",
        &[],
    )
    .unwrap();
    let d = deployment(&m);
    let template = &d["spec"]["template"];
    assert_eq!(
        template["metadata"]["annotations"]["prometheus.io/port"],
        "9102"
    );
    let sidecar = &template["spec"]["containers"][1];
    assert_eq!(sidecar["name"], "statsd-exporter");
    assert_eq!(sidecar["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(sidecar["ports"][0]["name"], "metrics");
    assert!(m.objects.iter().all(|o| o.kind() != "PodMonitor"));
    let np = m
        .objects
        .iter()
        .find(|o| o.kind() == "NetworkPolicy")
        .unwrap()
        .to_value();
    assert!(np.to_string().contains("9102"));

    let m = render("  telemetry: {metrics: {prometheus: {enabled: true, podMonitor: true, port: 9200, image: {repository: mirror.example/statsd-exporter, tag: v0.29.0}}}}\n", &[]).unwrap();
    let pm = m
        .objects
        .iter()
        .find(|o| o.kind() == "PodMonitor")
        .unwrap()
        .to_value();
    assert_eq!(pm["apiVersion"], "monitoring.coreos.com/v1");
    assert_eq!(pm["spec"]["podMetricsEndpoints"][0]["port"], "metrics");
    let d = deployment(&m);
    assert!(
        d["spec"]["template"]["metadata"]["annotations"]
            .get("prometheus.io/scrape")
            .is_none()
    );
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][1]["image"],
        "mirror.example/statsd-exporter:v0.29.0"
    );
}

#[test]
fn the_gateway_is_the_default_container_when_a_sidecar_runs() {
    let key = shgw::defaults::DEFAULT_CONTAINER_ANNOTATION;
    assert_eq!(key, "kubectl.kubernetes.io/default-container");
    let d = deployment(
        &render(
            "  telemetry: {metrics: {prometheus: {enabled: true}}}\n",
            &[],
        )
        .unwrap(),
    );
    let template = &d["spec"]["template"];
    assert_eq!(template["metadata"]["annotations"][key], "gateway");
    assert_eq!(template["spec"]["containers"][0]["name"], "gateway");
    assert_eq!(template["spec"]["containers"].as_array().unwrap().len(), 2);
    // No sidecar, nothing to choose between: no annotation.
    let d = deployment(&render("", &[]).unwrap());
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(
        d["spec"]["template"]["metadata"]["annotations"]
            .get(key)
            .is_none()
    );
    // A value the user put on the pod stays.
    let d = deployment(
        &render(
            "  telemetry: {metrics: {prometheus: {enabled: true}}}\n  pod: {annotations: {kubectl.kubernetes.io/default-container: statsd-exporter}}\n",
            &[],
        )
        .unwrap(),
    );
    assert_eq!(
        d["spec"]["template"]["metadata"]["annotations"][key],
        "statsd-exporter"
    );
}

#[test]
fn statsd_elsewhere_with_the_sidecar_is_an_error() {
    let paths = error_paths(
        "  telemetry: {metrics: {prometheus: {enabled: true}, statsd: {endpoint: \"statsd:8125\"}}}\n",
        &[],
    );
    assert_eq!(paths, ["spec.telemetry.metrics.statsd"]);
    let paths = error_paths(
        "  telemetry: {metrics: {prometheus: {enabled: true, port: 8080}}}\n",
        &[],
    );
    assert_eq!(paths, ["spec.telemetry.metrics.prometheus.port"]);
}

#[test]
fn local_logs_are_typed() {
    let m = render(
        "  telemetry: {logs: {local: {type: rfc5424, endpoint: \"syslog.logging:514\", facility: 3}}}\n",
        &[],
    )
    .unwrap();
    let yaml = m.to_yaml();
    assert!(yaml.contains("telemetry.logs.local: rfc5424"));
    assert!(
        yaml.contains("telemetry.logs.local.rfc5424.facility: \"3\""),
        "{yaml}"
    );
    let paths = error_paths(
        "  telemetry: {logs: {local: {type: json, facility: 3, endpoint: nowhere}}}\n",
        &[],
    );
    assert_eq!(
        paths,
        [
            "spec.telemetry.logs.local.facility",
            "spec.telemetry.logs.local.endpoint"
        ]
    );
}

/// Warnings at `path` when rendering with `spec_extra`.
fn warnings_at(spec_extra: &str, path: &str) -> Vec<String> {
    render(spec_extra, &[])
        .unwrap_or_else(|e| panic!("{e}"))
        .warnings
        .into_iter()
        .filter(|w| w.path == path)
        .map(|w| w.message)
        .collect()
}

#[test]
fn local_logs_on_a_node_socket_are_refused_with_the_reason() {
    // The pod has no /dev/log or journald socket, and shgw mounts no hostPath.
    for local in [
        "{type: localsyslog, endpoint: /dev/log, facility: 7}",
        "{type: localsyslog}",
        "{type: journal, endpoint: /run/systemd/journal/socket}",
    ] {
        let e = render(&format!("  telemetry: {{logs: {{local: {local}}}}}\n"), &[]).unwrap_err();
        let d = e.errors().next().unwrap();
        assert_eq!(d.path, "spec.telemetry.logs.local.type", "{local}");
        assert!(d.message.contains("hostPath"), "{local}: {}", d.message);
        assert_eq!(e.errors().count(), 1, "{local}: {e}");
    }
    let paths = error_paths(
        "  telemetry: {logs: {local: {type: rfc5424, endpoint: /dev/log}}}\n",
        &[],
    );
    assert_eq!(paths, ["spec.telemetry.logs.local.endpoint"]);
    for bad in [
        "{type: rfc5424}",
        "{type: rfc5424, endpoint: \"not a host\"}",
    ] {
        let paths = error_paths(&format!("  telemetry: {{logs: {{local: {bad}}}}}\n"), &[]);
        assert_eq!(paths, ["spec.telemetry.logs.local.endpoint"], "{bad}");
    }
}

#[test]
fn local_logs_nothing_receives_are_a_warning() {
    const PATH: &str = "spec.telemetry.logs.local.endpoint";
    for (local, says) in [
        (
            "{type: json, endpoint: \"127.0.0.1:8888\"}",
            "127.0.0.1:8888 is this pod itself",
        ),
        ("{type: json}", "the gateway's default"),
        ("{type: json, endpoint: \"localhost:5170\"}", "dropped"),
        ("{type: json, endpoint: \"[::1]:5170\"}", "dropped"),
        ("{type: rfc5424, endpoint: \"127.0.0.1:514\"}", "dropped"),
        (
            "{type: json, endpoint: /var/log/gateway.json}",
            "nothing collects it",
        ),
    ] {
        let w = warnings_at(
            &format!("  telemetry: {{logs: {{local: {local}}}}}\n"),
            PATH,
        );
        assert_eq!(w.len(), 1, "{local}: {w:?}");
        assert!(w[0].contains(says), "{local}: {}", w[0]);
    }
    // With the metrics sidecar, the warning says that it takes only StatsD.
    let w = warnings_at(
        "  telemetry:\n    logs: {local: {type: json, endpoint: \"127.0.0.1:9125\"}}\n    metrics: {prometheus: {enabled: true}}\n",
        PATH,
    );
    assert!(w[0].contains("takes only StatsD"), "{w:?}");
    // A collector elsewhere in the cluster: rendered, no warning.
    for local in [
        "{type: json, endpoint: \"fluent-bit.logging:5170\"}",
        "{type: rfc5424, endpoint: \"10.0.4.2:514\", facility: 16}",
        "{type: none}",
        "{type: auto}",
    ] {
        let w = warnings_at(
            &format!("  telemetry: {{logs: {{local: {local}}}}}\n"),
            PATH,
        );
        assert!(w.is_empty(), "{local}: {w:?}");
    }
}

#[test]
fn the_prometheus_example_sends_logs_somewhere() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/prometheus.yaml"),
    )
    .unwrap();
    let gws = shgw::parse_gateways("prometheus.yaml", &text).unwrap();
    for profile in ["dev", "production", "openshift"] {
        let m = shgw::resolve(&gws[0], &Profile::embedded(profile).unwrap())
            .and_then(|r| shgw::render(&r))
            .unwrap();
        assert!(
            m.warnings
                .iter()
                .all(|w| !w.path.starts_with("spec.telemetry.logs")),
            "{profile}: {:?}",
            m.warnings
        );
    }
}

#[test]
fn a_bad_profile_default_is_the_profiles_problem() {
    let profile = "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: team}\nextends: production\ndefaults:\n  spec:\n    resources: {requests: {cpu: 2GB}}\n";
    let p = Profile::from_yaml("team-profile.yaml", profile).unwrap();
    let gws = shgw::parse_gateways("gw.yaml", &gateway("")).unwrap();
    let e = shgw::resolve(&gws[0], &p)
        .and_then(|r| shgw::render(&r))
        .unwrap_err();
    let d = e.errors().next().unwrap();
    assert_eq!(d.origin.as_deref(), Some("team-profile.yaml"));
    assert_eq!(d.path, "defaults.spec.resources.requests.cpu");
    assert!(
        e.to_string()
            .contains("team-profile.yaml: Gateway gw: defaults.spec.resources.requests.cpu"),
        "{e}"
    );
    // The same value written by the user is the user's.
    let gws =
        shgw::parse_gateways("gw.yaml", &gateway("  resources: {requests: {cpu: 2GB}}\n")).unwrap();
    let e = shgw::resolve(&gws[0], &p)
        .and_then(|r| shgw::render(&r))
        .unwrap_err();
    let d = e.errors().next().unwrap();
    assert_eq!(
        (d.origin.as_deref(), d.path.as_str()),
        (None, "spec.resources.requests.cpu")
    );
}

/// Every check the profile's old `policy:` made is a review rule on the rendered objects now,
/// reported at the Gateway field it comes from, at the level the profile gives the rule.
#[test]
fn the_old_policy_cases_are_review_rules_at_their_gateway_field() {
    use shgw::Severity::{Error, Warning};
    let cases: &[(&str, &str, &str, shgw::Severity)] = &[
        ("  replicas: 1\n", "SHGW001", "spec.replicas", Error),
        ("  replicas: 2\n", "SHGW002", "spec.replicas", Warning),
        (
            "  autoscaling: {minReplicas: 1, maxReplicas: 4}\n",
            "SHGW001",
            "spec.autoscaling.minReplicas",
            Error,
        ),
        ("  image: {tag: v2}\n", "SHGW010", "spec.image", Error),
        (
            "  image: {tag: v2-preview}\n",
            "SHGW010",
            "spec.image",
            Error,
        ),
        (
            "  backup: {enabled: false}\n",
            "SHGW070",
            "spec.backup.enabled",
            Warning,
        ),
        (
            "  backup: {enabled: true}\n",
            "SHGW075",
            "spec.backup.storageClassName",
            Error,
        ),
        (
            "  networkPolicy: {enabled: false}\n",
            "SHGW044",
            "spec.networkPolicy.enabled",
            Warning,
        ),
        (
            "  service: {externalTrafficPolicy: Cluster}\n",
            "SHGW049",
            "spec.service.externalTrafficPolicy",
            Warning,
        ),
        ("", "SHGW063", "spec.auth.token.renewal", Warning),
    ];
    let production = Profile::embedded("production").unwrap();
    for (extra, rule, path, severity) in cases {
        // `backup:` given twice would be a YAML error: the case replaces the base's.
        let text = if extra.contains("backup") {
            gateway("").replace("  backup: {storageClassName: azurefile-csi}\n", extra)
        } else {
            gateway(extra)
        };
        let gws = shgw::parse_gateways("gw.yaml", &text).unwrap();
        let problems = match shgw::resolve(&gws[0], &production).and_then(|r| shgw::render(&r)) {
            Ok(m) => m.warnings,
            Err(e) => e.into_problems(),
        };
        let hit = problems
            .iter()
            .find(|d| d.rule == Some(*rule))
            .unwrap_or_else(|| panic!("{rule} for {extra:?}: {problems:?}"));
        assert_eq!(
            (hit.path.as_str(), hit.severity),
            (*path, *severity),
            "{extra:?}"
        );
        assert_eq!(
            problems.iter().filter(|d| d.rule == Some(*rule)).count(),
            1,
            "each problem once: {problems:?}"
        );
    }
    // The default namespace is refused; so is a render with no namespace at all.
    let text = gateway("").replace("namespace: apim", "namespace: default");
    let gws = shgw::parse_gateways("gw.yaml", &text).unwrap();
    let e = shgw::resolve(&gws[0], &production)
        .and_then(|r| shgw::render(&r))
        .unwrap_err();
    assert!(
        e.errors()
            .any(|d| d.rule == Some("SHGW042") && d.path == "metadata.namespace"),
        "{e}"
    );
}

/// A review shows every change at once: one replica without a budget gets both rules.
#[test]
fn one_replica_without_a_budget_gets_both_rules() {
    let text = gateway("  replicas: 1\n");
    let gws = shgw::parse_gateways("gw.yaml", &text).unwrap();
    let production = Profile::embedded("production").unwrap();
    // Production's defaults give every gateway a budget; take it away with a profile that
    // extends production.
    let nobudget = "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: nobudget}\nextends: production\ndefaults:\n  spec:\n    highAvailability: {podDisruptionBudget: null}\n";
    let p = Profile::from_yaml("nobudget.yaml", nobudget).unwrap();
    assert_eq!(p.level("SHGW004"), production.level("SHGW004"));
    let e = shgw::resolve(&gws[0], &p)
        .and_then(|r| shgw::render(&r))
        .unwrap_err();
    let rules: Vec<_> = e.errors().filter_map(|d| d.rule).collect();
    assert!(
        rules.contains(&"SHGW001") && rules.contains(&"SHGW004"),
        "{e}"
    );
}
