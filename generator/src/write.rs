//! Writing a generated crate into an output folder, safely.
//!
//! The output folder (`DIR`, the CLI's `--out`) is named by a user and may be anything: a fresh
//! path, a crate generated earlier, a user's own project, `.`, `~`, the folder that holds the
//! spec. An earlier writer replaced `DIR/src` and `DIR/Cargo.toml` whole, so a typo in `--out`
//! destroyed a project, and `--check` walked `src/` following symlinks. This module writes with
//! these rules instead:
//!
//! - **Only the generator's own files are replaced or removed.** Every write records the paths
//!   it generated in `DIR/.openapi-forge/manifest` (a header line naming the format, then one
//!   relative path per line, sorted). On regeneration a file is deleted only when the old
//!   manifest lists it and the new generation does not produce it (and folders are removed only
//!   when that deletion empties them). Files neither listed nor generated are never touched.
//! - **A folder that is not generator output is refused**: a non-empty `DIR` without a manifest
//!   is somebody's files. [`WriteOptions::adopt`] (the CLI's `--adopt`) treats it as generator
//!   output anyway: generated files are written into it, replacing files of the same name, and
//!   nothing else is deleted. Likewise, in a folder with a manifest, a file at a newly generated
//!   path that the generator did not write (and whose contents differ) is only replaced with
//!   `adopt`.
//! - **Protected paths** (the spec being read) are never written or deleted: if one of them is
//!   a path the write would replace or delete, or lies inside `DIR/.openapi-forge`, the write is
//!   refused before anything is changed.
//! - **No symlinks are followed below `DIR`.** The writer and [`check_crate`] look only at the
//!   generated paths and the manifest's paths, component by component with `symlink_metadata`;
//!   no folder is ever walked. A symlink (or a file where a folder should be) on the way to a
//!   target makes the writer refuse and the check report the file as differing. `DIR` itself may
//!   be a symlink: it is resolved once, up front.
//! - **Atomic, even under `kill -9`.** New contents are staged in `DIR/.openapi-forge/staging/`
//!   (inside `DIR`, so on the same filesystem and every rename is atomic) and fsynced. Then a
//!   journal listing the files to move in, the files to delete and the new manifest is written
//!   to a temporary file and renamed to `DIR/.openapi-forge/journal`: that rename is the commit
//!   point. Before it, the output is the old one (a later run removes the stale staging folder);
//!   after it, a later run finds the journal and rolls the write forward (moves whose staged
//!   file is gone already happened, deletions of missing files are done), so applying is
//!   idempotent. Last the manifest is replaced (temporary file and rename), and the journal and
//!   staging folder are removed. [`WriteReport`] says when a run repaired an interrupted write
//!   or removed a stale staging folder. [`check_crate`] changes nothing and reports a journal.
//! - **One writer at a time**: an exclusive `File::try_lock` on `DIR/.openapi-forge/lock`. The
//!   operating system releases it when the process ends, however it ends, so a killed run
//!   leaves no stale lock; a second run is refused at once.
//!
//! `DIR/.openapi-forge/.gitignore` ignores the lock, staging folder, journal and temporary files;
//! the manifest is meant to be committed with the crate.

use crate::emit::GeneratedFile;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// The folder inside the output that holds the generator's records.
pub const META_DIR: &str = ".openapi-forge";
const MANIFEST: &str = "manifest";
const MANIFEST_HEADER: &str = "openapi-forge manifest v1";
const JOURNAL: &str = "journal";
const JOURNAL_HEADER: &str = "openapi-forge journal v1";
const STAGING: &str = "staging";
const LOCK: &str = "lock";
const GITIGNORE: &str = ".gitignore";
const GITIGNORE_TEXT: &str = "# openapi-forge's working files. Commit `manifest` with the crate: it lists the files the\n\
# generator wrote, the only ones it will ever replace or delete.\n\
/lock\n/staging/\n/journal\n/*.tmp\n";

/// How to write.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Treat the folder as generator output even though it has no manifest (or holds files of
    /// the same name the generator did not write): generated files replace files of the same
    /// name; nothing else is deleted.
    pub adopt: bool,
    /// Files that must never be written or deleted (the spec being read).
    pub protect: Vec<PathBuf>,
}

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// The output folder, resolved (symlinks followed once, absolute).
    pub dir: PathBuf,
    /// Generated files created or replaced, relative to `dir`.
    pub written: Vec<String>,
    /// Generated files that already had the right contents and were left as they were.
    pub unchanged: Vec<String>,
    /// Files of the old manifest that are no longer generated and were deleted.
    pub deleted: Vec<String>,
    /// The folder had files but no manifest and was adopted ([`WriteOptions::adopt`]).
    pub adopted: bool,
    /// A journal was found: an earlier write was interrupted after its commit point and this
    /// run completed it before writing.
    pub repaired_interrupted_write: bool,
    /// A staging folder without a journal was found (an earlier write was interrupted before
    /// its commit point, having changed nothing) and removed.
    pub removed_stale_staging: bool,
}

/// How an output folder compares with what would be generated. Nothing is changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Generated files that are missing, differ, or sit behind a symlink or a non-folder.
    pub differing: Vec<String>,
    /// Files the manifest lists that are no longer generated but are still there.
    pub stale: Vec<String>,
    /// A journal is present: a write was interrupted (or is running, see `busy`) and the next
    /// write will complete it.
    pub interrupted: bool,
    /// Another run holds the lock right now.
    pub busy: bool,
}

impl CheckReport {
    /// True when the folder holds exactly the generated files and nothing needs repair.
    pub fn is_up_to_date(&self) -> bool {
        self.differing.is_empty() && self.stale.is_empty() && !self.interrupted
    }
}

