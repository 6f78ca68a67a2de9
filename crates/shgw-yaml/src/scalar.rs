//! How go-yaml v2 (the emitter behind `kubectl` and `kustomize`) chooses the style of a string
//! scalar: plain, single-quoted, double-quoted or a literal block.

/// The style in which a string scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Written as it is.
    Plain,
    /// `'...'`, with `'` doubled.
    Single,
    /// `"..."`, with escapes.
    Double,
    /// A `|` block (multi-line text).
    Literal,
}

/// What the emitter learns from looking at a string once (go-yaml `yaml_emitter_analyze_scalar`).
#[derive(Debug, Clone, Copy)]
struct Analysis {
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

pub(crate) fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank_or_end(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || c == '\0' || is_break(c),
    }
}

/// go-yaml v2's `is_printable`: the characters it may write without an escape. It looks at
/// UTF-8 bytes and accepts no 4-byte sequence, so characters beyond the Basic Multilingual
/// Plane (emoji) are escaped as `\UXXXXXXXX`, and neither is U+0085.
pub(crate) fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let (mut special, mut line_breaks) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let mut it = s.chars().enumerate().peekable();
    while let Some((i, c)) = it.next() {
        let next = it.peek().map(|&(_, n)| n);
        let is_last = next.is_none();
        let followed_by_whitespace = is_blank_or_end(next);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= is_last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            leading_break |= i == 0;
            trailing_break |= is_last;
            space_break |= previous_space;
            previous_break = true;
            previous_space = false;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank_or_end(Some(c));
    }
    let mut a = Analysis {
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a = Analysis {
            block_plain_allowed: false,
            single_quoted_allowed: false,
            block_allowed: false,
        };
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// Whether a YAML 1.1 reader (go-yaml v2, PyYAML) would read the plain text `s` as something
/// other than a string: a boolean, null, a number, a timestamp or a merge key.
pub fn is_ambiguous_in_yaml11(s: &str) -> bool {
    // go-yaml v2's own resolution (YAML 1.1 booleans, Go number syntax, timestamps), which
    // its emitter asks before writing a string plainly, plus the base-60 floats it also
    // quotes.
    crate::resolve::implicit(s, true, true) != crate::node::Tag::Str || is_base60_float(s)
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        let n = i - start;
        if n == 0 || (n == 2 && b[start] > b'5') {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// The style go-yaml v2 gives the string `s` as a mapping value or sequence item.
pub fn value_style(s: &str) -> Style {
    let a = analyze(s);
    if s.contains('\n') {
        return if a.block_allowed {
            Style::Literal
        } else {
            Style::Double
        };
    }
    if is_ambiguous_in_yaml11(s) {
        return Style::Double;
    }
    if a.block_plain_allowed {
        Style::Plain
    } else if a.single_quoted_allowed {
        Style::Single
    } else {
        Style::Double
    }
}

/// The style go-yaml v2 gives the string `s` as a mapping key (no block scalars).
pub fn key_style(s: &str) -> Style {
    match value_style(s) {
        Style::Literal => Style::Double,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_yaml_strings_stay_plain() {
        // go-yaml v2 reads these as strings, so kubectl prints them plainly.
        for s in [
            "0x1FFFFFFFFFFFFFFFFF",
            "1e400",
            "2023-02-29",
            "2024-01-02T10:00:00",
            "0x",
            "_1",
        ] {
            assert_eq!(value_style(s), Style::Plain, "{s:?}");
        }
    }

    #[test]
    fn yaml11_lookalikes_are_double_quoted() {
        for s in [
            "yes",
            "no",
            "on",
            "off",
            "y",
            "Y",
            "n",
            "N",
            "true",
            "1",
            "0755",
            "1e3",
            "2024-01-01",
            "~",
            "null",
            "1:20",
            "0x1F",
            ".5",
            "+1",
            "Yes",
            "OFF",
            "NULL",
            "1_000",
            "12:30",
            "2026-11-26",
            "1.25",
            "8080",
            "",
        ] {
            assert_eq!(value_style(s), Style::Double, "{s:?}");
        }
    }

    #[test]
    fn ordinary_strings_stay_plain() {
        for s in [
            "2Gi",
            "500m",
            "25%",
            "GatewayKey a&b&c+/==",
            "2.11.1",
            "x#y",
            "a,b",
            "x]",
            "x?",
            "-x",
            "?x",
            ":x",
            "1.2.3",
            "héllo ☃",
            "2024-13-01",
            "v2",
        ] {
            assert_eq!(value_style(s), Style::Plain, "{s:?}");
        }
    }

    #[test]
    fn indicators_use_single_quotes() {
        for s in [
            "a: b",
            "x:",
            "-",
            "*",
            "  lead",
            "x  ",
            "a #b",
            r#"{"a": 1}"#,
            "'",
            "- x",
            "@x",
            "---x",
        ] {
            assert_eq!(value_style(s), Style::Single, "{s:?}");
        }
    }

    #[test]
    fn control_characters_and_multiline() {
        assert_eq!(value_style("a\tb"), Style::Double);
        assert_eq!(value_style("a\r\nb"), Style::Double);
        assert_eq!(value_style("line1\nline2\n"), Style::Literal);
        assert_eq!(value_style("line1  \nline2\n"), Style::Double);
        assert_eq!(key_style("a\nb"), Style::Double);
    }
}
