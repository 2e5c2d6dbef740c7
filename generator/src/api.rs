//! The library's front door: a [`Generator`] with [`Settings`] and [`Input`]s, producing an
//! [`Output`] that can be written as a crate, checked against a folder, or written as one
//! module file for a build script. The CLI, `cargo xtask` and build scripts all go through it.
//!
//! One input makes a single-spec crate (types, operations and `Client` at the crate root).
//! Several inputs make one crate with an API group per input: a module and a cargo feature named
//! after the spec's file stem, the types groups share defined once (see `link`).

use crate::diag::{Diagnostic, GenerateError};
use crate::emit::runtime::RuntimeSource;
use crate::emit::{emit_crate, multi::emit_multi_crate, EmitOptions, GeneratedFile};
use crate::link::{link, CrateModel, GroupInput};
use crate::model::NormalizedModel;
use crate::naming::{validate_crate_name, value_ident, Scope};
use crate::write::{check_crate, write_crate, CheckReport, WriteError, WriteOptions, WriteReport};
use std::path::{Path, PathBuf};

/// The JSON Schema validator the conformance suite checks response bodies with (a
/// dev-dependency of a crate generated with its suite, never of a normal client): without
/// default features it fetches nothing and resolves only references inside the document.
const CONFORMANCE_VALIDATOR: &str = "jsonschema = { version = \"0.61\", default-features = false }";

/// One spec to generate from.
#[derive(Debug, Clone)]
pub struct Input {
    /// How the spec is named in diagnostics and generated comments (a file name, not a path, so
    /// output is the same on every machine).
    pub label: String,
    /// The spec: OpenAPI YAML or JSON (chosen by content), or a documentation fragment.
    pub bytes: Vec<u8>,
    /// The API group's module name in a many-spec crate (default: from the label's file stem).
    pub group: Option<String>,
    /// Where the spec was read from, if from a file (build scripts re-run when it changes).
    pub path: Option<PathBuf>,
}

impl Input {
    /// A spec given as bytes. With no folder to read them from, `$ref`s to other files are
    /// refused (use [`Input::from_file`] for a spec published as a tree of files).
    pub fn from_bytes(label: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Input { label: label.into(), bytes: bytes.into(), group: None, path: None }
    }

    /// Reads a spec file; its label is the file name. Files its `$ref`s name
    /// (`./schemas/user.yaml`, `common.yaml#/components/schemas/Error`) are read, relative to the
    /// folder of the file each `$ref` is in, when the spec is generated.
    ///
    /// # Errors
    ///
    /// A [`GenerateError`] naming the file when it cannot be read.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, GenerateError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| GenerateError::io(&path.display().to_string(), format!("cannot read the spec: {e}")))?;
        let label = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "spec".into());
        Ok(Input { label, bytes, group: None, path: Some(path.to_path_buf()) })
    }

    /// Sets the group's module name (many-spec crates).
    pub fn group(mut self, module: impl Into<String>) -> Self {
        self.group = Some(module.into());
        self
    }
}

/// What the generated code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// A whole crate: `Cargo.toml` and `src/`.
    #[default]
    Crate,
    /// One Rust file of items, to `include!` in a module of another crate (build scripts):
    /// `pub mod api { include!(concat!(env!("OUT_DIR"), "/api.rs")); }`. One input only.
    Module,
}

/// How to generate. Made with [`Settings::crate_named`] or [`Settings::module`] and changed
/// through its `with_*` methods or fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Settings {
    /// Package name of the generated crate (checked with cargo's rules).
    pub crate_name: String,
    /// Crate or module.
    pub layout: Layout,
    /// Also write `tests/conformance.rs`: every operation called with sample inputs against a
    /// mock server of the same spec (see `cargo xtask conformance`). Single-spec crates only.
    pub conformance_suite: bool,
    /// Where a crate's runtime comes from: copied into it (the default: the crate stands
    /// alone), or the `openapi-forge-runtime` crate as a path dependency, compiled once for every
    /// crate that shares a target folder. A module file always carries its own.
    pub runtime: RuntimeSource,
}

impl Settings {
    /// A crate named `crate_name`.
    pub fn crate_named(crate_name: impl Into<String>) -> Self {
        Settings { crate_name: crate_name.into(), layout: Layout::Crate, conformance_suite: false, runtime: RuntimeSource::Copied }
    }

    /// The same settings, with or without the conformance suite (`tests/conformance.rs`).
    pub fn with_conformance_suite(mut self, on: bool) -> Self {
        self.conformance_suite = on;
        self
    }

