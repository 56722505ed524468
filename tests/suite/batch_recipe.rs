//! The batch-engine recipe (scripts/batch, README "Sweeping on a batch engine") run locally:
//! each array task of the Slurm script and each completion index of the Kubernetes Indexed
//! Job as a process, then the merge step; the merged report must be exactly what one
//! process sweeping every seed reports, apart from the wall-clock fields. Also: a sweep's
//! report does not depend on its thread count.

use clusterlab::sweep::WALL_CLOCK_FIELDS;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_clusterlab");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clusterlab-batch-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The report without its wall-clock fields.
fn report(json: &[u8]) -> Value {
    let mut v: Value = serde_json::from_slice(json).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(json)));
    for f in WALL_CLOCK_FIELDS {
        assert!(v.as_object_mut().unwrap().remove(*f).is_some(), "the report has its wall-clock field {f}");
    }
    v
}

fn sweep(args: &[&str]) -> (i32, Value) {
    let out = Command::new(BIN).arg("sweep").args(args).arg("--json").output().unwrap();
    (out.status.code().unwrap(), report(&out.stdout))
}

/// Run the recipe's shard tasks (`count` of them, `index_var` set as the engine sets it,
/// `env` as the recipe sets it), then its merge step; the merge's exit code and report.
fn run_recipe(cmd: &Path, index_var: &str, count: u64, env: &[(String, String)], out: &Path) -> (i32, Value) {
    let children: Vec<_> = (0..count)
        .map(|i| {
            let mut c = Command::new(cmd);
            c.current_dir(root()).env("CLUSTERLAB", BIN).env(index_var, i.to_string());
            c.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str()))).env("OUT_DIR", out);
            c.stderr(std::process::Stdio::null()).spawn().unwrap()
        })
        .collect();
    for mut c in children {
        assert_eq!(c.wait().unwrap().code(), Some(0), "a shard task exits 0 once its report is written");
    }
    let merged = Command::new(root().join("scripts/batch/merge.sh")).arg("--json").env("CLUSTERLAB", BIN).env("OUT_DIR", out).output().unwrap();
    assert!(merged.stderr.is_empty(), "{}", String::from_utf8_lossy(&merged.stderr));
    (merged.status.code().unwrap(), report(&merged.stdout))
}

/// `export NAME=${NAME:-default}` or `export NAME=value` lines of the Slurm script.
fn slurm_setting(script: &str, name: &str) -> String {
    let line = script.lines().find(|l| l.starts_with(&format!("export {name}="))).unwrap_or_else(|| panic!("the Slurm script sets {name}"));
    let v = line.split_once('=').unwrap().1;
    v.strip_prefix(&format!("${{{name}:-")).map_or(v, |d| d.trim_end_matches('}')).to_string()
}

