//! Which lists are paginated, and how: look-alikes of each style get no stream, and a malformed
//! `x-forge-pagination` is refused with an error at the pointer of the key at fault.

use openapi_forge::model::{NextToken, PageStyle};
use openapi_forge::{NormalizedModel, Severity};

/// A spec with one `GET /list` operation: `params` (YAML flow list), `extra` (more operation
/// keys) and a 200 response with `headers` and `schema`.
fn spec(params: &str, extra: &str, headers: &str, schema: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /list:\n    get:\n      operationId: list\n      parameters: {params}\n{extra}      responses:\n        '200':\n          description: ok\n          headers: {headers}\n          content:\n            application/json:\n              schema: {schema}\n"
    )
}

fn normalize(text: &str) -> Result<NormalizedModel, openapi_forge::GenerateError> {
    let raw = openapi_forge::load::load_bytes("t.yaml", text.as_bytes())?;
    openapi_forge::normalize::normalize(&raw)
}

fn style(text: &str) -> Option<PageStyle> {
    let model = normalize(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    model.operations[0].pagination.as_ref().map(|p| p.style)
}

const ITEM: &str = "{type: object, required: [id], properties: {id: {type: string}}}";

#[test]
fn each_style_is_recognised_by_shape() {
    let q = |name: &str, ty: &str| format!("[{{name: {name}, in: query, schema: {{type: {ty}}}}}]");
    let stripe = format!("{{type: object, required: [data, has_more], properties: {{has_more: {{type: boolean}}, data: {{type: array, items: {ITEM}}}}}}}");
    assert_eq!(style(&spec(&q("starting_after", "string"), "", "{}", &stripe)), Some(PageStyle::StartingAfter));
    let cursor = format!("{{type: object, properties: {{data: {{type: array, items: {ITEM}}}, next_cursor: {{type: string}}}}}}");
    assert_eq!(style(&spec(&q("cursor", "string"), "", "{}", &cursor)), Some(PageStyle::Cursor));
    let cursor_next = format!("{{type: object, properties: {{data: {{type: array, items: {ITEM}}}, cursor: {{type: object, properties: {{next: {{type: string}}}}}}}}}}");
    assert_eq!(style(&spec(&q("cursor", "string"), "", "{}", &cursor_next)), Some(PageStyle::Cursor));
    let array = format!("{{type: array, items: {ITEM}}}");
    let link = "{Link: {schema: {type: string}}}";
    assert_eq!(style(&spec(&q("page", "integer"), "", link, &array)), Some(PageStyle::LinkHeader));
    assert_eq!(style(&spec(&q("offset", "integer"), "", link, &array)), Some(PageStyle::LinkHeader));
    let dropshot = format!("{{type: object, properties: {{items: {{type: array, items: {ITEM}}}, next_page: {{type: string, nullable: true}}}}}}");
    let ext = "      x-dropshot-pagination: {required: []}\n";
    assert_eq!(style(&spec(&q("page_token", "string"), ext, "{}", &dropshot)), Some(PageStyle::Dropshot));
}

#[test]
fn look_alikes_get_no_stream() {
    let q = |name: &str, ty: &str| format!("[{{name: {name}, in: query, schema: {{type: {ty}}}}}]");
    let array = format!("{{type: array, items: {ITEM}}}");
    // starting_after without has_more; has_more that is not a boolean; items without an id.
    let no_more = format!("{{type: object, properties: {{data: {{type: array, items: {ITEM}}}}}}}");
    assert_eq!(style(&spec(&q("starting_after", "string"), "", "{}", &no_more)), None);
    let string_more = format!("{{type: object, properties: {{has_more: {{type: string}}, data: {{type: array, items: {ITEM}}}}}}}");
    assert_eq!(style(&spec(&q("starting_after", "string"), "", "{}", &string_more)), None);
    let no_id = "{type: object, properties: {has_more: {type: boolean}, data: {type: array, items: {type: object, properties: {n: {type: integer}}}}}}";
    assert_eq!(style(&spec(&q("starting_after", "string"), "", "{}", no_id)), None);
    // A cursor in, but nothing out; a next_cursor out, but no cursor in; a required cursor.
    assert_eq!(style(&spec(&q("cursor", "string"), "", "{}", &no_more)), None);
    let cursor = format!("{{type: object, properties: {{data: {{type: array, items: {ITEM}}}, next_cursor: {{type: string}}}}}}");
    assert_eq!(style(&spec(&q("after", "string"), "", "{}", &cursor)), None);
    assert_eq!(style(&spec("[{name: cursor, in: query, required: true, schema: {type: string}}]", "", "{}", &cursor)), None);
    // Page numbers without a Link header (no offset arithmetic is guessed); a Link header
    // without a page parameter.
    assert_eq!(style(&spec(&q("page", "integer"), "", "{}", &array)), None);
    assert_eq!(style(&spec(&q("per_page", "integer"), "", "{Link: {schema: {type: string}}}", &array)), None);
    // Dropshot's shape without its extension; its extension without its shape (a warning).
    let dropshot = format!("{{type: object, properties: {{items: {{type: array, items: {ITEM}}}, next_page: {{type: string, nullable: true}}}}}}");
    assert_eq!(style(&spec(&q("page_token", "string"), "", "{}", &dropshot)), None);
    let text = spec(&q("page_token", "string"), "      x-dropshot-pagination: {required: []}\n", "{}", &no_more);
    let model = normalize(&text).expect("a warning only");
    assert!(model.operations[0].pagination.is_none());
    assert!(model.warnings.iter().any(|w| w.pointer == "#/paths/~1list/get/x-dropshot-pagination" && w.message.contains("not followed")), "{:?}", model.warnings);
}

const DECLARED_BODY: &str = "{type: object, properties: {result: {type: object, properties: {rows: {type: array, items: {type: object, properties: {key: {type: string}}}}, more: {type: boolean}, next: {type: string}, link: {type: string}}}}}";
const AFTER: &str = "[{name: after, in: query, schema: {type: string}}]";

fn declared(decl: &str) -> Result<NormalizedModel, openapi_forge::GenerateError> {
    normalize(&spec(AFTER, &format!("      x-forge-pagination: {decl}\n"), "{}", DECLARED_BODY))
}

#[test]
fn declared_pagination_takes_each_way_to_the_next_token() {
    let next = |decl: &str| declared(decl).unwrap_or_else(|e| panic!("{e}")).operations[0].pagination.clone().expect("paginated").next;
    assert!(matches!(next("{token_param: after, items: result.rows, next: result.next}"), NextToken::Field(p) if p.len() == 2));
    assert!(matches!(next("{token_param: after, items: result.rows, next_url: result.link}"), NextToken::Url { query_param, .. } if query_param == "after"));
    assert!(matches!(
        next("{token_param: after, items: result.rows, next_from_last_item: key, has_more: result.more}"),
        NextToken::LastItem { has_more: Some(_), .. }
    ));
}

/// The errors of a refused declaration, as (pointer, message).
fn errors(decl: &str) -> Vec<(String, String)> {
    let e = declared(decl).expect_err("refused");
    e.diagnostics.into_iter().filter(|d| d.severity == Severity::Error).map(|d| (d.pointer, d.message)).collect()
}

const AT: &str = "#/paths/~1list/get/x-forge-pagination";

#[test]
fn declared_pagination_names_the_missing_field_and_its_pointer() {
    let e = errors("{token_param: after, items: result.rowz, next: result.next}");
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].0, format!("{AT}/items"));
    assert!(e[0].1.contains(r#"has no field "rowz""#) && e[0].1.contains("rows, more, next, link"), "{}", e[0].1);

    let e = errors("{token_param: before, items: result.rows, next: result.next}");
    assert_eq!(e[0].0, format!("{AT}/token_param"));
    assert!(e[0].1.contains(r#""before" is not a query parameter"#) && e[0].1.contains("after"), "{}", e[0].1);

    let e = errors("{token_param: after, items: result.rows, next: result.next.deeper}");
    assert_eq!(e[0].0, format!("{AT}/next"));
    assert!(e[0].1.contains("is not an object"), "{}", e[0].1);

    let e = errors("{token_param: after, items: result.next, next: result.next}");
    assert_eq!(e[0].0, format!("{AT}/items"));
    assert!(e[0].1.contains("not an array"), "{}", e[0].1);

    let e = errors("{token_param: after, items: result.rows, next_from_last_item: id}");
    assert_eq!(e[0].0, format!("{AT}/next_from_last_item"));
    assert!(e[0].1.contains(r#"has no field "id""#), "{}", e[0].1);

    let e = errors("{token_param: after, items: result.rows, next_from_last_item: key, has_more: result.next}");
    assert_eq!(e[0].0, format!("{AT}/has_more"));
    assert!(e[0].1.contains("must be a boolean"), "{}", e[0].1);
}

#[test]
fn declared_pagination_refuses_malformed_declarations() {
    let e = errors("{token_param: after, items: result.rows}");
    assert!(e[0].0 == AT && e[0].1.contains("exactly one of next, next_url"), "{e:?}");
    let e = errors("{token_param: after, items: result.rows, next: result.next, next_url: result.link}");
    assert!(e[0].0 == AT && e[0].1.contains("given: next, next_url"), "{e:?}");
    let e = errors("{token_param: after, items: result.rows, next: result.next, nxt: 1}");
    assert!(e[0].0 == format!("{AT}/nxt") && e[0].1.contains("unknown"), "{e:?}");
    let e = errors("[after]");
    assert!(e[0].0 == AT && e[0].1.contains("must be an object"), "{e:?}");
    let e = errors("{token_param: after, items: result.rows, next_from_link_header: true}");
    assert!(e[0].0 == format!("{AT}/next_from_link_header") && e[0].1.contains("Link"), "{e:?}");
    let e = errors("{token_param: 7, items: result.rows, next: result.next}");
    assert!(e[0].0 == format!("{AT}/token_param") && e[0].1.contains("must be a string"), "{e:?}");
}
