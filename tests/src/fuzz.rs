//! The bodies of the fuzz targets (`fuzz/fuzz_targets/*.rs`, run with cargo-fuzz on nightly),
//! kept here so that stable `cargo test` runs the same code over the small corpus committed
//! in `fuzz/corpus/` (`tests/tests/fuzz_corpus.rs`). Each takes arbitrary bytes and panics
//! only on a real finding: a panic, overflow or hang inside the code under test, or a broken
//! property stated below. See `docs/reliability.md` for what was run and found.
//!
//! - [`ines`]: any file through the iNES parser; a cartridge it accepts powers on and runs.
//! - [`fm2`]: any text through the FCEUX movie parser.
//! - [`checks`]: any text through the `checks.json` parser; what it accepts has no frame 0,
//!   no empty entry and no fact-less check.
//! - [`save_state`]: a real save state (of [`synthetic_rom`], which exercises every chip),
//!   mutated byte by byte, truncated, with or without its checksum resealed; whatever
//!   loads runs without panicking, and the state it then saves loads again.
//! - [`cpu`]: any bytes as the program of a cartridge, run with every exact shortcut on and
//!   off (idle and fill loops, whole OAM DMA, catch-up-free mapper writes); the two consoles
//!   must end in the same state.

use nes::{Cart, Nes};
use std::sync::OnceLock;

/// Instructions a target runs at most (keeps each input well under a second).
const MAX_STEPS: u32 = 60_000;

/// An iNES file: the parser never panics; a cartridge it accepts powers on and runs a while.
pub fn ines(data: &[u8]) {
    let Ok(cart) = Cart::from_bytes(data) else {
        return;
    };
    let mut nes = Nes::new(cart);
    nes.set_headless(false);
    run(&mut nes, 2);
}

/// An fm2 movie: the parser never panics, and what it accepts has input records.
pub fn fm2(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(movie) = tetris_env::movie::Movie::parse(&text) {
        assert!(!movie.frames.is_empty(), "an accepted movie has records");
        let _ = movie.frame(movie.frames.len() + 1);
    }
}

/// A checks.json: the parser never panics; what it accepts has no frame 0, no empty entry and
/// no check without facts, and its frames are bounded against a movie without overflow.
pub fn checks(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(all) = tetris_env::checks::parse_checks(&text) {
        for entry in &all {
            assert!(!entry.checks.is_empty(), "an accepted entry has checks");
            assert!(!entry.checks.contains_key(&0), "frames count from 1");
            for expect in entry.checks.values() {
                assert_ne!(
                    *expect,
                    tetris_env::checks::Expect::default(),
                    "a check has facts"
                );
            }
            let _ = entry.check_frames(u64::MAX);
            let _ = entry.check_frames(0);
        }
    }
}

/// Runs `frames` frames (at most [`MAX_STEPS`] instructions); a CPU jam ends it.
fn run(nes: &mut Nes, frames: u32) {
    let mut steps = 0;
    for _ in 0..frames {
        let start = nes.frame_count();
        while nes.frame_count() == start {
            if nes.step().is_err() || steps >= MAX_STEPS {
                return;
            }
            steps += 1;
        }
    }
}

/// A small MMC1 cartridge whose program keeps every chip busy: NMI and rendering on, all
/// five sound channels on (a looping DMC sample), `$4017` flipping between its modes, an
/// OAM DMA and a `$2002` read every loop, and serial writes to an MMC1 register. Made in
/// code: no ROM data is stored.
#[must_use]
pub fn synthetic_rom() -> Vec<u8> {
    #[rustfmt::skip]
    let program: &[u8] = &[
        0x78, 0xA2, 0xFF, 0x9A,             // SEI; LDX #$FF; TXS
        0xA9, 0x80, 0x8D, 0x00, 0x20,       // LDA #$80; STA $2000  (NMI on)
        0xA9, 0x1E, 0x8D, 0x01, 0x20,       // LDA #$1E; STA $2001  (rendering on)
        0xA9, 0x4F, 0x8D, 0x10, 0x40,       // LDA #$4F; STA $4010  (DMC loop, rate 15)
        0xA9, 0x00, 0x8D, 0x12, 0x40,       // LDA #$00; STA $4012  (sample at $C000)
        0xA9, 0x01, 0x8D, 0x13, 0x40,       // LDA #$01; STA $4013  (17 bytes)
        0xA9, 0x1F, 0x8D, 0x15, 0x40,       // LDA #$1F; STA $4015  (all channels)
        0xA9, 0xBF, 0x8D, 0x00, 0x40,       // LDA #$BF; STA $4000
        0xA9, 0x08, 0x8D, 0x03, 0x40,       // LDA #$08; STA $4003
        0x8D, 0x0F, 0x40, 0x8D, 0x0B, 0x40, // STA $400F; STA $400B
        // loop ($8032):
        0xE6, 0x10, 0xA5, 0x10,             // INC $10; LDA $10
        0x8D, 0x11, 0x40,                   // STA $4011
        0x29, 0x80, 0x8D, 0x17, 0x40,       // AND #$80; STA $4017
        0xA9, 0x02, 0x8D, 0x14, 0x40,       // LDA #$02; STA $4014  (OAM DMA)
        0xAD, 0x02, 0x20,                   // LDA $2002
        0xA5, 0x10, 0x8D, 0x00, 0xA0,       // LDA $10; STA $A000   (MMC1 serial)
        0x4C, 0x32, 0x80,                   // JMP $8032
        // NMI ($804E):
        0xE6, 0x11, 0x40,                   // INC $11; RTI
    ];
    let mut bank = vec![0xEA; 0x4000];
    bank[..program.len()].copy_from_slice(program);
    bank[0x3FFA..].copy_from_slice(&[0x4E, 0x80, 0x00, 0x80, 0x50, 0x80]);
    let mut rom = b"NES\x1a\x02\x01\x10\x00\0\0\0\0\0\0\0\0".to_vec();
    rom.extend_from_slice(&bank);
    rom.extend_from_slice(&bank);
    rom.extend((0..0x2000u32).map(|i| (i.wrapping_mul(37) >> 3) as u8));
    rom
}

