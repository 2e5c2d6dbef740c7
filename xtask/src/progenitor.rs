//! The progenitor column of `cargo xtask bench`: progenitor (Oxide's OpenAPI client generator)
//! and openapi-forge on the same specs, compared by lines and `cargo check` time.
//!
//! Which specs: progenitor accepts only some OpenAPI documents (it was written for Dropshot's),
//! so the fair ground is its own sample specs (`sample_openapi/` of its repository). They are
//! not committed here: the bench reads them from a folder (`--progenitor-specs`, else
//! `$PROGENITOR_SPECS`, else `.bench/progenitor-specs`) and, when it is missing, says so loudly
//! and skips the column. Progenitor's CLI (`cargo-progenitor`, from crates.io) is installed into
//! `.bench/progenitor` on first use. It is run with `--include-client true`, so its support code
//! (`src/progenitor_client.rs`) is compiled inside the crate, as our runtime is in ours; it is
//! counted as runtime on both sides. Progenitor's default positional interface is used.
//!
//! Our generator runs on every spec of the folder. A spec we reject, or whose crate does not
//! check, is a bug of ours and is reported as one (never skipped quietly); a spec progenitor
//! rejects is left out of the comparison, with a note.

use super::compile::{crate_name, crate_size, measure_crates, Measured, Scratch};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One spec of the comparison.
pub(crate) struct Row {
    pub spec: String,
    pub bytes: usize,
    pub theirs: Result<Measured, String>,
    pub ours: Result<Measured, String>,
}

pub(crate) struct Results {
    pub version: String,
    pub dir: PathBuf,
    pub rows: Vec<Row>,
}

/// The installed `cargo-progenitor` and its version, installing it into `work/progenitor` first
/// when it is not there.
fn ensure_cli(work: &Path) -> Result<(PathBuf, String), String> {
    let root = work.join("progenitor");
    let bin = root.join("bin").join(format!("cargo-progenitor{}", std::env::consts::EXE_SUFFIX));
    if !bin.is_file() {
        println!("\n==> cargo install cargo-progenitor --locked --root {} (first use; a few minutes)", root.display());
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["install", "cargo-progenitor", "--version", "^0.15", "--locked", "--root"])
            .arg(&root)
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() || !bin.is_file() {
            return Err("`cargo install cargo-progenitor` failed".into());
        }
    }
    // `cargo install` records what it installed in `.crates.toml`: `"cargo-progenitor 0.15.1 (registry+...)"`.
    let version = std::fs::read_to_string(root.join(".crates.toml"))
        .ok()
        .and_then(|t| t.lines().find_map(|l| l.trim_start_matches('"').strip_prefix("cargo-progenitor ").and_then(|r| r.split_whitespace().next()).map(str::to_string)))
        .unwrap_or_else(|| "unknown version".into());
    Ok((bin, version))
}

/// What a failed run said: the panic or error line and the one after it, else its last lines.
fn output_tail(out: &std::process::Output) -> String {
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    match lines.iter().position(|l| l.contains("panicked at") || l.starts_with("gen fail") || l.starts_with("Error") || l.starts_with("error")) {
        Some(i) => lines[i..(i + 2).min(lines.len())].join(" / "),
        None => lines[lines.len().saturating_sub(3)..].join(" / "),
    }
}

