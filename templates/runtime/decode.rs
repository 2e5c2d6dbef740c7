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
    // Decoded in one pass: an object or array goes straight into `T` from the input, and only
    // a scalar is tried on its own (no `serde_json::Value` of the whole field is built first;
    // this runs on every response that has such a field).
    use serde::de::value::{
        BoolDeserializer, Error as ScalarError, F64Deserializer, I64Deserializer, MapAccessDeserializer, SeqAccessDeserializer,
        StrDeserializer, U64Deserializer,
    };
    use serde::de::{MapAccess, SeqAccess, Visitor};

    struct Shaped<T>(PhantomData<T>);

    impl<T> Shaped<T> {
        /// A scalar where the schema describes a shape: `T` if it reads it, else `None`.
        fn scalar<'s, S: serde::Deserializer<'s, Error = ScalarError>>(scalar: S) -> Option<T>
        where
            T: serde::Deserialize<'s>,
        {
            T::deserialize(scalar).ok()
        }
    }

    impl<'de, T: serde::de::DeserializeOwned> Visitor<'de> for Shaped<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
            T::deserialize(MapAccessDeserializer::new(map)).map(Some)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<T>, A::Error> {
            T::deserialize(SeqAccessDeserializer::new(seq)).map(Some)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_some<D2: serde::Deserializer<'de>>(self, inner: D2) -> Result<Option<T>, D2::Error> {
            inner.deserialize_any(self)
        }

        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Option<T>, E> {
            Ok(Self::scalar(BoolDeserializer::new(v)))
        }

        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Option<T>, E> {
            Ok(Self::scalar(I64Deserializer::new(v)))
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Option<T>, E> {
            Ok(Self::scalar(U64Deserializer::new(v)))
        }

        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Option<T>, E> {
            Ok(Self::scalar(F64Deserializer::new(v)))
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Option<T>, E> {
            Ok(Self::scalar(StrDeserializer::new(v)))
        }
    }

    deserializer.deserialize_any(Shaped(PhantomData))
}
