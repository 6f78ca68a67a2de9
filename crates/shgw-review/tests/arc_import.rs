//! `shgw import` of an Azure Arc extension: `az k8s-extension show` output, an ARM template and
//! the properties alone become Gateway files whose `-o arc-extension` render gives the same
//! settings back; every setting not carried over is named; protected settings are never
//! printed. The import of the recorded `show` output is a reviewed snapshot.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use shgw_review::{ErrorKind, Imported, import_arc_extension, is_arc_extension};
use shgw_testkit::workspace;
use std::collections::BTreeMap;

const SIGNATURE: &str = "U2VjcmV0U2lnbmF0dXJlVmFsdWU0Mg==";

fn show() -> Value {
    let text =
        std::fs::read_to_string(workspace().join("examples/arc/extension-show.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(workspace().join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

/// The Gateway files of `imported` rendered as extensions under `profile`: their settings.
fn rendered(imported: &Imported, profile: &str) -> Vec<BTreeMap<String, String>> {
    let yaml = imported.to_yaml();
    let gateways =
        shgw::parse_gateways("imported.yaml", &yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    let p = shgw::Profile::embedded(profile).unwrap();
    gateways
        .iter()
        .map(|g| {
            let r = shgw::resolve(g, &p).unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
            shgw::arc::extension(&r, None).unwrap().settings
        })
        .collect()
}

fn flat(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

/// Every setting of `input` comes back from `output` with its value, or is named in the
/// notes, or is left out of `output` while equal to the extension's documented default.
fn assert_round_trip(
    input: &BTreeMap<String, String>,
    output: &BTreeMap<String, String>,
    notes: &[String],
) {
    for (k, v) in input {
        let named = notes.iter().any(|n| n.contains(&format!("setting {k} ")));
        let default = shgw::arc::setting(k).and_then(|s| s.default) == Some(v.as_str());
        match output.get(k) {
            Some(back) => assert_eq!(back, v, "{k}"),
            None => assert!(named || default, "{k}={v} lost without a note"),
        }
    }
    for k in output.keys() {
        assert!(shgw::arc::setting(k).is_some(), "{k} is not documented");
    }
}

#[test]
fn az_show_output_round_trips() {
    let input = show();
    assert!(is_arc_extension(&input));
    let imported = import_arc_extension("extension-show.json", &input, None, None).unwrap();
    assert_eq!(imported.documents.len(), 1);
    let doc = &imported.documents[0];
    assert_eq!(doc["metadata"]["name"], "contoso-west");
    assert_eq!(doc["metadata"]["namespace"], "apim-gateway");
    let original = flat(&input["configurationSettings"]);
    // Under every profile: the Gateway file states what the extension did, so a profile's own
    // defaults do not change the settings.
    for profile in ["production", "dev"] {
        let back = rendered(&imported, profile);
        assert_round_trip(&original, &back[0], &imported.notes);
    }
    // The settings shgw has no field for are named, and only those.
    for k in [
        "monitoring.workspaceId",
        "gateway.configuration.additional.net.server.http.forwarded.proto.enabled",
    ] {
        assert!(
            imported
                .notes
                .iter()
                .any(|n| n.contains(&format!("setting {k} "))),
            "{k} not named: {:?}",
            imported.notes
        );
    }
    assert!(
        imported
            .notes
            .iter()
            .any(|n| n.contains("not one the extension's reference documents"))
    );
    settings().bind(|| insta::assert_snapshot!("import__arc-show", imported.to_yaml()));
}

#[test]
fn the_properties_render_writes_come_back_the_same() {
    // Every example the extension can express: render, import the properties alone (no name),
    // render again: the same configurationSettings.
    let dir = workspace().join("examples");
    let mut checked = 0;
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let p = shgw::Profile::embedded("production").unwrap();
        for g in shgw::parse_gateways(&name, &text).unwrap() {
            let r = shgw::resolve(&g, &p).unwrap();
            let Ok(ext) = shgw::arc::extension(&r, None) else {
                continue;
            };
            let props = ext.properties();
            let imported =
                import_arc_extension("properties.json", &props, Some(r.name()), None).unwrap();
            assert_eq!(imported.documents[0]["metadata"]["name"], r.name());
            let back = rendered(&imported, "production");
            assert_eq!(back[0], ext.settings, "{name}: {}", r.name());
            checked += 1;
        }
    }
    assert!(checked >= 7, "{checked}");
}

#[test]
fn a_template_with_a_token_and_other_extensions() {
    let props = |ns: &str, uri: &str| {
        json!({
            "extensionType": "Microsoft.ApiManagement.Gateway",
            "autoUpgradeMinorVersion": false,
            "version": "1.0.4",
            "releaseTrain": "Stable",
            "scope": {"namespace": {"targetNamespace": ns}},
            "configurationSettings": {"gateway.configuration.uri": uri, "replicaCount": 2, "image.tag": "[parameters('tag')]", "gateway.auth.token": format!("GatewayKey plain&209912312359&{SIGNATURE}")},
            "configurationProtectedSettings": {"gateway.auth.token": format!("GatewayKey x&209912312359&{SIGNATURE}"), "monitoring.ingestionKey": SIGNATURE}
        })
    };
    let template = json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [
            {"type": "Microsoft.KubernetesConfiguration/extensions", "apiVersion": "2024-11-01", "name": "flux",
             "properties": {"extensionType": "microsoft.flux", "configurationSettings": {}}},
            {"type": "Microsoft.KubernetesConfiguration/extensions", "apiVersion": "2024-11-01", "name": "gw-west",
             "properties": props("apim-west", "contoso.configuration.azure-api.net")},
            {"type": "Microsoft.KubernetesConfiguration/extensions", "apiVersion": "2024-11-01", "name": "[parameters('name')]",
             "properties": props("apim-east", "https://fabrikam.configuration.azure-api.net")}
        ]
    });
    assert!(is_arc_extension(&template));
    let imported = import_arc_extension("template.json", &template, None, None).unwrap();
    let names: Vec<&str> = imported
        .documents
        .iter()
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    // An ARM expression is no name: the configuration endpoint's first label is used.
    assert_eq!(names, ["gw-west", "fabrikam"]);
    assert_eq!(imported.documents[1]["metadata"]["namespace"], "apim-east");
    assert_eq!(imported.documents[0]["spec"]["replicas"], 2);
    let all = format!("{}\n{}", imported.to_yaml(), imported.notes.join("\n"));
    assert!(
        !all.contains(SIGNATURE),
        "a protected or token value was printed:\n{all}"
    );
    for needle in [
        "protected setting gateway.auth.token",
        "protected setting monitoring.ingestionKey",
        "gateway.auth.token is a plain (not protected) setting",
        "microsoft.flux",
        "releaseTrain Stable",
        "pinned version",
        "named after the configuration endpoint",
        "setting image.tag is an ARM template expression",
    ] {
        assert!(all.contains(needle), "{needle} not in\n{all}");
    }
    // Two Gateways; the expression carried as written is refused by name when rendered.
    let gateways = shgw::parse_gateways("imported.yaml", &imported.to_yaml()).unwrap();
    assert_eq!(gateways.len(), 2);
    let dev = shgw::Profile::embedded("dev").unwrap();
    for g in &gateways {
        let problems = shgw::resolve(g, &dev)
            .err()
            .map(shgw::Error::into_problems)
            .unwrap_or_default();
        let refused = problems.iter().any(|d| d.path == "spec.image.tag");
        assert!(refused, "{}: {problems:?}", g.metadata.name);
    }
}

#[test]
fn names_collide_into_distinct_gateways() {
    let one = json!({"extensionType": "Microsoft.ApiManagement.Gateway", "configurationSettings": {"gateway.configuration.uri": "contoso.configuration.azure-api.net"}});
    let imported =
        import_arc_extension("fleet.json", &json!([one.clone(), one]), None, Some("apim")).unwrap();
    let names: Vec<&str> = imported
        .documents
        .iter()
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["contoso", "contoso-2"]);
    assert_eq!(imported.documents[1]["metadata"]["namespace"], "apim");
}

#[test]
fn what_cannot_be_imported_is_an_error_naming_the_field() {
    let no_gateway = json!({"name": "flux", "properties": {"extensionType": "microsoft.flux"}});
    match import_arc_extension("x.json", &no_gateway, None, None) {
        Err(e) if e.kind() == ErrorKind::Values => {
            assert_eq!(e.path(), "extensionType");
            assert!(e.detail().contains("Microsoft.ApiManagement.Gateway"));
        }
        other => panic!("{other:?}"),
    }
    let no_uri = json!({"extensionType": "Microsoft.ApiManagement.Gateway", "configurationSettings": {"replicaCount": "3"}});
    match import_arc_extension("x.json", &no_uri, None, None) {
        Err(e) if e.kind() == ErrorKind::Values => {
            assert_eq!(e.path(), "configurationSettings.gateway.configuration.uri")
        }
        other => panic!("{other:?}"),
    }
    assert!(!is_arc_extension(
        &json!({"apiVersion": "apps/v1", "kind": "Deployment"})
    ));
    assert!(!is_arc_extension(&json!([1, 2])));
}

#[test]
fn settings_that_fit_no_gateway_field_are_each_named_and_nothing_is_written() {
    let show = json!([
        {"name": "ok", "extensionType": "Microsoft.ApiManagement.Gateway",
         "configurationSettings": {"gateway.configuration.uri": "a.configuration.azure-api.net"}},
        {"name": "bad", "extensionType": "Microsoft.ApiManagement.Gateway",
         "configurationSettings": {
             "gateway.configuration.uri": "b.configuration.azure-api.net",
             "replicaCount": "many",
             "telemetry.logs.std": "xml",
             "tolerations[0].tolerationSeconds": "soon"
         }}
    ]);
    let e = import_arc_extension("show.json", &show, None, None).unwrap_err();
    assert_eq!(
        (e.kind(), e.file()),
        (ErrorKind::DoesNotFit, "show.json"),
        "{e:?}"
    );
    let misfits = e.misfits();
    assert!(misfits.iter().all(|m| m.gateway == "bad"), "{misfits:?}");
    let fields: Vec<(&str, &str)> = misfits
        .iter()
        .map(|m| (m.input_field.as_str(), m.gateway_field.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            (
                "show.json: [1].configurationSettings.replicaCount",
                "spec.replicas"
            ),
            (
                "show.json: [1].configurationSettings.telemetry.logs.std",
                "spec.telemetry.logs.std"
            ),
            (
                "show.json: [1].configurationSettings.tolerations",
                "spec.pod.tolerations[0].tolerationSeconds"
            ),
        ]
    );
    assert!(e.to_string().contains(
        "\n  gateway bad: show.json: [1].configurationSettings.replicaCount: does not fit spec.replicas: "
    ), "{e}");
}
