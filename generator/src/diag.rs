//! Diagnostics: every problem names the file and the JSON pointer of the node at fault.

use std::fmt;

// The JSON-pointer helpers live in `crate::json`; re-exported here for existing callers.
pub use crate::json::{child, escape_token};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation went on, with the construct approximated or defaulted.
    Warning,
    /// Generation cannot produce a correct crate.
    Error,
}

/// One problem found in a spec, located by file and JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// The spec file, as given by the caller.
    pub file: String,
    /// RFC 6901 JSON pointer in URI-fragment form, e.g. `#/paths/~1pets/get`.
    pub pointer: String,
    /// Line and column (1-based) when the parser knows them.
    pub location: Option<(usize, usize)>,
    /// What is wrong, and where useful, what was done about it.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}", terminal_safe(&self.file))?;
        if let Some((line, col)) = self.location {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": {}: {}", terminal_safe(&self.pointer), terminal_safe(&self.message))
    }
}

/// Spec text in a message printed to a terminal: control and bidirectional characters are
/// shown escaped (`\u{202e}`), so a spec cannot move the cursor, rewrite lines or reorder text.
fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().map(|c| if unsafe_char(c) { c.escape_unicode().to_string() } else { c.to_string() }).collect())
}

/// Generation failed; carries every error found (several where possible), and the warnings seen before.
#[derive(Debug, Clone)]
pub struct GenerateError {
    /// The problems, errors first.
    pub diagnostics: Vec<Diagnostic>,
}

impl GenerateError {
    /// One error at one place.
    pub fn single(file: &str, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        GenerateError {
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                file: file.to_string(),
                pointer: pointer.into(),
                location: None,
                message: message.into(),
            }],
        }
    }

    /// A failure that is not about the spec's content (I/O on the output, formatting).
    pub fn io(file: &str, message: impl Into<String>) -> Self {
        Self::single(file, "#", message)
    }
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for d in self.diagnostics.iter().filter(|d| d.severity == Severity::Error) {
            if !first {
                writeln!(f)?;
            }
            first = false;
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for GenerateError {}

/// Collects diagnostics for one spec file while a layer works.
#[derive(Debug, Default)]
pub struct Diagnostics {
    file: String,
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collector for `file`.
    pub fn new(file: &str) -> Self {
        Diagnostics { file: file.to_string(), items: Vec::new() }
    }

    /// The file the diagnostics are about.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Records a warning at `pointer`.
    pub fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.push(Severity::Warning, pointer, message.into());
    }

    /// Records an error at `pointer`; generation fails at the end of the layer.
    pub fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.push(Severity::Error, pointer, message.into());
    }

    fn push(&mut self, severity: Severity, pointer: &str, message: String) {
        let d = Diagnostic { severity, file: self.file.clone(), pointer: pointer.to_string(), location: None, message };
        // The same construct reached twice (a shared component, both directions) is reported once.
        if !self.items.contains(&d) {
            self.items.push(d);
        }
    }

    /// True when an error was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Ends the layer: the warnings when there is no error, else every diagnostic as the error.
    pub fn finish(self) -> Result<Vec<Diagnostic>, GenerateError> {
        if self.has_errors() {
            let mut diagnostics = self.items;
            diagnostics.sort_by_key(|d| std::cmp::Reverse(d.severity));
            Err(GenerateError { diagnostics })
        } else {
            Ok(self.items)
        }
    }

    /// The warnings and errors so far.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }
}

/// Where the parts of a bundled document came from (see `load::bundle`): a pointer in the
/// bundled tree (an entry bundled into `components/*`, a path item copied in) and the file and
/// pointer it was read from. Diagnostics on the bundled tree are moved back with [`Self::relocate`].
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// The file the bundled tree is named by in diagnostics.
    root_file: String,
    /// Bundled pointer -> (file, pointer in that file).
    origins: std::collections::HashMap<String, (String, String)>,
}

impl Provenance {
    /// Nothing bundled yet, for the document named `root_file`.
    pub fn new(root_file: &str) -> Self {
        Provenance { root_file: root_file.to_string(), origins: Default::default() }
    }

    /// Records that the subtree at `bundled` was read from `pointer` in `file`.
    pub fn record(&mut self, bundled: &str, file: &str, pointer: &str) {
        self.origins.insert(bundled.to_string(), (file.to_string(), pointer.to_string()));
    }

    /// True when nothing came from another file.
    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }

    /// Moves a diagnostic about the bundled tree to the file and pointer its node came from
    /// (the nearest recorded ancestor); others are left as they are.
    pub fn relocate(&self, d: &mut Diagnostic) {
        if self.origins.is_empty() || d.file != self.root_file {
            return;
        }
        let mut prefix = d.pointer.as_str();
        loop {
            if let Some((file, origin)) = self.origins.get(prefix) {
                let rest = &d.pointer[prefix.len()..];
                d.pointer = if origin == "#" { format!("#{rest}") } else { format!("{origin}{rest}") };
                d.file = file.clone();
                // The position the parser gave was in the bundled tree's root file.
                d.location = None;
                return;
            }
            match prefix.rfind('/') {
                Some(i) => prefix = &prefix[..i],
                None => return,
            }
        }
    }

    /// [`Self::relocate`] on every diagnostic.
    pub fn relocate_all(&self, diags: &mut [Diagnostic]) {
        for d in diags {
            self.relocate(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_cannot_drive_the_terminal() {
        let d = Diagnostic {
            severity: Severity::Warning,
            file: "a\u{1b}[2Jb.yaml".into(),
            pointer: "#/x\ry".into(),
            location: None,
            message: "scheme \u{202e}evil\n".into(),
        };
        let shown = d.to_string();
        assert!(!shown.chars().any(|c| c.is_control() || c == '\u{202e}'), "{shown:?}");
        assert!(shown.contains("\\u{202e}evil"), "{shown}");
    }
}
