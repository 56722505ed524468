//! Keys on their preference lists (Dynamo, SOSP 2007, §4.5 and §4.9): the server a client
//! calls coordinates, writing to the key's N replicas and answering after W of them, or
//! reading from them and answering with the newest of R; every `handoff_us` a server pushes
//! each key it holds to the replicas not yet known to hold it, and drops a key that is no
//! longer its own once every replica has confirmed it.

use super::*;

impl HashRing {
    fn version(&self, key: &str) -> Option<u64> {
        self.store.get(key).map(|(_, v)| *v)
    }

    /// Keep `item` if it is newer than what is held; on disk before any answer. True when it
    /// was kept.
    fn merge(&mut self, item: Item, out: &mut Out<Self>) -> bool {
        if self.version(&item.key).is_some_and(|v| v >= item.version) {
            return false;
        }
        self.held_by.remove(&item.key);
        self.store.insert(item.key.clone(), (item.value.clone(), item.version));
        out.write(DiskWrite::Put(item));
        true
    }

    pub fn request(&mut self, request_id: u64, req: HashRingRequest, out: &mut Out<Self>) {
        let (key, write) = match &req {
            HashRingRequest::Put { key, .. } => (key.clone(), true),
            HashRingRequest::Get { key } => (key.clone(), false),
        };
        let replicas = self.layout.preference(&key);
        self.requests += 1;
        if replicas.is_empty() {
            self.failed += 1;
            return out.reply(request_id, HashRingReply::Failed { reason: "no server in the ring" });
        }
        self.last_request = Some((key.clone(), replicas.clone()));
        self.next_rpc += 1;
        let rpc = self.next_rpc;
        let mut w = Waiting { rpc, request_id, key: key.clone(), version: 0, write, replicas: replicas.clone(), answered: Vec::new(), newest: None };
        if let HashRingRequest::Put { value, .. } = req {
            w.version = self.version(&key).map_or(0, |v| v + 1).max(out.now() << 10 | u64::from(self.me()));
            let item = Item { key, value, version: w.version };
            for &p in replicas.iter().filter(|&&p| p != self.me()) {
                out.send(p, HashRingMsg::Store { rpc, item: item.clone() });
            }
            if replicas.contains(&self.me()) {
                self.merge(item, out);
                out.sync();
                w.answered.push(self.me());
            }
        } else {
            for &p in replicas.iter().filter(|&&p| p != self.me()) {
                out.send(p, HashRingMsg::Fetch { rpc, key: key.clone() });
            }
            if replicas.contains(&self.me()) {
                w.newest = self.store.get(&key).map(|(v, ver)| Item { key: key.clone(), value: v.clone(), version: *ver });
                w.answered.push(self.me());
            }
        }
        self.waiting.push(w);
        out.set_timer(HashRingTimer::RequestTimeout(rpc), self.config.request_timeout_us, self.config.request_timeout_us);
        self.maybe_answer(rpc, out);
    }

    pub(super) fn on_store(&mut self, from: NodeId, rpc: u64, item: Item, out: &mut Out<Self>) {
        self.merge(item, out);
        out.sync();
        out.send(from, HashRingMsg::StoreAck { rpc });
    }

    pub(super) fn on_answer(&mut self, from: NodeId, rpc: u64, item: Option<Option<Item>>, out: &mut Out<Self>) {
        let Some(w) = self.waiting.iter_mut().find(|w| w.rpc == rpc) else { return };
        if !w.replicas.contains(&from) || w.answered.contains(&from) {
            return;
        }
        w.answered.push(from);
        if let Some(Some(it)) = item {
            if w.newest.as_ref().is_none_or(|n| it.version > n.version) {
                w.newest = Some(it);
            }
        } else if w.write {
            let (key, version) = (w.key.clone(), w.version);
            if self.version(&key) == Some(version) {
                self.note_held(&key, version, from);
            }
        }
        self.maybe_answer(rpc, out);
    }

    fn maybe_answer(&mut self, rpc: u64, out: &mut Out<Self>) {
        let Some(at) = self.waiting.iter().position(|w| w.rpc == rpc) else { return };
        let w = &self.waiting[at];
        let quorum = if w.write { self.config.write_quorum } else { self.config.read_quorum } as usize;
        if w.answered.len() < quorum.min(w.replicas.len()) {
            return;
        }
        let w = self.waiting.remove(at);
        out.cancel_timer(HashRingTimer::RequestTimeout(rpc));
        let reply = if w.write {
            HashRingReply::Stored { replicas: w.answered }
        } else {
            HashRingReply::Value { replicas: w.answered, value: w.newest.map(|i| i.value) }
        };
        out.reply(w.request_id, reply);
    }

    pub(super) fn request_timeout(&mut self, rpc: u64, out: &mut Out<Self>) {
        let Some(at) = self.waiting.iter().position(|w| w.rpc == rpc) else { return };
        let w = self.waiting.remove(at);
        self.failed += 1;
        out.reply(w.request_id, HashRingReply::Failed { reason: "fewer replicas answered than the quorum" });
    }

    fn note_held(&mut self, key: &str, version: u64, by: NodeId) {
        let e = self.held_by.entry(key.to_string()).or_insert((version, Vec::new()));
        if e.0 != version {
            *e = (version, Vec::new());
        }
        if !e.1.contains(&by) {
            e.1.push(by);
        }
    }

    /// Push every key to the replicas not known to hold it; drop the keys that are not this
    /// server's once all their replicas hold them.
    pub(super) fn handoff(&mut self, out: &mut Out<Self>) {
        out.set_timer(HashRingTimer::Handoff, self.config.handoff_us, self.config.handoff_us);
        let me = self.me();
        let mut batches: BTreeMap<NodeId, Vec<Item>> = BTreeMap::new();
        let mut drop: Vec<String> = Vec::new();
        for (key, (value, version)) in &self.store {
            let replicas = self.layout.preference(key);
            if replicas.is_empty() {
                continue;
            }
            let held: &[NodeId] = self.held_by.get(key).filter(|(v, _)| v == version).map_or(&[], |(_, h)| h);
            let missing: Vec<NodeId> = replicas.iter().copied().filter(|&p| p != me && !held.contains(&p)).collect();
            if missing.is_empty() && !replicas.contains(&me) {
                drop.push(key.clone());
            }
            for p in missing {
                batches.entry(p).or_default().push(Item { key: key.clone(), value: value.clone(), version: *version });
            }
        }
        for key in drop {
            self.store.remove(&key);
            self.held_by.remove(&key);
            out.write(DiskWrite::Delete(key));
        }
        for (p, items) in batches {
            out.send(p, HashRingMsg::Handoff { items });
        }
    }

    pub(super) fn on_handoff(&mut self, from: NodeId, items: Vec<Item>, out: &mut Out<Self>) {
        let mut held = Vec::with_capacity(items.len());
        for it in items {
            let new = !self.store.contains_key(&it.key);
            let key = it.key.clone();
            if self.merge(it, out) && new {
                self.moved_in += 1;
            }
            if let Some(v) = self.version(&key) {
                held.push((key, v));
            }
        }
        out.sync();
        out.send(from, HashRingMsg::HandoffAck { held });
    }

    pub(super) fn on_handoff_ack(&mut self, from: NodeId, held: Vec<(String, u64)>) {
        for (key, v) in held {
            if let Some(mine) = self.version(&key).filter(|&mine| mine <= v) {
                self.note_held(&key, mine, from);
            }
        }
    }
}
