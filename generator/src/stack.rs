//! Deep recursion on a big stack. Schemas nest up to the normalizer's 400-level limit and the
//! document up to the loader's 1,000-level one; walking them recursively takes far more than a
//! test thread's 2 MiB (or whatever a caller's thread has) in debug builds. Work that recurses
//! with the input's depth therefore runs on a worker thread with its own large stack; only the
//! pages a run touches are ever committed, so the reservation costs nothing.

/// Stack of the worker thread.
const BIG_STACK: usize = 256 << 20;

/// Runs `f` on a scoped worker thread with a [`BIG_STACK`]-byte stack, passing panics through;
/// on this thread when no thread can be had (resource limits).
pub(crate) fn on_big_stack<T: Send>(name: &str, f: impl Fn() -> T + Sync) -> T {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new().name(format!("openapi-forge-{name}")).stack_size(BIG_STACK).spawn_scoped(scope, &f);
        match worker {
            Ok(handle) => match handle.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => f(),
        }
    })
}
