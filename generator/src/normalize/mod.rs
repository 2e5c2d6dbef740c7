//! Normalize layer: raw spec to [`NormalizedModel`]. Operations, parameters, bodies and
//! responses are read from the one JSON tree the schemas are read from, each with the JSON
//! pointer it sits at (the loader has already checked the document's structure); `$ref`s to any
//! local pointer are followed. Schemas go through [`schema::SchemaGraph`] and
//! [`dedup::materialize`]; operations are built once with graph nodes in their type slots and
//! mapped to types after that.

mod convert;
pub mod dedup;
pub mod lint;
mod multipart;
mod pagination;
pub mod schema;

use crate::diag::{child, Diagnostics, GenerateError};
use crate::load::RawSpec;
use crate::model::{
    ApiInfo, AuthKind, BodyEncoding, Docs, HeaderDef, Method, NormalizedModel, Operation, Param, ParamLocation,
    RequestBody, ResponseBody, ResponseCase, SecurityScheme, StatusMatch, TypeRef,
};
use crate::naming::{type_ident, value_ident, Scope};
use schema::{Direction, Origin, SchemaGraph, Use};
use serde_json::{Map, Value};

/// What fills a type slot of an operation while the schema graph is still being built.
#[derive(Debug, Clone)]
enum Slot {
    /// A graph node, resolved to its type once the graph is deduplicated and named.
    Node(Use),
    /// A response header's node: resolved, then narrowed to what a header can be parsed as.
    Header(Use),
    /// A type known up front (text and byte bodies, bodies without a schema).
    Fixed(TypeRef),
}

/// An operation built once, with graph nodes in its type slots; mapped to the model's
/// [`Operation`] after `dedup::materialize`.
type Draft = Operation<Slot>;

const METHODS: &[(&str, Method)] = &[
    ("get", Method::Get),
    ("put", Method::Put),
    ("post", Method::Post),
    ("delete", Method::Delete),
    ("options", Method::Options),
    ("head", Method::Head),
    ("patch", Method::Patch),
    ("trace", Method::Trace),
];

/// Builds the normalized model of a loaded spec (on a big stack: schemas are walked
/// recursively, up to their nesting limit).
pub fn normalize(spec: &RawSpec) -> Result<NormalizedModel, GenerateError> {
    // Diagnostics on parts bundled from other files name those files (the loader's are moved
    // already; moving twice changes nothing).
    match crate::stack::on_big_stack("normalize", || normalize_here(spec)) {
        Ok(mut model) => {
            spec.provenance.relocate_all(&mut model.warnings);
            Ok(model)
        }
        Err(mut e) => {
            spec.provenance.relocate_all(&mut e.diagnostics);
            Err(e)
        }
    }
}

