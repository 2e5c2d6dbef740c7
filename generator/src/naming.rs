//! Turning spec names into Rust identifiers: one place for the rules, so the model only ever
//! holds valid, unique identifiers.
//!
//! Rules:
//! - Type names come from a schema's `title` or component name, taking the last dot-separated
//!   segment (`iam.v2.ApiKey` -> `ApiKey`); on a collision a request-only shape gets `Request`
//!   appended, then the name of the place it is used is taken (`CreateIamV2ApiKeyResponse`), then
//!   the full title (`IamV2ApiKey`).
//!   Untitled schemas are named by their place: parent type + property (`ApiKeySpec`), operation +
//!   role (`UpdateIamV2ApiKeyRequest`).
//! - Identifiers that are Rust keywords get a trailing underscore (`type_`); ones that start with a
//!   digit get a letter prefix; ones with no letters or digits left get a placeholder.
//! - Wire names always stay on the wire through `#[serde(rename)]`.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::HashSet;

/// Rust keywords (strict and reserved, all editions) and names that cannot be raw identifiers.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct",
    "super", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
    "gen", "union", "_",
];

/// Whether `s` is a keyword (or otherwise unusable as a plain identifier).
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Keeps letters, digits and separators; everything else separates words.
fn words_only(s: &str) -> String {
    s.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect()
}

/// Non-ASCII letters are legal in Rust identifiers but trip `non_ascii_idents` lints and are hard
/// to type: transliterate nothing, just replace them by their code point.
fn ascii_only(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!(" u{:x} ", c as u32));
        }
    }
    out
}

/// An UpperCamelCase type or variant identifier.
pub fn type_ident(raw: &str, fallback: &str) -> String {
    let s = ascii_only(&words_only(raw)).to_upper_camel_case();
    let s = if s.is_empty() { fallback.to_string() } else { s };
    let s = if s.starts_with(|c: char| c.is_ascii_digit()) { format!("{fallback}{s}") } else { s };
    // `Self` is the only UpperCamelCase keyword. A trailing `_` would break UpperCamelCase as
    // soon as the name is composed further (`Self_Headers`, `Self_2`), so the fallback word is
    // appended instead: `SelfType`, `SelfHeader`.
    if is_keyword(&s) {
        format!("{s}{}", type_ident(fallback, "Type"))
    } else {
        s
    }
}

/// A snake_case field, parameter or method identifier.
pub fn value_ident(raw: &str, fallback: &str) -> String {
    let s = ascii_only(&words_only(raw)).to_snake_case();
    let s = if s.is_empty() { fallback.to_string() } else { s };
    let s = if s.starts_with(|c: char| c.is_ascii_digit()) { format!("{fallback}_{s}") } else { s };
    if is_keyword(&s) {
        format!("{s}_")
    } else {
        s
    }
}

/// The short form of a dotted title: its last segment (`iam.v2.ApiKey` -> `ApiKey`).
pub fn short_title(title: &str) -> &str {
    title.rsplit('.').find(|s| s.chars().any(char::is_alphanumeric)).unwrap_or(title)
}

/// Hands out identifiers unique within one scope (a struct's fields, an enum's variants).
#[derive(Debug, Default)]
pub struct Scope {
    taken: HashSet<String>,
}

impl Scope {
    /// A scope with some names reserved up front.
    pub fn with_reserved(names: &[&str]) -> Self {
        Scope { taken: names.iter().map(|s| s.to_string()).collect() }
    }

    /// Whether `name` is free.
    pub fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(name)
    }

    /// Takes `name`, or `name2`, `name3`... (with `_` for snake_case names) when taken.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let snake = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_');
        // `type_` becomes `type_2`, not `type__2` (which the snake_case lint rejects); an
        // UpperCamelCase name never gets an underscore.
        let stem = match name.trim_end_matches('_') {
            "" if snake => "value",
            "" => "Value",
            trimmed => trimmed,
        };
        let sep = if snake { "_" } else { "" };
        let mut n: u64 = 2;
        loop {
            let candidate = format!("{stem}{sep}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }

    /// Marks `name` as taken.
    pub fn take(&mut self, name: &str) -> bool {
        self.taken.insert(name.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_and_digits_and_punctuation() {
        assert_eq!(value_ident("type", "field"), "type_");
        assert_eq!(value_ident("self", "field"), "self_");
        assert_eq!(value_ident("_", "field"), "field");
        assert_eq!(value_ident("2fa", "field"), "field_2fa");
        assert_eq!(value_ident("spec.owner", "field"), "spec_owner");
        assert_eq!(value_ident("@@", "field"), "field");
        assert_eq!(type_ident("iam.v2.ApiKey", "Type"), "IamV2ApiKey");
        assert_eq!(type_ident(short_title("iam.v2.ApiKey"), "Type"), "ApiKey");
        assert_eq!(type_ident("Self", "Type"), "SelfType");
        assert_eq!(type_ident("Self", "Header"), "SelfHeader");
        assert_eq!(type_ident("1", "V"), "V1");
        assert_eq!(type_ident("", "Empty"), "Empty");
        assert_eq!(type_ident("héllo", "T"), "HUe9Llo");
    }

    #[test]
    fn scope_suffixes_deterministically() {
        let mut s = Scope::default();
        assert_eq!(s.claim("foo_bar".into()), "foo_bar");
        assert_eq!(s.claim("foo_bar".into()), "foo_bar_2");
        assert_eq!(s.claim("Foo".into()), "Foo");
        assert_eq!(s.claim("Foo".into()), "Foo2");
        // Escaped keywords stay lint-clean when suffixed.
        assert_eq!(s.claim("self_".into()), "self_");
        assert_eq!(s.claim("self_".into()), "self_2");
        assert_eq!(s.claim("self_".into()), "self_3");
    }
}
