//! Gateway access tokens: `GatewayKey <gatewayId>&<expiry yyyyMMddHHmm>&<signature>`.
//!
//! A [`Token`] never shows its signature: not in `Debug`, not in `Display`, not in errors.

use crate::error::Error;
use jiff::Timestamp;
use jiff::civil::DateTime;
use sha2::{Digest, Sha256};
use std::fmt;

/// The prefix the gateway expects in front of a token (`config.service.auth`).
pub const TOKEN_PREFIX: &str = "GatewayKey ";

/// The messages of a refused token ([`crate::ErrorKind::MalformedToken`], or
/// [`crate::ErrorKind::EmptyToken`]); none contains the token.
mod refused {
    use super::{MAX_GATEWAY_ID_LEN, MAX_TOKEN_LEN};
    use crate::error::{Error, ErrorKind};

    fn malformed(detail: impl Into<String>) -> Error {
        Error::new(ErrorKind::MalformedToken, detail)
    }

    pub(super) fn empty() -> Error {
        Error::new(ErrorKind::EmptyToken, "the token is empty")
    }

    /// Not three `&`-separated parts.
    pub(super) fn shape() -> Error {
        malformed("not a gateway token: expected GatewayKey <gatewayId>&<yyyyMMddHHmm>&<signature>")
    }

    pub(super) fn expiry() -> Error {
        malformed("the token's expiry is not a real date and time in yyyyMMddHHmm form (UTC)")
    }

    /// `len`: the length of the text given, in bytes (white space around it not counted).
    pub(super) fn too_long(len: usize) -> Error {
        malformed(format!(
            "not a gateway token: {len} bytes, more than the {MAX_TOKEN_LEN} a token may have (a real one has about 120)"
        ))
    }

    pub(super) fn gateway_id() -> Error {
        malformed(format!(
            "the token's gateway id is not a gateway name (1 to {MAX_GATEWAY_ID_LEN} letters, digits, '-', '_' or '.')"
        ))
    }

    pub(super) fn signature() -> Error {
        malformed(
            "the token's signature is not base64 (letters, digits, '+', '/', '-', '_' and '=' padding)",
        )
    }
}

/// The longest token accepted, in bytes: 4 KiB. A real token is `GatewayKey `, a gateway id
/// of at most 80 characters, a 12-digit expiry and a base64 HMAC signature (88 characters):
/// about 120 bytes, 200 at most. The bound leaves ample room for longer signatures while
/// keeping a token far below Kubernetes' 1 MiB limit on the Secret that holds it.
pub const MAX_TOKEN_LEN: usize = 4096;

/// The longest gateway id accepted: API Management resource names have at most 80
/// characters.
pub const MAX_GATEWAY_ID_LEN: usize = 80;

