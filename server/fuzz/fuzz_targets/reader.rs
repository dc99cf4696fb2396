//! The structural reader, the rules and the editor features on arbitrary
//! bytes: one input is cut at 0xFF bytes (which UTF-8 never contains) into
//! the files of one change and its main spec. Nothing may panic, and every
//! span an editor feature returns must be a range of its file.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use specls::ide;
use specls::rules::check_workspace;
use specls::workspace::Workspace;

const ROLES: &[&str] = &[
    "openspec/specs/cap/spec.md",
    "openspec/changes/c/specs/cap/spec.md",
    "openspec/changes/c/tasks.md",
    "openspec/changes/c/proposal.md",
    "openspec/changes/c/design.md",
    "openspec/config.yaml",
];

fuzz_target!(|data: &[u8]| {
    let files: Vec<(String, Vec<u8>)> = data
        .split(|&b| b == 0xFF)
        .zip(ROLES)
        .map(|(bytes, rel)| (rel.to_string(), bytes.to_vec()))
        .collect();
    let ws = Workspace::from_memory(Path::new("/fuzz"), files);
    for d in check_workspace(&ws) {
        let text = ws.file(&d.path).expect("a diagnostic names a file").text();
        assert!(text.get(d.span.range()).is_some(), "{d:?}");
    }
    for f in &ws.files {
        let len = f.text().len();
        for offset in [0, len / 3, len / 2, len.saturating_sub(1), len, len + 1] {
            for t in ide::definition(&ws, &f.rel, offset)
                .into_iter()
                .chain(ide::references(&ws, &f.rel, offset, true))
            {
                let target = ws.file(&t.rel).expect("a target is a file").text();
                assert!(target.get(t.full.range()).is_some());
                assert!(target.get(t.focus.range()).is_some());
            }
            if let Some(h) = ide::hover(&ws, &f.rel, offset) {
                assert!(f.text().get(h.span.range()).is_some());
            }
        }
        let _ = ide::document_symbols(&ws, &f.rel);
        for l in ide::document_links(&ws, &f.rel) {
            assert!(f.text().get(l.span.range()).is_some());
        }
    }
    let _ = ide::workspace_symbols(&ws, "req", 100);
});
