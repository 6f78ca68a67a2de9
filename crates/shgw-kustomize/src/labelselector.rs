//! Kubernetes label selectors (`app=web,tier in (fe, be),!legacy`), parsed as
//! `k8s.io/apimachinery/pkg/labels` parses them, with its error messages: a selector that
//! does not parse is an error, never a selector that matches everything.

use crate::error::{Error, Result};

/// One requirement of a selector.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Req {
    Eq(String, String),
    Ne(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
    Gt(String, i64),
    Lt(String, i64),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Not,
    Eq,
    DoubleEq,
    NotEq,
    Open,
    Close,
    Comma,
    Gt,
    Lt,
    End,
}

impl Tok {
    fn text(&self) -> String {
        match self {
            Tok::Ident(s) => s.clone(),
            Tok::Not => "!".into(),
            Tok::Eq => "=".into(),
            Tok::DoubleEq => "==".into(),
            Tok::NotEq => "!=".into(),
            Tok::Open => "(".into(),
            Tok::Close => ")".into(),
            Tok::Comma => ",".into(),
            Tok::Gt => ">".into(),
            Tok::Lt => "<".into(),
            Tok::End => String::new(),
        }
    }
}

fn is_special(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '>' | '<')
}

fn lex(s: &str) -> Vec<Tok> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let (tok, len) = match (c, next) {
            ('!', Some('=')) => (Tok::NotEq, 2),
            ('=', Some('=')) => (Tok::DoubleEq, 2),
            ('!', _) => (Tok::Not, 1),
            ('=', _) => (Tok::Eq, 1),
            ('(', _) => (Tok::Open, 1),
            (')', _) => (Tok::Close, 1),
            (',', _) => (Tok::Comma, 1),
            ('>', _) => (Tok::Gt, 1),
            ('<', _) => (Tok::Lt, 1),
            _ => {
                let start = i;
                let mut j = i;
                while j < chars.len() && !chars[j].is_whitespace() && !is_special(chars[j]) {
                    j += 1;
                }
                (Tok::Ident(chars[start..j].iter().collect()), j - start)
            }
        };
        out.push(tok);
        i += len;
    }
    out.push(Tok::End);
    out
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).unwrap_or(&Tok::End)
    }

    fn next(&mut self) -> Tok {
        let t = self.peek().clone();
        self.pos += 1;
        t
    }

    fn requirement(&mut self) -> Result<Req> {
        let negated = *self.peek() == Tok::Not;
        if negated {
            self.next();
        }
        let key = match self.next() {
            Tok::Ident(k) => k,
            other => {
                return Err(Error::msg(format!(
                    "found '{}', expected: identifier",
                    other.text()
                )));
            }
        };
        if negated {
            return Ok(Req::NotExists(key));
        }
        if matches!(self.peek(), Tok::End | Tok::Comma) {
            return Ok(Req::Exists(key));
        }
        match self.next() {
            Tok::Eq | Tok::DoubleEq => Ok(Req::Eq(key, self.exact_value()?)),
            Tok::NotEq => Ok(Req::Ne(key, self.exact_value()?)),
            t @ (Tok::Gt | Tok::Lt) => {
                let v = self.exact_value()?;
                let n: i64 = v.parse().map_err(|_| {
                    Error::msg(format!(
                        "for 'Gt', 'Lt' operators, the value must be an integer: {v}"
                    ))
                })?;
                Ok(if t == Tok::Gt {
                    Req::Gt(key, n)
                } else {
                    Req::Lt(key, n)
                })
            }
            Tok::Ident(op) if op == "in" => Ok(Req::In(key, self.set()?)),
            Tok::Ident(op) if op == "notin" => Ok(Req::NotIn(key, self.set()?)),
            other => Err(Error::msg(format!(
                "found '{}', expected: '=', '!=', '==', 'in', notin'",
                other.text()
            ))),
        }
    }

    fn exact_value(&mut self) -> Result<String> {
        match self.peek().clone() {
            Tok::End | Tok::Comma => Ok(String::new()),
            Tok::Ident(v) => {
                self.next();
                Ok(v)
            }
            other => Err(Error::msg(format!(
                "found '{}', expected: identifier",
                other.text()
            ))),
        }
    }

    fn set(&mut self) -> Result<Vec<String>> {
        match self.next() {
            Tok::Open => {}
            other => {
                return Err(Error::msg(format!(
                    "found '{}' expected: '('",
                    other.text()
                )));
            }
        }
        let mut values = Vec::new();
        if *self.peek() == Tok::Close {
            self.next();
            return Ok(values);
        }
        loop {
            match self.next() {
                Tok::Ident(v) => values.push(v),
                Tok::Comma => {
                    values.push(String::new());
                    continue;
                }
                other => {
                    return Err(Error::msg(format!(
                        "found '{}', expected: ',' or ')'",
                        other.text()
                    )));
                }
            }
            match self.next() {
                Tok::Comma => {
                    if *self.peek() == Tok::Close {
                        self.next();
                        values.push(String::new());
                        return Ok(values);
                    }
                }
                Tok::Close => return Ok(values),
                other => {
                    return Err(Error::msg(format!(
                        "found '{}', expected: ',' or ')'",
                        other.text()
                    )));
                }
            }
        }
    }
}

