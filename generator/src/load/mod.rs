//! Load layer: spec bytes (YAML or JSON, full document or documentation fragment) to a raw spec.
//!
//! serde_yaml is archived upstream, so it stays behind this module: the rest of the generator sees
//! a `serde_json::Value` tree (for JSON-pointer lookups of schemas) and the `openapiv3` skeleton.
//!
//! Hostile input is refused here, fast and with a place to point at:
//! - **Alias bombs**: YAML anchors that expand to billions of nodes. serde_yaml's own guard (a
//!   jump count proportional to the number of events) lets a quadratic bomb through: one big
//!   anchor referenced many times. The tree is built by our own visitor with a node budget
//!   proportional to the input size, so memory and time stay bounded.
//! - **Deep nesting**: serde_yaml and serde_json both stop at 128 nested mappings and sequences,
//!   and a 120-level schema is about 240 of them. When a parser stops there, the too-deep
//!   subtree is cut out of the text (block YAML by indentation, flow YAML and JSON by bracket
//!   matching), parsed on its own and grafted back, with line and column numbers preserved.
//!   Up to [`MAX_DOCUMENT_DEPTH`] levels are read this way; deeper is refused.
//! - **Exponential work**: `openapiv3`'s schema type is an untagged enum, and a malformed schema
//!   nested a few dozen levels deep makes it retry every variant at every level (2^depth). The
//!   skeleton is therefore read from the tree while every Schema Object in it is replaced by
//!   `{}`: schemas are only ever read from [`RawSpec::root`], by the normalizer.
//! - **Wrong kinds**: when the skeleton does not deserialize, each part is checked on its own so
//!   every problem is reported with the JSON pointer of the node at fault, not of its ancestor.
//!
//! The work is split by job, each in its own file, and this file only runs them in order:
//! - `parse`: text to a `serde_json::Value` tree (the budgeted visitor, cut-and-graft).
//! - `bundle`: specs published as trees of files; every relative file `$ref` is read once and
//!   bundled into the one tree, with a [`Provenance`] map so diagnostics name the original file
//!   and pointer. Callbacks (never generated) are dropped here too.
//! - `repair`: fills in what documentation fragments and sloppy specs leave out, with warnings.
//! - `skeleton`: the stubbed `openapiv3` skeleton, and the `check_*` pass that gives precise
//!   pointers when it does not deserialize; `accept`: the structural test that spares a 3.0
//!   document the typed check when its shape certainly passes it.
//! - The schema-keyword lint is schema semantics, so it lives in `normalize::lint`; JSON-pointer
//!   helpers live in [`crate::json`].

mod accept;
mod bundle;
mod parse;
mod repair;
mod skeleton;

pub use crate::json::kind_of;

pub use crate::diag::Provenance;

use crate::diag::{Diagnostic, Diagnostics, GenerateError};
use crate::normalize::lint::warn_unsupported_keywords;
use bundle::{bundle, drop_callbacks};
use parse::parse_tree;
use repair::{complete_fragment, warn_unknown_operation_keys, warn_webhooks};
use serde_json::Value;
use skeleton::check_skeleton;

/// A parsed spec, before normalization.
#[derive(Debug)]
pub struct RawSpec {
    /// The file name used in diagnostics.
    pub file: String,
    /// The whole document as a JSON tree, after defaults were filled in: the one representation
    /// every later layer reads, by JSON pointer. Its structure (outside schemas) has been checked
    /// against OpenAPI 3.0's by deserializing a schema-less copy into `openapiv3` types, which is
    /// then dropped.
    pub root: Value,
    /// What the loader defaulted or ignored.
    pub warnings: Vec<Diagnostic>,
    /// Where the parts bundled from other files came from: later layers report on the bundled
    /// tree and move their diagnostics back with it.
    pub provenance: Provenance,
    /// The other files the spec's `$ref`s named, as read (build scripts re-run when they change).
    pub files: Vec<std::path::PathBuf>,
}

/// The HTTP methods of a Path Item Object (OpenAPI 3.0).
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Largest spec read, in bytes. Peak memory is a small multiple of the input (see
/// BENCHMARKS.md), so this keeps one run within a few GiB.
pub const MAX_INPUT_BYTES: usize = 128 << 20;
/// Deepest nesting of mappings and sequences read from a document (across cut-and-graft passes).
pub const MAX_DOCUMENT_DEPTH: usize = 1000;

/// Reads and parses a spec file, with the files its `$ref`s name (relative to its folder).
pub fn load_file(path: &std::path::Path) -> Result<RawSpec, GenerateError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| GenerateError::io(&file, format!("cannot read the spec: {e}")))?;
    load_source(&file, &bytes, Some(path))
}

/// Parses spec bytes; `file` only names the source in diagnostics. JSON or YAML is chosen by
/// content, not by extension. There is no folder: `$ref`s to other files are refused.
pub fn load_bytes(file: &str, bytes: &[u8]) -> Result<RawSpec, GenerateError> {
    load_source(file, bytes, None)
}

/// Parses spec bytes read from `path` (when given, `$ref`s to other files are resolved against
/// its folder); `file` names the spec in diagnostics.
pub fn load_source(file: &str, bytes: &[u8], path: Option<&std::path::Path>) -> Result<RawSpec, GenerateError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(GenerateError::single(
            file,
            "#",
            format!(
                "the spec is {} MiB; the limit is {} MiB (a spec this large is almost certainly generated or corrupt; split it into several specs)",
                bytes.len() >> 20,
                MAX_INPUT_BYTES >> 20
            ),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let mut err = GenerateError::single(file, "#", format!("the spec is not UTF-8 text: {e}"));
        let upto = bytes.get(..e.valid_up_to()).unwrap_or(bytes);
        let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
        let col = upto.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        err.diagnostics[0].location = Some((line, col));
        err
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(GenerateError::single(file, "#", "the spec file is empty"));
    }
    let mut parse_diags = Diagnostics::new(file);
    let root = parse_tree(file, text, &mut parse_diags)?;
    let mut warnings = parse_diags.finish()?;
    let bundled = bundle(file, text, root, path)?;
    warnings.extend(bundled.warnings);
    let provenance = bundled.provenance;
    let files = bundled.files;
    let mut root = bundled.root;
    // From here on, diagnostics are about the bundled tree: moved back to their files.
    let relocated = |mut e: GenerateError| {
        provenance.relocate_all(&mut e.diagnostics);
        e.diagnostics.extend(warnings.iter().cloned());
        e
    };
    let mut diags = Diagnostics::new(file);
    complete_fragment(&mut root, &mut diags).map_err(relocated)?;
    drop_callbacks(&mut root, &mut diags);
    warn_unknown_operation_keys(&root, &mut diags);
    warn_webhooks(&root, &mut diags);
    // The skeleton only validates: every problem gets the pointer of the node at fault.
    let (checked, schema_ptrs) = check_skeleton(file, &mut root);
    warn_unsupported_keywords(&root, &schema_ptrs, &mut diags);
    checked.map_err(relocated)?;
    let mut later = diags.finish().map_err(relocated)?;
    provenance.relocate_all(&mut later);
    warnings.extend(later);
    Ok(RawSpec { file: file.to_string(), root, warnings, provenance, files })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let bytes = vec![b'#'; MAX_INPUT_BYTES + 1];
        let e = load_bytes("big.yaml", &bytes).err().unwrap_or_else(|| panic!("accepted"));
        assert!(e.diagnostics[0].message.contains("the limit is 128 MiB"), "{e}");
        assert_eq!(e.diagnostics[0].file, "big.yaml");
    }
}
