//! The whole pipeline, and writing a crate to disk atomically.

use crate::diag::{Diagnostic, GenerateError};
use crate::emit::{emit_crate, EmitOptions, GeneratedFile};
use crate::model::NormalizedModel;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Package name of the generated crate.
    pub crate_name: String,
    /// How the spec is named in generated comments (a stable, machine-independent label).
    pub spec_label: String,
}

/// A generated crate, in memory.
#[derive(Debug)]
pub struct Generated {
    /// The model it was emitted from.
    pub model: NormalizedModel,
    /// The crate's files.
    pub files: Vec<GeneratedFile>,
    /// Warnings from every layer.
    pub warnings: Vec<Diagnostic>,
    /// Time spent per stage: load, normalize, emit (tokens and formatting).
    pub timings: [(&'static str, Duration); 3],
}

/// Runs load, normalize and emit on spec bytes.
pub fn generate_files(file: &str, bytes: &[u8], opts: &Options) -> Result<Generated, GenerateError> {
    let t0 = Instant::now();
    let raw = crate::load::load_bytes(file, bytes)?;
    let t1 = Instant::now();
    let model = crate::normalize::normalize(&raw)?;
    let t2 = Instant::now();
    let files = emit_crate(&model, &EmitOptions { crate_name: opts.crate_name.clone(), spec_label: opts.spec_label.clone() })
        .map_err(|m| GenerateError::io(file, m))?;
    let t3 = Instant::now();
    let warnings = model.warnings.clone();
    Ok(Generated { model, files, warnings, timings: [("load", t1 - t0), ("normalize", t2 - t1), ("emit", t3 - t2)] })
}

/// Files under `dir` that differ from `files` (missing, changed, or generated-but-stale), as
/// paths relative to `dir`. Only the files the generator owns are compared: `Cargo.toml` and
/// everything under `src/`.
pub fn diff_crate(dir: &Path, files: &[GeneratedFile]) -> Vec<String> {
    let mut out = Vec::new();
    for f in files {
        match std::fs::read_to_string(dir.join(&f.path)) {
            Ok(existing) if existing == f.contents => {}
            _ => out.push(f.path.clone()),
        }
    }
    let mut on_disk = Vec::new();
    list_files(&dir.join("src"), &mut on_disk);
    for p in on_disk {
        if let Ok(rel) = p.strip_prefix(dir) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            if !files.iter().any(|f| f.path == rel) {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

fn list_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            list_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Writes the crate to `dir` atomically: everything is written into a sibling staging folder
/// first, then the generator-owned parts (`Cargo.toml`, `src/`) are swapped in with renames.
/// Other files in `dir` (hand-written tests, examples) are left alone. On failure nothing in
/// `dir` has changed.
pub fn write_crate(dir: &Path, files: &[GeneratedFile]) -> Result<(), GenerateError> {
    let label = dir.display().to_string();
    let io = |what: &str, e: std::io::Error| GenerateError::io(&label, format!("{what}: {e}"));
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io("cannot create the output's parent folder", e))?;
    let name = dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "out".into());
    let staging = parent.join(format!(".{name}.forge-staging-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let result = (|| {
        for f in files {
            let p = staging.join(&f.path);
            if let Some(pp) = p.parent() {
                std::fs::create_dir_all(pp).map_err(|e| io("cannot create a staging folder", e))?;
            }
            std::fs::write(&p, &f.contents).map_err(|e| io("cannot write a staged file", e))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| io("cannot create the output folder", e))?;
        // Swap `src/` by renaming the old one aside first, so a failure can be rolled back.
        let old_src = parent.join(format!(".{name}.forge-old-src-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&old_src);
        let had_src = dir.join("src").exists();
        if had_src {
            std::fs::rename(dir.join("src"), &old_src).map_err(|e| io("cannot move the old src aside", e))?;
        }
        if let Err(e) = std::fs::rename(staging.join("src"), dir.join("src")) {
            if had_src {
                let _ = std::fs::rename(&old_src, dir.join("src"));
            }
            return Err(io("cannot move the new src in place", e));
        }
        if let Err(e) = std::fs::rename(staging.join("Cargo.toml"), dir.join("Cargo.toml")) {
            let _ = std::fs::remove_dir_all(dir.join("src"));
            if had_src {
                let _ = std::fs::rename(&old_src, dir.join("src"));
            }
            return Err(io("cannot move the new Cargo.toml in place", e));
        }
        let _ = std::fs::remove_dir_all(&old_src);
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&staging);
    result
}