    /// The same settings, with the runtime from the `openapi-forge-runtime` crate at `path` (its
    /// folder, as the generated manifest names it: relative to the generated crate, or absolute)
    /// instead of a copy in the crate.
    pub fn with_runtime_crate(mut self, path: impl Into<String>) -> Self {
        self.runtime = RuntimeSource::Crate { path: path.into() };
        self
    }

    /// One module file (for a build script).
    pub fn module() -> Self {
        Settings { crate_name: "generated".into(), layout: Layout::Module, conformance_suite: false, runtime: RuntimeSource::Copied }
    }
}

/// Generates Rust clients from specs.
#[derive(Debug, Clone)]
pub struct Generator {
    settings: Settings,
    inputs: Vec<Input>,
}

/// Counts of what was generated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// API groups (specs).
    pub groups: usize,
    /// Distinct Rust types defined (a type shared by several groups counts once).
    pub types: usize,
    /// Operations over all groups.
    pub operations: usize,
}

/// What a [`Generator`] produced.
#[derive(Debug, Clone)]
pub struct Output {
    files: Vec<GeneratedFile>,
    warnings: Vec<Diagnostic>,
    summary: Summary,
    inputs: Vec<PathBuf>,
    models: Vec<(String, NormalizedModel)>,
    linked: Option<CrateModel>,
}

impl Generator {
    /// A generator with these settings and no input yet.
    pub fn new(settings: Settings) -> Self {
        Generator { settings, inputs: Vec::new() }
    }

    /// Adds a spec.
    pub fn input(&mut self, input: Input) -> &mut Self {
        self.inputs.push(input);
        self
    }

    /// Runs load, normalize, link and emit.
    ///
    /// # Errors
    ///
    /// A [`GenerateError`] with every problem found, each naming its file and JSON pointer.
    pub fn generate(&self) -> Result<Output, GenerateError> {
        let settings = &self.settings;
        if let Err(why) = validate_crate_name(&settings.crate_name) {
            return Err(GenerateError::single("settings", "#", format!("invalid crate name {:?}: {why}", settings.crate_name)));
        }
        if let RuntimeSource::Crate { path } = &settings.runtime {
            // Written into the manifest as a TOML string: escaped there, but a path with control
            // or bidi characters (which the escaping would drop) or no text is no path to write.
            if path.trim().is_empty() || path.chars().any(|c| c.is_control() || crate::emit::docs::is_bidi_control(c)) {
                return Err(GenerateError::single("settings", "#", format!("invalid runtime crate path {path:?}: empty, or with control characters")));
            }
        }
        if settings.layout == Layout::Module && settings.runtime != RuntimeSource::Copied {
            return Err(GenerateError::single("settings", "#", "a module file carries its own runtime: the runtime crate is for crate layouts"));
        }
        match self.inputs.as_slice() {
            [] => Err(GenerateError::single("settings", "#", "no spec given")),
            [one] => {
                let (model, read, root) = normalize_one_with_root(one)?;
                let opts = EmitOptions { crate_name: settings.crate_name.clone(), spec_label: one.label.clone(), runtime: settings.runtime.clone() };
                let mut files = match settings.layout {
                    Layout::Crate => emit_crate(&model, &opts),
                    Layout::Module => crate::emit::emit_module(&model, &opts),
                }
                .map_err(|m| GenerateError::single(&one.label, "#", m))?;
                if settings.conformance_suite {
                    if settings.layout == Layout::Module {
                        return Err(GenerateError::single("settings", "#", "the conformance suite is a crate's test: generate a crate"));
                    }
                    let samples = crate::samples::operation_samples(&model, Some(&root));
                    let suite = crate::emit::conformance::emit_conformance_suite(&model, &samples, &settings.crate_name)
                        .map_err(|m| GenerateError::single(&one.label, "#", m))?;
                    files.push(crate::emit::GeneratedFile { path: "tests/conformance.rs".into(), contents: crate::emit::header(&one.label) + &suite });
                    // The schemas the suite validates Prism's bodies against: data, read when
                    // the suite runs, never code.
                    let schemas = crate::response_schemas::response_schemas(&root, &model);
                    let schemas = serde_json::to_string(&schemas).map_err(|e| GenerateError::single(&one.label, "#", e.to_string()))?;
                    files.push(crate::emit::GeneratedFile { path: "tests/conformance_schemas.json".into(), contents: schemas + "\n" });
                    // The validator is the suite's alone: a dev-dependency of this crate only.
                    let manifest = files.iter_mut().find(|f| f.path == "Cargo.toml");
                    match manifest {
                        Some(f) if f.contents.contains("[dev-dependencies]\n") => {
                            let mut dev = format!("[dev-dependencies]\n{CONFORMANCE_VALIDATOR}\n");
                            // The suite makes its own HTTP client: reqwest is the crate's
                            // dependency only where the runtime is copied into it.
                            if settings.runtime != RuntimeSource::Copied {
                                dev.push_str(crate::emit::runtime::REQWEST_DEPENDENCY);
                                dev.push('\n');
                            }
                            f.contents = f.contents.replacen("[dev-dependencies]\n", &dev, 1);
                        }
                        _ => return Err(GenerateError::single("settings", "#", "the conformance suite needs the crate's Cargo.toml")),
                    }
                }
                let summary = Summary { groups: 1, types: model.types.len(), operations: model.operations.len() };
                Ok(Output {
                    files,
                    warnings: model.warnings.clone(),
                    summary,
                    inputs: one.path.iter().cloned().chain(read).collect(),
                    models: vec![(one.label.clone(), model)],
                    linked: None,
                })
            }
            many => {
                if settings.layout == Layout::Module {
                    return Err(GenerateError::single("settings", "#", "the module layout takes one spec; generate a crate for several"));
                }
                if settings.conformance_suite {
                    return Err(GenerateError::single("settings", "#", "the conformance suite takes one spec per crate"));
                }
                let (krate, read) = self.link_all(many)?;
                let opts = EmitOptions { crate_name: settings.crate_name.clone(), spec_label: format!("{} specs", many.len()), runtime: settings.runtime.clone() };
                let files = emit_multi_crate(&krate, &opts).map_err(|m| GenerateError::single("settings", "#", m))?;
                let local: usize = krate.groups.iter().map(|g| g.homes.iter().filter(|h| **h == crate::link::Home::Local).count()).sum();
                let summary = Summary {
                    groups: krate.groups.len(),
                    types: local + krate.shared.len(),
                    operations: krate.groups.iter().map(|g| g.model.operations.len()).sum(),
                };
                let warnings = krate.groups.iter().flat_map(|g| g.model.warnings.iter().cloned()).collect();
                let inputs = many.iter().filter_map(|i| i.path.clone()).chain(read).collect();
                let models = krate.groups.iter().map(|g| (g.module.clone(), g.model.clone())).collect();
                Ok(Output { files, warnings, summary, inputs, models, linked: Some(krate) })
            }
        }
    }

