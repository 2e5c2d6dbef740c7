//! Which list operations are paginated, and how ([`Pagination`]).
//!
//! Detection is conservative: a stream is only offered where the operation's shape proves how
//! to get the next page, because a wrong guess would make `stream()` refetch the first page (or
//! stop early) at run time. Shapes recognised, each needing an optional query parameter for the
//! token and one JSON success body:
//! * `page_token` in, `metadata.next` (a URL) or `next_page_token` out (Confluent);
//! * `cursor` in, `next_cursor` out (top level or one object down) or `cursor.next` (Slack and
//!   many others);
//! * `starting_after` in, `has_more: boolean` and `data: [{id, ...}]` out (Stripe);
//! * `page` or `offset` in, a documented `Link` response header out (GitHub);
//! * `x-dropshot-pagination` on the operation, `page_token` in, `{items, next_page}` out;
//! * `x-forge-pagination` on the operation: declared by the spec's author, validated here.

use crate::diag::{child, Diagnostics};
use crate::model::{
    BodyEncoding, Field, Method, NextToken, Operation, PageStyle, Pagination, Param, ParamLocation, ResponseCase, TypeDef,
    TypeKind, TypeRef,
};
use serde_json::Value;

/// The pagination extensions of an operation, read from the spec before its types are known.
#[derive(Debug, Clone, Default)]
pub(super) struct Extensions {
    /// `x-forge-pagination`, as written.
    pub forge: Option<Value>,
    /// `x-dropshot-pagination` is present.
    pub dropshot: bool,
}

impl Extensions {
    /// Reads the extensions of the operation object `op`.
    pub fn read(op: &serde_json::Map<String, Value>) -> Self {
        Extensions { forge: op.get(FORGE).cloned(), dropshot: op.contains_key(DROPSHOT) }
    }
}

const FORGE: &str = "x-forge-pagination";
const DROPSHOT: &str = "x-dropshot-pagination";

/// A path through the body: Rust names with their `Option`-ness.
type Path = Vec<(String, bool)>;

/// How `op` pages, if it does. Errors go to `d` only for a malformed `x-forge-pagination`.
pub(super) fn detect(op: &Operation, types: &[TypeDef], ext: &Extensions, d: &mut Diagnostics) -> Option<Pagination> {
    if let Some(decl) = &ext.forge {
        return declared(op, types, decl, &child(&op.pointer, FORGE), d);
    }
    if op.method != Method::Get {
        return None;
    }
    let ok = single_success(op)?;
    if ext.dropshot {
        let found = dropshot(op, types, ok);
        if found.is_none() {
            d.warn(
                &child(&op.pointer, DROPSHOT),
                "x-dropshot-pagination is not followed: expected an optional `page_token` query parameter and a JSON body with `items` (an array) and `next_page` (a string); no stream is generated",
            );
        }
        return found;
    }
    page_token(op, types, ok).or_else(|| cursor(op, types, ok)).or_else(|| starting_after(op, types, ok)).or_else(|| link_header(op, types, ok))
}

/// The one success response, if there is exactly one.
fn single_success(op: &Operation) -> Option<&ResponseCase> {
    let mut successes = op.responses.iter().filter(|r| r.success);
    let ok = successes.next()?;
    successes.next().is_none().then_some(ok)
}

/// The optional query parameter named one of `names` (a string, or also an integer when
/// `numbers`: page numbers and offsets).
fn token_param<'o>(op: &'o Operation, names: &[&str], numbers: bool) -> Option<&'o Param> {
    op.params.iter().find(|p| {
        p.location == ParamLocation::Query && !p.required && names.contains(&p.wire_name.as_str()) && token_type(&p.ty, numbers)
    })
}

fn token_type(t: &TypeRef, numbers: bool) -> bool {
    *t == TypeRef::String || (numbers && matches!(t, TypeRef::Integer(_)))
}

/// The fields of a struct type.
fn struct_fields<'t>(types: &'t [TypeDef], t: &TypeRef) -> Option<&'t [Field]> {
    match t {
        TypeRef::Named(id) => match &types.get(id.0)?.kind {
            TypeKind::Struct { fields, .. } => Some(fields),
            _ => None,
        },
        _ => None,
    }
}

/// The JSON success body's type.
fn json_body(ok: &ResponseCase) -> Option<&TypeRef> {
    ok.body.as_ref().filter(|b| b.encoding == BodyEncoding::Json).map(|b| &b.ty)
}

