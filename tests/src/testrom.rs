//! Running a test ROM and reading its verdict.

use nes::{Cart, FastPaths, Nes, NesError};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// A test ROM's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    /// The ROM needs something this emulator does not have (e.g. a mapper).
    Unsupported,
    /// The ROM finished, but its result is for a person to see or hear (blargg's ROMs that
    /// end without "Passed", such as the APU mixer tests): not a pass.
    Manual,
}

/// What running a ROM gave: the verdict and the ROM's own words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub status: Status,
    pub message: String,
    /// Frames emulated before the verdict.
    #[serde(skip)]
    pub frames: u64,
}

/// How long a ROM may run.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Frames (1/60 s) before giving up.
    pub max_frames: u64,
    /// Frames the nametable text must stay unchanged before it is taken as final.
    pub stable_frames: u64,
}

impl Default for Limits {
    fn default() -> Self {
        // cpu_timing_test6 needs ~16 s, all_instrs about 40 s.
        Limits {
            max_frames: 60 * 120,
            stable_frames: 90,
        }
    }
}

/// Frame budgets of the ROMs known to need more than [`Limits::default`]: the end of the
/// ROM's path (file name, or parent folder and file name) and its budget.
const SLOW_ROMS: &[(&str, u64)] = &[
    // AccuracyCoin runs all its tests in ~7,000 frames (see `accuracycoin`).
    ("AccuracyCoin.nes", crate::accuracycoin::FRAME_BUDGET),
];

impl Limits {
    /// The limits for the ROM at `path`: the default, or a longer budget for a ROM known to
    /// be slow (`SLOW_ROMS`: AccuracyCoin).
    #[must_use]
    pub fn for_rom(path: &Path) -> Limits {
        let file = path.file_name().map(|f| f.to_string_lossy().into_owned());
        let dir = path
            .parent()
            .and_then(Path::file_name)
            .map(|d| d.to_string_lossy().into_owned());
        let tail = match (&dir, &file) {
            (Some(d), Some(f)) => format!("{d}/{f}"),
            _ => String::new(),
        };
        let budget = SLOW_ROMS
            .iter()
            .find(|(suffix, _)| tail == *suffix || file.as_deref() == Some(*suffix))
            .map(|&(_, frames)| frames);
        Limits {
            max_frames: budget.unwrap_or(Limits::default().max_frames),
            ..Limits::default()
        }
    }
}

const SIGNATURE: [u8; 3] = [0xDE, 0xB0, 0x61];
/// Frames to hold off before pressing reset when a ROM asks ($81): blargg asks for at
/// least 100 ms.
const RESET_DELAY_FRAMES: u64 = 8;

/// Runs `rom` from power-on and reads its verdict.
#[must_use]
pub fn run_test_rom(rom: &[u8], limits: Limits) -> Outcome {
    run_test_rom_with(rom, limits, FastPaths::ALL).0
}

/// [`run_test_rom`] with the console's exact shortcuts set to `paths`; also returns the
/// console as the verdict left it (`None` if the ROM did not load), so that runs with
/// different shortcuts can be compared.
#[must_use]
pub fn run_test_rom_with(rom: &[u8], limits: Limits, paths: FastPaths) -> (Outcome, Option<Nes>) {
    let cart = match Cart::from_bytes(rom) {
        Ok(c) => c,
        Err(e) => {
            let outcome = Outcome {
                status: Status::Unsupported,
                message: e.to_string(),
                frames: 0,
            };
            return (outcome, None);
        }
    };
    let mut nes = Nes::new(cart);
    nes.set_fast_paths(paths);
    let outcome = run_loaded(&mut nes, limits);
    (outcome, Some(nes))
}