    /// Normalizes every input (all their errors are reported together) and links them.
    fn link_all(&self, inputs: &[Input]) -> Result<(CrateModel, Vec<PathBuf>), GenerateError> {
        let mut errors = Vec::new();
        let mut read_all = Vec::new();
        let mut groups = Vec::new();
        // Module names: from the group given, else the file stem; never a name the crate root
        // uses itself.
        // `blocking` and `default` are cargo features of every generated crate: a group named
        // so is renamed (`blocking_2`, feature `blocking-2`) rather than refused.
        const FEATURE_NAMES: &[&str] = &["blocking", "default"];
        let mut scope = Scope::with_reserved(&["runtime", "shared", "new", "builder", "transport", "blocking", "default"]);
        for input in inputs {
            let stem = input.group.clone().unwrap_or_else(|| stem_of(&input.label));
            let wanted = value_ident(&stem, "api");
            if !scope.is_free(&wanted) && !FEATURE_NAMES.contains(&wanted.as_str()) {
                errors.push(Diagnostic {
                    severity: crate::diag::Severity::Error,
                    file: input.label.clone(),
                    pointer: "#".into(),
                    location: None,
                    message: format!("two specs make the same API group `{wanted}`: give one of them another group name"),
                });
                continue;
            }
            let module = scope.claim(wanted);
            match normalize_one(input) {
                // The feature is the module name in kebab case, without the `_` a keyword
                // stem gets (`type.yaml` -> module `type_`, feature `type`).
                Ok((model, read)) => {
                    read_all.extend(read);
                    groups.push(GroupInput {
                        feature: module.trim_end_matches('_').replace('_', "-"),
                        module,
                        label: input.label.clone(),
                        model,
                    })
                }
                Err(e) => errors.extend(e.diagnostics),
            }
        }
        if !errors.is_empty() {
            return Err(GenerateError { diagnostics: errors });
        }
        Ok((link(groups), read_all))
    }
}

