//! Save states taken anywhere load: the field checks of `nes::savestate` (each chip's
//! `validate`) must never refuse a state the console really reaches. States are taken at
//! instruction boundaries inside frames (not only at frame ends, where every chip is caught
//! up) while NES Tetris plays with random buttons and while the APU, PPU and CPU test ROMs
//! run; each must load, and a console loaded from it must go on exactly as the original.

use conformance::{find_test_roms, require_data, tetris_rom};
use nes::{Buttons, Cart, Nes};
use std::path::Path;
use tetris_env::seeding::SplitMix64;

/// Runs `frames` frames of `bytes` with random buttons; every frame, stops at a random
/// instruction inside it, saves, loads into a clone, runs both on and compares.
fn check_rom(bytes: &[u8], frames: u32, seed: u64) -> Result<(), String> {
    let Ok(cart) = Cart::from_bytes(bytes) else {
        return Ok(()); // a board this emulator does not run
    };
    let mut nes = Nes::new(cart);
    let mut rng = SplitMix64::new(seed);
    for frame in 0..frames {
        nes.set_buttons(0, Buttons((rng.next_u64() & 0xF3) as u8)); // no Start/Select
        for _ in 0..rng.next_u64() % 4000 {
            if nes.step().is_err() {
                return Ok(()); // a jam ends the ROM's run
            }
        }
        let state = nes.save_state();
        let mut copy = nes.clone();
        copy.load_state(&state)
            .map_err(|e| format!("frame {frame}: a real state is refused: {e}"))?;
        for _ in 0..200 {
            let (a, b) = (nes.step(), copy.step());
            if a.is_err() || b.is_err() {
                break;
            }
        }
        if normalized(&nes) != normalized(&copy) {
            return Err(format!(
                "frame {frame}: the loaded console went another way"
            ));
        }
        if nes.run_frame().is_err() {
            return Ok(());
        }
    }
    Ok(())
}

/// The console's state with its derived caches (the PPU's colour and sprite-range tables,
/// which a load rebuilds on first use) cleared the same way, by a save and load.
fn normalized(nes: &Nes) -> Vec<u8> {
    let mut c = nes.clone();
    c.load_state(&nes.save_state())
        .expect("a state loads into its own console");
    c.save_state()
}

#[test]
fn tetris_states_taken_mid_frame_load_and_replay() {
    let Some(rom) = tetris_rom() else { return };
    let bytes = std::fs::read(rom).expect("read ROM");
    check_rom(&bytes, 3000, 7).unwrap();
}

fn nes_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            nes_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "nes") {
            out.push(p);
        }
    }
}

#[test]
fn test_rom_states_load_and_replay() {
    let dir = find_test_roms();
    let Some(dir) = require_data(&dir, "set NES_TEST_ROMS") else {
        return;
    };
    let mut roms = Vec::new();
    for sub in [
        "apu_test",
        "apu_reset",
        "blargg_apu_2005.07.30",
        "ppu_vbl_nmi",
        "cpu_interrupts_v2",
        "oam_stress",
    ] {
        nes_files(&dir.join(sub), &mut roms);
    }
    roms.sort();
    assert!(roms.len() > 10, "test ROMs under {}", dir.display());
    let mut failures = Vec::new();
    for (i, rom) in roms.iter().enumerate() {
        let bytes = std::fs::read(rom).expect("read ROM");
        if let Err(e) = check_rom(&bytes, 120, i as u64 + 1) {
            failures.push(format!("{}: {e}", rom.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
