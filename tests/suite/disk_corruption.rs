//! The disk-corruption fault: bytes flipped in one durable record of a node's disk, the
//! record drawn from the seed. The disk keeps the damage (and a record of it, for checkers);
//! a protocol whose disk holds nothing to damage notes "no effect"; a protocol that does not
//! declare the fault gets the run labelled "assumption exceeded"; chaos draws it only when
//! its rate is set, so every run made before it replays exactly.

use clusterlab::protocols::flood::{Flood, FloodConfig};
use clusterlab::sim::assume::{ALL_FAULTS, EVERY_FAULT};
use clusterlab::sim::validate::validate_chaos;
use clusterlab::sim::*;

/// A byte array on disk: a write sets (or appends) one byte; corruption flips one.
#[derive(Clone, Debug, Default, PartialEq)]
struct Bytes(Vec<u8>);

impl DurableState for Bytes {
    type Write = (usize, u8);
    fn apply(&mut self, (i, b): (usize, u8)) {
        if i == self.0.len() {
            self.0.push(b);
        } else {
            self.0[i] = b;
        }
    }
    fn corruption(&self, pick: u64) -> Option<(usize, u8)> {
        let i = (pick % self.0.len().max(1) as u64) as usize;
        self.0.get(i).map(|b| (i, b ^ 0xff))
    }
}

#[test]
fn corruption_damages_the_synced_image_records_it_and_leaves_later_writes_to_apply() {
    let mut disk = Disk::<Bytes>::new();
    assert_eq!(disk.corrupt(3), None, "an empty disk has nothing to damage");
    disk.write((0, 1));
    disk.write((1, 2));
    disk.sync();
    disk.write((2, 3));
    assert_eq!(disk.corrupt(5), Some((1, 0xfd)), "pick 5 of two bytes is byte 1");
    assert_eq!(disk.synced().0, vec![1, 0xfd]);
    assert_eq!(disk.corruptions(), &[(1, 0xfd)]);
    disk.crash(false);
    assert_eq!(disk.recovery_image().unwrap().0, vec![1, 0xfd, 3], "the page cache's write lands on the damaged image");
}

#[test]
fn a_disk_with_nothing_to_damage_notes_no_effect_and_a_protocol_not_declaring_it_exceeds() {
    let net = NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() };
    let mut sim = Sim::<Flood>::new(3, 7, FloodConfig { sync_interval_us: 1_000_000, bug: None }, net, ChaosConfig::default());
    sim.apply_now(1_000, Fault::CorruptDisk { node: 1 });
    let records = sim.drain_records();
    let notes: Vec<String> = records.iter().filter_map(|r| if let TraceKind::Note { text } = &r.kind { Some(text.clone()) } else { None }).collect();
    assert!(notes.contains(&"no effect".to_string()), "{notes:?}");
    assert!(sim.exceeded().iter().any(|e| e.what.contains("disk corruption")), "{:?}", sim.exceeded());
}

#[test]
fn the_fault_is_data_like_every_other() {
    let f = Fault::CorruptDisk { node: 3 };
    assert_eq!(f.label(), "corrupt a record on n3's disk");
    assert_eq!(f.nodes(), vec![3]);
    assert_eq!(f.map_nodes(|n| Some(n + 1)), Some(Fault::CorruptDisk { node: 4 }));
    assert_eq!(f.map_nodes(|_| None), None);
    let json = serde_json::to_string(&f).unwrap();
    assert_eq!(json, r#"{"kind":"corrupt_disk","node":3}"#);
    assert_eq!(serde_json::from_str::<Fault>(&json).unwrap(), f);
}

#[test]
fn chaos_draws_it_only_when_its_rate_is_set_and_no_older_row_declares_it() {
    assert!(!ALL_FAULTS.contains(&FaultClass::DiskCorruption) && !EVERY_FAULT.contains(&FaultClass::DiskCorruption), "rows made before it draw what they drew");
    let json = serde_json::to_string(&ChaosConfig::default()).unwrap();
    assert!(!json.contains("disk_corrupt_ppm"), "a rate of 0 is left out, so older links read the same: {json}");
    let on = ChaosConfig { disk_corrupt_ppm: 50_000, ..ChaosConfig::default() };
    assert!(serde_json::to_string(&on).unwrap().contains(r#""disk_corrupt_ppm":50000"#));
    assert!(validate_chaos(&on).is_ok());
    assert!(validate_chaos(&ChaosConfig { disk_corrupt_ppm: 1_000_001, ..on }).is_err());
}
