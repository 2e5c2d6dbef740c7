//! Hostile specs (`tests/hostile/`): the generator never panics, never emits code that fails to
//! compile, and every refusal says where (file, JSON pointer, line and column when the parser
//! knows them) and why.
//!
//! Each spec `NAME.yaml` / `NAME.json` has a sidecar `NAME.expect`, one fact per line:
//!
//! ```text
//! refuse | accept                 the outcome
//! error: POINTER | TEXT           an error at exactly POINTER (or under it, with a trailing `/*`)
//!                                 whose message contains TEXT
//! warning: POINTER | TEXT         the same, for a warning (refused or accepted specs)
//! errors: N                       at least N errors, reported together
//! location: LINE:COL | any        an error carries this line and column (or some position)
//! max_seconds: S                  refused within S seconds (a loose guard, not a benchmark)
//! cli                             also run the binary: exit 1, stderr names the file and the
//!                                 first pointer, and --out is not created
//! known_bug: WHAT                 accepted, but today's output does not compile: the crate must
//!                                 FAIL to compile (so a fix shows up here and the line goes)
//! skip: WHY                       not run at all (a known bug that would take too long)
//! ```
//!
//! Accepted specs are generated twice (byte-identical), written into `target/hostile-ws`, and
//! compiled together in one `cargo clippy -D warnings` call that shares the workspace's target
//! folder (`$CARGO_TARGET_DIR` when set). Every generated manifest must say `doctest = false`
//! under `[lib]`; the scratch copies are then forced to `doctest = true` and `cargo test --doc`
//! runs there: rustdoc must find zero doctests in every crate (`running 0 tests`), so no spec text
//! became one. The `inject_*` fixtures put code fences, indented blocks, comment and raw-string
//! terminators, CR and bidi controls into one string slot each (enum values, parameter and header
//! names, path keys, media types, security scheme names, discriminators, operationIds,
//! `x-lifecycle-stage`, titles, info.title/version, server URLs, property names); a doctest made
//! from one would write `/tmp/forge-pwned-SLOT` or exit 3, and no such file may exist afterwards.

mod support;

use openapi_forge::{generate_files, write_crate, Diagnostic, Options, Severity};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
struct Expect {
    refuse: bool,
    errors: Vec<(String, String)>,
    warnings: Vec<(String, String)>,
    min_errors: usize,
    location: Option<Option<(usize, usize)>>,
    max_seconds: Option<f64>,
    cli: bool,
    known_bug: Option<String>,
    skip: Option<String>,
}

struct Fixture {
    spec: PathBuf,
    name: String,
    expect: Expect,
}

fn hostile_dir() -> PathBuf {
    support::crate_dir().join("tests/hostile")
}

fn parse_expect(path: &Path) -> Expect {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut e = Expect::default();
    let mut outcome = None;
    let pair = |rest: &str| -> (String, String) {
        let (p, m) = rest.split_once(" | ").unwrap_or_else(|| panic!("{}: `POINTER | TEXT` expected in {rest:?}", path.display()));
        (p.trim().to_string(), m.trim().to_string())
    };
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (key, rest) = line.split_once(':').map(|(k, r)| (k.trim(), r.trim())).unwrap_or((line, ""));
        match key {
            "refuse" => outcome = Some(true),
            "accept" => outcome = Some(false),
            "error" => e.errors.push(pair(rest)),
            "warning" => e.warnings.push(pair(rest)),
            "errors" => e.min_errors = rest.parse().unwrap_or_else(|_| panic!("{}: errors: N", path.display())),
            "location" if rest == "any" => e.location = Some(None),
            "location" => {
                let (l, c) = rest.split_once(':').unwrap_or_else(|| panic!("{}: location: L:C", path.display()));
                e.location = Some(Some((l.parse().unwrap_or(0), c.parse().unwrap_or(0))));
            }
            "max_seconds" => e.max_seconds = rest.parse().ok(),
            "cli" => e.cli = true,
            "known_bug" => e.known_bug = Some(rest.to_string()),
            "skip" => e.skip = Some(rest.to_string()),
            other => panic!("{}: unknown expectation {other:?}", path.display()),
        }
    }
    e.refuse = outcome.unwrap_or_else(|| panic!("{}: first say `refuse` or `accept`", path.display()));
    e
}

