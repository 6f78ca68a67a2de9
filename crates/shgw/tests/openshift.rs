//! The openshift profile: no fixed IDs, restricted-v2 settings, and local CAs only with an
//! explicit UID 1001 (anyuid SCC).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use shgw::{Profile, Severity};

fn render(extra: &str) -> Result<shgw::Manifests, shgw::Error> {
    let text = format!(
        "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {{name: gw}}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {{storageClassName: azurefile-csi}}\n{extra}"
    );
    let gws = shgw::parse_gateways("gw.yaml", &text)?;
    shgw::resolve(&gws[0], &Profile::embedded("openshift")?).and_then(|r| shgw::render(&r))
}

#[test]
fn no_fixed_ids_and_restricted_v2_settings() {
    let m = render("").unwrap();
    let d = m
        .objects
        .iter()
        .find(|o| o.kind() == "Deployment")
        .unwrap()
        .to_value();
    let pod = &d["spec"]["template"]["spec"];
    let c = &pod["containers"][0]["securityContext"];
    for field in ["runAsUser", "runAsGroup", "fsGroup"] {
        assert!(pod["securityContext"].get(field).is_none(), "{field}");
        assert!(c.get(field).is_none(), "{field}");
    }
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(
        pod["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
    assert_eq!(c["allowPrivilegeEscalation"], false);
    assert_eq!(c["capabilities"]["drop"], serde_json::json!(["ALL"]));
}

#[test]
fn local_cas_need_an_explicit_uid_1001() {
    let e = render("  trustLocalCA: true\n").unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("spec.trustLocalCA") && text.contains("anyuid"),
        "{text}"
    );
    let m = render("  trustLocalCA: true\n  securityContext: {runAsUser: 1001}\n").unwrap();
    assert!(m.warnings.iter().any(|w| w.severity == Severity::Warning
        && w.path == "spec.securityContext.runAsUser"
        && w.message.contains("anyuid")));
}

#[test]
fn backup_with_2_12_names_issue_418() {
    // The profile's own default image is one that restores backups on OpenShift.
    let m = render("").unwrap();
    assert!(m.warnings.iter().all(|w| !w.message.contains("issues/418")));
    let m = render("  image: {tag: 2.12.1}\n").unwrap();
    assert!(m.warnings.iter().any(|w| w.message.contains("issues/418")));
}
