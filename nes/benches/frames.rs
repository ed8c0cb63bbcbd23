//! Frames per second of the bare console running NES Tetris, headless and with pixels: the
//! title screen and a game played by the no-input movie (pieces fall and stack).
//! `cargo bench -p nes --bench frames` (needs roms/Tetris.nes or $TETRIS_ROM; FRAMES_DIV=n
//! runs 1/n of the frames, FRAMES_ONLY=headless or pixels one mode).

use std::time::Instant;

fn main() {
    let path = std::env::var("TETRIS_ROM").unwrap_or_else(|_| "../roms/Tetris.nes".into());
    let Ok(rom) = std::fs::read(&path) else {
        eprintln!("frames bench: no ROM at {path} (run scripts/fetch-rom.sh)");
        return;
    };
    let Ok(cart) = nes::Cart::from_bytes(&rom) else {
        eprintln!("frames bench: {path} is not a ROM");
        return;
    };
    // FRAMES_ONLY=headless or pixels runs one of the two (e.g. to profile one under callgrind).
    let only = std::env::var("FRAMES_ONLY").ok();
    for headless in [true, false] {
        let name = if headless { "headless" } else { "pixels" };
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let mut nes = nes::Nes::new(cart.clone());
        nes.set_headless(headless);
        // Into a game: Start on the legal screen, title, game type and level menus.
        for n in 1..=300u32 {
            let start = [268, 273, 277, 282].contains(&n);
            nes.set_buttons(
                0,
                if start {
                    nes::Buttons::START
                } else {
                    nes::Buttons::NONE
                },
            );
            nes.run_frame().expect("runs");
        }
        let scale: u32 = std::env::var("FRAMES_DIV")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        let frames: u32 = if headless { 20_000 } else { 5_000 } / scale.max(1);
        let (c0, s0) = (nes.cycles(), nes.fast_stats());
        let t = Instant::now();
        for _ in 0..frames {
            nes.run_frame().expect("runs");
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "{:9} {frames} frames in play: {:.0} frames/s ({:.1} µs/frame)",
            name,
            f64::from(frames) / s,
            s * 1e6 / f64::from(frames)
        );
        let s1 = nes.fast_stats();
        let cycles = nes.cycles() - c0;
        let run = cycles - (s1.skipped_cycles() - s0.skipped_cycles());
        let quiet = s1.quiet_cycles - s0.quiet_cycles;
        println!(
            "          CPU cycles emulated per frame: {} (the rest skipped idle), {:.1} ns each; {:.0}% of them quiet",
            run / u64::from(frames),
            s * 1e9 / run as f64,
            100.0 * quiet as f64 / run as f64
        );
    }
}
