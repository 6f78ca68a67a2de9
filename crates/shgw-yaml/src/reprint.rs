//! What kustomize's internal re-print changes in a resource.
//!
//! kustomize writes each resource it reads back to YAML with go-yaml v3's emitter (keeping
//! every node's style) and reads that text again. Two things do not survive the trip, and
//! kubectl prints the result:
//!
//! - A plain timestamp with a time (`2024-01-02T10:00:00Z`) inside a flow collection: the
//!   emitter may not write `:` plainly in flow context, quotes it, and it comes back as a
//!   string, printed as written instead of reformatted. (The same makes an omitted
//!   flow-mapping value `""` rather than null.)
//! - A folded (`>`) scalar: go-yaml's folded writer decides where to add the blank line that
//!   keeps a line break by looking at the first character of the whole value instead of the
//!   next line. When the value starts with a non-blank character, a line that starts with a
//!   blank (more indented) gets one more line break before it, and so does the end of a value
//!   kept with `+`; when it starts with a blank, line breaks between ordinary lines fold into
//!   spaces.
//! - A U+0085 (NEL, written `\N`) in a double-quoted scalar: the emitter writes it as it is,
//!   and it is read back as a line break and folded (with the spaces around it) into a space,
//!   or `n` of them into `n - 1` newlines.

use crate::node::{Scalar, Tag, Written};
use crate::scalar::is_printable;

