//! `shgw token renew`: the flags, the call into `shgw-renew`, and the report of what it did.

use crate::{Failure, Output};
use clap::Args;
use shgw::defaults::{
    RENEWER_LAST_SUCCESS_ANNOTATION, TOKEN_EXPIRY_ANNOTATION, TOKEN_FINGERPRINT_ANNOTATION,
};
use shgw_renew::{
    Action, Endpoint, ErrorKind, GatewayRef, KeyType, KubeAccess, Outcome, Request, Rollout, Target,
};
use std::path::PathBuf;

/// Flags of `shgw token renew`.
#[derive(Args)]
pub struct RenewArgs {
    /// Namespace of the Secret and the Deployment.
    #[arg(long, value_name = "NS")]
    pub namespace: String,
    /// The Secret holding the token.
    #[arg(long, value_name = "NAME")]
    pub secret: String,
    /// The Secret's key holding `GatewayKey ...`.
    #[arg(long, value_name = "KEY", default_value = shgw::defaults::TOKEN_SECRET_KEY)]
    pub secret_key: String,
    /// The gateway's Deployment: its pod template annotation shgw.dev/token-fingerprint is set
    /// to the new token's fingerprint so its pods roll.
    #[arg(long, value_name = "NAME")]
    pub deployment: Option<String>,
    /// Azure subscription id of the API Management service.
    #[arg(long, value_name = "ID")]
    pub subscription: String,
    /// Resource group of the API Management service.
    #[arg(long, value_name = "RG")]
    pub resource_group: String,
    /// API Management service name.
    #[arg(long, value_name = "APIM")]
    pub service: String,
    /// Gateway id in API Management.
    #[arg(long, value_name = "GATEWAY")]
    pub gateway: String,
    /// Renew when the stored token has less than this left (d, h or m).
    #[arg(long, value_name = "DURATION", default_value = shgw::defaults::RENEW_BEFORE)]
    pub renew_before: String,
    /// Validity of a new token (at most 30d).
    #[arg(long, value_name = "DURATION", default_value = shgw::defaults::RENEWAL_VALIDITY)]
    pub validity: String,
    /// The gateway key that signs the new token.
    #[arg(long, value_name = "KEY", value_parser = key_type(), default_value = KeyType::Primary.as_str())]
    pub key: KeyType,
    /// Azure Resource Manager endpoint (the help text names the sovereign clouds).
    #[arg(
        long,
        value_name = "URL",
        default_value = Endpoint::PUBLIC_ARM,
        help = "Azure Resource Manager endpoint (sovereign clouds: https://management.chinacloudapi.cn, https://management.usgovcloudapi.net)"
    )]
    pub arm_endpoint: String,
    /// Kubeconfig file; without it, the pod's ServiceAccount in a cluster, else KUBECONFIG or
    /// ~/.kube/config.
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// Renew even when the stored token has more than --renew-before left.
    #[arg(long)]
    pub force: bool,
    /// Do everything but the writes (sent to the API server as dry runs) and say what would be
    /// written.
    #[arg(long)]
    pub dry_run: bool,
    /// Time budget of the run (s, m or h): retries stop early enough to finish within it.
    /// Without it, the renewer Job's own activeDeadlineSeconds.
    #[arg(long, value_name = "DURATION")]
    pub deadline: Option<String>,
}

/// `--deadline`: `<n>s`, or a duration of minutes or hours (`10m`).
fn deadline(text: &str) -> Result<std::time::Duration, Failure> {
    let seconds = match text.strip_suffix('s') {
        Some(digits)
            if !digits.is_empty()
                && digits.len() <= 6
                && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            digits.parse::<u64>().ok()
        }
        Some(_) => None,
        None => shgw::spec::parse_duration(text)
            .ok()
            .and_then(|d| u64::try_from(d.as_secs()).ok()),
    };
    match seconds {
        Some(s) if s > 0 => Ok(std::time::Duration::from_secs(s)),
        _ => Err(Failure::usage(format!(
            "--deadline: {text:?} is not a duration: write a whole number of seconds, minutes or hours (600s, 10m, 1h)"
        ))),
    }
}

