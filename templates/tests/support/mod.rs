//! Helpers shared by the runtime's test files (`runtime.rs`, `security.rs`, `auth.rs`, `mock.rs`).
#![allow(dead_code)]

use std::time::Duration;

use forge_templates::runtime::{Client, ClientBuilder, RequestSpec, RetryPolicy};
use reqwest::Method;
use wiremock::{MockServer, Request};

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Retries with tiny delays so that the suite stays fast.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::new().initial_backoff(ms(5)).max_backoff(ms(20))
}

pub fn client_for(base: &str) -> Client {
    ClientBuilder::new().base_url(base).retry_policy(fast_retries()).build().expect("client builds")
}

pub fn get(p: &'static str) -> RequestSpec {
    RequestSpec::new(Method::GET, p, p.to_owned())
}

pub async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}
