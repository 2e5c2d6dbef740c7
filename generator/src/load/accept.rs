//! When the skeleton check can be skipped: a structural test over our own tree that answers
//! "`openapiv3` would accept this OpenAPI 3.0 skeleton" without building it.
//!
//! Deserializing the skeleton into `openapiv3::OpenAPI` (after taking every schema out of the
//! tree and before putting them back) was about 6% of a generation on the corpus: its untagged
//! `ReferenceOr` buffers every parameter, response and media type and replays it for each
//! variant it tries. Nearly every spec passes that check, so [`accepts`] answers the passing
//! case directly, by walking the tree once and allocating nothing.
//!
//! It is sound, not complete: it says yes only for shapes whose `openapiv3` reading it knows to
//! succeed (the same field names, required fields, kinds and enum values as `openapiv3`'s types;
//! unknown keys are ignored as serde ignores them there), and says no, sending the spec down the
//! old path, for anything else: a `null`, a `$ref` that is not a string, callbacks, an unusual
//! key in `responses`, nesting deeper than [`MAX_DEPTH`]. So which specs are accepted, and every
//! diagnostic of one that is not, stay exactly what the typed check decides; `openapiv3` keeps
//! the last word. Schemas are skipped at exactly the places where the skeleton stubs them (see
//! `skeleton::stub_schemas`), so a schema's content never matters, as it does not there. The
//! test `accepts_only_what_openapiv3_accepts` compares the two on mutated corpus-like documents.

use super::METHODS;
use serde_json::{Map, Value};

/// Deepest nesting of headers inside media types inside headers that is judged here (deeper
/// documents take the typed check).
const MAX_DEPTH: usize = 16;

/// Whether `openapiv3::OpenAPI` certainly deserializes from the skeleton of `root` (its schemas
/// stubbed). `false` means "not known": the typed check decides.
pub(super) fn accepts(root: &Value) -> bool {
    let Some(o) = root.as_object() else { return false };
    fields(o, |k, v| match k {
        "openapi" => v.is_string(),
        "info" => info(v),
        "servers" => list(v, server),
        "paths" => obj(v).is_some_and(paths),
        "components" => components(v),
        "security" => list(v, security_requirement),
        "tags" => list(v, tag),
        "externalDocs" => external_docs(v),
        _ => true,
    }) && has(o, &["openapi", "info", "paths"])
}

/// `v` as a mapping.
fn obj(v: &Value) -> Option<&Map<String, Value>> {
    v.as_object()
}

/// Every known field of `o` passes `check` (which returns `true` for keys it does not know:
/// serde ignores unknown fields of these types, and `x-` extensions take any value).
fn fields(o: &Map<String, Value>, mut check: impl FnMut(&str, &Value) -> bool) -> bool {
    o.iter().all(|(k, v)| k.starts_with("x-") || check(k, v))
}

fn has(o: &Map<String, Value>, required: &[&str]) -> bool {
    required.iter().all(|k| o.contains_key(*k))
}

fn string(v: &Value) -> bool {
    v.is_string()
}

fn boolean(v: &Value) -> bool {
    v.is_boolean()
}

/// A sequence whose every item passes `item`.
fn list(v: &Value, item: impl Fn(&Value) -> bool) -> bool {
    v.as_array().is_some_and(|a| a.iter().all(item))
}

/// A mapping whose every value passes `value` (all keys, `x-` ones too: a plain map).
fn map(v: &Value, value: impl Fn(&Value) -> bool) -> bool {
    obj(v).is_some_and(|o| o.values().all(value))
}

/// `ReferenceOr<T>`: a mapping with a string `$ref` (its siblings are ignored), or one without
/// `$ref` that passes `item`. A `$ref` of another kind is left to the typed check.
fn ref_or(v: &Value, item: impl Fn(&Map<String, Value>) -> bool) -> bool {
    match obj(v) {
        Some(o) => match o.get("$ref") {
            Some(r) => r.is_string(),
            None => item(o),
        },
        None => false,
    }
}

