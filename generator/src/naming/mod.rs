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
//! - Wire names always stay on the wire: a struct's `serde_struct!` line gives a field's JSON key
//!   where it is not the field's name (`#[serde(rename)]` where serde derives the impls).

pub mod types;

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::{HashMap, HashSet};

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

/// A property or reference name as the UpperCamelCase suffix of a positional type name
/// (`spec` -> `Spec`, so an inline schema under `ApiKey.spec` is `ApiKeySpec`).
pub fn camel_suffix(raw: &str) -> String {
    raw.to_upper_camel_case()
}

/// The short form of a dotted title: its last segment (`iam.v2.ApiKey` -> `ApiKey`).
pub fn short_title(title: &str) -> &str {
    title.rsplit('.').find(|s| s.chars().any(char::is_alphanumeric)).unwrap_or(title)
}

/// Hands out identifiers unique within one scope (a struct's fields, an enum's variants).
///
/// Linear in the number of names: each stem remembers the next suffix to try, so claiming the
/// same folded name n times costs O(n), not O(n^2) (40,000 properties that fold to one
/// identifier used to take minutes).
#[derive(Debug, Default)]
pub struct Scope {
    taken: HashSet<String>,
    /// Per suffix stem (with its separator), the next number to try.
    next_suffix: HashMap<String, u64>,
    /// Candidates tried by `claim` (tests check that naming stays linear).
    #[cfg(test)]
    probes: u64,
}

impl Scope {
    /// A scope with some names reserved up front.
    pub fn with_reserved(names: &[&str]) -> Self {
        Scope { taken: names.iter().map(|s| s.to_string()).collect(), ..Scope::default() }
    }

    /// Whether `name` is free.
    pub fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(name)
    }

    /// Takes `name`, or `name2`, `name3`... (with `_` for snake_case names) when taken.
    pub fn claim(&mut self, name: String) -> String {
        if !self.taken.contains(&name) {
            self.taken.insert(name.clone());
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
        let key = format!("{stem}{sep}");
        let mut n = self.next_suffix.get(&key).copied().unwrap_or(2);
        loop {
            let candidate = format!("{key}{n}");
            n += 1;
            #[cfg(test)]
            {
                self.probes += 1;
            }
            if self.taken.insert(candidate.clone()) {
                self.next_suffix.insert(key, n);
                return candidate;
            }
        }
    }

    /// Marks `name` as taken.
    pub fn take(&mut self, name: &str) -> bool {
        self.taken.insert(name.to_string())
    }
}

/// Names the generated crate's root exports (the runtime's client, errors and replies, and the
/// default base URL). Spec types do not take them: a schema called `Error` becomes `ErrorBody`.
pub const CRATE_ROOT_NAMES: &[&str] =
    &["Client", "ClientBuilder", "BuildError", "Error", "Patch", "Reply", "Response", "RetryPolicy", "Transport"];

/// The standard prelude's names that generated types modules use unqualified (`Option<String>`,
/// `Vec<T>`, `Some`/`None` in hand-written decoding): a schema called `String` becomes
/// `StringBody`, as one called `Error` does.
pub const PRELUDE_TYPE_NAMES: &[&str] = &["Option", "Some", "None", "String", "Vec"];

/// Whether a spec type may not take `name` (see [`CRATE_ROOT_NAMES`] and [`PRELUDE_TYPE_NAMES`]).
pub fn is_reserved_type_name(name: &str) -> bool {
    CRATE_ROOT_NAMES.contains(&name) || PRELUDE_TYPE_NAMES.contains(&name)
}

/// Names a parameter's Rust name may not take: an optional parameter is a setter on its
/// operation's request builder (the runtime's `Call`), so it must not clash with the
/// builder's own methods and associated functions (`at`, `edit`, `send`, `pages`, …: inherent
/// items of one type share one namespace), with the `blocking` feature's `wait`, or with the
/// generated code's arguments and closure parameter (`body`, `content_type`, `spec`).
pub const REQUEST_RESERVED: &[&str] = &[
    "body", "client", "send", "pages", "stream", "into_future", "spec", "path", "raw", "self_", "content_type", "at", "failed",
    "edit", "try_edit", "json", "json_as", "request", "multipart", "wait",
];