fn normalize_here(spec: &RawSpec) -> Result<NormalizedModel, GenerateError> {
    let mut d = Diagnostics::new(&spec.file);
    let mut graph = SchemaGraph::new(&spec.root);
    // Methods `Client` already has (the runtime's, public and private, and derived ones).
    let mut fn_scope = Scope::with_reserved(&[
        "new", "builder", "base_url", "execute", "clone", "fmt", "prepare", "attempt", "retry_policy", "http_client",
        "has_credentials", "max_response_bytes", "send_once", "to_owned", "eq", "page_limits", "deadline", "transport", "same_transport", "with_base_url", "with_basic_auth", "with_bearer_token", "deref",
    ]);
    let mut prefix_scope = Scope::default();
    let mut seen_ids: Vec<(String, String)> = Vec::new();
    let mut drafts = Vec::new();
    let root = &spec.root;
    let doc_security = root.get("security");
    let mut default_server = first_server(root.get("servers"));
    let mut scheme_names: Vec<String> = Vec::new();

    let paths = root.get("paths").and_then(Value::as_object).into_iter().flatten();
    for (path, item) in paths {
        if path.starts_with("x-") {
            continue;
        }
        let item_ptr = child("#/paths", path);
        // A query string in a path key (`/users?active=true`) is not OpenAPI, but real specs
        // have it: the operation is made for the path alone, and the fixed query said not to be
        // sent (rather than reported as undeclared path parameters, which hides the cause).
        let path = match path.split_once('?') {
            Some((bare, query)) => {
                d.warn(
                    &item_ptr,
                    format!("path key {path:?} has a query string, which OpenAPI path keys cannot have: generated for {bare:?}; `?{query}` itself is not sent, only declared query parameters are"),
                );
                bare
            }
            None => path.as_str(),
        };
        // A path item may itself be a `$ref` (to `#/components/pathItems/...` or any pointer).
        let Some((item, item_ptr)) = resolve_local(root, item, item_ptr, "path item", &mut d) else { continue };
        for (mname, method) in METHODS {
            let Some(op) = item.get(*mname).and_then(Value::as_object) else { continue };
            let op_ptr = child(&item_ptr, mname);
            if default_server.is_none() {
                default_server = first_server(op.get("servers")).or_else(|| first_server(item.get("servers")));
            } else if let Some(own) = first_server(op.get("servers")) {
                if Some(&own) != default_server.as_ref() {
                    d.warn(&child(&op_ptr, "servers"), format!("operation-level server {own:?} is not applied: the client's base URL is used"));
                }
            }
            let operation_id = match op.get("operationId").and_then(Value::as_str) {
                Some(id) if !id.trim().is_empty() => id.to_string(),
                _ => {
                    let made = format!("{mname} {path}");
                    d.warn(&op_ptr, format!("no operationId: named {:?}", value_ident(&made, "op")));
                    made
                }
            };
            let folded = value_ident(&operation_id, "op");
            if let Some((_, other)) = seen_ids.iter().find(|(id, _)| *id == operation_id) {
                d.error(&child(&op_ptr, "operationId"), format!("duplicate operationId {operation_id:?} (also at {other})"));
                continue;
            }
            seen_ids.push((operation_id.clone(), op_ptr.clone()));
            let fn_name = fn_scope.claim(folded);
            let type_prefix = prefix_scope.claim(type_ident(&operation_id, "Op"));
            // An operation's own `security` replaces the document's (an empty list: no auth).
            let mut security: Vec<String> = Vec::new();
            for requirement in op.get("security").or(doc_security).and_then(Value::as_array).into_iter().flatten() {
                for k in requirement.as_object().into_iter().flat_map(|r| r.keys()) {
                    if !security.contains(k) {
                        security.push(k.clone());
                    }
                }
            }
            for s in &security {
                if !scheme_names.contains(s) {
                    scheme_names.push(s.clone());
                }
            }
            let text = |key: &str| op.get(key).and_then(Value::as_str).map(str::to_string);
            let docs = Docs {
                title: text("summary"),
                description: text("description"),
                lifecycle: text("x-lifecycle-stage"),
                deprecated: op.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
                ..Docs::default()
            };
            let mut draft: Draft = Operation {
                    operation_id,
                    fn_name,
                    type_prefix: type_prefix.clone(),
                    method: *method,
                    path: path.to_string(),
                    docs,
                    params: Vec::new(),
                    body: None,
                    responses: Vec::new(),
                    security,
                    pointer: op_ptr.clone(),
                    pagination: None,
                    sensitive: false,
                    type_names: Default::default(),
                    tags: op
                        .get("tags")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect(),
            };
            let params_read = read_params(root, [(item.get("parameters"), item_ptr.as_str()), (op.get("parameters"), op_ptr.as_str())], &mut graph, &mut draft, &mut d);
            read_body(root, op, &op_ptr, &mut graph, &mut draft, &mut d);
            read_responses(root, op, &op_ptr, &mut graph, &mut draft, &mut d);
            default_as_success(&mut draft);
            check_path_params(&mut draft, &op_ptr, params_read, &mut d);
            drafts.push((draft, pagination::Extensions::read(op)));
        }
    }

    let hooks = read_webhooks(root, &mut graph, &mut d);
    graph.drain(&mut d);
    let space = dedup::materialize(&graph.nodes, &graph.body_roles);
    let nodes = &graph.nodes;
    let resolve = |u: &Use| space.type_ref(nodes, u.node);
    let mut operations = Vec::with_capacity(drafts.len());
    for (draft, paging) in drafts {
        let mut op = draft.map_types(&mut |slot| match slot {
            Slot::Node(u) => resolve(&u),
            Slot::Header(u) => header_type(resolve(&u)),
            Slot::Fixed(t) => t,
        });
        drop_request_id_header(&mut op);
        op.sensitive = operation_sensitive(&op, &space.types);
        op.pagination = pagination::detect(&op, &space.types, &paging, &mut d);
        operations.push(op);
    }
    crate::naming::name_operation_types(&mut operations);
    let webhooks = hooks
        .into_iter()
        .map(|(name, method, pointer, payload)| crate::model::Webhook { name, method, pointer, payload: payload.map(|(mt, u)| (mt, resolve(&u))) })
        .collect();

    let mut examples: Vec<crate::model::SchemaExample> = Vec::new();
    for (node, nullable, value, pointer) in &graph.examples {
        let ty = resolve(&Use { node: *node, nullable: *nullable });
        if !example_can_fail(&ty) || examples.iter().any(|e| e.ty == ty && e.value == *value) {
            continue;
        }
        examples.push(crate::model::SchemaExample { pointer: pointer.clone(), ty, nullable: *nullable, value: value.clone() });
    }
    let security_schemes = read_security_schemes(root, &scheme_names, &mut d);
    if let Some(url) = &default_server {
        if url.starts_with('/') || !url.contains("://") {
            d.warn("#/servers", format!("server URL {url:?} is relative: the default base URL is http://localhost{url}; set ClientBuilder::base_url"));
            default_server = Some(format!("http://localhost{}", if url.starts_with('/') { url.clone() } else { format!("/{url}") }));
        }
    }
    let mut warnings = spec.warnings.clone();
    warnings.extend(d.finish()?);
    let info = |key: &str| root.get("info").and_then(|i| i.get(key)).and_then(Value::as_str).map(str::to_string);
    Ok(NormalizedModel {
        api: ApiInfo {
            title: info("title").unwrap_or_default(),
            version: info("version").unwrap_or_default(),
            description: info("description"),
            default_server,
            security_schemes,
        },
        types: space.types,
        operations,
        warnings,
        examples,
        webhooks,
    })
}

