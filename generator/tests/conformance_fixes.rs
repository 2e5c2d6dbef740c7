//! Bugs the conformance suite (`cargo xtask conformance`, the generated clients against Prism)
//! found in the generator, one fixture each.

mod support;

fn operations_rs(fixture: &str) -> String {
    let path = support::crate_dir().join("tests/fixtures").join(format!("{fixture}.yaml"));
    let mut g = openapi_forge::Generator::new(openapi_forge::Settings::crate_named("fixture"));
    g.input(openapi_forge::Input::from_file(&path).unwrap_or_else(|e| panic!("{e}")));
    let out = g.generate().unwrap_or_else(|e| panic!("{e}"));
    out.files().iter().find(|f| f.path == "src/operations.rs").map(|f| f.contents.clone()).expect("operations.rs")
}

/// Prism answered 406 to `Accept: application/json` for operations that document only
/// `application/vnd.schemaregistry.v1+json` (schema-registry-v1), and a 500 for `Prefer: code=404`
/// when only the 404 had a vendor type: the client must accept every media type it decodes.
#[test]
fn vendor_json_media_types_are_accepted() {
    let ops = operations_rs("regress_vendor_json_accept");
    assert!(
        ops.contains(r#"const ACCEPT: &'static str = "application/vnd.example.v1+json, application/json";"#),
        "{ops}"
    );
    // Plain JSON operations keep the runtime's default.
    assert_eq!(ops.matches("const ACCEPT").count(), 1, "{ops}");
}

/// kafka-quotas-v1's update overlays `required: [environment]` on a spec whose schema defines no
/// `environment` (the overlay gives only an example): the request type had no such field, so no
/// valid request could be built; Prism refused every update ("must have required property
/// 'environment'"). A property an overlay requires is a field, even with an example-only schema.
#[test]
fn a_required_example_only_overlay_property_is_a_field() {
    let path = support::crate_dir().join("tests/fixtures/regress_required_example_only.yaml");
    let model = support::model_of(&path);
    let text = model.to_text();
    assert!(text.contains(r#"environment "environment": any [required]"#), "{text}");
    assert!(!text.contains(r#""display_name""#), "an example-only property nobody requires makes no field:\n{text}");
}

/// Prism filled the required `metadata` of every Confluent list response with `null` (29
/// operations): its schema, `allOf: [ListMeta, overlay]`, names no `type`, so JSON Schema admits
/// `null`, but the field was a required struct and the response did not decode. A required
/// property whose schema (through `$ref`s and every `allOf` member) has no `type`, `enum`,
/// `const` or union, yet a shape, is nullable; typed ones, unions and `{}` stay as they were.
#[test]
fn a_required_property_without_type_admits_null() {
    let path = support::crate_dir().join("tests/fixtures/regress_untyped_null.yaml");
    let text = support::model_of(&path).to_text();
    let field = |name: &str| {
        text.lines().find(|l| l.trim_start().starts_with(&format!("{name} \""))).unwrap_or_else(|| panic!("no field {name}:\n{text}")).to_string()
    };
    for untyped in ["metadata", "data", "format_only"] {
        assert!(field(untyped).ends_with("[required, nullable, untyped]"), "{}", field(untyped));
    }
    for typed in ["typed", "any", "choice", "typed_member"] {
        assert!(field(typed).ends_with("[required]"), "{}", field(typed));
    }
    assert!(field("optional_meta").ends_with("[untyped]"), "{}", field("optional_meta"));

    // The emitted field is an `Option`, which serde decodes from `null` (and from absence).
    let mut g = openapi_forge::Generator::new(openapi_forge::Settings::crate_named("fixture"));
    g.input(openapi_forge::Input::from_file(&path).unwrap_or_else(|e| panic!("{e}")));
    let out = g.generate().unwrap_or_else(|e| panic!("{e}"));
    let types = out.files().iter().find(|f| f.path == "src/types.rs").map(|f| f.contents.clone()).expect("types.rs");
    assert!(types.contains("pub metadata: Option<ListMeta>"), "{types}");
    assert!(types.contains("pub typed: Thing"), "{types}");
}

/// The conformance suite validates Prism's bodies itself (Prism's `sl-violations` header is cut
/// at 8 KB, and lost the violation behind 7 flink-gateway failures): the response schemas are
/// translated from OpenAPI 3.0 to JSON Schema 2020-12 in one place, leaning to admit more.
#[test]
fn response_schemas_are_plain_json_schema() {
    use serde_json::json;
    let path = support::crate_dir().join("tests/fixtures/conformance_statuses.yaml");
    let raw = openapi_forge::load::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let model = openapi_forge::normalize::normalize(&raw).unwrap_or_else(|e| panic!("{e}"));
    let out = openapi_forge::response_schemas::response_schemas(&raw.root, &model);
    let doc = &out["document"];
    assert_eq!(doc["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let thing = &doc["components"]["schemas"]["Thing"];
    // writeOnly: not required in a response; readOnly-free properties stay required.
    assert_eq!(thing["required"], json!(["id", "count"]), "{thing}");
    // Annotations go; the boolean exclusiveMinimum takes the bound; int32 bounds the value.
    assert!(thing["properties"]["id"].get("example").is_none(), "{thing}");
    assert_eq!(thing["properties"]["count"]["exclusiveMinimum"], 0);
    assert!(thing["properties"]["count"].get("minimum").is_none());
    assert_eq!(thing["properties"]["count"]["allOf"], json!([{"minimum": i32::MIN, "maximum": i32::MAX}]));
    // nullable without type: null or the rest.
    assert_eq!(thing["properties"]["parent"], json!({"anyOf": [{"type": "null"}, {"allOf": [{"$ref": "#/components/schemas/Meta"}]}]}));
    // Examples outside schemas are dropped too.
    assert!(doc["paths"]["/broken"]["get"]["responses"]["200"]["content"]["application/json"].get("example").is_none());
    // Each documented response, by status key and media type, points into the document.
    let ops = &out["operations"];
    // Path templates' braces are percent-encoded: the pointer is a URI fragment.
    assert_eq!(ops["get_thing"]["200"]["application/json"], "#/paths/~1things~1%7Bid%7D/get/responses/200/content/application~1json/schema");
    for (op, key) in [("get_thing", "200"), ("get_thing", "404"), ("get_thing", "4XX"), ("get_thing", "default"), ("get_broken", "200")] {
        let at = ops[op][key]["application/json"].as_str().unwrap_or_else(|| panic!("{op} {key}: {ops}"));
        let at = at.trim_start_matches('#').replace("%7B", "{").replace("%7D", "}");
        assert!(doc.pointer(&at).is_some(), "{at}");
    }

    // One schema at a time: nullable beside type and enum, `$ref` siblings, discriminator.
    let root = json!({});
    let t = |s: serde_json::Value| openapi_forge::response_schemas::schema(&s, &root);
    assert_eq!(t(json!({"type": "string", "enum": ["a"], "nullable": true})), json!({"type": ["string", "null"], "enum": ["a", null]}));
    assert_eq!(t(json!({"$ref": "#/components/schemas/A", "nullable": true, "description": "ignored"})), json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}));
    assert_eq!(t(json!({"$ref": "#/components/schemas/A", "description": "ignored"})), json!({"$ref": "#/components/schemas/A"}));
    assert_eq!(
        t(json!({"oneOf": [{"$ref": "#/a"}, {"$ref": "#/b"}], "discriminator": {"propertyName": "kind"}, "x-extra": 1})),
        json!({"anyOf": [{"$ref": "#/a"}, {"$ref": "#/b"}]})
    );
    assert_eq!(t(json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})), json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}));
    assert_eq!(t(json!({"type": "number", "maximum": 9, "exclusiveMaximum": false})), json!({"type": "number", "maximum": 9}));
    // A property named like a keyword is a name, not a keyword.
    assert_eq!(t(json!({"properties": {"example": {"type": "string", "example": "x"}}})), json!({"properties": {"example": {"type": "string"}}}));

    // 3.1 documents are JSON Schema already: kept as they are.
    let v31 = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": {"A": {"type": ["string", "null"], "nullable": true, "example": "x"}}}});
    let empty = openapi_forge::normalize::normalize(&openapi_forge::load::load_bytes("3.1.json", v31.to_string().as_bytes()).unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = openapi_forge::response_schemas::response_schemas(&v31, &empty);
    assert_eq!(out["document"]["components"]["schemas"]["A"], v31["components"]["schemas"]["A"]);
}

/// An error range and `default` are asked for with a concrete code the spec does not list
/// (Prism 5.14 refuses `Prefer: code=4XX`, and serves a listed range or `default` for a number
/// it does not find), and must arrive as the range's or the default's variant.
#[test]
fn error_ranges_and_default_are_asked_with_an_unlisted_code() {
    let path = support::crate_dir().join("tests/fixtures/conformance_statuses.yaml");
    let model = support::model_of(&path);
    let op = model.operations.iter().find(|o| o.fn_name == "get_thing").expect("get_thing");
    let asked = openapi_forge::emit::conformance::asked_error_statuses(op);
    assert_eq!(asked, [(404, "404".to_string()), (400, "4XX".to_string()), (500, "default".to_string())]);
}
