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
    crate_name_clash,
    response_ref_request_body,
    callback_refs,
    path_query_string,
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