/// A webhook as read before the types are known: name, method, pointer, payload media type and node.
type HookDraft = (String, Method, String, Option<(String, Use)>);

/// The webhooks (OpenAPI 3.1): for each, the type of its request body is built as a type the
/// client receives (readOnly properties kept), so that a receiver can decode the payloads. No
/// client method is made for them (the loader warns so, at `#/webhooks`).
fn read_webhooks(root: &Value, graph: &mut SchemaGraph<'_>, d: &mut Diagnostics) -> Vec<HookDraft> {
    let mut out = Vec::new();
    let mut scope = Scope::default();
    for (name, item) in root.get("webhooks").and_then(Value::as_object).into_iter().flatten() {
        if name.starts_with("x-") {
            continue;
        }
        let Some((item, item_ptr)) = resolve_local(root, item, child("#/webhooks", name), "path item", d) else { continue };
        let methods: Vec<&(&str, Method)> = METHODS.iter().filter(|(m, _)| item.get(*m).is_some_and(Value::is_object)).collect();
        for (mname, method) in &methods {
            let Some(op) = item.get(*mname).and_then(Value::as_object) else { continue };
            let op_ptr = child(&item_ptr, mname);
            let base = if methods.len() > 1 { format!("{name} {mname} Webhook") } else { format!("{name} Webhook") };
            let root_name = scope.claim(type_ident(&base, "Webhook"));
            let mut payload = None;
            if let Some(body) = op.get("requestBody") {
                if let Some((body, bptr)) = resolve_local(root, body, child(&op_ptr, "requestBody"), "request body", d) {
                    if let Some((mt, media, encoding)) = pick_content(body.get("content")) {
                        let sptr = child(&child(&child(&bptr, "content"), mt), "schema");
                        if let (Some(schema), BodyEncoding::Json | BodyEncoding::Form) = (media.get("schema"), encoding) {
                            let u = graph.build(schema, &sptr, Direction::Response, Origin::Root(root_name), d);
                            // The payload's own examples must decode too (like response examples).
                            let mptr = child(&child(&bptr, "content"), mt);
                            if let Some(ex) = media.get("example") {
                                graph.examples.push((u.node, u.nullable, ex.clone(), child(&mptr, "example")));
                            }
                            for (k, ex) in media.get("examples").and_then(Value::as_object).into_iter().flatten() {
                                if let Some(v) = ex.as_object().filter(|e| !e.contains_key("$ref")).and_then(|e| e.get("value")) {
                                    graph.examples.push((u.node, u.nullable, v.clone(), child(&child(&child(&mptr, "examples"), k), "value")));
                                }
                            }
                            payload = Some((mt.clone(), u));
                        }
                    }
                }
            }
            out.push((name.clone(), *method, op_ptr, payload));
        }
    }
    out
}

/// Headers are parsed as integers or strings; anything richer stays a string.
/// The response header the runtime reads on every response, success or error
/// (`Response::request_id`, `Error::request_id`, `ApiError::request_id`): `REQUEST_ID_HEADER` in
/// `templates/runtime/response.rs` (a test keeps the two equal).
pub(crate) const RUNTIME_REQUEST_ID_HEADER: &str = "x-request-id";

/// Leaves the request id out of the documented headers when it is text: every response already
/// carries it as `request_id`, so a typed field would say the same thing twice, and a header
/// struct holding only it (most Confluent errors) would be a type for nothing. A request id
/// documented as a number keeps its typed field.
fn drop_request_id_header(op: &mut Operation) {
    for case in &mut op.responses {
        case.headers.retain(|h| !(h.wire_name.eq_ignore_ascii_case(RUNTIME_REQUEST_ID_HEADER) && h.ty == TypeRef::String));
    }
}

