//! Which parts of the hand-written runtime a generated crate gets, and how.
//!
//! Two layouts ([`RuntimeSource`]):
//!
//! * **The runtime crate** (`openapi-forge-runtime`, `templates/runtime/`) as a dependency. Why:
//!   the runtime is most of a small API's `cargo check` when it is compiled with the crate (see
//!   BENCHMARKS.md, "Profile of a generated crate's compile"); as a crate it is compiled once
//!   per target folder, however many generated crates share it, like any other dependency.
//! * **Copied** into the crate's `src/runtime/`, so that the crate stands alone (and a build
//!   script's module, which cannot depend on a crate the generator writes).
//!
//! Either way the crate compiles `templates/local/` itself: the request builder `Call`, whose
//! setters are inherent methods (allowed only on a local type), and the macros generated code
//! invokes. Those files name the rest of the runtime through the runtime module's root only
//! (`super::Client`), which the copy's `mod.rs` and the crate's re-export both provide.
//!
//! Some runtime modules only serve features an API may not have: `multipart.rs` builds
//! `multipart/form-data` bodies from typed form structs, `patch.rs` is the three-state field of
//! sent-only types, `pagination.rs` walks paginated lists. The generator knows whether the model
//! uses them, so it decides here, as plain data ([`RuntimePlan`]), and the copy follows the
//! plan: the files left out are not written, and their `mod` declarations and re-exports are
//! dropped from the runtime's `mod.rs`. The same plan decides the builder's local parts
//! (`call_pages.rs`, `call_multipart.rs`) in both layouts; the runtime crate itself is whole.
//!
//! A module can only be optional if no other runtime module names it (the runtime keeps that
//! true: `RequestSpec::multipart` lives in `multipart.rs`, not in `request.rs`; `PageLimits` and
//! `PaginationError`, which the client and `Error` name, live in `page_limits.rs`); the template
//! crates (`templates/`) always compile and test the whole runtime.

use super::{LOCAL_FILES, RUNTIME_FILES};
use crate::model::NormalizedModel;

/// The optional runtime modules a crate needs. Every other runtime module is always copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RuntimePlan {
    /// `multipart.rs` (`Multipart`, `FilePart`): some operation's body is a form struct the
    /// client encodes as `multipart/form-data`.
    pub multipart: bool,
    /// `patch.rs` (`Patch`): some type has a three-state (absent / null / value) field.
    pub patch: bool,
    /// `pagination.rs` (the page walkers): some operation is a paginated list.
    pub pagination: bool,
}

impl RuntimePlan {
    /// Every optional module: what the template crate compiles.
    pub const FULL: RuntimePlan = RuntimePlan { multipart: true, patch: true, pagination: true };

    /// What one API's model uses.
    pub fn of(model: &NormalizedModel) -> Self {
        use crate::model::TypeKind;
        RuntimePlan {
            multipart: model.operations.iter().any(|op| op.body.as_ref().is_some_and(|b| b.multipart.is_some())),
            patch: model.types.iter().any(|t| matches!(&t.kind, TypeKind::Struct { fields, .. } if fields.iter().any(|f| f.patch))),
            pagination: model.operations.iter().any(|op| op.pagination.is_some()),
        }
    }

    /// What a crate of several APIs needs: every module one of them needs.
    pub fn union(self, other: RuntimePlan) -> Self {
        RuntimePlan {
            multipart: self.multipart || other.multipart,
            patch: self.patch || other.patch,
            pagination: self.pagination || other.pagination,
        }
    }

    /// The optional modules left out, by module name, sorted.
    pub fn omitted(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if !self.multipart {
            out.push("multipart");
        }
        if !self.pagination {
            out.push("pagination");
        }
        if !self.patch {
            out.push("patch");
        }
        out
    }
}

/// Where a generated crate's runtime comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RuntimeSource {
    /// Copied into the crate's `src/runtime/` (only the modules its [`RuntimePlan`] needs): the
    /// crate depends on nothing the generator wrote.
    #[default]
    Copied,
    /// The `openapi-forge-runtime` crate at `path` (the folder `templates/runtime/`, or a copy of
    /// it): written into the manifest as a path dependency, so relative to the generated crate's
    /// folder unless absolute.
    Crate {
        /// The runtime crate's folder.
        path: String,
    },
}