/// Names the operations module already uses (its imports), which no generated type may take.
/// The module also uses the standard prelude's names unqualified (`Option`, `String`, `Ok`).
const OPERATIONS_MODULE_NAMES: &[&str] = &[
    "Client", "ClientBuilder", "BuildError", "RetryPolicy", "Transport", "Error", "RawResponse", "RequestSpec", "Response", "DEFAULT_BASE_URL", "ErrorResponses", "NoErrorResponses", "FromHeaders", "BoxFuture", "Paged", "Walked", "Bytes", "Reply", "Patch",
    "Call", "Operation", "Method", "EncodeError",
    "Option", "Some", "None", "Result", "Ok", "Err", "String", "Vec", "Box", "ToString", "Into", "IntoFuture", "Default", "Clone",
    // Used unqualified by setters and paginated lists (the prelude's `AsRef`, the runtime's
    // `Paginated`), and the prelude traits a later emitter change may reach for.
    "AsRef", "Paginated", "From", "Send", "Sync", "Sized", "Iterator", "IntoIterator",
];

/// Longest header-set name built from its headers (without `Headers`); longer sets are named
/// after their first use.
const MAX_HEADER_SET_WORDS: usize = 48;

/// A header set's name from its headers: each header's name, except that headers sharing a
/// prefix before their last `-` are one word for the family (`X-RateLimit-Limit`,
/// `X-RateLimit-Remaining` and `X-RateLimit-Reset` are `XRateLimit`). The set Confluent returns
/// on most successes is then `XRateLimitHeaders` wherever it appears (the request id is left
/// out: see `normalize::drop_request_id_header`), instead of being named after whichever
/// operation came first (`ListCmkV2ClustersOkHeaders` on a get).
fn header_set_words<'h>(names: impl Iterator<Item = &'h str> + Clone) -> String {
    let family = |h: &'h str| h.rfind('-').map(|i| &h[..i]).filter(|f| !f.is_empty());
    let mut seen: Vec<String> = Vec::new();
    let mut words = String::new();
    for h in names.clone() {
        let shared = family(h).filter(|f| names.clone().filter(|o| family(o).is_some_and(|g| g.eq_ignore_ascii_case(f))).count() > 1);
        // A family is one word, spelled as its first member spells it.
        let key = shared.unwrap_or(h).to_ascii_lowercase();
        if !seen.contains(&key) {
            words.push_str(&type_ident(shared.unwrap_or(h), "Header"));
            seen.push(key);
        }
    }
    words
}

