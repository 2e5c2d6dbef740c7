//! The whole corpus: every spec in `$OPENAPI_CORPUS/confluent` (default `../shared/specs`)
//! generates a crate, and all of them compile together under `clippy -D warnings` in one cargo
//! invocation that shares the workspace's target folder (so dependencies build once).

mod support;

use openapi_forge::{generate_files, write_crate, Options};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Row {
    spec: String,
    crate_name: String,
    operations: usize,
    types: usize,
    warnings: usize,
    error: Option<String>,
}

fn corpus_specs(dir: &Path) -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir.join("confluent"))
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json")).collect())
        .unwrap_or_default();
    specs.sort();
    specs.push(dir.join("seed/update-api-key.yaml"));
    specs
}

#[test]
fn every_corpus_spec_generates_and_compiles() {
    let Some(corpus) = support::corpus_dir() else { return };
    let root = support::crate_dir().join("..");
    let ws = root.join("target/corpus-ws");
    let _ = std::fs::remove_dir_all(&ws);
    std::fs::create_dir_all(&ws).expect("create corpus workspace");
    let start = Instant::now();
    let mut rows = Vec::new();
    for spec in corpus_specs(&corpus) {
        let stem = spec.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let crate_name = format!("corpus-{}", stem.replace(['.', '_'], "-"));
        let bytes = std::fs::read(&spec).expect("read spec");
        let opts = Options { crate_name: crate_name.clone(), spec_label: format!("{stem}.yaml") };
        match generate_files(&spec.display().to_string(), &bytes, &opts) {
            Ok(g) => {
                write_crate(&ws.join(&crate_name), &g.files).expect("write crate");
                rows.push(Row {
                    spec: stem,
                    crate_name,
                    operations: g.model.operations.len(),
                    types: g.model.types.len(),
                    warnings: g.warnings.len(),
                    error: None,
                });
            }
            Err(e) => rows.push(Row { spec: stem, crate_name, operations: 0, types: 0, warnings: 0, error: Some(e.to_string()) }),
        }
    }
    let gen_time = start.elapsed();
    let members: Vec<String> = rows.iter().filter(|r| r.error.is_none()).map(|r| format!("{:?}", r.crate_name)).collect();
    std::fs::write(ws.join("Cargo.toml"), format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", "))).expect("workspace manifest");
    // The same lock file as the main workspace, so the shared target folder's dependencies are reused.
    let _ = std::fs::copy(root.join("Cargo.lock"), ws.join("Cargo.lock"));
    let compile_start = Instant::now();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&ws)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(["clippy", "--workspace", "--all-targets", "--keep-going", "--message-format=short", "--", "-D", "warnings"])
        .output()
        .expect("run cargo clippy");
    let compile_time = compile_start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let failed_crates: Vec<&Row> = rows
        .iter()
        .filter(|r| r.error.is_none())
        .filter(|r| stderr.lines().any(|l| l.contains(&format!("could not compile `{}`", r.crate_name))))
        .collect();

    println!("\n{:<28} {:>5} {:>6} {:>8}  status", "spec", "ops", "types", "warnings");
    let (mut ops, mut types) = (0, 0);
    for r in &rows {
        ops += r.operations;
        types += r.types;
        let status = match &r.error {
            Some(_) => "GENERATION FAILED",
            None if !out.status.success() && failed_crates.iter().any(|f| f.crate_name == r.crate_name) => "COMPILE FAILED",
            None if !out.status.success() => "not reached",
            None => "ok",
        };
        println!("{:<28} {:>5} {:>6} {:>8}  {status}", r.spec, r.operations, r.types, r.warnings);
    }
    println!(
        "{} specs, {ops} operations, {types} types; generation {:.2} s, clippy -D warnings {:.1} s\n",
        rows.len(),
        gen_time.as_secs_f64(),
        compile_time.as_secs_f64()
    );
    let gen_errors: Vec<String> = rows.iter().filter_map(|r| r.error.clone()).collect();
    assert!(gen_errors.is_empty(), "generation failed:\n{}", gen_errors.join("\n"));
    assert!(out.status.success(), "the generated crates do not compile cleanly:\n{stderr}");
}
