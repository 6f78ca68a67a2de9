//! The generator name-suffix hash (kustomize's `api/hasher`).

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Encodes a value like Go's `encoding/json`: sorted keys, HTML escaping.
pub fn go_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => go_json_string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json(x, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json_string(k, out);
                out.push(':');
                if let Some(x) = m.get(k) {
                    go_json(x, out);
                }
            }
            out.push('}');
        }
    }
}

fn go_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Encodes the first 10 hex characters of a SHA-256 the way kustomize does.
pub fn encode(hex: &str) -> String {
    hex.chars()
        .take(10)
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            other => other,
        })
        .collect()
}

fn field(obj: &Value, k: &str) -> Option<Value> {
    obj.get(k).filter(|v| v.is_object()).cloned()
}

/// The hash suffix of a ConfigMap or Secret document.
pub fn hash_of(obj: &Value) -> String {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let mut m = Map::new();
    m.insert("kind".into(), Value::String(kind.into()));
    m.insert("name".into(), Value::String(String::new()));
    m.insert(
        "data".into(),
        field(obj, "data").unwrap_or(Value::String(String::new())),
    );
    if kind == "Secret" {
        let t = obj.get("type").and_then(Value::as_str).unwrap_or("");
        m.insert("type".into(), Value::String(t.into()));
        if let Some(sd) = field(obj, "stringData") {
            m.insert("stringData".into(), sd);
        }
    } else if let Some(bd) = field(obj, "binaryData") {
        m.insert("binaryData".into(), bd);
    }
    let mut text = String::new();
    go_json(&Value::Object(m), &mut text);
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    encode(&hex)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn vectors() {
        assert_eq!(hash_of(&json!({"kind": "ConfigMap"})), "6ct58987ht");
        assert_eq!(
            hash_of(&json!({"kind": "ConfigMap", "data": {"one": ""}})),
            "9g67k2htb6"
        );
        assert_eq!(
            hash_of(&json!({"kind": "ConfigMap", "data": {"a": "1", "b": "2", "html": "<x&y>"}})),
            "bgfk77b8dc"
        );
        assert_eq!(
            hash_of(&json!({"kind": "Secret", "type": "Opaque", "data": {}})),
            "46f8b28mk5"
        );
        assert_eq!(
            hash_of(&json!({"kind": "Secret", "type": "Opaque", "data": {"k": "dg=="}})),
            "ftgtgc4t9f"
        );
        assert_eq!(
            hash_of(&json!({"kind": "Secret", "type": "my-type"})),
            "5gmgkf8578"
        );
    }
}
