//! The whole pipeline, and thin wrappers of [`crate::write`] for writing a crate to disk.
//!
//! The stages run one after another (each needs all of the one before); the document tree is
//! dropped as soon as the model is made, before emit, which is the stage that allocates most
//! (tokens, syntax trees, text) and reuses that memory. Emit itself formats on two threads (see
//! [`crate::emit::emit_crate`]).

use crate::diag::{Diagnostic, GenerateError};
use crate::emit::{emit_crate, EmitOptions, GeneratedFile};
use crate::model::NormalizedModel;
use std::path::Path;
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

/// Runs load, normalize and emit on spec bytes (with no folder: `$ref`s to other files are
/// refused).
pub fn generate_files(file: &str, bytes: &[u8], opts: &Options) -> Result<Generated, GenerateError> {
    generate_source(file, bytes, None, opts)
}

/// Runs load, normalize and emit on a spec file and the files its `$ref`s name.
pub fn generate_file(path: &Path, opts: &Options) -> Result<Generated, GenerateError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| GenerateError::io(&file, format!("cannot read the spec: {e}")))?;
    generate_source(&file, &bytes, Some(path), opts)
}

fn generate_source(file: &str, bytes: &[u8], path: Option<&Path>, opts: &Options) -> Result<Generated, GenerateError> {
    let t0 = Instant::now();
    let raw = crate::load::load_source(file, bytes, path)?;
    let t1 = Instant::now();
    let model = crate::normalize::normalize(&raw)?;
    // The document tree is done with: freed before emit, whose allocations then reuse its
    // memory (a smaller peak, fewer fresh pages) instead of growing the heap past it.
    drop(raw);
    let t2 = Instant::now();
    let files = emit_crate(&model, &EmitOptions { crate_name: opts.crate_name.clone(), spec_label: opts.spec_label.clone(), runtime: Default::default() })
        .map_err(|m| GenerateError::io(file, m))?;
    let t3 = Instant::now();
    let warnings = model.warnings.clone();
    Ok(Generated { model, files, warnings, timings: [("load", t1 - t0), ("normalize", t2 - t1), ("emit", t3 - t2)] })
}

/// Files under `dir` that differ from `files` (missing, changed, behind a symlink), files the
/// manifest lists that are no longer generated, and `.openapi-forge/journal` when an interrupted
/// write awaits repair; as paths relative to `dir`. A thin wrapper of [`crate::write::check_crate`].
pub fn diff_crate(dir: &Path, files: &[GeneratedFile]) -> Vec<String> {
    match crate::write::check_crate(dir, files) {
        Ok(r) => {
            let mut out = r.differing;
            out.extend(r.stale);
            if r.interrupted {
                out.push(format!("{}/journal", crate::write::META_DIR));
            }
            out.sort();
            out
        }
        Err(e) => vec![e.to_string()],
    }
}

/// Writes the crate to `dir` with [`crate::write::write_crate`] and default options: atomically,
/// replacing or deleting only files the generator wrote (a non-empty folder that is not
/// generator output is refused). On failure nothing in `dir` has changed.
pub fn write_crate(dir: &Path, files: &[GeneratedFile]) -> Result<(), GenerateError> {
    crate::write::write_crate(dir, files, &crate::write::WriteOptions::default())
        .map(|_| ())
        .map_err(|e| GenerateError::io(&dir.display().to_string(), e.to_string()))
}
