//! The runtime's `serde_struct!` against what serde's derive does for the same struct with the
//! attributes the generator gave it before, on each case where hand-written impls could
//! differ: renamed and unknown keys, a missing required field (an error, or `None` for an
//! `Option`), a duplicate, a default, a `Patch` field, a shape without a type, escaped keys,
//! other JSON than an object; and, serializing, which absent fields are left out.

use super::runtime::Patch;
use serde::{Deserialize, Serialize};

/// Decoded and encoded by the macro, as the generator emits it.
#[derive(Debug, PartialEq)]
struct Ours {
    id: String,
    r#type: Option<i64>,
    maybe: Option<String>,
    nullable_required: Option<String>,
    patch: Patch<String>,
    metadata: Option<Nested>,
    shaped_required: Option<Nested>,
    nested: Option<Box<Ours>>,
}
super::runtime::serde_struct!(Ours {
    0 id: req,
    1 r#type "type",
    2 maybe "Maybe-Key": req,
    3 nullable_required: null,
    4 patch,
    5 metadata: shaped,
    6 shaped_required: shaped_null,
    7 nested
});

/// The same struct by serde's derive, with the attributes the generator gave it before.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Derived {
    id: String,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    r#type: Option<i64>,
    #[serde(rename = "Maybe-Key")]
    maybe: Option<String>,
    #[serde(default)]
    nullable_required: Option<String>,
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    patch: Patch<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::runtime::shaped_or_none")]
    metadata: Option<Nested>,
    #[serde(default, deserialize_with = "super::runtime::shaped_or_none")]
    shaped_required: Option<Nested>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nested: Option<Box<Derived>>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Nested {
    name: String,
}

/// A struct without fields (a schema with no properties).
#[derive(Debug, PartialEq)]
struct Empty {}
super::runtime::serde_struct!(Empty {});

/// Both decodings of `json`, as `Ok(Debug text)` or the error's message, which must agree.
fn both(json: &str) -> (Result<String, String>, Result<String, String>) {
    let ours = serde_json::from_str::<Ours>(json).map(|v| format!("{v:?}")).map_err(|e| e.to_string());
    let derived = serde_json::from_str::<Derived>(json).map(|v| format!("{v:?}")).map_err(|e| e.to_string());
    let derived = derived.map(|v| v.replace("Derived", "Ours")).map_err(|e| e.replace("Derived", "Ours"));
    (ours, derived)
}

