//! Property test: small valid specs whose string slots other than descriptions carry hostile text
//! (code fences, indented code, comment and raw-string terminators, CR, bidi controls, HTML, a
//! 10,000-character name, backticks, braces). The slots: enum values, query parameter names,
//! header parameter names, response header names, literal path segments, request and response
//! media types, security scheme names, discriminator property names and mapping keys,
//! operationIds, `x-lifecycle-stage` (operation and schema), schema titles, info.title,
//! info.version, server URLs and property names. The strategy fills several at once.
//!
//! Checked in process for every case (fixed seed, so CI is repeatable):
//! - generation does not panic, accepts the (valid) spec, and a second run gives the same bytes;
//! - no doc comment of a generated `.rs` file (`///`, `//!`, `/** */`, `#[doc = ..]`; the
//!   verbatim runtime is left out) opens a code block rustdoc would compile: a fence other than
//!   ```` ```text ````, or text indented 4+ spaces after a blank doc line outside a fence;
//! - no generated line holds a raw CR or a bidi control character;
//! - the generated `Cargo.toml` is plain `key = value` TOML and says `doctest = false` under `[lib]`.
//!
//! Then three generated crates (every slot filled) are compiled under `clippy -D warnings` in one
//! cargo call, and `cargo test --doc` with `doctest = true` forced must find zero doctests.
//!
//! `PROPTEST_RNG_SEED=N` explores other seeds, `PROPTEST_CASES=N` runs more cases.

mod support;

use openapi_forge::{generate_files, write_crate, Options};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use serde_json::{json, Map, Value};

const LONG: &str = "long";

/// Hostile texts; `LONG` stands for a 10,000-character name.
const HOSTILE: &[&str] = &[
    "x\n```\nfn main() { std::fs::write(\"/tmp/forge-pwned-proptest\", \"\").unwrap(); }\n```\n",
    "x\n```rust\nstd::process::exit(5)\n```",
    "x\n~~~\nstd::process::exit(4)\n~~~\n",
    "x\n\n    std::process::exit(3)\n",
    "-     std::process::exit(6)",
    "intro\n\n*      std::process::exit(7)",
    "*/",
    "/*",
    "\"#",
    "r#\"",
    "]]",
    "a\r\nb",
    "a\rb",
    "\u{202E}rtl",
    "\u{2066}isolate",
    "pop\u{2069}",
    "</code>",
    "<script>alert(1)</script>",
    LONG,
    "`tick`",
    "``",
    "{",
    "}",
    "}{",
];

fn hostile(i: usize) -> String {
    match HOSTILE[i % HOSTILE.len()] {
        LONG => "n".repeat(10_000),
        s => s.to_string(),
    }
}

/// Which hostile texts (indices into [`HOSTILE`]) go into each slot; `None` leaves it plain.
#[derive(Debug, Clone)]
struct Slots {
    enum_values: Option<Vec<usize>>,
    query_params: Option<Vec<usize>>,
    header_params: Option<Vec<usize>>,
    response_headers: Option<Vec<usize>>,
    path_key: Option<usize>,
    request_media_type: Option<usize>,
    response_media_type: Option<usize>,
    security_schemes: Option<Vec<usize>>,
    discriminator_property: Option<usize>,
    mapping_keys: Option<Vec<usize>>,
    operation_ids: Option<Vec<usize>>,
    op_lifecycle: Option<usize>,
    schema_lifecycle: Option<usize>,
    title: Option<usize>,
    info_title: Option<usize>,
    info_version: Option<usize>,
    server_url: Option<usize>,
    property_names: Option<Vec<usize>>,
    /// Emit as YAML (else JSON).
    yaml: bool,
}

