//! Snapshot tests of the normalized model, one focused fixture spec per feature, and a compile
//! check of every fixture's generated crate (clippy -D warnings, one cargo call).

mod support;

fn fixture(name: &str) -> std::path::PathBuf {
    support::crate_dir().join("tests/fixtures").join(format!("{name}.yaml"))
}

fn check(name: &str) {
    let model = support::model_of(&fixture(name));
    support::assert_snapshot(&format!("{name}.model.txt"), &model.to_text());
}

macro_rules! snapshot_tests {
    ($($name:ident),* $(,)?) => {
        $( #[test] fn $name() { check(stringify!($name)); } )*
        const FIXTURES: &[&str] = &[$(stringify!($name)),*];
    };
}

snapshot_tests!(
    dedup,
    allof_required_overlay,
    response_variants,
    readonly_split,
    nullable,
    name_collisions,
    oneof_discriminator,
    oneof_untagged,
    extensible_enum,
    additional_properties,
    recursive,
    formats,
    parameters,
    content_types,
    pagination,
    pagination_styles,
    regress_allof_oneof,
    regress_compile_breakers,
    conformance_statuses,
    regress_default_only,
    regress_deprecated_paginated,
    regress_disc_mapping,
    regress_naming_order,
    regress_nullable_memo,
    regress_nullable_memo2,
    regress_param_content,
    regress_path_types,
    regress_recursive_alias,
    regress_server_variables,
    regress_stream_collision,
    regress_success_headers,
    regress_title_leak,
    regress_untagged_best_fit,
    secrets,
    refs_anywhere,
    path_order,
    patch_clear,
    conformance_samples,
    regress_vendor_json_accept,
    regress_required_example_only,
    regress_untyped_null,
    crate_name_clash,
    encodings,
    response_ref_request_body,
    callback_refs,
    path_query_string,
    api_key_auth,
    openapi31_types,
    openapi31_refs,
    openapi31_webhooks,
    openapi32_basic,
    doc_lazy_continuation,
    multipart,
    anyof,
);

/// Specs published as trees of files (`tests/trees/NAME/openapi.yaml`), snapshot as `tree_NAME`.
const TREES: &[&str] = &["petstore"];

fn tree(name: &str) -> std::path::PathBuf {
    support::crate_dir().join("tests/trees").join(name).join("openapi.yaml")
}

#[test]
fn trees() {
    for name in TREES {
        support::assert_snapshot(&format!("tree_{name}.model.txt"), &support::model_of(&tree(name)).to_text());
    }
}

#[test]
fn seed() {
    support::assert_snapshot("seed.model.txt", &support::model_of(&support::seed_path()).to_text());
}

#[test]
fn every_fixture_compiles_under_clippy() {
    let mut specs: Vec<_> = FIXTURES.iter().map(|n| fixture(n)).collect();
    specs.extend(TREES.iter().map(|n| tree(n)));
    let (crates, ok, stderr, failed) = support::generate_and_clippy("fixtures-ws", &specs, "fixture-check");
    for c in &crates {
        assert!(c.result.is_ok(), "{}: {:?}", c.spec, c.result);
    }
    assert!(ok, "fixture crates failed to compile: {failed:?}\n{stderr}");
}

/// The OpenAPI 3.1/3.2 fixtures' examples (`example`, the `examples` arrays, media-type and
/// webhook payload examples) decode into their generated types: their crates' `spec_examples`
/// tests are run, not only compiled.
#[test]
fn openapi31_fixture_examples_decode() {
    let names = ["openapi31_types", "openapi31_refs", "openapi31_webhooks", "openapi32_basic"];
    let ws = support::crate_dir().join("../target/fixtures31-examples-ws");
    let _ = std::fs::remove_dir_all(&ws);
    std::fs::create_dir_all(&ws).expect("create scratch workspace");
    let mut members = Vec::new();
    for name in names {
        let bytes = std::fs::read(fixture(name)).expect("read spec");
        let crate_name = format!("examples-{}", name.replace('_', "-"));
        let opts = openapi_forge::Options { crate_name: crate_name.clone(), spec_label: format!("{name}.yaml") };
        let g = openapi_forge::generate_files(name, &bytes, &opts).unwrap_or_else(|e| panic!("{e}"));
        assert!(g.files.iter().any(|f| f.path.ends_with("spec_examples.rs")), "{name}: no spec_examples.rs");
        openapi_forge::write_crate(&ws.join(&crate_name), &g.files).expect("write crate");
        members.push(crate_name);
    }
    let out = support::cargo_in_scratch_workspace_merged(&ws, &members, &["test", "--workspace", "--", "spec_examples"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "spec examples failed:\n{text}");
    let passed = text.lines().filter(|l| l.contains("spec_examples::") && l.ends_with("ok")).count();
    assert!(passed >= 15, "expected the fixtures' examples to run, {passed} did:\n{text}");
}
