//! `cargo xtask bench`: performance of the generator and of the code it emits, measured in one run
//! on this machine and reported as ratios (see BENCHMARKS.md for what each number means).
//!
//! 1. Parse floor: every corpus spec read by `serde_yaml` into `openapiv3::OpenAPI`.
//! 2. Generation: `openapi_forge::generate_files` in process (load, normalize, emit+format), its
//!    peak RSS (a child process per spec reads its own `VmHWM`), types and lines emitted.
//! 3. openapi-generator 7.x `-g rust` on the same specs (installed into `.bench/venv` on first
//!    use; JVM start included), against our CLI (process start and file writes included).
//! 4. Compile cost of the emitted code: `cargo check` of our crate and of openapi-generator's for
//!    three specs, in one scratch workspace with a shared, warm target folder.
//! 5. Runtime overhead: the criterion benches of `templates/benches/` (generated client vs
//!    hand-written reqwest + serde_json; decoding 1,000 `ApiKey`s).
//!
//! `cargo xtask` builds xtask in debug; this command rebuilds xtask and `openapi-forge` in release
//! and re-runs itself from the release binary. Any part that fails prints a note and the rest goes
//! on. Nothing here asserts on time: the results are a report, not a test.

use clap::Args;
use openapi_forge::{generate_files, Options};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use super::compile::{crate_size, measure_crates_some_built, stats_of, CrateSize, Measured, Profile, Scratch};
use super::{cargo, workspace_root};

/// Specs whose emitted crates are compiled, and the only ones `--quick` runs openapi-generator on.
const FOCUS_SPECS: [&str; 3] = ["apikeys-v2", "schema-registry-v1", "flink-gateway-v1"];

/// The runtime crate's folder in the compile scratch workspace (`openapi-forge runtime` writes it).
const RUNTIME_CRATE_DIR: &str = "openapi-forge-runtime";
/// `cargo check` runs per crate, interleaved: a check takes about a second, so five cost
/// little, and the median of five moves less with the machine's load than the median of three.
const CHECK_RUNS: usize = 5;
/// The seed fragment's file stem (in `$OPENAPI_CORPUS/seed/`).
const SEED_SPEC: &str = "update-api-key";
/// Lines of the seed's operation code when issue 12 was filed (its text: "338 now").
const SEED_OPS_BASELINE: f64 = 338.0;
/// Lines of `src/operations.rs` per operation when issue 12 was filed: session 3's output, as
/// measured by session 4 before its changes (notes/issue12.md, report-c.md: "95 → 75" etc.).
const OPS_LINES_BASELINE: [(&str, f64); 3] = [("schema-registry-v1", 95.0), ("flink-gateway-v1", 117.0), ("cdx-v1", 107.0)];
/// Guards against re-executing forever.
const REEXEC_ENV: &str = "FORGE_BENCH_RELEASE";
const BEGIN_MARK: &str = "<!-- cargo xtask bench: begin (generated, replaced by every run) -->";
const END_MARK: &str = "<!-- cargo xtask bench: end -->";

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Run openapi-generator on apikeys-v2, schema-registry-v1 and flink-gateway-v1 only (not on
    /// all 33 specs), and give criterion shorter warm-up and measurement times.
    #[arg(long)]
    quick: bool,
    /// Repetitions of the parse floor and of the generation per spec (the median is reported).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Skip openapi-generator (its column and the compile comparison's other side).
    #[arg(long)]
    skip_competitor: bool,
    /// Skip the compile cost of the emitted code.
    #[arg(long)]
    skip_compile: bool,
    /// Skip the criterion runtime-overhead benches.
    #[arg(long)]
    skip_runtime: bool,
    /// Skip the scale test (a synthetic spec of --scale-mb MB built from the corpus).
    #[arg(long)]
    skip_scale: bool,
    /// Run only the scale test and print its section (BENCHMARKS.md is not rewritten).
    #[arg(long)]
    scale_only: bool,
    /// Size of the scale test's synthetic spec, in MB.
    #[arg(long, default_value_t = super::scale::DEFAULT_SCALE_MB)]
    scale_mb: f64,
    /// Skip the debug and release `cargo build` columns of the compile cost.
    #[arg(long)]
    skip_builds: bool,
    /// Skip the many-spec crate (every corpus spec in one crate, a feature each).
    #[arg(long)]
    skip_many: bool,
    /// Skip the progenitor column.
    #[arg(long)]
    skip_progenitor: bool,
    /// Folder of the specs the progenitor column runs on (progenitor's own `sample_openapi/`;
    /// default: `$PROGENITOR_SPECS`, else `.bench/progenitor-specs`). Never committed here.
    #[arg(long, value_name = "DIR")]
    progenitor_specs: Option<PathBuf>,
    /// Print the report only; do not rewrite BENCHMARKS.md.
    #[arg(long)]
    no_write: bool,
    /// Internal: generate this one spec and print the process's peak RSS (run in a child process).
    #[arg(long, hide = true, value_name = "SPEC")]
    rss_of: Option<PathBuf>,
    /// Internal, with --rss-of: only the parse floor, not the generation.
    #[arg(long, hide = true)]
    parse_only: bool,
}

pub fn run(args: BenchArgs) -> ExitCode {
    if let Some(spec) = &args.rss_of {
        return rss_child(spec, args.parse_only);
    }
    if cfg!(debug_assertions) && std::env::var_os(REEXEC_ENV).is_none() {
        return reexec_release();
    }
    let mut bench = Bench::new(args);
    bench.run_all()
}

/// Builds xtask and the generator in release, then runs this same command from the release binary.
fn reexec_release() -> ExitCode {
    println!("==> cargo build --release -p xtask -p openapi-forge (the bench measures release builds)");
    let built = cargo().args(["build", "--release", "-p", "xtask", "-p", "openapi-forge"]).status().map(|s| s.success()).unwrap_or(false);
    if !built {
        eprintln!("error: the release build failed");
        return ExitCode::from(1);
    }
    let exe = target_dir().join("release").join(format!("xtask{}", std::env::consts::EXE_SUFFIX));
    let status = Command::new(&exe).args(std::env::args_os().skip(1)).env(REEXEC_ENV, "1").status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => ExitCode::from(u8::try_from(s.code().unwrap_or(1)).unwrap_or(1)),
        Err(e) => {
            eprintln!("error: cannot run {}: {e}", exe.display());
            ExitCode::from(1)
        }
    }
}

fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => {
            let d = PathBuf::from(d);
            if d.is_absolute() {
                d
            } else {
                workspace_root().join(d)
            }
        }
        None => workspace_root().join("target"),
    }
}

// ---------------------------------------------------------------------------------------------
// Measuring helpers

pub(crate) fn median(mut xs: Vec<Duration>) -> Duration {
    if xs.is_empty() {
        return Duration::ZERO;
    }
    xs.sort();
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A spec of the corpus.
struct Spec {
    name: String,
    path: PathBuf,
    bytes: Vec<u8>,
    fragment: bool,
}

/// A documentation fragment has no top-level `openapi:` key (the seed).
fn is_fragment(text: &str) -> bool {
    let t = text.trim_start();
    !(t.starts_with('{') || text.lines().any(|l| l.starts_with("openapi:") || l.starts_with("\"openapi\":")))
}

/// The parse floor: YAML text into `openapiv3::OpenAPI` with serde_yaml, nothing else. A fragment
/// is first parsed into a `serde_yaml::Value`, given `openapi: 3.0.3` and an `info` (title from the
/// file name, version 0.0.0) as the generator's loader does, then deserialized from that value.
fn parse_floor(text: &str, fragment: bool, title: &str) -> Result<openapiv3::OpenAPI, String> {
    if !fragment {
        return serde_yaml::from_str::<openapiv3::OpenAPI>(text).map_err(|e| e.to_string());
    }
    use serde_yaml::{Mapping, Value};
    let mut doc: Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    let map = doc.as_mapping_mut().ok_or("the fragment is not a mapping")?;
    map.insert(Value::from("openapi"), Value::from("3.0.3"));
    if !map.contains_key("info") {
        let mut info = Mapping::new();
        info.insert(Value::from("title"), Value::from(title));
        info.insert(Value::from("version"), Value::from("0.0.0"));
        map.insert(Value::from("info"), Value::Mapping(info));
    }
    serde_yaml::from_value::<openapiv3::OpenAPI>(doc).map_err(|e| e.to_string())
}

fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Child-process mode: peak RSS of generating (or only parsing) one spec.
fn rss_child(spec: &Path, parse_only: bool) -> ExitCode {
    let Ok(bytes) = std::fs::read(spec) else {
        eprintln!("cannot read {}", spec.display());
        return ExitCode::from(1);
    };
    let start = vm_hwm_kb().unwrap_or(0);
    let name = spec.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let ok = if parse_only {
        let text = String::from_utf8_lossy(&bytes);
        parse_floor(&text, is_fragment(&text), &name).is_ok()
    } else {
        let opts = Options { crate_name: format!("bench-{name}"), spec_label: name.clone() };
        generate_files(&name, &bytes, &opts).is_ok()
    };
    let Some(peak) = vm_hwm_kb() else {
        eprintln!("no VmHWM in /proc/self/status");
        return ExitCode::from(1);
    };
    println!("vmhwm_kb={peak} start_kb={start} ok={ok}");
    ExitCode::SUCCESS
}

/// Runs this binary in `--rss-of` mode and returns the child's peak RSS in kB.
pub(crate) fn measure_rss(spec: &Path, parse_only: bool) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut cmd = Command::new(exe);
    cmd.args(["bench", "--rss-of"]).arg(spec).env(REEXEC_ENV, "1");
    if parse_only {
        cmd.arg("--parse-only");
    }
    let out = cmd.output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !text.contains("ok=true") {
        return Err(format!("child failed: {}{}", text.trim(), String::from_utf8_lossy(&out.stderr).trim()));
    }
    text.split_whitespace()
        .find_map(|w| w.strip_prefix("vmhwm_kb="))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("no vmhwm_kb in {text:?}"))
}

