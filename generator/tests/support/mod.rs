//! Helpers shared by the generator's integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The generator crate's folder.
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compares `actual` with the snapshot file, or rewrites it when `UPDATE_SNAPSHOTS=1`.
pub fn assert_snapshot(name: &str, actual: &str) {
    let path = crate_dir().join("tests/snapshots").join(name);
    if std::env::var("UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing snapshot {}: run with UPDATE_SNAPSHOTS=1 to create it", path.display()));
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(10)
            .map(|(i, (a, b))| format!("line {}:\n  expected: {a}\n  actual:   {b}", i + 1))
            .collect();
        panic!(
            "snapshot {} differs ({} vs {} lines); rerun with UPDATE_SNAPSHOTS=1 if intended\n{}",
            path.display(),
            expected.lines().count(),
            actual.lines().count(),
            diff.join("\n")
        );
    }
}

/// Loads and normalizes a spec file.
pub fn model_of(path: &Path) -> openapi_forge::NormalizedModel {
    let raw = openapi_forge::load::load_file(path).unwrap_or_else(|e| panic!("{e}"));
    openapi_forge::normalize::normalize(&raw).unwrap_or_else(|e| panic!("{e}"))
}

/// The seed spec committed in `spec/`.
pub fn seed_path() -> PathBuf {
    crate_dir().join("../spec/update-api-key.yaml")
}

/// The corpus folder (`$OPENAPI_CORPUS`, default `../shared/specs` beside the workspace).
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("OPENAPI_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir().join("../../shared/specs"));
    if dir.join("confluent").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n*** CORPUS MISSING: {} has no confluent/ folder; set OPENAPI_CORPUS to ../shared/specs. Skipping. ***\n",
            dir.display()
        );
        None
    }
}

/// One generated crate in a scratch workspace.
pub struct GeneratedCrate {
    /// Label (spec file stem).
    pub spec: String,
    /// Package name.
    pub crate_name: String,
    /// Operations, types, warnings; or the generation error.
    pub result: Result<(usize, usize, usize), String>,
}

