//! The conformance suite (`tests/conformance.rs` of a generated crate, opt-in): every operation
//! called through the generated client with sample inputs (see [`crate::samples`]), against a
//! mock server built from the same spec (Stoplight Prism, started by `cargo xtask conformance`).
//!
//! Per operation it checks that the request is accepted and the success response decodes
//! (`CONFORMANCE_DRAWS` times: Prism's dynamic mode invents a new response each time; every
//! second call also sends the sampled optional query and header parameters), and that
//! each documented error status, asked for with `Prefer: code=NNN`, arrives as its typed variant
//! (an error range or `default` with a concrete code the spec does not list, see
//! [`asked_error_statuses`]).
//! Every response is searched for Prism's `sl-violations` header (`Response::raw_headers` on a
//! success, the error's headers otherwise): a violation located in the request fails the check.
//!
//! Whether Prism's own response is at fault is not taken from that header (Prism cuts it at
//! 8 KB): the client's response observer keeps the whole body Prism sent, and the suite
//! validates it with a JSON Schema validator of its own (`jsonschema`, a dev-dependency of the
//! suite's crate only) against the spec's schema for that status and media type, translated
//! by [`crate::response_schemas`] and written beside the suite as
//! `tests/conformance_schemas.json` (data, read when the suite runs). A check whose response
//! does not decode is "Prism's", reported apart and not failed, only when the validator
//! rejects the body at the place decoding failed (at it, inside it or around it), or when Prism
//! failed internally (a 500 problem document about its own crash). A body the validator
//! accepts that does not decode is the client's failure. Prism's matching header entry, when
//! there is one, is quoted as a second opinion. Each check becomes one JSON line in
//! `$CONFORMANCE_REPORT` (when set), and the test fails when any check fails.
//! `CONFORMANCE_ONLY` (comma-separated function names) narrows it to some operations.
//!
//! Sample values are embedded as JSON string literals and decoded into the generated types at
//! run time: spec text never becomes code.

use super::types::{ident, rust_type};
use crate::model::{AuthKind, BodyEncoding, NormalizedModel, Operation, ParamLocation, StatusMatch, TypeRef};
use crate::samples::OperationSamples;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

/// How an operation authenticates in the suite.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Auth {
    None,
    Basic,
    Bearer,
    Header(String),
}

fn auth_of(model: &NormalizedModel, op: &Operation) -> Auth {
    let kinds: Vec<&AuthKind> =
        op.security.iter().filter_map(|s| model.api.security_schemes.iter().find(|x| x.name == *s)).map(|s| &s.kind).collect();
    if op.security.is_empty() {
        Auth::None
    } else if kinds.contains(&&AuthKind::Basic) {
        Auth::Basic
    } else if kinds.contains(&&AuthKind::Bearer) {
        Auth::Bearer
    } else if let Some(AuthKind::ApiKeyHeader(h)) = kinds.iter().find(|k| matches!(k, AuthKind::ApiKeyHeader(_))) {
        Auth::Header(h.clone())
    } else {
        Auth::None
    }
}

/// The statuses the suite asks Prism for with `Prefer: code=NNN`, each with what it stands for
/// (`"404"`, `"4XX"`, `"default"`): every documented error code, and for an error range or
/// `default` one concrete code the spec does not list otherwise. Prism 5.14 takes only numbers
/// in `Prefer: code=` (`code=4XX` is a 422 about the header), and answers a number it does not
/// find as a code with the range that holds it, else with `default`; the client must then pick
/// the range's or the default's variant. A `default` beside both `4XX` and `5XX` stands for no
/// error code and is not asked for.
pub fn asked_error_statuses(op: &Operation) -> Vec<(u16, String)> {
    let errors: Vec<&StatusMatch> = op.responses.iter().filter(|c| !c.success).map(|c| &c.status).collect();
    let listed = |code: u16| errors.iter().any(|s| matches!(s, StatusMatch::Code(c) if *c == code));
    let in_range = |code: u16| errors.iter().any(|s| matches!(s, StatusMatch::Range(h) if *h == code / 100));
    errors
        .iter()
        .filter_map(|s| match s {
            StatusMatch::Code(code) => Some((*code, code.to_string())),
            StatusMatch::Range(h) => (h * 100..=h * 100 + 99).find(|c| !listed(*c)).map(|c| (c, format!("{h}XX"))),
            // Server errors first: `default` is mostly "an unexpected error".
            StatusMatch::Default => (500..=599).chain(400..=499).find(|c| !listed(*c) && !in_range(*c)).map(|c| (c, "default".to_string())),
        })
        .collect()
}

