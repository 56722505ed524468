//! The `clusterlab` command line: run, sweep, presets, bench, check.

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod cli_bench;
#[cfg(not(target_arch = "wasm32"))]
mod cli_check;
#[cfg(not(target_arch = "wasm32"))]
mod cli_progress;
#[cfg(not(target_arch = "wasm32"))]
mod cli_sweep;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    end_quietly_on_closed_pipe();
    std::process::exit(cli::main(std::env::args().skip(1).collect()));
}

/// `clusterlab presets --json | head -c 100`: when the reader goes away, end as Unix tools
/// do (SIGPIPE's default action) instead of panicking on the next write, as Rust programs do
/// because the runtime ignores SIGPIPE.
#[cfg(all(unix, not(target_arch = "wasm32")))]
fn end_quietly_on_closed_pipe() {
    // SAFETY: setting a signal's disposition to its default, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(any(unix, target_arch = "wasm32")))]
fn end_quietly_on_closed_pipe() {}

#[cfg(target_arch = "wasm32")]
fn main() {}

/// The command line allocates as the simulator runs (messages, trace records, client
/// calls); mimalloc's small-object allocator makes sweeps and benches about 5% faster than
/// the system allocator on this workload, with no effect on results (nothing depends on
/// addresses). The page's modules keep Rust's own wasm allocator.
#[cfg(all(unix, not(target_arch = "wasm32")))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