fn step(f: &Field) -> (String, bool) {
    (f.name.clone(), f.optional())
}

/// The items array of a page: its only array field, or else the one named `data` or `items`.
fn items_array(fields: &[Field]) -> Option<(&Field, &TypeRef)> {
    let arrays: Vec<&Field> = fields.iter().filter(|f| matches!(f.ty, TypeRef::Array(_))).collect();
    let items = match arrays.as_slice() {
        [one] => *one,
        many => *many.iter().find(|f| f.wire_name == "data" || f.wire_name == "items")?,
    };
    match &items.ty {
        TypeRef::Array(item) => Some((items, item)),
        _ => None,
    }
}

fn string_field<'f>(fields: &'f [Field], names: &[&str]) -> Option<&'f Field> {
    fields.iter().find(|f| names.contains(&f.wire_name.as_str()) && f.ty == TypeRef::String)
}

fn page(style: PageStyle, token: &Param, items: Path, item: &TypeRef, next: NextToken) -> Pagination {
    Pagination { style, token_param: token.name.clone(), token_ty: token.ty.clone(), items, item: item.clone(), next }
}

/// Confluent: `page_token` in; `next_page_token` out, or `metadata.next`, a URL carrying it.
fn page_token(op: &Operation, types: &[TypeDef], ok: &ResponseCase) -> Option<Pagination> {
    let token = token_param(op, &["page_token", "pageToken"], false)?;
    let fields = struct_fields(types, json_body(ok)?)?;
    let (items, item) = items_array(fields)?;
    let next = if let Some(f) = string_field(fields, &["next_page_token", "nextPageToken"]) {
        NextToken::Field(vec![step(f)])
    } else {
        let meta = fields.iter().find(|f| f.wire_name == "metadata")?;
        let next = string_field(struct_fields(types, &meta.ty)?, &["next"])?;
        NextToken::Url { path: vec![step(meta), step(next)], query_param: token.wire_name.clone() }
    };
    Some(page(PageStyle::PageToken, token, vec![step(items)], item, next))
}

/// `cursor` in; `next_cursor` out at the top level or one object down (`response_metadata`,
/// `meta`, ...), or `next` inside an object named `cursor` or `cursors`.
fn cursor(op: &Operation, types: &[TypeDef], ok: &ResponseCase) -> Option<Pagination> {
    const NEXT: &[&str] = &["next_cursor", "nextCursor"];
    let token = token_param(op, &["cursor"], false)?;
    let fields = struct_fields(types, json_body(ok)?)?;
    let (items, item) = items_array(fields)?;
    let path = if let Some(f) = string_field(fields, NEXT) {
        vec![step(f)]
    } else {
        // Fields in spec order: the first object that carries one wins, so the choice is stable.
        fields.iter().find_map(|outer| {
            let inner = struct_fields(types, &outer.ty)?;
            let names: &[&str] = if matches!(outer.wire_name.as_str(), "cursor" | "cursors") { &["next", "next_cursor", "nextCursor"] } else { NEXT };
            string_field(inner, names).map(|f| vec![step(outer), step(f)])
        })?
    };
    Some(page(PageStyle::Cursor, token, vec![step(items)], item, NextToken::Field(path)))
}

/// Stripe: `starting_after` in (the id of the last item seen); `has_more: boolean` and an
/// items array of objects with a string `id` out.
fn starting_after(op: &Operation, types: &[TypeDef], ok: &ResponseCase) -> Option<Pagination> {
    let token = token_param(op, &["starting_after"], false)?;
    let fields = struct_fields(types, json_body(ok)?)?;
    let has_more = fields.iter().find(|f| f.wire_name == "has_more" && f.ty == TypeRef::Boolean)?;
    let (items, item) = items_array(fields)?;
    let id = string_field(struct_fields(types, item)?, &["id"])?;
    let next = NextToken::LastItem { field: step(id), has_more: Some(vec![step(has_more)]) };
    Some(page(PageStyle::StartingAfter, token, vec![step(items)], item, next))
}

