//! What a handler asked for, picked out of its effects (for exact-effect handler tests).
#![allow(dead_code)]

use clusterlab::sim::{Effect, Out, Protocol, WriteOf};

/// The messages sent: (to, message).
pub fn sends<P: Protocol>(out: &Out<P>) -> Vec<(u32, P::Msg)> {
    out.effects().iter().filter_map(|e| match e {
        Effect::Send { to, msg } => Some((*to, msg.clone())),
        _ => None,
    }).collect()
}

/// The durable writes, in order.
pub fn writes<P: Protocol>(out: &Out<P>) -> Vec<WriteOf<P>> {
    out.effects().iter().filter_map(|e| match e {
        Effect::Write(w) => Some(w.clone()),
        _ => None,
    }).collect()
}

/// The replies to clients.
pub fn replies<P: Protocol>(out: &Out<P>) -> Vec<P::Reply> {
    out.effects().iter().filter_map(|e| match e {
        Effect::Reply { reply, .. } => Some(reply.clone()),
        _ => None,
    }).collect()
}