fn slots(fill: f64) -> impl Strategy<Value = Slots> {
    // `weighted` wants a probability below 1: a full fill is `Some` always.
    let one = move || -> BoxedStrategy<Option<usize>> {
        if fill >= 1.0 {
            (0..HOSTILE.len()).prop_map(Some).boxed()
        } else {
            proptest::option::weighted(fill, 0..HOSTILE.len()).boxed()
        }
    };
    let many = move || -> BoxedStrategy<Option<Vec<usize>>> {
        let texts = proptest::collection::vec(0..HOSTILE.len(), 1..4);
        if fill >= 1.0 {
            texts.prop_map(Some).boxed()
        } else {
            proptest::option::weighted(fill, texts).boxed()
        }
    };
    (
        (many(), many(), many(), many(), one(), one(), one()),
        (many(), one(), many(), many(), one(), one()),
        (one(), one(), one(), one(), many(), any::<bool>()),
    )
        .prop_map(
            |(
                (enum_values, query_params, header_params, response_headers, path_key, request_media_type, response_media_type),
                (security_schemes, discriminator_property, mapping_keys, operation_ids, op_lifecycle, schema_lifecycle),
                (title, info_title, info_version, server_url, property_names, yaml),
            )| Slots {
                enum_values,
                query_params,
                header_params,
                response_headers,
                path_key,
                request_media_type,
                response_media_type,
                security_schemes,
                discriminator_property,
                mapping_keys,
                operation_ids,
                op_lifecycle,
                schema_lifecycle,
                title,
                info_title,
                info_version,
                server_url,
                property_names,
                yaml,
            },
        )
}

