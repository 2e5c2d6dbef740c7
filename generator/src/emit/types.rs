//! Named types to Rust items (`types.rs` of the generated crate).
//!
//! Everything from std, serde and chrono is written with absolute paths, so a spec type named
//! `Result` or `Error` cannot shadow them; except the prelude's `String`, `Vec`, `Option`,
//! `Some` and `None`, which are everywhere and which no spec type may take as its name
//! (`naming::PRELUDE_TYPE_NAMES`: a schema called `String` is `StringBody`).

use super::docs::{code_span, doc_attrs, doc_lines};
use crate::model::{Field, IntKind, NormalizedModel, TypeDef, TypeId, TypeKind, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// An identifier token (names in the model are already valid identifiers).
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Rust type for a type reference; `named` is the path prefix of the `types` module.
pub fn rust_type(t: &TypeRef, model: &NormalizedModel, named: &TokenStream) -> TokenStream {
    match t {
        // The prelude's `String`, `Vec` and `Option` unqualified: no spec type takes their names
        // (`naming::PRELUDE_TYPE_NAMES`), and every module these types are written into uses
        // the prelude.
        TypeRef::String | TypeRef::Binary => quote!(String),
        TypeRef::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        TypeRef::Date => quote!(::chrono::NaiveDate),
        TypeRef::Integer(IntKind::I32) => quote!(i32),
        TypeRef::Integer(IntKind::I64) => quote!(i64),
        TypeRef::Integer(IntKind::U32) => quote!(u32),
        TypeRef::Integer(IntKind::U64) => quote!(u64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::JsonObject => quote!(::serde_json::Map<String, ::serde_json::Value>),
        TypeRef::Array(i) => {
            let i = rust_type(i, model, named);
            quote!(Vec<#i>)
        }
        TypeRef::Map(v) => {
            let v = rust_type(v, model, named);
            quote!(::std::collections::BTreeMap<String, #v>)
        }
        TypeRef::Nullable(i) => {
            let i = rust_type(i, model, named);
            quote!(Option<#i>)
        }
        TypeRef::Tuple(items) => {
            let items = items.iter().map(|i| rust_type(i, model, named));
            quote!(( #( #items, )* ))
        }
        TypeRef::Named(id) => {
            let n = ident(&model.ty(*id).name);
            quote!(#named #n)
        }
    }
}

/// Which named types can derive `Default`: structs whose fields are all optional or themselves
/// defaultable, and enums of exactly one value (a `kind: [Basic]` tag or a 3.1 `const`), whose
/// default is that value. Without the latter, every struct carrying such a tag had no
/// `Default`, so building a union variant meant spelling the tag out
/// (`Basic { kind: BasicKind::Basic, .. }`) and listing every optional field.
pub fn defaultable(model: &NormalizedModel) -> Vec<bool> {
    let mut ok: Vec<bool> = model
        .types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct { .. } => true,
            TypeKind::Enum { variants } => variants.len() == 1,
            TypeKind::Union { .. } => false,
        })
        .collect();
    loop {
        let mut changed = false;
        for (i, t) in model.types.iter().enumerate() {
            if !ok[i] {
                continue;
            }
            if let TypeKind::Struct { fields, .. } = &t.kind {
                if !fields.iter().all(|f| f.optional() || ref_defaultable(&f.ty, &ok)) {
                    ok[i] = false;
                    changed = true;
                }
            }
        }
        if !changed {
            return ok;
        }
    }
}

fn ref_defaultable(t: &TypeRef, ok: &[bool]) -> bool {
    match t {
        TypeRef::Named(TypeId(i)) => ok[*i],
        TypeRef::Date => false,
        TypeRef::Tuple(items) => items.iter().all(|i| ref_defaultable(i, ok)),
        _ => true,
    }
}

/// The whole `types.rs` body.
pub fn emit_types(model: &NormalizedModel) -> TokenStream {
    let (head, items) = emit_types_parts(model);
    let items = items.collect::<Vec<_>>();
    quote! { #head #( #items )* }
}

/// `types.rs` as its head and its items one at a time, built lazily (see
/// `operations::emit_operations_parts`).
pub fn emit_types_parts(model: &NormalizedModel) -> (TokenStream, impl Iterator<Item = TokenStream> + '_) {
    let defaults = defaultable(model);
    let none = TokenStream::new();
    let items = model.types.iter().enumerate().map(move |(i, t)| emit_type(model, t, defaults[i], &none, &t.converts_from));
    let head = quote! {
        //! Data types of the API: one Rust type per distinct schema shape.
        #![allow(clippy::large_enum_variant, clippy::derive_partial_eq_without_eq)]
    };
    (head, items)
}

/// `types.rs` of one API group of a many-spec crate: its own types, and a re-export of every
/// shared type it uses under the name the group gives it.
pub fn emit_group_types(group: &crate::link::Group, shared: &[crate::link::SharedType]) -> TokenStream {
    use crate::link::Home;
    let model = &group.model;
    let defaults = defaultable(model);
    let none = TokenStream::new();
    let items = model.types.iter().enumerate().map(|(i, t)| match group.homes[i] {
        // Conversions (`From<&Received> for Request`) live in this module unless both types are
        // shared: then `shared` has them once (`link::shared_conversions`). Either way each
        // impl is defined exactly once, whichever groups are enabled.
        Home::Local => emit_type(model, t, defaults[i], &none, &t.converts_from),
        Home::Shared(s) => {
            let shared_name = ident(&shared[s].name);
            let local = ident(&t.name);
            let reexport = if shared[s].name == t.name {
                quote!(pub use super::super::shared::#shared_name;)
            } else {
                quote!(pub use super::super::shared::#shared_name as #local;)
            };
            let conversions = t.converts_from.iter().filter(|p| group.homes[p.0] == Home::Local).filter_map(|p| match &t.kind {
                TypeKind::Struct { fields, additional } => Some(conversion(model, t, fields, additional.is_some(), *p, &none)),
                _ => None,
            });
            quote!(#reexport #( #conversions )*)
        }
    });
    quote! {
        //! Data types of this API group: one Rust type per distinct schema shape. Types that
        //! other groups use too are defined once in the crate's `shared` module and re-exported
        //! here under this group's names.
        #![allow(clippy::large_enum_variant, clippy::derive_partial_eq_without_eq)]
        #( #items )*
    }
}

/// A group's model with its shared types under their shared names, and which of its types
/// derive `Default`.
fn renamed_group(krate: &crate::link::CrateModel, g: usize) -> (NormalizedModel, Vec<bool>) {
    let group = &krate.groups[g];
    let mut m = group.model.clone();
    for (i, t) in m.types.iter_mut().enumerate() {
        if let crate::link::Home::Shared(s) = group.homes[i] {
            t.name = krate.shared[s].name.clone();
        }
    }
    let d = defaultable(&m);
    (m, d)
}

/// `shared.rs` of a many-spec crate: every type two or more groups use, each compiled when any
/// of those groups' features is enabled.
pub fn emit_shared_types(krate: &crate::link::CrateModel) -> TokenStream {
    // Each shared type is emitted from its canonical group's model, with the names of shared
    // types replaced by their shared names (a shared type only refers to shared types).
    let mut renamed: std::collections::HashMap<usize, (NormalizedModel, Vec<bool>)> = std::collections::HashMap::new();
    let mut items = Vec::new();
    for st in &krate.shared {
        let (g, id) = st.canonical;
        let (model, defaults) = renamed.entry(g).or_insert_with(|| renamed_group(krate, g));
        let features: Vec<&str> = st.groups.iter().map(|&g| krate.groups[g].feature.as_str()).collect();
        let cfg = quote!(#[cfg(any( #( feature = #features ),* ))]);
        // Shared types carry no conversions: their sources may live in other modules, under
        // other features.
        items.push(emit_type(model, model.ty(id), defaults[id.0], &cfg, &[]));
    }
    for c in &krate.shared_conversions {
        let (g, q, p) = c.seen_in;
        let (model, _) = renamed.entry(g).or_insert_with(|| renamed_group(krate, g));
        let features = |s: usize| krate.shared[s].groups.iter().map(|&g| krate.groups[g].feature.clone()).collect::<Vec<_>>();
        let (qf, pf) = (features(c.target), features(c.source));
        let cfg = quote!(#[cfg(all(any( #( feature = #qf ),* ), any( #( feature = #pf ),* )))]);
        if let TypeKind::Struct { fields, additional } = &model.ty(q).kind {
            items.push(conversion(model, model.ty(q), fields, additional.is_some(), p, &cfg));
        }
    }
    quote! {
        //! Types that two or more API groups share, defined once. Import them through a group
        //! (`<group>::types::Name`): each group re-exports the ones it uses, under its own names.
        #![allow(clippy::large_enum_variant, clippy::derive_partial_eq_without_eq)]
        #( #items )*
    }
}

/// `new(required fields...)` for a type that is sent but cannot derive `Default` (a required
/// enum, date or nested struct without one). Without it a caller must write every optional field
/// in the literal, and each optional field the spec adds later breaks that literal; with it,
/// `T { x: Some(..), ..T::new(a, b) }` keeps compiling. A new required field does break `new`,
/// which is right: the server would reject the old request.
fn constructor(model: &NormalizedModel, t: &TypeDef, fields: &[Field], additional: bool, cfg: &TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let required: Vec<&Field> = fields.iter().filter(|f| !f.optional() && !f.patch).collect();
    let params = required.iter().map(|f| {
        let fname = ident(&f.name);
        let ty = field_type(f, model);
        quote!(#fname: #ty)
    });
    let inits = fields.iter().map(|f| {
        if f.patch || f.optional() {
            absent_init(f)
        } else {
            let fname = ident(&f.name);
            quote!(#fname)
        }
    });
    let rest = additional.then(|| quote!(additional_properties: ::std::collections::BTreeMap::new(),));
    let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let doc = doc_lines(&format!(
        "A `{}` with the required fields given and every optional field left out. Set optional fields with struct update syntax (`..{}::new(...)`), which keeps compiling when the spec adds optional fields.",
        t.name, t.name
    ));
    quote! {
        #cfg
        impl #name {
            #doc
            #allow
            pub fn new( #( #params ),* ) -> Self {
                #name { #( #inits, )* #rest }
            }
        }
    }
}

/// The initializer of a field left out of a value being built: `Patch::Absent` for a three-state
/// field, `None` for an optional one (used by `new` and by conversions).
fn absent_init(f: &Field) -> TokenStream {
    let fname = ident(&f.name);
    if f.patch {
        quote!(#fname: super::runtime::Patch::Absent)
    } else {
        quote!(#fname: None)
    }
}

/// `impl From<&Source> for Target`: each target field from the source field of its wire name
/// (cloned, or converted through the nested type's own `From`), fields the source lacks absent.
fn conversion(model: &NormalizedModel, t: &TypeDef, fields: &[Field], additional: bool, source: TypeId, cfg: &TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let src = model.ty(source);
    let src_name = ident(&src.name);
    let (src_fields, src_additional) = match &src.kind {
        TypeKind::Struct { fields, additional } => (fields.as_slice(), additional.is_some()),
        _ => (&[][..], false),
    };
    let inits = fields.iter().map(|f| {
        let fname = ident(&f.name);
        let Some(g) = src_fields.iter().find(|g| g.wire_name == f.wire_name) else {
            return absent_init(f);
        };
        let gname = ident(&g.name);
        let (one, many) = match (&f.ty, &g.ty) {
            (TypeRef::Named(to), TypeRef::Named(from)) if to != from => {
                // Through the trait's path: a spec type may be named `From`.
                (quote!(::std::convert::From::from(&v.#gname)), quote!(v.#gname.as_ref().map(::std::convert::From::from)))
            }
            _ if is_copy(&g.ty) && !g.boxed => (quote!(v.#gname), quote!(v.#gname)),
            _ => (quote!(v.#gname.clone()), quote!(v.#gname.clone())),
        };
        let value = match (f.patch, f.optional(), g.optional()) {
            (true, _, true) => quote!(super::runtime::Patch::from_option(#many)),
            (true, _, false) => quote!(super::runtime::Patch::Value(#one)),
            (false, true, true) => many,
            (false, true, false) => quote!(Some(#one)),
            (false, false, _) => one,
        };
        quote!(#fname: #value)
    });
    let rest = additional.then(|| {
        if src_additional {
            quote!(additional_properties: v.additional_properties.clone(),)
        } else {
            quote!(additional_properties: ::std::collections::BTreeMap::new(),)
        }
    });
    let doc = doc_lines(&format!(
        "Every field `{}` has, taken from a received `{}` (e.g. to send back what was read, changed); fields it does not have are left out.",
        t.name, src.name
    ));
    quote! {
        #cfg
        impl ::std::convert::From<&#src_name> for #name {
            #doc
            fn from(v: &#src_name) -> Self {
                #name { #( #inits, )* #rest }
            }
        }
    }
}

/// `super::runtime::serde_struct!(Name { 0 field, 1 field "wire": kind, ... });`: the struct's
/// `Serialize` and `Deserialize`, each field with its JSON key where the Rust name is not that
/// key, and its kind where that is not `opt` (the choices the `#[serde(...)]` attributes on a
/// field made before, see `serde_struct_field`).
fn serde_struct(name: &Ident, fields: &[Field], cfg: &TokenStream) -> TokenStream {
    let entries = fields.iter().enumerate().map(|(i, f)| {
        let index = proc_macro2::Literal::usize_unsuffixed(i);
        let fname = ident(&f.name);
        // `stringify!` of the name is the key, unless it differs (a raw identifier differs too).
        let wire = (f.wire_name != f.name).then_some(&f.wire_name);
        let kind = serde_struct_field(f).map(|k| {
            let k = ident(k);
            quote!(: #k)
        });
        quote!(#index #fname #wire #kind)
    });
    quote! {
        #cfg
        super::runtime::serde_struct!(#name { #( #entries ),* });
    }
}

/// A field's kind for `serde_struct!`, `None` for the default `opt`: an `Option` or `Patch` left
/// out when absent, the default when missing.
fn serde_struct_field(f: &Field) -> Option<&'static str> {
    if f.patch {
        None
    } else if f.untyped && f.optional() {
        // A shape without a `type`: any JSON value is valid there (see `Field::untyped`).
        Some(if f.required { "shaped_null" } else { "shaped" })
    } else if f.optional() && f.required {
        Some("null")
    } else if f.optional() {
        None
    } else {
        Some("req")
    }
}

/// The Rust type is `Copy` (numbers, booleans, chrono's date types, options and tuples of
/// them): clippy rejects `.clone()` on those.
fn is_copy(t: &TypeRef) -> bool {
    match t {
        TypeRef::Integer(_) | TypeRef::F32 | TypeRef::F64 | TypeRef::Boolean | TypeRef::DateTime | TypeRef::Date => true,
        TypeRef::Nullable(i) => is_copy(i),
        TypeRef::Tuple(items) => items.iter().all(is_copy),
        _ => false,
    }
}

fn field_type(f: &Field, model: &NormalizedModel) -> TokenStream {
    let base = rust_type(&f.ty, model, &TokenStream::new());
    let base = if f.boxed { quote!(::std::boxed::Box<#base>) } else { base };
    if f.patch {
        quote!(super::runtime::Patch<#base>)
    } else if f.optional() {
        quote!(Option<#base>)
    } else {
        base
    }
}

/// One named type's items; `cfg` (empty, or a `#[cfg(...)]`) goes before each of them.
/// `sources`: the received types to emit `From<&Source>` for (see `normalize::convert`).
fn emit_type(model: &NormalizedModel, t: &TypeDef, default: bool, cfg: &TokenStream, sources: &[TypeId]) -> TokenStream {
    let name = ident(&t.name);
    let docs = doc_attrs(&t.docs);
    match &t.kind {
        TypeKind::Struct { fields, additional } => {
            let redacting = fields.iter().any(|f| f.redacted);
            // `Serialize` and `Deserialize` by the runtime's macro (see `serde_struct` there),
            // except for a struct with additional properties: those need serde's `flatten`,
            // which only the derive implements.
            let derive_serde = additional.is_some();
            let mut derives = vec![quote!(Clone), quote!(PartialEq)];
            if derive_serde {
                derives.extend([quote!(::serde::Serialize), quote!(::serde::Deserialize)]);
            }
            if !redacting {
                derives.insert(0, quote!(Debug));
            }
            if default {
                derives.push(quote!(Default));
            }
            let field_items = fields.iter().map(|f| {
                let fname = ident(&f.name);
                let ty = field_type(f, model);
                let fdocs = doc_attrs(&f.docs);
                let redact_doc = if f.redacted { doc_lines("\nSecret: `Debug` prints it as `[redacted]`.") } else { TokenStream::new() };
                let wire = &f.wire_name;
                let rename = if derive_serde && *wire != f.name { quote!(#[serde(rename = #wire)]) } else { TokenStream::new() };
                let patch_doc = if f.patch {
                    doc_lines("\nLeave it `Patch::Absent` to keep the server's value, `Patch::Null` to clear it.")
                } else {
                    TokenStream::new()
                };
                // Only where serde derives the impls (`serde_struct_field` decides the same for
                // the macro's).
                let opt = match (f.optional(), f.required) {
                    _ if !derive_serde => TokenStream::new(),
                    _ if f.patch => quote!(#[serde(default, skip_serializing_if = "super::runtime::Patch::is_absent")]),
                    (true, false) => quote!(#[serde(default, skip_serializing_if = "Option::is_none")]),
                    (true, true) => quote!(#[serde(default)]),
                    _ => TokenStream::new(),
                };
                // A shape without a `type`: any JSON value is valid there (see `Field::untyped`).
                let lenient = (derive_serde && f.untyped && !f.patch && f.optional())
                    .then(|| quote!(#[serde(deserialize_with = "super::runtime::shaped_or_none")]));
                quote! { #fdocs #redact_doc #patch_doc #rename #opt #lenient pub #fname: #ty, }
            });
            let additional_field = additional.as_ref().map(|a| {
                let v = rust_type(a, model, &TokenStream::new());
                quote! {
                    /// Properties beyond the ones listed above.
                    #[serde(flatten)]
                    pub additional_properties: ::std::collections::BTreeMap<String, #v>,
                }
            });
            let debug_impl = if redacting {
                let entries = fields.iter().map(|f| {
                    let fname = ident(&f.name);
                    let label = &f.name;
                    if f.redacted {
                        if f.patch {
                            quote!(.field(#label, &self.#fname.value().map(|_| "[redacted]")))
                        } else if f.optional() {
                            quote!(.field(#label, &self.#fname.as_ref().map(|_| "[redacted]")))
                        } else {
                            quote!(.field(#label, &"[redacted]"))
                        }
                    } else {
                        quote!(.field(#label, &self.#fname))
                    }
                });
                let extra = additional.as_ref().map(|_| quote!(.field("additional_properties", &self.additional_properties)));
                let label = &t.name;
                quote! {
                    #cfg
                    impl ::std::fmt::Debug for #name {
                        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.debug_struct(#label) #( #entries )* #extra .finish()
                        }
                    }
                }
            } else {
                TokenStream::new()
            };
            let serde_impls = if derive_serde { TokenStream::new() } else { serde_struct(&name, fields, cfg) };
            let conversions = sources.iter().map(|p| conversion(model, t, fields, additional.is_some(), *p, cfg));
            let constructor = if t.directions.request && !default { constructor(model, t, fields, additional.is_some(), cfg) } else { TokenStream::new() };
            quote! {
                #cfg
                #docs
                #[derive( #( #derives ),* )]
                pub struct #name {
                    #( #field_items )*
                    #additional_field
                }
                #serde_impls
                #debug_impl
                #constructor
                #( #conversions )*
            }
        }
        TypeKind::Enum { variants } => {
            let vnames: Vec<Ident> = variants.iter().map(|v| ident(&v.name)).collect();
            let wires: Vec<&String> = variants.iter().map(|v| &v.wire).collect();
            let vdocs = wires.iter().map(|w| doc_lines(&code_span(w)));
            // One known value: it is the default (see `defaultable`).
            let default_derive = if default { quote!(, Default) } else { TokenStream::new() };
            let defaults = vnames.iter().map(|_| if default { quote!(#[default]) } else { TokenStream::new() });
            // The open-enum note: a paragraph after the schema's docs, or the docs themselves.
            let paragraph = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
            quote! {
                #cfg
                #docs
                #paragraph
                /// Open enum: values this client does not know yet decode into `Unknown`.
                /// Compared, hashed and ordered by its wire value.
                #[derive(Debug, Clone #default_derive)]
                pub enum #name {
                    #( #vdocs #defaults #vnames, )*
                    /// A value not in the spec, kept verbatim.
                    Unknown(String),
                }
                #cfg
                impl #name {
                    /// The variant for a wire value (`Unknown` for values not in the spec).
                    pub fn from_wire(value: &str) -> Self {
                        match value {
                            #( #wires => Self::#vnames, )*
                            other => Self::Unknown(other.to_owned()),
                        }
                    }
                    /// The value as sent on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #( Self::#vnames => #wires, )*
                            Self::Unknown(other) => other.as_str(),
                        }
                    }
                }
                // `From<&str>`, `Display`, the comparison traits, `Serialize`, `Deserialize`:
                // the runtime's macro.
                #cfg
                super::runtime::open_enum!(#name);
            }
        }
        TypeKind::Union { tag, variants } => {
            let vnames: Vec<Ident> = variants.iter().map(|v| ident(&v.name)).collect();
            let vtypes: Vec<TokenStream> = variants
                .iter()
                .map(|v| {
                    let t = rust_type(&v.ty, model, &TokenStream::new());
                    if v.boxed {
                        quote!(::std::boxed::Box<#t>)
                    } else {
                        t
                    }
                })
                .collect();
            let vdocs = variants.iter().map(|v| {
                if v.tags.is_empty() {
                    TokenStream::new()
                } else {
                    let tags: Vec<String> = v.tags.iter().map(|t| code_span(t)).collect();
                    doc_lines(&format!("Selected by {}.", tags.join(", ")))
                }
            });
            let deserialize_body = match tag {
                Some(tag) => {
                    let arms = variants.iter().zip(&vnames).map(|(v, n)| {
                        let tags = &v.tags;
                        quote! {
                            #( Some(#tags) )|* => ::serde_json::from_value(value).map(Self::#n).map_err(::serde::de::Error::custom),
                        }
                    });
                    quote! {
                        let tag = value.get(#tag).and_then(::serde_json::Value::as_str).map(::std::string::ToString::to_string);
                        match tag.as_deref() {
                            #( #arms )*
                            _ => ::std::result::Result::Ok(Self::Unknown(value)),
                        }
                    }
                }
                None => {
                    let names: Vec<String> = variants.iter().map(|v| v.name.clone()).collect();
                    let expected = format!("no variant of {} matched ({}); first error: ", t.name, names.join(", "));
                    // Every alternative is tried; the one that leaves the fewest input fields
                    // unexplained wins (the first, on a tie), so a Dog is not read as a Cat
                    // that happens to have all-optional fields.
                    quote! {
                        let mut first_error: Option<::serde_json::Error> = None;
                        let mut best: Option<(usize, Self)> = None;
                        #(
                            match ::serde_json::from_value(value.clone()) {
                                ::std::result::Result::Ok(v) => {
                                    let candidate = Self::#vnames(v);
                                    let missed = super::runtime::unmatched_fields(&value, &candidate);
                                    if missed == 0 {
                                        return ::std::result::Result::Ok(candidate);
                                    }
                                    let better = match &best {
                                        Some((m, _)) => missed < *m,
                                        None => true,
                                    };
                                    if better {
                                        best = Some((missed, candidate));
                                    }
                                }
                                ::std::result::Result::Err(e) => { first_error.get_or_insert(e); }
                            }
                        )*
                        if let Some((_, v)) = best {
                            return ::std::result::Result::Ok(v);
                        }
                        let detail = first_error.map(|e| e.to_string()).unwrap_or_default();
                        ::std::result::Result::Err(::serde::de::Error::custom(::std::format!("{}{}", #expected, detail)))
                    }
                }
            };
            let unknown = if tag.is_some() {
                quote! {
                    /// A variant this client does not know yet, kept as raw JSON.
                    Unknown(::serde_json::Value),
                }
            } else {
                TokenStream::new()
            };
            let unknown_note = if tag.is_some() {
                doc_lines("\nUnknown discriminator values decode into `Unknown`.")
            } else {
                doc_lines("\nDecoded by trying each variant in order; the first that fits wins.")
            };
            quote! {
                #cfg
                #docs
                #unknown_note
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
                #[serde(untagged)]
                pub enum #name {
                    #( #vdocs #vnames(#vtypes), )*
                    #unknown
                }
                #cfg
                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                        let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                        #deserialize_body
                    }
                }
            }
        }
    }
}
