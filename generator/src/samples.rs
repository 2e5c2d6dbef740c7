//! Sample values: for every operation, inputs that the spec accepts, as plain JSON.
//!
//! The model gives the shape (which fields a request type has, which are required, enum values,
//! union variants); the spec document, looked up at the operation's pointer, gives what the model
//! does not keep: examples (media-type, parameter, schema and property `example`s) and the
//! constraints a server validates (`enum`, `format`, `pattern`, `minLength`/`maxLength`,
//! `minimum`/`maximum`, `minItems`). An example is used when it fits the type and the
//! constraints known at its place; otherwise the smallest value that satisfies the schema is
//! made: required fields only, the first enum value, a canonical value per format, the bound of
//! a range, and for `pattern` a string built from the regular expression itself (checked with
//! the `regex` crate). What cannot be satisfied is reported as a [`SampleNote`], never guessed
//! silently.
//!
//! Nothing here panics on bad input: unknown or broken schema parts only lose hints.

use crate::json::lookup_pointer;
use crate::model::{BodyEncoding, IntKind, NormalizedModel, Operation, ParamLocation, TypeId, TypeKind, TypeRef};
use serde_json::{Map, Value};

/// Something a sample could not satisfy, or a guess worth knowing about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleNote {
    /// Where in the spec (JSON pointer, with `#`).
    pub pointer: String,
    /// What went wrong.
    pub message: String,
}

/// The sample inputs of one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationSamples {
    /// One value per entry of [`Operation::params`] (same order); `None` for an optional
    /// parameter left out.
    pub params: Vec<Option<Value>>,
    /// Values for the optional query and header parameters, one per entry of
    /// [`Operation::params`] (`None` for the others): the conformance suite sends them in every
    /// other success call, so optional inputs are checked too, not only the smallest request.
    pub optional: Vec<Option<Value>>,
    /// The request body: JSON for JSON and form bodies, a JSON string for text and byte bodies;
    /// `None` when there is no body, or an optional one is left out.
    pub body: Option<Value>,
    /// What could not be satisfied.
    pub notes: Vec<SampleNote>,
}

/// Samples for every operation of `model`, with hints from `root`, the spec document the model
/// was normalized from (`None`: shapes only).
pub fn operation_samples(model: &NormalizedModel, root: Option<&Value>) -> Vec<OperationSamples> {
    model.operations.iter().map(|op| samples_for(model, root, op)).collect()
}

/// Samples for one operation.
pub fn samples_for(model: &NormalizedModel, root: Option<&Value>, op: &Operation) -> OperationSamples {
    let mut s = Sampler { model, root, notes: Vec::new(), stack: Vec::new() };
    let op_obj = s.lookup(&op.pointer);
    let params = op.params.iter().map(|p| p.required.then(|| s.param_value(op_obj, op, p))).collect();
    let optional = op
        .params
        .iter()
        .map(|p| {
            let sent = !p.required && matches!(p.location, ParamLocation::Query | ParamLocation::Header);
            sent.then(|| s.param_value(op_obj, op, p))
        })
        .collect();
    let body = op.body.as_ref().and_then(|b| {
        if !b.required && !body_wanted(b.encoding) {
            return None;
        }
        let ptr = format!("{}/requestBody", op.pointer);
        let media = op_obj
            .and_then(|o| o.get("requestBody"))
            .map(|rb| s.resolve(rb))
            .and_then(|rb| rb.get("content"))
            .and_then(|c| c.get(&b.content_type));
        let schema = media.and_then(|m| m.get("schema")).map(|v| s.resolve(v));
        let examples = media.map(own_examples).unwrap_or_default();
        Some(match b.encoding {
            BodyEncoding::Json | BodyEncoding::Form => s.value_with_examples(&b.ty, schema, examples, &ptr),
            BodyEncoding::Text => match examples.iter().find_map(|e| e.as_str()) {
                Some(t) => Value::String(t.to_string()),
                None => Value::String("sample".into()),
            },
            BodyEncoding::Bytes => Value::String("sample".into()),
        })
    });
    OperationSamples { params, optional, body, notes: s.notes }
}