#[test]
fn decodes_an_object_as_the_derive_does() {
    for json in [
        r#"{"id": "a", "type": 3, "Maybe-Key": "m", "nullable_required": null, "patch": "p", "metadata": {"name": "n"}}"#,
        // Unknown keys are skipped, values of any shape.
        r#"{"id": "a", "extra": {"deep": [1, 2, {"x": null}]}, "more": 1}"#,
        // Missing: `None` for an `Option` even when required, the default, `Patch::Absent`.
        r#"{"id": "a"}"#,
        // `null` for a `Patch` field is `Patch::Null`.
        r#"{"id": "a", "patch": null}"#,
        // A shape without a type: a scalar is `None`, not an error.
        r#"{"id": "a", "metadata": ""}"#,
        r#"{"id": "a", "metadata": 5}"#,
        r#"{"id": "a", "shaped_required": "x"}"#,
        r#"{"id": "a", "shaped_required": {"name": "s"}}"#,
        // Recursion through a boxed field.
        r#"{"id": "a", "nested": {"id": "b", "nested": {"id": "c"}}}"#,
        // An escaped key is the same key.
        r#"{"\u0069d": "a"}"#,
    ] {
        let (ours, derived) = both(json);
        assert!(ours.is_ok(), "{json}: {ours:?}");
        assert_eq!(ours, derived, "{json}");
    }
    let value: Ours = serde_json::from_str(r#"{"id": "a", "patch": null, "metadata": {"name": "n"}}"#).unwrap();
    assert_eq!(value.patch, Patch::Null);
    assert_eq!(value.metadata, Some(Nested { name: "n".into() }));
    assert_eq!(value.maybe, None);
}

#[test]
fn fails_where_the_derive_fails_with_the_same_message() {
    for json in [
        // A missing required field.
        r#"{"type": 3}"#,
        // A duplicate field.
        r#"{"id": "a", "id": "b"}"#,
        r#"{"id": "a", "metadata": {"name": "n"}, "metadata": {"name": "m"}}"#,
        // A value of the wrong type, and a shape that does not fit.
        r#"{"id": 5}"#,
        r#"{"id": "a", "metadata": {"name": 1}}"#,
        // Not an object.
        r#""a""#,
        "null",
        // Malformed JSON.
        r#"{"id": "a""#,
    ] {
        let (ours, derived) = both(json);
        assert!(ours.is_err(), "{json}: {ours:?}");
        assert_eq!(ours, derived, "{json}");
    }
}

#[test]
fn an_array_is_not_read_as_a_struct() {
    // The one difference from the derive, which reads `[..]` positionally; no JSON API sends that.
    let err = serde_json::from_str::<Ours>(r#"["a"]"#).unwrap_err().to_string();
    assert!(err.starts_with("invalid type: sequence, expected struct Ours"), "{err}");
}

#[test]
fn a_struct_without_fields_accepts_any_object() {
    assert_eq!(serde_json::from_str::<Empty>(r#"{"a": 1}"#).unwrap(), Empty {});
    assert_eq!(serde_json::from_str::<Empty>("{}").unwrap(), Empty {});
    assert!(serde_json::from_str::<Empty>("1").is_err());
}

#[test]
fn reads_from_a_value_and_from_a_reader_too() {
    // Keys as owned strings (a `Value`, a reader) rather than borrowed from the input.
    let value = serde_json::json!({"id": "a", "type": 2, "patch": "p"});
    let ours: Ours = serde_json::from_value(value.clone()).unwrap();
    assert_eq!((ours.id.as_str(), ours.r#type, &ours.patch), ("a", Some(2), &Patch::Value("p".to_string())));
    let from_reader: Ours = serde_json::from_reader(value.to_string().as_bytes()).unwrap();
    assert_eq!(from_reader, ours);
}

#[test]
fn serializes_as_the_derive_does() {
    for json in [
        r#"{"id": "a", "type": 3, "Maybe-Key": "m", "nullable_required": "n", "patch": "p", "metadata": {"name": "n"}, "shaped_required": {"name": "s"}, "nested": {"id": "b"}}"#,
        // Absent: left out, except the required fields that may be `null`, which are `null`.
        r#"{"id": "a"}"#,
        r#"{"id": "a", "patch": null}"#,
    ] {
        let ours: Ours = serde_json::from_str(json).unwrap();
        let derived: Derived = serde_json::from_str(json).unwrap();
        let (ours, derived) = (serde_json::to_string(&ours).unwrap(), serde_json::to_string(&derived).unwrap());
        assert_eq!(ours, derived, "{json}");
    }
    let minimal: Ours = serde_json::from_str(r#"{"id": "a"}"#).unwrap();
    assert_eq!(
        serde_json::to_value(&minimal).unwrap(),
        serde_json::json!({"id": "a", "Maybe-Key": null, "nullable_required": null, "shaped_required": null})
    );
    assert_eq!(serde_json::to_string(&Empty {}).unwrap(), "{}");
}

#[test]
fn tells_the_serializer_how_many_fields_it_writes() {
    // A format that writes the count first (serde_json does not) must get the fields written,
    // not the fields declared: count what `serialize_field` receives.
    struct Counting {
        announced: usize,
        written: usize,
    }
    impl serde::ser::SerializeStruct for &mut Counting {
        type Ok = ();
        type Error = serde::de::value::Error;
        fn serialize_field<T: ?Sized + Serialize>(&mut self, _: &'static str, _: &T) -> Result<(), Self::Error> {
            self.written += 1;
            Ok(())
        }
        fn end(self) -> Result<(), Self::Error> {
            Ok(())
        }
    }
    struct CountingSerializer<'a>(&'a mut Counting);
    impl<'a> serde::Serializer for CountingSerializer<'a> {
        type Ok = ();
        type Error = serde::de::value::Error;
        type SerializeSeq = serde::ser::Impossible<(), Self::Error>;
        type SerializeTuple = serde::ser::Impossible<(), Self::Error>;
        type SerializeTupleStruct = serde::ser::Impossible<(), Self::Error>;
        type SerializeTupleVariant = serde::ser::Impossible<(), Self::Error>;
        type SerializeMap = serde::ser::Impossible<(), Self::Error>;
        type SerializeStruct = &'a mut Counting;
        type SerializeStructVariant = serde::ser::Impossible<(), Self::Error>;
        fn serialize_struct(self, _: &'static str, len: usize) -> Result<Self::SerializeStruct, Self::Error> {
            self.0.announced = len;
            Ok(self.0)
        }
        fn serialize_bool(self, _: bool) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_i8(self, _: i8) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_i16(self, _: i16) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_i32(self, _: i32) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_i64(self, _: i64) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_u8(self, _: u8) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_u16(self, _: u16) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_u32(self, _: u32) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_u64(self, _: u64) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_f32(self, _: f32) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_f64(self, _: f64) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_char(self, _: char) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_str(self, _: &str) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_bytes(self, _: &[u8]) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_none(self) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_unit(self) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_unit_struct(self, _: &'static str) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, _: &T) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> Result<(), Self::Error> { unimplemented!() }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> { unimplemented!() }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> { unimplemented!() }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Self::Error> { unimplemented!() }
        fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeTupleVariant, Self::Error> { unimplemented!() }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Self::Error> { unimplemented!() }
        fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeStructVariant, Self::Error> { unimplemented!() }
    }
    for json in [r#"{"id": "a"}"#, r#"{"id": "a", "type": 1, "patch": null, "metadata": {"name": "n"}}"#] {
        let value: Ours = serde_json::from_str(json).unwrap();
        let mut counting = Counting { announced: usize::MAX, written: 0 };
        value.serialize(CountingSerializer(&mut counting)).unwrap();
        assert_eq!(counting.announced, counting.written, "{json}");
    }
}
