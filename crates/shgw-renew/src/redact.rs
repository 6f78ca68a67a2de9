//! Text that comes from a remote service (Entra ID, ARM, the API server or an admission
//! webhook behind it) is shown only through [`remote_text`]: a service may echo what it was
//! sent, or a Secret it holds, in an error message.
//!
//! Redaction here does not look for known secrets (a fragment, another encoding or a value the
//! renewer never saw would slip through); it removes every string that *could* be one. All the
//! secrets a renewal handles are written in the base64 / base64url / JWT alphabet
//! (`A-Z a-z 0-9 + / = _ - .`): the gateway token's signature, the Secret's data (base64 of the
//! whole token), the federated assertion and the ARM access token (JWTs). So every maximal run
//! of that alphabet [`LONGEST_KEPT`] characters or longer is replaced by `<redacted>`, unless it
//! is a Kubernetes-style name (only `a-z 0-9 - . /`, the shape of namespaces, object names
//! and annotation keys such as `shgw.dev/token-expiry`) or a GUID. What survives of a secret
//! is then at most [`LONGEST_KEPT`]` - 1` characters long, or a whole run made only of
//! lower-case letters, digits, `-`, `.` and `/` (for a random base64 secret, 20 such
//! characters in a row happen with a probability of about (37/64)^20, 2 in 100 000 per
//! position).

/// Runs of the secret alphabet this long or longer are redacted.
pub(crate) const LONGEST_KEPT: usize = 20;

fn in_alphabet(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+/=_-.".contains(c)
}

/// A Kubernetes-style name or annotation key: lower-case letters, digits, `-`, `.` and `/`,
/// starting with a letter.
fn name_like(run: &str) -> bool {
    run.starts_with(|c: char| c.is_ascii_lowercase())
        && run
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-./".contains(c))
}

/// `8-4-4-4-12` hexadecimal digits.
fn guid_like(run: &str) -> bool {
    let groups: Vec<&str> = run.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn keep(run: &str) -> bool {
    run.chars().count() < LONGEST_KEPT || name_like(run) || guid_like(run)
}

/// `text` from a remote service, safe to show: control characters become spaces, possible
/// secrets are redacted, and it is cut to `max` characters (with `...`).
///
/// ```text
/// remote_text("denied: data.value \"R2F0ZXdheUtleSBndyYyMDI3MDEwMTAwMDAmc2ln\"", 200)
///   == "denied: data.value \"<redacted>\""
/// ```
pub(crate) fn remote_text(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if keep(run) {
            out.push_str(run);
        } else {
            out.push_str("<redacted>");
        }
        run.clear();
    };
    for c in text.chars() {
        if in_alphabet(c) {
            run.push(c);
            continue;
        }
        flush(&mut run, &mut out);
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200b}'..='\u{200f}') {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    let trimmed = out.trim();
    if trimmed.chars().count() > max {
        let cut: String = trimmed.chars().take(max).collect();
        // A cut may end inside a run: redact it again as a whole.
        format!("{}...", remote_text_uncut(&cut))
    } else {
        trimmed.to_owned()
    }
}

/// [`remote_text`] without the length limit (cutting cannot make a run longer).
fn remote_text_uncut(text: &str) -> String {
    remote_text(text, usize::MAX)
}

/// An OAuth `error` code (`invalid_client`, ...), or a placeholder when the field is not one:
/// a code is lower-case letters and `_`, so anything else is not shown.
pub(crate) fn oauth_error(code: &str) -> String {
    if !code.is_empty()
        && code.len() <= 64
        && code.chars().all(|c| c.is_ascii_lowercase() || c == '_')
    {
        code.to_owned()
    } else if code.is_empty() {
        "no OAuth error code".to_owned()
    } else {
        "an OAuth error code that is not one (not shown)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use base64::Engine as _;

    /// Deterministic pseudo-random bytes (xorshift).
    fn bytes(seed: u64, n: usize) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    /// A substring of `secret` of `len` characters that appears in `text`, if any, described.
    fn fragment(text: &str, secret: &str, len: usize) -> Option<String> {
        let chars: Vec<char> = secret.chars().collect();
        chars.windows(len).find_map(|w| {
            let piece: String = w.iter().collect();
            text.contains(&piece)
                .then(|| format!("{piece:?} of {secret:?} in {text:?}"))
        })
    }

    #[test]
    fn secrets_and_their_fragments_do_not_survive_in_any_encoding() {
        let b64 = base64::engine::general_purpose::STANDARD;
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        for seed in 1..400u64 {
            let sig = b64.encode(bytes(seed, 64));
            let token = format!("gw&202701010000&{sig}");
            let jwt = format!(
                "eyJhbGciOiJSUzI1NiJ9.{}.{}",
                url.encode(bytes(seed + 7, 90)),
                url.encode(bytes(seed + 9, 256))
            );
            let data = b64.encode(format!("GatewayKey {token}"));
            // Fragments, cut anywhere, in the middle of text or quoted.
            let cut = (seed as usize * 7) % 40;
            let messages = [
                format!("admission webhook \"v.example\" denied: data.value: {data}"),
                format!("Invalid value: \"{}\": immutable", &data[cut..]),
                format!("bad assertion {}...", &jwt[cut..cut + 60]),
                format!("token '{}' expired\r\nTrace: x", &sig[cut % 20..]),
                format!("Bearer {jwt}"),
                format!("{}{}", &sig[..30], "\u{1b}[31m"),
            ];
            for m in &messages {
                let shown = remote_text(m, 10_000);
                for secret in [&sig, &jwt, &data] {
                    // No piece of LONGEST_KEPT characters of a secret is left.
                    if let Some(found) = fragment(&shown, secret, LONGEST_KEPT) {
                        panic!("{found}");
                    }
                }
                assert!(!shown.chars().any(char::is_control), "{shown:?}");
            }
        }
    }

    #[test]
    fn useful_words_names_and_ids_are_kept() {
        let m = "secrets \"contoso-west-token\" is forbidden: User \"system:serviceaccount:apim-gateway:contoso-west-token-renewer\" cannot patch resource \"secrets\" in API group \"\" in the namespace \"apim-gateway\"";
        assert_eq!(remote_text(m, 1000), m);
        let key = "metadata.annotations.shgw.dev/token-expiry: Invalid value";
        assert_eq!(remote_text(key, 1000), key);
        let arm = "The client '11111111-2222-3333-4444-555555555555' with object id 'x' does not have AuthorizationFailed";
        assert_eq!(remote_text(arm, 1000), arm);
        assert_eq!(
            remote_text(
                "Secret \"t\" is invalid: data: Forbidden: field is immutable when `immutable` is set",
                1000
            ),
            "Secret \"t\" is invalid: data: Forbidden: field is immutable when `immutable` is set"
        );
        assert_eq!(remote_text("a\r\nb\u{7}c\u{1b}[0m", 100), "a b c [0m");
        assert_eq!(remote_text("abcdef", 3), "abc...");
    }

    #[test]
    fn oauth_error_codes_are_shown_only_when_they_are_codes() {
        assert_eq!(oauth_error("invalid_client"), "invalid_client");
        assert_eq!(oauth_error(""), "no OAuth error code");
        assert!(!oauth_error("eyJhbGciOiJSUzI1NiJ9.x").contains("eyJ"));
        assert!(!oauth_error("invalid client\n").contains('\n'));
    }
}