#[test]
fn the_slurm_array_recipe_merges_into_the_one_run_report() {
    let script = std::fs::read_to_string(root().join("scripts/batch/slurm-array.sbatch")).unwrap();
    let array = script.lines().find_map(|l| l.strip_prefix("#SBATCH --array=0-")).expect("an --array=0-N line");
    let count: u64 = array.trim().parse::<u64>().unwrap() + 1;
    assert_eq!(slurm_setting(&script, "SHARD_COUNT"), count.to_string(), "SHARD_COUNT is the array's size");
    assert_eq!(slurm_setting(&script, "PROTOCOL"), "raft");
    // A bug hunt: each shard stops at its own first failure; the merge stops where one run does.
    let env = [("SEEDS", "96"), ("BUG", "commit_old_term")].map(|(k, v)| (k.to_string(), v.to_string()));
    let out = scratch("slurm");
    let (code, merged) = run_recipe(&root().join("scripts/batch/slurm-array.sbatch"), "SLURM_ARRAY_TASK_ID", count, &env, &out);
    let (one_code, one) = sweep(&["--protocol", "raft", "--seeds", "96", "--bug", "commit_old_term"]);
    assert_eq!(merged, one);
    assert_eq!((code, one_code), (0, 0), "the bug is caught");
    assert!(one["first_failure_seed"].as_u64().is_some_and(|s| s > 0 && s < 95), "caught part-way: {}", one["first_failure_seed"]);
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn the_kubernetes_indexed_job_recipe_merges_into_the_one_run_report() {
    let yaml = std::fs::read_to_string(root().join("scripts/batch/k8s-indexed-job.yaml")).unwrap();
    assert!(yaml.contains("completionMode: Indexed"));
    let completions: u64 = yaml.lines().find_map(|l| l.trim().strip_prefix("completions:")).unwrap().trim().parse().unwrap();
    assert!(yaml.contains(r#"command: ["scripts/batch/sweep-shard.sh"]"#));
    // The container's environment: `- name: X` then `value: "Y"`.
    let lines: Vec<&str> = yaml.lines().map(str::trim).collect();
    let mut env: Vec<(String, String)> = lines
        .windows(2)
        .filter_map(|w| Some((w[0].strip_prefix("- name: ")?.to_string(), w[1].strip_prefix("value: ")?.trim_matches('"').to_string())))
        .collect();
    assert!(env.contains(&("SHARD_COUNT".into(), completions.to_string())), "SHARD_COUNT equals completions: {env:?}");
    let protocol = env.iter().find(|(k, _)| k == "PROTOCOL").unwrap().1.clone();
    env.retain(|(k, _)| k != "SEEDS" && k != "OUT_DIR");
    env.push(("SEEDS".into(), "40".into()));
    let out = scratch("k8s");
    let (code, merged) = run_recipe(&root().join("scripts/batch/sweep-shard.sh"), "JOB_COMPLETION_INDEX", completions, &env, &out);
    let (one_code, one) = sweep(&["--protocol", &protocol, "--seeds", "40"]);
    assert_eq!(merged, one);
    assert_eq!(merged["seeds"], 40);
    assert_eq!((code, one_code), (0, 0), "a clean sweep");
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn merge_refuses_shards_that_do_not_make_one_sweep() {
    let out = scratch("refuse");
    let shard = |i: u64, n: u64, seeds: &str| {
        let o = Command::new(BIN).args(["sweep", "--protocol", "flood", "--seeds", seeds, "--shard", &format!("{i}/{n}"), "--json"]).output().unwrap();
        let path = out.join(format!("{i}-{n}-{seeds}.json"));
        std::fs::write(&path, o.stdout).unwrap();
        path
    };
    let (a, b, c) = (shard(0, 2, "6"), shard(1, 2, "6"), shard(1, 2, "8"));
    let merge = |files: &[&Path]| {
        let o = Command::new(BIN).arg("merge").args(files).output().unwrap();
        (o.status.code().unwrap(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    assert_eq!(merge(&[&a, &b]).0, 0);
    let (code, err) = merge(&[&a]);
    assert!(code == 2 && err.contains("shard 1/2 is missing"), "{err}");
    let (code, err) = merge(&[&a, &a, &b]);
    assert!(code == 2 && err.contains("given twice"), "{err}");
    let (code, err) = merge(&[&a, &c]);
    assert!(code == 2 && err.contains("another sweep"), "{err}");
    std::fs::write(out.join("junk.json"), "{\"seeds\": 3}").unwrap();
    let (code, err) = merge(&[&a, &out.join("junk.json")]);
    assert!(code == 2 && err.contains("not a shard's report"), "{err}");
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn a_sweep_reports_the_same_on_one_thread_and_on_three() {
    for args in [&["--protocol", "paxos", "--seeds", "30"][..], &["--protocol", "raft", "--seeds", "60", "--bug", "stale_read"]] {
        let one = sweep(&[args, &["--threads", "1"]].concat());
        let three = sweep(&[args, &["--threads", "3"]].concat());
        assert_eq!(one, three, "{args:?}");
    }
}
