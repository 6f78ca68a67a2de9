//! go-yaml v2's "natural" key order, which `kubectl kustomize` output follows.

use std::cmp::Ordering;

fn is_letter(c: char) -> bool {
    c.is_alphabetic()
}

/// Compares two mapping keys the way go-yaml v2 sorts them: letters by code point, a
/// non-letter before a letter, runs of digits by their numeric value, a prefix first.
///
/// ```
/// use std::cmp::Ordering;
/// assert_eq!(shgw_yaml::natural_cmp("a9", "a10"), Ordering::Less);
/// assert_eq!(shgw_yaml::natural_cmp("_x", "B"), Ordering::Less);
/// ```
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        // Keys are nearly always ASCII: compare bytes without collecting characters.
        return cmp_units(a.as_bytes(), b.as_bytes());
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    cmp_units(&ar, &br)
}

fn cmp_units<T: Copy + Ord + Into<char>>(ar: &[T], br: &[T]) -> Ordering {
    let ch = |t: T| -> char { t.into() };
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let (al, bl) = (is_letter(ch(ar[i])), is_letter(ch(br[i])));
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            return if bl {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        // Neither is a letter: compare the runs of digits that start here by value, the way
        // go-yaml's keyList.Less does (including its look-back for a leading zero).
        let (mut an, mut bn) = (0u128, 0u128);
        if (ch(ar[i]) == '0' || ch(br[i]) == '0')
            && ar[..i]
                .iter()
                .rev()
                .take_while(|c| ch(**c).is_ascii_digit())
                .any(|&c| ch(c) != '0')
        {
            an = 1;
            bn = 1;
        }
        let scan = |s: &[T], mut n: u128| {
            let mut j = i;
            while j < s.len() && ch(s[j]).is_ascii_digit() {
                n = n
                    .saturating_mul(10)
                    .saturating_add(u128::from(ch(s[j]) as u32 - '0' as u32));
                j += 1;
            }
            (n, j)
        };
        let ((an, ai), (bn, bi)) = (scan(ar, an), scan(br, bn));
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_observed_kustomize_orders() {
        let mut keys = vec![
            "b", "a10", "a9", "a001", "a01", "a1", "a_b", "a.b", "a-b", "B", "_x", ".z", "-y",
        ];
        keys.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            keys,
            [
                "-y", ".z", "_x", "B", "a-b", "a.b", "a_b", "a1", "a01", "a001", "a9", "a10", "b"
            ]
        );
        let mut top = vec!["type", "spec", "metadata", "kind", "data", "apiVersion"];
        top.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            top,
            ["apiVersion", "data", "kind", "metadata", "spec", "type"]
        );
        let mut mixed = vec!["z", "a", "A", "1", "_b"];
        mixed.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(mixed, ["_b", "1", "A", "a", "z"]);
    }
}
