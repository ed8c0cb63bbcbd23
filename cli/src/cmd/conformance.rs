//! `tetris-nes conformance DIR [--json | --markdown]`: runs every test ROM under DIR through
//! the same runner as the test suite and prints one verdict per ROM and a total. AccuracyCoin
//! (recognised by its menu table) gives one verdict per test of its own. The walk follows
//! links to folders but enters each folder once (a link loop ends there) and goes at most
//! [`MAX_DEPTH`] folders deep.

use crate::error::path as quoted;
use crate::output::{outln, Stdout};
use crate::CliError;
use conformance::accuracycoin;
use conformance::{run_test_rom, Limits, Status};
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ConformanceArgs {
    /// Folder searched recursively for .nes files.
    dir: PathBuf,
    /// Print a JSON array of {"rom", "page"?, "test"?, "status", "message"} instead of a
    /// table ("page" and "test" for the tests of a multi-test ROM such as AccuracyCoin).
    #[arg(long, conflicts_with = "markdown")]
    json: bool,
    /// Print the verdicts as Markdown table rows (the format of docs/conformance.md).
    #[arg(long)]
    markdown: bool,
    /// Give up on a ROM after this many frames [default: 7200, more for ROMs known to be
    /// slow, such as AccuracyCoin's 12000].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_frames: Option<u64>,
}

/// Deepest folder nesting searched below DIR.
pub const MAX_DEPTH: usize = 32;

#[derive(Debug, Serialize)]
struct Row {
    rom: String,
    /// The menu page of a test inside a multi-test ROM.
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<usize>,
    /// The name of a test inside a multi-test ROM.
    #[serde(skip_serializing_if = "Option::is_none")]
    test: Option<String>,
    status: Status,
    message: String,
}

impl Row {
    fn status_word(&self) -> &'static str {
        match self.status {
            Status::Pass => "pass",
            Status::Fail => "FAIL",
            Status::Unsupported => "unsupported",
            Status::Manual => "manual",
        }
    }

    fn label(&self) -> String {
        match (&self.page, &self.test) {
            (Some(page), Some(test)) => {
                format!("{} page {page}: {test}", quoted(Path::new(&self.rom)))
            }
            _ => quoted(Path::new(&self.rom)),
        }
    }
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
    let mut rows = Vec::new();
    for path in &roms {
        let bytes = crate::rom_path::read_input(path, crate::rom_path::MAX_ROM_BYTES, "NES ROM")?;
        let rom = path
            .strip_prefix(&args.dir)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        let limits = Limits {
            max_frames: args
                .max_frames
                .unwrap_or_else(|| Limits::for_rom(path).max_frames),
            ..Limits::for_rom(path)
        };
        let first = rows.len();
        rom_rows(&bytes, &rom, limits, &mut rows);
        if !args.json && !args.markdown {
            for row in &rows[first..] {
                outln!(
                    out,
                    "{:<11} {}  {}",
                    row.status_word(),
                    row.label(),
                    row.message
                )?;
            }
        }
    }
    let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
    let (pass, fail, unsupported, manual) = (
        count(Status::Pass),
        count(Status::Fail),
        count(Status::Unsupported),
        count(Status::Manual),
    );
    if args.json {
        let json =
            serde_json::to_string_pretty(&rows).map_err(|e| CliError::Other(e.to_string()))?;
        outln!(out, "{json}")?;
    } else if args.markdown {
        for row in &rows {
            outln!(out, "{}", markdown_row(row))?;
        }
    } else {
        outln!(
            out,
            "{pass} passed, {fail} failed, {unsupported} unsupported, {manual} to watch or \
             listen to ({} verdicts from {} ROMs)",
            rows.len(),
            roms.len()
        )?;
    }
    out.finish()?;
    Ok(if fail > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The verdicts of one ROM: one row, or one per test for AccuracyCoin.
fn rom_rows(bytes: &[u8], rom: &str, limits: Limits, rows: &mut Vec<Row>) {
    if accuracycoin::catalogue(bytes).is_some() {
        match accuracycoin::run(bytes, limits.max_frames) {
            Ok(results) => rows.extend(results.into_iter().map(|r| Row {
                rom: rom.to_string(),
                page: Some(r.test.page),
                test: Some(r.test.name),
                status: r.status,
                message: r.message,
            })),
            Err(out) => rows.push(Row {
                rom: rom.to_string(),
                page: None,
                test: None,
                status: out.status,
                message: out.message,
            }),
        }
        return;
    }
    let out = run_test_rom(bytes, limits);
    rows.push(Row {
        rom: rom.to_string(),
        page: None,
        test: None,
        status: out.status,
        message: out.message,
    });
}

/// A Markdown table row: `| ROM | status | message |`, or `| page | test | status | message |`
/// for a test inside a multi-test ROM.
fn markdown_row(row: &Row) -> String {
    // Messages are cut at 110 characters, as the table in docs/conformance.md shows them.
    let cell = |s: &str| s.chars().take(110).collect::<String>().replace('|', "\\|");
    let status = match row.status {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Unsupported => "unsupported",
        Status::Manual => "manual",
    };
    match (&row.page, &row.test) {
        (Some(page), Some(test)) => format!(
            "| {page} | {} | {status} | {} |",
            cell(test),
            cell(&row.message)
        ),
        _ => format!(
            "| `{}` | {status} | {} |",
            cell(&row.rom),
            cell(&row.message)
        ),
    }
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
