//! A training run's folder: `checkpoint.json` (the run's settings, search and record: what
//! `--resume` reads), `events.jsonl` (one event per iteration, then the closing event),
//! `curve.png` (lines per game by iteration) and `policy.json` (the search's current mean;
//! after the final evaluation, the trained policy).
//!
//! The checkpoint is the truth: it is written first, and the other three are derived from
//! it, so a run stopped at any point resumes from its last complete iteration and rewrites
//! them. Every file is written whole or not at all (a temporary file beside it, renamed
//! into place).

use crate::error::path;
use crate::output::AtomicFile;
use crate::CliError;
use std::io::Write;
use std::path::{Path, PathBuf};
use tetris_train::{Checkpoint, Policy, RunState};

/// The files of a run folder.
pub const CHECKPOINT: &str = "checkpoint.json";
pub const EVENTS: &str = "events.jsonl";
pub const CURVE: &str = "curve.png";
pub const POLICY: &str = "policy.json";

/// A run folder.
#[derive(Clone, Debug)]
pub struct RunDir {
    pub dir: PathBuf,
}

impl RunDir {
    #[must_use]
    pub fn new(dir: &Path) -> RunDir {
        RunDir {
            dir: dir.to_path_buf(),
        }
    }

    /// The path of one of the run's files.
    #[must_use]
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The first of the run's files present in the folder, if any (a folder holding one
    /// holds a run, or what is left of one).
    #[must_use]
    pub fn existing_file(&self) -> Option<&'static str> {
        [CHECKPOINT, EVENTS, POLICY, CURVE]
            .into_iter()
            .find(|f| self.file(f).exists())
    }

    /// Reads and checks the run's checkpoint.
    pub fn load(&self) -> Result<RunState, CliError> {
        let file = self.file(CHECKPOINT);
        if !self.dir.is_dir() {
            return Err(CliError::Other(format!(
                "{}: no such folder",
                path(&self.dir)
            )));
        }
        if !file.exists() {
            return Err(CliError::Other(format!(
                "{} is not a training run (it has no {CHECKPOINT})",
                path(&self.dir)
            )));
        }
        let text = crate::rom_path::read_text(&file, "checkpoint")?;
        Checkpoint::from_json(&text).map_err(|e| CliError::Other(format!("{}: {e}", path(&file))))
    }

    /// Writes the run as it stands: the checkpoint, then the events, the policy and the
    /// curve. Returns whether the curve has text (false when no font was found).
    pub fn save(&self, state: &RunState, policy: &Policy, title: &str) -> Result<bool, CliError> {
        write_atomic(
            &self.file(CHECKPOINT),
            Checkpoint::to_json(state).as_bytes(),
        )?;
        write_atomic(&self.file(EVENTS), state.events_jsonl().as_bytes())?;
        write_atomic(&self.file(POLICY), policy.to_json().as_bytes())?;
        let curve = tetris_train::curve::render(&state.history, state.final_eval.as_ref(), title)
            .map_err(|e| CliError::Other(e.to_string()))?;
        write_atomic(&self.file(CURVE), &curve.png)?;
        Ok(curve.text)
    }
}

/// Writes `bytes` to `file` whole or not at all ([`AtomicFile`]).
pub fn write_atomic(file: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut f = AtomicFile::create(file, &[])?;
    f.write_all(bytes).map_err(CliError::io(file))?;
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_whole_files() {
        let dir = std::env::temp_dir().join(format!("tetris-nes-rundir-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.txt");
        write_atomic(&p, b"first").unwrap();
        write_atomic(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        // A folder that does not exist: an error, nothing left behind.
        assert!(write_atomic(&dir.join("no/such/file"), b"x").is_err());
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
