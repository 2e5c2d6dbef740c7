//! Spec text to inert generated source: the one place every spec string passes through before
//! it reaches a doc comment, a line comment or the manifest.
//!
//! Spec text is untrusted. In a doc comment, a newline followed by a code fence or an indented
//! block would become a doctest that `cargo test` compiles and runs; in a line comment, a newline
//! would start a line of code; in the manifest, a quote or newline would add keys. So:
//! - prose (descriptions, summaries, titles) goes through [`sanitize`];
//! - names and values quoted in docs (enum values, parameter and header names, paths, media
//!   types, scheme names) go through [`code_span`], which cannot contain a line break or close
//!   itself early;
//! - every doc line goes through [`doc_lines`]/[`inner_doc_lines`], which also defuse any fence or
//!   indented block that reached them anyway (a second line of defence);
//! - line comments use [`comment_text`], manifest strings [`toml_string`].
//!
//! String literals in generated code are built as `proc_macro2::Literal`s, which escape
//! everything that needs it (quotes, backslashes, control and bidirectional characters).
//!
//! Spec Markdown becomes rustdoc that `cargo doc -D warnings` accepts and that never runs as a
//! doctest.
//!
//! Spec descriptions are written for documentation sites: they carry JSX tags
//! (`<SchemaDefinition ... />`), `[RFC6901]`-style brackets that rustdoc would read as broken
//! intra-doc links, bare URLs, raw HTML, indented text that Markdown reads as a code block (which
//! rustdoc would compile as a doctest), and sometimes control characters.

use crate::model::Docs;
use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc]` attributes for a docs record (empty when there is nothing to say).
pub fn doc_attrs(docs: &Docs) -> TokenStream {
    doc_lines(&render(docs))
}

/// Characters rustc refuses in comments (bidirectional-text controls: the
/// `text_direction_codepoint_in_comment` lint is deny-by-default) or that end a line early (a
/// bare CR is an error in a doc comment). Other control characters are dropped too: they render as
/// nothing useful.
fn is_unwanted_char(c: char) -> bool {
    is_bidi_control(c) || (c.is_control() && c != '\n')
}

/// Char-level scrub applied to every doc line, sanitized or not (wire values, paths, media types
/// are put into docs verbatim by the emitters).
fn scrub(text: &str) -> String {
    // Every doc string passes here (some twice), so in one pass, and most are plain ASCII
    // lines with nothing to change: those are copied whole.
    if text.bytes().all(|b| b == b'\n' || (b' '..0x7f).contains(&b)) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // CRLF and a lone CR are both one line break.
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            '\t' => out.push(' '),
            c if is_unwanted_char(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Longest text quoted from the spec inside one code span (a 10,000-character name would
/// otherwise be repeated in full in every doc that mentions it).
const MAX_CODE_SPAN_CHARS: usize = 200;

/// A spec name or value as an inline code span: one line (line breaks and control characters
/// shown as spaces, bidirectional controls dropped), delimited by a backtick run longer than any
/// inside it, and cut at `MAX_CODE_SPAN_CHARS` characters.
pub fn code_span(raw: &str) -> String {
    let mut text: String = raw
        .chars()
        .filter(|c| !is_bidi_control(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_CODE_SPAN_CHARS + 1)
        .collect();
    if text.chars().count() > MAX_CODE_SPAN_CHARS {
        text = text.chars().take(MAX_CODE_SPAN_CHARS).collect();
        text.push('…');
    }
    if text.trim().is_empty() {
        // An empty or all-blank code span renders as literal backticks; say what it is instead.
        return if raw.is_empty() { "(empty)".to_string() } else { "(blank)".to_string() };
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick needs a space inside its delimiters.
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Spec text in a `//` line comment: one line, no control or bidirectional characters.
pub fn comment_text(raw: &str) -> String {
    raw.chars().filter(|c| !is_bidi_control(*c)).map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A TOML basic string (with its quotes): quotes and backslashes escaped, control characters as
/// `\uXXXX`, bidirectional controls dropped.
pub fn toml_string(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 2);
    out.push('"');
    for c in raw.chars().filter(|c| !is_bidi_control(*c)) {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Second line of defence for doc text: every fence that opens a block becomes ```` ```text ````
/// and indentation that would start an indented code block (four spaces after a blank line) is
/// dropped, whatever produced the text.
fn defuse_code_blocks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_fence = false;
    let mut after_blank = true;
    let mut owned;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let fence = trimmed.starts_with("```") || trimmed.starts_with("~~~");
        let fixed: &str = if fence {
            let opening = !in_fence;
            in_fence = !in_fence;
            if opening {
                "```text"
            } else {
                "```"
            }
        } else if !in_fence && after_blank && line.len() - trimmed.len() >= 4 {
            trimmed
        } else if !in_fence && marker_then_code(trimmed).is_some() {
            // `-     code`: an indented code block inside a list item.
            owned = marker_then_code(trimmed).unwrap_or_default();
            &owned
        } else {
            line
        };
        after_blank = !in_fence && line.trim().is_empty();
        out.push_str(fixed);
        out.push('\n');
    }
    if in_fence {
        out.push_str("```\n");
    }
    out
}

