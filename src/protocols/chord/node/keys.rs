//! Keys at their successor (Stoica et al., SIGCOMM 2001, §4.2 and §5.2): stores and reads
//! at the responsible node, replicas on the successor list, and client requests.

use super::*;

impl Chord {
    // --- keys ---

    pub(super) fn merge(&mut self, items: Vec<Item>) {
        for it in items {
            let newer = self.store.get(&it.key).is_none_or(|(_, v)| it.version > *v);
            if newer {
                self.store.insert(it.key, (it.value, it.version));
            }
        }
    }

    pub(super) fn on_store(&mut self, from: NodeId, rpc: u64, mut item: Item, out: &mut Out<Self>) {
        if !self.member {
            return;
        }
        if !self.responsible(&item.key) {
            return out.send(from, ChordMsg::StoreReply { rpc, ok: false });
        }
        let older = self.store.get(&item.key).map_or(0, |(_, v)| v + 1);
        item.version = older.max(out.now() << 10 | u64::from(self.env.id));
        if self.config.replicate {
            for &s in &self.successors {
                out.send(s, ChordMsg::Replicate { items: vec![item.clone()] });
            }
        }
        self.merge(vec![item]);
        out.send(from, ChordMsg::StoreReply { rpc, ok: true });
    }

    pub(super) fn on_fetch(&mut self, from: NodeId, rpc: u64, key: String, out: &mut Out<Self>) {
        if !self.member {
            return;
        }
        let ok = self.responsible(&key);
        let item = self.store.get(&key).filter(|_| ok).map(|(v, ver)| Item { key: key.clone(), value: v.clone(), version: *ver });
        out.send(from, ChordMsg::FetchReply { rpc, ok, item });
    }

    pub(super) fn on_data_reply(&mut self, from: NodeId, rpc: u64, ok: bool, value: Option<Option<String>>, out: &mut Out<Self>) {
        let Some(Pending::Data(lk)) = self.answered(rpc, from, out) else { return };
        if !ok {
            return self.retry(lk, None, out);
        }
        let Purpose::Client { request_id, .. } = lk.purpose else { return };
        let hops = lk.path.len() as u32;
        self.lookups += 1;
        self.hops += u64::from(hops);
        self.last_path = lk.path;
        let reply = match value {
            None => ChordReply::Stored { owner: from, hops },
            Some(value) => ChordReply::Value { owner: from, hops, value },
        };
        out.reply(request_id, reply);
    }

    pub fn request(&mut self, request_id: u64, req: ChordRequest, out: &mut Out<Self>) {
        if !self.member {
            return out.reply(request_id, ChordReply::Failed { reason: "not in the ring yet" });
        }
        let key = match &req {
            ChordRequest::Put { key, .. } | ChordRequest::Get { key } => key.clone(),
        };
        let target = self.key_id(&key);
        self.begin(Lookup { target, purpose: Purpose::Client { request_id, req }, path: Vec::new(), avoid: Vec::new(), attempts: 0 }, out);
    }
}
