//! The CLI's one output path: stdout that is pipe-aware, and files written whole or not at all.
//!
//! - [`Stdout`]: buffered stdout for a command's report. Write with [`outln!`]; a write error
//!   is a [`CliError`]: a closed pipe (`… | head -1`) is [`CliError::BrokenPipe`], which ends
//!   the program at once and quietly (exit 0), anything else (`> /dev/full`) one line and
//!   exit 2. Call [`Stdout::finish`] at the end (it flushes). Never use `println!` in a
//!   command: it panics on these errors.
//! - [`AtomicFile`]: an output file written to a temporary file beside it and renamed into
//!   place by [`AtomicFile::commit`]; dropped uncommitted (an error half-way), the temporary
//!   is removed and an existing file at the path is untouched. Creating one checks that the
//!   output is none of the command's inputs ([`check_not_input`]): same path, a link to it,
//!   or the same file under another name is an error. An output that exists and is not a
//!   regular file (`/dev/null`, `/dev/stdout`, a FIFO) is written directly.

use crate::error::{path, CliError};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes a line to a [`Stdout`] (like `writeln!`), returning `Result<(), CliError>`.
macro_rules! outln {
    ($out:expr) => { $out.line(format_args!("")) };
    ($out:expr, $($arg:tt)*) => { $out.line(format_args!($($arg)*)) };
}
pub(crate) use outln;

/// Buffered, pipe-aware stdout (see the module docs).
#[derive(Debug)]
pub struct Stdout {
    w: BufWriter<std::io::Stdout>,
}

impl Default for Stdout {
    fn default() -> Self {
        Stdout::new()
    }
}

impl Stdout {
    #[must_use]
    pub fn new() -> Stdout {
        Stdout {
            w: BufWriter::new(std::io::stdout()),
        }
    }

    /// Writes one line.
    pub fn line(&mut self, args: std::fmt::Arguments<'_>) -> Result<(), CliError> {
        self.w
            .write_fmt(args)
            .and_then(|()| self.w.write_all(b"\n"))
            .map_err(stdout_error)
    }

    /// Writes `value` as one line of JSON (`--json` output); `what` names it in the error
    /// if it cannot be serialized.
    pub fn json_line(&mut self, what: &str, value: &impl serde::Serialize) -> Result<(), CliError> {
        let json =
            serde_json::to_string(value).map_err(|e| CliError::Other(format!("{what}: {e}")))?;
        self.line(format_args!("{json}"))
    }

    /// Writes the buffered lines now (before a long pause, so a reader sees them).
    pub fn flush(&mut self) -> Result<(), CliError> {
        self.w.flush().map_err(stdout_error)
    }

    /// Flushes; the command's output is complete.
    pub fn finish(mut self) -> Result<(), CliError> {
        self.flush()
    }
}

/// A stdout write error as the CLI's error.
#[must_use]
pub fn stdout_error(e: std::io::Error) -> CliError {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        CliError::BrokenPipe
    } else {
        CliError::Io {
            path: PathBuf::from("stdout"),
            source: e,
        }
    }
}

/// Whether `a` and `b` name the same file (both must exist), by device and inode.
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// An error if `output` is one of `inputs` (the same path, or the same existing file under
/// another name or through a link).
pub fn check_not_input(output: &Path, inputs: &[&Path]) -> Result<(), CliError> {
    for input in inputs {
        if output == *input || same_file(output, input) {
            return Err(CliError::Other(format!(
                "the output {} is also an input: refusing to overwrite it",
                path(output)
            )));
        }
    }
    Ok(())
}

/// An output file written whole or not at all (see the module docs).
#[derive(Debug)]
pub struct AtomicFile {
    /// Where the file goes when committed.
    target: PathBuf,
    /// The temporary file, or `None` when writing straight to a device or FIFO.
    temp: Option<PathBuf>,
    w: BufWriter<File>,
    committed: bool,
}

impl AtomicFile {
    /// Starts writing `output`, after checking it is none of `inputs`.
    pub fn create(output: &Path, inputs: &[&Path]) -> Result<AtomicFile, CliError> {
        check_not_input(output, inputs)?;
        // Write through a link to its target: the rename then replaces the file, not the link.
        let target = match std::fs::canonicalize(output) {
            Ok(real) => real,
            Err(_) => output.to_path_buf(),
        };
        if let Ok(meta) = std::fs::metadata(&target) {
            if !meta.is_file() {
                if meta.is_dir() {
                    return Err(CliError::Other(format!("{}: is a directory", path(output))));
                }
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&target)
                    .map_err(CliError::io(output))?;
                return Ok(AtomicFile {
                    target,
                    temp: None,
                    w: BufWriter::new(file),
                    committed: false,
                });
            }
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let mut n = 0u32;
        loop {
            let temp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)
            {
                Ok(file) => {
                    return Ok(AtomicFile {
                        target,
                        temp: Some(temp),
                        w: BufWriter::new(file),
                        committed: false,
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => return Err(CliError::io(output)(e)),
            }
        }
    }

    /// Flushes and moves the file into place.
    pub fn commit(mut self) -> Result<(), CliError> {
        let target = self.target.clone();
        self.w.flush().map_err(CliError::io(&target))?;
        if let Some(temp) = &self.temp {
            self.w.get_ref().sync_all().map_err(CliError::io(&target))?;
            std::fs::rename(temp, &target).map_err(CliError::io(&target))?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.w.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            if let Some(temp) = &self.temp {
                let _ = std::fs::remove_file(temp);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_whole_or_not_at_all() {
        let dir = std::env::temp_dir().join(format!("tetris-nes-output-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("out.txt");
        std::fs::write(&out, "old").unwrap();
        let mut f = AtomicFile::create(&out, &[]).unwrap();
        f.write_all(b"new, half").unwrap();
        drop(f);
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
        let mut f = AtomicFile::create(&out, &[]).unwrap();
        f.write_all(b"new").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "new");
        let leftovers = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file left");
        // An input, under its own name or another.
        assert!(AtomicFile::create(&out, &[&out]).is_err());
        let link = dir.join("link.txt");
        let _ = std::fs::remove_file(&link);
        std::fs::hard_link(&out, &link).unwrap();
        assert!(AtomicFile::create(&link, &[&out]).is_err());
        // A device is written directly.
        let mut null = AtomicFile::create(Path::new("/dev/null"), &[]).unwrap();
        null.write_all(b"x").unwrap();
        null.commit().unwrap();
    }
}