/// A list item whose marker is followed by five or more spaces (an indented code block inside
/// the item), rewritten with one space after the marker; `None` for any other line.
fn marker_then_code(line: &str) -> Option<String> {
    let width = list_marker_width(line)?;
    let (marker, rest) = line.split_at(width);
    (rest.len() - rest.trim_start().len() >= 4).then(|| format!("{marker}{}", rest.trim_start()))
}

/// `#[doc]` attributes from already-sanitized text.
pub fn doc_lines(text: &str) -> TokenStream {
    let text = defuse_code_blocks(&scrub(text));
    let text = text.as_str();
    if text.trim().is_empty() {
        return TokenStream::new();
    }
    // A leading blank line means "new paragraph after the docs before"; more than one is noise.
    let starts_paragraph = text.starts_with('\n');
    let body = text.trim_start_matches('\n').trim_end();
    let lines = starts_paragraph.then_some("").into_iter().chain(body.lines());
    match doc_block(lines) {
        Some(block) => quote! { #[doc = #block] },
        None => TokenStream::new(),
    }
}

/// Inner `#![doc]` attributes (crate and module docs) from already-sanitized text.
pub fn inner_doc_lines(text: &str) -> TokenStream {
    let text = defuse_code_blocks(&scrub(text));
    match doc_block(text.trim_end().lines()) {
        Some(block) => quote! { #![doc = #block] },
        None => TokenStream::new(),
    }
}

// Doc blocks are most of the emitted text (over half of `types.rs` and `operations.rs` on the
// corpus), and as one `#[doc = " line"]` attribute per line they were most of the tokens that syn
// parses and prettyplease prints. So a block travels as one attribute instead: `DOC_BLOCK`, then
// the lines joined by `DOC_LINE`. prettyplease prints a doc attribute without a line break as
// `///` and its value on a line of its own, at the item's indentation; [`expand_doc_blocks`]
// then writes each line as the `///` (or `//!`) line prettyplease would have printed for it, with
// trailing spaces trimmed as prettyplease trims them. The output is byte for byte what one
// attribute per line gives.
//
// Inside a [`with_doc_table`] scope (every file `emit_crate`, `emit_module` and
// `emit_multi_crate` make), a block does not even travel in the tokens: carried as a string
// literal it was escaped char by char by proc_macro2, unescaped by syn and again by
// prettyplease, which cost more than all the other doc work. The block is kept in this thread's
// table instead, and the tokens carry a reference to it, `DOC_REF` then `scope:index`, which
// [`expand_doc_blocks`] replaces with the block. The text, and so the output, is the same.
//
// All three markers are control characters, which [`scrub`] removes from all doc text and which
// every string literal in generated code prints escaped (`\u{3}`), so the expansion can never be
// triggered by spec text or touch anything but a doc block.
const DOC_BLOCK: char = '\u{1}';
const DOC_LINE: char = '\u{2}';
const DOC_REF: char = '\u{3}';

/// The doc blocks made on this thread inside the current [`with_doc_table`] scope, `None`
/// outside one. `scope` is unique in the process, so a reference can only ever resolve in the
/// scope (and on the thread) that made it.
struct DocTable {
    scope: u64,
    blocks: Vec<String>,
}

thread_local! {
    static DOC_TABLE: std::cell::RefCell<Option<DocTable>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with doc blocks kept out of the tokens (see [`DOC_REF`]): the tokens `f` builds
/// refer to blocks in a table that lives until `f` returns.
///
/// A reference is only good while its table lives, on the thread that made it, and both hold
/// by the types: proc_macro2's tokens are neither `Send` nor `Sync`, so with `f` and its result
/// `Send`, `f` can neither take tokens in through what it captures nor hand them out, and no
/// token with a reference leaves the scope or the thread; tokens are formatted (and the
/// references resolved) inside it. Should a reference still meet another table, the scope
/// number does not match and formatting fails with an internal error instead of printing other
/// docs. Nested scopes share the outer table.
pub(crate) fn with_doc_table<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    static NEXT_SCOPE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    /// Ends the scope when `f` returns or unwinds.
    struct Close;
    impl Drop for Close {
        fn drop(&mut self) {
            DOC_TABLE.with(|t| t.borrow_mut().take());
        }
    }
    let opened = DOC_TABLE.with(|t| {
        let mut t = t.borrow_mut();
        if t.is_some() {
            return false;
        }
        let scope = NEXT_SCOPE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *t = Some(DocTable { scope, blocks: Vec::new() });
        true
    });
    let _close = opened.then_some(Close);
    f()
}

/// The doc attribute's value for `block` (see [`doc_block`]): inside a [`with_doc_table`] scope a
/// reference to it in the table, outside one the block itself.
fn doc_value(block: String) -> String {
    DOC_TABLE.with(|t| match t.borrow_mut().as_mut() {
        Some(table) => {
            let value = format!("{DOC_REF}{}:{}", table.scope, table.blocks.len());
            table.blocks.push(block);
            value
        }
        None => block,
    })
}

/// The value of one doc attribute holding `lines` (already free of control characters), each
/// written as ` line` (or empty); `None` when there are no lines.
fn doc_block<'a>(lines: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut block = String::new();
    for (i, line) in lines.enumerate() {
        block.push(if i == 0 { DOC_BLOCK } else { DOC_LINE });
        if !line.is_empty() {
            block.push(' ');
            block.push_str(line);
        }
    }
    (!block.is_empty()).then(|| doc_value(block))
}

/// prettyplease's output with every doc block (see [`doc_block`]), or reference to one, written
/// out as one `///` or `//!` line per line of the block, at the indentation of the line
/// prettyplease printed. Fails only on a reference that is not to this thread's current table,
/// which [`with_doc_table`] rules out.
pub(crate) fn expand_doc_blocks(text: String) -> Result<String, String> {
    if !text.contains([DOC_BLOCK, DOC_REF]) {
        return Ok(text);
    }
    DOC_TABLE.with(|table| {
        let table = table.borrow();
        let mut out = String::with_capacity(text.len() * 2);
        for line in text.split_inclusive('\n') {
            let Some(at) = line.find([DOC_BLOCK, DOC_REF]) else {
                out.push_str(line);
                continue;
            };
            // `at` follows `///` or `//!`: the head is the indentation and the comment marker.
            let head = &line[..at];
            let value = line[at..].trim_end_matches('\n');
            let block = match value.strip_prefix(DOC_REF) {
                Some(reference) => lookup(table.as_ref(), reference)?,
                None => value,
            };
            let indent = &head[..head.len() - head.trim_start().len()];
            let marker = head.trim_start();
            let body = block.strip_prefix(DOC_BLOCK).unwrap_or(block);
            for (i, piece) in body.split(DOC_LINE).enumerate() {
                out.push_str(if i == 0 { head } else { indent });
                if i > 0 {
                    out.push_str(marker);
                }
                out.push_str(piece.trim_end_matches(' '));
                out.push('\n');
            }
        }
        Ok(out)
    })
}

/// The block that `reference` (`scope:index`, see [`DOC_REF`]) names in `table`.
fn lookup<'t>(table: Option<&'t DocTable>, reference: &str) -> Result<&'t str, String> {
    let unknown = || format!("internal error: a doc comment refers to a doc block this thread does not hold ({reference:?})");
    let (scope, index) = reference.split_once(':').ok_or_else(unknown)?;
    let (scope, index): (u64, usize) = (scope.parse().map_err(|_| unknown())?, index.parse().map_err(|_| unknown())?);
    match table {
        Some(t) if t.scope == scope => t.blocks.get(index).map(String::as_str).ok_or_else(unknown),
        _ => Err(unknown()),
    }
}