/// Names every operation's own types, in one scope for the operations module: its error enum,
/// its parameter struct, its success enum, and the response header structs (one per distinct
/// set of headers, compared by wire name and type, and shared by every response that has that
/// set). Sets are named after their headers (`LocationHeaders`, `XRateLimitRetryAfterHeaders`),
/// sets too large for that after their first use (`UpdateIamV2ApiKeyOkHeaders`). Operations
/// whose documented errors are the same share one error enum (see
/// [`OperationTypes::error_enum`](crate::model::OperationTypes::error_enum)).
pub fn name_operation_types(ops: &mut [crate::model::Operation]) {
    use crate::model::TypeRef;
    let mut scope = Scope::with_reserved(OPERATIONS_MODULE_NAMES);
    let mut header_sets: Vec<(Vec<(String, TypeRef)>, String)> = Vec::new();
    for op in ops.iter_mut() {
        for case in op.responses.iter_mut() {
            if case.headers.is_empty() {
                continue;
            }
            let key: Vec<(String, TypeRef)> = case.headers.iter().map(|h| (h.wire_name.to_ascii_lowercase(), h.ty.clone())).collect();
            if let Some((_, n)) = header_sets.iter().find(|(k, _)| *k == key) {
                case.headers_type = Some(n.clone());
                continue;
            }
            // (Quadratic in the set's size, so only small sets are tried.)
            let by_content = (case.headers.len() <= 16)
                .then(|| header_set_words(case.headers.iter().map(|h| h.wire_name.as_str())))
                .filter(|w| w.len() <= MAX_HEADER_SET_WORDS);
            let base = match by_content {
                Some(words) => format!("{words}Headers"),
                None => format!("{}{}Headers", op.type_prefix, case.variant),
            };
            let name = scope.claim(base);
            header_sets.push((key, name.clone()));
            case.headers_type = Some(name);
        }
    }
    // Documented error responses that are the same in every respect the enum shows share it.
    let mut error_sets: std::collections::HashMap<Vec<ErrorShape>, String> = std::collections::HashMap::new();
    for op in ops.iter_mut() {
        let error = scope.claim(format!("{}Error", op.type_prefix));
        let shape: Vec<ErrorShape> = op.responses.iter().filter(|c| !c.success).map(ErrorShape::of).collect();
        let error_enum = if shape.is_empty() {
            // The runtime's uninhabited enum.
            NO_ERRORS.to_string()
        } else {
            // The first operation with this set owns the enum (operations are in spec order).
            error_sets.entry(shape).or_insert_with(|| error.clone()).clone()
        };
        let request = scope.claim(format!("{}Builder", op.type_prefix));
        let operation = scope.claim(op.type_prefix.clone());
        // Successful responses that differ in body type or headers get an enum of their own.
        let successes: Vec<&crate::model::ResponseCase> = op.responses.iter().filter(|c| c.success).collect();
        let uniform = successes.windows(2).all(|w| {
            // What the body decodes into: JSON and form bodies their type, text a string, bytes bytes.
            let body = |c: &crate::model::ResponseCase| {
                c.body.as_ref().map(|b| match b.encoding {
                    crate::model::BodyEncoding::Json | crate::model::BodyEncoding::Form => b.ty.clone(),
                    crate::model::BodyEncoding::Text => TypeRef::String,
                    crate::model::BodyEncoding::Bytes => TypeRef::Binary,
                })
            };
            body(w[0]) == body(w[1]) && w[0].headers_type == w[1].headers_type
        });
        let success = (!uniform).then(|| scope.claim(format!("{}Success", op.type_prefix)));
        let form = op.body.as_ref().and_then(|b| b.multipart.as_ref()).map(|_| scope.claim(format!("{}Form", op.type_prefix)));
        op.type_names = crate::model::OperationTypes { error, error_enum, request, operation, success, form };
    }
}

/// The runtime's error enum of operations that document no error response.
pub const NO_ERRORS: &str = "NoErrorResponses";

/// What an error enum's variant holds for a documented error response: status, variant name,
/// what the body decodes into, and its header struct. Not the description: Confluent's are
/// operation-specific ("Error code 40401 indicates subject not found"), and keeping them
/// apart would give most operations an enum of their own (289 error enums over the corpus
/// instead of 121). Where operations sharing an enum describe a status differently, the
/// variant's doc says only the status and each operation's method docs say what it means
/// there (`emit::operations`).
#[derive(PartialEq, Eq, Hash)]
struct ErrorShape {
    status: crate::model::StatusMatch,
    variant: String,
    body: Option<(crate::model::BodyEncoding, crate::model::TypeRef)>,
    headers: Option<String>,
}

impl ErrorShape {
    fn of(c: &crate::model::ResponseCase) -> Self {
        ErrorShape {
            status: c.status,
            variant: c.variant.clone(),
            body: c.body.as_ref().map(|b| (b.encoding, b.ty.clone())),
            headers: c.headers_type.clone(),
        }
    }
}

