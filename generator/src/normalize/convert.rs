//! Which received types convert into which request types (`impl From<&Received> for Request`).
//!
//! A schema with `readOnly` fields is two types: what the server returns (`Environment`) and
//! what a caller sends (`UpdateEnvironmentRequest`, `ObjectReferenceRequest`). Read-modify-write
//! code and "reuse this key's owner in a new key" then had to copy every field by hand. A
//! conversion is offered where it cannot lose or invent anything the request needs:
//! - both types stand for the same schema (`TypeDef::resource`), the target is only ever sent,
//!   the source is received;
//! - every field of the target is in the source under the same wire name, with the same type
//!   or a type that itself converts; a required target field needs a required source field
//!   (an optional one could be missing); target fields the source lacks (`writeOnly` ones) must
//!   be optional and start out absent.
//!
//! Pairs are found as a greatest fixpoint: start from every candidate pair and drop pairs whose
//! fields need a pair that was dropped, so nested types (`spec`, `owner`) convert together.
//! The decision is plain data (`TypeDef::converts_from`); the emitter only renders it.

use crate::model::{Field, TypeDef, TypeId, TypeKind, TypeRef};
use std::collections::BTreeSet;

/// Fills `converts_from` of every request type.
pub fn plan(types: &mut [TypeDef]) {
    let fields = |i: usize| match &types[i].kind {
        TypeKind::Struct { fields, additional } => Some((fields, additional)),
        _ => None,
    };
    let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (q, tq) in types.iter().enumerate() {
        let request_only = tq.directions.request && !tq.directions.response;
        if !request_only || tq.resource.is_none() || fields(q).is_none_or(|(f, _)| f.is_empty()) {
            continue;
        }
        for (p, tp) in types.iter().enumerate() {
            if p != q && tp.directions.response && tp.resource == tq.resource && fields(p).is_some() {
                pairs.insert((p, q));
            }
        }
    }
    loop {
        let keep: BTreeSet<(usize, usize)> = pairs
            .iter()
            .copied()
            .filter(|&(p, q)| {
                let (Some((pf, pa)), Some((qf, qa))) = (fields(p), fields(q)) else { return false };
                let extra_ok = qa.is_none() || pa.is_none() || qa == pa;
                extra_ok
                    && qf.iter().all(|f| match pf.iter().find(|g| g.wire_name == f.wire_name) {
                        Some(g) => field_converts(g, f, &pairs),
                        None => f.optional() || f.patch,
                    })
            })
            .collect();
        if keep.len() == pairs.len() {
            break;
        }
        pairs = keep;
    }
    for (p, q) in pairs {
        types[q].converts_from.push(TypeId(p));
    }
}

/// Can the value of received field `from` fill request field `to`?
fn field_converts(from: &Field, to: &Field, pairs: &BTreeSet<(usize, usize)>) -> bool {
    if !to.optional() && !to.patch && from.optional() {
        return false;
    }
    if from.boxed || to.boxed {
        return from.boxed == to.boxed && from.ty == to.ty;
    }
    from.ty == to.ty || matches!((&from.ty, &to.ty), (TypeRef::Named(a), TypeRef::Named(b)) if pairs.contains(&(a.0, b.0)))
}
