//! Gateway access tokens: `GatewayKey <gatewayId>&<expiry yyyyMMddHHmm>&<signature>`.
//!
//! A [`Token`] never shows its signature: not in `Debug`, not in `Display`, not in errors.

use jiff::Timestamp;
use jiff::civil::DateTime;
use sha2::{Digest, Sha256};
use std::fmt;

/// The prefix the gateway expects in front of a token (`config.service.auth`).
pub const TOKEN_PREFIX: &str = "GatewayKey ";

/// Why a token was refused. The messages never contain the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Empty input.
    #[error("the token is empty")]
    Empty,
    /// Not three `&`-separated parts.
    #[error("not a gateway token: expected GatewayKey <gatewayId>&<yyyyMMddHHmm>&<signature>")]
    Shape,
    /// The expiry is not a date.
    #[error("the token's expiry is not a real date and time in yyyyMMddHHmm form (UTC)")]
    Expiry,
}

/// A parsed gateway token.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    full: String,
    gateway_id: String,
    expiry: Timestamp,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("Token")
            .field("gateway_id", &self.gateway_id)
            .field("expiry", &self.expiry_rfc3339())
            .field("signature", &"<redacted>")
            .finish()
    }
}

/// Shows the gateway id and the expiry, never the signature.
impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "token for gateway {} expiring {}",
            self.gateway_id,
            self.expiry_rfc3339()
        )
    }
}

/// Parses `yyyyMMddHHmm` as a UTC date and time; `None` when it is no real moment.
fn parse_expiry(text: &str) -> Option<Timestamp> {
    if text.len() != 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text.get(r).and_then(|s| s.parse::<i16>().ok());
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hour, minute) = (num(8..10)?, num(10..12)?);
    let dt = DateTime::new(
        year,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        0,
        0,
    )
    .ok()?;
    dt.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

impl Token {
    /// Parses a token, with or without the `GatewayKey ` prefix; surrounding white space
    /// (such as a file's final newline) is ignored. Impossible dates (31 February, hour 24)
    /// are refused.
    ///
    /// # Errors
    /// [`TokenError`] when the text is empty, not three `&`-separated parts, or its expiry is
    /// not a real date.
    ///
    /// ```
    /// let t = shgw::Token::parse("GatewayKey contoso&202612312359&c2lnbmF0dXJl==\n").unwrap();
    /// assert_eq!(t.gateway_id(), "contoso");
    /// assert_eq!(t.expiry_rfc3339(), "2026-12-31T23:59:00Z");
    /// assert!(!format!("{t:?} {t}").contains("c2lnbmF0dXJl"));
    /// assert!(shgw::Token::parse("contoso&202602310000&c2ln").is_err()); // 31 February
    /// ```
    pub fn parse(text: &str) -> Result<Token, TokenError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(TokenError::Empty);
        }
        let body = text.strip_prefix(TOKEN_PREFIX).unwrap_or(text).trim();
        let parts: Vec<&str> = body.split('&').collect();
        let [id, expiry, sig] = parts.as_slice() else {
            return Err(TokenError::Shape);
        };
        if id.is_empty() || sig.is_empty() || body.chars().any(char::is_whitespace) {
            return Err(TokenError::Shape);
        }
        let expiry = parse_expiry(expiry).ok_or(TokenError::Expiry)?;
        Ok(Token {
            full: format!("{TOKEN_PREFIX}{body}"),
            gateway_id: (*id).to_owned(),
            expiry,
        })
    }

    /// The gateway the token was issued for.
    pub fn gateway_id(&self) -> &str {
        &self.gateway_id
    }

    /// The moment the token expires.
    pub fn expiry(&self) -> Timestamp {
        self.expiry
    }

    /// The expiry in RFC 3339, UTC, to the second (`2026-12-31T23:59:00Z`): the value of the
    /// Secret's `shgw.dev/token-expiry` annotation.
    pub fn expiry_rfc3339(&self) -> String {
        self.expiry.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    /// The expiry in seconds since the Unix epoch.
    pub fn expiry_unix(&self) -> i64 {
        self.expiry.as_second()
    }

    /// Time left at `now` in days, negative once expired.
    pub fn days_left(&self, now: Timestamp) -> f64 {
        (self.expiry.as_second() - now.as_second()) as f64 / 86_400.0
    }

    /// A short digest of the whole token (the first 16 hex digits of its SHA-256): changes
    /// whenever the token changes and reveals nothing of it. Written on the pod template as
    /// `shgw.dev/token-fingerprint` so that storing a new token rolls the pods.
    ///
    /// ```
    /// let a = shgw::Token::parse("gw&202701010000&c2lnMQ==").unwrap();
    /// let b = shgw::Token::parse("gw&202701010000&c2lnMg==").unwrap();
    /// assert_eq!(a.fingerprint().len(), 16);
    /// assert_ne!(a.fingerprint(), b.fingerprint());
    /// ```
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.full.as_bytes());
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    /// The whole token (`GatewayKey ...`), for the Secret and nothing else.
    pub fn reveal(&self) -> &str {
        &self.full
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(Token::parse("  "), Err(TokenError::Empty));
        assert_eq!(Token::parse("GatewayKey abc"), Err(TokenError::Shape));
        assert_eq!(Token::parse("a&&s"), Err(TokenError::Expiry));
        assert_eq!(Token::parse("&202601010000&s"), Err(TokenError::Shape));
        assert_eq!(Token::parse("a&202601010000&"), Err(TokenError::Shape));
        assert_eq!(Token::parse("a&2026&s"), Err(TokenError::Expiry));
        assert_eq!(Token::parse("a&202613010000&s"), Err(TokenError::Expiry));
        let t = Token::parse("gw1&201904210044&9A1GR1f5WIhFvFmzQG+xxx==").unwrap();
        assert_eq!(
            t.reveal(),
            "GatewayKey gw1&201904210044&9A1GR1f5WIhFvFmzQG+xxx=="
        );
        assert_eq!(t.expiry_unix(), 1_555_807_440);
        let day_before = Timestamp::from_second(1_555_807_440 - 86_400).unwrap();
        assert!(t.days_left(day_before) > 0.99);
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "202602310000", // 31 February
            "202502290000", // 29 February in a common year
            "202604310000", // 31 April
            "202601012400", // hour 24
            "202601010060", // minute 60
            "202600010000", // month 0
            "202601000000", // day 0
        ] {
            assert_eq!(
                Token::parse(&format!("gw&{bad}&c2ln")),
                Err(TokenError::Expiry),
                "{bad}"
            );
        }
        assert!(Token::parse("gw&202402290000&c2ln").is_ok()); // leap year
    }

    #[test]
    fn never_shows_the_signature() {
        let t = Token::parse("gw&202701010000&U0VDUkVUc2lnbmF0dXJl").unwrap();
        for shown in [
            format!("{t}"),
            format!("{t:?}"),
            format!("{t:#?}"),
            t.fingerprint(),
        ] {
            assert!(!shown.contains("U0VDUkVU"), "{shown}");
        }
        assert_eq!(t.expiry_rfc3339(), "2027-01-01T00:00:00Z");
    }
}