fn info(v: &Value) -> bool {
    obj(v).is_some_and(|o| {
        fields(o, |k, v| match k {
            "title" | "version" | "description" | "termsOfService" => string(v),
            "contact" => obj(v).is_some_and(|c| fields(c, |k, v| !matches!(k, "name" | "url" | "email") || string(v))),
            "license" => obj(v).is_some_and(|l| fields(l, |k, v| !matches!(k, "name" | "url") || string(v)) && has(l, &["name"])),
            _ => true,
        }) && has(o, &["title", "version"])
    })
}

fn server(v: &Value) -> bool {
    obj(v).is_some_and(|o| {
        fields(o, |k, v| match k {
            "url" | "description" => string(v),
            "variables" => map(v, |var| {
                obj(var).is_some_and(|var| {
                    fields(var, |k, v| match k {
                        "enum" => list(v, string),
                        "default" | "description" => string(v),
                        _ => true,
                    }) && has(var, &["default"])
                })
            }),
            _ => true,
        }) && has(o, &["url"])
    })
}

fn external_docs(v: &Value) -> bool {
    obj(v).is_some_and(|o| fields(o, |k, v| !matches!(k, "url" | "description") || string(v)) && has(o, &["url"]))
}

fn tag(v: &Value) -> bool {
    obj(v).is_some_and(|o| {
        fields(o, |k, v| match k {
            "name" | "description" => string(v),
            "externalDocs" => external_docs(v),
            _ => true,
        }) && has(o, &["name"])
    })
}

fn security_requirement(v: &Value) -> bool {
    map(v, |scopes| list(scopes, string))
}

/// `Paths`: keys starting with `/` are path items; other keys are extensions or ignored.
fn paths(o: &Map<String, Value>) -> bool {
    o.iter().all(|(k, v)| !k.starts_with('/') || ref_or(v, path_item))
}

fn path_item(o: &Map<String, Value>) -> bool {
    fields(o, |k, v| match k {
        "summary" | "description" => string(v),
        "servers" => list(v, server),
        "parameters" => list(v, |p| ref_or(p, |p| parameter(p, 0))),
        m if METHODS.contains(&m) => obj(v).is_some_and(operation),
        _ => true,
    })
}

fn operation(o: &Map<String, Value>) -> bool {
    fields(o, |k, v| match k {
        "tags" => list(v, string),
        "summary" | "description" | "operationId" => string(v),
        "externalDocs" => external_docs(v),
        "parameters" => list(v, |p| ref_or(p, |p| parameter(p, 0))),
        "requestBody" => ref_or(v, |b| request_body(b, 0)),
        "responses" => obj(v).is_some_and(|r| responses(r, 0)),
        "deprecated" => boolean(v),
        "security" => list(v, security_requirement),
        "servers" => list(v, server),
        // Callbacks are dropped before this check; any left are the typed check's to judge.
        "callbacks" => false,
        _ => true,
    }) && has(o, &["responses"])
}

/// `Responses`: `default` and every status-code key are responses; `x-` keys are extensions.
/// Any other key (`openapiv3` skips it) is left to the typed check, which names it.
fn responses(o: &Map<String, Value>, depth: usize) -> bool {
    o.iter().all(|(k, v)| k.starts_with("x-") || ((k == "default" || is_status_code(k)) && ref_or(v, |r| response(r, depth))))
}

/// A key `openapiv3::StatusCode` reads: three characters, a number from 100 to 999 or a digit
/// then `XX` (either case).
fn is_status_code(k: &str) -> bool {
    match k.as_bytes() {
        [a, b, c] if k.bytes().all(|b| b.is_ascii_digit()) => (b'1'..=b'9').contains(a) && b.is_ascii_digit() && c.is_ascii_digit(),
        [n, x1, x2] => n.is_ascii_digit() && x1.eq_ignore_ascii_case(&b'X') && x2.eq_ignore_ascii_case(&b'X'),
        _ => false,
    }
}

fn response(o: &Map<String, Value>, depth: usize) -> bool {
    fields(o, |k, v| match k {
        "description" => string(v),
        "headers" => map(v, |h| ref_or(h, |h| header(h, depth))),
        "content" => content(v, depth),
        "links" => map(v, |l| ref_or(l, link)),
        _ => true,
    }) && has(o, &["description"])
}

