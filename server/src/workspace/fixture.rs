//! Test fixtures: a small workspace written as one string, each file
//! introduced by a `//- path` line (paths relative to the workspace root).
//! Rules and editor features both build their test workspaces with it.

use std::path::Path;

use super::Workspace;

pub fn workspace(fixture: &str) -> Workspace {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for chunk in fixture.split("//- ").skip(1) {
        let (path, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
        files.push((path.trim().to_string(), body.as_bytes().to_vec()));
    }
    Workspace::from_memory(Path::new("/fixture"), files)
}