/// Why a write (or check) was refused or failed.
#[derive(Debug)]
pub enum WriteError {
    /// The folder is not empty and holds no manifest: it is not generator output.
    NotGeneratorOutput {
        /// The folder.
        dir: PathBuf,
    },
    /// Another run holds the lock on the folder.
    Locked {
        /// The folder.
        dir: PathBuf,
    },
    /// A protected file (the spec) would be written or deleted.
    Protected {
        /// The protected file.
        path: PathBuf,
    },
    /// A symlink sits on the way to a path the write would touch.
    Symlink {
        /// The symlink.
        path: PathBuf,
    },
    /// Something other than what is needed sits on the way (a file where a folder is needed,
    /// or a folder where a file is).
    Obstructed {
        /// What is in the way.
        path: PathBuf,
        /// What should be there.
        expected: &'static str,
    },
    /// A generated file would replace a file of the same name that the generator did not write.
    NotOurs {
        /// The file.
        path: PathBuf,
    },
    /// A generated or recorded path that is not a plain relative path.
    BadPath {
        /// The path as given.
        path: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// A manifest or journal that cannot be understood.
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// An I/O operation failed.
    Io {
        /// What was being done.
        what: &'static str,
        /// On which path.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// The write was stopped by the fault-injection hook (crash simulation in tests).
    #[doc(hidden)]
    Stopped {
        /// The step after which it stopped.
        step: usize,
    },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::NotGeneratorOutput { dir } => write!(
                f,
                "{}: the folder is not empty and has no {META_DIR}/{MANIFEST}, so it is not openapi-forge output; \
                 refusing to write into it. Choose an empty or new folder, or adopt it (`--adopt`): the generated \
                 files are then written into it, replacing files of the same name, and nothing else is deleted",
                dir.display()
            ),
            WriteError::Locked { dir } => write!(
                f,
                "{}: another openapi-forge run is writing this folder (it holds {META_DIR}/{LOCK}); try again when it has finished",
                dir.display()
            ),
            WriteError::Protected { path } => write!(
                f,
                "{}: the spec would be overwritten or deleted by this write; refusing. Put the spec outside the \
                 generated files, or choose another output folder",
                path.display()
            ),
            WriteError::Symlink { path } => write!(
                f,
                "{}: is a symbolic link inside the output folder on the way to a generated file; refusing to write \
                 through it (remove or replace it)",
                path.display()
            ),
            WriteError::Obstructed { path, expected } => {
                write!(f, "{}: should be {expected}; refusing to replace it", path.display())
            }
            WriteError::NotOurs { path } => write!(
                f,
                "{}: a generated file would replace this file, which openapi-forge did not write (it is not in \
                 {META_DIR}/{MANIFEST}); refusing. Move it away, or adopt it (`--adopt`)",
                path.display()
            ),
            WriteError::BadPath { path, why } => write!(f, "{path:?}: not a usable relative path: {why}"),
            WriteError::Corrupt { path, why } => write!(f, "{}: cannot be read: {why}", path.display()),
            WriteError::Io { what, path, source } => write!(f, "{}: {what}: {source}", path.display()),
            WriteError::Stopped { step } => write!(f, "stopped after step {step} (fault injection)"),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn io_err<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> WriteError + 'a {
    move |source| WriteError::Io { what, path: path.to_path_buf(), source }
}

/// Writes `files` into `dir` under the rules in the module documentation.
pub fn write_crate(dir: &Path, files: &[GeneratedFile], opts: &WriteOptions) -> Result<WriteReport, WriteError> {
    write_crate_hooked(dir, files, opts, &mut |_| true)
}

/// [`write_crate`] with a fault-injection hook: it is called after every change on disk with the
/// step's number (1, 2, ...) and stops the write when it returns false, returning at once with
/// no cleanup at all, as `kill -9` would (the lock is released, as the OS would).
pub(crate) fn write_crate_hooked(
    dir: &Path,
    files: &[GeneratedFile],
    opts: &WriteOptions,
    hook: &mut dyn FnMut(usize) -> bool,
) -> Result<WriteReport, WriteError> {
    let (root, existed) = resolve_dir(dir)?;
    let generated = generated_map(files)?;
    let protected = Protected::new(&opts.protect);

    // Everything that can be refused is refused before anything is created.
    let state = assess(&root)?;
    if state.foreign && !opts.adopt {
        return Err(WriteError::NotGeneratorOutput { dir: root });
    }
    protected.check_meta(&root)?;
    if !state.journal {
        plan(&root, &generated, &state, opts, &protected)?;
    }

    let mut run = Run { root: root.clone(), meta: root.join(META_DIR), steps: 0, hook };
    if !existed {
        fs::create_dir_all(&root).map_err(io_err("cannot create the output folder", &root))?;
        run.step()?;
    }
    if fs::symlink_metadata(&run.meta).is_err() {
        fs::create_dir(&run.meta).map_err(io_err("cannot create the generator's folder", &run.meta))?;
        run.step()?;
    }
    let _lock = take_lock(&run.meta, &root)?;
    run.step()?;

    let mut report = WriteReport { dir: root.clone(), ..WriteReport::default() };
    run.recover(&protected, &mut report)?;
    if fs::read(run.meta.join(GITIGNORE)).ok().as_deref() != Some(GITIGNORE_TEXT.as_bytes()) {
        run.replace_meta_file(GITIGNORE, GITIGNORE_TEXT)?;
    }

    // The authoritative plan, under the lock and after any repair.
    let state = assess(&root)?;
    if state.foreign && !opts.adopt {
        return Err(WriteError::NotGeneratorOutput { dir: root });
    }
    report.adopted = state.foreign;
    let plan = plan(&root, &generated, &state, opts, &protected)?;
    report.written = plan.write.clone();
    report.unchanged = plan.unchanged.clone();
    report.deleted = plan.delete.clone();
    if plan.write.is_empty() && plan.delete.is_empty() && !plan.manifest_changed {
        return Ok(report);
    }

    // Stage and fsync every new file.
    let staging = run.meta.join(STAGING);
    fs::create_dir(&staging).map_err(io_err("cannot create the staging folder", &staging))?;
    run.step()?;
    let mut staged_dirs = BTreeSet::new();
    staged_dirs.insert(staging.clone());
    for rel in &plan.write {
        let p = staging.join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).map_err(io_err("cannot create a staging folder", parent))?;
            staged_dirs.insert(parent.to_path_buf());
        }
        let contents = generated.get(rel.as_str()).map(|c| c.as_bytes()).unwrap_or_default();
        write_synced(&p, contents)?;
        run.step()?;
    }
    for d in &staged_dirs {
        sync_dir(d)?;
    }

