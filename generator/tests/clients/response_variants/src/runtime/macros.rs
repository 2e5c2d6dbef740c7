//! Macros generated code invokes. Part of the generated crate in both runtime layouts: a
//! `macro_rules!` macro of another crate is only reachable through `#[macro_export]`, which
//! `open_enum` must not use (see there).

/// The four trait impls every generated open enum has, written once: `From<&str>`, `Display`,
/// `Serialize` (the wire string) and `Deserialize` (through [`deserialize_str_with`]), all
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
