//! Project tasks:
//! - `cargo xtask codegen [--check]`: regenerates `generated/` from the spec in `spec/`.
//! - `cargo xtask test`: every test of the project (the command CI runs).
//! - `cargo xtask conformance [--spec FILE ...]`: every operation of whole specs against Prism.

mod bench;
mod compile;
mod progenitor;
mod scale;
mod conformance;

use clap::{Parser, Subcommand};
use openapi_forge::{Generator, Input, Settings, WriteOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

#[derive(Parser)]
#[command(name = "xtask")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Regenerate `generated/` from `spec/update-api-key.yaml`, and the fixture clients under
    /// `generator/tests/clients/`.
    Codegen {
        /// Fail (exit 1) when `generated/` differs from what the generator would write.
        #[arg(long)]
        check: bool,
    },
    /// Run every test: codegen drift check, clippy, the test suites, rustdoc, and the client
    /// against Stoplight Prism (installed from the pinned lock file on first use).
    Test,
    /// Benchmarks (release build): parse floor, generation, openapi-generator, compile cost of
    /// the emitted code, runtime overhead. Prints a table and writes BENCHMARKS.md.
    Bench(bench::BenchArgs),
    /// Every operation of the given specs (default: the whole corpus) called through the
    /// generated client against Stoplight Prism, in static and dynamic mode.
    Conformance(conformance::ConformanceArgs),
}

/// The workspace root (this crate lives in `xtask/`).
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Cmd::Codegen { check } => codegen(check),
        Cmd::Test => test_all(),
        Cmd::Bench(args) => bench::run(args),
        Cmd::Conformance(args) => conformance::run(args),
    }
}

/// Fixture specs whose generated clients are committed and tested against live servers
/// (`generator/tests/fixtures/NAME.yaml` -> `generator/tests/clients/NAME`).
const CLIENT_FIXTURES: &[&str] =
    &["pagination", "pagination_styles", "parameters", "content_types", "oneof_discriminator", "secrets", "patch_clear", "encodings", "api_key_auth", "response_variants", "multipart", "anyof", "openapi31_types"];

/// Corpus specs (`$OPENAPI_CORPUS/confluent/NAME.yaml`) whose conformance suites `cargo xtask
/// test` runs against Prism: small, and passing every check today.
const CONFORMANCE_SAMPLE: &[&str] = &["iam-v1", "networking-ip-v1", "srcmv3access-v1"];

/// Fixture specs (`generator/tests/fixtures/NAME.yaml`) the same step runs through the suite:
/// what the corpus lacks (no corpus operation documents an error range or `default`), and a
/// static example that breaks its own schema, which the suite's validator must call Prism's.
const CONFORMANCE_FIXTURES: &[&str] = &["conformance_statuses"];

/// Specs generated together into one crate (`generator/tests/multi/NAME.yaml` ->
/// `generator/tests/clients/multi`), one API group each.
const MULTI_FIXTURES: &[&str] = &["alpha", "beta", "gamma", "delta"];

/// The one fixture client that carries a copy of the runtime (`src/runtime/`) instead of
/// depending on the runtime crate like the others, so that the workspace builds, lints and
/// tests that layout too (with the `blocking` feature: `templates/tests/blocking.rs`).
const COPIED_RUNTIME_FIXTURE: &str = "api_key_auth";

/// One crate `cargo xtask codegen` writes: its specs (label, path), its folder and its name,
/// and whether it depends on the runtime crate (`templates/runtime/`) or carries a copy.
struct CodegenJob {
    specs: Vec<(String, PathBuf)>,
    out: PathBuf,
    crate_name: String,
    runtime_crate: bool,
}

