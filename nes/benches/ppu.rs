//! The PPU's speed with NES Tetris, headless and drawing: `cargo bench -p nes --bench ppu`
//! (the ROM from `$TETRIS_ROM`, else `roms/Tetris.nes`). Reports the whole console's frames/s and the PPU's alone (a snapshot of
//! the PPU in play, run for many frames without the CPU: the PPU's cost per frame), fast
//! gears and dot by dot. For profiling one part, `PPU_SPEED_ONLY` = `headless` / `draw`
//! (PPU alone), `console` (console headless) or `dma` ($2004 writes in vblank with their
//! catch-ups; `DMA_VARIANT` = `norun` / `nowrite` / `noevent` leaves one part out).

use std::time::Instant;

use nes::{Buttons, Cart, Nes};

fn console_in_play() -> Option<Nes> {
    let path = std::env::var_os("TETRIS_ROM").unwrap_or_else(|| "../roms/Tetris.nes".into());
    let bytes = std::fs::read(path).ok()?;
    let mut nes = Nes::new(Cart::from_bytes(&bytes).ok()?);
    // Through the menus into a game.
    for f in 0..400u32 {
        let b = if f % 40 < 2 && f > 300 {
            Buttons::START
        } else {
            Buttons::NONE
        };
        nes.set_buttons(0, b);
        nes.run_frame().ok()?;
    }
    Some(nes)
}

fn console_fps(mut nes: Nes, headless: bool) -> f64 {
    nes.set_headless(headless);
    let frames = 2000u32;
    let t = Instant::now();
    for f in 0..frames {
        let b = match f % 16 {
            0 => Buttons::LEFT,
            8 => Buttons::A,
            _ => Buttons::NONE,
        };
        nes.set_buttons(0, b);
        nes.run_frame().expect("runs");
    }
    f64::from(frames) / t.elapsed().as_secs_f64()
}

fn ppu_fps(nes: &Nes, headless: bool) -> f64 {
    ppu_fps_with(nes, headless, false)
}

fn ppu_fps_with(nes: &Nes, headless: bool, dots_only: bool) -> f64 {
    let mut ppu = nes.bus().ppu().clone();
    ppu.set_dots_only(dots_only);
    let mut cart = nes.bus().cartridge().clone();
    ppu.set_headless(headless);
    let frames = if dots_only { 400 } else { 20_000u32 };
    let t = Instant::now();
    for _ in 0..frames {
        // Like the bus: catch up to the vblank event, then a few register accesses' worth.
        let e = ppu.next_event();
        ppu.run_to(e, &mut cart);
    }
    f64::from(frames / 2) / t.elapsed().as_secs_f64()
}

/// Nanoseconds per $2004 write as an OAM DMA makes them (one every 2 CPU cycles in vblank),
/// including the catch-up and the next-event query the bus does around each.
fn oam_dma_write_ns(nes: &Nes) -> f64 {
    let variant = std::env::var("DMA_VARIANT").unwrap_or_default();
    let mut ppu = nes.bus().ppu().clone();
    let mut cart = nes.bus().cartridge().clone();
    ppu.set_headless(true);
    let mut t_master = ppu.next_event();
    ppu.run_to(t_master, &mut cart);
    let n = 256 * 4000;
    let t = Instant::now();
    let mut sink = 0u64;
    for i in 0..n {
        if i % 256 == 0 {
            // On to the start of the next vblank (the events alternate: set, clear).
            loop {
                t_master = ppu.next_event();
                ppu.run_to(t_master, &mut cart);
                if ppu.scanline() == 241 {
                    break;
                }
            }
        }
        t_master += 24;
        if variant != "norun" {
            ppu.run_to(t_master, &mut cart);
        }
        if variant != "nowrite" {
            ppu.write_register(4, i as u8, &mut cart);
        }
        if variant != "noevent" {
            sink = sink.wrapping_add(ppu.next_event());
        }
    }
    assert_ne!(sink, 1);
    t.elapsed().as_secs_f64() * 1e9 / f64::from(n)
}

fn main() {
    let Some(nes) = console_in_play() else {
        eprintln!("ppu bench: no Tetris ROM (run scripts/fetch-rom.sh or set TETRIS_ROM)");
        return;
    };
    if std::env::var_os("PPU_OAM_DUMP").is_some() {
        eprintln!("{:02X?}", &nes.bus().ppu().oam()[..64]);
    }
    if std::env::var_os("PPU_SPEED_ONLY").is_some_and(|m| m == "console") {
        eprintln!("console headless: {:.0} frames/s", console_fps(nes, true));
        return;
    }
    if std::env::var_os("PPU_SPEED_ONLY").is_some_and(|m| m == "dma") {
        for _ in 0..5 {
            eprintln!("$2004 write in vblank: {:.1} ns", oam_dma_write_ns(&nes));
        }
        return;
    }
    if let Some(mode) = std::env::var_os("PPU_SPEED_ONLY") {
        let headless = mode == "headless";
        for _ in 0..10 {
            eprintln!(
                "PPU alone, headless {headless}: {:.0} frames/s",
                ppu_fps(&nes, headless)
            );
        }
        return;
    }
    eprintln!(
        "PPU alone: headless {:.0} frames/s, drawing {:.0} frames/s",
        ppu_fps(&nes, true),
        ppu_fps(&nes, false)
    );
    eprintln!(
        "PPU alone, dot by dot: headless {:.0} frames/s, drawing {:.0} frames/s",
        ppu_fps_with(&nes, true, true),
        ppu_fps_with(&nes, false, true)
    );
    eprintln!(
        "console: headless {:.0} frames/s, drawing {:.0} frames/s",
        console_fps(nes.clone(), true),
        console_fps(nes, false)
    );
}
