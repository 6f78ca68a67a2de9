//! The Gateway file reference (a Markdown table), generated from the JSON Schema so that the
//! README can never drift from the types.

use serde_json::{Map, Value};

struct Row {
    path: String,
    kind: String,
    doc: String,
}

fn def<'a>(defs: &'a Map<String, Value>, v: &Value) -> Option<(&'a str, &'a Value)> {
    let r = v.get("$ref")?.as_str()?.strip_prefix("#/$defs/")?;
    defs.get_key_value(r).map(|(k, v)| (k.as_str(), v))
}

/// Unwraps `anyOf: [X, null]`.
fn non_null(v: &Value) -> &Value {
    v.get("anyOf")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find(|x| x.get("type") != Some(&Value::from("null")))
        })
        .unwrap_or(v)
}

fn enum_text(d: &Value) -> Option<String> {
    let consts: Vec<String> = d
        .get("oneOf")?
        .as_array()?
        .iter()
        .filter_map(|c| c.get("const")?.as_str().map(|s| format!("`{s}`")))
        .collect();
    (!consts.is_empty()).then(|| consts.join(" \\| "))
}

/// The choices of an enum written as a mapping with one key (`auth: {token: {...}}`): each
/// key with its schema, described by its variant's description.
fn one_key_choices(d: &Value) -> Option<Map<String, Value>> {
    let mut out = Map::new();
    for variant in d.get("oneOf")?.as_array()? {
        let props = variant.get("properties")?.as_object()?;
        let [(key, schema)] = props.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let mut schema = schema.clone();
        if let (Some(m), Some(doc)) = (schema.as_object_mut(), variant.get("description")) {
            m.entry("description").or_insert_with(|| doc.clone());
        }
        out.insert(key.clone(), schema);
    }
    (!out.is_empty()).then_some(out)
}

fn type_name(v: &Value) -> String {
    match v.get("type") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("any")
            .to_owned(),
        _ => "any".to_owned(),
    }
}

fn walk(defs: &Map<String, Value>, props: &Map<String, Value>, prefix: &str, rows: &mut Vec<Row>) {
    for (name, prop) in props {
        let path = format!("{prefix}{name}");
        let doc = prop
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .replace('\n', " ");
        let target = non_null(prop);
        let mut push = |kind: String| {
            rows.push(Row {
                path: path.clone(),
                kind,
                doc: doc.clone(),
            })
        };
        if let Some((dname, d)) = def(defs, target) {
            if let Some(e) = enum_text(d) {
                push(e);
            } else if let Some(choices) = one_key_choices(d) {
                let keys: Vec<String> = choices.keys().map(|k| format!("`{k}`")).collect();
                push(format!("object with one of {}", keys.join(", ")));
                walk(defs, &choices, &format!("{path}."), rows);
            } else if let Some(p) = d.get("properties").and_then(Value::as_object) {
                push("object".into());
                walk(defs, p, &format!("{path}."), rows);
            } else {
                push(dname.to_ascii_lowercase());
            }
            continue;
        }
        match type_name(target).as_str() {
            "array" => {
                let item = target.get("items").unwrap_or(&Value::Null);
                match def(defs, item) {
                    Some((dname, d)) => {
                        push(format!("list of {}", dname.to_ascii_lowercase()));
                        if let Some(p) = d.get("properties").and_then(Value::as_object) {
                            walk(defs, p, &format!("{path}[]."), rows);
                        }
                    }
                    None => push(format!("list of {}", type_name(item))),
                }
            }
            "object" => {
                let value = target
                    .get("additionalProperties")
                    .map(|v| {
                        def(defs, v).map_or_else(|| type_name(v), |(n, _)| n.to_ascii_lowercase())
                    })
                    .unwrap_or_else(|| "any".into());
                push(format!("map of {value}"));
            }
            other => push(other.to_owned()),
        }
    }
}

/// The Gateway file's fields as a Markdown table: path, type and description.
///
/// ```
/// let table = shgw::spec::reference_markdown();
/// assert!(table.contains("| `spec.replicas` | integer |"));
/// ```
pub fn reference_markdown() -> String {
    let schema = crate::schema();
    let empty = Map::new();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let props = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut rows = Vec::new();
    walk(defs, props, "", &mut rows);
    let rows: Vec<minijinja::Value> = rows
        .into_iter()
        .map(|r| {
            minijinja::Value::from_pairs([
                ("path", r.path),
                ("kind", r.kind),
                ("doc", r.doc.replace('|', "\\|")),
            ])
        })
        .collect();
    let env = minijinja::Environment::new();
    let template = "| field | type | meaning |\n|---|---|---|\n{% for r in rows %}| `{{ r.path }}` | {{ r.kind }} | {{ r.doc }} |\n{% endfor %}";
    env.render_str(template, minijinja::context! { rows => rows })
        .unwrap_or_default()
}