fn run_loaded(nes: &mut Nes, limits: Limits) -> Outcome {
    let mut reset = ResetRequest::default();
    let mut start_pressed = false;
    let mut last_text = String::new();
    let mut text_since = 0u64;
    for frame in 1..=limits.max_frames {
        if let Err(NesError::Jammed(j)) = nes.run_frame() {
            let text = screen_text(nes);
            return Outcome {
                status: Status::Fail,
                message: format!("{j}; screen: {}", one_line(&text)),
                frames: frame,
            };
        }
        if has_signature(nes) {
            match nes.peek(0x6000) {
                0x80 => reset.clear(),
                0x81 => reset.asked(frame, nes),
                code => {
                    let text = text_at_6004(nes);
                    // Code 0 without "Passed": a test to watch or listen to (blargg: "only
                    // a test which prints 'done' at the end requires that you watch/listen").
                    let status = if code != 0 {
                        Status::Fail
                    } else if text.to_ascii_lowercase().contains("pass") {
                        Status::Pass
                    } else {
                        Status::Manual
                    };
                    let message = match status {
                        Status::Pass => one_line(&text),
                        Status::Manual => format!("to watch or listen to: {}", one_line(&text)),
                        _ => format!("result {code}: {}", one_line(&text)),
                    };
                    return Outcome {
                        status,
                        message,
                        frames: frame,
                    };
                }
            }
            continue;
        }
        // No $6000 protocol (yet): watch the screen.
        if frame % 10 == 0 {
            let text = screen_text(nes);
            if text != last_text {
                last_text = text;
                text_since = frame;
                reset.clear();
            } else if frame - text_since >= limits.stable_frames {
                let lower = last_text.to_ascii_lowercase();
                if lower.contains("press reset") {
                    reset.asked(frame, nes);
                } else if !start_pressed && lower.contains("start:") {
                    // A menu that runs its tests on Start (nestest's "Start: run test").
                    press_start(nes);
                    start_pressed = true;
                } else if let Some(outcome) = start_pressed
                    .then(|| menu_verdict(&last_text, frame))
                    .flatten()
                    .or_else(|| screen_verdict(&last_text, frame))
                {
                    return outcome;
                }
            }
        }
    }
    let text = if has_signature(nes) {
        text_at_6004(nes)
    } else {
        screen_text(nes)
    };
    // A screen that stopped changing long ago: the ROM has finished without a verdict this
    // runner can read (rather than still running).
    let finished = !has_signature(nes)
        && !last_text.is_empty()
        && limits.max_frames - text_since >= limits.stable_frames;
    let message = if finished {
        format!(
            "finished without a verdict (screen unchanged since frame {text_since}): {}",
            one_line(&text)
        )
    } else {
        format!(
            "no result after {} frames; shows: {}",
            limits.max_frames,
            one_line(&text)
        )
    };
    Outcome {
        status: Status::Fail,
        message,
        frames: limits.max_frames,
    }
}

/// A ROM's request to press reset: pressed once, [`RESET_DELAY_FRAMES`] after it was first
/// seen, and not again until the ROM has stopped asking.
#[derive(Debug, Default)]
struct ResetRequest {
    since: Option<u64>,
    pressed: bool,
}

impl ResetRequest {
    fn asked(&mut self, frame: u64, nes: &mut Nes) {
        let since = *self.since.get_or_insert(frame);
        if !self.pressed && frame >= since + RESET_DELAY_FRAMES {
            nes.reset();
            self.pressed = true;
        }
    }

    fn clear(&mut self) {
        *self = ResetRequest::default();
    }
}

/// The verdict of a test menu after Start ran its tests (nestest): every line that names a
/// test must read "OK" (a failing test shows its error code instead).
fn menu_verdict(text: &str, frames: u64) -> Option<Outcome> {
    let tests: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.to_ascii_lowercase().contains("tests") && !l.contains(':'))
        .collect();
    if tests.is_empty() {
        return None;
    }
    let failed: Vec<&str> = tests
        .iter()
        .copied()
        .filter(|l| !l.trim_start_matches('*').trim_start().starts_with("OK"))
        .collect();
    let (status, message) = if failed.is_empty() {
        (Status::Pass, format!("{} test groups OK", tests.len()))
    } else {
        (Status::Fail, format!("not OK: {}", failed.join("; ")))
    };
    Some(Outcome {
        status,
        message,
        frames,
    })
}

/// Holds Start on controller 1 for a few frames, then releases it.
fn press_start(nes: &mut Nes) {
    nes.set_buttons(0, nes::Buttons::START);
    for _ in 0..4 {
        if nes.run_frame().is_err() {
            break;
        }
    }
    nes.set_buttons(0, nes::Buttons::NONE);
}

fn has_signature(nes: &Nes) -> bool {
    (0..3).all(|i| nes.peek(0x6001 + i) == SIGNATURE[usize::from(i)])
}

