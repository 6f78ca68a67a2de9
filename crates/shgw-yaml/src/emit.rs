//! The block-style writer: mappings, sequences and scalars laid out as go-yaml v2 lays them out
//! (two-space indent, sequences not indented under their key, long lines folded at spaces).

use crate::order::sort_keys;
use crate::scalar::{Style, is_printable, key_style, value_style};
use serde_json::{Map, Number, Value};

/// go-yaml's preferred line width: a space after column 80 becomes a line break.
const BEST_WIDTH: usize = 80;

pub(crate) struct Emitter {
    out: String,
    column: usize,
    at_line_start: bool,
}

impl Emitter {
    pub(crate) fn new() -> Self {
        Emitter {
            out: String::new(),
            column: 0,
            at_line_start: true,
        }
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
        self.column += if s.is_ascii() {
            s.len()
        } else {
            s.chars().count()
        };
        self.at_line_start = false;
    }

    fn push_char(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
        self.at_line_start = false;
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.column = 0;
        self.at_line_start = true;
    }

    /// Starts a new line indented by `indent`, unless the cursor already is at a fresh line.
    fn line(&mut self, indent: usize) {
        if !self.at_line_start {
            self.newline();
        }
        for _ in 0..indent {
            self.out.push(' ');
        }
        self.column = indent;
        self.at_line_start = false;
    }

    /// One whole document, ending with a newline.
    pub(crate) fn document(&mut self, v: &Value) {
        match v {
            Value::Object(m) if !m.is_empty() => self.mapping(m, 0),
            Value::Array(a) if !a.is_empty() => self.sequence(a, 0),
            other => self.scalar(other, 0),
        }
        if !self.at_line_start {
            self.newline();
        }
    }

    /// A block mapping whose first key goes where the cursor is; later keys at `indent`.
    fn mapping(&mut self, m: &Map<String, Value>, indent: usize) {
        let mut entries: Vec<(&String, &Value)> = m.iter().collect();
        sort_keys(&mut entries, |e| e.0.as_str());
        for (n, (k, v)) in entries.into_iter().enumerate() {
            if n > 0 {
                self.line(indent);
            }
            if !is_simple_key(k) {
                self.complex_entry(k, v, indent);
                continue;
            }
            self.string(k, key_style(k), indent + 2, false);
            self.push_char(':');
            match v {
                Value::Object(inner) if !inner.is_empty() => {
                    self.line(indent + 2);
                    self.mapping(inner, indent + 2);
                }
                Value::Array(items) if !items.is_empty() => {
                    self.line(indent);
                    self.sequence(items, indent);
                }
                scalar => {
                    self.push_char(' ');
                    self.scalar(scalar, indent + 2);
                }
            }
        }
    }

    /// `? key` and `: value` lines, for a key go-yaml v2 will not write as a simple key.
    fn complex_entry(&mut self, k: &str, v: &Value, indent: usize) {
        self.push("? ");
        self.string(k, value_style(k), indent + 2, true);
        self.line(indent);
        self.push(": ");
        match v {
            Value::Object(inner) if !inner.is_empty() => self.mapping(inner, indent + 2),
            Value::Array(items) if !items.is_empty() => self.sequence(items, indent + 2),
            scalar => self.scalar(scalar, indent + 2),
        }
    }

    /// A block sequence whose first `- ` goes where the cursor is; later items at `indent`.
    fn sequence(&mut self, items: &[Value], indent: usize) {
        for (n, item) in items.iter().enumerate() {
            if n > 0 {
                self.line(indent);
            }
            self.push("- ");
            match item {
                Value::Object(m) if !m.is_empty() => self.mapping(m, indent + 2),
                Value::Array(a) if !a.is_empty() => self.sequence(a, indent + 2),
                scalar => self.scalar(scalar, indent + 2),
            }
        }
    }

    /// A scalar (or an empty collection) at the cursor; `indent` is where continuation lines go.
    fn scalar(&mut self, v: &Value, indent: usize) {
        match v {
            Value::Null => self.push("null"),
            Value::Bool(b) => self.push(if *b { "true" } else { "false" }),
            Value::Number(n) => self.push(&format_number(n)),
            Value::String(s) => self.string(s, value_style(s), indent, true),
            Value::Object(_) => self.push("{}"),
            Value::Array(_) => self.push("[]"),
        }
    }

    fn string(&mut self, s: &str, style: Style, indent: usize, allow_breaks: bool) {
        match style {
            Style::Plain => self.plain(s, indent, allow_breaks),
            Style::Single => self.single_quoted(s, indent, allow_breaks),
            Style::Double => self.double_quoted(s, indent, allow_breaks),
            Style::Literal => self.literal(s, indent),
        }
    }

