//! blargg's APU test ROMs run through the whole console (`nes::Nes`), one test per ROM.
//!
//! Two result protocols:
//! - `apu_test` (2010), `apu_reset`, `cpu_interrupts_v2`: $6001–$6003 = DE B0 61 once the
//!   shell runs; $6000 = $80 while running, $81 when the reset button must be pressed (at
//!   least 100 ms later), else the result code (0 = passed); text at $6004.
//! - `blargg_apu_2005.07.30`: the result code is kept at $00F0 and only set to 1 when every
//!   sub-test passed (2 and up name the failing sub-test, see the ROMs' readme).
//!
//! ROMs are found under `$NES_TEST_ROMS` (default: the `shared/test-roms` above the
//! workspace, i.e. `/work/shared/test-roms`). A missing ROM fails under `CI=true` and is
//! skipped loudly otherwise (`tests/common`).
//! <https://github.com/christopherpow/nes-test-roms>

mod common;

use nes::{Cart, Nes};

/// CPU cycles per NTSC frame (rounded; only used to pace the checks).
const FRAME: u64 = 29_781;

#[derive(Clone, Copy, Debug)]
enum Protocol {
    /// Status at $6000, text at $6004.
    Status6000,
    /// Result code at $00F0, 1 = passed.
    ResultF0,
}

/// Loads a ROM into a fresh console; `None` (after a loud SKIP) if it is missing outside CI.
fn load(rel: &str) -> Option<Nes> {
    let mut bytes = common::read_test_file(rel)?;
    declare_prg_ram(&mut bytes);
    let cart = Cart::from_bytes(&bytes).unwrap_or_else(|e| panic!("{rel}: bad ROM: {e}"));
    let mut nes = Nes::new(cart);
    nes.set_headless(true);
    Some(nes)
}

/// blargg's ROMs are iNES 1.0 NROM images that write their report to $6000–$7FFF without
/// declaring PRG RAM (iNES 1.0 cannot tell "none" from "default"); the cartridge only maps
/// RAM there when the header declares it, so declare 8 KiB (byte 8 = 1).
fn declare_prg_ram(bytes: &mut [u8]) {
    let ines1 = bytes.len() > 16 && bytes[7] & 0x0C != 0x08;
    if ines1 && bytes[8] == 0 {
        bytes[8] = 1;
    }
}

fn text_at_6004(nes: &Nes) -> String {
    let mut s = String::new();
    for addr in 0x6004u16..0x6204 {
        let b = nes.peek(addr);
        if b == 0 {
            break;
        }
        if b == b'\n' || (0x20..0x7F).contains(&b) {
            s.push(char::from(b));
        }
    }
    s
}

fn run_frame(nes: &mut Nes) -> Result<(), String> {
    let target = nes.cycles() + FRAME;
    nes.run_until_cycle(target).map_err(|e| e.to_string())
}

fn run_status_6000(nes: &mut Nes, max_frames: u64) -> Result<(), String> {
    let mut reset_wait: Option<u64> = None;
    for frame in 0..max_frames {
        run_frame(nes)?;
        let signature = [nes.peek(0x6001), nes.peek(0x6002), nes.peek(0x6003)];
        if signature != [0xDE, 0xB0, 0x61] {
            continue;
        }
        match nes.peek(0x6000) {
            0x80 => reset_wait = None,
            0x81 => {
                // Hold off ~100 ms (6 frames), press reset once, then wait for the ROM.
                let since = *reset_wait.get_or_insert(frame);
                if frame == since + 6 {
                    nes.reset();
                }
            }
            0 => {
                eprintln!("{}", text_at_6004(nes).trim());
                return Ok(());
            }
            code => return Err(format!("result {code}: {}", text_at_6004(nes).trim())),
        }
    }
    Err(format!(
        "timed out after {max_frames} frames, $6000 = ${:02X}: {}",
        nes.peek(0x6000),
        text_at_6004(nes).trim()
    ))
}

fn run_result_f0(nes: &mut Nes, max_frames: u64) -> Result<(), String> {
    for _ in 0..max_frames {
        run_frame(nes)?;
        if nes.peek(0x00F0) == 1 {
            return Ok(());
        }
    }
    Err(format!(
        "result code ${:02X} at $00F0 after {max_frames} frames",
        nes.peek(0x00F0)
    ))
}

fn run(rel: &str, protocol: Protocol) {
    let Some(mut nes) = load(rel) else { return };
    let result = match protocol {
        Protocol::Status6000 => run_status_6000(&mut nes, 60 * 60),
        Protocol::ResultF0 => run_result_f0(&mut nes, 60 * 20),
    };
    if let Err(e) = result {
        panic!("{rel}: {e}");
    }
}

macro_rules! rom_tests {
    ($($name:ident: $path:literal, $protocol:ident;)*) => {
        $(
            #[test]
            fn $name() {
                run($path, Protocol::$protocol);
            }
        )*
    };
}

