//! Calls survive spec growth: one caller (`growth/caller.rs`), written against v1 of a spec,
//! compiles unchanged (under clippy `-D warnings`) against the crate generated from v2, which
//! adds optional query and header parameters, a documented error status, optional fields and an
//! operation. A `Params` struct argument, or an exhaustive error enum, would break it.

mod support;

#[test]
fn a_v1_caller_compiles_against_v1_and_v2() {
    let root = support::crate_dir().join("tests/growth");
    let ws = support::crate_dir().join("../target/growth-ws");
    let _ = std::fs::remove_dir_all(&ws);
    std::fs::create_dir_all(&ws).expect("scratch workspace");
    let caller = std::fs::read_to_string(root.join("caller.rs")).expect("caller");
    let mut members = Vec::new();
    for version in ["v1", "v2"] {
        let spec = root.join(format!("{version}.yaml"));
        let bytes = std::fs::read(&spec).expect("spec");
        let crate_name = format!("growth-{version}");
        let opts = openapi_forge::Options { crate_name: crate_name.clone(), spec_label: format!("{version}.yaml") };
        let generated = openapi_forge::generate_files(&spec.display().to_string(), &bytes, &opts).expect("generates");
        let dir = ws.join(&crate_name);
        openapi_forge::write_crate(&dir, &generated.files).expect("write crate");
        std::fs::create_dir_all(dir.join("examples")).expect("examples folder");
        let source = format!("use growth_{version} as api;\n{caller}");
        std::fs::write(dir.join("examples/caller.rs"), source).expect("write caller");
        members.push(crate_name);
    }
    let out = support::cargo_in_scratch_workspace(
        &ws,
        &members,
        &["clippy", "--workspace", "--examples", "--message-format=short", "--", "-D", "warnings"],
    );
    assert!(out.status.success(), "the v1 caller must compile against both:\n{}", String::from_utf8_lossy(&out.stderr));
}
