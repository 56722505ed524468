//! Durable output: once the driver reports the job done, every committed partition is on
//! its stable storage, so no crash takes back an answer the client got.

use super::violation;
use crate::protocols::spark::driver::Driver;
use crate::protocols::spark::{Record, Spark, DRIVER};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Committed output durable";
pub const SOURCE: &str = "Spark's output committer: a partition's output is durable before the job completes";

pub fn check(ctx: &CheckCtx<Spark>, d: &Driver, out: &mut Vec<Violation>) {
    let Some(disk) = ctx.disks.get(DRIVER as usize) else { return };
    let on_disk = |p: u32| disk.synced().entries().iter().any(|r| matches!(r, Record::Commit { app, partition, .. } if *app == d.app && *partition == p));
    if let Some(p) = (0..d.result_partitions).find(|p| !on_disk(*p)) {
        out.push(violation(ctx, NAME, SOURCE, format!("application {} reported done, but partition {p}'s commit is not on stable storage", d.app)));
    }
}