fn codegen(check: bool) -> ExitCode {
    let root = workspace_root();
    let rel = |p: &str| (p.to_string(), root.join(p));
    let mut jobs = vec![CodegenJob {
        specs: vec![rel("spec/update-api-key.yaml")],
        out: root.join("generated"),
        crate_name: "confluent-cloud".into(),
        runtime_crate: true,
    }];
    for name in CLIENT_FIXTURES {
        jobs.push(CodegenJob {
            specs: vec![rel(&format!("generator/tests/fixtures/{name}.yaml"))],
            out: root.join(format!("generator/tests/clients/{name}")),
            crate_name: format!("fixture-{}", name.replace('_', "-")),
            runtime_crate: *name != COPIED_RUNTIME_FIXTURE,
        });
    }
    // Several specs into one crate: an API group (module and feature) per spec.
    jobs.push(CodegenJob {
        specs: MULTI_FIXTURES.iter().map(|n| rel(&format!("generator/tests/multi/{n}.yaml"))).collect(),
        out: root.join("generator/tests/clients/multi"),
        crate_name: "fixture-multi".into(),
        runtime_crate: true,
    });
    let mut ok = true;
    for job in &jobs {
        ok &= codegen_one(job, check);
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn codegen_one(job: &CodegenJob, check: bool) -> bool {
    let mut settings = Settings::crate_named(job.crate_name.clone());
    if job.runtime_crate {
        settings = settings.with_runtime_crate(runtime_crate_path_from(&job.out));
    }
    let mut generator = Generator::new(settings);
    for (label, path) in &job.specs {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                return false;
            }
        };
        // The label (a path relative to the workspace) is what generated comments name.
        generator.input(Input { label: label.clone(), bytes, group: None, path: Some(path.clone()) });
    }
    let output = match generator.generate() {
        Ok(g) => g,
        Err(e) => {
            for d in &e.diagnostics {
                eprintln!("{d}");
            }
            return false;
        }
    };
    let out = &job.out;
    let shown = out.strip_prefix(workspace_root()).unwrap_or(out).display().to_string();
    if job.crate_name == "confluent-cloud" {
        for w in output.warnings() {
            eprintln!("{w}");
        }
    }
    let summary = output.summary();
    let counts = format!("{} types, {} operations", summary.types, summary.operations);
    if check {
        let report = match output.check_crate(out) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                return false;
            }
        };
        if report.is_up_to_date() {
            println!("{shown} is up to date ({counts})");
            return true;
        }
        if report.interrupted {
            eprintln!("{shown}: interrupted write (a journal is there): run `cargo xtask codegen`");
        }
        let mut differing = report.differing;
        differing.extend(report.stale.iter().map(|s| format!("{s} (no longer generated)")));
        if !differing.is_empty() {
            eprintln!("{shown} is out of date: run `cargo xtask codegen`. Differing files: {}", differing.join(", "));
        }
        return false;
    }
    // These folders are the project's own generated output, committed before manifests
    // existed: the first run adopts them and writes their manifest; later runs replace and
    // delete only files that manifest lists. Hand-written files (examples/) are never touched.
    let adopt = !out.join(openapi_forge::write::META_DIR).join("manifest").is_file();
    let report = match output.write_crate(out, &WriteOptions { adopt, protect: Vec::new() }) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    if report.repaired_interrupted_write {
        eprintln!("note: {shown}: repaired an interrupted write first");
    }
    if report.removed_stale_staging {
        eprintln!("note: {shown}: removed the staging folder of an interrupted write");
    }
    println!("wrote {shown} ({counts}; {} files written, {} deleted)", report.written.len(), report.deleted.len());
    true
}

/// `templates/runtime` as a path relative to `dir` when `dir` is inside the workspace (`../..`
/// per level, so the manifests written there are the same on every machine), else absolute.
pub(crate) fn runtime_crate_path_from(dir: &Path) -> String {
    match dir.strip_prefix(workspace_root()) {
        Ok(rel) => {
            let mut path = "../".repeat(rel.components().count());
            path.push_str("templates/runtime");
            path
        }
        Err(_) => workspace_root().join("templates/runtime").display().to_string(),
    }
}

