//! Generation over many specs in one process, for profilers (`perf record -g`, callgrind):
//! `cargo run --release --example profile_corpus -- [--rounds N] [--stage floor|load|normalize|all] SPEC...`.
//! Prints per-stage totals (load, normalize, emit), and the time and output size of formatting
//! alone (prettyplease over the emitted files, re-parsed), so its cost per emitted KB is known.

use std::time::{Duration, Instant};

fn main() {
    let mut rounds = 1usize;
    let mut stage = "all".to_string();
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(1),
            "--stage" => stage = args.next().unwrap_or_default(),
            _ => paths.push(a),
        }
    }
    let specs: Vec<(String, Vec<u8>)> = paths.iter().map(|p| (p.clone(), std::fs::read(p).unwrap_or_default())).collect();
    let mut totals = [Duration::ZERO; 3];
    let mut emitted = 0usize;
    for _ in 0..rounds {
        for (path, bytes) in &specs {
            if stage == "floor" {
                // The bench's parse floor: serde_yaml into openapiv3, nothing else.
                let t = Instant::now();
                let parsed = serde_yaml::from_slice::<openapiv3::OpenAPI>(bytes);
                totals[0] += t.elapsed();
                drop(parsed);
                continue;
            }
            let t0 = Instant::now();
            let Ok(raw) = openapi_forge::load::load_bytes(path, bytes) else {
                eprintln!("{path}: load failed");
                continue;
            };
            totals[0] += t0.elapsed();
            if stage == "load" {
                continue;
            }
            let t1 = Instant::now();
            let Ok(model) = openapi_forge::normalize::normalize(&raw) else {
                eprintln!("{path}: normalize failed");
                continue;
            };
            totals[1] += t1.elapsed();
            if stage == "normalize" {
                continue;
            }
            let t2 = Instant::now();
            let opts = openapi_forge::emit::EmitOptions { crate_name: "profile".into(), spec_label: "profile.yaml".into(), runtime: Default::default() };
            let files = openapi_forge::emit::emit_crate(&model, &opts).unwrap_or_default();
            totals[2] += t2.elapsed();
            emitted += files.iter().filter(|f| f.path.ends_with(".rs") && !f.path.starts_with("src/runtime/")).map(|f| f.contents.len()).sum::<usize>();
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0 / rounds as f64;
    println!("per round: load {:.1} ms, normalize {:.1} ms, emit {:.1} ms", ms(totals[0]), ms(totals[1]), ms(totals[2]));
    println!("emitted (without runtime) {:.0} KB per round", emitted as f64 / 1024.0 / rounds as f64);
}
