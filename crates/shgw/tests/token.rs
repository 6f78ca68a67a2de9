//! Token policy at render time: expiry, days left per profile, the gateway the token belongs to,
//! where the token may appear, and what is rendered when none is given.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jiff::Timestamp;
use shgw::{Profile, RenderOptions, Severity, Token};

const SIGNATURE: &str = "U2lnbmF0dXJlT2ZUaGVUb2tlbg==";
const GATEWAY: &str = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: contoso-west}\nspec: {endpoint: contoso.configuration.azure-api.net, backup: {storageClassName: azurefile-csi}}\n";

/// 2026-12-01T00:00:00Z
fn now() -> Timestamp {
    "2026-12-01T00:00:00Z".parse().unwrap()
}

fn token(gateway: &str, expiry: &str) -> Token {
    Token::parse(&format!("GatewayKey {gateway}&{expiry}&{SIGNATURE}")).unwrap()
}

fn render(
    profile: &str,
    token: Option<Token>,
    tweak: impl FnOnce(&mut RenderOptions),
) -> Result<shgw::Manifests, shgw::Error> {
    let gws = shgw::parse_gateways("gw.yaml", GATEWAY).unwrap();
    let mut opts = RenderOptions {
        token,
        now: Some(now()),
        ..Default::default()
    };
    tweak(&mut opts);
    shgw::render_with("gw.yaml", &gws, &Profile::embedded(profile).unwrap(), &opts)
}

fn messages(problems: &[shgw::Diagnostic]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn an_expired_token_is_an_error_in_every_profile() {
    for profile in common::PROFILES {
        let e = render(profile, Some(token("contoso-west", "202611301200")), |_| {}).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("expired at 2026-11-30T12:00:00Z"), "{text}");
        assert!(!text.contains(SIGNATURE));
    }
}

#[test]
fn a_token_near_expiry_fails_production_and_warns_in_dev() {
    let near = || Some(token("contoso-west", "202612040000")); // 3 days left
    let e = render("production", near(), |_| {}).unwrap_err();
    let d = e.errors().next().unwrap();
    assert_eq!(d.path, "spec.auth.token");
    assert_eq!(d.rule, Some("SHGW062"));
    assert!(d.message.contains("3.0 days left"), "{e}");

    let m = render("production", near(), |o| o.allow_expiring_token = true).unwrap();
    assert!(
        messages(&m.warnings).contains("3.0 days left"),
        "{:?}",
        m.warnings
    );

    let m = render("dev", near(), |_| {}).unwrap();
    assert!(
        m.warnings
            .iter()
            .any(|w| w.severity == Severity::Warning && w.path == "spec.auth.token")
    );
}

#[test]
fn min_token_days_moves_the_threshold() {
    let t = || Some(token("contoso-west", "202612110000")); // 10 days left
    assert!(render("production", t(), |_| {}).is_ok());
    let e = render("production", t(), |o| o.min_token_days = Some(14)).unwrap_err();
    assert!(e.to_string().contains("fewer than minTokenDays 14"), "{e}");
}

#[test]
fn a_token_for_another_gateway_is_a_warning() {
    let m = render(
        "production",
        Some(token("fabrikam", "202612310000")),
        |_| {},
    )
    .unwrap();
    let w = messages(&m.warnings);
    assert!(w.contains("issued for gateway \"fabrikam\""), "{w}");
}

#[test]
fn a_token_without_the_time_is_refused() {
    let e = render("dev", Some(token("contoso-west", "202612310000")), |o| {
        o.now = None
    })
    .unwrap_err();
    assert!(e.to_string().contains("RenderOptions::now"), "{e}");
}

#[test]
fn the_token_appears_only_inside_the_secret() {
    use base64::Engine;
    let t = token("contoso-west", "202612310000");
    let m = render("production", Some(t.clone()), |_| {}).unwrap();
    let encoded = base64::engine::general_purpose::STANDARD.encode(t.reveal());
    for o in &m.objects {
        let text = serde_json::to_string(&o.to_value()).unwrap();
        let inside = o.kind() == "Secret";
        assert_eq!(text.contains(&encoded), inside, "{}", o.kind());
        assert!(!text.contains(SIGNATURE), "{}", o.kind());
    }
    let yaml = m.to_yaml();
    assert_eq!(yaml.matches(&encoded).count(), 1);
    assert!(!messages(&m.warnings).contains(SIGNATURE));
    assert!(!m.next_steps.join("\n").contains(SIGNATURE));
    assert!(
        yaml.contains("shgw.dev/token-expiry: \"2026-12-31T00:00:00Z\""),
        "{yaml}"
    );
    assert!(yaml.contains(&format!("shgw.dev/token-fingerprint: {}", t.fingerprint())));
}

#[test]
fn a_new_token_rolls_the_pods() {
    let template = |t: Token| {
        let m = render("production", Some(t), |_| {}).unwrap();
        let d = m.objects.iter().find(|o| o.kind() == "Deployment").unwrap();
        d.to_value()["spec"]["template"]["metadata"]["annotations"].clone()
    };
    let a = template(token("contoso-west", "202612310000"));
    let b = template(token("contoso-west", "202701200000"));
    assert_ne!(a, b);
    assert_eq!(a["shgw.dev/config-hash"], b["shgw.dev/config-hash"]);
}

#[test]
fn without_a_token_no_secret_and_the_command_to_make_one() {
    let m = render("production", None, |_| {}).unwrap();
    assert!(m.objects.iter().all(|o| o.kind() != "Secret"));
    assert_eq!(m.next_steps.len(), 1);
    assert!(m.next_steps[0].contains(
        "kubectl create secret generic contoso-west-token --namespace apim-gateway --type=Opaque --from-literal=value='GatewayKey ...'"
    ), "{}", m.next_steps[0]);
}

#[test]
fn the_config_hash_ignores_the_shgw_version() {
    let m = render("production", None, |_| {}).unwrap();
    let cm = m.objects.iter().find(|o| o.kind() == "ConfigMap").unwrap();
    let data = &cm.to_value()["data"];
    assert!(data.get("runtime.deployment.artifact.version").is_none());
}
