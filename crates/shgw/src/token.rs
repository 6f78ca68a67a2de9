//! Gateway access tokens: `GatewayKey <gatewayId>&<expiry yyyyMMddHHmm>&<signature>`.
//!
//! A [`Token`] never shows its signature: not in `Debug`, not in errors.

use std::fmt;

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
    #[error("the token's expiry is not a date in yyyyMMddHHmm form")]
    Expiry,
}

/// A parsed gateway token.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    full: String,
    gateway_id: String,
    expiry: (i64, u32, u32, u32, u32),
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("Token")
            .field("gateway_id", &self.gateway_id)
            .field("expiry", &self.expiry_text())
            .field("signature", &"<redacted>")
            .finish()
    }
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Token {
    /// Parses a token, with or without the `GatewayKey ` prefix; surrounding white space
    /// (such as a file's final newline) is ignored.
    ///
    /// ```
    /// let t = shgw::Token::parse("GatewayKey contoso&202612312359&c2lnbmF0dXJl==\n").unwrap();
    /// assert_eq!(t.gateway_id(), "contoso");
    /// assert_eq!(t.expiry_text(), "2026-12-31T23:59Z");
    /// assert!(!format!("{t:?}").contains("c2lnbmF0dXJl"));
    /// ```
    pub fn parse(text: &str) -> Result<Token, TokenError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(TokenError::Empty);
        }
        let body = text.strip_prefix("GatewayKey ").unwrap_or(text).trim();
        let parts: Vec<&str> = body.split('&').collect();
        let [id, expiry, sig] = parts.as_slice() else {
            return Err(TokenError::Shape);
        };
        if id.is_empty() || sig.is_empty() || body.chars().any(char::is_whitespace) {
            return Err(TokenError::Shape);
        }
        if expiry.len() != 12 || !expiry.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TokenError::Expiry);
        }
        let num = |r: std::ops::Range<usize>| expiry[r].parse::<u32>().unwrap_or(0);
        let (y, mo, d, h, mi) = (num(0..4), num(4..6), num(6..8), num(8..10), num(10..12));
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 {
            return Err(TokenError::Expiry);
        }
        Ok(Token {
            full: format!("GatewayKey {body}"),
            gateway_id: (*id).to_owned(),
            expiry: (i64::from(y), mo, d, h, mi),
        })
    }

    /// The gateway the token was issued for.
    pub fn gateway_id(&self) -> &str {
        &self.gateway_id
    }

    /// The expiry as `YYYY-MM-DDTHH:MMZ` (UTC).
    pub fn expiry_text(&self) -> String {
        let (y, mo, d, h, mi) = self.expiry;
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}Z")
    }

    /// The expiry in seconds since the Unix epoch.
    pub fn expiry_unix(&self) -> i64 {
        let (y, mo, d, h, mi) = self.expiry;
        days_from_civil(y, mo, d) * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60
    }

    /// Days from `now_unix` until expiry (negative once expired).
    pub fn days_left(&self, now_unix: i64) -> f64 {
        (self.expiry_unix() - now_unix) as f64 / 86_400.0
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
        assert_eq!(Token::parse("a&2026&s"), Err(TokenError::Expiry));
        assert_eq!(Token::parse("a&202613010000&s"), Err(TokenError::Expiry));
        let t = Token::parse("gw1&201904210044&9A1GR1f5WIhFvFmzQG+xxx==").unwrap();
        assert_eq!(
            t.reveal(),
            "GatewayKey gw1&201904210044&9A1GR1f5WIhFvFmzQG+xxx=="
        );
        assert_eq!(t.expiry_unix(), 1_555_807_440);
        assert!(t.days_left(1_555_807_440 - 86_400) > 0.99);
    }
}
