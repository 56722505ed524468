//! The block store's figures: HDFS's dead-node timeout as its configuration derives it
//! (HdfsDesign.md and hdfs-default.xml: 2 × 5 min recheck + 10 × 3 s heartbeat = 10 min 30 s),
//! and the replication storm a flapping DataNode causes, measured as bytes re-replicated
//! against the dead-node timeout (`cargo test --profile tests --test suite hdfs_figures --
//! --nocapture` prints the table).

use clusterlab::protocols::hdfs::{Hdfs, HdfsConfig};
use clusterlab::scenario::{presets, registry::build_typed};

#[test]
fn the_dead_node_timeout_is_hdfs_s_formula() {
    let hdfs_defaults = HdfsConfig { heartbeat_us: 3_000_000, recheck_us: 300_000_000, ..HdfsConfig::default() };
    assert_eq!(hdfs_defaults.dead_after_us(), 630_000_000, "10 min 30 s");
    let preset = presets::find("hdfs-flapping-long").unwrap();
    let c: HdfsConfig = serde_json::from_value((preset.build)().config).unwrap();
    assert_eq!(c.dead_after_us(), 6_300_000, "the presets run HDFS's times at 1:100");
}

/// Bytes re-replicated while n2 flaps (down 1 s in every 2, ten times), and how often the
/// NameNode declared a DataNode dead, for a recheck interval (heartbeat 30 ms).
fn storm(recheck_us: u64) -> (u64, u64, u32) {
    let mut s = (presets::find("hdfs-flapping-long").unwrap().build)();
    s.config["recheck_us"] = recheck_us.into();
    s.playhead_us = 24_000_000;
    let run = build_typed::<Hdfs>(&s, false).unwrap();
    let nn = run.sim().nodes()[0].as_ref().and_then(Hdfs::as_namenode).expect("the NameNode is up");
    let c: HdfsConfig = serde_json::from_value(s.config.clone()).unwrap();
    (c.dead_after_us(), nn.rereplicated_bytes, nn.marked_dead)
}

#[test]
fn a_flapping_node_causes_a_replication_storm_under_a_short_timeout_only() {
    let rows: Vec<(u64, u64, u32)> = [100_000, 250_000, 500_000, 1_000_000, 3_000_000].iter().map(|&r| storm(r)).collect();
    println!("dead-node timeout | bytes re-replicated | declared dead");
    for (dead, bytes, marked) in &rows {
        println!("{:>14} ms | {bytes:>19} | {marked:>13}", dead / 1_000);
    }
    let (shortest, longest) = (rows[0], rows[rows.len() - 1]);
    assert!(shortest.1 > 0 && shortest.2 >= 5, "a 0.5 s timeout declares the flapping node dead again and again: {rows:?}");
    assert_eq!((longest.1, longest.2), (0, 0), "HDFS's long timeout (6.3 s here) outlasts every outage: {rows:?}");
    assert!(rows.windows(2).all(|w| w[0].1 >= w[1].1), "fewer bytes copied as the timeout grows: {rows:?}");
}
