//! The whole corpus: every spec in `$OPENAPI_CORPUS/confluent` (default `../shared/specs`)
//! generates a crate, and all of them compile together under `clippy -D warnings` in one cargo
//! invocation that shares the workspace's target folder (so dependencies build once).

mod support;

use std::path::{Path, PathBuf};
use std::time::Instant;

fn corpus_specs(dir: &Path) -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir.join("confluent"))
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json")).collect())
        .unwrap_or_default();
    specs.sort();
    specs.push(dir.join("seed/update-api-key.yaml"));
    specs
}

/// Schema occurrences folded into the emitted types, per spec: the "shapes in" column.
fn schema_occurrences(spec: &Path) -> usize {
    support::model_of(spec).types.iter().map(|t| t.origins.len()).sum()
}

#[test]
fn every_corpus_spec_generates_and_compiles() {
    let Some(corpus) = support::corpus_dir() else { return };
    let specs = corpus_specs(&corpus);
    let start = Instant::now();
    let (crates, ok, stderr, failed) = support::generate_and_clippy("corpus-ws", &specs, "corpus");
    let elapsed = start.elapsed();

    println!("\n{:<28} {:>5} {:>7} {:>6} {:>8}  status", "spec", "ops", "schemas", "types", "warnings");
    let (mut ops, mut types, mut schemas) = (0, 0, 0);
    for (c, spec) in crates.iter().zip(&specs) {
        match &c.result {
            Ok((o, t, w)) => {
                let s = schema_occurrences(spec);
                ops += o;
                types += t;
                schemas += s;
                let status = if failed.contains(&c.crate_name) {
                    "COMPILE FAILED"
                } else if ok {
                    "ok"
                } else {
                    "not reached"
                };
                println!("{:<28} {:>5} {:>7} {:>6} {:>8}  {status}", c.spec, o, s, t, w);
            }
            Err(_) => println!("{:<28} {:>5} {:>7} {:>6} {:>8}  GENERATION FAILED", c.spec, "-", "-", "-", "-"),
        }
    }
    println!(
        "{} specs, {ops} operations; {schemas} object/enum/union schema occurrences folded into {types} types; \
         generation + clippy -D warnings {:.1} s\n",
        crates.len(),
        elapsed.as_secs_f64()
    );
    let gen_errors: Vec<String> = crates.iter().filter_map(|c| c.result.clone().err()).collect();
    assert!(gen_errors.is_empty(), "generation failed:\n{}", gen_errors.join("\n"));
    assert!(ok, "the generated crates do not compile cleanly:\n{stderr}");
}