    // The commit point: the journal's rename.
    let journal = Journal { moves: plan.write.clone(), deletes: plan.delete.clone(), manifest: plan.manifest.clone() };
    run.replace_meta_file(JOURNAL, &journal.render())?;
    run.apply(&journal, &protected)?;
    Ok(report)
}

/// Completes or discards an interrupted write in `dir`, under the lock (tests only; every
/// [`write_crate`] does this first).
#[cfg(test)]
pub(crate) fn recover(dir: &Path) -> Result<WriteReport, WriteError> {
    let (root, _) = resolve_dir(dir)?;
    let mut hook = |_| true;
    let mut run = Run { root: root.clone(), meta: root.join(META_DIR), steps: 0, hook: &mut hook };
    if !run.meta.is_dir() {
        return Ok(WriteReport { dir: root, ..WriteReport::default() });
    }
    let _lock = take_lock(&run.meta, &root)?;
    let mut report = WriteReport { dir: root, ..WriteReport::default() };
    run.recover(&Protected::new(&[]), &mut report)?;
    Ok(report)
}

/// Compares `dir` with `files` without changing anything, looking only at the generated paths
/// and the manifest's paths, never through a symlink.
pub fn check_crate(dir: &Path, files: &[GeneratedFile]) -> Result<CheckReport, WriteError> {
    let generated = generated_map(files)?;
    let mut report = CheckReport::default();
    let (root, existed) = resolve_dir(dir)?;
    if !existed {
        report.differing = generated.keys().map(|k| k.to_string()).collect();
        return Ok(report);
    }
    let meta = root.join(META_DIR);
    let meta_ok = match fs::symlink_metadata(&meta) {
        Ok(m) if m.is_dir() => true,
        Ok(_) => {
            report.differing.push(META_DIR.to_string());
            false
        }
        Err(_) => false,
    };
    for (rel, contents) in &generated {
        let same = match inspect(&root, rel) {
            Ok(Found::File) => fs::read(root.join(rel)).is_ok_and(|b| b == contents.as_bytes()),
            _ => false,
        };
        if !same {
            report.differing.push(rel.to_string());
        }
    }
    if meta_ok {
        report.interrupted = fs::symlink_metadata(meta.join(JOURNAL)).is_ok();
        if report.interrupted {
            report.busy = lock_is_held(&meta);
        }
        match read_manifest(&meta) {
            Ok(Some(listed)) => {
                for rel in listed.iter().filter(|r| !generated.contains_key(r.as_str())) {
                    if !matches!(inspect(&root, rel), Ok(Found::Missing)) {
                        report.stale.push(rel.clone());
                    }
                }
            }
            Ok(None) => {}
            Err(_) => report.differing.push(format!("{META_DIR}/{MANIFEST}")),
        }
    }
    report.differing.sort();
    Ok(report)
}

/// One run's access to the output folder, counting the steps for the fault-injection hook.
struct Run<'h> {
    root: PathBuf,
    meta: PathBuf,
    steps: usize,
    hook: &'h mut dyn FnMut(usize) -> bool,
}