/// The console of [`synthetic_rom`] a few frames and a few hundred instructions in, and its
/// save state.
fn base_state() -> &'static (Nes, Vec<u8>) {
    static BASE: OnceLock<(Nes, Vec<u8>)> = OnceLock::new();
    BASE.get_or_init(|| {
        let cart = Cart::from_bytes(&synthetic_rom()).expect("the synthetic ROM loads");
        let mut nes = Nes::new(cart);
        nes.set_headless(true);
        run(&mut nes, 5);
        for _ in 0..333 {
            nes.step().expect("the synthetic program does not jam");
        }
        let state = nes.save_state();
        (nes, state)
    })
}

/// Rewrites a console save state's payload checksum (header bytes 26–29).
pub fn reseal(state: &mut [u8]) {
    if state.len() >= nes::savestate::HEADER_LEN {
        let crc = crc32(&state[nes::savestate::HEADER_LEN..]);
        state[26..30].copy_from_slice(&crc.to_le_bytes());
    }
}

/// CRC-32 (IEEE), bit by bit.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// `data` as edits of a real save state: byte 0's bit 0 reseals the checksum (an edit on
/// purpose, which the field checks must catch) and bit 1 cuts the state to the length in
/// bytes 1–2; then each 3 bytes are an offset (u16 LE, wrapped to the length) and a byte to
/// XOR there. Whatever loads must run, and the state it saves must load again.
pub fn save_state(data: &[u8]) {
    let (base, state) = base_state();
    let mut bytes = state.clone();
    let flags = data.first().copied().unwrap_or(0);
    let mut rest = data.get(1..).unwrap_or(&[]);
    if flags & 2 != 0 && rest.len() >= 2 {
        let len = usize::from(u16::from_le_bytes([rest[0], rest[1]]));
        bytes.truncate(len);
        rest = &rest[2..];
    }
    for edit in rest.chunks_exact(3) {
        if bytes.is_empty() {
            break;
        }
        let at = usize::from(u16::from_le_bytes([edit[0], edit[1]])) % bytes.len();
        bytes[at] ^= edit[2];
    }
    if flags & 1 != 0 {
        reseal(&mut bytes);
    }
    let mut nes = base.clone();
    if nes.load_state(&bytes).is_err() {
        assert!(
            nes.save_state() == *state,
            "a refused state changed the console"
        );
        return;
    }
    run(&mut nes, 2);
    let again = nes.save_state();
    let mut fresh = base.clone();
    if let Err(e) = fresh.load_state(&again) {
        panic!("a state saved after loading an accepted state is refused: {e}");
    }
}

/// `data` as a program at $8000 of a 32 KiB NROM cartridge with CHR RAM (NOPs after it, all
/// vectors at $8000 unless the program reaches them), run with the exact shortcuts on and
/// off: both consoles must end in the same state.
pub fn cpu(data: &[u8]) {
    let mut prg = vec![0xEA; 0x8000];
    let n = data.len().min(prg.len());
    prg[..n].copy_from_slice(&data[..n]);
    if n < 0x7FFA {
        prg[0x7FFA..].copy_from_slice(&[0x00, 0x80, 0x00, 0x80, 0x00, 0x80]);
    }
    let mut rom = b"NES\x1a\x02\x00\x00\x00\0\0\0\0\0\0\0\0".to_vec();
    rom.extend_from_slice(&prg);
    let cart = Cart::from_bytes(&rom).expect("an NROM image loads");
    let mut fast = Nes::new(cart.clone());
    let mut exact = Nes::new(cart);
    exact.set_fast_paths(nes::FastPaths::NONE);
    for nes in [&mut fast, &mut exact] {
        for _ in 0..2 {
            if nes.run_frame().is_err() {
                break;
            }
        }
        // A jam ends `run_frame` before it brings the chips up to date: the PPU's and APU's
        // clocks may lag by different amounts in the two runs (the shortcuts skip catch-ups
        // nothing observes). Compare what is observable: every chip at the present.
        nes.bus_mut().sync();
    }
    let (a, b) = (normalized(&fast), normalized(&exact));
    assert!(
        a == b,
        "the exact shortcuts changed the outcome (cycles {} vs {})",
        fast.cycles(),
        exact.cycles()
    );
}

/// A console's state with derived caches cleared (a save and a load rebuild them).
fn normalized(nes: &Nes) -> Vec<u8> {
    let mut c = nes.clone();
    c.load_state(&nes.save_state())
        .expect("a console's own state loads");
    c.save_state()
}
