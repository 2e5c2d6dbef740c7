//! `cargo xtask bench --scale`: does the generator's cost grow linearly with the spec?
//!
//! The corpus is small (the largest spec is under 1 MB), so a spec of tens of megabytes is
//! built from it at bench time: every corpus spec, copied again and again, each copy with its
//! own paths (`/s3c7/...`), component names (`ApiKeyS3c7`), operation ids and the `$ref`s that
//! name them, merged into one document. It is written under the target folder, never into the
//! repository. Two sizes (a quarter and the whole) are generated in process, timed by phase
//! (load, normalize, emit), and each one's peak RSS read in a child process; the report gives
//! time and peak memory per MB of input next to the corpus's own per-MB figures.

use openapi_forge::{generate_files, Options};
use serde_yaml::{Mapping, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Default size of the synthetic spec, in MB of YAML text.
pub const DEFAULT_SCALE_MB: f64 = 50.0;

/// Component sections whose entries are renamed per copy (their `$ref`s with them).
const RENAMED_COMPONENTS: [&str; 7] = ["schemas", "parameters", "responses", "requestBodies", "headers", "examples", "links"];

/// One input of the measurement: its label, file and size.
struct Input {
    label: String,
    path: PathBuf,
    bytes: usize,
}

/// What one generation cost.
struct Cost {
    total: Duration,
    stages: [Duration; 3],
    rss_kb: Option<u64>,
    operations: usize,
}

/// `text` with every `#/components/<kind>/<name>` reference to a renamed kind pointing at the
/// copy's name.
fn rename_ref(text: &str, suffix: &str) -> Option<String> {
    let rest = text.strip_prefix("#/components/")?;
    let (kind, name) = rest.split_once('/')?;
    if !RENAMED_COMPONENTS.contains(&kind) {
        return None;
    }
    // A reference into a component (`.../Foo/properties/bar`) renames only the component.
    let (name, tail) = match name.split_once('/') {
        Some((n, t)) => (n, format!("/{t}")),
        None => (name, String::new()),
    };
    Some(format!("#/components/{kind}/{name}{suffix}{tail}"))
}

/// Rewrites every reference string and operation id under `v` for the copy `suffix`.
fn rewrite(v: &mut Value, suffix: &str) {
    match v {
        Value::String(s) => {
            if let Some(r) = rename_ref(s, suffix) {
                *s = r;
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|i| rewrite(i, suffix)),
        Value::Mapping(map) => {
            for (k, val) in map.iter_mut() {
                if k.as_str() == Some("operationId") {
                    if let Value::String(id) = val {
                        id.push_str(suffix);
                    }
                    continue;
                }
                rewrite(val, suffix);
            }
        }
        Value::Tagged(t) => rewrite(&mut t.value, suffix),
        _ => {}
    }
}

fn section<'a>(map: &'a mut Mapping, key: &str) -> &'a mut Mapping {
    if !map.get(key).is_some_and(Value::is_mapping) {
        map.insert(Value::from(key), Value::Mapping(Mapping::new()));
    }
    map.get_mut(key).and_then(Value::as_mapping_mut).expect("just inserted")
}

/// Adds copy `suffix` of `spec` (a parsed corpus spec) to `out`.
fn add_copy(out: &mut Mapping, spec: &Value, suffix: &str, prefix: &str) {
    let mut spec = spec.clone();
    rewrite(&mut spec, suffix);
    let Some(map) = spec.as_mapping() else { return };
    if let Some(paths) = map.get("paths").and_then(Value::as_mapping) {
        let out_paths = section(out, "paths");
        for (p, item) in paths {
            if let Some(p) = p.as_str() {
                out_paths.insert(Value::from(format!("/{prefix}{p}")), item.clone());
            }
        }
    }
    if let Some(components) = map.get("components").and_then(Value::as_mapping) {
        let out_components = section(out, "components");
        for (kind, entries) in components {
            let (Some(kind), Some(entries)) = (kind.as_str(), entries.as_mapping()) else { continue };
            let renamed = RENAMED_COMPONENTS.contains(&kind);
            let out_kind = section(out_components, kind);
            for (name, entry) in entries {
                let Some(name) = name.as_str() else { continue };
                let name = if renamed { format!("{name}{suffix}") } else { name.to_string() };
                out_kind.insert(Value::from(name), entry.clone());
            }
        }
    }
    if let Some(tags) = map.get("tags").and_then(Value::as_sequence) {
        if !out.get("tags").is_some_and(Value::is_sequence) {
            out.insert(Value::from("tags"), Value::Sequence(Vec::new()));
        }
        if let Some(Value::Sequence(out_tags)) = out.get_mut("tags") {
            for t in tags {
                if !out_tags.iter().any(|o| o.get("name") == t.get("name")) {
                    out_tags.push(t.clone());
                }
            }
        }
    }
}