/// GitHub: `page` (or `offset`) in, a documented `Link` header out whose `rel="next"` URL
/// carries the next value; the body is the array of items, or an object with one.
fn link_header(op: &Operation, types: &[TypeDef], ok: &ResponseCase) -> Option<Pagination> {
    let token = token_param(op, &["page", "offset"], true)?;
    let header = ok.headers.iter().find(|h| h.wire_name.eq_ignore_ascii_case("link") && h.ty == TypeRef::String)?;
    let body = json_body(ok)?;
    let (items, item) = match body {
        TypeRef::Array(item) => (Vec::new(), &**item),
        other => {
            let (items, item) = items_array(struct_fields(types, other)?)?;
            (vec![step(items)], item)
        }
    };
    let next = NextToken::LinkHeader { header: header.name.clone(), query_param: token.wire_name.clone() };
    Some(page(PageStyle::LinkHeader, token, items, item, next))
}

/// Dropshot (the operation carries `x-dropshot-pagination`): `page_token` in, `items` and
/// `next_page` (the next token, `null` on the last page) out.
fn dropshot(op: &Operation, types: &[TypeDef], ok: &ResponseCase) -> Option<Pagination> {
    let token = token_param(op, &["page_token"], false)?;
    let fields = struct_fields(types, json_body(ok)?)?;
    let items = fields.iter().find(|f| f.wire_name == "items")?;
    let TypeRef::Array(item) = &items.ty else { return None };
    let next = string_field(fields, &["next_page"])?;
    Some(page(PageStyle::Dropshot, token, vec![step(items)], item, NextToken::Field(vec![step(next)])))
}

/// The keys `x-forge-pagination` takes (README, "Pagination").
const DECLARED_KEYS: &[&str] = &["token_param", "items", "next", "next_url", "next_from_last_item", "has_more", "next_from_link_header"];
/// The keys that say where the next token comes from: exactly one is given.
const NEXT_KEYS: &[&str] = &["next", "next_url", "next_from_last_item", "next_from_link_header"];

/// `x-forge-pagination` at `at`: every name it gives must exist with the right type, else an
/// error naming the pointer of the key at fault (and no stream).
fn declared(op: &Operation, types: &[TypeDef], decl: &Value, at: &str, d: &mut Diagnostics) -> Option<Pagination> {
    let Some(obj) = decl.as_object() else {
        d.error(at, "x-forge-pagination must be an object: {token_param, items, next | next_url | next_from_last_item | next_from_link_header}");
        return None;
    };
    let mut fine = true;
    for key in obj.keys().filter(|k| !DECLARED_KEYS.contains(&k.as_str())) {
        d.error(&child(at, key), format!("unknown x-forge-pagination key {key:?} (known: {})", DECLARED_KEYS.join(", ")));
        fine = false;
    }
    let text = |key: &str, d: &mut Diagnostics| -> Option<String> {
        match obj.get(key) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                d.error(&child(at, key), format!("x-forge-pagination {key} must be a string"));
                None
            }
        }
    };
    if op.method != Method::Get {
        d.error(at, format!("x-forge-pagination is only supported on GET operations, not {}", op.method.as_str()));
        return None;
    }
    let Some(ok) = single_success(op) else {
        d.error(at, "x-forge-pagination needs exactly one success response");
        return None;
    };
    let Some(body) = json_body(ok) else {
        d.error(at, "x-forge-pagination needs a JSON success body");
        return None;
    };

    let token = match text("token_param", d) {
        // Not a string: already reported.
        None if obj.contains_key("token_param") => None,
        None => {
            d.error(at, "x-forge-pagination needs token_param: the query parameter that takes the page token");
            None
        }
        Some(name) => {
            let found = op.params.iter().find(|p| p.location == ParamLocation::Query && p.wire_name == name);
            match found {
                Some(p) if !p.required && token_type(&p.ty, true) => Some(p),
                Some(_) => {
                    d.error(&child(at, "token_param"), format!("token_param {name:?} must be an optional string or integer query parameter"));
                    None
                }
                None => {
                    let known: Vec<&str> = op.params.iter().filter(|p| p.location == ParamLocation::Query).map(|p| p.wire_name.as_str()).collect();
                    d.error(&child(at, "token_param"), format!("token_param {name:?} is not a query parameter of this operation (query parameters: {})", list(&known)));
                    None
                }
            }
        }
    };

    // `items`: a dotted path to the array; empty (or absent) when the body is the array.
    let items_text = text("items", d).unwrap_or_default();
    let items = resolve(types, body, &items_text, &child(at, "items"), d).and_then(|(path, t)| match t {
        TypeRef::Array(item) => Some((path, (**item).clone())),
        other => {
            d.error(&child(at, "items"), format!("items {items_text:?} is not an array in the response body (it is {})", kind(other)));
            None
        }
    });

    let given: Vec<&str> = NEXT_KEYS.iter().copied().filter(|k| obj.contains_key(*k)).collect();
    if given.len() != 1 {
        d.error(at, format!("x-forge-pagination needs exactly one of {} (given: {})", NEXT_KEYS.join(", "), list(&given)));
        return None;
    }
    if obj.contains_key("has_more") && given[0] != "next_from_last_item" {
        d.error(&child(at, "has_more"), "has_more only goes with next_from_last_item");
        fine = false;
    }
    let next_at = child(at, given[0]);
    let next = match given[0] {
        "next" | "next_url" => {
            let path_text = text(given[0], d)?;
            let (path, t) = resolve(types, body, &path_text, &next_at, d)?;
            if *t != TypeRef::String {
                d.error(&next_at, format!("{} {path_text:?} must be a string field (it is {})", given[0], kind(t)));
                return None;
            }
            if given[0] == "next" {
                NextToken::Field(path)
            } else {
                NextToken::Url { path, query_param: token?.wire_name.clone() }
            }
        }
        "next_from_last_item" => {
            let field_text = text(given[0], d)?;
            let (_, item) = items.as_ref()?;
            let (path, t) = resolve(types, item, &field_text, &next_at, d)?;
            if *t != TypeRef::String || path.len() != 1 {
                d.error(&next_at, format!("next_from_last_item {field_text:?} must be a string field of the items"));
                return None;
            }
            let has_more = match text("has_more", d) {
                None => None,
                Some(h) => {
                    let (path, t) = resolve(types, body, &h, &child(at, "has_more"), d)?;
                    if *t != TypeRef::Boolean {
                        d.error(&child(at, "has_more"), format!("has_more {h:?} must be a boolean field (it is {})", kind(t)));
                        return None;
                    }
                    Some(path)
                }
            };
            NextToken::LastItem { field: path[0].clone(), has_more }
        }
        _ => {
            if obj.get("next_from_link_header") != Some(&Value::Bool(true)) {
                d.error(&next_at, "next_from_link_header must be true");
                return None;
            }
            let Some(header) = ok.headers.iter().find(|h| h.wire_name.eq_ignore_ascii_case("link") && h.ty == TypeRef::String) else {
                d.error(&next_at, "next_from_link_header needs the success response to document a `Link` header (a string)");
                return None;
            };
            NextToken::LinkHeader { header: header.name.clone(), query_param: token?.wire_name.clone() }
        }
    };
    let (token, (items, item)) = (token?, items?);
    fine.then(|| page(PageStyle::Declared, token, items, &item, next))
}