/// Distinct texts for a many-valued slot (plus `plain` when empty).
fn texts(ix: &Option<Vec<usize>>, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for &i in ix.iter().flatten() {
        let t = format!("{prefix}{}", hostile(i));
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

fn one_text(i: Option<usize>, plain: &str, prefix: &str) -> String {
    i.map(|i| format!("{prefix}{}", hostile(i))).unwrap_or_else(|| plain.to_string())
}

/// A literal path segment: balanced braces would be a path template, so they are dropped, except
/// in the texts that are only braces.
fn path_segment(i: usize) -> String {
    let h = hostile(i);
    if h.chars().all(|c| c == '{' || c == '}') {
        h
    } else {
        h.replace(['{', '}'], "")
    }
}

/// The spec: one operation with query and header parameters, a JSON request body, a response with
/// headers and a union with a discriminator; a second operation on a hostile literal path.
fn build(s: &Slots) -> Value {
    let mut enum_values = vec!["plain".to_string()];
    enum_values.extend(texts(&s.enum_values, "").into_iter().filter(|t| t != "plain"));

    let mut props = Map::new();
    props.insert("id".into(), json!({ "type": "string" }));
    props.insert("mode".into(), json!({ "$ref": "#/components/schemas/Mode" }));
    for name in texts(&s.property_names, "") {
        if !props.contains_key(&name) {
            props.insert(name, json!({ "type": "string" }));
        }
    }
    let required: Vec<Value> = props.keys().filter(|k| k.as_str() != "mode").take(2).map(|k| json!(k)).collect();
    let mut thing = json!({ "type": "object", "required": required, "properties": props });
    if let Some(t) = s.title {
        thing["title"] = json!(hostile(t));
    }
    if let Some(l) = s.schema_lifecycle {
        thing["x-lifecycle-stage"] = json!(hostile(l));
    }

    let kind = one_text(s.discriminator_property, "kind", "");
    let member = |extra: &str| {
        let mut p = Map::new();
        p.insert(kind.clone(), json!({ "type": "string" }));
        p.insert(extra.to_string(), json!({ "type": "boolean" }));
        let mut m = json!({ "type": "object", "required": [kind.clone()], "properties": p });
        if let Some(t) = s.title {
            m["properties"][extra]["title"] = json!(hostile(t));
        }
        m
    };
    let mut mapping = Map::new();
    for (k, key) in texts(&s.mapping_keys, "").into_iter().enumerate() {
        mapping.insert(key, json!(if k % 2 == 0 { "#/components/schemas/Cat" } else { "#/components/schemas/Dog" }));
    }
    let mut discriminator = json!({ "propertyName": kind });
    if !mapping.is_empty() {
        discriminator["mapping"] = Value::Object(mapping);
    }
    let pet = json!({
        "oneOf": [{ "$ref": "#/components/schemas/Cat" }, { "$ref": "#/components/schemas/Dog" }],
        "discriminator": discriminator,
    });

    let mut params = vec![json!({ "name": "mode", "in": "query", "schema": { "$ref": "#/components/schemas/Mode" } })];
    for (k, name) in texts(&s.query_params, "").into_iter().filter(|n| n != "mode").enumerate() {
        params.push(json!({ "name": name, "in": "query", "required": k == 0, "schema": { "type": "string" } }));
    }
    for (k, name) in texts(&s.header_params, "X-").into_iter().enumerate() {
        params.push(json!({ "name": name, "in": "header", "required": k == 1, "schema": { "type": "string" } }));
    }

    let mut headers = Map::new();
    for name in texts(&s.response_headers, "") {
        headers.insert(name, json!({ "schema": { "type": "string" } }));
    }
    let request_media = one_text(s.request_media_type, "application/json", "application/json; x=");
    let response_media = one_text(s.response_media_type, "application/json", "application/");
    let mut ok = json!({
        "description": "ok",
        "content": { response_media: { "schema": { "type": "object", "properties": {
            "thing": { "$ref": "#/components/schemas/Thing" },
            "pet": { "$ref": "#/components/schemas/Pet" },
        } } } },
    });
    if !headers.is_empty() {
        ok["headers"] = Value::Object(headers);
    }

    let ids = texts(&s.operation_ids, "");
    let mut post = json!({
        "operationId": ids.first().cloned().unwrap_or_else(|| "postThing".into()),
        "parameters": params,
        "requestBody": { "required": true, "content": { request_media: { "schema": { "$ref": "#/components/schemas/Thing" } } } },
        "responses": { "200": ok },
    });
    let mut get = json!({
        "operationId": ids.get(1).cloned().unwrap_or_else(|| "getThing".into()),
        "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Pet" } } } } },
    });
    if let Some(l) = s.op_lifecycle {
        post["x-lifecycle-stage"] = json!(hostile(l));
        get["x-lifecycle-stage"] = json!(hostile(l));
        // Descriptions are Markdown: the same texts as prose.
        post["description"] = json!(hostile(l + 1));
        get["summary"] = json!(hostile(l + 2));
    }

    let mut schemes = Map::new();
    let mut requirements = Vec::new();
    let kinds = [
        json!({ "type": "http", "scheme": "bearer" }),
        json!({ "type": "http", "scheme": "basic" }),
        json!({ "type": "apiKey", "in": "header", "name": "X-Key" }),
    ];
    for (k, name) in texts(&s.security_schemes, "").into_iter().enumerate() {
        schemes.insert(name.clone(), kinds[k % kinds.len()].clone());
        requirements.push(json!({ name: [] }));
    }
    if !requirements.is_empty() {
        post["security"] = Value::Array(requirements);
    }

    let mut paths = Map::new();
    paths.insert("/things".into(), json!({ "post": post }));
    let literal = s.path_key.map(path_segment).unwrap_or_else(|| "pets".into());
    paths.insert(format!("/p/{literal}"), json!({ "get": get }));
    if let Some(id) = ids.get(2) {
        paths.insert("/third".into(), json!({ "delete": { "operationId": id, "responses": { "204": { "description": "gone" } } } }));
    }

    let mut components = json!({
        "schemas": {
            "Mode": { "type": "string", "enum": enum_values },
            "Thing": thing,
            "Cat": member("meow"),
            "Dog": member("bark"),
            "Pet": pet,
        }
    });
    if !schemes.is_empty() {
        components["securitySchemes"] = Value::Object(schemes);
    }
    json!({
        "openapi": "3.0.3",
        "info": { "title": one_text(s.info_title, "Hostile strings", ""), "version": one_text(s.info_version, "1.0", "1.0") },
        "servers": [{ "url": one_text(s.server_url, "https://api.example.com", "https://api.example.com/") }],
        "paths": paths,
        "components": components,
    })
}

fn render(s: &Slots) -> Vec<u8> {
    let doc = build(s);
    if s.yaml {
        serde_yaml::to_string(&doc).unwrap_or_default().into_bytes()
    } else {
        serde_json::to_vec_pretty(&doc).unwrap_or_default()
    }
}

