//! Interleaved A/B measurement, next to criterion's.
//!
//! Criterion measures one function after the other. On a shared machine the load can change
//! between the two, and then the ratio of two medians taken minutes apart is mostly noise. Here
//! the variants take turns instead: each round times a block of iterations of every variant, with
//! the order rotated from round to round. The ratio is computed within each round, and the median
//! over the rounds is reported. A change in load hits both sides of a round alike.
//!
//! Two clocks are read around every block:
//! * wall time;
//! * the CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`, Linux). Time the thread spends
//!   descheduled by other processes does not count, and neither does time spent waiting on a
//!   socket. For the client bench this is the client's own cost per request, including the tokio
//!   runtime driving the connection on this thread. It excludes the server thread, which does
//!   the same work for both sides.
//!
//! The result is printed. When `FORGE_BENCH_OUT` names a folder (as `cargo xtask bench` does), it
//! is also written there as `<name>.json`. `FORGE_BENCH_ROUNDS` overrides the number of rounds
//! (`0` skips this measurement).

use std::time::Instant;

/// A variant: its name and a function that runs `n` iterations of it.
pub type Variant<'a> = (&'a str, Box<dyn FnMut(usize) + 'a>);

/// CPU time consumed by the calling thread so far, in ns.
#[cfg(target_os = "linux")]
fn thread_cpu_ns() -> Option<f64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given, which lives on this stack frame.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then_some(ts.tv_sec as f64 * 1e9 + ts.tv_nsec as f64)
}

#[cfg(not(target_os = "linux"))]
fn thread_cpu_ns() -> Option<f64> {
    None
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// Per-variant median per iteration, and per-round ratios to the baseline.
fn summarize(per_iter: &[Vec<f64>], base: usize, i: usize) -> serde_json::Value {
    let mut times = per_iter[i].clone();
    times.sort_by(f64::total_cmp);
    let mut ratios: Vec<f64> = per_iter[i]
        .iter()
        .zip(&per_iter[base])
        .map(|(a, b)| a / b)
        .collect();
    ratios.sort_by(f64::total_cmp);
    serde_json::json!({
        "median_ns": percentile(&times, 0.5),
        "ratio_to_baseline": {
            "median": percentile(&ratios, 0.5),
            "p25": percentile(&ratios, 0.25),
            "p75": percentile(&ratios, 0.75),
        },
    })
}

/// Runs `rounds` rounds of `block` iterations of every variant (after one warm-up block each),
/// then reports each variant's median time per iteration, and each variant's per-round ratio to
/// `baseline` (median and quartiles), for wall time and for thread CPU time.
pub fn run(
    name: &str,
    rounds: usize,
    block: usize,
    baseline: &str,
    mut variants: Vec<Variant<'_>>,
) {
    let rounds = std::env::var("FORGE_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(rounds);
    if rounds == 0 {
        println!("{name}: interleaved measurement skipped (FORGE_BENCH_ROUNDS=0)");
        return;
    }
    for (_, f) in variants.iter_mut() {
        f(block);
    }
    let n = variants.len();
    let mut wall: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); n];
    let mut cpu: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); n];
    let mut have_cpu = thread_cpu_ns().is_some();
    for round in 0..rounds {
        for k in 0..n {
            let i = (round + k) % n;
            let cpu_start = thread_cpu_ns();
            let start = Instant::now();
            (variants[i].1)(block);
            let elapsed = start.elapsed();
            wall[i].push(elapsed.as_secs_f64() * 1e9 / block as f64);
            match (cpu_start, thread_cpu_ns()) {
                (Some(a), Some(b)) => cpu[i].push((b - a) / block as f64),
                _ => have_cpu = false,
            }
        }
    }
    let base = variants
        .iter()
        .position(|(v, _)| *v == baseline)
        .expect("the baseline is one of the variants");
    let mut out = serde_json::Map::new();
    out.insert("rounds".into(), rounds.into());
    out.insert("block".into(), block.into());
    out.insert("baseline".into(), baseline.into());
    println!("{name}: interleaved, {rounds} rounds of {block} iterations per variant");
    for (i, (variant, _)) in variants.iter().enumerate() {
        let w = summarize(&wall, base, i);
        let c = have_cpu.then(|| summarize(&cpu, base, i));
        let show = |v: &serde_json::Value| {
            let r = &v["ratio_to_baseline"];
            format!(
                "{:>10.0} ns/iter, / {baseline}: {:.3} [{:.3} - {:.3}]",
                v["median_ns"].as_f64().unwrap_or(f64::NAN),
                r["median"].as_f64().unwrap_or(f64::NAN),
                r["p25"].as_f64().unwrap_or(f64::NAN),
                r["p75"].as_f64().unwrap_or(f64::NAN),
            )
        };
        println!(
            "  {variant:<26} wall {}   thread CPU {}",
            show(&w),
            c.as_ref().map(show).unwrap_or_else(|| "n/a".into())
        );
        out.insert(
            (*variant).to_string(),
            serde_json::json!({ "wall": w, "cpu": c }),
        );
    }
    if let Some(dir) = std::env::var_os("FORGE_BENCH_OUT") {
        let dir = std::path::PathBuf::from(dir);
        let written = std::fs::create_dir_all(&dir).and_then(|()| {
            std::fs::write(
                dir.join(format!("{name}.json")),
                serde_json::Value::Object(out).to_string(),
            )
        });
        if let Err(e) = written {
            eprintln!("{name}: cannot write the interleaved result: {e}");
        }
    }
}
