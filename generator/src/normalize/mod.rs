//! Normalize layer: raw spec to [`NormalizedModel`]. Operations are read from the `openapiv3`
//! skeleton; schemas go through [`schema::SchemaGraph`] and [`dedup::materialize`].

pub mod dedup;
pub mod lint;
pub mod schema;

use crate::diag::{child, Diagnostics, GenerateError};
use crate::load::RawSpec;
use crate::model::{
    ApiInfo, AuthKind, BodyEncoding, Docs, HeaderDef, Method, NormalizedModel, Operation, Param, ParamLocation,
    RequestBody, ResponseBody, ResponseCase, SecurityScheme, StatusMatch, TypeRef,
};
use crate::naming::{type_ident, value_ident, Scope};
use openapiv3::{ParameterSchemaOrContent, ReferenceOr};
use schema::{Direction, Origin, SchemaGraph, Use};
use serde_json::Value;

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

/// Builds the normalized model of a loaded spec.
pub fn normalize(spec: &RawSpec) -> Result<NormalizedModel, GenerateError> {
    let mut d = Diagnostics::new(&spec.file);
    let mut graph = SchemaGraph::new(&spec.root);
    let api = &spec.api;
    // Methods `Client` already has (the runtime's, public and private, and derived ones).
    let mut fn_scope = Scope::with_reserved(&[
        "new", "builder", "base_url", "execute", "clone", "fmt", "prepare", "attempt", "retry_policy", "http_client",
        "has_credentials", "max_response_bytes", "send_once", "to_owned", "eq", "page_limits", "deadline", "transport", "same_transport", "with_base_url", "with_basic_auth", "with_bearer_token", "deref",
    ]);
    let mut prefix_scope = Scope::default();
    let mut seen_ids: Vec<(String, String)> = Vec::new();
    let mut drafts = Vec::new();
    let mut default_server = api.servers.first().map(server_url);
    let mut scheme_names: Vec<String> = Vec::new();

    for (path, item) in api.paths.paths.iter() {
        let item_ptr = child("#/paths", path);
        let item = match item {
            ReferenceOr::Item(i) => i,
            ReferenceOr::Reference { .. } => {
                d.warn(&item_ptr, "path item $ref is not supported; the path is skipped");
                continue;
            }
        };
        for (mname, method) in METHODS {
            let op = match *mname {
                "get" => &item.get,
                "put" => &item.put,
                "post" => &item.post,
                "delete" => &item.delete,
                "options" => &item.options,
                "head" => &item.head,
                "patch" => &item.patch,
                _ => &item.trace,
            };
            let Some(op) = op else { continue };
            let op_ptr = child(&item_ptr, mname);
            if default_server.is_none() {
                default_server = op.servers.first().or(item.servers.first()).map(server_url);
            } else if let Some(own) = op.servers.first().map(server_url) {
                if Some(&own) != default_server.as_ref() {
                    d.warn(&child(&op_ptr, "servers"), format!("operation-level server {own:?} is not applied: the client's base URL is used"));
                }
            }
            let operation_id = match &op.operation_id {
                Some(id) if !id.trim().is_empty() => id.clone(),
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
            let security: Vec<String> = op
                .security
                .as_ref()
                .or(api.security.as_ref())
                .map(|reqs| {
                    let mut names: Vec<String> = Vec::new();
                    for r in reqs {
                        for k in r.keys() {
                            if !names.contains(k) {
                                names.push(k.clone());
                            }
                        }
                    }
                    names
                })
                .unwrap_or_default();
            for s in &security {
                if !scheme_names.contains(s) {
                    scheme_names.push(s.clone());
                }
            }
            let docs = Docs {
                title: op.summary.clone(),
                description: op.description.clone(),
                lifecycle: op.extensions.get("x-lifecycle-stage").and_then(Value::as_str).map(str::to_string),
                deprecated: op.deprecated,
                ..Docs::default()
            };
            let mut draft: Draft = Operation {
                    operation_id,
                    fn_name,
                    type_prefix: type_prefix.clone(),
                    method: *method,
                    path: path.clone(),
                    docs,
                    params: Vec::new(),
                    body: None,
                    responses: Vec::new(),
                    security,
                    pointer: op_ptr.clone(),
                    pagination: None,
                    sensitive: false,
                    type_names: Default::default(),
            };
            read_params(api, &item.parameters, &op.parameters, &item_ptr, &op_ptr, &mut graph, &mut draft, &mut d);
            read_body(api, op, &op_ptr, &mut graph, &mut draft, &mut d);
            read_responses(api, op, &op_ptr, &mut graph, &mut draft, &mut d);
            default_as_success(&mut draft);
            check_path_params(&mut draft, &op_ptr, &mut d);
            drafts.push(draft);
        }
    }

    graph.drain(&mut d);
    let space = dedup::materialize(&graph.nodes);
    let nodes = &graph.nodes;
    let resolve = |u: &Use| space.type_ref(nodes, u.node);
    let mut operations = Vec::with_capacity(drafts.len());
    for draft in drafts {
        let mut op = draft.map_types(&mut |slot| match slot {
            Slot::Node(u) => resolve(&u),
            Slot::Header(u) => header_type(resolve(&u)),
            Slot::Fixed(t) => t,
        });
        op.sensitive = operation_sensitive(&op, &space.types);
        op.pagination = detect_pagination(&op, &space.types).map(|mut p| {
            p.stream_fn = fn_scope.claim(format!("{}_stream", op.fn_name));
            p
        });
        operations.push(op);
    }
    crate::naming::name_operation_types(&mut operations);

    let mut examples: Vec<crate::model::SchemaExample> = Vec::new();
    for (node, nullable, value, pointer) in &graph.examples {
        let ty = resolve(&Use { node: *node, nullable: *nullable });
        if !example_can_fail(&ty) || examples.iter().any(|e| e.ty == ty && e.value == *value) {
            continue;
        }
        examples.push(crate::model::SchemaExample { pointer: pointer.clone(), ty, nullable: *nullable, value: value.clone() });
    }
    let security_schemes = read_security_schemes(api, &scheme_names, &mut d);
    if let Some(url) = &default_server {
        if url.starts_with('/') || !url.contains("://") {
            d.warn("#/servers", format!("server URL {url:?} is relative: the default base URL is http://localhost{url}; set ClientBuilder::base_url"));
            default_server = Some(format!("http://localhost{}", if url.starts_with('/') { url.clone() } else { format!("/{url}") }));
        }
    }
    let mut warnings = spec.warnings.clone();
    warnings.extend(d.finish()?);
    Ok(NormalizedModel {
        api: ApiInfo {
            title: api.info.title.clone(),
            version: api.info.version.clone(),
            description: api.info.description.clone(),
            default_server,
            security_schemes,
        },
        types: space.types,
        operations,
        warnings,
        examples,
    })
}

/// Headers are parsed as integers or strings; anything richer stays a string.
fn header_type(t: TypeRef) -> TypeRef {
    match t {
        TypeRef::Integer(_) | TypeRef::Boolean | TypeRef::F64 | TypeRef::F32 => t,
        _ => TypeRef::String,
    }
}

fn param_schema<'p>(format: &'p ParameterSchemaOrContent, ptr: &str) -> Option<(&'p ReferenceOr<openapiv3::Schema>, String)> {
    match format {
        ParameterSchemaOrContent::Schema(s) => Some((s, child(ptr, "schema"))),
        ParameterSchemaOrContent::Content(c) => c.iter().find_map(|(mt, m)| {
            m.schema.as_ref().map(|s| (s, child(&child(&child(ptr, "content"), mt), "schema")))
        }),
    }
}