/// Every spec with its expectations; fails on a spec without `.expect` or the reverse.
fn fixtures() -> Vec<Fixture> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(hostile_dir())
        .expect("tests/hostile")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .collect();
    specs.sort();
    let mut out = Vec::new();
    for spec in specs {
        let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let ext = spec.extension().and_then(|s| s.to_str()).unwrap_or_default();
        let expect_path = spec.with_extension("expect");
        assert!(expect_path.is_file(), "{} has no {stem}.expect", spec.display());
        out.push(Fixture { name: format!("{stem}.{ext}"), expect: parse_expect(&expect_path), spec });
    }
    for e in std::fs::read_dir(hostile_dir()).expect("tests/hostile").flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "expect") {
            assert!(out.iter().any(|f| f.spec.with_extension("expect") == p), "{} has no spec", p.display());
        }
    }
    out
}

fn pointer_matches(pattern: &str, pointer: &str) -> bool {
    match pattern.strip_suffix("/*") {
        Some(prefix) => pointer == prefix || pointer.starts_with(&format!("{prefix}/")),
        None => pointer == pattern,
    }
}

fn find<'d>(diags: &'d [Diagnostic], severity: Severity, (pattern, text): &(String, String)) -> Option<&'d Diagnostic> {
    diags.iter().find(|d| d.severity == severity && pointer_matches(pattern, &d.pointer) && d.message.contains(text.as_str()))
}

fn listing(diags: &[Diagnostic]) -> String {
    diags.iter().map(|d| format!("    {d}")).collect::<Vec<_>>().join("\n")
}

fn opts(name: &str) -> Options {
    Options { crate_name: crate_name(name), spec_label: name.to_string() }
}

fn crate_name(fixture: &str) -> String {
    format!("hostile-{}", fixture.to_ascii_lowercase().replace(['_', '.'], "-"))
}

