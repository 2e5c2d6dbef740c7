//! The `openapi-forge` command line: exit codes, `--check`, content sniffing, `-v` warnings.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn forge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openapi-forge")).args(args).output().expect("run openapi-forge")
}

fn scratch(name: &str) -> PathBuf {
    let dir = support::crate_dir().join("../target/cli-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).to_string(), String::from_utf8_lossy(&o.stderr).to_string())
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn generate_then_check() {
    let dir = scratch("generate");
    let out = dir.join("crate");
    let spec = support::seed_path();
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", "seed-client"]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("12 types, 1 operations, 5 warnings"), "{stdout}");
    assert!(out.join("Cargo.toml").is_file() && out.join("src/lib.rs").is_file() && out.join("src/runtime/mod.rs").is_file());
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("manifest");
    assert!(manifest.contains("name = \"seed-client\""), "{manifest}");

    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", "seed-client", "--check"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    std::fs::write(out.join("src/types.rs"), "// edited by hand\n").expect("edit");
    std::fs::write(out.join("src/stray.rs"), "\n").expect("stray");
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", "seed-client", "--check"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    // An edited generated file differs; a file the generator did not write is not its business.
    assert!(stderr.contains("src/types.rs") && !stderr.contains("src/stray.rs"), "{stderr}");
    // Regenerating replaces the generated files only: stray files in src/ and files outside stay.
    std::fs::create_dir_all(out.join("examples")).expect("examples");
    std::fs::write(out.join("examples/mine.rs"), "fn main() {}\n").expect("example");
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", "seed-client"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(out.join("src/stray.rs").exists());
    assert!(out.join("examples/mine.rs").exists());
    assert_ne!(std::fs::read_to_string(out.join("src/types.rs")).expect("types"), "// edited by hand\n");
    let listed = std::fs::read_to_string(out.join(".openapi-forge/manifest")).expect("manifest");
    assert!(listed.starts_with("openapi-forge manifest v1\n") && listed.contains("\nsrc/lib.rs\n"), "{listed}");
}

#[test]
fn json_is_recognised_by_content_not_extension() {
    let dir = scratch("json");
    let raw = openapi_forge::load::load_file(&support::seed_path()).expect("seed");
    let spec = dir.join("spec-in-json.yaml");
    std::fs::write(&spec, serde_json::to_string(&raw.root).expect("json")).expect("write");
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&dir.join("out"))]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let yaml_out = scratch("json-yaml");
    forge(&["generate", "--spec", s(&support::seed_path()), "--out", s(&yaml_out)]);
    let a = std::fs::read_to_string(dir.join("out/src/types.rs")).expect("types");
    let b = std::fs::read_to_string(yaml_out.join("src/types.rs")).expect("types");
    assert_eq!(a.lines().skip(1).collect::<Vec<_>>(), b.lines().skip(1).collect::<Vec<_>>(), "same types from JSON and YAML");
}

#[test]
fn verbose_lists_warnings_with_pointers() {
    let dir = scratch("verbose");
    let o = forge(&["generate", "-v", "--spec", s(&support::seed_path()), "--out", s(&dir.join("out"))]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr.contains("#/paths/~1iam~1v2~1api-keys~1{id}/patch/jsonRequestBodyExample"), "{stderr}");
    assert!(stderr.contains("#/components/securitySchemes/cloud-api-key"), "{stderr}");
}