/// `--key`: the Gateway file's key types, by the names it writes.
fn key_type() -> impl clap::builder::TypedValueParser<Value = KeyType> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(KeyType::ALL.iter().map(|k| k.as_str())).try_map(
        |text| {
            KeyType::ALL
                .iter()
                .copied()
                .find(|k| k.as_str() == text)
                .ok_or("not a key type")
        },
    )
}

/// Runs the renewal with the process environment and clock.
pub(crate) fn run(a: Box<RenewArgs>) -> Result<Output, Failure> {
    let request = request(&a)?;
    // Retries and notes go to stderr as they happen: a Job's log shows them even when the
    // deadline ends the pod.
    let log = |line: &str| {
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), "shgw token renew: {line}");
    };
    let outcome = shgw_renew::renew(&request, |k| std::env::var(k).ok(), log).map_err(|e| {
        match e.kind() {
            // Flag values out of range are usage errors, like the ones clap finds.
            ErrorKind::Usage => Failure::usage(e.to_string()),
            _ => Failure::invalid(crate::chain(&e)),
        }
    })?;
    Ok(Output {
        stdout: report(&a, &outcome),
        stderr: Vec::new(),
    })
}

fn duration(flag: &str, text: &str) -> Result<jiff::SignedDuration, Failure> {
    shgw::spec::parse_duration(text).map_err(|e| Failure::usage(format!("{flag}: {e}")))
}

fn request(a: &RenewArgs) -> Result<Request, Failure> {
    Ok(Request {
        target: Target {
            namespace: a.namespace.clone(),
            secret: a.secret.clone(),
            secret_key: a.secret_key.clone(),
            deployment: a.deployment.clone(),
        },
        gateway: GatewayRef {
            subscription: a.subscription.clone(),
            resource_group: a.resource_group.clone(),
            service: a.service.clone(),
            gateway: a.gateway.clone(),
        },
        renew_before: duration("--renew-before", &a.renew_before)?,
        validity: duration("--validity", &a.validity)?,
        key: a.key,
        arm: Endpoint::parse("--arm-endpoint", &a.arm_endpoint)
            .map_err(|e| Failure::usage(e.to_string()))?,
        kube: a
            .kubeconfig
            .clone()
            .map_or(KubeAccess::Infer, KubeAccess::Kubeconfig),
        force: a.force,
        dry_run: a.dry_run,
        now: jiff::Timestamp::now(),
        deadline: match &a.deadline {
            Some(text) => deadline(text)?,
            None => std::time::Duration::from_secs(
                shgw::defaults::RENEWER_ACTIVE_DEADLINE_SECONDS.unsigned_abs(),
            ),
        },
    })
}