/// Builds a spec of at least `target_mb` MB from `corpus` (name, YAML text) into `path`; returns
/// its size in bytes and how many corpus copies it holds.
fn build_synthetic(corpus: &[(String, String)], target_mb: f64, path: &Path) -> Result<(usize, usize), String> {
    let parsed: Vec<Value> = corpus
        .iter()
        .filter_map(|(_, text)| serde_yaml::from_str::<Value>(text).ok())
        .filter(|v| v.get("openapi").is_some() && v.get("paths").is_some())
        .collect();
    if parsed.is_empty() {
        return Err("no corpus spec parses as an OpenAPI document".into());
    }
    let mut out = Mapping::new();
    out.insert(Value::from("openapi"), Value::from("3.0.3"));
    let mut info = Mapping::new();
    info.insert(Value::from("title"), Value::from("Synthetic scale test"));
    info.insert(Value::from("version"), Value::from("1.0.0"));
    out.insert(Value::from("info"), Value::Mapping(info));
    if let Some(servers) = parsed[0].get("servers") {
        out.insert(Value::from("servers"), servers.clone());
    }
    let one_copy: usize = corpus.iter().map(|(_, t)| t.len()).sum();
    let copies = ((target_mb * 1_048_576.0) / one_copy.max(1) as f64).ceil().max(1.0) as usize;
    for c in 0..copies {
        for (s, spec) in parsed.iter().enumerate() {
            add_copy(&mut out, spec, &format!("S{s}c{c}"), &format!("s{s}c{c}"));
        }
    }
    let text = serde_yaml::to_string(&Value::Mapping(out)).map_err(|e| e.to_string())?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((text.len(), copies))
}

/// Generation runs per synthetic input: the linearity target compares two single numbers, and one
/// run of each moved the ratio by a fifth between bench runs on the same code.
const SCALE_RUNS: usize = 3;

/// The run with the median total of [`SCALE_RUNS`] (its stages with it), and the peak RSS of
/// one more run in a child process.
fn generate(input: &Input) -> Result<Cost, String> {
    let bytes = std::fs::read(&input.path).map_err(|e| e.to_string())?;
    let opts = Options { crate_name: "bench-scale".into(), spec_label: input.label.clone() };
    let mut runs = Vec::new();
    let mut operations = 0;
    for _ in 0..SCALE_RUNS {
        let t = Instant::now();
        let g = generate_files(&input.path.display().to_string(), &bytes, &opts)
            .map_err(|e| e.diagnostics.first().map(|d| d.to_string()).unwrap_or_else(|| "generation failed".into()))?;
        let total = t.elapsed();
        runs.push((total, [g.timings[0].1, g.timings[1].1, g.timings[2].1]));
        operations = g.model.operations.len();
    }
    runs.sort_by_key(|(total, _)| *total);
    let (total, stages) = runs[runs.len() / 2];
    let rss_kb = super::bench::measure_rss(&input.path, false).ok();
    Ok(Cost { total, stages, rss_kb, operations })
}

fn per_mb(d: Duration, bytes: usize) -> f64 {
    d.as_secs_f64() * 1000.0 / (bytes as f64 / 1_048_576.0)
}

/// What the scale test found: its Markdown section, and per synthetic input (quarter, then full)
/// the generation time per MB and the peak RSS over the input size.
pub struct Report {
    pub markdown: String,
    pub measured: Vec<(String, f64, Option<f64>)>,
}

