//! `--wait [DURATION]`: how long to wait for health.

use crate::error::{ErrorKind, StatusError};
use jiff::SignedDuration;

/// Parses a wait limit as `kubectl rollout status --timeout` takes it: whole numbers with
/// units `h`, `m`, `s` (and `d`), joined (`1h30m`, `90s`, `10m`). `0`, `0s` and the empty text
/// mean no limit, as kubectl's `--timeout=0s`.
///
/// # Errors
/// [`ErrorKind::Input`] naming the text and what is allowed.
///
/// ```
/// use jiff::SignedDuration;
/// assert_eq!(shgw_status::parse_wait("1h30m").unwrap(), Some(SignedDuration::from_mins(90)));
/// assert_eq!(shgw_status::parse_wait("0s").unwrap(), None);
/// assert!(shgw_status::parse_wait("5").is_err());
/// ```
pub fn parse_wait(text: &str) -> Result<Option<SignedDuration>, StatusError> {
    let error = || {
        StatusError::new(
            ErrorKind::Input,
            "--wait",
            format!(
                "{text:?} is not a duration: write whole numbers with units h, m or s, such as 90s, 5m or 1h30m (0 waits without a limit)"
            ),
        )
    };
    if text.is_empty() || text == "0" {
        return Ok(None);
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            if digits.len() > 9 {
                return Err(error());
            }
            continue;
        }
        let unit = match c {
            'd' => 86_400,
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(error()),
        };
        let n: i64 = digits.parse().map_err(|_| error())?;
        digits.clear();
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(error)?;
    }
    if !digits.is_empty() {
        return Err(error());
    }
    Ok((total > 0).then(|| SignedDuration::from_secs(total)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn units_joined_and_refusals() {
        assert_eq!(
            parse_wait("90s").unwrap(),
            Some(SignedDuration::from_secs(90))
        );
        assert_eq!(
            parse_wait("2m").unwrap(),
            Some(SignedDuration::from_secs(120))
        );
        assert_eq!(
            parse_wait("1h1m1s").unwrap(),
            Some(SignedDuration::from_secs(3661))
        );
        assert_eq!(
            parse_wait("1d").unwrap(),
            Some(SignedDuration::from_hours(24))
        );
        assert_eq!(parse_wait("0").unwrap(), None);
        assert_eq!(parse_wait("0s").unwrap(), None);
        assert_eq!(parse_wait("").unwrap(), None);
        for bad in [
            "5",
            "m",
            "1.5m",
            "-1m",
            "1w",
            " 1m",
            "1m ",
            "9999999999s",
            "1h30",
        ] {
            let e = parse_wait(bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Input, "{bad}");
            assert!(e.to_string().starts_with("--wait: "), "{e}");
        }
    }
}
