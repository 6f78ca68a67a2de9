//! `--set PATH=VALUE`: a change to every Gateway document before it is read.

use shgw::Placed;
use shgw_yaml::node::Node;
use shgw_yaml::parse::{ParseOptions, parse_documents};

/// A `--set PATH=VALUE` override: a dotted path (`spec.replicas`, `\.` for a literal dot) and a
/// value read as a YAML scalar or flow collection (`4`, `true`, `2Gi`, `[a, b]`), by the same
/// reader as the Gateway file: `1.10` stays `1.10` for a setting.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Override {
    /// Path segments.
    pub(crate) path: Vec<String>,
    /// The value to put there.
    pub(crate) value: Node,
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
            Node::string("")
        } else {
            let mut docs = parse_documents(value, &ParseOptions::default()).map_err(|e| {
                format!(
                    "--set {text}: the value is not valid YAML: {} (column {})",
                    e.detail(),
                    e.column()
                )
            })?;
            match docs.len() {
                // `~` or `null`: a document of a null is left out.
                0 => Node::null(),
                1 => docs.remove(0),
                _ => return Err(format!("--set {text}: the value holds several documents")),
            }
        };
        Ok(Override {
            path: segments,
            value,
            text: text.to_owned(),
        })
    }

    /// Puts the value into `doc`, creating mappings on the way. What it puts there has no place
    /// in the file (a problem with it names the field, not a line).
    pub(crate) fn apply(&self, doc: &mut Placed) -> Result<(), String> {
        let mut node = &mut doc.node;
        let mut places = Some(&mut doc.places);
        for (i, seg) in self.path.iter().enumerate() {
            let last = i + 1 == self.path.len();
            let here = self.path[..i].join(".");
            if node.is_null() {
                *node = Node::empty_map();
            }
            let (slot, index) = match node {
                Node::Map(m) => {
                    let index = match m.get_index_of(seg.as_str()) {
                        Some(index) => index,
                        None => m.insert_full(seg.clone(), Node::empty_map()).0,
                    };
                    let Some((_, slot)) = m.get_index_mut(index) else {
                        return Err(format!("--set {}: cannot set {here}", self.text));
                    };
                    (slot, index)
                }
                Node::Seq(items) => {
                    let index: usize = seg.parse().map_err(|_| {
                        format!("--set {}: {here} is a list; use an index", self.text)
                    })?;
                    let len = items.len();
                    let slot = items
                        .get_mut(index)
                        .ok_or_else(|| format!("--set {}: {here} has {len} items", self.text))?;
                    (slot, index)
                }
                Node::Scalar(_) => {
                    return Err(format!("--set {}: {here} is not a mapping", self.text));
                }
            };
            places = places.and_then(|p| p.children.get_mut(index));
            if last {
                *slot = self.value.clone();
                if let Some(p) = places {
                    *p = shgw_yaml::Places::default();
                }
                return Ok(());
            }
            node = slot;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn doc(v: serde_json::Value) -> Placed {
        Placed {
            node: Node::from_value(&v),
            places: shgw_yaml::Places::default(),
        }
    }

    #[test]
    fn overrides_create_and_replace() {
        let mut doc = doc(json!({"spec": {"replicas": 2}}));
        Override::parse("spec.replicas=4")
            .unwrap()
            .apply(&mut doc)
            .unwrap();
        Override::parse("spec.image.tag=2.12.1")
            .unwrap()
            .apply(&mut doc)
            .unwrap();
        assert_eq!(
            doc.node.to_value(),
            json!({"spec": {"replicas": 4, "image": {"tag": "2.12.1"}}})
        );
        let mut settings = Placed {
            node: Node::null(),
            places: shgw_yaml::Places::default(),
        };
        for set in [
            "spec.settings.a=1.10",
            "spec.settings.b=0755",
            "spec.settings.c=y",
        ] {
            Override::parse(set).unwrap().apply(&mut settings).unwrap();
        }
        let texts: Vec<_> = ["a", "b", "c"]
            .iter()
            .map(|k| {
                settings.node["spec"]["settings"][*k]
                    .text()
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(texts, ["1.10", "0755", "y"]);
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
        assert_eq!(o.value.to_value(), json!(true));
    }
}
