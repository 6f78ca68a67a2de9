//! Differential test: `kubectl kustomize` (kustomize v5.8.1) reads what we print and must print
//! exactly the same bytes back. A string we forgot to quote would come back as a boolean or a
//! number; a wrong key order, indent or fold would show as a diff.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;

#[test]
fn kubectl_reprints_tricky_documents_unchanged() {
    let Some(kubectl) = shgw_testkit::tool("kubectl") else {
        return;
    };
    let tricky = [
        "yes",
        "no",
        "on",
        "off",
        "y",
        "Y",
        "n",
        "N",
        "true",
        "False",
        "~",
        "null",
        "NULL",
        "",
        "1",
        "0755",
        "0o17",
        "0x1F",
        "1e3",
        ".5",
        "+1",
        "-1",
        "1_000",
        "12:30",
        "1:20:30",
        "2026-11-26",
        "2026-11-26T10:00:00Z",
        "1.25",
        "<<",
        "=",
        "2Gi",
        "500m",
        "25%",
        "GatewayKey a&b&c+/==",
        "a: b",
        "x:",
        "-",
        "- x",
        "-x",
        "?x",
        ":x",
        "*",
        "&a",
        "!tag",
        "|",
        ">",
        "'",
        "\"",
        "%",
        "@x",
        "`x",
        "{a}",
        "[a]",
        "#x",
        "a #b",
        "x#y",
        "a,b",
        "  lead",
        "trail  ",
        "a\tb",
        "line1\nline2\n",
        "no newline\nat end",
        "keep\n\n",
        " indented\nx\n",
        "trailing space \nx",
        "héllo ☃",
        "emoji \u{1F680} here",
        "\u{a0}nbsp",
        "2.11.1",
        "v2",
        "---x",
        "...x",
        "a very long string that goes on and on and on and on and on and on and on and on and on and on and on and on",
        "'quoted: long string with a colon: that goes on and on and on and on and on and on and on and on'",
        "averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryverylongword",
    ];
    let mut data = serde_json::Map::new();
    for (i, s) in tricky.iter().enumerate() {
        data.insert(format!("k{i}"), json!(s));
    }
    for key in [
        "a9", "a10", "_x", "B", "a-b", "a.b", "a_b", "a01", "a001", "yes", "1", "-y", ".z",
    ] {
        data.insert(key.to_owned(), json!("v"));
    }
    let docs = [
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "tricky"}, "data": data}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}},
               "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {
                   "metadata": {"labels": {"app": "web"}},
                   "spec": {"containers": [{"name": "c", "image": "nginx:1.25",
                       "args": ["--flag=yes", "a very long argument that goes on and on and on and on and on and on and on and on and on and on"],
                       "resources": {"limits": {"cpu": "2", "memory": "2Gi"}},
                       "ports": [{"containerPort": 80, "protocol": "TCP"}]}],
                       "tolerations": [], "nodeSelector": {}}}}}),
    ];
    let ours = shgw_yaml::to_multi_doc(&docs);
    let dir = shgw_testkit::scratch("yaml-kubectl");
    let theirs = shgw_testkit::kubectl_reprint(&kubectl, &dir, &ours);
    if ours != theirs {
        let diff: Vec<String> = ours
            .lines()
            .zip(theirs.lines())
            .filter(|(a, b)| a != b)
            .take(10)
            .map(|(a, b)| format!("ours:    {a}\nkubectl: {b}"))
            .collect();
        panic!("kubectl prints it differently:\n{}", diff.join("\n"));
    }
}
