//! `cargo xtask codegen [--check]`: regenerates `generated/` from the spec in `spec/`.

use clap::{Parser, Subcommand};
use openapi_forge::generate::diff_crate;
use openapi_forge::{generate_files, write_crate, Options};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "xtask")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Regenerate `generated/` from `spec/update-api-key.yaml`.
    Codegen {
        /// Fail (exit 1) when `generated/` differs from what the generator would write.
        #[arg(long)]
        check: bool,
    },
}

/// The workspace root (this crate lives in `xtask/`).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Cmd::Codegen { check } => codegen(check),
    }
}

fn codegen(check: bool) -> ExitCode {
    let root = workspace_root();
    let spec = root.join("spec/update-api-key.yaml");
    let out = root.join("generated");
    let bytes = match std::fs::read(&spec) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {}: {e}", spec.display());
            return ExitCode::from(1);
        }
    };
    let opts = Options { crate_name: "confluent-cloud".into(), spec_label: "spec/update-api-key.yaml".into() };
    let generated = match generate_files("spec/update-api-key.yaml", &bytes, &opts) {
        Ok(g) => g,
        Err(e) => {
            for d in &e.diagnostics {
                eprintln!("{d}");
            }
            return ExitCode::from(1);
        }
    };
    for w in &generated.warnings {
        eprintln!("{w}");
    }
    if check {
        let stale = diff_crate(&out, &generated.files);
        if stale.is_empty() {
            println!("generated/ is up to date ({} types, {} operations)", generated.model.types.len(), generated.model.operations.len());
            return ExitCode::SUCCESS;
        }
        eprintln!("generated/ is out of date: run `cargo xtask codegen`. Differing files: {}", stale.join(", "));
        return ExitCode::from(1);
    }
    if let Err(e) = write_crate(&out, &generated.files) {
        eprintln!("{e}");
        return ExitCode::from(1);
    }
    println!("wrote generated/ ({} types, {} operations)", generated.model.types.len(), generated.model.operations.len());
    ExitCode::SUCCESS
}
