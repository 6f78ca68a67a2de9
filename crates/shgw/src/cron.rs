//! CronJob schedules (the five-field cron syntax Kubernetes accepts, and `@daily`-style
//! macros), read far enough to know the longest gap between two runs.

use crate::error::{Error, ErrorKind};
use jiff::SignedDuration;
use jiff::civil::{Date, DateTime};

/// A refused schedule: [`ErrorKind::Schedule`], naming the schedule as written and what is
/// wrong with it.
fn refused(schedule: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::Schedule,
        format!("{schedule:?} is not a cron schedule: {why}"),
    )
}

/// One field: which values match.
#[derive(Debug, Clone)]
struct Field {
    allowed: Vec<bool>,
    /// Written as `*` (matters for day-of-month / day-of-week).
    star: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

fn value(text: &str, min: u32, max: u32, names: &[&str]) -> Option<u32> {
    let lower = text.to_ascii_lowercase();
    if let Some(i) = names.iter().position(|n| *n == lower) {
        return u32::try_from(i).ok().map(|i| i + min);
    }
    let v: u32 = text.parse().ok()?;
    // Day of week 7 is Sunday too.
    let v = if max == 6 && v == 7 { 0 } else { v };
    (min..=max).contains(&v).then_some(v)
}

fn field(schedule: &str, text: &str, min: u32, max: u32, names: &[&str]) -> Result<Field, Error> {
    let refused = |why: String| refused(schedule, &why);
    let mut allowed = vec![false; (max + 1) as usize];
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| refused(format!("bad step in {part:?}")))?,
            ),
            None => (part, 1),
        };
        let (lo, hi) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            let a = value(a, min, max, names)
                .ok_or_else(|| refused(format!("bad value in {part:?}")))?;
            let b = value(b, min, max, names)
                .ok_or_else(|| refused(format!("bad value in {part:?}")))?;
            (a, b)
        } else {
            let a = value(range, min, max, names)
                .ok_or_else(|| refused(format!("bad value {part:?}")))?;
            (a, if part.contains('/') { max } else { a })
        };
        if lo > hi {
            return Err(refused(format!("empty range {part:?}")));
        }
        for v in (lo..=hi).step_by(step as usize) {
            allowed[v as usize] = true;
        }
    }
    Ok(Field {
        allowed,
        star: text.starts_with('*'),
    })
}

/// A parsed schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    minute: Field,
    hour: Field,
    day: Field,
    month: Field,
    weekday: Field,
}

fn macro_text(s: &str) -> Option<&'static str> {
    Some(match s {
        "@yearly" | "@annually" => "0 0 1 1 *",
        "@monthly" => "0 0 1 * *",
        "@weekly" => "0 0 * * 0",
        "@daily" | "@midnight" => "0 0 * * *",
        "@hourly" => "0 * * * *",
        _ => return None,
    })
}

impl Schedule {
    /// Parses a five-field schedule or a macro such as `@daily`.
    ///
    /// # Error
    /// [`ErrorKind::Schedule`] naming what is wrong.
    ///
    /// ```
    /// let s = shgw::spec::Schedule::parse("17 3 * * *").unwrap();
    /// assert_eq!(s.longest_gap(), jiff::SignedDuration::from_hours(24));
    /// assert!(shgw::spec::Schedule::parse("61 * * * *").is_err());
    /// ```
    pub fn parse(schedule: &str) -> Result<Schedule, Error> {
        let error = |why: String| refused(schedule, &why);
        let text = macro_text(schedule.trim()).unwrap_or(schedule);
        let parts: Vec<&str> = text.split_whitespace().collect();
        let [mi, h, dom, mo, dow] = parts.as_slice() else {
            return Err(error(format!(
                "expected 5 fields (minute hour day-of-month month day-of-week), found {}",
                parts.len()
            )));
        };
        Ok(Schedule {
            minute: field(schedule, mi, 0, 59, &[])?,
            hour: field(schedule, h, 0, 23, &[])?,
            day: field(schedule, dom, 1, 31, &[])?,
            month: field(schedule, mo, 1, 12, &MONTHS)?,
            weekday: field(schedule, dow, 0, 6, &DAYS)?,
        })
    }

    fn day_matches(&self, d: Date) -> bool {
        let month = self.month.allowed[d.month() as usize];
        let dom = self.day.allowed[d.day() as usize];
        let dow = self.weekday.allowed[d.weekday().to_sunday_zero_offset() as usize];
        // Cron's rule: when both day fields are restricted, either may match.
        let day = match (self.day.star, self.weekday.star) {
            (true, true) => true,
            (true, false) => dow,
            (false, true) => dom,
            (false, false) => dom || dow,
        };
        month && day
    }

    /// Runs on one day, as minutes after midnight.
    fn runs_on(&self, d: Date) -> Vec<i64> {
        if !self.day_matches(d) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for h in 0..24 {
            if self.hour.allowed[h] {
                for m in 0..60 {
                    if self.minute.allowed[m] {
                        out.push((h * 60 + m) as i64);
                    }
                }
            }
        }
        out
    }

    /// The longest time between two runs over four years (leap day included); a schedule that
    /// never runs (30 February) gives more than four years.
    pub fn longest_gap(&self) -> SignedDuration {
        let start = DateTime::constant(2028, 1, 1, 0, 0, 0, 0).date();
        let days = 4 * 366;
        let mut last: Option<i64> = None;
        let mut longest = 0i64;
        let mut day = start;
        for i in 0..days {
            for m in self.runs_on(day) {
                let t = i * 1440 + m;
                if let Some(prev) = last {
                    longest = longest.max(t - prev);
                }
                last = Some(t);
            }
            day = match day.tomorrow() {
                Ok(d) => d,
                Err(_) => break,
            };
        }
        match last {
            None => SignedDuration::from_hours((days + 1) * 24),
            Some(_) => SignedDuration::from_mins(longest),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn gap(s: &str) -> i64 {
        Schedule::parse(s).unwrap().longest_gap().as_secs() / 3600
    }

    #[test]
    fn gaps() {
        assert_eq!(gap("@daily"), 24);
        assert_eq!(gap("0 */6 * * *"), 6);
        assert_eq!(gap("0 0 * * 1"), 7 * 24);
        assert_eq!(gap("0 0 1,15 * *"), 17 * 24); // 15th to the 1st of a 31-day month
        assert_eq!(gap("30 2 * * mon-fri"), 72);
        assert!(gap("0 0 30 2 *") > 4 * 365 * 24);
    }

    #[test]
    fn refusals() {
        for bad in [
            "",
            "* * * *",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "*/0 * * * *",
            "5-1 * * * *",
            "@often",
        ] {
            assert!(Schedule::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Schedule::parse("0 0 * * 7").is_ok());
        assert!(Schedule::parse("0 0 * JAN,jul SUN").is_ok());
    }
}
