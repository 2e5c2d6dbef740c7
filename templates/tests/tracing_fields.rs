//! The client's tracing: each attempt's span gets the response's status and request id.
//!
//! A binary of its own: tracing caches per callsite whether any subscriber wants it, and tests
//! running on other threads without a subscriber would race with this one's thread-local
//! subscriber over that cache.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::{client_for, get};

/// A subscriber that keeps every span field it is given, and tracks the entered span so that
/// `Span::current()` (which the client records the response's fields on) finds it.
#[derive(Default)]
struct FieldRecorder {
    next_id: AtomicUsize,
    spans: std::sync::Mutex<std::collections::HashMap<u64, &'static tracing::Metadata<'static>>>,
    entered: std::sync::Mutex<Vec<u64>>,
    fields: std::sync::Mutex<Vec<(String, String)>>,
}

struct FieldVisitor<'a>(&'a FieldRecorder);

impl tracing::field::Visit for FieldVisitor<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.fields.lock().unwrap().push((field.name().to_owned(), value.to_owned()));
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.fields.lock().unwrap().push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl tracing::Subscriber for FieldRecorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) as u64 + 1;
        self.spans.lock().unwrap().insert(id, span.metadata());
        span.record(&mut FieldVisitor(self));
        tracing::span::Id::from_u64(id)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut FieldVisitor(self));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, span: &tracing::span::Id) {
        self.entered.lock().unwrap().push(span.into_u64());
    }
    fn exit(&self, _: &tracing::span::Id) {
        self.entered.lock().unwrap().pop();
    }
    fn current_span(&self) -> tracing_core::span::Current {
        let top = self.entered.lock().unwrap().last().copied();
        match top.and_then(|id| Some((id, *self.spans.lock().unwrap().get(&id)?))) {
            Some((id, metadata)) => tracing_core::span::Current::new(tracing::span::Id::from_u64(id), metadata),
            None => tracing_core::span::Current::none(),
        }
    }
}

#[tokio::test]
async fn each_attempt_span_records_status_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).insert_header("x-request-id", "req-7"))
        .mount(&server)
        .await;
    let recorder = Arc::new(FieldRecorder::default());
    let _guard = tracing::subscriber::set_default(Arc::clone(&recorder));
    client_for(&server.uri()).execute(get("/items")).await.unwrap();
    let fields = recorder.fields.lock().unwrap().clone();
    for (name, value) in [("path", "/items"), ("status", "200"), ("request_id", "req-7")] {
        assert!(
            fields.iter().any(|(n, v)| n == name && v == value),
            "{name} = {value} not recorded: {fields:?}"
        );
    }
}
