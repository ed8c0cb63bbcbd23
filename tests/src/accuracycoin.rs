//! AccuracyCoin (100thCoin's accuracy test cartridge): its catalogue of tests, read from the
//! ROM itself, and a run of every test with each verdict read from RAM.
//!
//! The ROM keeps its menu as data: at `$8100` a table of page pointers (`TableTable`), each
//! page a `$FF`-terminated title followed by entries `name, $FF, result address (word), test
//! address (word)` and a final `$FF`. [`catalogue`] reads that table, so the names and result
//! addresses come from the ROM, not from a copy here. Like the ROM's own summary, entries that
//! store their result in page 3 (the "Power On State" page, which only draws information)
//! are not tests.
//!
//! [`run`] powers the console on, waits for the main menu, presses Start with the cursor on
//! the page index (the ROM's "run every test" command), waits until the ROM has run them all
//! and drawn its summary table, and reads each result byte: bit 0 set means pass (the bits
//! above it then name which of several accepted behaviours was seen, 0 for the usual one),
//! otherwise the byte is the error code × 4 (error codes as in the ROM's README), `$FF` a
//! skipped test and `$00` a test that never ran. The ROM's own tally of passes is checked
//! against the results read here.

use crate::testrom::{Outcome, Status};
use nes::{Cart, Nes};

/// Where the page table starts (`TableTable` in `AccuracyCoin.asm`).
const TABLE: u16 = 0x8100;
/// RAM the ROM uses to say how far it has got (names as in `AccuracyCoin.asm`).
const DEBUG_EC: usize = 0xEC;
const RUNNING_ALL_TESTS: usize = 0x35;
const POST_ALL_TEST_TALLY: usize = 0x37;
const POST_ALL_PASS_TALLY: usize = 0x38;
/// `Debug_EC` once the main menu runs (the value it reaches before the idle loop).
const MENU_READY: u8 = 0x0A;

/// One test of the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Test {
    /// The menu page (1-based, as the ROM numbers them).
    pub page: usize,
    /// The page's title.
    pub page_title: String,
    /// The test's name as the menu shows it.
    pub name: String,
    /// The RAM address of its result byte.
    pub result_addr: u16,
}

/// A test's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestResult {
    pub test: Test,
    /// The result byte as the ROM left it.
    pub raw: u8,
    pub status: Status,
    /// "PASS", "PASS (behaviour 2)", "FAIL 7", "skipped" or "not run".
    pub message: String,
}

/// The error or behaviour code as the ROM prints it: 0–9, then A–Z.
fn code_char(code: u8) -> char {
    match code {
        0..=9 => char::from(b'0' + code),
        10..=35 => char::from(b'A' + code - 10),
        _ => '?',
    }
}

impl TestResult {
    /// Decodes a result byte.
    #[must_use]
    pub fn new(test: Test, raw: u8) -> TestResult {
        let (status, message) = match raw {
            0x00 => (Status::Fail, "not run".to_string()),
            0xFF => (Status::Fail, "skipped".to_string()),
            r if r & 1 == 1 && r >> 2 == 0 => (Status::Pass, "PASS".to_string()),
            r if r & 1 == 1 => (
                Status::Pass,
                format!("PASS (behaviour {})", code_char(r >> 2)),
            ),
            r => (Status::Fail, format!("FAIL {}", code_char(r >> 2))),
        };
        TestResult {
            test,
            raw,
            status,
            message,
        }
    }
}

/// The CPU address `addr` ($8000–$FFFF) in an NROM image's PRG ROM.
fn prg_byte(rom: &[u8], addr: u16) -> Option<u8> {
    let prg_len = usize::from(*rom.get(4)?) * 0x4000;
    if prg_len == 0 || addr < 0x8000 {
        return None;
    }
    let trainer = if rom.get(6)? & 4 != 0 { 512 } else { 0 };
    rom.get(16 + trainer + (usize::from(addr - 0x8000) % prg_len))
        .copied()
}

fn prg_word(rom: &[u8], addr: u16) -> Option<u16> {
    Some(u16::from_le_bytes([
        prg_byte(rom, addr)?,
        prg_byte(rom, addr.checked_add(1)?)?,
    ]))
}

/// A `$FF`-terminated menu string at `*addr` (printable ASCII only), moving `*addr` past it.
fn menu_string(rom: &[u8], addr: &mut u16) -> Option<String> {
    let mut s = String::new();
    loop {
        let b = prg_byte(rom, *addr)?;
        *addr = addr.checked_add(1)?;
        match b {
            0xFF => return (!s.is_empty()).then_some(s),
            0x20..=0x7E if s.len() < 64 => s.push(char::from(b)),
            _ => return None,
        }
    }
}

/// The tests of an AccuracyCoin ROM, read from its menu table; `None` if `rom` is not an
/// NROM image with that table (so any other ROM is told apart).
#[must_use]
pub fn catalogue(rom: &[u8]) -> Option<Vec<Test>> {
    if rom.get(..4)? != b"NES\x1A" || (rom.get(6)? >> 4) | (rom.get(7)? & 0xF0) != 0 {
        return None;
    }
    // The page pointers run up to the first page, which follows the table directly.
    let first = prg_word(rom, TABLE)?;
    if first <= TABLE || (first - TABLE) % 2 != 0 || first - TABLE > 128 {
        return None;
    }
    let pages = usize::from((first - TABLE) / 2);
    let mut tests = Vec::new();
    for page in 0..pages {
        let mut at = prg_word(rom, TABLE + 2 * page as u16)?;
        if at < 0x8000 {
            return None;
        }
        let title = menu_string(rom, &mut at)?;
        while prg_byte(rom, at)? != 0xFF {
            let name = menu_string(rom, &mut at)?;
            let result_addr = prg_word(rom, at)?;
            let _code = prg_word(rom, at.checked_add(2)?)?;
            at = at.checked_add(4)?;
            if result_addr >= 0x800 {
                return None;
            }
            // Page 3 holds the "DRAW" entries, which the ROM leaves out of its tally.
            if result_addr >> 8 != 3 {
                tests.push(Test {
                    page: page + 1,
                    page_title: title.clone(),
                    name,
                    result_addr,
                });
            }
        }
    }
    (tests.len() >= 100).then_some(tests)
}

