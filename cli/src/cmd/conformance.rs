//! `tetris-nes conformance DIR [--json]`: runs every test ROM under DIR through the same runner
//! as the test suite and prints one verdict per ROM and a total.

use crate::CliError;
use conformance::{run_test_rom, Limits, Status};
use serde::Serialize;
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

#[derive(Debug, Serialize)]
struct Row {
    rom: String,
    status: Status,
    message: String,
}

pub fn run(args: &ConformanceArgs) -> Result<ExitCode, CliError> {
    let mut roms = Vec::new();
    collect_roms(&args.dir, &mut roms)?;
    if roms.is_empty() {
        return Err(CliError::Other(format!(
            "{}: no .nes files found",
            args.dir.display()
        )));
    }
    roms.sort();
    let limits = Limits {
        max_frames: args.max_frames,
        ..Limits::default()
    };
    let mut rows = Vec::new();
    for path in &roms {
        let bytes = super::read_file(path)?;
        let out = run_test_rom(&bytes, limits);
        let rom = path
            .strip_prefix(&args.dir)
            .unwrap_or(path)
            .display()
            .to_string();
        if !args.json {
            let status = match out.status {
                Status::Pass => "pass",
                Status::Fail => "FAIL",
                Status::Unsupported => "unsupported",
            };
            println!("{status:<11} {rom}  {}", out.message);
        }
        rows.push(Row {
            rom,
            status: out.status,
            message: out.message,
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
        println!("{json}");
    } else {
        println!(
            "{pass} passed, {fail} failed, {unsupported} unsupported ({} ROMs)",
            rows.len()
        );
    }
    Ok(if fail > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn collect_roms(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CliError> {
    let entries = std::fs::read_dir(dir).map_err(|source| CliError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let path = entry
            .map_err(|source| CliError::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .path();
        if path.is_dir() {
            collect_roms(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("nes"))
        {
            out.push(path);
        }
    }
    Ok(())
}
