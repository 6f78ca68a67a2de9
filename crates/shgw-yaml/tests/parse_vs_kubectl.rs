//! Differential test of the parser: each case is the `spec` of a custom resource. `kubectl
//! kustomize` (v1.37.1, kustomize v5.8.1) builds it, and its stdout must equal, byte for byte,
//! what we print for the parsed resource (`to_string(&node.to_value())`: for a single
//! resource, kubectl prints exactly that). Where kubectl fails, our parser must fail too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use shgw_yaml::parse::{ParseOptions, parse_documents};
use std::path::Path;
use std::process::Command;

const HEADER: &str = "apiVersion: x.io/v1\nkind: X\nmetadata:\n  name: a\n";

/// Plain and tagged spellings of one value, each written as `spec: {v: <value>}` in block
/// style.
const SCALARS: &[&str] = &[
    // null, bool
    "~",
    "null",
    "Null",
    "NULL",
    "nULL",
    "true",
    "True",
    "TRUE",
    "false",
    "FALSE",
    "tRue",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    // integers
    "0",
    "-0",
    "+1",
    "12",
    "0755",
    "+0755",
    "-0755",
    "09",
    "08",
    "00",
    "0x1F",
    "0X1F",
    "-0x1F",
    "0o17",
    "0O17",
    "0o8",
    "0b101",
    "0B11",
    "-0b101",
    "1_000",
    "1_",
    "_1",
    "0x_1F",
    "1__0",
    "123456789012345678901234567890",
    "18446744073709551615",
    "18446744073709551616",
    "+18446744073709551615",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "0x1FFFFFFFFFFFFFFFFF",
    "0x",
    "0o",
    "0b",
    // floats
    "1.0",
    "1.",
    "1.5",
    "-1.5",
    "1e3",
    "1E3",
    "1e+3",
    "1e-3",
    "0.1e-2",
    ".5",
    "-.5",
    "+.5",
    ".5e3",
    "1e400",
    "1e-400",
    "1e21",
    "1e20",
    "123456.789",
    "0.000001",
    "1_0.5",
    "-.5_0",
    ".",
    ".e3",
    "1.5e",
    // timestamps
    "2024-01-02",
    "2024-1-2",
    "2001-12-14t21:59:43.10-05:00",
    "2024-01-02T10:00:00Z",
    "2024-01-02 10:00:00",
    "2024-01-02   10:00:00",
    "2024-01-02T10:00:00",
    "2024-01-02 10:00:00Z",
    "2024-01-02T10:00:00.123456789123+01:30",
    "2024-01-02T10:00:00.000Z",
    "2024-01-02T10:00:00,5Z",
    "2024-01-02T10:00:00+00:00",
    "2024-01-02T24:00:00Z",
    "2024-02-29",
    "2023-02-29",
    "2024-02-30",
    "2024-13-01",
    "0000-01-01",
    "2024-01-02x",
    // other plain text
    "12:30",
    "1:20:30",
    "v1",
    "<<",
    "=",
    "2Gi",
    "25%",
    "héllo ☃",
    "a\tb",
    "x   y",
    "a #not a comment",
    "multi\n    line\n\n    plain",
    // quoted
    "'true'",
    "'it''s'",
    "\"12\"",
    "\"esc\\ttab\\u00e9\\x41\"",
    "\"line\\nbreak\"",
    "\"folded\n    quoted\"",
    "''",
    "\"\"",
    // explicit tags
    "!!str 12",
    "!!str true",
    "!!int \"12\"",
    "!!int \"0x1F\"",
    "!!int 0755",
    "!!float 1",
    "!!float 0x10",
    "!!float \"1.5\"",
    "!!float 1_000",
    "!!bool \"true\"",
    "!!bool False",
    "!!null \"\"",
    "!!null ~",
    "!!binary aGVsbG8=",
    "!!binary /w==",
    "!!binary \"aGVs\\nbG8=\"",
    "!!timestamp \"2024-01-02\"",
    "!!timestamp 2024-01-02T10:00:00Z",
    "!Foo x",
    "!Foo 12",
    "!Foo true",
    "!!custom x",
    "!!merge x",
    "! 12",
    "! \"12\"",
    "!<tag:yaml.org,2002:int> \"7\"",
    "!<tag:yaml.org,2002:str> 7",
    "!!str",
    "&a x",
    "!Foo {a: 1}",
    "!!map {a: 1}",
    "!!seq {a: 1}",
    "!!str [1]",
    "!!int {b: 1}",
];

