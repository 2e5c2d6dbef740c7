//! Calling the async client from synchronous code (the `blocking` cargo
//! feature): `client.get_thing("id").wait()` in a plain `fn main`, a script
//! or a CLI, without setting up tokio.
//!
//! Why one trait and no per-operation code: every generated operation (a
//! future, or a request builder implementing `IntoFuture`) resolves to a
//! `Result<_, Error<_>>`, so a single blanket implementation covers them all,
//! and the crate's async API stays the only API to document and test.
//!
//! Requests run on one current-thread tokio runtime owned by this module,
//! created on first use and kept for the life of the process, so the
//! connection pool survives between calls. Calling [`Blocking::wait`] from
//! inside an async runtime (a `#[tokio::main]` or a task) does not panic: the
//! request then runs on a helper thread while the calling thread blocks, which
//! stalls that runtime's worker for as long as the request takes; in async
//! code, `.await` instead.

use std::future::IntoFuture;
use std::sync::OnceLock;

use reqwest::Method;

use super::error::{TransportError, TransportErrorKind};

/// Runs a request to completion on the calling thread (the `blocking` cargo
/// feature). Implemented for every future and `IntoFuture` whose output is a
/// `Result` whose error can hold a [`TransportError`], which includes every
/// generated operation.
///
/// ```text
/// use confluent_cloud::runtime::Blocking;
///
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let client = confluent_cloud::Client::builder().basic_auth(key, secret).build()?;
///     let key = client.get_iam_v2_api_key("ak-1").wait()?;
///     println!("{}", key.body.id);
///     Ok(())
/// }
/// ```
///
/// # Errors
///
/// The request's own result; or, if the runtime or helper thread cannot be
/// started (the operating system refused), a [`TransportError`] of kind
/// [`TransportErrorKind::Runtime`] converted into the request's error type.
pub trait Blocking: IntoFuture {
    /// Runs the request and waits for its result.
    fn wait(self) -> Self::Output;
}

impl<F, T, E> Blocking for F
where
    F: IntoFuture<Output = Result<T, E>>,
    F::IntoFuture: Send,
    T: Send,
    E: From<TransportError> + Send,
{
    fn wait(self) -> Result<T, E> {
        let runtime = runtime().map_err(|reason| runtime_error(reason.clone()))?;
        let future = self.into_future();
        if tokio::runtime::Handle::try_current().is_err() {
            return runtime.block_on(future);
        }
        // Inside a runtime, `block_on` would panic ("cannot start a runtime from
        // within a runtime"): drive the request from a helper thread instead.
        std::thread::scope(|scope| {
            let helper = std::thread::Builder::new()
                .name("forge-blocking".to_owned())
                .spawn_scoped(scope, move || runtime.block_on(future))
                .map_err(|e| runtime_error(format!("cannot start a helper thread: {e}")))?;
            match helper.join() {
                Ok(result) => result,
                // The request's own code panicked: pass the panic on unchanged.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }
}

/// The shared runtime, or why it could not be built (kept, so a failure is
/// reported on every call instead of retried).
fn runtime() -> Result<&'static tokio::runtime::Runtime, &'static String> {
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .thread_name("forge-blocking")
                .build()
                .map_err(|e| format!("cannot start the blocking runtime: {e}"))
        })
        .as_ref()
}

fn runtime_error<E: From<TransportError>>(reason: String) -> E {
    E::from(TransportError::new(
        TransportErrorKind::Runtime { reason },
        Method::GET,
        "",
        0,
    ))
}
