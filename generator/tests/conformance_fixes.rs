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
        ops.contains(r#".header("Accept", "application/vnd.example.v1+json, application/json")"#),
        "{ops}"
    );
    // Plain JSON operations keep the runtime's default.
    assert_eq!(ops.matches("\"Accept\"").count(), 1, "{ops}");
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
    assert!(types.contains("pub metadata: ::std::option::Option<ListMeta>"), "{types}");
    assert!(types.contains("pub typed: Thing"), "{types}");
}