/// What was done, one line per object; never the token.
fn report(a: &RenewArgs, outcome: &Outcome) -> String {
    let ns = &a.namespace;
    let secret = format!("Secret {ns}/{}", a.secret);
    let (would, store) = if outcome.dry_run {
        ("would ", "would store")
    } else {
        ("", "stored")
    };
    let mut lines = Vec::new();
    match &outcome.action {
        Action::Kept {
            expiry,
            days_left,
            annotated,
        } => {
            lines.push(format!(
                "{secret}: the token for gateway {} expires at {expiry} ({days_left:.1} days left, more than --renew-before {}); not renewed, Azure not called",
                a.gateway, a.renew_before
            ));
            if *annotated {
                lines.push(format!(
                    "{secret}: {would}set annotation {TOKEN_EXPIRY_ANNOTATION}={expiry} (it did not match the stored token)"
                ));
            }
        }
        Action::Renewed {
            reason,
            expiry,
            fingerprint,
        } => lines.push(format!(
            "{secret}: {reason}; {store} a new token for gateway {} expiring at {expiry} (fingerprint {fingerprint}) in data.{} with annotation {TOKEN_EXPIRY_ANNOTATION}={expiry}",
            a.gateway, a.secret_key
        )),
    }
    let deployment = a.deployment.as_deref().unwrap_or_default();
    match &outcome.rollout {
        Rollout::Patched { fingerprint } => lines.push(format!(
            "Deployment {ns}/{deployment}: {would}set pod template annotation {TOKEN_FINGERPRINT_ANNOTATION}={fingerprint}, so its pods roll to the stored token"
        )),
        Rollout::Current => lines.push(format!(
            "Deployment {ns}/{deployment}: its pod template already names the stored token ({TOKEN_FINGERPRINT_ANNOTATION})"
        )),
        Rollout::NoDeployment => {
            if matches!(outcome.action, Action::Renewed { .. }) {
                lines.push(
                    "no --deployment given: restart the gateway pods so they read the new token (kubectl rollout restart deployment/<name> -n <namespace>)".to_owned(),
                );
            }
        }
    }
    lines.push(format!(
        "{secret}: {would}set annotation {RENEWER_LAST_SUCCESS_ANNOTATION}={}",
        outcome.last_success
    ));
    // The run's last write, the success stamp, is always made (or would be).
    if outcome.dry_run {
        lines.push(
            "dry run: the API server accepted these writes as dry runs; nothing was changed"
                .to_owned(),
        );
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::args::{Cli, Command, TokenCommand};
    use clap::Parser as _;

    /// The CronJob's command line, as `shgw render` writes it for `examples/renewal.yaml`.
    fn rendered_args() -> Vec<String> {
        let text = std::fs::read_to_string("../../examples/renewal.yaml").unwrap();
        let gateways = shgw::parse_gateways("renewal.yaml", &text).unwrap();
        let profile = shgw::Profile::embedded("production").unwrap();
        let out = shgw::resolve(&gateways[0], &profile)
            .and_then(|r| shgw::render(&r))
            .unwrap();
        let cron = out
            .to_values()
            .into_iter()
            .find(|o| o["kind"] == "CronJob")
            .unwrap();
        let container = &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0];
        serde_json::from_value(container["args"].clone()).unwrap()
    }

    #[test]
    fn the_rendered_renewer_command_line_is_one_this_binary_reads() {
        let args = rendered_args();
        let cli = Cli::try_parse_from(std::iter::once("shgw".to_owned()).chain(args.clone()))
            .unwrap_or_else(|e| panic!("{e}\n{args:?}"));
        let Command::Token(TokenCommand::Renew(a)) = cli.command else {
            panic!("not `token renew`: {args:?}");
        };
        let Ok(request) = request(&a) else {
            panic!("the rendered flags are refused: {args:?}");
        };
        assert_eq!(
            request.deadline,
            std::time::Duration::from_secs(600),
            "the Job's activeDeadlineSeconds"
        );
        // Nothing the renderer writes is left to a default of the command line: a default
        // changed in one place cannot change a deployed renewer's behaviour silently.
        for flag in ["--renew-before", "--validity", "--key", "--arm-endpoint"] {
            assert!(args.iter().any(|a| a == flag), "{flag} missing in {args:?}");
        }
    }

    #[test]
    fn defaults_of_the_command_line_are_the_gateway_files_defaults() {
        let cli = Cli::try_parse_from([
            "shgw",
            "token",
            "renew",
            "--namespace",
            "n",
            "--secret",
            "s",
            "--subscription",
            "sub",
            "--resource-group",
            "rg",
            "--service",
            "apim",
            "--gateway",
            "gw",
        ])
        .unwrap();
        let Command::Token(TokenCommand::Renew(a)) = cli.command else {
            panic!("not `token renew`");
        };
        let Ok(r) = request(&a) else {
            panic!("the defaults are refused");
        };
        assert_eq!(
            r.renew_before,
            shgw::spec::parse_duration(shgw::defaults::RENEW_BEFORE).unwrap()
        );
        assert_eq!(
            r.validity,
            shgw::spec::parse_duration(shgw::defaults::RENEWAL_VALIDITY).unwrap()
        );
        assert_eq!(r.key, KeyType::Primary);
        assert_eq!(
            r.deadline.as_secs(),
            shgw::defaults::RENEWER_ACTIVE_DEADLINE_SECONDS.unsigned_abs()
        );
    }
}
