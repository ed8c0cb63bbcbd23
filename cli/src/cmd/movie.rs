//! `tetris-nes movie FILE.fm2 [--checks CHECKS.json] [--trace OUT.jsonl]`: plays an FCEUX movie
//! on NES Tetris from power-on; with `--checks`, checks the RAM facts of the entry of that
//! file whose `file` is a suffix of FILE's path, prints each with pass/fail, and exits 1 if
//! any fails.

use crate::CliError;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tetris_env::checks::{evaluate, parse_checks, Expect, MovieChecks};
use tetris_env::movie::{play, Movie};
use tetris_env::{Info, Rom};

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
    /// The Tetris ROM [default: $TETRIS_ROM, else roms/Tetris.nes].
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

/// Loads the ROM of `--rom` or the default place.
pub fn load_rom(path: Option<&Path>) -> Result<Rom, CliError> {
    let path = path.map_or_else(Rom::default_path, Path::to_path_buf);
    Rom::from_file(&path).map_err(|e| CliError::Other(e.to_string()))
}

pub fn run(args: &MovieArgs) -> Result<ExitCode, CliError> {
    let text = String::from_utf8_lossy(&super::read_file(&args.file)?).into_owned();
    let movie = Movie::parse(&text)
        .map_err(|e| CliError::Other(format!("{}: {e}", args.file.display())))?;
    let entry = match &args.checks {
        Some(p) => Some(find_entry(p, &args.file)?),
        None => None,
    };
    let rom = load_rom(args.rom.as_deref())?;
    let checks: Vec<(usize, &Expect)> = match &entry {
        Some(e) => e
            .checks
            .iter()
            .map(|(k, v)| {
                usize::try_from(*k).map(|f| (f, v)).map_err(|_| {
                    CliError::Other(format!("checks for {}: frame {k} is not a number", e.file))
                })
            })
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    let last_check = checks.iter().map(|(f, _)| *f).max().unwrap_or(0);
    let frames = movie.frames.len().max(last_check);

    let mut trace = match &args.trace {
        Some(p) => Some(std::io::BufWriter::new(std::fs::File::create(p).map_err(
            |source| CliError::Io {
                path: p.clone(),
                source,
            },
        )?)),
        None => None,
    };
    let mut results: Vec<(usize, &Expect, Vec<String>)> = Vec::new();
    let mut io_error = None;
    play(rom.cart(), &movie, frames, |n, nes| {
        for (_, expect) in checks.iter().filter(|(f, _)| *f == n) {
            results.push((n, expect, evaluate(expect, nes.ram())));
        }
        if let (Some(w), None) = (trace.as_mut(), &io_error) {
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
            }
        }
    })
    .map_err(|e| CliError::Other(format!("emulator stopped: {e}")))?;
    if let Some(w) = trace.as_mut() {
        if let Err(e) = w.flush() {
            io_error.get_or_insert(e);
        }
    }
    if let (Some(source), Some(path)) = (io_error, &args.trace) {
        return Err(CliError::Io {
            path: path.clone(),
            source,
        });
    }
    println!("{}: {frames} frames played", args.file.display());
    let Some(entry) = &entry else {
        return Ok(ExitCode::SUCCESS);
    };
    let mut failed = 0;
    for (frame, expect, failures) in &results {
        let what = describe(expect);
        if failures.is_empty() {
            println!("pass  frame {frame:>6}  {what}");
        } else {
            failed += 1;
            println!("FAIL  frame {frame:>6}  {what}: {}", failures.join("; "));
        }
    }
    println!(
        "{}: {} of {} checks passed",
        entry.file,
        results.len() - failed,
        results.len()
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The entry of `checks_path` whose `file` is a suffix (by path components) of `movie`.
fn find_entry(checks_path: &Path, movie: &Path) -> Result<MovieChecks, CliError> {
    let text = String::from_utf8_lossy(&super::read_file(checks_path)?).into_owned();
    let all = parse_checks(&text)
        .map_err(|e| CliError::Other(format!("{}: {e}", checks_path.display())))?;
    all.into_iter()
        .filter(|e| movie.ends_with(&e.file))
        .max_by_key(|e| e.file.len())
        .ok_or_else(|| {
            CliError::Other(format!(
                "{}: no entry whose file is a suffix of {}",
                checks_path.display(),
                movie.display()
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
