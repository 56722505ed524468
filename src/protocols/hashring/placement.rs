//! Where keys live: consistent hashing on a ring of virtual-node tokens (Karger et al., STOC
//! 1997; Dynamo, SOSP 2007, §4.2: each server takes several tokens; §4.3: a key's preference
//! list is the first N distinct physical servers clockwise from its position), and, for
//! comparison, mod-N, jump consistent hash (Lamping & Veach 2014), rendezvous hashing
//! (Thaler & Ravishankar 1998) and consistent hashing with bounded loads (Mirrokni, Thorup
//! & Zadimoghaddam, SODA 2018). Pure functions over a membership list, so the page, the
//! sweeps and the figures at 10⁴ servers all run the same code.

use crate::sim::prng::splitmix64;
use crate::sim::NodeId;
use serde::Serialize;

/// How keys are mapped to servers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// Consistent hashing: the first tokens clockwise (Karger; Dynamo §4.2).
    #[default]
    Ring,
    /// hash mod n over the members in order: nearly every key moves when n changes.
    ModN,
    /// Jump consistent hash over the members in order (Lamping & Veach).
    Jump,
    /// Highest random weight (Thaler & Ravishankar).
    Rendezvous,
    /// The ring, with no server holding more than ⌈c · keys / n⌉ keys (Mirrokni et al.).
    Bounded,
}

impl Placement {
    pub fn name(self) -> &'static str {
        match self {
            Placement::Ring => "ring",
            Placement::ModN => "mod_n",
            Placement::Jump => "jump",
            Placement::Rendezvous => "rendezvous",
            Placement::Bounded => "bounded",
        }
    }
    /// Adding a server moves keys only onto it (removing one moves only its keys): true of
    /// the ring and rendezvous for any server, of jump hash for the last bucket only.
    pub fn moves_only_the_changed(self) -> bool {
        matches!(self, Placement::Ring | Placement::Rendezvous | Placement::Jump)
    }
}

/// The mistakes a node's placement code can make (the teaching bugs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flaws {
    /// Keys past the last token go to the last token rather than wrapping to the first.
    pub wrap_off_by_one: bool,
    /// The preference list takes the next N tokens, two of which may be one host's.
    pub count_virtual_nodes: bool,
}

/// A 64-bit mix of a value (splitmix64's finaliser).
pub fn mix(x: u64) -> u64 {
    let mut s = x;
    splitmix64(&mut s)
}

