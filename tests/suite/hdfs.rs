//! The HDFS-style block store (built with `--features replication`): its default swarm
//! sweep is clean, and each planted teaching bug is caught by it.

use clusterlab::sweep::{sweep, Stop, SweepSpec};

fn spec(bug: Option<&str>) -> SweepSpec {
    let mut s = SweepSpec::new("hdfs");
    s.bug = bug.map(String::from);
    s
}

#[test]
fn the_default_sweep_is_clean() {
    let report = sweep(&spec(None), 0..200, Stop::Never).unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures.first());
}

#[test]
fn every_teaching_bug_is_caught_by_the_default_sweep() {
    for bug in clusterlab::protocols::hdfs::BUGS {
        let report = sweep(&spec(Some(bug)), 0..300, Stop::AtFailure).unwrap();
        assert!(report.first_failure_seed.is_some(), "{bug} not caught in 300 seeds");
    }
}