/// Whole `spec` texts (appended to the header as they are, so some end without a line break).
const DOCUMENTS: &[&str] = &[
    // anchors, aliases, merge keys
    "spec:\n  a: &x 1\n  b: *x\n  c: &y [1, *x]\n  d: *y\n",
    "spec:\n  a: &x {p: 1, q: 2}\n  b:\n    <<: *x\n    q: 3\n  c:\n    <<: [*x, {p: 5, r: 6}]\n  d:\n    q: 9\n    <<: *x\n",
    "spec: {f: {<<: [{p: 7}, {p: 8}]}}\n",
    "spec: {f: {<<: {p: {x: 1}}, p: {y: 1}}}\n",
    "spec: {e: {\"<<\": {p: 1}, z: 2}}\n",
    "spec: {e: {'<<': 5, z: 2}}\n",
    "spec: {e: {!!str <<: 5, z: 2}}\n",
    "spec: {e: {!!merge <<: {p: 1}, z: 2}}\n",
    "spec: {e: {!!merge \"<<\": {p: 1}, z: 2}}\n",
    "spec: {e: {? !!merge x : {p: 1}, z: 2}}\n",
    "spec: {e: {<<: {p: 1}, \"<<\": {q: 1}, z: 2}}\n",
    "spec: {e: &a {<<: {p: 1}}, f: *a, g: {<<: *a, z: 1}}\n",
    "spec: {e: {<<: []}}\n",
    "spec: {e: {<<: {}}}\n",
    "spec: {e: {<<: {p: 1, p: 2}}}\n",
    "spec:\n  base: &b\n    k: v\n  list:\n  - <<: *b\n    n: 1\n  - *b\n",
    "spec:\n  a: &k key\n  *k : b\n",
    // block scalars: every chomping and indentation indicator
    "spec:\n  a: |\n    x\n    y\n\n  b: |-\n    x\n\n  c: |+\n    x\n\n  d: x\n",
    "spec:\n  a: >\n    x\n    y\n\n    z\n  b: >-\n    x\n     more\n    y\n  c: >+\n    x\n\n",
    "spec:\n  a: |2\n      indented\n    x\n  b: |1-\n     y\n  c: >2+\n     z\n\n  d: |+2\n     w\n",
    "spec:\n  a: |\n\n    leading blank\n  b: |\n    trailing spaces   \n  c: | # comment\n    x\n",
    "spec:\n  a: |\n    x\n    y",
    "spec:\n  a: |-\n    x\n    y",
    "spec:\n  a: |+\n    x\n    y",
    "spec:\n  a: >\n    x\n    y",
    "spec:\n  a: >+\n    x\n\n    y",
    "spec:\n  - |\n    x",
    "spec:\n  a: |\n    x\n  b: |\n    y",
    "spec:\n  a: |\n    x\n  ",
    "spec:\n  a: b",
    "spec:\n  a: \"q\"",
    // flow collections and empty values
    "spec: {a: 1, b: [x, {c: d}], e: {}, f: []}\n",
    "spec: {a: [b: ], c: [d: 1]}\n",
    "spec: {a: {b}}\n",
    "spec: {a: {c: , d: ~, e: }}\n",
    "spec:\n  a:\n  b: ~\n  c:\n  - \n  - x\n",
    "spec:\n  ? b\n  c: 1\n",
    "spec: [a, b, ]\n",
    "spec:\n  a: [\n    1,\n    2\n  ]\n",
    // keys
    "spec: {\"1\": a, !!str 2: b, '': c, yes: d, no: e, on: f, \"true\": g}\n",
    // text conventions
    "spec:\r\n  a: |\r\n    x\r\n    y\r\n  b: \"t\\tu\"\r\n  c: t\tu\r\n",
    "spec:\n  a: 1\n\u{feff}b: 2\n",
    "# lead\nspec: # c1\n  # c2\n  a: 1 # c3\n  b: [1, # c4\n    2]\n# trail\n",
    "spec:\n  a: 1\n...\n",
    "spec:\n  a: 1\n---\n",
    "spec:\n  a:\t1\n",
    "spec:\n  a: 'multi\n    line\n\n    single'\n",
    // kustomize's internal re-print: folded scalars with more-indented lines, timestamps in
    // flow collections
    "spec:\n  b: >-\n    x\n     more\n    y\n  c: >-\n    x\n\n     more\n    y\n  d: >-\n    a\n    b\n      c\n    d\n",
    "spec:\n  e: >-\n    x\n     m1\n     m2\n    y\n  f: >2-\n     m1\n    x\n  g: >-\n    x\n     m\n\n    y\n  h: >-\n    x\n    \tt\n    y\n",
    "spec:\n  i: >-\n    x\n\n\n     m\n  j: >-\n     m1\n\n     m2\n  k: >\n    x\n     m\n  l: >-\n    x\n       \n    y\n",
    "spec:\n  a: >2-\n     m\n    x\n\n    y\n  b: >+\n    x\n\n  c: >+\n    x\n  e: >-\n    x\n\n\n    y\n",
    "spec:\n  a: >2-\n     m\n    x\n     n\n  b: >-\n    x\n     m1\n\n     m2\n  c: >-\n    x\n     m1\n    y\n     m2\n",
    "spec:\n  a: >\n    a very long folded line that goes on and on and on and on and on and on and on and on and on\n     more\n",
    "spec:\n  a: >+\n    x\n     m\n\n\n",
    "spec:\n  a: >\n\n    x\n     m\n",
    "spec:\n  a: {x: 2001-12-14t21:59:43.10-05:00}\n  b: [2024-01-02 10:00:00]\n  c: {x: 2024-01-02}\n  d: {x: !!timestamp 2001-12-14t21:59:43.10-05:00}\n",
    "spec:\n  e: [2001-12-14t21:59:43.10-05:00]\n  f: {x: [{y: 2001-12-14t21:59:43.10-05:00}]}\n  g: 2001-12-14t21:59:43.10-05:00\n  h: {? 2001-12-14t21:59:43.10-05:00 : 1}\n",
    "spec: [2024-01-02T10:00:00+24:00]\n",
    // the re-print happens after aliases and merge keys are resolved: where a value lands
    // decides
    "spec: {<<: {k0: , t: 2001-12-14t21:59:43.10-05:00}}\n",
    "spec:\n  a: [&t 2001-12-14t21:59:43.10-05:00]\n  b: *t\n  c: &e\n  d: {x: *e}\n  e: [*t]\n",
    "spec:\n  s: &s {x: , t: 2001-12-14t21:59:43.10-05:00}\n  m:\n    <<: *s\n  l:\n    <<: [*s]\n",
    "spec:\n  s: &s\n    x:\n    t: 2001-12-14t21:59:43.10-05:00\n  m: {<<: *s}\n  l: {<<: [{y: }, *s]}\n",
    // escapes and line folding in quoted scalars
    "spec:\n  a: \"\\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\0\\a\\e\\ \\\t|\\v\\b\\'\\\"\"\n  b: \"line \\\n    continued\"\n  c: \"a\n\n    b\n    c  \"\n",
    "spec:\n  a: 'a\n     b\n\n\n    c'\n  b: ' lead and trail '\n  c: '  '\n",
    "spec:\n  a: \"x\u{2028}y\"\n  b: 'x \u{85} y'\n  c: [x\u{85}\u{85}y, x\u{2029}y]\n  d: \"x\u{85}\n\n  y\"\n",
    "spec:\n  &k a: 1\n  b: *k\n",
    "spec: {a: 1,}\n",
    "spec:\n  a: \"\\L\\n\"\n  b: \"x\\Ly\\nz\"\n  c: \"x\\Ly\"\n  d: \"\\P\"\n  e: \"x\\L\\n\"\n",
    "spec:\n  a: \"x\\N\\Ny\"\n  b: \"x \\N y\"\n  c: \"x\\N\\ny\"\n  d: \"x\\N\\N\\Ny\"\n  e: \"x\\t\\Ny\"\n  f: \"\\L\\N\"\n  g: \"\\Nx\"\n",
    "spec:\n  a: |\n    x\n\n  # not content\n  b: 1\n",
    "spec:\n  ? |\n    block key\n  : v\n",
    "spec:\n  a: plain # comment\n  b: \"q\" # comment\n  c: 'multi # not\n    comment'\n",
    "spec:\n  - a\n  -\n  - - b\n    - c\n  - ? d\n    : e\n",
    "spec:\n  a: !!str\n  b: !!null\n  c: !Foo\n",
];

