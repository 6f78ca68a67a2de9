//! `shgw status`: plan from the input, read the cluster, judge, print; with `--wait`, poll
//! until healthy or the limit passes.

use crate::args::{ReportFormat, StatusArgs};
use crate::{Failure, Output};
use shgw_status::{ErrorKind, Plan, Report, Session, Settings, StatusError, escape};
use std::io::Write;
use std::time::{Duration, Instant};

/// Exit code when the cluster cannot be reached.
const UNREACHABLE: u8 = 3;
/// Time between two reads with `--wait`.
const POLL: Duration = Duration::from_secs(2);

fn failure(e: StatusError) -> Failure {
    let code = match e.kind {
        ErrorKind::Config | ErrorKind::Unreachable | ErrorKind::Api => UNREACHABLE,
        _ => 1,
    };
    let message = match e.kind {
        ErrorKind::Config => format!("cannot reach the cluster: {e}"),
        _ => e.to_string(),
    };
    Failure {
        code,
        message,
        report: String::new(),
    }
}

/// The problems of a report, one clause each (what `--wait` says while it waits).
fn problems(report: &Report) -> Vec<String> {
    report
        .gateways
        .iter()
        .flat_map(|g| {
            g.objects
                .iter()
                .filter(|o| o.state.is_problem())
                .map(move |o| {
                    escape(&format!(
                        "{} {}: {}",
                        o.kind,
                        o.name,
                        if o.message.is_empty() {
                            o.state.as_str()
                        } else {
                            &o.message
                        }
                    ))
                })
        })
        .collect()
}

pub(crate) fn run(a: StatusArgs) -> Result<Output, Failure> {
    let limit = match a.wait.as_deref() {
        None => None,
        Some(text) => Some(
            shgw_status::parse_wait(text)
                .map_err(|e| Failure::usage(e.to_string()))?
                .map(|d| Duration::from_secs(d.as_secs().unsigned_abs())),
        ),
    };
    let profile = crate::commands::load_profile(&a.profile)?;
    let (source, text) = crate::commands::read_input(a.file.as_deref())?;
    let mut plan = shgw_status::plan_from_text(&source, &text, &profile)
        .map_err(|e| Failure::invalid(crate::chain(&e)))?;
    let session =
        Session::connect(a.kubeconfig.as_deref(), a.context.as_deref()).map_err(failure)?;
    plan.default_namespace(session.default_namespace());
    let settings = Settings {
        min_token_days: profile.parameters.min_token_days,
        ..Settings::default()
    };
    let report = match limit {
        None => check(&session, &plan, &settings).map_err(failure)?,
        Some(limit) => wait(
            &session,
            &plan,
            &settings,
            limit.map(|l| Instant::now() + l),
        )?,
    };
    let stdout = match a.format {
        ReportFormat::Text => shgw_status::to_text(&report),
        ReportFormat::Json => shgw_status::to_json(&report),
    };
    if report.healthy {
        return Ok(Output {
            stdout,
            stderr: Vec::new(),
        });
    }
    let count: usize = report.gateways.iter().map(|g| g.problems).sum();
    let mut message = format!(
        "not healthy: {count} problem{}",
        if count == 1 { "" } else { "s" }
    );
    if a.wait.is_some() {
        message.push_str(" when the wait ended");
    }
    Err(Failure::with_report(message, stdout))
}

fn check(session: &Session, plan: &Plan, settings: &Settings) -> Result<Report, StatusError> {
    let seen = session.observe(plan)?;
    Ok(shgw_status::assess(
        plan,
        &seen,
        jiff::Timestamp::now(),
        settings,
    ))
}

/// Polls until healthy or `deadline`; says on stderr what it waits for whenever that changes.
/// An unreachable cluster is waited for too, and is the failure when the deadline passes.
fn wait(
    session: &Session,
    plan: &Plan,
    settings: &Settings,
    deadline: Option<Instant>,
) -> Result<Report, Failure> {
    let mut said: Vec<String> = Vec::new();
    loop {
        let result = check(session, plan, settings);
        let now = Instant::now();
        let over = deadline.is_some_and(|d| now >= d);
        let waiting_for = match &result {
            Ok(report) if report.healthy => return Ok(report.clone()),
            Ok(report) => problems(report),
            Err(e) if e.kind == ErrorKind::Unreachable => vec![e.to_string()],
            Err(_) => return result.map_err(failure),
        };
        if over {
            return result.map_err(failure);
        }
        if waiting_for != said {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "waiting: {}", waiting_for.join("; "));
            said = waiting_for;
        }
        let pause = deadline.map_or(POLL, |d| POLL.min(d.saturating_duration_since(now)));
        std::thread::sleep(pause);
    }
}
