//! Fenced at the backups: a backup that follows an epoch applies and acknowledges nothing a
//! primary of an older epoch sends, so a deposed primary hears at once that it is deposed
//! and its forwards change no backup (MIT 6.824 primary/backup: a backup accepts operations
//! only from the current view's primary; the epoch here plays the view number).

use super::violation;
use crate::protocols::primary_backup::{PbNode, Replica};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Fenced at the backups";
pub const SOURCE: &str = "MIT 6.824 primary/backup: the backup rejects an operation forwarded by a primary that is not the current view's";

pub fn check(ctx: &CheckCtx<PbNode>, b: &Replica, out: &mut Vec<Violation>) {
    let (sent_in, following) = b.served;
    if sent_in < following {
        let why = format!("n{} followed epoch {following} but applied what epoch {sent_in}'s primary forwarded", b.id);
        out.push(violation(ctx, NAME, SOURCE, why));
    }
}
