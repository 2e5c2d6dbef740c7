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
//!   skeleton is therefore read from a copy of the tree where every Schema Object is replaced by
//!   `{}`: schemas are only ever read from [`RawSpec::root`], by the normalizer.
//! - **Wrong kinds**: when the skeleton does not deserialize, each part is checked on its own so
//!   every problem is reported with the JSON pointer of the node at fault, not of its ancestor.

use crate::diag::{child, Diagnostic, Diagnostics, GenerateError};
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

/// A parsed spec, before normalization.
#[derive(Debug)]
pub struct RawSpec {
    /// The file name used in diagnostics.
    pub file: String,
    /// The whole document as a JSON tree, after defaults were filled in. Schemas are read from here.
    pub root: Value,
    /// The typed skeleton (paths, operations, parameters, responses, components). Every Schema
    /// Object in it is a stub (`{}`): read schemas from [`RawSpec::root`] at the same pointer.
    pub api: openapiv3::OpenAPI,
    /// What the loader defaulted or ignored.
    pub warnings: Vec<Diagnostic>,
}

/// Keys an operation object may carry besides `x-` extensions (OpenAPI 3.0).
const OPERATION_KEYS: &[&str] = &[
    "tags", "summary", "description", "externalDocs", "operationId", "parameters", "requestBody",
    "responses", "callbacks", "deprecated", "security", "servers",
];
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Largest spec read, in bytes. Peak memory is a small multiple of the input (see
/// BENCHMARKS.md), so this keeps one run within a few GiB.
pub const MAX_INPUT_BYTES: usize = 128 << 20;
/// Deepest nesting of mappings and sequences read from a document (across cut-and-graft passes).
pub const MAX_DOCUMENT_DEPTH: usize = 1000;
/// The nesting depth at which serde_yaml and serde_json stop (fixed in both).
const PARSER_DEPTH: usize = 127;
/// Most subtrees cut out and grafted back in one document.
const MAX_SPLICES: usize = 256;

/// Schema keywords the generator does not model: reported, then ignored.
const UNSUPPORTED_SCHEMA_KEYWORDS: &[(&str, &str)] = &[
    ("not", "`not` is not supported: the constraint is ignored"),
    ("if", "`if`/`then`/`else` are not supported (JSON Schema, not OpenAPI 3.0): ignored"),
    ("then", "`if`/`then`/`else` are not supported (JSON Schema, not OpenAPI 3.0): ignored"),
    ("else", "`if`/`then`/`else` are not supported (JSON Schema, not OpenAPI 3.0): ignored"),
    ("const", "`const` is not supported (OpenAPI 3.1): the value is not checked"),
    ("prefixItems", "`prefixItems` is not supported (OpenAPI 3.1): ignored"),
    ("patternProperties", "`patternProperties` is not supported (OpenAPI 3.1): ignored"),
    ("propertyNames", "`propertyNames` is not supported (OpenAPI 3.1): ignored"),
    ("unevaluatedProperties", "`unevaluatedProperties` is not supported (OpenAPI 3.1): ignored"),
    ("unevaluatedItems", "`unevaluatedItems` is not supported (OpenAPI 3.1): ignored"),
    ("dependentSchemas", "`dependentSchemas` is not supported (OpenAPI 3.1): ignored"),
    ("dependentRequired", "`dependentRequired` is not supported (OpenAPI 3.1): ignored"),
    ("contains", "`contains` is not supported: ignored"),
    ("$defs", "`$defs` is not supported (OpenAPI 3.1): put shared schemas under #/components/schemas"),
    ("$dynamicRef", "`$dynamicRef` is not supported (OpenAPI 3.1): ignored"),
    ("anyOf", "`anyOf` is read like `oneOf`: a value decodes as the first variant that fits"),
];

/// Reads and parses a spec file.
pub fn load_file(path: &std::path::Path) -> Result<RawSpec, GenerateError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| GenerateError::io(&file, format!("cannot read the spec: {e}")))?;
    load_bytes(&file, &bytes)
}

/// Parses spec bytes; `file` only names the source in diagnostics. JSON or YAML is chosen by
/// content, not by extension.
pub fn load_bytes(file: &str, bytes: &[u8]) -> Result<RawSpec, GenerateError> {
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
    let mut diags = Diagnostics::new(file);
    let mut root = parse_tree(file, text, &mut diags)?;
    complete_fragment(&mut root, &mut diags)?;
    warn_unknown_operation_keys(&root, &mut diags);
    // The skeleton is the tree without its schemas. Schemas are most of a spec, so instead of
    // cloning the whole tree and stubbing the copy, they are taken out, the rest is cloned, and
    // they are put back: peak memory stays near one tree, not two.
    let mut taken = Vec::new();
    stub_schemas(&mut root, &mut taken);
    let skeleton = root.clone();
    let mut schema_ptrs = Vec::with_capacity(taken.len());
    for Taken { pointer, value, schema } in taken.into_iter().rev() {
        if let Some(slot) = root.pointer_mut(pointer.trim_start_matches('#')) {
            *slot = value;
        }
        if schema {
            schema_ptrs.push(pointer);
        }
    }
    schema_ptrs.reverse();
    warn_unsupported_keywords(&root, &schema_ptrs, &mut diags);
    let api = deserialize_skeleton(file, &skeleton)?;
    let warnings = diags.finish()?;
    Ok(RawSpec { file: file.to_string(), root, api, warnings })
}

// ---------------------------------------------------------------------------------------------
// Text to tree.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    Json,
    Yaml,
}

/// A parse failure in absolute coordinates of the original text.
#[derive(Debug)]
struct ParseFailure {
    message: String,
    pointer: String,
    location: Option<(usize, usize)>,
}

/// State shared by every pass over one document.
struct ParseState {
    /// Nodes that may still be created (alias bombs run out of these).
    nodes_left: u64,
    node_budget: u64,
    /// Text parsed so far, across cut-and-graft passes.
    parsed_bytes: usize,
    max_parsed_bytes: usize,
    splices: usize,
    /// Path of the node being read: on a failure it is left where the failure happened.
    path: Vec<String>,
    /// Pointer (without `#`) of the piece being parsed within the whole document.
    base: String,
    /// Warnings (pointer, message) found while reading.
    warnings: Vec<(String, String)>,
    /// Set when the node budget ran out (so the message can say why).
    budget_exhausted: bool,
}

impl ParseState {
    fn pointer(&self) -> String {
        let mut p = format!("#{}", self.base);
        for t in &self.path {
            p = child(&p, t);
        }
        p
    }
}

