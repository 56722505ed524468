//! A map for keys that mostly arrive in increasing order and mostly leave from the front
//! (messages in flight by id; a store's client sessions and their use order): a vector
//! sorted by key that grows at the back and is trimmed at the front, with a removed entry left as a hole until the front passes it (or holes
//! outnumber entries). Inserting, finding and removing cost a push or a binary search,
//! never a shift or a tree node; iteration is in ascending id, as a `BTreeMap`'s.

use std::fmt;

#[derive(Clone)]
pub struct IdMap<V> {
    slots: Vec<(u64, Option<V>)>,
    /// Slots before `head` are spent.
    head: usize,
    live: usize,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap { slots: Vec::new(), head: 0, live: 0 }
    }
}

impl<V> IdMap<V> {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn len(&self) -> usize {
        self.live
    }
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }
    fn find(&self, id: u64) -> Result<usize, usize> {
        let head = self.head;
        match (self.slots.get(head), self.slots.last()) {
            (_, Some((last, _))) if id > *last => Err(self.slots.len()),
            (Some((first, _)), _) if id == *first => Ok(head),
            _ => self.slots[head..].binary_search_by_key(&id, |s| s.0).map(|i| i + head).map_err(|i| i + head),
        }
    }
    /// Set `id` to `v`; the value it held, if any.
    pub fn insert(&mut self, id: u64, v: V) -> Option<V> {
        match self.find(id) {
            Ok(i) => {
                let old = self.slots[i].1.replace(v);
                self.live += usize::from(old.is_none());
                old
            }
            Err(i) => {
                self.slots.insert(i, (id, Some(v)));
                self.live += 1;
                None
            }
        }
    }
    pub fn get(&self, id: &u64) -> Option<&V> {
        self.find(*id).ok().and_then(|i| self.slots[i].1.as_ref())
    }
    pub fn get_mut(&mut self, id: &u64) -> Option<&mut V> {
        self.find(*id).ok().and_then(|i| self.slots[i].1.as_mut())
    }
    pub fn contains_key(&self, id: &u64) -> bool {
        self.get(id).is_some()
    }
    pub fn remove(&mut self, id: &u64) -> Option<V> {
        let i = self.find(*id).ok()?;
        let v = self.slots[i].1.take()?;
        self.live -= 1;
        self.trim();
        Some(v)
    }
    /// Pass the holes at the front; drop the spent slots once they are half the vector, and
    /// the holes once they outnumber the entries (a message held for long keeps the front).
    fn trim(&mut self) {
        while self.slots.get(self.head).is_some_and(|s| s.1.is_none()) {
            self.head += 1;
        }
        let in_use = self.slots.len() - self.head;
        if (self.head >= 32 && self.head * 2 >= self.slots.len()) || in_use > 2 * self.live + 32 {
            // In place: the slots before `head` are holes too.
            self.slots.retain(|s| s.1.is_some());
            self.head = 0;
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = (&u64, &V)> {
        self.slots[self.head..].iter().filter_map(|(id, v)| v.as_ref().map(|v| (id, v)))
    }
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.iter().map(|(_, v)| v)
    }
    /// The entry with the smallest key.
    pub fn first(&self) -> Option<(&u64, &V)> {
        self.iter().next()
    }
    /// Remove and return the entry with the smallest key.
    pub fn pop_first(&mut self) -> Option<(u64, V)> {
        let id = *self.first()?.0;
        self.remove(&id).map(|v| (id, v))
    }
}

/// Equal maps hold the same entries (holes and spent slots are bookkeeping).
impl<V: PartialEq> PartialEq for IdMap<V> {
    fn eq(&self, o: &Self) -> bool {
        self.live == o.live && self.iter().eq(o.iter())
    }
}
impl<V: Eq> Eq for IdMap<V> {}

/// Written as a `BTreeMap` writes itself: `{id: value, …}`.
impl<V: fmt::Debug> fmt::Debug for IdMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Any mix of inserts (mostly increasing ids) and removals answers as a `BTreeMap` does.
    #[test]
    fn an_id_map_answers_as_a_btreemap() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let (mut b, mut m) = (BTreeMap::new(), IdMap::new());
        let mut id = 0u64;
        for step in 0..20_000u64 {
            let r = next();
            match r % 10 {
                0..=4 => {
                    id += 1 + r % 3;
                    assert_eq!(b.insert(id, step), m.insert(id, step));
                }
                5 => {
                    let back = id.saturating_sub(r % 50);
                    assert_eq!(b.insert(back, step), m.insert(back, step));
                }
                _ => {
                    let k = id.saturating_sub(r % 40);
                    assert_eq!(b.remove(&k), m.remove(&k));
                }
            }
            if step % 97 == 0 {
                assert!(b.iter().eq(m.iter()), "step {step}");
                assert_eq!(b.len(), m.len());
                assert_eq!(format!("{b:?}"), format!("{m:?}"));
                let k = id.saturating_sub(r % 60);
                assert_eq!(b.get(&k), m.get(&k));
                assert_eq!(b.first_key_value(), m.first());
            }
        }
        assert!(m.slots.len() <= 2 * m.live + 64 + m.head * 2, "holes are dropped");
        while let Some(e) = b.pop_first() {
            assert_eq!(Some(e), m.pop_first());
        }
        assert!(m.is_empty() && m.pop_first().is_none() && m == IdMap::new());
    }
}
