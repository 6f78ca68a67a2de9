//! What each command does.

use crate::args::*;
use crate::overrides::Override;
use crate::{Failure, Output};
use shgw::{Diagnostic, Gateway, KubeVersion, Manifests, Profile, RenderOptions, Severity, Token};
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
        Command::Profiles => profiles(),
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
) -> Result<Manifests, shgw::Errors> {
    match version {
        Some(v) => shgw::for_kube_version(source, manifests, v),
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

pub(crate) fn load_profile(name: &str) -> Result<Profile, Failure> {
    if shgw::EMBEDDED_PROFILES.iter().any(|(n, _)| *n == name) {
        return Ok(Profile::embedded(name)?);
    }
    let looks_like_path = name.contains(['/', '.']);
    match std::fs::read_to_string(name) {
        Ok(text) => Ok(Profile::from_yaml(name, &text)?),
        Err(e) if looks_like_path => Err(Failure::invalid(format!(
            "{name}: cannot read profile: {e}"
        ))),
        Err(_) => Err(Failure::usage(format!(
            "--profile {name}: not an embedded profile ({}) nor a file",
            shgw::EMBEDDED_PROFILES
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The input's name, its documents (with the places problems are reported at), its Gateways
/// and the profile.
type Loaded = (String, Vec<shgw::Placed>, Vec<Gateway>, Profile);

/// [`Loaded`], with the Gateways or the problems that keep them from being read.
type Checked = (
    String,
    Vec<shgw::Placed>,
    Result<Vec<Gateway>, shgw::Errors>,
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
    let mut docs = shgw::parse_documents(&source, &text)?;
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
    let gateways = shgw::gateways_from_placed(&source, &docs);
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
    let manifests =
        shgw::render_with(&source, &gateways, &profile, &opts).map_err(|e| e.placed_in(&docs))?;
    let manifests = for_version(&source, manifests, version)?;
    let yaml = manifests.to_yaml();
    let review_notes = crate::self_review::check_render(&yaml, &profile)?;
    let mut notes: Vec<String> = manifests.warnings.iter().map(ToString::to_string).collect();
    notes.extend(manifests.next_steps.iter().map(|s| format!("note: {s}")));
    notes.extend(review_notes);
    let stdout = match a.output {
        OutputFormat::Yaml => yaml,
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

fn validate(a: ValidateArgs) -> Result<Output, Failure> {
    let (source, docs, gateways, profile) = load_checked(&a.input)?;
    let version = kube_version(a.input.kube_version.as_deref())?;
    let (gateways, mut findings): (Vec<Gateway>, Vec<Diagnostic>) = match gateways {
        Ok(gateways) => {
            let findings = gateways
                .iter()
                .flat_map(|g| shgw::check(g, &profile))
                .collect();
            (gateways, findings)
        }
        Err(e) => (Vec::new(), e.problems),
    };
    for d in &mut findings {
        d.place_in(&docs);
    }
    // The review rules on what would be rendered (for the cluster's version), when it renders.
    let opts = RenderOptions {
        now: Some(now()),
        ..Default::default()
    };
    let rendered = shgw::render_with(&source, &gateways, &profile, &opts).map(|mut m| {
        // The render's own warnings are the checks' above; keep only the version's.
        m.warnings.clear();
        for_version(&source, m, version)
    });
    let review = match rendered {
        Ok(Ok(m)) => {
            findings.extend(m.warnings.iter().cloned());
            Some(crate::self_review::review_rendered(&m.to_yaml(), &profile)?)
        }
        Ok(Err(refused)) => {
            findings.extend(refused.problems);
            None
        }
        Err(_) => None,
    };
    let errors = findings
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let review_findings: Vec<&shgw_review::Finding> = review
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.suppression.is_none())
        .collect();
    let review_errors = review_findings
        .iter()
        .filter(|f| f.severity == shgw_review::Severity::Error)
        .count();
    let report = match a.format {
        ReportFormat::Json => pretty(&serde_json::json!({
            "input": source,
            "profile": profile.metadata.name,
            "gateways": gateways.iter().map(|g| g.metadata.name.clone()).collect::<Vec<_>>(),
            "valid": errors + review_errors == 0,
            "findings": findings,
            "review": review_findings,
        })),
        ReportFormat::Text => {
            let mut s = String::new();
            for d in &findings {
                match d.place {
                    Some(p) => s.push_str(&format!("{source}:{}:{}: {d}\n", p.line, p.column)),
                    None => s.push_str(&format!("{source}: {d}\n")),
                }
            }
            for f in &review_findings {
                s.push_str(&format!(
                    "<rendered>: {}\n",
                    crate::self_review::finding_line(f)
                ));
            }
            let review_infos = review_findings
                .iter()
                .filter(|f| f.severity == shgw_review::Severity::Info)
                .count();
            s.push_str(&format!(
                "{source}: {} gateway(s), profile {}: {} error(s), {} warning(s), {review_infos} info\n",
                gateways.len(),
                profile.metadata.name,
                errors + review_errors,
                findings.len() - errors + review_findings.len() - review_errors - review_infos
            ));
            s
        }
    };
    if errors + review_errors > 0 {
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
    // The threshold profiles use when they say nothing (`minTokenDays`).
    if days < shgw::Policy::default().min_token_days as f64 {
        stderr.push(format!("warning: the token expires in {days:.1} days"));
    }
    Ok(Output { stdout, stderr })
}

fn profiles() -> Result<Output, Failure> {
    let mut out = String::new();
    for (name, _) in shgw::EMBEDDED_PROFILES {
        let p = Profile::embedded(name)?;
        let default = if *name == shgw::DEFAULT_PROFILE {
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