#[test]
fn spec_errors_exit_1_and_write_nothing() {
    let dir = scratch("errors");
    let spec = dir.join("broken.yaml");
    std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n").expect("write");
    let out = dir.join("out");
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out)]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr.contains("broken.yaml") && stderr.contains("#/paths/~1a/get/responses/200/content/application~1json/schema"), "{stderr}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_spec_tree_resolves_against_the_spec_folder_not_the_working_directory() {
    let dir = scratch("tree");
    let trees = support::crate_dir().join("tests/trees");
    let spec = trees.join("petstore/openapi.yaml");
    // From an unrelated folder, with an absolute path.
    let out = dir.join("abs");
    let o = Command::new(env!("CARGO_BIN_EXE_openapi-forge"))
        .current_dir(&dir)
        .args(["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", "tree-client"])
        .output()
        .expect("run openapi-forge");
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("5 types, 5 operations, 0 warnings"), "{stdout}");
    // From the tree's parent folder, with a relative path.
    let rel = dir.join("rel");
    let o = Command::new(env!("CARGO_BIN_EXE_openapi-forge"))
        .current_dir(&trees)
        .args(["generate", "--spec", "petstore/openapi.yaml", "--out", s(&rel), "--crate-name", "tree-client"])
        .output()
        .expect("run openapi-forge");
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    assert_eq!(tree(&out), tree(&rel), "the crate depends on the working directory");
    // A missing file: exit 1, naming the referencing file, pointer, line and the missing path.
    let missing = trees.join("refused/missing_file/openapi.yaml");
    let o = forge(&["generate", "--spec", s(&missing), "--out", s(&dir.join("none")), "--crate-name", "x"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("openapi.yaml:12:24: #/paths/~1users/get/responses/200") && stderr.contains("schemas/user.yaml: no such file"), "{stderr}");
    assert!(!dir.join("none").exists());
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(forge(&["generate", "--spec"]).status.code(), Some(2));
    assert_eq!(forge(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(forge(&["--help"]).status.code(), Some(0));
}

// ---------------------------------------------------------------------------------------------
// What the CLI may touch in --out (src/write.rs): only its own files, never through symlinks.
// ---------------------------------------------------------------------------------------------

/// Every file, folder and symlink under `dir` (symlinks are not followed): path -> contents,
/// `folder/` -> empty, `link@` -> its target.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).expect("list").flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            let rel = p.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/");
            let ft = e.file_type().expect("file type");
            if ft.is_symlink() {
                out.insert(format!("{rel}@"), std::fs::read_link(&p).expect("link").to_string_lossy().as_bytes().to_vec());
            } else if ft.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(root, &p, out);
            } else {
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A user's own crate: Cargo.toml, src/main.rs, a README.
fn user_project(dir: &Path) {
    std::fs::create_dir_all(dir.join("src")).expect("src");
    std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"mine\"\nversion = \"0.1.0\"\n").expect("write");
    std::fs::write(dir.join("src/main.rs"), "fn main() { println!(\"my work\"); }\n").expect("write");
    std::fs::write(dir.join("README.md"), "# my project\n").expect("write");
}

fn manifest_paths(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(".openapi-forge/manifest")).expect("manifest");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("openapi-forge manifest v1"));
    lines.map(str::to_string).collect()
}

/// A valid spec small enough to generate no `src/spec_examples.rs` (the seed spec has one).
const SMALL_SPEC: &str = "openapi: 3.0.3\ninfo: {title: small, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: object, properties: {x: {type: string}}}\n";

#[test]
fn refuses_a_non_empty_folder_that_is_not_generator_output() {
    let dir = scratch("refuse-project");
    user_project(&dir);
    let before = tree(&dir);
    let o = forge(&["generate", "--spec", s(&support::seed_path()), "--out", s(&dir)]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let canonical = dir.canonicalize().expect("canonical");
    assert!(stderr.contains(s(&canonical)) && stderr.contains("--adopt") && stderr.contains("not openapi-forge output"), "{stderr}");
    assert_eq!(tree(&dir), before, "the user's project changed");
}

#[test]
fn refuses_out_dot_inside_a_user_project() {
    let dir = scratch("refuse-dot");
    user_project(&dir);
    let before = tree(&dir);
    let o = Command::new(env!("CARGO_BIN_EXE_openapi-forge"))
        .current_dir(&dir)
        .args(["generate", "--spec", s(&support::seed_path()), "--out", "."])
        .output()
        .expect("run openapi-forge");
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not openapi-forge output"), "{stderr}");
    assert_eq!(tree(&dir), before, "the user's project changed");
}

#[test]
fn adopt_keeps_a_spec_inside_out() {
    let dir = scratch("spec-inside");
    user_project(&dir);
    let spec = dir.join("src/api.yaml");
    let spec_bytes = std::fs::read(support::seed_path()).expect("seed");
    std::fs::write(&spec, &spec_bytes).expect("spec");
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&dir), "--adopt"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    assert_eq!(std::fs::read(&spec).expect("the spec is still there"), spec_bytes);
    assert!(dir.join("src/lib.rs").is_file() && dir.join("src/main.rs").is_file());
    // Regenerating (the folder has a manifest now) keeps it too.
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&dir)]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    assert_eq!(std::fs::read(&spec).expect("the spec is still there"), spec_bytes);
}

