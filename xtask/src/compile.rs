//! Compile cost of generated crates, for `cargo xtask bench`: sizes and `cargo check` /
//! `cargo build` / `cargo build --release` times of crates laid out in a scratch workspace.
//!
//! Why a scratch workspace with one shared target folder: every crate compared (ours,
//! openapi-generator's, progenitor's, the many-spec crate) then uses the same compiled
//! dependencies, so after one warm-up build per profile a timed run compiles only the crate
//! itself (its `src/lib.rs` is touched first). Cargo's own start-up is in every number, equal for
//! all sides. Nothing here asserts on time; callers turn the numbers into a report.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one timed cargo run does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Profile {
    /// `cargo check`
    Check,
    /// `cargo build` (the dev profile: debug)
    Build,
    /// `cargo build --release`
    Release,
}

impl Profile {
    fn args(self) -> &'static [&'static str] {
        match self {
            Profile::Check => &["check"],
            Profile::Build => &["build"],
            Profile::Release => &["build", "--release"],
        }
    }

    fn label(self) -> &'static str {
        match self {
            Profile::Check => "check",
            Profile::Build => "build",
            Profile::Release => "release",
        }
    }
}

/// A scratch cargo workspace (`dir`, with its own `Cargo.toml`) whose builds go to `target`.
pub(crate) struct Scratch {
    pub dir: PathBuf,
    pub target: PathBuf,
}

impl Scratch {
    /// Writes the workspace manifest listing `members` (folders under `dir`).
    pub fn write_manifest(&self, members: &[String]) -> std::io::Result<()> {
        let mut manifest = String::from("# Scratch workspace of `cargo xtask bench` (compile cost). Rewritten by every run.\n[workspace]\nresolver = \"2\"\nmembers = [\n");
        for m in members {
            manifest.push_str(&format!("    \"{m}\",\n"));
        }
        manifest.push_str("]\n");
        std::fs::create_dir_all(&self.dir)?;
        std::fs::write(self.dir.join("Cargo.toml"), manifest)
    }

    fn cargo(&self, krate: &str, profile: Profile, extra: &[&str]) -> Command {
        let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        c.current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_INCREMENTAL", "0")
            .args(profile.args())
            .args(["-p", krate])
            .args(extra);
        c
    }

    /// Median of `runs` timed runs of `cargo <profile> -p krate <extra>`, each after touching the
    /// crate's `src/lib.rs`. With `warm`, one untimed run first (it builds the dependencies the
    /// first time, and the crate; its output is kept in `<krate>.<profile>.log`).
    pub fn time(&self, krate: &str, profile: Profile, extra: &[&str], runs: usize, warm: bool) -> Result<Duration, String> {
        let lib = self.dir.join(krate).join("src/lib.rs");
        let what = format!("`cargo {} -p {krate}{}{}`", profile.args().join(" "), if extra.is_empty() { "" } else { " " }, extra.join(" "));
        if warm {
            let log_path = self.dir.join(format!("{krate}.{}{}.log", profile.label(), if extra.is_empty() { String::new() } else { format!(".{}", extra.join("_").replace(['-', ','], "")) }));
            let out = self.cargo(krate, profile, extra).output().map_err(|e| e.to_string())?;
            let _ = std::fs::write(&log_path, [out.stdout.as_slice(), out.stderr.as_slice()].concat());
            if !out.status.success() {
                let err = String::from_utf8_lossy(&out.stderr);
                return Err(format!("{what} failed ({}): {}", log_path.display(), first_error(&err)));
            }
        }
        let mut times = Vec::new();
        for _ in 0..runs.max(1) {
            touch(&lib).map_err(|e| format!("cannot touch {}: {e}", lib.display()))?;
            let t = Instant::now();
            let status = self.cargo(krate, profile, extra).stdout(Stdio::null()).stderr(Stdio::null()).status().map_err(|e| e.to_string())?;
            let elapsed = t.elapsed();
            if !status.success() {
                return Err(format!("{what} failed on a timed run"));
            }
            times.push(elapsed);
        }
        Ok(super::bench::median(times))
    }
}

/// The first `error` line of cargo's output and the two lines after it, else its last lines.
fn first_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    match lines.iter().position(|l| l.starts_with("error")) {
        Some(i) => lines[i..(i + 3).min(lines.len())].join(" / "),
        None => lines[lines.len().saturating_sub(4)..].join(" / "),
    }
}

fn touch(path: &Path) -> std::io::Result<()> {
    let f = std::fs::OpenOptions::new().append(true).open(path)?;
    f.set_modified(std::time::SystemTime::now())
}

/// Lines and `pub struct`/`pub enum` items of some `.rs` files.
#[derive(Default, Clone, Copy, Debug)]
pub(crate) struct RustStats {
    pub lines: usize,
    pub types: usize,
}

impl RustStats {
    pub(crate) fn add(&mut self, other: RustStats) {
        self.lines += other.lines;
        self.types += other.types;
    }
}

/// The size of a generated crate, in three parts.
#[derive(Default, Clone, Copy, Debug)]
pub(crate) struct CrateSize {
    /// What users compile and that was generated for the spec: `.rs` under `src/`, without the
    /// runtime and without the test modules.
    pub code: RustStats,
    /// The support code copied into every crate (ours: `src/runtime/`; progenitor with
    /// `--include-client`: `src/progenitor_client.rs`).
    pub runtime: RustStats,
    /// Modules `lib.rs` declares under `#[cfg(test)]` (ours: the spec's example tests).
    pub tests: RustStats,
}

fn stats_of_file(path: &Path) -> RustStats {
    let Ok(text) = std::fs::read_to_string(path) else { return RustStats::default() };
    RustStats {
        lines: text.lines().count(),
        types: text
            .lines()
            .filter(|l| {
                let t = l.trim_start();
                t.starts_with("pub struct ") || t.starts_with("pub enum ")
            })
            .count(),
    }
}

