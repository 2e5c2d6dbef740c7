//! The `openapi-forge` command line: exit codes, `--check`, content sniffing, `-v` warnings.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn forge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openapi-forge")).args(args).output().expect("run openapi-forge")
}

fn scratch(name: &str) -> PathBuf {
    let dir = support::crate_dir().join("../target/cli-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).to_string(), String::from_utf8_lossy(&o.stderr).to_string())
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn generate_then_check() {
    let dir = scratch("generate");
    let out = dir.join("crate");
    let spec = support::seed_path();
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", "seed-client"]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("12 types, 1 operations, 5 warnings"), "{stdout}");
    assert!(out.join("Cargo.toml").is_file() && out.join("src/lib.rs").is_file() && out.join("src/runtime/mod.rs").is_file());
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("manifest");
    assert!(manifest.contains("name = \"seed-client\""), "{manifest}");

    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", "seed-client", "--check"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    std::fs::write(out.join("src/types.rs"), "// edited by hand\n").expect("edit");
    std::fs::write(out.join("src/stray.rs"), "\n").expect("stray");
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", "seed-client", "--check"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr.contains("src/types.rs") && stderr.contains("src/stray.rs"), "{stderr}");
    // Regenerating replaces src/ whole, stray files included; files outside src/ stay.
    std::fs::create_dir_all(out.join("examples")).expect("examples");
    std::fs::write(out.join("examples/mine.rs"), "fn main() {}\n").expect("example");
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", "seed-client"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!out.join("src/stray.rs").exists());
    assert!(out.join("examples/mine.rs").exists());
}

#[test]
fn json_is_recognised_by_content_not_extension() {
    let dir = scratch("json");
    let raw = openapi_forge::load::load_file(&support::seed_path()).expect("seed");
    let spec = dir.join("spec-in-json.yaml");
    std::fs::write(&spec, serde_json::to_string(&raw.root).expect("json")).expect("write");
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&dir.join("out"))]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let yaml_out = scratch("json-yaml");
    forge(&["generate", "--spec", s(&support::seed_path()), "--out", s(&yaml_out)]);
    let a = std::fs::read_to_string(dir.join("out/src/types.rs")).expect("types");
    let b = std::fs::read_to_string(yaml_out.join("src/types.rs")).expect("types");
    assert_eq!(a.lines().skip(1).collect::<Vec<_>>(), b.lines().skip(1).collect::<Vec<_>>(), "same types from JSON and YAML");
}

#[test]
fn verbose_lists_warnings_with_pointers() {
    let dir = scratch("verbose");
    let o = forge(&["generate", "-v", "--spec", s(&support::seed_path()), "--out", s(&dir.join("out"))]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr.contains("#/paths/~1iam~1v2~1api-keys~1{id}/patch/jsonRequestBodyExample"), "{stderr}");
    assert!(stderr.contains("#/components/securitySchemes/cloud-api-key"), "{stderr}");
}

#[test]
fn spec_errors_exit_1_and_write_nothing() {
    let dir = scratch("errors");
    let spec = dir.join("broken.yaml");
    std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n").expect("write");
    let out = dir.join("out");
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out)]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr.contains("broken.yaml") && stderr.contains("#/paths/~1a/get/responses/200/content/application~1json/schema"), "{stderr}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(forge(&["generate", "--spec"]).status.code(), Some(2));
    assert_eq!(forge(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(forge(&["--help"]).status.code(), Some(0));
}
