//! `tetris-nes movie FILE.fm2 [--checks CHECKS.json] [--trace OUT.jsonl]`: plays an FCEUX movie
//! on NES Tetris from power-on; with `--checks`, checks the RAM facts of the entry of that
//! file whose `file` is a suffix of FILE's path, prints each with pass/fail, and exits 1 if
//! any fails.
//!
//! Checks more than `tetris_env::checks::MAX_FRAMES_PAST_END` frames past the movie's end
//! are an error (bounded work). The trace is written whole (see [`crate::output`]) and is
//! never one of the inputs; Ctrl-C stops after a whole frame: the trace so far is kept,
//! what was played is reported, exit 130.

use crate::error::{path, CliError, CHECK_FAILED, INTERRUPTED};
use crate::output::{outln, AtomicFile, Stdout};
use serde::Serialize;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tetris_env::checks::{evaluate, parse_checks, Expect, MovieChecks};
use tetris_env::movie::{play_until, Movie};
use tetris_env::Info;

#[derive(Debug, clap::Args)]
pub struct MovieArgs {
    /// The .fm2 movie (text form).
    file: PathBuf,
    /// A checks.json; the entry whose `file` is a suffix of FILE's path is checked.
    #[arg(long)]
    checks: Option<PathBuf>,
    /// Write one JSON line per frame: frame, controller 1 byte (nes-py bit order) and the
    /// game's decoded state.
    #[arg(long)]
    trace: Option<PathBuf>,
    /// The Tetris ROM [default: $TETRIS_ROM, else ./roms/Tetris.nes, else
    /// ../../roms/Tetris.nes next to the executable].
    #[arg(long)]
    rom: Option<PathBuf>,
}

#[derive(Serialize)]
struct FrameLine<'a> {
    frame: usize,
    pad: u8,
    #[serde(flatten)]
    info: &'a Info,
}

pub fn run(args: &MovieArgs) -> Result<ExitCode, CliError> {
    let text = crate::rom_path::read_text(&args.file, "movie")?;
    let movie =
        Movie::parse(&text).map_err(|e| CliError::Other(format!("{}: {e}", path(&args.file))))?;
    let entry = match &args.checks {
        Some(p) => Some(find_entry(p, &args.file)?),
        None => None,
    };
    if let (Some(e), Some(checks)) = (&entry, &args.checks) {
        e.check_frames(movie.frames.len() as u64)
            .map_err(|m| CliError::Other(format!("{}: {m}", path(checks))))?;
    }
    let (rom, rom_path) = crate::rom_path::load_tetris(args.rom.as_deref())?;
    let checks: Vec<(usize, &Expect)> = entry
        .iter()
        .flat_map(|e| e.checks.iter())
        .map(|(k, v)| (usize::try_from(*k).unwrap_or(usize::MAX), v))
        .collect();
    let last_check = checks.iter().map(|(f, _)| *f).max().unwrap_or(0);
    let frames = movie.frames.len().max(last_check);

    let mut inputs: Vec<&Path> = vec![&args.file, &rom_path];
    if let Some(c) = &args.checks {
        inputs.push(c);
    }
    let mut trace = match &args.trace {
        Some(p) => Some(AtomicFile::create(p, &inputs)?),
        None => None,
    };
    crate::interrupt::install();
    let mut results: Vec<(usize, &Expect, Vec<String>)> = Vec::new();
    let mut io_error = None;
    let played = play_until(rom.cart(), &movie, frames, |n, nes| {
        for (_, expect) in checks.iter().filter(|(f, _)| *f == n) {
            results.push((n, expect, evaluate(expect, nes.ram())));
        }
        if let Some(w) = trace.as_mut() {
            let line = FrameLine {
                frame: n,
                pad: movie.frame(n).pads[0].to_nes_py(),
                info: &Info::from_ram(nes.ram()),
            };
            let r = serde_json::to_writer(&mut *w, &line)
                .map_err(std::io::Error::from)
                .and_then(|()| w.write_all(b"\n"));
            if let Err(e) = r {
                io_error = Some(e);
                return ControlFlow::Break(());
            }
        }
        if crate::interrupt::interrupted() {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    })
    .map_err(|e| CliError::Other(format!("emulator stopped: {e}")))?;
    if let (Some(source), Some(p)) = (io_error, &args.trace) {
        return Err(CliError::Io {
            path: p.clone(),
            source,
        });
    }
    if let Some(w) = trace {
        w.commit()?;
    }
    let mut out = Stdout::new();
    if crate::interrupt::interrupted() {
        outln!(
            out,
            "{}: interrupted after {played} of {frames} frames",
            path(&args.file)
        )?;
        out.finish()?;
        return Ok(ExitCode::from(INTERRUPTED));
    }
    outln!(out, "{}: {frames} frames played", path(&args.file))?;
    let Some(entry) = &entry else {
        out.finish()?;
        return Ok(ExitCode::SUCCESS);
    };
    let mut failed = 0;
    for (frame, expect, failures) in &results {
        let what = describe(expect);
        if failures.is_empty() {
            outln!(out, "pass  frame {frame:>6}  {what}")?;
        } else {
            failed += 1;
            outln!(
                out,
                "FAIL  frame {frame:>6}  {what}: {}",
                failures.join("; ")
            )?;
        }
    }
    outln!(
        out,
        "{}: {} of {} checks passed",
        tetris_env::error::excerpt(&entry.file),
        results.len() - failed,
        results.len()
    )?;
    out.finish()?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(CHECK_FAILED)
    })
}

/// The entry of `checks_path` whose `file` is a suffix (by path components) of `movie`.
fn find_entry(checks_path: &Path, movie: &Path) -> Result<MovieChecks, CliError> {
    let text = crate::rom_path::read_text(checks_path, "checks file")?;
    let all =
        parse_checks(&text).map_err(|e| CliError::Other(format!("{}: {e}", path(checks_path))))?;
    all.into_iter()
        .filter(|e| movie.ends_with(&e.file))
        .max_by_key(|e| e.file.len())
        .ok_or_else(|| {
            CliError::Other(format!(
                "{}: no entry whose file is a suffix of {}",
                path(checks_path),
                path(movie)
            ))
        })
}

/// The facts of one check, e.g. `score=18442 line_count=3`.
fn describe(e: &Expect) -> String {
    let mut parts = Vec::new();
    if let Some(m) = e.menu_mode {
        parts.push(format!("menu_mode={m:?}"));
    }
    if let Some(b) = e.is_gameplay_state {
        parts.push(format!("is_gameplay_state={b}"));
    }
    if let Some(s) = e.score {
        parts.push(format!("score={s}"));
    }
    if let Some(l) = e.line_count {
        parts.push(format!("line_count={l}"));
    }
    if let Some(d) = e.dead {
        parts.push(format!("dead={d}"));
    }
    parts.join(" ")
}
