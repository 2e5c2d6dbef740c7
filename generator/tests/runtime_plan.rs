//! The runtime a generated crate gets follows what its API uses (`emit::runtime::RuntimePlan`):
//! a crate without multipart bodies, three-state `Patch` fields or paginated lists has no
//! `multipart.rs` / `patch.rs` / `pagination.rs` in its copy of the runtime, nor the builder's
//! `call_multipart.rs` / `call_pages.rs` in either layout, and one with them has them. (The
//! committed fixture clients depend on the runtime crate, so they carry only the local files.) That those crates compile (clippy `-D warnings`) is
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
        for gone in ["multipart.rs", "patch.rs", "pagination.rs", "call_multipart.rs", "call_pages.rs"] {
            assert!(!files.iter().any(|f| f == gone), "{name}: {gone} in {files:?}");
            assert!(!committed_runtime(name).iter().any(|f| f == gone), "{name}: committed client has {gone}");
        }
        // The modules every crate needs are still there.
        for kept in ["mod.rs", "client.rs", "request.rs", "page_limits.rs", "mock.rs", "call.rs", "macros.rs"] {
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
    assert!(files.iter().any(|f| f == "pagination.rs") && files.iter().any(|f| f == "call_pages.rs"), "{files:?}");
    assert!(committed_runtime("pagination").iter().any(|f| f == "call_pages.rs"));
    assert!(!committed_runtime("pagination").iter().any(|f| f == "call_multipart.rs"));
}

#[test]
fn a_spec_with_them_gets_them() {
    let (plan, files) = runtime_of("multipart");
    assert!(plan.multipart, "the multipart fixture has a multipart form body");
    assert!(files.iter().any(|f| f == "multipart.rs") && files.iter().any(|f| f == "call_multipart.rs"), "{files:?}");
    assert!(committed_runtime("multipart").iter().any(|f| f == "call_multipart.rs"));

    let (plan, files) = runtime_of("patch_clear");
    assert!(plan.patch, "the patch_clear fixture has three-state fields");
    assert!(files.iter().any(|f| f == "patch.rs"), "{files:?}");
}

/// The two runtime layouts of one spec differ only in the runtime: the same `lib.rs`, types and
/// operations; a copy's `src/runtime/` has the runtime's files and the local ones, a crate on
/// the runtime crate only the local ones; and a module file refuses the runtime crate.
#[test]
fn the_runtime_crate_changes_only_the_runtime_and_the_manifest() {
    use openapi_forge::{Generator, Input, Settings};
    let generate = |settings: Settings| {
        let mut g = Generator::new(settings);
        g.input(Input::from_file(fixture("pagination")).unwrap());
        g.generate()
    };
    let copied = generate(Settings::crate_named("p")).unwrap();
    let on_crate = generate(Settings::crate_named("p").with_runtime_crate("../rt")).unwrap();
    let files = |o: &openapi_forge::Output| o.files().iter().map(|f| (f.path.clone(), f.contents.clone())).collect::<std::collections::BTreeMap<_, _>>();
    let (a, b) = (files(&copied), files(&on_crate));
    for (path, text) in &a {
        if !path.starts_with("src/runtime/") && path != "Cargo.toml" {
            assert_eq!(Some(text), b.get(path), "{path} differs between the layouts");
        }
    }
    let runtime = |m: &std::collections::BTreeMap<String, String>| m.keys().filter_map(|p| p.strip_prefix("src/runtime/")).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(runtime(&b), ["call.rs", "call_pages.rs", "macros.rs", "mod.rs"]);
    assert!(runtime(&a).len() > 10 && runtime(&b).iter().all(|f| runtime(&a).contains(f)), "{:?}", runtime(&a));
    assert!(b["Cargo.toml"].contains("openapi-forge-runtime = { path = \"../rt\", version = ") && !a["Cargo.toml"].contains("openapi-forge-runtime"));

    let mut module = Settings::module();
    module.runtime = openapi_forge::RuntimeSource::Crate { path: "../rt".into() };
    let refused = generate(module).unwrap_err();
    assert!(refused.to_string().contains("carries its own runtime"), "{refused}");
    // A path that cannot be one is refused, not written into the manifest.
    for bad in ["", "  ", "../rt\u{202e}x", "a\nb"] {
        let refused = generate(Settings::crate_named("p").with_runtime_crate(bad)).unwrap_err();
        assert!(refused.to_string().contains("runtime crate path"), "{bad:?}: {refused}");
    }
}