/// The JSON tree node of a schema at `ptr` (the skeleton only tells us that one exists).
fn schema_value<'r>(root: &'r Value, ptr: &str) -> Option<&'r Value> {
    schema::lookup_pointer(root, ptr.strip_prefix('#').unwrap_or(ptr))
}

/// Resolves a component `$ref` of the skeleton (parameters, bodies, responses, headers).
fn resolve_component<'c, T>(
    item: &'c ReferenceOr<T>,
    map: Option<&'c indexmap::IndexMap<String, ReferenceOr<T>>>,
    ptr: &str,
    d: &mut Diagnostics,
) -> Option<(&'c T, String)> {
    let mut current = item;
    let mut at = ptr.to_string();
    for _ in 0..16 {
        match current {
            ReferenceOr::Item(t) => return Some((t, at)),
            ReferenceOr::Reference { reference } => {
                let Some((section, name)) =
                    reference.strip_prefix("#/components/").and_then(|r| r.split_once('/'))
                else {
                    d.error(&at, format!("$ref {reference:?} is not a local component reference"));
                    return None;
                };
                let name = name.replace("~1", "/").replace("~0", "~");
                match map.and_then(|m| m.get(&name)) {
                    Some(next) => {
                        current = next;
                        at = child(&format!("#/components/{section}"), &name);
                    }
                    None => {
                        d.error(&at, format!("$ref {reference:?} points to nothing"));
                        return None;
                    }
                }
            }
        }
    }
    d.error(ptr, "$ref chain too long or cyclic");
    None
}

