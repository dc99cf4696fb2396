//! What the integration tests share: where the corpus is.

use std::path::{Path, PathBuf};

/// The shared corpus of OpenSpec trees, or `None` (said on stderr) when it
/// is absent; `SPECLS_REQUIRE_CORPUS=1` (CI) makes absence a failure.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SPECLS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    if dir.join("_openspec-1.13.2-validate").is_dir() {
        return Some(dir);
    }
    if std::env::var("SPECLS_REQUIRE_CORPUS").is_ok_and(|v| v == "1") {
        panic!(
            "SPECLS_REQUIRE_CORPUS=1 but the corpus is absent at {}",
            dir.display()
        );
    }
    // Written to the stderr handle, not with eprintln!, so that the test
    // harness does not capture it: a skipped test must say so.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "corpus absent at {}: skipping the corpus parity tests (set SPECLS_CORPUS)",
        dir.display()
    );
    None
}
