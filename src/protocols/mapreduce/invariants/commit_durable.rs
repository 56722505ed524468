//! Durable output: once the master reports the job done, every output partition is on its
//! stable storage, so no crash can take back an answer the client got (the atomic rename of
//! §3.3 is a durable write of the file system's metadata).

use super::{violation, MapReduceChecker};
use crate::protocols::mapreduce::master::Master;
use crate::protocols::mapreduce::{MapReduce, Record, MASTER};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Committed output durable";
pub const SOURCE: &str = "MapReduce (OSDI 2004) §3.3: the final rename is durable before the job completes";

pub fn check(c: &mut MapReduceChecker, ctx: &CheckCtx<MapReduce>, m: &Master, out: &mut Vec<Violation>) {
    let Some(disk) = ctx.disks.get(MASTER as usize) else { return };
    if !m.done() || c.durable_checked == Some(m.job) {
        return;
    }
    c.durable_checked = Some(m.job);
    let on_disk = |p: u32| disk.synced().entries().iter().any(|r| matches!(r, Record::Commit { job, partition, .. } if *job == m.job && *partition == p));
    if let Some(p) = (0..m.reduces.len() as u32).find(|p| !on_disk(*p)) {
        out.push(violation(ctx, NAME, SOURCE, format!("job {} reported done, but partition {p}'s commit is not on stable storage", m.job)));
    }
}
