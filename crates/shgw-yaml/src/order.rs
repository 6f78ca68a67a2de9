//! The order of mapping keys in `kubectl kustomize` output: go-yaml v2's "natural" order
//! (`keyList.Less`), made total.
//!
//! go-yaml compares two keys at their first differing character: two letters by code point,
//! a letter after anything else, and otherwise the runs of digits starting there by value.
//! That comparison is not transitive: `"10" < "1b"` (at the second character, a digit before
//! a letter), `"1b" < "2"` (1 < 2) and `"2" < "10"` (2 < 10). Go's sort accepts such a
//! comparison and prints one of several orders, depending on the order the keys came in
//! (kubectl printed three different orders for one set of keys in three runs); Rust's sort
//! rightly panics on it.
//!
//! So the order here has two parts:
//!
//! - [`natural_cmp`] is a total order (antisymmetric and transitive, checked by property
//!   tests): keys are read as runs of digits (compared by value, then the shorter run first,
//!   so `1 < 01 < 001 < 2 < 10`) and single characters (anything else before digits before
//!   letters, as Go's `unicode.IsLetter` tells them; within a class by code point), compared
//!   run by run, a prefix first. It agrees with go-yaml on every pair of keys except where a
//!   run of digits in one key goes on where the other has a letter (`"1b"` against `"10"`),
//!   and on digits of other scripts (`٣`), which go-yaml reads as numbers.
//! - [`sort_keys`] sorts a set of keys in go-yaml's own order whenever that order is
//!   consistent on the set (then kubectl prints exactly that order, whatever order the keys
//!   came in), and in [`natural_cmp`]'s order otherwise, where kubectl's own output is not
//!   fixed. The result depends only on the set of keys.

use std::cmp::Ordering;

use crate::unicode_go::{is_digit, is_letter};

/// One unit of a key: a run of ASCII digits or a single other character.
#[derive(Clone, Copy)]
enum Unit<'a> {
    Digits(&'a str),
    Char(char),
}

impl Unit<'_> {
    /// The class rank: other characters, then digits, then letters.
    fn class(self) -> u8 {
        match self {
            Unit::Char(c) if is_letter(c) => 2,
            Unit::Digits(_) => 1,
            Unit::Char(_) => 0,
        }
    }
}

fn units(s: &str) -> impl Iterator<Item = Unit<'_>> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let c = rest.chars().next()?;
        if c.is_ascii_digit() {
            let end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            let (run, tail) = rest.split_at(end);
            rest = tail;
            Some(Unit::Digits(run))
        } else {
            rest = &rest[c.len_utf8()..];
            Some(Unit::Char(c))
        }
    })
}

/// Two runs of digits: by value (of any length), then the shorter run first.
fn cmp_digits(a: &str, b: &str) -> Ordering {
    let (at, bt) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    at.len()
        .cmp(&bt.len())
        .then_with(|| at.cmp(bt))
        .then_with(|| a.len().cmp(&b.len()))
}

fn cmp_units(a: Unit, b: Unit) -> Ordering {
    match (a, b) {
        (Unit::Digits(x), Unit::Digits(y)) => cmp_digits(x, y),
        (Unit::Char(x), Unit::Char(y)) if a.class() == b.class() => x.cmp(&y),
        _ => a.class().cmp(&b.class()),
    }
}

/// Compares two mapping keys in the total order described in the module documentation: runs
/// of digits by value, characters other than letters and digits first, letters last and by
/// code point, a prefix first.
///
/// ```
/// use std::cmp::Ordering;
/// assert_eq!(shgw_yaml::natural_cmp("a9", "a10"), Ordering::Less);
/// assert_eq!(shgw_yaml::natural_cmp("_x", "B"), Ordering::Less);
/// assert_eq!(shgw_yaml::natural_cmp("a01", "a1"), Ordering::Greater);
/// ```
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (units(a), units(b));
    loop {
        match (x.next(), y.next()) {
            (Some(u), Some(v)) => match cmp_units(u, v) {
                Ordering::Equal => {}
                other => return other,
            },
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (None, None) => return Ordering::Equal,
        }
    }
}

/// go-yaml v2's `keyList.Less` for two string keys, as it is (not transitive; see the module
/// documentation), with Go's letters and digits (`unicode.IsLetter`, `unicode.IsDigit`: a
/// digit of another script counts its code point minus `'0'`) and Go's 64-bit wrapping
/// arithmetic on long runs of digits.
pub fn go_yaml_less(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        // Keys are nearly always ASCII: compare bytes without collecting characters.
        return go_less_units(a.as_bytes(), b.as_bytes());
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    go_less_units(&ar, &br)
}