/// Parses a selector.
///
/// # Errors
/// apimachinery's message for the first token that does not fit.
pub(crate) fn parse(s: &str) -> Result<Vec<Req>> {
    let mut p = Parser {
        toks: lex(s),
        pos: 0,
    };
    let mut reqs = Vec::new();
    loop {
        match p.peek() {
            Tok::End => return Ok(reqs),
            Tok::Ident(_) | Tok::Not => {
                reqs.push(
                    p.requirement()
                        .map_err(|e| Error::msg(format!("unable to parse requirement: {e}")))?,
                );
                match p.next() {
                    Tok::End => return Ok(reqs),
                    Tok::Comma => {
                        if !matches!(p.peek(), Tok::Ident(_) | Tok::Not) {
                            return Err(Error::msg(format!(
                                "found '{}', expected: identifier after ','",
                                p.peek().text()
                            )));
                        }
                    }
                    other => {
                        return Err(Error::msg(format!(
                            "found '{}', expected: ',' or 'end of string'",
                            other.text()
                        )));
                    }
                }
            }
            other => {
                return Err(Error::msg(format!(
                    "found '{}', expected: !, identifier, or 'end of string'",
                    other.text()
                )));
            }
        }
    }
}

/// Whether a map of `key → text` satisfies every requirement.
pub(crate) fn matches(reqs: &[Req], get: &dyn Fn(&str) -> Option<String>) -> bool {
    let int = |k: &str| get(k).and_then(|v| v.parse::<i64>().ok());
    reqs.iter().all(|r| match r {
        Req::Eq(k, v) => get(k).as_deref() == Some(v.as_str()),
        Req::Ne(k, v) => get(k).as_deref() != Some(v.as_str()),
        Req::In(k, vs) => get(k).is_some_and(|x| vs.contains(&x)),
        Req::NotIn(k, vs) => get(k).is_none_or(|x| !vs.contains(&x)),
        Req::Exists(k) => get(k).is_some(),
        Req::NotExists(k) => get(k).is_none(),
        Req::Gt(k, n) => int(k).is_some_and(|x| x > *n),
        Req::Lt(k, n) => int(k).is_some_and(|x| x < *n),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn errors_as_apimachinery_words_them() {
        // Every message verified with kubectl v1.37.1.
        for (sel, msg) in [
            (
                "app in web",
                "unable to parse requirement: found 'web' expected: '('",
            ),
            (
                "=web",
                "found '=', expected: !, identifier, or 'end of string'",
            ),
            (
                "a b",
                "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'",
            ),
            (
                "app=(x",
                "unable to parse requirement: found '(', expected: identifier",
            ),
            ("!app=x", "found '=', expected: ',' or 'end of string'"),
            (
                "app notin (a,b",
                "unable to parse requirement: found '', expected: ',' or ')'",
            ),
            ("app=web,,x=y", "found ',', expected: identifier after ','"),
        ] {
            assert_eq!(parse(sel).unwrap_err().to_string(), msg, "{sel}");
        }
        assert_eq!(
            parse("app==web, tier in (a, b),!x").unwrap(),
            vec![
                Req::Eq("app".into(), "web".into()),
                Req::In("tier".into(), vec!["a".into(), "b".into()]),
                Req::NotExists("x".into()),
            ]
        );
        assert_eq!(
            parse("app=").unwrap(),
            vec![Req::Eq("app".into(), String::new())]
        );
    }
}
