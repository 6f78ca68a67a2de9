//! `shgw render -o arc-extension`: the Azure Arc cluster extension's ARM `properties` on stdout
//! (an array for a fleet); on stderr, the `az k8s-extension create` command that installs the
//! same, and what the extension cannot express.

use crate::args::InputArgs;
use crate::{Failure, Output};
use shgw::{
    Gateway, Profile, Token,
    arc::{ArcExtension, ArcRemedy},
};

/// Where the protected settings file goes in the printed command: the token never does.
const PROTECTED_FILE: &str = "<PROTECTED_SETTINGS_FILE>";

/// Text from the input made safe for one line of stderr: control characters (and the Unicode
/// line separators) written as `\u{...}`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` quoted for a POSIX shell when it holds anything but plain characters.
fn shell(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", escape(text).replace('\'', r"'\''"))
    }
}

/// The properties of every gateway (already rendered once, so every check has passed), and the
/// notes for stderr. `warnings` are the render's own.
pub(crate) fn render(
    source: &str,
    input: &InputArgs,
    gateways: &[Gateway],
    profile: &Profile,
    token: Option<&Token>,
    warnings: Vec<String>,
) -> Result<Output, Failure> {
    let mut extensions = Vec::new();
    for g in gateways {
        let resolved = shgw::resolve(g, profile).map_err(|e| Failure::from(e.in_input(source)))?;
        // A token belongs to the gateway it was issued for, or to the only one (as in render).
        let mine =
            token.filter(|t| gateways.len() == 1 || resolved.gateway_name() == t.gateway_id());
        let ext = shgw::arc::extension(&resolved, mine)
            .map_err(|e| Failure::invalid(format!("{source}: {e}")))?;
        extensions.push(ext);
    }
    let value = match extensions.as_slice() {
        [one] => one.properties(),
        many => serde_json::Value::Array(many.iter().map(ArcExtension::properties).collect()),
    };
    let mut stdout = serde_json::to_string_pretty(&value)
        .map_err(|e| Failure::invalid(format!("cannot write JSON: {e}")))?;
    stdout.push('\n');
    let mut stderr = warnings;
    stderr.push(format!(
        "note: stdout is the properties of {} Microsoft.KubernetesConfiguration/extensions resource{} (api-version 2024-11-01) scoped to the Azure Arc-enabled cluster, ready for ARM or Bicep",
        if extensions.len() == 1 { "a" } else { "each" },
        if extensions.len() == 1 { "" } else { " (one per gateway, in file order)" }
    ));
    let again = render_command(input);
    for ext in &extensions {
        stderr.extend(az_command(ext));
        stderr.extend(gaps(ext, &again));
    }
    Ok(Output { stdout, stderr })
}

/// The `az k8s-extension create` command that installs the same: settings as flags, the token
/// only through a file.
fn az_command(ext: &ArcExtension) -> Vec<String> {
    let mut out = vec![format!(
        "note: Gateway {}: with the Azure CLI (az extension add --name k8s-extension):",
        escape(&ext.gateway)
    )];
    out.push(
        "  az k8s-extension create --cluster-type connectedClusters --cluster-name <CLUSTER> --resource-group <RESOURCE_GROUP> \\"
            .to_owned(),
    );
    out.push(format!(
        "    --name {} --extension-type {} --release-train {} --auto-upgrade-minor-version {} \\",
        shell(&ext.gateway),
        shgw::arc::EXTENSION_TYPE,
        shell(&ext.release_train),
        ext.auto_upgrade_minor_version
    ));
    out.push(format!(
        "    --scope namespace --target-namespace {} \\",
        shell(&ext.target_namespace)
    ));
    for (k, v) in &ext.settings {
        out.push(format!(
            "    --configuration-settings {} \\",
            shell(&format!("{k}={v}"))
        ));
    }
    out.push(format!(
        "    --configuration-protected-settings-file {PROTECTED_FILE}"
    ));
    let token = if ext.has_token() {
        "the configurationProtectedSettings object of stdout"
    } else {
        "no token was given (render with --token-file or --token-env to have it in configurationProtectedSettings)"
    };
    out.push(format!(
        "  {PROTECTED_FILE}: a JSON file {{\"{}\": \"GatewayKey ...\"}} with the gateway's token, never on a command line; {token}",
        shgw::arc::TOKEN_SETTING
    ));
    out.push(
        "  (or save stdout's configurationSettings to a file and pass --configuration-settings-file FILE instead of the flags)"
            .to_owned(),
    );
    out
}

/// The `shgw render` command line of this input (file, profile, overrides) with `-o json`.
fn render_command(input: &InputArgs) -> String {
    let mut cmd = String::from("shgw render");
    if let Some(f) = input.file.as_deref() {
        cmd.push_str(&format!(" -f {}", shell(f)));
    }
    cmd.push_str(&format!(" --profile {}", shell(&input.profile)));
    for s in &input.set {
        cmd.push_str(&format!(" --set {}", shell(s)));
    }
    cmd.push_str(" -o json");
    cmd
}

/// What the extension cannot express, one line each, saying whether plain objects next to it
/// make up for it; `render` is the `shgw render` command that prints those objects.
fn gaps(ext: &ArcExtension, render: &str) -> Vec<String> {
    if ext.gaps.is_empty() {
        return Vec::new();
    }
    let mut out = vec![format!(
        "warning: Gateway {}: the Azure Arc extension cannot express:",
        escape(&ext.gateway)
    )];
    for g in &ext.gaps {
        out.push(format!("  - {}", escape(&g.to_string())));
    }
    let alongside: Vec<&str> = ext
        .gaps
        .iter()
        .filter_map(|g| match &g.remedy {
            ArcRemedy::Alongside { kinds, .. } => Some(kinds.iter().copied()),
            _ => None,
        })
        .flatten()
        .collect();
    if !alongside.is_empty() {
        let kinds = alongside
            .iter()
            .map(|k| format!(".kind == \"{k}\""))
            .collect::<Vec<_>>()
            .join(" or ");
        out.push(format!(
            "  the {} of this Gateway, to change as said above and apply next to the extension:",
            alongside.join(" and "),
        ));
        out.push(format!(
            "    {render} | jq '.items |= map(select(.metadata.labels[\"app.kubernetes.io/instance\"] == \"{}\" and .metadata.labels[\"app.kubernetes.io/component\"] == \"self-hosted-gateway\" and ({kinds})))' > {}-alongside.json",
            escape(&ext.gateway),
            escape(&ext.gateway)
        ));
    }
    out
}