impl Run<'_> {
    /// Called after every change on disk.
    fn step(&mut self) -> Result<(), WriteError> {
        self.steps += 1;
        if (self.hook)(self.steps) {
            Ok(())
        } else {
            Err(WriteError::Stopped { step: self.steps })
        }
    }

    /// Replaces `META_DIR/name` atomically (temporary file, fsync, rename, fsync of the folder).
    fn replace_meta_file(&mut self, name: &str, text: &str) -> Result<(), WriteError> {
        let target = self.meta.join(name);
        let tmp = self.meta.join(format!("{}.tmp", name.trim_start_matches('.')));
        if let Ok(m) = fs::symlink_metadata(&target) {
            if m.file_type().is_symlink() {
                return Err(WriteError::Symlink { path: target });
            }
        }
        remove_file_if_present(&tmp)?;
        write_synced(&tmp, text.as_bytes())?;
        self.step()?;
        fs::rename(&tmp, &target).map_err(io_err("cannot move a file into place", &target))?;
        self.step()?;
        sync_dir(&self.meta)
    }

    /// Rolls an interrupted write forward (a journal) or discards it (staging only).
    fn recover(&mut self, protected: &Protected, report: &mut WriteReport) -> Result<(), WriteError> {
        let journal_path = self.meta.join(JOURNAL);
        if let Ok(meta) = fs::symlink_metadata(&journal_path) {
            // Never read through a link or from a device or pipe (it could block forever).
            if !meta.is_file() {
                return Err(WriteError::Obstructed { path: journal_path, expected: "a regular file" });
            }
            let text = fs::read_to_string(&journal_path).map_err(io_err("cannot read the journal", &journal_path))?;
            let journal = Journal::parse(&text).map_err(|why| WriteError::Corrupt { path: journal_path.clone(), why })?;
            self.apply(&journal, protected)?;
            report.repaired_interrupted_write = true;
        } else if fs::symlink_metadata(self.meta.join(STAGING)).is_ok() {
            let staging = self.meta.join(STAGING);
            fs::remove_dir_all(&staging).map_err(io_err("cannot remove a stale staging folder", &staging))?;
            self.step()?;
            report.removed_stale_staging = true;
        }
        for tmp in ["journal.tmp", "manifest.tmp", "gitignore.tmp"] {
            remove_file_if_present(&self.meta.join(tmp))?;
        }
        Ok(())
    }

    /// Applies a committed journal. Idempotent: a staged file that is gone was moved already;
    /// a file to delete that is gone was deleted already.
    fn apply(&mut self, journal: &Journal, protected: &Protected) -> Result<(), WriteError> {
        let staging = self.meta.join(STAGING);
        for rel in journal.moves.iter().chain(&journal.deletes) {
            protected.check(&self.root, rel)?;
        }
        let mut touched_dirs = BTreeSet::new();
        for rel in &journal.moves {
            let from = staging.join(rel);
            if fs::symlink_metadata(&from).is_err() {
                continue;
            }
            inspect(&self.root, rel)?;
            self.ensure_parents(rel)?;
            let to = self.root.join(rel);
            fs::rename(&from, &to).map_err(io_err("cannot move a generated file into place", &to))?;
            self.step()?;
            if let Some(parent) = to.parent() {
                touched_dirs.insert(parent.to_path_buf());
            }
        }
        for rel in &journal.deletes {
            if inspect(&self.root, rel)? == Found::File {
                let p = self.root.join(rel);
                fs::remove_file(&p).map_err(io_err("cannot delete a file that is no longer generated", &p))?;
                self.step()?;
            }
            // Also when the file is gone already: an interrupted run may have stopped in between.
            self.prune_empty_parents(rel, &mut touched_dirs)?;
        }
        for d in touched_dirs.iter().filter(|d| d.exists()) {
            sync_dir(d)?;
        }
        self.replace_meta_file(MANIFEST, &render_manifest(&journal.manifest))?;
        fs::remove_file(self.meta.join(JOURNAL)).map_err(io_err("cannot remove the journal", &self.meta))?;
        self.step()?;
        if fs::symlink_metadata(&staging).is_ok() {
            fs::remove_dir_all(&staging).map_err(io_err("cannot remove the staging folder", &staging))?;
            self.step()?;
        }
        sync_dir(&self.meta)
    }

    /// Creates the missing folders on the way to `rel`, never through a symlink.
    fn ensure_parents(&mut self, rel: &str) -> Result<(), WriteError> {
        let segs: Vec<&str> = rel.split('/').collect();
        let mut p = self.root.clone();
        for seg in &segs[..segs.len().saturating_sub(1)] {
            p.push(seg);
            match fs::symlink_metadata(&p) {
                Ok(m) if m.file_type().is_symlink() => return Err(WriteError::Symlink { path: p }),
                Ok(m) if m.is_dir() => {}
                Ok(_) => return Err(WriteError::Obstructed { path: p, expected: "a folder" }),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    fs::create_dir(&p).map_err(io_err("cannot create a folder", &p))?;
                    self.step()?;
                    if let Some(parent) = p.parent() {
                        sync_dir(parent)?;
                    }
                }
                Err(e) => return Err(io_err("cannot inspect", &p)(e)),
            }
        }
        Ok(())
    }

    /// Removes the folders on the way to a deleted `rel` that the deletion left empty.
    fn prune_empty_parents(&mut self, rel: &str, touched: &mut BTreeSet<PathBuf>) -> Result<(), WriteError> {
        let mut p = self.root.join(rel);
        while p.pop() && p != self.root && p.starts_with(&self.root) {
            // `remove_dir` removes only empty folders, and not through symlinks.
            match fs::remove_dir(&p) {
                Ok(()) => self.step()?,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(_) => {
                    touched.insert(p);
                    break;
                }
            }
        }
        Ok(())
    }
}

/// The paths a write would touch, worked out without changing anything.
struct Plan {
    write: Vec<String>,
    unchanged: Vec<String>,
    delete: Vec<String>,
    manifest: Vec<String>,
    manifest_changed: bool,
}

fn plan(
    root: &Path,
    generated: &BTreeMap<&str, &str>,
    state: &State,
    opts: &WriteOptions,
    protected: &Protected,
) -> Result<Plan, WriteError> {
    let old = state.manifest.clone().unwrap_or_default();
    let mut p = Plan { write: Vec::new(), unchanged: Vec::new(), delete: Vec::new(), manifest: Vec::new(), manifest_changed: false };
    for (rel, contents) in generated {
        protected.check(root, rel)?;
        match inspect(root, rel)? {
            Found::Missing => p.write.push(rel.to_string()),
            Found::File => {
                let path = root.join(rel);
                let existing = fs::read(&path).map_err(io_err("cannot read", &path))?;
                if existing == contents.as_bytes() {
                    p.unchanged.push(rel.to_string());
                } else if old.contains(*rel) || opts.adopt {
                    p.write.push(rel.to_string());
                } else {
                    return Err(WriteError::NotOurs { path });
                }
            }
        }
        p.manifest.push(rel.to_string());
    }
    for rel in old.iter().filter(|r| !generated.contains_key(r.as_str())) {
        protected.check(root, rel)?;
        if inspect(root, rel)? == Found::File {
            p.delete.push(rel.clone());
        }
    }
    p.manifest_changed = state.manifest.as_ref().is_none_or(|m| !m.iter().eq(p.manifest.iter()));
    Ok(p)
}

/// What is in the output folder before a write.
#[derive(Debug, Default)]
struct State {
    manifest: Option<BTreeSet<String>>,
    journal: bool,
    /// Not empty (apart from the generator's folder), with no manifest and no journal.
    foreign: bool,
}

fn assess(root: &Path) -> Result<State, WriteError> {
    let mut state = State::default();
    if fs::symlink_metadata(root).is_err() {
        return Ok(state);
    }
    let meta = root.join(META_DIR);
    match fs::symlink_metadata(&meta) {
        Ok(m) if m.file_type().is_symlink() => return Err(WriteError::Symlink { path: meta }),
        Ok(m) if !m.is_dir() => return Err(WriteError::Obstructed { path: meta, expected: "the generator's folder" }),
        Ok(_) => {
            state.manifest = read_manifest(&meta)?;
            state.journal = fs::symlink_metadata(meta.join(JOURNAL)).is_ok();
        }
        Err(_) => {}
    }
    if state.manifest.is_none() && !state.journal {
        let entries = fs::read_dir(root).map_err(io_err("cannot list the output folder", root))?;
        for e in entries {
            let e = e.map_err(io_err("cannot list the output folder", root))?;
            if e.file_name() != META_DIR {
                state.foreign = true;
                break;
            }
        }
    }
    Ok(state)
}