/// Whole texts (no header added).
const RAW: &[&str] = &[
    "---\n# only a comment\n---\n~\n...\n---\napiVersion: x.io/v1\nkind: X\nmetadata:\n  name: a\n---\n\n---\napiVersion: x.io/v1\nkind: X\nmetadata:\n  name: b\nspec: 1\n",
    "apiVersion: x.io/v1\nkind: X\nmetadata:\n  name: a\n...\napiVersion: x.io/v1\nkind: X\nmetadata:\n  name: b\n",
    "apiVersion: x.io/v1\nkind: X\nmetadata:\n  name: a\n--- # c\n---\n---\napiVersion: x.io/v1\nkind: X\nmetadata:\n  name: b\n",
    "apiVersion: x.io/v1\nkind: X\nmetadata:\n  name: a\nspec: |+\n  x\n\n---\napiVersion: x.io/v1\nkind: X\nmetadata:\n  name: b\nspec: |\n  y",
    "\u{feff}apiVersion: x.io/v1\nkind: X\nmetadata:\n  name: a\nspec:\n  a: 1\n",
    "# lead\n---\napiVersion: x.io/v1\nkind: X\nmetadata:\n  name: a\nspec: 1\n...\n",
    "apiVersion: x.io/v1\r\nkind: X\r\nmetadata:\r\n  name: a\r\nspec:\r\n  a: |-\r\n    x\r\n    y",
];