/// The words of a status variant's name, as a reason phrase: `NotFound` is "Not Found".
pub fn variant_words(variant: &str) -> String {
    use heck::ToTitleCase;
    variant.to_title_case()
}

/// Names cargo refuses as package names, or that clash with the build's own folders and the
/// standard library's crates.
const RESERVED_CRATE_NAMES: &[&str] =
    &["deps", "examples", "build", "incremental", "std", "core", "alloc", "proc_macro", "proc-macro", "test"];

/// Checks a package name with cargo's rules: 1 to 64 ASCII letters, digits, `-` and `_`,
/// starting with a letter, not a Rust keyword, not a name cargo reserves. The name goes into the
/// generated manifest, so anything else (quotes, newlines) could inject lines into it.
pub fn validate_crate_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the crate name is empty".into());
    }
    if name.len() > 64 {
        return Err(format!("the crate name is {} characters long; cargo allows at most 64", name.len()));
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return Err(format!("the crate name contains {bad:?}: only ASCII letters, digits, `-` and `_` are allowed"));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("the crate name must start with an ASCII letter".into());
    }
    if is_keyword(&name.replace('-', "_")) {
        return Err(format!("{name:?} is a Rust keyword and cannot name a crate"));
    }
    if RESERVED_CRATE_NAMES.contains(&name) {
        return Err(format!("{name:?} is reserved by cargo or the standard library"));
    }
    // A generated crate may depend on the runtime crate: it cannot take that name.
    if name.replace('_', "-") == crate::emit::runtime::RUNTIME_CRATE {
        return Err(format!("{name:?} is the name of openapi-forge's runtime crate, which generated crates depend on"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_crates_name_is_refused() {
        assert!(validate_crate_name("openapi-forge-runtime").unwrap_err().contains("runtime crate"));
        assert!(validate_crate_name("openapi_forge_runtime").is_err());
        assert!(validate_crate_name("openapi-forge-runtimes").is_ok());
    }

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
        // A name already taken by hand is skipped over, not reissued.
        s.take("Bar2");
        assert_eq!(s.claim("Bar".into()), "Bar");
        assert_eq!(s.claim("Bar".into()), "Bar3");
    }

    #[test]
    fn folding_names_is_linear() {
        // 40,000 names that fold to one identifier: probing from `_2` every time tried
        // 800 million candidates and took minutes.
        let mut s = Scope::default();
        for _ in 0..40_000 {
            s.claim("x".into());
        }
        assert_eq!(s.claim("x".into()), "x_40001");
        assert_eq!(s.probes, 40_000, "one candidate per suffixed claim");
    }

    #[test]
    fn crate_names_follow_cargo() {
        assert!(validate_crate_name("confluent-cloud").is_ok());
        assert!(validate_crate_name("api_v2").is_ok());
        for bad in ["", "1api", "-x", "a\"b", "a\nbuild = \"evil.rs\"", "caf\u{e9}", "self", "test", &"a".repeat(65)] {
            assert!(validate_crate_name(bad).is_err(), "{bad:?} accepted");
        }
    }
}

#[cfg(test)]
mod header_set_tests {
    use super::header_set_words;

    #[test]
    fn header_families_are_one_word_and_single_headers_keep_their_name() {
        let confluent = ["X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"];
        assert_eq!(header_set_words(confluent.iter().copied()), "XRequestIdXRateLimit");
        let with_retry = ["X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Reset", "Retry-After"];
        assert_eq!(header_set_words(with_retry.iter().copied()), "XRequestIdXRateLimitRetryAfter");
        // Two headers that only share `X` are not a family: each keeps its own name.
        assert_eq!(header_set_words(["X-Request-Id", "Location"].iter().copied()), "XRequestIdLocation");
        // Families match case-insensitively, as header names do.
        assert_eq!(header_set_words(["x-ratelimit-limit", "X-RateLimit-Reset"].iter().copied()), "XRatelimit");
    }
}
