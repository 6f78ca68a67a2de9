//! `shgw review` and `shgw import` as a user runs them: exit codes, what goes to stdout and
//! stderr, kustomization directories, and no secret ever echoed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use shgw_testkit::{text, workspace};
use std::process::{Command, Output};

const SIGNATURE: &str = "U2VjcmV0U2lnbmF0dXJlVmFsdWU0Mg==";

fn shgw(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shgw"));
    cmd.args(args).current_dir(workspace()).env("NO_COLOR", "1");
    shgw_testkit::run_with_stdin(&mut cmd, stdin)
}

const PORTAL: &str = "examples/portal/contoso-west.yml";

#[test]
fn the_portal_file_fails_production_with_the_report_on_stdout() {
    let out = shgw(&["review", PORTAL], None);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("examples/portal/contoso-west.yml:23:3: error SHGW001"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 gateway(s), profile production: 5 error(s)"),
        "{stdout}"
    );
    assert!(!stdout.contains('\u{1b}'), "no colour when not a terminal");
    // Every change at once: one replica and no budget are both errors.
    assert!(
        stdout.contains("examples/portal/contoso-west.yml:22:1: error SHGW004"),
        "{stdout}"
    );
    assert!(text(&out.stderr).contains("review failed: 5 error(s)"));
    // The same under dev has no error: exit 0.
    let out = shgw(&["review", PORTAL, "--profile", "dev"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    // --fail-on decides.
    assert_eq!(
        shgw(&["review", PORTAL, "--fail-on", "never"], None)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        shgw(
            &["review", PORTAL, "--profile", "dev", "--fail-on", "warning"],
            None
        )
        .status
        .code(),
        Some(1)
    );
}

#[test]
fn formats_and_stdin() {
    let portal = std::fs::read_to_string(workspace().join(PORTAL)).unwrap();
    for format in ["json", "sarif"] {
        let out = shgw(
            &["review", "-", "--format", format, "--fail-on", "never"],
            Some(&portal),
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v.is_object());
        assert!(text(&out.stdout).contains("<stdin>") || text(&out.stdout).contains("\"stdin\""));
    }
    let out = shgw(
        &[
            "review",
            PORTAL,
            "--format",
            "markdown",
            "--fail-on",
            "never",
        ],
        None,
    );
    assert!(text(&out.stdout).starts_with("## shgw review: 5 error(s)"));
    // JSON input works too.
    let stream = shgw_review::load("p.yml", &portal).unwrap();
    let json: Vec<_> = stream.documents.iter().map(|d| d.value.clone()).collect();
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": json});
    let out = shgw(
        &["review", "-", "--format", "json", "--fail-on", "never"],
        Some(&serde_json::to_string_pretty(&list).unwrap()),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["error"], 5);
}

#[test]
fn usage_errors_exit_2_and_bad_input_exit_1_with_nothing_on_stdout() {
    let out = shgw(&["review", PORTAL, "--profile", "staging"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("dev, production, openshift"));
    let out = shgw(&["review", "--explain", "SHGW999"], None);
    assert_eq!(out.status.code(), Some(2));
    // A profile file is judged like the embedded profile of its platform.
    let out = shgw(
        &[
            "review",
            PORTAL,
            "--profile",
            "crates/shgw/profiles/dev.yaml",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("\"profile\": \"dev\""));
    let out = shgw(&["review", "--list-rules"], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout).lines().count(),
        shgw_review::RULES.len() + 1
    );
    let out = shgw(&["review", "--explain", "shgw055"], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).contains("readOnlyRootFilesystem")
            && text(&out.stdout).contains("Guidance: https://")
    );
    let out = shgw(
        &["review", "-"],
        Some("kind: ConfigMap\nmetadata: {name: x}\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("no gateway workload"));
    let out = shgw(
        &["review", "-"],
        Some("kind: Deployment\nspec:\n  replicas: [1\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("<stdin>:"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_token_written_in_a_config_map_is_reported_never_repeated() {
    let portal = std::fs::read_to_string(workspace().join(PORTAL)).unwrap();
    let leaked = portal.replace(
        "  neighborhood.host:",
        &format!("  config.service.auth: \"GatewayKey contoso-west&209912312359&{SIGNATURE}\"\n  neighborhood.host:"),
    );
    for format in ["text", "json", "sarif", "markdown"] {
        let out = shgw(&["review", "-", "--format", format], Some(&leaked));
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(all.contains("SHGW060"), "{format}: {all}");
        assert!(!all.contains(SIGNATURE), "{format} repeats the token");
    }
}

#[test]
fn a_kustomization_directory_is_built_first() {
    let dir = shgw_testkit::scratch("review-kustomize");
    std::fs::copy(workspace().join(PORTAL), dir.join("gateway.yml")).unwrap();
    std::fs::write(
        dir.join("kustomization.yaml"),
        "namespace: apim-west\nresources:\n- gateway.yml\n",
    )
    .unwrap();
    let out = shgw(
        &[
            "review",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"SHGW001"), "{rules:?}");
    assert!(
        !rules.contains(&"SHGW043"),
        "the overlay sets the namespace: {rules:?}"
    );
    assert_eq!(v["gateways"][0]["object"]["namespace"], "apim-west");
    // Findings point at the file of the directory that wrote the field, not the built stream.
    assert_eq!(v["findings"][0]["location"]["file"], "gateway.yml");
}

#[test]
fn import_prints_a_gateway_file_and_lists_what_it_leaves_out() {
    let out = shgw(&["import", PORTAL], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("# shgw import: takeover plan for Gateway contoso-west"),
        "{stdout}"
    );
    assert!(
        stdout.contains("# shgw import: not carried over"),
        "{stdout}"
    );
    assert!(stdout.contains("kind: Gateway") && stdout.contains("secretName: contoso-west-token"));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("shgw import: takeover plan for Gateway contoso-west"));
    assert!(
        stderr.contains("- contoso-west: no namespace in the input"),
        "{stderr}"
    );
    // What it prints renders.
    let dir = shgw_testkit::scratch("import-cli");
    let file = dir.join("gateway.yaml");
    std::fs::write(&file, &out.stdout).unwrap();
    let render = shgw(
        &["render", "-f", file.to_str().unwrap(), "--profile", "dev"],
        None,
    );
    assert_eq!(render.status.code(), Some(0), "{}", text(&render.stderr));
    assert!(text(&render.stdout).contains("name: contoso-west-token"));
    // Helm values, and the chart output on stdin.
    let out = shgw(
        &[
            "import",
            "--helm-values",
            "examples/helm/values.yaml",
            "--release",
            "contoso-east",
            "--namespace",
            "apim-east",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("secretKey: gateway-key"));
    let helm = std::fs::read_to_string(
        workspace().join("crates/shgw-review/tests/inputs/helm-template.yaml"),
    )
    .unwrap();
    let out = shgw(&["import", "-", "--namespace", "apim-east"], Some(&helm));
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    // The chart's claim stays the one mounted; the namespace comes from --namespace.
    assert!(stdout.contains("existingClaim: contoso-east-azure-api-management-gateway"));
    assert!(stdout.contains("namespace: apim-east"));
    assert!(stdout.contains("kubectl delete secret -n apim-east -l owner=helm,name=contoso-east"));
    assert!(
        text(&out.stderr)
            .contains("kubectl delete secret -n apim-east -l owner=helm,name=contoso-east")
    );
}

#[test]
fn import_without_a_gateway_exits_1_with_nothing_on_stdout() {
    let out = shgw(
        &["import", "-"],
        Some("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("no gateway workload"));
    let out = shgw(
        &["import", "--helm-values", "examples/helm/values.yaml"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("--release"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        shgw(
            &[
                "import",
                PORTAL,
                "--helm-values",
                "examples/helm/values.yaml"
            ],
            None
        )
        .status
        .code(),
        Some(2)
    );
}

/// The portal's gateway lives in default: imported without --namespace it stays there, and
/// once replicas and tag are changed in place it renders under production (the namespace a
/// warning, the review's default-namespace rule suppressed with its reason).
#[test]
fn an_imported_portal_gateway_renders_under_production_where_it_lives() {
    let out = shgw(&["import", PORTAL], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let file = text(&out.stdout)
        .replace("  replicas: 1\n", "  replicas: 3\n")
        .replace("    tag: v2\n", "    tag: 2.12.1\n");
    assert!(file.contains("  namespace: default\n"), "{file}");
    let dir = shgw_testkit::scratch("import-portal-production");
    let path = dir.join("gateway.yaml");
    std::fs::write(&path, file).unwrap();
    let render = shgw(
        &[
            "render",
            "-f",
            path.to_str().unwrap(),
            "--profile",
            "production",
        ],
        None,
    );
    assert_eq!(render.status.code(), Some(0), "{}", text(&render.stderr));
    let yaml = text(&render.stdout);
    assert!(
        yaml.contains("shgw.dev/ignore: 'SHGW042=adopted in place"),
        "{yaml}"
    );
    assert!(yaml.contains("name: contoso-west-live-traffic"));
    // The render's own review reads that suppression: no finding on the namespace.
    assert!(
        !text(&render.stderr).contains("SHGW042"),
        "{}",
        text(&render.stderr)
    );
}

#[test]
fn stdin_goes_by_its_source_name_in_every_format() {
    let portal = std::fs::read_to_string(workspace().join(PORTAL)).unwrap();
    let name = "rendered/west gw|`v2`.yaml";
    let run = |format: &str, fail_on: &str| {
        shgw(
            &[
                "review",
                "-",
                "--source-name",
                name,
                "--format",
                format,
                "--fail-on",
                fail_on,
            ],
            Some(&portal),
        )
    };
    // Text: every finding and the gateway line, at the line and column in the stream.
    let out = run("text", "never");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains(&format!("{name}:23:3: error SHGW001")),
        "{report}"
    );
    assert!(report.contains(&format!("at {name}:16")), "{report}");
    // JSON: every finding's location.
    let out = run("json", "never");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(f["location"]["file"], name, "{f}");
    }
    // SARIF: every result's artifact location, as a relative URI reference.
    let out = run("sarif", "never");
    let sarif = text(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "rendered/west%20gw%7C%60v2%60.yaml",
            "{r}"
        );
    }
    if let Some(validator) = shgw_testkit::tool("sarif-validate") {
        let dir = shgw_testkit::scratch("review-source-name");
        let file = dir.join("named.sarif");
        std::fs::write(&file, &sarif).unwrap();
        let checked = Command::new(validator).arg(&file).output().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            checked.status.success(),
            "{}{}",
            text(&checked.stdout),
            text(&checked.stderr)
        );
    }
    // Markdown: the place of each finding, the table's `|` escaped inside the code span.
    let out = run("markdown", "never");
    let md = text(&out.stdout);
    assert!(md.contains("``rendered/west gw\\|`v2`.yaml:23:3``"), "{md}");
    for out in [&md, &report, &sarif] {
        assert!(!out.contains("<stdin>") && !out.contains("\"stdin\""));
    }
    // The failure line and a parse error name it too.
    let out = run("text", "error");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(&format!("{name}: review failed: 5 error(s)")),
        "{}",
        text(&out.stderr)
    );
    let out = shgw(
        &["review", "-", "--source-name", "team/gw.yaml"],
        Some("a: [\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("team/gw.yaml:1:4: not valid YAML or JSON"),
        "{}",
        text(&out.stderr)
    );
    // Only stdin takes a name, and only one line of text: usage errors, nothing on stdout.
    for (args, says) in [
        (
            vec!["review", PORTAL, "--source-name", "x.yaml"],
            "names standard input",
        ),
        (
            vec!["review", "-", "--source-name", " "],
            "the name is empty",
        ),
        (
            vec!["review", "-", "--source-name", "a\nb"],
            "control character",
        ),
    ] {
        let out = shgw(&args, Some(&portal));
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            text(&out.stderr).contains(says),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}
