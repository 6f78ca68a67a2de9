//! The YAML reader on any text, in both reading modes and every duplicate-key policy: it never
//! panics, and what it reads prints as YAML that reads back to the same value (numbers compared
//! as numbers: `10.` prints as `10`, as kubectl prints it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}
use shgw_yaml::parse::{DuplicateKeys, ParseOptions, parse_documents};

fuzz_target!(|text: &str| {
    for (yaml11, duplicate_keys) in [
        (false, DuplicateKeys::Error),
        (true, DuplicateKeys::LastWins),
        (false, DuplicateKeys::FirstWins),
    ] {
        let opts = ParseOptions {
            yaml11,
            duplicate_keys,
        };
        let Ok(docs) = parse_documents(text, &opts) else {
            continue;
        };
        for doc in &docs {
            let value = doc.to_value();
            let printed = shgw_yaml::to_string(&value);
            let again = parse_documents(&printed, &ParseOptions::default())
                .unwrap_or_else(|e| panic!("printed YAML does not read back: {e}\n{printed}"));
            if value.is_object() {
                let back = again.first().map(|d| d.to_value());
                assert!(
                    back.as_ref().is_some_and(|b| same(b, &value)),
                    "round trip changed {value:?} into {back:?}\n{printed}"
                );
            }
        }
    }
});