fn text_at_6004(nes: &Nes) -> String {
    let mut s = String::new();
    for addr in 0x6004u16..0x7000 {
        let b = nes.peek(addr);
        if b == 0 {
            break;
        }
        s.push(if b.is_ascii_graphic() || b == b' ' || b == b'\n' {
            char::from(b)
        } else {
            '?'
        });
    }
    s
}

/// The text of the first nametable ($2000), row by row, tiles read as ASCII (the font of
/// blargg's ROMs puts each character at its ASCII code); trailing blanks trimmed.
#[must_use]
pub fn screen_text(nes: &Nes) -> String {
    let bus = nes.bus();
    let mut lines = Vec::new();
    for row in 0..30u16 {
        let mut line = String::new();
        for col in 0..32u16 {
            let tile = bus
                .ppu()
                .peek_vram(0x2000 + row * 32 + col, bus.cartridge());
            line.push(if (0x20..0x7F).contains(&tile) {
                char::from(tile)
            } else {
                ' '
            });
        }
        lines.push(line.trim_end().to_string());
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n").trim_start_matches('\n').to_string()
}

/// CRCs that blargg's ROMs which print nothing but a CRC document as correct output (in their
/// source's "Output:" comment; several per ROM, one per CPU/PPU alignment):
/// dmc_dma_during_read4's dma_2007_read and double_2007_read.
const DOCUMENTED_CRCS: &[&str] = &[
    "159A7A8F", "5E3DF9C4", // dma_2007_read
    "85CFD627", "F018C287", "440EF923", "E52F41A5", // double_2007_read
];

/// Reads a verdict from on-screen text:
/// - blargg's multi-test shells: "All tests complete" after the list of tests run, a test's
///   name followed by the lines of what failed in it;
/// - "passed" / "failed" (also in fonts whose capitals sit 32 tiles low, where "PASSED"
///   shows as "0ASSED");
/// - a 2005-style result code such as "$01" (1 = all passed);
/// - a last line that is only a CRC (8 hex digits): pass if it is one of the
///   [`DOCUMENTED_CRCS`], fail otherwise.
fn screen_verdict(text: &str, frames: u64) -> Option<Outcome> {
    let lower = text.to_ascii_lowercase();
    let message = one_line(text);
    if lower.contains("all tests complete") {
        return Some(all_tests_complete(text, frames));
    }
    if ["fail", "ailed", "error"].iter().any(|w| lower.contains(w)) {
        return Some(Outcome {
            status: Status::Fail,
            message,
            frames,
        });
    }
    if ["pass", "assed"].iter().any(|w| lower.contains(w)) {
        return Some(Outcome {
            status: Status::Pass,
            message,
            frames,
        });
    }
    let crc = text
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .filter(|l| l.len() == 8 && l.chars().all(|c| c.is_ascii_hexdigit()));
    if let Some(crc) = crc {
        let known = DOCUMENTED_CRCS.contains(&crc.to_ascii_uppercase().as_str());
        return Some(Outcome {
            status: if known { Status::Pass } else { Status::Fail },
            message: if known {
                format!("CRC {crc} is a documented output: {message}")
            } else {
                format!("CRC {crc} is not a documented output: {message}")
            },
            frames,
        });
    }
    let code = text.split_whitespace().find_map(|w| {
        let hex = w.strip_prefix('$')?;
        (hex.len() == 2)
            .then(|| u8::from_str_radix(hex, 16).ok())
            .flatten()
    })?;
    let status = if code == 1 {
        Status::Pass
    } else {
        Status::Fail
    };
    Some(Outcome {
        status,
        message: format!("result ${code:02X}: {message}"),
        frames,
    })
}

/// The verdict of a blargg multi-test screen that ends "All tests complete": the list of tests
/// run sits between two dashed lines, one "NN-name" line per test, each followed by what
/// failed in it (e.g. an opcode and its name); any line that is not a test name is a failure.
fn all_tests_complete(text: &str, frames: u64) -> Outcome {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let dashes: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].len() >= 8 && lines[i].chars().all(|c| c == '-'))
        .collect();
    let listed = match dashes.as_slice() {
        [first, .., last] => &lines[first + 1..*last],
        _ => &lines[..],
    };
    let is_name = |l: &str| {
        let b = l.as_bytes();
        b.len() > 3 && b[0].is_ascii_digit() && b[1].is_ascii_digit() && b[2] == b'-'
    };
    let tests = listed.iter().filter(|l| is_name(l)).count();
    let failed: Vec<&str> = listed
        .iter()
        .copied()
        .filter(|l| !l.is_empty() && !is_name(l) && !l.to_ascii_lowercase().contains("complete"))
        .collect();
    if failed.is_empty() && tests > 0 {
        Outcome {
            status: Status::Pass,
            message: format!("all tests complete, {tests} tests, no failure listed"),
            frames,
        }
    } else {
        Outcome {
            status: Status::Fail,
            message: format!("failures listed: {}", failed.join("; ")),
            frames,
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The test-ROM folder: `$NES_TEST_ROMS`, else `../shared/test-roms` from the workspace root.
#[must_use]
pub fn find_test_roms() -> PathBuf {
    if let Some(dir) = std::env::var_os("NES_TEST_ROMS") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/test-roms")
}

/// The AccuracyCoin ROM: `$NES_ACCURACYCOIN`, else `../shared/accuracycoin/AccuracyCoin.nes`
/// from the workspace root.
#[must_use]
pub fn find_accuracycoin() -> PathBuf {
    if let Some(path) = std::env::var_os("NES_ACCURACYCOIN") {
        return PathBuf::from(path);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/accuracycoin/AccuracyCoin.nes")
}

/// The NES Tetris ROM for tests: `$TETRIS_ROM`, else `roms/Tetris.nes` in the workspace (where
/// `scripts/fetch-rom.sh` puts it); missing, it fails under `CI=true` and is skipped loudly
/// elsewhere (see [`require_data`]).
#[must_use]
pub fn tetris_rom() -> Option<PathBuf> {
    let path = std::env::var_os("TETRIS_ROM").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../roms/Tetris.nes"),
        PathBuf::from,
    );
    require_data(&path, "run scripts/fetch-rom.sh or set TETRIS_ROM")
}

/// Finds a piece of test data. Present: `Some(path)`. Missing: under `CI=true` this panics
/// (CI must have every ROM); elsewhere it prints a loud SKIP line on the real stderr (past the
/// test harness's capture) and returns `None`.
#[must_use]
pub fn require_data(path: &std::path::Path, hint: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path.to_path_buf());
    }
    let msg = format!("test data missing: {} ({hint})", path.display());
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "\n*** SKIP: {msg} ***\n");
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screen_verdicts() {
        let v = |t: &str| screen_verdict(t, 0).map(|o| o.status);
        assert_eq!(v("Sprite hit\nPASSED"), Some(Status::Pass));
        assert_eq!(v("FAILED: #3"), Some(Status::Fail));
        assert_eq!(v("$01"), Some(Status::Pass));
        assert_eq!(v("$04"), Some(Status::Fail));
        assert_eq!(v("running..."), None);
        assert_eq!(v("4%34 CPU\n0ASSED"), Some(Status::Pass));
        assert_eq!(
            v("Doesn't time the 8 branches and 12 illegal instructions"),
            None
        );
        // blargg's 2005 multi-test shell.
        let run = "Running tests...\n----------\n01-implied\n02-immediate\n----------\n";
        assert_eq!(v(&format!("{run}All tests complete")), Some(Status::Pass));
        let failing = "Running tests...\n----------\n01-implied\n6B ARR #n\n----------\n";
        assert_eq!(
            v(&format!("{failing}All tests complete")),
            Some(Status::Fail)
        );
        // A documented CRC (dma_2007_read), and one that is not.
        assert_eq!(v("11 22\n44 55\n5E3DF9C4"), Some(Status::Pass));
        assert_eq!(v("11 22\n33 44\nD84F6815"), Some(Status::Fail));
    }

    #[test]
    fn slow_roms_get_their_budget() {
        let default = Limits::default().max_frames;
        assert_eq!(Limits::for_rom(Path::new("a/b/c.nes")).max_frames, default);
        assert!(
            Limits::for_rom(Path::new("../shared/accuracycoin/AccuracyCoin.nes")).max_frames
                > default
        );
    }
}