/// A key's position on the ring: FNV-1a of its bytes with the salt, mixed. Every node must
/// use the same salt (zero); a salt per process is the teaching bug `salted_hash`.
pub fn key_position(key: &str, salt: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    for b in key.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

/// Server `s`'s `v`-th token.
pub fn token(s: NodeId, v: u32) -> u64 {
    mix(0x7261_6e67_0000_0000 ^ (u64::from(s) << 20) ^ u64::from(v))
}

/// The ring of the members' tokens, sorted by position: (position, server).
pub fn ring(members: &[NodeId], vnodes: u32) -> Vec<(u64, NodeId)> {
    let mut t: Vec<(u64, NodeId)> = members.iter().flat_map(|&s| (0..vnodes).map(move |v| (token(s, v), s))).collect();
    t.sort_unstable();
    t
}

/// The index of the first token at or after `pos`, wrapping past the last to the first.
pub fn first_token(ring: &[(u64, NodeId)], pos: u64, flaws: Flaws) -> usize {
    let i = ring.partition_point(|&(p, _)| p < pos);
    if i < ring.len() {
        i
    } else if flaws.wrap_off_by_one {
        ring.len() - 1
    } else {
        0
    }
}

/// The first `n` distinct servers clockwise from `pos` (Dynamo's preference list).
pub fn ring_preference(ring: &[(u64, NodeId)], pos: u64, n: usize, flaws: Flaws) -> Vec<NodeId> {
    let mut out: Vec<NodeId> = Vec::with_capacity(n);
    if ring.is_empty() {
        return out;
    }
    let start = first_token(ring, pos, flaws);
    for k in 0..ring.len() {
        if out.len() == n {
            break;
        }
        let s = ring[(start + k) % ring.len()].1;
        if flaws.count_virtual_nodes || !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Jump consistent hash: the bucket in 0..buckets of `key` (Lamping & Veach, Figure 1, with
/// its linear congruential step and integer arithmetic in place of floating point).
pub fn jump(mut key: u64, buckets: u32) -> u32 {
    let (mut b, mut j): (i64, i64) = (-1, 0);
    while j < i64::from(buckets) {
        b = j;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        j = (((b + 1) as u128 * (1u128 << 31)) / (((key >> 33) + 1) as u128)) as i64;
    }
    b.max(0) as u32
}

/// The member at `first` and the ones after it in member order, `n` in all.
fn in_order_from(members: &[NodeId], first: usize, n: usize) -> Vec<NodeId> {
    (0..n.min(members.len())).map(|k| members[(first + k) % members.len()]).collect()
}

/// The top `n` members by rendezvous weight (ties to the smaller number).
pub fn rendezvous(members: &[NodeId], pos: u64, n: usize) -> Vec<NodeId> {
    let mut w: Vec<(u64, NodeId)> = members.iter().map(|&s| (mix(pos ^ token(s, u32::MAX)), s)).collect();
    w.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    w.into_iter().take(n).map(|(_, s)| s).collect()
}

/// Everything a node needs to place keys for one membership: the members in order, their
/// ring, and (bounded loads) the owner of each key of the universe.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub placement: Placement,
    pub members: Vec<NodeId>,
    pub ring: Vec<(u64, NodeId)>,
    pub replicas: usize,
    pub flaws: Flaws,
    pub salt: u64,
    /// Bounded loads: the owner of each universe key, by key position.
    bounded: Vec<(u64, NodeId)>,
}

impl Layout {
    /// `universe`: the keys whose loads bounded placement balances (others take the ring).
    pub fn new(placement: Placement, members: Vec<NodeId>, vnodes: u32, replicas: usize, flaws: Flaws, salt: u64, universe: &[String], load_factor_pct: u32) -> Self {
        let ring = ring(&members, vnodes);
        let mut l = Layout { placement, members, ring, replicas, flaws, salt, bounded: Vec::new() };
        if placement == Placement::Bounded {
            l.bounded = l.bounded_owners(universe, load_factor_pct);
        }
        l
    }

    /// Mirrokni et al.'s assignment: keys in universe order, each to the first server clockwise
    /// from it that is below the capacity ⌈c · keys / n⌉.
    fn bounded_owners(&self, universe: &[String], load_factor_pct: u32) -> Vec<(u64, NodeId)> {
        if self.ring.is_empty() {
            return Vec::new();
        }
        let n = self.members.len() as u64;
        let cap = (universe.len() as u64 * u64::from(load_factor_pct)).div_ceil(100 * n).max(1);
        let mut load: Vec<(NodeId, u64)> = self.members.iter().map(|&s| (s, 0)).collect();
        let mut owners: Vec<(u64, NodeId)> = Vec::with_capacity(universe.len());
        for key in universe {
            let pos = key_position(key, self.salt);
            let start = first_token(&self.ring, pos, self.flaws);
            for k in 0..self.ring.len() {
                let s = self.ring[(start + k) % self.ring.len()].1;
                let slot = load.iter_mut().find(|(m, _)| *m == s).expect("a member");
                if slot.1 < cap {
                    slot.1 += 1;
                    owners.push((pos, s));
                    break;
                }
            }
        }
        owners.sort_unstable();
        owners
    }

    /// The key's preference list: its owner first, then the other replicas, N distinct
    /// servers (fewer when the ring has fewer members).
    pub fn preference(&self, key: &str) -> Vec<NodeId> {
        let pos = key_position(key, self.salt);
        let n = self.replicas;
        match self.placement {
            Placement::Ring => ring_preference(&self.ring, pos, n, self.flaws),
            Placement::ModN if !self.members.is_empty() => in_order_from(&self.members, (pos % self.members.len() as u64) as usize, n),
            Placement::Jump if !self.members.is_empty() => in_order_from(&self.members, jump(pos, self.members.len() as u32) as usize, n),
            Placement::Rendezvous => rendezvous(&self.members, pos, n),
            Placement::Bounded => match self.bounded.binary_search_by_key(&pos, |&(p, _)| p) {
                Ok(i) => {
                    let owner = self.bounded[i].1;
                    let mut v = vec![owner];
                    v.extend(ring_preference(&self.ring, pos, n + 1, self.flaws).into_iter().filter(|&s| s != owner));
                    v.truncate(n);
                    v
                }
                Err(_) => ring_preference(&self.ring, pos, n, self.flaws),
            },
            Placement::ModN | Placement::Jump => Vec::new(),
        }
    }

    pub fn owner(&self, key: &str) -> Option<NodeId> {
        self.preference(key).first().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn universe(k: u32) -> Vec<String> {
        (0..k).map(|i| format!("k{i}")).collect()
    }

    #[test]
    fn jump_hash_moves_keys_only_to_the_new_bucket() {
        for key in 0..2_000u64 {
            let k = mix(key);
            assert_eq!(jump(k, 1), 0);
            for n in 1..40 {
                let (a, b) = (jump(k, n), jump(k, n + 1));
                assert!(a < n && b <= n);
                assert!(a == b || b == n, "key {key}: {a} -> {b} when bucket {n} came");
            }
        }
    }

    #[test]
    fn a_preference_list_has_distinct_servers_unless_the_flaw_counts_tokens() {
        let ring = ring(&[0, 1, 2, 3], 16);
        let ok = Flaws::default();
        let bad = Flaws { count_virtual_nodes: true, ..ok };
        let mut some_short = false;
        for k in universe(500) {
            let p = ring_preference(&ring, key_position(&k, 0), 3, ok);
            let mut d = p.clone();
            d.sort_unstable();
            d.dedup();
            assert_eq!(d.len(), 3);
            let q = ring_preference(&ring, key_position(&k, 0), 3, bad);
            let mut e = q.clone();
            e.sort_unstable();
            e.dedup();
            some_short |= e.len() < 3;
        }
        assert!(some_short);
    }

    #[test]
    fn keys_past_the_last_token_wrap_to_the_first() {
        let ring = ring(&[0, 1, 2], 4);
        let last = ring.last().unwrap().0;
        assert_eq!(first_token(&ring, last + 1, Flaws::default()), 0);
        assert_eq!(first_token(&ring, last + 1, Flaws { wrap_off_by_one: true, ..Default::default() }), ring.len() - 1);
        assert_eq!(first_token(&ring, 0, Flaws::default()), 0);
    }

    #[test]
    fn bounded_loads_keep_every_server_under_its_capacity() {
        let u = universe(300);
        let l = Layout::new(Placement::Bounded, vec![0, 1, 2, 3, 4], 1, 3, Flaws::default(), 0, &u, 110);
        let mut load = [0u32; 5];
        for k in &u {
            load[l.owner(k).unwrap() as usize] += 1;
        }
        assert!(load.iter().all(|&x| x <= 66), "{load:?}");
        assert_eq!(load.iter().sum::<u32>(), 300);
    }
}

crate::json_unit_enum!(Placement { Ring = "ring", ModN = "mod_n", Jump = "jump", Rendezvous = "rendezvous", Bounded = "bounded" });
