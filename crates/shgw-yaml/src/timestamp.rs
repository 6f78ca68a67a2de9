//! YAML timestamps as go-yaml reads them and kubectl prints them.
//!
//! go-yaml tries four Go `time.Parse` layouts on a plain scalar that starts with four digits
//! and a `-`: `2006-1-2T15:4:5.999999999Z07:00`, the same with a lower-case `t`,
//! `2006-1-2 15:4:5.999999999` (no zone: UTC) and `2006-1-2`. kubectl prints the time through
//! Go's JSON encoder: RFC 3339 with nanoseconds, trailing zeros of the fraction dropped, in the
//! zone it was written with (`Z` for UTC).

/// A parsed timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timestamp {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    /// Zone offset in minutes east of UTC.
    offset: i32,
}

/// A cursor over the bytes of a timestamp.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn digit(&mut self) -> Option<u32> {
        let c = self.peek().filter(u8::is_ascii_digit)?;
        self.i += 1;
        Some(u32::from(c - b'0'))
    }

    /// Go's `getnum(value, false)`: one or two digits.
    fn num(&mut self) -> Option<u32> {
        let first = self.digit()?;
        Some(match self.digit() {
            Some(second) => first * 10 + second,
            None => first,
        })
    }

    /// Exactly two digits.
    fn two(&mut self) -> Option<u32> {
        Some(self.digit()? * 10 + self.digit()?)
    }

    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }
}

fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Timestamp {
    /// The timestamp `text` spells, if go-yaml reads it as one.
    pub(crate) fn parse(text: &str) -> Option<Timestamp> {
        let mut c = Cursor {
            s: text.as_bytes(),
            i: 0,
        };
        let year = (0..4).try_fold(0, |y, _| Some(y * 10 + c.digit()?))?;
        c.eat(b'-')?;
        let month = c.num().filter(|m| (1..=12).contains(m))?;
        c.eat(b'-')?;
        let day = c.num()?;
        let mut t = Timestamp {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            nanos: 0,
            offset: 0,
        };
        if !c.at_end() {
            let zoned = match c.peek()? {
                b'T' | b't' => true,
                b' ' => false,
                _ => return None,
            };
            c.i += 1;
            if !zoned {
                // Go's layout matching takes a run of spaces for one space.
                while c.peek() == Some(b' ') {
                    c.i += 1;
                }
            }
            t.time(&mut c)?;
            if zoned {
                t.offset = zone(&mut c)?;
            }
            if !c.at_end() {
                return None;
            }
        }
        (day >= 1 && day <= days_in(month, year)).then_some(t)
    }

    /// `15:4:5` and an optional fraction.
    fn time(&mut self, c: &mut Cursor<'_>) -> Option<()> {
        self.hour = c.num().filter(|h| *h < 24)?;
        c.eat(b':')?;
        self.minute = c.num().filter(|m| *m < 60)?;
        c.eat(b':')?;
        self.second = c.num().filter(|s| *s < 60)?;
        let fraction = matches!(c.peek(), Some(b'.' | b','))
            && c.s.get(c.i + 1).is_some_and(u8::is_ascii_digit);
        if fraction {
            c.i += 1;
            let mut digits = 0;
            while let Some(d) = c.digit() {
                if digits < 9 {
                    self.nanos = self.nanos * 10 + d;
                    digits += 1;
                }
            }
            self.nanos *= 10u32.pow(9 - digits);
        }
        Some(())
    }

    /// Whether Go's JSON encoder can print it: it refuses zone offsets of 24 hours.
    pub(crate) fn encodable(&self) -> bool {
        self.offset.abs() < 24 * 60
    }

    /// RFC 3339 with nanoseconds, as Go's `time.Time` JSON encoding prints it.
    pub(crate) fn rfc3339(&self) -> String {
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if self.nanos > 0 {
            let frac = format!("{:09}", self.nanos);
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
        if self.offset == 0 {
            out.push('Z');
        } else {
            let sign = if self.offset < 0 { '-' } else { '+' };
            let m = self.offset.abs();
            out.push_str(&format!("{sign}{:02}:{:02}", m / 60, m % 60));
        }
        out
    }
}

/// `Z` or `±hh:mm` (Go's `Z07:00`), in minutes east of UTC.
fn zone(c: &mut Cursor<'_>) -> Option<i32> {
    if c.eat(b'Z').is_some() {
        return Some(0);
    }
    let sign = match c.peek()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    c.i += 1;
    let hours = c.two().filter(|h| *h <= 24)?;
    c.eat(b':')?;
    let minutes = c.two().filter(|m| *m <= 60)?;
    let total = i32::try_from(hours * 60 + minutes).ok()?;
    Some(sign * total)
}

#[cfg(test)]
mod tests {
    use super::Timestamp;

    fn p(s: &str) -> Option<String> {
        Timestamp::parse(s).map(|t| t.rfc3339())
    }

    #[test]
    fn go_layouts() {
        assert_eq!(p("2024-01-02").as_deref(), Some("2024-01-02T00:00:00Z"));
        assert_eq!(p("2024-1-2").as_deref(), Some("2024-01-02T00:00:00Z"));
        assert_eq!(
            p("2001-12-14t21:59:43.10-05:00").as_deref(),
            Some("2001-12-14T21:59:43.1-05:00")
        );
        assert_eq!(
            p("2024-01-02T10:00:00Z").as_deref(),
            Some("2024-01-02T10:00:00Z")
        );
        assert_eq!(
            p("2024-01-02 10:00:00").as_deref(),
            Some("2024-01-02T10:00:00Z")
        );
        assert_eq!(
            p("2024-01-02   1:2:3.1234567891").as_deref(),
            Some("2024-01-02T01:02:03.123456789Z")
        );
        assert_eq!(
            p("2024-01-02T10:00:00+00:00").as_deref(),
            Some("2024-01-02T10:00:00Z")
        );
        assert_eq!(p("2024-02-29").as_deref(), Some("2024-02-29T00:00:00Z"));
    }

    #[test]
    fn not_timestamps() {
        for s in [
            "2023-02-29",
            "2024-13-01",
            "2024-01-32",
            "2024-01-02T10:00:00",
            "2024-01-02 10:00:00Z",
            "2024-01-02T24:00:00Z",
            "2024-01-02x",
            "202-01-02",
            "20244-01-02",
            "2024-001-02",
            "2024-01-02T10:00:00+5:00",
            "",
        ] {
            assert_eq!(p(s), None, "{s}");
        }
    }
}
