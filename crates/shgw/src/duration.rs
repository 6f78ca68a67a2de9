//! Day-scale durations as users write them in Gateway files and on the command line
//! (`10d`, `36h`, `90m`).

use crate::error::{Error, ErrorKind};
use jiff::SignedDuration;

/// A refused duration ([`ErrorKind::Duration`]); `zero`: well formed but zero (`0d`).
fn refused(text: &str, zero: bool) -> Error {
    let why = if zero {
        "it must be more than zero, such as 10d"
    } else {
        "write a whole number followed by d (days), h (hours) or m (minutes), such as 10d"
    };
    Error::new(
        ErrorKind::Duration,
        format!("{text:?} is not a duration: {why}"),
    )
}

/// Parses `<n>d`, `<n>h` or `<n>m` (a positive whole number and a unit).
///
/// # Error
/// [`ErrorKind::Duration`] for anything else, zero included.
///
/// ```
/// use jiff::SignedDuration;
/// assert_eq!(shgw::spec::parse_duration("10d").unwrap(), SignedDuration::from_hours(240));
/// assert_eq!(shgw::spec::parse_duration("90m").unwrap(), SignedDuration::from_mins(90));
/// assert!(shgw::spec::parse_duration("10").is_err());
/// assert!(shgw::spec::parse_duration("-1d").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<SignedDuration, Error> {
    let error = || refused(text, false);
    let unit = text.chars().last().ok_or_else(error)?;
    let digits = &text[..text.len() - unit.len_utf8()];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 6 {
        return Err(error());
    }
    let n: i64 = digits.parse().map_err(|_| error())?;
    if n == 0 && matches!(unit, 'd' | 'h' | 'm') {
        return Err(refused(text, true));
    }
    match unit {
        'd' => Ok(SignedDuration::from_hours(n * 24)),
        'h' => Ok(SignedDuration::from_hours(n)),
        'm' => Ok(SignedDuration::from_mins(n)),
        _ => Err(error()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_refusals() {
        assert_eq!(
            parse_duration("29d"),
            Ok(SignedDuration::from_hours(29 * 24))
        );
        assert_eq!(parse_duration("36h"), Ok(SignedDuration::from_hours(36)));
        for bad in ["", "d", "0d", "1.5d", "1w", " 1d", "1d ", "1000000d", "１d"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
        // Zero is well formed, so the message says what is wrong with it.
        let message = |t: &str| parse_duration(t).err().map(|e| e.to_string());
        assert_eq!(
            message("0d").as_deref(),
            Some("\"0d\" is not a duration: it must be more than zero, such as 10d")
        );
        assert!(message("0w").is_some_and(|m| m.contains("whole number")));
    }
}
