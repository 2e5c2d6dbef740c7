//! `cargo xtask conformance [--spec FILE ...]`: the generated clients of whole specs against
//! Stoplight Prism.
//!
//! For each spec it generates the crate with its conformance suite (`tests/conformance.rs`, see
//! the generator's `emit::conformance`) into a scratch workspace under `target/conformance/`,
//! builds every suite in one cargo call (one shared target folder), and runs each against its own
//! Prism: first in static mode (responses from the spec's examples), then in dynamic mode (`-d`
//! with a fixed `--seed`, several draws per operation). Prism runs without `--errors`, so it
//! always serves the response it made up, and lists what it found wrong in the `sl-violations`
//! header: a request violation fails the check. Whether Prism's own response, not the client,
//! is why a body does not decode, the suite decides with its own JSON Schema validator on the
//! whole body (see the generator's `response_schemas`); Prism's header is only quoted.
//!
//! An operation passes when every check passes in both modes: the success call (accepted,
//! decoded), and each documented error status asked for with `Prefer: code=NNN` (typed
//! variant; a range or `default` with a code the spec does not list). It is a Prism-side exception when no check failed but some could not be judged
//! because of Prism (see the suite's `Verdict::Prism`); the run succeeds when no operation
//! fails.

use crate::{cargo, wait_ready, workspace_root, ServerGuard};
use openapi_forge::{Generator, Input, Settings, WriteOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

#[derive(clap::Args)]
pub struct ConformanceArgs {
    /// Spec files (default: every `*.yaml` under `$OPENAPI_CORPUS/confluent/`).
    #[arg(long = "spec")]
    specs: Vec<PathBuf>,
    /// Success calls per operation in dynamic mode (each gets a new invented response).
    #[arg(long, default_value_t = 3)]
    draws: usize,
    /// Specs checked at the same time (one Prism each).
    #[arg(long, default_value_t = 2)]
    parallel: usize,
}

/// The corpus folder: `$OPENAPI_CORPUS`, else `../shared/specs` beside the workspace.
pub fn corpus_dir() -> PathBuf {
    std::env::var_os("OPENAPI_CORPUS").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("../shared/specs"))
}

fn corpus_specs() -> Vec<PathBuf> {
    let dir = corpus_dir().join("confluent");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "yaml")).collect())
        .unwrap_or_default();
    specs.sort();
    specs
}

pub fn run(args: ConformanceArgs) -> ExitCode {
    let specs = if args.specs.is_empty() { corpus_specs() } else { args.specs.clone() };
    if specs.is_empty() {
        eprintln!("conformance: no specs (none given, and none under {}/confluent)", corpus_dir().display());
        return ExitCode::from(1);
    }
    match run_specs(&specs, args.draws, args.parallel.max(1)) {
        Ok(s) if s.passed + s.prism == s.total => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("conformance: {e}");
            ExitCode::from(1)
        }
    }
}

/// Operation counts of a run.
pub struct Totals {
    pub passed: usize,
    /// Operations Prism could not serve (no check failed, some were Prism's).
    pub prism: usize,
    pub total: usize,
}

/// One spec in the scratch workspace.
struct Job {
    stem: String,
    crate_name: String,
    prism_doc: PathBuf,
    operations: usize,
}

/// Each mode's check results.
type ModeResults = Vec<(String, Vec<CheckResult>)>;

/// One operation in a spec's table: route, per mode (passed checks, failures, Prism-side
/// checks), sample notes.
type OpRow = (String, BTreeMap<String, (usize, Vec<String>, Vec<String>)>, Vec<String>);

/// One check's outcome, as the suite reports it.
#[derive(Debug, Clone)]
struct CheckResult {
    operation: String,
    route: String,
    check: String,
    ok: bool,
    /// Not judged: Prism could not serve it (the message says how Prism showed that).
    prism: bool,
    message: Option<String>,
    notes: Vec<String>,
}

