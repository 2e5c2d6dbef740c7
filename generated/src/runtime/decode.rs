//! Decoding helpers shared by generated types.

use std::fmt;
use std::marker::PhantomData;

/// Deserializes a string through `from`, borrowing it from the input when the format allows
/// (serde_json does for strings without escapes), so known enum values decode without
/// allocating. Generated open enums use it with their `From<&str>`.
///
/// # Errors
///
/// The deserializer's error when the value is not a string.
pub fn deserialize_str_with<'de, D, T>(deserializer: D, from: fn(&str) -> T) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct StrVisitor<T> {
        from: fn(&str) -> T,
        target: PhantomData<T>,
    }

    impl<T> serde::de::Visitor<'_> for StrVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            Ok((self.from)(v))
        }
    }

    deserializer.deserialize_str(StrVisitor { from, target: PhantomData })
}

/// Reads a field whose schema describes a shape (properties, items, a format) but never says
/// `type`. JSON Schema applies those keywords only to values of their kind, so any other value
/// is valid there: Confluent's `metadata` has no `type`, and Prism's examples send `null` or
/// `""` for it. A value that decodes is `Some`; `null`, or a value of another kind than the
/// shape (not an object or array where those are described), is `None`, not an error. An object
/// or array that does not fit the shape is still an error.
///
/// # Errors
///
/// The deserializer's error for malformed input, and the shape's for an object or array that
/// does not fit it.
pub fn shaped_or_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::Error as _;
    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
    match value {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Object(_) | serde_json::Value::Array(_) => serde_json::from_value(value).map(Some).map_err(D::Error::custom),
        other => Ok(serde_json::from_value(other).ok()),
    }
}