/// Optional bodies are sent too: most operations need theirs, and an empty object is valid
/// wherever nothing is required.
fn body_wanted(_encoding: BodyEncoding) -> bool {
    true
}

/// `example` and the values of `examples` of a parameter or media type.
fn own_examples(v: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    if let Some(e) = v.get("example") {
        out.push(e);
    }
    if let Some(m) = v.get("examples").and_then(Value::as_object) {
        out.extend(m.values().filter_map(|e| e.get("value")));
    }
    out
}

/// How deep samples nest before required recursive fields give up.
const MAX_DEPTH: usize = 24;

struct Sampler<'a> {
    model: &'a NormalizedModel,
    root: Option<&'a Value>,
    notes: Vec<SampleNote>,
    /// Named types being sampled (recursion guard).
    stack: Vec<TypeId>,
}

impl<'a> Sampler<'a> {
    /// A value for parameter `p` of `op` (`op_obj`: the operation in the document).
    fn param_value(&mut self, op_obj: Option<&'a Value>, op: &Operation, p: &crate::model::Param) -> Value {
        let raw = op_obj.and_then(|o| self.find_param(o, &op.pointer, &p.wire_name, p.location));
        let ptr = format!("{}/parameters/{}", op.pointer, crate::json::escape_token(&p.wire_name));
        // The parameter's own example(s) first, then its schema's.
        let schema = raw.and_then(|r| r.get("schema")).map(|v| self.resolve(v));
        let examples = raw.map(own_examples).unwrap_or_default();
        self.value_with_examples(&p.ty, schema, examples, &ptr)
    }

    fn note(&mut self, pointer: &str, message: String) {
        let n = SampleNote { pointer: pointer.to_string(), message };
        if !self.notes.contains(&n) {
            self.notes.push(n);
        }
    }