fn header_type(t: TypeRef) -> TypeRef {
    match t {
        TypeRef::Integer(_) | TypeRef::Boolean | TypeRef::F64 | TypeRef::F32 => t,
        _ => TypeRef::String,
    }
}

/// Where the schema of a parameter or header is: `schema`, or the schema of its first
/// `content` entry; and whether it came from `content` with a JSON media type.
fn param_schema<'r>(p: &'r Map<String, Value>, ptr: &str) -> Option<(&'r Value, String, bool)> {
    if let Some(s) = p.get("schema") {
        return Some((s, child(ptr, "schema"), false));
    }
    let content = p.get("content")?.as_object()?;
    content.iter().find_map(|(mt, m)| {
        let s = m.get("schema")?;
        Some((s, child(&child(&child(ptr, "content"), mt), "schema"), mt.to_ascii_lowercase().contains("json")))
    })
}

/// Follows `$ref`s (to any local JSON pointer, through chains) from `value` at `ptr` to the
/// object they name, and that object's pointer. `what` names the expected kind in messages.
fn resolve_local<'r>(root: &'r Value, value: &'r Value, ptr: String, what: &str, d: &mut Diagnostics) -> Option<(&'r Map<String, Value>, String)> {
    let mut current = value;
    let mut at = ptr.clone();
    for _ in 0..16 {
        let obj = current.as_object()?;
        let Some(reference) = obj.get("$ref") else { return Some((obj, at)) };
        let Some(reference) = reference.as_str() else {
            d.error(&child(&at, "$ref"), format!("$ref must be a string, found {}", crate::json::kind_of(reference)));
            return None;
        };
        let Some(fragment) = reference.strip_prefix('#') else {
            d.error(&at, format!("$ref {reference:?} points outside this file; only local `#/...` references are supported"));
            return None;
        };
        match crate::json::lookup_pointer(root, fragment) {
            Some(next) => {
                warn_wrong_section(&at, reference, fragment, what, d);
                current = next;
                at = format!("#{fragment}");
            }
            None => {
                d.error(&at, format!("$ref {reference:?} points to nothing (expected a {what})"));
                return None;
            }
        }
    }
    d.error(&ptr, "$ref chain too long or cyclic");
    None
}

/// A `$ref` used as one kind that names another section's entry (a response that is
/// `#/components/requestBodies/X`) is read as the kind it is used as, with a warning: both have
/// `content`, and refusing a spec that is usable would be wrong.
fn warn_wrong_section(at: &str, reference: &str, fragment: &str, what: &str, d: &mut Diagnostics) {
    const SECTIONS: &[(&str, &str)] = &[
        ("schemas", "schema"),
        ("responses", "response"),
        ("parameters", "parameter"),
        ("examples", "example"),
        ("requestBodies", "request body"),
        ("headers", "header"),
        ("securitySchemes", "security scheme"),
        ("links", "link"),
        ("callbacks", "callback"),
        ("pathItems", "path item"),
    ];
    let Some(section) = fragment.strip_prefix("/components/").and_then(|r| r.split('/').next()) else { return };
    let Some((_, named)) = SECTIONS.iter().find(|(s, _)| *s == section) else { return };
    if *named != what && SECTIONS.iter().any(|(_, w)| *w == what) {
        d.warn(at, format!("$ref {reference:?} is used as a {what} but names a {named} (`components/{section}`): its content is read as a {what}"));
    }
}

