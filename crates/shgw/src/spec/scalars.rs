//! Scalar types that accept what people write in YAML: `cpu: 2` and `cpu: "2"`, `25%` and `1`.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// Accepts a string, an integer or a float (and, for settings, a boolean) and keeps its text.
struct TextVisitor {
    expecting: &'static str,
    allow_bool: bool,
}

impl Visitor<'_> for TextVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        if self.allow_bool {
            Ok(v.to_string())
        } else {
            Err(E::invalid_type(de::Unexpected::Bool(v), &self))
        }
    }
}

/// A newtype over the text of a scalar that YAML may give as a string, a number or (when
/// `$allow_bool`) a boolean.
macro_rules! text_scalar {
    ($(#[$m:meta])* $name:ident, $expecting:literal, $allow_bool:literal, $schema:tt) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub String);

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // A string hint: a YAML reader hands over the scalar's text as written
                // (`1.10`, `0755`, `y`), not the number or boolean it reads as.
                d.deserialize_str(TextVisitor {
                    expecting: $expecting,
                    allow_bool: $allow_bool,
                })
                .map($name)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_scalar!(
    /// A Kubernetes resource quantity such as `2`, `500m`, `2Gi` or `50Mi`. Checked by validation.
    Quantity,
    "a quantity such as 2, 500m or 2Gi",
    false,
    {
        "description": "A Kubernetes quantity: 2, 500m, 1.5, 2Gi, 512Mi.",
        "anyOf": [{"type": "string"}, {"type": "number"}]
    }
);

text_scalar!(
    /// A gateway setting's value. Booleans and numbers are kept as the text the gateway reads.
    SettingValue,
    "a string, number or boolean",
    true,
    {
        "description": "A gateway setting value; numbers and booleans are written as text.",
        "anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]
    }
);

/// A count of pods or a percentage of them (`1`, `25%`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntOrPercent {
    /// An absolute number of pods.
    Int(i32),
    /// A percentage, kept as written (`25%`); checked by validation.
    Percent(String),
}

impl IntOrPercent {
    /// The k8s-openapi form.
    pub fn to_k8s(&self) -> k8s_openapi::apimachinery::pkg::util::intstr::IntOrString {
        use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
        match self {
            IntOrPercent::Int(i) => IntOrString::Int(*i),
            IntOrPercent::Percent(s) => IntOrString::String(s.clone()),
        }
    }

    /// The percentage as a number when it is a well-formed `N%` with 0 <= N <= 100.
    pub fn percent(&self) -> Option<u32> {
        match self {
            IntOrPercent::Percent(s) => s.strip_suffix('%')?.parse().ok().filter(|p| *p <= 100),
            IntOrPercent::Int(_) => None,
        }
    }

    /// Whether the value is zero (`0` or `0%`).
    pub fn is_zero(&self) -> bool {
        match self {
            IntOrPercent::Int(i) => *i == 0,
            IntOrPercent::Percent(_) => self.percent() == Some(0),
        }
    }
}

impl fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            IntOrPercent::Int(i) => write!(f, "{i}"),
            IntOrPercent::Percent(s) => f.write_str(s),
        }
    }
}

impl Serialize for IntOrPercent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            IntOrPercent::Int(i) => s.serialize_i32(*i),
            IntOrPercent::Percent(p) => s.serialize_str(p),
        }
    }
}

struct IntOrPercentVisitor;

impl Visitor<'_> for IntOrPercentVisitor {
    type Value = IntOrPercent;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number or a percentage such as 25%")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrPercent, E> {
        i32::try_from(v)
            .map(IntOrPercent::Int)
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrPercent, E> {
        i32::try_from(v)
            .map(IntOrPercent::Int)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrPercent, E> {
        match v.parse::<i32>() {
            Ok(i) => Ok(IntOrPercent::Int(i)),
            Err(_) => Ok(IntOrPercent::Percent(v.to_owned())),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrPercent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IntOrPercentVisitor)
    }
}

impl JsonSchema for IntOrPercent {
    fn schema_name() -> Cow<'static, str> {
        "IntOrPercent".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A number of pods or a percentage such as 25%.",
            "anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+%$"}]
        })
    }
}