/// Runs the comparison on the specs in `dir`. Returns the results (None when the column is
/// skipped) and the notes to print in the report.
pub(crate) fn measure(dir: &Path, work: &Path, target: &Path, forge_bin: &Path) -> (Option<Results>, Vec<String>) {
    let mut notes = Vec::new();
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json" || x == "yaml" || x == "yml")).collect())
        .unwrap_or_default();
    specs.sort();
    if specs.is_empty() {
        let msg = format!(
            "PROGENITOR SPECS MISSING: {} holds no .json/.yaml spec; the progenitor column is skipped. Put progenitor's \
             `sample_openapi/*.json` there (from its repository, github.com/oxidecomputer/progenitor), or point \
             --progenitor-specs / $PROGENITOR_SPECS at them.",
            dir.display()
        );
        eprintln!("\n*** {msg} ***\n");
        notes.push(msg);
        return (None, notes);
    }
    let (bin, version) = match ensure_cli(work) {
        Ok(v) => v,
        Err(e) => {
            notes.push(format!("progenitor column skipped: {e}"));
            return (None, notes);
        }
    };
    println!("\n==> progenitor {version} and openapi-forge on {} specs of {}", specs.len(), dir.display());
    let scratch = Scratch { dir: work.join("compile-progenitor"), target: target.to_path_buf() };
    let _ = std::fs::create_dir_all(&scratch.dir);
    let mut members = Vec::new();
    let mut laid = Vec::new();
    for spec in &specs {
        let stem = spec.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let bytes = std::fs::metadata(spec).map(|m| m.len() as usize).unwrap_or(0);
        let theirs_name = crate_name("prog-", &stem);
        let theirs_dir = scratch.dir.join(&theirs_name);
        let _ = std::fs::remove_dir_all(&theirs_dir);
        let theirs = Command::new(&bin)
            .arg("progenitor")
            .arg("-i")
            .arg(spec)
            .arg("-o")
            .arg(&theirs_dir)
            .args(["-n", &theirs_name, "-v", "0.1.0", "--include-client", "true"])
            .output()
            .map_err(|e| e.to_string())
            .and_then(|out| if out.status.success() { Ok(theirs_name.clone()) } else { Err(format!("progenitor rejects it: {}", output_tail(&out))) });
        let ours_name = crate_name("ours-", &stem);
        let ours_dir = scratch.dir.join(&ours_name);
        let generated = Command::new(forge_bin)
            .args(["generate", "--spec"])
            .arg(spec)
            .arg("--out")
            .arg(&ours_dir)
            .args(["--crate-name", &ours_name])
            .output()
            .map_err(|e| e.to_string())
            .and_then(|out| if out.status.success() { Ok(ours_name.clone()) } else { Err(format!("openapi-forge rejects it: {}", output_tail(&out))) });
        // Only specs progenitor accepts are compiled (the comparison is on common ground; a spec
        // it rejects, such as the 3.7 MB GitHub one, would cost minutes for no column).
        println!(
            "  {stem:<24} progenitor: {:<8} openapi-forge: {}",
            if theirs.is_ok() { "ok" } else { "rejects" },
            if generated.is_ok() { "ok" } else { "rejects" }
        );
        let ours = match (&theirs, generated) {
            (Ok(n), ours) => {
                members.push(n.clone());
                if let Ok(o) = &ours {
                    members.push(o.clone());
                }
                ours
            }
            (Err(e), Ok(_)) => {
                notes.push(format!("progenitor, {stem}: {e} (left out of the comparison; openapi-forge generates it, not compiled here)"));
                Err("not compiled: progenitor rejects this spec".to_string())
            }
            (Err(e), Err(o)) => {
                notes.push(format!("progenitor, {stem}: {e} (left out of the comparison)"));
                Err(o)
            }
        };
        if let Err(e) = &ours {
            if e.starts_with("openapi-forge rejects") {
                notes.push(format!("**BUG (ours)**, progenitor sample {stem}: {e}"));
            }
        }
        laid.push((stem, bytes, theirs, ours));
    }
    if let Err(e) = scratch.write_manifest(&members) {
        notes.push(format!("progenitor column skipped: cannot write {}: {e}", scratch.dir.display()));
        return (None, notes);
    }
    let mut crates = Vec::new();
    for (_, _, theirs, ours) in &laid {
        if let Ok(n) = theirs {
            crates.push((n.clone(), crate_size(&scratch.dir.join(n), &["progenitor_client.rs"])));
        }
        if let (Ok(_), Ok(n)) = (theirs, ours) {
            crates.push((n.clone(), crate_size(&scratch.dir.join(n), &["runtime"])));
        }
    }
    let mut measured = measure_crates(&scratch, &crates, 3, None);
    let mut rows = Vec::new();
    for (spec, bytes, theirs, ours) in laid {
        let mut take = |r: Result<String, String>| -> Result<Measured, String> {
            let name = r?;
            let i = measured.iter().position(|m| m.name == name).ok_or("not measured")?;
            let m = measured.remove(i);
            match &m.times.check {
                Ok(_) => Ok(m),
                Err(e) => Err(e.clone()),
            }
        };
        let theirs = take(theirs);
        let ours = take(ours);
        if let Err(e) = &ours {
            if !e.starts_with("openapi-forge rejects") && !e.starts_with("not compiled") {
                notes.push(format!("**BUG (ours)**, progenitor sample {spec}: our crate does not compile: {e}"));
            }
        }
        if let Err(e) = &theirs {
            if !e.starts_with("progenitor rejects") {
                notes.push(format!("progenitor, {spec}: its crate does not compile: {e}"));
            }
        }
        rows.push(Row { spec, bytes, theirs, ours });
    }
    (Some(Results { version, dir: dir.to_path_buf(), rows }), notes)
}

