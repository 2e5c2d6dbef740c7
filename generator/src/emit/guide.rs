//! The crate page's guide: a quick start made from the spec (credentials, base URL, one call,
//! matching one of its documented errors, a stream when the API has a paginated list) and an
//! index of every operation grouped by its first tag (method, path, Rust call, summary).
//!
//! Why generate it: a user should reach a first working call from the crate page alone,
//! without reading `operations.rs`. The quick start only holds names the generator made
//! (identifiers, types, the crate name); spec text (tags, paths, summaries) appears only in
//! the index, through the sanitizers of `docs.rs`, never inside the code block.

use super::docs::{code_span, sanitize};
use super::plan::{Arg, CallPlan};
use crate::model::{AuthKind, NormalizedModel, Operation, StatusMatch, TypeRef};

/// Where the guide is shown: the crate root of a one-spec crate, or an API group's module.
pub struct GuideContext {
    /// The `use` line that brings `Client` and `Error` in.
    pub imports: String,
    /// The path of the module holding the operations' error enums (`confluent_cloud`).
    pub ops_path: String,
    /// How users get that client, as Rust text (`let client = Client::builder() ... .build()?;`).
    pub make_client: String,
}

/// The builder calls a client needs: a base URL when the spec names none the client can use,
/// and the credentials its schemes call for.
fn builder_calls(model: &NormalizedModel, needs_base_url: bool) -> String {
    let mut s = String::new();
    if needs_base_url {
        s.push_str("\n    .base_url(\"https://your-server.example\")");
    }
    let kinds: Vec<&AuthKind> = model.api.security_schemes.iter().map(|s| &s.kind).collect();
    if kinds.iter().any(|k| matches!(k, AuthKind::Basic)) {
        s.push_str("\n    .basic_auth(std::env::var(\"API_KEY\")?, std::env::var(\"API_SECRET\")?)");
    } else if kinds.iter().any(|k| matches!(k, AuthKind::Bearer)) {
        s.push_str("\n    .bearer_token(std::env::var(\"API_TOKEN\")?)");
    }
    s
}

/// The guide's context for a one-spec crate named `crate_ident`.
pub fn single_crate(model: &NormalizedModel, crate_ident: &str) -> GuideContext {
    GuideContext {
        imports: format!("use {crate_ident}::{{Client, Error}};"),
        ops_path: crate_ident.to_string(),
        make_client: format!("let client = Client::builder(){}\n    .build()?;", builder_calls(model, model.api.default_server.is_none())),
    }
}

/// The guide's context for the API group `module` of the many-spec crate `crate_ident`.
pub fn group(model: &NormalizedModel, crate_ident: &str, module: &str, base_url_required: bool) -> GuideContext {
    GuideContext {
        imports: format!("use {crate_ident}::{module}::Client;\nuse {crate_ident}::Error;"),
        ops_path: format!("{crate_ident}::{module}"),
        make_client: format!(
            "let client = Client::builder(){}\n    .build()?;",
            builder_calls(model, base_url_required || model.api.default_server.is_none())
        ),
    }
}

/// `## Quick start` and `## Operations`, as Markdown for the crate (or group) docs.
pub fn guide(model: &NormalizedModel, cx: &GuideContext) -> String {
    let mut out = String::new();
    if let Some(code) = quick_start(model, cx) {
        out.push_str("## Quick start\n\n```text\n");
        out.push_str(&code);
        out.push_str("\n```\n\n");
    }
    out.push_str(&operation_index(model));
    out
}

/// The operation the quick start calls: a `GET` without a body and with the fewest required
/// inputs, in spec order.
fn pick_call(model: &NormalizedModel) -> Option<&Operation> {
    model
        .operations
        .iter()
        .filter(|op| !op.docs.deprecated)
        .min_by_key(|op| {
            let plan = CallPlan::of(op);
            (op.method.as_str() != "GET", plan.body_required(), plan.args.len())
        })
}

/// Rust text of a call with placeholder values for its arguments (the call plan's).
fn call_text(op: &Operation) -> String {
    let args: Vec<String> = CallPlan::of(op)
        .args
        .iter()
        .map(|a| match a {
            Arg::Param { param: p, .. } => match &p.ty {
                TypeRef::Integer(_) => "1".to_string(),
                TypeRef::F32 | TypeRef::F64 => "1.0".to_string(),
                TypeRef::Boolean => "true".to_string(),
                TypeRef::String | TypeRef::Binary => format!("\"{}\"", p.name),
                _ => format!("&{}", p.name),
            },
            // A form the client builds is taken by value; other bodies are borrowed.
            Arg::Body(b) if b.multipart.is_some() => "body".to_string(),
            Arg::Body(_) => "&body".to_string(),
            Arg::ContentType => "content_type".to_string(),
        })
        .collect();
    format!("client.{}({})", op.fn_name, args.join(", "))
}

