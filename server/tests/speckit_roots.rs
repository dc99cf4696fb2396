//! Walking a real directory for Spec Kit roots: symbolic links are never
//! followed and FIFOs never opened (the engine's source may not touch the
//! filesystem outside its readers, so this lives with the integration
//! tests).

use specls::formats::speckit::root;

#[cfg(unix)]
#[test]
fn walking_never_follows_links_or_opens_fifos() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join(".specify")).unwrap();
    std::fs::create_dir_all(d.join("specs/001-a")).unwrap();
    std::fs::write(d.join("specs/001-a/spec.md"), "# x").unwrap();
    // A link back up would loop forever if followed.
    std::os::unix::fs::symlink(d, d.join("specs/001-a/loop")).unwrap();
    std::os::unix::fs::symlink(d.join("specs/001-a/spec.md"), d.join("specs/001-a/plan.md"))
        .unwrap();
    let fifo = d.join("specs/001-a/tasks.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let roots = root::find_roots(d);
    assert_eq!(roots.len(), 1);
    let f = &roots[0].features[0];
    assert_eq!(f.spec.as_deref(), Some("specs/001-a/spec.md"));
    assert_eq!(f.plan, None, "a symbolic link is not read");
    if made {
        assert_eq!(f.tasks, None, "a FIFO is not a file");
    }
    assert!(root::walk(d).iter().all(|e| !e.path.contains("loop/")));
}