fn parse_tree(file: &str, text: &str, diags: &mut Diagnostics) -> Result<Value, GenerateError> {
    // A real spec has far fewer nodes than bytes; aliases are what make a document expand.
    let budget = 250_000u64.saturating_add((text.len() as u64).saturating_mul(2));
    let new_state = || {
        RefCell::new(ParseState {
            nodes_left: budget,
            node_budget: budget,
            parsed_bytes: 0,
            max_parsed_bytes: text.len().saturating_mul(8).saturating_add(4 << 20),
            splices: 0,
            path: Vec::new(),
            base: String::new(),
            warnings: Vec::new(),
            budget_exhausted: false,
        })
    };
    let looks_like_json = matches!(text.trim_start().chars().next(), Some('{') | Some('['));
    let result = if looks_like_json {
        let state = new_state();
        match parse_spliced(text, Format::Json, &state, 0, 0) {
            Ok(v) => Ok((v, state)),
            Err(json_err) => {
                // YAML flow style also starts with `{`: a document that is not JSON may be YAML.
                let yaml_state = new_state();
                match parse_spliced(text, Format::Yaml, &yaml_state, 0, 0) {
                    Ok(v) => Ok((v, yaml_state)),
                    Err(yaml_err) => {
                        let first_key_quoted = text.trim_start().get(1..).is_some_and(|r| r.trim_start().starts_with(['"', '}', ']', '[', '{']));
                        Err(if first_key_quoted { (json_err, "JSON") } else { (yaml_err, "YAML") })
                    }
                }
            }
        }
    } else {
        let state = new_state();
        match parse_spliced(text, Format::Yaml, &state, 0, 0) {
            Ok(v) => Ok((v, state)),
            Err(e) => Err((e, "YAML")),
        }
    };
    match result {
        Ok((v, state)) => {
            for (ptr, msg) in state.into_inner().warnings {
                diags.warn(&ptr, msg);
            }
            Ok(v)
        }
        Err((f, what)) => {
            let mut err = GenerateError::single(file, f.pointer, format!("invalid {what}: {}", f.message));
            err.diagnostics[0].location = f.location;
            Err(err)
        }
    }
}

/// Parses `text` (whose first line is line `line_offset + 1` of the original), cutting out and
/// grafting back subtrees that are nested too deep for the parser.
fn parse_spliced(text: &str, format: Format, state: &RefCell<ParseState>, line_offset: usize, depth: usize) -> Result<Value, ParseFailure> {
    let mut current = text.to_string();
    let mut grafts: HashMap<String, Value> = HashMap::new();
    loop {
        {
            let mut st = state.borrow_mut();
            st.parsed_bytes = st.parsed_bytes.saturating_add(current.len());
            if st.parsed_bytes > st.max_parsed_bytes {
                return Err(ParseFailure {
                    message: format!("too many subtrees nested deeper than {PARSER_DEPTH} levels to read them all"),
                    pointer: st.pointer(),
                    location: None,
                });
            }
            st.path.clear();
        }
        let attempt = parse_once(&current, format, state);
        let (message, location) = match attempt {
            Ok(mut value) => {
                if !grafts.is_empty() {
                    graft(&mut value, &mut grafts);
                }
                return Ok(value);
            }
            Err(e) => e,
        };
        let (pointer, exhausted, node_budget) = {
            let st = state.borrow();
            (st.pointer(), st.budget_exhausted, st.node_budget)
        };
        let absolute = location.map(|(l, c)| (l + line_offset, c));
        let message = shift_line_numbers(&message, line_offset);
        if exhausted {
            return Err(ParseFailure {
                message: format!(
                    "the document expands to more than {node_budget} nodes (YAML aliases copied over and over: an alias bomb?); reading stopped"
                ),
                pointer,
                location: absolute,
            });
        }
        if message.starts_with("repetition limit exceeded") {
            return Err(ParseFailure {
                message: format!("{message}: YAML aliases expand to too many nodes (an alias bomb?); reading stopped"),
                pointer,
                location: absolute,
            });
        }
        if !message.starts_with("recursion limit exceeded") {
            return Err(ParseFailure { message, pointer, location: absolute });
        }
        let too_deep = |why: &str| ParseFailure {
            message: format!("mappings and sequences nested deeper than {} levels{why}", depth + PARSER_DEPTH),
            pointer: pointer.clone(),
            location: absolute,
        };
        if depth + PARSER_DEPTH >= MAX_DOCUMENT_DEPTH {
            return Err(ParseFailure {
                message: format!("mappings and sequences nested deeper than {MAX_DOCUMENT_DEPTH} levels"),
                pointer,
                location: absolute,
            });
        }
        let Some((line, col)) = location else { return Err(too_deep("")) };
        {
            let mut st = state.borrow_mut();
            st.splices += 1;
            if st.splices > MAX_SPLICES {
                drop(st);
                return Err(too_deep(&format!(" in more than {MAX_SPLICES} places")));
            }
        }
        let placeholder = {
            let mut n = grafts.len();
            loop {
                let p = format!("__openapi_forge_graft_{n}_{}__", text.len());
                if !text.contains(&p) && !grafts.contains_key(&p) {
                    break p;
                }
                n += 1;
            }
        };
        let Some(cut) = find_cut(&current, line, col, format, &placeholder) else {
            return Err(too_deep(": the deep part could not be split off to read it on its own"));
        };
        let saved_base = state.borrow().base.clone();
        state.borrow_mut().base = pointer.trim_start_matches('#').to_string();
        let piece = parse_spliced(&cut.piece, format, state, line_offset + line - 1, depth + PARSER_DEPTH);
        state.borrow_mut().base = saved_base;
        let piece = piece.map_err(|mut f| {
            if f.message.contains("unknown anchor") {
                f.message.push_str(" (the anchor is outside a part nested too deep for the parser, which is read on its own)");
            }
            f
        })?;
        grafts.insert(placeholder, piece);
        current = cut.outer;
    }
}

/// Replaces grafted placeholders by their subtrees.
fn graft(v: &mut Value, grafts: &mut HashMap<String, Value>) {
    match v {
        Value::String(s) => {
            if let Some(g) = grafts.remove(s.as_str()) {
                *v = g;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| graft(i, grafts)),
        Value::Object(map) => map.values_mut().for_each(|i| graft(i, grafts)),
        _ => {}
    }
}

/// Adds `offset` to every "line N" in a parser message (the piece's lines are relative).
fn shift_line_numbers(message: &str, offset: usize) -> String {
    if offset == 0 {
        return message.to_string();
    }
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("line ") {
        let (before, after) = rest.split_at(i + 5);
        out.push_str(before);
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        match digits.parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&digits),
        }
        rest = &after[digits.len()..];
    }
    out.push_str(rest);
    out
}