/// Resolves the output folder once: an existing folder (or symlink to one) is canonicalized;
/// a missing one is its nearest existing ancestor, canonicalized, plus the missing names.
fn resolve_dir(dir: &Path) -> Result<(PathBuf, bool), WriteError> {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => {
            return Ok((fs::canonicalize(dir).map_err(io_err("cannot resolve the output folder", dir))?, true));
        }
        Ok(_) => return Err(WriteError::Obstructed { path: dir.to_path_buf(), expected: "a folder" }),
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io_err("cannot inspect the output folder", dir)(e)),
        Err(_) => {}
    }
    let mut missing = Vec::new();
    let mut cur = dir.to_path_buf();
    loop {
        if fs::symlink_metadata(&cur).is_ok() {
            if fs::metadata(&cur).is_err() {
                return Err(WriteError::Symlink { path: cur });
            }
            break;
        }
        match (cur.file_name(), cur.components().next_back()) {
            (Some(name), Some(Component::Normal(_))) => missing.push(name.to_os_string()),
            _ => return Err(WriteError::BadPath { path: dir.display().to_string(), why: "the output folder's path has `..` or `.` after its last existing folder" }),
        }
        if !cur.pop() || cur.as_os_str().is_empty() {
            cur = PathBuf::from(".");
        }
    }
    let mut root = fs::canonicalize(&cur).map_err(io_err("cannot resolve the output folder", &cur))?;
    if !root.is_dir() {
        return Err(WriteError::Obstructed { path: root, expected: "a folder" });
    }
    for name in missing.iter().rev() {
        root.push(name);
    }
    Ok((root, false))
}

/// The generated files by path, every path checked.
fn generated_map(files: &[GeneratedFile]) -> Result<BTreeMap<&str, &str>, WriteError> {
    let mut map = BTreeMap::new();
    for f in files {
        check_rel(&f.path)?;
        if map.insert(f.path.as_str(), f.contents.as_str()).is_some() {
            return Err(WriteError::BadPath { path: f.path.clone(), why: "generated twice" });
        }
    }
    Ok(map)
}

/// A plain relative path: `/`-separated names, none empty, `.` or `..`, no backslashes or
/// control characters (the manifest is one path per line), not inside the generator's folder.
fn check_rel(rel: &str) -> Result<(), WriteError> {
    let bad = |why| Err(WriteError::BadPath { path: rel.to_string(), why });
    if rel.is_empty() {
        return bad("empty");
    }
    if rel.chars().any(|c| c.is_control() || c == '\\' || c == ':') {
        return bad("control characters, `\\` and `:` are not allowed");
    }
    for (i, seg) in rel.split('/').enumerate() {
        if seg.is_empty() || seg == "." || seg == ".." {
            return bad("empty, `.` and `..` names are not allowed (nor a leading `/`)");
        }
        if i == 0 && seg == META_DIR {
            return bad("inside the generator's own folder");
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Missing,
    File,
}

/// What is at `root/rel`, looking at every component without following symlinks: a regular
/// file, nothing, or an error for a symlink or a wrong kind of entry on the way.
fn inspect(root: &Path, rel: &str) -> Result<Found, WriteError> {
    let segs: Vec<&str> = rel.split('/').collect();
    let mut p = root.to_path_buf();
    for (i, seg) in segs.iter().enumerate() {
        p.push(seg);
        let last = i + 1 == segs.len();
        match fs::symlink_metadata(&p) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Found::Missing),
            Err(e) => return Err(io_err("cannot inspect", &p)(e)),
            Ok(m) if m.file_type().is_symlink() => return Err(WriteError::Symlink { path: p }),
            Ok(m) if last && !m.is_file() => return Err(WriteError::Obstructed { path: p, expected: "a regular file" }),
            Ok(m) if !last && !m.is_dir() => return Err(WriteError::Obstructed { path: p, expected: "a folder" }),
            Ok(_) => {}
        }
    }
    Ok(Found::File)
}

/// Paths that must never be written or deleted.
struct Protected {
    paths: Vec<(PathBuf, Option<fs::Metadata>)>,
}

impl Protected {
    fn new(paths: &[PathBuf]) -> Self {
        let paths = paths
            .iter()
            .map(|p| {
                let canonical = fs::canonicalize(p).unwrap_or_else(|_| std::path::absolute(p).unwrap_or_else(|_| p.clone()));
                let meta = fs::metadata(&canonical).ok();
                (canonical, meta)
            })
            .collect();
        Protected { paths }
    }

    /// Refuses when `root/rel` is a protected file (by path, or on Unix, the same inode).
    fn check(&self, root: &Path, rel: &str) -> Result<(), WriteError> {
        let target = root.join(rel);
        let target_meta = fs::symlink_metadata(&target).ok();
        for (p, meta) in &self.paths {
            if *p == target || same_file(meta.as_ref(), target_meta.as_ref()) {
                return Err(WriteError::Protected { path: p.clone() });
            }
        }
        Ok(())
    }

    /// Refuses when a protected file lies inside the generator's folder (staging is removed whole).
    fn check_meta(&self, root: &Path) -> Result<(), WriteError> {
        let meta = root.join(META_DIR);
        match self.paths.iter().find(|(p, _)| p.starts_with(&meta)) {
            Some((p, _)) => Err(WriteError::Protected { path: p.clone() }),
            None => Ok(()),
        }
    }
}

