//! Re-reading a Spec Kit task list after a keystroke (`TaskFile::splice`)
//! gives what reading it fresh gives, on every tasks.md of the Spec Kit
//! corpus, for edits of every kind: the ones the splice takes and the ones
//! it hands back to the full reader.

mod common;

use specls::formats::speckit::{root, TaskFile};

/// Single edits spread over `text`: characters typed, including the ones
/// that make structure, and characters deleted.
fn edits_of(text: &str, seed: u64) -> Vec<String> {
    let mut x = seed | 1;
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n.max(1) as u64) as usize
    };
    let boundary = |mut at: usize| {
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let mut out = Vec::new();
    for insert in [
        "x", " ", "T", "0", "7", "\t", "-", "[", "]", "P", "US", "#", "`", "~", "*", ":", ",", "(",
        ")", "/", ".", "é", "🎉", "\n", "\r\n", "<!--", "-->", "---",
    ] {
        let at = boundary(next(text.len() + 1));
        let mut t = text.to_string();
        t.insert_str(at, insert);
        out.push(t);
    }
    for width in [1, 1, 1, 1, 3, 12] {
        let a = boundary(next(text.len() + 1));
        let b = boundary((a + width).min(text.len()));
        let mut t = text.to_string();
        t.replace_range(a..b, "");
        out.push(t);
    }
    out
}

fn tasks_files() -> Vec<(String, String)> {
    let Some(corpus) = common::corpus_speckit() else {
        return Vec::new();
    };
    let mut trees: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    trees.sort();
    let mut out = Vec::new();
    for tree in &trees {
        for e in root::walk(tree) {
            if !e.dir && e.path.ends_with("tasks.md") {
                let bytes = std::fs::read(tree.join(&e.path)).unwrap();
                let name = format!("{}/{}", tree.display(), e.path);
                out.push((name, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    out
}

#[test]
fn splicing_a_task_list_equals_reading_it_fresh() {
    let files = tasks_files();
    if files.is_empty() {
        return;
    }
    assert!(files.len() >= 100, "{} tasks.md files", files.len());
    let mut checked = 0;
    let mut spliced = 0;
    for (k, (name, text)) in files.iter().enumerate() {
        // Every fifth file with CRLF line ends, as Windows editors keep them.
        let text = if k % 5 == 0 {
            text.replace('\n', "\r\n")
        } else {
            text.clone()
        };
        let before = TaskFile::parse(&text);
        for new in edits_of(&text, k as u64 + 1) {
            let fresh = TaskFile::parse(&new);
            let mut summary = before.clone();
            match summary.splice(&text, &new) {
                Some(_) => {
                    spliced += 1;
                    assert_eq!(summary, fresh, "{name} after an edit, spliced");
                }
                None => assert_eq!(summary, before, "{name}: a refused splice changes nothing"),
            }
            // And back again, from the fresh summary.
            let mut back = fresh.clone();
            if back.splice(&new, &text).is_some() {
                assert_eq!(back, before, "{name}, spliced back");
            }
            checked += 1;
        }
    }
    eprintln!("{spliced} of {checked} edits took the short way");
    // Most single edits land inside a task's text; both ways must be
    // exercised.
    assert!(
        spliced > checked / 3 && spliced < checked,
        "{spliced} of {checked} edits took the short way"
    );
}

#[test]
fn what_moves_and_what_is_read_again() {
    let text = "# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Create src/a.py\n- [ ] T002 Edit src/b.py (depends on T001)\n  - **Verify**: src/c.py\n\n## Phase 2: Polish\n\n- [ ] T003 Tidy src/d.py\n";
    let edit = |find: &str, replace: &str| {
        let at = text.find(find).unwrap();
        let mut t = text.to_string();
        t.replace_range(at..at + find.len(), replace);
        t
    };
    let check = |new: &str| {
        let mut s = TaskFile::parse(text);
        let r = s.splice(text, new);
        if r.is_some() {
            assert_eq!(s, TaskFile::parse(new), "{new}");
        }
        r
    };
    // A detail line is its task's: T002 is read again, T003 moves.
    let r = check(&edit("src/c.py", "src/cc.py")).expect("a detail edit splices");
    assert_eq!(r.task, Some(1));
    assert_eq!(r.delta, 1);
    assert_eq!(
        check(&edit("# Tasks\n\n", "# Tasks\n\nIntro.\n")),
        None,
        "a new line"
    );
    // A line no task holds: only what follows moves.
    let r = check(&edit("## Phase 1: Setup\n\n", "## Phase 1: Setup\n \n"))
        .expect("spaces on a blank line splice");
    assert_eq!(r.task, None);
    // Structure: a heading, a checkbox, an id, an indentation, a fence.
    for (find, replace) in [
        ("## Phase 2", "### Phase 2"),
        ("- [ ] T003", "- T003"),
        ("T003 Tidy", "Tidy"),
        ("  - **Verify**", "    - **Verify**"),
        ("  - **Verify**", "  ```"),
        ("Tidy", "Tidy <!--"),
    ] {
        assert_eq!(check(&edit(find, replace)), None, "{replace}");
    }
}