fn run_quiet(cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(format!("{}{}", String::from_utf8_lossy(&out.stdout).trim(), String::from_utf8_lossy(&out.stderr).trim()))
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join(" / ")
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let dest = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &dest)?;
        } else {
            std::fs::copy(e.path(), &dest)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Results

#[derive(Default)]
struct GenStats {
    total: Duration,
    stages: [Duration; 3],
    types: usize,
    operations: usize,
    warnings: usize,
    lines: usize,
    /// Lines of the operation code: `src/operations.rs` (or `src/operations/`), without types,
    /// runtime, `lib.rs` and the example tests.
    op_lines: usize,
}

struct SpecResult {
    name: String,
    size: usize,
    parse: Result<Duration, String>,
    generate: Result<GenStats, String>,
    rss_kb: Option<u64>,
    /// Our CLI, wall time (process start and file writes included), median of 3.
    cli: Option<Duration>,
    /// openapi-generator, wall time (JVM start included), one run.
    theirs: Option<Result<Duration, String>>,
}

/// Our crate and openapi-generator's for one bench spec.
struct CompileRow {
    spec: String,
    /// Our crate, depending on the runtime crate (what `cargo xtask codegen` writes).
    ours: Result<Measured, String>,
    /// Our crate with the runtime copied into it (the generator's default): `cargo check` only.
    copied: Result<Measured, String>,
    theirs: Result<Measured, String>,
}

/// A median time, or why it is missing.
type Timed = Result<Duration, String>;

/// The many-spec crate: every corpus spec in one crate, a feature per API group.
struct ManySpec {
    groups: usize,
    size: CrateSize,
    /// `cargo check` with every feature (the default).
    all: Result<Duration, String>,
    /// Per bench spec: its single-spec crate's `cargo check`, and the many-spec crate's with only
    /// that spec's feature, measured one after the other.
    one: Vec<(String, Timed, Timed)>,
}

/// Everything the compile part measured.
#[derive(Default)]
struct CompileResults {
    rows: Vec<CompileRow>,
    many: Option<ManySpec>,
    progenitor: Option<super::progenitor::Results>,
}

/// The criterion estimates (by `group/function`) and the interleaved results (by group, as the
/// JSON the benches write; see `templates/benches/interleaved/mod.rs`).
struct RuntimeResults {
    criterion: Vec<(String, Option<CriterionResult>)>,
    interleaved: Vec<(String, serde_json::Value)>,
    instructions: Option<ClientInstructions>,
}

/// User-space instructions per request under callgrind (see `measure_client_instructions`).
struct ClientInstructions {
    /// (client thread, whole process) per request, generated client.
    generated: (f64, f64),
    /// The same for the hand-written client.
    hand_written: (f64, f64),
    /// Requests measured (beyond the common set-up) for each side.
    requests: (usize, usize),
}

impl RuntimeResults {
    fn criterion(&self, id: &str) -> Option<&CriterionResult> {
        self.criterion.iter().find(|(k, _)| k == id).and_then(|(_, v)| v.as_ref())
    }

    /// Median, first and third quartile of the per-round ratio `group/variant` / baseline, by
    /// `clock` (`wall` or `cpu`).
    fn interleaved_ratio(&self, id: &str, clock: &str) -> Option<(f64, f64, f64)> {
        let (group, variant) = id.split_once('/')?;
        let v = &self.interleaved.iter().find(|(g, _)| g == group)?.1;
        let r = v.get(variant)?.get(clock)?.get("ratio_to_baseline")?;
        Some((r.get("median")?.as_f64()?, r.get("p25")?.as_f64()?, r.get("p75")?.as_f64()?))
    }

    /// Median per iteration of `group/variant`, by `clock`.
    fn interleaved_ns(&self, id: &str, clock: &str) -> Option<f64> {
        let (group, variant) = id.split_once('/')?;
        let v = &self.interleaved.iter().find(|(g, _)| g == group)?.1;
        v.get(variant)?.get(clock)?.get("median_ns")?.as_f64()
    }

    fn interleaved_baseline(&self, group: &str) -> Option<&str> {
        self.interleaved.iter().find(|(g, _)| g == group)?.1.get("baseline")?.as_str()
    }

    fn interleaved_rounds(&self, group: &str) -> Option<(u64, u64)> {
        let v = &self.interleaved.iter().find(|(g, _)| g == group)?.1;
        Some((v.get("rounds")?.as_u64()?, v.get("block")?.as_u64()?))
    }
}

/// A target line: sort key (the order), target, measured, status.
type Target = (u8, String, String, String);

struct CriterionResult {
    median_ns: f64,
    lower_ns: f64,
    upper_ns: f64,
}

struct Bench {
    args: BenchArgs,
    root: PathBuf,
    work: PathBuf,
    notes: Vec<String>,
    started: Instant,
}

pub(crate) fn fmt_ratio(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}×")
    } else if x >= 10.0 {
        format!("{x:.1}×")
    } else {
        format!("{x:.2}×")
    }
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// "met" or "missed" for an upper bound, with how far off.
fn at_most(measured: f64, bound: f64) -> String {
    if measured <= bound {
        format!("**met** ({:.0}% of the bound)", measured / bound * 100.0)
    } else {
        format!("**missed**: {:.2}× the bound", measured / bound)
    }
}

/// "met" or "missed" for "generated / hand-written within `pct` percent".
fn within_pct(ratio: f64, pct: f64) -> String {
    let over = (ratio - 1.0) * 100.0;
    if over <= pct {
        format!("**met** ({over:+.0}%, ≤ +{pct:.0}% allowed)")
    } else {
        format!("**missed**: {over:+.0}%, ≤ +{pct:.0}% allowed")
    }
}

impl Bench {
    fn new(args: BenchArgs) -> Self {
        let root = workspace_root();
        let work = root.join(".bench");
        Bench { args, root, work, notes: Vec::new(), started: Instant::now() }
    }

    fn note(&mut self, text: impl Into<String>) {
        let text = text.into();
        eprintln!("NOTE: {text}");
        self.notes.push(text);
    }

    fn command_line(&self) -> String {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let rest = match args.iter().position(|a| a == "bench") {
            Some(i) => &args[i + 1..],
            None => &args[..],
        };
        let mut cmd = String::from("cargo xtask bench");
        for a in rest {
            cmd.push(' ');
            cmd.push_str(a);
        }
        cmd
    }

