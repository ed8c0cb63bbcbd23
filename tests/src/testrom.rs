//! Running a test ROM and reading its verdict.

use nes::{Cart, FastPaths, Nes, NesError};
use serde::Serialize;
use std::path::PathBuf;

/// A test ROM's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    /// The ROM needs something this emulator does not have (e.g. a mapper).
    Unsupported,
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
                    let status = if code == 0 {
                        Status::Pass
                    } else {
                        Status::Fail
                    };
                    let message = if code == 0 {
                        one_line(&text)
                    } else {
                        format!("result {code}: {}", one_line(&text))
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
    Outcome {
        status: Status::Fail,
        message: format!(
            "no result after {} frames; shows: {}",
            limits.max_frames,
            one_line(&text)
        ),
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

/// Reads a verdict from on-screen text: "passed" / "failed" (also in fonts whose capitals sit
/// 32 tiles low, where "PASSED" shows as "0ASSED"), or a 2005-style result code such as "$01"
/// (1 = all passed).
fn screen_verdict(text: &str, frames: u64) -> Option<Outcome> {
    let lower = text.to_ascii_lowercase();
    let message = one_line(text);
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
    }
}