#[test]
fn a_spec_that_would_be_overwritten_is_refused() {
    let dir = scratch("spec-overwritten");
    user_project(&dir);
    // The loader goes by content, so a YAML spec named lib.rs is read fine; writing would replace it.
    let spec = dir.join("src/lib.rs");
    std::fs::copy(support::seed_path(), &spec).expect("spec");
    let before = tree(&dir);
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&dir), "--adopt"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the spec would be overwritten"), "{stderr}");
    assert_eq!(tree(&dir), before, "something was written");
}

#[test]
fn adopt_never_deletes_a_users_files() {
    let dir = scratch("adopt");
    user_project(&dir);
    std::fs::write(dir.join("src/extra.rs"), "// mine\n").expect("extra");
    let o = forge(&["generate", "--spec", s(&support::seed_path()), "--out", s(&dir), "--adopt", "--crate-name", "adopted"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("adopted"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.join("src/extra.rs")).expect("extra kept"), "// mine\n");
    assert!(dir.join("src/main.rs").is_file() && dir.join("README.md").is_file());
    assert!(std::fs::read_to_string(dir.join("Cargo.toml")).expect("Cargo.toml").contains("name = \"adopted\""));
    assert!(!manifest_paths(&dir).iter().any(|p| p == "src/extra.rs" || p == "src/main.rs" || p == "README.md"));
    // A later regeneration with fewer files still leaves them alone.
    let small = dir.join("small.yaml");
    std::fs::write(&small, SMALL_SPEC).expect("spec");
    let o = forge(&["generate", "--spec", s(&small), "--out", s(&dir), "--crate-name", "adopted"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    assert!(dir.join("src/extra.rs").is_file() && dir.join("src/main.rs").is_file() && dir.join("README.md").is_file());
}

#[test]
fn regeneration_deletes_exactly_the_stale_generated_files() {
    let dir = scratch("regen-fewer");
    let out = dir.join("crate");
    let o = forge(&["generate", "--spec", s(&support::seed_path()), "--out", s(&out), "--crate-name", "shrinking"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let old = manifest_paths(&out);
    std::fs::write(out.join("src/extra.rs"), "// hand-written\n").expect("extra");
    std::fs::create_dir_all(out.join("examples")).expect("examples");
    std::fs::write(out.join("examples/demo.rs"), "fn main() {}\n").expect("example");
    let before = tree(&out);
    let small = dir.join("small.yaml");
    std::fs::write(&small, SMALL_SPEC).expect("spec");
    let o = forge(&["generate", "--spec", s(&small), "--out", s(&out), "--crate-name", "shrinking"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let new = manifest_paths(&out);
    let stale: Vec<&String> = old.iter().filter(|p| !new.contains(p)).collect();
    assert!(stale.iter().any(|p| *p == "src/spec_examples.rs"), "the small spec should generate fewer files: {old:?} vs {new:?}");
    let after = tree(&out);
    let gone: Vec<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    assert_eq!(gone, stale, "exactly the stale generated files are deleted");
    assert_eq!(after["src/extra.rs"], b"// hand-written\n");
    assert_eq!(after["examples/demo.rs"], b"fn main() {}\n");
    for p in &new {
        assert!(after.contains_key(p), "{p} missing");
    }
    let o = forge(&["generate", "--spec", s(&small), "--out", s(&out), "--crate-name", "shrinking", "--check"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
}

/// Runs the binary, killing it and failing when it takes longer than `limit`.
#[cfg(unix)]
fn forge_with_deadline(args: &[&str], limit: std::time::Duration) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_openapi-forge"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run openapi-forge");
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(o) => o.expect("wait"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &id.to_string()]).status();
            panic!("openapi-forge {args:?} did not finish within {limit:?}");
        }
    }
}

#[cfg(unix)]
#[test]
fn check_terminates_on_symlink_loops() {
    use std::time::Duration;
    let dir = scratch("symlink-loop");
    let out = dir.join("crate");
    let spec = support::seed_path();
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    // Loops beside the generated files (two make a walk that follows links exponential): not
    // the generator's, never looked into.
    std::os::unix::fs::symlink(".", out.join("src/a")).expect("symlink");
    std::os::unix::fs::symlink(".", out.join("src/b")).expect("symlink");
    let o = forge_with_deadline(&["generate", "--spec", s(&spec), "--out", s(&out), "--check"], Duration::from_secs(30));
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    // A loop on the way to generated files: they differ, and nothing is read through it.
    std::fs::remove_dir_all(out.join("src/runtime")).expect("runtime");
    std::os::unix::fs::symlink(".", out.join("src/runtime")).expect("symlink");
    let o = forge_with_deadline(&["generate", "--spec", s(&spec), "--out", s(&out), "--check"], Duration::from_secs(30));
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("src/runtime/client.rs"), "{stderr}");
    // Writing refuses to go through it.
    let before = tree(&out);
    let o = forge_with_deadline(&["generate", "--spec", s(&spec), "--out", s(&out)], Duration::from_secs(30));
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(tree(&out), before);
}

#[test]
fn bad_crate_name_exits_2_and_writes_nothing() {
    let dir = scratch("bad-crate-name");
    let out = dir.join("out");
    let o = forge(&["generate", "--spec", s(&support::seed_path()), "--out", s(&out), "--crate-name", "a\"\nbuild = \"evil.rs"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--crate-name"), "{stderr}");
    assert!(!out.exists(), "--out was created");
    // A spec whose file stem makes no valid crate name falls back to `api`.
    let spec = dir.join("test.yaml");
    std::fs::copy(support::seed_path(), &spec).expect("spec");
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    assert!(std::fs::read_to_string(out.join("Cargo.toml")).expect("manifest").contains("name = \"api\""));
}

#[test]
fn a_second_run_is_refused_while_the_lock_is_held() {
    let dir = scratch("locked");
    let out = dir.join("crate");
    let spec = support::seed_path();
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let lock = std::fs::File::options().read(true).write(true).open(out.join(".openapi-forge/lock")).expect("lock file");
    lock.try_lock().expect("take the lock");
    let before = tree(&out);
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", "other"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("another openapi-forge run"), "{stderr}");
    assert_eq!(tree(&out), before);
    drop(lock);
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", "other"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
}

#[test]
fn check_reports_an_interrupted_write_and_the_next_run_repairs_it() {
    let dir = scratch("interrupted");
    let out = dir.join("crate");
    let spec = support::seed_path();
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    // A committed journal whose moves are done: what a run killed just before its cleanup leaves.
    let mut journal = String::from("openapi-forge journal v1\n");
    for p in manifest_paths(&out) {
        journal.push_str(&format!("manifest {p}\n"));
    }
    journal.push_str("end\n");
    std::fs::write(out.join(".openapi-forge/journal"), journal).expect("journal");
    let before = tree(&out);
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out), "--check"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("interrupted write"), "{stderr}");
    assert_eq!(tree(&out), before, "--check changed something");
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out)]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("repaired an interrupted write"), "{stderr}");
    assert!(!out.join(".openapi-forge/journal").exists());
}