/// Generates every spec into `target/<ws>/<crate>` and runs `cargo clippy --all-targets -D warnings`
/// over all of them in one cargo call that shares the workspace's target folder (dependencies
/// build once). Returns the crates, whether clippy passed, its stderr and the crates that failed.
pub fn generate_and_clippy(ws: &str, specs: &[PathBuf], prefix: &str) -> (Vec<GeneratedCrate>, bool, String, Vec<String>) {
    let root = crate_dir().join("..");
    let ws = root.join("target").join(ws);
    let _ = std::fs::remove_dir_all(&ws);
    std::fs::create_dir_all(&ws).expect("create scratch workspace");
    let mut crates = Vec::new();
    for spec in specs {
        let stem = spec.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let crate_name = format!("{prefix}-{}", stem.replace(['.', '_'], "-"));
        let opts = openapi_forge::Options { crate_name: crate_name.clone(), spec_label: format!("{stem}.yaml") };
        // From the file, so a spec published as a tree of files reads its other files.
        let result = match openapi_forge::generate_file(spec, &opts) {
            Ok(g) => {
                openapi_forge::write_crate(&ws.join(&crate_name), &g.files).expect("write crate");
                Ok((g.model.operations.len(), g.model.types.len(), g.warnings.len()))
            }
            Err(e) => Err(e.to_string()),
        };
        crates.push(GeneratedCrate { spec: stem, crate_name, result });
    }
    let members: Vec<String> = crates.iter().filter(|c| c.result.is_ok()).map(|c| format!("{:?}", c.crate_name)).collect();
    std::fs::write(ws.join("Cargo.toml"), format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")))
        .expect("workspace manifest");
    // The same lock file as the main workspace, so the shared target folder's dependencies are reused.
    let _ = std::fs::copy(root.join("Cargo.lock"), ws.join("Cargo.lock"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .current_dir(&ws)
        .env("CARGO_TARGET_DIR", target_dir())
        .args(["clippy", "--workspace", "--all-targets", "--keep-going", "--message-format=short", "--", "-D", "warnings"])
        .output()
        .expect("run cargo clippy");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let failed: Vec<String> = crates
        .iter()
        .filter(|c| stderr.lines().any(|l| l.contains(&format!("could not compile `{}`", c.crate_name))))
        .map(|c| c.crate_name.clone())
        .collect();
    (crates, out.status.success(), stderr, failed)
}

/// The target folder scratch builds share: `$CARGO_TARGET_DIR` when set, else the workspace's
/// `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => crate_dir().join("../target"),
    }
}

/// Runs `cargo ARGS` in a scratch workspace `ws` whose members are `members` (crate folders in
/// `ws`), sharing the main workspace's target folder ([`target_dir`]) and lock file so
/// dependencies build once.
pub fn cargo_in_scratch_workspace(ws: &Path, members: &[String], args: &[&str]) -> std::process::Output {
    scratch_cargo(ws, members).args(args).output().expect("run cargo in the scratch workspace")
}

/// [`cargo_in_scratch_workspace`] with stderr merged into stdout (through `sh`), so cargo's
/// `Doc-tests CRATE` lines and rustdoc's `running N tests` lines come in their real order.
pub fn cargo_in_scratch_workspace_merged(ws: &Path, members: &[String], args: &[&str]) -> std::process::Output {
    let cargo = scratch_cargo(ws, members);
    std::process::Command::new("sh")
        .current_dir(ws)
        .env("CARGO_TARGET_DIR", target_dir())
        .arg("-c")
        .arg("exec \"$0\" \"$@\" 2>&1")
        .arg(cargo.get_program())
        .args(args)
        .output()
        .expect("run cargo (through sh) in the scratch workspace")
}

fn scratch_cargo(ws: &Path, members: &[String]) -> std::process::Command {
    let root = crate_dir().join("..");
    let list: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    std::fs::write(ws.join("Cargo.toml"), format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", list.join(", ")))
        .expect("scratch workspace manifest");
    let _ = std::fs::copy(root.join("Cargo.lock"), ws.join("Cargo.lock"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.current_dir(ws).env("CARGO_TARGET_DIR", target_dir());
    cmd
}

/// The `doctest` key of a manifest's `[lib]` section (`None` when absent or not a boolean).
pub fn lib_doctest(manifest: &str) -> Option<bool> {
    let mut in_lib = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_lib = line == "[lib]";
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            if in_lib && key.trim() == "doctest" {
                return match value.split('#').next().unwrap_or_default().trim() {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                };
            }
        }
    }
    None
}

/// The manifest with `[lib] doctest = true`: the scratch copy runs every doctest rustdoc finds,
/// whatever the generated manifest says, so spec text that became one shows up.
pub fn force_doctest(manifest: &str) -> String {
    let mut out = Vec::new();
    let mut in_lib = false;
    let mut done = false;
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            if in_lib && !done {
                out.push("doctest = true".to_string());
                done = true;
            }
            in_lib = t == "[lib]";
        } else if in_lib && t.split_once('=').is_some_and(|(k, _)| k.trim() == "doctest") {
            out.push("doctest = true".to_string());
            done = true;
            continue;
        }
        out.push(line.to_string());
    }
    if in_lib && !done {
        out.push("doctest = true".to_string());
        done = true;
    }
    if !done {
        out.push(String::new());
        out.push("[lib]".to_string());
        out.push("doctest = true".to_string());
    }
    out.join("\n") + "\n"
}

/// One crate's doctests as `cargo test --doc` (stderr merged into stdout) reports them.
#[derive(Debug)]
pub struct DoctestRun {
    /// The library target's name (`Doc-tests NAME`: dashes are underscores).
    pub crate_name: String,
    /// `running N tests`.
    pub count: usize,
    /// The `test ... ` lines.
    pub tests: Vec<String>,
}

/// Parses `cargo test --doc` output (stderr merged into stdout): one entry per `Doc-tests` block.
pub fn doctest_runs(output: &str) -> Vec<DoctestRun> {
    let mut runs: Vec<DoctestRun> = Vec::new();
    for line in output.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix("Doc-tests ") {
            runs.push(DoctestRun { crate_name: name.trim().to_string(), count: 0, tests: Vec::new() });
        } else if let Some(rest) = line.strip_prefix("running ") {
            let n = rest.split_whitespace().next().and_then(|n| n.parse().ok());
            match (runs.last_mut(), n) {
                (Some(run), Some(n)) => run.count += n,
                (None, Some(n)) => runs.push(DoctestRun { crate_name: "?".into(), count: n, tests: Vec::new() }),
                _ => {}
            }
        } else if line.starts_with("test ") && !line.starts_with("test result:") {
            if let Some(run) = runs.last_mut() {
                run.tests.push(line.to_string());
            }
        }
    }
    runs
}

/// Files `/tmp/forge-pwned-*` (what the injection fixtures' doctests would write).
pub fn pwned_files() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir("/tmp")
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("forge-pwned-"))).collect())
        .unwrap_or_default();
    out.sort();
    out
}

/// Crates among `names` that cargo's output says could not be compiled.
pub fn crates_that_failed<'n>(stderr: &str, names: &'n [String]) -> Vec<&'n String> {
    names.iter().filter(|n| stderr.lines().any(|l| l.contains(&format!("could not compile `{n}`")))).collect()
}
