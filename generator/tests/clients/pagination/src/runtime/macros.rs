//! Macros generated code invokes. Part of the generated crate in both runtime layouts: a
//! `macro_rules!` macro of another crate is only reachable through `#[macro_export]`, which
//! these must not use (see `open_enum`).

/// The trait impls every generated open enum has, written once: `From<&str>`, `Display`,
/// `PartialEq`, `Eq`, `Hash`, `PartialOrd` and `Ord` (by the wire string), `Serialize` (the
/// wire string) and `Deserialize` (through [`deserialize_str_with`](super::deserialize_str_with)),
/// all through the enum's own `from_wire` and `as_str`, which the generator emits because they
/// hold the spec's values. A macro, because a blanket impl cannot do this (the traits are
/// foreign) and printing the same lines per enum cost the generator (syn and prettyplease read
/// every token) and the compiler's parser alike.
///
/// Why the comparisons go by the wire string and not by variant, as a derive would: a value is
/// its wire string (`Unknown("x")` built by hand equals the variant for `"x"`, and hashes the
/// same); the order stays the same when a later spec inserts a value (a derive orders by
/// declaration); and a one-line body per trait costs the compiler less than the derives'
/// match over every variant.
///
/// Invoked as `super::runtime::open_enum!(Name);` from a module beside the runtime, which is
/// where every layout puts the types (a crate, a many-spec group, a file `include!`d into a
/// module of another crate), so the paths inside resolve there. Not `#[macro_export]`: that
/// would export it from the root of whatever crate holds the generated code (a build script's
/// crate with two APIs would get it twice), and a crate-root path does not exist when the code
/// is `include!`d into another crate's module. So it is here, in the generated crate, and not
/// in the runtime crate.
#[allow(unused_macros)]
macro_rules! open_enum {
    ($name:ident) => {
        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::from_wire(value)
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }
        impl ::std::cmp::Eq for $name {}
        impl ::std::hash::Hash for $name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                ::std::hash::Hash::hash(self.as_str(), state)
            }
        }
        impl ::std::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> ::std::option::Option<::std::cmp::Ordering> {
                ::std::option::Option::Some(::std::cmp::Ord::cmp(self, other))
            }
        }
        impl ::std::cmp::Ord for $name {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                ::std::cmp::Ord::cmp(self.as_str(), other.as_str())
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                super::runtime::deserialize_str_with(deserializer, Self::from_wire)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use open_enum;

/// `Serialize` and `Deserialize` for a generated struct, through the runtime's
/// [`FieldIndex`](super::FieldIndex), [`next_field`](super::next_field),
/// [`required_field`](super::required_field) and [`Omittable`](super::Omittable). What it
/// expands to is the one part that depends on the struct: for `Deserialize` a local per field,
/// a `match` on the field's index and the struct built from the locals; for `Serialize` a call
/// per field. Serde's derive writes, per struct, a field enum with its own visitor and a
/// sequence visitor besides, about four times as much for the compiler to check (that was most
/// of `cargo check` on a generated crate), and each field needed its `#[serde(...)]` line.
///
/// Same JSON as the derive with the attributes the generator gave fields before: unknown keys
/// skipped; a duplicate or a missing required field an error; a missing `Option` field `None`
/// and a missing `Patch` field `Patch::Absent`; `None` and `Patch::Absent` left out when
/// serializing, except for a required field that may be `null`. Unlike the derive, a JSON
/// array is not read as a struct (so a union whose variants are tried in order no longer
/// takes an array for a struct variant: it goes to a later variant that accepts arrays, or
/// fails).
///
/// Invoked as `super::runtime::serde_struct!(Name { 0 field, 1 field "wire": kind, ... });`
/// with the fields in order, each its index, its Rust name, its key in JSON when that is not
/// the Rust name, and its kind when that is not `opt`:
/// - `opt`: an `Option` or `Patch`: the default when missing, left out when absent;
/// - `req`: a missing field is an error (or `None` for an `Option`), always serialized;
/// - `null`: a required field that may be `null`: `None` when missing, always serialized;
/// - `shaped`, `shaped_null`: an `opt` or `null` field read by
///   [`shaped_or_none`](super::shaped_or_none).
///
/// The field names are the invocation's, so a field may have any name; the macro's own names
/// start with `__`, which no generated type name does (its locals are hygienic anyway).
///
/// No `?` inside: each `?` is a `From` conversion and a `Try` impl for the compiler to resolve,
/// and with one per field they were about a tenth of what a struct's impls cost to check; an
/// early `return` of the error itself costs none of that (and a nested macro arm writing the
/// `match` out costs macro expansion, so each is written in place).
#[allow(unused_macros)]
macro_rules! serde_struct {
    (@wire $field:ident $wire:literal) => {
        $wire
    };
    (@wire $field:ident) => {
        ::std::stringify!($field)
    };
    (@read [shaped], $map:ident, $slot:ident, $wire:expr) => {
        super::runtime::next_shaped_field(&mut $map, &mut $slot, $wire)
    };
    (@read [shaped_null], $map:ident, $slot:ident, $wire:expr) => {
        super::runtime::next_shaped_field(&mut $map, &mut $slot, $wire)
    };
    (@read [$($kind:ident)?], $map:ident, $slot:ident, $wire:expr) => {
        super::runtime::next_field(&mut $map, &mut $slot, $wire)
    };
    (@take [req], $slot:ident, $wire:expr) => {
        match super::runtime::required_field::<_, __A::Error>($slot, $wire) {
            ::std::result::Result::Ok(value) => value,
            ::std::result::Result::Err(error) => return ::std::result::Result::Err(error),
        }
    };
    (@take [$($kind:ident)?], $slot:ident, $wire:expr) => {
        $slot.unwrap_or_default()
    };
    (@write [req], $out:ident, $value:expr, $wire:expr) => {
        if let ::std::result::Result::Err(error) = ::serde::ser::SerializeStruct::serialize_field(&mut $out, $wire, $value) {
            return ::std::result::Result::Err(error);
        }
    };
    (@write [null], $out:ident, $value:expr, $wire:expr) => {
        if let ::std::result::Result::Err(error) = ::serde::ser::SerializeStruct::serialize_field(&mut $out, $wire, $value) {
            return ::std::result::Result::Err(error);
        }
    };
    (@write [shaped_null], $out:ident, $value:expr, $wire:expr) => {
        if let ::std::result::Result::Err(error) = ::serde::ser::SerializeStruct::serialize_field(&mut $out, $wire, $value) {
            return ::std::result::Result::Err(error);
        }
    };
    (@write [$($kind:ident)?], $out:ident, $value:expr, $wire:expr) => {
        if let ::std::result::Result::Err(error) = super::runtime::serialize_field(&mut $out, $wire, $value) {
            return ::std::result::Result::Err(error);
        }
    };
    (@count [req], $value:expr) => {
        1
    };
    (@count [null], $value:expr) => {
        1
    };
    (@count [shaped_null], $value:expr) => {
        1
    };
    (@count [$($kind:ident)?], $value:expr) => {
        usize::from(!super::runtime::Omittable::is_omitted($value))
    };
    ($name:ident { $( $index:literal $field:ident $($wire:literal)? $(: $kind:ident)? ),* $(,)? }) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                const __FIELDS: &[&str] = &[$( super::runtime::serde_struct!(@wire $field $($wire)?) ),*];
                let len = 0 $( + super::runtime::serde_struct!(@count [$($kind)?], &self.$field) )*;
                #[allow(unused_mut)] // A struct without fields writes none.
                let mut out = match ::serde::Serializer::serialize_struct(serializer, ::std::stringify!($name), len) {
                    ::std::result::Result::Ok(value) => value,
                    ::std::result::Result::Err(error) => return ::std::result::Result::Err(error),
                };
                $( super::runtime::serde_struct!(@write [$($kind)?], out, &self.$field, __FIELDS[$index]); )*
                ::serde::ser::SerializeStruct::end(out)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                const __FIELDS: &[&str] = &[$( super::runtime::serde_struct!(@wire $field $($wire)?) ),*];
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(::std::concat!("struct ", ::std::stringify!($name)))
                    }
                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut map: __A) -> ::std::result::Result<Self::Value, __A::Error> {
                        $( let mut $field = ::std::option::Option::None; )*
                        fn index(key: &str) -> ::std::option::Option<usize> {
                            match key {
                                $( super::runtime::serde_struct!(@wire $field $($wire)?) => ::std::option::Option::Some($index), )*
                                _ => ::std::option::Option::None,
                            }
                        }
                        loop {
                            let key = match map.next_key_seed(super::runtime::FieldIndex(index)) {
                                ::std::result::Result::Ok(::std::option::Option::Some(key)) => key,
                                ::std::result::Result::Ok(::std::option::Option::None) => break,
                                ::std::result::Result::Err(error) => return ::std::result::Result::Err(error),
                            };
                            // One early return for every arm: each arm is a `Result`.
                            if let ::std::result::Result::Err(error) = match key {
                                $( ::std::option::Option::Some($index) => super::runtime::serde_struct!(@read [$($kind)?], map, $field, __FIELDS[$index]), )*
                                _ => map.next_value::<::serde::de::IgnoredAny>().map(|_| ()),
                            } {
                                return ::std::result::Result::Err(error);
                            }
                        }
                        ::std::result::Result::Ok($name { $( $field: super::runtime::serde_struct!(@take [$($kind)?], $field, __FIELDS[$index]), )* })
                    }
                }
                deserializer.deserialize_struct(::std::stringify!($name), __FIELDS, __Visitor)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use serde_struct;

