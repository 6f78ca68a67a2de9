//! `shgw completions` and `shgw man`: shell completion scripts and manual pages generated
//! from the command definitions in `args.rs`, so they never drift from what the binary
//! accepts.

use crate::args::{Cli, CompletionsArgs, ManArgs, Shell};
use crate::{Failure, Output};
use clap::CommandFactory;

/// The completion script for one shell.
pub(crate) fn completions(a: &CompletionsArgs) -> Result<Output, Failure> {
    let shell = match a.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
    };
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "shgw", &mut buf);
    text(buf)
}

/// The manual page of shgw, or of the subcommand `a.command` names.
pub(crate) fn man(a: &ManArgs) -> Result<Output, Failure> {
    let mut cmd = Cli::command();
    // Building sets each subcommand's display name (`shgw-token-renew`, the page title) and
    // its bin name (`shgw token renew`, the synopsis).
    cmd.build();
    let mut page = &cmd;
    for (depth, name) in a.command.iter().enumerate() {
        page = page.find_subcommand(name).ok_or_else(|| {
            let under = std::iter::once("shgw")
                .chain(a.command[..depth].iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(" ");
            let known: Vec<&str> = page
                .get_subcommands()
                .map(clap::Command::get_name)
                .filter(|n| *n != "help")
                .collect();
            if known.is_empty() {
                Failure::usage(format!(
                    "shgw man: '{under}' has no subcommands (got '{name}')"
                ))
            } else {
                Failure::usage(format!(
                    "shgw man: '{under}' has no subcommand '{name}' (one of: {})",
                    known.join(", ")
                ))
            }
        })?;
    }
    let mut buf = Vec::new();
    clap_mangen::Man::new(page.clone())
        .source(format!("shgw {}", env!("CARGO_PKG_VERSION")))
        .render(&mut buf)
        .map_err(|e| Failure::invalid(format!("shgw man: cannot write the page: {e}")))?;
    let page = text(buf)?;
    Ok(Output {
        stdout: title_first(&page.stdout),
        ..page
    })
}

/// The page with its `.TH` line first: clap_mangen opens with the definition of the
/// apostrophe string (`.ie \n(.g .ds Aq \(aq` ...), which may come anywhere before its first
/// use, while `man` and `mandoc -T lint` expect a page to start with its title.
fn title_first(page: &str) -> String {
    let mut lines: Vec<&str> = page.lines().collect();
    if let Some(i) = lines.iter().position(|l| l.starts_with(".TH ")) {
        let th = lines.remove(i);
        lines.insert(0, th);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn text(buf: Vec<u8>) -> Result<Output, Failure> {
    let stdout = String::from_utf8(buf)
        .map_err(|e| Failure::invalid(format!("generated text is not UTF-8: {e}")))?;
    Ok(Output {
        stdout,
        ..Output::default()
    })
}
