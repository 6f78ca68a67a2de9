//! A profile is the one policy of every command: a team profile that extends production and
//! turns a rule off relaxes it for `render`, `validate` and `review` alike, `profiles show`
//! prints it resolved, and every mistake in a profile is named.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use shgw_testkit::text;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn shgw(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shgw"));
    cmd.args(args).current_dir(dir);
    shgw_testkit::run_with_stdin(&mut cmd, None)
}

/// A scratch folder with the given files.
fn folder(tag: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = shgw_testkit::scratch(tag);
    for (name, content) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

const GATEWAY: &str = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: contoso, namespace: apim}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {storageClassName: azurefile-csi}\n";

/// Production with the budget taken out of the defaults: the team's platform runs none.
const BASE: &str = "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: base}\nextends: production\ndefaults:\n  spec:\n    highAvailability: {podDisruptionBudget: null}\n";

/// The team's profile, one folder down: it extends the base by a relative path and turns
/// SHGW004 off.
const TEAM: &str = "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: team}\nextends: ../base.yaml\nrules:\n  SHGW004: off\n";

const PORTAL: &str = include_str!("../../../examples/portal/contoso-west.yml");

fn rules_of(stdout: &str) -> Vec<String> {
    let mut ids: Vec<String> = stdout
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() == 7 && w.starts_with("SHGW"))
        .map(str::to_owned)
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn a_team_profile_turns_a_rule_off_for_every_command() {
    let dir = folder(
        "profiles-team",
        &[
            ("gw.yaml", GATEWAY),
            ("base.yaml", BASE),
            ("teams/team.yaml", TEAM),
            ("portal.yml", PORTAL),
        ],
    );
    // render: without the rule, no budget is fine; with it (the base alone), refused at the
    // Gateway field the budget comes from, nothing on stdout.
    let out = shgw(
        &dir,
        &["render", "-f", "gw.yaml", "--profile", "teams/team.yaml"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    assert!(!yaml.contains("kind: PodDisruptionBudget"), "{yaml}");
    assert!(!text(&out.stderr).contains("SHGW004"));
    std::fs::write(dir.join("rendered.yaml"), &yaml).unwrap();
    let out = shgw(&dir, &["render", "-f", "gw.yaml", "--profile", "base.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "error: Gateway contoso: spec.highAvailability.podDisruptionBudget: SHGW004: no PodDisruptionBudget"
        ),
        "{err}"
    );

    // validate: the same answer, each problem once.
    let out = shgw(
        &dir,
        &["validate", "-f", "gw.yaml", "--profile", "teams/team.yaml"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let report = text(&out.stdout);
    assert!(!report.contains("SHGW004"), "{report}");
    assert!(
        report.contains("profile team: 0 error(s), 1 warning(s), 1 info"),
        "{report}"
    );
    let out = shgw(
        &dir,
        &["validate", "-f", "gw.yaml", "--profile", "base.yaml"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout).matches("SHGW004").count(), 1);

    // review: the rendered output and the portal file; the rule is gone, the rest stays.
    let out = shgw(
        &dir,
        &["review", "rendered.yaml", "--profile", "teams/team.yaml"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(!text(&out.stdout).contains("SHGW004"));
    let out = shgw(&dir, &["review", "rendered.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("error SHGW004"));
    let production = rules_of(&text(
        &shgw(&dir, &["review", "portal.yml", "--format", "json"]).stdout,
    ));
    let team = rules_of(&text(
        &shgw(
            &dir,
            &[
                "review",
                "portal.yml",
                "--format",
                "json",
                "--profile",
                "teams/team.yaml",
            ],
        )
        .stdout,
    ));
    let expected: Vec<String> = production
        .iter()
        .filter(|r| *r != "SHGW004")
        .cloned()
        .collect();
    assert!(production.contains(&"SHGW004".to_owned()), "{production:?}");
    assert_eq!(team, expected);
}

#[test]
fn profiles_show_prints_the_resolved_profile() {
    let team = "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: team}\nextends: production\nrules:\n  SHGW004: off\nparameters: {minTokenDays: 10}\n";
    let dir = folder("profiles-show", &[("team.yaml", team)]);
    let show = |p: &str| {
        let out = shgw(&dir, &["profiles", "show", p]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let production = show("production");
    let shown = show("team.yaml");
    // Exactly production's, but for the name, the rule and the parameter the team changed.
    let expected = production
        .replace("  name: production\n", "  name: team\n")
        .replace("  SHGW004: error\n", "  SHGW004: \"off\"\n")
        .replace("  minTokenDays: 7\n", "  minTokenDays: 10\n");
    assert_ne!(expected, production);
    assert_eq!(shown, expected);
    assert_eq!(show("team.yaml"), shown, "deterministic");
    assert!(
        shown.starts_with("apiVersion: shgw.dev/v1alpha1\ndefaults:\n"),
        "{shown}"
    );
    assert!(!shown.contains("extends"), "folded in: {shown}");
    for rule in shgw_review::RULES {
        assert!(shown.contains(&format!("\n  {}: ", rule.id)), "{}", rule.id);
    }
    // What it prints is a profile that stands on its own and resolves to the same.
    std::fs::write(dir.join("resolved.yaml"), &shown).unwrap();
    assert_eq!(show("resolved.yaml"), shown);
}

#[test]
fn mistakes_in_a_profile_are_named() {
    let head = "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: t}\n";
    let files = [
        (
            "rule.yaml",
            format!("{head}extends: production\nrules: {{SHGW999: off}}\n"),
        ),
        (
            "level.yaml",
            format!("{head}extends: production\nrules: {{SHGW004: warn}}\n"),
        ),
        (
            "param.yaml",
            format!("{head}extends: production\nparameters: {{minReplica: 2}}\n"),
        ),
        ("name.yaml", format!("{head}extends: staging\n")),
        ("a.yaml", format!("{head}extends: b.yaml\n")),
        ("b.yaml", format!("{head}extends: ./a.yaml\n")),
        (
            "policy.yaml",
            format!(
                "{head}extends: production\npolicy: {{missingDisruptionBudget: allow, rollingTags: warn, minReplicas: 1}}\n"
            ),
        ),
    ];
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let dir = folder("profiles-mistakes", &refs);
    let cases: &[(&str, &[&str])] = &[
        (
            "rule.yaml",
            &["rule.yaml", "rules.SHGW999: unknown rule \"SHGW999\""],
        ),
        (
            "level.yaml",
            &["rules.SHGW004: unknown level \"warn\"; one of off, info, warning, error"],
        ),
        (
            "param.yaml",
            &[
                "parameters.minReplica: unknown parameter \"minReplica\"; parameters are minReplicas",
            ],
        ),
        (
            "name.yaml",
            &[
                "name.yaml",
                "extends: no embedded profile named \"staging\"",
            ],
        ),
        (
            "a.yaml",
            &["extends: profiles extend each other in a cycle: a.yaml -> b.yaml -> a.yaml"],
        ),
        (
            "policy.yaml",
            &[
                "policy.missingDisruptionBudget: policy: is gone; write rules: {SHGW004: off}",
                "policy.rollingTags: policy: is gone; write rules: {SHGW010: warning}",
                "policy.minReplicas: policy: is gone; write parameters.minReplicas: 1",
            ],
        ),
    ];
    for (file, wanted) in cases {
        for cmd in [
            vec!["render", "--profile", file],
            vec!["validate", "--profile", file],
            vec!["profiles", "show", file],
        ] {
            let out = shgw(&dir, &cmd);
            assert_eq!(out.status.code(), Some(1), "{cmd:?}");
            assert!(out.stdout.is_empty(), "{cmd:?}");
            let err = text(&out.stderr);
            for w in *wanted {
                assert!(err.contains(w), "{cmd:?}: {w:?} not in\n{err}");
            }
        }
    }
    // An unknown name on the command line is a usage error naming the choices.
    let out = shgw(&dir, &["review", "portal.yml", "--profile", "staging"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("--profile staging: not an embedded profile (dev, production, openshift)"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn render_refuses_a_production_rule_at_the_gateway_field() {
    let dir = folder(
        "profiles-refuse",
        &[(
            "gw.yaml",
            "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: contoso, namespace: apim}\nspec:\n  endpoint: contoso.configuration.azure-api.net\n  backup: {storageClassName: azurefile-csi}\n  replicas: 1\n  image: {tag: v2}\n",
        )],
    );
    let out = shgw(&dir, &["render", "-f", "gw.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    for want in [
        "error: Gateway contoso: spec.replicas: SHGW001: spec.replicas is 1",
        "error: Gateway contoso: spec.image: SHGW010: the tag v2 moves",
    ] {
        assert!(err.contains(want), "{want:?} not in\n{err}");
    }
    // validate places them in the Gateway file.
    let out = shgw(&dir, &["validate", "-f", "gw.yaml"]);
    let report = text(&out.stdout);
    assert!(
        report.contains("gw.yaml:7:3: error: Gateway contoso: spec.replicas: SHGW001"),
        "{report}"
    );
    assert!(
        report.contains("gw.yaml:8:3: error: Gateway contoso: spec.image: SHGW010"),
        "{report}"
    );
    // dev allows both (a warning for the tag).
    let out = shgw(&dir, &["render", "-f", "gw.yaml", "--profile", "dev"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("warning: Gateway contoso: spec.image: SHGW010"));
}
