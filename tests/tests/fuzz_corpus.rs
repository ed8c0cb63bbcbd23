//! The fuzz targets' regression test on stable: every input of `fuzz/corpus/TARGET/` (small
//! seeds and every input a fuzzing run found interesting enough to keep, crashes once fixed
//! included) through the same body cargo-fuzz runs (`conformance::fuzz`). Bounded: each
//! input runs a few frames at most. See docs/reliability.md.

use std::path::PathBuf;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.expect("corpus entry").path();
            let bytes = std::fs::read(&path).expect("read corpus input");
            (path, bytes)
        })
        .collect();
    out.sort();
    assert!(
        out.len() >= 5,
        "{}: a corpus of at least 5 inputs",
        dir.display()
    );
    out
}

fn run(target: &str, body: fn(&[u8])) {
    for (path, bytes) in corpus(target) {
        let r = std::panic::catch_unwind(|| body(&bytes));
        assert!(r.is_ok(), "{target}: {} fails", path.display());
    }
}

#[test]
fn ines_corpus() {
    run("ines", conformance::fuzz::ines);
}

#[test]
fn fm2_corpus() {
    run("fm2", conformance::fuzz::fm2);
}

#[test]
fn checks_corpus() {
    run("checks", conformance::fuzz::checks);
}

#[test]
fn save_state_corpus() {
    run("save_state", conformance::fuzz::save_state);
}

#[test]
fn cpu_corpus() {
    run("cpu", conformance::fuzz::cpu);
}
