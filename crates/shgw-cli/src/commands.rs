//! What each command does.

use crate::args::*;
use crate::overrides::Override;
use crate::{Failure, Output};
use shgw::{
    Diagnostic, Gateway, Manifests, Profile, RenderOptions, Severity, Token,
    kube_version::KubeVersion,
};
use std::io::Read;

/// The example Gateway rendered when no file is given (`examples/minimal.yaml`).
const EXAMPLE_GATEWAY: &str = include_str!("../../../examples/minimal.yaml");

pub(crate) fn run(cli: Cli) -> Result<Output, Failure> {
    match cli.command {
        Command::Render(a) => render(a),
        Command::Validate(a) => validate(a),
        Command::Build(a) => {
            let profile = load_profile(&a.profile)?;
            let version = kube_version(a.kube_version.as_deref())?;
            let (stdout, stderr) = crate::build::run(&a.dir, &profile, version, a.fail_on)?;
            Ok(Output { stdout, stderr })
        }
        Command::Token(TokenCommand::Inspect(t)) => inspect(t),
        Command::Token(TokenCommand::Renew(a)) => crate::renew::run(a),
        Command::Schema => Ok(Output {
            stdout: pretty(&shgw::schema()),
            ..Output::default()
        }),
        Command::Profiles(p) => profiles(match &p.command {
            Some(ProfilesCommand::Show { profile }) => Some(profile.as_str()),
            None => None,
        }),
        Command::Review(a) => crate::review::review(a),
        Command::Import(a) => crate::import::import(a),
        Command::Status(a) => crate::status::run(a),
        Command::Fn => crate::krm::run(),
        Command::Argocd(ArgocdCommand::Discover) => crate::argocd::discover(),
        Command::Argocd(ArgocdCommand::Generate) => crate::argocd::generate(),
        Command::Completions(a) => crate::generated::completions(&a),
        Command::Man(a) => crate::generated::man(&a),
    }
}

/// `--kube-version`, checked (a usage error when it is no version or older than supported).
fn kube_version(text: Option<&str>) -> Result<Option<KubeVersion>, Failure> {
    text.map(|t| KubeVersion::supported(t, "--kube-version"))
        .transpose()
        .map_err(|e| Failure::usage(e.to_string()))
}

/// Rendered objects made valid for the cluster's Kubernetes version, when one is given.
pub(crate) fn for_version(
    source: &str,
    manifests: Manifests,
    version: Option<KubeVersion>,
) -> Result<Manifests, shgw::Error> {
    match version {
        Some(v) => shgw::kube_version::for_kube_version(source, manifests, v),
        None => Ok(manifests),
    }
}

fn pretty(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// Reads the Gateway input: a file, stdin (`-`) or the embedded example.
pub(crate) fn read_input(file: Option<&str>) -> Result<(String, String), Failure> {
    match file {
        None => Ok(("<embedded example>".into(), EXAMPLE_GATEWAY.to_owned())),
        Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Failure::invalid(format!("<stdin>: cannot read: {e}")))?;
            Ok(("<stdin>".into(), text))
        }
        Some(path) => std::fs::read_to_string(path)
            .map(|t| (path.to_owned(), t))
            .map_err(|e| Failure::invalid(format!("{path}: cannot read: {e}"))),
    }
}

