//! Property-based tests: random VALID specs, built from a grammar of the constructs the generator
//! supports (objects, arrays, maps, string enums, oneOf with and without discriminator, allOf,
//! nullable, readOnly/writeOnly, refs between components including recursion, odd names,
//! parameters, several responses), written out as YAML or JSON.
//!
//! - Every spec generates (no panic, no refusal), and generating twice gives the same bytes.
//! - A few specs (fixed seed, so CI is repeatable) are compiled under `clippy -D warnings`, in one
//!   cargo call that shares the workspace's target folder.
//!
//! The seed is fixed; set `PROPTEST_RNG_SEED=N` to explore others and `PROPTEST_CASES=N` for more.
//!
//! Left out of the grammar on purpose, because they are open bugs recorded as fixtures in
//! `tests/hostile/`: arrays or maps that contain themselves with no named type in between
//! (`recursive_*_alias.yaml`), and inline allOf overlays that extend their own component
//! (`bug_allof_self_overlays_hang.yaml`, found here). Overlays therefore extend `Base`, and
//! component-level overlays do not override base properties (`allof_override_self_ref.yaml`,
//! also found here, is fixed).

mod support;

use openapi_forge::{generate_files, write_crate, Options};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use serde_json::{json, Map, Value};
use std::time::Instant;

/// Names that stress identifier rules: keywords, digits, punctuation, unicode, names that fold
/// together, and prelude type names.
const NAMES: &[&str] = &[
    "id", "name", "type", "self", "Self", "crate", "async", "match", "_", "1st", "2fa", "@@", "名前", "émoji 🎉",
    "fooBar", "foo_bar", "foo-bar", "foo.bar", "FooBar", "Result", "Option", "String", "Vec", "Box", "Client", "Error",
    "value", "items", "additional_properties", "kind", "x", "Unknown", "default", "spec", "body", "params",
];

const ENUM_VALUES: &[&str] = &["", "1", "null", "FOO", "foo", "Foo", "foo-bar", "foo_bar", "Unknown", "é", " ", "true"];

const DOCS: &[&str] = &[
    "Plain words.",
    "Ends a comment */ and opens one /*",
    "```rust\nfn main() { panic!(\"doctest\") }\n```",
    "    indented code: panic!()",
    "<b>html</b> & [brackets] #[cfg(test)] ///",
    "line\r\nbreaks\tand\u{7} controls \u{202e}",
];

