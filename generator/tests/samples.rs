//! Sample values (`openapi_forge::samples`): examples where the spec has them, else the smallest
//! values meeting the schema's constraints.

mod support;

use serde_json::json;

fn samples(name: &str) -> (openapi_forge::NormalizedModel, Vec<openapi_forge::samples::OperationSamples>) {
    let path = support::crate_dir().join("tests/fixtures").join(format!("{name}.yaml"));
    let raw = openapi_forge::load::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let model = openapi_forge::normalize::normalize(&raw).unwrap_or_else(|e| panic!("{e}"));
    let samples = openapi_forge::samples::operation_samples(&model, Some(&raw.root));
    (model, samples)
}

#[test]
fn constraints_examples_and_formats_are_met() {
    let (model, samples) = samples("conformance_samples");
    let i = model.operations.iter().position(|o| o.fn_name == "create_widget").expect("create_widget");
    let op = &model.operations[i];
    let s = &samples[i];
    let param = |wire: &str| {
        let j = op.params.iter().position(|p| p.wire_name == wire).unwrap_or_else(|| panic!("{wire}"));
        s.params[j].clone()
    };
    let id = param("id").expect("id");
    assert!(regex::Regex::new("^wdg-[a-z0-9]{6}$").unwrap().is_match(id.as_str().unwrap()), "{id}");
    assert_eq!(param("page_size"), Some(json!(5)));
    assert_eq!(param("region"), Some(json!("eu-west-1")));
    assert_eq!(param("mode"), Some(json!("fast")));
    assert_eq!(param("note"), None, "optional parameters are left out of the smallest request");
    // ... and sampled apart, for the calls that send them; required ones are not repeated.
    let optional = |wire: &str| s.optional[op.params.iter().position(|p| p.wire_name == wire).unwrap()].clone();
    assert_eq!(optional("note"), Some(json!("sample")));
    assert_eq!(optional("page_size"), None);
    let body = s.body.clone().expect("body");
    let name = body["name"].as_str().unwrap();
    assert!((20..=30).contains(&name.len()), "{name}");
    assert_eq!(body["owner"], json!("user@example.com"));
    assert_eq!(body["created"], json!("2024-01-01T00:00:00Z"));
    assert_eq!(body["link"], json!("https://example.com/sample"));
    assert_eq!(body["crn"], json!("crn://confluent.cloud/widget=w-1"));
    assert_eq!(body["tags"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["kind"], json!("round"));
    assert_eq!(body["size"], json!(2.5));
    assert!(body.get("optional_note").is_none(), "required fields only: {body}");
    assert!(s.notes.is_empty(), "{:?}", s.notes);
}

#[test]
fn a_media_type_example_is_used_when_it_fits() {
    let (model, samples) = samples("conformance_samples");
    let i = model.operations.iter().position(|o| o.fn_name == "put_example").expect("put_example");
    assert_eq!(samples[i].body, Some(json!({"name": "from-the-example"})));
}

#[test]
fn the_suite_embeds_samples_as_string_literals() {
    let path = support::crate_dir().join("tests/fixtures/conformance_samples.yaml");
    let mut g = openapi_forge::Generator::new(openapi_forge::Settings::crate_named("fixture-conformance").with_conformance_suite(true));
    g.input(openapi_forge::Input::from_file(&path).unwrap_or_else(|e| panic!("{e}")));
    let out = g.generate().unwrap_or_else(|e| panic!("{e}"));
    let suite = out.files().iter().find(|f| f.path == "tests/conformance.rs").expect("suite");
    assert!(suite.contents.contains(r#"sample("\"crn://"#) || suite.contents.contains("crn://confluent.cloud/widget=w-1"));
    assert!(suite.contents.contains("fn conformance()"));
    // The optional query parameter is set in the calls that send optional inputs.
    assert!(suite.contents.contains("if full {"), "{}", suite.contents);
    assert!(suite.contents.contains("call = call.note("), "{}", suite.contents);
}