/// The docs record as sanitized Markdown.
pub fn render(docs: &Docs) -> String {
    let mut parts: Vec<String> = Vec::new();
    let desc = docs.description.as_deref().map(sanitize).unwrap_or_default();
    // A title that is an identifier (`iam.v2.ApiKey`) is no summary line: it is shown as code
    // after the prose instead.
    let dotted_title = docs.title.as_deref().filter(|t| is_dotted_name(t));
    if let Some(t) = docs.title.as_deref().filter(|t| !is_dotted_name(t)) {
        let t = sanitize(t);
        if !t.is_empty() && !desc.contains(t.trim()) {
            parts.push(t);
        }
    }
    if !desc.is_empty() {
        parts.push(desc);
    }
    let mut facts = Vec::new();
    if let Some(l) = &docs.lifecycle {
        facts.push(format!("Lifecycle stage: {}.", sanitize(l)));
    }
    if docs.immutable {
        facts.push("Immutable: cannot be changed after the object is created.".to_string());
    }
    if docs.deprecated {
        facts.push("Deprecated by the API.".to_string());
    }
    for n in &docs.notes {
        facts.push(sanitize(n));
    }
    if let Some(t) = dotted_title {
        facts.push(format!("Spec title: {}.", code_span(t)));
    }
    if !facts.is_empty() {
        parts.push(facts.join("\n\n"));
    }
    parts.join("\n\n")
}