/// The model of one input, and the other files its `$ref`s made us read.
fn normalize_one(input: &Input) -> Result<(NormalizedModel, Vec<PathBuf>), GenerateError> {
    normalize_one_with_root(input).map(|(model, read, _)| (model, read))
}

/// [`normalize_one`], with the document the model came from (sample values read examples and
/// constraints there).
fn normalize_one_with_root(input: &Input) -> Result<(NormalizedModel, Vec<PathBuf>, serde_json::Value), GenerateError> {
    // Diagnostics name the file as the user gave it; generated text only ever has the label.
    let file = input.path.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| input.label.clone());
    // From a file, `$ref`s to other files resolve against its folder; from bytes they are refused.
    let raw = crate::load::load_source(&file, &input.bytes, input.path.as_deref())?;
    let model = crate::normalize::normalize(&raw)?;
    Ok((model, raw.files.clone(), raw.root))
}

/// The file stem of a label (`apikeys-v2.yaml` -> `apikeys-v2`).
fn stem_of(label: &str) -> String {
    Path::new(label).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| label.to_string())
}

impl Output {
    /// The generated files (paths relative to the crate root, or the module file's name).
    pub fn files(&self) -> &[GeneratedFile] {
        &self.files
    }

    /// What was defaulted or approximated, each with its file and JSON pointer.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Counts of groups, types and operations.
    pub fn summary(&self) -> Summary {
        self.summary
    }

    /// The normalized model of every group as readable text (what snapshot tests compare);
    /// for several groups, the linking decisions first.
    pub fn model_text(&self) -> String {
        let mut out = self.linked.as_ref().map(CrateModel::to_text).unwrap_or_default();
        for (name, model) in &self.models {
            if self.models.len() > 1 {
                out.push_str(&format!("== group {name}\n"));
            }
            out.push_str(&model.to_text());
        }
        out
    }

    /// Writes the crate into `dir`, replacing only files the generator wrote there before (see
    /// [`crate::write`]).
    ///
    /// # Errors
    ///
    /// A [`WriteError`] when `dir` is not generator output (unless adopted), is locked by
    /// another run, holds a symlink on the way to a generated file, or cannot be written.
    pub fn write_crate(&self, dir: &Path, opts: &WriteOptions) -> Result<WriteReport, WriteError> {
        let mut opts = opts.clone();
        opts.protect.extend(self.inputs.iter().cloned());
        write_crate(dir, &self.files, &opts)
    }

    /// The runtime crate (`openapi-forge-runtime`: its manifest and sources), which crates
    /// generated with [`Settings::with_runtime_crate`] depend on, as an output to write or check
    /// like a generated crate.
    pub fn runtime_crate() -> Output {
        Output {
            files: crate::emit::runtime::runtime_crate_files(),
            warnings: Vec::new(),
            summary: Summary::default(),
            inputs: Vec::new(),
            models: Vec::new(),
            linked: None,
        }
    }

    /// Compares the crate with what is in `dir`, changing nothing.
    ///
    /// # Errors
    ///
    /// A [`WriteError`] when `dir` cannot be read.
    pub fn check_crate(&self, dir: &Path) -> Result<CheckReport, WriteError> {
        check_crate(dir, &self.files)
    }

    /// Writes the module file (layout [`Layout::Module`]) to `path`.
    ///
    /// # Errors
    ///
    /// The I/O error, or `InvalidInput` when the output is a crate.
    pub fn write_module(&self, path: &Path) -> std::io::Result<()> {
        match self.files.as_slice() {
            [one] if one.path.ends_with(".rs") => std::fs::write(path, &one.contents),
            _ => Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "the output is a crate, not a module: use Layout::Module")),
        }
    }

    /// For build scripts: writes the module file as `$OUT_DIR/<file_name>` and prints
    /// `cargo:rerun-if-changed` for every spec read from a file, and every file its `$ref`s
    /// named. Returns the path written.
    ///
    /// # Errors
    ///
    /// `NotFound` when `OUT_DIR` is not set (not in a build script), or the I/O error.
    pub fn write_to_out_dir(&self, file_name: &str) -> std::io::Result<PathBuf> {
        let out = std::env::var_os("OUT_DIR")
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "OUT_DIR is not set: call this from a build script"))?;
        let path = Path::new(&out).join(file_name);
        self.write_module(&path)?;
        for input in &self.inputs {
            println!("cargo:rerun-if-changed={}", input.display());
        }
        Ok(path)
    }
}
