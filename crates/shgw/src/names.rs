//! Syntax checks for Kubernetes names, label keys and values, quantities and addresses.

use std::net::IpAddr;

/// A DNS-1123 label: at most 63 lower-case letters, digits and `-`, starting and ending with a
/// letter or digit.
pub fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A DNS-1123 subdomain: dot-separated labels, at most 253 characters.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

/// A host name as used in URLs (case-insensitive labels).
pub fn is_hostname(s: &str) -> bool {
    s.len() <= 253 && is_dns1123_subdomain(&s.to_ascii_lowercase())
}

fn is_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// A label or annotation key: an optional DNS subdomain prefix and `/`, then a name of at
/// most 63 characters.
pub fn is_qualified_name(s: &str) -> bool {
    match s.split_once('/') {
        Some((prefix, name)) => is_dns1123_subdomain(prefix) && is_name_part(name),
        None => is_name_part(s),
    }
}

/// A label value: empty, or a name part of at most 63 characters.
pub fn is_label_value(s: &str) -> bool {
    s.is_empty() || is_name_part(s)
}

/// A ConfigMap or Secret key: letters, digits, `-`, `_` and `.`, at most 253 characters.
pub fn is_config_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// An IPv4 or IPv6 address.
pub fn is_ip(s: &str) -> bool {
    s.parse::<IpAddr>().is_ok()
}

/// A CIDR block such as `10.0.0.0/8` or `2001:db8::/32`.
pub fn is_cidr(s: &str) -> bool {
    let Some((ip, bits)) = s.split_once('/') else {
        return false;
    };
    let Ok(ip) = ip.parse::<IpAddr>() else {
        return false;
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    bits.parse::<u8>().is_ok_and(|b| b <= max)
}

/// The value of a Kubernetes quantity in base units (`500m` is 0.5, `2Gi` is 2147483648),
/// or `None` when the text is not a quantity.
pub fn parse_quantity(s: &str) -> Option<f64> {
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    let unsigned = num.strip_prefix(['+', '-']).unwrap_or(num);
    if unsigned.is_empty()
        || unsigned.matches('.').count() > 1
        || unsigned == "."
        || unsigned[1..].contains(['+', '-'])
    {
        return None;
    }
    let n: f64 = num.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        e if e.starts_with(['e', 'E']) => {
            let exp: i32 = e[1..].parse().ok()?;
            10f64.powi(exp)
        }
        _ => return None,
    };
    Some(n * mult)
}

/// `host`, `host:port` or `[v6]:port`, with a valid host and port.
pub fn is_host_port(s: &str, port_required: bool) -> bool {
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') || h.starts_with('[') => (h, Some(p)),
        _ => (s, None),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port_ok = match port {
        Some(p) => p.parse::<u16>().is_ok_and(|p| p > 0),
        None => !port_required,
    };
    port_ok && (is_hostname(host) || is_ip(host))
}

/// An `http://` or `https://` URL with a valid host (and optional port and path).
pub fn is_http_url(s: &str, schemes: &[&str]) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    if !schemes.contains(&scheme) {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    is_host_port(authority, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("500m"), Some(0.5));
        assert_eq!(parse_quantity("2Gi"), Some(2147483648.0));
        assert!(is_dns1123_label("contoso-west"));
        assert!(!is_dns1123_label("Contoso_West"));
        for ok in ["2", "500m", "1.5", "2Gi", "50Mi", "1e3", ".5", "0"] {
            assert!(parse_quantity(ok).is_some(), "{ok}");
        }
        for bad in ["", "2GB", "two", "1..5", "m", "2 Gi", "Gi"] {
            assert!(parse_quantity(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn names_and_keys() {
        assert!(is_qualified_name("app.kubernetes.io/name"));
        assert!(!is_qualified_name("bad key"));
        assert!(is_config_key("config.service.endpoint"));
        assert!(!is_config_key("a/b"));
        assert!(is_cidr("10.0.0.0/8") && !is_cidr("10.0.0.0/33") && !is_cidr("10.0.0.0"));
        assert!(is_host_port("statsd.monitoring:8125", true));
        assert!(!is_host_port("statsd.monitoring", true));
        assert!(is_http_url("http://otel:4317", &["http", "https"]));
        assert!(!is_http_url("ftp://x", &["http", "https"]));
    }
}