/// An API's client type `Name`: a runtime [`Client`](super::Client) (a base URL and credentials
/// over a transport) that the API's operation methods are defined on, with the runtime client's
/// methods through `Deref` and its `with_*` methods returning `Name` again.
///
/// Why a type of the generated crate and not the runtime's `Client`: operation methods are
/// inherent methods, which Rust allows only on a type of the crate that defines them, and the
/// runtime may be a crate of its own. Why a macro: a crate has one such type per API (a
/// many-spec crate one per group), each the same 60 lines.
///
/// Invoked as `runtime::api_client!(Client);` where `runtime` names the runtime module (the
/// paths inside resolve there, as for `open_enum`).
#[allow(unused_macros)]
macro_rules! api_client {
    ($name:ident) => {
        /// The API's client: a base URL and credentials over a transport (connection pool,
        /// retries, timeouts) it may share with other clients. The operations are its methods;
        /// the runtime client's methods ([`runtime::Client`]) are available through `Deref`.
        /// Cheap to clone.
        #[derive(Clone, Debug)]
        pub struct $name(runtime::Client);

        impl ::std::ops::Deref for $name {
            type Target = runtime::Client;
            fn deref(&self) -> &runtime::Client {
                &self.0
            }
        }

        impl ::std::convert::From<runtime::Client> for $name {
            fn from(client: runtime::Client) -> Self {
                $name(client)
            }
        }

        impl $name {
            /// Wraps a runtime client (its base URL and credentials are used as they are), e.g.
            /// one made by [`runtime::Transport::client_at`].
            pub fn new(client: runtime::Client) -> Self {
                $name(client)
            }

            /// The runtime client this wraps.
            pub fn into_inner(self) -> runtime::Client {
                self.0
            }

            /// The same client (same transport and credentials) at another base URL
            /// ([`runtime::Client::with_base_url`]).
            ///
            /// # Errors
            ///
            /// As for [`runtime::Client::with_base_url`].
            pub fn with_base_url(&self, url: &str) -> ::std::result::Result<Self, runtime::BuildError> {
                self.0.with_base_url(url).map($name)
            }

            /// The same client (same transport and base URL) with HTTP basic credentials, e.g.
            /// a cluster API key ([`runtime::Client::with_basic_auth`]).
            ///
            /// # Errors
            ///
            /// As for [`runtime::Client::with_basic_auth`].
            pub fn with_basic_auth(
                &self,
                key: impl Into<String>,
                secret: impl Into<String>,
            ) -> ::std::result::Result<Self, runtime::BuildError> {
                self.0.with_basic_auth(key, secret).map($name)
            }

            /// The same client with a bearer token ([`runtime::Client::with_bearer_token`]).
            ///
            /// # Errors
            ///
            /// As for [`runtime::Client::with_bearer_token`].
            pub fn with_bearer_token(&self, token: impl Into<String>) -> ::std::result::Result<Self, runtime::BuildError> {
                self.0.with_bearer_token(token).map($name)
            }

            /// The same client asking `provider` for a bearer token before every attempt
            /// ([`runtime::Client::with_bearer_token_provider`]).
            ///
            /// # Errors
            ///
            /// As for [`runtime::Client::with_bearer_token_provider`].
            pub fn with_bearer_token_provider(
                &self,
                provider: impl runtime::TokenProvider + 'static,
            ) -> ::std::result::Result<Self, runtime::BuildError> {
                self.0.with_bearer_token_provider(provider).map($name)
            }

            /// The same client sending `key` for the API's only `apiKey` scheme
            /// ([`runtime::Client::with_api_key`]).
            ///
            /// # Errors
            ///
            /// As for [`runtime::Client::with_api_key`].
            pub fn with_api_key(&self, key: impl Into<String>) -> ::std::result::Result<Self, runtime::BuildError> {
                self.0.with_api_key(key).map($name)
            }

            /// The same client sending `key` for the `apiKey` scheme named `scheme`
            /// ([`runtime::Client::with_api_key_for`]).
            ///
            /// # Errors
            ///
            /// As for [`runtime::Client::with_api_key_for`].
            pub fn with_api_key_for(
                &self,
                scheme: impl Into<String>,
                key: impl Into<String>,
            ) -> ::std::result::Result<Self, runtime::BuildError> {
                self.0.with_api_key_for(scheme, key).map($name)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use api_client;
