//! Embeds the hand-written runtime into the generator, so the binary is self-contained and every
//! runtime file is picked up without listing it by hand: `templates/runtime/*.rs` (the runtime
//! crate's sources, copied into crates that carry their own runtime) and `templates/local/*.rs`
//! (what every generated crate compiles itself, whichever way it gets the rest).

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates");
    let mut out = String::new();
    for (konst, folder, what) in [
        ("RUNTIME_FILES", "runtime", "The runtime crate's source files"),
        ("LOCAL_FILES", "local", "The runtime files every generated crate compiles itself"),
    ] {
        let dir = root.join(folder);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().to_string()).filter(|n| n.ends_with(".rs")).collect())
            .unwrap_or_default();
        names.sort();
        out.push_str(&format!("/// {what}: (name, contents), sorted by name.\npub const {konst}: &[(&str, &str)] = &[\n"));
        for n in &names {
            let path = dir.join(n);
            println!("cargo:rerun-if-changed={}", path.display());
            out.push_str(&format!("    ({n:?}, include_str!({:?})),\n", path.display().to_string()));
        }
        out.push_str("];\n");
    }
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    if let Err(e) = std::fs::write(Path::new(&out_dir).join("runtime_files.rs"), out) {
        println!("cargo:warning=cannot write runtime_files.rs: {e}");
    }
}