/// Kills the binary with SIGKILL at several instants while it regenerates a large spec; every
/// next run must succeed, and the end result must equal a clean generation.
#[test]
fn sigkill_during_generation_then_the_next_run_succeeds() {
    use std::time::Instant;
    let Some(corpus) = support::corpus_dir() else { return };
    let spec = corpus.join("confluent/schema-registry-v1.yaml");
    if !spec.is_file() {
        eprintln!("\n*** CORPUS SPEC MISSING: {}. Skipping. ***\n", spec.display());
        return;
    }
    let dir = scratch("sigkill");
    let reference = dir.join("reference");
    let out = dir.join("crate");
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&reference), "--crate-name", "sr-b"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let start = Instant::now();
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", "sr-a"]);
    let took = start.elapsed();
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    // The delay homes in on the end of a run, where the writing happens: shorter after a run
    // that finished before the kill, longer after one that was killed.
    let (mut killed, mut notes, mut delay) = (0, Vec::new(), took.mul_f64(0.8));
    const RUNS: usize = 16;
    for i in 0..RUNS {
        let name = if i % 2 == 0 { "sr-b" } else { "sr-a" };
        let mut child = Command::new(env!("CARGO_BIN_EXE_openapi-forge"))
            .args(["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", name])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        std::thread::sleep(delay);
        // SIGKILL on Unix: no cleanup of any kind.
        let _ = child.kill();
        let o = child.wait_with_output().expect("wait");
        if o.status.code().is_none() {
            killed += 1;
            delay = delay.mul_f64(1.08);
        } else {
            assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
            delay = delay.mul_f64(0.94);
        }
        notes.extend(String::from_utf8_lossy(&o.stderr).lines().filter(|l| l.starts_with("note:")).map(str::to_string));
    }
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", "sr-b"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    notes.extend(stderr.lines().filter(|l| l.starts_with("note:")).map(str::to_string));
    println!("killed {killed} of {RUNS} runs (a clean run takes {took:?}); notes:\n{}", notes.join("\n"));
    assert!(killed > 0, "no run was killed");
    assert_eq!(tree(&out), tree(&reference), "the output differs from a clean generation");
    assert_eq!(manifest_paths(&out), manifest_paths(&reference));
    // Nothing was left beside the output folder: all staging happens inside it.
    let mut beside: Vec<String> = std::fs::read_dir(&dir).expect("list").flatten().map(|e| e.file_name().to_string_lossy().to_string()).collect();
    beside.sort();
    assert_eq!(beside, ["crate", "reference"]);
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", "sr-b", "--check"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
}