    fn machine_facts(&self) -> Vec<(String, String)> {
        let cmd_out = |program: &str, args: &[&str]| -> String {
            match Command::new(program).args(args).output() {
                Ok(o) => {
                    let text = if o.stdout.is_empty() { o.stderr } else { o.stdout };
                    String::from_utf8_lossy(&text).lines().next().unwrap_or("").trim().to_string()
                }
                Err(_) => "unavailable".into(),
            }
        };
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| "unknown".into());
        let mem = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| m.lines().find(|l| l.starts_with("MemTotal:")).map(|l| l.to_string()))
            .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
            .map(|kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0))
            .unwrap_or_else(|| "unknown".into());
        let git = {
            let rev = cmd_out("git", &["-C", &self.root.to_string_lossy(), "rev-parse", "--short", "HEAD"]);
            let dirty = Command::new("git")
                .args(["-C", &self.root.to_string_lossy(), "status", "--porcelain", "--untracked-files=no"])
                .output()
                .map(|o| !o.stdout.is_empty())
                .unwrap_or(false);
            if dirty {
                format!("{rev} (with uncommitted changes)")
            } else {
                rev
            }
        };
        vec![
            ("date".into(), cmd_out("date", &["-u", "+%Y-%m-%d %H:%M UTC"])),
            ("command".into(), format!("`{}`", self.command_line())),
            ("git".into(), git),
            ("nproc".into(), cmd_out("nproc", &[])),
            ("CPU".into(), cpu),
            ("memory".into(), mem),
            ("rustc".into(), cmd_out("rustc", &["-V"])),
            ("java".into(), cmd_out("java", &["-version"])),
            ("load average at start".into(), std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim().to_string()),
        ]
    }

    fn corpus(&mut self) -> Option<(PathBuf, Vec<Spec>)> {
        let dir = std::env::var_os("OPENAPI_CORPUS").map(PathBuf::from).unwrap_or_else(|| self.root.join("../shared/specs"));
        if !dir.join("confluent").is_dir() {
            let msg = format!(
                "CORPUS MISSING: {} has no confluent/ folder; set OPENAPI_CORPUS to the specs folder (default ../shared/specs). \
                 Parse floor, generation, openapi-generator and compile cost are skipped.",
                dir.display()
            );
            eprintln!("\n*** {msg} ***\n");
            self.notes.push(msg);
            return None;
        }
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir.join("confluent"))
            .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml" || x == "json")).collect())
            .unwrap_or_default();
        paths.sort();
        let seed = dir.join("seed/update-api-key.yaml");
        if seed.is_file() {
            paths.push(seed);
        } else {
            self.note(format!("the seed {} is missing", seed.display()));
        }
        let mut specs = Vec::new();
        for path in paths {
            match std::fs::read(&path) {
                Ok(bytes) => {
                    let name = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
                    let fragment = is_fragment(&String::from_utf8_lossy(&bytes));
                    specs.push(Spec { name, path, bytes, fragment });
                }
                Err(e) => self.note(format!("cannot read {}: {e}", path.display())),
            }
        }
        Some((dir, specs))
    }

    fn run_all(&mut self) -> ExitCode {
        if let Err(e) = std::fs::create_dir_all(&self.work) {
            eprintln!("error: cannot create {}: {e}", self.work.display());
            return ExitCode::from(1);
        }
        let facts = self.machine_facts();
        println!("==> cargo build --release -p openapi-forge (the CLI is timed and used for the compile comparison)");
        let forge_ok = cargo().args(["build", "--release", "--quiet", "-p", "openapi-forge", "--bin", "openapi-forge"]).status().map(|s| s.success()).unwrap_or(false);
        let forge_bin = target_dir().join("release").join(format!("openapi-forge{}", std::env::consts::EXE_SUFFIX));
        let forge_bin = if forge_ok && forge_bin.is_file() {
            Some(forge_bin)
        } else {
            self.note("the release build of the openapi-forge binary failed: CLI timings and the compile comparison are skipped");
            None
        };

        let corpus = self.corpus();
        if self.args.scale_only {
            let Some((_, specs)) = &corpus else { return ExitCode::from(1) };
            println!("\n{}", self.scale(specs).markdown);
            return ExitCode::SUCCESS;
        }
        let mut results: Vec<SpecResult> = Vec::new();
        let mut parse_rss_largest: Option<(String, u64)> = None;
        if let Some((_, specs)) = &corpus {
            results = self.measure_generation(specs);
            if let Some(largest) = specs.iter().max_by_key(|s| s.bytes.len()) {
                match measure_rss(&largest.path, true) {
                    Ok(kb) => parse_rss_largest = Some((largest.name.clone(), kb)),
                    Err(e) => self.note(format!("peak RSS of the parse floor for {}: {e}", largest.name)),
                }
            }
            if let Some(bin) = &forge_bin {
                self.measure_cli(specs, &mut results, bin);
            }
        }

        let mut theirs_version = None;
        if self.args.skip_competitor {
            self.note("openapi-generator skipped (--skip-competitor)");
        } else if let Some((_, specs)) = &corpus {
            match self.ensure_openapi_generator() {
                Ok((jar, version)) => {
                    theirs_version = Some(version);
                    self.measure_openapi_generator(&jar, specs, &mut results);
                }
                Err(e) => self.note(format!("openapi-generator column skipped: {e}")),
            }
        }

        let mut compile = CompileResults::default();
        if self.args.skip_compile {
            self.note("compile cost skipped (--skip-compile)");
        } else if let (Some((_, specs)), Some(bin)) = (&corpus, &forge_bin) {
            compile = self.measure_compile(specs, bin, theirs_version.is_some());
        }

        let runtime = if self.args.skip_runtime {
            self.note("runtime overhead skipped (--skip-runtime)");
            None
        } else {
            self.measure_runtime()
        };

        let scale = match &corpus {
            Some((_, specs)) if !self.args.skip_scale => Some(self.scale(specs)),
            _ => {
                self.note("scale test skipped (--skip-scale, or no corpus)");
                None
            }
        };
        let report = self.report(&facts, &results, parse_rss_largest, theirs_version.as_deref(), &compile, runtime.as_ref(), scale.as_ref());
        println!("\n{report}");
        if !self.args.no_write {
            match self.write_benchmarks_md(&report) {
                Ok(path) => println!("wrote {}", path.display()),
                Err(e) => {
                    eprintln!("error: cannot write BENCHMARKS.md: {e}");
                    return ExitCode::from(1);
                }
            }
        }
        ExitCode::SUCCESS
    }

    /// The scale section (see `scale.rs`), over the corpus's specs (the seed fragment aside).
    fn scale(&self, specs: &[Spec]) -> super::scale::Report {
        let corpus: Vec<(String, PathBuf)> = specs.iter().filter(|s| !s.fragment).map(|s| (s.name.clone(), s.path.clone())).collect();
        // Under the target folder: tens of MB that must never be committed.
        super::scale::measure(&corpus, &target_dir().join("bench-scale"), self.args.scale_mb)
    }

    // --- 1 + 2: parse floor and generation -------------------------------------------------

    fn measure_generation(&mut self, specs: &[Spec]) -> Vec<SpecResult> {
        let runs = self.args.runs.max(1);
        println!("\n==> parse floor and generation: {} specs, median of {runs} runs each (after one warm-up run)", specs.len());
        let mut results = Vec::new();
        for spec in specs {
            let text = String::from_utf8_lossy(&spec.bytes);
            let opts = Options { crate_name: format!("bench-{}", spec.name), spec_label: format!("{}.yaml", spec.name) };
            let label = spec.path.display().to_string();
            let mut parse_times = Vec::new();
            let mut gen_totals = Vec::new();
            let mut stage_times: [Vec<Duration>; 3] = Default::default();
            let mut parse_err = None;
            let mut gen_err = None;
            let mut stats = GenStats::default();
            for run in 0..=runs {
                let t = Instant::now();
                let parsed = parse_floor(&text, spec.fragment, &spec.name);
                let parse_time = t.elapsed();
                match parsed {
                    Ok(api) => {
                        drop(api);
                        if run > 0 {
                            parse_times.push(parse_time);
                        }
                    }
                    Err(e) => parse_err = Some(e),
                }
                let t = Instant::now();
                let generated = generate_files(&label, &spec.bytes, &opts);
                let gen_time = t.elapsed();
                match generated {
                    Ok(g) => {
                        if run > 0 {
                            gen_totals.push(gen_time);
                            for (i, (_, d)) in g.timings.iter().enumerate() {
                                stage_times[i].push(*d);
                            }
                        } else {
                            stats.types = g.model.types.len();
                            stats.operations = g.model.operations.len();
                            stats.warnings = g.warnings.len();
                            stats.lines = g
                                .files
                                .iter()
                                .filter(|f| f.path.starts_with("src/") && !f.path.starts_with("src/runtime/"))
                                .map(|f| f.contents.lines().count())
                                .sum();
                            stats.op_lines = g.files.iter().filter(|f| f.path.starts_with("src/operations")).map(|f| f.contents.lines().count()).sum();
                        }
                    }
                    Err(e) => {
                        gen_err = Some(e.diagnostics.first().map(|d| d.to_string()).unwrap_or_else(|| "generation failed".into()));
                    }
                }
                if parse_err.is_some() && gen_err.is_some() {
                    break;
                }
            }
            let parse = match parse_err {
                Some(e) => Err(e),
                None => Ok(median(parse_times)),
            };
            let generate = match gen_err {
                Some(e) => Err(e),
                None => {
                    stats.total = median(gen_totals);
                    for (i, times) in stage_times.into_iter().enumerate() {
                        stats.stages[i] = median(times);
                    }
                    Ok(stats)
                }
            };
            if let Err(e) = &parse {
                self.note(format!("parse floor failed on {}: {e}", spec.name));
            }
            if let Err(e) = &generate {
                self.note(format!("generation failed on {}: {e}", spec.name));
            }
            let rss_kb = match &generate {
                Ok(_) => match measure_rss(&spec.path, false) {
                    Ok(kb) => Some(kb),
                    Err(e) => {
                        self.note(format!("peak RSS of {}: {e}", spec.name));
                        None
                    }
                },
                Err(_) => None,
            };
            println!(
                "  {:<34} {:>7.1} KB  parse {:>8}  generate {:>8}  peak RSS {:>6}",
                spec.name,
                spec.bytes.len() as f64 / 1024.0,
                parse.as_ref().map(|d| format!("{:.2} ms", ms(*d))).unwrap_or_else(|_| "failed".into()),
                generate.as_ref().map(|g| format!("{:.2} ms", ms(g.total))).unwrap_or_else(|_| "failed".into()),
                rss_kb.map(|kb| format!("{:.0} MB", kb as f64 / 1024.0)).unwrap_or_else(|| "-".into()),
            );
            results.push(SpecResult { name: spec.name.clone(), size: spec.bytes.len(), parse, generate, rss_kb, cli: None, theirs: None });
        }
        results
    }

    /// Our CLI end to end (process start, generation, writing the crate), median of 3 runs.
    fn measure_cli(&mut self, specs: &[Spec], results: &mut [SpecResult], bin: &Path) {
        println!("\n==> openapi-forge CLI, wall time per spec (median of 3)");
        let out_root = self.work.join("ours");
        for (spec, result) in specs.iter().zip(results.iter_mut()) {
            if !self.competitor_set(spec) {
                continue;
            }
            let out = out_root.join(&spec.name);
            let mut times = Vec::new();
            let mut failure = None;
            for _ in 0..3 {
                let t = Instant::now();
                let res = run_quiet(Command::new(bin).args(["generate", "--spec"]).arg(&spec.path).arg("--out").arg(&out).args(["--crate-name", &format!("ours-{}", spec.name)]));
                let elapsed = t.elapsed();
                match res {
                    Ok(_) => times.push(elapsed),
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
            match failure {
                Some(e) => self.note(format!("openapi-forge CLI failed on {}: {}", spec.name, tail(&e, 3))),
                None => result.cli = Some(median(times)),
            }
        }
    }

    /// The specs openapi-generator (and so our CLI) is timed on: 33 (no seed), or 3 with --quick.
    fn competitor_set(&self, spec: &Spec) -> bool {
        !spec.fragment && (!self.args.quick || FOCUS_SPECS.contains(&spec.name.as_str()))
    }

    // --- 3: openapi-generator ---------------------------------------------------------------

    fn find_jar(&self) -> Option<PathBuf> {
        let lib = self.work.join("venv/lib");
        std::fs::read_dir(lib).ok()?.flatten().map(|e| e.path().join("site-packages/openapi_generator_cli/openapi-generator.jar")).find(|p| p.is_file())
    }

    fn ensure_openapi_generator(&mut self) -> Result<(PathBuf, String), String> {
        run_quiet(Command::new("java").arg("-version")).map_err(|e| format!("no working `java` (Java 17 is needed): {e}"))?;
        if self.find_jar().is_none() {
            println!("\n==> installing openapi-generator-cli==7.* into .bench/venv (first use)");
            let venv = self.work.join("venv");
            run_quiet(Command::new("python3").args(["-m", "venv"]).arg(&venv)).map_err(|e| format!("python3 -m venv failed: {}", tail(&e, 3)))?;
            run_quiet(Command::new(venv.join("bin/pip")).args(["install", "--quiet", "openapi-generator-cli==7.*"]))
                .map_err(|e| format!("pip install openapi-generator-cli==7.* failed: {}", tail(&e, 3)))?;
        }
        let jar = self.find_jar().ok_or("openapi-generator-cli is installed but its bundled jar was not found")?;
        let version = run_quiet(Command::new("java").arg("-jar").arg(&jar).arg("version")).map_err(|e| format!("the jar does not run: {}", tail(&e, 3)))?;
        let version = version.lines().last().unwrap_or("").trim().to_string();
        if !version.starts_with("7.") {
            return Err(format!("expected openapi-generator 7.x, found {version:?}"));
        }
        Ok((jar, version))
    }

    fn measure_openapi_generator(&mut self, jar: &Path, specs: &[Spec], results: &mut [SpecResult]) {
        let count = specs.iter().filter(|s| self.competitor_set(s)).count();
        println!("\n==> openapi-generator -g rust on {count} specs (one run each, JVM start included)");
        let out_root = self.work.join("og");
        let _ = std::fs::create_dir_all(&out_root);
        for (spec, result) in specs.iter().zip(results.iter_mut()) {
            if !self.competitor_set(spec) {
                continue;
            }
            let out = out_root.join(&spec.name);
            let res = run_openapi_generator(jar, &spec.path, &out, &format!("og-{}", spec.name));
            match &res {
                Ok(d) => println!("  {:<34} {:>7.2} s", spec.name, d.as_secs_f64()),
                Err(e) => {
                    println!("  {:<34} failed", spec.name);
                    self.note(format!("openapi-generator failed on {}: {e}", spec.name));
                }
            }
            result.theirs = Some(res);
        }
    }

    // --- 4: compile cost ----------------------------------------------------------------------

    fn measure_compile(&mut self, specs: &[Spec], forge_bin: &Path, have_theirs: bool) -> CompileResults {
        println!("\n==> compile cost: the emitted crates in .bench/compile (shared target folder, CARGO_INCREMENTAL=0)");
        let scratch = Scratch { dir: self.work.join("compile"), target: self.work.join("compile/target") };
        if let Err(e) = std::fs::create_dir_all(&scratch.dir) {
            self.note(format!("compile cost skipped: cannot create {}: {e}", scratch.dir.display()));
            return CompileResults::default();
        }
        let jar = if have_theirs { self.find_jar() } else { None };
        if jar.is_none() {
            self.note("compile cost: openapi-generator is not available, only our crates are checked");
        }
        // Lay out the crates. Ours depend on the runtime crate, written once by the CLI (and
        // compiled once, like any dependency); the copied-runtime variant is checked beside them.
        let mut members = Vec::new();
        let mut laid = Vec::new();
        let runtime_dir = scratch.dir.join(RUNTIME_CRATE_DIR);
        if let Err(e) = run_quiet(Command::new(forge_bin).args(["runtime", "--out"]).arg(&runtime_dir)) {
            self.note(format!("compile cost skipped: openapi-forge could not write the runtime crate: {}", tail(&e, 3)));
            return CompileResults::default();
        }
        members.push(RUNTIME_CRATE_DIR.to_string());
        let runtime_path = format!("../{RUNTIME_CRATE_DIR}");
        for name in FOCUS_SPECS {
            let Some(spec) = specs.iter().find(|s| s.name == name) else {
                self.note(format!("compile cost: {name} is not in the corpus"));
                continue;
            };
            let ours_name = format!("ours-{name}");
            let ours_dir = scratch.dir.join(&ours_name);
            let ours = run_quiet(
                Command::new(forge_bin)
                    .args(["generate", "--spec"])
                    .arg(&spec.path)
                    .arg("--out")
                    .arg(&ours_dir)
                    .args(["--crate-name", &ours_name, "--runtime-crate", &runtime_path]),
            )
            .map(|_| {
                members.push(ours_name.clone());
                ours_name.clone()
            })
            .map_err(|e| format!("openapi-forge failed: {}", tail(&e, 3)));
            let copied_name = format!("ours-copied-{name}");
            let copied = run_quiet(Command::new(forge_bin).args(["generate", "--spec"]).arg(&spec.path).arg("--out").arg(scratch.dir.join(&copied_name)).args(["--crate-name", &copied_name]))
                .map(|_| {
                    members.push(copied_name.clone());
                    copied_name.clone()
                })
                .map_err(|e| format!("openapi-forge failed: {}", tail(&e, 3)));
            let theirs_name = format!("og-{name}");
            let theirs_dir = scratch.dir.join(&theirs_name);
            let _ = std::fs::remove_dir_all(&theirs_dir);
            let theirs = match &jar {
                None => Err("openapi-generator not available".to_string()),
                Some(jar) => {
                    let previous = self.work.join("og").join(name);
                    let copied = if previous.join("Cargo.toml").is_file() {
                        copy_dir(&previous, &theirs_dir).map_err(|e| e.to_string())
                    } else {
                        run_openapi_generator(jar, &spec.path, &theirs_dir, &theirs_name).map(|_| ())
                    };
                    copied.map(|_| {
                        members.push(theirs_name.clone());
                        theirs_name.clone()
                    })
                }
            };
            laid.push((name.to_string(), ours, copied, theirs));
        }
        // The many-spec crate: every corpus spec but the seed fragment, one feature each.
        let many_name = "ours-corpus".to_string();
        let many_specs: Vec<&Spec> = specs.iter().filter(|s| !s.fragment).collect();
        let many_laid = if self.args.skip_many {
            self.note("many-spec crate skipped (--skip-many)");
            false
        } else {
            let mut cmd = Command::new(forge_bin);
            cmd.arg("generate");
            for s in &many_specs {
                cmd.arg("--spec").arg(&s.path);
            }
            cmd.arg("--out").arg(scratch.dir.join(&many_name)).args(["--crate-name", &many_name, "--runtime-crate", &runtime_path]);
            match run_quiet(&mut cmd) {
                Ok(_) => {
                    members.push(many_name.clone());
                    true
                }
                Err(e) => {
                    self.note(format!("many-spec crate: openapi-forge failed on the {} corpus specs: {}", many_specs.len(), tail(&e, 3)));
                    false
                }
            }
        };
        if let Err(e) = scratch.write_manifest(&members) {
            self.note(format!("compile cost skipped: cannot write the scratch manifest: {e}"));
            return CompileResults::default();
        }

        // Ours and theirs, every profile, interleaved.
        // Ours on the runtime crate count its lines as runtime (what they depend on, as a copy
        // would be); the copied variant is checked in the same turns, not built.
        let runtime_crate = stats_of(&runtime_dir);
        let mut crates = Vec::new();
        for (_, ours, copied, theirs) in &laid {
            if let Ok(n) = ours {
                let mut size = crate_size(&scratch.dir.join(n), &["runtime"]);
                size.runtime.add(runtime_crate);
                crates.push((n.clone(), size, true));
            }
            if let Ok(n) = copied {
                crates.push((n.clone(), crate_size(&scratch.dir.join(n), &["runtime"]), false));
            }
            if let Ok(n) = theirs {
                crates.push((n.clone(), crate_size(&scratch.dir.join(n), &[]), true));
            }
        }
        let build_runs = if self.args.skip_builds {
            self.note("`cargo build` and `cargo build --release` skipped (--skip-builds)");
            None
        } else {
            Some(if self.args.quick { 1 } else { 3 })
        };
        let mut measured = measure_crates_some_built(&scratch, &crates, CHECK_RUNS, build_runs);
        let mut take = |name: &Result<String, String>| -> Result<Measured, String> {
            let name = name.clone()?;
            let i = measured.iter().position(|m| m.name == name).ok_or("not measured")?;
            let m = measured.remove(i);
            match &m.times.check {
                Ok(_) => Ok(m),
                Err(e) => Err(e.clone()),
            }
        };
        let mut rows = Vec::new();
        for (spec, ours, copied, theirs) in laid {
            let ours = take(&ours);
            let copied = take(&copied);
            let theirs = take(&theirs);
            rows.push(CompileRow { spec, ours, copied, theirs });
        }
        for row in &rows {
            for (side, r) in [("ours", &row.ours), ("ours, runtime copied", &row.copied), ("openapi-generator", &row.theirs)] {
                match r {
                    Err(e) => self.note(format!("compile cost, {side}, {}: {e}", row.spec)),
                    Ok(m) => {
                        for p in [Profile::Build, Profile::Release] {
                            if let Some(Err(e)) = m.times.get(p) {
                                self.note(format!("compile cost, {side}, {}: {e}", row.spec));
                            }
                        }
                    }
                }
            }
        }

        let many = if many_laid { Some(self.measure_many(&scratch, &many_name, many_specs.len())) } else { None };
        let progenitor = if self.args.skip_progenitor {
            self.note("progenitor column skipped (--skip-progenitor)");
            None
        } else {
            let dir = self.args.progenitor_specs.clone().or_else(|| std::env::var_os("PROGENITOR_SPECS").map(PathBuf::from)).unwrap_or_else(|| self.work.join("progenitor-specs"));
            let (results, notes) = super::progenitor::measure(&dir, &self.work, &scratch.target, forge_bin);
            for n in notes {
                self.note(n);
            }
            results
        };
        CompileResults { rows, many, progenitor }
    }

    /// `cargo check` of the many-spec crate with every feature, and with one bench spec's
    /// feature next to that spec's single-spec crate.
    fn measure_many(&mut self, scratch: &Scratch, many: &str, groups: usize) -> ManySpec {
        println!("\n==> many-spec crate ({groups} specs, a feature each): cargo check, one feature and all");
        let size = crate_size(&scratch.dir.join(many), &["runtime"]);
        let mut one = Vec::new();
        for spec in FOCUS_SPECS {
            // The two take turns, a check each per round (median of CHECK_RUNS rounds): timed in
            // two blocks, a change of load between the blocks moved this ratio by a third
            // (0.88× and 1.35× for the same code, 1.0× interleaved by hand).
            let single_crate = format!("ours-{spec}");
            let feature_args = ["--no-default-features", "--features", spec];
            let (mut singles, mut features) = (Vec::new(), Vec::new());
            for round in 0..CHECK_RUNS {
                singles.push(scratch.time(&single_crate, Profile::Check, &[], 1, false));
                features.push(scratch.time(many, Profile::Check, &feature_args, 1, round == 0));
            }
            let median_of = |runs: Vec<Result<Duration, String>>| runs.into_iter().collect::<Result<Vec<_>, _>>().map(median);
            let (single, feature) = (median_of(singles), median_of(features));
            for (what, r) in [("single-spec crate", &single), ("one feature", &feature)] {
                match r {
                    Ok(d) => println!("  {spec:<24} {what:<18} {:>7.2} s", d.as_secs_f64()),
                    Err(e) => self.note(format!("many-spec crate, {spec}, {what}: {e}")),
                }
            }
            one.push((spec.to_string(), single, feature));
        }
        let all = scratch.time(many, Profile::Check, &[], if self.args.quick { 1 } else { 3 }, true);
        match &all {
            Ok(d) => println!("  {:<24} {:<18} {:>7.2} s", "all features", "", d.as_secs_f64()),
            Err(e) => self.note(format!("many-spec crate, all features: {e}")),
        }
        ManySpec { groups, size, all, one }
    }

    // --- 5: runtime overhead -------------------------------------------------------------------

    fn measure_runtime(&mut self) -> Option<RuntimeResults> {
        println!("\n==> runtime overhead: cargo bench -p forge-templates (criterion, then interleaved A/B rounds)");
        let home = self.work.join("criterion");
        let inter = self.work.join("interleaved");
        let _ = std::fs::remove_dir_all(&home);
        let _ = std::fs::remove_dir_all(&inter);
        let mut cmd = cargo();
        cmd.env("CRITERION_HOME", &home).env("FORGE_BENCH_OUT", &inter).args([
            "bench",
            "-p",
            "forge-templates",
            "--bench",
            "client_overhead",
            "--bench",
            "decode_list",
            "--",
        ]);
        if self.args.quick {
            cmd.args(["--warm-up-time", "1", "--measurement-time", "3"]);
        }
        let ok = cmd.status().map(|s| s.success()).unwrap_or(false);
        if !ok {
            self.note("the criterion benches failed (see the output of `cargo bench -p forge-templates` above); runtime overhead is incomplete or missing");
        }
        let ids = [
            "client_patch/generated",
            "client_patch/hand_written",
            "decode_list/generated_types",
            "decode_list/generated_runtime_path",
            "decode_list/hand_written",
            "decode_list/hand_written_closed_enums",
        ];
        let criterion: Vec<(String, Option<CriterionResult>)> =
            ids.iter().map(|id| (id.to_string(), read_estimate(&home.join(id).join("new/estimates.json")))).collect();
        let interleaved: Vec<(String, serde_json::Value)> = ["client_patch", "decode_list"]
            .iter()
            .filter_map(|g| {
                let text = std::fs::read_to_string(inter.join(format!("{g}.json"))).ok()?;
                Some((g.to_string(), serde_json::from_str(&text).ok()?))
            })
            .collect();
        if criterion.iter().all(|(_, r)| r.is_none()) && interleaved.is_empty() {
            if ok {
                self.note(format!("no results found under {} and {}", home.display(), inter.display()));
            }
            return None;
        }
        let instructions = match self.measure_client_instructions() {
            Ok(i) => Some(i),
            Err(e) => {
                self.note(format!("client instruction counts (callgrind) skipped: {e}"));
                None
            }
        };
        Some(RuntimeResults { criterion, interleaved, instructions })
    }

    /// Counts user-space instructions per request of each client under callgrind, which does not
    /// depend on machine load. The bench binary runs three times with `--profile-time 2`: with a
    /// filter that matches nothing (the set-up alone: the request checks, the connection probe),
    /// then with each side. The difference to the set-up run, divided by the number of extra
    /// requests the server answered, is the cost per request. With `--separate-threads=yes`, file
    /// `-01` is the main thread: the client and its tokio runtime driving the connection.
    fn measure_client_instructions(&mut self) -> Result<ClientInstructions, String> {
        run_quiet(Command::new("valgrind").arg("--version")).map_err(|_| "valgrind is not installed".to_string())?;
        println!("\n==> client instructions per request: the client_overhead bench under valgrind --tool=callgrind (3 short runs)");
        let out = cargo()
            .args(["bench", "-p", "forge-templates", "--bench", "client_overhead", "--no-run", "--message-format=json"])
            .stderr(Stdio::null())
            .output()
            .map_err(|e| e.to_string())?;
        let exe = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v.pointer("/target/name").and_then(|n| n.as_str()) == Some("client_overhead"))
            .find_map(|v| v.get("executable").and_then(|e| e.as_str()).map(PathBuf::from))
            .ok_or("cannot find the client_overhead bench executable")?;
        let dir = self.work.join("callgrind");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let mut runs = Vec::new();
        for (name, filter) in [("setup", "no_such_benchmark"), ("generated", "client_patch/generated"), ("hand_written", "client_patch/hand_written")] {
            let file = dir.join(format!("{name}.out"));
            let out = Command::new("valgrind")
                .args(["--tool=callgrind", "--separate-threads=yes"])
                .arg(format!("--callgrind-out-file={}", file.display()))
                .arg(&exe)
                .args(["--bench", "--profile-time", "2", filter])
                .env("FORGE_BENCH_ROUNDS", "0")
                .env("CRITERION_HOME", dir.join("criterion"))
                .output()
                .map_err(|e| e.to_string())?;
            let stdout = String::from_utf8_lossy(&out.stdout);
            if !out.status.success() {
                return Err(format!("the bench failed under valgrind ({name}): {}", tail(&String::from_utf8_lossy(&out.stderr), 3)));
            }
            let requests: usize = stdout
                .lines()
                .find_map(|l| l.strip_prefix("client_overhead: the server answered ")?.split_whitespace().next()?.parse().ok())
                .ok_or_else(|| format!("no request count in the output of the {name} run"))?;
            // Per-thread totals: `<file>-01`, `<file>-02`, ...
            let mut main = None;
            let mut all = 0.0;
            for entry in std::fs::read_dir(&dir).map_err(|e| e.to_string())?.flatten() {
                let fname = entry.file_name().to_string_lossy().to_string();
                let Some(thread) = fname.strip_prefix(&format!("{name}.out-")) else { continue };
                let text = std::fs::read_to_string(entry.path()).map_err(|e| e.to_string())?;
                let total: f64 = text
                    .lines()
                    .find_map(|l| l.strip_prefix("totals:").or_else(|| l.strip_prefix("summary:")))
                    .and_then(|v| v.split_whitespace().next()?.parse().ok())
                    .ok_or_else(|| format!("no totals in {fname}"))?;
                all += total;
                if thread == "01" {
                    main = Some(total);
                }
            }
            let main = main.ok_or_else(|| format!("no main-thread profile for the {name} run"))?;
            runs.push((requests, main, all));
        }
        let (setup, gen, hand) = (runs[0], runs[1], runs[2]);
        let per = |run: (usize, f64, f64)| -> Result<(usize, f64, f64), String> {
            let n = run.0.checked_sub(setup.0).filter(|n| *n > 0).ok_or("no requests beyond the set-up were measured")?;
            Ok((n, (run.1 - setup.1) / n as f64, (run.2 - setup.2) / n as f64))
        };
        let (gn, g_main, g_all) = per(gen)?;
        let (hn, h_main, h_all) = per(hand)?;
        println!("  generated:    {g_main:.0} instructions per request in the client thread, {g_all:.0} in the process ({gn} requests)");
        println!("  hand-written: {h_main:.0} instructions per request in the client thread, {h_all:.0} in the process ({hn} requests)");
        Ok(ClientInstructions { generated: (g_main, g_all), hand_written: (h_main, h_all), requests: (gn, hn) })
    }

    // --- report -------------------------------------------------------------------------------

    // One argument per part of the bench: each may be missing on its own.
    #[allow(clippy::too_many_lines, clippy::too_many_arguments)]
    fn report(
        &mut self,
        facts: &[(String, String)],
        results: &[SpecResult],
        parse_rss_largest: Option<(String, u64)>,
        theirs_version: Option<&str>,
        compile: &CompileResults,
        runtime: Option<&RuntimeResults>,
        scale: Option<&super::scale::Report>,
    ) -> String {
        let mut md = String::new();
        let mut targets: Vec<Target> = Vec::new();
        let _ = writeln!(md, "## Results\n");
        let _ = writeln!(md, "All numbers below come from one run of the command, on this machine. Claims are ratios within the run.\n");
        let _ = writeln!(md, "| machine fact | value |\n| --- | --- |");
        for (k, v) in facts {
            let _ = writeln!(md, "| {k} | {} |", v.replace('|', "\\|"));
        }
        let _ = writeln!(md, "| load average at end | {} |", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
        if let Some(v) = theirs_version {
            let _ = writeln!(md, "| openapi-generator | {v} (`-g rust`, run as `java -jar` on the jar bundled by the PyPI package) |");
        }
        let _ = writeln!(md, "| bench wall time | {:.0} s |", self.started.elapsed().as_secs_f64());
        let _ = writeln!(md);

        // Corpus totals over the specs where both parse and generation worked.
        let both: Vec<(&SpecResult, Duration, &GenStats)> =
            results.iter().filter_map(|r| match (&r.parse, &r.generate) { (Ok(p), Ok(g)) => Some((r, *p, g)), _ => None }).collect();
        let mut body = String::new();
        if !both.is_empty() {
            let bytes: usize = both.iter().map(|(r, _, _)| r.size).sum();
            let parse: Duration = both.iter().map(|(_, p, _)| *p).sum();
            let gen: Duration = both.iter().map(|(_, _, g)| g.total).sum();
            let stages: Vec<Duration> = (0..3).map(|i| both.iter().map(|(_, _, g)| g.stages[i]).sum()).collect();
            let ratio = gen.as_secs_f64() / parse.as_secs_f64();
            targets.push((60, "generation ≤ 2.5× parse floor (corpus total, in process)".into(), fmt_ratio(ratio), at_most(ratio, 2.5)));
            let _ = writeln!(body, "### Parse floor and generation\n");
            let _ = writeln!(
                body,
                "{} specs, {:.2} MB. Median of {} runs per spec after one warm-up run, summed. Parse floor: `serde_yaml::from_str::<openapiv3::OpenAPI>`; \
                 for the seed fragment (no `openapi`/`info`), `serde_yaml::Value` first, `openapi: 3.0.3` and `info` (title = file stem, version 0.0.0) \
                 inserted as the generator's loader does, then `serde_yaml::from_value`. Generation: `openapi_forge::generate_files` in process, \
                 nothing written to disk; its stages are the library's own timings.\n",
                both.len(),
                bytes as f64 / 1e6,
                self.args.runs.max(1)
            );
            let _ = writeln!(body, "| measure | corpus total | share of generation | × parse floor |\n| --- | ---: | ---: | ---: |");
            let _ = writeln!(body, "| parse floor | {:.1} ms | | 1.00× |", ms(parse));
            let _ = writeln!(body, "| **generation** | **{:.1} ms** | 100% | **{}** |", ms(gen), fmt_ratio(ratio));
            for (name, d) in ["load (YAML → JSON tree → openapiv3)", "normalize", "emit+format (quote!, prettyplease)"].iter().zip(&stages) {
                let _ = writeln!(body, "| — {name} | {:.1} ms | {:.0}% | {} |", ms(*d), d.as_secs_f64() / gen.as_secs_f64() * 100.0, fmt_ratio(d.as_secs_f64() / parse.as_secs_f64()));
            }
            let _ = writeln!(body);

            // Time per MB: smallest, median-size and largest spec.
            let mut by_size: Vec<&(&SpecResult, Duration, &GenStats)> = both.iter().collect();
            by_size.sort_by_key(|(r, _, _)| r.size);
            let picks = [("small", by_size[0]), ("medium", by_size[by_size.len() / 2]), ("largest", by_size[by_size.len() - 1])];
            let _ = writeln!(body, "Time per MB of spec:\n");
            let _ = writeln!(body, "| size class | spec | KB | parse floor ms/MB | generation ms/MB | generation / parse |\n| --- | --- | ---: | ---: | ---: | ---: |");
            for (class, (r, p, g)) in picks {
                let mb = r.size as f64 / 1e6;
                let _ = writeln!(
                    body,
                    "| {class} | {} | {:.0} | {:.0} | {:.0} | {} |",
                    r.name,
                    r.size as f64 / 1024.0,
                    ms(*p) / mb,
                    ms(g.total) / mb,
                    fmt_ratio(g.total.as_secs_f64() / p.as_secs_f64())
                );
            }
            let _ = writeln!(body, "| corpus | all {} | {:.0} | {:.0} | {:.0} | {} |\n", both.len(), bytes as f64 / 1024.0, ms(parse) / (bytes as f64 / 1e6), ms(gen) / (bytes as f64 / 1e6), fmt_ratio(ratio));
        }

        // Operation code: the seed's, and lines per operation against the recorded baseline.
        let seed = results.iter().find(|r| r.name == SEED_SPEC).and_then(|r| r.generate.as_ref().ok());
        let per_op: Vec<(&str, f64, &GenStats)> = OPS_LINES_BASELINE
            .iter()
            .filter_map(|(name, base)| results.iter().find(|r| r.name == *name).and_then(|r| r.generate.as_ref().ok()).map(|g| (*name, *base, g)))
            .collect();
        if seed.is_some() || !per_op.is_empty() {
            let _ = writeln!(body, "### Operation code\n");
            let _ = writeln!(
                body,
                "Operation code: the emitted `src/operations.rs` (or `src/operations/`), that is everything but types, runtime, \
                 `lib.rs` and the example tests. Baselines: the seed's operation code was {SEED_OPS_BASELINE} lines when issue 12 \
                 was filed; lines per operation then (session 3's output, recorded in the issue-12 notes and session 4's bench \
                 report: schema-registry-v1 95, flink-gateway-v1 117, cdx-v1 107; no kafkarest spec is in the corpus, so these, the \
                 largest specs, stand in for it). Targets: the seed at most 170 lines; lines per operation at most half the \
                 baseline.\n"
            );
            let _ = writeln!(body, "| spec | operations | operation code lines | lines per operation | baseline | now / baseline |\n| --- | ---: | ---: | ---: | ---: | ---: |");
            if let Some(g) = seed {
                let r = g.op_lines as f64 / SEED_OPS_BASELINE;
                let _ = writeln!(body, "| {SEED_SPEC} (seed) | {} | {} | {:.0} | {SEED_OPS_BASELINE} lines | {} |", g.operations, g.op_lines, g.op_lines as f64 / g.operations.max(1) as f64, fmt_ratio(r));
                targets.push((10, "seed operation code ≤ 170 lines".into(), format!("{} lines", g.op_lines), at_most(g.op_lines as f64, 170.0)));
            }
            for (name, base, g) in &per_op {
                let lpo = g.op_lines as f64 / g.operations.max(1) as f64;
                let _ = writeln!(body, "| {name} | {} | {} | {lpo:.1} | {base:.0} per operation | {} |", g.operations, g.op_lines, fmt_ratio(lpo / base));
                targets.push((
                    20,
                    format!("lines per operation ≤ half the baseline ({name}: ≤ {:.1}, baseline {base:.0})", base / 2.0),
                    format!("{lpo:.1} ({} the baseline)", fmt_ratio(lpo / base)),
                    at_most(lpo, base / 2.0),
                ));
            }
            let _ = writeln!(body);
        }

        // Peak RSS.
        let largest = results.iter().max_by_key(|r| r.size);
        if let Some(r) = largest {
            if let Some(kb) = r.rss_kb {
                let mb = kb as f64 / 1024.0;
                let max = results.iter().filter_map(|r| r.rss_kb.map(|kb| (kb, &r.name))).max();
                let _ = writeln!(
                    body,
                    "Peak RSS (`VmHWM` of a child process that reads the spec and generates, nothing written): largest spec {} ({:.0} KB): **{mb:.0} MB**{}{}.\n",
                    r.name,
                    r.size as f64 / 1024.0,
                    parse_rss_largest.as_ref().map(|(_, kb)| format!("; the parse floor alone in the same kind of process: {:.0} MB", *kb as f64 / 1024.0)).unwrap_or_default(),
                    max.map(|(kb, n)| format!("; highest over the corpus: {:.0} MB ({n})", kb as f64 / 1024.0)).unwrap_or_default(),
                );
            }
        }

        // openapi-generator.
        let pairs: Vec<(&SpecResult, Duration, Duration, Option<Duration>)> = results
            .iter()
            .filter_map(|r| match (&r.theirs, &r.generate) {
                (Some(Ok(t)), Ok(g)) => Some((r, *t, g.total, r.cli)),
                _ => None,
            })
            .collect();
        if !pairs.is_empty() {
            let theirs: Duration = pairs.iter().map(|p| p.1).sum();
            let ours: Duration = pairs.iter().map(|p| p.2).sum();
            let r_in = theirs.as_secs_f64() / ours.as_secs_f64();
            let cli_all = pairs.iter().all(|p| p.3.is_some());
            let cli: Duration = pairs.iter().filter_map(|p| p.3).sum();
            let failed = results.iter().filter(|r| matches!(r.theirs, Some(Err(_)))).count();
            let set = if self.args.quick { format!("{} specs (--quick: {})", pairs.len(), FOCUS_SPECS.join(", ")) } else { format!("{} specs", pairs.len()) };
            let _ = writeln!(body, "### openapi-generator\n");
            let _ = writeln!(
                body,
                "openapi-generator `-g rust` (defaults, `--skip-validate-spec`, one run per spec, JVM start included) on {set}{}. \
                 Ours in process is the generation median above; ours as CLI is `openapi-forge generate` end to end (process start, \
                 generation, writing the crate; median of 3).\n",
                if failed > 0 { format!("; it failed on {failed} more (see notes), left out of the totals") } else { String::new() }
            );
            let _ = writeln!(body, "| | total | openapi-generator / this |\n| --- | ---: | ---: |");
            let _ = writeln!(body, "| openapi-generator | {:.2} s | 1.00× |", theirs.as_secs_f64());
            let _ = writeln!(body, "| openapi-forge in process | {:.1} ms | **{}** |", ms(ours), fmt_ratio(r_in));
            if cli_all {
                let r_cli = theirs.as_secs_f64() / cli.as_secs_f64();
                let _ = writeln!(body, "| openapi-forge CLI | {:.1} ms | **{}** |", ms(cli), fmt_ratio(r_cli));
            }
            let _ = writeln!(body);
        }

        // Compile cost.
        if !compile.rows.is_empty() {
            self.report_compile(&mut body, &mut targets, &compile.rows);
        }
        if let Some(many) = &compile.many {
            let _ = writeln!(body, "### Many-spec crate\n");
            let _ = writeln!(
                body,
                "All {} corpus specs (the seed fragment aside) generated into one crate, `ours-corpus`, with a module and a cargo feature \
                 per spec ({} lines without runtime and tests, {} types), in the same scratch workspace. `cargo check -p ours-corpus` \
                 as above, with every feature (the default) and with `--no-default-features --features <spec>`; each one-feature \
                 check takes turns with that spec's single-spec crate, a check each per round (median of {CHECK_RUNS} rounds).\n",
                many.groups, many.size.code.lines, many.size.code.types
            );
            let _ = writeln!(body, "| feature | single-spec crate: check | many-spec crate, this feature only: check | one feature / single-spec | all features / this feature |\n| --- | ---: | ---: | ---: | ---: |");
            let all = many.all.as_ref().ok().map(|d| d.as_secs_f64());
            for (spec, single, feature) in &many.one {
                let secs = |r: &Result<Duration, String>| r.as_ref().map(|d| format!("{:.2} s", d.as_secs_f64())).unwrap_or_else(|_| "failed".into());
                let (r, vs_all) = match (single, feature) {
                    (Ok(s), Ok(f)) => {
                        let r = f.as_secs_f64() / s.as_secs_f64();
                        targets.push((50, format!("many-spec crate: `cargo check` with one feature ≤ 1.2× that API's single-spec crate ({spec})"), fmt_ratio(r), at_most(r, 1.2)));
                        (fmt_ratio(r), all.map(|a| fmt_ratio(a / f.as_secs_f64())).unwrap_or_else(|| "-".into()))
                    }
                    (_, Ok(f)) => ("-".into(), all.map(|a| fmt_ratio(a / f.as_secs_f64())).unwrap_or_else(|| "-".into())),
                    _ => ("-".into(), "-".into()),
                };
                let _ = writeln!(body, "| {spec} | {} | {} | {r} | {vs_all} |", secs(single), secs(feature));
            }
            let _ = writeln!(
                body,
                "| all {} features | | {} | | 1.00× |\n",
                many.groups,
                many.all.as_ref().map(|d| format!("{:.2} s", d.as_secs_f64())).unwrap_or_else(|_| "failed".into())
            );
        }
        if let Some(p) = &compile.progenitor {
            body.push_str(&super::progenitor::report(p));
        }

        // Runtime overhead.
        if let Some(rt) = runtime {
            let _ = writeln!(body, "### Runtime overhead\n");
            let _ = writeln!(
                body,
                "`cargo bench -p forge-templates` (benches in `templates/benches/`). Client: the seed's `PATCH /iam/v2/api-keys/ak-1` against a \
                 minimal keep-alive HTTP/1.1 server on 127.0.0.1 started by the bench (same fixed 200 JSON `ApiKey` for both sides, one \
                 current-thread tokio runtime, one pooled connection for each side, checked; the bench also checks that both sides send the \
                 same request line, headers and body). Hand-written: reqwest with the same timeouts, `.basic_auth()`, `.json()`, status check, \
                 `serde_json::from_slice`. Decode: a JSON array of 1,000 `ApiKey`s (~0.8 MB); the hand-written structs have the same fields, \
                 `Option` where ours are optional, `chrono::DateTime<Utc>` dates, and `String` for `api_version`/`kind` (they accept any \
                 value, as our open enums do).\n"
            );
            let _ = writeln!(
                body,
                "Each comparison is measured three ways in the same run. **Criterion**: median wall time per iteration [95% confidence \
                 interval], one function after the other. **Interleaved**: the variants take turns, a block of iterations each per round, in \
                 rotating order, and the ratio is taken within each round{}. The median [quartiles] over the rounds is reported, for wall \
                 time and for the CPU time of the benchmarking thread (`CLOCK_THREAD_CPUTIME_ID`: time descheduled by other processes does \
                 not count, and neither does waiting on the socket; for the client, this is the client's own work per request, with the \
                 connection driven on the same thread, and without the server thread). A change in machine load hits both sides of a \
                 round alike, and CPU time is not inflated by preemption. So the decode targets are judged on the interleaved CPU-time \
                 ratio. For the client, the CPU time of a thread doing loopback TCP still moves with the load (the kernel's network \
                 work is counted and depends on the other threads), so the client target is judged on instruction counts (below) \
                 when valgrind is there, else on the interleaved CPU-time ratio.\n",
                match (rt.interleaved_rounds("client_patch"), rt.interleaved_rounds("decode_list")) {
                    (Some((r1, b1)), Some((r2, b2))) => format!(" (client: {r1} rounds of {b1} requests; decode: {r2} rounds of {b2} decodes)"),
                    _ => String::new(),
                }
            );
            let _ = writeln!(
                body,
                "| comparison | criterion: generated | criterion: hand-written | criterion ratio | interleaved wall: generated / hand-written | interleaved wall ratio | interleaved CPU: generated / hand-written | **interleaved CPU ratio** |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
            );
            let fmt_est = |e: &CriterionResult| format!("{} [{} – {}]", fmt_ns(e.median_ns), fmt_ns(e.lower_ns), fmt_ns(e.upper_ns));
            let rows = [
                ("PATCH through the client (request + response)", "client_patch/generated", "client_patch/hand_written", "client overhead within 5%"),
                ("decode 1,000 `ApiKey`: types only (`serde_json::from_slice`)", "decode_list/generated_types", "decode_list/hand_written", "decode within 5% (types)"),
                (
                    "decode 1,000 `ApiKey`: the client's path (`RawResponse::decode_json`)",
                    "decode_list/generated_runtime_path",
                    "decode_list/hand_written",
                    "decode within 5% (the client's decode path)",
                ),
                ("decode 1,000 `ApiKey`: types only, vs hand-written closed enums (information)", "decode_list/generated_types", "decode_list/hand_written_closed_enums", ""),
            ];
            for (label, ours_id, hand_id, target) in rows {
                let (o, h) = (rt.criterion(ours_id), rt.criterion(hand_id));
                let crit_ratio = match (o, h) {
                    (Some(o), Some(h)) => Some(o.median_ns / h.median_ns),
                    _ => None,
                };
                // The interleaved ratios are to one baseline per group; a ratio to another variant is
                // the quotient of the two medians of per-round ratios (an approximation, for information).
                let group = ours_id.split('/').next().unwrap_or_default();
                let inter = |clock: &str| match rt.interleaved_baseline(group) {
                    Some(base) if hand_id.ends_with(&format!("/{base}")) => rt.interleaved_ratio(ours_id, clock),
                    Some(_) => match (rt.interleaved_ratio(ours_id, clock), rt.interleaved_ratio(hand_id, clock)) {
                        (Some((a, _, _)), Some((b, _, _))) => Some((a / b, f64::NAN, f64::NAN)),
                        _ => None,
                    },
                    None => None,
                };
                let (wall, cpu) = (inter("wall"), inter("cpu"));
                let cell = |r: Option<(f64, f64, f64)>, bold: bool| match r {
                    Some((m, lo, hi)) if lo.is_finite() => {
                        let m = if bold { format!("**{}**", fmt_ratio(m)) } else { fmt_ratio(m) };
                        format!("{m} [{} – {}]", fmt_ratio(lo), fmt_ratio(hi))
                    }
                    Some((m, _, _)) => format!("{} (quotient of medians)", fmt_ratio(m)),
                    None => "missing".into(),
                };
                let times = |clock: &str| match (rt.interleaved_ns(ours_id, clock), rt.interleaved_ns(hand_id, clock)) {
                    (Some(a), Some(b)) => format!("{} / {}", fmt_ns(a), fmt_ns(b)),
                    _ => "missing".into(),
                };
                let _ = writeln!(
                    body,
                    "| {label} | {} | {} | {} | {} | {} | {} | {} |",
                    o.map(fmt_est).unwrap_or_else(|| "missing".into()),
                    h.map(fmt_est).unwrap_or_else(|| "missing".into()),
                    crit_ratio.map(fmt_ratio).unwrap_or_else(|| "-".into()),
                    times("wall"),
                    cell(wall, false),
                    times("cpu"),
                    cell(cpu, true),
                );
                if !target.is_empty() {
                    let others = |skip: &str| {
                        let mut v = Vec::new();
                        if skip != "wall" {
                            if let Some((m, _, _)) = wall {
                                v.push(format!("interleaved wall {}", fmt_ratio(m)));
                            }
                        }
                        if let Some(c) = crit_ratio {
                            v.push(format!("criterion {}", fmt_ratio(c)));
                        }
                        if v.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", v.join(", "))
                        }
                    };
                    let instr = rt.instructions.as_ref().filter(|_| ours_id == "client_patch/generated");
                    match (cpu, wall, crit_ratio) {
                        _ if instr.is_some() => {
                            if let Some(i) = instr {
                                let r = i.generated.0 / i.hand_written.0;
                                let mut also = vec![format!("whole process {}", fmt_ratio(i.generated.1 / i.hand_written.1))];
                                if let Some((m, _, _)) = cpu {
                                    also.push(format!("interleaved CPU {}", fmt_ratio(m)));
                                }
                                if let Some((m, _, _)) = wall {
                                    also.push(format!("interleaved wall {}", fmt_ratio(m)));
                                }
                                if let Some(c) = crit_ratio {
                                    also.push(format!("criterion {}", fmt_ratio(c)));
                                }
                                targets.push((
                                    80,
                                    format!("{target} (ratio ≤ 1.05, user-space instructions per request, client thread)"),
                                    format!("{} ({})", fmt_ratio(r), also.join(", ")),
                                    within_pct(r, 5.0),
                                ));
                            }
                        }
                        (Some((m, _, _)), _, _) => targets.push((
                            if ours_id.starts_with("client") { 80 } else { 90 },
                            format!("{target} (ratio ≤ 1.05, interleaved CPU time)"),
                            format!("{}{}", fmt_ratio(m), others("cpu")),
                            within_pct(m, 5.0),
                        )),
                        (None, Some((m, _, _)), _) => targets.push((
                            if ours_id.starts_with("client") { 80 } else { 90 },
                            format!("{target} (ratio ≤ 1.05, interleaved wall time)"),
                            format!("{}{}", fmt_ratio(m), others("wall")),
                            within_pct(m, 5.0),
                        )),
                        (None, None, Some(c)) => targets.push((if ours_id.starts_with("client") { 80 } else { 90 }, format!("{target} (ratio ≤ 1.05, criterion)"), fmt_ratio(c), within_pct(c, 5.0))),
                        (None, None, None) => {}
                    }
                }
            }
            let _ = writeln!(body);
            if let Some(i) = &rt.instructions {
                let _ = writeln!(
                    body,
                    "Client cost in instructions, which machine load does not change: the `client_overhead` bench under \
                     `valgrind --tool=callgrind --separate-threads=yes`, `--profile-time 2` per side, minus a run of the set-up alone, \
                     divided by the extra requests the server answered ({} generated, {} hand-written). User-space instructions only: the \
                     kernel's loopback TCP work, the same for both sides, is not counted. So this ratio overstates the overhead relative \
                     to end-to-end time. The client target is judged on it because it is the only one of the four that stays the same \
                     from run to run on a loaded machine.\n",
                    i.requests.0, i.requests.1
                );
                let _ = writeln!(body, "| instructions per request | generated | hand-written | generated / hand-written | difference |\n| --- | ---: | ---: | ---: | ---: |");
                for (label, g, h) in [("client thread (client + tokio runtime + hyper connection)", i.generated.0, i.hand_written.0), ("whole process (+ server threads)", i.generated.1, i.hand_written.1)] {
                    let _ = writeln!(body, "| {label} | {g:.0} | {h:.0} | **{}** | {:+.0} |", fmt_ratio(g / h), g - h);
                }
                let _ = writeln!(body);
            }
        }

        // Scale.
        if let Some(scale) = scale {
            body.push_str(&scale.markdown);
            if let [(_, quarter, _), (label, full, rss)] = scale.measured.as_slice() {
                let r = full / quarter;
                targets.push((70, format!("scale: linear (per-MB time of the full synthetic spec ≤ {}× the quarter's)", super::scale::LINEAR_BOUND), fmt_ratio(r), at_most(r, super::scale::LINEAR_BOUND)));
                if let Some(rss) = rss {
                    targets.push((71, format!("scale: peak RSS < 15× the input ({label})"), fmt_ratio(*rss), at_most(*rss, 15.0)));
                }
            }
        }

        // Per-spec table.
        if !results.is_empty() {
            let _ = writeln!(body, "### Per spec\n");
            let _ = writeln!(body, "Times in ms (medians), except openapi-generator in s. Lines: emitted `src/` without `runtime/`.\n");
            let _ = writeln!(
                body,
                "| spec | KB | parse floor | generation | load | normalize | emit+format | gen / parse | types | ops | warnings | lines | peak RSS MB | CLI | openapi-generator s | og / ours (in process) |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
            );
            for r in results {
                let p = r.parse.as_ref().map(|d| format!("{:.2}", ms(*d))).unwrap_or_else(|_| "failed".into());
                let (g, l, n, e, ratio, ty, ops, w, lines) = match &r.generate {
                    Ok(g) => (
                        format!("{:.2}", ms(g.total)),
                        format!("{:.2}", ms(g.stages[0])),
                        format!("{:.2}", ms(g.stages[1])),
                        format!("{:.2}", ms(g.stages[2])),
                        r.parse.as_ref().map(|p| fmt_ratio(g.total.as_secs_f64() / p.as_secs_f64())).unwrap_or_else(|_| "-".into()),
                        g.types.to_string(),
                        g.operations.to_string(),
                        g.warnings.to_string(),
                        g.lines.to_string(),
                    ),
                    Err(_) => ("failed".into(), "-".into(), "-".into(), "-".into(), "-".into(), "-".into(), "-".into(), "-".into(), "-".into()),
                };
                let (og, og_ratio) = match (&r.theirs, &r.generate) {
                    (Some(Ok(t)), Ok(gs)) => (format!("{:.2}", t.as_secs_f64()), fmt_ratio(t.as_secs_f64() / gs.total.as_secs_f64())),
                    (Some(Ok(t)), Err(_)) => (format!("{:.2}", t.as_secs_f64()), "-".into()),
                    (Some(Err(_)), _) => ("failed".into(), "-".into()),
                    (None, _) => ("-".into(), "-".into()),
                };
                let _ = writeln!(
                    body,
                    "| {} | {:.0} | {p} | {g} | {l} | {n} | {e} | {ratio} | {ty} | {ops} | {w} | {lines} | {} | {} | {og} | {og_ratio} |",
                    r.name,
                    r.size as f64 / 1024.0,
                    r.rss_kb.map(|kb| format!("{:.0}", kb as f64 / 1024.0)).unwrap_or_else(|| "-".into()),
                    r.cli.map(|d| format!("{:.1}", ms(d))).unwrap_or_else(|| "-".into()),
                );
            }
            let _ = writeln!(body);
        }

        // Targets first, then the details.
        let _ = writeln!(md, "### Targets\n");
        if targets.is_empty() {
            let _ = writeln!(md, "No target could be measured in this run (see notes).\n");
        } else {
            targets.sort_by_key(|t| t.0);
            let _ = writeln!(md, "| target | measured | status |\n| --- | ---: | --- |");
            for (_, t, m, s) in &targets {
                let _ = writeln!(md, "| {t} | {m} | {s} |");
            }
            let _ = writeln!(md);
        }
        md.push_str(&body);
        let _ = writeln!(md, "### Notes\n");
        if self.notes.is_empty() {
            let _ = writeln!(md, "Every part ran.");
        } else {
            for n in &self.notes {
                let _ = writeln!(md, "- {}", n.replace('\n', " "));
            }
        }
        md
    }

    /// The compile section: sizes and times of our crate and openapi-generator's per bench spec.
    fn report_compile(&self, body: &mut String, targets: &mut Vec<Target>, rows: &[CompileRow]) {
        let _ = writeln!(body, "### Compile cost of the emitted code\n");
        let builds = rows.iter().any(|r| r.ours.as_ref().is_ok_and(|m| m.times.build.is_some()));
        let _ = writeln!(
            body,
            "One scratch workspace (`.bench/compile`, one shared target folder, dependencies warm: one untimed run per crate and \
             profile first): `cargo check -p <crate>`{}, with `CARGO_INCREMENTAL=0`, each after touching the crate's `src/lib.rs`, \
             so only the crate itself is compiled (cargo's own start-up included, equal for both). `cargo check`: median of {CHECK_RUNS}{}. \
             The sides take turns per profile. Lines: `.rs` files under `src/`, without the modules `lib.rs` declares under \
             `#[cfg(test)]` (ours: the spec's example tests, their own column) and without our hand-written runtime \
             (its own column: the runtime crate our crates depend on, plus the files every crate compiles itself in `src/runtime/`). Types: lines starting with `pub struct`/`pub enum`. openapi-generator's crate is \
             compiled as generated (default features).\n",
            if builds { ", `cargo build -p <crate>` (debug) and `cargo build --release -p <crate>`" } else { "" },
            if builds { format!("; the builds: median of {}", if self.args.quick { "1 (--quick)" } else { "3" }) } else { String::new() },
        );
        let _ = writeln!(
            body,
            "| spec | ours: lines | ours: example tests | ours: runtime | ours: types | theirs: lines | theirs: types | **lines ours/theirs** | lines with runtime ours/theirs | types ours/theirs |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        for row in rows {
            let o = row.ours.as_ref().ok().map(|m| m.size);
            let t = row.theirs.as_ref().ok().map(|m| m.size);
            let n = |v: Option<usize>| v.map(|v| v.to_string()).unwrap_or_else(|| "failed".into());
            let (lr, lrr, tr) = match (o, t) {
                (Some(o), Some(t)) => {
                    let r = o.code.lines as f64 / t.code.lines as f64;
                    targets.push((30, format!("lines ours/openapi-generator ≤ 0.7× ({})", row.spec), fmt_ratio(r), at_most(r, 0.7)));
                    (
                        format!("**{}**", fmt_ratio(r)),
                        fmt_ratio((o.code.lines + o.runtime.lines) as f64 / (t.code.lines + t.runtime.lines) as f64),
                        fmt_ratio(o.code.types as f64 / t.code.types as f64),
                    )
                }
                _ => ("-".into(), "-".into(), "-".into()),
            };
            let _ = writeln!(
                body,
                "| {} | {} | {} | {} | {} | {} | {} | {lr} | {lrr} | {tr} |",
                row.spec,
                n(o.map(|s| s.code.lines)),
                n(o.map(|s| s.tests.lines)),
                n(o.map(|s| s.runtime.lines)),
                n(o.map(|s| s.code.types)),
                n(t.map(|s| s.code.lines)),
                n(t.map(|s| s.code.types)),
            );
        }
        let _ = writeln!(body, "\nOur type count includes the per-operation error enums and typed-header structs; `runtime/` has its own `pub struct`/`pub enum`s, not counted.\n");

        let profiles: Vec<(Profile, &str)> = if builds {
            vec![(Profile::Check, "`cargo check`"), (Profile::Build, "`cargo build` (debug)"), (Profile::Release, "`cargo build --release`")]
        } else {
            vec![(Profile::Check, "`cargo check`")]
        };
        let mut head = String::from("| spec |");
        let mut rule = String::from("| --- |");
        for (_, label) in &profiles {
            let _ = write!(head, " {label}: ours | theirs | **ours/theirs** |");
            rule.push_str(" ---: | ---: | ---: |");
        }
        let _ = writeln!(body, "{head}\n{rule}");
        let mut sums = vec![(Duration::ZERO, Duration::ZERO, 0usize); profiles.len()];
        for row in rows {
            let mut line = format!("| {} |", row.spec);
            for (i, (p, _)) in profiles.iter().enumerate() {
                let get = |m: &Result<Measured, String>| m.as_ref().ok().and_then(|m| m.times.get(*p)).and_then(|r| r.as_ref().ok()).copied();
                let (o, t) = (get(&row.ours), get(&row.theirs));
                let secs = |d: Option<Duration>| d.map(|d| format!("{:.2} s", d.as_secs_f64())).unwrap_or_else(|| "failed".into());
                let r = match (o, t) {
                    (Some(o), Some(t)) => {
                        sums[i].0 += o;
                        sums[i].1 += t;
                        sums[i].2 += 1;
                        let r = o.as_secs_f64() / t.as_secs_f64();
                        if *p == Profile::Check {
                            targets.push((40, format!("`cargo check` ours (on the runtime crate)/openapi-generator ≤ 0.5× ({})", row.spec), fmt_ratio(r), at_most(r, 0.5)));
                            if let Some(c) = row.copied.as_ref().ok().and_then(|m| m.times.check.as_ref().ok()) {
                                let rc = c.as_secs_f64() / t.as_secs_f64();
                                targets.push((41, format!("`cargo check` ours (runtime copied)/openapi-generator, reported ({})", row.spec), fmt_ratio(rc), "–".into()));
                            }
                        }
                        format!("**{}**", fmt_ratio(r))
                    }
                    _ => "-".into(),
                };
                let _ = write!(line, " {} | {} | {r} |", secs(o), secs(t));
            }
            let _ = writeln!(body, "{line}");
        }
        if rows.len() > 1 {
            let mut line = format!("| sum over {} specs |", rows.len());
            for (o, t, n) in &sums {
                if *n == rows.len() {
                    let _ = write!(line, " {:.2} s | {:.2} s | **{}** |", o.as_secs_f64(), t.as_secs_f64(), fmt_ratio(o.as_secs_f64() / t.as_secs_f64()));
                } else {
                    line.push_str(" - | - | - |");
                }
            }
            let _ = writeln!(body, "{line}");
        }
        let _ = writeln!(
            body,
            "\nOur crates above depend on the runtime crate (`--runtime-crate`, as `cargo xtask codegen` writes them), which is \
             compiled once per target folder like any dependency. With the runtime copied into the crate (the generator's default, \
             a crate that stands alone; `ours-copied-<spec>`), its check is:\n"
        );
        let _ = writeln!(body, "| spec | `cargo check`, runtime copied | runtime crate / copied | copied / theirs |\n| --- | ---: | ---: | ---: |");
        for row in rows {
            let check = |m: &Result<Measured, String>| m.as_ref().ok().and_then(|m| m.times.check.as_ref().ok()).copied();
            let ratio = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
                (Some(a), Some(b)) => fmt_ratio(a.as_secs_f64() / b.as_secs_f64()),
                _ => "-".into(),
            };
            let (o, c, t) = (check(&row.ours), check(&row.copied), check(&row.theirs));
            let secs = c.map(|d| format!("{:.2} s", d.as_secs_f64())).unwrap_or_else(|| "failed".into());
            let _ = writeln!(body, "| {} | {secs} | {} | {} |", row.spec, ratio(o, c), ratio(c, t));
        }
        let _ = writeln!(body);
    }

    fn write_benchmarks_md(&self, report: &str) -> std::io::Result<PathBuf> {
        let path = self.root.join("BENCHMARKS.md");
        let block = format!("{BEGIN_MARK}\n{report}{END_MARK}\n");
        let existing = std::fs::read_to_string(&path).unwrap_or_default();
        let text = match (existing.find(BEGIN_MARK), existing.find(END_MARK)) {
            (Some(b), Some(e)) if b < e => {
                let after = &existing[e + END_MARK.len()..];
                format!("{}{}{}", &existing[..b], block, after.strip_prefix('\n').unwrap_or(after))
            }
            _ if existing.trim().is_empty() => format!("# Benchmarks\n\nProduced by `cargo xtask bench` (see `xtask/src/bench.rs`).\n\n{block}"),
            _ => format!("{}\n{block}", existing.trim_end()),
        };
        std::fs::write(&path, text)?;
        Ok(path)
    }
}

fn run_openapi_generator(jar: &Path, spec: &Path, out: &Path, package: &str) -> Result<Duration, String> {
    let _ = std::fs::remove_dir_all(out);
    let log_path = out.with_extension("log");
    let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
    let log2 = log.try_clone().map_err(|e| e.to_string())?;
    let t = Instant::now();
    let status = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["generate", "-g", "rust", "--skip-validate-spec", "-i"])
        .arg(spec)
        .arg("-o")
        .arg(out)
        .arg(format!("--additional-properties=packageName={package}"))
        .stdout(log)
        .stderr(log2)
        .status()
        .map_err(|e| e.to_string())?;
    let elapsed = t.elapsed();
    if status.success() {
        Ok(elapsed)
    } else {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        Err(format!("exit {} ({}): {}", status.code().unwrap_or(-1), log_path.display(), tail(&log, 3)))
    }
}

fn read_estimate(path: &Path) -> Option<CriterionResult> {
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let m = v.get("median")?;
    Some(CriterionResult {
        median_ns: m.get("point_estimate")?.as_f64()?,
        lower_ns: m.pointer("/confidence_interval/lower_bound")?.as_f64()?,
        upper_ns: m.pointer("/confidence_interval/upper_bound")?.as_f64()?,
    })
}
