//! Helpers shared by the generator's integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The generator crate's folder.
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compares `actual` with the snapshot file, or rewrites it when `UPDATE_SNAPSHOTS=1`.
pub fn assert_snapshot(name: &str, actual: &str) {
    let path = crate_dir().join("tests/snapshots").join(name);
    if std::env::var("UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing snapshot {}: run with UPDATE_SNAPSHOTS=1 to create it", path.display()));
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(10)
            .map(|(i, (a, b))| format!("line {}:\n  expected: {a}\n  actual:   {b}", i + 1))
            .collect();
        panic!(
            "snapshot {} differs ({} vs {} lines); rerun with UPDATE_SNAPSHOTS=1 if intended\n{}",
            path.display(),
            expected.lines().count(),
            actual.lines().count(),
            diff.join("\n")
        );
    }
}

/// Loads and normalizes a spec file.
pub fn model_of(path: &Path) -> openapi_forge::NormalizedModel {
    let raw = openapi_forge::load::load_file(path).unwrap_or_else(|e| panic!("{e}"));
    openapi_forge::normalize::normalize(&raw).unwrap_or_else(|e| panic!("{e}"))
}

/// The seed spec committed in `spec/`.
pub fn seed_path() -> PathBuf {
    crate_dir().join("../spec/update-api-key.yaml")
}

/// The corpus folder (`$OPENAPI_CORPUS`, default `../shared/specs` beside the workspace).
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("OPENAPI_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir().join("../../shared/specs"));
    if dir.join("confluent").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n*** CORPUS MISSING: {} has no confluent/ folder; set OPENAPI_CORPUS to ../shared/specs. Skipping. ***\n",
            dir.display()
        );
        None
    }
}
