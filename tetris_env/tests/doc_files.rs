//! Every Markdown page of the project (README.md and docs/**/*.md) is compiled as doctests by
//! `tetris_env::doc_files`, so its Rust examples run under `cargo test`; this checks that no
//! page is left out of that list and that no code fence is untagged (an untagged fence is
//! compiled as Rust: a shell line in one fails the doctests, so tag it `sh` or `text`).

use std::path::{Path, PathBuf};

fn pages(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            pages(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

#[test]
fn every_page_is_a_doctest_and_every_fence_is_tagged() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let lib = std::fs::read_to_string(root.join("tetris_env/src/lib.rs")).expect("lib.rs");
    let mut all = vec![root.join("README.md")];
    pages(&root.join("docs"), &mut all);
    assert!(all.len() > 5, "the docs are there: {all:?}");
    let mut problems = Vec::new();
    for page in &all {
        let rel = page
            .strip_prefix(&root)
            .expect("under the root")
            .to_string_lossy()
            .replace('\\', "/");
        if !lib.contains(&format!("include_str!(\"../../{rel}\")")) {
            problems.push(format!("{rel} is not in tetris_env::doc_files"));
        }
        let text = std::fs::read_to_string(page).expect("readable page");
        let mut inside = false;
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("```") {
                if !inside && line.trim() == "```" {
                    problems.push(format!("{rel}:{}: untagged code fence", n + 1));
                }
                inside = !inside;
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
