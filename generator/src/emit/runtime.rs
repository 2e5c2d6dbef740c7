//! Which parts of the hand-written runtime a generated crate gets.
//!
//! Why: the runtime is copied into every crate and compiled with it, so for a small API it is
//! most of `cargo check` (see BENCHMARKS.md, "Profile of a generated crate's compile"). Some of
//! its modules only serve features an API may not have: `multipart.rs` builds
//! `multipart/form-data` bodies from typed form structs, `patch.rs` is the three-state field of
//! sent-only types, `pagination.rs` walks paginated lists. The generator knows whether the model uses them, so it decides here, as
//! plain data ([`RuntimePlan`]), and the copy follows the plan: the files left out are not
//! written, and their `mod` declarations and re-exports are dropped from the runtime's `mod.rs`.
//!
//! A module can only be optional if no other runtime module names it (the runtime keeps that
//! true: `RequestSpec::multipart` lives in `multipart.rs`, not in `request.rs`; `PageLimits` and
//! `PaginationError`, which the client and `Error` name, live in `page_limits.rs`); the template
//! crate (`templates/`) always compiles and tests the whole runtime.

use super::RUNTIME_FILES;
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

/// The runtime files (name, text) of a crate with `plan`: the omitted modules' files left out,
/// and `mod.rs` without their declarations and re-exports. An error if `mod.rs` does not declare
/// an omitted module in the expected form (one `mod name;` line, re-exports on single
/// `pub use self::name::…;` lines): the runtime changed in a way this copy does not follow.
pub fn runtime_files(plan: &RuntimePlan) -> Result<Vec<(&'static str, String)>, String> {
    let omitted = plan.omitted();
    let mut out = Vec::new();
    for (name, text) in RUNTIME_FILES {
        let module = name.strip_suffix(".rs").unwrap_or(name);
        if omitted.contains(&module) {
            continue;
        }
        let text = if *name == "mod.rs" { mod_rs(text, &omitted)? } else { (*text).to_string() };
        out.push((*name, text));
    }
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
    fn full_plan_copies_every_file_unchanged() {
        let files = runtime_files(&RuntimePlan::FULL).unwrap();
        assert_eq!(files.len(), RUNTIME_FILES.len());
        for ((name, text), (n, t)) in files.iter().zip(RUNTIME_FILES) {
            assert_eq!((name, text.as_str()), (n, *t));
        }
    }

    #[test]
    fn empty_plan_drops_the_optional_modules_and_their_lines() {
        let plan = RuntimePlan::default();
        assert_eq!(plan.omitted(), ["multipart", "pagination", "patch"]);
        let files = runtime_files(&plan).unwrap();
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
