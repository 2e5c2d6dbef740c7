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