pub(crate) fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(workspace_root());
    c
}

fn run_step(name: &str, cmd: &mut Command) -> bool {
    println!("\n==> {name}");
    let start = std::time::Instant::now();
    let ok = cmd.status().map(|s| s.success()).unwrap_or(false);
    println!("<== {name}: {} in {:.1} s", if ok { "ok" } else { "FAILED" }, start.elapsed().as_secs_f64());
    ok
}

fn test_all() -> ExitCode {
    let mut failed: Vec<&str> = Vec::new();
    println!("==> codegen --check");
    if codegen(true) != ExitCode::SUCCESS {
        failed.push("codegen --check");
    }
    if !run_step("clippy (workspace, all targets, -D warnings)", cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])) {
        failed.push("clippy");
    }
    if !run_step(
        "rustdoc of the generated crates (-D warnings)",
        cargo().env("RUSTDOCFLAGS", "-D warnings").args(["doc", "--no-deps", "-p", "confluent-cloud", "-p", "fixture-multi", "-p", "fixture-api-key-auth", "-p", "openapi-forge-runtime", "-p", "openapi-forge"]),
    ) {
        failed.push("rustdoc");
    }
    if !run_step("cargo test --workspace", cargo().args(["test", "--workspace", "--no-fail-fast"])) {
        failed.push("cargo test");
    }
    match prism_tests() {
        Ok(()) => {}
        Err(e) => {
            eprintln!("prism: {e}");
            failed.push("prism");
        }
    }
    // The conformance suite on a fixed sample of the corpus (the whole corpus is
    // `cargo xtask conformance`, about 30 minutes on 2 cores).
    let corpus = conformance::corpus_dir().join("confluent");
    let sample: Vec<PathBuf> = CONFORMANCE_SAMPLE.iter().map(|s| corpus.join(format!("{s}.yaml"))).collect();
    let mut specs: Vec<PathBuf> =
        CONFORMANCE_FIXTURES.iter().map(|f| workspace_root().join(format!("generator/tests/fixtures/{f}.yaml"))).collect();
    if sample.iter().all(|p| p.is_file()) {
        specs.extend(sample);
    } else {
        eprintln!("\nWARNING: conformance sample skipped: the corpus is not at {} (set $OPENAPI_CORPUS)", corpus.display());
    }
    println!("\n==> conformance suite on {} specs ({} fixtures, the rest from the corpus)", specs.len(), CONFORMANCE_FIXTURES.len());
    match conformance::run_specs(&specs, 2, 2) {
        // Prism-side exceptions are reported in the table and do not fail the step.
        Ok(t) if t.passed + t.prism == t.total => {}
        Ok(t) => {
            eprintln!("conformance: {}/{} operations pass, {} Prism-side", t.passed, t.total, t.prism);
            failed.push("conformance");
        }
        Err(e) => {
            eprintln!("conformance: {e}");
            failed.push("conformance");
        }
    }
    if failed.is_empty() {
        println!("\nall test steps passed");
        ExitCode::SUCCESS
    } else {
        eprintln!("\nFAILED steps: {}", failed.join(", "));
        ExitCode::from(1)
    }
}