    fn lookup(&self, pointer: &str) -> Option<&'a Value> {
        let root = self.root?;
        lookup_pointer(root, pointer.strip_prefix('#').unwrap_or(pointer))
    }

    /// Follows local `$ref`s (a few hops); external or broken ones stay as they are.
    fn resolve(&self, mut v: &'a Value) -> &'a Value {
        for _ in 0..16 {
            match v.get("$ref").and_then(Value::as_str) {
                Some(r) if r.starts_with('#') => match self.lookup(r) {
                    Some(t) => v = t,
                    None => return v,
                },
                _ => return v,
            }
        }
        v
    }

    /// The spec's parameter object for a model parameter: the operation's own, else the path
    /// item's.
    fn find_param(&self, op: &'a Value, op_ptr: &str, wire: &str, loc: ParamLocation) -> Option<&'a Value> {
        let want = match loc {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        };
        let item_ptr = op_ptr.rsplit_once('/').map(|(p, _)| p).unwrap_or_default();
        let item = self.lookup(item_ptr);
        let lists = [op.get("parameters"), item.and_then(|i| i.get("parameters"))];
        lists.into_iter().flatten().filter_map(Value::as_array).flatten().map(|p| self.resolve(p)).find(|p| {
            p.get("name").and_then(Value::as_str) == Some(wire)
                && p.get("in").and_then(Value::as_str).is_some_and(|i| i.eq_ignore_ascii_case(want))
        })
    }

    /// The schema of property `wire` in `schema`, looking through `$ref`s and `allOf`/`oneOf`/
    /// `anyOf` members.
    fn find_prop(&self, schema: &'a Value, wire: &str, depth: usize) -> Option<&'a Value> {
        let schema = self.resolve(schema);
        if depth > 8 {
            return None;
        }
        if let Some(p) = schema.get("properties").and_then(|p| p.get(wire)) {
            return Some(self.resolve(p));
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for m in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
                if let Some(p) = self.find_prop(m, wire, depth + 1) {
                    return Some(p);
                }
            }
        }
        None
    }

    /// A schema keyword, looking through `allOf` members too (constraints are often added by an
    /// overlay).
    fn keyword(&self, schema: Option<&'a Value>, key: &str) -> Option<&'a Value> {
        fn walk<'v>(s: &Sampler<'v>, v: &'v Value, key: &str, depth: usize) -> Option<&'v Value> {
            let v = s.resolve(v);
            if let Some(k) = v.get(key) {
                return Some(k);
            }
            if depth > 8 {
                return None;
            }
            v.get("allOf").and_then(Value::as_array).into_iter().flatten().find_map(|m| walk(s, m, key, depth + 1))
        }
        walk(self, schema?, key, 0)
    }

    /// A value for `t`: the first of `examples` that fits, else one made from the schema.
    fn value_with_examples(&mut self, t: &TypeRef, schema: Option<&'a Value>, examples: Vec<&'a Value>, ptr: &str) -> Value {
        for e in examples {
            if self.fits(t, schema, e, 0) {
                return e.clone();
            }
        }
        self.value(t, schema, ptr, 0)
    }

    /// A value for `t` at `ptr`, with `schema` (resolved) as the hint.
    fn value(&mut self, t: &TypeRef, schema: Option<&'a Value>, ptr: &str, depth: usize) -> Value {
        let schema = schema.map(|s| self.resolve(s));
        // The schema's own example or default, when it fits.
        for key in ["example", "default"] {
            if let Some(e) = self.keyword(schema, key) {
                if !e.is_null() && self.fits(t, schema, e, 0) {
                    return e.clone();
                }
            }
        }
        if depth > MAX_DEPTH {
            self.note(ptr, "nests too deep for a sample: cut off".into());
            return Value::Null;
        }
        match t {
            TypeRef::Nullable(inner) => self.value(inner, schema, ptr, depth + 1),
            TypeRef::String | TypeRef::Binary => Value::String(self.string(schema, ptr)),
            TypeRef::DateTime => Value::String("2024-01-01T00:00:00Z".into()),
            TypeRef::Date => Value::String("2024-01-01".into()),
            TypeRef::Integer(k) => self.integer(*k, schema, ptr),
            TypeRef::F32 | TypeRef::F64 => self.number(schema),
            TypeRef::Boolean => Value::Bool(true),
            TypeRef::Any | TypeRef::JsonObject => Value::Object(Map::new()),
            TypeRef::Array(item) => {
                let min = self.keyword(schema, "minItems").and_then(Value::as_u64).unwrap_or(0);
                let max = self.keyword(schema, "maxItems").and_then(Value::as_u64).unwrap_or(u64::MAX);
                // One item shows how items are encoded; more only when the schema asks.
                let n = min.max(1).min(max).min(64);
                let item_schema = self.keyword(schema, "items");
                let v = self.value(item, item_schema, &format!("{ptr}/items"), depth + 1);
                let unique = self.keyword(schema, "uniqueItems").and_then(Value::as_bool).unwrap_or(false);
                if unique && n > 1 {
                    self.note(ptr, format!("needs {n} unique items: the sample repeats one"));
                }
                Value::Array((0..n).map(|_| v.clone()).collect())
            }
            TypeRef::Map(v) => {
                let min = self.keyword(schema, "minProperties").and_then(Value::as_u64).unwrap_or(0);
                let mut m = Map::new();
                if min > 0 {
                    let vs = self.keyword(schema, "additionalProperties").filter(|a| a.is_object());
                    for i in 0..min.min(64) {
                        m.insert(format!("key{i}"), self.value(v, vs, &format!("{ptr}/additionalProperties"), depth + 1));
                    }
                }
                Value::Object(m)
            }
            TypeRef::Named(id) => self.named(*id, schema, ptr, depth),
            TypeRef::Tuple(items) => {
                // 3.1 `prefixItems`: one value per position, each from its own schema.
                let prefix = self.keyword(schema, "prefixItems").and_then(Value::as_array);
                Value::Array(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, t)| {
                            let s = prefix.and_then(|p| p.get(i));
                            self.value(t, s, &format!("{ptr}/prefixItems/{i}"), depth + 1)
                        })
                        .collect(),
                )
            }
        }
    }

    fn named(&mut self, id: TypeId, schema: Option<&'a Value>, ptr: &str, depth: usize) -> Value {
        let model = self.model;
        let Some(def) = model.types.get(id.0) else { return Value::Null };
        // No use-site schema: the type's first origin.
        let schema = schema.or_else(|| def.origins.first().and_then(|o| self.lookup(o)).map(|s| self.resolve(s)));
        match &def.kind {
            TypeKind::Enum { variants } => {
                let allowed = self.keyword(schema, "enum").and_then(Value::as_array);
                let pick = variants
                    .iter()
                    .find(|v| allowed.is_none_or(|a| a.iter().any(|x| x.as_str() == Some(v.wire.as_str()))))
                    .or(variants.first());
                match pick {
                    Some(v) => Value::String(v.wire.clone()),
                    None => {
                        self.note(ptr, "an enum without values".into());
                        Value::String(String::new())
                    }
                }
            }
            TypeKind::Struct { fields, .. } => {
                if self.stack.contains(&id) && fields.iter().any(|f| f.required && !f.nullable) {
                    self.note(ptr, format!("type {} requires itself: the sample stops at null", def.name));
                    return Value::Null;
                }
                self.stack.push(id);
                let mut m = Map::new();
                for f in fields.iter().filter(|f| f.required) {
                    let fs = schema.and_then(|s| self.find_prop(s, &f.wire_name, 0));
                    let fptr = format!("{ptr}/properties/{}", crate::json::escape_token(&f.wire_name));
                    let v = self.value(&f.ty, fs, &fptr, depth + 1);
                    m.insert(f.wire_name.clone(), v);
                }
                self.stack.pop();
                Value::Object(m)
            }
            TypeKind::Union { tag, variants } => {
                let members: Vec<&'a Value> = schema
                    .and_then(|s| s.get("oneOf").or_else(|| s.get("anyOf")))
                    .and_then(Value::as_array)
                    .map(|a| a.iter().collect())
                    .unwrap_or_default();
                let Some((i, v)) = variants.iter().enumerate().find(|(_, v)| !matches!(&v.ty, TypeRef::Named(n) if self.stack.contains(n))).or(variants.iter().enumerate().next())
                else {
                    self.note(ptr, "a union without variants".into());
                    return Value::Null;
                };
                // Members line up with variants when there are as many.
                let hint = (members.len() == variants.len()).then(|| members.get(i).copied()).flatten();
                let mut value = self.value(&v.ty, hint, &format!("{ptr}/oneOf/{i}"), depth + 1);
                if let (Some(tag), Some(t), Value::Object(o)) = (tag, v.tags.first(), &mut value) {
                    o.insert(tag.clone(), Value::String(t.clone()));
                }
                value
            }
        }
    }

    fn integer(&mut self, kind: IntKind, schema: Option<&'a Value>, ptr: &str) -> Value {
        let num = |k: &str| self.keyword(schema, k).and_then(Value::as_f64);
        let (mut lo, mut hi) = match kind {
            IntKind::I32 => (f64::from(i32::MIN), f64::from(i32::MAX)),
            IntKind::U32 => (0.0, f64::from(u32::MAX)),
            IntKind::U64 => (0.0, 9.0e15),
            IntKind::I64 => (-9.0e15, 9.0e15),
        };
        if let Some(m) = num("minimum") {
            lo = lo.max(m.ceil());
        }
        if let Some(m) = num("maximum") {
            hi = hi.min(m.floor());
        }
        // 3.0 booleans and 3.1 numbers.
        match self.keyword(schema, "exclusiveMinimum") {
            Some(Value::Bool(true)) => lo = lo.max((num("minimum").unwrap_or(lo) + 1.0).floor()),
            Some(Value::Number(n)) => lo = lo.max(n.as_f64().unwrap_or(lo).floor() + 1.0),
            _ => {}
        }
        match self.keyword(schema, "exclusiveMaximum") {
            Some(Value::Bool(true)) => hi = hi.min((num("maximum").unwrap_or(hi) - 1.0).ceil()),
            Some(Value::Number(n)) => hi = hi.min(n.as_f64().unwrap_or(hi).ceil() - 1.0),
            _ => {}
        }
        let mut v = 1.0_f64.clamp(lo.min(hi), hi.max(lo));
        if let Some(step) = num("multipleOf").filter(|s| *s >= 1.0) {
            v = (v / step).ceil() * step;
        }
        if v < lo || v > hi {
            self.note(ptr, format!("no integer in [{lo}, {hi}]"));
        }
        if v < 0.0 {
            serde_json::json!(v as i64)
        } else {
            serde_json::json!(v as u64)
        }
    }

    fn number(&mut self, schema: Option<&'a Value>) -> Value {
        let min = self.keyword(schema, "minimum").and_then(Value::as_f64);
        let max = self.keyword(schema, "maximum").and_then(Value::as_f64);
        let v = match (min, max) {
            (Some(lo), _) if lo > 1.0 => lo,
            (_, Some(hi)) if hi < 1.0 => hi,
            _ => 1.0,
        };
        serde_json::Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null)
    }

    fn string(&mut self, schema: Option<&'a Value>, ptr: &str) -> String {
        if let Some(first) = self.keyword(schema, "enum").and_then(Value::as_array).and_then(|a| a.iter().find_map(Value::as_str)) {
            return first.to_string();
        }
        let c = StringRules::of(self, schema);
        let mut candidates: Vec<String> = Vec::new();
        if let Some(f) = &c.format {
            if let Some(v) = format_sample(f) {
                candidates.push(v.to_string());
            }
        }
        candidates.push("sample".into());
        if let Some(re) = &c.pattern {
            match pattern_samples(re, c.min_len) {
                Ok(made) => candidates.extend(made),
                Err(why) => self.note(ptr, format!("pattern {re:?}: {why}")),
            }
        }
        // Each candidate as it is, then padded or cut to the lengths.
        for cand in &candidates {
            for v in [cand.clone(), c.fit_length(cand)] {
                if c.accepts(&v) {
                    return v;
                }
            }
        }
        let fallback = c.fit_length(&candidates[0]);
        self.note(ptr, format!("no sample satisfies {}: sending {fallback:?}", c.describe()));
        fallback
    }

    /// Whether `v` is a value of `t` (shape, enum values, required fields) and meets the string
    /// and number constraints of `schema` at its top.
    fn fits(&self, t: &TypeRef, schema: Option<&'a Value>, v: &Value, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match (t, v) {
            (TypeRef::Nullable(_), Value::Null) => true,
            (TypeRef::Nullable(inner), _) => self.fits(inner, schema, v, depth + 1),
            (TypeRef::String | TypeRef::Binary, Value::String(s)) => {
                let in_enum =
                    self.keyword(schema, "enum").and_then(Value::as_array).is_none_or(|a| a.iter().any(|x| x.as_str() == Some(s)));
                in_enum && StringRules::of(self, schema).accepts(s)
            }
            (TypeRef::DateTime, Value::String(s)) => s.len() >= 20 && s.as_bytes().get(10) == Some(&b'T'),
            (TypeRef::Date, Value::String(s)) => s.len() == 10 && s.as_bytes().get(4) == Some(&b'-'),
            (TypeRef::Integer(k), Value::Number(n)) => {
                let ok = match k {
                    IntKind::I32 => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
                    IntKind::U32 => n.as_u64().is_some_and(|i| u32::try_from(i).is_ok()),
                    IntKind::U64 => n.is_u64(),
                    IntKind::I64 => n.is_i64(),
                };
                ok && self.in_range(schema, n.as_f64().unwrap_or(0.0))
            }
            (TypeRef::F32 | TypeRef::F64, Value::Number(n)) => self.in_range(schema, n.as_f64().unwrap_or(0.0)),
            (TypeRef::Boolean, Value::Bool(_)) => true,
            (TypeRef::Any, _) => true,
            (TypeRef::JsonObject, Value::Object(_)) => true,
            (TypeRef::Array(item), Value::Array(a)) => {
                let min = self.keyword(schema, "minItems").and_then(Value::as_u64).unwrap_or(0);
                let max = self.keyword(schema, "maxItems").and_then(Value::as_u64).unwrap_or(u64::MAX);
                let unique = self.keyword(schema, "uniqueItems").and_then(Value::as_bool).unwrap_or(false);
                // Examples often repeat a placeholder item, which `uniqueItems` refuses.
                let distinct = !unique || a.iter().enumerate().all(|(i, x)| !a[..i].contains(x));
                let is = self.keyword(schema, "items");
                (min..=max).contains(&(a.len() as u64)) && distinct && a.iter().all(|x| self.fits(item, is, x, depth + 1))
            }
            (TypeRef::Map(vt), Value::Object(o)) => {
                let vs = self.keyword(schema, "additionalProperties").filter(|a| a.is_object());
                o.values().all(|x| self.fits(vt, vs, x, depth + 1))
            }
            (TypeRef::Named(id), _) => {
                let Some(def) = self.model.types.get(id.0) else { return false };
                match (&def.kind, v) {
                    (TypeKind::Enum { variants }, Value::String(s)) => variants.iter().any(|x| x.wire == *s),
                    (TypeKind::Struct { fields, additional }, Value::Object(o)) => {
                        let known_ok = fields.iter().all(|f| match o.get(&f.wire_name) {
                            None => !f.required,
                            Some(Value::Null) => f.nullable,
                            Some(x) => {
                                let fs = schema.and_then(|s| self.find_prop(s, &f.wire_name, 0));
                                self.fits(&f.ty, fs, x, depth + 1)
                            }
                        });
                        // Keys the type does not know (readOnly ones dropped for requests, say)
                        // would be lost or refused: such an example is not used.
                        let extra_ok = additional.is_some() || o.keys().all(|k| fields.iter().any(|f| f.wire_name == *k));
                        known_ok && extra_ok
                    }
                    (TypeKind::Union { tag: Some(tag), variants }, Value::Object(o)) => {
                        let Some(t) = o.get(tag).and_then(Value::as_str) else { return false };
                        variants.iter().any(|var| var.tags.iter().any(|x| x == t) && self.fits(&var.ty, None, v, depth + 1))
                    }
                    (TypeKind::Union { tag: None, variants }, _) => variants.iter().any(|var| self.fits(&var.ty, None, v, depth + 1)),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    fn in_range(&self, schema: Option<&'a Value>, x: f64) -> bool {
        let min = self.keyword(schema, "minimum").and_then(Value::as_f64);
        let max = self.keyword(schema, "maximum").and_then(Value::as_f64);
        min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m)
    }
}

/// The string constraints at one place.
struct StringRules {
    format: Option<String>,
    pattern: Option<String>,
    min_len: usize,
    max_len: usize,
}

impl StringRules {
    fn of<'a>(s: &Sampler<'a>, schema: Option<&'a Value>) -> Self {
        let n = |k: &str| s.keyword(schema, k).and_then(Value::as_u64).map(|v| usize::try_from(v).unwrap_or(usize::MAX));
        StringRules {
            format: s.keyword(schema, "format").and_then(Value::as_str).map(str::to_string),
            pattern: s.keyword(schema, "pattern").and_then(Value::as_str).map(str::to_string),
            min_len: n("minLength").unwrap_or(0),
            max_len: n("maxLength").unwrap_or(usize::MAX),
        }
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(f) = &self.format {
            parts.push(format!("format {f:?}"));
        }
        if let Some(p) = &self.pattern {
            parts.push(format!("pattern {p:?}"));
        }
        if self.min_len > 0 || self.max_len < usize::MAX {
            parts.push(format!("length {}..={}", self.min_len, self.max_len));
        }
        parts.join(", ")
    }

    /// Pads with `x` or cuts to the length bounds (counted in characters, like JSON Schema).
    fn fit_length(&self, s: &str) -> String {
        let n = s.chars().count();
        if n < self.min_len {
            let mut out = s.to_string();
            out.extend(std::iter::repeat_n('x', self.min_len.min(1 << 16) - n));
            out
        } else if n > self.max_len {
            s.chars().take(self.max_len).collect()
        } else {
            s.to_string()
        }
    }

    fn accepts(&self, s: &str) -> bool {
        let n = s.chars().count();
        if n < self.min_len || n > self.max_len {
            return false;
        }
        if let Some(f) = &self.format {
            if !format_accepts(f, s) {
                return false;
            }
        }
        match &self.pattern {
            Some(p) => regex::Regex::new(p).map(|re| re.is_match(s)).unwrap_or(false),
            None => true,
        }
    }
}

