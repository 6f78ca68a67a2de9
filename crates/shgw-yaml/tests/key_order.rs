//! The mapping-key order: [`natural_cmp`] is a total order (property tests), [`sort_keys`]
//! never panics and depends only on the set of keys, and on sets where go-yaml's comparison
//! is consistent the order is kubectl's. The expected orders below were printed by
//! `kubectl kustomize` (kustomize v5.8.1), three runs each giving the same order; when kubectl
//! is installed they are re-checked against it (SKIPPED otherwise, a failure with
//! `SHGW_REQUIRE_TOOLS=1`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use proptest::prelude::*;
use shgw_yaml::{go_yaml_less, natural_cmp, sort_keys};
use std::cmp::Ordering;

/// Key sets in the order kubectl prints them.
const KUBECTL_ORDERS: &[&[&str]] = &[
    &[
        "-dash",
        ".dot",
        "_hidden",
        "~tilde",
        "0",
        "00",
        "1.9.0",
        "1.10.0",
        "1.10.1",
        "9",
        "10",
        "010",
        "File3",
        "KEY_1",
        "KEY_10",
        "Z",
        "Zebra",
        "a-b",
        "a.b",
        "a_b",
        "a0",
        "a00",
        "a1",
        "a01",
        "file1.txt",
        "file01.txt",
        "file2.txt",
        "file10.txt",
        "key.with.dots",
        "key_1",
        "port-80",
        "port-443",
        "port-8080",
        "v1",
        "v1.1",
        "v2",
        "v10",
        "x86_64",
        "zebra",
        "ß",
        "é",
        "émile",
        "über",
    ],
    // go-yaml is consistent on these, and differs from `natural_cmp` (a run of digits
    // against a letter): `sort_keys` follows go-yaml.
    &["v10", "v1beta1"],
    &["10", "1b"],
    &["a10", "a1b", "x2"],
    // Go's letters are the categories L* (not `ⓐ`, `Ⅻ` or a combining vowel sign), its digits
    // the category Nd of any script (`٣`, `०`; not `²` or `①`).
    &["ⓐ", "a", "x07"],
    &["Ⅻ5Z٣", "1", "2-Ⅻ", "x0"],
    &["-ⓐa", "Ⅻ8", "58", "83", "309_", "0683", "Z9"],
    &["a²", "aा", "a①", "a2", "a9", "a٣", "a०", "é", "ǅ"],
    // Runs of digits past 64 bits wrap as Go's int64 arithmetic does.
    &["a9223372036854775808", "a1", "b18446744073709551617", "b2"],
];

fn is_go_consistent(keys: &[&str]) -> bool {
    keys.iter().enumerate().all(|(i, a)| {
        keys[i + 1..]
            .iter()
            .all(|b| go_yaml_less(a, b) != go_yaml_less(b, a))
    }) && {
        let mut k = keys.to_vec();
        sort_keys(&mut k, |s| s);
        k.windows(2).all(|w| go_yaml_less(w[0], w[1]))
            && k.iter()
                .enumerate()
                .all(|(i, a)| k[i + 1..].iter().all(|b| go_yaml_less(a, b)))
    }
}

#[test]
fn kubectl_orders_are_reproduced_from_any_start() {
    for want in KUBECTL_ORDERS {
        assert!(is_go_consistent(want), "{want:?}");
        let mut keys = want.to_vec();
        for turn in 0..keys.len() {
            keys.rotate_left(1);
            if turn % 2 == 0 {
                keys.reverse();
            }
            let mut k = keys.clone();
            sort_keys(&mut k, |s| s);
            assert_eq!(&k, want);
        }
    }
}

