//! The chips' fast paths change nothing observable:
//! - the PPU's whole-line and skip gears against its dot-by-dot reference, on timing-sensitive
//!   test ROMs and on NES Tetris, drawing and headless: picture, RAM, CPU state and cycle
//!   count after every frame;
//! - audio output on changes nothing the CPU sees (an APU ROM still passes), and the samples
//!   come at the rate asked for, bounded and not silent.

use conformance::{find_test_roms, require_data, tetris_rom};
use nes::{Buttons, Cart, Nes};

fn test_rom(rel: &str) -> Option<Nes> {
    let path = require_data(&find_test_roms().join(rel), "set NES_TEST_ROMS")?;
    let cart = Cart::from_bytes(&std::fs::read(path).expect("read ROM")).expect("ROM loads");
    Some(Nes::new(cart))
}

fn tetris() -> Option<Nes> {
    let path = tetris_rom()?;
    let cart = Cart::from_bytes(&std::fs::read(path).expect("read ROM")).expect("ROM loads");
    Some(Nes::new(cart))
}

/// Runs `frames` frames twice, with the PPU's fast paths and dot by dot, comparing after
/// every frame.
fn fast_paths_match_dots(nes: Option<Nes>, frames: u32, headless: bool, what: &str) {
    let Some(mut fast) = nes else { return };
    let mut slow = fast.clone();
    slow.bus_mut().ppu_mut().set_dots_only(true);
    fast.set_headless(headless);
    slow.set_headless(headless);
    for f in 0..frames {
        // For Tetris: Start now and then gets through the menus; some moves in play.
        let b = match f % 64 {
            0 if f > 200 && f < 600 => Buttons::START,
            10 => Buttons::LEFT,
            20 => Buttons::A,
            30 => Buttons::DOWN,
            _ => Buttons::NONE,
        };
        fast.set_buttons(0, b);
        slow.set_buttons(0, b);
        fast.run_frame().unwrap_or_else(|e| panic!("{what}: {e}"));
        slow.run_frame().unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(fast.cycles(), slow.cycles(), "{what}: frame {f}: timing");
        assert_eq!(fast.registers(), slow.registers(), "{what}: frame {f}: CPU");
        assert!(fast.ram() == slow.ram(), "{what}: frame {f}: RAM differs");
        if !headless {
            assert!(
                fast.frame_buffer() == slow.frame_buffer(),
                "{what}: frame {f}: pictures differ"
            );
        }
    }
}

#[test]
fn ppu_fast_paths_match_dots_on_timing_roms() {
    for rom in [
        "sprite_hit_tests_2005.10.05/09.timing_basics.nes",
        "sprite_hit_tests_2005.10.05/11.edge_timing.nes",
        "ppu_vbl_nmi/rom_singles/10-even_odd_timing.nes",
    ] {
        fast_paths_match_dots(test_rom(rom), 240, false, rom);
        fast_paths_match_dots(test_rom(rom), 240, true, rom);
    }
}

#[test]
fn ppu_fast_paths_match_dots_on_tetris() {
    fast_paths_match_dots(tetris(), 1200, false, "Tetris");
    fast_paths_match_dots(tetris(), 1200, true, "Tetris (headless)");
}

#[test]
fn audio_output_through_the_console() {
    let Some(mut nes) = test_rom("apu_test/rom_singles/1-len_ctr.nes") else {
        return;
    };
    nes.set_audio(Some(44_100));
    let (mut samples, mut chunk) = (Vec::new(), Vec::new());
    let mut status = 0x80;
    let frames = 240u32;
    let start = nes.cycles();
    for _ in 0..frames {
        nes.run_frame().expect("runs");
        nes.take_samples(&mut chunk);
        samples.append(&mut chunk);
        if nes.peek(0x6001) == 0xDE {
            status = nes.peek(0x6000);
        }
    }
    assert_eq!(status, 0, "the ROM passes with audio on");
    let expected = (nes.cycles() - start) as f64 * 44_100.0 / 1_789_772.7;
    assert!(
        (samples.len() as f64 - expected).abs() < 2.0,
        "{} samples, expected {expected:.0}",
        samples.len()
    );
    assert!(samples.iter().all(|s| s.is_finite() && s.abs() <= 1.0));
    let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    assert!(peak > 0.01, "silent: peak {peak}");
}
