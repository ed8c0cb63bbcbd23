//! Shared by the CPU ROM tests: where the test ROMs live and how a missing ROM is reported.

use std::path::{Path, PathBuf};

/// `NES_TEST_ROMS`, else the first `shared/test-roms` found above the workspace root
/// (`/work/shared/test-roms` both from the main checkout and from a worktree under it).
pub fn test_roms_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("NES_TEST_ROMS") {
        return Some(PathBuf::from(dir));
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    workspace
        .parent()?
        .ancestors()
        .map(|dir| dir.join("shared").join("test-roms"))
        .find(|dir| dir.is_dir())
}

/// Reads `relative` under the test ROM directory. A missing file fails the test under
/// `CI=true` and is otherwise skipped with a loud message (`None`).
pub fn read_test_file(relative: &str) -> Option<Vec<u8>> {
    let dir = test_roms_dir().unwrap_or_else(|| PathBuf::from("<no shared/test-roms found>"));
    let path = dir.join(relative);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(err) => {
            let msg = format!("{}: {err} (set NES_TEST_ROMS)", path.display());
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
            eprintln!("\n*** SKIPPED: {msg} ***\n");
            None
        }
    }
}