#[test]
fn kubectl_still_prints_these_orders() {
    let Some(kubectl) = shgw_testkit::tool("kubectl") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("shgw-key-order-{}", std::process::id()));
    for (n, want) in KUBECTL_ORDERS.iter().enumerate() {
        let case = dir.join(n.to_string());
        std::fs::create_dir_all(&case).unwrap();
        let mut doc =
            String::from("apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: f\nspec:\n");
        for k in want.iter().rev() {
            doc.push_str(&format!("  \"{k}\": x\n"));
        }
        std::fs::write(case.join("r.yaml"), doc).unwrap();
        std::fs::write(case.join("kustomization.yaml"), "resources: [r.yaml]\n").unwrap();
        let out = std::process::Command::new(&kubectl)
            .arg("kustomize")
            .arg(&case)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let got: Vec<String> = text
            .split("spec:\n")
            .nth(1)
            .unwrap()
            .lines()
            .map(|l| {
                l.trim_start()
                    .trim_end_matches(": x")
                    .trim_matches('"')
                    .to_string()
            })
            .collect();
        assert_eq!(&got, want, "kubectl's order changed");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Keys made of few characters, so that runs of digits, letters and punctuation meet often.
fn key() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[0-2a-bB._é]{0,5}").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn natural_cmp_is_antisymmetric(a in key(), b in key()) {
        prop_assert_eq!(natural_cmp(&a, &b), natural_cmp(&b, &a).reverse());
        prop_assert_eq!(natural_cmp(&a, &b) == Ordering::Equal, a == b);
    }

    #[test]
    fn natural_cmp_is_transitive(a in key(), b in key(), c in key()) {
        let mut v = [&a, &b, &c];
        v.sort_by(|x, y| natural_cmp(x, y));
        prop_assert_ne!(natural_cmp(v[0], v[1]), Ordering::Greater);
        prop_assert_ne!(natural_cmp(v[1], v[2]), Ordering::Greater);
        prop_assert_ne!(natural_cmp(v[0], v[2]), Ordering::Greater);
        for (x, y, z) in [(&a, &b, &c), (&b, &c, &a), (&c, &a, &b), (&a, &c, &b)] {
            if natural_cmp(x, y) != Ordering::Greater && natural_cmp(y, z) != Ordering::Greater {
                prop_assert_ne!(natural_cmp(x, z), Ordering::Greater);
            }
        }
    }

    #[test]
    fn natural_cmp_agrees_with_go_yaml_but_for_digits_against_letters(a in key(), b in key()) {
        // The one kind of pair where they may differ: at go-yaml's first difference, one key
        // continues a run of digits where the other has a letter.
        let i = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
        let ac: Vec<char> = a.chars().collect();
        let bc: Vec<char> = b.chars().collect();
        let in_run = i > 0 && ac[i - 1].is_ascii_digit();
        let digit_vs_letter = |x: Option<&char>, y: Option<&char>| {
            matches!((x, y), (Some(x), Some(y)) if x.is_ascii_digit() && y.is_alphabetic())
        };
        let exempt = in_run
            && (digit_vs_letter(ac.get(i), bc.get(i)) || digit_vs_letter(bc.get(i), ac.get(i)));
        if a != b && !exempt {
            prop_assert_eq!(natural_cmp(&a, &b) == Ordering::Less, go_yaml_less(&a, &b));
        }
    }

    #[test]
    fn sort_keys_depends_only_on_the_set(keys in proptest::collection::btree_set(key(), 0..40), seed in any::<u64>()) {
        let keys: Vec<String> = keys.into_iter().collect();
        let mut one = keys.clone();
        sort_keys(&mut one, String::as_str);
        let mut shuffled = keys.clone();
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        sort_keys(&mut shuffled, String::as_str);
        prop_assert_eq!(&one, &shuffled);
        // go-yaml's order, if it is one on this set: each key ranked by how many keys it
        // comes after, then every pair checked.
        let mut by_go = keys.clone();
        by_go.sort_by_key(|a| keys.iter().filter(|b| go_yaml_less(b, a)).count());
        let consistent = by_go.iter().enumerate().all(|(i, a)| by_go[i + 1..].iter().all(|b| {
            go_yaml_less(a, b) && !go_yaml_less(b, a)
        }));
        if consistent {
            prop_assert_eq!(&one, &by_go);
        }
    }
}