fn request_body(o: &Map<String, Value>, depth: usize) -> bool {
    fields(o, |k, v| match k {
        "description" => string(v),
        "content" => content(v, depth),
        "required" => boolean(v),
        _ => true,
    })
}

/// `Content`: media types by name.
fn content(v: &Value, depth: usize) -> bool {
    map(v, |m| obj(m).is_some_and(|m| media_type(m, depth)))
}

fn media_type(o: &Map<String, Value>, depth: usize) -> bool {
    fields(o, |k, v| match k {
        // Stubbed in the skeleton: any schema reads as one there.
        "schema" => true,
        "examples" => map(v, |e| ref_or(e, example)),
        "encoding" => map(v, |e| obj(e).is_some_and(|e| encoding(e, depth))),
        _ => true,
    })
}

fn encoding(o: &Map<String, Value>, depth: usize) -> bool {
    fields(o, |k, v| match k {
        "contentType" => string(v),
        "headers" => map(v, |h| ref_or(h, |h| header(h, depth + 1))),
        "style" => v.as_str().is_some_and(is_query_style),
        "explode" | "allowReserved" => boolean(v),
        _ => true,
    })
}

fn example(o: &Map<String, Value>) -> bool {
    fields(o, |k, v| !matches!(k, "summary" | "description" | "externalValue") || string(v))
}

fn link(o: &Map<String, Value>) -> bool {
    // `LinkOperation` is a flattened enum: the first of `operationRef`/`operationId` is read.
    // Only the plain case, exactly one of them, is judged here.
    let ops = ["operationRef", "operationId"].iter().filter(|k| o.contains_key(**k)).count();
    ops == 1
        && fields(o, |k, v| match k {
            "description" | "operationRef" | "operationId" => string(v),
            "parameters" => v.is_object(),
            "server" => server(v),
            _ => true,
        })
}

fn is_query_style(s: &str) -> bool {
    matches!(s, "form" | "spaceDelimited" | "pipeDelimited" | "deepObject")
}

/// Whether the value of `k`, a field that `ParameterData` and `Header` share, reads; `None` for
/// other keys. (`schema` is stubbed in the skeleton: any value reads.)
fn parameter_data(depth: usize, k: &str, v: &Value) -> Option<bool> {
    Some(match k {
        "description" => string(v),
        "required" => boolean(v),
        "deprecated" => boolean(v),
        "schema" => true,
        "content" => content(v, depth + 1),
        "examples" => map(v, |e| ref_or(e, example)),
        _ => return None,
    })
}

/// Whether `o` has exactly one of `schema` and `content`: the flattened
/// `ParameterSchemaOrContent` needs one, and reads the first it meets when there are both.
fn one_format(o: &Map<String, Value>) -> bool {
    o.contains_key("schema") != o.contains_key("content")
}

/// A Parameter Object: internally tagged by `in`, with the style values of its location.
fn parameter(o: &Map<String, Value>, depth: usize) -> bool {
    if depth > MAX_DEPTH || !one_format(o) || !has(o, &["name"]) {
        return false;
    }
    let Some(location) = o.get("in").and_then(Value::as_str) else { return false };
    let styles: &[&str] = match location {
        "query" => &["form", "spaceDelimited", "pipeDelimited", "deepObject"],
        "header" => &["simple"],
        "path" => &["matrix", "label", "simple"],
        "cookie" => &["form"],
        _ => return false,
    };
    fields(o, |k, v| {
        if let Some(ok) = parameter_data(depth, k, v) {
            return ok;
        }
        match k {
            "name" | "in" => string(v),
            "explode" => boolean(v),
            "style" => v.as_str().is_some_and(|s| styles.contains(&s)),
            "allowReserved" | "allowEmptyValue" if location == "query" => boolean(v),
            _ => true,
        }
    })
}

/// A Header Object: a parameter without `name` and `in`, whose style can only be `simple`.
fn header(o: &Map<String, Value>, depth: usize) -> bool {
    if depth > MAX_DEPTH || !one_format(o) {
        return false;
    }
    fields(o, |k, v| {
        if let Some(ok) = parameter_data(depth, k, v) {
            return ok;
        }
        match k {
            "style" => v.as_str() == Some("simple"),
            _ => true,
        }
    })
}

