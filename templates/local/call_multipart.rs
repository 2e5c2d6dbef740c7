//! `multipart` of the request builder: a form body encoded when the request is sent
//! ([`CallCore::multipart`](super::CallCore::multipart)).
//!
//! In the generated crate, beside `call.rs`, for the reason given there; a crate whose API has
//! no multipart body leaves it out.

use super::call::Call;
use super::{EncodeError, Multipart};

impl<Op> Call<Op> {
    /// Sends `form` as the request's `multipart/form-data` body, encoded when the request is
    /// sent: files given as paths are read then ([`RequestSpec::multipart`](super::RequestSpec::multipart)).
    /// An error building the form is the call's, returned by `send` before anything is sent.
    pub fn multipart(self, form: Result<Multipart, EncodeError>) -> Self {
        Call(self.0.multipart(form))
    }
}
