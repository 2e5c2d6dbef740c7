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
