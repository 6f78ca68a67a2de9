//! JSON patch (RFC 6902) with the lenient semantics of evanphx/json-patch v4.

use crate::error::{Error, Result};
use serde_json::Value;

fn unescape(tok: &str) -> String {
    tok.replace("~1", "/").replace("~0", "~")
}

fn split_pointer(path: &str) -> Result<Vec<String>> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(Error::msg(format!("invalid JSON pointer {path:?}")));
    };
    Ok(rest.split('/').map(unescape).collect())
}

fn parent_mut<'a>(doc: &'a mut Value, toks: &[String]) -> Option<&'a mut Value> {
    let mut cur = doc;
    for t in toks {
        cur = match cur {
            Value::Object(m) => m.get_mut(t)?,
            Value::Array(a) => {
                let i = index(t, a.len())?;
                a.get_mut(i)?
            }
            _ => return None,
        };
    }
    Some(cur)
}

fn index(tok: &str, len: usize) -> Option<usize> {
    let i: i64 = tok.parse().ok()?;
    let len = i64::try_from(len).ok()?;
    let i = if i < 0 { len + i } else { i };
    usize::try_from(i).ok()
}

fn get<'a>(doc: &'a Value, toks: &[String]) -> Option<&'a Value> {
    let mut cur = doc;
    for t in toks {
        cur = match cur {
            Value::Object(m) => m.get(t)?,
            Value::Array(a) => a.get(index(t, a.len())?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<()> {
    let toks = split_pointer(path)?;
    let Some((last, parent)) = toks.split_last() else {
        *doc = value;
        return Ok(());
    };
    let missing = || {
        Error::msg(format!(
            "add operation does not apply: doc is missing path: \"{path}\": missing value"
        ))
    };
    match parent_mut(doc, parent).ok_or_else(missing)? {
        Value::Object(m) => {
            m.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) => {
            if last == "-" || last == "-1" {
                a.push(value);
                return Ok(());
            }
            let i = index(last, a.len() + 1).filter(|i| *i <= a.len()).ok_or_else(|| {
                Error::msg(format!("add operation does not apply: doc is missing path: \"{path}\": invalid index referenced"))
            })?;
            a.insert(i, value);
            Ok(())
        }
        _ => Err(missing()),
    }
}

fn remove(doc: &mut Value, path: &str, op: &str) -> Result<Value> {
    let toks = split_pointer(path)?;
    let Some((last, parent)) = toks.split_last() else {
        return Err(Error::msg(format!(
            "error in {op} for path: '{path}': cannot remove the root"
        )));
    };
    let parent = parent_mut(doc, parent)
        .ok_or_else(|| Error::msg(format!("error in {op} for path: '{path}': Unable to remove nonexistent key: {last}: missing value")))?;
    match parent {
        Value::Object(m) => m
            .shift_remove(last)
            .ok_or_else(|| Error::msg(format!("error in {op} for path: '{path}': Unable to remove nonexistent key: {last}: missing value"))),
        Value::Array(a) => {
            let i = index(last, a.len()).filter(|i| *i < a.len()).ok_or_else(|| {
                Error::msg(format!("error in {op} for path: '{path}': Unable to access invalid index: {last}: invalid index referenced"))
            })?;
            Ok(a.remove(i))
        }
        _ => Err(Error::msg(format!("error in {op} for path: '{path}': Unable to remove nonexistent key: {last}: missing value"))),
    }
}

fn replace(doc: &mut Value, path: &str, value: Value) -> Result<()> {
    let toks = split_pointer(path)?;
    let Some((last, parent)) = toks.split_last() else {
        *doc = value;
        return Ok(());
    };
    let missing = || {
        Error::msg(format!(
            "replace operation does not apply: doc is missing path: {path}: missing value"
        ))
    };
    match parent_mut(doc, parent).ok_or_else(missing)? {
        Value::Object(m) => {
            m.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) => {
            let i = index(last, a.len()).filter(|i| *i < a.len()).ok_or_else(|| {
                Error::msg(format!("replace operation does not apply: doc is missing key: {path}: missing value"))
            })?;
            a[i] = value;
            Ok(())
        }
        _ => Err(missing()),
    }
}

fn str_field<'a>(op: &'a Value, k: &str) -> Result<&'a str> {
    op.get(k)
        .and_then(Value::as_str)
        .ok_or_else(|| Error::msg(format!("missing {k} in operation {op}")))
}

fn numeric_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| numeric_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| numeric_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Applies a list of operations to `doc`.
///
/// # Errors
/// An operation that does not apply, with evanphx/json-patch's wording.
pub fn apply(doc: &mut Value, ops: &[Value]) -> Result<()> {
    for op in ops {
        let kind = str_field(op, "op")?;
        let path = str_field(op, "path")?;
        let value = || op.get("value").cloned().unwrap_or(Value::Null);
        match kind {
            "add" => add(doc, path, value())?,
            "remove" => {
                remove(doc, path, "remove")?;
            }
            "replace" => replace(doc, path, value())?,
            "move" => {
                let from = str_field(op, "from")?;
                let v = remove(doc, from, "move").map_err(|_| {
                    let last = from.rsplit('/').next().unwrap_or(from);
                    Error::msg(format!("error in move for path: '{from}': Unable to remove nonexistent key: {last}: missing value"))
                })?;
                add(doc, path, v)?;
            }
            "copy" => {
                let from = str_field(op, "from")?;
                let v = get(doc, &split_pointer(from)?)
                    .cloned()
                    .ok_or_else(|| Error::msg(format!("copy operation does not apply: doc is missing from path: {from}: missing value")))?;
                add(doc, path, v)?;
            }
            "test" => {
                let cur = get(doc, &split_pointer(path)?);
                if !cur.is_some_and(|c| numeric_eq(c, &value())) {
                    return Err(Error::msg(format!(
                        "testing value {path} failed: test failed"
                    )));
                }
            }
            other => return Err(Error::msg(format!("Unexpected kind: {other}"))),
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lenient_ops() {
        let mut d = json!({"spec": {"args": ["a", "b"], "m": {}}});
        apply(
            &mut d,
            &[
                json!({"op": "replace", "path": "/spec/m/new", "value": 1}),
                json!({"op": "add", "path": "/spec/args/-", "value": "c"}),
                json!({"op": "add", "path": "/spec/args/0", "value": "z"}),
                json!({"op": "test", "path": "/spec/m/new", "value": 1.0}),
            ],
        )
        .unwrap();
        assert_eq!(
            d,
            json!({"spec": {"args": ["z", "a", "b", "c"], "m": {"new": 1}}})
        );
        assert!(apply(&mut d, &[json!({"op": "remove", "path": "/spec/missing"})]).is_err());
        assert!(
            apply(
                &mut d,
                &[json!({"op": "add", "path": "/spec/missing/deeper", "value": 1})]
            )
            .is_err()
        );
    }
}
