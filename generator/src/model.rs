//! The normalized model: our own small description of an API, independent of both the OpenAPI
//! parser (no `openapiv3` types) and the Rust emitter (no `syn`/`quote`).
//!
//! Every type here is already deduplicated (one `TypeDef` per distinct shape), split by direction
//! (request types never carry readOnly properties, response types never carry writeOnly ones) and
//! named (valid, unique Rust identifiers; wire names kept beside them).

use crate::diag::Diagnostic;
use std::fmt::Write as _;

/// Index of a [`TypeDef`] in [`NormalizedModel::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// A whole API, ready to emit.
#[derive(Debug, Clone)]
pub struct NormalizedModel {
    /// Title, version, default server, auth schemes.
    pub api: ApiInfo,
    /// Named types (structs, enums, unions), in emission order.
    pub types: Vec<TypeDef>,
    /// Operations, in spec order.
    pub operations: Vec<Operation>,
    /// Constructs that were defaulted or approximated.
    pub warnings: Vec<Diagnostic>,
    /// Schema-level `example` values whose type can reject them (objects, enums, unions,
    /// dates, numbers), each to decode in the generated crate's tests.
    pub examples: Vec<SchemaExample>,
    /// Webhooks (OpenAPI 3.1 `webhooks`): requests the API sends. No client method is made for
    /// them; their payload types are generated so that receivers can decode them.
    pub webhooks: Vec<Webhook>,
}

/// A webhook request the API sends.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// Its key under `webhooks`.
    pub name: String,
    /// The method of the request.
    pub method: Method,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// The payload's media type and type (JSON and form bodies), when it has a body.
    pub payload: Option<(String, TypeRef)>,
}

/// An `example` given on a schema, with the type it must decode into.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaExample {
    /// Where the example is.
    pub pointer: String,
    /// The type it must decode into.
    pub ty: TypeRef,
    /// `null` is allowed.
    pub nullable: bool,
    /// The example.
    pub value: serde_json::Value,
}

/// Facts about the API as a whole.
#[derive(Debug, Clone)]
pub struct ApiInfo {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The first server URL (document level, else the first operation's).
    pub default_server: Option<String>,
    /// Security schemes the operations refer to, by name.
    pub security_schemes: Vec<SecurityScheme>,
}

/// How a security scheme authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    /// HTTP Basic (key and secret).
    Basic,
    /// HTTP Bearer token.
    Bearer,
    /// An API key in the header of this name (`ClientBuilder::api_key`).
    ApiKeyHeader(String),
    /// An API key in the query parameter of this name (`ClientBuilder::api_key`).
    ApiKeyQuery(String),
    /// A scheme the client does not apply itself (OAuth flows, cookies).
    Other(String),
}

/// A named security scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// Its name in the spec.
    pub name: String,
    /// What the client sends.
    pub kind: AuthKind,
    /// True when the spec names the scheme without defining it, and its kind was inferred.
    pub inferred: bool,
}

/// Rust-facing documentation gathered from a schema or operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docs {
    /// Title, when the description does not already say it.
    pub title: Option<String>,
    /// The spec's description (raw Markdown; the emitter sanitizes it).
    pub description: Option<String>,
    /// `x-immutable: true`: cannot be changed after creation.
    pub immutable: bool,
    /// `x-lifecycle-stage`.
    pub lifecycle: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// A note the generator adds (format, approximation).
    pub notes: Vec<String>,
}

/// Integer widths from `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntKind {
    /// int32.
    I32,
    /// int64 or no format.
    I64,
    /// uint32.
    U32,
    /// uint64.
    U64,
}

/// The type of a value at a use site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// A string (also `uri`, `email`, `uuid`, `byte`: documented, not validated).
    String,
    /// `format: date-time`, RFC 3339.
    DateTime,
    /// `format: date`, ISO 8601 calendar date.
    Date,
    /// An integer.
    Integer(IntKind),
    /// `number` with format `float`.
    F32,
    /// `number` (double).
    F64,
    /// A boolean.
    Boolean,
    /// Any JSON value (no type given).
    Any,
    /// A free-form JSON object.
    JsonObject,
    /// Raw bytes (`format: binary`, octet-stream bodies).
    Binary,
    /// An array.
    Array(Box<TypeRef>),
    /// A map with string keys (`additionalProperties`).
    Map(Box<TypeRef>),
    /// An exact tuple (`prefixItems` with `items: false`, OpenAPI 3.1): a JSON array of exactly
    /// these items, in order.
    Tuple(Vec<TypeRef>),
    /// A value that may be JSON `null` (inside arrays and maps; fields carry their own flag).
    Nullable(Box<TypeRef>),
    /// A named type.
    Named(TypeId),
}

