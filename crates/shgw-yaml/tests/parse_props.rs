//! Property tests of the parser: no input makes it panic or hang, and what it reads prints
//! stably (printing, reading back and printing again gives the same text).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::tree;
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
            // A key `<<` read from a kustomization file is a merge key in a resource; a
            // U+2028 or U+2029 that go-yaml v2 writes into a block scalar cannot be read back
            // (by go-yaml either).
            if printed.contains("<<") || printed.contains(['\u{2028}', '\u{2029}']) {
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
        let text = format!("root:{}\n", common::value_text(&t));
        // (Aliases to missing anchors and bad merge keys are errors; the rest must print
        // stably.)
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
