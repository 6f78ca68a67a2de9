//! Property tests of the strategic-merge engine.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use shgw_kustomize::smp::merge_resource;

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[a-z]{0,6}".prop_map(Value::String),
        (0i64..100).prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
    ]
}

fn small_map(with_null: bool) -> impl Strategy<Value = Value> {
    prop::collection::vec(("[a-e]", scalar(), any::<bool>()), 0..5).prop_map(move |entries| {
        let mut m = Map::new();
        for (k, v, null) in entries {
            m.insert(k, if with_null && null { Value::Null } else { v });
        }
        Value::Object(m)
    })
}

/// Containers with unique names (kustomize collapses elements with equal keys).
fn containers(with_null: bool) -> impl Strategy<Value = Value> {
    prop::collection::btree_map(
        "[a-d]",
        (
            small_map(with_null),
            prop::collection::vec("[a-z]{1,3}", 0..3),
        ),
        0..4,
    )
    .prop_map(|m| {
        Value::Array(
            m.into_iter()
                .map(|(name, (extra, args))| {
                    let mut c = extra.as_object().cloned().unwrap_or_default();
                    c.insert("name".into(), Value::String(name));
                    c.insert("args".into(), json!(args));
                    Value::Object(c)
                })
                .collect(),
        )
    })
}

fn deployment(with_null: bool) -> impl Strategy<Value = Value> {
    (
        small_map(with_null),
        small_map(with_null),
        containers(with_null),
    )
        .prop_map(|(labels, data, cs)| {
            json!({
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "d", "labels": labels},
                "data": data,
                "spec": {"template": {"spec": {"containers": cs}}}
            })
        })
}

fn reversed(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m.iter().rev() {
                out.insert(k.clone(), reversed(x));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(reversed).collect()),
        other => other.clone(),
    }
}

proptest! {
    #[test]
    fn empty_patch_changes_nothing(d in deployment(false)) {
        let out = merge_resource(&d, &json!({})).unwrap();
        prop_assert_eq!(out, d);
    }

    #[test]
    fn applying_twice_equals_once(d in deployment(false), p in deployment(true)) {
        let once = merge_resource(&d, &p).unwrap();
        let twice = merge_resource(&once, &p).unwrap();
        prop_assert_eq!(twice, once);
    }

    #[test]
    fn map_key_order_does_not_matter(d in deployment(false), p in deployment(true)) {
        let a = merge_resource(&d, &p).unwrap();
        let b = merge_resource(&reversed(&d), &reversed(&p)).unwrap();
        prop_assert_eq!(shgw_kustomize::to_yaml(&[a]), shgw_kustomize::to_yaml(&[b]));
    }
}
