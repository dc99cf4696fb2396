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
        "corpus absent at {}: the tests that read it skip it (set SPECLS_CORPUS)",
        dir.display()
    );
    None
}

/// The corpus's trees (its folders, without the `_`-prefixed ones holding
/// the CLI's output), sorted; none when the corpus is absent.
#[allow(dead_code)] // not every test file that shares this module uses it
pub fn corpus_trees() -> Vec<PathBuf> {
    let Some(c) = corpus() else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = std::fs::read_dir(c)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('_'))
        })
        .collect();
    out.sort();
    out
}

/// The shared corpus of GitHub Spec Kit trees (`SPECLS_CORPUS_SPECKIT`),
/// or `None` (said on stderr) when it is absent; `SPECLS_REQUIRE_CORPUS=1`
/// (CI) makes absence a failure.
#[allow(dead_code)] // not every test file that shares this module uses it
pub fn corpus_speckit() -> Option<PathBuf> {
    other_corpus("SPECLS_CORPUS_SPECKIT", "corpus-speckit", "Spec Kit")
}

/// The shared corpus of Kiro trees (`SPECLS_CORPUS_KIRO`), as
/// [`corpus_speckit`].
#[allow(dead_code)] // not every test file that shares this module uses it
pub fn corpus_kiro() -> Option<PathBuf> {
    other_corpus("SPECLS_CORPUS_KIRO", "corpus-kiro", "Kiro")
}

#[allow(dead_code)]
fn other_corpus(var: &str, folder: &str, name: &str) -> Option<PathBuf> {
    let dir = std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared")
            .join(folder)
    });
    if dir.join("SOURCES.md").is_file() {
        return Some(dir);
    }
    if std::env::var("SPECLS_REQUIRE_CORPUS").is_ok_and(|v| v == "1") {
        panic!(
            "SPECLS_REQUIRE_CORPUS=1 but the {name} corpus is absent at {}",
            dir.display()
        );
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "{name} corpus absent at {}: the tests that read it skip it (set {var})",
        dir.display()
    );
    None
}
