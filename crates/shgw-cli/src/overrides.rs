//! `--set PATH=VALUE`: a change to every Gateway document before it is read.

use serde_json::{Map, Value};

/// A `--set PATH=VALUE` override: a dotted path (`spec.replicas`, `\.` for a literal dot) and a
/// value read as a YAML scalar or flow collection (`4`, `true`, `2Gi`, `[a, b]`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Override {
    /// Path segments.
    pub(crate) path: Vec<String>,
    /// The value to put there.
    pub(crate) value: Value,
    /// The text the user wrote, for messages.
    pub(crate) text: String,
}

impl Override {
    /// Parses `PATH=VALUE`; `\\.` keeps a dot inside one key (`spec.settings.a\\.b=1`).
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let (path, value) = text
            .split_once('=')
            .ok_or_else(|| format!("--set {text}: expected PATH=VALUE"))?;
        let mut segments = vec![String::new()];
        let mut chars = path.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(next) = chars.next()
                        && let Some(s) = segments.last_mut()
                    {
                        s.push(next)
                    }
                }
                '.' => segments.push(String::new()),
                c => {
                    if let Some(s) = segments.last_mut() {
                        s.push(c)
                    }
                }
            }
        }
        if segments.iter().any(String::is_empty) {
            return Err(format!("--set {text}: the path has an empty segment"));
        }
        let value = if value.trim().is_empty() {
            Value::String(String::new())
        } else {
            serde_saphyr::from_str::<Value>(value)
                .map_err(|e| format!("--set {text}: the value is not valid YAML: {e}"))?
        };
        Ok(Override {
            path: segments,
            value,
            text: text.to_owned(),
        })
    }

    /// Puts the value into `doc`, creating mappings on the way.
    pub(crate) fn apply(&self, doc: &mut Value) -> Result<(), String> {
        let mut at = doc;
        for (i, seg) in self.path.iter().enumerate() {
            let last = i + 1 == self.path.len();
            let here = self.path[..i].join(".");
            at = match at {
                Value::Object(m) => {
                    if last {
                        m.insert(seg.clone(), self.value.clone());
                        return Ok(());
                    }
                    m.entry(seg.clone())
                        .or_insert_with(|| Value::Object(Map::new()))
                }
                Value::Array(items) => {
                    let idx: usize = seg.parse().map_err(|_| {
                        format!("--set {}: {here} is a list; use an index", self.text)
                    })?;
                    let len = items.len();
                    let slot = items
                        .get_mut(idx)
                        .ok_or_else(|| format!("--set {}: {here} has {len} items", self.text))?;
                    if last {
                        *slot = self.value.clone();
                        return Ok(());
                    }
                    slot
                }
                Value::Null => {
                    *at = Value::Object(Map::new());
                    match at {
                        Value::Object(m) if last => {
                            m.insert(seg.clone(), self.value.clone());
                            return Ok(());
                        }
                        Value::Object(m) => m
                            .entry(seg.clone())
                            .or_insert_with(|| Value::Object(Map::new())),
                        _ => return Err(format!("--set {}: cannot set {here}", self.text)),
                    }
                }
                _ => {
                    return Err(format!("--set {}: {here} is not a mapping", self.text));
                }
            };
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn overrides_create_and_replace() {
        let mut doc = json!({"spec": {"replicas": 2}});
        Override::parse("spec.replicas=4")
            .unwrap()
            .apply(&mut doc)
            .unwrap();
        Override::parse("spec.image.tag=2.12.1")
            .unwrap()
            .apply(&mut doc)
            .unwrap();
        assert_eq!(
            doc,
            json!({"spec": {"replicas": 4, "image": {"tag": "2.12.1"}}})
        );
        let err = Override::parse("spec.replicas.x=1")
            .unwrap()
            .apply(&mut doc)
            .unwrap_err();
        assert!(err.contains("spec.replicas is not a mapping"), "{err}");
        assert!(Override::parse("spec..x=1").is_err());
        assert!(Override::parse("nothing").is_err());
    }

    #[test]
    fn escaped_dots_stay_in_one_segment() {
        let o =
            Override::parse("spec.settings.net\\.server\\.http\\.forwarded\\.proto\\.enabled=true")
                .unwrap();
        assert_eq!(
            o.path,
            [
                "spec",
                "settings",
                "net.server.http.forwarded.proto.enabled"
            ]
        );
        assert_eq!(o.value, json!(true));
    }
}
