//! SingleSystemImage (version 4): no server answers a client from a state older than one the
//! client has already seen. ZooKeeper's consistency guarantees (Programmer's Guide,
//! "Consistency Guarantees": a client sees the same view of the service whichever server it
//! connects to, never an older one; Hunt et al., ATC 2010, §2.3 and §4.2): a client's
//! session carries the last zxid it saw, and a server behind it refuses the client. Checked
//! per client request: each answer's zxid must not be older than the zxid the request
//! carried, which the simulated client attached to that server had seen when it made it.

use super::Zxid;
use crate::sim::Violation;

pub const NAME: &str = "SingleSystemImage";
pub const SOURCE: &str = "ZooKeeper Programmer's Guide, Consistency Guarantees (single system image); Hunt et al., ATC 2010, §2.3";

/// Request `request_id` carried `seen`; server `node` answered it at `answered`.
pub fn check(node: u32, request_id: u64, seen: Zxid, answered: Zxid, violation: impl FnOnce(String) -> Violation, out: &mut Vec<Violation>) {
    if answered < seen {
        out.push(violation(format!("n{node} answered request #{request_id} at zxid {answered}, older than {seen}, which its client had already seen")));
    }
}
