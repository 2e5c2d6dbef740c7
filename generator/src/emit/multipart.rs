//! The form struct of a `multipart/form-data` body: one public field per part of the body's
//! [`MultipartPlan`] (files as `runtime::FilePart`, other fields with their types from the
//! body's struct), and `into_multipart`, which adds the parts to a `runtime::Multipart` in plan
//! order. Everything was decided in normalize; this only renders it.

use super::docs::{code_span, doc_attrs, doc_lines};
use super::types::{ident, rust_type};
use crate::model::{Field, MultipartPlan, NormalizedModel, PartKind, PartPlan, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// Each part of the plan with the body struct's field for it (parts whose property did not
/// become a field, such as a `readOnly` one, are left out).
pub(super) fn fields<'m>(model: &'m NormalizedModel, plan: &'m MultipartPlan, body: &TypeRef) -> Vec<(&'m PartPlan, &'m Field)> {
    let TypeRef::Named(id) = body else { return Vec::new() };
    let TypeKind::Struct { fields, .. } = &model.ty(*id).kind else { return Vec::new() };
    plan.parts.iter().filter_map(|p| fields.iter().find(|f| f.wire_name == p.wire_name).map(|f| (p, f))).collect()
}

/// The Rust type of a form field.
fn field_type(model: &NormalizedModel, part: &PartPlan, f: &Field, types: &TokenStream) -> TokenStream {
    let t = match part.kind {
        PartKind::File => quote!(super::runtime::FilePart),
        PartKind::Files => quote!(::std::vec::Vec<super::runtime::FilePart>),
        PartKind::Field | PartKind::EachItem => rust_type(&f.ty, model, types),
    };
    if f.optional() {
        quote!(::std::option::Option<#t>)
    } else {
        t
    }
}

/// The form struct named `name` and its `into_multipart`.
pub(super) fn form_struct(model: &NormalizedModel, name: &str, fn_name: &str, plan: &MultipartPlan, body: &TypeRef, types: &TokenStream) -> TokenStream {
    let ty = ident(name);
    let parts = fields(model, plan, body);
    let decls = parts.iter().map(|(part, f)| {
        let n = ident(&f.name);
        let t = field_type(model, part, f, types);
        let docs = doc_attrs(&f.docs);
        let what = match part.kind {
            PartKind::File => "File part",
            PartKind::Files => "File parts (one per file)",
            PartKind::Field => "Part",
            PartKind::EachItem => "Parts (one per item)",
        };
        let ct = part.content_type.as_deref().map(|c| format!(", sent as {}", code_span(c))).unwrap_or_default();
        let sep = if docs.is_empty() { "" } else { "\n" };
        let place = doc_lines(&format!("{sep}{what} {}{ct}.", code_span(&part.wire_name)));
        quote!(#docs #place pub #n: #t,)
    });
    let adds = parts.iter().map(|(part, f)| {
        let n = ident(&f.name);
        let wire = &part.wire_name;
        let ct = match &part.content_type {
            Some(c) => quote!(::std::option::Option::Some(#c)),
            None => quote!(::std::option::Option::None),
        };
        let hs = part.headers.iter().map(|(h, v)| quote!((#h, #v)));
        let headers = quote!(&[#( #hs ),*]);
        match (part.kind, f.optional()) {
            // A `None` field serialises to `null`, which `field` leaves out.
            (PartKind::Field, _) => quote! { form.field(#wire, &self.#n, #ct, #headers)?; },
            (PartKind::EachItem, false) => quote! { for item in &self.#n { form.field(#wire, item, #ct, #headers)?; } },
            (PartKind::EachItem, true) => quote! { for item in self.#n.iter().flatten() { form.field(#wire, item, #ct, #headers)?; } },
            (PartKind::File, false) => quote! { form.file(#wire, self.#n, #ct, #headers); },
            (PartKind::File, true) => quote! { if let ::std::option::Option::Some(file) = self.#n { form.file(#wire, file, #ct, #headers); } },
            (PartKind::Files, false) => quote! { for file in self.#n { form.file(#wire, file, #ct, #headers); } },
            (PartKind::Files, true) => quote! { for file in self.#n.into_iter().flatten() { form.file(#wire, file, #ct, #headers); } },
        }
    });
    let doc = doc_lines(&format!(
        "The `multipart/form-data` body of [`Client::{fn_name}`]: its fields and files. Files are \
         [`FilePart`](super::runtime::FilePart)s, from bytes, a path (read when the request is \
         sent) or a stream (a request with a streamed file is sent once, never retried)."
    ));
    let mutable = if parts.is_empty() { TokenStream::new() } else { quote!(mut) };
    quote! {
        #doc
        pub struct #ty { #( #decls )* }
        impl #ty {
            /// The parts, in the order the API description lists them.
            ///
            /// # Errors
            ///
            /// An [`EncodeError`](super::runtime::EncodeError) if a field cannot be serialised.
            pub fn into_multipart(self) -> ::std::result::Result<super::runtime::Multipart, super::runtime::EncodeError> {
                let #mutable form = super::runtime::Multipart::new();
                #( #adds )*
                ::std::result::Result::Ok(form)
            }
        }
        // Field names only: a form may carry secrets and files.
        impl ::std::fmt::Debug for #ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#name).finish_non_exhaustive()
            }
        }
    }
}

/// An expression building the form `name` from the sample value of the body (`sample` decodes
/// JSON into the field's type; files are a few bytes), with the runtime at `runtime`.
pub(super) fn sample_form(
    model: &NormalizedModel,
    name: &TokenStream,
    plan: &MultipartPlan,
    body: &TypeRef,
    sample: Option<&Value>,
    types: &TokenStream,
    runtime: &TokenStream,
) -> TokenStream {
    let inits = fields(model, plan, body).into_iter().map(|(part, f)| {
        let n = ident(&f.name);
        let value = sample.and_then(|s| s.get(&part.wire_name)).cloned();
        let file = quote!(#runtime::FilePart::bytes(&b"sample"[..]).file_name("sample.bin"));
        let v = match (part.kind, value) {
            (PartKind::File, _) => file,
            (PartKind::Files, _) => quote!(::std::vec![#file]),
            (_, Some(v)) => {
                let t = rust_type(&f.ty, model, types);
                let json = super::conformance::json_literal(&v);
                quote!(sample::<#t>(#json)?)
            }
            (_, None) if f.optional() => return quote!(#n: ::std::option::Option::None,),
            (_, None) => {
                let t = rust_type(&f.ty, model, types);
                quote!(sample::<#t>("null")?)
            }
        };
        if f.optional() {
            quote!(#n: ::std::option::Option::Some(#v),)
        } else {
            quote!(#n: #v,)
        }
    });
    quote!(#name { #( #inits )* })
}
