//! Property tests of the parser: no input makes it panic or hang, and what it reads prints
//! stably (printing, reading back and printing again gives the same text).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use proptest::prelude::*;
use shgw_yaml::parse::{DuplicateKeys, ParseOptions, parse_documents};

/// Pieces of YAML syntax, so that random texts reach deep into the parser.
const PIECES: &[&str] = &[
    "a",
    "b",
    "key",
    ":",
    ": ",
    " ",
    "  ",
    "\n",
    "\n  ",
    "\n    ",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: ",
    "\"<<\"",
    "!!int ",
    "!!str ",
    "!!binary ",
    "!!float ",
    "!!timestamp ",
    "!Foo ",
    "! ",
    "|",
    "|-",
    "|+",
    ">",
    ">-",
    "|2",
    "'",
    "\"",
    "\\",
    "#",
    " # c",
    "?",
    "? ",
    "---",
    "...",
    "\t",
    "1",
    "0x1F",
    "0755",
    "1e3",
    ".inf",
    "~",
    "null",
    "true",
    "yes",
    "2024-01-02",
    "2024-01-02T10:00:00Z",
    "\r\n",
    "\u{feff}",
    "é",
    "☃",
    "\u{1F600}",
    "%YAML 1.2\n",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|p| p.concat())
}

/// Plain scalars that are valid anywhere (block and flow).
const PLAIN: &[&str] = &[
    "a",
    "x y",
    "1",
    "-1",
    "0755",
    "0x1F",
    "1e3",
    ".5",
    "1.0",
    "09",
    "~",
    "null",
    "true",
    "yes",
    "No",
    "2024-01-02",
    "2024-1-2",
    "12:30",
    "v1",
    "-x",
    "1_000",
    "18446744073709551616",
    "0x1FFFFFFFFFFFFFFFFF",
    "1e400",
    "é☃",
    "a'b",
    "a\"b",
];

/// Characters for quoted and block scalars. (No U+0085: kubectl reads a double-quoted `\N`
/// back as a space, so a NEL in a value cannot print stably.)
const CHARS: &[&str] = &[
    "a",
    "b",
    " ",
    "  ",
    "\n",
    "\t",
    "'",
    "\"",
    "\\",
    "#",
    ": ",
    "- ",
    "é",
    "\u{1F600}",
    "\u{feff}",
    "\r",
    "\u{7}",
    "yes",
    "1",
    "---",
    "...",
    "{",
    "]",
    ",",
];

/// A random tree of YAML nodes.
#[derive(Clone, Debug)]
enum Tree {
    Plain(&'static str),
    Quoted(String, bool),
    Block(Vec<String>, char, &'static str),
    Map(Vec<Tree>, bool),
    Seq(Vec<Tree>, bool),
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(CHARS), 0..12).prop_map(|p| p.concat())
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![
        prop::sample::select(PLAIN).prop_map(Tree::Plain),
        (text(), any::<bool>()).prop_map(|(t, double)| Tree::Quoted(t, double)),
        (
            (
                "[a-z][a-z ]{0,6}[a-z]",
                prop::collection::vec("([a-z][a-z ]{0,6}| [a-z]{1,5}|\\t[a-z]|)", 0..5)
            )
                .prop_map(|(first, mut rest)| {
                    rest.insert(0, first);
                    rest
                }),
            prop::sample::select(vec!['|', '>']),
            prop::sample::select(vec!["", "-", "+"]),
        )
            .prop_map(|(lines, s, c)| Tree::Block(lines, s, c)),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            (prop::collection::vec(inner.clone(), 0..5), any::<bool>())
                .prop_map(|(v, flow)| Tree::Map(v, flow)),
            (prop::collection::vec(inner, 0..5), any::<bool>())
                .prop_map(|(v, flow)| Tree::Seq(v, flow)),
        ]
    })
}

