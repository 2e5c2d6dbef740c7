//! Feeds arbitrary bytes through the whole pipeline (load, normalize, emit). Any panic, abort,
//! stack overflow or out-of-memory is a finding; an `Err` with diagnostics is a correct refusal.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = openapi_forge::Options { crate_name: "fuzzed".into(), spec_label: "fuzz.yaml".into() };
    match openapi_forge::generate_files("fuzz.yaml", data, &opts) {
        Ok(generated) => {
            // Something was generated: it must at least name its files and not be empty.
            assert!(generated.files.iter().any(|f| f.path == "src/lib.rs"));
        }
        Err(e) => {
            // A refusal must say where and why.
            assert!(!e.diagnostics.is_empty(), "an error without diagnostics");
            for d in &e.diagnostics {
                assert!(d.pointer.starts_with('#'), "pointer {:?} is not a URI-fragment JSON pointer", d.pointer);
                assert!(!d.message.is_empty());
            }
        }
    }
});