fn config(cases: u32) -> Config {
    let seed = std::env::var("PROPTEST_RNG_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x05ec_5eed);
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(cases);
    Config { cases, rng_seed: RngSeed::Fixed(seed), failure_persistence: None, max_shrink_iters: 500, ..Config::default() }
}

fn options(n: usize) -> Options {
    Options { crate_name: format!("proptest-hostile-{n}"), spec_label: format!("hostile-{n}.json") }
}

/// Bidirectional-text controls (rustc's `text_direction_codepoint_*` lints deny them).
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Doc blocks of a file: the doc strings of each run of attributes (outer or inner), in order,
/// found in the token stream (doc comments are `#[doc = ".."]` there), at every nesting level.
fn doc_blocks(tokens: TokenStream, out: &mut Vec<Vec<String>>, problems: &mut Vec<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut block: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let is_attr = matches!(&tokens[i], TokenTree::Punct(p) if p.as_char() == '#');
        if is_attr {
            let mut j = i + 1;
            if matches!(tokens.get(j), Some(TokenTree::Punct(p)) if p.as_char() == '!') {
                j += 1;
            }
            if let Some(TokenTree::Group(g)) = tokens.get(j) {
                if g.delimiter() == Delimiter::Bracket {
                    let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                    if matches!(inner.first(), Some(TokenTree::Ident(id)) if id == "doc") {
                        match (inner.get(1), inner.get(2), inner.len()) {
                            (Some(TokenTree::Punct(eq)), Some(TokenTree::Literal(lit)), 3) if eq.as_char() == '=' => {
                                match syn::Lit::new(lit.clone()) {
                                    syn::Lit::Str(s) => block.push(s.value()),
                                    other => problems.push(format!("a doc attribute that is not a string: {}", quote::quote!(#other))),
                                }
                            }
                            _ => problems.push(format!("a doc attribute that is not `doc = \"..\"`: #[{}]", g.stream())),
                        }
                    }
                    i = j + 1;
                    continue;
                }
            }
        }
        if !block.is_empty() {
            out.push(std::mem::take(&mut block));
        }
        if let TokenTree::Group(g) = &tokens[i] {
            doc_blocks(g.stream(), out, problems);
        }
        i += 1;
    }
    if !block.is_empty() {
        out.push(block);
    }
}

fn indent_width(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).map(|c| if c == '\t' { 4 } else { 1 }).sum()
}

/// Lines of a doc block that open a code block rustdoc would compile (as rustdoc sees them: the
/// attributes joined by newlines, the common indentation removed).
fn compiled_code_blocks(block: &[String]) -> Vec<String> {
    let text = block.join("\n");
    let lines: Vec<&str> = text.split('\n').collect();
    let common = lines.iter().filter(|l| !l.trim().is_empty()).map(|l| indent_width(l)).min().unwrap_or(0);
    let mut bad = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut after_blank = true;
    for raw in &lines {
        let width = indent_width(raw).saturating_sub(common);
        let t = raw.trim();
        if let Some((ch, len)) = fence {
            let run = t.chars().take_while(|&c| c == ch).count();
            if run >= len && t[run * ch.len_utf8()..].trim().is_empty() {
                fence = None;
            }
            after_blank = false;
            continue;
        }
        if t.is_empty() {
            after_blank = true;
            continue;
        }
        let marker = t.strip_prefix(['-', '*', '+']).or_else(|| {
            let digits = t.chars().take_while(char::is_ascii_digit).count();
            (digits > 0).then(|| &t[digits..]).and_then(|r| r.strip_prefix(['.', ')']))
        });
        if marker.is_some_and(|rest| rest.starts_with("     ")) {
            bad.push(format!("an indented code block inside a list item: {raw:?}"));
        } else if width >= 4 && after_blank {
            bad.push(format!("indented code after a blank doc line: {raw:?}"));
        } else if t.starts_with("```") || t.starts_with("~~~") {
            let ch = t.chars().next().unwrap_or('`');
            let len = t.chars().take_while(|&c| c == ch).count();
            if t != "```text" {
                bad.push(format!("a code fence other than ```text: {raw:?}"));
            }
            fence = Some((ch, len));
        }
        after_blank = false;
    }
    bad
}

/// A TOML basic string that starts `s` (after the opening quote): the rest after the closing quote.
fn toml_string_rest(s: &str) -> Option<&str> {
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some(&s[i + 1..]),
            '\\' => match chars.next() {
                Some((_, 'b' | 't' | 'n' | 'f' | 'r' | '"' | '\\')) => {}
                Some((_, 'u')) => {
                    for _ in 0..4 {
                        chars.next().filter(|(_, h)| h.is_ascii_hexdigit())?;
                    }
                }
                _ => return None,
            },
            c if c.is_control() && c != '\t' => return None,
            _ => {}
        }
    }
    None
}

