//! Text to tree: YAML or JSON text to a `serde_json::Value`, through our own serde visitor.
//!
//! This is where the hostile-input guards of the load layer live: the node budget against alias
//! bombs, and cut-and-graft (a subtree nested too deep for the parser is cut out of the text,
//! parsed on its own and grafted back) for deep nesting. It knows nothing of OpenAPI: every
//! position it reports is a JSON pointer into the tree, with line and column when known.
//!
//! The visitor runs once per node of the document, so it does no work a successful parse does
//! not need: the path to the current node (kept for a failure's pointer) holds each mapping key
//! moved in and back out rather than a copy, and sequence positions as numbers; a pointer is
//! written out only for a diagnostic. Duplicate keys are found by the one map insertion.

use super::MAX_DOCUMENT_DEPTH;
use crate::diag::{Diagnostics, GenerateError};
use crate::json::child;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

/// The nesting depth at which serde_yaml and serde_json stop (fixed in both).
const PARSER_DEPTH: usize = 127;
/// Most subtrees cut out and grafted back in one document.
const MAX_SPLICES: usize = 256;

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
    /// Path of the node being read: on a failure it is left where the failure happened. Keys
    /// are moved in and out (not copied) and indexes stay numbers: the path is kept for every
    /// node read but turned into text only for a diagnostic.
    path: Vec<Seg>,
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
            p = match t {
                Seg::Key(k) => child(&p, k),
                Seg::Index(i) => child(&p, &i.to_string()),
            };
        }
        p
    }
}

/// One step of [`ParseState::path`].
enum Seg {
    Key(String),
    Index(usize),
}

pub(super) fn parse_tree(file: &str, text: &str, diags: &mut Diagnostics) -> Result<Value, GenerateError> {
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
        self.state.borrow_mut().path.push(Seg::Index(0));
        loop {
            // On an error the path is left as it is: it names the failing node.
            let next = seq.next_element_seed(self)?;
            match next {
                Some(v) => {
                    items.push(v);
                    if let Some(last) = self.state.borrow_mut().path.last_mut() {
                        *last = Seg::Index(items.len());
                    }
                }
                None => {
                    self.state.borrow_mut().path.pop();
                    return Ok(Value::Array(items));
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            self.state.borrow_mut().path.push(Seg::Key(key));
            // On an error the path is left as it is (with the key): it names the failing node.
            let value = map.next_value_seed(self)?;
            let mut st = self.state.borrow_mut();
            let Some(Seg::Key(key)) = st.path.pop() else {
                return Err(de::Error::custom("internal error: the path lost its key"));
            };
            match out.entry(key) {
                serde_json::map::Entry::Occupied(mut slot) => {
                    let ptr = child(&st.pointer(), slot.key());
                    st.warnings.push((ptr, format!("duplicate key {:?}: the last one is used", slot.key())));
                    slot.insert(value);
                }
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::RawSpec;

    fn load(text: &str) -> Result<RawSpec, GenerateError> {
        crate::load::load_bytes("t.yaml", text.as_bytes())
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
        assert_eq!(raw.root.pointer("/info/title"), Some(&Value::String("t".into())));
        // JSON that is also YAML (a trailing comma) is read; broken JSON gets the JSON error.
        assert!(load("{\"openapi\": \"3.0.3\", \"paths\": {},}").is_ok());
        let e = load("{\"openapi\": \"3.0.3\",\n \"paths\": {\"a\" 1}}").err().unwrap_or_else(|| panic!("accepted"));
        assert!(e.diagnostics[0].message.starts_with("invalid JSON"), "{e}");
        assert_eq!(e.diagnostics[0].location, Some((2, 16)), "{e}");
    }

    #[test]
    fn duplicate_keys_and_tags_warn() {
        let raw = load("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-a: {b: 1, b: 2}\nx-t: !Custom {c: 1}\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(raw.warnings.iter().any(|w| w.pointer == "#/x-a/b" && w.message.contains("duplicate")), "{:?}", raw.warnings);
        assert!(raw.warnings.iter().any(|w| w.pointer == "#/x-t" && w.message.contains("!Custom")), "{:?}", raw.warnings);
    }
}
