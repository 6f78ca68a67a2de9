//! The empty token Secret (renewal on) against a real API server, synced the ways GitOps
//! controllers sync: after the renewer has written the token (a merge patch under its field
//! manager, as `shgw token renew` does), a server-side apply (Flux's kustomize-controller, Argo CD
//! with `ServerSideApply=true`) and a client-side apply (Argo CD's default) of the same rendered
//! Secret keep the token; `kubectl replace` (Argo CD `Replace=true`) wipes it, which is why the
//! README says not to use it for these applications.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use shgw_testkit::text;
use std::path::Path;
use std::process::{Command, Output};

const NS: &str = "apim-west";
const SECRET: &str = "contoso-west-token";
/// base64 of a placeholder value (not a gateway token).
const FILLED: &str = "cmVuZXdlZA==";

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// The rendered token Secret of the Argo CD example (renewal on, no token).
fn rendered_secret() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO_BIN_EXE_shgw"))
        .args(["build", "examples/argocd/apps/west-prod"])
        .current_dir(&root)
        .output()
        .unwrap();
    let yaml = ok(out, "shgw build");
    let docs: Vec<Value> = shgw_yaml::parse::parse_values(&yaml).unwrap();
    let secret = docs
        .into_iter()
        .find(|d| d["kind"] == "Secret")
        .expect("a token Secret");
    assert!(secret.get("data").is_none());
    serde_json::to_string(&secret).unwrap()
}

#[test]
fn apply_keeps_the_renewed_token_and_replace_wipes_it() {
    let Some(api) = shgw_testkit::ApiServer::start("gitops-secret", &[]) else {
        return;
    };
    let secret = rendered_secret();
    ok(api.kubectl(&["create", "namespace", NS], None), "namespace");
    let value = || -> String {
        let out = api.kubectl(
            &[
                "get",
                "secret",
                SECRET,
                "-n",
                NS,
                "-o",
                "jsonpath={.data.value}",
            ],
            None,
        );
        ok(out, "get")
    };
    let renew = || {
        let patch = format!(
            r#"{{"data":{{"value":"{FILLED}"}},"metadata":{{"annotations":{{"shgw.dev/token-expiry":"2027-01-05T00:00:00Z"}}}}}}"#
        );
        ok(
            api.kubectl(
                &[
                    "patch",
                    "secret",
                    SECRET,
                    "-n",
                    NS,
                    "--type=merge",
                    "--field-manager=shgw-token-renew",
                    "-p",
                    &patch,
                ],
                None,
            ),
            "renewer patch",
        );
        assert_eq!(value(), FILLED);
    };

    // Server-side apply, as Flux's kustomize-controller does (with force, as it does).
    let ssa = [
        "apply",
        "--server-side",
        "--force-conflicts",
        "--field-manager=kustomize-controller",
        "-f",
        "-",
    ];
    ok(api.kubectl(&ssa, Some(&secret)), "first apply");
    assert_eq!(value(), "");
    renew();
    ok(api.kubectl(&ssa, Some(&secret)), "second apply");
    assert_eq!(value(), FILLED, "server-side apply dropped the token");

    // Client-side apply (Argo CD's default), from a fresh object.
    ok(
        api.kubectl(&["delete", "secret", SECRET, "-n", NS], None),
        "delete",
    );
    ok(
        api.kubectl(&["apply", "-f", "-"], Some(&secret)),
        "csa create",
    );
    renew();
    ok(
        api.kubectl(&["apply", "-f", "-"], Some(&secret)),
        "csa again",
    );
    assert_eq!(value(), FILLED, "client-side apply dropped the token");

    // Replace (Argo CD Replace=true) puts the rendered, empty object back.
    ok(
        api.kubectl(&["replace", "-f", "-"], Some(&secret)),
        "replace",
    );
    assert_eq!(value(), "", "replace is expected to wipe the token");
}
