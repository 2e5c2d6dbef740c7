//! Many specs into one crate (`generator/tests/multi/*.yaml`): what is shared and how every name
//! is decided (a snapshot), names that stay put when specs come and go, and every feature of the
//! committed fixture crate (`generator/tests/clients/multi`) compiling on its own.

mod support;

use openapi_forge::{Generator, Input, Settings};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn spec(name: &str) -> PathBuf {
    support::crate_dir().join("tests/multi").join(format!("{name}.yaml"))
}

fn generate(names: &[&str]) -> openapi_forge::Output {
    let mut g = Generator::new(Settings::crate_named("fixture-multi"));
    for n in names {
        g.input(Input::from_file(spec(n)).unwrap_or_else(|e| panic!("{e}")));
    }
    g.generate().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn linking_decisions_snapshot() {
    support::assert_snapshot("multi.model.txt", &generate(&["alpha", "beta", "gamma", "delta"]).model_text());
}

/// Every public name a group offers: its types (defined or re-exported, under the group's own
/// names) and the items of its operations module, with the operations file's text.
fn group_names(out: &openapi_forge::Output, group: &str) -> (Vec<String>, String) {
    let file = |name: &str| {
        out.files()
            .iter()
            .find(|f| f.path == format!("src/{group}/{name}"))
            .map(|f| f.contents.clone())
            .unwrap_or_else(|| panic!("no src/{group}/{name}"))
    };
    let mut names = Vec::new();
    for line in file("types.rs").lines().chain(file("operations.rs").lines()).map(str::trim) {
        for kw in ["pub struct ", "pub enum ", "pub async fn ", "pub fn "] {
            if let Some(rest) = line.strip_prefix(kw) {
                names.push(rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("").to_string());
            }
        }
        if let Some(rest) = line.strip_prefix("pub use ") {
            let local = rest.trim_end_matches(';').rsplit([':', ' ']).next().unwrap_or("");
            names.push(local.to_string());
        }
    }
    names.sort();
    (names, file("operations.rs"))
}

#[test]
fn adding_or_removing_a_spec_renames_nothing_in_the_others() {
    let runs: Vec<(&[&str], openapi_forge::Output)> = [&["alpha", "beta"][..], &["alpha", "beta", "gamma", "delta"], &["beta", "delta"], &["alpha", "gamma"]]
        .into_iter()
        .map(|names| (names, generate(names)))
        .collect();
    let mut seen: BTreeMap<&str, (Vec<String>, String)> = BTreeMap::new();
    for (names, out) in &runs {
        for group in names.iter() {
            let now = group_names(out, group);
            assert!(!now.0.is_empty(), "{group} offers nothing");
            match seen.get(group) {
                Some(before) => {
                    assert_eq!(before.0, now.0, "the names of {group} changed when the specs became {names:?}");
                    assert_eq!(before.1, now.1, "the operations of {group} changed when the specs became {names:?}");
                }
                None => {
                    seen.insert(group, now);
                }
            }
        }
    }
    // The same names a group gets when it is generated alone, as a single-spec crate.
    let alone = Generator::new(Settings::crate_named("alone"))
        .input(Input::from_file(spec("alpha")).unwrap_or_else(|e| panic!("{e}")))
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    let types = alone.files().iter().find(|f| f.path == "src/types.rs").map(|f| f.contents.clone()).unwrap_or_default();
    for name in ["ApiKey", "ObjectMeta", "Failure", "ErrorBody"] {
        assert!(types.contains(&format!("pub struct {name} ")), "alone: {name}");
        assert!(seen["alpha"].0.contains(&name.to_string()), "multi: {name}");
    }
}

#[test]
fn a_type_two_groups_share_is_one_type_and_a_differing_one_is_not() {
    let out = generate(&["alpha", "beta", "gamma", "delta"]);
    let shared = out.files().iter().find(|f| f.path == "src/shared.rs").map(|f| f.contents.clone()).unwrap_or_default();
    for name in ["Failure", "ErrorBody", "ObjectMeta"] {
        assert_eq!(shared.matches(&format!("pub struct {name} ")).count(), 1, "{name} in shared.rs:\n{shared}");
    }
    // Each group keeps its own ApiKey: alpha's and beta's shapes differ.
    assert!(!shared.contains("pub struct ApiKey"), "{shared}");
    // Failure is compiled for every group that uses it, ObjectMeta not for gamma.
    assert!(shared.contains(r#"#[cfg(any(feature = "alpha", feature = "beta", feature = "delta", feature = "gamma"))]"#), "{shared}");
    assert!(shared.contains(r#"#[cfg(any(feature = "alpha", feature = "beta", feature = "delta"))]"#), "{shared}");
    let manifest = out.files().iter().find(|f| f.path == "Cargo.toml").map(|f| f.contents.clone()).unwrap_or_default();
    assert!(manifest.contains(r#"default = ["alpha", "beta", "delta", "gamma"]"#), "{manifest}");
}

#[test]
fn every_feature_compiles_alone_and_together() {
    let root = support::crate_dir().join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let sets: &[&[&str]] = &[&[], &["alpha"], &["beta"], &["gamma"], &["delta"], &["alpha", "delta"]];
    for features in sets {
        let mut cmd = std::process::Command::new(&cargo);
        cmd.current_dir(&root).args(["clippy", "-q", "-p", "fixture-multi", "--all-targets", "--no-default-features"]);
        if !features.is_empty() {
            cmd.args(["--features", &features.join(",")]);
        }
        let out = cmd.args(["--", "-D", "warnings"]).output().unwrap_or_else(|e| panic!("cargo: {e}"));
        assert!(out.status.success(), "features {features:?}:\n{}", String::from_utf8_lossy(&out.stderr));
    }
}
