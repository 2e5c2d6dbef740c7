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

/// Groups checked one feature at a time: small and large, fixed and per-tenant servers, and
/// groups whose types are mostly shared with others.
const SINGLE_FEATURES: &[&str] = &["iam-v1", "org-v2", "networking-ip-v1", "schema-registry-v1", "flink-gateway-v1", "data-catalog-v1"];

#[test]
fn the_whole_corpus_is_one_crate_with_a_feature_per_spec() {
    use openapi_forge::{Generator, Input, Settings, WriteOptions};
    let Some(corpus) = support::corpus_dir() else { return };
    let mut specs = corpus_specs(&corpus);
    specs.retain(|p| p.starts_with(corpus.join("confluent")));
    let start = Instant::now();
    let mut generator = Generator::new(Settings::crate_named("corpus-all"));
    for s in &specs {
        generator.input(Input::from_file(s).unwrap_or_else(|e| panic!("{e}")));
    }
    let output = generator.generate().unwrap_or_else(|e| panic!("{e}"));
    let generation = start.elapsed();
    let separate: usize = specs
        .iter()
        .map(|s| {
            let mut g = Generator::new(Settings::crate_named("one"));
            g.input(Input::from_file(s).unwrap_or_else(|e| panic!("{e}")));
            g.generate().unwrap_or_else(|e| panic!("{e}")).summary().types
        })
        .sum();
    let summary = output.summary();
    assert_eq!(summary.groups, specs.len());
    assert!(summary.types < separate, "sharing saved nothing: {} vs {separate}", summary.types);

    let ws = support::crate_dir().join("../target/corpus-multi-ws");
    let _ = std::fs::remove_dir_all(&ws);
    output.write_crate(&ws.join("corpus-all"), &WriteOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let members = vec!["corpus-all".to_string()];
    let clippy = |features: Option<&str>| {
        let mut args = vec!["clippy", "-q", "--all-targets"];
        if let Some(f) = features {
            args.extend(["--no-default-features", "--features", f]);
        }
        args.extend(["--", "-D", "warnings"]);
        let out = support::cargo_in_scratch_workspace(&ws, &members, &args);
        assert!(out.status.success(), "clippy ({features:?}) failed:\n{}", String::from_utf8_lossy(&out.stderr));
    };
    clippy(None);
    for f in SINGLE_FEATURES {
        clippy(Some(f));
    }
    // `cargo check` of the crate alone (dependencies are built), all features against one.
    let check_time = |features: Option<&str>| {
        let lib = ws.join("corpus-all/src/lib.rs");
        let text = std::fs::read_to_string(&lib).unwrap_or_default();
        std::fs::write(&lib, &text).unwrap_or_else(|e| panic!("{e}"));
        let mut args = vec!["check", "-q", "--lib"];
        if let Some(f) = features {
            args.extend(["--no-default-features", "--features", f]);
        }
        let t = Instant::now();
        let out = support::cargo_in_scratch_workspace(&ws, &members, &args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        t.elapsed().as_secs_f64()
    };
    let all = check_time(None);
    let one = check_time(Some("org-v2"));
    println!(
        "\none crate for {} specs: {} operations, {} types ({separate} in separate per-spec crates); generated in {:.1} s; \
         cargo check of the crate: all features {all:.1} s, org-v2 alone {one:.1} s; clippy -D warnings with all features \
         and with each of {SINGLE_FEATURES:?} alone\n",
        specs.len(),
        summary.operations,
        summary.types,
        generation.as_secs_f64()
    );
}
