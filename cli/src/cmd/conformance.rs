//! `tetris-nes conformance DIR [--json]`: runs every test ROM under DIR through the same runner
//! as the test suite and prints one verdict per ROM and a total. The walk follows links to
//! folders but enters each folder once (a link loop ends there) and goes at most
//! [`MAX_DEPTH`] folders deep.

use crate::error::path as quoted;
use crate::output::{outln, Stdout};
use crate::CliError;
use conformance::{run_test_rom, Limits, Status};
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ConformanceArgs {
    /// Folder searched recursively for .nes files.
    dir: PathBuf,
    /// Print a JSON array of {"rom", "status", "message"} instead of a table.
    #[arg(long)]
    json: bool,
    /// Give up on a ROM after this many frames.
    #[arg(long, default_value_t = Limits::default().max_frames)]
    max_frames: u64,
}

/// Deepest folder nesting searched below DIR.
pub const MAX_DEPTH: usize = 32;

#[derive(Debug, Serialize)]
struct Row {
    rom: String,
    status: Status,
    message: String,
}

pub fn run(args: &ConformanceArgs) -> Result<ExitCode, CliError> {
    let mut roms = Vec::new();
    collect_roms(&args.dir, 0, &mut HashSet::new(), &mut roms)?;
    if roms.is_empty() {
        return Err(CliError::Other(format!(
            "{}: no .nes files found",
            quoted(&args.dir)
        )));
    }
    let mut out = Stdout::new();
    roms.sort();
    let limits = Limits {
        max_frames: args.max_frames,
        ..Limits::default()
    };
    let mut rows = Vec::new();
    for path in &roms {
        let bytes = crate::rom_path::read_input(path, crate::rom_path::MAX_ROM_BYTES, "NES ROM")?;
        let result = run_test_rom(&bytes, limits);
        let rom = path
            .strip_prefix(&args.dir)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        if !args.json {
            let status = match result.status {
                Status::Pass => "pass",
                Status::Fail => "FAIL",
                Status::Unsupported => "unsupported",
            };
            outln!(
                out,
                "{status:<11} {}  {}",
                quoted(Path::new(&rom)),
                result.message
            )?;
        }
        rows.push(Row {
            rom,
            status: result.status,
            message: result.message,
        });
    }
    let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
    let (pass, fail, unsupported) = (
        count(Status::Pass),
        count(Status::Fail),
        count(Status::Unsupported),
    );
    if args.json {
        let json =
            serde_json::to_string_pretty(&rows).map_err(|e| CliError::Other(e.to_string()))?;
        outln!(out, "{json}")?;
    } else {
        outln!(
            out,
            "{pass} passed, {fail} failed, {unsupported} unsupported ({} ROMs)",
            rows.len()
        )?;
    }
    out.finish()?;
    Ok(if fail > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The .nes files under `dir`, entering each folder (by its real path) once.
fn collect_roms(
    dir: &Path,
    depth: usize,
    seen: &mut HashSet<PathBuf>,
    out: &mut Vec<PathBuf>,
) -> Result<(), CliError> {
    let real = std::fs::canonicalize(dir).map_err(CliError::io(dir))?;
    if !seen.insert(real) || depth > MAX_DEPTH {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(CliError::io(dir))?;
    for entry in entries {
        let path = entry
            .map_err(|source| CliError::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .path();
        if path.is_dir() {
            collect_roms(&path, depth + 1, seen, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("nes"))
        {
            out.push(path);
        }
    }
    Ok(())
}