/// One parser run over `text`; on failure, the message (without serde's position suffix) and
/// the position (1-based line and column) when the parser knows it.
fn parse_once(text: &str, format: Format, state: &RefCell<ParseState>) -> Result<Value, (String, Option<(usize, usize)>)> {
    match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let v = NodeSeed { state }.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
            v.map_err(|e| {
                let loc = (e.line() > 0).then(|| (e.line(), e.column()));
                (strip_position(&e.to_string()), loc)
            })
        }
        Format::Yaml => {
            let de = serde_yaml::Deserializer::from_str(text);
            NodeSeed { state }.deserialize(de).map_err(|e| {
                let loc = e.location().map(|l| (l.line(), l.column()));
                (e.to_string(), loc)
            })
        }
    }
}

/// serde_json appends " at line N column M"; the diagnostic carries the position itself.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_string(),
        _ => message.to_string(),
    }
}

/// Builds a `serde_json::Value` from any serde deserializer, counting nodes against the budget
/// and tracking the path for diagnostics.
#[derive(Clone, Copy)]
struct NodeSeed<'s> {
    state: &'s RefCell<ParseState>,
}

impl NodeSeed<'_> {
    fn take_node<E: de::Error>(&self) -> Result<(), E> {
        let mut st = self.state.borrow_mut();
        if st.nodes_left == 0 {
            st.budget_exhausted = true;
            return Err(E::custom("node budget exhausted"));
        }
        st.nodes_left -= 1;
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.take_node()?;
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        match i64::try_from(v) {
            Ok(i) => Ok(Value::Number(i.into())),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        match u64::try_from(v) {
            Ok(i) => Ok(Value::Number(i.into())),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // NaN and infinities (`.nan`, `.inf` in YAML) have no JSON form.
        Ok(Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::String(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            self.state.borrow_mut().path.push(items.len().to_string());
            // On an error the path is left as it is: it names the failing node.
            let next = seq.next_element_seed(self)?;
            self.state.borrow_mut().path.pop();
            match next {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            self.state.borrow_mut().path.push(key.clone());
            let value = map.next_value_seed(self)?;
            let mut st = self.state.borrow_mut();
            if out.contains_key(&key) {
                let ptr = st.pointer();
                st.warnings.push((ptr, format!("duplicate key {key:?}: the last one is used")));
            }
            st.path.pop();
            drop(st);
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A YAML tag serde_yaml does not know (`!Ref x`): keep the tagged value, say so.
        use de::VariantAccess;
        let (tag, variant): (String, _) = data.variant_seed(KeySeed)?;
        {
            let mut st = self.state.borrow_mut();
            let ptr = st.pointer();
            st.warnings.push((ptr, format!("YAML tag !{tag} ignored")));
        }
        variant.newtype_variant_seed(self)
    }
}

/// A mapping key: any scalar, as its text.
#[derive(Clone, Copy)]
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar mapping key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok("null".to_string())
    }
}

/// A subtree cut out of a text.
struct Cut {
    /// The subtree alone: lines before it dropped, its first line's prefix blanked, so line
    /// (relative) and column numbers stay what they were.
    piece: String,
    /// The text with the subtree replaced by the placeholder, line numbers unchanged.
    outer: String,
}

/// Byte offset of the 1-based (line, column) position, counting columns in characters.
fn byte_offset(text: &str, line: usize, col: usize) -> Option<(usize, usize)> {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)?
    };
    let rest = text.get(line_start..)?;
    let line_text = rest.split('\n').next().unwrap_or("");
    let within = match line_text.char_indices().nth(col.saturating_sub(1)) {
        Some((i, _)) => i,
        None => line_text.len(),
    };
    Some((line_start, line_start + within))
}

/// Finds the subtree that starts at the 1-based (`line`, `col`) position where a parser gave up.
fn find_cut(text: &str, line: usize, col: usize, format: Format, placeholder: &str) -> Option<Cut> {
    let (line_start, start) = byte_offset(text, line, col)?;
    let first = text.get(start..)?.chars().next()?;
    let prefix = text.get(line_start..start)?;
    let blank_prefix: String = prefix.chars().map(|_| ' ').collect();
    if matches!(first, '{' | '[') {
        let end = start + flow_end(text.get(start..)?, format)?;
        let cut_text = text.get(start..end)?;
        let newlines = cut_text.matches('\n').count();
        let mut outer = String::with_capacity(text.len());
        outer.push_str(text.get(..start)?);
        outer.push('"');
        outer.push_str(placeholder);
        outer.push('"');
        if newlines > 0 {
            outer.push_str(&"\n".repeat(newlines));
            let tail_col = cut_text.rsplit('\n').next().map_or(0, |l| l.chars().count());
            outer.push_str(&" ".repeat(tail_col));
        } else {
            let pad = cut_text.chars().count().saturating_sub(placeholder.chars().count() + 2);
            outer.push_str(&" ".repeat(pad));
        }
        outer.push_str(text.get(end..)?);
        return Some(Cut { piece: format!("{blank_prefix}{cut_text}"), outer });
    }
    if format == Format::Json {
        return None;
    }
    // Block YAML: the node is a mapping (its first key) or a sequence (its first `-`) at `col`.
    if !prefix.chars().all(|c| c == ' ' || c == '-') {
        return None;
    }
    let rest = text.get(start..)?;
    let is_seq = first == '-' && matches!(rest.chars().nth(1), None | Some(' ') | Some('\n') | Some('\r'));
    if matches!(first, '&' | '!' | '*' | '|' | '>') {
        return None;
    }
    let indent = col.saturating_sub(1);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let first_line = line.checked_sub(1)?;
    let mut last = first_line;
    for (j, l) in lines.iter().enumerate().skip(first_line + 1) {
        let content = l.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let ind = content.len() - trimmed.len();
        if ind == 0 && (trimmed.starts_with("---") || trimmed.starts_with("...")) {
            break;
        }
        let belongs = if ind > indent {
            true
        } else if ind == indent {
            if is_seq {
                trimmed == "-" || trimmed.starts_with("- ")
            } else {
                true
            }
        } else {
            false
        };
        if !belongs {
            break;
        }
        last = j;
    }
    let mut piece = blank_prefix;
    piece.push_str(lines.get(first_line)?.get(prefix.len()..)?);
    for l in lines.get(first_line + 1..=last)? {
        piece.push_str(l);
    }
    let mut outer = String::with_capacity(text.len());
    for l in lines.get(..first_line)? {
        outer.push_str(l);
    }
    // A scalar stands in for the subtree, indented a little more than it so it stays the value
    // of the same parent (a `- "placeholder"` would still be a sequence at the depth limit).
    outer.push_str(prefix);
    outer.push_str("  ");
    outer.push('"');
    outer.push_str(placeholder);
    outer.push_str("\"\n");
    outer.push_str(&"\n".repeat(last - first_line));
    for l in lines.get(last + 1..)? {
        outer.push_str(l);
    }
    Some(Cut { piece, outer })
}

