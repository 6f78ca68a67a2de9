//! How kyaml and go-yaml see a text where the parser used here sees it otherwise: kyaml's
//! split into documents, the double-quoted escapes go-yaml knows differently, and U+2028 and
//! U+2029, which are line breaks to go-yaml.

use super::{ParseError, ParseErrorKind, Pos, parser_options};
use granit_parser::Parser;
use std::borrow::Cow;

/// kyaml's `splitDocuments`: the pieces of `text` between lines matching `\n---.*\n`, each
/// with the number of lines before it; every piece but the last gets its line break back. A
/// separator line with more than a comment after `---` is an error.
pub(super) fn split_documents(text: &str) -> Result<Vec<(usize, Cow<'_, str>)>, ParseError> {
    let mut pieces = Vec::new();
    let (mut prev, mut search) = (0, 0);
    // Lines before `prev`, counted as the pieces go (not from the start each time).
    let mut lines = 0;
    let newlines = |from: usize, to: usize| {
        text.get(from..to)
            .map_or(0, |t| t.bytes().filter(|b| *b == b'\n').count())
    };
    while let Some(found) = text.get(search..).and_then(|t| t.find("\n---")) {
        let at = search + found;
        let Some(len) = text.get(at + 1..).and_then(|t| t.find('\n')) else {
            break;
        };
        let end = at + 1 + len + 1;
        let separator = text.get(at..end).unwrap_or_default();
        let after = separator.get(4..).unwrap_or_default().trim();
        if !after.is_empty() && !after.starts_with('#') {
            let line = lines + newlines(prev, at + 1) + 1;
            return Err(ParseError::at(
                ParseErrorKind::Syntax,
                format!("invalid document separator: {}", separator.trim()),
                Pos::new(line, 1),
            ));
        }
        // The piece with its line break back: the `\n` that starts the separator.
        let piece = text.get(prev..=at).unwrap_or_default();
        pieces.push((lines, Cow::Borrowed(piece)));
        lines += newlines(prev, end);
        (prev, search) = (end, end);
    }
    pieces.push((lines, Cow::Borrowed(text.get(prev..).unwrap_or_default())));
    Ok(pieces)
}

/// go-yaml refuses a piece whose first token is a document end marker (`...`).
pub(super) fn starts_with_document_end(text: &str) -> Option<usize> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let marker = line
            .strip_prefix("...")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']));
        return marker.then_some(i + 1);
    }
    None
}

/// At most this many double-quoted scalars with `\'` escapes are rewritten (each costs a
/// parse of the text); beyond, the parser's error stands.
const MAX_QUOTE_ESCAPE_SCALARS: usize = 16;

/// `text` with the `\'` escapes of double-quoted scalars written `'`: go-yaml knows that
/// escape, the parser here does not. Each scalar is found where the parser stops at it (it
/// reports the scalar's opening quote), so a `\'` anywhere else is never touched.
pub(super) fn go_quote_escapes(mut text: Cow<'_, str>) -> Cow<'_, str> {
    if !text.contains("\\'") {
        return text;
    }
    for _ in 0..MAX_QUOTE_ESCAPE_SCALARS {
        let Some(Err(e)) =
            Parser::new_from_str_with_options(&text, parser_options()).find(Result::is_err)
        else {
            break;
        };
        if !e.info().contains("unknown escape") {
            break;
        }
        let quote = text
            .char_indices()
            .nth(e.marker().index())
            .map(|(b, _)| b)
            .filter(|b| text.get(*b..).is_some_and(|t| t.starts_with('"')));
        let escapes = quote.map(|q| escaped_quotes(&text, q)).unwrap_or_default();
        if escapes.is_empty() {
            break;
        }
        let fixed = text.to_mut();
        for at in escapes.into_iter().rev() {
            fixed.replace_range(at..at + 2, "'");
        }
    }
    text
}

/// The byte offsets of the `\'` escapes of the double-quoted scalar opening at `quote`.
fn escaped_quotes(text: &str, quote: usize) -> Vec<usize> {
    let mut found = Vec::new();
    let Some(body) = text.get(quote + 1..) else {
        return found;
    };
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some((_, '\'')) => found.push(quote + 1 + i),
                Some(_) => {}
                None => break,
            },
            _ => {}
        }
    }
    found
}

/// Escapes go-yaml does not know in the double-quoted scalar `raw` (as written, quotes
/// included): `\/` is YAML 1.2 only.
pub(super) fn unknown_escape(raw: &str) -> bool {
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.next() == Some('/') {
            return true;
        }
    }
    false
}

/// Whether a line that U+2028 or U+2029 starts begins with `---` or `...` and a blank: a
/// document marker to go-yaml.
pub(super) fn document_marker_after_unicode_break(raw: &str) -> bool {
    raw.match_indices(['\u{2028}', '\u{2029}']).any(|(i, b)| {
        let rest = raw.get(i + b.len()..).unwrap_or_default();
        (rest.starts_with("---") || rest.starts_with("..."))
            && rest
                .get(3..)
                .and_then(|r| r.chars().next())
                .is_none_or(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}'))
    })
}

/// For each U+2028/U+2029 of a scalar's value, in order, how many blanks (spaces, tabs)
/// were written right before and after it in `raw`: none for one written as an escape
/// (`\L`, `\u2028`), and an escaped blank (`\t`) is content.
pub(super) fn unicode_break_blanks(raw: &str, double: bool) -> Vec<(usize, usize)> {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = Vec::new();
    // Written blanks right before the current position.
    let mut run = 0;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if double && c == '\\' {
            let rest: String = chars.iter().skip(i + 1).take(9).collect();
            let escaped_break = ["L", "P", "u2028", "u2029", "U00002028", "U00002029"]
                .iter()
                .find(|e| rest.starts_with(**e));
            if let Some(e) = escaped_break {
                out.push((0, 0));
                i += 1 + e.len();
            } else {
                i += 2;
            }
            run = 0;
            continue;
        }
        match c {
            ' ' | '\t' => run += 1,
            '\u{2028}' | '\u{2029}' => {
                let after = chars
                    .iter()
                    .skip(i + 1)
                    .take_while(|c| matches!(c, ' ' | '\t'))
                    .count();
                out.push((run, after));
                run = 0;
                i += 1 + after;
                continue;
            }
            _ => run = 0,
        }
        i += 1;
    }
    out
}

/// `text` without the written blanks around each U+2028 and U+2029 (`blanks`, in order).
pub(super) fn trim_around_unicode_breaks(text: &str, blanks: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut breaks = blanks.iter();
    let mut skip = 0;
    for c in text.chars() {
        if c == '\u{2028}' || c == '\u{2029}' {
            let (before, after) = breaks.next().copied().unwrap_or((0, 0));
            for _ in 0..before {
                if out.ends_with([' ', '\t']) {
                    out.pop();
                }
            }
            out.push(c);
            skip = after;
        } else if skip > 0 && (c == ' ' || c == '\t') {
            skip -= 1;
        } else {
            skip = 0;
            out.push(c);
        }
    }
    out
}