/// Generates, builds and runs the suites of `specs`, prints a table per spec and the totals.
pub fn run_specs(specs: &[PathBuf], draws: usize, parallel: usize) -> Result<Totals, String> {
    let start = Instant::now();
    let root = workspace_root();
    let bin = crate::ensure_prism()?;
    let ws = root.join("target/conformance");
    std::fs::create_dir_all(&ws).map_err(|e| format!("{}: {e}", ws.display()))?;

    // 1. Generate every crate with its suite, and the document Prism serves.
    let mut jobs = Vec::new();
    let mut gen_failures = Vec::new();
    for spec in specs {
        match generate(spec, &ws) {
            Ok(job) => jobs.push(job),
            Err(e) => gen_failures.push(format!("{}: {e}", spec.display())),
        }
    }
    for f in &gen_failures {
        eprintln!("conformance: generation failed: {f}");
    }
    if jobs.is_empty() {
        return Err("nothing was generated".into());
    }
    let gen_time = start.elapsed();

    // 2. Build every suite in one cargo call.
    let build_start = Instant::now();
    let exes = build(&ws, &jobs)?;
    let build_time = build_start.elapsed();

    // 3. Run: one Prism per spec and mode, `parallel` specs at a time.
    let run_start = Instant::now();
    let queue = std::sync::Mutex::new(jobs.iter().collect::<Vec<_>>());
    let results: std::sync::Mutex<BTreeMap<String, Result<ModeResults, String>>> = Default::default();
    std::thread::scope(|scope| {
        for _ in 0..parallel {
            // The guard is dropped inside `and_then`: the lock is not held while a spec runs.
            scope.spawn(|| {
                while let Some(job) = queue.lock().ok().and_then(|mut q| q.pop()) {
                let outcome = match exes.get(&job.crate_name) {
                    Some(exe) => run_job(&bin, &ws, job, exe, draws),
                    None => Err("the suite did not compile".into()),
                };
                if let Ok(mut r) = results.lock() {
                    r.insert(job.stem.clone(), outcome);
                }
                }
            });
        }
    });
    let run_time = run_start.elapsed();
    let results = results.into_inner().unwrap_or_default();

    // 4. Report.
    let mut report = String::new();
    let (mut passed, mut prism_total, mut total) = (0, 0, 0);
    let mut spec_rows = Vec::new();
    for job in &jobs {
        total += job.operations;
        let mut lines = Vec::new();
        let (spec_passed, spec_prism) = match results.get(&job.stem) {
            Some(Ok(modes)) => {
                let (p, x) = spec_table(job, modes, &mut lines);
                passed += p;
                prism_total += x;
                (p, x)
            }
            Some(Err(e)) => {
                lines.push(format!("  not run: {e}"));
                (0, 0)
            }
            None => (0, 0),
        };
        spec_rows.push(format!("{:<36} {:>4}/{:<4} {:>5}", job.stem, spec_passed, job.operations, spec_prism));
        report.push_str(&format!("== {} ({spec_passed}/{} operations pass, {spec_prism} Prism-side)\n", job.stem, job.operations));
        for l in lines {
            report.push_str(&l);
            report.push('\n');
        }
    }
    print!("{report}");
    println!("\n{:<36} {:>9} {:>5}", "spec", "pass/ops", "prism");
    for r in &spec_rows {
        println!("{r}");
    }
    for f in &gen_failures {
        println!("generation failed: {f}");
    }
    let checks: usize = results.values().flatten().flat_map(|modes| modes.iter().map(|(_, c)| c.len())).sum();
    let summary = format!(
        "conformance: {passed}/{total} operations pass, {prism_total} Prism-side exceptions, {} fail ({} specs; static + dynamic with {draws} draws, {checks} checks; generate {:.1} s, build {:.1} s, run {:.1} s, total {:.1} s)",
        total - passed - prism_total,
        jobs.len(),
        gen_time.as_secs_f64(),
        build_time.as_secs_f64(),
        run_time.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
    report.push_str(&summary);
    report.push('\n');
    let _ = std::fs::write(ws.join("report.txt"), &report);
    println!("{summary}\n(full report: {})", ws.join("report.txt").display());
    Ok(Totals { passed, prism: prism_total, total })
}

/// The rows of one spec (`P`: a Prism-side exception, `x`: failed); returns how many operations
/// passed in every mode, and how many were Prism-side exceptions.
fn spec_table(job: &Job, modes: &ModeResults, lines: &mut Vec<String>) -> (usize, usize) {
    // operation -> (route, mode -> (passed checks, failed checks), notes)
    let mut ops: BTreeMap<String, OpRow> = BTreeMap::new();
    for (mode, checks) in modes {
        for c in checks {
            let e = ops.entry(c.operation.clone()).or_insert_with(|| (c.route.clone(), BTreeMap::new(), c.notes.clone()));
            let m = e.1.entry(mode.clone()).or_default();
            let msg = c.message.clone().unwrap_or_default();
            if c.ok {
                m.0 += 1;
            } else if c.prism {
                m.2.push(format!("{mode} {} (Prism): {}", c.check, shorten(&msg, 400)));
            } else {
                m.1.push(format!("{mode} {}: {}", c.check, shorten(&msg, 400)));
            }
        }
    }
    let (mut passed, mut prism) = (0, 0);
    lines.push(format!("  {:<52} {:<8} {:<8} route", "operation", "static", "dynamic"));
    for (name, (route, by_mode, notes)) in &ops {
        let cell = |mode: &str| match by_mode.get(mode) {
            Some((ok, failed, theirs)) => format!("{ok}/{}", ok + failed.len() + theirs.len()),
            None => "-".into(),
        };
        let none_failed = by_mode.len() == modes.len() && by_mode.values().all(|(_, f, _)| f.is_empty());
        let all_ok = none_failed && by_mode.values().all(|(_, _, p)| p.is_empty());
        let mark = if all_ok {
            " "
        } else if none_failed {
            prism += 1;
            "P"
        } else {
            "x"
        };
        if all_ok {
            passed += 1;
        }
        lines.push(format!("  {mark} {:<50} {:<8} {:<8} {route}", name, cell("static"), cell("dynamic")));
        for (_, failed, theirs) in by_mode.values() {
            for f in failed.iter().chain(theirs) {
                lines.push(format!("      {f}"));
            }
        }
        if !none_failed {
            for n in notes {
                lines.push(format!("      sample note: {n}"));
            }
        }
    }
    if ops.len() < job.operations {
        lines.push(format!("  {} operations reported nothing", job.operations - ops.len()));
    }
    (passed, prism)
}

fn shorten(s: &str, n: usize) -> String {
    let one_line: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if one_line.chars().count() > n {
        format!("{}...", one_line.chars().take(n).collect::<String>())
    } else {
        one_line
    }
}

/// Generates the crate and suite of `spec` into `ws/<stem>`, and the document Prism serves.
fn generate(spec: &Path, ws: &Path) -> Result<Job, String> {
    let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "spec".into());
    let clean: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let crate_name = format!("conformance-{}", clean.trim_matches('-'));
    let dir = ws.join(&clean);
    // On the runtime crate: compiled once for every spec of the run.
    let settings = Settings::crate_named(crate_name.clone()).with_conformance_suite(true).with_runtime_crate(crate::runtime_crate_path_from(&dir));
    let mut generator = Generator::new(settings);
    generator.input(Input::from_file(spec).map_err(|e| e.to_string())?);
    let output = generator.generate().map_err(|e| e.to_string())?;
    output.write_crate(&dir, &WriteOptions::default()).map_err(|e| e.to_string())?;

    // Prism needs a complete document: the loader's (headers filled in), with the security
    // schemes the spec names without defining, as the generator inferred them.
    let raw = openapi_forge::load::load_file(spec).map_err(|e| e.to_string())?;
    let model = openapi_forge::normalize::normalize(&raw).map_err(|e| e.to_string())?;
    let mut doc = raw.root;
    if let Some(obj) = doc.as_object_mut() {
        let components = obj.entry("components").or_insert_with(|| serde_json::json!({}));
        if let Some(c) = components.as_object_mut() {
            let schemes = c.entry("securitySchemes").or_insert_with(|| serde_json::json!({}));
            if let Some(s) = schemes.as_object_mut() {
                for scheme in model.api.security_schemes.iter().filter(|s| s.inferred) {
                    use openapi_forge::model::AuthKind;
                    let def = match &scheme.kind {
                        AuthKind::Basic => serde_json::json!({"type": "http", "scheme": "basic"}),
                        AuthKind::Bearer => serde_json::json!({"type": "http", "scheme": "bearer"}),
                        AuthKind::ApiKeyHeader(h) => serde_json::json!({"type": "apiKey", "in": "header", "name": h}),
                        AuthKind::ApiKeyQuery(q) => serde_json::json!({"type": "apiKey", "in": "query", "name": q}),
                        AuthKind::Other(_) => continue,
                    };
                    s.entry(scheme.name.clone()).or_insert(def);
                }
            }
        }
    }
    let prism_doc = ws.join(format!("{clean}.prism.json"));
    std::fs::write(&prism_doc, serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    Ok(Job { stem: clean, crate_name, prism_doc, operations: output.summary().operations })
}

/// Builds every suite in one cargo call; returns each crate's test executable.
fn build(ws: &Path, jobs: &[Job]) -> Result<BTreeMap<String, PathBuf>, String> {
    let members: Vec<String> = jobs.iter().map(|j| format!("{:?}", j.stem)).collect();
    std::fs::write(ws.join("Cargo.toml"), format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")))
        .map_err(|e| e.to_string())?;
    let _ = std::fs::copy(workspace_root().join("Cargo.lock"), ws.join("Cargo.lock"));
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"));
    println!("\n==> build {} conformance suites (one cargo call)", jobs.len());
    let out = cargo()
        .current_dir(ws)
        .env("CARGO_TARGET_DIR", &target)
        .args(["build", "--workspace", "--test", "conformance", "--keep-going", "--message-format=json-render-diagnostics"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut exes = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if msg["reason"] != "compiler-artifact" || msg["target"]["name"] != "conformance" {
            continue;
        }
        let (Some(exe), Some(id)) = (msg["executable"].as_str(), msg["package_id"].as_str()) else { continue };
        if let Some(job) = jobs.iter().find(|j| id.contains(&format!("/{}#", j.stem)) || id.contains(&format!("{} ", j.crate_name)) || id.contains(&format!("#{}@", j.crate_name))) {
            exes.insert(job.crate_name.clone(), PathBuf::from(exe));
        }
    }
    if !out.status.success() {
        eprintln!("conformance: some suites did not compile ({} of {} did)", exes.len(), jobs.len());
    }
    Ok(exes)
}

/// Runs one spec's suite against Prism in static and dynamic mode.
fn run_job(bin: &Path, ws: &Path, job: &Job, exe: &Path, draws: usize) -> Result<ModeResults, String> {
    let mut out = Vec::new();
    for (mode, extra, n) in [
        ("static", vec![], 1),
        ("dynamic", vec!["-d", "--seed", "42", "--json-schema-faker-fillProperties=false"], draws),
    ] {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let log = std::fs::File::create(ws.join(format!("{}-{mode}.log", job.stem))).map_err(|e| e.to_string())?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new("node")
            .arg(bin)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string(), "-v", "warn"])
            .args(&extra)
            .arg(&job.prism_doc)
            .stdout(log)
            .stderr(log2)
            .spawn()
            .map_err(|e| format!("cannot start prism: {e}"))?;
        let _guard = ServerGuard(child);
        wait_ready(port)?;
        let report = ws.join(format!("{}-{mode}.jsonl", job.stem));
        let _ = std::fs::remove_file(&report);
        let status = Command::new(exe)
            .env("PRISM_URL", format!("http://127.0.0.1:{port}"))
            .env("PRISM_MODE", mode)
            .env("CONFORMANCE_DRAWS", n.to_string())
            .env("CONFORMANCE_REPORT", &report)
            .args(["--test-threads=1", "-q"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        let text = std::fs::read_to_string(&report)
            .map_err(|_| format!("{mode}: the suite wrote no report (exit {status}); run {} by hand", exe.display()))?;
        let checks = text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| CheckResult {
                operation: v["operation"].as_str().unwrap_or_default().to_string(),
                route: v["route"].as_str().unwrap_or_default().to_string(),
                check: v["check"].as_str().unwrap_or_default().to_string(),
                ok: v["ok"].as_bool().unwrap_or(false),
                prism: v["prism"].as_bool().unwrap_or(false),
                message: v["message"].as_str().map(str::to_string),
                notes: v["notes"].as_array().map(|a| a.iter().filter_map(|n| n.as_str().map(str::to_string)).collect()).unwrap_or_default(),
            })
            .collect();
        out.push((mode.to_string(), checks));
    }
    Ok(out)
}
