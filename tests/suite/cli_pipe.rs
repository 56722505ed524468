#![cfg(all(unix, not(target_arch = "wasm32")))]
//! The command line ends quietly when the program reading its output goes away
//! (`clusterlab presets --json | head -c 100`), as Unix tools do, instead of panicking on
//! the next write to the closed pipe.

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

/// SIGPIPE on Linux and the BSDs.
const SIGPIPE: i32 = 13;

#[test]
fn a_closed_output_pipe_ends_the_cli_quietly() {
    // Each command works a while before its first write, so the reader is gone by then.
    for args in [&["sweep", "--protocol", "flood", "--seeds", "300"][..], &["sweep", "--protocol", "flood", "--seeds", "300", "--json"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clusterlab"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the CLI starts");
        drop(child.stdout.take());
        let status = child.wait().expect("the CLI ends");
        let mut stderr = String::new();
        child.stderr.take().expect("piped").read_to_string(&mut stderr).expect("stderr");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(status.success() || status.signal() == Some(SIGPIPE), "{args:?}: {status:?} {stderr}");
    }
}
