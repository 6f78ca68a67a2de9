//! Whether the stored token must be renewed.

use crate::error::RenewError;
use jiff::{SignedDuration, Timestamp};
use shgw::{ErrorKind, Token, token::TOKEN_PREFIX};
use std::fmt;

/// What the Secret holds under the token key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// No such key (a Secret made before the first renewal).
    Missing,
    /// Bytes that are not a gateway token.
    Unreadable(String),
    /// A gateway token.
    Token(Token),
}

impl Stored {
    /// Reads the key's bytes.
    ///
    /// ```
    /// use shgw_renew::Stored;
    /// assert_eq!(Stored::from_bytes(None), Stored::Missing);
    /// assert!(matches!(Stored::from_bytes(Some(b"nonsense")), Stored::Unreadable(_)));
    /// assert!(matches!(Stored::from_bytes(Some(b"GatewayKey gw&202701010000&c2ln")), Stored::Token(_)));
    /// ```
    pub fn from_bytes(bytes: Option<&[u8]>) -> Stored {
        let Some(bytes) = bytes else {
            return Stored::Missing;
        };
        match std::str::from_utf8(bytes) {
            Err(_) => Stored::Unreadable("not UTF-8 text".into()),
            Ok(text) => match Token::parse(text) {
                // The gateway reads the value as it is: without the prefix it is refused.
                Ok(_) if !text.trim_start().starts_with(TOKEN_PREFIX) => {
                    Stored::Unreadable(format!(
                        "no {:?} prefix, which the gateway needs",
                        TOKEN_PREFIX.trim_end()
                    ))
                }
                Ok(t) => Stored::Token(t),
                Err(e) if e.kind() == ErrorKind::EmptyToken => Stored::Missing,
                Err(e) => Stored::Unreadable(e.to_string()),
            },
        }
    }
}

/// Why a token is renewed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reason {
    /// The Secret has no token yet.
    Missing,
    /// The Secret's value is not a gateway token.
    Unreadable(String),
    /// Less than `--renew-before` is left (negative once expired).
    Expiring {
        /// The stored token's expiry, RFC 3339.
        expiry: String,
        /// Days left.
        days_left: f64,
    },
    /// `--force`.
    Forced,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Missing => f.write_str("the Secret holds no token yet"),
            Reason::Unreadable(why) => write!(f, "the stored value is not a gateway token ({why})"),
            Reason::Expiring { expiry, days_left } if *days_left < 0.0 => {
                write!(f, "the stored token expired at {expiry}")
            }
            Reason::Expiring { expiry, days_left } => write!(
                f,
                "the stored token expires at {expiry} ({days_left:.1} days left, less than --renew-before)"
            ),
            Reason::Forced => f.write_str("renewal forced with --force"),
        }
    }
}

/// The decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// The stored token lasts long enough.
    Keep(Token),
    /// Get a new one.
    Renew(Reason),
}

