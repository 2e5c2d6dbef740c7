//! The `openapi-forge` command line.

use clap::{Parser, Subcommand};
use openapi_forge::{Generator, Input, Output, Settings, WriteOptions};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "openapi-forge", version, about = "Generates a typed Rust client crate from OpenAPI specs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a crate (Cargo.toml and src/) from one spec, or from several: one crate with an
    /// API group (module and cargo feature) per spec.
    ///
    /// Only files the generator wrote itself (listed in OUT/.openapi-forge/manifest) are ever
    /// replaced or deleted; a non-empty OUT without a manifest is refused unless --adopt is given.
    Generate {
        /// A spec: OpenAPI YAML or JSON (chosen by content), or a documentation fragment.
        /// Repeat it to put several APIs into one crate, each named after its file stem.
        #[arg(long, required = true)]
        spec: Vec<PathBuf>,
        /// The crate folder to write: missing, empty, or earlier output of openapi-forge.
        #[arg(long)]
        out: PathBuf,
        /// Package name: ASCII letters, digits, `-` and `_`, starting with a letter, at most 64
        /// characters, not a keyword or reserved name (default: from the first spec's file name).
        #[arg(long)]
        crate_name: Option<String>,
        /// Compare with what is in --out instead of writing; exit 1 when they differ.
        #[arg(long)]
        check: bool,
        /// Treat --out as generator output although it has no manifest: write the generated
        /// files into it, replacing files of the same name; delete nothing else.
        #[arg(long)]
        adopt: bool,
        /// Depend on the runtime crate (`openapi-forge-runtime`) in this folder instead of
        /// copying the runtime into the crate: compiled once for every crate sharing a target
        /// folder. Written into Cargo.toml as given, so a relative path is relative to --out.
        /// `openapi-forge runtime --out DIR` writes the runtime crate.
        #[arg(long, value_name = "PATH")]
        runtime_crate: Option<String>,
        /// List every warning with its JSON pointer.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Write the runtime crate (`openapi-forge-runtime`: Cargo.toml and its sources) that crates
    /// generated with --runtime-crate depend on.
    ///
    /// The same rules as `generate`: only files listed in OUT/.openapi-forge/manifest are ever
    /// replaced or deleted.
    Runtime {
        /// The folder to write: missing, empty, or earlier output of this command.
        #[arg(long)]
        out: PathBuf,
        /// Compare with what is in --out instead of writing; exit 1 when they differ.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match cli.command {
        Command::Generate { spec, out, crate_name, check, adopt, runtime_crate, verbose } => {
            let start = Instant::now();
            if let Some(name) = &crate_name {
                if let Err(why) = openapi_forge::naming::validate_crate_name(name) {
                    eprintln!("error: invalid --crate-name {name:?}: {why}");
                    return ExitCode::from(2);
                }
            }
            let crate_name = crate_name.unwrap_or_else(|| spec.first().map(|s| default_crate_name(s)).unwrap_or_else(|| "api".into()));
            let mut settings = Settings::crate_named(crate_name);
            if let Some(path) = runtime_crate {
                settings = settings.with_runtime_crate(path);
            }
            let mut generator = Generator::new(settings);
            for path in &spec {
                match Input::from_file(path) {
                    // Only the file name goes into generated comments, never the machine's path.
                    Ok(input) => generator.input(input),
                    Err(e) => {
                        eprintln!("{e}");
                        return ExitCode::from(1);
                    }
                };
            }
            let output = match generator.generate() {
                Ok(o) => o,
                Err(e) => {
                    for d in &e.diagnostics {
                        eprintln!("{d}");
                    }
                    return ExitCode::from(1);
                }
            };
            if verbose {
                for w in output.warnings() {
                    eprintln!("{w}");
                }
            }
            let counts = output.summary();
            let shown: Vec<String> = spec.iter().map(|s| s.display().to_string()).collect();
            let groups = if counts.groups > 1 { format!("{} API groups, ", counts.groups) } else { String::new() };
            let summary = format!(
                "{}: {groups}{} types, {} operations, {} warnings, {:.0} ms",
                shown.join(", "),
                counts.types,
                counts.operations,
                output.warnings().len(),
                start.elapsed().as_secs_f64() * 1000.0
            );
            if check {
                return check_out(&out, &output, &summary);
            }
            let report = match output.write_crate(&out, &WriteOptions { adopt, protect: Vec::new() }) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(1);
                }
            };
            let dir = report.dir.display();
            if report.repaired_interrupted_write {
                eprintln!("note: {dir}: repaired an interrupted write: an earlier run was stopped after its commit point, and its changes were completed first");
            }
            if report.removed_stale_staging {
                eprintln!("note: {dir}: removed the staging folder of an interrupted write (stopped before its commit point, it had changed nothing)");
            }
            if report.adopted {
                eprintln!("note: {dir}: adopted as generator output (--adopt); from now on it has a manifest");
            }
            println!(
                "{summary}; {} files written, {} unchanged, {} deleted",
                report.written.len(),
                report.unchanged.len(),
                report.deleted.len()
            );
            ExitCode::SUCCESS
        }
        Command::Runtime { out, check } => {
            let output = Output::runtime_crate();
            let summary = format!("runtime crate openapi-forge-runtime ({} files)", output.files().len());
            if check {
                return check_out(&out, &output, &summary);
            }
            match output.write_crate(&out, &WriteOptions { adopt: false, protect: Vec::new() }) {
                Ok(report) => {
                    println!("{summary}: {} written, {} unchanged, {} deleted", report.written.len(), report.unchanged.len(), report.deleted.len());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// `--check`: exit 0 when --out is up to date, 1 when it differs or a write was interrupted.
fn check_out(out: &Path, output: &Output, summary: &str) -> ExitCode {
    let report = match output.check_crate(out) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    if report.interrupted {
        if report.busy {
            eprintln!("{}: another openapi-forge run is writing it right now", out.display());
        } else {
            eprintln!("{}: interrupted write: an earlier run was stopped after its commit point; run without --check to complete it", out.display());
        }
    }
    if !report.differing.is_empty() {
        eprintln!("{} is out of date; differing files: {}", out.display(), report.differing.join(", "));
    }
    if !report.stale.is_empty() {
        eprintln!("{}: no longer generated but still there (listed in the manifest): {}", out.display(), report.stale.join(", "));
    }
    if !report.is_up_to_date() {
        return ExitCode::from(1);
    }
    println!("{summary} (up to date)");
    ExitCode::SUCCESS
}

/// The package name from the spec's file stem (`confluent-cloud.yaml` -> `confluent-cloud`), or
/// `api` when the stem makes no valid crate name.
fn default_crate_name(spec: &Path) -> String {
    let stem = spec.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let name = openapi_forge::naming::value_ident(&stem, "api").replace('_', "-");
    if openapi_forge::naming::validate_crate_name(&name).is_ok() {
        name
    } else {
        "api".into()
    }
}
