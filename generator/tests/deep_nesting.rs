//! Inline schemas nested up to the 400-level limit: type names stay short at any depth, and
//! the crate raises rustc's recursion limit so its drop check does not overflow (the crate
//! itself is compiled by the hostile suite: `hostile/deep_nesting_390.json`).

use openapi_forge::{Generator, Input, Settings};

#[test]
fn deep_inline_schemas_get_short_names_and_a_recursion_limit() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile/deep_nesting_390.json");
    let mut generator = Generator::new(Settings::crate_named("deep"));
    generator.input(Input::from_file(spec).unwrap_or_else(|e| panic!("{e}")));
    let out = generator.generate().unwrap_or_else(|e| panic!("{e}"));
    let file = |path: &str| out.files().iter().find(|f| f.path == path).map(|f| f.contents.clone()).unwrap_or_default();
    let names: Vec<String> = file("src/types.rs")
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub struct "))
        .map(|r| r.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("").to_string())
        .collect();
    assert_eq!(names.len(), 391, "one struct per level");
    let longest = names.iter().map(String::len).max().unwrap_or(0);
    assert!(longest <= 64, "a name grew with depth: {longest} characters");
    assert!(file("src/lib.rs").contains("#![recursion_limit = \"1024\"]"), "{}", file("src/lib.rs"));
}