fn ratio(a: f64, b: f64) -> String {
    super::bench::fmt_ratio(a / b)
}

/// The progenitor section of the report.
pub(crate) fn report(r: &Results) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "### progenitor\n");
    let _ = writeln!(
        md,
        "progenitor {} (`cargo progenitor`, from crates.io; default positional interface; `--include-client true`, so its \
         support code `src/progenitor_client.rs` is compiled in the crate as our runtime is in ours) and openapi-forge on \
         progenitor's own sample specs ({} specs read from `{}`, not committed here). Each crate is checked in one scratch \
         workspace (`.bench/compile-progenitor`) sharing the compile target folder: `cargo check -p <crate>` after touching \
         `src/lib.rs`, median of 3. Lines: generated code without the support code and without test modules; \
         \"with runtime\" adds it. A spec progenitor rejects has no comparison; one we reject is a bug (see notes).\n",
        r.version,
        r.rows.len(),
        r.dir.display()
    );
    let _ = writeln!(
        md,
        "| spec | KB | progenitor: lines (with runtime) | progenitor: check | ours: lines (with runtime) | ours: check | lines ours/progenitor (without / with runtime) | check ours/progenitor |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    let (mut sum_o, mut sum_t) = (0.0, 0.0);
    for row in &r.rows {
        let cell = |m: &Result<Measured, String>| match m {
            Ok(m) => (
                format!("{} ({})", m.size.code.lines, m.size.code.lines + m.size.runtime.lines),
                m.times.check.as_ref().map(|d| format!("{:.2} s", d.as_secs_f64())).unwrap_or_else(|_| "failed".into()),
            ),
            Err(e) if e.contains("rejects") && e.starts_with("not compiled") => ("generated, not compiled".into(), "-".into()),
            Err(e) if e.contains("rejects") => ("rejected".into(), "-".into()),
            Err(_) => ("-".into(), "does not compile".into()),
        };
        let (tl, tc) = cell(&row.theirs);
        let (ol, oc) = cell(&row.ours);
        let checks = match (&row.ours, &row.theirs) {
            (Ok(o), Ok(t)) => match (&o.times.check, &t.times.check) {
                (Ok(od), Ok(td)) => Some((o, t, od.as_secs_f64(), td.as_secs_f64())),
                _ => None,
            },
            _ => None,
        };
        let (lr, cr) = match checks {
            Some((o, t, od, td)) => {
                sum_o += od;
                sum_t += td;
                (
                    format!(
                        "{} / {}",
                        ratio(o.size.code.lines as f64, t.size.code.lines as f64),
                        ratio((o.size.code.lines + o.size.runtime.lines) as f64, (t.size.code.lines + t.size.runtime.lines) as f64)
                    ),
                    ratio(od, td),
                )
            }
            None => ("-".into(), "-".into()),
        };
        let _ = writeln!(md, "| {} | {:.0} | {tl} | {tc} | {ol} | {oc} | {lr} | {cr} |", row.spec, row.bytes as f64 / 1024.0);
    }
    if sum_t > 0.0 {
        let _ = writeln!(md, "\nSum over the specs both accept: ours {sum_o:.2} s, progenitor {sum_t:.2} s, ratio **{}**.", ratio(sum_o, sum_t));
    }
    md.push('\n');
    md
}