/// Problems with a generated `Cargo.toml`: every line a comment, blank, `[section]`, or
/// `key = value` with a quoted string, inline table or array value (or a boolean). CR and bidi
/// controls are checked with the other files; `doctest = false` by the caller.
fn manifest_problems(manifest: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (n, line) in manifest.split('\n').enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('[') {
            let name = t.trim_start_matches('[').trim_end_matches(']');
            let ok = t.ends_with(']') && !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
            if !ok {
                problems.push(format!("Cargo.toml line {}: not a [section]: {line:?}", n + 1));
            }
            continue;
        }
        let Some((key, value)) = t.split_once('=') else {
            problems.push(format!("Cargo.toml line {}: not `key = value`: {line:?}", n + 1));
            continue;
        };
        let key_ok = !key.trim().is_empty() && key.trim().chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        let value = value.trim();
        let value_ok = match value.strip_prefix('"') {
            Some(rest) => toml_string_rest(rest).is_some_and(|after| after.trim().is_empty() || after.trim().starts_with('#')),
            None => (value.starts_with('{') && value.ends_with('}')) || (value.starts_with('[') && value.ends_with(']')) || value == "true" || value == "false",
        };
        if !key_ok || !value_ok {
            problems.push(format!("Cargo.toml line {}: not `key = \"string\" | {{table}} | [array]`: {line:?}", n + 1));
        }
    }
    problems
}

/// Everything wrong with one generated crate's files.
fn crate_problems(files: &[openapi_forge::emit::GeneratedFile]) -> Vec<String> {
    let mut problems = Vec::new();
    for f in files {
        for (n, line) in f.contents.split('\n').enumerate() {
            let doc = line.trim_start().starts_with("///") || line.trim_start().starts_with("//!");
            let what = if doc { "doc" } else { "non-doc" };
            if line.contains('\r') {
                problems.push(format!("{}:{}: a raw CR in a {what} line: {:?}", f.path, n + 1, clip(line)));
            }
            if line.chars().any(is_bidi) {
                problems.push(format!("{}:{}: a bidi control in a {what} line: {:?}", f.path, n + 1, clip(line)));
            }
        }
        if f.path == "Cargo.toml" {
            problems.extend(manifest_problems(&f.contents));
        }
        // The runtime is copied verbatim (no spec text); its own examples are not checked here.
        if !f.path.ends_with(".rs") || f.path.starts_with("src/runtime/") {
            continue;
        }
        let tokens: TokenStream = match f.contents.parse() {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{}: does not tokenize: {e}", f.path));
                continue;
            }
        };
        let mut blocks = Vec::new();
        let mut attr_problems = Vec::new();
        doc_blocks(tokens, &mut blocks, &mut attr_problems);
        problems.extend(attr_problems.into_iter().map(|p| format!("{}: {p}", f.path)));
        for block in &blocks {
            for bad in compiled_code_blocks(block) {
                let first = block.iter().flat_map(|d| d.lines()).find(|l| !l.trim().is_empty()).unwrap_or_default();
                problems.push(format!("{}: {} (in the docs starting {:?})", f.path, clip(&bad), clip(first)));
            }
        }
    }
    problems
}

fn clip(s: &str) -> String {
    if s.chars().count() > 300 {
        format!("{}…", s.chars().take(300).collect::<String>())
    } else {
        s.to_string()
    }
}

