//! `shgw completions` and `shgw man`: generated from the command definitions, so every
//! subcommand `shgw --help` lists must be in them. The bash script is loaded into a real bash
//! and asked to complete; the manual pages are formatted by groff with every warning on.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::process::{Command, Output};

fn shgw(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shgw"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout_of(args: &[&str]) -> String {
    let out = shgw(args);
    assert!(
        out.status.success(),
        "shgw {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The subcommands a `--help` text lists under `Commands:` (without `help`).
fn listed_commands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn help_lists_the_commands_the_tests_rely_on() {
    let top = listed_commands(&stdout_of(&["--help"]));
    for c in ["render", "build", "token", "review", "completions", "man"] {
        assert!(top.iter().any(|t| t == c), "{c} missing from {top:?}");
    }
    assert_eq!(
        listed_commands(&stdout_of(&["token", "--help"])),
        vec!["inspect", "renew"]
    );
}

#[test]
fn every_shell_script_names_every_subcommand() {
    let top = listed_commands(&stdout_of(&["--help"]));
    let token = listed_commands(&stdout_of(&["token", "--help"]));
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = stdout_of(&["completions", shell]);
        for c in top.iter().chain(&token) {
            assert!(
                script.contains(c.as_str()),
                "{shell} completions do not mention {c}"
            );
        }
        // Generated, so the same bytes every time.
        assert_eq!(script, stdout_of(&["completions", shell]), "{shell}");
    }
    let bash = stdout_of(&["completions", "bash"]);
    for c in &top {
        // bash's script has one case per subcommand: `shgw__subcmd__render)`.
        assert!(
            bash.contains(&format!("shgw__subcmd__{c})")),
            "bash has no case for {c}"
        );
    }
    assert!(bash.contains("complete -F _shgw"));
    assert!(stdout_of(&["completions", "zsh"]).starts_with("#compdef shgw"));
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let out = shgw(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("powershell"));
}

/// Runs the bash completion function as bash runs it on TAB and returns its candidates.
fn bash_complete(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let cur = words[cword];
    let prev = words[cword - 1];
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; _shgw shgw '{cur}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" ")
    );
    let out = Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(program)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bash: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_subcommands_options_and_values() {
    let Some(_) = shgw_testkit::tool("bash") else {
        return;
    };
    let dir = shgw_testkit::scratch("completions");
    let script = dir.join("shgw.bash");
    std::fs::write(&script, stdout_of(&["completions", "bash"])).unwrap();
    assert_eq!(
        bash_complete(&script, &["shgw", "re"]),
        vec!["render", "review"]
    );
    let token = bash_complete(&script, &["shgw", "token", ""]);
    assert!(token.contains(&"inspect".to_string()) && token.contains(&"renew".to_string()));
    assert_eq!(
        bash_complete(&script, &["shgw", "review", "--format", ""]),
        vec!["text", "json", "sarif", "markdown"]
    );
    assert_eq!(
        bash_complete(&script, &["shgw", "completions", "p"]),
        vec!["powershell"]
    );
    let render = bash_complete(&script, &["shgw", "render", "--"]);
    for flag in ["--file", "--profile", "--set", "--token-file", "--output"] {
        assert!(
            render.contains(&flag.to_string()),
            "{flag} not in {render:?}"
        );
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn man_page_is_roff_that_starts_with_its_title() {
    let page = stdout_of(&["man"]);
    assert!(page.starts_with(".TH shgw 1 "), "{}", &page[..80]);
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "{section} missing");
    }
    for c in listed_commands(&stdout_of(&["--help"])) {
        assert!(
            page.contains(&format!("shgw\\-{c}(1)")),
            "the page does not list {c}"
        );
    }
    let renew = stdout_of(&["man", "token", "renew"]);
    assert!(
        renew.starts_with(".TH shgw-token-renew 1 "),
        "{}",
        &renew[..80]
    );
    assert!(renew.contains("\\fBshgw token renew\\fR"));
    assert!(renew.contains("\\-\\-namespace"));
    assert_eq!(page, stdout_of(&["man"]));
}

#[test]
fn man_of_an_unknown_command_is_a_usage_error() {
    for args in [
        &["man", "nope"][..],
        &["man", "token", "nope"],
        &["man", "schema", "x"],
    ] {
        let out = shgw(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("error: shgw man: "), "{err}");
    }
    let err = String::from_utf8_lossy(&shgw(&["man", "token", "nope"]).stderr).into_owned();
    assert!(err.contains("inspect, renew"), "{err}");
}

#[test]
fn groff_formats_every_page_without_a_warning() {
    let Some(groff) = shgw_testkit::tool("groff") else {
        return;
    };
    let mut pages = vec![vec![]];
    for c in listed_commands(&stdout_of(&["--help"])) {
        pages.push(vec![c]);
    }
    pages.push(vec!["token".into(), "inspect".into()]);
    pages.push(vec!["token".into(), "renew".into()]);
    for page in pages {
        let mut args = vec!["man".to_string()];
        args.extend(page.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let roff = stdout_of(&args);
        let mut child = Command::new(&groff)
            .args(["-man", "-ww", "-z", "-Tutf8"])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(roff.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && warnings.trim().is_empty(),
            "groff on `shgw {}`: {warnings}",
            args.join(" ")
        );
    }
}
