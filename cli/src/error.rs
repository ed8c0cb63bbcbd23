//! The CLI's one error type and exit codes: every command returns `Result<ExitCode, CliError>`,
//! and `main` turns an error into one line on stderr (`tetris-nes: …`, control characters
//! escaped, cut to [`MAX_LINE`] characters) and exit code 2, except a closed stdout pipe,
//! which ends the program quietly (see [`crate::output`]).
//!
//! For new commands: `?` converts [`tetris_env::EnvError`] (`From`), use [`CliError::io`]
//! for a file's I/O error, [`path`] to quote a path in a message, and
//! [`tetris_env::error::excerpt`] to quote a piece of input. Exit codes are 0 (success),
//! [`CHECK_FAILED`], [`ERROR`] and [`INTERRUPTED`] (documented in docs/cli.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Ran, and some check failed (`conformance`, `movie --checks`).
pub const CHECK_FAILED: u8 = 1;
/// An error: bad input, an I/O failure, a console that stopped (CPU jam), no display.
pub const ERROR: u8 = 2;
/// Stopped by Ctrl-C (SIGINT) after reporting what was done (128 + SIGINT, as shells do).
pub const INTERRUPTED: u8 = 130;

/// Longest error line printed, in characters.
pub const MAX_LINE: usize = 400;

/// Characters of a path quoted in a message.
const PATH_CHARS: usize = 160;

/// An error that ends the program with exit code 2 (or quietly, for a closed pipe).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{}: {source}", path_display(.path))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path_display(.path))]
    Rom {
        path: PathBuf,
        source: nes::CartError,
    },
    /// The reader of stdout went away (`| head`): not an error, the program just stops.
    #[error("stdout: broken pipe")]
    BrokenPipe,
    #[error("{0}")]
    Other(String),
}

impl CliError {
    /// An I/O error on `path`.
    pub fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CliError + '_ {
        move |source| CliError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl From<tetris_env::EnvError> for CliError {
    fn from(e: tetris_env::EnvError) -> CliError {
        CliError::Other(e.to_string())
    }
}

fn path_display(p: &Path) -> String {
    path(p)
}

/// A path quoted for a message: escaped (a newline in a file name cannot split the line) and
/// cut.
#[must_use]
pub fn path(p: &Path) -> String {
    tetris_env::error::excerpt_n(&p.to_string_lossy(), PATH_CHARS)
}

/// `message` as one line of at most [`MAX_LINE`] characters: control characters escaped.
#[must_use]
pub fn one_line(message: &str) -> String {
    let mut out = String::new();
    for (i, c) in message.chars().enumerate() {
        if i == MAX_LINE {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// What `main` does with a command's result: the exit code, after printing an error line.
#[must_use]
pub fn finish(result: Result<ExitCode, CliError>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(CliError::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e.to_string());
            ExitCode::from(ERROR)
        }
    }
}

/// Prints `tetris-nes: MESSAGE` as one line on stderr (a failing stderr is ignored: there
/// is nowhere left to report to).
pub fn report(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "tetris-nes: {}", one_line(message));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_short_line() {
        let m = one_line(&format!("a\nb{}", "x".repeat(10_000)));
        assert!(!m.contains('\n') && m.starts_with("a\\nb"));
        assert!(m.chars().count() <= MAX_LINE + 4);
        let p = path(Path::new("dir/new\nline.fm2"));
        assert_eq!(p, r#""dir/new\nline.fm2""#);
    }
}