fn components(v: &Value) -> bool {
    obj(v).is_some_and(|o| {
        fields(o, |k, v| match k {
            // Every schema is stubbed: any mapping of them reads.
            "schemas" => v.is_object(),
            "responses" => map(v, |r| ref_or(r, |r| response(r, 0))),
            "parameters" => map(v, |p| ref_or(p, |p| parameter(p, 0))),
            "examples" => map(v, |e| ref_or(e, example)),
            "requestBodies" => map(v, |b| ref_or(b, |b| request_body(b, 0))),
            "headers" => map(v, |h| ref_or(h, |h| header(h, 0))),
            "securitySchemes" => map(v, |s| ref_or(s, security_scheme)),
            "links" => map(v, |l| ref_or(l, link)),
            "callbacks" => false,
            _ => true,
        })
    })
}

/// A Security Scheme Object: internally tagged by `type`.
fn security_scheme(o: &Map<String, Value>) -> bool {
    let Some(kind) = o.get("type").and_then(Value::as_str) else { return false };
    let (required, strings): (&[&str], &[&str]) = match kind {
        "apiKey" => (&["in", "name"], &["name", "description"]),
        "http" => (&["scheme"], &["scheme", "bearerFormat", "description"]),
        "oauth2" => (&["flows"], &["description"]),
        "openIdConnect" => (&["openIdConnectUrl"], &["openIdConnectUrl", "description"]),
        _ => return false,
    };
    has(o, required)
        && fields(o, |k, v| match k {
            "type" => true,
            k if strings.contains(&k) => string(v),
            "in" if kind == "apiKey" => v.as_str().is_some_and(|s| matches!(s, "query" | "header" | "cookie")),
            "flows" if kind == "oauth2" => obj(v).is_some_and(oauth2_flows),
            _ => true,
        })
}