fn quote(t: &str, double: bool) -> String {
    if double {
        let mut out = String::from("\"");
        for c in t.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{7}' => out.push_str("\\a"),
                '\u{feff}' => out.push_str("\\uFEFF"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    } else {
        let clean: String = t
            .chars()
            .filter(|c| !c.is_control() && *c != '\u{feff}')
            .collect();
        format!("'{}'", clean.replace('\'', "''"))
    }
}

/// `t` as YAML text at `indent`, for a place in block (`flow` false) or flow context.
fn render(t: &Tree, indent: usize, flow: bool) -> String {
    let pad = " ".repeat(indent);
    match t {
        Tree::Plain(p) if flow && p.contains(['\'', '"']) => quote(p, true),
        Tree::Plain(p) => (*p).to_string(),
        Tree::Quoted(q, double) => quote(q, *double),
        Tree::Block(_, _, _) if flow => "\"in flow\"".into(),
        Tree::Block(lines, style, chomp) => {
            let mut out = format!("{style}{chomp}");
            for l in lines {
                out.push('\n');
                if !l.is_empty() {
                    out.push_str(&pad);
                    out.push_str("  ");
                    out.push_str(l);
                }
            }
            out
        }
        Tree::Map(items, as_flow) if flow || *as_flow || items.is_empty() => {
            let parts: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(i, v)| format!("k{i}: {}", render(v, indent, true)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Tree::Seq(items, as_flow) if flow || *as_flow || items.is_empty() => {
            let parts: Vec<String> = items.iter().map(|v| render(v, indent, true)).collect();
            format!("[{}]", parts.join(", "))
        }
        Tree::Map(items, _) => items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Tree::Map(m, false) | Tree::Seq(m, false) if !m.is_empty() => {
                    format!("\n{pad}k{i}:{}", render(v, indent + 2, false))
                }
                _ => format!("\n{pad}k{i}: {}", render(v, indent + 2, false)),
            })
            .collect(),
        Tree::Seq(items, _) => items
            .iter()
            .map(|v| match v {
                Tree::Map(m, false) | Tree::Seq(m, false) if !m.is_empty() => {
                    format!(
                        "\n{pad}- {}",
                        render(v, indent + 2, false).trim_start_matches(['\n', ' '])
                    )
                }
                _ => format!("\n{pad}- {}", render(v, indent + 2, false)),
            })
            .collect(),
    }
}

fn options() -> [ParseOptions; 2] {
    [
        ParseOptions::default(),
        ParseOptions {
            yaml11: true,
            duplicate_keys: DuplicateKeys::LastWins,
        },
    ]
}

/// Parses with every option set; where it succeeds, printing must be stable.
fn check(text: &str) -> Result<(), TestCaseError> {
    for opts in options() {
        let Ok(docs) = parse_documents(text, &opts) else {
            continue;
        };
        for doc in docs {
            let value = doc.to_value();
            let printed = shgw_yaml::to_string(&value);
            // Only collections: kubectl prints no top-level scalars (and go-yaml may fold a
            // long top-level quoted string onto a line starting with `---`).
            if !(value.is_object() || value.is_array()) {
                continue;
            }
            // A key `<<` read from a kustomization file is a merge key in a resource.
            if printed.contains("<<") {
                continue;
            }
            let again = parse_documents(&printed, &ParseOptions::default());
            prop_assert!(again.is_ok(), "{printed:?} does not read back: {again:?}");
            let again: Vec<_> = again.unwrap().iter().map(|d| d.to_value()).collect();
            prop_assert_eq!(shgw_yaml::to_multi_doc(&again), printed, "from {:?}", text);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn yaml_soup_never_panics_and_prints_stably(text in soup()) {
        check(&text)?;
    }

    #[test]
    fn generated_documents_read_and_print_stably(t in tree()) {
        let text = format!("root:{}\n", match &t {
            Tree::Map(m, false) | Tree::Seq(m, false) if !m.is_empty() => render(&t, 2, false),
            _ => format!(" {}", render(&t, 2, false)),
        });
        let docs = parse_documents(&text, &ParseOptions::default());
        prop_assert!(docs.is_ok(), "{:?}: {:?}", text, docs);
        check(&text)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let text = String::from_utf8_lossy(&bytes);
        for opts in options() {
            if let Ok(docs) = parse_documents(&text, &opts) {
                for d in docs {
                    let _ = shgw_yaml::to_string(&d.to_value());
                }
            }
        }
    }
}
