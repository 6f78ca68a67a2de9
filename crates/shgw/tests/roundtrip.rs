//! The rendered YAML reads back into the typed Kubernetes objects with no field lost, and the
//! text itself reads back into exactly the values that were written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{
    ConfigMap, PersistentVolumeClaim, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use serde_json::Value;

fn typed_round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(v: &Value) -> Value {
    let typed: T = serde_json::from_value(v.clone()).expect("typed parse");
    serde_json::to_value(typed).unwrap()
}

fn through_types(v: &Value) -> Value {
    match v["kind"].as_str().unwrap() {
        "ServiceAccount" => typed_round_trip::<ServiceAccount>(v),
        "ConfigMap" => typed_round_trip::<ConfigMap>(v),
        "Secret" => typed_round_trip::<Secret>(v),
        "Service" => typed_round_trip::<Service>(v),
        "PersistentVolumeClaim" => typed_round_trip::<PersistentVolumeClaim>(v),
        "Deployment" => typed_round_trip::<Deployment>(v),
        "PodDisruptionBudget" => typed_round_trip::<PodDisruptionBudget>(v),
        "HorizontalPodAutoscaler" => typed_round_trip::<HorizontalPodAutoscaler>(v),
        "NetworkPolicy" => typed_round_trip::<NetworkPolicy>(v),
        "Role" => typed_round_trip::<k8s_openapi::api::rbac::v1::Role>(v),
        "RoleBinding" => typed_round_trip::<k8s_openapi::api::rbac::v1::RoleBinding>(v),
        "CronJob" => typed_round_trip::<k8s_openapi::api::batch::v1::CronJob>(v),
        // No k8s-openapi type: the custom resource is only re-read as JSON.
        "PodMonitor" | "PrometheusRule" => v.clone(),
        other => panic!("unexpected kind {other}"),
    }
}

#[test]
fn rendered_yaml_parses_back_with_no_field_lost() {
    let token = shgw::Token::parse("GatewayKey contoso-west&203001010000&c2lnbmF0dXJl").unwrap();
    for (name, text) in common::examples() {
        for profile in common::PROFILES {
            let gws = shgw::parse_gateways(&name, &text).unwrap();
            let p = shgw::Profile::embedded(profile).unwrap();
            let opts = shgw::RenderOptions {
                token: (name == "minimal").then(|| token.clone()),
                now: Some(jiff::Timestamp::from_second(1_800_000_000).unwrap()),
                ..Default::default()
            };
            let m = shgw::render_with(&name, &gws, &p, &opts).unwrap();
            let yaml = m.to_yaml();
            // Read back as kubectl reads it (shgw-yaml's reader is checked against kubectl).
            let parsed: Vec<Value> = shgw_yaml::parse::parse_documents(&yaml, &Default::default())
                .unwrap()
                .iter()
                .map(shgw_yaml::node::Node::to_value)
                .collect();
            let written = m.to_values();
            assert_eq!(parsed.len(), written.len(), "{name}/{profile}");
            for (back, orig) in parsed.iter().zip(&written) {
                assert_eq!(back, orig, "{name}/{profile}: text does not read back");
                assert_eq!(
                    &through_types(back),
                    back,
                    "{name}/{profile}: a field was lost"
                );
            }
        }
    }
}

#[test]
fn yaml11_lookalike_strings_stay_strings() {
    // Settings whose values a YAML 1.1 reader (kubectl) would turn into booleans, numbers or
    // dates unless they are quoted.
    let text = r#"
apiVersion: shgw.dev/v1alpha1
kind: Gateway
metadata: {name: gw, namespace: apim}
spec:
  endpoint: gw.configuration.azure-api.net
  backup: {storageClassName: azurefile-csi}
  settings: {a.yes: "yes", a.on: "on", a.time: "12:30", a.num: "1_000", a.date: "2026-11-26", a.y: "y", a.off: "OFF", a.oct: "0755", a.float: "1.25", a.null: "~"}
"#;
    let gws = shgw::parse_gateways("gw.yaml", text).unwrap();
    let m = shgw::resolve(&gws[0], &shgw::Profile::embedded("production").unwrap())
        .and_then(|r| shgw::render(&r))
        .unwrap();
    let yaml = m.to_yaml();
    for line in [
        "a.yes: \"yes\"",
        "a.on: \"on\"",
        "a.time: \"12:30\"",
        "a.num: \"1_000\"",
        "a.date: \"2026-11-26\"",
        "a.y: \"y\"",
        "a.off: \"OFF\"",
        "a.oct: \"0755\"",
        "a.float: \"1.25\"",
        "a.null: \"~\"",
    ] {
        assert!(yaml.contains(line), "missing {line}");
    }
}

#[test]
fn output_is_deterministic() {
    for (name, text) in common::examples() {
        let a = common::render(&name, &text, "production").to_yaml();
        let b = common::render(&name, &text, "production").to_yaml();
        assert_eq!(a, b);
    }
}

#[test]
fn a_token_for_a_gateway_without_token_auth_is_refused() {
    let text = std::fs::read_to_string(common::workspace().join("examples/entra.yaml")).unwrap();
    let gws = shgw::parse_gateways("entra.yaml", &text).unwrap();
    let token = shgw::Token::parse("northwind-onprem&209901010000&c2ln").unwrap();
    let p = shgw::Profile::embedded("production").unwrap();
    let err = shgw::render_with(
        "entra.yaml",
        &gws,
        &p,
        &shgw::RenderOptions {
            token: Some(token),
            now: Some(jiff::Timestamp::from_second(1_800_000_000).unwrap()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.problems()[0].path, "spec.auth");
}