/// Runs the scale measurement and returns its Markdown section. `corpus` is every corpus spec
/// (name, path); `work` the folder (under the target folder) the synthetic specs are written to.
pub fn measure(corpus: &[(String, PathBuf)], work: &Path, target_mb: f64) -> Report {
    println!("\n==> scale: a synthetic spec of ~{target_mb:.0} MB built from the corpus");
    let texts: Vec<(String, String)> = corpus
        .iter()
        .filter_map(|(n, p)| std::fs::read_to_string(p).ok().map(|t| (n.clone(), t)))
        .collect();
    let mut out = String::from("### Scale\n\n");
    let mut inputs = Vec::new();
    for (label, mb) in [("quarter", target_mb / 4.0), ("full", target_mb)] {
        let path = work.join(format!("synthetic-{label}.yaml"));
        let t = Instant::now();
        match build_synthetic(&texts, mb, &path) {
            Ok((bytes, copies)) => {
                println!("  built {} ({:.1} MB, {copies} copies of the corpus) in {:.1} s", path.display(), bytes as f64 / 1_048_576.0, t.elapsed().as_secs_f64());
                inputs.push((Input { label: format!("synthetic-{label}.yaml"), path, bytes }, copies));
            }
            Err(e) => {
                let _ = writeln!(out, "The synthetic spec could not be built: {e}.\n");
                return Report { markdown: out, measured: Vec::new() };
            }
        }
    }
    // The corpus's own per-MB figures: the whole corpus's generation time over its size, and
    // the peak RSS of its largest spec over that spec's size.
    let mut corpus_time = Duration::ZERO;
    let mut corpus_bytes = 0usize;
    let mut largest: Option<Input> = None;
    for (name, path) in corpus {
        let Ok(bytes) = std::fs::read(path) else { continue };
        let opts = Options { crate_name: format!("bench-{name}"), spec_label: name.clone() };
        let t = Instant::now();
        if generate_files(&path.display().to_string(), &bytes, &opts).is_ok() {
            corpus_time += t.elapsed();
            corpus_bytes += bytes.len();
            if largest.as_ref().is_none_or(|l| l.bytes < bytes.len()) {
                largest = Some(Input { label: name.clone(), path: path.clone(), bytes: bytes.len() });
            }
        }
    }
    let largest_rss = largest.as_ref().and_then(|l| super::bench::measure_rss(&l.path, false).ok().map(|kb| (l, kb)));

    let _ = writeln!(
        out,
        "A spec built at bench time from every corpus spec copied many times (each copy with its own paths, component names, \
         operation ids and `$ref`s), generated in process (median of {SCALE_RUNS} runs); peak RSS from a child process's `VmHWM`. Per-MB figures are \
         against the YAML input's size.\n"
    );
    out.push_str("| Input | Size | Operations | Generation | per MB | load / normalize / emit per MB | Peak RSS | RSS / input |\n");
    out.push_str("|---|---:|---:|---:|---:|---|---:|---:|\n");
    let corpus_mb = corpus_bytes as f64 / 1_048_576.0;
    if corpus_bytes > 0 {
        let rss = largest_rss
            .as_ref()
            .map(|(l, kb)| format!("{:.0} MB ({})", *kb as f64 / 1024.0, l.label))
            .unwrap_or_else(|| "-".into());
        let ratio = largest_rss.as_ref().map(|(l, kb)| format!("{:.1}×", *kb as f64 * 1024.0 / l.bytes as f64)).unwrap_or_else(|| "-".into());
        let _ = writeln!(
            out,
            "| corpus ({} specs, one run each) | {:.2} MB | - | {:.0} ms | {:.0} ms | - | {rss} | {ratio} |",
            corpus.len(),
            corpus_mb,
            corpus_time.as_secs_f64() * 1000.0,
            per_mb(corpus_time, corpus_bytes)
        );
    }
    let corpus_per_mb = (corpus_bytes > 0).then(|| per_mb(corpus_time, corpus_bytes));
    let mut measured = Vec::new();
    for (input, copies) in &inputs {
        println!("  generating {} ...", input.label);
        match generate(input) {
            Ok(c) => {
                let stages: Vec<String> = c.stages.iter().map(|d| format!("{:.0}", per_mb(*d, input.bytes))).collect();
                let vs = corpus_per_mb.map(|base| format!(" ({:.2}× the corpus)", per_mb(c.total, input.bytes) / base)).unwrap_or_default();
                let rss = c.rss_kb.map(|kb| format!("{:.0} MB", kb as f64 / 1024.0)).unwrap_or_else(|| "-".into());
                let ratio = c.rss_kb.map(|kb| format!("{:.1}×", kb as f64 * 1024.0 / input.bytes as f64)).unwrap_or_else(|| "-".into());
                println!("  {}: {:.1} s, {:.0} ms/MB{vs}, peak RSS {rss}", input.label, c.total.as_secs_f64(), per_mb(c.total, input.bytes));
                measured.push((input.label.clone(), per_mb(c.total, input.bytes), c.rss_kb.map(|kb| kb as f64 * 1024.0 / input.bytes as f64)));
                let _ = writeln!(
                    out,
                    "| {} ({copies} corpus copies) | {:.1} MB | {} | {:.1} s | {:.0} ms{vs} | {} ms | {rss} | {ratio} |",
                    input.label,
                    input.bytes as f64 / 1_048_576.0,
                    c.operations,
                    c.total.as_secs_f64(),
                    per_mb(c.total, input.bytes),
                    stages.join(" / ")
                );
            }
            Err(e) => {
                let _ = writeln!(out, "| {} | {:.1} MB | failed: {} | | | | | |", input.label, input.bytes as f64 / 1_048_576.0, e.lines().next().unwrap_or_default());
            }
        }
    }
    out.push_str(&format!(
        "\nLinear cost shows as equal per-MB time for the quarter and the full synthetic spec: the target counts it as linear when \
         the full spec's per-MB time is at most {LINEAR_BOUND}× the quarter's (4× the input). Memory: peak RSS under 15× the full spec's size.\n\n"
    ));
    Report { markdown: out, measured }
}

/// How much more per MB the full synthetic spec may cost than the quarter (4× the input) and
/// still count as linear: a 20% allowance for a machine shared with other builds.
pub const LINEAR_BOUND: f64 = 1.2;