/// The runtime crate's package name, as a generated manifest names it.
pub const RUNTIME_CRATE: &str = "openapi-forge-runtime";

/// The runtime crate's manifest (`templates/runtime/Cargo.toml`).
const RUNTIME_MANIFEST: &str = include_str!("../../../templates/runtime/Cargo.toml");

/// The runtime crate's version, from its manifest's `[package]` table.
pub fn runtime_version() -> &'static str {
    RUNTIME_MANIFEST
        .lines()
        .find_map(|l| l.strip_prefix("version = \"").and_then(|v| v.strip_suffix('"')))
        .unwrap_or("0.0.0")
}

/// The runtime crate as files (its manifest and every source file, as they are in
/// `templates/runtime/`), for crates made with [`RuntimeSource::Crate`] to depend on.
pub fn runtime_crate_files() -> Vec<super::GeneratedFile> {
    let mut files = vec![super::GeneratedFile { path: "Cargo.toml".into(), contents: RUNTIME_MANIFEST.into() }];
    files.extend(RUNTIME_FILES.iter().map(|(name, text)| super::GeneratedFile { path: (*name).into(), contents: (*text).into() }));
    files
}

/// What generated code names itself (types, bodies, page streams); the rest of a manifest's
/// dependencies is the runtime's.
const CODE_DEPENDENCIES: &str = r#"bytes = "1"
chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }
futures = { version = "0.3", default-features = false, features = ["std"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
"#;

/// What a copy of the runtime needs besides [`CODE_DEPENDENCIES`] (the runtime crate's own
/// dependencies, `templates/runtime/Cargo.toml`; a test there keeps the two lists equal).
const COPIED_RUNTIME_DEPENDENCIES: &str = r#"fastrand = "2"
percent-encoding = "2"
serde_path_to_error = "0.1"
tokio = { version = "1", features = ["fs", "time"] }
tracing = "0.1"
"#;

/// reqwest as the runtime depends on it: a copy of the runtime needs it, and so does the
/// conformance suite, which makes its own HTTP client.
pub(crate) const REQWEST_DEPENDENCY: &str = r#"reqwest = { version = "0.13", default-features = false, features = ["rustls", "stream"] }"#;

impl RuntimeSource {
    /// The manifest's `[dependencies]` lines, and the list its `blocking` feature enables.
    pub(crate) fn manifest(&self) -> (String, String) {
        match self {
            RuntimeSource::Copied => (sorted_lines(&[CODE_DEPENDENCIES, COPIED_RUNTIME_DEPENDENCIES, REQWEST_DEPENDENCY]), "\"tokio/rt\"".into()),
            RuntimeSource::Crate { path } => {
                // The exact version this generator's local files were written against: a
                // runtime folder from another release is refused by cargo, saying so.
                let runtime = format!("{RUNTIME_CRATE} = {{ path = {}, version = \"={}\" }}\n", super::docs::toml_string(path), runtime_version());
                (sorted_lines(&[CODE_DEPENDENCIES, &runtime]), super::docs::toml_string(&format!("{RUNTIME_CRATE}/blocking")))
            }
        }
    }
}

/// The lines of `parts`, sorted (a manifest's dependencies in name order).
fn sorted_lines(parts: &[&str]) -> String {
    let mut lines: Vec<&str> = parts.iter().flat_map(|p| p.lines()).collect();
    lines.sort_unstable();
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// The `mod.rs` of a crate that depends on the runtime crate: everything of it re-exported,
/// the local files declared after this.
const CRATE_MOD_RS: &str = "\
//! The hand-written client support: the `openapi-forge-runtime` crate (its documentation
//! describes each piece), re-exported whole, and the request builder [`Call`], which is
//! compiled in this crate because its setters are inherent methods of `Call<Operation>`.

pub use openapi_forge_runtime::*;
";

/// The `mod` lines of the local files a crate with `plan` gets, for the end of its runtime's
/// `mod.rs`.
fn local_mod_lines(plan: &RuntimePlan) -> String {
    let mut out = String::from(
        "\n// Compiled in this crate whichever way it gets the rest of the runtime: the request\n\
         // builder (its setters are inherent methods, allowed only on a local type) and the\n\
         // macros generated code invokes.\n",
    );
    // One `mod` line per local file the crate gets, in name order: the same files
    // `runtime_files` writes.
    for (name, _) in LOCAL_FILES.iter().filter(|(name, _)| local_file_wanted(name, plan)) {
        out.push_str(&format!("mod {};\n", name.trim_end_matches(".rs")));
    }
    out.push_str("\npub use self::call::Call;\n#[allow(unused_imports)]\npub(crate) use self::macros::{api_client, open_enum, serde_struct};\n");
    out
}

/// Whether a local file belongs in a crate with `plan`.
fn local_file_wanted(name: &str, plan: &RuntimePlan) -> bool {
    match name {
        "call_multipart.rs" => plan.multipart,
        "call_pages.rs" => plan.pagination,
        _ => true,
    }
}

/// The files (name, text) of the `src/runtime/` folder of a crate with `plan` whose runtime
/// comes from `source`, sorted by name. Copied: the runtime's files without the omitted
/// modules, and `mod.rs` without their declarations and re-exports. Either way: the local
/// files the plan wants, declared at the end of `mod.rs`. An error if `mod.rs` does not declare
/// an omitted module in the expected form (one `mod name;` line, re-exports on single
/// `pub use self::name::…;` lines): the runtime changed in a way this copy does not follow.
pub fn runtime_files(plan: &RuntimePlan, source: &RuntimeSource) -> Result<Vec<(&'static str, String)>, String> {
    let mut out = Vec::new();
    match source {
        RuntimeSource::Copied => {
            let omitted = plan.omitted();
            for (name, text) in RUNTIME_FILES {
                let module = name.strip_suffix(".rs").unwrap_or(name);
                if omitted.contains(&module) {
                    continue;
                }
                let text = if *name == "mod.rs" { mod_rs(text, &omitted)? + &local_mod_lines(plan) } else { (*text).to_string() };
                out.push((*name, text));
            }
        }
        RuntimeSource::Crate { .. } => out.push(("mod.rs", CRATE_MOD_RS.to_string() + &local_mod_lines(plan))),
    }
    for (name, text) in LOCAL_FILES {
        if local_file_wanted(name, plan) {
            out.push((*name, (*text).to_string()));
        }
    }
    out.sort_by(|a, b| a.0.cmp(b.0));
    Ok(out)
}

/// `mod.rs` without the lines that declare or re-export the `omitted` modules.
fn mod_rs(text: &str, omitted: &[&str]) -> Result<String, String> {
    let mut declared = vec![false; omitted.len()];
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim();
        let mut drop = false;
        for (i, m) in omitted.iter().enumerate() {
            if t == format!("mod {m};") || t == format!("pub mod {m};") {
                declared[i] = true;
                drop = true;
            } else if let Some(rest) = t.strip_prefix(&format!("pub use self::{m}::")) {
                if !rest.ends_with(';') {
                    return Err(format!("internal error: runtime mod.rs re-exports `{m}` over several lines"));
                }
                drop = true;
            }
        }
        if !drop {
            out.push_str(line);
            out.push('\n');
        }
    }
    if let Some(i) = declared.iter().position(|d| !d) {
        return Err(format!("internal error: runtime mod.rs has no `mod {};` line", omitted[i]));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_plan_copies_every_file_unchanged_and_declares_the_local_ones() {
        let files = runtime_files(&RuntimePlan::FULL, &RuntimeSource::Copied).unwrap();
        assert_eq!(files.len(), RUNTIME_FILES.len() + LOCAL_FILES.len());
        for (n, t) in RUNTIME_FILES.iter().chain(LOCAL_FILES) {
            let text = &files.iter().find(|(name, _)| name == n).unwrap().1;
            if *n == "mod.rs" {
                assert!(text.starts_with(t) && text.ends_with(&local_mod_lines(&RuntimePlan::FULL)));
            } else {
                assert_eq!(text, t, "{n}");
            }
        }
        // A local file never takes a runtime file's name.
        for (n, _) in LOCAL_FILES {
            assert!(!RUNTIME_FILES.iter().any(|(r, _)| r == n), "{n} is in both folders");
        }
    }

    #[test]
    fn a_crate_with_the_runtime_crate_gets_only_the_local_files() {
        let source = RuntimeSource::Crate { path: "../runtime".into() };
        let files = runtime_files(&RuntimePlan::default(), &source).unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["call.rs", "macros.rs", "mod.rs"]);
        let mod_rs = &files[2].1;
        assert!(mod_rs.contains("pub use openapi_forge_runtime::*;") && mod_rs.contains("mod call;\nmod macros;"), "{mod_rs}");
        let full = runtime_files(&RuntimePlan::FULL, &source).unwrap();
        assert_eq!(full.iter().map(|(n, _)| *n).collect::<Vec<_>>(), ["call.rs", "call_multipart.rs", "call_pages.rs", "macros.rs", "mod.rs"]);
        // The path is TOML-escaped, and the `blocking` feature is the runtime crate's.
        let (dependencies, blocking) = RuntimeSource::Crate { path: "a\"b".into() }.manifest();
        assert!(dependencies.contains(&format!("\nopenapi-forge-runtime = {{ path = \"a\\\"b\", version = \"={}\" }}\n", runtime_version())), "{dependencies}");
        // The version is the runtime crate's own (and the generator's: they are released together).
        assert_eq!(runtime_version(), env!("CARGO_PKG_VERSION"));
        assert!(!dependencies.contains("reqwest"), "{dependencies}");
        assert_eq!(blocking, "\"openapi-forge-runtime/blocking\"");
    }

    #[test]
    fn a_copied_runtime_gets_the_runtime_crates_dependencies() {
        // The runtime crate's `[dependencies]`, line for line, are in a copy's manifest.
        let (dependencies, _) = RuntimeSource::Copied.manifest();
        let section = RUNTIME_MANIFEST.split("[dependencies]\n").nth(1).unwrap().split("\n[").next().unwrap();
        let wanted: Vec<&str> = section.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
        assert!(!wanted.is_empty());
        for line in wanted {
            assert!(dependencies.lines().any(|d| d == line), "{line} is not in a copy's dependencies:\n{dependencies}");
        }
    }

    #[test]
    fn empty_plan_drops_the_optional_modules_and_their_lines() {
        let plan = RuntimePlan::default();
        assert_eq!(plan.omitted(), ["multipart", "pagination", "patch"]);
        let files = runtime_files(&plan, &RuntimeSource::Copied).unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
        for gone in ["multipart.rs", "pagination.rs", "patch.rs"] {
            assert!(!names.contains(&gone), "{names:?}");
        }
        assert!(names.contains(&"client.rs") && names.contains(&"page_limits.rs"), "{names:?}");
        let mod_rs = &files.iter().find(|(n, _)| *n == "mod.rs").unwrap().1;
        for gone in ["mod multipart;", "mod patch;", "mod pagination;", "self::multipart::", "self::patch::", "self::pagination::"] {
            assert!(!mod_rs.contains(gone), "{gone} still in mod.rs");
        }
        assert!(mod_rs.contains("mod request;") && mod_rs.contains("pub use self::request::"));
        // No other runtime file names a module that may be left out.
        for (name, text) in &files {
            for m in plan.omitted() {
                assert!(!text.contains(&format!("super::{m}")), "{name} refers to super::{m}");
            }
        }
    }

    #[test]
    fn union_keeps_what_either_needs() {
        let a = RuntimePlan { multipart: true, patch: false, pagination: true };
        let b = RuntimePlan { multipart: false, patch: true, pagination: false };
        assert_eq!(a.union(b), RuntimePlan::FULL);
        assert_eq!(RuntimePlan::default().union(a), a);
    }

    #[test]
    fn a_re_export_over_several_lines_is_refused() {
        let text = "mod patch;\npub use self::patch::{\n    Patch,\n};\n";
        assert!(mod_rs(text, &["patch"]).unwrap_err().contains("several lines"));
        assert!(mod_rs("mod other;\n", &["patch"]).unwrap_err().contains("no `mod patch;`"));
    }
}
