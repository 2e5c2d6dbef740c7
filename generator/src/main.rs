//! The `openapi-forge` command line.

use clap::{Parser, Subcommand};
use openapi_forge::generate::diff_crate;
use openapi_forge::{generate_files, write_crate, Options};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "openapi-forge", version, about = "Generates a typed Rust client crate from an OpenAPI 3.0 spec")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a crate (Cargo.toml and src/) from a spec.
    Generate {
        /// The spec: OpenAPI 3.0 YAML or JSON (chosen by content), or a documentation fragment.
        #[arg(long)]
        spec: PathBuf,
        /// The crate folder to write.
        #[arg(long)]
        out: PathBuf,
        /// Package name (default: from the spec file name).
        #[arg(long)]
        crate_name: Option<String>,
        /// Compare with what is in --out instead of writing; exit 1 when they differ.
        #[arg(long)]
        check: bool,
        /// List every warning with its JSON pointer.
        #[arg(short, long)]
        verbose: bool,
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
        Command::Generate { spec, out, crate_name, check, verbose } => {
            let start = Instant::now();
            let bytes = match std::fs::read(&spec) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("error: {}: cannot read the spec: {e}", spec.display());
                    return ExitCode::from(1);
                }
            };
            let stem = spec.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "api".into());
            let crate_name = crate_name.unwrap_or_else(|| openapi_forge::naming::value_ident(&stem, "api").replace('_', "-"));
            let label = spec.file_name().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| stem.clone());
            let opts = Options { crate_name, spec_label: label };
            let generated = match generate_files(&spec.display().to_string(), &bytes, &opts) {
                Ok(g) => g,
                Err(e) => {
                    for d in &e.diagnostics {
                        eprintln!("{d}");
                    }
                    return ExitCode::from(1);
                }
            };
            if verbose {
                for w in &generated.warnings {
                    eprintln!("{w}");
                }
            }
            let summary = format!(
                "{}: {} types, {} operations, {} warnings, {:.0} ms",
                spec.display(),
                generated.model.types.len(),
                generated.model.operations.len(),
                generated.warnings.len(),
                start.elapsed().as_secs_f64() * 1000.0
            );
            if check {
                let stale = diff_crate(&out, &generated.files);
                if !stale.is_empty() {
                    eprintln!("{} is out of date; differing files: {}", out.display(), stale.join(", "));
                    return ExitCode::from(1);
                }
                println!("{summary} (up to date)");
                return ExitCode::SUCCESS;
            }
            if let Err(e) = write_crate(&out, &generated.files) {
                eprintln!("{e}");
                return ExitCode::from(1);
            }
            println!("{summary}");
            ExitCode::SUCCESS
        }
    }
}