fn go_less_units<T: Copy + Ord + Into<char>>(ar: &[T], br: &[T]) -> bool {
    let ch = |t: T| -> char { t.into() };
    let digit = |t: &T| is_digit(ch(*t));
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let (al, bl) = (is_letter(ch(ar[i])), is_letter(ch(br[i])));
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if (ch(ar[i]) == '0' || ch(br[i]) == '0')
            && ar[..i]
                .iter()
                .rev()
                .take_while(|c| digit(c))
                .any(|&c| ch(c) != '0')
        {
            an = 1;
            bn = 1;
        }
        let scan = |s: &[T], mut n: i64| {
            let mut j = i;
            while j < s.len() && digit(&s[j]) {
                n = n
                    .wrapping_mul(10)
                    .wrapping_add(i64::from(ch(s[j]) as u32) - i64::from(b'0'));
                j += 1;
            }
            (n, j)
        };
        let ((an, ai), (bn, bi)) = (scan(ar, an), scan(br, bn));
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// The most keys whose go-yaml order [`sort_keys`] checks pair by pair (a quadratic check);
/// a larger set on which go-yaml and [`natural_cmp`] disagree is left in [`natural_cmp`]'s
/// order.
pub const GO_ORDER_CHECK_LIMIT: usize = 2048;

/// Sorts items by their keys (distinct strings) as `kubectl kustomize` prints them: in
/// go-yaml's order when it is consistent on these keys, else in [`natural_cmp`]'s order (see
/// the module documentation). Never panics; the result depends only on the set of keys.
///
/// ```
/// let mut keys = vec!["v2", "v10", "v1beta1"];
/// shgw_yaml::sort_keys(&mut keys, |k| k);
/// assert_eq!(keys, ["v1beta1", "v2", "v10"]); // go-yaml is not consistent on these three
/// let mut pair = vec!["v1beta1", "v10"];
/// shgw_yaml::sort_keys(&mut pair, |k| k);
/// assert_eq!(pair, ["v10", "v1beta1"]); // on these two it is: kubectl's order
/// ```
pub fn sort_keys<T>(items: &mut [T], key: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| natural_cmp(key(a), key(b)));
    let agree = items
        .windows(2)
        .all(|w| go_yaml_less(key(&w[0]), key(&w[1])));
    if agree || items.len() > GO_ORDER_CHECK_LIMIT {
        return;
    }
    // Some neighbours are in the other order for go-yaml: sort by go-yaml's comparison
    // (insertion into place: it cannot fail on an inconsistent comparison) and keep the
    // result only if every pair agrees with it, i.e. go-yaml's order is consistent here.
    let mut order: Vec<usize> = Vec::with_capacity(items.len());
    for i in 0..items.len() {
        let at = order.partition_point(|&j| go_yaml_less(key(&items[j]), key(&items[i])));
        order.insert(at, i);
    }
    let consistent = order.iter().enumerate().all(|(n, &i)| {
        order[n + 1..]
            .iter()
            .all(|&j| go_yaml_less(key(&items[i]), key(&items[j])))
    });
    if consistent {
        let mut rank = vec![0usize; items.len()];
        for (n, &i) in order.iter().enumerate() {
            rank[i] = n;
        }
        // Apply the permutation: each position's item goes to its rank.
        for i in 0..items.len() {
            while rank[i] != i {
                let r = rank[i];
                items.swap(i, r);
                rank.swap(i, r);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(keys: &[&'static str]) -> Vec<&'static str> {
        let mut k = keys.to_vec();
        sort_keys(&mut k, |s| s);
        k
    }

    #[test]
    fn matches_observed_kustomize_orders() {
        let keys = [
            "b", "a10", "a9", "a001", "a01", "a1", "a_b", "a.b", "a-b", "B", "_x", ".z", "-y",
        ];
        assert_eq!(
            sorted(&keys),
            [
                "-y", ".z", "_x", "B", "a-b", "a.b", "a_b", "a1", "a01", "a001", "a9", "a10", "b"
            ]
        );
        let top = ["type", "spec", "metadata", "kind", "data", "apiVersion"];
        assert_eq!(
            sorted(&top),
            ["apiVersion", "data", "kind", "metadata", "spec", "type"]
        );
        assert_eq!(
            sorted(&["z", "a", "A", "1", "_b"]),
            ["_b", "1", "A", "a", "z"]
        );
    }

    #[test]
    fn an_inconsistent_set_sorts_the_same_from_any_start() {
        let base = ["10", "1b", "2", "1-", "a", "01b", "010"];
        let want = sorted(&base);
        let mut k = base.to_vec();
        for _ in 0..20 {
            k.rotate_left(3);
            k.swap(0, 4);
            assert_eq!(sorted(&k), want);
        }
        assert_eq!(want, ["1-", "1b", "01b", "2", "10", "010", "a"]);
    }
}
