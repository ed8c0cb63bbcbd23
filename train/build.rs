//! Records the commit of the code being built as `TETRIS_NES_COMMIT` (a policy and a
//! checkpoint say which code wrote them): `$TETRIS_NES_COMMIT` if set, else `git rev-parse
//! HEAD` with `-dirty` when tracked files differ from it, else `unknown`.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn main() {
    println!("cargo:rerun-if-env-changed=TETRIS_NES_COMMIT");
    let commit = std::env::var("TETRIS_NES_COMMIT").ok().unwrap_or_else(|| {
        match git(&["rev-parse", "HEAD"]) {
            Some(head) if !head.is_empty() => {
                let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
                    .is_some_and(|s| !s.is_empty());
                if dirty {
                    format!("{head}-dirty")
                } else {
                    head
                }
            }
            _ => "unknown".to_owned(),
        }
    });
    println!("cargo:rustc-env=TETRIS_NES_COMMIT={commit}");
    // Rerun when HEAD moves (a commit, a checkout) or the sources change (dirtiness).
    for what in ["HEAD", "index"] {
        if let Some(p) = git(&["rev-parse", "--git-path", what]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    if let Some(head_ref) = git(&["symbolic-ref", "-q", "HEAD"]) {
        if let Some(p) = git(&["rev-parse", "--git-path", &head_ref]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    for dir in ["../nes/src", "../tetris_env/src", "src", "../cli/src"] {
        if Path::new(dir).exists() {
            println!("cargo:rerun-if-changed={dir}");
        }
    }
}
