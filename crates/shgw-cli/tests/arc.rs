//! `shgw render -o arc-extension` and `shgw import` of an Arc extension as a user runs them:
//! JSON on stdout (an array for a fleet), the `az k8s-extension create` command and the gaps on
//! stderr, the token only in the protected settings and never on stderr, refused auth with
//! exit 1 and nothing on stdout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use shgw_testkit::{text, workspace};
use std::path::PathBuf;
use std::process::{Command, Output};

const TOKEN: &str = "GatewayKey contoso-west&209912312359&U2VjcmV0U2lnbmF0dXJlVmFsdWU0Mg==";
const SIGNATURE: &str = "U2VjcmV0U2lnbmF0dXJlVmFsdWU0Mg==";

fn shgw(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shgw"));
    cmd.args(args).current_dir(workspace());
    shgw_testkit::run_with_stdin(&mut cmd, stdin)
}

fn scratch(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shgw-cli-arc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn ok(out: &Output) -> (Value, String) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    (serde_json::from_slice(&out.stdout).unwrap(), err)
}

#[test]
fn one_gateway_prints_its_properties_and_the_az_command() {
    let (p, err) = ok(&shgw(
        &[
            "render",
            "-f",
            "examples/minimal.yaml",
            "-o",
            "arc-extension",
        ],
        None,
    ));
    assert_eq!(p["extensionType"], "Microsoft.ApiManagement.Gateway");
    assert_eq!(p["scope"]["namespace"]["targetNamespace"], "apim-gateway");
    let settings = p["configurationSettings"].as_object().unwrap();
    assert_eq!(
        settings["gateway.configuration.uri"],
        "contoso.configuration.azure-api.net"
    );
    for k in settings.keys() {
        assert!(shgw::arc::setting(k).is_some(), "{k} is not documented");
    }
    assert!(p.get("configurationProtectedSettings").is_none());
    // The az command: placeholders for the cluster, every setting as a flag, the token only
    // through a file.
    for needle in [
        "az k8s-extension create --cluster-type connectedClusters --cluster-name <CLUSTER> --resource-group <RESOURCE_GROUP>",
        "--extension-type Microsoft.ApiManagement.Gateway",
        "--scope namespace --target-namespace apim-gateway",
        "--configuration-settings gateway.configuration.uri=contoso.configuration.azure-api.net",
        "--configuration-protected-settings-file <PROTECTED_SETTINGS_FILE>",
        "--configuration-settings-file",
        "no token was given",
    ] {
        assert!(err.contains(needle), "{needle} not in\n{err}");
    }
    for (k, v) in settings {
        let flag = format!("--configuration-settings {k}={}", v.as_str().unwrap());
        assert!(err.contains(&flag), "{flag} not in\n{err}");
    }
    // The gaps, with whether plain objects make up for them.
    assert!(err.contains("the Azure Arc extension cannot express:"));
    assert!(err.contains("spec.networkPolicy: the extension renders no NetworkPolicy; can be added next to the extension as plain objects"));
    assert!(err.contains("spec.securityContext:"));
    assert!(err.contains("cannot be added next to the extension"));
    assert!(err.contains("the NetworkPolicy of this Gateway, to change as said above and apply next to the extension:"));
}

#[test]
fn a_token_goes_to_the_protected_settings_and_never_to_stderr() {
    let token = scratch("token.txt", TOKEN);
    let out = shgw(
        &[
            "render",
            "-f",
            "examples/minimal.yaml",
            "--token-file",
            token.to_str().unwrap(),
            "-o",
            "arc-extension",
        ],
        None,
    );
    let (p, err) = ok(&out);
    assert_eq!(
        p["configurationProtectedSettings"]["gateway.auth.token"],
        TOKEN
    );
    assert!(!p["configurationSettings"].to_string().contains(SIGNATURE));
    assert!(!err.contains(SIGNATURE), "{err}");
    assert!(err.contains("the configurationProtectedSettings object of stdout"));
}

#[test]
fn a_fleet_prints_an_array_in_file_order() {
    let fleet = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: west, namespace: apim-west}\nspec: {endpoint: contoso.configuration.azure-api.net, image: {tag: \"2.12.1\"}, backup: {storageClassName: azurefile-csi}}\n---\napiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: east, namespace: apim-east}\nspec: {endpoint: contoso.configuration.azure-api.net, image: {tag: \"2.12.1\"}, backup: {storageClassName: azurefile-csi}, replicas: 5}\n";
    let (p, err) = ok(&shgw(
        &["render", "-f", "-", "-o", "arc-extension"],
        Some(fleet),
    ));
    let items = p.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0]["scope"]["namespace"]["targetNamespace"],
        "apim-west"
    );
    assert_eq!(
        items[1]["scope"]["namespace"]["targetNamespace"],
        "apim-east"
    );
    assert_eq!(items[1]["configurationSettings"]["replicaCount"], "5");
    assert!(err.contains("Gateway west: with the Azure CLI"));
    assert!(err.contains("Gateway east: with the Azure CLI"));
    assert!(err.contains("--name east"));
}

