//! `shgw`: the command line. Thin by design: it reads files and the environment, calls the
//! library, and maps errors to exit codes (1 invalid input, 2 usage). Nothing reaches stdout
//! unless the whole command succeeded.

mod arc;
mod argocd;
mod args;
mod build;
mod commands;
mod generated;
mod import;
mod krm;
mod origins;
mod overrides;
mod renew;
mod review;
mod self_review;
mod status;

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

/// A failure the CLI reports: the message (the whole chain) and the exit code.
pub(crate) struct Failure {
    pub code: u8,
    pub message: String,
    /// A report that still belongs on stdout (`shgw review` that finds errors).
    pub report: String,
}

impl Failure {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Failure {
            code: 1,
            message: message.into(),
            report: String::new(),
        }
    }
    /// Exit 1 with `report` still printed on stdout.
    pub(crate) fn with_report(message: impl Into<String>, report: String) -> Self {
        Failure {
            report,
            ..Failure::invalid(message)
        }
    }
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
            report: String::new(),
        }
    }
}

impl From<shgw::Error> for Failure {
    fn from(e: shgw::Error) -> Self {
        Failure::invalid(chain(&e))
    }
}

/// `e` and every error under it, each said once: `what failed: why: the cause under that`.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        next = cause.source();
    }
    text
}

/// What a successful command produced: text for stdout and notes for stderr.
#[derive(Default)]
pub(crate) struct Output {
    pub stdout: String,
    pub stderr: Vec<String>,
}

/// Writes `text` to stdout. A failure is reported on stderr ("error: writing to standard
/// output: No space left on device") and makes the exit code 1; a reader that went away
/// (`shgw ... | head`) ends the command quietly with exit code 1, as other tools do.
fn write_stdout(text: &str, err: &mut impl Write) -> Result<(), ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(ExitCode::from(1)),
        Err(e) => {
            let msg = e.to_string();
            let msg = msg.split(" (os error").next().unwrap_or(&msg);
            let _ = writeln!(err, "error: writing to standard output: {msg}");
            Err(ExitCode::from(1))
        }
    }
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = commands::run(cli);
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    match result {
        Ok(out) => {
            for line in &out.stderr {
                let _ = writeln!(err, "{line}");
            }
            match write_stdout(&out.stdout, &mut err) {
                Ok(()) => ExitCode::SUCCESS,
                Err(code) => code,
            }
        }
        Err(f) => {
            if !f.report.is_empty() {
                let _ = write_stdout(&f.report, &mut err);
            }
            let _ = writeln!(err, "error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::chain;

    #[test]
    fn a_chain_says_every_cause_once() {
        let io = std::io::Error::other("permission denied");
        let said = shgw::Error::new(shgw::ErrorKind::Invalid, "cannot read team.yaml");
        assert_eq!(
            chain(&said.clone().with_source(io)),
            "cannot read team.yaml: permission denied"
        );
        let already = shgw::Error::new(
            shgw::ErrorKind::Invalid,
            "cannot read team.yaml: permission denied",
        )
        .with_source(std::io::Error::other("permission denied"));
        assert_eq!(chain(&already), "cannot read team.yaml: permission denied");
        assert_eq!(chain(&said), "cannot read team.yaml");
    }
}