/// `spec` texts kubectl refuses.
const ERRORS: &[&str] = &[
    "spec: {a: .inf}\n",
    "spec: {a: -.Inf}\n",
    "spec: {a: .nan}\n",
    "spec: {a: !!int x}\n",
    "spec: {a: !!int 1.5}\n",
    "spec: {a: !!float x}\n",
    "spec: {a: !!bool yes}\n",
    "spec: {a: !!timestamp x}\n",
    "spec: {a: !!timestamp 1}\n",
    "spec: {a: !!null x}\n",
    "spec: {a: !!binary \"!!!\"}\n",
    "spec: {a: !!binary aGk}\n",
    "spec:\n  a: 1\n  a: 2\n",
    "spec: {a: 1, !!str a: 2}\n",
    "spec: {1: a, \"1\": b}\n",
    "spec: {f: {<<: {p: 7}, r: 8, r: 9}}\n",
    "spec: {1: a}\n",
    "spec: {true: a}\n",
    "spec: {1.5: a}\n",
    "spec: {2024-01-02: a}\n",
    "spec: {null: a}\n",
    "spec:\n  ~: a\n",
    "spec: {!Foo x: a}\n",
    "spec: {!!binary aGk=: a}\n",
    "spec: {? [a]: b}\n",
    "spec: {? {a: 1}: b}\n",
    "spec: {: x}\n",
    "spec: {f: {<<: {p: 7}, <<: {r: 8}}}\n",
    "spec: {f: {<<: 1}}\n",
    "spec: {f: {<<: [1]}}\n",
    "spec: {f: {<<: }}\n",
    "spec: {f: {<<: null}}\n",
    "spec: {e: {<<: [[{p: 1}]]}}\n",
    "spec: {a: b: c}\n",
    "spec: [1, 2\n",
    "spec:\n  a: 1\n b: 2\n",
    "spec:\n\ta: 1\n",
    "spec: {a: *nope}\n",
    "spec: \"unterminated\n",
    "spec:\n  b: 2024-01-02T10:00:00+24:00\n",
    "spec:\n  a: |\n    x\n# c\n    y\n",
    "spec:\n  a: |10\n    x\n",
    "spec:\n  a: *x\n---\napiVersion: x.io/v1\nkind: X\nmetadata:\n  name: b\n",
    "spec: &x 1\n---\napiVersion: x.io/v1\nkind: X\nmetadata:\n  name: b\nspec: *x\n",
    "spec: {a: 1\n",
    "spec: [a, , b]\n",
    "spec:\n  a: 'x\n",
    "spec: {a: \"x\\/y\"}\n",
    "spec: {a: \"x\\cy\"}\n",
    "spec:\n  a: x\u{2028}y\n",
    "spec:\n  a: |\n    x\u{85}y\n",
    "spec:\n  a: 1 # c\u{2028}d\n",
    "spec: 1\n--- b\napiVersion: x.io/v1\nkind: X\nmetadata:\n  name: b\n",
    "spec: 1\n---x\n",
    "spec: 1\n---\n...\n---\napiVersion: x.io/v1\nkind: X\nmetadata:\n  name: b\n",
];

/// Whole texts kubectl refuses.
const RAW_ERRORS: &[&str] = &[
    "%YAML 1.1\n---\napiVersion: x.io/v1\nkind: X\nmetadata:\n  name: a\nspec: [yes, on, 2024-01-02]\n",
    "%TAG !e! tag:example.com,2000:\n---\napiVersion: x.io/v1\nkind: X\nmetadata:\n  name: a\nspec: !e!foo 12\n",
];

struct Outcome {
    kubectl: Result<String, String>,
    ours: Result<String, String>,
}