fn oauth2_flows(o: &Map<String, Value>) -> bool {
    fields(o, |k, v| {
        let required: &[&str] = match k {
            "implicit" => &["authorizationUrl", "scopes"],
            "password" | "clientCredentials" => &["tokenUrl", "scopes"],
            "authorizationCode" => &["authorizationUrl", "tokenUrl", "scopes"],
            _ => return true,
        };
        obj(v).is_some_and(|f| {
            has(f, required)
                && fields(f, |k, v| match k {
                    "authorizationUrl" | "tokenUrl" | "refreshUrl" => string(v),
                    "scopes" => map(v, string),
                    _ => true,
                })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::accepts;
    use serde::Deserialize;
    use serde_json::{json, Value};

    /// A 3.0 document that uses every part of the skeleton [`accepts`] judges.
    const RICH: &str = r##"
openapi: 3.0.3
info:
  title: t
  version: '1'
  description: d
  termsOfService: https://example.com/tos
  contact: {name: n, url: https://example.com, email: a@example.com, x-c: 1}
  license: {name: MIT, url: https://example.com/mit}
  x-info: [1, 2]
servers:
  - url: https://{env}.example.com
    description: s
    variables:
      env: {default: api, enum: [api, test], description: e}
tags:
  - {name: a, description: d, externalDocs: {url: https://example.com, description: x}}
externalDocs: {url: https://example.com}
security:
  - key: []
  - oauth: [read, write]
x-root: {a: b}
paths:
  x-paths: 1
  /a/{id}:
    summary: s
    description: d
    servers: [{url: https://a.example.com}]
    parameters:
      - {name: id, in: path, required: true, style: simple, schema: {type: string}}
      - $ref: '#/components/parameters/Q'
    get:
      tags: [a]
      summary: s
      description: d
      operationId: getA
      externalDocs: {url: https://example.com}
      deprecated: false
      security: [{key: []}]
      servers: [{url: https://b.example.com}]
      parameters:
        - {name: h, in: header, style: simple, schema: {type: string}, example: x, deprecated: true}
        - {name: c, in: cookie, style: form, explode: true, schema: {type: integer}}
        - name: q2
          in: query
          style: deepObject
          allowReserved: true
          allowEmptyValue: false
          content: {application/json: {schema: {type: object}}}
          examples: {one: {summary: s, value: {a: 1}}, two: {$ref: '#/components/examples/E'}}
      responses:
        '200':
          description: ok
          headers:
            X-Rate: {description: r, style: simple, required: true, schema: {type: integer}}
            X-Other: {$ref: '#/components/headers/H'}
            X-Content: {content: {text/plain: {schema: {type: string}}}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/A'}
              example: {a: 1}
              examples: {e: {externalValue: https://example.com/e.json}}
          links:
            self: {operationId: getA, parameters: {id: $response.body#/id}, requestBody: 1, server: {url: https://c.example.com}}
            other: {$ref: '#/components/links/L'}
        2XX: {description: ranged}
        4xx: {$ref: '#/components/responses/R'}
        default: {description: other}
        x-resp: 3
    post:
      requestBody:
        required: true
        description: b
        content:
          multipart/form-data:
            schema: {type: object}
            encoding:
              file: {contentType: image/png, style: form, explode: false, allowReserved: false, headers: {X-E: {schema: {type: string}}}}
      responses: {'201': {description: created}}
    put:
      requestBody: {$ref: '#/components/requestBodies/B'}
      responses: {'204': {description: none}}
  /b:
    $ref: '#/paths/~1a~1{id}'
components:
  schemas:
    A: {type: object, properties: {a: {type: integer}}}
  responses:
    R: {description: r, content: {application/json: {schema: {type: string}}}}
  parameters:
    Q: {name: q, in: query, schema: {type: string}}
  examples:
    E: {summary: s, description: d, value: 1}
  requestBodies:
    B: {content: {application/json: {schema: {type: string}}}}
  headers:
    H: {schema: {type: string}}
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key, description: d}
    basic: {type: http, scheme: basic}
    bearer: {type: http, scheme: bearer, bearerFormat: JWT}
    oidc: {type: openIdConnect, openIdConnectUrl: https://example.com/.well-known}
    oauth:
      type: oauth2
      flows:
        implicit: {authorizationUrl: https://example.com/a, scopes: {read: r}}
        password: {tokenUrl: https://example.com/t, refreshUrl: https://example.com/r, scopes: {}}
        clientCredentials: {tokenUrl: https://example.com/t, scopes: {write: w}}
        authorizationCode: {authorizationUrl: https://example.com/a, tokenUrl: https://example.com/t, scopes: {}}
  links:
    L: {operationRef: '#/paths/~1a~1{id}/get'}
  x-comp: true
"##;

    /// What the typed check decides: the skeleton of `root` deserializes as `openapiv3::OpenAPI`.
    fn typed_accepts(root: &Value) -> bool {
        let mut root = root.clone();
        super::super::skeleton::with_skeleton(&mut root, |s| openapiv3::OpenAPI::deserialize(s).is_ok()).0
    }

    /// Every node's pointer tokens, in document order.
    fn node_paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(at.clone());
        let children: Vec<(String, &Value)> = match v {
            Value::Object(o) => o.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(a) => a.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
            _ => Vec::new(),
        };
        for (k, c) in children {
            at.push(k);
            node_paths(c, at, out);
            at.pop();
        }
    }

    /// `root` with the node at `path` replaced by `with` (removed when `None`).
    fn mutate(root: &Value, path: &[String], with: Option<&Value>) -> Value {
        let mut m = root.clone();
        let Some((last, parents)) = path.split_last() else { return with.cloned().unwrap_or(Value::Null) };
        let mut node = &mut m;
        for p in parents {
            node = match node {
                Value::Object(o) => &mut o[p.as_str()],
                Value::Array(a) => &mut a[p.parse::<usize>().unwrap_or(0)],
                _ => return m,
            };
        }
        match (node, with) {
            (Value::Object(o), Some(w)) => {
                o.insert(last.clone(), w.clone());
            }
            (Value::Object(o), None) => {
                o.shift_remove(last.as_str());
            }
            (Value::Array(a), Some(w)) => a[last.parse::<usize>().unwrap_or(0)] = w.clone(),
            (Value::Array(a), None) => {
                a.remove(last.parse::<usize>().unwrap_or(0));
            }
            _ => {}
        }
        m
    }

    fn bases() -> Vec<(String, Value)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut files: Vec<_> = std::fs::read_dir(&dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        files.sort();
        let mut out = vec![("rich".to_string(), crate::load::load_bytes("rich.yaml", RICH.as_bytes()).unwrap_or_else(|e| panic!("{e}")).root)];
        for f in files.iter().filter(|f| f.extension().is_some_and(|e| e == "yaml")) {
            let bytes = std::fs::read(f).unwrap_or_default();
            if let Ok(raw) = crate::load::load_bytes(&f.display().to_string(), &bytes) {
                if raw.root.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.0")) {
                    out.push((f.display().to_string(), raw.root));
                }
            }
        }
        out
    }

    #[test]
    fn the_specs_it_is_for_are_accepted() {
        let bases = bases();
        assert!(bases.len() > 30, "{}", bases.len());
        for (name, root) in &bases {
            // Every fixture that loads passed the typed check; the fast one must see that too.
            assert!(accepts(root), "{name}");
        }
    }

    /// Field names of the skeleton's types (and tags and enum keys).
    const FIELDS: &[&str] = &[
        "style", "in", "name", "required", "explode", "deprecated", "description", "content", "schema", "$ref", "type", "scheme",
        "bearerFormat", "flows", "implicit", "scopes", "tokenUrl", "default", "url", "responses", "operationId", "operationRef",
        "enum", "variables", "contentType", "allowReserved", "allowEmptyValue", "externalValue", "headers", "links", "encoding",
        "examples", "title", "version", "license", "tags", "security", "servers", "parameters", "requestBody", "callbacks", "200",
        "2XX", "x-ext",
    ];

    fn pointer(path: &[String]) -> String {
        path.iter().map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1"))).collect()
    }

    #[test]
    fn accepts_only_what_openapiv3_accepts() {
        let replacements: Vec<Option<Value>> = vec![
            None,
            Some(Value::Null),
            Some(json!(3)),
            Some(json!(-1)),
            Some(json!("s")),
            Some(json!("query")),
            Some(json!(true)),
            Some(json!([])),
            Some(json!(["s"])),
            Some(json!({})),
            Some(json!({"$ref": 3})),
            Some(json!({"$ref": "#/x"})),
            Some(json!({"name": "n", "in": "query", "schema": {}})),
            Some(json!({"description": "d"})),
        ];
        let (mut judged, mut fast) = (0usize, 0usize);
        for (name, root) in bases() {
            let mut paths = Vec::new();
            node_paths(&root, &mut Vec::new(), &mut paths);
            // About 60 places per document, spread over all of it.
            let step = paths.len().div_ceil(60).max(1);
            for (n, path) in paths.iter().step_by(step).enumerate() {
                for with in &replacements {
                    let m = mutate(&root, path, with.as_ref());
                    judged += 1;
                    if accepts(&m) {
                        fast += 1;
                        assert!(typed_accepts(&m), "{name}: accepted a skeleton openapiv3 refuses: /{} = {with:?}", path.join("/"));
                    }
                }
                // A field of some skeleton type added where it may not belong, or with a value
                // of a kind or an enum value it may not take.
                // (At every fourth of the places, to keep the test short.)
                if n % 4 != 0 || !matches!(root.pointer(&pointer(path)), Some(Value::Object(_))) {
                    continue;
                }
                for key in FIELDS {
                    for value in [json!(3), json!("label"), json!({})] {
                        let mut inner = path.clone();
                        inner.push((*key).to_string());
                        let m = mutate(&root, &inner, Some(&value));
                        judged += 1;
                        if accepts(&m) {
                            fast += 1;
                            assert!(typed_accepts(&m), "{name}: accepted a skeleton openapiv3 refuses: /{} = {value}", inner.join("/"));
                        }
                    }
                }
            }
        }
        // Both answers occur: the test says something about each.
        assert!(fast > judged / 10 && fast < judged, "{fast} of {judged}");
    }
}