/// A title like `iam.v2.ApiKey`: one word with dots, a schema's qualified name.
fn is_dotted_name(title: &str) -> bool {
    let t = title.trim();
    t.contains('.') && !t.ends_with('.') && !t.chars().any(char::is_whitespace)
}

/// Whether a link target leads somewhere from a rustdoc page: absolute web and mail links do;
/// fragment anchors (`#section/Versioning`) and site-relative paths of the spec's own docs site
/// do not.
fn is_reachable_link(url: &str) -> bool {
    let url = url.trim_start();
    url.starts_with("https://") || url.starts_with("http://") || url.starts_with("mailto:")
}

/// Makes spec Markdown safe for rustdoc.
pub fn sanitize(text: &str) -> String {
    let text = scrub(text);
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut list_indent: Option<usize> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            // Every fence becomes `text`: spec examples must never compile as doctests.
            out.push(if in_fence { "```".to_string() } else { "```text".to_string() });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_string());
            continue;
        }
        // Leading indentation would make an indented code block (a doctest): drop it. Lines
        // that continue a list item are indented to the item's text instead, as Markdown wants.
        let line = trimmed.trim_end();
        if line.is_empty() {
            list_indent = None;
            out.push(String::new());
            continue;
        }
        if let Some(width) = list_marker_width(line) {
            // A marker followed by five or more spaces opens an indented code block inside the
            // item (a doctest): one space after the marker, always.
            let (marker, text) = line.split_at(width);
            let line = format!("{marker}{}", text.trim_start());
            list_indent = Some(width);
            out.push(escape_inline(&line));
            continue;
        }
        let escaped = escape_inline(line);
        // A heading whose text was a dropped site directive (`## <SchemaDefinition />`).
        if escaped.starts_with("####") && escaped.trim_start_matches('#').trim().is_empty() {
            continue;
        }
        if let Some(width) = list_indent {
            out.push(format!("{}{escaped}", " ".repeat(width)));
        } else {
            out.push(escaped);
        }
    }
    if in_fence {
        out.push("```".to_string());
    }
    // Collapse runs of blank lines.
    let mut result = String::new();
    let mut blank = 0;
    for l in out {
        if l.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        result.push_str(&l);
        result.push('\n');
    }
    result.trim().to_string()
}