/// Length in bytes of the flow collection at the start of `s` (through its closing bracket).
fn flow_end(s: &str, format: Format) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = s.char_indices().peekable();
    let mut prev = ' ';
    while let Some((i, c)) = chars.next() {
        match c {
            '"' if format == Format::Json || prev.is_whitespace() || matches!(prev, '{' | '[' | ',' | ':') => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '\'' if format == Format::Yaml && (prev.is_whitespace() || matches!(prev, '{' | '[' | ',' | ':')) => {
                while let Some((_, c)) = chars.next() {
                    if c == '\'' {
                        if chars.peek().map(|p| p.1) == Some('\'') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
            }
            '#' if format == Format::Yaml && prev.is_whitespace() => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + c.len_utf8());
                }
            }
            _ => {}
        }
        prev = c;
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Tree fix-ups.

/// Documentation fragments (like a docs page's operation) lack `openapi:` and `info:`: fill them in.
fn complete_fragment(root: &mut Value, diags: &mut Diagnostics) -> Result<(), GenerateError> {
    let file = diags.file().to_string();
    let Some(obj) = root.as_object_mut() else {
        return Err(GenerateError::single(
            &file,
            "#",
            format!("not an OpenAPI document: the top level is {}, not a mapping", kind_of(root)),
        ));
    };
    if obj.contains_key("swagger") {
        return Err(GenerateError::single(&file, "#/swagger", "Swagger 2.0 is not supported: convert the spec to OpenAPI 3.0 first"));
    }
    if let Some(Value::Number(n)) = obj.get("openapi") {
        // `openapi: 3.0` unquoted is a YAML number.
        let v = n.to_string();
        diags.warn("#/openapi", format!("`openapi` is the number {v}, read as the version string {v:?}"));
        obj.insert("openapi".into(), Value::String(v));
    }
    match obj.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0") => {}
        Some(Value::String(v)) if v.starts_with("3.") => {
            diags.warn("#/openapi", format!("OpenAPI {v} is read as 3.0: 3.1-only keywords are ignored"));
        }
        Some(Value::String(v)) => {
            return Err(GenerateError::single(&file, "#/openapi", format!("unsupported OpenAPI version {v:?}: expected 3.0.x")));
        }
        Some(other) => {
            return Err(GenerateError::single(&file, "#/openapi", format!("`openapi` must be a version string, found {}", kind_of(other))));
        }
        None => {
            if !obj.contains_key("paths") {
                let hint = if obj.contains_key("apiVersion") && obj.contains_key("kind") {
                    " (it looks like a Kubernetes manifest)"
                } else if obj.contains_key("asyncapi") {
                    " (it is an AsyncAPI document)"
                } else if obj.contains_key("$schema") {
                    " (it looks like a JSON Schema)"
                } else {
                    ""
                };
                return Err(GenerateError::single(
                    &file,
                    "#",
                    format!("not an OpenAPI document: it has neither an `openapi` version nor `paths`{hint}"),
                ));
            }
            diags.warn("#", "no `openapi` version: read as a documentation fragment of OpenAPI 3.0.3");
            obj.insert("openapi".into(), Value::String("3.0.3".into()));
        }
    }
    let stem = std::path::Path::new(&file).file_stem().and_then(|s| s.to_str()).unwrap_or("api").to_string();
    match obj.get_mut("info") {
        None => {
            diags.warn("#", format!("no `info`: the API is titled {stem:?}, version 0.0.0"));
            let mut info = Map::new();
            info.insert("title".into(), Value::String(stem));
            info.insert("version".into(), Value::String("0.0.0".into()));
            obj.insert("info".into(), Value::Object(info));
        }
        Some(Value::Object(info)) => {
            for (key, default) in [("title", stem.as_str()), ("version", "0.0.0")] {
                let ptr = child("#/info", key);
                match info.get(key) {
                    None | Some(Value::Null) => {
                        diags.warn(&ptr, format!("no `info.{key}`: {default:?} is used"));
                        info.insert(key.into(), Value::String(default.to_string()));
                    }
                    Some(v @ (Value::Number(_) | Value::Bool(_))) => {
                        // `version: 1.0` unquoted is a YAML number.
                        let text = v.to_string();
                        diags.warn(&ptr, format!("`info.{key}` is {}, read as the string {text:?}", kind_of(v)));
                        info.insert(key.into(), Value::String(text));
                    }
                    Some(_) => {}
                }
            }
        }
        Some(_) => {}
    }
    match obj.get("paths") {
        None | Some(Value::Null) => {
            obj.insert("paths".into(), Value::Object(Map::new()));
        }
        _ => {}
    }
    default_response_descriptions(obj, diags);
    Ok(())
}

/// `description` is required on a Response Object, and often missing: default it to "".
fn default_response_descriptions(obj: &mut Map<String, Value>, diags: &mut Diagnostics) {
    let fix = |resp: &mut Value, ptr: String, diags: &mut Diagnostics| {
        if let Value::Object(r) = resp {
            if !r.contains_key("$ref") && !r.contains_key("description") {
                diags.warn(&ptr, "response without a `description`");
                r.insert("description".into(), Value::String(String::new()));
            }
        }
    };
    if let Some(Value::Object(paths)) = obj.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            for method in METHODS {
                let Some(Value::Object(op)) = item.get_mut(*method) else { continue };
                if !op.contains_key("responses") {
                    diags.warn(&child(&child("#/paths", path), method), "operation without `responses`: it returns no body");
                    op.insert("responses".into(), Value::Object(Map::new()));
                }
                let Some(Value::Object(responses)) = op.get_mut("responses") else { continue };
                for (code, resp) in responses.iter_mut() {
                    if code.starts_with("x-") {
                        continue;
                    }
                    let ptr = child(&child(&child(&child("#/paths", path), method), "responses"), code);
                    fix(resp, ptr, diags);
                }
            }
        }
    }
    if let Some(Value::Object(comps)) = obj.get_mut("components") {
        if let Some(Value::Object(responses)) = comps.get_mut("responses") {
            for (name, resp) in responses.iter_mut() {
                fix(resp, child("#/components/responses", name), diags);
            }
        }
    }
}

