//! Every Markdown page of the project (README.md and docs/**/*.md) is compiled as doctests by
//! `tetris_env::doc_files`, so its Rust examples run under `cargo test`; this checks that no
//! page is left out of that list and that no code fence is untagged (an untagged fence is
//! compiled as Rust: a shell line in one fails the doctests, so tag it `sh` or `text`); and
//! that every relative link between the pages leads to a file, and its `#anchor` to a
//! heading of that page as GitHub names headings.

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

/// The lines of a Markdown page outside its code fences, with their numbers.
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut inside = false;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            inside = !inside;
        } else if !inside {
            out.push((n + 1, line));
        }
    }
    out
}

/// The anchors GitHub gives a page's headings: the heading's text (a link's text, a code
/// span's content) lowercased, spaces made hyphens, every other character but letters,
/// digits, `-` and `_` dropped; a repeated anchor gets `-1`, `-2`, ...
fn anchors(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, line) in prose_lines(text) {
        let Some(heading) = line.strip_prefix('#') else {
            continue;
        };
        let heading = heading.trim_start_matches('#').trim();
        let mut slug = String::new();
        let mut chars = heading.chars().peekable();
        while let Some(c) = chars.next() {
            if c == ']' && chars.peek() == Some(&'(') {
                // A link's target is not part of the anchor.
                for d in chars.by_ref() {
                    if d == ')' {
                        break;
                    }
                }
            } else if c.is_alphanumeric() || c == '-' || c == '_' {
                slug.extend(c.to_lowercase());
            } else if c == ' ' {
                slug.push('-');
            }
        }
        let base = slug.clone();
        let mut k = 0;
        while out.contains(&slug) {
            k += 1;
            slug = format!("{base}-{k}");
        }
        out.push(slug);
    }
    out
}

/// The targets of the inline links `[text](target)` on a line.
fn link_targets(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        let Some(end) = after.find(')') else { break };
        out.push(&after[..end]);
        rest = &after[end..];
    }
    out
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut all = vec![root.join("README.md")];
    pages(&root.join("docs"), &mut all);
    let mut problems = Vec::new();
    let mut checked = 0;
    for page in &all {
        let text = std::fs::read_to_string(page).expect("readable page");
        let dir = page.parent().expect("a page is in a folder");
        for (n, line) in prose_lines(&text) {
            for target in link_targets(line) {
                let target = target.split_whitespace().next().unwrap_or("");
                if target.contains("://") || target.starts_with("mailto:") || target.is_empty() {
                    continue;
                }
                let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
                let file = if path.is_empty() {
                    page.clone()
                } else {
                    dir.join(path)
                };
                let at = format!("{}:{n}: {target}", page.display());
                checked += 1;
                if !file.exists() {
                    problems.push(format!("{at}: no such file"));
                    continue;
                }
                if anchor.is_empty() || file.extension().is_none_or(|e| e != "md") {
                    continue;
                }
                let linked = std::fs::read_to_string(&file).expect("readable page");
                if !anchors(&linked).iter().any(|a| a == anchor) {
                    problems.push(format!("{at}: no heading with that anchor"));
                }
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} links found: the parser is broken"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn anchors_are_githubs() {
    let page = "# Top\n## Past the crash (`--avoid-crash`)\n```text\n# not a heading\n```\n\
                ## The [link](x.md) × 2\n## Top\n";
    assert_eq!(
        anchors(page),
        [
            "top",
            "past-the-crash---avoid-crash",
            "the-link--2",
            "top-1"
        ]
    );
}