/// A JSON value as an escaped string literal.
pub(super) fn json_literal(v: &Value) -> Literal {
    Literal::string(&serde_json::to_string(v).unwrap_or_else(|_| "null".into()))
}

/// `tests/conformance.rs` for a single-spec crate named `crate_name`.
pub fn emit_conformance_suite(model: &NormalizedModel, samples: &[OperationSamples], crate_name: &str) -> Result<String, String> {
    let krate = ident(&crate_name.replace('-', "_"));
    let types = quote!(::#krate::types::);
    let mut fns = Vec::new();
    let mut table = Vec::new();
    let mut arms = Vec::new();
    for (i, (op, s)) in model.operations.iter().zip(samples).enumerate() {
        let f = format_ident!("op_{}", i);
        let body = render_check(model, op, s, &types, &krate);
        // `full` is only read where there are optional parameters to send.
        let full = if sends_optional(op, s) { quote!(full) } else { quote!(_full) };
        fns.push(quote! {
            async fn #f(client: &Client, seen: &Seen, want: Want, #full: bool) -> Verdict {
                match async { #body }.await {
                    ::std::result::Result::Ok(v) => v,
                    ::std::result::Result::Err(e) => Verdict::Fail(e),
                }
            }
        });
        let name = Literal::string(&op.fn_name);
        let route = Literal::string(&format!("{} {}", op.method.as_str(), op.path));
        let statuses = asked_error_statuses(op).into_iter().map(|(code, key)| {
            let (code, key) = (Literal::u16_unsuffixed(code), Literal::string(&key));
            quote!((#code, #key))
        });
        let auth = match auth_of(model, op) {
            Auth::None => quote!(Auth::None),
            Auth::Basic => quote!(Auth::Basic),
            Auth::Bearer => quote!(Auth::Bearer),
            Auth::Header(h) => {
                let h = Literal::string(&h);
                quote!(Auth::Header(#h))
            }
        };
        let notes: Vec<String> = s.notes.iter().map(|n| format!("{}: {}", n.pointer, n.message)).collect();
        let notes = notes.iter().map(|n| Literal::string(n));
        table.push(quote!(Op { name: #name, route: #route, auth: #auth, errors: &[#( #statuses ),*], notes: &[#( #notes ),*] },));
        arms.push(quote!(#i => ::std::boxed::Box::pin(#f(client, seen, want, full)),));
    }
    let tokens = quote! {
        //! Conformance suite generated by openapi-forge: every operation called through the client
        //! with sample inputs, against a mock server built from the same spec. Run by
        //! `cargo xtask conformance`, which starts Stoplight Prism and sets `PRISM_URL`.
        // One pattern shape for every error variant (`{ .. }` matches unit, tuple and struct
        // variants alike), and one match per operation however many statuses it documents.
        #![allow(deprecated, dead_code, unused_imports, clippy::unneeded_struct_pattern, clippy::match_like_matches_macro)]

        use ::#krate::{Client, Error, RetryPolicy};
        use ::std::future::Future;
        use ::std::pin::Pin;

        /// What a call asks for and expects.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Want {
            /// The default response: a documented success that decodes.
            Success,
            /// `Prefer: code=NNN`: that documented error, as its typed variant.
            Status(u16),
        }

        /// How an operation authenticates.
        #[derive(Debug, Clone, Copy)]
        enum Auth {
            None,
            Basic,
            Bearer,
            Header(&'static str),
        }

        struct Op {
            name: &'static str,
            route: &'static str,
            auth: Auth,
            /// The statuses asked for, each with the response key it stands for (`"4XX"`, ...).
            errors: &'static [(u16, &'static str)],
            notes: &'static [&'static str],
        }

        const OPERATIONS: &[Op] = &[ #( #table )* ];

        fn sample<T: ::serde::de::DeserializeOwned>(json: &str) -> ::std::result::Result<T, ::std::string::String> {
            ::serde_json::from_str(json).map_err(|e| ::std::format!("the sample does not decode into its type ({e}): {json}"))
        }

        /// The last response the client received, whole (its observer keeps it): what the
        /// validator checks when a body does not decode.
        type Seen = ::std::sync::Arc<::std::sync::Mutex<::std::option::Option<::#krate::runtime::RawResponse>>>;

        fn client(url: &str, auth: Auth, want: Want, seen: &Seen) -> ::std::result::Result<Client, ::std::string::String> {
            let mut headers = ::reqwest::header::HeaderMap::new();
            if let Want::Status(code) = want {
                let v = ::reqwest::header::HeaderValue::from_str(&::std::format!("code={code}")).map_err(|e| e.to_string())?;
                headers.insert("prefer", v);
            }
            if let Auth::Header(name) = auth {
                let n = ::reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
                headers.insert(n, ::reqwest::header::HeaderValue::from_static("sample-key"));
            }
            let http = ::reqwest::Client::builder().default_headers(headers).build().map_err(|e| e.to_string())?;
            let keep = seen.clone();
            let b = Client::builder()
                .base_url(url)
                .allow_insecure_http(true)
                .reqwest_client(http)
                .retry_policy(RetryPolicy::none())
                .response_observer(move |r| {
                    if let ::std::result::Result::Ok(mut s) = keep.lock() {
                        *s = ::std::option::Option::Some(r.clone());
                    }
                });
            let b = match auth {
                Auth::Basic => b.basic_auth("KEY", "SECRET"),
                Auth::Bearer => b.bearer_token("TOKEN"),
                Auth::None | Auth::Header(_) => b,
            };
            b.build().map_err(|e| e.to_string())
        }

        /// One check's outcome.
        #[derive(Debug)]
        enum Verdict {
            Pass,
            /// The client (or its sample input) is at fault, or the cause is unknown.
            Fail(::std::string::String),
            /// Prism cannot serve it, shown by Prism itself: its own response fails its own
            /// validation where our decoding failed, or Prism failed internally.
            Prism(::std::string::String),
        }

        /// Prism's `sl-violations` header (sent on any response when it found something), split
        /// into what it says about the request and what about its own response (each
        /// violation's `location` starts with `request` or `response`). A header that does not
        /// parse (Prism truncates long ones) counts as being about the request.
        fn violations(headers: ::std::option::Option<&::reqwest::header::HeaderMap>) -> (::std::vec::Vec<::serde_json::Value>, ::std::vec::Vec<::serde_json::Value>) {
            let ::std::option::Option::Some(v) = headers.and_then(|h| h.get("sl-violations")) else { return (::std::vec::Vec::new(), ::std::vec::Vec::new()) };
            let text = ::std::string::String::from_utf8_lossy(v.as_bytes()).into_owned();
            match ::serde_json::from_str::<::std::vec::Vec<::serde_json::Value>>(&text) {
                ::std::result::Result::Ok(list) => list.into_iter().partition(|x| x["location"][0] != "response"),
                ::std::result::Result::Err(_) => {
                    // Prism cuts a long header at 8 KB after "Too many violations! ", and lists
                    // the request's violations before its response's: when the first entry is
                    // about the response, none is about the request. The complete entries stay.
                    let mut rest = text.strip_prefix("Too many violations! [").unwrap_or_default();
                    let mut found = ::std::vec::Vec::new();
                    loop {
                        let (value, used) = {
                            let mut items = ::serde_json::Deserializer::from_str(rest).into_iter::<::serde_json::Value>();
                            (items.next(), items.byte_offset())
                        };
                        let ::std::option::Option::Some(::std::result::Result::Ok(v)) = value else { break };
                        found.push(v);
                        rest = rest[used..].trim_start_matches(',');
                    }
                    if found.first().is_some_and(|v| v["location"][0] == "response") {
                        (::std::vec::Vec::new(), found)
                    } else {
                        (::std::vec![::serde_json::Value::String(text)], ::std::vec::Vec::new())
                    }
                }
            }
        }

        /// `data[0].metadata` as `["data", "0", "metadata"]` (`.` is the root: no segments).
        fn path_segments(path: &str) -> ::std::vec::Vec<::std::string::String> {
            path.replace('[', ".").replace(']', "").split('.').filter(|s| !s.is_empty()).map(str::to_string).collect()
        }

        /// A body violation of Prism's own response that explains a decode failure at `path`:
        /// at the same place, inside the value that failed, or around it (not merely at the
        /// root, which would explain anything).
        fn explaining(path: &str, response: &[::serde_json::Value]) -> ::std::option::Option<::std::string::String> {
            let at = path_segments(path);
            let at = at.as_slice();
            response.iter().find_map(|v| {
                let loc: ::std::vec::Vec<::std::string::String> = v["location"].as_array()?.iter().skip(2).map(|s| match s {
                    ::serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                }).collect();
                let body = v["location"][1] == "body" && v["severity"] == "Error";
                (body && related(&loc, at)).then(|| v.to_string())
            })
        }

        /// `tests/conformance_schemas.json`: the spec's response schemas as JSON Schema, and per
        /// operation, status key and media type the pointer of each (made by the generator's
        /// `response_schemas`; read here, never compiled in).
        fn schemas() -> ::std::option::Option<&'static ::serde_json::Value> {
            static SCHEMAS: ::std::sync::OnceLock<::std::option::Option<::serde_json::Value>> = ::std::sync::OnceLock::new();
            SCHEMAS
                .get_or_init(|| {
                    let path = ::std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance_schemas.json");
                    ::std::fs::read_to_string(path).ok().and_then(|t| ::serde_json::from_str(&t).ok())
                })
                .as_ref()
        }

        /// One compiled validator per schema pointer.
        fn validator(at: &str) -> ::std::result::Result<::std::sync::Arc<::jsonschema::Validator>, ::std::string::String> {
            static CACHE: ::std::sync::OnceLock<::std::sync::Mutex<::std::collections::HashMap<::std::string::String, ::std::sync::Arc<::jsonschema::Validator>>>> = ::std::sync::OnceLock::new();
            let cache = CACHE.get_or_init(::std::default::Default::default);
            if let ::std::option::Option::Some(v) = cache.lock().ok().and_then(|c| c.get(at).cloned()) {
                return ::std::result::Result::Ok(v);
            }
            let mut root = schemas().ok_or("tests/conformance_schemas.json is missing or not JSON")?["document"].clone();
            root["$ref"] = ::serde_json::Value::String(at.to_string());
            let v = ::jsonschema::options()
                .should_validate_formats(true)
                .build(&root)
                .map_err(|e| ::std::format!("the schema at {at} does not compile: {e}"))?;
            let v = ::std::sync::Arc::new(v);
            if let ::std::result::Result::Ok(mut c) = cache.lock() {
                c.insert(at.to_string(), v.clone());
            }
            ::std::result::Result::Ok(v)
        }

        /// What the validator finds wrong in a response body of operation `name`, checked
        /// against the schema the spec documents for its status (the code, else its range, else
        /// `default`) and media type: `(instance path segments, message)` each. `Err` when
        /// there is nothing to check it against.
        fn body_violations(name: &str, raw: &::#krate::runtime::RawResponse) -> ::std::result::Result<::std::vec::Vec<(::std::vec::Vec<::std::string::String>, ::std::string::String)>, ::std::string::String> {
            let ops = &schemas().ok_or("tests/conformance_schemas.json is missing or not JSON")?["operations"][name];
            let code = raw.status.to_string();
            let range = ::std::format!("{}XX", raw.status / 100);
            let media = [code.as_str(), range.as_str(), "default"]
                .iter()
                .find_map(|k| ops.get(*k))
                .and_then(|m| m.as_object())
                .ok_or_else(|| ::std::format!("the spec documents no response {code} for {name}"))?;
            let ct = raw.content_type().unwrap_or_default().split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            let at = match media.get(&ct) {
                ::std::option::Option::Some(at) => at,
                ::std::option::Option::None if media.len() == 1 => media.values().next().ok_or("no schema")?,
                ::std::option::Option::None => return ::std::result::Result::Err(::std::format!("no schema for content type {ct:?}")),
            };
            let at = at.as_str().ok_or("a schema pointer is not a string")?;
            let body: ::serde_json::Value = match ::serde_json::from_slice(&raw.body) {
                ::std::result::Result::Ok(b) => b,
                ::std::result::Result::Err(e) => return ::std::result::Result::Ok(::std::vec![(::std::vec::Vec::new(), ::std::format!("the body is not JSON: {e}"))]),
            };
            let v = validator(at)?;
            ::std::result::Result::Ok(
                v.iter_errors(&body)
                    .map(|e| {
                        let path = e.instance_path().to_string();
                        let segments = path.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
                        // The message quotes the value; a long one is cut, the place kept first.
                        let text = e.to_string();
                        let text = if text.chars().count() > 240 { ::std::format!("{}...", text.chars().take(240).collect::<::std::string::String>()) } else { text };
                        (segments, ::std::format!("at {path:?}: {text}"))
                    })
                    .collect(),
            )
        }

        /// Whether a violation at `loc` explains a decode failure at `at`: the same place, inside
        /// the value that failed, or around it (not merely the root, which would explain
        /// anything).
        fn related(loc: &[::std::string::String], at: &[::std::string::String]) -> bool {
            loc == at || loc.starts_with(at) || (!loc.is_empty() && at.starts_with(loc))
        }

        fn verdict<T, H, E: ::std::fmt::Debug>(
            name: &str,
            seen: &Seen,
            want: Want,
            result: ::std::result::Result<::#krate::Response<T, H>, Error<E>>,
            typed: impl FnOnce(&E) -> bool,
        ) -> Verdict {
            let headers = match &result {
                ::std::result::Result::Ok(r) => ::std::option::Option::Some(&*r.raw_headers),
                ::std::result::Result::Err(e) => e.headers(),
            };
            let (request, response) = violations(headers);
            if !request.is_empty() {
                let list: ::std::vec::Vec<::std::string::String> = request.iter().map(|v| v.to_string()).collect();
                return Verdict::Fail(::std::format!("Prism: request violation: [{}]", list.join(", ")));
            }
            let err = match (want, result) {
                (Want::Success, ::std::result::Result::Ok(_)) => return Verdict::Pass,
                (Want::Status(_), ::std::result::Result::Ok(_)) => return Verdict::Fail("a success arrived instead of the asked-for error".into()),
                (_, ::std::result::Result::Err(e)) => e,
            };
            // Prism's report of its own crash (json-schema-faker recursing without end, say): a
            // 500 problem document whose type is Prism's "unknown error" or a JavaScript
            // exception, documented status or not. Not one about the request: those carry
            // request violations, handled above.
            if let ::std::option::Option::Some(ctx) = err.response() {
                let problem = ctx.content_type.as_deref().is_some_and(|c| c.starts_with("application/problem+json"));
                let crash = ["\"type\":\"https://stoplight.io/prism/errors#UNKNOWN\"", "\"type\":\"RangeError\"", "\"type\":\"TypeError\"", "\"type\":\"https://stoplight.io/prism/errors#SCHEMA_TOO_COMPLEX\""]
                    .iter()
                    .any(|t| ctx.body_snippet.starts_with(&::std::format!("{{{t}")));
                if ctx.status == 500 && problem && crash {
                    return Verdict::Prism(::std::format!("Prism failed: {}", ctx.body_snippet.chars().take(300).collect::<::std::string::String>()));
                }
            }
            match (want, &err) {
                (Want::Status(code), Error::Api(api)) if api.status == code && typed(&api.error) => Verdict::Pass,
                (Want::Status(code), Error::Api(api)) if api.status == code => {
                    Verdict::Fail(::std::format!("status {code} decoded into the wrong variant: {:?}", api.error))
                }
                // The verdict is the validator's, on the body Prism really sent: Prism's own
                // `sl-violations` (cut at 8 KB when long) are only quoted beside it.
                (_, Error::Decode(d)) => {
                    let ::#krate::runtime::DecodeErrorKind::Malformed { path, .. } = &d.kind else {
                        return Verdict::Fail(::std::format!("{err}"));
                    };
                    let raw = seen.lock().ok().and_then(|s| s.clone());
                    let ::std::option::Option::Some(raw) = raw else {
                        return Verdict::Fail(::std::format!("{err} (the observer kept no response to validate)"));
                    };
                    let at = path_segments(path);
                    match body_violations(name, &raw) {
                        ::std::result::Result::Err(why) => Verdict::Fail(::std::format!("{err} (cannot validate the body: {why})")),
                        ::std::result::Result::Ok(found) => match found.iter().filter(|(loc, _)| related(loc, &at)).map(|(_, m)| m.as_str()).collect::<::std::vec::Vec<_>>() {
                            explained if !explained.is_empty() => {
                                let v = explained.iter().take(3).copied().collect::<::std::vec::Vec<_>>().join("; ");
                                let prism = explaining(path, &response).map(|p| ::std::format!("; Prism's sl-violations agree: {p}")).unwrap_or_default();
                                Verdict::Prism(::std::format!("Prism's body breaks the spec's schema (validated by the suite): {v}{prism}; the client: {err}"))
                            }
                            _ if found.is_empty() => {
                                Verdict::Fail(::std::format!("the body is valid for the spec's schema (validated by the suite), yet it did not decode: {err}"))
                            }
                            _ => {
                                let list: ::std::vec::Vec<&str> = found.iter().take(3).map(|(_, m)| m.as_str()).collect();
                                Verdict::Fail(::std::format!("{err}; the body breaks the schema only elsewhere: {}", list.join("; ")))
                            }
                        },
                    }
                }
                _ => Verdict::Fail(::std::format!("{err}")),
            }
        }

        type Check<'a> = Pin<::std::boxed::Box<dyn Future<Output = Verdict> + Send + 'a>>;

        /// Operation `index`'s check; `full`: with every optional parameter that has a sample.
        fn check<'a>(index: usize, client: &'a Client, seen: &'a Seen, want: Want, full: bool) -> Check<'a> {
            match index {
                #( #arms )*
                _ => ::std::boxed::Box::pin(async { Verdict::Fail("no such operation".into()) }),
            }
        }

        #( #fns )*

        #[test]
        fn conformance() {
            use ::futures::StreamExt;
            let url = match ::std::env::var("PRISM_URL") {
                ::std::result::Result::Ok(u) => u,
                ::std::result::Result::Err(_) => {
                    eprintln!("PRISM_URL is not set: nothing to check (run `cargo xtask conformance`)");
                    return;
                }
            };
            let draws: usize = ::std::env::var("CONFORMANCE_DRAWS").ok().and_then(|d| d.parse().ok()).unwrap_or(1);
            let only: ::std::option::Option<::std::vec::Vec<::std::string::String>> =
                ::std::env::var("CONFORMANCE_ONLY").ok().map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
            let mut jobs = ::std::vec::Vec::new();
            for (index, op) in OPERATIONS.iter().enumerate() {
                if only.as_ref().is_some_and(|o| !o.iter().any(|n| n == op.name)) {
                    continue;
                }
                for draw in 0..draws {
                    jobs.push((index, Want::Success, draw));
                }
                for (code, _) in op.errors {
                    jobs.push((index, Want::Status(*code), 0));
                }
            }
            let runtime = ::tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime");
            let results: ::std::vec::Vec<(usize, Want, usize, Verdict)> = runtime.block_on(async {
                ::futures::stream::iter(jobs)
                    .map(|(index, want, draw)| {
                        let url = url.clone();
                        async move {
                            let seen = Seen::default();
                            let outcome = match client(&url, OPERATIONS[index].auth, want, &seen) {
                                // Every other success call also sends the optional parameters.
                                ::std::result::Result::Ok(c) => check(index, &c, &seen, want, draw % 2 == 1).await,
                                ::std::result::Result::Err(e) => Verdict::Fail(e),
                            };
                            (index, want, draw, outcome)
                        }
                    })
                    .buffer_unordered(8)
                    .collect()
                    .await
            });
            let mut report = ::std::string::String::new();
            let mut failed = ::std::vec::Vec::new();
            for (index, want, draw, outcome) in &results {
                let op = &OPERATIONS[*index];
                let check = match want {
                    Want::Success => ::std::format!("success#{}", draw + 1),
                    Want::Status(c) => match op.errors.iter().find(|(code, _)| code == c) {
                        ::std::option::Option::Some((_, key)) if *key != c.to_string() => ::std::format!("{c} for {key}"),
                        _ => c.to_string(),
                    },
                };
                let line = ::serde_json::json!({
                    "operation": op.name,
                    "route": op.route,
                    "check": check,
                    "ok": ::std::matches!(outcome, Verdict::Pass),
                    "prism": ::std::matches!(outcome, Verdict::Prism(_)),
                    "message": match outcome {
                        Verdict::Pass => ::std::option::Option::None,
                        Verdict::Fail(m) | Verdict::Prism(m) => ::std::option::Option::Some(m),
                    },
                    "notes": op.notes,
                });
                report.push_str(&line.to_string());
                report.push('\n');
                // Prism-side outcomes are reported, and do not fail the test: Prism showed
                // they are its own doing (see `Verdict::Prism`).
                match outcome {
                    Verdict::Fail(e) => failed.push(::std::format!("{} [{check}]: {e}", op.name)),
                    Verdict::Prism(e) => eprintln!("{} [{check}]: not judged, {e}", op.name),
                    Verdict::Pass => {}
                }
            }
            if let ::std::result::Result::Ok(path) = ::std::env::var("CONFORMANCE_REPORT") {
                ::std::fs::write(&path, report).expect("write the conformance report");
            }
            failed.sort();
            assert!(failed.is_empty(), "{} of {} checks failed:\n{}", failed.len(), results.len(), failed.join("\n"));
        }
    };
    super::format_file(tokens, "tests/conformance.rs")
}

/// The body of one operation's check: bind the sample inputs, call the client, judge the result.
/// The call itself is [`render_call`].
fn render_check(model: &NormalizedModel, op: &Operation, s: &OperationSamples, types: &TokenStream, krate: &proc_macro2::Ident) -> TokenStream {
    let call = render_call(model, op, s, types, krate);
    let name = Literal::string(&op.fn_name);
    let err_name = ident(&op.type_names.error);
    let arms = op.responses.iter().filter(|c| !c.success).map(|c| {
        let v = ident(&c.variant);
        match c.status {
            StatusMatch::Code(code) => {
                let code = Literal::u16_unsuffixed(code);
                quote!((Want::Status(#code), ::#krate::#err_name::#v { .. }) => true,)
            }
            StatusMatch::Range(h) => {
                let lo = Literal::u16_unsuffixed(h * 100);
                let hi = Literal::u16_unsuffixed(h * 100 + 99);
                quote!((Want::Status(s), ::#krate::#err_name::#v { .. }) if (#lo..=#hi).contains(&s) => true,)
            }
            StatusMatch::Default => quote!((Want::Status(_), ::#krate::#err_name::#v { .. }) => true,),
        }
    });
    quote! {
        #call
        ::std::result::Result::Ok::<Verdict, ::std::string::String>(verdict(#name, seen, want, result, |e| match (want, e) {
            #( #arms )*
            #[allow(unreachable_patterns)]
            _ => false,
        }))
    }
}

/// The optional query and header parameters, with their index in `op.params`.
fn optional_params(op: &Operation) -> impl Iterator<Item = (usize, &crate::model::Param)> {
    op.params.iter().enumerate().filter(|(_, p)| p.location != ParamLocation::Path && !p.required)
}

/// Whether the check of `op` sends some optional parameter in its `full` calls.
fn sends_optional(op: &Operation, s: &OperationSamples) -> bool {
    optional_params(op).any(|(i, _)| s.optional.get(i).is_some_and(Option::is_some))
}

/// Statements binding the sample inputs and `let result = <the call>.await;`.
///
/// This is the one place that knows the client's call shape: `client.op(required inputs...)`
/// returns a request builder (path parameters, then required query and header parameters, then
/// a required body; strings as `&str`, Copy scalars by value, the rest by reference, byte bodies
/// as `impl Into<Bytes>`, a multipart body with its content type); optional inputs are setters
/// named after the parameter (`.body(...)` for an optional body); awaiting the builder sends it.
fn render_call(model: &NormalizedModel, op: &Operation, s: &OperationSamples, types: &TokenStream, _krate: &proc_macro2::Ident) -> TokenStream {
    use super::plan::{Arg, CallPlan, Setter};
    let fn_name = ident(&op.fn_name);
    let mut lets = Vec::new();
    let mut args = Vec::new();
    let mut setters = Vec::new();
    let content_type = quote!("multipart/form-data; boundary=sample");
    // The body value as the method or setter takes it: a built form, a borrowed typed value, or
    // bytes (a one-part multipart form the caller encodes, or the sample text).
    let body_value = |b: &crate::model::RequestBody, lets: &mut Vec<TokenStream>| -> TokenStream {
        let v = s.body.clone().unwrap_or(Value::Null);
        if let Some((plan, name)) = b.multipart.as_ref().zip(op.type_names.form.as_deref()) {
            let name = ident(name);
            let runtime = quote!(::#_krate::runtime);
            let built = super::multipart::sample_form(model, &quote!(::#_krate::#name), plan, &b.ty, s.body.as_ref(), types, &runtime);
            lets.push(quote!(let body = #built;));
            return quote!(body);
        }
        match b.encoding {
            BodyEncoding::Json | BodyEncoding::Form => {
                let t = rust_type(&b.ty, model, types);
                let json = json_literal(&v);
                lets.push(quote!(let body: #t = sample(#json)?;));
                quote!(&body)
            }
            BodyEncoding::Bytes | BodyEncoding::Text if super::plan::is_multipart(b) => {
                let part = Literal::string("--sample\r\nContent-Disposition: form-data; name=\"file\"; filename=\"sample\"\r\n\r\nsample\r\n--sample--\r\n");
                quote!(::std::vec::Vec::from(#part.as_bytes()))
            }
            BodyEncoding::Bytes | BodyEncoding::Text => {
                let text = Literal::string(v.as_str().unwrap_or("sample"));
                quote!(::std::vec::Vec::from(#text.as_bytes()))
            }
        }
    };
    let plan = CallPlan::of(op);
    for a in &plan.args {
        match a {
            Arg::Param { index: i, param: p } => {
                let n = format_ident!("p_{}", i);
                let t = rust_type(&p.ty, model, types);
                let json = json_literal(s.params.get(*i).cloned().flatten().as_ref().unwrap_or(&Value::Null));
                lets.push(quote!(let #n: #t = sample(#json)?;));
                if matches!(p.ty, TypeRef::Integer(_) | TypeRef::F32 | TypeRef::F64 | TypeRef::Boolean) {
                    args.push(quote!(#n));
                } else {
                    args.push(quote!(&#n));
                }
            }
            Arg::Body(b) => args.push(body_value(b, &mut lets)),
            Arg::ContentType => args.push(content_type.clone()),
        }
    }
    // Optional parameters, sent when `full` (every other success call).
    let mut optional = Vec::new();
    for setter in &plan.setters {
        match setter {
            Setter::Param { index: i, param: p } => {
                if let Some(v) = s.optional.get(*i).cloned().flatten() {
                    let n = ident(&p.name);
                    let t = rust_type(&p.ty, model, types);
                    let json = json_literal(&v);
                    optional.push(quote!(call = call.#n(sample::<#t>(#json)?);));
                }
            }
            Setter::Body(b) if s.body.is_some() => {
                let value = body_value(b, &mut lets);
                let ct = super::plan::is_multipart(b).then(|| quote!(, #content_type));
                setters.push(quote!(.body(#value #ct)));
            }
            Setter::Body(_) => {}
        }
    }
    let send = if optional.is_empty() {
        quote!(let result = client.#fn_name(#( #args ),*) #( #setters )* .await;)
    } else {
        quote! {
            let mut call = client.#fn_name(#( #args ),*) #( #setters )*;
            if full {
                #( #optional )*
            }
            let result = call.await;
        }
    };
    quote! {
        #( #lets )*
        #send
    }
}