/// Which way a type travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Directions {
    /// Sent by the client.
    pub request: bool,
    /// Received by the client.
    pub response: bool,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust identifier (UpperCamelCase, unique in the crate's `types` module).
    pub name: String,
    /// Docs from the representative schema.
    pub docs: Docs,
    /// What the type is.
    pub kind: TypeKind,
    /// Where it is used.
    pub directions: Directions,
    /// JSON pointers of every schema folded into this type (sorted, deduplicated).
    pub origins: Vec<String>,
    /// The schema this type stands for: the `title` (or component key) its name derives from,
    /// when it has one. Several types can share one: a response type and its request bodies.
    pub resource: Option<String>,
    /// Received types of the same schema this request type is built from with `From<&T>`
    /// (decided in `normalize::convert`).
    pub converts_from: Vec<TypeId>,
}

/// The body of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with known properties.
    Struct {
        /// Properties in spec order.
        fields: Vec<Field>,
        /// `additionalProperties` beside the properties: collected into a map.
        additional: Option<TypeRef>,
    },
    /// A string enum. Always open: unknown values decode into a fallback variant.
    Enum {
        /// Known values.
        variants: Vec<EnumVariant>,
    },
    /// `oneOf`/`anyOf`.
    Union {
        /// Discriminator property for internally tagged unions.
        tag: Option<String>,
        /// The alternatives.
        variants: Vec<UnionVariant>,
    },
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust identifier (snake_case, keyword-safe, unique in the struct).
    pub name: String,
    /// Property name on the wire.
    pub wire_name: String,
    /// Value type (without the `Option` that `required`/`nullable` add).
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// Needs a `Box` because the type contains itself through this field.
    pub boxed: bool,
    /// `x-redact`: never shown by `Debug`.
    pub redacted: bool,
    /// Its schema has a shape but no `type`: JSON Schema accepts any value there, so a value
    /// of another JSON kind (`""` where an object is described) decodes as `None` rather than
    /// failing (`runtime::shaped_or_none`). Always an `Option` field.
    pub untyped: bool,
    /// An optional, nullable field of a type only ever sent: a three-state `runtime::Patch`
    /// (left out, `null`, or a value), so an update can clear it. Elsewhere optional or nullable
    /// fields are `Option`s.
    pub patch: bool,
    /// Field docs.
    pub docs: Docs,
}

impl Field {
    /// The Rust field is an `Option` (or, for [`Field::patch`] fields, a `Patch`).
    pub fn optional(&self) -> bool {
        !self.required || self.nullable
    }
}

/// A known enum value.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// Rust identifier.
    pub name: String,
    /// The value on the wire.
    pub wire: String,
}

/// One alternative of a union.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// Rust identifier.
    pub name: String,
    /// Discriminator values selecting it (tagged unions).
    pub tags: Vec<String>,
    /// Its type.
    pub ty: TypeRef,
    /// Needs a `Box` because the union contains itself through this variant.
    pub boxed: bool,
}

/// HTTP methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// An operation. `T` fills its type slots: [`TypeRef`] in the model; the normalizer builds
/// operations with graph nodes in them first, and maps them once the types are known.
#[derive(Debug, Clone)]
pub struct Operation<T = TypeRef> {
    /// `operationId`, or one made from method and path.
    pub operation_id: String,
    /// Method name (snake_case, unique).
    pub fn_name: String,
    /// Prefix for the operation's own types (UpperCamelCase, unique).
    pub type_prefix: String,
    /// HTTP method.
    pub method: Method,
    /// Path template, e.g. `/iam/v2/api-keys/{id}`.
    pub path: String,
    /// Summary and description.
    pub docs: Docs,
    /// Parameters (path, query, header).
    pub params: Vec<Param<T>>,
    /// The request body.
    pub body: Option<RequestBody<T>>,
    /// Documented responses, by status.
    pub responses: Vec<ResponseCase<T>>,
    /// Security schemes accepted (any one of them); empty: no auth.
    pub security: Vec<String>,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// Set when the operation is a paginated list (see [`Pagination`]).
    pub pagination: Option<Pagination>,
    /// The request or a response may carry a secret (`x-redact`, `format: password`): errors
    /// built from its responses never quote the body.
    pub sensitive: bool,
    /// Names of the operation's own types in the operations module (see [`OperationTypes`]).
    pub type_names: OperationTypes,
    /// The spec's `tags` (the first one groups the operation in the crate's docs).
    pub tags: Vec<String>,
}

