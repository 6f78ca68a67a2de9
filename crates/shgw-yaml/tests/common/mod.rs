//! A generator of random YAML documents, shared by the property tests.
#![allow(dead_code)]

use proptest::prelude::*;

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
    "2024-01-02T10:00:00Z",
    "2001-12-14t21:59:43.10-05:00",
    "!!str 12",
    "!!int \"0x1F\"",
    "!!float 1",
    "!Foo x",
    "!!binary aGVsbG8=",
    "!!timestamp 2024-01-02",
    "!!null ''",
    "&anchor x",
    "a very long plain text that goes on and on and on and on and on and on and on and on and on",
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
    "\u{2028}",
    " a long run of text that goes on and on and on and on and on and on and on and on ",
];

/// A random tree of YAML nodes.
#[derive(Clone, Debug)]
pub enum Tree {
    Plain(&'static str),
    Quoted(String, bool),
    Block(Vec<String>, char, &'static str),
    /// Entries (key kind, value), in flow style when set.
    Map(Vec<(u8, Tree)>, bool),
    /// A value written with no text (`key:`).
    Empty,
    /// `&aN` on a node (N of four names, so aliases often find them).
    Anchor(u8, Box<Tree>),
    /// `*aN`.
    Alias(u8),
    Seq(Vec<Tree>, bool),
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(CHARS), 0..12).prop_map(|p| p.concat())
}

/// A scalar (or an alias, or nothing).
pub fn leaf() -> impl Strategy<Value = Tree> {
    prop_oneof![
        Just(Tree::Empty),
        any::<u8>().prop_map(Tree::Alias),
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
    ]
}

/// A document: nested collections of [`leaf`]s.
pub fn tree() -> impl Strategy<Value = Tree> {
    leaf().prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            (
                prop::collection::vec((any::<u8>(), inner.clone()), 0..5),
                any::<bool>()
            )
                .prop_map(|(v, flow)| Tree::Map(v, flow)),
            (prop::collection::vec(inner.clone(), 0..5), any::<bool>())
                .prop_map(|(v, flow)| Tree::Seq(v, flow)),
            (any::<u8>(), inner).prop_map(|(n, t)| Tree::Anchor(n, Box::new(t))),
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

/// The `i`-th key of a mapping, spelled by `kind` (all distinct for distinct `i`).
fn key(kind: u8, i: usize) -> String {
    match kind % 9 {
        0..=2 => format!("k{i}"),
        3 => format!("\"quoted: k{i}\""),
        4 => format!("'it''s k{i}'"),
        5 => format!("\"{}{i}\"", "long".repeat(33)),
        6 => format!("\"multi\\nline{i}\""),
        7 => format!("\"yes{i}\""),
        _ => "<<".to_string(),
    }
}

/// `t` as YAML text at `indent`, for a place in block (`flow` false) or flow context.
pub fn render(t: &Tree, indent: usize, flow: bool) -> String {
    let pad = " ".repeat(indent);
    match t {
        Tree::Plain(p) if flow && p.contains(['\'', '"']) => quote(p, true),
        Tree::Plain(p) => (*p).to_string(),
        Tree::Empty => String::new(),
        Tree::Alias(n) => format!("*a{}", n % 4),
        Tree::Anchor(n, inner) => format!("&a{} {}", n % 4, render(inner, indent, flow)),
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
                .map(|(i, (k, v))| format!("{}: {}", key(*k, i), render(v, indent, true)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Tree::Seq(items, as_flow) if flow || *as_flow || items.is_empty() => {
            // A flow sequence has no empty entries.
            let parts: Vec<String> = items
                .iter()
                .map(|v| match v {
                    Tree::Empty => "~".to_string(),
                    _ => render(v, indent, true),
                })
                .collect();
            format!("[{}]", parts.join(", "))
        }
        Tree::Map(items, _) => items
            .iter()
            .enumerate()
            .map(|(i, (k, v))| {
                let k = key(*k, i);
                if is_block_collection(v) {
                    format!("\n{pad}{k}:{}", render(v, indent + 2, false))
                } else {
                    format!("\n{pad}{k}: {}", render(v, indent + 2, false))
                }
            })
            .collect(),
        Tree::Seq(items, _) => items
            .iter()
            .map(|v| {
                if is_block_collection(v) {
                    format!(
                        "\n{pad}- {}",
                        render(v, indent + 2, false).trim_start_matches(['\n', ' '])
                    )
                } else {
                    format!("\n{pad}- {}", render(v, indent + 2, false))
                }
            })
            .collect(),
    }
}

/// The text of a custom resource whose `spec` is `t`.
pub fn resource(t: &Tree) -> String {
    let header = "apiVersion: x.io/v1\nkind: X\nmetadata:\n  name: a\n";
    format!("{header}spec:{}\n", value_text(t))
}

/// `t` as the value of a top-level key (`key:` followed by this).
pub fn value_text(t: &Tree) -> String {
    match t {
        _ if is_block_collection(t) => render(t, 2, false),
        _ => format!(" {}", render(t, 2, false)),
    }
}

/// Whether `t` is written as a block collection (on the lines below its key).
fn is_block_collection(t: &Tree) -> bool {
    match t {
        Tree::Map(m, false) => !m.is_empty(),
        Tree::Seq(m, false) => !m.is_empty(),
        _ => false,
    }
}
