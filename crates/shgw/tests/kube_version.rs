//! `for_kube_version`: every example under every profile (and with the options that add
//! objects: the admission policy, the Namespace) rendered for each supported minor version, from the oldest to the
//! newest `kubernetes-validate` knows, is valid for that version (`--strict`, unknown fields
//! rejected); what cannot be served is refused; the newest versions get the default output.
//! kubernetes-validate ships no schema below 1.25, and the test API server is v1.20, below the
//! oldest supported version, so neither checks older versions (they are refused).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use shgw::kube_version::{KubeVersion, NEWEST_CHECKED, OLDEST_SUPPORTED, REQUIREMENTS, WhenOlder};
use std::process::Command;

/// The renewal example with its admission policy turned on.
fn with_admission_policy() -> (String, String) {
    let text = std::fs::read_to_string(common::workspace().join("examples/renewal.yaml")).unwrap();
    let text = text.replace(
        "        image:\n          repository: registry.fabrikam.example",
        "        admissionPolicy: {enabled: true}\n        image:\n          repository: registry.fabrikam.example",
    );
    assert!(text.contains("admissionPolicy"));
    ("renewal-admission-policy".into(), text)
}

/// `(label, manifests)` of every example under every profile, plus the option variants.
fn renders() -> Vec<(String, shgw::Manifests)> {
    let mut inputs = common::examples();
    inputs.push(with_admission_policy());
    // The fleet with a Namespace object for each of its gateways.
    let (_, fleet) = inputs.iter().find(|(n, _)| n == "fleet").unwrap().clone();
    let namespaced = fleet.replace("\nspec:\n", "\nspec:\n  namespace: {create: true}\n");
    assert!(namespaced.contains("create: true"));
    inputs.push(("fleet-namespaces".into(), namespaced));
    let mut out = Vec::new();
    for (name, text) in &inputs {
        for profile in common::PROFILES {
            out.push((
                format!("{name}/{profile}"),
                common::render(name, text, profile),
            ));
        }
    }
    out
}

fn minors() -> impl Iterator<Item = KubeVersion> {
    (OLDEST_SUPPORTED.minor..=NEWEST_CHECKED.minor).map(|m| KubeVersion::new(1, m))
}

/// Starts `kubernetes-validate --strict -k <version>.0 FILE`.
fn start_validate(
    kv: &std::path::Path,
    version: KubeVersion,
    file: &std::path::Path,
) -> std::process::Child {
    Command::new(kv)
        .args(["--strict", "--quiet", "-k", &format!("{version}.0")])
        .arg(file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Whether it passed, and what it said.
fn finish(child: std::process::Child) -> (bool, String) {
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn every_render_is_valid_for_each_supported_minor() {
    let Some(kv) = common::tool("kubernetes-validate") else {
        return;
    };
    let dir = common::scratch("kube-version");
    let renders = renders();
    let mut running = Vec::new();
    for version in minors() {
        let mut stream = String::new();
        let mut refused = 0;
        for (label, manifests) in &renders {
            match shgw::kube_version::for_kube_version(label, manifests.clone(), version) {
                Ok(m) => {
                    if !stream.is_empty() {
                        stream.push_str("---\n");
                    }
                    stream.push_str(&m.to_yaml());
                }
                Err(e) => {
                    // Only the admission policy is refused, below 1.30, naming the field.
                    assert!(
                        version < KubeVersion::new(1, 30),
                        "{label} for {version}: {e}"
                    );
                    let text = e.to_string();
                    assert!(
                        text.contains("spec.auth.token.renewal.admissionPolicy.enabled")
                            && text.contains("needs Kubernetes 1.30"),
                        "{text}"
                    );
                    refused += 1;
                }
            }
        }
        let expect_refused = if version < KubeVersion::new(1, 30) {
            3
        } else {
            0
        };
        assert_eq!(refused, expect_refused, "for {version}");
        let file = dir.join(format!("all-{version}.yaml"));
        std::fs::write(&file, &stream).unwrap();
        // One run per version, all at once (each takes seconds).
        running.push((version, start_validate(&kv, version, &file)));
    }
    for (version, child) in running {
        let (ok, report) = finish(child);
        assert!(
            ok,
            "rendered for {version}, kubernetes-validate -k {version}.0 --strict:\n{report}"
        );
    }
}

#[test]
fn the_default_output_is_what_the_oldest_version_rejects() {
    // The check above can fail: the default output is not valid for 1.25.
    let Some(kv) = common::tool("kubernetes-validate") else {
        return;
    };
    let dir = common::scratch("kube-version-default");
    let (name, text) = common::examples()
        .into_iter()
        .find(|(n, _)| n == "minimal")
        .unwrap();
    let file = dir.join("minimal.yaml");
    std::fs::write(&file, common::render(&name, &text, "production").to_yaml()).unwrap();
    let (ok, report) = finish(start_validate(&kv, OLDEST_SUPPORTED, &file));
    assert!(!ok, "the default output passed for 1.25");
    assert!(report.contains("unhealthyPodEvictionPolicy"), "{report}");
}

#[test]
fn versions_with_every_requirement_get_the_default_output() {
    let newest_needed = REQUIREMENTS.iter().map(|r| r.since).max().unwrap();
    for (label, manifests) in renders() {
        for version in [newest_needed, NEWEST_CHECKED, KubeVersion::new(1, 40)] {
            let out =
                shgw::kube_version::for_kube_version(&label, manifests.clone(), version).unwrap();
            assert_eq!(out, manifests, "{label} for {version}");
        }
    }
}

#[test]
fn what_is_left_out_is_said_and_only_that_is_left_out() {
    let renders = renders();
    let (_, minimal) = renders
        .iter()
        .find(|(l, _)| l == "minimal/production")
        .unwrap();
    let out = shgw::kube_version::for_kube_version("m", minimal.clone(), KubeVersion::new(1, 26))
        .unwrap();
    let before = minimal.to_yaml();
    let after = out.to_yaml();
    for r in REQUIREMENTS
        .iter()
        .filter(|r| r.when_older == WhenOlder::Omit)
    {
        let leaf = r.field.rsplit('.').next().unwrap();
        assert!(
            before.contains(leaf) && !after.contains(leaf),
            "{}",
            r.field
        );
        assert!(
            out.warnings
                .iter()
                .any(|w| w.message.contains(r.field) && w.message.contains("needs 1.27")),
            "{:?}",
            out.warnings
        );
    }
    // Nothing else changed: removing the two lines from the default output gives the result.
    let kept: Vec<&str> = before
        .lines()
        .filter(|l| !l.contains("unhealthyPodEvictionPolicy"))
        .collect();
    let mut kept = kept.join("\n");
    kept.push('\n');
    let kept = kept.replace("        matchLabelKeys:\n        - pod-template-hash\n", "");
    assert_eq!(after, kept);
    // Warnings name the gateway.
    assert!(
        out.warnings
            .iter()
            .all(|w| w.gateway.as_deref() == Some("contoso-west"))
    );
}