/// The profile `--profile` names: an embedded profile, or a file (and the files it extends,
/// read relative to it).
pub(crate) fn load_profile(name: &str) -> Result<Profile, Failure> {
    let looks_like_path = name.contains(['/', '.', '\\']);
    if !looks_like_path
        && !shgw::profile::EMBEDDED.iter().any(|(n, _)| *n == name)
        && !std::path::Path::new(name).is_file()
    {
        return Err(Failure::usage(format!(
            "--profile {name}: not an embedded profile ({}) nor a file",
            shgw::profile::EMBEDDED
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let reference = if looks_like_path || shgw::profile::EMBEDDED.iter().any(|(n, _)| *n == name) {
        name.to_owned()
    } else {
        // A file in the current folder whose name has no dot or slash.
        format!("./{name}")
    };
    Ok(Profile::load(&reference, |path: &std::path::Path| {
        std::fs::read_to_string(path)
    })?)
}

/// The input's name, its documents (with the places problems are reported at), its Gateways
/// and the profile.
type Loaded = (String, Vec<shgw::Placed>, Vec<Gateway>, Profile);

/// [`Loaded`], with the Gateways or the problems that keep them from being read.
type Checked = (
    String,
    Vec<shgw::Placed>,
    Result<Vec<Gateway>, shgw::Error>,
    Profile,
);

fn load(input: &InputArgs) -> Result<Loaded, Failure> {
    let (source, docs, gateways, profile) = load_checked(input)?;
    Ok((source, docs, gateways?, profile))
}

/// [`load`], with the Gateway files' own problems (unknown fields, wrong types, a broken
/// choice) kept apart, so that `validate` reports them like every other problem.
fn load_checked(input: &InputArgs) -> Result<Checked, Failure> {
    let overrides = input
        .set
        .iter()
        .map(|s| Override::parse(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::usage)?;
    let profile = load_profile(&input.profile)?;
    let (source, text) = read_input(input.file.as_deref())?;
    let mut docs = shgw::file::parse_documents(&source, &text)?;
    let many = docs.len() > 1;
    for (i, doc) in docs.iter_mut().enumerate() {
        for o in &overrides {
            o.apply(doc).map_err(|e| {
                let at = if many {
                    format!("document {}: ", i + 1)
                } else {
                    String::new()
                };
                Failure::invalid(format!("{source}: {at}{e}"))
            })?;
        }
    }
    let gateways = shgw::file::gateways_from_placed(&source, &docs);
    Ok((source, docs, gateways, profile))
}

fn read_token(t: &TokenSource) -> Result<Option<Token>, Failure> {
    let (origin, text) = match (&t.token_file, &t.token_env) {
        (Some(path), _) => (
            path.display().to_string(),
            std::fs::read_to_string(path).map_err(|e| {
                Failure::invalid(format!("{}: cannot read token: {e}", path.display()))
            })?,
        ),
        (None, Some(var)) => (
            format!("${var}"),
            std::env::var(var)
                .map_err(|_| Failure::invalid(format!("${var}: not set or not UTF-8")))?,
        ),
        (None, None) => return Ok(None),
    };
    Token::parse(&text)
        .map(Some)
        .map_err(|e| Failure::invalid(format!("{origin}: {e}")))
}

fn now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

fn render(a: RenderArgs) -> Result<Output, Failure> {
    let (source, docs, gateways, profile) = load(&a.input)?;
    let version = kube_version(a.input.kube_version.as_deref())?;
    let opts = RenderOptions {
        token: read_token(&a.token)?,
        now: Some(now()),
        min_token_days: a.min_token_days,
        allow_expiring_token: a.allow_expiring_token,
    };
    let manifests = shgw::render_with(&source, &gateways, &profile, &opts).map_err(|e| {
        let expiring = e.errors().any(|d| d.rule == Some("SHGW062"));
        let mut f = Failure::from(e.placed_in(&docs));
        if expiring {
            f.message.push_str(
                "\nhint: generate a new token, or pass --allow-expiring-token (or --min-token-days)",
            );
        }
        f
    })?;
    let manifests = for_version(&source, manifests, version)?;
    let mut notes: Vec<String> = manifests
        .warnings
        .iter()
        .filter(|w| w.severity == Severity::Warning)
        .map(ToString::to_string)
        .collect();
    notes.extend(manifests.next_steps.iter().map(|s| format!("note: {s}")));
    let infos = manifests
        .warnings
        .iter()
        .filter(|w| w.severity == Severity::Info)
        .count();
    if infos > 0 {
        notes.push(format!(
            "note: {infos} more finding(s) at level info under the {} profile; see shgw validate",
            profile.metadata.name
        ));
    }
    let stdout = match a.output {
        OutputFormat::Yaml => manifests.to_yaml(),
        OutputFormat::Json => manifests.to_json(),
        OutputFormat::ArcExtension => {
            let warnings = manifests.warnings.iter().map(ToString::to_string).collect();
            let token = opts.token.as_ref();
            return crate::arc::render(&source, &a.input, &gateways, &profile, token, warnings);
        }
    };
    Ok(Output {
        stdout,
        stderr: notes,
    })
}

/// Every problem of the input, each once: the file's own (unknown fields, wrong types), the
/// spec's, and what the review of the render finds (the render itself is not printed).
fn validate(a: ValidateArgs) -> Result<Output, Failure> {
    let (source, docs, gateways, profile) = load_checked(&a.input)?;
    let version = kube_version(a.input.kube_version.as_deref())?;
    let opts = RenderOptions {
        now: Some(now()),
        ..Default::default()
    };
    let (gateways, mut findings): (Vec<Gateway>, Vec<Diagnostic>) = match gateways {
        Ok(gateways) => {
            let findings = match shgw::render_with(&source, &gateways, &profile, &opts)
                .and_then(|m| for_version(&source, m, version))
            {
                Ok(m) => m.warnings,
                Err(e) => e.into_problems(),
            };
            (gateways, findings)
        }
        Err(e) => (Vec::new(), e.into_problems()),
    };
    for d in &mut findings {
        d.place_in(&docs);
    }
    let count = |s: Severity| findings.iter().filter(|d| d.severity == s).count();
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let report = match a.format {
        ReportFormat::Json => pretty(&serde_json::json!({
            "input": source,
            "profile": profile.metadata.name,
            "gateways": gateways.iter().map(|g| g.metadata.name.clone()).collect::<Vec<_>>(),
            "valid": errors == 0,
            "summary": {"error": errors, "warning": warnings, "info": infos},
            "findings": findings,
        })),
        ReportFormat::Text => {
            let mut s = String::new();
            for d in &findings {
                match d.place {
                    Some(p) => s.push_str(&format!("{source}:{}:{}: {d}\n", p.line, p.column)),
                    None => s.push_str(&format!("{source}: {d}\n")),
                }
            }
            s.push_str(&format!(
                "{source}: {} gateway(s), profile {}: {errors} error(s), {warnings} warning(s), {infos} info\n",
                gateways.len(),
                profile.metadata.name,
            ));
            s
        }
    };
    if errors > 0 {
        return Err(Failure::with_report("validation failed", report));
    }
    Ok(Output {
        stdout: report,
        stderr: Vec::new(),
    })
}

fn inspect(t: TokenSource) -> Result<Output, Failure> {
    let token =
        read_token(&t)?.ok_or_else(|| Failure::usage("give --token-file or --token-env"))?;
    let days = token.days_left(now());
    let stdout = format!(
        "gateway: {}\nexpires: {}\ndays left: {days:.1}\n",
        token.gateway_id(),
        token.expiry_rfc3339()
    );
    if days < 0.0 {
        return Err(Failure::invalid(format!(
            "the token expired at {}\n{stdout}",
            token.expiry_rfc3339()
        )));
    }
    let mut stderr = Vec::new();
    // The threshold profiles use when they say nothing (`parameters.minTokenDays`).
    if days < shgw::profile::Parameters::default().min_token_days as f64 {
        stderr.push(format!("warning: the token expires in {days:.1} days"));
    }
    Ok(Output { stdout, stderr })
}

fn profiles(show: Option<&str>) -> Result<Output, Failure> {
    if let Some(name) = show {
        return Ok(Output {
            stdout: load_profile(name)?.to_yaml(),
            stderr: Vec::new(),
        });
    }
    let mut out = String::new();
    for (name, _) in shgw::profile::EMBEDDED {
        let p = Profile::embedded(name)?;
        let default = if *name == shgw::profile::DEFAULT {
            " (default)"
        } else {
            ""
        };
        out.push_str(&format!("{name}{default}\t{}\n", p.description));
    }
    Ok(Output {
        stdout: out,
        stderr: Vec::new(),
    })
}
