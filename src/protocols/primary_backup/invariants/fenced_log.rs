//! Log files fenced: once a new primary has fenced the log, no record enters a file of an
//! older epoch (HBase region failover: the master recovers the lease on the dead server's
//! WAL files before splitting them, so a server that comes back cannot add to them;
//! Kleppmann, "How to do distributed locking", 2016: the storage checks the token).

use super::violation;
use crate::protocols::primary_backup::{PbNode, Storage};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Log files fenced";
pub const SOURCE: &str = "Apache HBase reference guide, WAL splitting and region failover (lease recovery on the dead server's WAL); Kleppmann 2016, fencing tokens";

pub fn check(ctx: &CheckCtx<PbNode>, s: &Storage, out: &mut Vec<Violation>) {
    for (epoch, f) in s.disk.files.iter() {
        if let Some(at) = f.sealed_at.filter(|at| f.recs.len() > *at) {
            let why = format!("epoch {epoch}'s log file took {} record(s) after epoch {} fenced it at {at}", f.recs.len() - at, s.fence());
            out.push(violation(ctx, NAME, SOURCE, why));
        }
    }
}
