//! Reads return what was written: a read of a closed file's block returns its committed
//! bytes exactly, since the reader verifies each chunk's checksum and on a mismatch reports
//! the replica and reads another (HdfsDesign.md, "Data Integrity").

use super::violation;
use crate::protocols::hdfs::data::content;
use crate::protocols::hdfs::node::{Client, Hdfs};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Reads return what was written";
pub const SOURCE: &str = "HDFS architecture guide (HdfsDesign.md), Data Integrity: checksums verified by the reader";

pub fn check(ctx: &CheckCtx<Hdfs>, c: &Client, out: &mut Vec<Violation>) {
    let Some(r) = c.reads.last() else { return };
    if r.data != content(r.block, 0, r.len) {
        let why = format!("a read of blk_{} from n{} returned {} bytes that differ from what the writer wrote", r.block, r.from, r.data.len());
        out.push(violation(ctx, NAME, SOURCE, why));
    }
}