/// The value of a double-quoted scalar after the re-print, or `None` when unchanged.
pub(crate) fn double_quoted(value: &str) -> Option<String> {
    if !value.contains('\u{85}') {
        return None;
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('\u{85}') {
        let (before, after) = rest.split_at(i);
        out.push_str(before.trim_end_matches(' '));
        let run = after
            .find(|c: char| c != '\u{85}' && c != ' ')
            .unwrap_or(after.len());
        let (breaks, tail) = after.split_at(run);
        match breaks.matches('\u{85}').count() {
            1 => out.push(' '),
            n => out.push_str(&"\n".repeat(n - 1)),
        }
        rest = tail;
    }
    out.push_str(rest);
    Some(out)
}

/// A plain scalar read in flow context (`from_flow`) or block context, re-printed in the
/// other: what the re-print makes of an omitted value (null in block context, `""` in flow
/// context) and of a timestamp with a time (a string in flow context) follows it there.
pub(crate) fn place(s: &mut Scalar, from_flow: bool, to_flow: bool) {
    if from_flow == to_flow || s.style != Written::Plain {
        return;
    }
    match (s.tag, to_flow) {
        (Tag::Null, true) if s.text.is_empty() => s.tag = Tag::Str,
        (Tag::Timestamp, true) if needs_quotes_in_flow(&s.text) => s.tag = Tag::Str,
        (Tag::Str, false) if s.text.is_empty() => s.tag = Tag::Null,
        (Tag::Str, false)
            if needs_quotes_in_flow(&s.text)
                && crate::resolve::implicit(&s.text, false, true) == Tag::Timestamp =>
        {
            s.tag = Tag::Timestamp;
        }
        _ => {}
    }
}

/// Whether a plain scalar inside a flow collection cannot be written plainly there.
pub(crate) fn needs_quotes_in_flow(text: &str) -> bool {
    text.contains([',', '?', '[', ']', '{', '}', ':'])
}

/// The value of a folded scalar after the re-print, or `None` when it comes back unchanged
/// (the emitter cannot write it as a block and double-quotes it).
pub(crate) fn folded(value: &str) -> Option<String> {
    if !block_allowed(value) {
        return None;
    }
    let blank = |line: &str| line.starts_with([' ', '\t']);
    // The emitter's mistaken look-ahead: the first character after the value's leading breaks.
    let extra_on = value
        .trim_start_matches('\n')
        .chars()
        .next()
        .is_some_and(|c| c != ' ' && c != '\t');
    let body = value.trim_start_matches('\n');
    let mut out = "\n".repeat(value.len() - body.len());
    let content = body.trim_end_matches('\n');
    let trailing = body.len() - content.len();
    // Content lines and the number of line breaks after each (the last one has none here).
    let mut lines: Vec<(&str, usize)> = Vec::new();
    for line in content.split('\n') {
        match lines.last_mut() {
            Some(last) if line.is_empty() => last.1 += 1,
            _ => lines.push((line, 1)),
        }
    }
    let count = lines.len();
    for (i, (line, breaks)) in lines.iter().enumerate() {
        out.push_str(line);
        let extra = usize::from(extra_on && !blank(line));
        match lines.get(i + 1) {
            Some((next, _)) => {
                let written = breaks + extra;
                if !blank(line) && !blank(next) {
                    if written == 1 {
                        out.push(' ');
                    } else {
                        out.push_str(&"\n".repeat(written - 1));
                    }
                } else {
                    out.push_str(&"\n".repeat(written));
                }
            }
            None => {
                debug_assert_eq!(i + 1, count);
                let kept = if trailing >= 2 {
                    trailing + extra
                } else {
                    trailing
                };
                out.push_str(&"\n".repeat(kept));
            }
        }
    }
    (out != value).then_some(out)
}

/// go-yaml v3's analysis: a block scalar may hold tabs but no other unprintable character,
/// no space before a line break and no trailing space.
fn block_allowed(value: &str) -> bool {
    !value.is_empty()
        && !value.ends_with(' ')
        && !value.contains(" \n")
        && value.chars().all(|c| c == '\t' || is_printable(c))
}

#[cfg(test)]
mod tests {
    use super::folded;

    #[test]
    fn double_quoted_values_after_the_reprint() {
        // Verified with kubectl v1.37.1.
        let dq = |v: &str| super::double_quoted(v);
        assert_eq!(dq("x\u{85}y").as_deref(), Some("x y"));
        assert_eq!(dq("x\u{85}\u{85}y").as_deref(), Some("x\ny"));
        assert_eq!(dq("x \u{85} y").as_deref(), Some("x y"));
        assert_eq!(dq("x\u{85}\ny").as_deref(), Some("x \ny"));
        assert_eq!(dq("x\u{85}\u{85}\u{85}y").as_deref(), Some("x\n\ny"));
        assert_eq!(dq("x\t\u{85}y").as_deref(), Some("x\t y"));
        assert_eq!(dq("\u{2028}\u{85}").as_deref(), Some("\u{2028} "));
        assert_eq!(dq("x y"), None);
    }

    #[test]
    fn folded_values_after_the_reprint() {
        // Verified with kubectl v1.37.1.
        assert_eq!(folded("x\n more\ny").as_deref(), Some("x\n\n more\ny"));
        assert_eq!(folded("x\n\n more\ny").as_deref(), Some("x\n\n\n more\ny"));
        assert_eq!(folded("a b\n  c\nd").as_deref(), Some("a b\n\n  c\nd"));
        assert_eq!(
            folded("x\n m1\n m2\ny").as_deref(),
            Some("x\n\n m1\n m2\ny")
        );
        assert_eq!(folded("x\n m\n\ny").as_deref(), Some("x\n\n m\n\ny"));
        assert_eq!(folded("x\n\ttab\ny").as_deref(), Some("x\n\n\ttab\ny"));
        assert_eq!(folded("x\n\n\n m").as_deref(), Some("x\n\n\n\n m"));
        assert_eq!(folded(" m\nx\ny").as_deref(), Some(" m\nx y"));
        assert_eq!(folded("x\n\n").as_deref(), Some("x\n\n\n"));
        assert_eq!(folded("x\n m1\n\n m2").as_deref(), Some("x\n\n m1\n\n m2"));
        // Unchanged.
        for v in [
            "x y\nz\n",
            "x\n",
            "x",
            " m1\nx",
            "x\n   \ny",
            "x\n \n m",
            "x\n\ny",
            "",
        ] {
            assert_eq!(folded(v), None, "{v:?}");
        }
    }
}
