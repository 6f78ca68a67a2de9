//! What go-yaml makes of a scalar's text: v3 for resources (YAML 1.2 core schema plus
//! legacy `0755` octals and timestamps), v2 rules for kustomization files (YAML 1.1
//! booleans, no timestamps).

use crate::node::Tag;
use crate::timestamp::Timestamp;

/// `.inf`, `.nan` and their spellings: floats go-yaml reads, but that no JSON encoder (and so
/// no kubectl) can print.
pub(crate) fn is_special_float(text: &str) -> bool {
    matches!(
        text,
        ".nan"
            | ".NaN"
            | ".NAN"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
    )
}

/// The YAML 1.1 booleans that YAML 1.2 reads as strings.
fn is_yaml11_bool(text: &str) -> bool {
    matches!(
        text,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// The type of an untagged plain scalar. Timestamps are tried only when `timestamps` is set
/// (YAML 1.2 untagged, or an explicit `!!timestamp`).
pub(crate) fn implicit(text: &str, yaml11: bool, timestamps: bool) -> Tag {
    let Some(&first) = text.as_bytes().first() else {
        return Tag::Null;
    };
    match text {
        "~" | "null" | "Null" | "NULL" => return Tag::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return Tag::Bool,
        _ if is_special_float(text) => return Tag::Float,
        _ if yaml11 && is_yaml11_bool(text) => return Tag::Bool,
        _ => {}
    }
    match first {
        b'.' if is_go_float(text) => Tag::Float,
        b'+' | b'-' | b'0'..=b'9' => {
            if timestamps && Timestamp::parse(text).is_some() {
                return Tag::Timestamp;
            }
            let plain = if text.contains('_') {
                std::borrow::Cow::Owned(text.replace('_', ""))
            } else {
                std::borrow::Cow::Borrowed(text)
            };
            if go_int(&plain).is_some() {
                Tag::Int
            } else if is_go_float(&plain) {
                Tag::Float
            } else {
                Tag::Str
            }
        }
        _ => Tag::Str,
    }
}

/// go-yaml's float syntax `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, with a
/// finite value (Go's parser refuses `1e400`, which then stays a string).
pub(crate) fn is_go_float(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |from: usize| {
        b.iter()
            .skip(from)
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let whole = digits(i);
    i += whole;
    if b.get(i) == Some(&b'.') {
        let frac = digits(i + 1);
        if whole == 0 && frac == 0 {
            return false;
        }
        i += 1 + frac;
    } else if whole == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        i += usize::from(matches!(b.get(i), Some(b'+' | b'-')));
        let exp = digits(i);
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len() && s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// The value of an integer as Go's `strconv.ParseInt(s, 0, 64)` or, failing that,
/// `ParseUint(s, 0, 64)` reads it (`0x`, `0o`, `0b` prefixes in either case, legacy `0755`
/// octal, a sign for `ParseInt` only). `s` holds no `_`.
pub(crate) fn go_int(s: &str) -> Option<i128> {
    let (sign, body) = match s.as_bytes().first() {
        Some(b'-') => (Some(-1), s.get(1..)?),
        Some(b'+') => (Some(1), s.get(1..)?),
        _ => (None, s),
    };
    let magnitude = go_uint(body)?;
    match sign {
        Some(-1) => (magnitude <= 1 << 63).then_some(-magnitude),
        Some(_) => (magnitude < 1 << 63).then_some(magnitude),
        None => (magnitude <= i128::from(u64::MAX)).then_some(magnitude),
    }
}

/// An unsigned magnitude with Go's base prefixes.
fn go_uint(s: &str) -> Option<i128> {
    // `0b`, `0o`, `0x` in either case; digits of any case read the same.
    let prefixed = |letter: u8| {
        let b = s.as_bytes();
        s.len() >= 3 && b[0] == b'0' && b[1].to_ascii_lowercase() == letter
    };
    let (radix, digits) = if prefixed(b'b') {
        (2, s.get(2..)?)
    } else if prefixed(b'o') {
        (8, s.get(2..)?)
    } else if prefixed(b'x') {
        (16, s.get(2..)?)
    } else if let Some(rest) = s.strip_prefix('0') {
        (8, rest)
    } else {
        (10, s)
    };
    if s.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if digits.is_empty() {
        return Some(0);
    }
    let v = u128::from_str_radix(digits, radix).ok()?;
    i128::try_from(v).ok()
}

/// The short name of a tag, as go-yaml's error messages spell it.
pub(crate) fn tag_name(tag: Tag) -> &'static str {
    match tag {
        Tag::Null => "!!null",
        Tag::Bool => "!!bool",
        Tag::Int => "!!int",
        Tag::Float => "!!float",
        Tag::Str => "!!str",
        Tag::Timestamp => "!!timestamp",
        Tag::Binary => "!!binary",
    }
}

/// The type of a scalar with an explicit core-schema tag (`!!int`, `tag:yaml.org,2002:int`),
/// or the error go-yaml reports when its text does not fit (`!!int x`). Quoted and block
/// scalars are resolved like plain ones here, as go-yaml does for tagged scalars.
pub(crate) fn explicit(suffix: &str, text: &str, yaml11: bool) -> Result<Tag, crate::Error> {
    let mismatch = |detail: String| crate::Error::new(crate::ErrorKind::Value, detail);
    let want = match suffix {
        "str" => return Ok(Tag::Str),
        "binary" => {
            return match decode_base64(text) {
                Some(_) => Ok(Tag::Binary),
                None => Err(mismatch(
                    "!!binary value contains invalid base64 data".to_owned(),
                )),
            };
        }
        "int" => Tag::Int,
        "float" => Tag::Float,
        "bool" => Tag::Bool,
        "null" => Tag::Null,
        "timestamp" => Tag::Timestamp,
        // `!!map`, `!!seq`, `!!merge` on a scalar and unknown `!!foo` keep the text.
        _ => return Ok(Tag::Str),
    };
    let got = implicit(text, yaml11, want == Tag::Timestamp);
    let int_as_float = want == Tag::Float
        && got == Tag::Int
        && go_int(&text.replace('_', "")).is_some_and(|v| i64::try_from(v).is_ok());
    if got == want || int_as_float {
        // go-yaml v2 has no timestamp type for kustomization files: the text stays a string.
        Ok(if want == Tag::Timestamp && yaml11 {
            Tag::Str
        } else {
            want
        })
    } else {
        Err(mismatch(format!(
            "cannot decode {} `{text}` as a !!{suffix}",
            tag_name(got)
        )))
    }
}

/// Go's `base64.StdEncoding.DecodeString`: padded standard alphabet, line breaks ignored.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const GO_STD: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    let clean: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
    GO_STD.decode(clean).ok()
}

/// Bytes as Go's JSON encoder writes them into a string: each byte that is not part of valid
/// UTF-8 becomes U+FFFD.
pub(crate) fn go_lossy_utf8(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len()).min(rest.len());
                out.extend(std::iter::repeat_n('\u{FFFD}', bad));
                bytes = rest.get(bad..).unwrap_or_default();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml12_plain_scalars() {
        let t = |s: &str| implicit(s, false, true);
        for s in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(t(s), Tag::Null, "{s}");
        }
        for s in ["true", "True", "TRUE", "false", "False", "FALSE"] {
            assert_eq!(t(s), Tag::Bool, "{s}");
        }
        for s in ["yes", "no", "on", "off", "y", "n", "tRue", "nULL"] {
            assert_eq!(t(s), Tag::Str, "{s}");
        }
        for s in [
            "0",
            "-0",
            "+1",
            "12",
            "0x1F",
            "0X1F",
            "0o17",
            "0O17",
            "0b101",
            "-0b101",
            "0755",
            "1_000",
            "1_",
            "00",
            "+0755",
            "18446744073709551615",
        ] {
            assert_eq!(t(s), Tag::Int, "{s}");
        }
        for s in [
            "1.0",
            "1e3",
            ".5",
            "-.5",
            "1.",
            "09",
            "08",
            "1e-400",
            "1_0.5",
            "-.5_0",
            "+18446744073709551615",
            "123456789012345678901234567890",
            ".inf",
            "-.Inf",
            ".nan",
        ] {
            assert_eq!(t(s), Tag::Float, "{s}");
        }
        for s in [
            "1e400",
            "0x",
            "0o",
            "0b",
            "0o8",
            ".",
            ".e3",
            "1.5e",
            "_1",
            "0x1FFFFFFFFFFFFFFFFF",
            "1:20",
            "v1",
            "-",
            "+",
            "2024-13-01",
            "1e",
            "0x1.8p1",
            "inf",
            "NaN",
            "<<",
        ] {
            assert_eq!(t(s), Tag::Str, "{s}");
        }
        assert_eq!(t("2024-01-02"), Tag::Timestamp);
        assert_eq!(implicit("2024-01-02", false, false), Tag::Str);
    }

    #[test]
    fn yaml11_booleans_no_timestamps() {
        for s in [
            "y", "Y", "yes", "Yes", "YES", "n", "NO", "on", "On", "OFF", "true",
        ] {
            assert_eq!(implicit(s, true, false), Tag::Bool, "{s}");
        }
        assert_eq!(implicit("yEs", true, false), Tag::Str);
        assert_eq!(implicit("2024-01-02", true, false), Tag::Str);
    }

    #[test]
    fn go_integers() {
        assert_eq!(go_int("0755"), Some(493));
        assert_eq!(go_int("-9223372036854775808"), Some(i128::from(i64::MIN)));
        assert_eq!(go_int("-9223372036854775809"), None);
        assert_eq!(go_int("+9223372036854775808"), None);
        assert_eq!(go_int("18446744073709551615"), Some(i128::from(u64::MAX)));
        assert_eq!(go_int("18446744073709551616"), None);
        assert_eq!(go_int("0"), Some(0));
        assert_eq!(go_int(""), None);
        assert_eq!(go_int("0x"), None);
        assert_eq!(go_int("+"), None);
        assert_eq!(go_int("0x+1"), None);
        assert_eq!(go_int("0X1f"), Some(31));
        assert_eq!(go_int("0B11"), Some(3));
        assert_eq!(go_int("-0O17"), Some(-15));
        assert_eq!(go_int("0o"), None);
        assert_eq!(go_int("1_0"), None);
    }

    #[test]
    fn explicit_tags() {
        // The detail of each error, as go-yaml words it.
        let explicit = |suffix, text, yaml11| {
            super::explicit(suffix, text, yaml11).map_err(|e| e.detail().to_owned())
        };
        assert_eq!(explicit("int", "12", false), Ok(Tag::Int));
        assert_eq!(explicit("float", "0x10", false), Ok(Tag::Float));
        assert_eq!(explicit("float", "1", false), Ok(Tag::Float));
        assert_eq!(explicit("str", "12", false), Ok(Tag::Str));
        assert_eq!(explicit("null", "", false), Ok(Tag::Null));
        assert_eq!(explicit("bool", "True", false), Ok(Tag::Bool));
        assert_eq!(explicit("bool", "yes", true), Ok(Tag::Bool));
        assert_eq!(explicit("foo", "x", false), Ok(Tag::Str));
        assert_eq!(
            explicit("timestamp", "2024-01-02", false),
            Ok(Tag::Timestamp)
        );
        assert_eq!(explicit("binary", "aGVsbG8=", false), Ok(Tag::Binary));
        assert_eq!(
            explicit("int", "x", false),
            Err("cannot decode !!str `x` as a !!int".into())
        );
        assert_eq!(
            explicit("int", "1.5", false),
            Err("cannot decode !!float `1.5` as a !!int".into())
        );
        assert_eq!(
            explicit("bool", "yes", false),
            Err("cannot decode !!str `yes` as a !!bool".into())
        );
        assert_eq!(
            explicit("timestamp", "1", false),
            Err("cannot decode !!int `1` as a !!timestamp".into())
        );
        assert_eq!(
            explicit("null", "x", false),
            Err("cannot decode !!str `x` as a !!null".into())
        );
        assert!(explicit("binary", "!!!", false).is_err());
        assert!(explicit("float", "18446744073709551615", false).is_err());
    }

    #[test]
    fn base64_as_go() {
        assert_eq!(decode_base64("aGVs\nbG8=\n"), Some(b"hello".to_vec()));
        assert_eq!(decode_base64("aGVs bG8="), None);
        assert_eq!(decode_base64("aGk"), None);
        assert_eq!(decode_base64(""), Some(Vec::new()));
        assert_eq!(
            go_lossy_utf8(b"a\xe2\x82b\xff"),
            "a\u{FFFD}\u{FFFD}b\u{FFFD}"
        );
        assert_eq!(go_lossy_utf8("h\u{e9}".as_bytes()), "h\u{e9}");
    }
}