/// Follows the dotted wire-name `path` from the type `t` (empty: `t` itself), giving the Rust
/// path and the type at its end; an error at `at` names the first field that is not there.
fn resolve<'t>(types: &'t [TypeDef], t: &'t TypeRef, path: &str, at: &str, d: &mut Diagnostics) -> Option<(Path, &'t TypeRef)> {
    let mut out = Vec::new();
    let mut here = t;
    let mut walked: Vec<&str> = Vec::new();
    for name in path.split('.').filter(|s| !s.is_empty()) {
        let where_ = if walked.is_empty() { "the response body".to_string() } else { format!("{:?}", walked.join(".")) };
        let Some(fields) = struct_fields(types, here) else {
            d.error(at, format!("{path:?}: {where_} is not an object with fields (it is {}), so it has no {name:?}", kind(here)));
            return None;
        };
        let Some(f) = fields.iter().find(|f| f.wire_name == name) else {
            let known: Vec<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
            d.error(at, format!("{path:?}: {where_} has no field {name:?} (fields: {})", list(&known)));
            return None;
        };
        out.push(step(f));
        walked.push(name);
        here = &f.ty;
    }
    Some((out, here))
}

fn list(names: &[&str]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// What a type is, for diagnostics.
fn kind(t: &TypeRef) -> &'static str {
    match t {
        TypeRef::String => "a string",
        TypeRef::Boolean => "a boolean",
        TypeRef::Integer(_) => "an integer",
        TypeRef::Array(_) => "an array",
        TypeRef::Named(_) => "a named type",
        TypeRef::Nullable(_) => "a nullable value",
        TypeRef::Map(_) | TypeRef::JsonObject => "a map",
        _ => "another kind of value",
    }
}