/// Lines and types of the `.rs` files at `path` (a file, or a folder walked whole).
pub(crate) fn stats_of(path: &Path) -> RustStats {
    let mut stats = RustStats::default();
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path).map(|rd| rd.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        entries.sort();
        for p in entries {
            stats.add(stats_of(&p));
        }
    } else if path.extension().is_some_and(|x| x == "rs") {
        stats.add(stats_of_file(path));
    }
    stats
}

/// Names of the modules `lib.rs` declares right after a `#[cfg(test)]` line (`mod x;`).
fn test_modules(lib_rs: &str) -> Vec<String> {
    let lines: Vec<&str> = lib_rs.lines().map(str::trim).collect();
    lines
        .windows(2)
        .filter(|w| w[0] == "#[cfg(test)]")
        .filter_map(|w| w[1].strip_prefix("mod ").or_else(|| w[1].strip_prefix("pub mod ")).and_then(|m| m.strip_suffix(';')).map(str::to_string))
        .collect()
}

/// The size of the crate in `dir`; `runtime` lists paths under `src/` that are support code.
pub(crate) fn crate_size(dir: &Path, runtime: &[&str]) -> CrateSize {
    let src = dir.join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap_or_default();
    let tests = test_modules(&lib);
    let mut size = CrateSize::default();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&src).map(|rd| rd.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    entries.sort();
    for p in entries {
        let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let stem = name.strip_suffix(".rs").unwrap_or(&name);
        let s = stats_of(&p);
        if runtime.contains(&name.as_str()) {
            size.runtime.add(s);
        } else if tests.iter().any(|t| t == stem) {
            size.tests.add(s);
        } else {
            size.code.add(s);
        }
    }
    size
}

/// Compile times of one crate: `cargo check` always, the builds when asked for.
#[derive(Debug)]
pub(crate) struct CrateTimes {
    pub check: Result<Duration, String>,
    pub build: Option<Result<Duration, String>>,
    pub release: Option<Result<Duration, String>>,
}

impl CrateTimes {
    pub fn get(&self, profile: Profile) -> Option<&Result<Duration, String>> {
        match profile {
            Profile::Check => Some(&self.check),
            Profile::Build => self.build.as_ref(),
            Profile::Release => self.release.as_ref(),
        }
    }
}

/// A compiled crate of the comparison: its name in the scratch workspace, size and times.
#[derive(Debug)]
pub(crate) struct Measured {
    pub name: String,
    pub size: CrateSize,
    pub times: CrateTimes,
}

/// Measures `crates` (names in `scratch`), interleaving the sides per profile (all checks, then
/// all debug builds, then all release builds) so that a change in machine load falls on both.
pub(crate) fn measure_crates(scratch: &Scratch, crates: &[(String, CrateSize)], check_runs: usize, build_runs: Option<usize>) -> Vec<Measured> {
    let all: Vec<(String, CrateSize, bool)> = crates.iter().map(|(n, s)| (n.clone(), *s, true)).collect();
    measure_crates_some_built(scratch, &all, check_runs, build_runs)
}

/// [`measure_crates`] where only the crates marked `true` are built (the others are checked,
/// in the same turns).
pub(crate) fn measure_crates_some_built(scratch: &Scratch, crates: &[(String, CrateSize, bool)], check_runs: usize, build_runs: Option<usize>) -> Vec<Measured> {
    let mut out: Vec<Measured> = crates
        .iter()
        .map(|(name, size, _)| Measured { name: name.clone(), size: *size, times: CrateTimes { check: Err("not measured".into()), build: None, release: None } })
        .collect();
    let built: Vec<bool> = crates.iter().map(|(_, _, b)| *b).collect();
    let mut profiles = vec![(Profile::Check, check_runs)];
    if let Some(runs) = build_runs {
        profiles.push((Profile::Build, runs));
        profiles.push((Profile::Release, runs));
    }
    for (profile, runs) in profiles {
        for (m, built) in out.iter_mut().zip(&built) {
            // A crate that does not check is not built.
            if profile != Profile::Check && (m.times.check.is_err() || !built) {
                continue;
            }
            let t = scratch.time(&m.name, profile, &[], runs, true);
            match &t {
                Ok(d) => println!("  {:<34} cargo {:<16} {:>7.2} s", m.name, profile.args().join(" "), d.as_secs_f64()),
                Err(e) => println!("  {:<34} cargo {:<16} failed: {e}", m.name, profile.args().join(" ")),
            }
            match profile {
                Profile::Check => m.times.check = t,
                Profile::Build => m.times.build = Some(t),
                Profile::Release => m.times.release = Some(t),
            }
        }
    }
    out
}

/// A crate name for `stem` (a file stem such as `api.github.com`): lower case, `-` for the rest.
pub(crate) fn crate_name(prefix: &str, stem: &str) -> String {
    let mut s = String::from(prefix);
    for c in stem.chars() {
        s.push(if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_modules_are_the_cfg_test_mods_of_lib_rs() {
        let lib = "pub mod operations;\npub mod runtime;\n#[cfg(test)]\nmod spec_examples;\npub mod types;\n";
        assert_eq!(test_modules(lib), vec!["spec_examples".to_string()]);
        assert!(test_modules("pub mod types;\n").is_empty());
    }

    #[test]
    fn crate_names_keep_only_ascii_alphanumerics() {
        assert_eq!(crate_name("prog-", "api.github.com"), "prog-api-github-com");
        assert_eq!(crate_name("ours-", "Propolis_Server"), "ours-propolis-server");
    }
}
