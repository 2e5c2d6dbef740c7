//! `multipart/form-data` request bodies (RFC 7578), built by the client.
//!
//! Generated code turns an operation's form struct into a [`Multipart`]: plain fields become
//! text parts, objects and arrays (or any field the spec's `encoding` gives a JSON content type)
//! JSON parts, and files [`FilePart`]s. The encoding is written here rather than with reqwest's
//! `multipart` feature so that the body is plain [`Bytes`] whenever it can be: such a body is
//! re-sent unchanged when a request is retried, the [`MockTransport`](super::MockTransport)
//! records it like any other, and the output is exactly what these functions write (tested byte
//! for byte). A [`FilePart::path`] is read when the request is sent, not when the part is made,
//! and is then kept in memory like bytes, so such a request is retried as usual.
//!
//! A [`FilePart::stream`] is the exception: its bytes are produced once, while the request is
//! sent, so a request with a streamed part is made **at most once** — never retried, whatever
//! the [`RetryPolicy`](super::RetryPolicy) says (a failed attempt is returned as its error, a
//! retryable status as the response). Use bytes or a path when retries matter more than memory.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::{BufMut, Bytes, BytesMut};
use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use serde_json::Value;

use super::auth::BoxError;
use super::error::EncodeError;
use super::request::{Body, ByteStream, OneShot, RequestSpec};

/// Where a file part's bytes come from.
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    Stream(ByteStream),
}

/// A file sent as one part of a `multipart/form-data` body: from bytes in memory, from a file
/// read when the request is sent, or from a stream (sent once, never retried: see the module
/// docs).
///
/// The part's file name is the path's last component for [`FilePart::path`], none otherwise
/// (set one with [`file_name`](Self::file_name)); its content type is what the API description
/// gives for the field, else `application/octet-stream` (override it with
/// [`content_type`](Self::content_type)).
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// A file whose contents are `data`.
    pub fn bytes(data: impl Into<Bytes>) -> Self {
        FilePart { source: Source::Bytes(data.into()), file_name: None, content_type: None }
    }

    /// The file at `path`, read when the request is sent. Its file name is sent too.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        FilePart { source: Source::Path(path), file_name, content_type: None }
    }

    /// A file whose contents are the chunks of `stream`, read while the request is sent. A
    /// request with a streamed part is never retried (the stream cannot be replayed); an error
    /// from the stream ends the request with a transport error.
    pub fn stream<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError> + 'static,
    {
        FilePart { source: Source::Stream(Box::pin(stream.map_err(Into::into))), file_name: None, content_type: None }
    }

    /// Sets the file name sent in the part's `Content-Disposition`.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the part's `Content-Type`, replacing the API description's.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl From<Bytes> for FilePart {
    fn from(data: Bytes) -> Self {
        FilePart::bytes(data)
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(data: Vec<u8>) -> Self {
        FilePart::bytes(data)
    }
}

impl fmt::Debug for FilePart {
    // Never the contents: a file may hold anything.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Bytes(b) => format!("{} bytes", b.len()),
            Source::Path(p) => format!("path {}", p.display()),
            Source::Stream(_) => "stream".to_owned(),
        };
        f.debug_struct("FilePart")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// One part: its headers (already written) and its contents.
struct Part {
    head: String,
    body: Source,
}

/// A `multipart/form-data` body under construction. Parts are sent in the order they are added.
pub struct Multipart {
    boundary: String,
    parts: Vec<Part>,
}

impl Default for Multipart {
    fn default() -> Self {
        Multipart::new()
    }
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Multipart").field("parts", &self.parts.len()).finish()
    }
}

/// Whether a content type is JSON (`application/json`, `+json`, with parameters).
fn is_json(content_type: &str) -> bool {
    let base = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    base == "application/json" || base.ends_with("+json")
}

