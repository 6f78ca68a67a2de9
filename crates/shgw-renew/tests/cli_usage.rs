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
    let cases: [(&[&str], &str); 12] = [
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
        // Zero is well formed: the message says what is wrong with it.
        (
            &["--renew-before", "0d"],
            "--renew-before: \"0d\" is not a duration: it must be more than zero",
        ),
        // A new token may carry up to 119 s less than --validity: it would be due at once.
        (
            &["--validity", "2h", "--renew-before", "119m"],
            "--renew-before: must be at least 2 minutes (2m) shorter than --validity",
        ),
        (
            &["--deadline", "5s"],
            "--deadline: must be between 10s and 24h",
        ),
        (
            &["--deadline", "10 s"],
            "--deadline: \"10 s\" is not a duration",
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