#[derive(Debug, Clone)]
enum S {
    Str(Option<&'static str>),
    Int(Option<&'static str>),
    Num(Option<&'static str>),
    Bool,
    Enum(Vec<&'static str>),
    Obj { props: Vec<Prop>, additional: Option<Box<S>> },
    Arr(Box<S>),
    Map(Box<S>),
    /// A component, by index (modulo the number of components).
    Ref(usize),
    Nullable(Box<S>),
    /// `allOf: [$ref Base, inline object]`.
    AllOf(Vec<Prop>),
}

#[derive(Debug, Clone)]
struct Prop {
    name: &'static str,
    schema: S,
    required: bool,
    /// 0 none, 1 readOnly, 2 writeOnly.
    direction: u8,
    doc: Option<&'static str>,
}

#[derive(Debug, Clone)]
enum Component {
    Object(Vec<Prop>),
    Enum(Vec<&'static str>),
    /// oneOf over object components (indices), optionally with a discriminator.
    Union(Vec<usize>, bool),
    /// allOf over an object component and an inline object.
    Extends(usize, Vec<Prop>),
}

#[derive(Debug, Clone)]
struct Op {
    operation_id: Option<&'static str>,
    method: &'static str,
    path_param: Option<S>,
    query: Vec<(&'static str, S, bool)>,
    header: Option<(&'static str, S)>,
    body: Option<S>,
    /// Success codes (distinct), then error codes with a body or not, and a `default` or not.
    success: Vec<(u16, Option<S>)>,
    errors: Vec<(u16, Option<S>, bool)>,
    default: Option<S>,
    doc: Option<&'static str>,
}

#[derive(Debug, Clone)]
struct Spec {
    components: Vec<(&'static str, Component)>,
    ops: Vec<Op>,
    yaml: bool,
}

fn name() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(NAMES)
}

fn doc() -> impl Strategy<Value = Option<&'static str>> {
    proptest::option::weighted(0.3, proptest::sample::select(DOCS))
}

fn scalar() -> impl Strategy<Value = S> {
    prop_oneof![
        proptest::option::of(proptest::sample::select(&["date-time", "date", "uuid", "byte", "uri"][..])).prop_map(S::Str),
        proptest::option::of(proptest::sample::select(&["int32", "int64"][..])).prop_map(S::Int),
        proptest::option::of(proptest::sample::select(&["float", "double"][..])).prop_map(S::Num),
        Just(S::Bool),
        proptest::collection::vec(proptest::sample::select(ENUM_VALUES), 1..5).prop_map(S::Enum),
    ]
}

fn props(inner: BoxedStrategy<S>) -> impl Strategy<Value = Vec<Prop>> {
    proptest::collection::vec(
        (name(), inner, any::<bool>(), 0u8..6, doc()).prop_map(|(name, schema, required, d, doc)| Prop {
            name,
            schema,
            required,
            direction: if d < 4 { 0 } else { d - 3 },
            doc,
        }),
        1..4,
    )
    .prop_map(|mut ps| {
        // Property names are unique within an object (duplicate YAML keys are a different test).
        let mut seen = Vec::new();
        ps.retain(|p| {
            let fresh = !seen.contains(&p.name);
            seen.push(p.name);
            fresh
        });
        ps
    })
}

/// Any schema; `Ref`s point at components, so recursion goes through named types only.
fn schema() -> BoxedStrategy<S> {
    let leaf = prop_oneof![3 => scalar(), 2 => (0usize..8).prop_map(S::Ref)];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            (props(inner.clone()), proptest::option::weighted(0.2, inner.clone()))
                .prop_map(|(props, additional)| S::Obj { props, additional: additional.map(Box::new) }),
            inner.clone().prop_map(|s| S::Arr(Box::new(s))),
            inner.clone().prop_map(|s| S::Map(Box::new(s))),
            inner.clone().prop_map(|s| S::Nullable(Box::new(s))),
            props(inner).prop_map(S::AllOf),
        ]
    })
    .boxed()
}

fn component() -> impl Strategy<Value = Component> {
    prop_oneof![
        4 => props(schema()).prop_map(Component::Object),
        1 => proptest::collection::vec(proptest::sample::select(ENUM_VALUES), 1..6).prop_map(Component::Enum),
        1 => (proptest::collection::vec(0usize..8, 2..4), any::<bool>()).prop_map(|(m, d)| Component::Union(m, d)),
        1 => ((0usize..8), props(schema())).prop_map(|(i, p)| Component::Extends(i, p)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let query = proptest::collection::vec((name(), scalar(), any::<bool>()), 0..3);
    let success = proptest::collection::btree_map(prop_oneof![Just(200u16), Just(201), Just(202), Just(204)], proptest::option::of(schema()), 1..3)
        .prop_map(|m| m.into_iter().collect::<Vec<_>>());
    let errors = proptest::collection::btree_map(
        prop_oneof![Just(400u16), Just(404), Just(409), Just(429), Just(500)],
        (proptest::option::of(schema()), any::<bool>()),
        0..3,
    )
    .prop_map(|m| m.into_iter().map(|(c, (s, h))| (c, s, h)).collect::<Vec<_>>());
    (
        proptest::option::weighted(0.8, name()),
        proptest::sample::select(&["get", "post", "put", "delete", "patch"][..]),
        proptest::option::weighted(0.4, scalar()),
        query,
        proptest::option::weighted(0.3, (name(), scalar())),
        proptest::option::weighted(0.4, schema()),
        success,
        errors,
        proptest::option::weighted(0.3, schema()),
        doc(),
    )
        .prop_map(|(operation_id, method, path_param, query, header, body, success, errors, default, doc)| Op {
            operation_id,
            method,
            path_param,
            query,
            header,
            body,
            success,
            errors,
            default,
            doc,
        })
}

fn spec() -> impl Strategy<Value = Spec> {
    (proptest::collection::vec((name(), component()), 1..6), proptest::collection::vec(op(), 1..4), any::<bool>())
        .prop_map(|(components, ops, yaml)| Spec { components, ops, yaml })
}

/// Renders a spec, repairing what the grammar cannot express (unique names and operationIds,
/// union members that are objects, refs that exist).
fn render(spec: &Spec) -> Vec<u8> {
    let mut names: Vec<String> = Vec::new();
    for (base, _) in &spec.components {
        let mut n = base.to_string();
        let mut i = 2;
        while names.contains(&n) {
            n = format!("{base}{i}");
            i += 1;
        }
        names.push(n);
    }
    let objects: Vec<usize> =
        spec.components.iter().enumerate().filter(|(_, (_, c))| matches!(c, Component::Object(_))).map(|(i, _)| i).collect();
    let r = |i: usize| json!({ "$ref": format!("#/components/schemas/{}", names[i % names.len()].replace('~', "~0").replace('/', "~1")) });
    let object_ref = |i: usize| objects.get(i % objects.len().max(1)).map(|&o| r(o));
    let mut schemas = Map::new();
    for (i, (_, c)) in spec.components.iter().enumerate() {
        let v = match c {
            Component::Object(p) => obj(p, None, &r, &object_ref),
            Component::Enum(values) => json!({ "type": "string", "enum": dedup(values) }),
            Component::Union(members, disc) => {
                let mut refs: Vec<Value> = Vec::new();
                for m in members {
                    if let Some(v) = object_ref(*m) {
                        if !refs.contains(&v) {
                            refs.push(v);
                        }
                    }
                }
                if refs.len() < 2 {
                    json!({ "type": "object", "properties": { "fallback": { "type": "string" } } })
                } else {
                    let mut u = json!({ "oneOf": refs });
                    if *disc {
                        u["discriminator"] = json!({ "propertyName": "kind" });
                    }
                    u
                }
            }
            Component::Extends(base, p) => {
                let base_index = objects.get(*base % objects.len().max(1)).copied();
                match (object_ref(*base), base_index.map(|b| &spec.components[b].1)) {
                    (Some(b), Some(Component::Object(base_props))) if base_index != Some(i) => {
                        // Overriding a base property is left out: overriding it with a reference
                        // back to this type is a known bug (bug_allof_override_self_ref.yaml).
                        let own: Vec<Prop> = p.iter().filter(|q| !base_props.iter().any(|bp| bp.name == q.name)).cloned().collect();
                        json!({ "allOf": [b, obj(&own, None, &r, &object_ref)] })
                    }
                    _ => obj(p, None, &r, &object_ref),
                }
            }
        };
        schemas.insert(names[i].clone(), v);
    }
    schemas.insert(
        "Base".into(),
        json!({ "type": "object", "required": ["base_id"], "properties": { "base_id": { "type": "string" }, "base_n": { "type": "integer" } } }),
    );
    let mut paths = Map::new();
    let mut ids: Vec<&str> = Vec::new();
    for (k, op) in spec.ops.iter().enumerate() {
        let mut o = Map::new();
        if let Some(id) = op.operation_id.filter(|id| !ids.contains(id)) {
            ids.push(id);
            o.insert("operationId".into(), json!(id));
        }
        if let Some(d) = op.doc {
            o.insert("description".into(), json!(d));
        }
        let mut params = Vec::new();
        let mut path = format!("/r{k}");
        if let Some(p) = &op.path_param {
            path.push_str("/{pid}");
            params.push(json!({ "name": "pid", "in": "path", "required": true, "schema": sch(p, &r, &object_ref) }));
        }
        let mut seen = Vec::new();
        for (n, s, required) in &op.query {
            if seen.contains(n) {
                continue;
            }
            seen.push(*n);
            let required = *required;
            params.push(json!({ "name": n, "in": "query", "required": required, "schema": sch(s, &r, &object_ref) }));
        }
        if let Some((n, s)) = &op.header {
            params.push(json!({ "name": format!("X-{n}"), "in": "header", "schema": sch(s, &r, &object_ref) }));
        }
        if !params.is_empty() {
            o.insert("parameters".into(), Value::Array(params));
        }
        if let Some(b) = &op.body {
            o.insert("requestBody".into(), json!({ "required": true, "content": { "application/json": { "schema": sch(b, &r, &object_ref) } } }));
        }
        let mut responses = Map::new();
        for (code, body) in &op.success {
            let mut resp = json!({ "description": format!("success {code}") });
            if let (Some(b), true) = (body, *code != 204) {
                resp["content"] = json!({ "application/json": { "schema": sch(b, &r, &object_ref) } });
            }
            responses.insert(code.to_string(), resp);
        }
        for (code, body, headers) in &op.errors {
            let mut resp = json!({ "description": format!("error {code}") });
            if let Some(b) = body {
                resp["content"] = json!({ "application/json": { "schema": sch(b, &r, &object_ref) } });
            }
            if *headers {
                resp["headers"] = json!({ "X-Request-Id": { "schema": { "type": "string" } }, "Retry-After": { "schema": { "type": "integer" } } });
            }
            responses.insert(code.to_string(), resp);
        }
        if let Some(d) = &op.default {
            responses.insert("default".into(), json!({ "description": "other", "content": { "application/json": { "schema": sch(d, &r, &object_ref) } } }));
        }
        o.insert("responses".into(), Value::Object(responses));
        let mut item = Map::new();
        item.insert(op.method.into(), Value::Object(o));
        paths.insert(path, Value::Object(item));
    }
    let doc = json!({
        "openapi": "3.0.3",
        "info": { "title": "Random */ API", "version": "1.2.3" },
        "servers": [{ "url": "https://api.example.com" }],
        "paths": paths,
        "components": { "schemas": schemas },
    });
    if spec.yaml {
        serde_yaml::to_string(&doc).unwrap_or_default().into_bytes()
    } else {
        serde_json::to_vec_pretty(&doc).unwrap_or_default()
    }
}

fn dedup(values: &[&'static str]) -> Vec<&'static str> {
    let mut out = Vec::new();
    for v in values {
        if !out.contains(v) {
            out.push(*v);
        }
    }
    out
}

fn obj(props: &[Prop], additional: Option<&S>, r: &dyn Fn(usize) -> Value, object_ref: &dyn Fn(usize) -> Option<Value>) -> Value {
    let mut p = Map::new();
    let mut required = Vec::new();
    for prop in props {
        let mut s = sch(&prop.schema, r, object_ref);
        if let Value::Object(o) = &mut s {
            if !o.contains_key("$ref") {
                match prop.direction {
                    1 => {
                        o.insert("readOnly".into(), json!(true));
                    }
                    2 => {
                        o.insert("writeOnly".into(), json!(true));
                    }
                    _ => {}
                }
                if let Some(d) = prop.doc {
                    o.insert("description".into(), json!(d));
                }
            }
        }
        if prop.required {
            required.push(prop.name);
        }
        p.insert(prop.name.to_string(), s);
    }
    let mut o = json!({ "type": "object", "properties": p });
    if !required.is_empty() {
        o["required"] = json!(required);
    }
    if let Some(a) = additional {
        o["additionalProperties"] = sch(a, r, object_ref);
    }
    o
}

fn sch(s: &S, r: &dyn Fn(usize) -> Value, object_ref: &dyn Fn(usize) -> Option<Value>) -> Value {
    let with_format = |t: &str, f: &Option<&str>| match f {
        Some(f) => json!({ "type": t, "format": f }),
        None => json!({ "type": t }),
    };
    match s {
        S::Str(f) => with_format("string", f),
        S::Int(f) => with_format("integer", f),
        S::Num(f) => with_format("number", f),
        S::Bool => json!({ "type": "boolean" }),
        S::Enum(v) => json!({ "type": "string", "enum": dedup(v) }),
        S::Obj { props, additional } => obj(props, additional.as_deref(), r, object_ref),
        S::Arr(i) => json!({ "type": "array", "items": sch(i, r, object_ref) }),
        S::Map(v) => json!({ "type": "object", "additionalProperties": sch(v, r, object_ref) }),
        S::Ref(i) => r(*i),
        S::Nullable(i) => match sch(i, r, object_ref) {
            Value::Object(mut o) if !o.contains_key("$ref") => {
                o.insert("nullable".into(), json!(true));
                Value::Object(o)
            }
            other => json!({ "allOf": [other], "nullable": true }),
        },
        // Inline overlays extend `Base`, which refers to nothing: recursion through inline
        // allOf overlays is a known bug (tests/hostile/bug_allof_mutual_recursion.yaml).
        S::AllOf(p) => json!({ "allOf": [{ "$ref": "#/components/schemas/Base" }, obj(p, None, r, object_ref)] }),
    }
}

fn config(cases: u32) -> Config {
    let seed = std::env::var("PROPTEST_RNG_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x0f0e_5eed);
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(cases);
    Config { cases, rng_seed: RngSeed::Fixed(seed), failure_persistence: None, max_shrink_iters: 2000, ..Config::default() }
}

fn options(n: usize) -> Options {
    Options { crate_name: format!("proptest-spec-{n}"), spec_label: format!("random-{n}.yaml") }
}

#[test]
fn random_valid_specs_generate_deterministically() {
    let start = Instant::now();
    let mut runner = TestRunner::new(config(96));
    let result = runner.run(&spec(), |s| {
        let bytes = render(&s);
        let first = generate_files("random.yaml", &bytes, &options(0));
        let first = match first {
            Ok(g) => g,
            Err(e) => {
                return Err(TestCaseError::fail(format!("refused a valid spec: {e}\n{}", String::from_utf8_lossy(&bytes))));
            }
        };
        let second = generate_files("random.yaml", &bytes, &options(0)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(first.files == second.files, "two runs differ for\n{}", String::from_utf8_lossy(&bytes));
        Ok(())
    });
    println!("{} random specs in {:.1} s", runner.config().cases, start.elapsed().as_secs_f64());
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn a_sample_of_random_specs_compiles_under_clippy() {
    let mut runner = TestRunner::new(config(3));
    let ws = support::crate_dir().join("../target/proptest-ws");
    let _ = std::fs::remove_dir_all(&ws);
    std::fs::create_dir_all(&ws).expect("scratch workspace");
    let mut names = Vec::new();
    let mut specs = Vec::new();
    let samples = std::env::var("FORGE_COMPILE_SAMPLES").ok().and_then(|s| s.parse().ok()).unwrap_or(3usize);
    for n in 0..samples {
        let tree = spec().new_tree(&mut runner).expect("a random spec");
        let bytes = render(&tree.current());
        let g = generate_files("random.yaml", &bytes, &options(n)).unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&bytes)));
        let name = format!("proptest-spec-{n}");
        write_crate(&ws.join(&name), &g.files).expect("write crate");
        std::fs::write(ws.join(&name).join(if tree.current().yaml { "spec.yaml" } else { "spec.json" }), &bytes).expect("keep the spec");
        names.push(name);
        specs.push(bytes);
    }
    let start = Instant::now();
    let out = support::cargo_in_scratch_workspace(
        &ws,
        &names,
        &["clippy", "--workspace", "--all-targets", "--keep-going", "--message-format=short", "--", "-D", "warnings"],
    );
    println!("clippy -D warnings on {} random crates: {:.1} s", names.len(), start.elapsed().as_secs_f64());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let failed = support::crates_that_failed(&stderr, &names);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    assert!(
        out.status.success() && failed.is_empty(),
        "random specs whose crates do not compile: {failed:?} (specs kept in {}/<crate>/spec.*)\n{}",
        ws.display(),
        errors.join("\n")
    );
}