/// A canonical value of a string format validators check.
fn format_sample(format: &str) -> Option<&'static str> {
    Some(match format {
        "date-time" => "2024-01-01T00:00:00Z",
        "date" => "2024-01-01",
        "time" => "00:00:00Z",
        "uuid" => "00000000-0000-4000-8000-000000000000",
        "email" | "idn-email" => "user@example.com",
        "uri" | "url" | "iri" => "https://example.com/sample",
        "uri-reference" | "iri-reference" => "/sample",
        "hostname" | "idn-hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "c2FtcGxl",
        "duration" => "PT1S",
        "regex" => "sample",
        _ => return None,
    })
}

/// A light check of the formats [`format_sample`] knows (so that an example with a broken
/// format is not preferred to a made value).
fn format_accepts(format: &str, s: &str) -> bool {
    match format {
        "date-time" => s.len() >= 20 && s.as_bytes().get(10) == Some(&b'T'),
        "date" => s.len() == 10 && s.as_bytes().get(4) == Some(&b'-'),
        "uuid" => s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-'),
        "email" | "idn-email" => s.split_once('@').is_some_and(|(a, b)| !a.is_empty() && b.contains('.')),
        "uri" | "url" | "iri" => s.split_once("://").is_some_and(|(scheme, rest)| !scheme.is_empty() && !rest.is_empty() && !s.contains(' ')),
        "ipv4" => s.split('.').count() == 4 && s.split('.').all(|p| p.parse::<u8>().is_ok()),
        _ => true,
    }
}