#[test]
fn refused_specs_say_where_and_why() {
    let mut failures = Vec::new();
    let mut count = 0;
    for f in fixtures().iter().filter(|f| f.expect.refuse && f.expect.skip.is_none()) {
        count += 1;
        let bytes = std::fs::read(&f.spec).expect("read fixture");
        let label = f.spec.display().to_string();
        let start = Instant::now();
        let result = generate_files(&label, &bytes, &opts(&f.name));
        let took = start.elapsed();
        let e = match result {
            Ok(_) => {
                failures.push(format!("{}: accepted, expected a refusal", f.name));
                continue;
            }
            Err(e) => e,
        };
        let errors: Vec<&Diagnostic> = e.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        let mut problems = Vec::new();
        if errors.is_empty() {
            problems.push("no error diagnostic".to_string());
        }
        for d in &errors {
            if d.file != label || !d.pointer.starts_with('#') || d.message.trim().is_empty() {
                problems.push(format!("an error does not say where and why: {d:?}"));
            }
        }
        for want in &f.expect.errors {
            if find(&e.diagnostics, Severity::Error, want).is_none() {
                problems.push(format!("no error at {} containing {:?}", want.0, want.1));
            }
        }
        for want in &f.expect.warnings {
            if find(&e.diagnostics, Severity::Warning, want).is_none() {
                problems.push(format!("no warning at {} containing {:?}", want.0, want.1));
            }
        }
        if errors.len() < f.expect.min_errors {
            problems.push(format!("{} errors, expected at least {} reported together", errors.len(), f.expect.min_errors));
        }
        match f.expect.location {
            Some(Some(loc)) if !errors.iter().any(|d| d.location == Some(loc)) => problems.push(format!("no error at line:column {loc:?}")),
            Some(None) if !errors.iter().any(|d| d.location.is_some()) => problems.push("no error carries a line and column".into()),
            _ => {}
        }
        if let Some(max) = f.expect.max_seconds {
            if took > Duration::from_secs_f64(max) {
                problems.push(format!("took {took:?}, more than {max} s"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{}:\n  {}\n  got:\n{}", f.name, problems.join("\n  "), listing(&e.diagnostics)));
        }
    }
    assert!(count >= 20, "only {count} refused fixtures found");
    assert!(failures.is_empty(), "{} refused fixtures misbehave:\n{}", failures.len(), failures.join("\n\n"));
}

fn forge(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_openapi-forge")).args(args).output().expect("run openapi-forge")
}

#[test]
fn refusals_through_the_cli_exit_1_and_write_nothing() {
    let scratch = support::crate_dir().join("../target/hostile-cli");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("scratch");
    let mut failures = Vec::new();
    let mut count = 0;
    for f in fixtures().iter().filter(|f| f.expect.cli) {
        count += 1;
        assert!(f.expect.refuse, "{}: `cli` is for refused fixtures", f.name);
        let out = scratch.join(crate_name(&f.name));
        let spec = f.spec.to_str().expect("utf-8 path");
        let o = forge(&["generate", "--spec", spec, "--out", out.to_str().expect("utf-8 path")]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        if o.status.code() != Some(1) {
            failures.push(format!("{}: exit {:?}, expected 1\n{stderr}", f.name, o.status.code()));
        }
        if out.exists() {
            failures.push(format!("{}: {} was created", f.name, out.display()));
        }
        if !stderr.contains(spec) {
            failures.push(format!("{}: stderr does not name the spec file\n{stderr}", f.name));
        }
        if let Some((pointer, _)) = f.expect.errors.first() {
            let pointer = pointer.trim_end_matches("/*");
            if !stderr.contains(pointer) {
                failures.push(format!("{}: stderr does not name {pointer}\n{stderr}", f.name));
            }
        }
    }
    assert!(count >= 5, "only {count} fixtures are run through the CLI");
    // A spec that cannot be read is a spec error (1); a bad command line is a usage error (2).
    let missing = scratch.join("no-such-spec.yaml");
    let o = forge(&["generate", "--spec", missing.to_str().unwrap_or_default(), "--out", scratch.join("x").to_str().unwrap_or_default()]);
    if o.status.code() != Some(1) || scratch.join("x").exists() {
        failures.push(format!("missing spec: exit {:?} (expected 1), or --out created", o.status.code()));
    }
    for args in [&[][..], &["generate"][..], &["generate", "--spec", "x.yaml"][..], &["generate", "--bogus"][..], &["frobnicate"][..]] {
        let o = forge(args);
        if o.status.code() != Some(2) {
            failures.push(format!("usage error {args:?}: exit {:?}, expected 2", o.status.code()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn accepted_specs_compile_cleanly_and_run_no_doctests() {
    let root = support::crate_dir().join("..");
    let ws = root.join("target/hostile-ws");
    let _ = std::fs::remove_dir_all(&ws);
    std::fs::create_dir_all(&ws).expect("scratch workspace");
    // What an `inject_*` fixture's doctest writes when it runs; left over from an earlier run,
    // it would hide nothing, so start clean.
    for stale in support::pwned_files() {
        let _ = std::fs::remove_file(stale);
    }
    let mut failures = Vec::new();
    let mut doctests_on = Vec::new();
    let mut crates: Vec<(String, &Fixture)> = Vec::new();
    let all = fixtures();
    for f in all.iter().filter(|f| !f.expect.refuse) {
        if let Some(why) = &f.expect.skip {
            eprintln!("skipped {}: {why} ({})", f.name, f.expect.known_bug.as_deref().unwrap_or(""));
            continue;
        }
        let bytes = std::fs::read(&f.spec).expect("read fixture");
        let label = f.spec.display().to_string();
        let first = generate_files(&label, &bytes, &opts(&f.name));
        let g = match (first, &f.expect.known_bug) {
            (Ok(g), _) => g,
            (Err(e), Some(bug)) => {
                println!("known bug, still refused as recorded: {}: {bug}\n{}", f.name, listing(&e.diagnostics));
                continue;
            }
            (Err(e), None) => {
                failures.push(format!("{}: refused, expected it accepted:\n{}", f.name, listing(&e.diagnostics)));
                continue;
            }
        };
        for want in &f.expect.warnings {
            if find(&g.warnings, Severity::Warning, want).is_none() {
                failures.push(format!("{}: no warning at {} containing {:?}; got:\n{}", f.name, want.0, want.1, listing(&g.warnings)));
            }
        }
        match generate_files(&label, &bytes, &opts(&f.name)) {
            Ok(again) if again.files == g.files => {}
            _ => failures.push(format!("{}: a second run generated different files", f.name)),
        }
        // The generated crate runs no doctests at all: its manifest turns them off.
        let manifest = g.files.iter().find(|file| file.path == "Cargo.toml").map(|file| file.contents.as_str()).unwrap_or_default();
        if support::lib_doctest(manifest) != Some(false) {
            let lib: Vec<&str> = manifest.lines().skip_while(|l| l.trim() != "[lib]").take_while(|l| !l.is_empty()).collect();
            doctests_on.push(format!("{} ({lib:?})", f.name));
        }
        let name = crate_name(&f.name);
        write_crate(&ws.join(&name), &g.files).expect("write crate");
        // The scratch copy runs doctests anyway, so any that spec text made show up below.
        std::fs::write(ws.join(&name).join("Cargo.toml"), support::force_doctest(manifest)).expect("force doctest = true");
        crates.push((name, f));
    }
    assert!(crates.len() >= 15, "only {} accepted fixtures", crates.len());
    if !doctests_on.is_empty() {
        failures.push(format!(
            "{} generated Cargo.toml files do not say `doctest = false` under [lib]:\n    {}",
            doctests_on.len(),
            doctests_on.join("\n    ")
        ));
    }
    let names: Vec<String> = crates.iter().map(|(n, _)| n.clone()).collect();
    let start = Instant::now();
    let out = support::cargo_in_scratch_workspace(
        &ws,
        &names,
        &["clippy", "--workspace", "--all-targets", "--keep-going", "--message-format=short", "--", "-D", "warnings"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let failed = support::crates_that_failed(&stderr, &names);
    println!("clippy -D warnings on {} crates: {:.1} s", names.len(), start.elapsed().as_secs_f64());
    let mut compiled = Vec::new();
    for (name, f) in &crates {
        let did_fail = failed.contains(&name);
        match (&f.expect.known_bug, did_fail) {
            (None, true) => failures.push(format!("{}: the generated crate does not compile cleanly", f.name)),
            (Some(bug), false) => failures.push(format!("{}: compiles now; remove its `known_bug` line ({bug})", f.name)),
            (Some(bug), true) => println!("known bug, still failing as recorded: {}: {bug}", f.name),
            (None, false) => compiled.push(name.clone()),
        }
    }
    if !out.status.success() && failed.is_empty() {
        failures.push("cargo clippy failed without naming a crate".to_string());
    }
    let errors_of_unexpected: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(": error") || l.starts_with("error"))
        .filter(|l| crates.iter().any(|(n, f)| f.expect.known_bug.is_none() && l.contains(n.as_str())))
        .collect();
    if !errors_of_unexpected.is_empty() {
        failures.push(format!("clippy errors:\n{}", errors_of_unexpected.join("\n")));
    }

    // Doctests, with `doctest = true` forced in every scratch manifest: rustdoc must find none
    // at all (each crate's `running N tests` says 0), so spec text never became one.
    let mut args: Vec<String> = ["test", "--doc", "--workspace", "--no-fail-fast"].iter().map(|s| s.to_string()).collect();
    for name in names.iter().filter(|n| !compiled.contains(n)) {
        args.push("--exclude".into());
        args.push(name.clone());
    }
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = support::cargo_in_scratch_workspace_merged(&ws, &names, &arg_refs);
    let output = String::from_utf8_lossy(&out.stdout);
    let runs = support::doctest_runs(&output);
    let mut runtime_only = Vec::new();
    for name in &compiled {
        let lib = name.replace('-', "_");
        match runs.iter().find(|r| r.crate_name == lib) {
            None => failures.push(format!("{name}: `cargo test --doc` reported no `Doc-tests {lib}` block (was doctest = true forced?)")),
            Some(run) if run.count != 0 || !run.tests.is_empty() => {
                let from_spec: Vec<&String> = run.tests.iter().filter(|t| !t.contains("/src/runtime/")).collect();
                if from_spec.is_empty() && run.count == run.tests.len() {
                    runtime_only.push(format!("{name}: {}", run.tests.join("; ")));
                } else {
                    failures.push(format!(
                        "{name}: rustdoc found {} doctest(s), expected 0; from spec text:\n    {}",
                        run.count,
                        from_spec.iter().map(|t| t.as_str()).collect::<Vec<_>>().join("\n    ")
                    ));
                }
            }
            Some(_) => {}
        }
    }
    if !runtime_only.is_empty() {
        failures.push(format!(
            "{} crates have doctests only in the verbatim runtime (templates/runtime/*.rs examples count too: \
             `running N tests` must say 0), e.g.\n    {}",
            runtime_only.len(),
            runtime_only.iter().take(3).cloned().collect::<Vec<_>>().join("\n    ")
        ));
    }
    if !out.status.success() {
        let tail: Vec<&str> = output.lines().filter(|l| l.contains("error") || l.contains("FAILED") || l.contains("panicked")).take(60).collect();
        failures.push(format!("cargo test --doc failed:\n{}", tail.join("\n")));
    }
    let pwned = support::pwned_files();
    if !pwned.is_empty() {
        failures.push(format!("doctests made from spec text ran and wrote {pwned:?}"));
    }
    assert!(failures.is_empty(), "{} problems:\n\n{}", failures.len(), failures.join("\n\n"));
    assert!(compiled.len() >= 12, "{compiled:?}");
}
