//! Operations to client methods (`operations.rs` of the generated crate): per operation, a
//! method on `Client` taking the required inputs and returning a request builder (the
//! runtime's `Call` over the operation's marker type), a setter per optional input, the
//! marker's `Operation` impl (route, request defaults, decoding by status) and, for a paginated
//! list, its `Paginated` impl; typed response headers, and an error enum keyed by documented
//! status.
//!
//! Why a builder: an optional parameter added to a spec becomes one more setter, so calls
//! written against the old spec still compile; a `Params` struct argument broke every caller.
//! Why the builder holds the request itself: the method puts the required inputs into it and
//! each setter adds its own, so no inputs struct is emitted, filled and read back per
//! operation (that was most of each operation's lines); sending, awaiting and paging live in
//! the runtime, once.
//! The repetitive parts (decoding by status, header extraction, building the success value)
//! are runtime calls (`raw.ok`, `raw.fail`, `raw.typed`) whose types are all inferred,
//! so each documented status costs one short line. The module names std prelude items
//! unqualified: `naming` keeps every name defined here off them.

use super::docs::{code_span, doc_lines, render};
use super::plan::{Arg, CallPlan, Setter};
use super::types::{ident, rust_type};
use crate::model::{
    BodyEncoding, HeaderDef, NormalizedModel, Operation, Param, ParamLocation, ParamStyle, ResponseCase, StatusMatch,
    TypeKind, TypeRef,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

fn types_path() -> TokenStream {
    quote!(types::)
}

/// The whole `operations.rs` body.
pub fn emit_operations(model: &NormalizedModel) -> TokenStream {
    let (head, items) = emit_operations_parts(model);
    let items = items.collect::<Vec<_>>();
    quote! { #head #( #items )* }
}

/// `operations.rs` as its head (docs, lint allowances, imports) and its items one at a time,
/// built lazily: the emitter formats each item as soon as it is built, so a spec's tokens are
/// never all held at once.
pub fn emit_operations_parts(model: &NormalizedModel) -> (TokenStream, impl Iterator<Item = TokenStream> + '_) {
    let header_items = header_structs(model).into_iter();
    // Operations in runs of one first tag: each run is one `impl Client` block with the run's
    // methods, then each operation's own items.
    let mut runs: Vec<&[Operation]> = Vec::new();
    let mut rest = model.operations.as_slice();
    while let Some(first) = rest.first() {
        let len = rest.iter().take_while(|op| op.tags.first() == first.tags.first()).count();
        runs.push(&rest[..len]);
        rest = &rest[len..];
    }
    let enums = ErrorEnums::of(model);
    let ops = runs.into_iter().map(move |run| {
        let methods = run.iter().map(|op| emit_method(model, op, &enums));
        let items = run.iter().map(|op| {
            let header_names: Vec<Option<String>> = op.responses.iter().map(|c| c.headers_type.clone()).collect();
            emit_operation(model, op, &header_names, &enums)
        });
        quote! {
            impl Client { #( #methods )* }
            #( #items )*
        }
    });
    let head = quote! {
        //! One method per operation on [`Client`], returning a request builder (the runtime's
        //! [`Call`] over the operation's marker type), with the operation's header, success and
        //! error types.
        // (Which variants are large depends on the spec's types; items that need other
        // allowances carry their own. The imports: `types` goes unused in a spec whose
        // operations name no schema, and `Client` in one of webhooks alone.)
        #![allow(unused_imports, clippy::large_enum_variant, clippy::result_large_err)]
        use super::{runtime::*, types, Client};
    };
    (head, header_items.chain(ops))
}

/// `rust_type` with the prelude's `String`, `Vec` and `Option` unqualified: no name this module
/// defines or imports takes them (`naming` keeps them off), and spec types live under `types::`.
fn op_type(t: &TypeRef, model: &NormalizedModel) -> TokenStream {
    match t {
        TypeRef::String | TypeRef::Binary => quote!(String),
        TypeRef::Array(i) => {
            let i = op_type(i, model);
            quote!(Vec<#i>)
        }
        TypeRef::Nullable(i) => {
            let i = op_type(i, model);
            quote!(Option<#i>)
        }
        TypeRef::Map(v) => {
            let v = op_type(v, model);
            quote!(::std::collections::BTreeMap<String, #v>)
        }
        TypeRef::Tuple(items) => {
            let items = items.iter().map(|i| op_type(i, model));
            quote!(( #( #items, )* ))
        }
        other => rust_type(other, model, &types_path()),
    }
}

/// `docs` with a short `fact` added: at the end of its last paragraph when that is plain prose,
/// else as a paragraph of its own (after a list, a table, a code block or a heading it would
/// join them).
fn with_fact(mut docs: String, fact: &str) -> String {
    let lines: Vec<&str> = docs.trim_end().lines().collect();
    let last = lines.last().copied().unwrap_or_default().trim();
    // Every line of the last paragraph is checked: a list item's continuation or a table row
    // is not prose, whatever its own first characters.
    let paragraph_start = lines.iter().rposition(|l| l.trim().is_empty()).map_or(0, |i| i + 1);
    let fences_closed = docs.matches("```").count().is_multiple_of(2);
    // A list item starts with its marker and a space: `**Important:**` is prose.
    let plain = |line: &&str| {
        let line = line.trim_start();
        !["- ", "* ", "+ "].iter().any(|m| line.starts_with(m))
            && !line.starts_with(['|', '#', '>', '<', '`', '['])
            && !line.chars().next().is_some_and(|c| c.is_ascii_digit())
            && !line.contains(" | ")
    };
    let prose = !last.is_empty() && fences_closed && lines[paragraph_start..].iter().all(plain);
    // A sentence without its full stop ("Resource URI of conflicting resource") gets one,
    // so the fact can follow it; one ending in anything else (a URL, a colon) keeps its own
    // paragraph.
    let ends_sentence = last.ends_with(['.', '!', '?', ')', '`']);
    let unfinished = last.ends_with(|c: char| c.is_alphanumeric()) && !last.contains("://");
    if docs.trim().is_empty() {
        return fact.to_string();
    }
    docs.truncate(docs.trim_end().len());
    if prose && unfinished {
        docs.push('.');
    }
    docs.push_str(if prose && (ends_sentence || unfinished) { " " } else { "\n\n" });
    docs.push_str(fact);
    docs
}

/// How a parameter value becomes text on the wire.
fn to_text(t: &TypeRef, value: TokenStream) -> TokenStream {
    match t {
        TypeRef::DateTime => quote!(#value.to_rfc3339()),
        _ => quote!(#value),
    }
}

fn is_scalarish(t: &TypeRef, model: &NormalizedModel) -> bool {
    match t {
        TypeRef::Named(id) => matches!(model.ty(*id).kind, TypeKind::Enum { .. }),
        TypeRef::Any | TypeRef::JsonObject | TypeRef::Map(_) | TypeRef::Array(_) | TypeRef::Nullable(_) | TypeRef::Tuple(_) => false,
        _ => true,
    }
}

/// One step of building an operation's request: a call chained on the `RequestSpec` (with its
/// `?` when it can fail), or a statement of its own (a loop) that reassigns `spec`.
enum RequestStep {
    /// `.name(args)`. `fallible`: the call returns a `Result` (the step adds the `?`);
    /// `trying`: an argument uses `?` (so the step needs a fallible context).
    Call { call: TokenStream, fallible: bool, trying: bool },
    /// A statement reassigning `spec`; `fallible`: it uses `?`.
    Stmt { code: TokenStream, fallible: bool },
}

impl RequestStep {
    fn call(call: TokenStream) -> Self {
        RequestStep::Call { call, fallible: false, trying: false }
    }

    fn fallible(call: TokenStream) -> Self {
        RequestStep::Call { call, fallible: true, trying: false }
    }

    fn trying(call: TokenStream) -> Self {
        RequestStep::Call { call, fallible: false, trying: true }
    }

    /// The call as chained: with its `?` when it can fail.
    fn chained(call: TokenStream, fallible: bool) -> TokenStream {
        if fallible {
            quote!(#call?)
        } else {
            call
        }
    }

    /// The step as a statement on `spec`.
    fn into_stmt(self) -> TokenStream {
        match self {
            RequestStep::Call { call, fallible, .. } => {
                let call = Self::chained(call, fallible);
                quote! { spec = spec #call; }
            }
            RequestStep::Stmt { code, .. } => code,
        }
    }

    /// A plain call's tokens, for a chain that cannot fail.
    fn into_stmt_call(self) -> TokenStream {
        match self {
            RequestStep::Call { call, .. } => call,
            RequestStep::Stmt { code, .. } => code,
        }
    }

    /// Whether the step needs a fallible context (it can fail, or an argument uses `?`).
    fn needs_try(&self) -> bool {
        match self {
            RequestStep::Call { fallible, trying, .. } => *fallible || *trying,
            RequestStep::Stmt { fallible, .. } => *fallible,
        }
    }
}

/// A fallible edit of the request `start`: the calls before the first statement chained onto
/// it, one per line (prettyplease breaks a long chain at each call, where separate
/// `spec = spec.x(..);` statements would each break on their own), then the statements. A
/// chain that ends in a fallible call is the result as it is. Returns the code and whether it
/// is statements (a block) rather than one expression.
fn render_request(start: TokenStream, steps: Vec<RequestStep>) -> (TokenStream, bool) {
    let split = steps.iter().position(|s| matches!(s, RequestStep::Stmt { .. })).unwrap_or(steps.len());
    let mut steps = steps;
    let tail = steps.split_off(split);
    let mut head: Vec<(TokenStream, bool)> = steps
        .into_iter()
        .filter_map(|s| match s {
            RequestStep::Call { call, fallible, .. } => Some((call, fallible)),
            RequestStep::Stmt { .. } => None,
        })
        .collect();
    if !tail.is_empty() {
        let head = head.into_iter().map(|(call, fallible)| RequestStep::chained(call, fallible));
        let tail = tail.into_iter().map(RequestStep::into_stmt);
        return (quote! { let mut spec = #start #( #head )*; #( #tail )* Ok(spec) }, true);
    }
    // A last call that can fail is the result as it is (its `Result` is the edit's).
    let last = match head.last() {
        Some((_, true)) => head.pop().map(|(call, _)| call),
        _ => None,
    };
    let head: Vec<TokenStream> = head.into_iter().map(|(call, fallible)| RequestStep::chained(call, fallible)).collect();
    match last {
        Some(last) => (quote! { #start #( #head )* #last }, false),
        None => (quote! { Ok(#start #( #head )*) }, false),
    }
}

/// The step adding one query or header parameter read by `v`. `replace`: a setter's step,
/// which first removes what an earlier call of the setter added (a parameter sent under its
/// own name; an object sent as one pair per property is added to).
fn emit_param_push(p: &Param, model: &NormalizedModel, v: TokenStream, replace: bool) -> RequestStep {
    let wire = &p.wire_name;
    let method = match (p.location, replace) {
        (ParamLocation::Header, false) => quote!(header),
        (ParamLocation::Header, true) => quote!(replace_header),
        (_, false) => quote!(query),
        (_, true) => quote!(replace_query),
    };
    if p.json_content {
        return RequestStep::trying(quote!(.#method(#wire, super::runtime::param_json(#v)?)));
    }
    if p.location == ParamLocation::Query && p.style == ParamStyle::DeepObject && !is_scalarish(&p.ty, model) {
        return RequestStep::Stmt {
            code: quote! { for (key, value) in super::runtime::deep_object_pairs(#wire, #v)? { spec = spec.query(&key, value); } },
            fallible: true,
        };
    }
    match &p.ty {
        TypeRef::Array(item) if is_scalarish(item, model) => {
            let item_text = to_text(item, quote!(item));
            let separator = match p.style {
                ParamStyle::SpaceDelimited => " ",
                ParamStyle::PipeDelimited => "|",
                ParamStyle::Form | ParamStyle::DeepObject => ",",
            };
            if p.explode && p.location == ParamLocation::Query && p.style == ParamStyle::Form {
                let clear = replace.then(|| quote!(spec = spec.remove_query(#wire);));
                RequestStep::Stmt { code: quote! { #clear for item in #v { spec = spec.query(#wire, #item_text); } }, fallible: false }
            } else {
                // One expression, so that no local can hide an argument a later step reads.
                let items = match item.as_ref() {
                    TypeRef::DateTime => quote!(#v.iter().map(|item| item.to_rfc3339())),
                    _ => v,
                };
                let joined = quote!(super::runtime::joined(#items, #separator));
                RequestStep::call(quote!(.#method(#wire, #joined)))
            }
        }
        t if is_scalarish(t, model) => {
            let text = to_text(t, v);
            RequestStep::call(quote!(.#method(#wire, #text)))
        }
        _ if p.location == ParamLocation::Header => {
            RequestStep::trying(quote!(.#method(#wire, super::runtime::param_text(#v)?)))
        }
        _ => {
            // Objects are sent form-exploded (`key=value` per property), like OpenAPI's default.
            RequestStep::fallible(quote!(.query_json(#wire, #v)))
        }
    }
}

fn header_field_type(h: &HeaderDef) -> TokenStream {
    match &h.ty {
        TypeRef::Integer(crate::model::IntKind::I32) => quote!(i32),
        TypeRef::Integer(crate::model::IntKind::U32) => quote!(u32),
        TypeRef::Integer(crate::model::IntKind::U64) => quote!(u64),
        TypeRef::Integer(_) => quote!(i64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        _ => quote!(String),
    }
}

/// One struct per distinct set of response headers (named by `naming`, which also decides which
/// responses share one), in order of first use.
fn header_structs(model: &NormalizedModel) -> Vec<TokenStream> {
    let mut emitted: Vec<&str> = Vec::new();
    let mut items = Vec::new();
    for case in model.operations.iter().flat_map(|op| &op.responses) {
        if let Some(name) = case.headers_type.as_deref() {
            if !emitted.contains(&name) {
                emitted.push(name);
                items.push(emit_header_struct(name, case));
            }
        }
    }
    items
}

fn emit_header_struct(name: &str, case: &ResponseCase) -> TokenStream {
    let sname = ident(name);
    let fields = case.headers.iter().map(|h| {
        let f = ident(&h.name);
        let ty = header_field_type(h);
        let docs = doc_lines(&with_fact(render(&h.docs), &format!("Header {}.", code_span(&h.wire_name))));
        quote! { #docs pub #f: Option<#ty>, }
    });
    let reads = case.headers.iter().map(|h| {
        let f = ident(&h.name);
        let wire = &h.wire_name;
        quote! { #f: raw.header(#wire), }
    });
    quote! {
        /// Documented response headers. A header that is missing or does not parse is `None`.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #sname { #( #fields )* }
        impl FromHeaders for #sname {
            fn from_headers(raw: &RawResponse) -> Self {
                Self { #( #reads )* }
            }
        }
    }
}

fn body_type(case: &ResponseCase, model: &NormalizedModel) -> TokenStream {
    match &case.body {
        None => quote!(()),
        Some(b) => match b.encoding {
            BodyEncoding::Json | BodyEncoding::Form => rust_type(&b.ty, model, &types_path()),
            BodyEncoding::Text => quote!(String),
            BodyEncoding::Bytes => quote!(::bytes::Bytes),
        },
    }
}

/// The expression decoding a response body. JSON is decoded into whatever type the position
/// asks for (no turbofish); a response to a sensitive request is scrubbed by the runtime.
fn body_decode(case: &ResponseCase) -> TokenStream {
    match &case.body {
        None => quote!(()),
        Some(b) => match b.encoding {
            BodyEncoding::Json | BodyEncoding::Form => quote!(raw.decode()?),
            BodyEncoding::Text => quote!(raw.text()),
            BodyEncoding::Bytes => quote!(raw.body.clone()),
        },
    }
}

/// `Reply<Body, Headers>` of a response that documents a body or headers, else `None`.
fn reply_type(case: &ResponseCase, model: &NormalizedModel, headers: &Option<String>) -> Option<TokenStream> {
    if case.body.is_none() && headers.is_none() {
        return None;
    }
    let body = body_type(case, model);
    Some(match headers {
        Some(h) => {
            let h = ident(h);
            quote!(Reply<#body, #h>)
        }
        // `Reply`'s headers default to `()`.
        None => quote!(Reply<#body>),
    })
}

fn status_pattern(s: StatusMatch) -> TokenStream {
    match s {
        StatusMatch::Code(c) => {
            let lit = proc_macro2::Literal::u16_unsuffixed(c);
            quote!(#lit)
        }
        StatusMatch::Range(h) => {
            let lo = proc_macro2::Literal::u16_unsuffixed(h * 100);
            let hi = proc_macro2::Literal::u16_unsuffixed(h * 100 + 99);
            quote!(#lo..=#hi)
        }
        StatusMatch::Default => quote!(_),
    }
}

/// Rust type of a required input the client method takes: strings and other non-`Copy` values
/// are borrowed (the method encodes them into the request at once), numbers and booleans are
/// taken by value.
fn required_arg_type(p: &Param, model: &NormalizedModel) -> TokenStream {
    match &p.ty {
        TypeRef::String | TypeRef::Binary => quote!(&str),
        TypeRef::Integer(_) | TypeRef::F32 | TypeRef::F64 | TypeRef::Boolean => rust_type(&p.ty, model, &types_path()),
        TypeRef::Array(item) => {
            let t = rust_type(item, model, &types_path());
            quote!(&[#t])
        }
        other => {
            let t = rust_type(other, model, &types_path());
            quote!(&#t)
        }
    }
}

/// How an operation takes and sends its request body, decided once for the client method or
/// the setter and the request step.
enum BodyPlan {
    /// JSON or form: a borrowed value of the body type (`form_fields`: per-property form
    /// encodings from the media type's `encoding` object).
    Typed { ty: TokenStream, form: bool, content_type: Option<String>, form_fields: Vec<TokenStream> },
    /// Raw bytes sent with the spec's media type.
    Bytes { content_type: String },
    /// A multipart body the caller encodes, so the caller also gives its content type (with the
    /// boundary).
    Multipart,
    /// A multipart body the client builds from the operation's form struct (owned: it holds
    /// files, which may be streams); it is encoded when the request is sent (the runtime's
    /// `Call::multipart`), because a file given as a path is read then.
    Form { ty: TokenStream },
}

fn body_plan(b: &crate::model::RequestBody, model: &NormalizedModel, form: Option<&str>) -> BodyPlan {
    if let (Some(_), Some(name)) = (&b.multipart, form) {
        let ty = ident(name);
        return BodyPlan::Form { ty: quote!(#ty) };
    }
    let ct = &b.content_type;
    match b.encoding {
        BodyEncoding::Json | BodyEncoding::Form => {
            let form = b.encoding == BodyEncoding::Form;
            let plain = if form { "application/x-www-form-urlencoded" } else { "application/json" };
            BodyPlan::Typed {
                ty: rust_type(&b.ty, model, &types_path()),
                form,
                content_type: (ct != plain).then(|| ct.clone()),
                form_fields: b
                    .form_fields
                    .iter()
                    .map(|(name, how)| {
                        let how = match how {
                            crate::model::FormField::Brackets => quote!(Brackets),
                            crate::model::FormField::Json => quote!(Json),
                            crate::model::FormField::Explode => quote!(Explode),
                            crate::model::FormField::Delimited(sep) => {
                                let sep = sep.to_string();
                                quote!(Delimited(#sep))
                            }
                        };
                        quote!((#name, super::runtime::FormEncoding::#how))
                    })
                    .collect(),
            }
        }
        BodyEncoding::Bytes if super::plan::is_multipart(b) => BodyPlan::Multipart,
        BodyEncoding::Bytes | BodyEncoding::Text => BodyPlan::Bytes { content_type: ct.clone() },
    }
}

/// An operation's items besides its client method: its error (and success) enum, the builder
/// (an alias of the runtime's `Call` over the operation's marker type), the setters, the
/// route and how the responses decode (`impl Operation`), and how a paginated list pages
/// (`impl Paginated`).
fn emit_operation(model: &NormalizedModel, op: &Operation, header_names: &[Option<String>], enums: &ErrorEnums) -> TokenStream {
    let err_name = ident(&op.type_names.error);
    let req_name = ident(&op.type_names.request);

    let error_items = error_responses(model, op, header_names, enums);
    // Success type.
    let success: Vec<(usize, &ResponseCase)> = op.responses.iter().enumerate().filter(|(_, c)| c.success).collect();
    let mut extra_items = Vec::new();
    let form_name = op.type_names.form.as_deref();
    // A multipart body the client builds: its form struct.
    if let (Some(b), Some(name)) = (&op.body, form_name) {
        if let Some(plan) = &b.multipart {
            extra_items.push(super::multipart::form_struct(model, name, &op.fn_name, plan, &b.ty, &types_path()));
        }
    }
    let (ok_body_ty, ok_headers_ty, success_enum) = match op.type_names.success.as_deref() {
        None => {
            let b = success.first().map(|(_, c)| body_type(c, model)).unwrap_or_else(|| quote!(()));
            let h = success.first().and_then(|(i, _)| header_names[*i].as_ref()).map(|h| {
                let h = ident(h);
                quote!(#h)
            });
            (b, h, None)
        }
        Some(name) => {
            let name = ident(name);
            let variants = success.iter().map(|(i, c)| {
                let v = ident(&c.variant);
                let doc = doc_lines(&format!("{}: {}", status_text(c.status), super::docs::sanitize(&c.description)));
                match (c.body.is_some(), &header_names[*i]) {
                    (true, None) => {
                        let t = body_type(c, model);
                        quote!(#doc #v(#t),)
                    }
                    (false, None) => quote!(#doc #v,),
                    (_, Some(_)) => {
                        let reply = reply_type(c, model, &header_names[*i]);
                        quote!(#doc #v(#reply),)
                    }
                }
            });
            let doc = doc_lines(&format!("The successful responses of [`Client::{}`].", op.fn_name));
            extra_items.push(quote! {
                #doc
                #[derive(Debug, Clone, PartialEq)]
                #[non_exhaustive]
                pub enum #name { #( #variants )* }
            });
            (quote!(#name), None, Some(name))
        }
    };
    // `Response`'s headers default to `()`.
    let ok_ty = match ok_headers_ty {
        Some(h) => quote!(Response<#ok_body_ty, #h>),
        None => quote!(Response<#ok_body_ty>),
    };
    let op_name = ident(&op.type_names.operation);
    let plan = CallPlan::of(op);

    // The setters (inherent methods of `Call<Marker>`): each adds its input to the request.
    let mut setters = Vec::new();
    for s in &plan.setters {
        match s {
            Setter::Param { param: p, .. } => {
                let n = ident(&p.name);
                let (arg, own, v) = setter_value(p, model);
                let place = format!(
                    "{} parameter {}.",
                    if p.location == ParamLocation::Header { "Header" } else { "Query" },
                    code_span(&p.wire_name)
                );
                let docs = doc_lines(&with_fact(render(&p.docs), &place));
                let edit = render_edit(quote!(self), vec![emit_param_push(p, model, v, true)]);
                setters.push(quote! {
                    #docs
                    pub fn #n(self, value: #arg) -> Self {
                        #own
                        #edit
                    }
                });
            }
            Setter::Body(b) => {
                let body = body_plan(b, model, form_name);
                let args = body_args(&body);
                let edit = match body_send(&body, quote!(body)) {
                    BodySend::Spec(step) => render_edit(quote!(self), vec![step]),
                    BodySend::Call(call) => quote!(self #call),
                };
                let doc = doc_lines(&format!("The request body ({}), which the operation does not require.", code_span(&b.content_type)));
                setters.push(quote! {
                    #doc
                    pub fn body(self, #( #args ),*) -> Self {
                        #edit
                    }
                });
            }
        }
    }
    let paging = op.pagination.as_ref().map(|p| emit_paginated(model, op, p));
    let builder_impl = (!setters.is_empty()).then(|| {
        quote! {
            impl #req_name {
                #( #setters )*
            }
        }
    });

    let template = &op.path;
    let method = format_ident!("{}", op.method.as_str());
    // The request defaults the runtime's `Call::at` applies: requests are authenticated unless
    // the spec says otherwise, and errors built from the responses of an operation that
    // carries secrets never quote the body.
    let mut defaults = Vec::new();
    if let Some(v) = accept_header(op) {
        defaults.push(quote!(const ACCEPT: &'static str = #v;));
    }
    if op.sensitive {
        defaults.push(quote!(const SENSITIVE: bool = true;));
    }
    if op.security.is_empty() {
        defaults.push(quote!(const AUTHENTICATED: bool = false;));
    }

    // Success arms: exact codes, then ranges, then default. Every other status is the error
    // enum's to decode (`ErrorResponses`).
    let mut ordered: Vec<(usize, &ResponseCase)> = op.responses.iter().enumerate().filter(|(_, c)| c.success).collect();
    ordered.sort_by_key(|(_, c)| status_rank(c.status));
    let arms: Vec<TokenStream> = ordered
        .iter()
        .map(|(i, c)| {
            let pat = status_pattern(c.status);
            let body = body_decode(c);
            let has_headers = header_names[*i].is_some();
            let v = ident(&c.variant);
            let value = match (&success_enum, c.body.is_some(), has_headers) {
                (Some(_), true, false) => quote!(S::#v(#body)),
                (Some(_), false, false) => quote!(S::#v),
                (Some(_), _, true) => quote!(S::#v(raw.reply(#body))),
                (None, _, _) => body,
            };
            let headers = if has_headers && success_enum.is_none() { quote!(raw.typed()) } else { quote!(()) };
            quote! { #pat => raw.ok(#value, #headers), }
        })
        .collect();
    // A short local name for the success enum, so that each documented status stays one line.
    let success_alias = success_enum.as_ref().map(|s| quote!(use #s as S;));
    // (A `default` response is never a success: `normalize` gives an operation without one a
    // `2XX` success, and keeps `default` as the error for the rest.)
    let decode_allow = overlap_allowance(&ordered.iter().map(|(_, c)| c.status).collect::<Vec<_>>());
    let decode_body = if arms.is_empty() {
        quote!(raw.fail_documented())
    } else if let ([(_, only)], None) = (ordered.as_slice(), &success_enum) {
        // One success at one code: check the status, then build the success.
        match only.status {
            StatusMatch::Code(_) => {
                let code = status_pattern(only.status);
                let body = body_decode(only);
                let headers = if header_names[ordered[0].0].is_some() { quote!(raw.typed()) } else { quote!(()) };
                quote!(raw.require_status(#code)?; raw.ok(#body, #headers))
            }
            _ => quote!(#success_alias match raw.status { #( #arms )* _ => raw.fail_documented(), }),
        }
    } else {
        quote!(#success_alias match raw.status { #( #arms )* _ => raw.fail_documented(), })
    };

    let route = code_span(&format!("{} {}", op.method.as_str(), op.path));
    let req_doc = doc_lines(&format!(
        "A {route} request of [`Client::{}`]: set optional inputs, then `.await` it or call [`send`](Call::send).",
        op.fn_name
    ));
    let op_doc = doc_lines(&format!("The {route} operation of [`Client::{}`]: its route and how its responses decode.", op.fn_name));
    quote! {
        #error_items
        #( #extra_items )*
        #req_doc
        pub type #req_name = Call<#op_name>;
        #op_doc
        pub struct #op_name;
        #builder_impl
        #paging
        impl Operation for #op_name {
            type Ok = #ok_ty;
            type Error = #err_name;
            const METHOD: Method = Method::#method;
            const PATH: &'static str = #template;
            #( #defaults )*
            #decode_allow
            fn decode(raw: &mut RawResponse) -> Result<Self::Ok, Error<Self::Error>> {
                #decode_body
            }
        }
    }
}

/// `#[allow(clippy::match_overlapping_arm)]` for a match over these statuses when a code falls
/// in one of their ranges (`404` before `4XX`: the code's arm comes first and wins, as the
/// spec means).
fn overlap_allowance(statuses: &[StatusMatch]) -> Option<TokenStream> {
    let overlaps = statuses
        .iter()
        .any(|s| matches!(s, StatusMatch::Code(c) if statuses.contains(&StatusMatch::Range(c / 100))));
    overlaps.then(|| quote!(#[allow(clippy::match_overlapping_arm)]))
}

/// The order of a status's match arm: exact codes, then ranges, then `default`.
fn status_rank(s: StatusMatch) -> u8 {
    match s {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    }
}

/// An operation's error type: the enum of its documented error responses with the decoding
/// of each status (`impl ErrorResponses`), when the operation owns it; an alias of the enum it
/// shares with an earlier operation otherwise (`naming` decides which, see
/// [`OperationTypes::error_enum`](crate::model::OperationTypes::error_enum)).
fn error_responses(model: &NormalizedModel, op: &Operation, header_names: &[Option<String>], enums: &ErrorEnums) -> TokenStream {
    let err_name = ident(&op.type_names.error);
    if op.type_names.error_enum != op.type_names.error {
        let owner = ident(&op.type_names.error_enum);
        let doc = if op.type_names.error_enum == crate::naming::NO_ERRORS {
            doc_lines(&format!("[`Client::{}`] documents no error response: every error status is [`Error::UnexpectedStatus`].", op.fn_name))
        } else {
            doc_lines(&format!("Documented error responses of [`Client::{}`]: the same as [`{}`]'s.", op.fn_name, op.type_names.error_enum))
        };
        return quote! { #doc pub type #err_name = #owner; };
    }
    let mut cases: Vec<(usize, &ResponseCase)> = op.responses.iter().enumerate().filter(|(_, c)| !c.success).collect();
    let shared = shared_error_descriptions(enums, op);
    let variants: Vec<TokenStream> = cases.iter().zip(&shared).map(|((i, c), shared)| {
        let v = ident(&c.variant);
        let doc = match shared {
            Some(description) => format!("{}: {}", status_text(c.status), super::docs::sanitize(description)),
            None => format!(
                "{}: described differently by the operations that share this enum. A method's docs give its own description where it says more than the status.",
                status_text(c.status)
            ),
        };
        let doc = doc_lines(&doc);
        match (reply_type(c, model, &header_names[*i]), c.status) {
            (None, StatusMatch::Code(_)) => quote! { #doc #v, },
            (Some(reply), StatusMatch::Code(_)) => quote! { #doc #v(#reply), },
            (reply, _) => {
                let reply = reply.map(|r| quote! { /// The body and documented headers.
                    reply: #r, });
                quote! { #doc #v { /// The HTTP status.
                    status: u16, #reply }, }
            }
        }
    }).collect();
    let users: Vec<String> = enums.users(op).iter().map(|o| format!("[`Client::{}`]", o.fn_name)).collect();
    // `non_exhaustive`: a status the spec documents later is a new variant, not a broken match.
    let doc = doc_lines(&format!(
        "Documented error responses of {}. Match with a `_` arm: statuses a later version of the spec documents become new variants.",
        users.join(", ")
    ));
    cases.sort_by_key(|(_, c)| status_rank(c.status));
    let values: Vec<(TokenStream, TokenStream)> = cases
        .iter()
        .map(|(i, c)| {
            let body = body_decode(c);
            let has_reply = c.body.is_some() || header_names[*i].is_some();
            let v = ident(&c.variant);
            let json_body = c.body.as_ref().is_some_and(|b| matches!(b.encoding, BodyEncoding::Json | BodyEncoding::Form));
            let value = match (c.status, has_reply) {
                // The common case, one call: the runtime decodes the body and wraps it.
                (StatusMatch::Code(_), true) if json_body => quote!(raw.decoded(Self::#v)),
                (StatusMatch::Code(_), false) => quote!(Ok(Self::#v)),
                (StatusMatch::Code(_), true) => quote!(Ok(Self::#v(raw.reply(#body)))),
                (_, false) => quote!(Ok(Self::#v { status: raw.status })),
                (_, true) => quote!(Ok(Self::#v { status: raw.status, reply: raw.reply(#body) })),
            };
            (status_pattern(c.status), value)
        })
        .collect();
    // Each value is the arm's `Result`.
    let arms = values.iter().map(|(pat, value)| quote! { #pat => #value, });
    let has_default = cases.iter().any(|(_, c)| c.status == StatusMatch::Default);
    let from_response = match (values.as_slice(), has_default) {
        ([], _) => quote!(raw.fail_unexpected()),
        // `default` alone: every status is it.
        ([(_, only)], true) => only.clone(),
        (_, true) => quote!(match raw.status { #( #arms )* }),
        (_, false) => quote!(match raw.status { #( #arms )* _ => raw.fail_unexpected(), }),
    };
    let allow = overlap_allowance(&cases.iter().map(|(_, c)| c.status).collect::<Vec<_>>());
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #err_name { #( #variants )* }
        impl ErrorResponses for #err_name {
            #allow
            fn from_response(raw: &RawResponse) -> Result<Self, Error<Self>> {
                #from_response
            }
        }
    }
}

/// The operations that use each error enum, by the enum's name, in spec order: built once per
/// model, so that an enum's doc and each method's error list look up the operations sharing
/// it instead of scanning every operation (which made emit quadratic in operations).
struct ErrorEnums<'m> {
    users: std::collections::HashMap<&'m str, Vec<&'m Operation>>,
}

impl<'m> ErrorEnums<'m> {
    fn of(model: &'m NormalizedModel) -> Self {
        let mut users: std::collections::HashMap<&str, Vec<&Operation>> = std::collections::HashMap::new();
        for op in &model.operations {
            users.entry(op.type_names.error_enum.as_str()).or_default().push(op);
        }
        ErrorEnums { users }
    }

    /// The operations whose error enum is `op`'s (`op` among them).
    fn users(&self, op: &Operation) -> &[&'m Operation] {
        self.users.get(op.type_names.error_enum.as_str()).map(Vec::as_slice).unwrap_or_default()
    }
}

/// For each documented error of `op` (in response order), the description that every operation
/// sharing its error enum gives that status, or `None` where they differ. Operations share an
/// enum only when their error statuses, variants, bodies and headers agree (`naming`), so their
/// error responses line up one to one.
fn shared_error_descriptions<'m>(enums: &ErrorEnums<'m>, op: &'m Operation) -> Vec<Option<&'m str>> {
    let errors = |o: &'m Operation| o.responses.iter().filter(|c| !c.success);
    let mut shared: Vec<Option<&str>> = errors(op).map(|c| Some(c.description.as_str())).collect();
    for other in enums.users(op).iter().copied() {
        for (slot, c) in shared.iter_mut().zip(errors(other)) {
            if slot.is_some_and(|d| d != c.description) {
                *slot = None;
            }
        }
    }
    shared
}

/// How a setter takes a parameter's value (its argument type), the statement that makes it
/// the value's own type where the argument is generic, and the expression the request step
/// reads it with: text as `impl AsRef<str>`, other values sent as their text (numbers, dates,
/// enums) by value and read as they are, a list as `impl Into<Vec<_>>` (an array or a `Vec`),
/// everything else by value and read by reference.
fn setter_value(p: &Param, model: &NormalizedModel) -> (TokenStream, Option<TokenStream>, TokenStream) {
    match &p.ty {
        TypeRef::String | TypeRef::Binary => (quote!(impl AsRef<str>), None, quote!(value.as_ref())),
        t @ TypeRef::Array(_) => {
            let t = op_type(t, model);
            (quote!(impl Into<#t>), Some(quote!(let value: #t = value.into();)), quote!(value.as_slice()))
        }
        // Sent as its text (`Display`, or `to_rfc3339` for a date-time, which borrows it).
        t if is_scalarish(t, model) => (op_type(t, model), None, quote!(value)),
        t => (op_type(t, model), None, quote!(&value)),
    }
}

/// The arguments a request body is given with (the method's for a required body, the
/// setter's for an optional one).
fn body_args(body: &BodyPlan) -> Vec<TokenStream> {
    match body {
        BodyPlan::Typed { ty, .. } => vec![quote!(body: &#ty)],
        BodyPlan::Form { ty } => vec![quote!(body: #ty)],
        BodyPlan::Bytes { .. } => vec![quote!(body: impl Into<::bytes::Bytes>)],
        BodyPlan::Multipart => vec![quote!(body: impl Into<::bytes::Bytes>), quote!(content_type: &str)],
    }
}

/// How a request body given as `value` joins the request.
enum BodySend {
    /// A step on the `RequestSpec`.
    Spec(RequestStep),
    /// A call on the `Call` itself: a JSON body (its encoding error is the call's), or a
    /// multipart form, encoded when the request is sent.
    Call(TokenStream),
}

/// The body held in `value` sent as `body` plans: one step per body, the runtime taking the
/// media type (a chained `.header(..)` or an `if let` costs prettyplease's line breaks on
/// every operation).
fn body_send(body: &BodyPlan, value: TokenStream) -> BodySend {
    match body {
        BodyPlan::Typed { content_type, form, form_fields, .. } => {
            let ct = content_type.as_deref().unwrap_or("application/x-www-form-urlencoded");
            // Form bodies go through the bracket encoder, which also takes nested objects
            // and arrays (`address[city]=…`), as the APIs with such bodies read them;
            // properties the `encoding` object describes are encoded as it says.
            if *form && !form_fields.is_empty() {
                BodySend::Spec(RequestStep::trying(quote!(.bytes(#ct, super::runtime::form_body_with(#value, &[#( #form_fields ),*])?))))
            } else if *form {
                BodySend::Spec(RequestStep::trying(quote!(.bytes(#ct, super::runtime::form_body(#value)?))))
            } else {
                BodySend::Call(match content_type {
                    None => quote!(.json(#value)),
                    Some(ct) => quote!(.json_as(#value, #ct)),
                })
            }
        }
        BodyPlan::Bytes { content_type } => BodySend::Spec(RequestStep::call(quote!(.bytes(#content_type, #value.into())))),
        BodyPlan::Multipart => BodySend::Spec(RequestStep::call(quote!(.bytes(content_type.to_owned(), #value.into())))),
        BodyPlan::Form { .. } => BodySend::Call(quote!(.multipart(#value.into_multipart()))),
    }
}

/// `target` (the `Call`) with `steps` applied to its request: nothing, an `edit` when no step
/// can fail, a `try_edit` when one can.
fn render_edit(target: TokenStream, steps: Vec<RequestStep>) -> TokenStream {
    if steps.is_empty() {
        return target;
    }
    if steps.iter().any(RequestStep::needs_try) {
        return match render_request(quote!(spec), steps) {
            (body, false) => quote!(#target.try_edit(|spec| #body)),
            (body, true) => quote!(#target.try_edit(|spec| { #body })),
        };
    }
    if steps.iter().all(|s| matches!(s, RequestStep::Call { .. })) {
        let calls = steps.into_iter().map(RequestStep::into_stmt_call);
        return quote!(#target.edit(|spec| spec #( #calls )*));
    }
    let stmts = steps.into_iter().map(RequestStep::into_stmt);
    quote!(#target.edit(|mut spec| { #( #stmts )* spec }))
}

/// The client method of an operation: its required inputs as arguments (in call-plan order),
/// returning the request builder with them in its request.
fn emit_method(model: &NormalizedModel, op: &Operation, enums: &ErrorEnums) -> TokenStream {
    let fn_name = ident(&op.fn_name);
    let req_ident = ident(&op.type_names.request);
    let plan = CallPlan::of(op);
    let form_name = op.type_names.form.as_deref();
    let mut args = Vec::new();
    let mut steps = Vec::new();
    let mut body_call = None;
    for a in &plan.args {
        match a {
            Arg::Param { param, .. } => {
                let n = ident(&param.name);
                let t = required_arg_type(param, model);
                args.push(quote!(#n: #t));
                if param.location != ParamLocation::Path {
                    steps.push(emit_param_push(param, model, quote!(#n), false));
                }
            }
            Arg::Body(b) => {
                let body = body_plan(b, model, form_name);
                args.extend(body_args(&body));
                match body_send(&body, quote!(body)) {
                    BodySend::Spec(step) => steps.push(step),
                    BodySend::Call(call) => body_call = Some(call),
                }
            }
            // Taken with the body it describes.
            Arg::ContentType => {}
        }
    }

    // The path: the template's placeholders filled, in order, by each parameter's text; the
    // runtime encodes each as one segment (`Call::at`). A parameter whose text cannot be
    // encoded makes a call that fails when sent.
    let mut prelude = Vec::new();
    let mut segments = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        let name = &rest[start + 1..start + len];
        // (Every placeholder has its parameter: `normalize` reports one that is undeclared.)
        let Some((_, p)) = plan.required_params().find(|(_, p)| p.location == ParamLocation::Path && p.wire_name == name) else { break };
        let n = ident(&p.name);
        segments.push(match &p.ty {
            TypeRef::String | TypeRef::Binary => quote!(#n),
            t if is_scalarish(t, model) => {
                let v = to_text(t, quote!(#n));
                quote!(&ToString::to_string(&#v))
            }
            TypeRef::Array(item) if is_scalarish(item, model) => {
                // `simple` style: comma-separated items.
                let items = match item.as_ref() {
                    TypeRef::DateTime => quote!(#n.iter().map(|item| item.to_rfc3339())),
                    _ => quote!(#n),
                };
                quote!(&super::runtime::joined(#items, ","))
            }
            _ => {
                prelude.push(quote! {
                    let #n = match super::runtime::param_text(#n) {
                        Ok(text) => text,
                        Err(error) => return Call::failed(self, error),
                    };
                });
                quote!(&#n)
            }
        });
        rest = &rest[start + len + 1..];
    }
    let call = render_edit(quote!(Call::at(self, &[#( #segments ),*])), steps);

    let docs = doc_lines(&method_docs(op, &plan, enums));
    let deprecated = op.docs.deprecated.then(|| quote!(#[deprecated(note = "deprecated by the API")]));
    // Clippy's limit is 7, `&self` included; the spec decides how many inputs are required.
    let many_args = (args.len() + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #docs
        #deprecated
        #many_args
        pub fn #fn_name(&self #(, #args)*) -> #req_ident {
            #( #prelude )*
            #call #body_call
        }
    }
}

/// The docs of an operation's client method: the spec's, then one paragraph on the mechanics
/// (the request, how to finish and send it, where errors arrive), then what the operation's
/// errors mean where its shared error enum cannot say it.
fn method_docs(op: &Operation, plan: &CallPlan, enums: &ErrorEnums) -> String {
    let req_name = &op.type_names.request;
    let mut docs = render(&op.docs);
    if !docs.trim().is_empty() {
        docs.push_str("\n\n");
    }
    // The mechanics in one paragraph: the request, then how to finish and send it.
    docs.push_str(&code_span(&format!("{} {}", op.method.as_str(), op.path)));
    if let Some(b) = &op.body {
        docs.push_str(&format!(" with a {} body", code_span(&b.content_type)));
    }
    docs.push('.');
    let setter_names: Vec<String> = plan.setter_names().map(|n| format!("`{n}`")).collect();
    if setter_names.is_empty() {
        docs.push_str(&format!(" `.await` the returned [`{req_name}`], or call its `send`."));
    } else {
        docs.push_str(&format!(" Optional inputs are setters on the returned [`{req_name}`] ({}); then `.await` it, or call its `send`.", setter_names.join(", ")));
    }
    if op.pagination.is_some() {
        docs.push_str(" A paginated list: its `stream` yields every item, `pages` every page.");
    }
    if op.responses.iter().any(|c| !c.success) {
        docs.push_str(&format!(" Documented errors arrive as [`Error::Api`] holding a [`{}`].", op.type_names.error));
        // What a status means here, where the shared enum's variant cannot say it.
        let errors = op.responses.iter().filter(|c| !c.success);
        let own: Vec<String> = errors
            .zip(shared_error_descriptions(enums, op))
            // A description that is only the status's name ("Internal Server Error") says no
            // more than the variant's doc.
            .filter(|(c, shared)| {
                let said = c.description.trim().trim_end_matches('.');
                shared.is_none() && !said.is_empty() && !said.eq_ignore_ascii_case(&crate::naming::variant_words(&c.variant))
            })
            .map(|(c, _)| format!("- {}: {}", status_text(c.status), super::docs::sanitize(&c.description).split_whitespace().collect::<Vec<_>>().join(" ")))
            .collect();
        if !own.is_empty() {
            docs.push_str("\n\nHow this operation describes its documented errors:\n\n");
            docs.push_str(&own.join("\n"));
        }
    }
    docs
}

/// The `Accept` header of an operation, when `application/json` (the runtime's default) is not
/// what it answers with: every media type its documented responses have (success first,
/// without parameters), so a server that negotiates (a vendor `+json` type, text, bytes) can
/// send any of them.
fn accept_header(op: &Operation) -> Option<String> {
    let mut types: Vec<String> = Vec::new();
    let ordered = op.responses.iter().filter(|c| c.success).chain(op.responses.iter().filter(|c| !c.success));
    for b in ordered.filter_map(|c| c.body.as_ref()) {
        let essence = b.content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if !essence.is_empty() && !types.contains(&essence) {
            types.push(essence);
        }
    }
    match types.as_slice() {
        [] => None,
        [one] if one == "application/json" => None,
        _ => Some(types.join(", ")),
    }
}

fn status_text(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(h) => format!("{h}XX"),
        StatusMatch::Default => "Any other status".into(),
    }
}

/// The `Paginated` impl of a list operation's marker: which query parameter carries the page
/// token, and where a page gives the next token and its items. The runtime's `Call::pages` and
/// `Call::stream` walk the pages with it.
fn emit_paginated(model: &NormalizedModel, op: &Operation, p: &crate::model::Pagination) -> TokenStream {
    use crate::model::NextToken;
    let pagination = quote!(super::runtime::pagination);
    let op_name = ident(&op.type_names.operation);
    // (`normalize` takes the token parameter from the operation's own query parameters.)
    let wire = op.params.iter().find(|q| q.name == p.token_param).map_or(p.token_param.as_str(), |q| q.wire_name.as_str());
    let item = rust_type(&p.item, model, &types_path());
    let into_items = match moved(quote!(page.body), &p.items) {
        Place::Plain(e) => e,
        Place::Opt(e) => quote!(#e.unwrap_or_default()),
    };
    let items_ref = borrowed(quote!(page.body), &p.items);
    let empty = match &items_ref {
        Place::Plain(e) => quote!(#e.is_empty()),
        Place::Opt(e) => quote!(#e.map_or(0, Vec::len) == 0),
    };
    // An `Option<&str>` for a string field of the body.
    let text_at = |path: &[(String, bool)]| {
        let Some(((last, optional), outer)) = path.split_last() else { return quote!(None) };
        let f = ident(last);
        match (borrowed(quote!(page.body), outer), optional) {
            (Place::Plain(e), false) => quote!(Some(#e.#f.as_str())),
            (Place::Plain(e), true) => quote!(#e.#f.as_deref()),
            (Place::Opt(e), false) => quote!(#e.map(|v| v.#f.as_str())),
            (Place::Opt(e), true) => quote!(#e.and_then(|v| v.#f.as_deref())),
        }
    };
    // An `Option<String>`: the next token, `None` (or empty) on the last page.
    let next = match &p.next {
        NextToken::Field(path) => {
            let v = text_at(path);
            quote!(#v.map(ToString::to_string))
        }
        NextToken::Url { path, query_param } => {
            let v = text_at(path);
            quote!(#v.and_then(|url| #pagination::query_token(url, #query_param)))
        }
        NextToken::LastItem { field, has_more } => {
            let last = match &items_ref {
                Place::Plain(e) => quote!(#e.last()),
                Place::Opt(e) => quote!(#e.and_then(|items| items.last())),
            };
            let f = ident(&field.0);
            let id = if field.1 { quote!(#last.and_then(|item| item.#f.clone())) } else { quote!(#last.map(|item| item.#f.clone())) };
            match has_more.as_deref().map(|path| borrowed(quote!(page.body), path)) {
                None => id,
                Some(Place::Plain(more)) => quote!(if #more { #id } else { None }),
                Some(Place::Opt(more)) => quote!(if #more == Some(&true) { #id } else { None }),
            }
        }
        NextToken::LinkHeader { header, query_param } => {
            let h = ident(header);
            quote!(page.headers.#h.as_deref().and_then(#pagination::next_link).and_then(|url| #pagination::query_token(&url, #query_param)))
        }
    };
    // Page numbers and offsets: a next value that is not a number ends the walk (the
    // parameter could not carry it).
    let next = if p.token_ty == TypeRef::String {
        next
    } else {
        let ty = rust_type(&p.token_ty, model, &types_path());
        quote!(#pagination::numeric_token::<#ty>(#next))
    };
    quote! {
        impl Paginated for #op_name {
            type Item = #item;
            const TOKEN: &'static str = #wire;
            fn next_token(page: &Self::Ok) -> Option<String> {
                #next
            }
            fn is_empty(page: &Self::Ok) -> bool {
                #empty
            }
            fn items(page: Self::Ok) -> Vec<Self::Item> {
                #into_items
            }
        }
    }
}

/// A field reached through a path of possibly optional fields: the place itself, or an
/// `Option` of it once an optional field was crossed.
enum Place {
    Plain(TokenStream),
    Opt(TokenStream),
}

/// The field at `path` under `root`, borrowed (`root.a.b`, or an `Option<&B>`).
fn borrowed(root: TokenStream, path: &[(String, bool)]) -> Place {
    path.iter().fold(Place::Plain(root), |place, (name, optional)| {
        let f = ident(name);
        match (place, optional) {
            (Place::Plain(e), false) => Place::Plain(quote!(#e.#f)),
            (Place::Plain(e), true) => Place::Opt(quote!(#e.#f.as_ref())),
            (Place::Opt(e), false) => Place::Opt(quote!(#e.map(|v| &v.#f))),
            (Place::Opt(e), true) => Place::Opt(quote!(#e.and_then(|v| v.#f.as_ref()))),
        }
    })
}

/// The field at `path` under `root`, moved out (`root.a.b`, or an `Option<B>`).
fn moved(root: TokenStream, path: &[(String, bool)]) -> Place {
    path.iter().fold(Place::Plain(root), |place, (name, optional)| {
        let f = ident(name);
        match (place, optional) {
            (Place::Plain(e), false) => Place::Plain(quote!(#e.#f)),
            (Place::Plain(e), true) => Place::Opt(quote!(#e.#f)),
            (Place::Opt(e), false) => Place::Opt(quote!(#e.map(|v| v.#f))),
            (Place::Opt(e), true) => Place::Opt(quote!(#e.and_then(|v| v.#f))),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{method_docs, shared_error_descriptions, with_fact, ErrorEnums};
    use crate::emit::plan::CallPlan;

    #[test]
    fn a_fact_joins_the_last_sentence_unless_that_is_a_list_a_url_or_a_table() {
        // Bold is prose, not a list item.
        assert_eq!(with_fact("Resets.\n\n**Important:** relative time.".into(), "Header `R`."), "Resets.\n\n**Important:** relative time. Header `R`.");
        // A sentence without its full stop gets one.
        assert_eq!(with_fact("Resource URI of conflicting resource".into(), "Header `Location`."), "Resource URI of conflicting resource. Header `Location`.");
        assert_eq!(with_fact("- one\n- two".into(), "Header `X`."), "- one\n- two\n\nHeader `X`.");
        assert_eq!(with_fact("See https://example.com/docs".into(), "Header `X`."), "See https://example.com/docs\n\nHeader `X`.");
        assert_eq!(with_fact("| a | b |".into(), "Header `X`."), "| a | b |\n\nHeader `X`.");
        assert_eq!(with_fact("Ends with a colon:".into(), "Header `X`."), "Ends with a colon:\n\nHeader `X`.");
        // A list item's continuation line, a table row without its leading pipe, a link
        // definition: not prose.
        assert_eq!(with_fact("- one\n  continued".into(), "Header `X`."), "- one\n  continued\n\nHeader `X`.");
        assert_eq!(with_fact("a | b\n--- | ---\n1 | 2".into(), "Header `X`."), "a | b\n--- | ---\n1 | 2\n\nHeader `X`.");
        assert_eq!(with_fact("Intro.\n\n[docs]: https://example.com".into(), "Header `X`."), "Intro.\n\n[docs]: https://example.com\n\nHeader `X`.");
        assert_eq!(with_fact(String::new(), "Header `X`."), "Header `X`.");
    }

    #[test]
    fn operations_that_describe_a_shared_status_differently_say_so_in_their_own_docs() {
        let text = include_bytes!("../../tests/fixtures/response_variants.yaml");
        let spec = crate::load::load_bytes("response_variants.yaml", text).expect("fixture loads");
        let model = crate::normalize::normalize(&spec).expect("fixture normalizes");
        let op = |name: &str| model.operations.iter().find(|o| o.fn_name == name).expect(name);
        let (get, update, delete) = (op("get_widget"), op("update_widget"), op("delete_widget"));
        let enums = ErrorEnums::of(&model);
        assert_eq!(delete.type_names.error_enum, "GetWidgetError");
        assert_eq!(update.type_names.error_enum, "GetWidgetError");
        // 404 is described two ways among the enum's operations, 409 one way.
        assert_eq!(shared_error_descriptions(&enums, get), [None, Some("Conflict")]);
        assert_eq!(shared_error_descriptions(&enums, delete), [None, Some("Conflict")]);
        let docs = method_docs(delete, &CallPlan::of(delete), &enums);
        assert!(docs.ends_with("How this operation describes its documented errors:\n\n- 404: Not found. Error code 40401 indicates the widget was deleted already."), "{docs}");
        // Get's "Not found" is only the status's name: nothing to add.
        let docs = method_docs(get, &CallPlan::of(get), &enums);
        assert!(!docs.contains("describes its documented errors"), "{docs}");
        // An enum only its owner uses keeps every description in its variants.
        let replace = op("replace_gadget");
        assert_eq!(shared_error_descriptions(&enums, replace), [Some("No such gadget")]);
        assert!(!method_docs(replace, &CallPlan::of(replace), &enums).contains("describes its documented errors"));
    }
}