rom_tests! {
    apu_test_1_len_ctr: "apu_test/rom_singles/1-len_ctr.nes", Status6000;
    apu_test_2_len_table: "apu_test/rom_singles/2-len_table.nes", Status6000;
    apu_test_3_irq_flag: "apu_test/rom_singles/3-irq_flag.nes", Status6000;
    apu_test_4_jitter: "apu_test/rom_singles/4-jitter.nes", Status6000;
    apu_test_5_len_timing: "apu_test/rom_singles/5-len_timing.nes", Status6000;
    apu_test_6_irq_flag_timing: "apu_test/rom_singles/6-irq_flag_timing.nes", Status6000;
    apu_test_7_dmc_basics: "apu_test/rom_singles/7-dmc_basics.nes", Status6000;
    apu_test_8_dmc_rates: "apu_test/rom_singles/8-dmc_rates.nes", Status6000;
    apu_test_all: "apu_test/apu_test.nes", Status6000;

    apu_2005_01_len_ctr: "blargg_apu_2005.07.30/01.len_ctr.nes", ResultF0;
    apu_2005_02_len_table: "blargg_apu_2005.07.30/02.len_table.nes", ResultF0;
    apu_2005_03_irq_flag: "blargg_apu_2005.07.30/03.irq_flag.nes", ResultF0;
    apu_2005_04_clock_jitter: "blargg_apu_2005.07.30/04.clock_jitter.nes", ResultF0;
    apu_2005_05_len_timing_mode0: "blargg_apu_2005.07.30/05.len_timing_mode0.nes", ResultF0;
    apu_2005_06_len_timing_mode1: "blargg_apu_2005.07.30/06.len_timing_mode1.nes", ResultF0;
    apu_2005_07_irq_flag_timing: "blargg_apu_2005.07.30/07.irq_flag_timing.nes", ResultF0;
    apu_2005_08_irq_timing: "blargg_apu_2005.07.30/08.irq_timing.nes", ResultF0;
    apu_2005_09_reset_timing: "blargg_apu_2005.07.30/09.reset_timing.nes", ResultF0;
    apu_2005_10_len_halt_timing: "blargg_apu_2005.07.30/10.len_halt_timing.nes", ResultF0;
    apu_2005_11_len_reload_timing: "blargg_apu_2005.07.30/11.len_reload_timing.nes", ResultF0;

    apu_reset_4015_cleared: "apu_reset/4015_cleared.nes", Status6000;
    apu_reset_4017_timing: "apu_reset/4017_timing.nes", Status6000;
    apu_reset_4017_written: "apu_reset/4017_written.nes", Status6000;
    apu_reset_irq_flag_cleared: "apu_reset/irq_flag_cleared.nes", Status6000;
    apu_reset_len_ctrs_enabled: "apu_reset/len_ctrs_enabled.nes", Status6000;
    apu_reset_works_immediately: "apu_reset/works_immediately.nes", Status6000;

    cpu_interrupts_1_cli_latency: "cpu_interrupts_v2/rom_singles/1-cli_latency.nes", Status6000;
    cpu_interrupts_2_nmi_and_brk: "cpu_interrupts_v2/rom_singles/2-nmi_and_brk.nes", Status6000;
    cpu_interrupts_3_nmi_and_irq: "cpu_interrupts_v2/rom_singles/3-nmi_and_irq.nes", Status6000;
    cpu_interrupts_4_irq_and_dma: "cpu_interrupts_v2/rom_singles/4-irq_and_dma.nes", Status6000;
    cpu_interrupts_5_branch_delays_irq: "cpu_interrupts_v2/rom_singles/5-branch_delays_irq.nes", Status6000;
}

/// Audio on changes nothing the CPU sees (the ROM still passes), and the console hands out
/// 44.1 kHz samples at the right rate, bounded, with the ROM's result beeps in them.
#[test]
fn audio_output_through_the_console() {
    let Some(mut nes) = load("apu_test/rom_singles/1-len_ctr.nes") else {
        return;
    };
    nes.set_audio(Some(44_100));
    let mut samples = Vec::new();
    let mut chunk = Vec::new();
    let mut status = 0x80;
    let frames = 240;
    for _ in 0..frames {
        run_frame(&mut nes).expect("runs");
        nes.take_samples(&mut chunk);
        samples.append(&mut chunk);
        if nes.peek(0x6001) == 0xDE {
            status = nes.peek(0x6000);
        }
    }
    assert_eq!(status, 0, "{}", text_at_6004(&nes));
    let expected = frames as f64 * FRAME as f64 * 44_100.0 / 1_789_772.7;
    assert!(
        (samples.len() as f64 - expected).abs() < 2.0,
        "{} samples",
        samples.len()
    );
    assert!(samples.iter().all(|s| s.is_finite() && s.abs() <= 1.0));
    let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    assert!(peak > 0.01, "silent: peak {peak}");
}