#[allow(clippy::too_many_arguments)]
fn read_params(
    api: &openapiv3::OpenAPI,
    path_params: &[ReferenceOr<openapiv3::Parameter>],
    op_params: &[ReferenceOr<openapiv3::Parameter>],
    item_ptr: &str,
    op_ptr: &str,
    graph: &mut SchemaGraph<'_>,
    draft: &mut Draft,
    d: &mut Diagnostics,
) {
    let comps = api.components.as_ref().map(|c| &c.parameters);
    let mut all: Vec<(&openapiv3::Parameter, String)> = Vec::new();
    for (list, base) in [(path_params, item_ptr), (op_params, op_ptr)] {
        for (i, p) in list.iter().enumerate() {
            let ptr = child(&child(base, "parameters"), &i.to_string());
            if let Some((p, pptr)) = resolve_component(p, comps, &ptr, d) {
                let data = p.parameter_data_ref();
                let same = |q: &(&openapiv3::Parameter, String)| {
                    q.0.parameter_data_ref().name == data.name && std::mem::discriminant(q.0) == std::mem::discriminant(p)
                };
                // Operation-level parameters override path-level ones with the same name and place.
                all.retain(|q| !same(q));
                all.push((p, pptr));
            }
        }
    }
    let mut scope = Scope::with_reserved(&["body", "params", "spec", "path", "raw", "self_", "content_type"]);
    for (p, pptr) in all {
        let data = p.parameter_data_ref();
        let (location, explode) = match p {
            openapiv3::Parameter::Path { .. } => (ParamLocation::Path, false),
            openapiv3::Parameter::Query { style, .. } => {
                if !matches!(style, openapiv3::QueryStyle::Form) {
                    d.warn(&pptr, "query style other than `form` is sent as form");
                }
                (ParamLocation::Query, data.explode.unwrap_or(true))
            }
            openapiv3::Parameter::Header { .. } => (ParamLocation::Header, false),
            openapiv3::Parameter::Cookie { .. } => {
                d.warn(&pptr, format!("cookie parameter {:?} is not supported and is not sent", data.name));
                continue;
            }
        };
        let root_name = format!("{}{}", draft.type_prefix, type_ident(&data.name, "Param"));
        let u = match param_schema(&data.format, &pptr).and_then(|(_, sptr)| {
            let ptr_for_value = sptr.clone();
            schema_value(graph_root(graph), &ptr_for_value).map(|v| (v, sptr))
        }) {
            Some((v, sptr)) => graph.build(v, &sptr, Direction::Request, Origin::Root(root_name), d),
            None => {
                d.warn(&pptr, "parameter without a schema: sent as a string");
                let fake = Value::Object(serde_json::Map::from_iter([("type".to_string(), Value::String("string".into()))]));
                graph.build(&fake, &pptr, Direction::Request, Origin::Root(root_name), d)
            }
        };
        let required = data.required || location == ParamLocation::Path;
        // `content: {application/json: ...}` instead of `schema`: the value travels as JSON text.
        let json_content = matches!(&data.format, ParameterSchemaOrContent::Content(c) if c.keys().any(|k| k.to_ascii_lowercase().contains("json")));
        let mut notes = Vec::new();
        if let Some(default) = param_schema(&data.format, &pptr)
            .and_then(|(_, sptr)| schema_value(graph.root(), &sptr))
            .and_then(|v| v.get("default"))
        {
            // The server applies its own default when the parameter is left out; say which.
            notes.push(format!("Server default when omitted: `{}`.", default.to_string().replace('`', "'")));
        }
        let redacted = param_schema(&data.format, &pptr)
            .and_then(|(_, sptr)| schema_value(graph.root(), &sptr))
            .is_some_and(|v| graph.secret(v));
        draft.params.push(Param {
            name: scope.claim(value_ident(&data.name, "param")),
            wire_name: data.name.clone(),
            location,
            ty: Slot::Node(u),
            required,
            explode,
            json_content,
            redacted,
            docs: Docs { description: data.description.clone(), deprecated: data.deprecated.unwrap_or(false), notes, ..Docs::default() },
        });
    }
}