/// Frames AccuracyCoin may take: about 7,000 to run everything here, with margin.
pub const FRAME_BUDGET: u64 = 12_000;

/// Runs every test of an AccuracyCoin ROM and reads the verdicts (in menu order). `Err` with
/// a failed [`Outcome`] when the run itself goes wrong: not AccuracyCoin, a CPU jam, no
/// menu or no summary within `max_frames`, or a tally that disagrees with the results.
pub fn run(rom: &[u8], max_frames: u64) -> Result<Vec<TestResult>, Outcome> {
    run_with(rom, max_frames, |_| {})
}

/// [`run`] on a console that `setup` has configured after power-on (e.g. with its fast paths
/// off, to check that they change no verdict).
pub fn run_with(
    rom: &[u8],
    max_frames: u64,
    setup: impl FnOnce(&mut Nes),
) -> Result<Vec<TestResult>, Outcome> {
    let fail = |message: String, frames: u64| Outcome {
        status: Status::Fail,
        message,
        frames,
    };
    let tests = catalogue(rom).ok_or_else(|| fail("not an AccuracyCoin ROM".into(), 0))?;
    let cart = Cart::from_bytes(rom).map_err(|e| Outcome {
        status: Status::Unsupported,
        message: e.to_string(),
        frames: 0,
    })?;
    let mut nes = Nes::new(cart);
    nes.set_headless(true);
    setup(&mut nes);
    let mut frame = 0u64;
    let step = |nes: &mut Nes, frame: &mut u64| -> Result<(), Outcome> {
        *frame += 1;
        if *frame > max_frames {
            return Err(fail(
                format!("no summary after {max_frames} frames"),
                max_frames,
            ));
        }
        nes.run_frame()
            .map_err(|e| fail(format!("{e} (frame {frame})"), *frame))
    };
    // The menu: wait for its idle loop, then a few frames so its NMI handler is running.
    while nes.ram()[DEBUG_EC] < MENU_READY {
        step(&mut nes, &mut frame)?;
    }
    for _ in 0..10 {
        step(&mut nes, &mut frame)?;
    }
    // Start on the page index (where the cursor rests): run every test in the ROM.
    nes.set_buttons(0, nes::Buttons::START);
    for _ in 0..3 {
        step(&mut nes, &mut frame)?;
    }
    nes.set_buttons(0, nes::Buttons::NONE);
    while nes.ram()[RUNNING_ALL_TESTS] == 0 {
        step(&mut nes, &mut frame)?;
    }
    while nes.ram()[RUNNING_ALL_TESTS] != 0 {
        step(&mut nes, &mut frame)?;
    }
    // The summary table is drawn in the frames after the last test.
    let count = u8::try_from(tests.len()).unwrap_or(u8::MAX);
    while nes.ram()[POST_ALL_TEST_TALLY] != count {
        step(&mut nes, &mut frame)?;
    }
    for _ in 0..10 {
        step(&mut nes, &mut frame)?;
    }
    let results: Vec<TestResult> = tests
        .into_iter()
        .map(|t| {
            let raw = nes.ram()[usize::from(t.result_addr)];
            TestResult::new(t, raw)
        })
        .collect();
    let passed = results.iter().filter(|r| r.status == Status::Pass).count();
    let tally = usize::from(nes.ram()[POST_ALL_PASS_TALLY]);
    if passed != tally {
        return Err(fail(
            format!("the ROM counts {tally} passes, its result bytes {passed}"),
            frame,
        ));
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> Test {
        Test {
            page: 1,
            page_title: "P".into(),
            name: "N".into(),
            result_addr: 0x400,
        }
    }

    #[test]
    fn result_bytes() {
        let m = |raw| TestResult::new(t(), raw);
        assert_eq!(
            (m(0x01).status, m(0x01).message.as_str()),
            (Status::Pass, "PASS")
        );
        assert_eq!(m(0x05).message, "PASS (behaviour 1)");
        assert_eq!(m(0x09).message, "PASS (behaviour 2)");
        assert_eq!(
            (m(0x1C).status, m(0x1C).message.as_str()),
            (Status::Fail, "FAIL 7")
        );
        assert_eq!(m(0x38).message, "FAIL E");
        assert_eq!(m(21 << 2).message, "FAIL L");
        assert_eq!(m(0xFF).message, "skipped");
        assert_eq!(m(0x00).message, "not run");
    }

    #[test]
    fn other_roms_have_no_catalogue() {
        assert_eq!(catalogue(b"NES\x1A"), None);
        let mut rom = vec![0u8; 16 + 0x8000 + 0x2000];
        rom[..4].copy_from_slice(b"NES\x1A");
        rom[4] = 2;
        rom[5] = 1;
        assert_eq!(catalogue(&rom), None);
    }
}
