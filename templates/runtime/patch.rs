//! A request field that can be left out, cleared with `null`, or set: what PATCH bodies need.
//!
//! `Option<T>` cannot say "send `null`": `None` is left out of the JSON. Generated request types
//! use [`Patch`] for every optional field the API allows to be `null`, so an update can clear a
//! field (`Patch::Null`) as well as leave it alone (`Patch::Absent`, the default) or set it.

use std::fmt;

/// An optional, nullable request field: left out, sent as `null`, or sent with a value.
///
/// A generated struct leaves an `Absent` field out of the body (through [`Omittable`](super::Omittable),
/// or `#[serde(default, skip_serializing_if = "Patch::is_absent")]` where serde derives the
/// struct's impls); decoding reads a missing field as `Absent` and `null` as `Null`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Patch<T> {
    /// Left out of the request: the server keeps what it has.
    #[default]
    Absent,
    /// Sent as `null`: the server clears the field.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Patch<T> {
    /// Whether the field is left out (for `skip_serializing_if`).
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// The value, if one is set.
    pub fn value(&self) -> Option<&T> {
        match self {
            Patch::Value(v) => Some(v),
            Patch::Absent | Patch::Null => None,
        }
    }

    /// `None` leaves the field out, `Some(v)` sets it (use [`Patch::Null`] to clear it).
    pub fn from_option(value: Option<T>) -> Self {
        value.map_or(Patch::Absent, Patch::Value)
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Value(value)
    }
}

impl<T: fmt::Debug> fmt::Debug for Patch<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Patch::Absent => f.write_str("Absent"),
            Patch::Null => f.write_str("Null"),
            Patch::Value(v) => f.debug_tuple("Value").field(v).finish(),
        }
    }
}

impl<T: serde::Serialize> serde::Serialize for Patch<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // `Absent` is skipped by `skip_serializing_if`; on its own it can only be `null`.
            Patch::Absent | Patch::Null => serializer.serialize_none(),
            Patch::Value(v) => serializer.serialize_some(v),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Patch<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(v) => Patch::Value(v),
            None => Patch::Null,
        })
    }
}

// Here, not beside the trait: a crate whose spec has no three-state field leaves this file out.
impl<T> super::Omittable for Patch<T> {
    fn is_omitted(&self) -> bool {
        self.is_absent()
    }
}

#[cfg(test)]
mod tests {
    use super::Patch;

    #[derive(serde::Serialize, serde::Deserialize, Default, Debug, PartialEq)]
    struct Update {
        #[serde(default, skip_serializing_if = "Patch::is_absent")]
        name: Patch<String>,
        #[serde(default, skip_serializing_if = "Patch::is_absent")]
        description: Patch<String>,
        #[serde(default, skip_serializing_if = "Patch::is_absent")]
        limit: Patch<i64>,
    }

    #[test]
    fn absent_null_and_value_are_three_different_bodies() {
        let u = Update { name: "n".to_string().into(), description: Patch::Null, ..Default::default() };
        assert_eq!(serde_json::to_string(&u).ok().as_deref(), Some(r#"{"name":"n","description":null}"#));
        let back: Update = serde_json::from_str(r#"{"name":"n","description":null}"#).unwrap_or_default();
        assert_eq!(back, u);
        assert!(back.limit.is_absent());
        assert_eq!(Patch::from_option(Some(3)), Patch::Value(3));
        assert_eq!(Patch::<i32>::from_option(None), Patch::Absent);
    }
}