fn quick_start(model: &NormalizedModel, cx: &GuideContext) -> Option<String> {
    let op = pick_call(model)?;
    let mut s = format!("{}\n\n{}\n\n", cx.imports, cx.make_client);
    let plan = CallPlan::of(op);
    if plan.body_required() {
        s.push_str("let body = /* the request body */;\n");
    }
    if plan.args.iter().any(|a| matches!(a, Arg::ContentType)) {
        s.push_str("let content_type = /* its media type, with the multipart boundary */;\n");
    }
    let call = call_text(op);
    let documented = op.responses.iter().find(|c| !c.success && matches!(c.status, StatusMatch::Code(_)));
    match documented {
        Some(case) => {
            s.push_str(&format!(
                "match {call}.await {{\n    Ok(response) => println!(\"{{:?}} (request {{:?}})\", response.body, response.request_id),\n    Err(Error::Api(e)) => match e.error {{\n        {path}::{err}::{variant}(..) => eprintln!(\"{status}\"),\n        other => eprintln!(\"HTTP {{}}: {{other:?}}\", e.status),\n    }},\n    Err(e) if e.is_retryable() => eprintln!(\"try again later: {{e}}\"),\n    Err(e) => return Err(e.into()),\n}}\n",
                path = cx.ops_path,
                err = op.type_names.error,
                variant = case.variant,
                status = match case.status {
                    StatusMatch::Code(c) => c.to_string(),
                    _ => String::new(),
                },
            ));
        }
        None => s.push_str(&format!("let response = {call}.await?;\nprintln!(\"{{:?}}\", response.body);\n")),
    }
    if let Some(list) = model.operations.iter().find(|op| op.pagination.is_some() && !op.docs.deprecated) {
        s.push_str(&format!(
            "\n// Every item of a paginated list, page after page (`.pages()` for whole pages):\nuse futures::StreamExt;\nlet mut items = {}.stream();\nwhile let Some(item) = items.next().await {{\n    println!(\"{{:?}}\", item?);\n}}\n",
            call_text(list)
        ));
    }
    Some(s.trim_end().to_string())
}

/// Every operation under its first tag (untagged ones last), in spec order within a tag.
fn operation_index(model: &NormalizedModel) -> String {
    if model.operations.is_empty() {
        return String::new();
    }
    let mut groups: Vec<(Option<&str>, Vec<&Operation>)> = Vec::new();
    for op in &model.operations {
        let tag = op.tags.first().map(String::as_str);
        match groups.iter_mut().find(|(t, _)| *t == tag) {
            Some((_, ops)) => ops.push(op),
            None => groups.push((tag, vec![op])),
        }
    }
    groups.sort_by_key(|(t, _)| t.is_none());
    let mut out = String::from("## Operations\n\nEach is a method on [`Client`] returning a request builder: required inputs are its arguments, optional ones setters, then `.await` it.\n");
    for (tag, ops) in groups {
        let heading = match tag {
            Some(t) => sanitize(t).lines().next().unwrap_or_default().trim().to_string(),
            None => "Other operations".to_string(),
        };
        out.push_str(&format!("\n**{}**\n\n", if heading.is_empty() { "Untitled tag".to_string() } else { heading }));
        for op in ops {
            // The summary, else the description's first line, cut at its first sentence.
            let text = op.docs.title.as_deref().or(op.docs.description.as_deref()).map(sanitize).unwrap_or_default();
            let first_line = text.lines().find(|l| !l.trim().is_empty() && !l.trim_start().starts_with(['!', '#', '|', '`'])).unwrap_or_default();
            let summary = match first_line.find(". ") {
                Some(end) => first_line[..=end].to_string(),
                None => first_line.to_string(),
            };
            let summary = summary.trim();
            out.push_str(&format!(
                "- [`{}`](Client::{}): {}{}\n",
                op.fn_name,
                op.fn_name,
                code_span(&format!("{} {}", op.method.as_str(), op.path)),
                if summary.is_empty() { String::new() } else { format!(" {summary}") }
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn quick_start_and_index_for_the_seed() {
        let spec = crate::load::load_bytes("seed.yaml", include_bytes!("../../../spec/update-api-key.yaml")).expect("seed loads");
        let model = crate::normalize::normalize(&spec).expect("seed normalizes");
        let cx = super::single_crate(&model, "confluent_cloud");
        let g = super::guide(&model, &cx);
        assert!(g.contains(".basic_auth("), "{g}");
        assert!(g.contains("client.update_iam_v2_api_key(\"id\")"), "{g}");
        assert!(g.contains("confluent_cloud::UpdateIamV2ApiKeyError::BadRequest(..)"), "{g}");
        assert!(g.contains("- [`update_iam_v2_api_key`](Client::update_iam_v2_api_key): `PATCH /iam/v2/api-keys/{id}`"), "{g}");
    }
}