    fn plain(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        if !s.contains(' ') {
            self.push(s);
            return;
        }
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_is_space {
                    self.line(indent);
                } else {
                    self.push_char(c);
                }
                spaces = true;
            } else {
                self.push_char(c);
                spaces = false;
            }
        }
    }

    fn single_quoted(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.push_char('\'');
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        let mut after_break = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i != chars.len() - 1
                    && !next_is_space
                {
                    self.line(indent);
                } else {
                    self.push_char(c);
                }
                spaces = true;
            } else if c == '\u{2028}' || c == '\u{2029}' {
                // A line break to go-yaml: the text goes on on the next line, indented.
                self.out.push(c);
                self.column = 0;
                self.at_line_start = true;
                after_break = true;
                spaces = false;
            } else {
                if after_break {
                    self.line(indent);
                    after_break = false;
                }
                if c == '\'' {
                    self.push_char('\'');
                }
                self.push_char(c);
                spaces = false;
            }
        }
        self.push_char('\'');
    }

    fn double_quoted(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.push_char('"');
        let chars: Vec<char> = s.chars().collect();
        // go-yaml v2 checks for a byte-order mark at the start of the string rather than at
        // each character: after a leading BOM, every character is escaped.
        let bom_first = s.starts_with('\u{FEFF}');
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if bom_first
                || !is_printable(c)
                || c == '\u{FEFF}'
                || crate::scalar::is_break(c)
                || c == '"'
                || c == '\\'
            {
                self.push(&escape(c));
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i != chars.len() - 1
                {
                    self.line(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.push_char('\\');
                    }
                } else {
                    self.push_char(c);
                }
                spaces = true;
            } else {
                self.push_char(c);
                spaces = false;
            }
        }
        self.push_char('"');
    }

    fn literal(&mut self, s: &str, indent: usize) {
        use crate::scalar::is_break;
        self.push_char('|');
        if s.starts_with(|c: char| c == ' ' || is_break(c)) {
            self.push_char('2');
        }
        // go-yaml v2's chomping hint: `-` without a final line break, `+` when the break
        // before it is one too (or it is the only character), clip otherwise.
        let mut last = s.chars().rev();
        match (last.next(), last.next()) {
            (Some(c), _) if !is_break(c) => self.push_char('-'),
            (None, _) => self.push_char('-'),
            (Some(_), None) => self.push_char('+'),
            (Some(_), Some(b)) if is_break(b) => self.push_char('+'),
            _ => {}
        }
        self.newline();
        let mut at_break = true;
        for c in s.chars() {
            if c == '\n' {
                self.newline();
                at_break = true;
            } else if is_break(c) {
                // U+2028, U+2029, U+0085 and CR are line breaks to go-yaml, written as they are.
                self.out.push(c);
                self.column = 0;
                self.at_line_start = true;
                at_break = true;
            } else {
                if at_break {
                    self.line(indent);
                    at_break = false;
                }
                self.push_char(c);
            }
        }
    }
}

/// go-yaml v2 writes a key longer than 128 bytes, or one with a line break, as a complex key
/// (`? key` / `: value`).
fn is_simple_key(k: &str) -> bool {
    k.len() <= 128 && !k.chars().any(crate::scalar::is_break)
}

fn escape(c: char) -> String {
    match c {
        '\0' => "\\0".into(),
        '\u{7}' => "\\a".into(),
        '\u{8}' => "\\b".into(),
        '\t' => "\\t".into(),
        '\n' => "\\n".into(),
        '\u{B}' => "\\v".into(),
        '\u{C}' => "\\f".into(),
        '\r' => "\\r".into(),
        '\u{1B}' => "\\e".into(),
        '"' => "\\\"".into(),
        '\\' => "\\\\".into(),
        '\u{85}' => "\\N".into(),
        '\u{A0}' => "\\_".into(),
        '\u{2028}' => "\\L".into(),
        '\u{2029}' => "\\P".into(),
        c if (c as u32) <= 0xFF => format!("\\x{:02X}", c as u32),
        c if (c as u32) <= 0xFFFF => format!("\\u{:04X}", c as u32),
        c => format!("\\U{:08X}", c as u32),
    }
}

/// Numbers as kubectl prints them after its JSON round trip: integers in decimal, floats in
/// Go's shortest `%g` form with a two-digit exponent (`1e+21`, `1e-06`).
pub fn format_number(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    // An integral float that fits a 64-bit integer reaches go-yaml as an integer (JSON
    // prints it without exponent); anything larger is read back as a float.
    // -2^63 itself comes back as a float (verified with kubectl v1.37.1).
    if f.fract() == 0.0 && f > -9.223_372_036_854_776e18 && f < 1.844_674_407_370_955_2e19 {
        return format!("{f:.0}");
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_follow_go() {
        let f = |x: f64| format_number(&Number::from_f64(x).unwrap_or_else(|| Number::from(0)));
        assert_eq!(f(1.0), "1");
        assert_eq!(f(1.5), "1.5");
        assert_eq!(f(1e21), "1e+21");
        assert_eq!(f(1e20), "1e+20");
        assert_eq!(f(1e18), "1000000000000000000");
        assert_eq!(f(0.000001), "1e-06");
        assert_eq!(f(0.25), "0.25");
        assert_eq!(f(-9.223_372_036_854_776e18), "-9.223372036854776e+18");
        assert_eq!(f(-9.2e18), "-9200000000000000000");
    }
}
