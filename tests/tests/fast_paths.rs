//! The exact shortcuts (`nes::fast`) change nothing: a console with them and one without,
//! given the same input, have the same RAM, CPU registers, cycle count, picture and whole
//! save state (CPU internals, open bus, PPU, APU, mapper) after every frame. Checked on NES
//! Tetris in play (each shortcut alone and all together, with vblank frames and with
//! nes-py's fixed 29,781-cycle steps) and on bank-switching ROMs (`conformance::banked`).
//! `test_roms.rs` runs every test ROM both ways too.

use conformance::banked::{self, Board};
use conformance::tetris_rom;
use nes::{Buttons, FastPaths, Nes};

fn tetris() -> Option<nes::Cart> {
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

/// `paths` with only `name` on.
fn only(name: &str) -> FastPaths {
    let mut p = FastPaths::NONE;
    match name {
        "quiet_instructions" => p.quiet_instructions = true,
        "idle_loops" => p.idle_loops = true,
        "fill_loops" => p.fill_loops = true,
        "copy_loops" => p.copy_loops = true,
        "oam_dma_burst" => p.oam_dma_burst = true,
        "unseen_mapper_writes" => p.unseen_mapper_writes = true,
        _ => unreachable!("no shortcut {name}"),
    }
    p
}

const SHORTCUTS: [&str; 6] = [
    "quiet_instructions",
    "idle_loops",
    "fill_loops",
    "copy_loops",
    "oam_dma_burst",
    "unseen_mapper_writes",
];

/// Asserts that `fast` is in the same state as `slow`.
fn assert_same(fast: &Nes, slow: &Nes, what: &str) {
    assert_eq!(fast.cycles(), slow.cycles(), "{what}: cycle count");
    assert_eq!(fast.registers(), slow.registers(), "{what}: CPU registers");
    assert!(fast.ram() == slow.ram(), "{what}: RAM differs");
    assert!(
        fast.frame_buffer() == slow.frame_buffer(),
        "{what}: picture differs"
    );
    assert!(
        fast.save_state() == slow.save_state(),
        "{what}: save state differs"
    );
}

/// Plays `frames` frames of Tetris on a console without shortcuts and, in lockstep, on one
/// per entry of `configs`, comparing after every frame. Returns the fast consoles.
fn compare(frames: u32, configs: &[FastPaths], timing: impl Fn(&mut Nes, u32)) -> Vec<Nes> {
    let Some(cart) = tetris() else {
        return Vec::new();
    };
    let mut slow = Nes::new(cart.clone());
    slow.set_fast_paths(FastPaths::NONE);
    let mut fast: Vec<Nes> = configs
        .iter()
        .map(|&p| {
            let mut nes = Nes::new(cart.clone());
            nes.set_fast_paths(p);
            nes
        })
        .collect();
    let mut seed = 0x1234_5678u32;
    for f in 1..=frames {
        let buttons = input(f, &mut seed);
        slow.set_buttons(0, buttons);
        timing(&mut slow, f);
        for (nes, paths) in fast.iter_mut().zip(configs) {
            nes.set_buttons(0, buttons);
            timing(nes, f);
            assert_same(nes, &slow, &format!("{paths:?}, frame {f}"));
        }
    }
    assert_eq!(slow.ram()[0xC0], 4, "the game is in play at the end");
    assert_eq!(slow.fast_stats(), nes::FastStats::default());
    fast
}

/// Every shortcut is used in a Tetris game, and counted where it works by the cycle.
fn assert_all_used(nes: &Nes, frames: u32) {
    let s = nes.fast_stats();
    assert!(s.idle_loop_cycles > s.fill_loop_cycles, "{s:?}");
    assert!(
        s.fill_loop_cycles > u64::from(frames) * 1000,
        "fill loop skipped: {s:?}"
    );
    assert!(
        s.copy_loop_cycles > u64::from(frames) * 300,
        "copy loops skipped: {s:?}"
    );
    assert!(
        s.quiet_cycles > (nes.cycles() - s.skipped_cycles()) / 2,
        "most cycles quiet: {s:?}"
    );
}

#[test]
fn same_state_every_frame_vblank_frames() {
    let fast = compare(3000, &[FastPaths::ALL], |nes, _| {
        nes.run_frame().expect("runs");
    });
    if let Some(nes) = fast.first() {
        assert_all_used(nes, 3000);
    }
}

/// nes-py-style steps of a fixed 29,781 cycles, which end anywhere in the frame.
#[test]
fn same_state_every_step_fixed_cycle_steps() {
    let fast = compare(3000, &[FastPaths::ALL], |nes, f| {
        nes.run_until_cycle(u64::from(f) * 29_781).expect("runs");
    });
    if let Some(nes) = fast.first() {
        assert_all_used(nes, 3000);
    }
}

/// Each shortcut on its own, so that none hides another's mistake.
#[test]
fn same_state_every_frame_each_shortcut_alone() {
    let configs: Vec<FastPaths> = SHORTCUTS.iter().map(|n| only(n)).collect();
    let fast = compare(900, &configs, |nes, _| nes.run_frame().expect("runs"));
    for (nes, name) in fast.iter().zip(SHORTCUTS) {
        let s = nes.fast_stats();
        match name {
            "quiet_instructions" => assert!(s.quiet_cycles > 0, "{name}: {s:?}"),
            "idle_loops" => assert!(s.idle_loop_cycles > 0, "{name}: {s:?}"),
            "fill_loops" => assert!(s.fill_loop_cycles > 0, "{name}: {s:?}"),
            "copy_loops" => assert!(s.copy_loop_cycles > 0, "{name}: {s:?}"),
            _ => assert_eq!(s.skipped_cycles() + s.quiet_cycles, 0, "{name}: {s:?}"),
        }
    }
}

/// A bank switch puts other loop code at the same address: the fast paths must follow it.
/// Each bank-switching ROM runs 40 frames with and without them, compared after every frame,
/// and the program really ran (the NMI counted the frames, the counting loop counted, the
/// fills filled, the shortcuts were taken).
#[test]
fn same_state_every_frame_bank_switching_roms() {
    for board in Board::ALL {
        let cart = nes::Cart::from_bytes(&banked::rom(board)).expect("ROM loads");
        let mut fast = Nes::new(cart.clone());
        let mut slow = Nes::new(cart);
        slow.set_fast_paths(FastPaths::NONE);
        for f in 1..=40 {
            fast.run_frame().expect("runs");
            slow.run_frame().expect("runs");
            assert_same(&fast, &slow, &format!("{board:?}, frame {f}"));
        }
        let ram = slow.ram();
        assert!(ram[0x22] >= 35, "{board:?}: NMIs counted {}", ram[0x22]);
        assert_ne!(ram[0x20], 0, "{board:?}: the counting loop ran");
        assert!(
            ram[0x300..0x500].iter().all(|&b| b != 0),
            "{board:?}: fills ran"
        );
        let s = fast.fast_stats();
        assert!(
            s.idle_loop_cycles > 0 && s.fill_loop_cycles > 0 && s.quiet_cycles > 0,
            "{board:?}: {s:?}"
        );
    }
}

/// `Nes::run_through` (how the env ends a step after the NMI handler's RTI, at $804A) gives
/// what stepping instruction by instruction and checking the PC gives, without shortcuts.
#[test]
fn run_through_matches_stepping() {
    let Some(cart) = tetris() else { return };
    let mut fast = Nes::new(cart.clone());
    let mut slow = Nes::new(cart);
    slow.set_fast_paths(FastPaths::NONE);
    let mut seed = 0x2468_ACE1u32;
    let mut stopped = 0;
    for f in 1..=1200 {
        let buttons = input(f, &mut seed);
        fast.set_buttons(0, buttons);
        slow.set_buttons(0, buttons);
        fast.run_frame().expect("runs");
        slow.run_frame().expect("runs");
        let ran = fast.run_through(0x804A).expect("runs");
        let frame = slow.frame_count();
        let mut slow_ran = false;
        while slow.frame_count() == frame {
            let at = slow.registers().pc == 0x804A;
            slow.step().expect("runs");
            if at {
                slow_ran = true;
                break;
            }
        }
        // (`step` leaves the chips lazily behind; the state compared is the same.)
        slow.bus_mut().sync();
        assert_eq!(ran, slow_ran, "frame {f}");
        stopped += usize::from(ran);
        assert_same(&fast, &slow, &format!("frame {f}, after the handler"));
    }
    assert!(
        stopped > 1000,
        "the handler's RTI was reached {stopped} times"
    );
}

/// An NROM program that copies `INC $20 / JMP $6000` into PRG RAM and runs it there: code
/// at $6000 never runs quietly (a quiet run must hand it to the plain path, not stop before
/// it for ever; AccuracyCoin's tests run code outside ROM and hung the executor so), and the
/// counter counts as without shortcuts. Run on a thread so that a hang fails the test.
#[test]
fn code_in_prg_ram_runs_by_the_book() {
    let mut prg = vec![0xEA; 0x4000];
    let reset = [
        0x78, 0xD8, 0xA2, 0xFF, 0x9A, // SEI / CLD / LDX #$FF / TXS
        0xA2, 0x00, // LDX #0
        0xBD, 0x20, 0x80, // copy: LDA $8020,X
        0x9D, 0x00, 0x60, // STA $6000,X
        0xE8, 0xE0, 0x05, 0xD0, 0xF5, // INX / CPX #5 / BNE copy
        0x4C, 0x00, 0x60, // JMP $6000
    ];
    prg[..reset.len()].copy_from_slice(&reset);
    prg[0x20..0x25].copy_from_slice(&[0xE6, 0x20, 0x4C, 0x00, 0x60]); // INC $20 / JMP $6000
    prg[0x30] = 0x40; // RTI (NMI and IRQ)
    prg[0x3FFA..].copy_from_slice(&[0x30, 0x80, 0x00, 0x80, 0x30, 0x80]);
    let mut file = vec![b'N', b'E', b'S', 0x1A, 1, 0, 0, 0];
    file.resize(16, 0);
    file.extend_from_slice(&prg);
    let cart = nes::Cart::from_bytes(&file).expect("ROM loads");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut fast = Nes::new(cart.clone());
        let mut slow = Nes::new(cart);
        slow.set_fast_paths(FastPaths::NONE);
        for f in 1..=5 {
            fast.run_frame().expect("runs");
            slow.run_frame().expect("runs");
            assert_same(&fast, &slow, &format!("frame {f}"));
        }
        assert_eq!(fast.registers().pc & 0xE000, 0x6000, "runs in PRG RAM");
        assert_ne!(fast.ram()[0x20], 0, "the counter ran");
        tx.send(()).expect("the test waits");
    });
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .expect("five frames of code in PRG RAM finish (a hang, or a failure above)");
}