impl<T> Operation<T> {
    /// The same operation with every type slot mapped through `f`.
    pub fn map_types<U>(self, f: &mut impl FnMut(T) -> U) -> Operation<U> {
        let Operation {
            operation_id,
            fn_name,
            type_prefix,
            method,
            path,
            docs,
            params,
            body,
            responses,
            security,
            pointer,
            pagination,
            sensitive,
            type_names,
            tags,
        } = self;
        let params = params
            .into_iter()
            .map(|p| Param {
                ty: f(p.ty),
                name: p.name,
                wire_name: p.wire_name,
                location: p.location,
                required: p.required,
                explode: p.explode,
                style: p.style,
                json_content: p.json_content,
                redacted: p.redacted,
                docs: p.docs,
            })
            .collect();
        let body = body.map(|b| RequestBody {
            ty: f(b.ty),
            content_type: b.content_type,
            encoding: b.encoding,
            multipart: b.multipart,
            form_fields: b.form_fields,
            required: b.required,
            redacted: b.redacted,
            docs: b.docs,
        });
        let responses = responses
            .into_iter()
            .map(|r| ResponseCase {
                body: r.body.map(|b| ResponseBody {
                    ty: f(b.ty),
                    content_type: b.content_type,
                    encoding: b.encoding,
                    examples: b.examples,
                    redacted: b.redacted,
                }),
                headers: r.headers.into_iter().map(|h| HeaderDef { ty: f(h.ty), name: h.name, wire_name: h.wire_name, docs: h.docs }).collect(),
                status: r.status,
                success: r.success,
                variant: r.variant,
                description: r.description,
                headers_type: r.headers_type,
            })
            .collect();
        Operation {
            operation_id,
            fn_name,
            type_prefix,
            method,
            path,
            docs,
            params,
            body,
            responses,
            security,
            pointer,
            pagination,
            sensitive,
            type_names,
            tags,
        }
    }
}

/// The names of an operation's own types, decided by `naming` with the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationTypes {
    /// The name of the operation's documented error responses (`{prefix}Error`): the enum
    /// itself, or an alias of [`error_enum`](Self::error_enum).
    pub error: String,
    /// The enum `error` names. Operations whose documented errors are the same (statuses,
    /// variant names, descriptions, body and header types) share one enum: the first one's
    /// `{prefix}Error`, which the others' names alias. Operations that document no error
    /// alias the runtime's `NoErrorResponses`.
    pub error_enum: String,
    /// The request builder `Client::{fn_name}` returns (`{prefix}Builder`): required inputs are
    /// the method's arguments, optional ones its setters (named by the parameters' Rust names).
    pub request: String,
    /// The operation's marker type (`{prefix}`, the operation's own name): it implements the
    /// runtime's `Operation` (route, request defaults, decoding by status), and the builder is
    /// the runtime's `Call` over it.
    pub operation: String,
    /// The enum of successful responses (`{prefix}Success`), when they differ in body or headers.
    pub success: Option<String>,
    /// The struct of a multipart body's fields and files (`{prefix}Form`), when the client builds
    /// the body (see [`MultipartPlan`]).
    pub form: Option<String>,
}

/// How a list operation pages: the request takes a page token (or cursor, or page number) in
/// one optional query parameter, the response carries the items and says how to get the next
/// token. Plain data: the emitter turns it into `pages()`/`stream()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// How the pagination was recognised (or declared).
    pub style: PageStyle,
    /// Rust name of the optional query parameter carrying the page token.
    pub token_param: String,
    /// Its type: `String`, or an integer (page numbers, offsets), parsed from the token text.
    pub token_ty: TypeRef,
    /// Path to the items through the body (Rust names, each with its `Option`-ness); empty when
    /// the body itself is the array of items (GitHub's lists).
    pub items: Vec<(String, bool)>,
    /// The item type.
    pub item: TypeRef,
    /// Where the next page's token comes from.
    pub next: NextToken,
}