fn warn_unknown_operation_keys(root: &Value, diags: &mut Diagnostics) {
    let Some(paths) = root.get("paths").and_then(Value::as_object) else { return };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for method in METHODS {
            let Some(Value::Object(op)) = item.get(*method) else { continue };
            for key in op.keys() {
                if !key.starts_with("x-") && !OPERATION_KEYS.contains(&key.as_str()) {
                    let ptr = child(&child(&child("#/paths", path), method), key);
                    diags.warn(&ptr, format!("unknown operation key `{key}` ignored"));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Schema positions: stubbed in the skeleton, scanned for unsupported keywords.

/// A subtree taken out of the document while the skeleton is cloned.
struct Taken {
    pointer: String,
    value: Value,
    /// A Schema Object (scanned for unsupported keywords), not a skipped callback.
    schema: bool,
}

/// Replaces every Schema Object the skeleton would parse by `{}`, keeping what it took.
fn stub_schemas(root: &mut Value, out: &mut Vec<Taken>) {
    let Value::Object(obj) = root else { return };
    if let Some(Value::Object(paths)) = obj.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            stub_path_item(item, &child("#/paths", path), 0, out);
        }
    }
    let Some(Value::Object(comps)) = obj.get_mut("components") else { return };
    for (section, entries) in comps.iter_mut() {
        let Value::Object(entries) = entries else { continue };
        let base = child("#/components", section);
        for (name, entry) in entries.iter_mut() {
            let ptr = child(&base, name);
            match section.as_str() {
                "schemas" => stub(entry, ptr, out),
                "parameters" | "headers" => stub_parameter(entry, &ptr, out),
                "requestBodies" => stub_in(entry, "content", |c| stub_content(c, &child(&ptr, "content"), out)),
                "responses" => stub_response(entry, &ptr, out),
                "callbacks" => stub_callback(entry, &ptr, 0, out),
                _ => {}
            }
        }
    }
}

fn stub(v: &mut Value, ptr: String, out: &mut Vec<Taken>) {
    let value = std::mem::replace(v, Value::Object(Map::new()));
    out.push(Taken { pointer: ptr, value, schema: true });
}

fn stub_in(v: &mut Value, key: &str, f: impl FnOnce(&mut Value)) {
    if let Some(inner) = v.as_object_mut().and_then(|o| o.get_mut(key)) {
        f(inner);
    }
}

fn stub_path_item(item: &mut Value, ptr: &str, depth: usize, out: &mut Vec<Taken>) {
    let Value::Object(item) = item else { return };
    if let Some(Value::Array(params)) = item.get_mut("parameters") {
        for (i, p) in params.iter_mut().enumerate() {
            stub_parameter(p, &child(&child(ptr, "parameters"), &i.to_string()), out);
        }
    }
    for method in METHODS {
        let Some(Value::Object(op)) = item.get_mut(*method) else { continue };
        let op_ptr = child(ptr, method);
        if let Some(Value::Array(params)) = op.get_mut("parameters") {
            for (i, p) in params.iter_mut().enumerate() {
                stub_parameter(p, &child(&child(&op_ptr, "parameters"), &i.to_string()), out);
            }
        }
        if let Some(body) = op.get_mut("requestBody") {
            let bptr = child(&op_ptr, "requestBody");
            stub_in(body, "content", |c| stub_content(c, &child(&bptr, "content"), out));
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for (code, r) in responses.iter_mut() {
                stub_response(r, &child(&child(&op_ptr, "responses"), code), out);
            }
        }
        if let Some(Value::Object(callbacks)) = op.get_mut("callbacks") {
            for (name, cb) in callbacks.iter_mut() {
                stub_callback(cb, &child(&child(&op_ptr, "callbacks"), name), depth + 1, out);
            }
        }
    }
}

fn stub_callback(cb: &mut Value, ptr: &str, depth: usize, out: &mut Vec<Taken>) {
    if depth > 8 {
        // Callbacks are not generated; deeply nested ones are not worth reading at all.
        let value = std::mem::replace(cb, Value::Object(Map::new()));
        out.push(Taken { pointer: ptr.to_string(), value, schema: false });
        return;
    }
    let Value::Object(cb) = cb else { return };
    for (expr, item) in cb.iter_mut() {
        stub_path_item(item, &child(ptr, expr), depth, out);
    }
}

fn stub_parameter(p: &mut Value, ptr: &str, out: &mut Vec<Taken>) {
    let Value::Object(p) = p else { return };
    if let Some(s) = p.get_mut("schema") {
        stub(s, child(ptr, "schema"), out);
    }
    if let Some(c) = p.get_mut("content") {
        stub_content(c, &child(ptr, "content"), out);
    }
}

fn stub_response(r: &mut Value, ptr: &str, out: &mut Vec<Taken>) {
    let Value::Object(r) = r else { return };
    if let Some(Value::Object(headers)) = r.get_mut("headers") {
        for (name, h) in headers.iter_mut() {
            stub_parameter(h, &child(&child(ptr, "headers"), name), out);
        }
    }
    if let Some(c) = r.get_mut("content") {
        stub_content(c, &child(ptr, "content"), out);
    }
}

fn stub_content(content: &mut Value, ptr: &str, out: &mut Vec<Taken>) {
    let Value::Object(content) = content else { return };
    for (mt, media) in content.iter_mut() {
        let Value::Object(media) = media else { continue };
        let mptr = child(ptr, mt);
        if let Some(s) = media.get_mut("schema") {
            stub(s, child(&mptr, "schema"), out);
        }
        if let Some(Value::Object(encodings)) = media.get_mut("encoding") {
            for (prop, enc) in encodings.iter_mut() {
                let eptr = child(&child(&mptr, "encoding"), prop);
                if let Some(Value::Object(headers)) = enc.as_object_mut().and_then(|e| e.get_mut("headers")) {
                    for (name, h) in headers.iter_mut() {
                        stub_parameter(h, &child(&child(&eptr, "headers"), name), out);
                    }
                }
            }
        }
    }
}

/// Warns about schema keywords the generator approximates or ignores, each with its pointer.
fn warn_unsupported_keywords(root: &Value, schema_ptrs: &[String], diags: &mut Diagnostics) {
    let mut stack: Vec<(&Value, String)> = Vec::new();
    for ptr in schema_ptrs {
        if let Some(v) = crate::normalize::schema::lookup_pointer(root, ptr.trim_start_matches('#')) {
            stack.push((v, ptr.clone()));
        }
    }
    let mut visited = 0usize;
    while let Some((v, ptr)) = stack.pop() {
        visited += 1;
        if visited > 1_000_000 {
            break;
        }
        let Value::Object(o) = v else { continue };
        if o.contains_key("$ref") {
            continue;
        }
        for (key, message) in UNSUPPORTED_SCHEMA_KEYWORDS {
            if o.contains_key(*key) {
                diags.warn(&child(&ptr, key), *message);
            }
        }
        for key in ["properties", "patternProperties", "$defs", "dependentSchemas"] {
            if let Some(Value::Object(props)) = o.get(key) {
                let base = child(&ptr, key);
                for (name, s) in props {
                    stack.push((s, child(&base, name)));
                }
            }
        }
        for key in ["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"] {
            if let Some(s @ Value::Object(_)) = o.get(key) {
                stack.push((s, child(&ptr, key)));
            }
        }
        for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
            if let Some(Value::Array(members)) = o.get(key) {
                let base = child(&ptr, key);
                for (i, s) in members.iter().enumerate() {
                    stack.push((s, child(&base, &i.to_string())));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The skeleton, and precise pointers when it does not deserialize.

/// Stack for reading the skeleton: serde's buffering of flattened structs (`openapiv3` flattens
/// extensions into every object) takes about 2 KiB of stack per nesting level in debug builds,
/// and extension values and examples may nest up to [`MAX_DOCUMENT_DEPTH`] levels. Only the
/// pages a run touches are ever committed.
const SKELETON_STACK: usize = 64 << 20;

fn deserialize_skeleton(file: &str, skeleton: &Value) -> Result<openapiv3::OpenAPI, GenerateError> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("openapi-forge-skeleton".into())
            .stack_size(SKELETON_STACK)
            .spawn_scoped(scope, || deserialize_skeleton_here(file, skeleton));
        match worker {
            Ok(handle) => match handle.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            // No thread to be had (resource limits): read on this one.
            Err(_) => deserialize_skeleton_here(file, skeleton),
        }
    })
}

fn deserialize_skeleton_here(file: &str, skeleton: &Value) -> Result<openapiv3::OpenAPI, GenerateError> {
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(skeleton) {
        Ok(api) => Ok(api),
        Err(e) => {
            let mut problems = Vec::new();
            check_root(skeleton, &mut problems);
            if problems.is_empty() {
                problems.push((extend_pointer("#", e.path()), e.inner().to_string()));
            }
            let mut d = Diagnostics::new(file);
            for (ptr, msg) in problems {
                d.error(&ptr, format!("not a valid OpenAPI 3.0 node: {msg}"));
            }
            match d.finish() {
                Err(err) => Err(err),
                Ok(_) => Err(GenerateError::single(file, "#", format!("not a valid OpenAPI 3.0 document: {}", e.inner()))),
            }
        }
    }
}

fn extend_pointer(base: &str, path: &serde_path_to_error::Path) -> String {
    let mut pointer = base.to_string();
    for seg in path.iter() {
        use serde_path_to_error::Segment;
        match seg {
            Segment::Seq { index } => pointer = child(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = child(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

type Problems = Vec<(String, String)>;

/// Deserializes `v` as `T`; on failure records the deepest pointer serde can tell.
fn check<T: DeserializeOwned>(v: &Value, ptr: &str, out: &mut Problems) -> bool {
    match serde_path_to_error::deserialize::<_, T>(v) {
        Ok(_) => true,
        Err(e) => {
            out.push((extend_pointer(ptr, e.path()), e.inner().to_string()));
            false
        }
    }
}

/// `ReferenceOr<T>` is untagged, which hides the real error: check the form that applies.
fn check_ref_or<T: DeserializeOwned>(v: &Value, ptr: &str, out: &mut Problems) {
    match v.get("$ref") {
        Some(Value::String(_)) => {}
        Some(other) => out.push((child(ptr, "$ref"), format!("`$ref` must be a string, found {}", kind_of(other)))),
        None => {
            check::<T>(v, ptr, out);
        }
    }
}

fn expect_mapping<'v>(v: &'v Value, ptr: &str, what: &str, out: &mut Problems) -> Option<&'v Map<String, Value>> {
    match v {
        Value::Object(o) => Some(o),
        other => {
            out.push((ptr.to_string(), format!("{what} must be a mapping, found {}", kind_of(other))));
            None
        }
    }
}

fn check_each_in_map<T: DeserializeOwned>(v: &Value, ptr: &str, what: &str, out: &mut Problems) {
    let Some(m) = expect_mapping(v, ptr, what, out) else { return };
    for (k, item) in m {
        if k.starts_with("x-") {
            continue;
        }
        check_ref_or::<T>(item, &child(ptr, k), out);
    }
}

fn check_root(root: &Value, out: &mut Problems) {
    let Some(obj) = expect_mapping(root, "#", "the document", out) else { return };
    for (key, v) in obj {
        let ptr = child("#", key);
        match key.as_str() {
            "openapi" => {
                check::<String>(v, &ptr, out);
            }
            "info" => {
                check::<openapiv3::Info>(v, &ptr, out);
            }
            "servers" => {
                check::<Vec<openapiv3::Server>>(v, &ptr, out);
            }
            "security" => {
                check::<Vec<openapiv3::SecurityRequirement>>(v, &ptr, out);
            }
            "tags" => {
                check::<Vec<openapiv3::Tag>>(v, &ptr, out);
            }
            "externalDocs" => {
                check::<openapiv3::ExternalDocumentation>(v, &ptr, out);
            }
            "paths" => {
                let Some(paths) = expect_mapping(v, &ptr, "`paths`", out) else { continue };
                for (path, item) in paths {
                    if !path.starts_with("x-") {
                        check_path_item(item, &child(&ptr, path), 0, out);
                    }
                }
            }
            "components" => check_components(v, &ptr, out),
            _ => {}
        }
    }
}

fn check_path_item(item: &Value, ptr: &str, depth: usize, out: &mut Problems) {
    if depth > 8 {
        return;
    }
    let Some(obj) = expect_mapping(item, ptr, "a path item", out) else { return };
    if obj.contains_key("$ref") {
        check_ref_or::<openapiv3::PathItem>(item, ptr, out);
        return;
    }
    for (key, v) in obj {
        let kptr = child(ptr, key);
        match key.as_str() {
            "summary" | "description" => {
                check::<String>(v, &kptr, out);
            }
            "servers" => {
                check::<Vec<openapiv3::Server>>(v, &kptr, out);
            }
            "parameters" => check_parameters(v, &kptr, out),
            m if METHODS.contains(&m) => check_operation(v, &kptr, depth, out),
            _ => {}
        }
    }
}

fn check_parameters(v: &Value, ptr: &str, out: &mut Problems) {
    let Value::Array(list) = v else {
        out.push((ptr.to_string(), format!("`parameters` must be a sequence, found {}", kind_of(v))));
        return;
    };
    for (i, p) in list.iter().enumerate() {
        check_ref_or::<openapiv3::Parameter>(p, &child(ptr, &i.to_string()), out);
    }
}

fn check_operation(op: &Value, ptr: &str, depth: usize, out: &mut Problems) {
    let Some(obj) = expect_mapping(op, ptr, "an operation", out) else { return };
    for (key, v) in obj {
        let kptr = child(ptr, key);
        match key.as_str() {
            "tags" => {
                check::<Vec<String>>(v, &kptr, out);
            }
            "summary" | "description" | "operationId" => {
                check::<String>(v, &kptr, out);
            }
            "externalDocs" => {
                check::<openapiv3::ExternalDocumentation>(v, &kptr, out);
            }
            "parameters" => check_parameters(v, &kptr, out),
            "requestBody" => check_ref_or::<openapiv3::RequestBody>(v, &kptr, out),
            "responses" => {
                let Some(responses) = expect_mapping(v, &kptr, "`responses`", out) else { continue };
                for (code, r) in responses {
                    let rptr = child(&kptr, code);
                    if code.starts_with("x-") {
                        continue;
                    }
                    if code != "default" && serde_json::from_value::<openapiv3::StatusCode>(Value::String(code.clone())).is_err() {
                        out.push((rptr.clone(), format!("{code:?} is not a status code: expected 100 to 999, `2XX`-style ranges or `default`")));
                        continue;
                    }
                    check_ref_or::<openapiv3::Response>(r, &rptr, out);
                }
            }
            "callbacks" => {
                let Some(callbacks) = expect_mapping(v, &kptr, "`callbacks`", out) else { continue };
                for (name, cb) in callbacks {
                    let cptr = child(&kptr, name);
                    let Some(cb) = expect_mapping(cb, &cptr, "a callback", out) else { continue };
                    for (expr, item) in cb {
                        check_path_item(item, &child(&cptr, expr), depth + 1, out);
                    }
                }
            }
            "deprecated" => {
                check::<bool>(v, &kptr, out);
            }
            "security" => {
                check::<Vec<openapiv3::SecurityRequirement>>(v, &kptr, out);
            }
            "servers" => {
                check::<Vec<openapiv3::Server>>(v, &kptr, out);
            }
            _ => {}
        }
    }
}

fn check_components(v: &Value, ptr: &str, out: &mut Problems) {
    let Some(obj) = expect_mapping(v, ptr, "`components`", out) else { return };
    for (section, entries) in obj {
        let sptr = child(ptr, section);
        match section.as_str() {
            "schemas" => {
                expect_mapping(entries, &sptr, "`components/schemas`", out);
            }
            "responses" => check_each_in_map::<openapiv3::Response>(entries, &sptr, "`components/responses`", out),
            "parameters" => check_each_in_map::<openapiv3::Parameter>(entries, &sptr, "`components/parameters`", out),
            "examples" => check_each_in_map::<openapiv3::Example>(entries, &sptr, "`components/examples`", out),
            "requestBodies" => check_each_in_map::<openapiv3::RequestBody>(entries, &sptr, "`components/requestBodies`", out),
            "headers" => check_each_in_map::<openapiv3::Header>(entries, &sptr, "`components/headers`", out),
            "securitySchemes" => check_each_in_map::<openapiv3::SecurityScheme>(entries, &sptr, "`components/securitySchemes`", out),
            "links" => check_each_in_map::<openapiv3::Link>(entries, &sptr, "`components/links`", out),
            "callbacks" => {
                let Some(callbacks) = expect_mapping(entries, &sptr, "`components/callbacks`", out) else { continue };
                for (name, cb) in callbacks {
                    let cptr = child(&sptr, name);
                    let Some(cb) = expect_mapping(cb, &cptr, "a callback", out) else { continue };
                    for (expr, item) in cb {
                        check_path_item(item, &child(&cptr, expr), 1, out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A short description of a JSON node's kind, for messages.
pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<RawSpec, GenerateError> {
        load_bytes("t.yaml", text.as_bytes())
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let bytes = vec![b'#'; MAX_INPUT_BYTES + 1];
        let e = load_bytes("big.yaml", &bytes).err().unwrap_or_else(|| panic!("accepted"));
        assert!(e.diagnostics[0].message.contains("the limit is 128 MiB"), "{e}");
        assert_eq!(e.diagnostics[0].file, "big.yaml");
    }

    #[test]
    fn schemas_survive_the_skeleton() {
        // Schemas are taken out of the tree while the skeleton is cloned, then put back.
        let raw = load("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters: [{name: q, in: query, schema: {type: integer}}]\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}\ncomponents:\n  schemas:\n    A: {type: object, properties: {x: {type: string}}}\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(raw.root.pointer("/components/schemas/A/properties/x/type"), Some(&Value::String("string".into())));
        assert_eq!(raw.root.pointer("/paths/~1a/get/parameters/0/schema/type"), Some(&Value::String("integer".into())));
        assert!(raw.root.pointer("/paths/~1a/get/responses/200/content/application~1json/schema/$ref").is_some());
    }

    #[test]
    fn flow_end_respects_quotes_and_comments() {
        assert_eq!(flow_end("{a: '}', b: \"]\"} tail", Format::Yaml), Some(16));
        assert_eq!(flow_end("[1, [2, [3]]], 4", Format::Json), Some(13));
        assert_eq!(flow_end("{\"a\": \"}\\\"\"}", Format::Json), Some(12));
        assert_eq!(flow_end("{a: it's, b: 1}", Format::Yaml), Some(15));
        assert_eq!(flow_end("{a: 1 # }\n}", Format::Yaml), Some(11));
        assert_eq!(flow_end("{a: [1}", Format::Yaml), None);
    }

    #[test]
    fn line_numbers_in_messages_shift() {
        assert_eq!(shift_line_numbers("bad at line 3 column 4, while at line 1 column 2", 10), "bad at line 13 column 4, while at line 11 column 2");
    }

    fn nested_yaml(levels: usize) -> String {
        let mut s = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-deep:\n");
        for i in 0..levels {
            s.push_str(&" ".repeat(2 * (i + 1)));
            if i % 3 == 2 {
                s.push_str("- ");
            }
            // Quoted keys too: a block mapping may start with one.
            s.push_str(&if i % 4 == 1 { format!("\"k{i}\":\n") } else { format!("k{i}:\n") });
        }
        s
    }

    fn depth_of(v: &Value) -> usize {
        match v {
            Value::Array(a) => 1 + a.iter().map(depth_of).max().unwrap_or(0),
            Value::Object(o) => 1 + o.values().map(depth_of).max().unwrap_or(0),
            _ => 0,
        }
    }

    #[test]
    fn deep_block_yaml_is_grafted() {
        let raw = load(&nested_yaml(400)).unwrap_or_else(|e| panic!("{e}"));
        assert!(depth_of(&raw.root) > 400, "{}", depth_of(&raw.root));
    }

    #[test]
    fn deep_flow_and_json_are_grafted() {
        let mut deep = String::from("1");
        for _ in 0..300 {
            deep = format!("[{deep}, {{\"a\": \"]\"}}]");
        }
        let json = format!("{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}}, \"x-deep\": {deep}}}");
        let raw = load(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(depth_of(&raw.root), 302);
        let yaml = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-deep: {}\n", deep.replace('"', "'"));
        let raw = load(&yaml).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(depth_of(&raw.root), 302);
    }

    #[test]
    fn nearly_max_depth_is_read_on_a_small_stack() {
        let levels: usize = std::env::var("LEVELS").ok().and_then(|l| l.parse().ok()).unwrap_or(MAX_DOCUMENT_DEPTH - 30);
        let mut deep = String::from("{\"a\": 1}");
        for i in 0..levels {
            deep = if i % 2 == 0 { format!("[{deep}]") } else { format!("{{\"k\": {deep}}}") };
        }
        let text = format!("{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}}, \"x\": {deep}}}");
        // Test threads have 2 MiB of stack, like the smallest a caller is likely to give us.
        let raw = load(&text).unwrap_or_else(|e| panic!("{e}"));
        assert!(depth_of(&raw.root) > levels);
    }

    #[test]
    fn too_deep_is_refused_with_a_place() {
        let mut deep = String::from("1");
        for _ in 0..(MAX_DOCUMENT_DEPTH + 200) {
            deep = format!("[{deep}]");
        }
        let text = format!("{{\"openapi\": \"3.0.3\", \"paths\": {{}}, \"x\": {deep}}}");
        let e = load(&text).err().unwrap_or_else(|| panic!("accepted"));
        let d = &e.diagnostics[0];
        assert!(d.message.contains("nested deeper than"), "{d}");
        assert!(d.pointer.starts_with("#/x/0/0/0"), "{d}");
        assert!(d.location.is_some(), "{d}");
    }

    #[test]
    fn quadratic_alias_bomb_is_refused() {
        let mut s = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-a: &a [");
        s.push_str(&vec!["x"; 5000].join(","));
        s.push_str("]\nx-b: [");
        s.push_str(&vec!["*a"; 5000].join(","));
        s.push_str("]\n");
        let e = load(&s).err().unwrap_or_else(|| panic!("accepted"));
        assert!(e.diagnostics[0].message.contains("alias bomb"), "{e}");
        assert!(e.diagnostics[0].pointer.starts_with("#/x-b/"), "{e}");
    }

    #[test]
    fn yaml_flow_document_is_not_mistaken_for_json() {
        let raw = load("{openapi: 3.0.3, info: {title: t, version: '1'}, paths: {}}").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(raw.api.info.title, "t");
        // JSON that is also YAML (a trailing comma) is read; broken JSON gets the JSON error.
        assert!(load("{\"openapi\": \"3.0.3\", \"paths\": {},}").is_ok());
        let e = load("{\"openapi\": \"3.0.3\",\n \"paths\": {\"a\" 1}}").err().unwrap_or_else(|| panic!("accepted"));
        assert!(e.diagnostics[0].message.starts_with("invalid JSON"), "{e}");
        assert_eq!(e.diagnostics[0].location, Some((2, 16)), "{e}");
    }

    #[test]
    fn wrong_kinds_get_precise_pointers_and_all_are_reported() {
        let e = load(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters: id\n      responses: {}\n  /b:\n    post:\n      requestBody: 3\n      responses:\n        '200': {description: ok}\n        'abc': {description: no}\n",
        )
        .err()
        .unwrap_or_else(|| panic!("accepted"));
        let ptrs: Vec<&str> = e.diagnostics.iter().map(|d| d.pointer.as_str()).collect();
        assert!(ptrs.contains(&"#/paths/~1a/get/parameters"), "{e}");
        assert!(ptrs.contains(&"#/paths/~1b/post/requestBody"), "{e}");
        assert!(ptrs.contains(&"#/paths/~1b/post/responses/abc"), "{e}");
    }

    #[test]
    fn numbers_where_strings_belong_are_read_as_strings() {
        let raw = load("openapi: 3.0\ninfo: {title: 7, version: 1.0}\npaths: {}\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(raw.api.info.version, "1.0");
        assert_eq!(raw.api.openapi, "3.0");
        assert!(raw.warnings.iter().any(|w| w.pointer == "#/info/version"));
    }

    #[test]
    fn duplicate_keys_and_tags_warn() {
        let raw = load("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-a: {b: 1, b: 2}\nx-t: !Custom {c: 1}\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(raw.warnings.iter().any(|w| w.pointer == "#/x-a/b" && w.message.contains("duplicate")), "{:?}", raw.warnings);
        assert!(raw.warnings.iter().any(|w| w.pointer == "#/x-t" && w.message.contains("!Custom")), "{:?}", raw.warnings);
    }
}
