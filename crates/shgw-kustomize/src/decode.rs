//! Decoding YAML documents into our types as Go's `encoding/json` does for kustomize: a key
//! matches a field exactly or, failing that, case-insensitively (`fieldPath` is `fieldpath`,
//! `NamePrefix` is `namePrefix`; verified with kubectl v1.37.1). Unknown fields stay errors.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// How many differently cased keys one document may hold before decoding gives up.
const MAX_RENAMES: usize = 256;

/// `unknown field `x`, expected `a`` / `... expected one of `a`, `b``: the unknown key and
/// the fields that would have been accepted.
fn unknown_field(msg: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (key, expected) = rest.split_once('`')?;
    let fields = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((key.to_string(), fields))
}

/// Renames `from` to `to` in the map at `path` (a struct's fields, found through map keys
/// and sequence indices). Go lets a later key overwrite an earlier one.
fn rename_at(v: &mut Value, path: &serde_path_to_error::Path, from: &str, to: &str) -> bool {
    use serde_path_to_error::Segment;
    let mut segs: Vec<&Segment> = path.iter().collect();
    // The path may end at the unknown key itself.
    if matches!(segs.last(), Some(Segment::Map { key }) if key == from) {
        segs.pop();
    }
    let mut cur = Some(v);
    for seg in segs {
        cur = match (seg, cur) {
            (Segment::Map { key }, Some(Value::Object(m))) => m.get_mut(key),
            (Segment::Seq { index }, Some(Value::Array(a))) => a.get_mut(*index),
            _ => None,
        };
    }
    let Some(Value::Object(m)) = cur else {
        return false;
    };
    let Some(value) = m.shift_remove(from) else {
        return false;
    };
    m.insert(to.to_string(), value);
    true
}

/// Decodes `v` into `T`, matching keys to fields case-insensitively when no field matches
/// exactly.
///
/// # Errors
/// What serde reports once no differently cased key is left to fix.
pub(crate) fn decode<T: DeserializeOwned>(mut v: Value) -> Result<T, serde_json::Error> {
    for _ in 0..MAX_RENAMES {
        let err = match serde_path_to_error::deserialize::<_, T>(v.clone()) {
            Ok(t) => return Ok(t),
            Err(e) => e,
        };
        let fixed = unknown_field(&err.inner().to_string()).and_then(|(key, fields)| {
            let canon = fields.iter().find(|f| f.eq_ignore_ascii_case(&key))?;
            rename_at(&mut v, err.path(), &key, canon).then_some(())
        });
        if fixed.is_none() {
            return Err(err.into_inner());
        }
    }
    serde_json::from_value(v)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::kustomization::Kustomization;
    use serde_json::json;

    #[test]
    fn keys_match_fields_case_insensitively() {
        let k: Kustomization = decode(json!({
            "NAMEPREFIX": "p-",
            "commonlabels": {"KeepMe": "as-is"},
            "vars": [{"name": "V", "objref": {"kind": "Service", "name": "s"}, "fieldref": {"fieldPath": "metadata.namespace"}}],
        }))
        .unwrap();
        assert_eq!(k.name_prefix.as_deref(), Some("p-"));
        assert!(k.common_labels.unwrap().contains_key("KeepMe"));
        assert_eq!(
            k.vars.unwrap()[0].fieldref.as_ref().unwrap().fieldpath,
            "metadata.namespace"
        );
        let e = decode::<Kustomization>(json!({"namePrefixes": "p-"})).unwrap_err();
        assert!(e.to_string().contains("unknown field `namePrefixes`"));
    }
}
