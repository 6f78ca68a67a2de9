//! shgw's own output under the review: every example rendered under every profile, reviewed
//! under the same profile. A production (or openshift) render with an error-level finding means
//! a rule is wrong or the renderer is; either way it fails here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use shgw_review::{Severity, review_text, to_text};
use std::path::Path;

fn now() -> jiff::Timestamp {
    "2026-12-01T00:00:00Z".parse().unwrap()
}

fn examples() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(
        out.len() >= 4,
        "examples/*.yaml not found in {}",
        dir.display()
    );
    out
}

#[test]
fn production_renders_have_no_error_findings() {
    let mut failures = Vec::new();
    for profile_name in ["dev", "production", "openshift"] {
        let profile = shgw::Profile::embedded(profile_name).unwrap();
        for (name, text) in examples() {
            let gateways = shgw::parse_gateways(&name, &text).unwrap();
            let out =
                shgw::render_with(&name, &gateways, &profile, &shgw::RenderOptions::default())
                    .unwrap_or_else(|e| panic!("{name} under {profile_name}: {e}"));
            let report = review_text(
                &format!("{name} ({profile_name})"),
                &out.to_yaml(),
                &profile,
                now(),
            )
            .unwrap();
            // One engine: the review of the printed render finds what render found itself.
            let ids = |r: &shgw_review::Report| -> Vec<(String, String, String)> {
                let mut v: Vec<_> = r
                    .findings
                    .iter()
                    .map(|f| (f.rule.clone(), f.object.to_string(), f.path.clone()))
                    .collect();
                v.sort();
                v
            };
            assert_eq!(
                ids(&report),
                ids(&out.review),
                "{name} under {profile_name}"
            );
            assert_eq!(
                report.gateways.len(),
                gateways.len(),
                "{name}: every rendered gateway is found"
            );
            let errors: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .collect();
            if profile_name != "dev" && !errors.is_empty() {
                failures.push(to_text(&report, false));
            }
            if profile_name == "production" {
                eprintln!("{}", to_text(&report, false));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "error findings on shgw's own output:\n{}",
        failures.join("\n")
    );
}

/// A profile's defaults never produce what its own rules flag: a Gateway that states only what
/// the profile cannot decide for the cluster (its endpoint, a storage class, how its token is
/// renewed) renders under every embedded profile with no warning of the profile's policy and
/// no review finding above info. (OpenShift's default image once met issue #418 with the
/// backup the same profile turns on.)
#[test]
fn profile_defaults_meet_their_own_rules() {
    let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: gw, namespace: apim}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {storageClassName: azurefile-csi}\n  auth:\n    workloadIdentity: {clientId: 11111111-2222-3333-4444-555555555555}\n";
    for profile_name in ["dev", "production", "openshift"] {
        let profile = shgw::Profile::embedded(profile_name).unwrap();
        let gateways = shgw::parse_gateways("gw.yaml", text).unwrap();
        let out = shgw::render_with(
            "gw.yaml",
            &gateways,
            &profile,
            &shgw::RenderOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{profile_name}: {e}"));
        assert!(
            out.warnings
                .iter()
                .all(|w| w.severity == shgw::Severity::Info),
            "{profile_name}: {:?}",
            out.warnings
        );
        let report = review_text("gw.yaml", &out.to_yaml(), &profile, now()).unwrap();
        let above_info: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity > Severity::Info)
            .map(|f| format!("{} {}", f.rule, f.message))
            .collect();
        assert!(above_info.is_empty(), "{profile_name}: {above_info:#?}");
    }
}

/// Production and OpenShift refuse a ReadWriteMany backup claim that leaves its class to the
/// cluster's default (which offers only ReadWriteOnce on AKS, EKS and GKE): the Gateway file's
/// check names the field and suggests azurefile-csi, and the review of the rendered claim
/// names the same rule under every profile.
#[test]
fn backup_claim_needs_a_class_that_offers_read_write_many() {
    let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: gw, namespace: apim}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {enabled: true}\n";
    let gateways = shgw::parse_gateways("gw.yaml", text).unwrap();
    for profile_name in ["production", "openshift"] {
        let profile = shgw::Profile::embedded(profile_name).unwrap();
        let e = shgw::resolve(&gateways[0], &profile)
            .and_then(|r| shgw::render(&r))
            .unwrap_err();
        let problem = e
            .errors()
            .find(|d| d.path == "spec.backup.storageClassName")
            .unwrap_or_else(|| panic!("{profile_name}: {e}"));
        assert!(problem.message.contains("azurefile-csi"), "{problem}");
    }
    let dev = shgw::Profile::embedded("dev").unwrap();
    let out = shgw::resolve(&gateways[0], &dev)
        .and_then(|r| shgw::render(&r))
        .unwrap();
    assert!(
        out.warnings
            .iter()
            .any(|w| w.path == "spec.backup.storageClassName"),
        "{:?}",
        out.warnings
    );
    for profile_name in ["dev", "production"] {
        let report = review_text(
            "gw.yaml",
            &out.to_yaml(),
            &shgw::Profile::embedded(profile_name).unwrap(),
            now(),
        )
        .unwrap();
        let hit = report
            .findings
            .iter()
            .find(|f| f.rule == "SHGW075")
            .unwrap_or_else(|| panic!("{profile_name}: no SHGW075"));
        assert_eq!(hit.object.kind, "PersistentVolumeClaim");
        let expected = if profile_name == "dev" {
            Severity::Warning
        } else {
            Severity::Error
        };
        assert_eq!(hit.severity, expected);
    }
    // With a class, or an existing claim, nothing is said.
    for backup in [
        "{enabled: true, storageClassName: azurefile-csi}",
        "{enabled: true, existingClaim: gw-backup}",
        "{enabled: true, accessMode: ReadWriteOnce}",
    ] {
        let text = text.replace("{enabled: true}", backup);
        let gateways = shgw::parse_gateways("gw.yaml", &text).unwrap();
        let out = shgw::resolve(&gateways[0], &dev)
            .and_then(|r| shgw::render(&r))
            .unwrap();
        assert!(
            out.warnings
                .iter()
                .all(|w| w.path != "spec.backup.storageClassName"),
            "{backup}: {:?}",
            out.warnings
        );
        let report = review_text(
            "gw.yaml",
            &out.to_yaml(),
            &shgw::Profile::embedded("production").unwrap(),
            now(),
        )
        .unwrap();
        assert!(
            report.findings.iter().all(|f| f.rule != "SHGW075"),
            "{backup}"
        );
    }
}

