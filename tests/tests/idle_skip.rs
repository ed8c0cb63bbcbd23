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

/// A bank switch puts other loop code at the same address: the fast paths must follow it.
/// Each bank-switching ROM (`conformance::banked`) runs 40 frames with and without them; RAM,
/// registers, cycles and the whole save state agree after every frame, and the program
/// really ran (the NMI counted the frames, the counting loop counted, the fills filled).
#[test]
fn same_state_every_frame_bank_switching_roms() {
    use conformance::banked::{rom, Board};
    for board in Board::ALL {
        let cart = nes::Cart::from_bytes(&rom(board)).expect("ROM loads");
        let mut fast = Nes::new(cart.clone());
        let mut slow = Nes::new(cart);
        slow.set_skip_idle(false);
        for f in 1..=40 {
            fast.run_frame().expect("runs");
            slow.run_frame().expect("runs");
            let what = format!("{board:?}, frame {f}");
            assert_eq!(fast.cycles(), slow.cycles(), "{what}: cycle count");
            assert_eq!(fast.registers(), slow.registers(), "{what}: CPU registers");
            assert!(fast.ram() == slow.ram(), "{what}: RAM differs");
            assert!(
                fast.save_state() == slow.save_state(),
                "{what}: save state differs"
            );
        }
        let ram = slow.ram();
        assert!(ram[0x22] >= 35, "{board:?}: NMIs counted {}", ram[0x22]);
        assert_ne!(ram[0x20], 0, "{board:?}: the counting loop ran");
        assert!(
            ram[0x300..0x500].iter().any(|&b| b != 0),
            "{board:?}: fills ran"
        );
        assert!(fast.idle_cycles_skipped() > 0, "{board:?}: nothing skipped");
    }
}