/// A header value as sent: line breaks and other controls become spaces, so no value can end
/// the part's headers or add one.
fn header_text(value: &str) -> String {
    value.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A `Content-Disposition` parameter value, quoted as RFC 7578 and the HTML standard write it
/// (`"` and line breaks percent-encoded).
fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("%22"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Multipart {
    /// An empty body with a fresh random boundary.
    pub fn new() -> Self {
        let boundary = format!("forge-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        Multipart { boundary, parts: Vec::new() }
    }

    /// An empty body with the given boundary (tests; it must not occur in any part).
    pub fn with_boundary(boundary: impl Into<String>) -> Self {
        Multipart { boundary: boundary.into(), parts: Vec::new() }
    }

    /// The boundary between parts.
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The body's `Content-Type`, with its boundary.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// How many parts were added.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether no part was added.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Whether the body can be sent again (no streamed part).
    pub fn is_replayable(&self) -> bool {
        !self.parts.iter().any(|p| matches!(p.body, Source::Stream(_)))
    }

    fn head(name: &str, file_name: Option<&str>, content_type: Option<&str>, headers: &[(&str, &str)]) -> String {
        let mut head = format!("Content-Disposition: form-data; name={}", quoted(name));
        if let Some(file_name) = file_name {
            head.push_str("; filename=");
            head.push_str(&quoted(file_name));
        }
        head.push_str("\r\n");
        if let Some(ct) = content_type {
            head.push_str(&format!("Content-Type: {}\r\n", header_text(ct)));
        }
        for (name, value) in headers {
            head.push_str(&format!("{}: {}\r\n", header_text(name), header_text(value)));
        }
        head
    }

    /// Adds a text part `name` holding `value` as is.
    pub fn text(&mut self, name: &str, value: &str, content_type: Option<&str>, headers: &[(&str, &str)]) {
        let head = Self::head(name, None, content_type, headers);
        self.parts.push(Part { head, body: Source::Bytes(Bytes::copy_from_slice(value.as_bytes())) });
    }

    /// Adds a part `name` for any serialisable value: JSON text when `content_type` is a JSON
    /// type, or when the value is an object or array (then `application/json` unless
    /// `content_type` says otherwise); else the plain text of a string, number or boolean (with
    /// `content_type` when given, otherwise no `Content-Type`, which means `text/plain`). A
    /// `null` value adds no part, as an absent field would.
    ///
    /// # Errors
    ///
    /// An [`EncodeError`] if `serde_json` cannot serialise `value`.
    pub fn field<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        content_type: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Result<(), EncodeError> {
        let value = serde_json::to_value(value).map_err(EncodeError::json)?;
        let json = content_type.is_some_and(is_json);
        let (text, content_type) = match &value {
            Value::Null => return Ok(()),
            Value::String(s) if !json => (s.clone(), content_type),
            Value::Number(_) | Value::Bool(_) if !json => (value.to_string(), content_type),
            Value::Object(_) | Value::Array(_) if content_type.is_none() => {
                (value.to_string(), Some("application/json"))
            }
            _ => (value.to_string(), content_type),
        };
        self.text(name, &text, content_type, headers);
        Ok(())
    }

    /// Adds a file part `name`. The file's own content type wins over `content_type` (the API
    /// description's), and `application/octet-stream` is sent when neither is given.
    pub fn file(&mut self, name: &str, file: FilePart, content_type: Option<&str>, headers: &[(&str, &str)]) {
        let content_type = file.content_type.as_deref().or(content_type).unwrap_or("application/octet-stream");
        // A file part always has a file name (RFC 7578 4.2 wants one; servers such as
        // FastAPI only treat a part with one as a file).
        let file_name = file.file_name.as_deref().unwrap_or(name);
        let head = Self::head(name, Some(file_name), Some(content_type), headers);
        self.parts.push(Part { head, body: file.source });
    }

    /// The encoded body: files from paths are read now. `Ok` holds the content type and either
    /// the whole body (no streamed part) or a stream of it.
    pub(super) async fn encode(self) -> Result<(String, Encoded), EncodeError> {
        let content_type = self.content_type();
        let delimiter = format!("--{}\r\n", self.boundary);
        let close = Bytes::from(format!("--{}--\r\n", self.boundary));
        let mut chunks: Vec<Result<Bytes, BoxError>> = Vec::new();
        let mut streams: Vec<(usize, ByteStream)> = Vec::new();
        for part in self.parts {
            let mut head = BytesMut::with_capacity(delimiter.len() + part.head.len() + 2);
            head.put_slice(delimiter.as_bytes());
            head.put_slice(part.head.as_bytes());
            head.put_slice(b"\r\n");
            chunks.push(Ok(head.freeze()));
            match part.body {
                Source::Bytes(b) => chunks.push(Ok(b)),
                Source::Path(path) => {
                    let data = tokio::fs::read(&path).await.map_err(|e| {
                        EncodeError::multipart(format!("the file {} could not be read", path.display()), Some(Box::new(e)))
                    })?;
                    chunks.push(Ok(Bytes::from(data)));
                }
                Source::Stream(s) => {
                    // Its place among the chunks; filled in below.
                    streams.push((chunks.len(), s));
                    chunks.push(Ok(Bytes::new()));
                }
            }
            chunks.push(Ok(Bytes::from_static(b"\r\n")));
        }
        chunks.push(Ok(close));
        if streams.is_empty() {
            let mut body = BytesMut::new();
            for chunk in chunks.into_iter().flatten() {
                body.put(chunk);
            }
            return Ok((content_type, Encoded::Bytes(body.freeze())));
        }
        // Fixed chunks between the streams, in order.
        let mut pieces: Vec<ByteStream> = Vec::new();
        let mut rest = chunks.into_iter().enumerate().peekable();
        for (at, s) in streams {
            let before: Vec<Result<Bytes, BoxError>> =
                rest.by_ref().take_while(|(i, _)| *i != at).map(|(_, c)| c).collect();
            pieces.push(Box::pin(stream::iter(before)));
            pieces.push(s);
        }
        let after: Vec<Result<Bytes, BoxError>> = rest.map(|(_, c)| c).collect();
        pieces.push(Box::pin(stream::iter(after)));
        Ok((content_type, Encoded::Stream(Box::pin(stream::iter(pieces).flatten()))))
    }
}

/// An encoded multipart body.
pub(super) enum Encoded {
    /// The whole body (re-sendable).
    Bytes(Bytes),
    /// A body with a streamed part (sent once).
    Stream(ByteStream),
}

// Here rather than in request.rs so that a crate whose API has no multipart body can leave
// this whole module out (the generator copies it only when some operation needs it).
impl RequestSpec {
    /// Sends `form` as a `multipart/form-data` body. Files given as paths are read now; a body
    /// with a streamed file is sent at most once (see [`Multipart`]: such a request is never
    /// retried).
    ///
    /// # Errors
    ///
    /// An [`EncodeError`] if a file cannot be read.
    pub async fn multipart(mut self, form: Multipart) -> Result<Self, EncodeError> {
        let (content_type, encoded) = form.encode().await?;
        self.body = Some(match encoded {
            Encoded::Bytes(bytes) => Body { content_type: Cow::Owned(content_type), bytes, stream: None },
            Encoded::Stream(s) => Body {
                content_type: Cow::Owned(content_type),
                bytes: Bytes::new(),
                stream: Some(OneShot(Arc::new(Mutex::new(Some(s))))),
            },
        });
        Ok(self)
    }
}

impl<Op> super::call_core::CallCore<Op> {
    /// Sends `form` as the request's `multipart/form-data` body, encoded when the request is
    /// sent: files given as paths are read then ([`RequestSpec::multipart`]). An error building
    /// the form is the call's, returned by `send` before anything is sent.
    pub fn multipart(mut self, form: Result<Multipart, EncodeError>) -> Self {
        match form {
            Ok(form) => {
                self.deferred = Some(Box::new(move |request: RequestSpec| -> super::BoxFuture<'static, Result<RequestSpec, EncodeError>> {
                    Box::pin(request.multipart(form))
                }));
                self
            }
            Err(error) => self.try_edit(|_| Err(error)),
        }
    }
}