fn run(kubectl: &Path, dir: &Path, text: &str) -> Outcome {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("kustomization.yaml"), "resources:\n- r.yaml\n").unwrap();
    std::fs::write(dir.join("r.yaml"), text).unwrap();
    let out = Command::new(kubectl)
        .arg("kustomize")
        .arg(dir)
        .output()
        .unwrap();
    let kubectl = if out.status.success() {
        Ok(String::from_utf8(out.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let ours = parse_documents(text, &ParseOptions::default())
        .map_err(|e| e.to_string())
        .map(|docs| {
            let values: Vec<_> = docs.iter().map(|d| d.to_value()).collect();
            shgw_yaml::to_multi_doc(&values)
        });
    Outcome { kubectl, ours }
}

#[test]
fn parsed_resources_print_as_kubectl_prints_them() {
    let Some(kubectl) = shgw_testkit::tool("kubectl") else {
        return;
    };
    let root = shgw_testkit::scratch("yaml-parse-kubectl");
    let mut cases: Vec<(String, bool)> = SCALARS
        .iter()
        .map(|v| (format!("{HEADER}spec:\n  v: {v}\n"), true))
        .collect();
    cases.extend(DOCUMENTS.iter().map(|d| (format!("{HEADER}{d}"), true)));
    cases.extend(RAW.iter().map(|d| ((*d).to_string(), true)));
    cases.extend(RAW_ERRORS.iter().map(|d| ((*d).to_string(), false)));
    cases.extend(ERRORS.iter().map(|d| (format!("{HEADER}{d}"), false)));
    let mut failures = Vec::new();
    for (i, (text, should_build)) in cases.iter().enumerate() {
        let o = run(&kubectl, &root.join(i.to_string()), text);
        let problem = match (&o.kubectl, &o.ours) {
            (Ok(k), _) if !should_build => Some(format!("kubectl builds it:\n{k}")),
            (Err(k), _) if *should_build => Some(format!("kubectl fails: {k}")),
            (Ok(k), Ok(ours)) if k != ours => {
                Some(format!("kubectl prints:\n{k}we print:\n{ours}"))
            }
            (Ok(_), Err(e)) => Some(format!("kubectl builds it, we fail: {e}")),
            (Err(k), Ok(ours)) => Some(format!("kubectl fails ({k}), we print:\n{ours}")),
            _ => None,
        };
        if let Some(p) = problem {
            failures.push(format!("--- case {i}: {text:?}\n{p}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The same spellings in a kustomization file, read in YAML 1.1 mode: as a
/// `commonAnnotations` value, kubectl accepts exactly the ones that read as strings (or null,
/// an empty annotation) and prints their text.
#[test]
fn kustomization_scalars_read_as_kubectl_reads_them() {
    let Some(kubectl) = shgw_testkit::tool("kubectl") else {
        return;
    };
    let root = shgw_testkit::scratch("yaml-parse-kubectl-k11");
    let yaml11 = ParseOptions {
        yaml11: true,
        duplicate_keys: shgw_yaml::parse::DuplicateKeys::LastWins,
    };
    let mut failures = Vec::new();
    for (i, v) in SCALARS.iter().enumerate() {
        let kustomization = format!("resources:\n- r.yaml\ncommonAnnotations:\n  k: {v}\n");
        let dir = root.join(i.to_string());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("kustomization.yaml"), &kustomization).unwrap();
        std::fs::write(dir.join("r.yaml"), HEADER).unwrap();
        let out = Command::new(&kubectl)
            .arg("kustomize")
            .arg(&dir)
            .output()
            .unwrap();
        let ours = parse_documents(&kustomization, &yaml11)
            .map_err(|e| e.to_string())
            .and_then(|docs| match docs[0]["commonAnnotations"]["k"].to_value() {
                serde_json::Value::String(s) => Ok(s),
                serde_json::Value::Null => Ok(String::new()),
                other => Err(format!("not a string: {other}")),
            })
            .map(|text| {
                shgw_yaml::to_string(&serde_json::json!({
                    "apiVersion": "x.io/v1", "kind": "X",
                    "metadata": {"annotations": {"k": text}, "name": "a"}
                }))
            });
        let theirs = if out.status.success() {
            Ok(String::from_utf8(out.stdout).unwrap())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        };
        match (&theirs, &ours) {
            (Ok(k), Ok(o)) if k == o => {}
            (Err(_), Err(_)) => {}
            _ => failures.push(format!("--- {v:?}\nkubectl: {theirs:?}\nours:    {ours:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} spellings differ:\n{}",
        failures.len(),
        SCALARS.len(),
        failures.join("\n")
    );
}
