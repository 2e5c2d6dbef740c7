//! Operations to client methods (`operations.rs` of the generated crate): one async method per
//! operation on `runtime::Client`, a parameter struct for query and header parameters, typed
//! response headers, and a per-operation error enum keyed by documented status.

use super::docs::{code_span, doc_attrs, doc_lines, render};
use super::types::{ident, rust_type};
use crate::model::{
    BodyEncoding, HeaderDef, NormalizedModel, Operation, Param, ParamLocation, ResponseCase, StatusMatch, TypeId,
    TypeKind, TypeRef,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

fn types_path() -> TokenStream {
    quote!(super::types::)
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
    let defaults = super::types::defaultable(model);
    let header_items = header_structs(model).into_iter();
    let ops = model.operations.iter().map(move |op| {
        let header_names: Vec<Option<String>> = op.responses.iter().map(|c| c.headers_type.clone()).collect();
        emit_operation(model, op, &defaults, &header_names)
    });
    let head = quote! {
        //! One method per operation on [`Client`], with its parameter,
        //! header and error types.
        #![allow(
            clippy::large_enum_variant,
            clippy::result_large_err,
            clippy::too_many_arguments,
            clippy::match_single_binding,
            clippy::match_overlapping_arm
        )]
        #[allow(unused_imports)]
        use super::runtime::{encode_path_segment, Error, RawResponse, RequestSpec, Response};
        #[allow(unused_imports)]
        use super::Client;
    };
    (head, header_items.chain(ops))
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
        TypeRef::Any | TypeRef::JsonObject | TypeRef::Map(_) | TypeRef::Array(_) | TypeRef::Nullable(_) => false,
        _ => true,
    }
}

