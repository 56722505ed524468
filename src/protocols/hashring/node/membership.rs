//! The ring's membership (Dynamo, SOSP 2007, §4.8): each server gossips its table of
//! incarnations and heartbeats to one other at random, which answers with its own when it
//! knows something newer (push-pull, as in van Renesse, Minsky & Hayden's gossip-style
//! failure detection, Middleware 1998); rows merge by the higher (incarnation, heartbeat); a server whose heartbeat stops rising for `dead_after_us` is
//! taken out (its incarnation made even), and a live server that hears it was taken out
//! comes back with a higher odd incarnation. Every change of the members recomputes the
//! placement and counts the keys that changed owner.

use super::*;

impl HashRing {
    /// Make this server's own incarnation `i` (odd: in the ring), on disk before it spreads.
    pub(super) fn set_incarnation(&mut self, i: u32, out: &mut Out<Self>) {
        let me = self.me() as usize;
        self.table[me].incarnation = i;
        out.write(DiskWrite::Incarnation(i));
        out.sync();
    }

    pub(super) fn join(&mut self, out: &mut Out<Self>) {
        if self.in_ring() {
            return;
        }
        let i = self.table[self.me() as usize].incarnation + 1;
        self.set_incarnation(i, out);
        out.note(format!("n{} joins the ring", self.me()));
        self.refresh_view(out);
    }

    pub(super) fn gossip(&mut self, out: &mut Out<Self>) {
        out.set_timer(HashRingTimer::Gossip, self.config.gossip_us, self.config.gossip_us);
        let me = self.me() as usize;
        self.table[me].heartbeat += 1;
        let now = out.now();
        let mut changed = false;
        for s in 0..self.table.len() {
            if s != me && self.table[s].in_ring() && now.saturating_sub(self.last_heard[s]) > self.config.dead_after_us {
                self.table[s].incarnation += 1;
                self.last_heard[s] = now;
                changed = true;
                out.note(format!("n{s} silent for {} ms: out of the ring", self.config.dead_after_us / 1000));
            }
        }
        if self.env.n > 1 {
            let k = out.random_below(u64::from(self.env.n - 1)) as NodeId;
            let to = if k >= self.me() { k + 1 } else { k };
            out.send(to, HashRingMsg::Gossip { table: self.table.clone(), reply: false });
        }
        if changed {
            self.refresh_view(out);
        }
    }

    pub(super) fn on_gossip(&mut self, from: NodeId, table: Vec<Member>, reply: bool, out: &mut Out<Self>) {
        if table.len() != self.table.len() {
            return;
        }
        let me = self.me() as usize;
        let now = out.now();
        let mut changed = false;
        for (s, &row) in table.iter().enumerate() {
            if s == me {
                // Someone holds a newer incarnation of this server: it was taken out while
                // alive (or a lost write hid a former one). Come back above it.
                if row.incarnation > self.table[me].incarnation {
                    let want_in = self.in_ring();
                    let bump = if (row.incarnation % 2 == 1) == want_in { 2 } else { 1 };
                    self.set_incarnation(row.incarnation + bump, out);
                    changed = true;
                }
                continue;
            }
            if row > self.table[s] {
                changed |= row.incarnation != self.table[s].incarnation;
                self.table[s] = row;
                self.last_heard[s] = now;
            }
        }
        // Push-pull: a gossip that was behind gets this server's newer rows back.
        if !reply && self.table.iter().zip(&table).any(|(mine, theirs)| mine > theirs) {
            out.send(from, HashRingMsg::Gossip { table: self.table.clone(), reply: true });
        }
        if changed {
            self.refresh_view(out);
        }
    }

    /// Recompute the placement for the members now in the table; when they changed, count
    /// the stored-from-the-start keys whose owner moved.
    pub(super) fn refresh_view(&mut self, out: &mut Out<Self>) {
        let members = self.members();
        if members == self.layout.members && self.view_epoch > 0 {
            return;
        }
        let c = &self.config;
        let universe = c.universe();
        let layout = Layout::new(c.placement, members, c.vnodes, c.n(), c.flaws(), self.salt, &universe, c.load_factor_pct);
        if self.view_epoch > 0 {
            let before = &self.layout.members;
            let after = &layout.members;
            let moved = universe.iter().filter(|k| self.layout.owner(k) != layout.owner(k)).count() as u32;
            let change = Change {
                at_us: out.now(),
                joined: after.iter().copied().filter(|s| !before.contains(s)).collect(),
                left: before.iter().copied().filter(|s| !after.contains(s)).collect(),
                members_before: before.len(),
                members_after: after.len(),
                moved,
                keys: universe.len() as u32,
            };
            if self.changes.len() == 32 {
                self.changes.remove(0);
            }
            self.changes.push(change);
        }
        self.layout = layout;
        self.view_epoch += 1;
    }
}
