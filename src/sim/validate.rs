//! Semantic checks on network and chaos settings from untrusted input (links, the page,
//! the CLI): every problem is a plain message, never a panic.

use super::fault::{ChaosConfig, NetConfig, MAX_SLOW_FACTOR};

const MAX_LATENCY_US: u64 = 60_000_000;

fn ppm(name: &str, v: u32) -> Result<(), String> {
    if v > 1_000_000 {
        return Err(format!("{name} must be a probability between 0 and 1 (got {v} ppm)"));
    }
    Ok(())
}

pub fn validate_net(net: &NetConfig) -> Result<(), String> {
    if net.latency_min_us > net.latency_max_us {
        return Err(format!(
            "latency minimum {} us is above the maximum {} us",
            net.latency_min_us, net.latency_max_us
        ));
    }
    if net.latency_max_us > MAX_LATENCY_US || net.reorder_extra_us > MAX_LATENCY_US {
        return Err("latencies above 60 s are not supported".into());
    }
    ppm("loss", net.loss_ppm)?;
    ppm("duplication", net.duplicate_ppm)?;
    ppm("reordering", net.reorder_ppm)?;
    ppm("corruption", net.corrupt_ppm)
}

/// A slow node's factor: 1 (full speed) to [`MAX_SLOW_FACTOR`] times as slow.
pub fn validate_slow_factor(factor: u32) -> Result<(), String> {
    if !(1..=MAX_SLOW_FACTOR).contains(&factor) {
        return Err(format!("slow factor {factor} is outside 1 to {MAX_SLOW_FACTOR} (1 is full speed, 10 ten times as slow)"));
    }
    Ok(())
}

pub fn validate_chaos(c: &ChaosConfig) -> Result<(), String> {
    if c.tick_us < 1_000 {
        return Err("chaos tick must be at least 1000 us".into());
    }
    if c.max_downtime_us.max(c.max_restart_delay_us.unwrap_or(0)) > MAX_LATENCY_US {
        return Err("chaos downtime above 60 s is not supported".into());
    }
    let rates = [
        ("crash", c.crash_ppm),
        ("crash after a durable write", c.crash_after_write_ppm),
        ("lost unsynced writes", c.lose_unsynced_ppm),
        ("partition", c.partition_ppm),
        ("pause", c.pause_ppm),
        ("skew", c.skew_ppm),
        ("slow node", c.slow_ppm),
        ("disk corruption", c.disk_corrupt_ppm),
    ];
    for (name, v) in rates {
        ppm(name, v)?;
    }
    if c.slow_factor_max == 1 || c.slow_factor_max > MAX_SLOW_FACTOR {
        return Err(format!("chaos's largest slow factor {} is outside 2 to {MAX_SLOW_FACTOR} (0 means 10)", c.slow_factor_max));
    }
    validate_net(&c.net)
}
