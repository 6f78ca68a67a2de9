//! Layout cases taken from what kubectl kustomize v5.8.1 prints.

use serde_json::json;

#[test]
fn nested_layout_matches_kubectl() {
    let doc = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"template": {"spec": {"containers": [
            {"name": "c", "args": ["a very long string that goes on and on and on and on and on and on and on and on and on and on and on and on"], "ports": [{"containerPort": 80}]}
        ]}}, "list": [[1, 2], []], "empty": {}}
    });
    let expected = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: web
  name: web
spec:
  empty: {}
  list:
  - - 1
    - 2
  - []
  template:
    spec:
      containers:
      - args:
        - a very long string that goes on and on and on and on and on and on and on
          and on and on and on and on and on
        name: c
        ports:
        - containerPort: 80
";
    assert_eq!(shgw_yaml::to_string(&doc), expected);
}

#[test]
fn literal_blocks_and_quoting() {
    let doc = json!({"data": {
        "script": "line1\nline2\n",
        "nonl": "a\nb",
        "keep": "a\n\n",
        "lead": " x\ny\n",
        "q": "a: b",
        "1": "Y",
        "tab": "a\tb",
    }});
    let expected = "data:\n  \"1\": \"Y\"\n  keep: |+\n    a\n\n  lead: |2\n     x\n    y\n  nonl: |-\n    a\n    b\n  q: 'a: b'\n  script: |\n    line1\n    line2\n  tab: \"a\\tb\"\n";
    assert_eq!(shgw_yaml::to_string(&doc), expected);
}

/// Keys longer than 128 bytes or with line breaks, as kubectl v1.37.1 prints them.
#[test]
fn complex_keys_match_kubectl() {
    let long = "k".repeat(130);
    let spaced = "a very long key with spaces that goes on and on and on and on and on and on and on and on and on and on and on";
    let doc = json!({
        "spec": {
            long.clone(): {"a": 1, "b": 2},
            "multi\nline": [1, 2],
            "l2\nx": [],
            spaced: "a long value with spaces that goes on and on and on and on and on and on and on and on and on",
        },
        "list": [{long.clone(): 1, "z": 2}],
    });
    let expected = format!(
        "\
list:
- ? {long}
  : 1
  z: 2
spec:
  a very long key with spaces that goes on and on and on and on and on and on and on and on and on and on and on: a
    long value with spaces that goes on and on and on and on and on and on and on
    and on and on
  ? {long}
  : a: 1
    b: 2
  ? |-
    l2
    x
  : []
  ? |-
    multi
    line
  : - 1
    - 2
"
    );
    assert_eq!(shgw_yaml::to_string(&doc), expected);
}