/// Which shape proved (or declared) an operation paginated, for the model text and the docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// `page_token` in, `metadata.next` URL or `next_page_token` out (Confluent).
    PageToken,
    /// `cursor` in, `next_cursor` (or `cursor.next`) out.
    Cursor,
    /// `starting_after` in, `has_more` and `data` out; the cursor is the last item's id (Stripe).
    StartingAfter,
    /// `page`/`offset` in, a documented `Link` response header out (GitHub).
    LinkHeader,
    /// The operation carries `x-dropshot-pagination` (Oxide's Dropshot servers).
    Dropshot,
    /// The operation carries `x-forge-pagination`, the spec author's declaration.
    Declared,
}

impl PageStyle {
    /// Short name (model text).
    pub fn as_str(self) -> &'static str {
        match self {
            PageStyle::PageToken => "page token",
            PageStyle::Cursor => "cursor",
            PageStyle::StartingAfter => "starting after",
            PageStyle::LinkHeader => "link header",
            PageStyle::Dropshot => "dropshot",
            PageStyle::Declared => "x-forge-pagination",
        }
    }
}

/// Where the next page's token comes from. Paths go through the response body by Rust field
/// names, each with whether that field is an `Option`.
#[derive(Debug, Clone, PartialEq)]
pub enum NextToken {
    /// A body field holding the token itself (absent, `null` or empty on the last page).
    Field(Vec<(String, bool)>),
    /// A body field holding the next page's URL; the token is its `query_param` (wire name).
    Url {
        /// Path to the URL field.
        path: Vec<(String, bool)>,
        /// The query parameter of that URL holding the token.
        query_param: String,
    },
    /// A field of the last item on the page (Stripe's `id`), while `has_more` (a boolean body
    /// field, when given) is true.
    LastItem {
        /// The item field (Rust name, `Option`-ness).
        field: (String, bool),
        /// Path to the boolean saying more pages follow.
        has_more: Option<Vec<(String, bool)>>,
    },
    /// The `rel="next"` URL of a documented `Link` response header; the token is its
    /// `query_param` (wire name).
    LinkHeader {
        /// Rust name of the header's field in the operation's header struct.
        header: String,
        /// The query parameter of the next URL holding the token.
        query_param: String,
    },
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
}

/// An operation parameter.
#[derive(Debug, Clone)]
pub struct Param<T = TypeRef> {
    /// Rust identifier.
    pub name: String,
    /// Name on the wire.
    pub wire_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type.
    pub ty: T,
    /// Required.
    pub required: bool,
    /// Arrays: one `name=value` pair per item (form, explode), else comma-joined.
    pub explode: bool,
    /// How a query array or object is written (`style`).
    pub style: ParamStyle,
    /// Declared with `content: application/json`: sent as JSON text.
    pub json_content: bool,
    /// `x-redact` or `format: password`: never shown by `Debug`.
    pub redacted: bool,
    /// Docs.
    pub docs: Docs,
}

/// A query parameter's `style`, for the values where styles differ (arrays and objects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParamStyle {
    /// `form` (the default): arrays repeat `name=v` (explode) or join with commas; objects send
    /// one `key=value` pair per property.
    #[default]
    Form,
    /// `spaceDelimited`: array items joined by spaces.
    SpaceDelimited,
    /// `pipeDelimited`: array items joined by `|`.
    PipeDelimited,
    /// `deepObject`: `name[key]=value`, nested objects and arrays in brackets as well
    /// (`name[a][b]=v`, `name[list][0]=v`, as Stripe reads them).
    DeepObject,
}

/// How a body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyEncoding {
    /// JSON (`application/json`, `+json`, `; charset`).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// Raw bytes (octet-stream and anything else binary).
    Bytes,
    /// Text (`text/*`).
    Text,
}

/// How the client builds a `multipart/form-data` body: one entry per property of the body
/// schema, naming a field of the body's struct type by its wire name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartPlan {
    /// The parts, in the schema's property order.
    pub parts: Vec<PartPlan>,
}

