//! Specs published as trees of files (`tests/trees/`): relative file `$ref`s are read and
//! bundled, diagnostics on bundled parts name the file and pointer they came from, and what
//! cannot be read is refused naming the referencing file, the `$ref`'s pointer and line, and
//! what is missing. Also the refusals that used to be wrong on real specs (fixtures
//! `response_ref_request_body`, `callback_refs`, `path_query_string`).
//!
//! The petstore tree's model snapshot and its clippy run are in `model_snapshots.rs`; here its
//! crate's tests run, so every example in its files decodes into the generated types.

mod support;

use openapi_forge::{Diagnostic, GenerateError, Generator, Input, Settings, Severity};
use std::path::{Path, PathBuf};

fn trees() -> PathBuf {
    support::crate_dir().join("tests/trees")
}

fn generate(spec: &Path) -> Result<openapi_forge::Output, GenerateError> {
    let mut g = Generator::new(Settings::crate_named("tree-client"));
    g.input(Input::from_file(spec)?);
    g.generate()
}

fn refused(tree: &str) -> Vec<Diagnostic> {
    let spec = trees().join("refused").join(tree).join("openapi.yaml");
    match generate(&spec) {
        Ok(_) => panic!("{tree}: accepted, expected a refusal"),
        Err(e) => e.diagnostics.into_iter().filter(|d| d.severity == Severity::Error).collect(),
    }
}

/// The one error, checked to be in `file` (relative to the tree) at `pointer`, on `line`.
fn the_error<'d>(errors: &'d [Diagnostic], tree: &str, file: &str, pointer: &str, line: Option<usize>) -> &'d Diagnostic {
    let listing = || errors.iter().map(|d| format!("  {d}")).collect::<Vec<_>>().join("\n");
    assert_eq!(errors.len(), 1, "{tree}: one error expected:\n{}", listing());
    let d = &errors[0];
    let want = trees().join("refused").join(tree).join(file);
    assert_eq!(Path::new(&d.file), want, "{tree}: wrong file:\n{}", listing());
    assert_eq!(d.pointer, pointer, "{tree}:\n{}", listing());
    if let Some(line) = line {
        assert_eq!(d.location.map(|l| l.0), Some(line), "{tree}: wrong line:\n{}", listing());
    }
    d
}

#[test]
fn a_tree_of_files_generates_with_names_from_its_files() {
    let spec = trees().join("petstore/openapi.yaml");
    let out = generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.warnings().is_empty(), "{:?}", out.warnings());
    let s = out.summary();
    assert_eq!((s.operations, s.types), (5, 5), "{s:?}");
    let types = out.files().iter().find(|f| f.path == "src/types.rs").map(|f| f.contents.clone()).unwrap_or_default();
    // `schemas/pet.yaml` is `Pet`; `common/responses.yaml#/schemas/Error` clashes with the root's
    // `Error` (itself `ErrorBody`, beside the crate's own `Error`) and becomes `ResponsesError`;
    // the root's `Tag` is referred to from `pet.yaml`.
    for name in ["pub struct Pet ", "pub struct Owner ", "pub struct ErrorBody ", "pub struct ResponsesError ", "pub enum Tag "] {
        assert!(types.contains(name), "no `{name}` in types.rs:\n{types}");
    }
    // The same bytes every time.
    let again = generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.files().iter().zip(again.files()).all(|(a, b)| a.path == b.path && a.contents == b.contents));
    // From bytes there is no folder: file refs are refused, each naming its pointer and line.
    let bytes = std::fs::read(&spec).expect("read spec");
    let e = openapi_forge::generate_files("openapi.yaml", &bytes, &openapi_forge::Options { crate_name: "x".into(), spec_label: "openapi.yaml".into() })
        .err()
        .unwrap_or_else(|| panic!("bytes with file refs accepted"));
    let first = &e.diagnostics[0];
    assert_eq!((first.file.as_str(), first.pointer.as_str(), first.location.map(|l| l.0)), ("openapi.yaml", "#/paths/~1pets", Some(9)), "{e}");
    assert!(first.message.contains("given as bytes") && first.message.contains("./paths/pets.yaml"), "{e}");
    assert!(e.diagnostics.iter().all(|d| !d.message.contains("not declared")), "refused refs cascaded: {e}");
}