/// Decides for the token `stored` in `object` (named in errors) at `now`.
///
/// # Errors
/// [`RenewError::OtherGateway`] when the stored token belongs to another gateway than
/// `gateway` and `force` is off: storing this gateway's token there would break the other one.
///
/// ```
/// use jiff::{SignedDuration, Timestamp};
/// use shgw_renew::{decide, Decision, Stored};
/// let stored = Stored::from_bytes(Some(b"GatewayKey gw&202701100000&c2ln"));
/// let now: Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
/// let ten_days = SignedDuration::from_hours(240);
/// assert!(matches!(decide(&stored, "Secret a/b", "gw", now, ten_days, false), Ok(Decision::Renew(_))));
/// let eight_days = SignedDuration::from_hours(192);
/// assert!(matches!(decide(&stored, "Secret a/b", "gw", now, eight_days, false), Ok(Decision::Keep(_))));
/// ```
pub fn decide(
    stored: &Stored,
    object: &str,
    gateway: &str,
    now: Timestamp,
    renew_before: SignedDuration,
    force: bool,
) -> Result<Decision, RenewError> {
    let token = match stored {
        Stored::Missing => return Ok(Decision::Renew(Reason::Missing)),
        Stored::Unreadable(why) => return Ok(Decision::Renew(Reason::Unreadable(why.clone()))),
        Stored::Token(t) => t,
    };
    if force {
        return Ok(Decision::Renew(Reason::Forced));
    }
    // ARM resource names are case-insensitive.
    if !token.gateway_id().eq_ignore_ascii_case(gateway) {
        return Err(RenewError::OtherGateway {
            object: object.to_owned(),
            found: token.gateway_id().to_owned(),
            expected: gateway.to_owned(),
        });
    }
    let left = token.expiry().as_second() - now.as_second();
    if left > renew_before.as_secs() {
        Ok(Decision::Keep(token.clone()))
    } else {
        Ok(Decision::Renew(Reason::Expiring {
            expiry: token.expiry_rfc3339(),
            days_left: token.days_left(now),
        }))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn renews_within_the_window_keeps_outside_it() {
        let stored = Stored::from_bytes(Some(b"GatewayKey gw&202701110000&c2ln\n"));
        let ten = SignedDuration::from_hours(240);
        let d = |now| decide(&stored, "S", "gw", at(now), ten, false).unwrap();
        assert!(matches!(
            d("2027-01-01T00:00:00Z"),
            Decision::Renew(Reason::Expiring { .. })
        ));
        assert!(matches!(d("2026-12-31T23:59:59Z"), Decision::Keep(_)));
        let expired = d("2027-02-01T00:00:00Z");
        assert!(expired.clone() != Decision::Keep(Token::parse("gw&202701110000&c2ln").unwrap()));
        let Decision::Renew(reason) = expired else {
            panic!()
        };
        assert_eq!(
            reason.to_string(),
            "the stored token expired at 2027-01-11T00:00:00Z"
        );
        assert!(matches!(
            decide(&stored, "S", "gw", at("2026-12-01T00:00:00Z"), ten, true).unwrap(),
            Decision::Renew(Reason::Forced)
        ));
    }

    #[test]
    fn missing_and_malformed_values_are_renewed() {
        let ten = SignedDuration::from_hours(240);
        let now = at("2027-01-01T00:00:00Z");
        for (bytes, missing) in [
            (None, true),
            (Some(&b""[..]), true),
            (Some(&b"  \n"[..]), true),
            (Some(&b"GatewayKey gw&202702310000&c2ln"[..]), false),
            (Some(&b"\xff\xfe"[..]), false),
            (Some(&b"gw&202701110000&c2ln"[..]), false),
        ] {
            let d = decide(&Stored::from_bytes(bytes), "S", "gw", now, ten, false).unwrap();
            match d {
                Decision::Renew(Reason::Missing) => assert!(missing),
                Decision::Renew(Reason::Unreadable(why)) => {
                    assert!(!missing);
                    assert!(!why.contains("c2ln"));
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn another_gateways_token_is_not_overwritten_without_force() {
        let stored = Stored::from_bytes(Some(b"GatewayKey other&202701110000&c2ln"));
        let now = at("2027-01-10T00:00:00Z");
        let ten = SignedDuration::from_hours(240);
        let e = decide(&stored, "Secret ns/s", "gw", now, ten, false).unwrap_err();
        assert!(
            e.to_string()
                .contains("gateway \"other\", not --gateway \"gw\""),
            "{e}"
        );
        assert!(!e.to_string().contains("c2ln"));
        assert!(decide(&stored, "S", "gw", now, ten, true).is_ok());
        // ARM names are case-insensitive: the same gateway in another case is kept.
        let upper = Stored::from_bytes(Some(b"GatewayKey GW&202702110000&c2ln"));
        assert!(matches!(
            decide(&upper, "S", "gw", now, ten, false),
            Ok(Decision::Keep(_))
        ));
    }
}
