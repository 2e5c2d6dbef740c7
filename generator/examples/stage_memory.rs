//! Peak memory after each stage of generation (Linux): `cargo run --release --example stage_memory -- SPEC`.

fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: stage_memory SPEC");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_default();
    println!("input {} KB, peak {} KB", bytes.len() / 1024, peak_kb());
    let raw = match openapi_forge::load::load_bytes(&path, &bytes) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    println!("after load: peak {} KB", peak_kb());
    let model = match openapi_forge::normalize::normalize(&raw) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    println!("after normalize: peak {} KB", peak_kb());
    drop(raw);
    let opts = openapi_forge::emit::EmitOptions { crate_name: "big".into(), spec_label: "big".into(), runtime: Default::default() };
    let files = openapi_forge::emit::emit_crate(&model, &opts).unwrap_or_default();
    let total: usize = files.iter().map(|f| f.contents.len()).sum();
    println!("after emit: peak {} KB, output {} KB", peak_kb(), total / 1024);
}