#[cfg(unix)]
fn same_file(a: Option<&fs::Metadata>, b: Option<&fs::Metadata>) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (a, b) {
        (Some(a), Some(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: Option<&fs::Metadata>, _: Option<&fs::Metadata>) -> bool {
    false
}

/// Takes the exclusive lock, or refuses at once when another run holds it.
fn take_lock(meta: &Path, root: &Path) -> Result<File, WriteError> {
    let path = meta.join(LOCK);
    if let Ok(m) = fs::symlink_metadata(&path) {
        if m.file_type().is_symlink() {
            return Err(WriteError::Symlink { path });
        }
    }
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io_err("cannot open the lock file", &path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(WriteError::Locked { dir: root.to_path_buf() }),
        Err(fs::TryLockError::Error(e)) => Err(io_err("cannot lock", &path)(e)),
    }
}

/// Whether another process holds the lock (without creating the lock file).
fn lock_is_held(meta: &Path) -> bool {
    let path = meta.join(LOCK);
    match fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => {}
        _ => return false,
    }
    match File::open(&path) {
        Ok(f) => matches!(f.try_lock_shared(), Err(fs::TryLockError::WouldBlock)),
        Err(_) => false,
    }
}

fn render_manifest(paths: &[String]) -> String {
    let mut s = format!("{MANIFEST_HEADER}\n");
    for p in paths {
        s.push_str(p);
        s.push('\n');
    }
    s
}

/// The manifest's paths, `None` when there is none.
fn read_manifest(meta: &Path) -> Result<Option<BTreeSet<String>>, WriteError> {
    let path = meta.join(MANIFEST);
    match fs::symlink_metadata(&path) {
        Err(_) => return Ok(None),
        Ok(m) if !m.is_file() => return Err(WriteError::Obstructed { path, expected: "a regular file" }),
        Ok(_) => {}
    }
    let text = fs::read_to_string(&path).map_err(io_err("cannot read the manifest", &path))?;
    let mut lines = text.lines();
    if lines.next() != Some(MANIFEST_HEADER) {
        return Err(WriteError::Corrupt { path, why: format!("the first line is not `{MANIFEST_HEADER}`") });
    }
    let mut set = BTreeSet::new();
    for line in lines.filter(|l| !l.is_empty()) {
        check_rel(line).map_err(|e| WriteError::Corrupt { path: path.clone(), why: e.to_string() })?;
        set.insert(line.to_string());
    }
    Ok(Some(set))
}

/// A committed write: what to move in from staging, what to delete, the new manifest.
#[derive(Debug, PartialEq, Eq)]
struct Journal {
    moves: Vec<String>,
    deletes: Vec<String>,
    manifest: Vec<String>,
}

impl Journal {
    fn render(&self) -> String {
        let mut s = format!("{JOURNAL_HEADER}\n");
        for (key, list) in [("move", &self.moves), ("delete", &self.deletes), ("manifest", &self.manifest)] {
            for p in list {
                s.push_str(&format!("{key} {p}\n"));
            }
        }
        s.push_str("end\n");
        s
    }

    fn parse(text: &str) -> Result<Journal, String> {
        let mut lines = text.lines();
        if lines.next() != Some(JOURNAL_HEADER) {
            return Err(format!("the first line is not `{JOURNAL_HEADER}`"));
        }
        let mut j = Journal { moves: Vec::new(), deletes: Vec::new(), manifest: Vec::new() };
        let mut ended = false;
        for line in lines {
            if line == "end" {
                ended = true;
                continue;
            }
            let (key, path) = line.split_once(' ').ok_or_else(|| format!("unexpected line {line:?}"))?;
            check_rel(path).map_err(|e| e.to_string())?;
            match key {
                "move" => j.moves.push(path.to_string()),
                "delete" => j.deletes.push(path.to_string()),
                "manifest" => j.manifest.push(path.to_string()),
                _ => return Err(format!("unexpected line {line:?}")),
            }
        }
        if !ended {
            return Err("it is truncated (no `end` line)".into());
        }
        Ok(j)
    }
}

fn write_synced(path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    let mut f = OpenOptions::new().write(true).create_new(true).open(path).map_err(io_err("cannot create", path))?;
    f.write_all(contents).map_err(io_err("cannot write", path))?;
    f.sync_all().map_err(io_err("cannot flush to disk", path))
}

fn remove_file_if_present(path: &Path) -> Result<(), WriteError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_err("cannot remove", path)(e)),
        _ => Ok(()),
    }
}