#[test]
fn hostile_strings_never_become_doctests_or_raw_controls() {
    let mut runner = TestRunner::new(config(48));
    // Checked apart from the rest: it fails for every spec or for none, and would hide the rest
    // while shrinking.
    let doctests_on = std::cell::Cell::new(0usize);
    let result = runner.run(&slots(0.5), |s| {
        let bytes = render(&s);
        let spec = || String::from_utf8_lossy(&bytes).chars().take(4000).collect::<String>();
        let first = generate_files("hostile.json", &bytes, &options(0)).map_err(|e| TestCaseError::fail(format!("refused a valid spec: {e}\n{}", spec())))?;
        let second = generate_files("hostile.json", &bytes, &options(0)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(first.files == second.files, "two runs differ for\n{}", spec());
        let manifest = first.files.iter().find(|f| f.path == "Cargo.toml").map(|f| f.contents.as_str()).unwrap_or_default();
        if support::lib_doctest(manifest) != Some(false) {
            doctests_on.set(doctests_on.get() + 1);
        }
        let problems = crate_problems(&first.files);
        prop_assert!(problems.is_empty(), "{} problems:\n{}\nspec:\n{}", problems.len(), problems.join("\n"), spec());
        Ok(())
    });
    let doctests_on = doctests_on.get();
    let manifests = if doctests_on == 0 { String::new() } else { format!("\n\nand {doctests_on} generated Cargo.toml files do not say `doctest = false` under [lib]") };
    if let Err(e) = result {
        panic!("{e}{manifests}");
    }
    assert!(manifests.is_empty(), "{}", manifests.trim());
}

#[test]
fn a_sample_of_hostile_crates_compiles_and_has_no_doctests() {
    let mut runner = TestRunner::new(config(3));
    let ws = support::crate_dir().join("../target/proptest-hostile-ws");
    let _ = std::fs::remove_dir_all(&ws);
    std::fs::create_dir_all(&ws).expect("scratch workspace");
    for stale in support::pwned_files() {
        let _ = std::fs::remove_file(stale);
    }
    let mut names = Vec::new();
    let mut manifests_off = Vec::new();
    for n in 0..3 {
        // Every slot filled.
        let tree = slots(1.0).new_tree(&mut runner).expect("hostile slots");
        let bytes = render(&tree.current());
        let g = generate_files("hostile.json", &bytes, &options(n)).unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&bytes)));
        let name = format!("proptest-hostile-{n}");
        write_crate(&ws.join(&name), &g.files).expect("write crate");
        let manifest = g.files.iter().find(|f| f.path == "Cargo.toml").map(|f| f.contents.as_str()).unwrap_or_default();
        if support::lib_doctest(manifest) != Some(false) {
            manifests_off.push(name.clone());
        }
        std::fs::write(ws.join(&name).join("Cargo.toml"), support::force_doctest(manifest)).expect("force doctest = true");
        std::fs::write(ws.join(&name).join("spec.json"), &bytes).expect("keep the spec");
        names.push(name);
    }
    let mut failures = Vec::new();
    if !manifests_off.is_empty() {
        failures.push(format!("generated manifests without `doctest = false` under [lib]: {manifests_off:?}"));
    }
    let out = support::cargo_in_scratch_workspace(
        &ws,
        &names,
        &["clippy", "--workspace", "--all-targets", "--keep-going", "--message-format=short", "--", "-D", "warnings"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let failed = support::crates_that_failed(&stderr, &names);
    if !out.status.success() || !failed.is_empty() {
        let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).take(60).collect();
        failures.push(format!("hostile crates that do not compile: {failed:?} (specs kept in {}/<crate>/spec.json)\n{}", ws.display(), errors.join("\n")));
    }
    let mut args = vec!["test", "--doc", "--workspace", "--no-fail-fast"];
    for name in &failed {
        args.push("--exclude");
        args.push(name.as_str());
    }
    let out = support::cargo_in_scratch_workspace_merged(&ws, &names, &args);
    let output = String::from_utf8_lossy(&out.stdout);
    let runs = support::doctest_runs(&output);
    for name in names.iter().filter(|n| !failed.contains(n)) {
        let lib = name.replace('-', "_");
        match runs.iter().find(|r| r.crate_name == lib) {
            None => failures.push(format!("{name}: `cargo test --doc` reported no `Doc-tests {lib}` block")),
            Some(run) if run.count != 0 || !run.tests.is_empty() => {
                failures.push(format!("{name}: rustdoc found {} doctest(s), expected 0:\n    {}", run.count, run.tests.join("\n    ")));
            }
            Some(_) => {}
        }
    }
    if !out.status.success() {
        let tail: Vec<&str> = output.lines().filter(|l| l.contains("error") || l.contains("FAILED") || l.contains("panicked")).take(60).collect();
        failures.push(format!("cargo test --doc failed:\n{}", tail.join("\n")));
    }
    let pwned = support::pwned_files();
    if !pwned.is_empty() {
        failures.push(format!("doctests made from spec text ran and wrote {pwned:?}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
