//! The runtime a generated crate gets follows what its API uses (`emit::runtime::RuntimePlan`):
//! a crate without multipart bodies, three-state `Patch` fields or paginated lists has no
//! `multipart.rs` / `patch.rs` / `pagination.rs`, and one with them has them. That those crates compile (clippy `-D warnings`) is
//! checked by `model_snapshots::every_fixture_compiles_under_clippy`, which generates every
//! fixture with its plan, and by the committed fixture clients, which are workspace members.

mod support;

use openapi_forge::emit::runtime::RuntimePlan;
use openapi_forge::emit::{emit_crate, EmitOptions};

fn fixture(name: &str) -> std::path::PathBuf {
    support::crate_dir().join("tests/fixtures").join(format!("{name}.yaml"))
}

/// The runtime file names `emit_crate` writes for a fixture, and its plan.
fn runtime_of(name: &str) -> (RuntimePlan, Vec<String>) {
    let model = support::model_of(&fixture(name));
    let opts = EmitOptions { crate_name: format!("fixture-{name}"), spec_label: format!("{name}.yaml"), runtime: Default::default() };
    let files = emit_crate(&model, &opts).unwrap();
    let runtime = files.iter().filter_map(|f| f.path.strip_prefix("src/runtime/").map(str::to_string)).collect();
    (RuntimePlan::of(&model), runtime)
}

fn committed_runtime(name: &str) -> Vec<String> {
    let dir = support::crate_dir().join("tests/clients").join(name).join("src/runtime");
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn a_spec_without_multipart_patch_or_pagination_gets_none_of_those_modules() {
    for name in ["parameters", "content_types"] {
        let (plan, files) = runtime_of(name);
        assert_eq!(plan, RuntimePlan { multipart: false, patch: false, pagination: false }, "{name}");
        for gone in ["multipart.rs", "patch.rs", "pagination.rs"] {
            assert!(!files.iter().any(|f| f == gone), "{name}: {gone} in {files:?}");
            assert!(!committed_runtime(name).iter().any(|f| f == gone), "{name}: committed client has {gone}");
        }
        // The modules every crate needs are still there.
        for kept in ["mod.rs", "client.rs", "request.rs", "page_limits.rs", "mock.rs"] {
            assert!(files.iter().any(|f| f == kept), "{name}: no {kept} in {files:?}");
        }
        let model = support::model_of(&fixture(name));
        let opts = EmitOptions { crate_name: "x".into(), spec_label: "x.yaml".into(), runtime: Default::default() };
        let lib = emit_crate(&model, &opts).unwrap().into_iter().find(|f| f.path == "src/lib.rs").unwrap();
        assert!(!lib.contents.contains("Patch"), "{name}: lib.rs re-exports Patch without patch.rs");
    }
}

#[test]
fn a_paginated_spec_gets_the_walkers() {
    let (plan, files) = runtime_of("pagination");
    assert!(plan.pagination && !plan.multipart, "{plan:?}");
    assert!(files.iter().any(|f| f == "pagination.rs"), "{files:?}");
    assert!(committed_runtime("pagination").iter().any(|f| f == "pagination.rs"));
    assert!(!committed_runtime("pagination").iter().any(|f| f == "multipart.rs"));
}

#[test]
fn a_spec_with_them_gets_them() {
    let (plan, files) = runtime_of("multipart");
    assert!(plan.multipart, "the multipart fixture has a multipart form body");
    assert!(files.iter().any(|f| f == "multipart.rs"), "{files:?}");
    assert!(committed_runtime("multipart").iter().any(|f| f == "multipart.rs"));

    let (plan, files) = runtime_of("patch_clear");
    assert!(plan.patch, "the patch_clear fixture has three-state fields");
    assert!(files.iter().any(|f| f == "patch.rs"), "{files:?}");
    assert!(committed_runtime("patch_clear").iter().any(|f| f == "patch.rs"));
}
