//! `shgw token renew` refuses bad flags before it contacts anything: exit 2, the flag named on
//! stderr, nothing on stdout.
#![allow(clippy::unwrap_used)]

mod binary;

use std::process::Command;

const BASE: [&str; 14] = [
    "token",
    "renew",
    "--namespace",
    "apim",
    "--secret",
    "gw-token",
    "--subscription",
    "sub",
    "--resource-group",
    "rg",
    "--service",
    "apim-svc",
    "--gateway",
    "gw",
];

#[test]
fn bad_flags_exit_2_naming_the_flag() {
    let Some(bin) = binary::shgw_bin() else {
        return;
    };
    // A kubeconfig that cannot be read: reaching it would mean the flags were not checked first.
    let cases: [(&[&str], &str); 8] = [
        (
            &["--validity", "31d"],
            "--validity: API Management issues tokens for at most 30 days",
        ),
        (
            &["--validity", "29"],
            "--validity: \"29\" is not a duration",
        ),
        (
            &["--renew-before", "30d"],
            "--renew-before: must be shorter than --validity",
        ),
        (
            &["--arm-endpoint", "http://management.azure.com"],
            "only https:// is accepted",
        ),
        (
            &["--arm-endpoint", "management.azure.com"],
            "is not an absolute URL",
        ),
        (
            &["--key", "tertiary"],
            "invalid value 'tertiary' for '--key",
        ),
        (
            &["--secret-key", "a/b"],
            "--secret-key: \"a/b\" is not a Secret key",
        ),
        (
            &["--deployment", "Gw_1"],
            "--deployment: \"Gw_1\" is not a Kubernetes object name",
        ),
    ];
    for (extra, message) in cases {
        let out = Command::new(&bin)
            .args(BASE)
            .args(extra)
            .args(["--kubeconfig", "/nonexistent/kubeconfig"])
            .env_clear()
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert!(out.stdout.is_empty(), "{extra:?}");
        assert!(err.contains(message), "{extra:?}: {err}");
    }
}

#[test]
fn an_unreadable_kubeconfig_is_named_and_exits_1() {
    let Some(bin) = binary::shgw_bin() else {
        return;
    };
    let out = Command::new(&bin)
        .args(BASE)
        .args(["--kubeconfig", "/nonexistent/kubeconfig"])
        .env_clear()
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.contains("--kubeconfig /nonexistent/kubeconfig"),
        "{err}"
    );
}
