//! Bad input to the Kiro readers and rules gets nothing or a clear finding,
//! never a panic and never a hang: documents stitched at random from the
//! format's own tokens, and large documents built to hit any quadratic
//! path.

use std::time::{Duration, Instant};

use specls::formats::kiro::roots::FileKind;
use specls::formats::kiro::rules::{check_feature, check_steering};
use specls::formats::kiro::steering::{self, FileTarget};
use specls::formats::kiro::{read, FeatureSpec};
use specls::model::Span;

const TOKENS: &[&str] = &[
    "### Requirement ",
    "### 要件 ",
    "### ",
    "## Glossary\n",
    "- **Auth_Service**: ",
    "#### Acceptance Criteria\n",
    "#### 受け入れ基準\n",
    "### Current Behavior (Defect)\n",
    "### Unchanged Behavior\n",
    "### Property ",
    "**Property ",
    "Property ",
    "**Validates: Requirements ",
    "_Requirements: ",
    "_要件: ",
    "_Depends: ",
    "- [ ] ",
    "- [x]* ",
    "- [-] ",
    "  - ",
    "(P) ",
    "1",
    "2",
    "0",
    "99999999999",
    ".",
    "-",
    "–",
    ",",
    ":",
    "**",
    "*",
    "_",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "```\n",
    "---\n",
    "inclusion: ",
    "fileMatch",
    "#[[file:",
    "]]",
    "../",
    "WHEN ",
    "IF ",
    "THEN ",
    "THE ",
    "SHALL ",
    "shall ",
    "CONTINUE TO ",
    "こと",
    "é",
    "\u{feff}",
    "{\"specType\": ",
    "\"bugfix\"",
    "}",
    "[",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn on_boundaries(text: &str, span: Span) -> bool {
    let (s, e) = (span.start as usize, span.end as usize);
    s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
}

const KINDS: &[FileKind] = &[
    FileKind::Requirements,
    FileKind::Bugfix,
    FileKind::Design,
    FileKind::Tasks,
    FileKind::Config,
];

#[test]
fn random_documents_never_panic_and_findings_point_into_the_text() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let n = rng.below(80);
        let text: String = (0..n).map(|_| TOKENS[rng.below(TOKENS.len())]).collect();
        // The same text as every file of one feature, so that references
        // meet definitions.
        let mut spec = FeatureSpec::default();
        for &k in KINDS {
            spec.add(read(k, &text).unwrap());
        }
        for f in check_feature(&spec, Some(&text)) {
            assert!(on_boundaries(&text, f.span), "{f:?} in {text:?}");
            assert!(!f.message.is_empty());
        }
        let s = steering::parse(&text);
        for f in check_steering(&s, &|_| FileTarget::Missing) {
            assert!(on_boundaries(&text, f.span), "{f:?} in {text:?}");
        }
    }
}

/// Runs `f` and fails when it takes longer than a generous bound: a hang
/// guard, not a benchmark.
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    let took = t.elapsed();
    println!("{what}: {took:?}");
    assert!(took < Duration::from_secs(30), "{what} took {took:?}");
    out
}

#[test]
fn large_documents_stay_linear() {
    // 20,000 sub-tasks under one parent, each citing a range and a property,
    // each depending on the one before.
    let mut tasks = String::from("- [x] 1. Parent\n");
    for i in 1..=20_000 {
        tasks.push_str(&format!(
            "- [ ] 1.{i} Sub-task\n  - _Requirements: 1.1-1.9, {}.1_\n  - **Property {i}: x**\n  - _Depends: 1.{}_\n",
            i % 50 + 1,
            i.max(2) - 1
        ));
    }
    let mut req = String::from("## Glossary\n- **A**: a\n");
    for r in 1..=2_000 {
        req.push_str(&format!(
            "### Requirement {r}: R\n#### Acceptance Criteria\n"
        ));
        for c in 1..=9 {
            req.push_str(&format!("{c}. WHEN x, THE A SHALL y\n"));
        }
    }
    let mut design = String::new();
    for p in 1..=5_000 {
        design.push_str(&format!(
            "### Property {p}: P\n**Validates: Requirements {}.1-{}.9**\n",
            p % 2000 + 1,
            p % 2000 + 1
        ));
    }
    let spec = timed(
        "reading 20,000 tasks, 18,000 criteria, 5,000 properties",
        || {
            let mut spec = FeatureSpec::default();
            spec.add(read(FileKind::Tasks, &tasks).unwrap());
            spec.add(read(FileKind::Requirements, &req).unwrap());
            spec.add(read(FileKind::Design, &design).unwrap());
            spec
        },
    );
    let findings = timed("the feature rules over them", || {
        check_feature(&spec, Some(&req))
    });
    // Properties 5001..=20000 are named by tasks and defined nowhere.
    let unknown = findings
        .iter()
        .filter(|f| f.code == "kiro/unknown-property")
        .count();
    assert_eq!(unknown, 15_000);

    // One line of 200,000 references, and a range at the length limit.
    let line = format!(
        "- [ ] 1. T\n  - _Requirements: {}1.1-1.1000_\n",
        "1.1, ".repeat(200_000)
    );
    let spec = timed("a line of 200,000 references", || {
        let mut s = FeatureSpec::default();
        s.add(read(FileKind::Tasks, &line).unwrap());
        s.add(read(FileKind::Requirements, &req).unwrap());
        s
    });
    timed("the rules over it", || check_feature(&spec, Some(&req)));

    // Long runs of one character through every reader.
    for c in [
        "#",
        "*",
        "_",
        "-",
        "1.",
        "WHEN ",
        "Property ",
        "[",
        "\n",
        "`",
    ] {
        let text = c.repeat(200_000);
        timed(&format!("200,000 × {c:?}"), || {
            for &k in KINDS {
                let _ = read(k, &text);
            }
            let _ = steering::parse(&text);
        });
    }
}