/// Kills the Prism server when dropped, whatever happens in between.
pub(crate) struct ServerGuard(pub(crate) std::process::Child);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the client against Stoplight Prism, a third-party mock server built from the same spec:
/// Prism rejects requests that do not match the spec, and invents responses from it.
fn prism_tests() -> Result<(), String> {
    let root = workspace_root();
    let bin = ensure_prism()?;
    // Prism needs a complete document: the loader fills the fragment's header, and the security
    // schemes the seed names without defining get their documented meaning.
    let spec = root.join("spec/update-api-key.yaml");
    let raw = openapi_forge::load::load_file(&spec).map_err(|e| e.to_string())?;
    let mut doc = raw.root;
    let schemes = serde_json::json!({
        "cloud-api-key": {"type": "http", "scheme": "basic"},
        "confluent-sts-access-token": {"type": "http", "scheme": "bearer"}
    });
    if let Some(obj) = doc.as_object_mut() {
        let components = obj.entry("components").or_insert_with(|| serde_json::json!({}));
        if let Some(c) = components.as_object_mut() {
            c.entry("securitySchemes").or_insert(schemes);
        }
    }
    let work = root.join("target/prism");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let completed = work.join("update-api-key.json");
    std::fs::write(&completed, serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;

    let mut results = Vec::new();
    for (mode, extra) in [("static", vec![]), ("dynamic", vec!["-d", "--seed", "42", "--json-schema-faker-fillProperties=false"])] {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let log = std::fs::File::create(work.join(format!("prism-{mode}.log"))).map_err(|e| e.to_string())?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new("node")
            .arg(&bin)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .args(&extra)
            .arg(&completed)
            .stdout(log)
            .stderr(log2)
            .spawn()
            .map_err(|e| format!("cannot start prism: {e}"))?;
        let _guard = ServerGuard(child);
        let url = format!("http://127.0.0.1:{port}");
        wait_ready(port)?;
        let ok = run_step(
            &format!("client against Prism ({mode} responses) at {url}"),
            cargo().env("PRISM_URL", &url).env("PRISM_MODE", mode).args(["test", "-p", "forge-templates", "--test", "prism", "--", "--ignored", "--test-threads=1"]),
        );
        results.push((mode, ok));
    }
    // An OpenAPI 3.1 document, served as is (static mode): Prism reads 3.1, and the client of
    // the 3.1 fixture decodes its answer and sends a body Prism validates against 3.1 schemas.
    {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let log = std::fs::File::create(work.join("prism-openapi31.log")).map_err(|e| e.to_string())?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new("node")
            .arg(&bin)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(root.join("generator/tests/fixtures/openapi31_types.yaml"))
            .stdout(log)
            .stderr(log2)
            .spawn()
            .map_err(|e| format!("cannot start prism: {e}"))?;
        let _guard = ServerGuard(child);
        let url = format!("http://127.0.0.1:{port}");
        wait_ready(port)?;
        let ok = run_step(
            &format!("OpenAPI 3.1 fixture client against Prism (static responses) at {url}"),
            cargo().env("PRISM31_URL", &url).args(["test", "-p", "forge-templates", "--test", "prism31", "--", "--ignored"]),
        );
        results.push(("openapi31", ok));
    }
    let failed: Vec<&str> = results.iter().filter(|(_, ok)| !ok).map(|(m, _)| *m).collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("prism tests failed in mode(s): {} (logs in target/prism/)", failed.join(", ")))
    }
}

/// Installs Stoplight Prism from the pinned lock file (`npm ci` in `xtask/prism`) unless it is
/// there; returns its launcher script (run it with `node`).
pub(crate) fn ensure_prism() -> Result<PathBuf, String> {
    let prism_dir = workspace_root().join("xtask/prism");
    let bin = prism_dir.join("node_modules/.bin/prism");
    if !bin.exists() {
        let ok = run_step("npm ci (Stoplight Prism, pinned)", Command::new("npm").current_dir(&prism_dir).args(["ci", "--no-audit", "--no-fund"]));
        if !ok || !bin.exists() {
            return Err("could not install @stoplight/prism-cli with npm".into());
        }
    }
    Ok(bin)
}

/// Polls the port until Prism answers HTTP (its "listening" log line is not reliable).
pub(crate) fn wait_ready(port: u16) -> Result<(), String> {
    use std::io::{Read, Write};
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            if s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").is_ok() {
                let mut buf = [0u8; 16];
                if matches!(s.read(&mut buf), Ok(n) if n > 0) {
                    return Ok(());
                }
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    Err(format!("prism did not answer on port {port} within 60 s"))
}