/// The gateway is recognised by what it is: an image mirrored into a private registry under
/// another name is reviewed exactly as Microsoft's, rolling-tag rule included, and in a pod with
/// a sidecar the gateway container is the one that receives the configuration endpoint.
#[test]
fn a_mirrored_image_is_reviewed_as_the_microsoft_image() {
    let review = |image: &str, profile_name: &str| {
        let text = format!(
            "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {{name: gw, namespace: apim}}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {{storageClassName: azurefile-csi}}\n  image: {image}\n  telemetry: {{metrics: {{prometheus: {{enabled: true}}}}}}\n"
        );
        let gateways = shgw::parse_gateways("gw.yaml", &text).unwrap();
        let profile = shgw::Profile::embedded(profile_name).unwrap();
        let out = shgw::render_with(
            "gw.yaml",
            &gateways,
            &profile,
            &shgw::RenderOptions::default(),
        )
        .unwrap();
        let report = review_text(
            "gw.yaml",
            &out.to_yaml(),
            &shgw::Profile::embedded(profile_name).unwrap(),
            now(),
        )
        .unwrap();
        assert_eq!(report.gateways.len(), 1, "{image}");
        let mut found: Vec<(String, String)> = report
            .findings
            .iter()
            .map(|f| (f.rule.clone(), f.path.clone()))
            .collect();
        found.sort();
        found
    };
    let mirror = "contosoacr.azurecr.io/mirror/apim-gateway";
    let microsoft = "mcr.microsoft.com/azure-api-management/gateway";
    let pinned = review(
        &format!("{{repository: {mirror}, tag: \"2.12.1\"}}"),
        "production",
    );
    assert_eq!(
        pinned,
        review(
            &format!("{{repository: {microsoft}, tag: \"2.12.1\"}}"),
            "production"
        )
    );
    // The container found is the gateway, not the statsd-exporter sidecar beside it.
    assert!(
        pinned
            .iter()
            .all(|(_, field)| !field.contains("containers[1]")),
        "{pinned:?}"
    );
    let rolling = review(&format!("{{repository: {mirror}, tag: v2}}"), "dev");
    assert!(
        rolling.iter().any(|(rule, _)| rule == "SHGW010"),
        "{rolling:?}"
    );
    assert_eq!(
        rolling,
        review(&format!("{{repository: {microsoft}, tag: v2}}"), "dev")
    );
}