/// The parameters of an operation: the path item's, then the operation's, which override a
/// path-level one with the same name and location.
///
/// Returns false when a parameter could not be read (its `$ref` was refused, with an error):
/// then the path parameters it may have declared are not reported again as undeclared.
fn read_params(root: &Value, lists: [(Option<&Value>, &str); 2], graph: &mut SchemaGraph<'_>, draft: &mut Draft, d: &mut Diagnostics) -> bool {
    let mut all: Vec<(&Map<String, Value>, String)> = Vec::new();
    let mut complete = true;
    for (list, base) in lists {
        for (i, p) in list.and_then(Value::as_array).into_iter().flatten().enumerate() {
            let ptr = child(&child(base, "parameters"), &i.to_string());
            let Some((p, pptr)) = resolve_local(root, p, ptr, "parameter", d) else {
                complete = false;
                continue;
            };
            let key = |q: &Map<String, Value>| (q.get("name").and_then(Value::as_str).map(str::to_string), q.get("in").and_then(Value::as_str).map(str::to_string));
            all.retain(|(q, _)| key(q) != key(p));
            all.push((p, pptr));
        }
    }
    let mut scope = Scope::with_reserved(crate::naming::REQUEST_RESERVED);
    for (p, pptr) in all {
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        let flag = |key: &str| p.get(key).and_then(Value::as_bool);
        let mut style = crate::model::ParamStyle::Form;
        let (location, explode) = match p.get("in").and_then(Value::as_str) {
            Some("path") => (ParamLocation::Path, false),
            Some("query") => {
                style = match p.get("style").and_then(Value::as_str) {
                    None | Some("form") => crate::model::ParamStyle::Form,
                    Some("spaceDelimited") => crate::model::ParamStyle::SpaceDelimited,
                    Some("pipeDelimited") => crate::model::ParamStyle::PipeDelimited,
                    Some("deepObject") => crate::model::ParamStyle::DeepObject,
                    Some(other) => {
                        d.warn(&pptr, format!("query style {other:?} is not a query style: sent as `form`"));
                        crate::model::ParamStyle::Form
                    }
                };
                if flag("allowReserved") == Some(true) {
                    // Percent-encoded reserved characters mean the same to servers that decode
                    // the query, which is what RFC 3986 asks of them.
                    d.warn(&child(&pptr, "allowReserved"), "`allowReserved` is not honoured: reserved characters are sent percent-encoded");
                }
                (ParamLocation::Query, flag("explode").unwrap_or(true))
            }
            Some("header") => (ParamLocation::Header, false),
            _ => {
                let place = p.get("in").and_then(Value::as_str).unwrap_or("cookie");
                d.warn(&pptr, format!("{place} parameter {name:?} is not supported and is not sent"));
                continue;
            }
        };
        let root_name = format!("{}{}", draft.type_prefix, type_ident(&name, "Param"));
        let schema = param_schema(p, &pptr);
        let u = match &schema {
            Some((v, sptr, _)) => graph.build(v, sptr, Direction::Request, Origin::Root(root_name), d),
            None => {
                d.warn(&pptr, "parameter without a schema: sent as a string");
                let fake = Value::Object(serde_json::Map::from_iter([("type".to_string(), Value::String("string".into()))]));
                graph.build(&fake, &pptr, Direction::Request, Origin::Root(root_name), d)
            }
        };
        let required = flag("required").unwrap_or(false) || location == ParamLocation::Path;
        // `content: {application/json: ...}` instead of `schema`: the value travels as JSON text.
        let json_content = schema.as_ref().is_some_and(|(_, _, json)| *json);
        let mut notes = Vec::new();
        if let Some(default) = schema.as_ref().and_then(|(v, _, _)| v.get("default")) {
            // The server applies its own default when the parameter is left out; say which.
            notes.push(format!("Server default when omitted: `{}`.", default.to_string().replace('`', "'")));
        }
        let redacted = schema.as_ref().is_some_and(|(v, _, _)| graph.secret(v));
        draft.params.push(Param {
            name: scope.claim(value_ident(&name, "param")),
            wire_name: name,
            location,
            ty: Slot::Node(u),
            required,
            explode,
            style,
            json_content,
            redacted,
            docs: Docs {
                description: p.get("description").and_then(Value::as_str).map(str::to_string),
                deprecated: flag("deprecated").unwrap_or(false),
                notes,
                ..Docs::default()
            },
        });
    }
    complete
}

/// How a media type is encoded: JSON (also `+json`), form, text, or bytes.
fn encoding_of(mt: &str) -> BodyEncoding {
    let base = mt.split(';').next().unwrap_or(mt).trim().to_ascii_lowercase();
    if base == "application/json" || base.ends_with("+json") {
        BodyEncoding::Json
    } else if base == "application/x-www-form-urlencoded" {
        BodyEncoding::Form
    } else if base.starts_with("text/") {
        BodyEncoding::Text
    } else {
        BodyEncoding::Bytes
    }
}

/// Picks the media type to use from a content map: JSON first, then form, then the rest.
fn pick_content(content: Option<&Value>) -> Option<(&String, &Map<String, Value>, BodyEncoding)> {
    let rank = |e: BodyEncoding| match e {
        BodyEncoding::Json => 0,
        BodyEncoding::Form => 1,
        BodyEncoding::Bytes => 2,
        BodyEncoding::Text => 3,
    };
    content?
        .as_object()?
        .iter()
        .filter_map(|(k, v)| Some((k, v.as_object()?, encoding_of(k))))
        .min_by_key(|(_, _, e)| rank(*e))
}

