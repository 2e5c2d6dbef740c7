//! Decoding (and the little encoding) that generated types share.

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

// What the `serde_struct!` macro's impls call: the parts of decoding a JSON object into a
// struct that do not depend on the struct, written once here. Generic code in this crate is
// type-checked here once; the impl serde's derive writes per struct (a field enum with its own
// visitor, a sequence visitor, the map visitor: about 240 lines after expansion) was checked in
// every generated crate for every type, and was most of what `cargo check` spent on them.

/// The keys of a struct's fields, read as an object key: `Some(i)` for the struct's field `i`,
/// `None` for a key the struct does not have (its value is skipped). Holds the struct's own
/// `match` from key to index (a `match` on strings, as serde's derive writes, measured faster
/// than a search of the names), and compares the key as it is read, borrowed or not, so no key
/// is copied.
#[derive(Clone, Copy)]
pub struct FieldIndex(pub fn(&str) -> Option<usize>);

impl<'de> serde::de::DeserializeSeed<'de> for FieldIndex {
    type Value = Option<usize>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl serde::de::Visitor<'_> for FieldIndex {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok((self.0)(v))
    }

    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Option<usize>, E> {
        Ok(std::str::from_utf8(v).ok().and_then(self.0))
    }
}

/// Reads the value of the field `name` into `slot`, or fails if the object had it already
/// (as serde's derive does: `duplicate field`).
///
/// # Errors
///
/// The map's error for a value that does not decode, or a duplicate field.
pub fn next_field<'de, A, T>(map: &mut A, slot: &mut Option<T>, name: &'static str) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: serde::Deserialize<'de>,
{
    if slot.is_some() {
        return Err(<A::Error as serde::de::Error>::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// [`next_field`] for a field read by [`shaped_or_none`]: a shape without a `type`.
///
/// # Errors
///
/// As [`next_field`] and [`shaped_or_none`].
pub fn next_shaped_field<'de, A, T>(map: &mut A, slot: &mut Option<Option<T>>, name: &'static str) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: serde::de::DeserializeOwned,
{
    struct ShapedOrNone<T>(Option<T>);

    impl<'de, T: serde::de::DeserializeOwned> serde::Deserialize<'de> for ShapedOrNone<T> {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            shaped_or_none(deserializer).map(ShapedOrNone)
        }
    }

    if slot.is_some() {
        return Err(<A::Error as serde::de::Error>::duplicate_field(name));
    }
    *slot = Some(map.next_value::<ShapedOrNone<T>>()?.0);
    Ok(())
}

/// The value of a required field, or, when the object did not have it, what serde's derive
/// gives: `None` for an `Option` type, else the error `missing field`.
///
/// # Errors
///
/// `missing field` when the object did not have the field and its type is not an `Option`.
pub fn required_field<'de, T, E>(slot: Option<T>, name: &'static str) -> Result<T, E>
where
    T: serde::Deserialize<'de>,
    E: serde::de::Error,
{
    struct Missing<E> {
        name: &'static str,
        error: PhantomData<E>,
    }

    impl<'de, E: serde::de::Error> serde::Deserializer<'de> for Missing<E> {
        type Error = E;

        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, E> {
            Err(E::missing_field(self.name))
        }

        fn deserialize_option<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
            visitor.visit_none()
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
            newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
        }
    }

    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(Missing { name, error: PhantomData }),
    }
}

/// A field's value that a generated struct leaves out of its JSON: `None`, `Patch::Absent`.
pub trait Omittable {
    /// The value is left out of the serialized struct.
    fn is_omitted(&self) -> bool;
}

impl<T> Omittable for Option<T> {
    fn is_omitted(&self) -> bool {
        self.is_none()
    }
}

/// Serializes the field `name` of a struct, or skips it when its value is omitted (as
/// `#[serde(skip_serializing_if = ...)]` does).
///
/// # Errors
///
/// The serializer's error.
pub fn serialize_field<S, T>(out: &mut S, name: &'static str, value: &T) -> Result<(), S::Error>
where
    S: serde::ser::SerializeStruct,
    T: serde::Serialize + Omittable,
{
    if value.is_omitted() {
        out.skip_field(name)
    } else {
        out.serialize_field(name, value)
    }
}