/// Width of a list marker and its space (`- `, `* `, `+ `, `12. `), if the line starts a list item.
fn list_marker_width(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    if b.len() >= 2 && matches!(b[0], b'-' | b'*' | b'+') && b[1] == b' ' {
        return Some(2);
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=9).contains(&digits) && b.len() > digits + 1 && matches!(b[digits], b'.' | b')') && b[digits + 1] == b' ' {
        return Some(digits + 2);
    }
    None
}

/// Escapes one line outside code fences, keeping code spans and Markdown links intact.
fn escape_inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                // A code span: copy to its closing backticks untouched.
                let ticks = chars[i..].iter().take_while(|&&t| t == '`').count();
                let close = find_ticks(&chars, i + ticks, ticks);
                match close {
                    Some(end) => {
                        out.extend(&chars[i..end + ticks]);
                        i = end + ticks;
                    }
                    None => {
                        for _ in 0..ticks {
                            out.push_str("\\`");
                        }
                        i += ticks;
                    }
                }
            }
            '<' => {
                // JSX-style components (`<SchemaDefinition ... />`) are site directives: drop them.
                if let Some(end) = jsx_tag_end(&chars, i) {
                    i = end;
                } else {
                    out.push_str("&lt;");
                    i += 1;
                }
            }
            '>' => {
                out.push_str("&gt;");
                i += 1;
            }
            '&' => {
                out.push_str("&amp;");
                i += 1;
            }
            '[' | '!' if is_link_start(&chars, i) => {
                let end = link_end(&chars, i).unwrap_or(i + 1);
                let (text_end, url_start) = link_parts(&chars, i);
                // Link text is escaped recursively; the URL is copied. A link that leads
                // nowhere from rustdoc (an anchor of the spec's docs site) keeps only its text.
                let prefix = if c == '!' { "![" } else { "[" };
                let text_from = i + prefix.len();
                let inner: String = chars[text_from..text_end].iter().collect();
                let url: String = chars[url_start..end - 1].iter().collect();
                if c == '[' && !is_reachable_link(&url) {
                    out.push_str(&escape_inline(&inner));
                } else {
                    out.push_str(prefix);
                    out.push_str(&escape_inline(&inner));
                    out.push_str("](");
                    out.push_str(&url);
                    out.push(')');
                }
                i = end;
            }
            '[' | ']' => {
                out.push('\\');
                out.push(c);
                i += 1;
            }
            '\\' => {
                out.push_str("\\\\");
                i += 1;
            }
            'h' if starts_url(&chars, i) => {
                let end = (i..chars.len()).find(|&j| chars[j].is_whitespace() || matches!(chars[j], '<' | '>' | '"' | '`' | ')' | ']')).unwrap_or(chars.len());
                // Trailing punctuation belongs to the sentence, not the URL.
                let mut end_url = end;
                while end_url > i && matches!(chars[end_url - 1], '.' | ',' | ';' | ':' | '!' | '?' | '\'') {
                    end_url -= 1;
                }
                out.push('<');
                out.extend(&chars[i..end_url]);
                out.push('>');
                i = end_url;
            }
            '#' if i == 0 => {
                // Keep headings, but never at a level rustdoc reserves for its own sections.
                let level = chars.iter().take_while(|&&h| h == '#').count();
                if chars.get(level) == Some(&' ') {
                    out.push_str("#### ");
                    i = level + 1;
                } else {
                    out.push_str("\\#");
                    i += 1;
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn find_ticks(chars: &[char], from: usize, n: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        if chars[j] == '`' {
            let run = chars[j..].iter().take_while(|&&t| t == '`').count();
            if run == n {
                return Some(j);
            }
            j += run;
        } else {
            j += 1;
        }
    }
    None
}

fn starts_url(chars: &[char], i: usize) -> bool {
    let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
    (rest.starts_with("https://") || rest.starts_with("http://")) && (i == 0 || !chars[i - 1].is_alphanumeric())
}

fn jsx_tag_end(chars: &[char], i: usize) -> Option<usize> {
    let first = *chars.get(i + 1)?;
    if !first.is_ascii_uppercase() {
        return None;
    }
    let close = (i..chars.len()).find(|&j| chars[j] == '>')?;
    if close > i && chars[close - 1] == '/' {
        Some(close + 1)
    } else {
        None
    }
}

fn is_link_start(chars: &[char], i: usize) -> bool {
    if chars[i] == '!' && chars.get(i + 1) != Some(&'[') {
        return false;
    }
    link_end(chars, i).is_some()
}

/// For `[text](url)` or `![alt](url)` at `i`: index of the text's `]` and of the URL's start.
fn link_parts(chars: &[char], i: usize) -> (usize, usize) {
    let open = if chars[i] == '!' { i + 1 } else { i };
    let mut depth = 0;
    for (j, &ch) in chars.iter().enumerate().skip(open) {
        match ch {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return (j, j + 2);
                }
            }
            _ => {}
        }
    }
    (open, open)
}