fn read_body(root: &Value, op: &Map<String, Value>, op_ptr: &str, graph: &mut SchemaGraph<'_>, draft: &mut Draft, d: &mut Diagnostics) {
    let Some(body) = op.get("requestBody") else { return };
    let Some((body, bptr)) = resolve_local(root, body, child(op_ptr, "requestBody"), "request body", d) else { return };
    let Some((mt, media, encoding)) = pick_content(body.get("content")) else {
        d.warn(&bptr, "request body without content: ignored");
        return;
    };
    let mptr = child(&child(&bptr, "content"), mt);
    let base = mt.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let multipart = if base == "multipart/form-data" { multipart::plan(root, media.get("schema"), media, &mptr, d) } else { None };
    let form_fields = if encoding == BodyEncoding::Form { multipart::form_fields(media, &mptr, d) } else { Vec::new() };
    if base.starts_with("multipart/") && multipart.is_none() {
        d.warn(&mptr, "multipart body without listed properties (or not form-data): the method takes the encoded body and its Content-Type (with the boundary)");
    }
    if body.get("content").and_then(Value::as_object).is_some_and(|c| c.len() > 1) {
        d.warn(&child(&bptr, "content"), format!("several request media types: the client sends {mt}"));
    }
    let sptr = child(&child(&child(&bptr, "content"), mt), "schema");
    let schema = media.get("schema");
    let origin = || Origin::Root(format!("{}Request", draft.type_prefix));
    let u = match schema {
        Some(v) => graph.build(v, &sptr, Direction::Request, origin(), d),
        None => {
            let fake = Value::Object(serde_json::Map::from_iter([(
                "type".to_string(),
                Value::String(if encoding == BodyEncoding::Json { "object" } else { "string" }.into()),
            )]));
            graph.build(&fake, &bptr, Direction::Request, origin(), d)
        }
    };
    graph.body_roles.push((u.node, crate::naming::types::verb_of(&draft.type_prefix)));
    draft.body = Some(RequestBody {
        content_type: mt.clone(),
        encoding,
        ty: Slot::Node(u),
        multipart,
        form_fields,
        required: body.get("required").and_then(Value::as_bool).unwrap_or(false),
        redacted: schema.is_some_and(|v| graph.secret(v)),
        docs: Docs { description: body.get("description").and_then(Value::as_str).map(str::to_string), ..Docs::default() },
    });
}

/// A response key as a status: `200`, `2XX` (any case) or `default`; `None` for anything else
/// (the loader has already refused such keys).
fn status_of(code: &str) -> Option<StatusMatch> {
    if code == "default" {
        return Some(StatusMatch::Default);
    }
    let b = code.as_bytes();
    if b.len() != 3 {
        return None;
    }
    if let Ok(n) = code.parse::<u16>() {
        return (100..=999).contains(&n).then_some(StatusMatch::Code(n));
    }
    match [b[0], b[1].to_ascii_uppercase(), b[2].to_ascii_uppercase()] {
        [n @ b'0'..=b'9', b'X', b'X'] => Some(StatusMatch::Range(u16::from(n - b'0'))),
        _ => None,
    }
}

/// Variant names for documented statuses.
pub fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Default => "Default".into(),
        StatusMatch::Range(h) => format!("Status{h}xx"),
        StatusMatch::Code(c) => match c {
            200 => "Ok".into(),
            201 => "Created".into(),
            202 => "Accepted".into(),
            204 => "NoContent".into(),
            400 => "BadRequest".into(),
            401 => "Unauthorized".into(),
            402 => "PaymentRequired".into(),
            403 => "Forbidden".into(),
            404 => "NotFound".into(),
            405 => "MethodNotAllowed".into(),
            406 => "NotAcceptable".into(),
            408 => "RequestTimeout".into(),
            409 => "Conflict".into(),
            410 => "Gone".into(),
            412 => "PreconditionFailed".into(),
            413 => "PayloadTooLarge".into(),
            415 => "UnsupportedMediaType".into(),
            422 => "UnprocessableEntity".into(),
            429 => "TooManyRequests".into(),
            500 => "InternalServerError".into(),
            501 => "NotImplemented".into(),
            502 => "BadGateway".into(),
            503 => "ServiceUnavailable".into(),
            504 => "GatewayTimeout".into(),
            other => format!("Status{other}"),
        },
    }
}

