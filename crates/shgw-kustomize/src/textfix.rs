//! Source-text adjustments that make the YAML parser read a text as go-yaml does.

use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// A block scalar header at the end of a line: `key: |`, `- >-`, `|2+ # note`, ...
static BLOCK_HEADER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^(\s*(?:-\s+)*(?:[^#'\x22\s][^#]*?:\s+)?(?:-\s+)*)([|>])([1-9]?[+-]?|[+-][1-9])(\s*(?:#.*)?)$")
        .ok()
});

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// go-yaml ends a block scalar that runs into the end of a text lacking a final line
/// break without a trailing newline, whatever its chomping indicator; the parser used
/// here adds one. When `text` ends in such a block scalar, its header is rewritten to
/// strip chomping (`|-`), which reads the same as go-yaml does.
///
/// ```text
/// "a: |\n  x\n  y"   →   "a: |-\n  x\n  y"      (value "x\ny", not "x\ny\n")
/// ```
pub fn final_block_scalar_as_go_yaml(text: &str) -> Cow<'_, str> {
    if text.is_empty() || text.ends_with('\n') {
        return Cow::Borrowed(text);
    }
    let Some(re) = BLOCK_HEADER.as_ref() else {
        return Cow::Borrowed(text);
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let Some(last) = lines.last().filter(|l| !l.trim().is_empty()) else {
        return Cow::Borrowed(text);
    };
    // Walk up over the block's content lines to the first less indented line.
    let mut min = indent(last);
    for i in (0..lines.len() - 1).rev() {
        let line = lines[i];
        if line.trim().is_empty() {
            continue;
        }
        let ind = indent(line);
        if ind >= min {
            continue;
        }
        if let Some(c) = re.captures(line) {
            let (Some(head), Some(kind), Some(tail)) = (c.get(1), c.get(2), c.get(4)) else {
                return Cow::Borrowed(text);
            };
            let digits: String = c
                .get(3)
                .map(|m| m.as_str().chars().filter(char::is_ascii_digit).collect())
                .unwrap_or_default();
            let fixed = format!(
                "{}{}{digits}-{}",
                head.as_str(),
                kind.as_str(),
                tail.as_str()
            );
            let mut out: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
            out[i] = fixed;
            return Cow::Owned(out.join("\n"));
        }
        if ind == 0 {
            break;
        }
        min = ind;
    }
    Cow::Borrowed(text)
}

#[cfg(test)]
mod tests {
    use super::final_block_scalar_as_go_yaml as fix;

    #[test]
    fn headers() {
        assert_eq!(fix("a: |\n  x\n  y"), "a: |-\n  x\n  y");
        assert_eq!(fix("- a: >+\n    x"), "- a: >-\n    x");
        assert_eq!(fix("k:\n  - |2\n     x"), "k:\n  - |2-\n     x");
        assert_eq!(fix("a: |\n  x\n  y\n"), "a: |\n  x\n  y\n");
        assert_eq!(fix("a: |\n  x\nb: c"), "a: |\n  x\nb: c");
        assert_eq!(fix("a: b |\n  c"), "a: b |\n  c");
        assert_eq!(fix("a:\n  b: c"), "a:\n  b: c");
    }
}
