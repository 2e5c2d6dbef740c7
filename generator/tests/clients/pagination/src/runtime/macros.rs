//! Macros generated code invokes. Part of the generated crate in both runtime layouts: a
//! `macro_rules!` macro of another crate is only reachable through `#[macro_export]`, which
//! these must not use (see `open_enum`).

/// The four trait impls every generated open enum has, written once: `From<&str>`, `Display`,
/// `Serialize` (the wire string) and `Deserialize` (through [`deserialize_str_with`](super::deserialize_str_with)), all
/// through the enum's own `from_wire` and `as_str`, which the generator emits because they
/// hold the spec's values. A macro, because a blanket impl cannot do this (the traits are
/// foreign) and printing the same 30 lines per enum cost the generator (syn and prettyplease
/// read every token) and the compiler's parser alike.
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
