//! The call plan of an operation: which inputs its client method takes as arguments, in which
//! order, and which are setters on the request builder. Plain data, decided once here.
//!
//! Why one plan: the operation's method (`operations.rs`), the guide's example calls
//! (`guide.rs`) and the conformance tests' calls (`conformance.rs`) all spell the same call; when
//! each derived the argument order on its own, a change to one (a multipart body's content type,
//! say) left the others calling a method that does not exist.

use crate::model::{Operation, Param, ParamLocation, RequestBody};

/// One argument of an operation's client method.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'m> {
    /// A required parameter; `index` is its position in `Operation::params` (samples and
    /// conformance data are keyed by it).
    Param { index: usize, param: &'m Param },
    /// The required request body.
    Body(&'m RequestBody),
    /// The media type (with its boundary) of a required multipart body the caller encodes.
    ContentType,
}

/// One setter of an operation's request builder.
#[derive(Debug, Clone, Copy)]
pub enum Setter<'m> {
    /// An optional query or header parameter (`index` as in [`Arg::Param`]).
    Param { index: usize, param: &'m Param },
    /// The optional request body (a multipart body's setter also takes its content type).
    Body(&'m RequestBody),
}

/// How an operation is called: arguments (path parameters in URL order, then required query
/// and header parameters, then a required body), then setters (optional parameters in spec
/// order, then an optional body).
#[derive(Debug, Clone)]
pub struct CallPlan<'m> {
    pub args: Vec<Arg<'m>>,
    pub setters: Vec<Setter<'m>>,
}

/// A body the caller encodes as multipart, passing the content type (with its boundary) too:
/// one the client cannot build from a form struct (no `MultipartPlan`: `multipart/mixed`, or no
/// listed properties).
pub fn is_multipart(body: &RequestBody) -> bool {
    let ct = &body.content_type;
    let base = ct.split(';').next().unwrap_or(ct).trim().to_ascii_lowercase();
    body.encoding == crate::model::BodyEncoding::Bytes && base.starts_with("multipart/") && body.multipart.is_none()
}

impl<'m> CallPlan<'m> {
    pub fn of(op: &'m Operation) -> Self {
        let indexed = || op.params.iter().enumerate();
        let path = indexed().filter(|(_, p)| p.location == ParamLocation::Path);
        let required = indexed().filter(|(_, p)| p.location != ParamLocation::Path && p.required);
        let mut args: Vec<Arg> = path.chain(required).map(|(index, param)| Arg::Param { index, param }).collect();
        let mut setters: Vec<Setter> = indexed()
            .filter(|(_, p)| p.location != ParamLocation::Path && !p.required)
            .map(|(index, param)| Setter::Param { index, param })
            .collect();
        match &op.body {
            Some(b) if b.required => {
                args.push(Arg::Body(b));
                if is_multipart(b) {
                    args.push(Arg::ContentType);
                }
            }
            Some(b) => setters.push(Setter::Body(b)),
            None => {}
        }
        CallPlan { args, setters }
    }

    /// The required parameters, in argument order.
    pub fn required_params(&self) -> impl Iterator<Item = (usize, &'m Param)> + '_ {
        self.args.iter().filter_map(|a| match a {
            Arg::Param { index, param } => Some((*index, *param)),
            _ => None,
        })
    }

    /// The setters' names, in order (a parameter's Rust name, `body` for the body).
    pub fn setter_names(&self) -> impl Iterator<Item = &'m str> + '_ {
        self.setters.iter().map(|s| match s {
            Setter::Param { param, .. } => param.name.as_str(),
            Setter::Body(_) => "body",
        })
    }

    /// Whether the method takes the request body as an argument.
    pub fn body_required(&self) -> bool {
        self.args.iter().any(|a| matches!(a, Arg::Body(_)))
    }
}