fn read_responses(root: &Value, op: &Map<String, Value>, op_ptr: &str, graph: &mut SchemaGraph<'_>, draft: &mut Draft, d: &mut Diagnostics) {
    let rptr_base = child(op_ptr, "responses");
    let mut entries: Vec<(StatusMatch, &Value, String)> = Vec::new();
    for (code, r) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
        if let Some(status) = status_of(code) {
            entries.push((status, r, child(&rptr_base, code)));
        }
    }
    entries.sort_by_key(|e| e.0);
    for (status, r, ptr) in entries {
        let Some((resp, rptr)) = resolve_local(root, r, ptr, "response", d) else { continue };
        let success = match status {
            StatusMatch::Code(c) => c < 400,
            StatusMatch::Range(h) => h < 4,
            StatusMatch::Default => false,
        };
        let variant = status_variant(status);
        let role = if success { "Response".to_string() } else { format!("{variant}Body") };
        let role = if success && draft.responses.iter().any(|c| c.success) { format!("{variant}Response") } else { role };
        let root_name = format!("{}{}", draft.type_prefix, role);
        let body = match pick_content(resp.get("content")) {
            Some((mt, media, encoding)) => {
                let sptr = child(&child(&child(&rptr, "content"), mt), "schema");
                let schema = media.get("schema");
                let u = schema.map(|v| graph.build(v, &sptr, Direction::Response, Origin::Root(root_name.clone()), d));
                let mut examples: Vec<Value> = media.get("example").into_iter().cloned().collect();
                for ex in media.get("examples").and_then(Value::as_object).into_iter().flat_map(|m| m.values()) {
                    // Example Objects given inline; `$ref`'d ones are left out.
                    if let Some(v) = ex.as_object().filter(|e| !e.contains_key("$ref")).and_then(|e| e.get("value")) {
                        examples.push(v.clone());
                    }
                }
                let ty = match (encoding, u) {
                    (BodyEncoding::Json | BodyEncoding::Form, Some(u)) => Slot::Node(u),
                    (BodyEncoding::Json | BodyEncoding::Form, None) => Slot::Fixed(TypeRef::Any),
                    (BodyEncoding::Text, _) => Slot::Fixed(TypeRef::String),
                    (BodyEncoding::Bytes, _) => Slot::Fixed(TypeRef::Binary),
                };
                let redacted = schema.is_some_and(|v| graph.secret(v));
                Some(ResponseBody { content_type: mt.clone(), encoding, ty, examples, redacted })
            }
            None => None,
        };
        let mut headers = Vec::new();
        let mut hscope = Scope::default();
        for (name, h) in resp.get("headers").and_then(Value::as_object).into_iter().flatten() {
            let hptr = child(&child(&rptr, "headers"), name);
            let Some((h, hptr)) = resolve_local(root, h, hptr, "header", d) else { continue };
            let u = match param_schema(h, &hptr) {
                Some((v, sptr, _)) => graph.build(v, &sptr, Direction::Response, Origin::Root(format!("{root_name}{}", type_ident(name, "Header"))), d),
                None => {
                    let fake = Value::Object(serde_json::Map::from_iter([("type".to_string(), Value::String("string".into()))]));
                    graph.build(&fake, &hptr, Direction::Response, Origin::Leaf, d)
                }
            };
            headers.push(HeaderDef {
                name: hscope.claim(value_ident(name, "header")),
                wire_name: name.clone(),
                ty: Slot::Header(u),
                docs: Docs { description: h.get("description").and_then(Value::as_str).map(str::to_string), ..Docs::default() },
            });
        }
        let description = resp.get("description").and_then(Value::as_str).unwrap_or_default().to_string();
        draft.responses.push(ResponseCase { status, success, variant, description, body, headers, headers_type: None });
    }
}

/// An operation that documents only `default` (petstore's `createUser`) still succeeds on 2XX:
/// the default response doubles as the 2XX success case.
fn default_as_success(draft: &mut Draft) {
    if draft.responses.iter().any(|c| c.success) {
        return;
    }
    let Some(i) = draft.responses.iter().position(|c| c.status == StatusMatch::Default) else { return };
    let mut ok = draft.responses[i].clone();
    ok.status = StatusMatch::Range(2);
    ok.success = true;
    ok.variant = "Ok".into();
    draft.responses.insert(i, ok);
}

fn check_path_params(draft: &mut Draft, op_ptr: &str, params_read: bool, d: &mut Diagnostics) {
    // Declared path parameters the template does not use cannot be sent: drop them.
    let template = draft.path.clone();
    draft.params.retain(|p| {
        let used = p.location != ParamLocation::Path || template.contains(&format!("{{{}}}", p.wire_name));
        if !used {
            d.warn(&child(op_ptr, "parameters"), format!("path parameter {:?} is not in the path {template}: ignored", p.wire_name));
        }
        used
    });
    // Path parameters become method arguments in the order they appear in the URL, whatever
    // order the spec declares them in: `(environment_id, kafka_cluster_id, connector_name)` for
    // `/environments/{environment_id}/clusters/{kafka_cluster_id}/connectors/{connector_name}`,
    // so that same-typed arguments read like the path they fill. Other parameters keep their
    // order after them.
    let position = |p: &Param<Slot>| match p.location {
        ParamLocation::Path => template.find(&format!("{{{}}}", p.wire_name)).unwrap_or(usize::MAX),
        _ => usize::MAX,
    };
    draft.params.sort_by_key(|p| (p.location != ParamLocation::Path, position(p)));
    let draft = &*draft;
    let path = &draft.path;
    let mut rest = path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        let name = &rest[start + 1..start + len];
        if params_read && !draft.params.iter().any(|p| p.location == ParamLocation::Path && p.wire_name == name) {
            d.error(&child(op_ptr, "parameters"), format!("path parameter {{{name}}} of {path} is not declared"));
        }
        rest = &rest[start + len + 1..];
    }
}