/// One property of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartPlan {
    /// The property (and part) name.
    pub wire_name: String,
    /// What the part holds.
    pub kind: PartKind,
    /// The part's `Content-Type` from the media type's `encoding` (or the property's
    /// `contentMediaType`); `None`: the default (`text/plain` for text, `application/json` for
    /// objects and arrays, `application/octet-stream` for files).
    pub content_type: Option<String>,
    /// Fixed part headers from `encoding.<property>.headers` (a `const`, single `enum` value or
    /// `default` in the header's schema).
    pub headers: Vec<(String, String)>,
}

/// What a multipart property is sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// One part: the value's text, or JSON for objects and arrays (and JSON content types).
    Field,
    /// An array of plain values: one part per item, all with the property's name.
    EachItem,
    /// A file (`format: binary`, `contentMediaType`): the caller gives a `FilePart`.
    File,
    /// An array of files: one file part per item.
    Files,
}

/// How one property of an `application/x-www-form-urlencoded` body is written (its `encoding`
/// entry). Properties without one use the bracket style (`a[b]=c`, `list=x&list=y`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    /// `style: deepObject` (the default spelled out): brackets.
    Brackets,
    /// `contentType: application/json` (or `+json`): the value as JSON text.
    Json,
    /// `style: form, explode: true` given explicitly: an array one pair per item, an object one
    /// pair per property, under the property's own name.
    Explode,
    /// `explode: false`: items (or key,value pairs) joined by this separator (`,` for `form`, ` `
    /// for `spaceDelimited`, `|` for `pipeDelimited`).
    Delimited(char),
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBody<T = TypeRef> {
    /// The media type sent.
    pub content_type: String,
    /// How it is encoded.
    pub encoding: BodyEncoding,
    /// Its type (for JSON and form bodies).
    pub ty: T,
    /// For `multipart/form-data` bodies whose schema lists properties: how the client builds the
    /// body from them. `None` for other multipart bodies: the caller encodes those.
    pub multipart: Option<MultipartPlan>,
    /// For form bodies: properties the media type's `encoding` object writes otherwise than the
    /// default bracket style, by wire name (sorted).
    pub form_fields: Vec<(String, FormField)>,
    /// Required by the spec.
    pub required: bool,
    /// The body schema itself is a secret (or a list or map of secrets).
    pub redacted: bool,
    /// Docs.
    pub docs: Docs,
}

/// Which statuses a response case covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status.
    Code(u16),
    /// `4XX`-style range: the hundreds digit.
    Range(u16),
    /// `default`.
    Default,
}

/// A documented response.
#[derive(Debug, Clone)]
pub struct ResponseCase<T = TypeRef> {
    /// Status or range.
    pub status: StatusMatch,
    /// A 1XX/2XX/3XX status: the operation succeeded.
    pub success: bool,
    /// Variant name for error enums (e.g. `BadRequest`, `Status418`).
    pub variant: String,
    /// The spec's description.
    pub description: String,
    /// The body, when there is one.
    pub body: Option<ResponseBody<T>>,
    /// Documented headers.
    pub headers: Vec<HeaderDef<T>>,
    /// The struct holding them (shared by every response with the same headers), when there are
    /// any.
    pub headers_type: Option<String>,
}

/// A response body.
#[derive(Debug, Clone)]
pub struct ResponseBody<T = TypeRef> {
    /// Media type.
    pub content_type: String,
    /// How it is decoded.
    pub encoding: BodyEncoding,
    /// Its type.
    pub ty: T,
    /// The spec's examples for this body (decoded in tests).
    pub examples: Vec<serde_json::Value>,
    /// The body schema itself is a secret (or a list or map of secrets).
    pub redacted: bool,
}

/// A documented response header.
#[derive(Debug, Clone)]
pub struct HeaderDef<T = TypeRef> {
    /// Rust identifier.
    pub name: String,
    /// Header name on the wire.
    pub wire_name: String,
    /// Its type (strings and integers are parsed; others are kept as strings).
    pub ty: T,
    /// Docs.
    pub docs: Docs,
}

