//! nestest through the whole console (real cartridge, bus and PPU, as `tetris-nes trace`
//! runs it), compared with nestest.log line by line on PC, A, X, Y, P, SP and CYC. (The CPU's
//! own suite, `nes/tests/nestest.rs`, also compares the disassembly on a flat bus.)

use conformance::trace::{automation_start, registers_and_cycles, trace};
use conformance::{find_test_roms, require_data};

#[test]
fn nestest_log_matches_through_the_console() {
    let dir = find_test_roms().join("nestest");
    let (Some(rom), Some(log)) = (
        require_data(&dir.join("nestest.nes"), "set NES_TEST_ROMS"),
        require_data(&dir.join("nestest.log"), "set NES_TEST_ROMS"),
    ) else {
        return;
    };
    let log = std::fs::read_to_string(log).expect("read nestest.log");
    let expected: Vec<&str> = log.lines().collect();
    assert_eq!(expected.len(), 8991, "nestest.log has 8,991 lines");
    let cart = nes::Cart::from_bytes(&std::fs::read(rom).expect("read ROM")).expect("ROM loads");
    let mut nes = nes::Nes::new(cart);
    let regs = automation_start(&nes, 0xC000);
    nes.cpu_mut().set_registers(regs);
    let mut got = Vec::new();
    trace(&mut nes, expected.len() as u64, |l| {
        got.push(l.to_string());
        std::ops::ControlFlow::Continue(())
    })
    .expect("no JAM");
    for (i, (want, have)) in expected.iter().zip(&got).enumerate() {
        let (w, h) = (registers_and_cycles(want), registers_and_cycles(have));
        assert!(w.is_some(), "log line {} unreadable: {want}", i + 1);
        if w != h {
            let from = i.saturating_sub(5);
            panic!(
                "first mismatch at line {}:\nexpected: {want}\n     got: {have}\ncontext (ours):\n{}",
                i + 1,
                got[from..i].join("\n")
            );
        }
    }
    // nestest reports its result at $02 and $03: 0 = every test passed.
    assert_eq!(
        (nes.peek(0x02), nes.peek(0x03)),
        (0, 0),
        "nestest's own result bytes"
    );
}
