//! Records the Git commit docket is built from (when built from a checkout), for
//! `docket --version`.

// A build script reads its environment and talks to cargo on stdout.
#![allow(clippy::disallowed_methods, clippy::print_stdout)]

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
    println!("cargo:rerun-if-env-changed=DOCKET_BUILD_COMMIT");
    let commit = std::env::var("DOCKET_BUILD_COMMIT").ok().or_else(|| {
        let out = Command::new("git")
            .args(["rev-parse", "--short=10", "HEAD"])
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
            .filter(|c| !c.is_empty())
    });
    let version = env!("CARGO_PKG_VERSION");
    let long = match commit {
        Some(c) => format!("{version} (commit {c})"),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=DOCKET_LONG_VERSION={long}");
    // The binary is linked at a fixed address on Linux: a position-independent one makes
    // the loader patch ~63,000 pointers (1.8 MB of tables) on every start, which was an
    // eighth of a `docket comment`. Only the binary; libraries and tests are unchanged.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
