//! Source-text adjustments that make the YAML parser read a text as go-yaml does.

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};
use std::borrow::Cow;

/// go-yaml ends a block scalar that runs into the end of a text lacking a final line
/// break without a trailing newline, whatever its chomping indicator; the parser used
/// here adds one. When `text` ends in such a block scalar, its header (found by the
/// parser, so a `|` inside the scalar's content is never taken for it) is rewritten to
/// strip chomping (`|-`), which reads the same as go-yaml does. No other line changes.
///
/// ```text
/// "a: |\n  x\n  y"   →   "a: |-\n  x\n  y"      (value "x\ny", not "x\ny\n")
/// ```
pub fn final_block_scalar_as_go_yaml(text: &str) -> Cow<'_, str> {
    if text.is_empty() || text.ends_with('\n') {
        return Cow::Borrowed(text);
    }
    let Some(at) = final_block_scalar_header(text) else {
        return Cow::Borrowed(text);
    };
    let bytes = text.as_bytes();
    let mut end = at + 1;
    while end < bytes.len() && (bytes[end].is_ascii_digit() || matches!(bytes[end], b'+' | b'-')) {
        end += 1;
    }
    let digits: String = text[at + 1..end]
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    Cow::Owned(format!("{}{digits}-{}", &text[..=at], &text[end..]))
}

/// The byte offset of the header indicator (`|` or `>`) of the block scalar `text` ends
/// in, if it ends in one.
fn final_block_scalar_header(text: &str) -> Option<usize> {
    // (style, where the text before the scalar's content starts, where its content starts
    // and ends), of the last node event.
    let mut last: Option<(ScalarStyle, usize, usize, usize)> = None;
    let mut prev_end = 0;
    for ev in Parser::new_from_str(text) {
        let (ev, span) = ev.ok()?;
        let (start, end) = (span.start.byte_offset()?, span.end.byte_offset()?);
        match ev {
            Event::Scalar(_, style, ..) => last = Some((style, prev_end, start, end)),
            // Comments after the scalar (`a: | # note`) are not nodes.
            Event::Comment(..)
            | Event::StreamEnd
            | Event::DocumentEnd
            | Event::MappingEnd
            | Event::SequenceEnd => {}
            _ => last = None,
        }
        prev_end = prev_end.max(end);
    }
    let (style, before, start, end) = last?;
    if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
        return None;
    }
    // The scalar must run to the end of the text (not end before a trailing comment).
    if !text.get(end..)?.trim().is_empty() {
        return None;
    }
    // The header is the first indicator between the previous node and the content (the
    // content itself is never searched).
    let gap = text.get(before..start)?;
    gap.find(['|', '>']).map(|i| before + i)
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
        assert_eq!(fix("a: | # note\n  x"), "a: |- # note\n  x");
        // A `|` inside the content is not the header.
        assert_eq!(
            fix("t: |\n  s:\n      at: |\n          [1]"),
            "t: |-\n  s:\n      at: |\n          [1]"
        );
    }
}