/// Makes a folder's entries (renames, new files) durable. Only Unix can open a folder for this.
fn sync_dir(path: &Path) -> Result<(), WriteError> {
    #[cfg(unix)]
    File::open(path).and_then(|f| f.sync_all()).map_err(io_err("cannot flush a folder to disk", path))?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("openapi-forge-write-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn files(list: &[(&str, &str)]) -> Vec<GeneratedFile> {
        list.iter().map(|(p, c)| GeneratedFile { path: p.to_string(), contents: c.to_string() }).collect()
    }

    fn old_files() -> Vec<GeneratedFile> {
        files(&[
            ("Cargo.toml", "[package]\nname = \"old\"\n"),
            ("src/lib.rs", "// old lib\n"),
            ("src/old.rs", "// only in the old output\n"),
            ("src/gone/deep.rs", "// its folder goes too\n"),
            ("src/runtime/client.rs", "// runtime, unchanged\n"),
        ])
    }

    fn new_files() -> Vec<GeneratedFile> {
        files(&[
            ("Cargo.toml", "[package]\nname = \"new\"\n"),
            ("src/lib.rs", "// new lib\n"),
            ("src/new/mod.rs", "// only in the new output\n"),
            ("src/runtime/client.rs", "// runtime, unchanged\n"),
        ])
    }

    const USER: &[(&str, &str)] = &[("src/extra.rs", "// mine\n"), ("examples/mine.rs", "fn main() {}\n"), ("README.md", "# mine\n")];

    /// Every file and folder under `dir` except the generator's folder: `path` -> contents, and
    /// `folder/` -> empty.
    fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
            let Ok(entries) = fs::read_dir(dir) else { return };
            for e in entries.flatten() {
                let p = e.path();
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                if rel == META_DIR {
                    continue;
                }
                if e.file_type().unwrap().is_dir() {
                    out.insert(format!("{rel}/"), Vec::new());
                    walk(root, &p, out);
                } else {
                    out.insert(rel, fs::read(&p).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(dir, dir, &mut out);
        out
    }

    /// The snapshot of `user` files plus `generated` ones.
    fn expected(user: &[(&str, &str)], generated: &[GeneratedFile]) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut add = |p: &str, c: &str| {
            let mut dir = String::new();
            for seg in p.split('/').collect::<Vec<_>>().split_last().unwrap().1 {
                dir.push_str(seg);
                dir.push('/');
                out.insert(dir.clone(), Vec::new());
            }
            out.insert(p.to_string(), c.as_bytes().to_vec());
        };
        for (p, c) in user {
            add(p, c);
        }
        for f in generated {
            add(&f.path, &f.contents);
        }
        out
    }

    fn manifest_of(dir: &Path) -> Option<Vec<String>> {
        read_manifest(&dir.join(META_DIR)).unwrap().map(|s| s.into_iter().collect())
    }

    fn paths(files: &[GeneratedFile]) -> Vec<String> {
        let mut v: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
        v.sort();
        v
    }

    fn put_user_files(dir: &Path) {
        for (p, c) in USER {
            let p = dir.join(p);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, c).unwrap();
        }
    }

    fn opts(adopt: bool) -> WriteOptions {
        WriteOptions { adopt, protect: Vec::new() }
    }

    #[test]
    fn write_regenerate_deletes_only_stale_generated_files() {
        let dir = scratch("regen");
        let out = dir.join("out");
        let r = write_crate(&out, &old_files(), &opts(false)).unwrap();
        assert_eq!(r.written.len(), 5);
        put_user_files(&out);
        let r = write_crate(&out, &new_files(), &opts(false)).unwrap();
        assert_eq!(r.deleted, ["src/gone/deep.rs", "src/old.rs"]);
        assert_eq!(r.unchanged, ["src/runtime/client.rs"]);
        assert_eq!(snapshot(&out), expected(USER, &new_files()));
        assert_eq!(manifest_of(&out), Some(paths(&new_files())));
        assert!(!out.join(META_DIR).join(JOURNAL).exists() && !out.join(META_DIR).join(STAGING).exists());
        let gi = fs::read_to_string(out.join(META_DIR).join(GITIGNORE)).unwrap();
        assert!(gi.contains("/lock") && gi.contains("/staging/") && gi.contains("/journal") && !gi.contains("manifest\n"));
        let check = check_crate(&out, &new_files()).unwrap();
        assert!(check.is_up_to_date(), "{check:?}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn write_refuses_foreign_folders_unless_adopted() {
        let dir = scratch("foreign");
        put_user_files(&dir);
        fs::write(dir.join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
        let before = snapshot(&dir);
        let e = write_crate(&dir, &new_files(), &opts(false)).unwrap_err();
        assert!(matches!(e, WriteError::NotGeneratorOutput { .. }), "{e}");
        assert_eq!(snapshot(&dir), before);
        assert!(!dir.join(META_DIR).exists());
        let r = write_crate(&dir, &new_files(), &opts(true)).unwrap();
        assert!(r.adopted);
        assert_eq!(snapshot(&dir), expected(USER, &new_files()));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn write_refuses_symlinks_and_protected_paths() {
        let dir = scratch("symlink");
        let out = dir.join("out");
        write_crate(&out, &old_files(), &opts(false)).unwrap();
        #[cfg(unix)]
        {
            fs::remove_dir_all(out.join("src/runtime")).unwrap();
            std::os::unix::fs::symlink(&dir, out.join("src/runtime")).unwrap();
            let e = write_crate(&out, &new_files(), &opts(false)).unwrap_err();
            assert!(matches!(e, WriteError::Symlink { .. }), "{e}");
            let c = check_crate(&out, &new_files()).unwrap();
            assert!(c.differing.contains(&"src/runtime/client.rs".to_string()), "{c:?}");
            fs::remove_file(out.join("src/runtime")).unwrap();
        }
        let spec = out.join("src/lib.rs");
        let e = write_crate(&out, &new_files(), &WriteOptions { adopt: true, protect: vec![spec] }).unwrap_err();
        assert!(matches!(e, WriteError::Protected { .. }), "{e}");
        assert_eq!(fs::read_to_string(out.join("src/lib.rs")).unwrap(), "// old lib\n");
        let bad = files(&[("../escape.rs", "")]);
        assert!(matches!(write_crate(&out, &bad, &opts(true)), Err(WriteError::BadPath { .. })));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn write_refuses_while_locked() {
        let dir = scratch("locked");
        let out = dir.join("out");
        write_crate(&out, &old_files(), &opts(false)).unwrap();
        let held = File::options().read(true).write(true).open(out.join(META_DIR).join(LOCK)).unwrap();
        held.try_lock().unwrap();
        let e = write_crate(&out, &new_files(), &opts(false)).unwrap_err();
        assert!(matches!(e, WriteError::Locked { .. }), "{e}");
        drop(held);
        write_crate(&out, &new_files(), &opts(false)).unwrap();
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn write_journal_round_trips() {
        let j = Journal { moves: vec!["a".into()], deletes: vec!["b/c".into()], manifest: vec!["a".into(), "d".into()] };
        assert_eq!(Journal::parse(&j.render()), Ok(j));
        assert!(Journal::parse("openapi-forge journal v1\nmove a\n").is_err(), "truncated");
        assert!(Journal::parse("openapi-forge journal v1\nmove ../x\nend\n").is_err());
    }

    /// One crash scenario: the state before the write, the user's files, and whether to adopt.
    struct Scenario {
        name: &'static str,
        before: fn(&Path),
        old: Vec<GeneratedFile>,
        user: &'static [(&'static str, &'static str)],
        adopt: bool,
    }

    fn scenarios() -> Vec<Scenario> {
        vec![
            Scenario {
                name: "regenerate",
                before: |out| {
                    write_crate(out, &old_files(), &opts(false)).unwrap();
                    put_user_files(out);
                },
                old: old_files(),
                user: USER,
                adopt: false,
            },
            Scenario { name: "first", before: |_| {}, old: Vec::new(), user: &[], adopt: false },
            Scenario {
                name: "adopt",
                before: |out| {
                    fs::create_dir_all(out).unwrap();
                    put_user_files(out);
                },
                old: Vec::new(),
                user: USER,
                adopt: true,
            },
        ]
    }

    /// For every step N of a write: stop after step N (as `kill -9` would), then check that the
    /// output is the complete old or complete new one, or that a journal is there to repair it;
    /// that a fresh run repairs (and says so) or discards the staging (and says so); and that the
    /// final state is exactly the new output plus the untouched user files.
    #[test]
    fn write_survives_a_crash_after_every_step() {
        let new = new_files();
        for sc in scenarios() {
            let dir = scratch(&format!("crash-{}", sc.name));
            let old_snapshot = expected(sc.user, &sc.old);
            let new_snapshot = expected(sc.user, &new);
            // Count the steps of an uninterrupted write.
            let out = dir.join("count");
            (sc.before)(&out);
            let mut total = 0;
            write_crate_hooked(&out, &new, &opts(sc.adopt), &mut |n| {
                total = n;
                true
            })
            .unwrap();
            assert!(total >= 10, "{}: only {total} steps", sc.name);
            for n in 1..=total {
                for recover_first in [false, true] {
                    let out = dir.join(format!("step-{n}-{recover_first}"));
                    (sc.before)(&out);
                    let e = write_crate_hooked(&out, &new, &opts(sc.adopt), &mut |k| k < n).unwrap_err();
                    assert!(matches!(e, WriteError::Stopped { step } if step == n), "{}: step {n}: {e}", sc.name);
                    let now = snapshot(&out);
                    let journal = out.join(META_DIR).join(JOURNAL).exists();
                    let staging = out.join(META_DIR).join(STAGING).exists();
                    let is_old = now == old_snapshot && (sc.old.is_empty() || manifest_of(&out) == Some(paths(&sc.old)));
                    let is_new = now == new_snapshot && manifest_of(&out) == Some(paths(&new));
                    assert!(is_old || is_new || journal, "{}: after step {n} the output is neither old nor new, and there is no journal", sc.name);
                    if recover_first {
                        let before_recovery = now.clone();
                        let r = recover(&out).unwrap();
                        assert_eq!(r.repaired_interrupted_write, journal, "{}: step {n}", sc.name);
                        assert_eq!(r.removed_stale_staging, staging && !journal, "{}: step {n}", sc.name);
                        let now = snapshot(&out);
                        if journal {
                            assert_eq!(now, new_snapshot, "{}: step {n}: rolled forward", sc.name);
                            assert_eq!(manifest_of(&out), Some(paths(&new)));
                        } else {
                            // Before the commit point nothing had changed; after the journal's
                            // removal everything had: either way the recovery changes nothing.
                            assert!(now == old_snapshot || now == new_snapshot, "{}: step {n}", sc.name);
                            assert_eq!(now, before_recovery, "{}: step {n}: discarding the staging changed the output", sc.name);
                        }
                        assert!(!out.join(META_DIR).join(JOURNAL).exists() && !out.join(META_DIR).join(STAGING).exists());
                    }
                    let r = write_crate(&out, &new, &opts(sc.adopt)).unwrap();
                    if !recover_first {
                        assert_eq!(r.repaired_interrupted_write, journal, "{}: step {n}", sc.name);
                        assert_eq!(r.removed_stale_staging, staging && !journal, "{}: step {n}", sc.name);
                    }
                    assert_eq!(snapshot(&out), new_snapshot, "{}: step {n}: final state", sc.name);
                    assert_eq!(manifest_of(&out), Some(paths(&new)), "{}: step {n}", sc.name);
                    let meta = out.join(META_DIR);
                    assert!(!meta.join(JOURNAL).exists() && !meta.join(STAGING).exists() && !meta.join("journal.tmp").exists());
                    assert!(check_crate(&out, &new).unwrap().is_up_to_date(), "{}: step {n}", sc.name);
                }
            }
            let _ = fs::remove_dir_all(&dir);
        }
    }

    #[test]
    fn write_check_reports_a_journal_without_changing_anything() {
        let dir = scratch("check-journal");
        let out = dir.join("out");
        write_crate(&out, &old_files(), &opts(false)).unwrap();
        let mut seen = 0;
        let _ = write_crate_hooked(&out, &new_files(), &opts(false), &mut |_| {
            seen += 1;
            !out.join(META_DIR).join(JOURNAL).exists()
        });
        assert!(seen > 0 && out.join(META_DIR).join(JOURNAL).exists());
        let before = snapshot(&out);
        let c = check_crate(&out, &new_files()).unwrap();
        assert!(c.interrupted && !c.busy && !c.is_up_to_date(), "{c:?}");
        assert_eq!(snapshot(&out), before);
        assert!(out.join(META_DIR).join(JOURNAL).exists());
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn write_never_reads_a_journal_that_is_not_a_file() {
        // A journal that is a link to a device would block the run forever if it were read.
        let dir = scratch("journal-device");
        let out = dir.join("out");
        write_crate(&out, &old_files(), &opts(false)).unwrap();
        std::os::unix::fs::symlink("/dev/zero", out.join(META_DIR).join(JOURNAL)).unwrap();
        let before = snapshot(&out);
        let e = write_crate(&out, &new_files(), &opts(false)).unwrap_err();
        assert!(matches!(e, WriteError::Obstructed { .. }), "{e}");
        assert_eq!(snapshot(&out), before);
        let _ = fs::remove_dir_all(&dir);
    }
}