/// `openapi-forge runtime` writes the runtime crate, a crate generated with `--runtime-crate`
/// depends on it (and carries only the local runtime files), and the two compile together
/// under clippy `-D warnings` with the `blocking` feature, in a scratch workspace sharing the
/// main target folder.
#[test]
fn a_crate_generated_against_the_runtime_crate_the_cli_wrote_compiles() {
    let dir = scratch("runtime-crate");
    let runtime = dir.join("openapi-forge-runtime");
    let o = forge(&["runtime", "--out", s(&runtime)]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    // The crate's files are the repository's runtime crate, byte for byte.
    let templates = support::crate_dir().join("../templates/runtime");
    for entry in std::fs::read_dir(&templates).expect("templates/runtime") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".rs") || name == "Cargo.toml" {
            assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(runtime.join(&name)).unwrap_or_default(), "{name}");
        }
    }
    let o = forge(&["runtime", "--out", s(&runtime), "--check"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));

    let out = dir.join("seed-client");
    let spec = support::seed_path();
    let o = forge(&["generate", "--spec", s(&spec), "--out", s(&out), "--crate-name", "seed-client", "--runtime-crate", "../openapi-forge-runtime"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("manifest");
    assert!(manifest.contains("\nopenapi-forge-runtime = { path = \"../openapi-forge-runtime\", version = \"=0.1.0\" }\n"), "{manifest}");
    assert!(manifest.contains("blocking = [\"openapi-forge-runtime/blocking\"]") && !manifest.contains("reqwest"), "{manifest}");
    let mut runtime_files: Vec<String> =
        std::fs::read_dir(out.join("src/runtime")).expect("src/runtime").map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    runtime_files.sort();
    assert_eq!(runtime_files, ["call.rs", "macros.rs", "mod.rs"]);

    let members = vec!["openapi-forge-runtime".to_string(), "seed-client".to_string()];
    let o = support::cargo_in_scratch_workspace(&dir, &members, &["clippy", "-p", "seed-client", "--features", "blocking", "--all-targets", "--", "-D", "warnings"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