/// Whether `id` can be an API Management gateway name: 1 to [`MAX_GATEWAY_ID_LEN`] ASCII
/// letters, digits, hyphens, underscores or periods (nothing a terminal or a YAML file would
/// read as anything but text).
fn is_gateway_id(id: &str) -> bool {
    (1..=MAX_GATEWAY_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Whether `sig` is base64 (standard or URL-safe alphabet, `=` padding only at the end).
fn is_signature(sig: &str) -> bool {
    let body = sig.trim_end_matches('=');
    !body.is_empty()
        && sig.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'))
}

/// A parsed gateway token.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    full: String,
    gateway_id: String,
    expiry: Timestamp,
    /// The expiry as written (UTC): a moment past jiff's last timestamp (9999-12-30T22:00Z)
    /// is a real date that [`Token::expiry`] can only approach.
    written: DateTime,
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
fn parse_expiry(text: &str) -> Option<DateTime> {
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
    Some(dt)
}

/// The moment a UTC date and time names, or the last one jiff holds for the few hours of
/// 9999-12-30/31 past it.
fn timestamp_of(dt: DateTime) -> Timestamp {
    dt.to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or(if dt.year() > 0 {
            Timestamp::MAX
        } else {
            Timestamp::MIN
        })
}

impl Token {
    /// Parses a token, with or without the `GatewayKey ` prefix; surrounding white space
    /// (such as a file's final newline) is ignored. Impossible dates (31 February, hour 24)
    /// are refused.
    ///
    /// # Error
    /// [`crate::ErrorKind::EmptyToken`] when the text is empty; [`crate::ErrorKind::MalformedToken`] when it
    /// is not three `&`-separated parts, its gateway id is not a name, its expiry is not a real
    /// date or its signature is not base64.
    ///
    /// ```
    /// let t = shgw::Token::parse("GatewayKey contoso&202612312359&c2lnbmF0dXJl==\n").unwrap();
    /// assert_eq!(t.gateway_id(), "contoso");
    /// assert_eq!(t.expiry_rfc3339(), "2026-12-31T23:59:00Z");
    /// assert!(!format!("{t:?} {t}").contains("c2lnbmF0dXJl"));
    /// assert!(shgw::Token::parse("contoso&202602310000&c2ln").is_err()); // 31 February
    /// ```
    pub fn parse(text: &str) -> Result<Token, Error> {
        // A byte-order mark (a file saved by Notepad) is no part of the token.
        let text = text.trim().trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            return Err(refused::empty());
        }
        if text.len() > MAX_TOKEN_LEN {
            return Err(refused::too_long(text.len()));
        }
        let body = text.strip_prefix(TOKEN_PREFIX).unwrap_or(text).trim();
        let parts: Vec<&str> = body.split('&').collect();
        let [id, expiry, sig] = parts.as_slice() else {
            return Err(refused::shape());
        };
        if id.is_empty() || sig.is_empty() || body.chars().any(char::is_whitespace) {
            return Err(refused::shape());
        }
        if !is_gateway_id(id) {
            return Err(refused::gateway_id());
        }
        let written = parse_expiry(expiry).ok_or_else(refused::expiry)?;
        if !is_signature(sig) {
            return Err(refused::signature());
        }
        Ok(Token {
            full: format!("{TOKEN_PREFIX}{body}"),
            gateway_id: (*id).to_owned(),
            expiry: timestamp_of(written),
            written,
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
    /// Secret's `shgw.dev/token-expiry` annotation. It is the moment written in the token,
    /// even past 9999-12-30T22:00Z, where [`Token::expiry`] stops.
    ///
    /// ```
    /// let t = shgw::Token::parse("gw&999912312359&c2ln").unwrap();
    /// assert_eq!(t.expiry_rfc3339(), "9999-12-31T23:59:00Z");
    /// ```
    pub fn expiry_rfc3339(&self) -> String {
        self.written.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
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
        assert_eq!(Token::parse("  "), Err(refused::empty()));
        assert_eq!(Token::parse("GatewayKey abc"), Err(refused::shape()));
        assert_eq!(Token::parse("a&&s"), Err(refused::expiry()));
        assert!(Token::parse("\u{feff}GatewayKey gw&202601010000&c2ln\r\n").is_ok());
        assert_eq!(
            Token::parse("a\u{1b}[2J&202601010000&s"),
            Err(refused::gateway_id())
        );
        assert_eq!(
            Token::parse(&format!("{}&202601010000&s", "g".repeat(81))),
            Err(refused::gateway_id())
        );
        assert!(Token::parse(&format!("{}&202601010000&s", "g".repeat(80))).is_ok());
        assert_eq!(
            Token::parse("gw&202601010000&c2ln\u{7}"),
            Err(refused::signature())
        );
        assert_eq!(
            Token::parse("gw&202601010000&==="),
            Err(refused::signature())
        );
        let huge = format!("gw&202601010000&{}", "A".repeat(10 << 20));
        assert_eq!(Token::parse(&huge), Err(refused::too_long(huge.len())));
        let largest = format!("gw&202601010000&{}", "A".repeat(MAX_TOKEN_LEN - 16));
        assert_eq!(largest.len(), MAX_TOKEN_LEN);
        assert!(Token::parse(&largest).is_ok());
        assert!(!refused::too_long(huge.len()).to_string().contains("AAAA"));
        assert_eq!(Token::parse("&202601010000&s"), Err(refused::shape()));
        assert_eq!(Token::parse("a&202601010000&"), Err(refused::shape()));
        assert_eq!(Token::parse("a&2026&s"), Err(refused::expiry()));
        assert_eq!(Token::parse("a&202613010000&s"), Err(refused::expiry()));
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
                Err(refused::expiry()),
                "{bad}"
            );
        }
        assert!(Token::parse("gw&202402290000&c2ln").is_ok()); // leap year
    }

    #[test]
    fn the_last_days_of_year_9999_are_real_dates() {
        for (text, shown) in [
            ("999912312359", "9999-12-31T23:59:00Z"),
            ("999912302200", "9999-12-30T22:00:00Z"),
            ("999912302201", "9999-12-30T22:01:00Z"),
        ] {
            let t = Token::parse(&format!("gw&{text}&c2ln")).unwrap();
            assert_eq!(t.expiry_rfc3339(), shown);
            assert!(t.days_left(Timestamp::from_second(0).unwrap()) > 2_900_000.0);
        }
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