fn graph_root<'a>(graph: &SchemaGraph<'a>) -> &'a Value {
    graph.root()
}

/// Picks the media type to use from a content map: JSON first, then form, then the rest.
fn pick_content(content: &indexmap::IndexMap<String, openapiv3::MediaType>) -> Option<(&String, &openapiv3::MediaType, BodyEncoding)> {
    let enc = |mt: &str| {
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
    };
    let rank = |e: BodyEncoding| match e {
        BodyEncoding::Json => 0,
        BodyEncoding::Form => 1,
        BodyEncoding::Bytes => 2,
        BodyEncoding::Text => 3,
    };
    content.iter().map(|(k, v)| (k, v, enc(k))).min_by_key(|(_, _, e)| rank(*e))
}

fn read_body(api: &openapiv3::OpenAPI, op: &openapiv3::Operation, op_ptr: &str, graph: &mut SchemaGraph<'_>, draft: &mut Draft, d: &mut Diagnostics) {
    let Some(body) = &op.request_body else { return };
    let comps = api.components.as_ref().map(|c| &c.request_bodies);
    let Some((body, bptr)) = resolve_component(body, comps, &child(op_ptr, "requestBody"), d) else { return };
    let Some((mt, media, encoding)) = pick_content(&body.content) else {
        d.warn(&bptr, "request body without content: ignored");
        return;
    };
    if mt.to_ascii_lowercase().starts_with("multipart/") {
        d.warn(&child(&child(&bptr, "content"), mt), "multipart bodies are not built by the client: the method takes the encoded body and its Content-Type (with the boundary)");
    }
    if body.content.len() > 1 {
        d.warn(&child(&bptr, "content"), format!("several request media types: the client sends {mt}"));
    }
    let sptr = child(&child(&child(&bptr, "content"), mt), "schema");
    let root = graph.root();
    let u = match (media.schema.as_ref(), schema_value(root, &sptr)) {
        (Some(_), Some(v)) => graph.build(v, &sptr, Direction::Request, Origin::Root(format!("{}Request", draft.type_prefix)), d),
        _ => {
            let fake = Value::Object(serde_json::Map::from_iter([(
                "type".to_string(),
                Value::String(if encoding == BodyEncoding::Json { "object" } else { "string" }.into()),
            )]));
            graph.build(&fake, &bptr, Direction::Request, Origin::Root(format!("{}Request", draft.type_prefix)), d)
        }
    };
    draft.body = Some(RequestBody {
        content_type: mt.clone(),
        encoding,
        ty: Slot::Node(u),
        required: body.required,
        redacted: schema_value(graph.root(), &sptr).is_some_and(|v| graph.secret(v)),
        docs: Docs { description: body.description.clone(), ..Docs::default() },
    });
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

fn read_responses(api: &openapiv3::OpenAPI, op: &openapiv3::Operation, op_ptr: &str, graph: &mut SchemaGraph<'_>, draft: &mut Draft, d: &mut Diagnostics) {
    let comps = api.components.as_ref().map(|c| &c.responses);
    let header_comps = api.components.as_ref().map(|c| &c.headers);
    let rptr_base = child(op_ptr, "responses");
    let mut entries: Vec<(StatusMatch, &ReferenceOr<openapiv3::Response>, String)> = Vec::new();
    for (code, r) in &op.responses.responses {
        let (status, key) = match code {
            openapiv3::StatusCode::Code(c) => (StatusMatch::Code(*c), c.to_string()),
            openapiv3::StatusCode::Range(h) => (StatusMatch::Range(*h), format!("{h}XX")),
        };
        entries.push((status, r, child(&rptr_base, &key)));
    }
    if let Some(r) = &op.responses.default {
        entries.push((StatusMatch::Default, r, child(&rptr_base, "default")));
    }
    entries.sort_by_key(|e| e.0);
    for (status, r, ptr) in entries {
        let Some((resp, rptr)) = resolve_component(r, comps, &ptr, d) else { continue };
        let success = match status {
            StatusMatch::Code(c) => c < 400,
            StatusMatch::Range(h) => h < 4,
            StatusMatch::Default => false,
        };
        let variant = status_variant(status);
        let role = if success { "Response".to_string() } else { format!("{variant}Body") };
        let role = if success && draft.responses.iter().any(|c| c.success) { format!("{variant}Response") } else { role };
        let root_name = format!("{}{}", draft.type_prefix, role);
        let body = match pick_content(&resp.content) {
            Some((mt, media, encoding)) => {
                let sptr = child(&child(&child(&rptr, "content"), mt), "schema");
                let root = graph.root();
                let u = match (media.schema.as_ref(), schema_value(root, &sptr)) {
                    (Some(_), Some(v)) => Some(graph.build(v, &sptr, Direction::Response, Origin::Root(root_name.clone()), d)),
                    _ => None,
                };
                let mut examples: Vec<Value> = media.example.iter().cloned().collect();
                for ex in media.examples.values() {
                    if let ReferenceOr::Item(e) = ex {
                        if let Some(v) = &e.value {
                            examples.push(v.clone());
                        }
                    }
                }
                let ty = match (encoding, u) {
                    (BodyEncoding::Json | BodyEncoding::Form, Some(u)) => Slot::Node(u),
                    (BodyEncoding::Json | BodyEncoding::Form, None) => Slot::Fixed(TypeRef::Any),
                    (BodyEncoding::Text, _) => Slot::Fixed(TypeRef::String),
                    (BodyEncoding::Bytes, _) => Slot::Fixed(TypeRef::Binary),
                };
                let redacted = schema_value(graph.root(), &sptr).is_some_and(|v| graph.secret(v));
                Some(ResponseBody { content_type: mt.clone(), encoding, ty, examples, redacted })
            }
            None => None,
        };
        let mut headers = Vec::new();
        let mut hscope = Scope::default();
        for (name, h) in &resp.headers {
            let hptr = child(&child(&rptr, "headers"), name);
            let Some((h, hptr)) = resolve_component(h, header_comps, &hptr, d) else { continue };
            let root = graph.root();
            let u = match param_schema(&h.format, &hptr).and_then(|(_, sptr)| schema_value(root, &sptr).map(|v| (v, sptr))) {
                Some((v, sptr)) => graph.build(v, &sptr, Direction::Response, Origin::Root(format!("{root_name}{}", type_ident(name, "Header"))), d),
                None => {
                    let fake = Value::Object(serde_json::Map::from_iter([("type".to_string(), Value::String("string".into()))]));
                    graph.build(&fake, &hptr, Direction::Response, Origin::Leaf, d)
                }
            };
            headers.push(HeaderDef {
                name: hscope.claim(value_ident(name, "header")),
                wire_name: name.clone(),
                ty: Slot::Header(u),
                docs: Docs { description: h.description.clone(), ..Docs::default() },
            });
        }
        draft.responses.push(ResponseCase { status, success, variant, description: resp.description.clone(), body, headers, headers_type: None });
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

fn check_path_params(draft: &mut Draft, op_ptr: &str, d: &mut Diagnostics) {
    // Declared path parameters the template does not use cannot be sent: drop them.
    let template = draft.path.clone();
    draft.params.retain(|p| {
        let used = p.location != ParamLocation::Path || template.contains(&format!("{{{}}}", p.wire_name));
        if !used {
            d.warn(&child(op_ptr, "parameters"), format!("path parameter {:?} is not in the path {template}: ignored", p.wire_name));
        }
        used
    });
    let draft = &*draft;
    let path = &draft.path;
    let mut rest = path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        let name = &rest[start + 1..start + len];
        if !draft.params.iter().any(|p| p.location == ParamLocation::Path && p.wire_name == name) {
            d.error(&child(op_ptr, "parameters"), format!("path parameter {{{name}}} of {path} is not declared"));
        }
        rest = &rest[start + len + 1..];
    }
}

fn read_security_schemes(api: &openapiv3::OpenAPI, used: &[String], d: &mut Diagnostics) -> Vec<SecurityScheme> {
    let defined = api.components.as_ref().map(|c| &c.security_schemes);
    let mut out = Vec::new();
    for name in used {
        let ptr = child("#/components/securitySchemes", name);
        let scheme = defined.and_then(|m| m.get(name));
        let kind = match scheme {
            Some(ReferenceOr::Item(s)) => match s {
                openapiv3::SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => AuthKind::Basic,
                openapiv3::SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => AuthKind::Bearer,
                openapiv3::SecurityScheme::APIKey { location: openapiv3::APIKeyLocation::Header, name: header, .. } => {
                    d.warn(&ptr, format!("apiKey scheme {name:?} (header {header:?}) is not applied by the client builder: send the header through ClientBuilder::reqwest_client's default headers"));
                    AuthKind::ApiKeyHeader(header.clone())
                }
                other => {
                    let what = match other {
                        openapiv3::SecurityScheme::HTTP { scheme, .. } => format!("http {scheme}"),
                        openapiv3::SecurityScheme::APIKey { .. } => "apiKey outside a header".into(),
                        openapiv3::SecurityScheme::OAuth2 { .. } => "oauth2".into(),
                        openapiv3::SecurityScheme::OpenIDConnect { .. } => "openIdConnect".into(),
                    };
                    d.warn(&ptr, format!("security scheme {name:?} ({what}) is not applied by the client: set a bearer token or basic credentials yourself"));
                    AuthKind::Other(what)
                }
            },
            Some(ReferenceOr::Reference { .. }) | None => {
                let lower = name.to_ascii_lowercase();
                let bearer = ["token", "bearer", "oauth", "jwt", "sts"].iter().any(|w| lower.contains(w));
                let kind = if bearer { AuthKind::Bearer } else { AuthKind::Basic };
                d.warn(
                    &ptr,
                    format!(
                        "security scheme {name:?} is used but not defined: assumed HTTP {} from its name",
                        if bearer { "Bearer" } else { "Basic" }
                    ),
                );
                out.push(SecurityScheme { name: name.clone(), kind, inferred: true });
                continue;
            }
        };
        out.push(SecurityScheme { name: name.clone(), kind, inferred: false });
    }
    out
}

/// Query parameter names that carry a page token.
const PAGE_TOKEN_PARAMS: &[&str] = &["page_token", "pageToken"];
/// Response fields that carry the next page's token directly.
const NEXT_TOKEN_FIELDS: &[&str] = &["next_page_token", "nextPageToken"];

/// Recognises token-paginated list operations: a GET with an optional `page_token` query
/// parameter whose single success body is an object with one array of items and either
/// `metadata.next` (a URL carrying the next `page_token`) or a `next_page_token` field.
fn detect_pagination(op: &Operation, types: &[crate::model::TypeDef]) -> Option<crate::model::Pagination> {
    use crate::model::{TypeKind, TypeRef};
    if op.method != Method::Get {
        return None;
    }
    let token = op.params.iter().find(|p| {
        p.location == ParamLocation::Query && !p.required && p.ty == TypeRef::String && PAGE_TOKEN_PARAMS.contains(&p.wire_name.as_str())
    })?;
    let mut successes = op.responses.iter().filter(|r| r.success);
    let ok = successes.next()?;
    if successes.next().is_some() {
        return None;
    }
    let struct_fields = |t: &TypeRef| match t {
        TypeRef::Named(id) => match &types.get(id.0)?.kind {
            TypeKind::Struct { fields, .. } => Some(fields.clone()),
            _ => None,
        },
        _ => None,
    };
    let body = ok.body.as_ref().filter(|b| b.encoding == BodyEncoding::Json)?;
    let fields = struct_fields(&body.ty)?;
    let arrays: Vec<&crate::model::Field> = fields.iter().filter(|f| matches!(f.ty, TypeRef::Array(_))).collect();
    let items = match arrays.as_slice() {
        [one] => *one,
        many => *many.iter().find(|f| f.wire_name == "data" || f.wire_name == "items")?,
    };
    let TypeRef::Array(item) = &items.ty else { return None };
    let next = if let Some(f) = fields.iter().find(|f| NEXT_TOKEN_FIELDS.contains(&f.wire_name.as_str()) && f.ty == TypeRef::String) {
        (vec![(f.name.clone(), f.optional())], false)
    } else {
        let meta = fields.iter().find(|f| f.wire_name == "metadata")?;
        let next = struct_fields(&meta.ty)?.into_iter().find(|f| f.wire_name == "next" && f.ty == TypeRef::String)?;
        (vec![(meta.name.clone(), meta.optional()), (next.name.clone(), next.optional())], true)
    };
    Some(crate::model::Pagination {
        token_param: token.name.clone(),
        items_field: (items.name.clone(), items.optional()),
        item: (**item).clone(),
        next_path: next.0,
        next_is_url: next.1,
        stream_fn: String::new(),
    })
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

/// A server's URL with its variables replaced by their defaults.
fn server_url(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    if let Some(vars) = &server.variables {
        for (name, var) in vars {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
    }
    url.trim_end_matches('/').to_string()
}