#[test]
fn the_tree_crate_decodes_its_examples() {
    let spec = trees().join("petstore/openapi.yaml");
    let out = generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.files().iter().any(|f| f.path == "src/spec_examples.rs"), "no examples were generated");
    let ws = support::crate_dir().join("../target/trees-ws");
    let _ = std::fs::remove_dir_all(&ws);
    out.write_crate(&ws.join("tree-client"), &openapi_forge::WriteOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let run = support::cargo_in_scratch_workspace(&ws, &["tree-client".to_string()], &["test", "-q", "--lib"]);
    let (stdout, stderr) = (String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("spec_examples") || stdout.contains("test result: ok"), "{stdout}");
}

#[test]
fn diagnostics_on_bundled_parts_name_their_files() {
    let spec = trees().join("warned/openapi.yaml");
    let out = generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    let items = trees().join("warned/paths/items.yaml").display().to_string();
    let common = trees().join("warned/common.yaml").display().to_string();
    let has = |file: &str, pointer: &str, text: &str| out.warnings().iter().any(|d| d.file == file && d.pointer == pointer && d.message.contains(text));
    let listing = out.warnings().iter().map(|d| format!("  {d}")).collect::<Vec<_>>().join("\n");
    // A warning of `normalize` on a path item copied in from `paths/items.yaml`.
    assert!(has(&items, "#/get/parameters/0", "cookie parameter"), "{listing}");
    // One on a parameter bundled from `common.yaml`.
    assert!(has(&common, "#/Sort/allowReserved", "allowReserved"), "{listing}");
    // The bundler's own: a response that names a request body in another file.
    assert!(has(&items, "#/get/responses/200", "names a `components/requestBodies` entry"), "{listing}");
}

#[test]
fn a_missing_file_is_refused_naming_the_ref_and_the_path() {
    let errors = refused("missing_file");
    let d = the_error(&errors, "missing_file", "openapi.yaml", "#/paths/~1users/get/responses/200/content/application~1json/schema", Some(12));
    assert!(d.message.contains("./schemas/user.yaml") && d.message.contains("schemas/user.yaml: no such file"), "{d}");
}

#[test]
fn a_url_ref_is_refused_and_never_fetched() {
    let errors = refused("url_ref");
    let d = the_error(&errors, "url_ref", "openapi.yaml", "#/paths/~1users~1{id}/get/parameters/0", Some(8));
    assert!(d.message.contains("is a URL") && d.message.contains("never fetches"), "{d}");
}

#[test]
fn a_bad_pointer_inside_an_external_file_names_that_file_pointer_and_line() {
    let errors = refused("bad_pointer");
    let d = the_error(&errors, "bad_pointer", "schemas/user.yaml", "#/properties/address", Some(5));
    assert!(d.message.contains("has no #/components/schemas/Adress") && d.message.contains("schemas/common.yaml"), "{d}");
}

#[test]
fn ref_cycles_across_files_are_refused_not_followed() {
    let errors = refused("cycle");
    let d = the_error(&errors, "cycle", "schemas/a.yaml", "#", Some(1));
    assert!(d.message.contains("cycle") && d.message.contains("b.yaml"), "{d}");
    let errors = refused("path_cycle");
    let d = the_error(&errors, "path_cycle", "paths/a.yaml", "#", Some(1));
    assert!(d.message.contains("cycle") && d.message.contains("path item"), "{d}");
}

/// Warnings of one fixture spec in `tests/fixtures`.
fn fixture_warnings(name: &str) -> Vec<Diagnostic> {
    let path = support::crate_dir().join("tests/fixtures").join(format!("{name}.yaml"));
    generate(&path).unwrap_or_else(|e| panic!("{name}: {e}")).warnings().to_vec()
}

#[test]
fn a_response_that_names_a_request_body_is_read_with_a_warning() {
    let w = fixture_warnings("response_ref_request_body");
    assert!(
        w.iter().any(|d| d.pointer == "#/paths/~1things/post/responses/201" && d.message.contains("names a request body")),
        "{w:?}"
    );
}

#[test]
fn callbacks_as_references_are_ignored_with_a_warning() {
    let w = fixture_warnings("callback_refs");
    for p in ["#/paths/~1subscriptions/post/callbacks/onEvent", "#/paths/~1subscriptions/post/callbacks/onInline", "#/components/callbacks/Event"] {
        assert!(w.iter().any(|d| d.pointer == p && d.message.contains("callbacks are not generated")), "{p}: {w:?}");
    }
}

#[test]
fn a_query_string_in_a_path_key_says_so() {
    let w = fixture_warnings("path_query_string");
    assert!(w.iter().any(|d| d.pointer == "#/paths/~1users?active=true" && d.message.contains("query string")), "{w:?}");
    assert!(w.iter().all(|d| !d.message.contains("not declared")), "{w:?}");
}