impl NormalizedModel {
    /// The type behind an id.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// A readable, stable text form of the model, for snapshot tests and review.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "api {:?} version {:?}", self.api.title, self.api.version);
        if let Some(s) = &self.api.default_server {
            let _ = writeln!(out, "server {s}");
        }
        for s in &self.api.security_schemes {
            let _ = writeln!(out, "security {} {:?}{}", s.name, s.kind, if s.inferred { " (inferred)" } else { "" });
        }
        for t in &self.types {
            let dir = match (t.directions.request, t.directions.response) {
                (true, true) => "both",
                (true, false) => "request",
                (false, true) => "response",
                (false, false) => "unused",
            };
            match &t.kind {
                TypeKind::Struct { fields, additional } => {
                    let of = t.resource.as_ref().map(|r| format!(" of {r:?}")).unwrap_or_default();
                    let _ = writeln!(out, "struct {} [{dir}] ({} origins){of}", t.name, t.origins.len());
                    for f in fields {
                        let mut flags = Vec::new();
                        if f.required {
                            flags.push("required");
                        }
                        if f.nullable {
                            flags.push("nullable");
                        }
                        if f.boxed {
                            flags.push("boxed");
                        }
                        if f.redacted {
                            flags.push("redacted");
                        }
                        if f.patch {
                            flags.push("patch");
                        }
                        if f.untyped {
                            flags.push("untyped");
                        }
                        let _ = writeln!(
                            out,
                            "  {} {:?}: {}{}",
                            f.name,
                            f.wire_name,
                            self.type_ref_text(&f.ty),
                            if flags.is_empty() { String::new() } else { format!(" [{}]", flags.join(", ")) }
                        );
                    }
                    if let Some(a) = additional {
                        let _ = writeln!(out, "  ..: {}", self.type_ref_text(a));
                    }
                    for from in &t.converts_from {
                        let _ = writeln!(out, "  from &{}", self.ty(*from).name);
                    }
                }
                TypeKind::Enum { variants } => {
                    let vs: Vec<String> = variants.iter().map(|v| format!("{}={:?}", v.name, v.wire)).collect();
                    let _ = writeln!(out, "enum {} [{dir}] {{ {} }}", t.name, vs.join(", "));
                }
                TypeKind::Union { tag, variants } => {
                    let _ = writeln!(out, "union {} [{dir}] tag={:?}", t.name, tag);
                    for v in variants {
                        let _ = writeln!(out, "  {} {:?}: {}", v.name, v.tags, self.type_ref_text(&v.ty));
                    }
                }
            }
        }
        for w in &self.webhooks {
            let payload = w.payload.as_ref().map(|(mt, t)| format!("{mt} {}", self.type_ref_text(t))).unwrap_or_else(|| "-".into());
            let _ = writeln!(out, "webhook {:?} {}: {payload}", w.name, w.method.as_str());
        }
        for op in &self.operations {
            let _ = writeln!(
                out,
                "operation {} {} {} ({}){}",
                op.fn_name,
                op.method.as_str(),
                op.path,
                op.operation_id,
                if op.sensitive { " [sensitive]" } else { "" }
            );
            if !op.security.is_empty() {
                let _ = writeln!(out, "  security {}", op.security.join(" | "));
            }
            let names = &op.type_names;
            let _ = writeln!(
                out,
                "  types error {}{}, request {} = Call<{}>{}{}",
                names.error,
                if names.error_enum != names.error { format!(" = {}", names.error_enum) } else { String::new() },
                names.request,
                names.operation,
                names.success.as_deref().map(|s| format!(", success {s}")).unwrap_or_default(),
                names.form.as_deref().map(|s| format!(", form {s}")).unwrap_or_default()
            );
            if let Some(p) = &op.pagination {
                let dotted = |path: &[(String, bool)]| path.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(".");
                let next = match &p.next {
                    NextToken::Field(path) => format!("{} (token)", dotted(path)),
                    NextToken::Url { path, query_param } => format!("{} (url ?{query_param})", dotted(path)),
                    NextToken::LastItem { field, has_more } => format!(
                        "last item's {}{}",
                        field.0,
                        has_more.as_deref().map(|h| format!(" while {}", dotted(h))).unwrap_or_default()
                    ),
                    NextToken::LinkHeader { header, query_param } => format!("header {header} rel=next (url ?{query_param})"),
                };
                let _ = writeln!(
                    out,
                    "  paginated by {}: {} over {}: [{}], next {} [{}]",
                    p.token_param,
                    self.type_ref_text(&p.token_ty),
                    if p.items.is_empty() { "the body".to_string() } else { dotted(&p.items) },
                    self.type_ref_text(&p.item),
                    next,
                    p.style.as_str()
                );
            }
            for p in &op.params {
                let _ = writeln!(
                    out,
                    "  param {} {:?} {:?}: {}{}{}{}",
                    p.name,
                    p.wire_name,
                    p.location,
                    self.type_ref_text(&p.ty),
                    if p.required { " [required]" } else { "" },
                    if p.redacted { " [redacted]" } else { "" },
                    if p.style == ParamStyle::Form { String::new() } else { format!(" [{:?}]", p.style) }
                );
            }
            if let Some(b) = &op.body {
                let _ = writeln!(out, "  body {} {:?}: {}", b.content_type, b.encoding, self.type_ref_text(&b.ty));
                for (name, how) in &b.form_fields {
                    let _ = writeln!(out, "    form field {name:?} {how:?}");
                }
                for part in b.multipart.iter().flat_map(|m| &m.parts) {
                    let headers: Vec<String> = part.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
                    let _ = writeln!(
                        out,
                        "    part {:?} {:?}{}{}",
                        part.wire_name,
                        part.kind,
                        part.content_type.as_deref().map(|c| format!(" [{c}]")).unwrap_or_default(),
                        if headers.is_empty() { String::new() } else { format!(" headers [{}]", headers.join(", ")) }
                    );
                }
            }
            for r in &op.responses {
                let body = r.body.as_ref().map(|b| self.type_ref_text(&b.ty)).unwrap_or_else(|| "-".into());
                let hs: Vec<String> = r.headers.iter().map(|h| format!("{}: {}", h.wire_name, self.type_ref_text(&h.ty))).collect();
                let _ = writeln!(
                    out,
                    "  {:?} {} {}: {} headers [{}]{}",
                    r.status,
                    if r.success { "ok" } else { "err" },
                    r.variant,
                    body,
                    hs.join(", "),
                    r.headers_type.as_deref().map(|h| format!(" in {h}")).unwrap_or_default()
                );
            }
        }
        out
    }

    /// Whether values of a type can hold a secret (`x-redact`, `format: password`) anywhere
    /// inside.
    pub fn holds_secrets(&self, t: &TypeRef) -> bool {
        holds_secrets(&self.types, t)
    }

    /// Text form of a type reference.
    pub fn type_ref_text(&self, t: &TypeRef) -> String {
        match t {
            TypeRef::Array(i) => format!("[{}]", self.type_ref_text(i)),
            TypeRef::Map(v) => format!("{{string: {}}}", self.type_ref_text(v)),
            TypeRef::Nullable(i) => format!("{}?", self.type_ref_text(i)),
            TypeRef::Tuple(items) => format!("({})", items.iter().map(|i| self.type_ref_text(i)).collect::<Vec<_>>().join(", ")),
            TypeRef::Named(id) => self.types[id.0].name.clone(),
            TypeRef::Integer(k) => format!("{k:?}").to_lowercase(),
            other => format!("{other:?}").to_lowercase(),
        }
    }
}

/// Whether values of `t` can hold a secret (`x-redact`, `format: password`) anywhere inside,
/// given the named `types` it refers to.
pub fn holds_secrets(types: &[TypeDef], t: &TypeRef) -> bool {
    fn walk(types: &[TypeDef], t: &TypeRef, seen: &mut Vec<TypeId>) -> bool {
        match t {
            TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => walk(types, i, seen),
            TypeRef::Tuple(items) => items.iter().any(|i| walk(types, i, seen)),
            TypeRef::Named(id) => {
                if seen.contains(id) {
                    return false;
                }
                seen.push(*id);
                match types.get(id.0).map(|t| &t.kind) {
                    Some(TypeKind::Struct { fields, additional }) => {
                        fields.iter().any(|f| f.redacted || walk(types, &f.ty, seen))
                            || additional.as_ref().is_some_and(|a| walk(types, a, seen))
                    }
                    Some(TypeKind::Union { variants, .. }) => variants.iter().any(|v| walk(types, &v.ty, seen)),
                    Some(TypeKind::Enum { .. }) | None => false,
                }
            }
            _ => false,
        }
    }
    walk(types, t, &mut Vec::new())
}
