//! How kyaml and go-yaml see a text before any YAML is parsed: kyaml's split into documents,
//! and the double-quoted escapes go-yaml knows differently from the parser used here.

use super::{ParseError, Pos, parser_options};
use serde_saphyr::granit_parser::Parser;
use std::borrow::Cow;

/// kyaml's `splitDocuments`: the pieces of `text` between lines matching `\n---.*\n`, each
/// with the number of lines before it; every piece but the last gets its line break back. A
/// separator line with more than a comment after `---` is an error.
pub(super) fn split_documents(text: &str) -> Result<Vec<(usize, Cow<'_, str>)>, ParseError> {
    let mut pieces = Vec::new();
    let (mut prev, mut search) = (0, 0);
    while let Some(found) = text.get(search..).and_then(|t| t.find("\n---")) {
        let at = search + found;
        let Some(len) = text.get(at + 1..).and_then(|t| t.find('\n')) else {
            break;
        };
        let end = at + 1 + len + 1;
        let separator = text.get(at..end).unwrap_or_default();
        let after = separator.get(4..).unwrap_or_default().trim();
        if !after.is_empty() && !after.starts_with('#') {
            let line = lines_before(text, at + 1) + 1;
            return Err(ParseError::new(
                format!("invalid document separator: {}", separator.trim()),
                Pos { line, column: 1 },
            ));
        }
        let piece = text.get(prev..at).unwrap_or_default();
        pieces.push((lines_before(text, prev), Cow::Owned(format!("{piece}\n"))));
        (prev, search) = (end, end);
    }
    pieces.push((
        lines_before(text, prev),
        Cow::Borrowed(text.get(prev..).unwrap_or_default()),
    ));
    Ok(pieces)
}

pub(super) fn lines_before(text: &str, at: usize) -> usize {
    text.get(..at).map_or(0, |t| t.matches('\n').count())
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

/// `text` with each `\'` escape of a double-quoted scalar written `'`: go-yaml knows that
/// escape, the parser here does not. Each one is found where the parser stops at it (it
/// reports the scalar's opening quote), so a `\'` anywhere else is never touched.
pub(super) fn go_quote_escapes(mut text: Cow<'_, str>) -> Cow<'_, str> {
    let mut left = text.matches("\\'").count();
    while left > 0 {
        left -= 1;
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
        let Some(at) = quote.and_then(|q| escaped_quote(&text, q)) else {
            break;
        };
        text.to_mut().replace_range(at..at + 2, "'");
    }
    text
}

/// The byte offset of the first `\'` in the double-quoted scalar opening at `quote`.
pub(super) fn escaped_quote(text: &str, quote: usize) -> Option<usize> {
    let mut chars = text.get(quote + 1..)?.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return None,
            '\\' => match chars.next() {
                Some((_, '\'')) => return Some(quote + 1 + i),
                Some(_) => {}
                None => return None,
            },
            _ => {}
        }
    }
    None
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
