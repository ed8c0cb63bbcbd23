//! The idle-loop fast-forward changes nothing: NES Tetris played with the same input, with the
//! skip on and off, has the same RAM, CPU registers, cycle count and picture after every frame.

use conformance::tetris_rom;
use nes::{Buttons, Nes};

fn rom() -> Option<nes::Cart> {
    let path = tetris_rom()?;
    Some(nes::Cart::from_bytes(&std::fs::read(path).expect("read ROM")).expect("ROM loads"))
}

/// Deterministic input: through the menus into an A-type game, then pseudo-random buttons
/// (xorshift), without Start/Select so the game stays in play.
fn input(frame: u32, state: &mut u32) -> Buttons {
    if [268, 273, 277, 282].contains(&frame) {
        return Buttons::START;
    }
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    Buttons((*state & 0xF3) as u8)
}

fn compare(frames: u32, timing: impl Fn(&mut Nes, u32)) {
    let Some(cart) = rom() else { return };
    let mut fast = Nes::new(cart.clone());
    let mut slow = Nes::new(cart);
    slow.set_skip_idle(false);
    let (mut s1, mut s2) = (0x1234_5678u32, 0x1234_5678u32);
    for f in 1..=frames {
        fast.set_buttons(0, input(f, &mut s1));
        slow.set_buttons(0, input(f, &mut s2));
        timing(&mut fast, f);
        timing(&mut slow, f);
        assert_eq!(fast.cycles(), slow.cycles(), "frame {f}: cycle count");
        assert_eq!(
            fast.registers(),
            slow.registers(),
            "frame {f}: CPU registers"
        );
        assert!(fast.ram() == slow.ram(), "frame {f}: RAM differs");
        assert!(
            fast.frame_buffer() == slow.frame_buffer(),
            "frame {f}: picture differs"
        );
        // Everything else too: CPU internals, open bus, PPU, APU, mapper.
        assert!(
            fast.save_state() == slow.save_state(),
            "frame {f}: save state differs"
        );
    }
    assert_eq!(fast.ram()[0xC0], 4, "the game is in play at the end");
    // Both fast paths were exercised: the NMI wait and the per-frame RAM fill at $AC77.
    assert!(fast.idle_cycles_skipped() > fast.fill_cycles_skipped());
    assert!(
        fast.fill_cycles_skipped() > u64::from(frames) * 1000,
        "fill loop skipped: {} cycles",
        fast.fill_cycles_skipped()
    );
    assert_eq!(slow.idle_cycles_skipped(), 0);
}

#[test]
fn same_state_every_frame_vblank_frames() {
    compare(3000, |nes, _| nes.run_frame().expect("runs"));
}

/// nes-py-style steps of a fixed 29,781 cycles, which end anywhere in the frame.
#[test]
fn same_state_every_step_fixed_cycle_steps() {
    compare(3000, |nes, f| {
        nes.run_until_cycle(u64::from(f) * 29_781).expect("runs")
    });
}
