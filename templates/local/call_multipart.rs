//! `multipart` of the request builder: a form body encoded when the request is sent.
//!
//! In the generated crate, beside `call.rs`, for the reason given there; a crate whose API has
//! no multipart body leaves it out.

use super::call::Call;
use super::{BoxFuture, EncodeError, Multipart, RequestSpec};

impl<Op> Call<Op> {
    /// Sends `form` as the request's `multipart/form-data` body, encoded when the request is
    /// sent: files given as paths are read then ([`RequestSpec::multipart`]). An error building
    /// the form is the call's, returned by `send` before anything is sent.
    pub fn multipart(mut self, form: Result<Multipart, EncodeError>) -> Self {
        match form {
            Ok(form) => {
                self.deferred = Some(Box::new(move |request: RequestSpec| -> BoxFuture<'static, Result<RequestSpec, EncodeError>> {
                    Box::pin(request.multipart(form))
                }));
                self
            }
            Err(error) => self.try_edit(|_| Err(error)),
        }
    }
}