#[test]
fn auth_the_extension_cannot_express_is_refused() {
    for (file, what) in [
        ("examples/fleet.yaml", "workload identity"),
        ("examples/entra.yaml", "Microsoft Entra"),
    ] {
        let out = shgw(&["render", "-f", file, "-o", "arc-extension"], None);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {err}");
        assert!(out.stdout.is_empty(), "{file}: something on stdout");
        assert!(err.contains("error:"), "{err}");
        assert!(err.contains("spec.auth"), "{err}");
        assert!(err.contains(what), "{err}");
        assert!(err.contains(file), "{err}");
    }
}

#[test]
fn an_invalid_gateway_is_refused_as_render_refuses_it() {
    let out = shgw(
        &[
            "render",
            "-f",
            "crates/shgw/tests/invalid/many-problems.yaml",
            "-o",
            "arc-extension",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn import_reads_az_show_output_from_a_file_and_stdin() {
    let show =
        std::fs::read_to_string(workspace().join("examples/arc/extension-show.json")).unwrap();
    for out in [
        shgw(&["import", "examples/arc/extension-show.json"], None),
        shgw(&["import", "-"], Some(&show)),
    ] {
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{err}");
        let yaml = text(&out.stdout);
        let gateways = shgw::parse_gateways("imported.yaml", &yaml).unwrap();
        assert_eq!(gateways[0].metadata.name, "contoso-west");
        // Unknown and uncarried settings are named on stderr.
        assert!(err.contains("setting monitoring.workspaceId"), "{err}");
        assert!(
            err.contains("gateway.configuration.additional.net.server.http.forwarded.proto.enabled is not one the extension's reference documents"),
            "{err}"
        );
    }
}

#[test]
fn import_of_render_output_gives_the_same_properties_back() {
    let (p, _) = ok(&shgw(
        &[
            "render",
            "-f",
            "examples/backup-hpa.yaml",
            "-o",
            "arc-extension",
        ],
        None,
    ));
    let props = scratch("props.json", &p.to_string());
    let out = shgw(
        &["import", props.to_str().unwrap(), "--name", "fabrikam-eu"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let gw = scratch("fabrikam.yaml", &text(&out.stdout));
    let (back, _) = ok(&shgw(
        &["render", "-f", gw.to_str().unwrap(), "-o", "arc-extension"],
        None,
    ));
    assert_eq!(back["configurationSettings"], p["configurationSettings"]);
    assert_eq!(back["scope"], p["scope"]);
}

#[test]
fn import_never_prints_a_protected_token() {
    let resource = format!(
        "{{\"type\": \"Microsoft.KubernetesConfiguration/extensions\", \"name\": \"gw\", \"properties\": {{\"extensionType\": \"Microsoft.ApiManagement.Gateway\", \"scope\": {{\"namespace\": {{\"targetNamespace\": \"apim\"}}}}, \"configurationSettings\": {{\"gateway.configuration.uri\": \"contoso.configuration.azure-api.net\"}}, \"configurationProtectedSettings\": {{\"gateway.auth.token\": \"{TOKEN}\"}}}}}}"
    );
    let out = shgw(&["import", "-"], Some(&resource));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stdout.contains(SIGNATURE) && !stderr.contains(SIGNATURE));
    assert!(stderr.contains("protected setting gateway.auth.token"));
}

#[test]
fn name_is_for_arc_extensions_only() {
    let out = shgw(
        &["import", "examples/portal/contoso-west.yml", "--name", "x"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    // Manifests still import as before.
    let out = shgw(&["import", "examples/portal/contoso-west.yml"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn the_printed_command_gives_the_objects_to_add_next_to_the_extension() {
    let Some(jq) = shgw_testkit::tool("jq") else {
        return;
    };
    let out = shgw(
        &[
            "render",
            "-f",
            "examples/alerts.yaml",
            "-o",
            "arc-extension",
        ],
        None,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let line = err
        .lines()
        .find(|l| l.trim_start().starts_with("shgw render ") && l.contains("| jq "))
        .unwrap_or_else(|| panic!("no render | jq command in\n{err}"));
    // Run it as printed, with this build's shgw and the jq found, to stdout.
    let (pipeline, file) = line.trim().rsplit_once(" > ").unwrap();
    assert_eq!(file, "woodgrove-alongside.json");
    let pipeline = pipeline
        .replacen("shgw ", &format!("'{}' ", env!("CARGO_BIN_EXE_shgw")), 1)
        .replacen("| jq ", &format!("| '{}' ", jq.display()), 1);
    let run = Command::new("sh")
        .args(["-c", &format!("set -e; {pipeline}")])
        .current_dir(workspace())
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", text(&run.stderr));
    let list: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(list["kind"], "List");
    let kinds: Vec<(&str, &str)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["kind"].as_str().unwrap(),
                o["metadata"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    // The gateway's policy and rules; not the renewer's policy (no renewer runs with Arc).
    assert_eq!(
        kinds,
        [
            ("PrometheusRule", "woodgrove"),
            ("NetworkPolicy", "woodgrove")
        ]
    );
}
