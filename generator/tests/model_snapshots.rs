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
    conformance_samples,
    regress_vendor_json_accept,
    regress_required_example_only,
    crate_name_clash,
);

#[test]
fn seed() {
    support::assert_snapshot("seed.model.txt", &support::model_of(&support::seed_path()).to_text());
}

#[test]
fn every_fixture_compiles_under_clippy() {
    let specs: Vec<_> = FIXTURES.iter().map(|n| fixture(n)).collect();
    let (crates, ok, stderr, failed) = support::generate_and_clippy("fixtures-ws", &specs, "fixture-check");
    for c in &crates {
        assert!(c.result.is_ok(), "{}: {:?}", c.spec, c.result);
    }
    assert!(ok, "fixture crates failed to compile: {failed:?}\n{stderr}");
}