/// The security schemes operations use, read from the JSON tree: `http` basic and bearer, and
/// `apiKey` in a header or the query, are applied by the client; any other defined scheme (oauth2,
/// OpenID Connect, mutual TLS, keys in cookies) is kept as `Other` with a warning; only a scheme
/// that is used but not defined at all is inferred from its name.
fn read_security_schemes(root: &Value, used: &[String], d: &mut Diagnostics) -> Vec<SecurityScheme> {
    let defined = root.get("components").and_then(|c| c.get("securitySchemes")).and_then(Value::as_object);
    let mut out = Vec::new();
    for name in used {
        let ptr = child("#/components/securitySchemes", name);
        let Some(scheme) = defined.and_then(|m| m.get(name)).and_then(|v| resolve_local(root, v, ptr.clone(), "security scheme", d)).map(|(s, _)| s) else {
            let lower = name.to_ascii_lowercase();
            let bearer = ["token", "bearer", "oauth", "jwt", "sts"].iter().any(|w| lower.contains(w));
            let kind = if bearer { AuthKind::Bearer } else { AuthKind::Basic };
            d.warn(
                &ptr,
                format!("security scheme {name:?} is used but not defined: assumed HTTP {} from its name", if bearer { "Bearer" } else { "Basic" }),
            );
            out.push(SecurityScheme { name: name.clone(), kind, inferred: true });
            continue;
        };
        let text = |key: &str| scheme.get(key).and_then(Value::as_str).unwrap_or_default();
        let kind = match (text("type"), text("scheme").to_ascii_lowercase().as_str(), text("in")) {
            ("http", "basic", _) => AuthKind::Basic,
            ("http", "bearer", _) => AuthKind::Bearer,
            ("apiKey", _, "header") => AuthKind::ApiKeyHeader(text("name").to_string()),
            ("apiKey", _, "query") => AuthKind::ApiKeyQuery(text("name").to_string()),
            (kind, http_scheme, _) => {
                let what = match kind {
                    "http" => format!("http {http_scheme}"),
                    "apiKey" => "apiKey outside a header or the query".into(),
                    "oauth2" => "oauth2".into(),
                    "openIdConnect" => "openIdConnect".into(),
                    other => other.to_string(),
                };
                d.warn(&ptr, format!("security scheme {name:?} ({what}) is not applied by the client: set a bearer token or basic credentials yourself"));
                AuthKind::Other(what)
            }
        };
        out.push(SecurityScheme { name: name.clone(), kind, inferred: false });
    }
    out
}

/// Whether the request or any response of `op` can carry a secret.
fn operation_sensitive(op: &Operation, types: &[crate::model::TypeDef]) -> bool {
    op.params.iter().any(|p| p.redacted)
        || op.body.as_ref().is_some_and(|b| b.redacted || crate::model::holds_secrets(types, &b.ty))
        || op.responses.iter().filter_map(|r| r.body.as_ref()).any(|b| b.redacted || crate::model::holds_secrets(types, &b.ty))
}

/// Types whose decoding can reject a wrong example (a string schema takes any string example).
fn example_can_fail(t: &TypeRef) -> bool {
    match t {
        TypeRef::String | TypeRef::Binary | TypeRef::Any | TypeRef::JsonObject => false,
        TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => example_can_fail(i),
        _ => true,
    }
}

/// The first server of a `servers` list: its URL with its variables replaced by their defaults.
fn first_server(servers: Option<&Value>) -> Option<String> {
    let server = servers?.as_array()?.first()?.as_object()?;
    let mut url = server.get("url")?.as_str()?.to_string();
    for (name, var) in server.get("variables").and_then(Value::as_object).into_iter().flatten() {
        if let Some(default) = var.get("default").and_then(Value::as_str) {
            url = url.replace(&format!("{{{name}}}"), default);
        }
    }
    Some(url.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    /// The header left out of documented header sets is the one the runtime reads.
    #[test]
    fn the_request_id_left_out_is_the_one_the_runtime_reads() {
        let runtime = include_str!("../../../templates/runtime/response.rs");
        let decl = format!("pub const REQUEST_ID_HEADER: &str = {:?};", super::RUNTIME_REQUEST_ID_HEADER);
        assert!(runtime.contains(&decl), "templates/runtime/response.rs must declare `{decl}`");
    }
}