/// End (exclusive) of an inline link at `i`, if one starts there.
fn link_end(chars: &[char], i: usize) -> Option<usize> {
    let open = if chars[i] == '!' { i + 1 } else { i };
    if chars.get(open) != Some(&'[') {
        return None;
    }
    let mut depth = 0;
    let mut close = None;
    for (j, &ch) in chars.iter().enumerate().skip(open) {
        match ch {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(j);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let url_end = (close + 2..chars.len()).find(|&j| chars[j] == ')')?;
    let url: String = chars[close + 2..url_end].iter().collect();
    if url.is_empty() || url.contains(char::is_whitespace) {
        return None;
    }
    Some(url_end + 1)
}

#[cfg(test)]
mod lazy_continuation_tests {
    //! The shapes clippy's `doc_lazy_continuation` flags (checked against clippy 0.1.95 on a
    //! probe crate): a continuation line of a list item indented less than the item's text
    //! (columns 0 to 3 under `10. `, 0 or 1 under `- `, under-indented lines of nested items), and a
    //! quote line without `>`. Every one must come out indented to the item's text (nesting is
    //! flattened) or escaped.
    use super::sanitize;

    #[test]
    fn continuation_lines_are_indented_to_the_item_text() {
        assert_eq!(sanitize("- a\nb"), "- a\n  b");
        assert_eq!(sanitize("* `all` - every\n the user can see"), "* `all` - every\n  the user can see");
        assert_eq!(sanitize("1. a\n b"), "1. a\n   b");
        assert_eq!(sanitize("10. tenth\n  two\n   three\nzero"), "10. tenth\n    two\n    three\n    zero");
        assert_eq!(sanitize("- a\n  - b\n c"), "- a\n- b\n  c");
    }

    #[test]
    fn quotes_never_continue_lazily() {
        let s = sanitize("> a\nb");
        assert!(!s.lines().any(|l| l.starts_with('>')), "{s}");
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn scrub_breaks_lines_once_and_drops_controls() {
        use super::scrub;
        assert_eq!(scrub("plain `text`\nline two"), "plain `text`\nline two");
        assert_eq!(scrub("a\r\nb\rc\r\r\nd"), "a\nb\nc\n\nd");
        assert_eq!(scrub("tab\there\u{7}\u{7f} bidi\u{202e}é"), "tab here bidié");
    }

    #[test]
    fn seed_markup_is_tamed() {
        let s = sanitize("[![General Availability](https://img.shields.io/badge/x-%2345c6e8)](#section/Versioning)\n\n<SchemaDefinition schemaRef=\"#/components/schemas/iam.v2.ApiKey\" />\n\nA JSON Pointer [RFC6901] to it.\n\n| a | b |\n| --- | --- |\n| `x` | y |");
        // The badge stays; its link to an anchor of the spec's docs site (dead in rustdoc) goes.
        assert!(s.starts_with("![General Availability](https://img.shields.io/badge/x-%2345c6e8)\n"), "{s}");
        assert!(!s.contains("#section"), "{s}");
        assert!(!s.contains("SchemaDefinition"), "{s}");
        assert!(s.contains("\\[RFC6901\\]"), "{s}");
        assert!(s.contains("| `x` | y |"), "{s}");
    }

    #[test]
    fn dead_links_empty_headings_and_dotted_titles() {
        let s = sanitize("See [the policy](#section/Versioning) and [the guide](/docs/guide), [the site](https://x.test/a).\n\n## <SchemaDefinition schemaRef=\"#/x\" />\n\nText.");
        assert!(s.starts_with("See the policy and the guide, [the site](https://x.test/a)."), "{s}");
        assert!(!s.contains("####"), "an empty heading is dropped: {s}");
        let docs = crate::model::Docs { title: Some("iam.v2.ApiKey".into()), description: Some("An API key.".into()), ..Default::default() };
        let r = super::render(&docs);
        assert!(r.starts_with("An API key."), "{r}");
        assert!(r.ends_with("Spec title: `iam.v2.ApiKey`."), "{r}");
        let docs = crate::model::Docs { title: Some("Service Account".into()), ..Default::default() };
        assert_eq!(super::render(&docs), "Service Account");
    }

    #[test]
    fn code_never_becomes_a_doctest() {
        let s = sanitize("Intro\n\n    fn main() { panic!() }\n\n```\nlet x = 1;\n```\n```rust\nboom\n");
        assert!(s.contains("\nfn main() { panic!() }"), "{s}");
        assert_eq!(s.matches("```text").count(), 2, "{s}");
        assert!(s.trim_end().ends_with("```"), "{s}");
    }

    #[test]
    fn bare_urls_html_and_comment_closers() {
        let s = sanitize("See https://example.com/a. Or <b>bold</b> */ /* #[cfg(x)] \u{7}");
        assert!(s.contains("<https://example.com/a>."), "{s}");
        assert!(s.contains("&lt;b&gt;bold&lt;/b&gt;"), "{s}");
        assert!(!s.contains('\u{7}'));
        // `#` mid-line is not a heading; the brackets are escaped so rustdoc reads no link.
        assert!(s.ends_with("*/ /* #\\[cfg(x)\\]"), "{s}");
    }

    #[test]
    fn code_spans_cannot_break_out() {
        use super::code_span;
        assert_eq!(code_span("GET /a"), "`GET /a`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
        let s = code_span("x\n```\nfn main() {}\n```");
        assert!(!s.contains('\n'), "{s}");
        assert!(s.starts_with("````"), "{s}");
        assert_eq!(code_span("\u{202e}abc"), "`abc`");
        assert_eq!(code_span(""), "(empty)");
        assert!(code_span(&"n".repeat(10_000)).chars().count() < 210);
    }

    #[test]
    fn fences_and_indented_blocks_are_defused_at_the_last_step() {
        let out = super::defuse_code_blocks("a\n```rust\nboom()\n```\n\n    indented()\n~~~\nx");
        assert_eq!(out, "a\n```text\nboom()\n```\n\nindented()\n```text\nx\n```\n");
    }

    #[test]
    fn list_items_never_open_an_indented_code_block() {
        // `-     code` is an indented code block inside a list item: it would run as a doctest.
        for text in ["-     panic!(\"ran\");", "*      std::process::exit(1)", "1.      x()", "intro\n\n+     y()"] {
            let s = super::sanitize(text);
            assert!(!s.lines().any(|l| super::marker_then_code(l.trim_start()).is_some()), "{s:?}");
            let defused = super::defuse_code_blocks(text);
            assert!(!defused.lines().any(|l| super::marker_then_code(l.trim_start()).is_some()), "{defused:?}");
        }
        assert_eq!(super::sanitize("-     panic!()"), "- panic!()");
    }

    #[test]
    fn toml_strings_are_one_line() {
        assert_eq!(super::toml_string("a\"b\\c\nbuild = \"evil.rs\""), "\"a\\\"b\\\\c\\u000Abuild = \\\"evil.rs\\\"\"");
        assert_eq!(super::comment_text("x\r\nfn evil() {}"), "x  fn evil() {}");
    }

    /// A struct with docs and a string constant, formatted as emit formats a file.
    fn format_item(doc: &str, field_doc: &str, constant: &str) -> Result<String, String> {
        let (doc, field_doc) = (super::doc_lines(doc), super::doc_lines(field_doc));
        crate::emit::format_file(
            quote::quote! {
                #doc
                pub struct S {
                    #field_doc
                    pub f: u8,
                }
                pub const C: &str = #constant;
            },
            "test",
        )
    }

    #[test]
    fn docs_kept_out_of_the_tokens_print_the_same() {
        let (doc, field_doc) = ("Para one,\nline two.  \n\nPara two.", "\nA field.");
        let inline = format_item(doc, field_doc, "c").expect("formats");
        let kept = super::with_doc_table(|| format_item(doc, field_doc, "c")).expect("formats");
        assert_eq!(kept, inline);
        assert_eq!(kept, "/// Para one,\n/// line two.\n///\n/// Para two.\npub struct S {\n    ///\n    /// A field.\n    pub f: u8,\n}\npub const C: &str = \"c\";\n");
    }

    #[test]
    fn spec_text_cannot_forge_a_doc_block_or_reference() {
        // References of the first scopes of this process, the current one among them (tests run
        // in parallel, so which scope is current is not known), and the block markers themselves.
        let forged: String = (0..64).map(|n| format!("\u{3}{n}:0 \u{3}{n}:1 ")).collect();
        let hostile = format!("x\u{1} a\u{2} b\u{2}{forged}\u{3}");
        let kept = super::with_doc_table(|| format_item(&hostile, &hostile, &hostile)).expect("formats");
        let inline = format_item(&hostile, &hostile, &hostile).expect("formats");
        assert_eq!(kept, inline);
        let plain: String = (0..64).map(|n| format!("{n}:0 {n}:1 ")).collect();
        // The docs say the scrubbed text, on one line each; the constant keeps every character,
        // escaped.
        assert!(kept.contains(&format!("/// x a b{}\n", plain.trim_end())), "{kept}");
        assert!(kept.contains("pub const C: &str = \"x\\u{1} a\\u{2} b\\u{2}\\u{3}0:0 "), "{kept}");
        assert_eq!(kept.lines().count(), 6, "{kept}");
    }

    #[test]
    fn a_reference_resolves_only_in_the_scope_that_made_it() {
        // Tokens cannot leave a scope, but their text can: parsed again in another scope or
        // outside any, the reference is refused rather than printed as some other block.
        let text = super::with_doc_table(|| {
            let doc = super::doc_lines("Kept in the first table.");
            quote::quote!(#doc pub struct S;).to_string()
        });
        assert!(text.contains("\\u{3}"), "{text}");
        let again = || crate::emit::format_file(text.parse().expect("tokens"), "test");
        for result in [super::with_doc_table(again), again()] {
            let e = result.expect_err("a stale reference");
            assert!(e.starts_with("internal error: a doc comment refers to a doc block"), "{e}");
        }
    }
}