/// Strings matching `pattern` (JSON Schema patterns are unanchored ECMA regexes; the common
/// subset reads the same in the `regex` crate), shortest first, then ones long enough for
/// `min_len`. `Err` says why none can be made.
fn pattern_samples(pattern: &str, min_len: usize) -> Result<Vec<String>, String> {
    let re = regex::Regex::new(pattern).map_err(|e| format!("not a regular expression the sample generator reads ({})", first_line(&e.to_string())))?;
    let hir = regex_syntax::ParserBuilder::new().build().parse(pattern).map_err(|e| first_line(&e.to_string()))?;
    let mut out = Vec::new();
    for extra in [0usize, 1, 2, 4, 8, min_len, min_len * 2] {
        let mut s = String::new();
        build(&hir, extra, &mut s);
        if re.is_match(&s) && !out.contains(&s) {
            out.push(s);
        }
    }
    if out.is_empty() {
        Err("the generated strings do not match (lookaround or backreference?)".into())
    } else {
        Ok(out)
    }
}

fn first_line(s: &str) -> String {
    s.lines().last().unwrap_or_default().trim().to_string()
}

/// The shortest string of `hir`, with `extra` more repetitions where a repetition allows.
fn build(hir: &regex_syntax::hir::Hir, extra: usize, out: &mut String) {
    use regex_syntax::hir::{Class, HirKind};
    if out.len() > 4096 {
        return;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => out.push_str(&String::from_utf8_lossy(&l.0)),
        HirKind::Class(Class::Unicode(c)) => {
            let has = |ch: char| c.ranges().iter().any(|r| r.start() <= ch && ch <= r.end());
            let pick = ['a', 'x', '0', '1', 'A', '-', '_', '.']
                .into_iter()
                .find(|ch| has(*ch))
                .or_else(|| c.ranges().iter().flat_map(|r| (r.start()..=r.end()).take(256)).find(|ch| !ch.is_control()))
                .or_else(|| c.ranges().first().map(|r| r.start()));
            if let Some(ch) = pick {
                out.push(ch);
            }
        }
        HirKind::Class(Class::Bytes(c)) => {
            let pick = c.ranges().iter().find_map(|r| (r.start()..=r.end()).find(u8::is_ascii_alphanumeric)).or_else(|| c.ranges().first().map(|r| r.start()));
            if let Some(b) = pick {
                out.push(char::from(b));
            }
        }
        HirKind::Repetition(r) => {
            let min = r.min as usize;
            let max = r.max.map(|m| m as usize).unwrap_or(usize::MAX);
            let n = min.saturating_add(extra).min(max).min(256);
            for _ in 0..n {
                build(&r.sub, extra, out);
            }
        }
        HirKind::Capture(c) => build(&c.sub, extra, out),
        HirKind::Concat(parts) => parts.iter().for_each(|p| build(p, extra, out)),
        HirKind::Alternation(alts) => {
            // The first alternative that is not empty (an `^$|...` alternative allows "", which
            // says little about the field).
            let mut best = String::new();
            for a in alts {
                let mut s = String::new();
                build(a, extra, &mut s);
                if !s.is_empty() {
                    best = s;
                    break;
                }
            }
            out.push_str(&best);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_of_the_corpus_get_matching_strings() {
        for p in [
            "^crn://.+$",
            "^$|^(http://|https://).+",
            r"^(([a-zA-Z][a-zA-Z_$0-9]*(\.[a-zA-Z][a-zA-Z_$0-9]*)*)\.)?([a-zA-Z][a-zA-Z_$0-9]*)$",
            r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*",
            r"^[\w\+\.-]+$",
            r"^(?:[0-9A-Za-z\-])[\w\.-]{0,63}$",
            r"^\d{12}$",
            r"^\d+\.\d+\.\d+\.\d+/\d+$",
            r#"^[^<>#%'*^`{|}~\"]{1,31}$"#,
            "(^User:.+$)|(^Group:.+$)",
        ] {
            let made = pattern_samples(p, 0).unwrap_or_else(|e| panic!("{p}: {e}"));
            let re = regex::Regex::new(p).unwrap_or_else(|e| panic!("{e}"));
            assert!(made.iter().all(|s| re.is_match(s)), "{p}: {made:?}");
        }
    }

    #[test]
    fn lengths_and_formats_are_met() {
        let r = StringRules { format: Some("uri".into()), pattern: Some("^$|^(http://|https://).+".into()), min_len: 1, max_len: 255 };
        assert!(r.accepts(format_sample("uri").unwrap_or_default()));
        let r = StringRules { format: None, pattern: None, min_len: 20, max_len: 30 };
        assert_eq!(r.fit_length("sample").len(), 20);
    }

    #[test]
    fn a_pattern_the_generator_cannot_read_says_so() {
        assert!(pattern_samples("(?=a)b", 0).is_err());
    }
}
