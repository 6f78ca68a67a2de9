//! The token renewer's settings: what is refused, with its path, and what is rendered.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use shgw::{Profile, RenderOptions};

fn gateway(renewal: &str) -> String {
    format!(
        "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {{name: gw, namespace: apim}}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {{storageClassName: azurefile-csi}}\n  auth:\n    token:\n      renewal: {renewal}\n"
    )
}

const GOOD: &str = "{subscriptionId: 3f2a6c1e-8b4d-4e7a-9c21-5d6e7f8a9b0c, resourceGroup: rg, serviceName: contoso, clientId: 6a1f3e2d-9c8b-4a7e-b5d4-1c2b3a4f5e6d, image: {repository: example.com/shgw, tag: 0.1.0}";

fn render(renewal: &str) -> Result<shgw::Manifests, shgw::Error> {
    let gws = shgw::parse_gateways("gw.yaml", &gateway(renewal))?;
    let p = Profile::embedded("production")?;
    shgw::render_with("gw.yaml", &gws, &p, &RenderOptions::default())
}

fn problems(renewal: &str) -> Vec<(String, String)> {
    render(renewal)
        .unwrap_err()
        .errors()
        .map(|d| (d.path.clone(), d.message.clone()))
        .collect()
}

fn paths(renewal: &str) -> Vec<String> {
    problems(renewal).into_iter().map(|p| p.0).collect()
}

#[test]
fn a_complete_renewal_renders_the_renewer() {
    let m = render(&format!("{GOOD}}}")).unwrap();
    let kinds: Vec<&str> = m.objects.iter().map(|o| o.kind()).collect();
    for k in ["Role", "RoleBinding", "CronJob"] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    // Renewal makes the kubectl create secret step unnecessary; an empty Secret is rendered.
    assert!(
        m.next_steps
            .iter()
            .all(|s| !s.contains("kubectl create secret"))
    );
    assert!(
        m.warnings
            .iter()
            .all(|w| w.path != "spec.auth.token.renewal")
    );
    let secret = m.objects.iter().find(|o| o.kind() == "Secret").unwrap();
    assert!(secret.to_value().get("data").is_none());
}

#[test]
fn required_fields_and_formats() {
    let p = paths("{subscriptionId: nope, clientId: 6a1f3e2d-9c8b-4a7e-b5d4-1c2b3a4f5e6d}");
    for want in [
        "spec.auth.token.renewal.subscriptionId",
        "spec.auth.token.renewal.resourceGroup",
        "spec.auth.token.renewal.serviceName",
        "spec.auth.token.renewal.image",
    ] {
        assert!(p.iter().any(|x| x == want), "{want} missing from {p:?}");
    }
}

#[test]
fn validity_and_renew_before() {
    let p = problems(&format!("{GOOD}, validity: 31d}}"));
    assert!(
        p.iter()
            .any(|(path, m)| path.ends_with("validity") && m.contains("30d")),
        "{p:?}"
    );
    let p = paths(&format!("{GOOD}, validity: 10d, renewBefore: 10d}}"));
    assert_eq!(p, ["spec.auth.token.renewal.renewBefore"]);
    let p = paths(&format!("{GOOD}, renewBefore: ten}}"));
    assert_eq!(p, ["spec.auth.token.renewal.renewBefore"]);
    // A new token can have up to 119 s less than validity: it would be due at once.
    let hourly = "schedule: \"0 * * * *\"";
    let p = problems(&format!(
        "{GOOD}, validity: 2h, renewBefore: 119m, {hourly}}}"
    ));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].1.contains("at least 2 minutes (2m) shorter"), "{p:?}");
    assert!(
        render(&format!(
            "{GOOD}, validity: 2h, renewBefore: 118m, {hourly}}}"
        ))
        .is_ok()
    );
}

#[test]
fn the_schedule_must_run_within_renew_before() {
    assert!(render(&format!("{GOOD}, schedule: \"0 4 * * 1\"}}")).is_ok());
    let p = problems(&format!("{GOOD}, schedule: \"@monthly\"}}"));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].1.contains("could expire between two runs"), "{p:?}");
    assert_eq!(
        paths(&format!("{GOOD}, schedule: \"every day\"}}")),
        ["spec.auth.token.renewal.schedule"]
    );
}

#[test]
fn entra_needs_exactly_one_credential() {
    let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: gw, namespace: apim}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {storageClassName: azurefile-csi}\n  auth:\n    entraApp:\n      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n      clientId: 0f8fad5b-d9cb-469f-a165-70867728950e\n      clientSecret: {secretName: a, secretKey: b}\n      clientCertificate: {secretName: c}\n";
    let gws = shgw::parse_gateways("gw.yaml", text).unwrap();
    let e = shgw::render_with(
        "gw.yaml",
        &gws,
        &Profile::embedded("dev").unwrap(),
        &RenderOptions::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("exactly one of clientSecret or clientCertificate (found both)"),
        "{e}"
    );
}

#[test]
fn a_certificate_is_mounted_read_only_and_wired() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/entra-certificate.yaml"
    ))
    .unwrap();
    let gws = shgw::parse_gateways("e.yaml", &text).unwrap();
    let m = shgw::resolve(&gws[0], &Profile::embedded("production").unwrap())
        .and_then(|r| shgw::render(&r))
        .unwrap();
    let yaml = m.to_yaml();
    assert!(
        yaml.contains(
            "config.service.auth.azureAd.certificatePath: /apim/entra-certificate/gateway.pfx"
        ),
        "{yaml}"
    );
    let d = m
        .objects
        .iter()
        .find(|o| o.kind() == "Deployment")
        .unwrap()
        .to_value();
    let c = &d["spec"]["template"]["spec"]["containers"][0];
    let mount = c["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "entra-certificate")
        .unwrap();
    assert_eq!(mount["readOnly"], true);
    assert!(
        c.get("env")
            .is_none_or(|e| !e.to_string().contains("clientSecret"))
    );
}

#[test]
fn a_token_is_refused_when_the_renewer_owns_the_secret() {
    let gws = shgw::parse_gateways("gw.yaml", &gateway(&format!("{GOOD}}}"))).unwrap();
    let token = shgw::Token::parse("GatewayKey gw&209901010000&c2lnbmF0dXJl").unwrap();
    let opts = RenderOptions {
        token: Some(token),
        now: Some(jiff::Timestamp::UNIX_EPOCH),
        ..Default::default()
    };
    let e =
        shgw::render_with("gw.yaml", &gws, &Profile::embedded("dev").unwrap(), &opts).unwrap_err();
    let d = e.errors().next().unwrap();
    assert_eq!(d.path, "spec.auth.token.renewal");
    assert!(
        d.message
            .contains("kubectl create job --from=cronjob/gw-token-renewer"),
        "{d}"
    );
    assert!(!e.to_string().contains("c2lnbmF0dXJl"));
}