/// Statements appending one query or header parameter held in `v` (a reference).
fn emit_param_push(p: &Param, model: &NormalizedModel, v: TokenStream) -> TokenStream {
    let wire = &p.wire_name;
    let method = match p.location {
        ParamLocation::Header => quote!(header),
        _ => quote!(query),
    };
    if p.json_content {
        return quote! { spec = spec.#method(#wire, super::runtime::param_json(#v)?); };
    }
    match &p.ty {
        TypeRef::Array(item) if is_scalarish(item, model) => {
            let item_text = to_text(item, quote!(item));
            if p.explode && p.location == ParamLocation::Query {
                quote! { for item in #v { spec = spec.#method(#wire, #item_text); } }
            } else {
                quote! {
                    let items = #v;
                    let joined: ::std::vec::Vec<::std::string::String> = items.iter().map(|item| ::std::string::ToString::to_string(&#item_text)).collect();
                    spec = spec.#method(#wire, joined.join(","));
                }
            }
        }
        t if is_scalarish(t, model) => {
            let text = to_text(t, v);
            quote! { spec = spec.#method(#wire, #text); }
        }
        _ if p.location == ParamLocation::Header => {
            quote! { spec = spec.header(#wire, super::runtime::param_text(#v)?); }
        }
        _ => {
            // Objects are sent form-exploded (`key=value` per property), like OpenAPI's default.
            quote! { spec = spec.query_json(#wire, #v)?; }
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
        _ => quote!(::std::string::String),
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
        let docs = doc_attrs(&h.docs);
        let wire_doc = doc_lines(&format!("\nHeader {}.", code_span(&h.wire_name)));
        quote! { #docs #wire_doc pub #f: ::std::option::Option<#ty>, }
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
        impl #sname {
            fn from_raw(raw: &RawResponse) -> Self {
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
            BodyEncoding::Text => quote!(::std::string::String),
            BodyEncoding::Bytes => quote!(::bytes::Bytes),
        },
    }
}

fn body_decode(case: &ResponseCase, model: &NormalizedModel, err: &TokenStream) -> TokenStream {
    match &case.body {
        None => quote!(()),
        Some(b) => match b.encoding {
            BodyEncoding::Json | BodyEncoding::Form => {
                let t = rust_type(&b.ty, model, &types_path());
                if b.redacted || model.holds_secrets(&b.ty) {
                    quote!(raw.json_sensitive::<#t, #err>()?)
                } else {
                    quote!(raw.json::<#t, #err>()?)
                }
            }
            BodyEncoding::Text => quote!(::std::string::String::from_utf8_lossy(&raw.body).into_owned()),
            BodyEncoding::Bytes => quote!(raw.body.clone()),
        },
    }
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

/// Rust type of a method argument for a path parameter; borrowed ones take `lifetime` when
/// given (the stream methods borrow for the stream's life).
fn path_arg_type(p: &Param, model: &NormalizedModel, lifetime: Option<&syn::Lifetime>) -> TokenStream {
    let borrow = match lifetime {
        Some(lt) => quote!(&#lt),
        None => quote!(&),
    };
    match &p.ty {
        TypeRef::String | TypeRef::Binary => quote!(#borrow str),
        TypeRef::Integer(_) | TypeRef::F32 | TypeRef::F64 | TypeRef::Boolean => rust_type(&p.ty, model, &types_path()),
        TypeRef::Array(item) => {
            let t = rust_type(item, model, &types_path());
            quote!(#borrow [#t])
        }
        other => {
            let t = rust_type(other, model, &types_path());
            quote!(#borrow #t)
        }
    }
}

fn emit_operation(model: &NormalizedModel, op: &Operation, defaults: &[bool], header_names: &[Option<String>]) -> TokenStream {
    let fn_name = ident(&op.fn_name);
    let err_name = ident(&op.type_names.error);
    let err_ty = quote!(#err_name);

    // Error enum.
    let error_cases: Vec<(usize, &ResponseCase)> = op.responses.iter().enumerate().filter(|(_, c)| !c.success).collect();
    let err_variants = error_cases.iter().map(|(i, c)| {
        let v = ident(&c.variant);
        let mut fields = Vec::new();
        if !matches!(c.status, StatusMatch::Code(_)) {
            fields.push(quote! { /// The HTTP status.
                status: u16, });
        }
        if c.body.is_some() {
            let t = body_type(c, model);
            fields.push(quote! { /// The decoded body.
                body: #t, });
        }
        if let Some(h) = &header_names[*i] {
            let h = ident(h);
            fields.push(quote! { /// Documented headers.
                headers: #h, });
        }
        let doc = doc_lines(&format!("{}: {}", status_text(c.status), super::docs::sanitize(&c.description)));
        if fields.is_empty() {
            quote! { #doc #v, }
        } else {
            quote! { #doc #v { #( #fields )* }, }
        }
    });
    let err_doc = doc_lines(&format!("Documented error responses of [`Client::{}`].", op.fn_name));
    let error_enum = quote! {
        #err_doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum #err_name { #( #err_variants )* }
    };

    // Success type.
    let success: Vec<(usize, &ResponseCase)> = op.responses.iter().enumerate().filter(|(_, c)| c.success).collect();
    let uniform = op.type_names.success.is_none();
    let mut extra_items = Vec::new();
    let (ok_body_ty, ok_headers_ty, success_enum) = if uniform {
        let b = success.first().map(|(_, c)| body_type(c, model)).unwrap_or_else(|| quote!(()));
        let h = success.first().and_then(|(i, _)| header_names[*i].as_ref()).map(|h| {
            let h = ident(h);
            quote!(#h)
        });
        (b, h.unwrap_or_else(|| quote!(())), None)
    } else {
        let name = ident(op.type_names.success.as_deref().unwrap_or("Success"));
        let variants = success.iter().map(|(i, c)| {
            let v = ident(&c.variant);
            let doc = doc_lines(&format!("{}: {}", status_text(c.status), super::docs::sanitize(&c.description)));
            match (c.body.is_some(), &header_names[*i]) {
                (true, None) => {
                    let t = body_type(c, model);
                    quote!(#doc #v(#t),)
                }
                (false, None) => quote!(#doc #v,),
                (has_body, Some(h)) => {
                    let h = ident(h);
                    let body = has_body.then(|| {
                        let t = body_type(c, model);
                        quote! { /// The decoded body.
                        body: #t, }
                    });
                    quote!(#doc #v { #body /// Documented headers.
                    headers: #h },)
                }
            }
        });
        let doc = doc_lines(&format!("The successful responses of [`Client::{}`].", op.fn_name));
        extra_items.push(quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name { #( #variants )* }
        });
        (quote!(#name), quote!(()), Some(name))
    };

    // Arguments.
    let mut args = Vec::new();
    let path_params: Vec<&Param> = op.params.iter().filter(|p| p.location == ParamLocation::Path).collect();
    for p in &path_params {
        let n = ident(&p.name);
        let t = path_arg_type(p, model, None);
        args.push(quote!(#n: #t));
    }
    let other_params: Vec<&Param> = op.params.iter().filter(|p| p.location != ParamLocation::Path).collect();
    let params_name = ident(op.type_names.params.as_deref().unwrap_or("Params"));
    if !other_params.is_empty() {
        let all_default = other_params.iter().all(|p| !p.required || !matches!(&p.ty, TypeRef::Named(TypeId(i)) if !defaults[*i]) && p.ty != TypeRef::Date);
        let derive_default = if all_default { quote!(, Default) } else { TokenStream::new() };
        let fields = other_params.iter().map(|p| {
            let n = ident(&p.name);
            let t = rust_type(&p.ty, model, &types_path());
            let t = if p.required { t } else { quote!(::std::option::Option<#t>) };
            let docs = doc_attrs(&p.docs);
            let place = doc_lines(&format!(
                "\n{} parameter {}{}.",
                if p.location == ParamLocation::Header { "Header" } else { "Query" },
                code_span(&p.wire_name),
                if p.required { ", required" } else { "" }
            ));
            quote! { #docs #place pub #n: #t, }
        });
        let doc = doc_lines(&format!("Query and header parameters of [`Client::{}`].", op.fn_name));
        let redacting = other_params.iter().any(|p| p.redacted);
        let derive_debug = if redacting { TokenStream::new() } else { quote!(Debug,) };
        // Secret parameters (`x-redact`, `format: password`) print as `[redacted]`.
        let debug_impl = redacting.then(|| {
            let label = params_name.to_string();
            let entries = other_params.iter().map(|p| {
                let n = ident(&p.name);
                let shown = &p.name;
                match (p.redacted, p.required) {
                    (false, _) => quote!(.field(#shown, &self.#n)),
                    (true, true) => quote!(.field(#shown, &"[redacted]")),
                    (true, false) => quote!(.field(#shown, &self.#n.as_ref().map(|_| "[redacted]"))),
                }
            });
            quote! {
                impl ::std::fmt::Debug for #params_name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.debug_struct(#label) #( #entries )* .finish()
                    }
                }
            }
        });
        extra_items.push(quote! {
            #doc
            #[derive(#derive_debug Clone, PartialEq #derive_default)]
            pub struct #params_name { #( #fields )* }
            #debug_impl
        });
        args.push(quote!(params: &#params_name));
    }
    // Spec media types go through `header`, which validates them (a bad one is an error, not a
    // panic); the runtime's built-in content types are only the plain ones.
    let body_stmt = match &op.body {
        None => TokenStream::new(),
        Some(b) => {
            let ct = &b.content_type;
            let base = ct.split(';').next().unwrap_or(ct).trim().to_ascii_lowercase();
            match b.encoding {
                BodyEncoding::Json | BodyEncoding::Form => {
                    let t = rust_type(&b.ty, model, &types_path());
                    args.push(quote!(body: &#t));
                    let (call, plain) = if b.encoding == BodyEncoding::Json {
                        (quote!(json), "application/json")
                    } else {
                        (quote!(form), "application/x-www-form-urlencoded")
                    };
                    if *ct == plain {
                        quote! { let spec = spec.#call(body)?; }
                    } else {
                        quote! { let spec = spec.#call(body)?.header("Content-Type", #ct); }
                    }
                }
                BodyEncoding::Bytes if base.starts_with("multipart/") => {
                    // The caller builds the multipart body, so the caller knows its boundary.
                    args.push(quote!(body: impl ::std::convert::Into<::bytes::Bytes>));
                    args.push(quote!(content_type: &str));
                    quote! { let spec = spec.bytes("application/octet-stream", body.into()).header("Content-Type", content_type); }
                }
                BodyEncoding::Bytes | BodyEncoding::Text => {
                    args.push(quote!(body: impl ::std::convert::Into<::bytes::Bytes>));
                    quote! { let spec = spec.bytes("application/octet-stream", body.into()).header("Content-Type", #ct); }
                }
            }
        }
    };
    let accept = accept_header(op).map(|v| quote! { let spec = spec.header("Accept", #v); });

    // Path.
    let mut fmt = String::new();
    let mut fmt_args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        fmt.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        let name = &rest[start + 1..start + len];
        match path_params.iter().find(|p| p.wire_name == name) {
            Some(p) => {
                let n = ident(&p.name);
                fmt.push_str("{}");
                let text = match &p.ty {
                    TypeRef::String | TypeRef::Binary => quote!(encode_path_segment(#n)),
                    t if is_scalarish(t, model) => {
                        let v = to_text(t, quote!(#n));
                        quote!(encode_path_segment(&::std::string::ToString::to_string(&#v)))
                    }
                    TypeRef::Array(item) if is_scalarish(item, model) => {
                        // `simple` style: comma-separated items.
                        let item_text = to_text(item, quote!(item));
                        quote!(encode_path_segment(&#n.iter().map(|item| ::std::string::ToString::to_string(&#item_text)).collect::<::std::vec::Vec<_>>().join(",")))
                    }
                    _ => quote!(encode_path_segment(&super::runtime::param_text(#n)?)),
                };
                fmt_args.push(text);
            }
            None => fmt.push_str(&rest[start..start + len + 1].replace('{', "{{").replace('}', "}}")),
        }
        rest = &rest[start + len + 1..];
    }
    fmt.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    let template = &op.path;
    let path_expr = if fmt_args.is_empty() {
        quote!(::std::string::ToString::to_string(#template))
    } else {
        quote!(::std::format!(#fmt #(, #fmt_args)*))
    };
    let method = format_ident!("{}", op.method.as_str());
    let authenticated = !op.security.is_empty();
    // Errors built from the responses of an operation that carries secrets never quote the body.
    let sensitive = if op.sensitive { quote!(.sensitive(true)) } else { TokenStream::new() };
    let param_pushes = other_params.iter().map(|p| {
        let n = ident(&p.name);
        if p.required {
            // Copy scalars are passed by value (a borrow would be a needless one).
            let copy = matches!(p.ty, TypeRef::Integer(_) | TypeRef::F32 | TypeRef::F64 | TypeRef::Boolean | TypeRef::DateTime | TypeRef::Date);
            if copy {
                emit_param_push(p, model, quote!(params.#n))
            } else {
                emit_param_push(p, model, quote!(&params.#n))
            }
        } else {
            let push = emit_param_push(p, model, quote!(value));
            quote! { if let ::std::option::Option::Some(value) = &params.#n { #push } }
        }
    });
    let spec_mut = if other_params.is_empty() { TokenStream::new() } else { quote!(mut) };

    // Response arms: exact codes, then ranges, then default.
    let mut ordered: Vec<(usize, &ResponseCase)> = op.responses.iter().enumerate().collect();
    ordered.sort_by_key(|(_, c)| match c.status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    });
    let has_default = ordered.iter().any(|(_, c)| c.status == StatusMatch::Default);
    let arms = ordered.iter().map(|(i, c)| {
        let pat = status_pattern(c.status);
        let body = body_decode(c, model, &err_ty);
        let headers = match &header_names[*i] {
            Some(h) => {
                let h = ident(h);
                quote!(#h::from_raw(&raw))
            }
            None => quote!(()),
        };
        let v = ident(&c.variant);
        if c.success {
            let body = match (&success_enum, c.body.is_some(), header_names[*i].is_some()) {
                (Some(en), true, false) => quote!(#en::#v(#body)),
                (Some(en), false, false) => quote!(#en::#v),
                (Some(en), true, true) => quote!(#en::#v { body: #body, headers: #headers }),
                (Some(en), false, true) => quote!(#en::#v { headers: #headers }),
                (None, _, _) => body,
            };
            let headers = if success_enum.is_some() { quote!(()) } else { headers };
            quote! {
                #pat => ::std::result::Result::Ok(Response { status: raw.status, body: #body, headers: #headers, request_id: raw.request_id() }),
            }
        } else {
            let mut fields = Vec::new();
            if !matches!(c.status, StatusMatch::Code(_)) {
                fields.push(quote!(status: raw.status));
            }
            if c.body.is_some() {
                fields.push(quote!(body: #body));
            }
            if header_names[*i].is_some() {
                fields.push(quote!(headers: #headers));
            }
            let value = if fields.is_empty() { quote!(#err_name::#v) } else { quote!(#err_name::#v { #( #fields ),* }) };
            quote! { #pat => ::std::result::Result::Err(raw.api_error(#value)), }
        }
    });
    let fallback = if has_default { TokenStream::new() } else { quote!(_ => ::std::result::Result::Err(raw.unexpected()),) };

    let mut method_docs = render(&op.docs);
    method_docs.push_str(&format!("\n\n{}", code_span(&format!("{} {}", op.method.as_str(), op.path))));
    if let Some(b) = &op.body {
        method_docs.push_str(&format!(" with a {} body", code_span(&b.content_type)));
    }
    method_docs.push('.');
    if !error_cases.is_empty() {
        method_docs.push_str(&format!("\n\nDocumented errors arrive as [`Error::Api`] holding a [`{err_name}`]."));
    }
    let method_docs = doc_lines(&method_docs);
    let deprecated = if op.docs.deprecated { quote!(#[deprecated(note = "deprecated by the API")]) } else { TokenStream::new() };

    let stream_method = op.pagination.as_ref().map(|p| emit_stream_method(model, op, p, &err_ty));
    quote! {
        #error_enum
        #( #extra_items )*
        #stream_method
        impl Client {
            #method_docs
            #deprecated
            pub async fn #fn_name(&self, #( #args ),*) -> ::std::result::Result<Response<#ok_body_ty, #ok_headers_ty>, Error<#err_ty>> {
                let path = #path_expr;
                let #spec_mut spec = RequestSpec::new(::reqwest::Method::#method, #template, path).authenticated(#authenticated) #sensitive;
                #( #param_pushes )*
                #body_stmt
                #accept
                let raw = self.execute(spec).await?;
                match raw.status {
                    #( #arms )*
                    #fallback
                }
            }
        }
    }
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

/// `{op}_stream`: every item of a paginated list, following the next links page by page.
fn emit_stream_method(
    model: &NormalizedModel,
    op: &Operation,
    p: &crate::model::Pagination,
    err_ty: &TokenStream,
) -> TokenStream {
    let fn_name = ident(&op.fn_name);
    let stream_name = ident(&p.stream_fn);
    let params_name = ident(op.type_names.params.as_deref().unwrap_or("Params"));
    let token = ident(&p.token_param);
    let item = rust_type(&p.item, model, &types_path());
    // Path parameters pass through to every page's request, borrowed for the stream's life.
    let lifetime = syn::Lifetime::new("'a", proc_macro2::Span::call_site());
    let path_params: Vec<&Param> = op.params.iter().filter(|p| p.location == ParamLocation::Path).collect();
    let path_names: Vec<proc_macro2::Ident> = path_params.iter().map(|p| ident(&p.name)).collect();
    let path_args: Vec<TokenStream> = path_params
        .iter()
        .zip(&path_names)
        .map(|(p, n)| {
            let t = path_arg_type(p, model, Some(&lifetime));
            quote!(#n: #t)
        })
        .collect();
    let items_field = ident(&p.items_field.0);
    let items = if p.items_field.1 { quote!(body.#items_field.unwrap_or_default()) } else { quote!(body.#items_field) };
    // An `Option<&str>` expression for the next link or token, through optional fields.
    let mut next = quote!(body);
    let mut optional_so_far = false;
    for (i, (name, optional)) in p.next_path.iter().enumerate() {
        let f = ident(name);
        let last = i + 1 == p.next_path.len();
        next = match (optional_so_far, *optional, last) {
            (false, false, false) => quote!(#next.#f),
            (false, true, false) => {
                optional_so_far = true;
                quote!(#next.#f.as_ref())
            }
            (true, false, false) => quote!(#next.map(|v| &v.#f)),
            (true, true, false) => quote!(#next.and_then(|v| v.#f.as_ref())),
            (false, false, true) => quote!(::std::option::Option::Some(#next.#f.as_str())),
            (false, true, true) => quote!(#next.#f.as_deref()),
            (true, false, true) => quote!(#next.map(|v| v.#f.as_str())),
            (true, true, true) => quote!(#next.and_then(|v| v.#f.as_deref())),
        };
    }
    let page = if p.next_is_url {
        quote!(super::runtime::pagination::Page::from_next_url(items, next))
    } else {
        quote!(super::runtime::pagination::Page::new(items, next.map(::std::string::ToString::to_string)))
    };
    let doc = doc_lines(&format!(
        "Every item of [`Client::{}`], fetched page by page: the stream follows the next-page {} until the last page, or an error, which ends it. A server that repeats a page token, or returns more pages or more empty pages in a row than [`Client::page_limits`] allows, ends it with [`Error::Pagination`].\n\nStarts from `params.{}` (usually `None`). The stream is `Unpin` and `Send`: call `futures::StreamExt::next` on it directly, or move it to a task.",
        op.fn_name,
        if p.next_is_url { "link" } else { "token" },
        p.token_param
    ));
    // The stream of a deprecated operation is deprecated too, and may call it.
    let deprecated = if op.docs.deprecated {
        quote!(#[deprecated(note = "deprecated by the API")] #[allow(deprecated)])
    } else {
        TokenStream::new()
    };
    quote! {
        impl Client {
            #doc
            #deprecated
            pub fn #stream_name<'a>(&'a self, #( #path_args, )* params: &#params_name) -> impl ::futures::Stream<Item = ::std::result::Result<#item, Error<#err_ty>>> + Unpin + Send + 'a {
                let params = params.clone();
                super::runtime::pagination::paginate(self.page_limits(), params.#token.clone(), move |token| {
                    let mut params = params.clone();
                    params.#token = token;
                    async move {
                        let body = self.#fn_name(#( #path_names, )* &params).await?.body;
                        let items = #items;
                        let next: ::std::option::Option<&str> = #next;
                        ::std::result::Result::Ok(#page)
                    }
                })
            }
        }
    }
}
