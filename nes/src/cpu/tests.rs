//! Cycle-level checks of what nestest cannot see: the exact bus sequence of dummy cycles,
//! interrupt latency (CLI/SEI/PLP, RTI, branches, BRK hijack) and DMA cycle counts.

use super::{flags, Cpu, CpuBus, Jammed, Registers};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    Read(u16, u8),
    Write(u16, u8),
}
use Access::{Read, Write};

const NMI_HANDLER: u16 = 0x9000;
const IRQ_HANDLER: u16 = 0xA000;

/// 64 KiB of RAM that logs every cycle. Lines and DMA requests switch on at a given cycle
/// count: "from n" means asserted at the end of the n-th cycle (counting from 1).
#[derive(Debug)]
struct TestBus {
    mem: Vec<u8>,
    cycles: u64,
    log: Vec<Access>,
    nmi_from: Option<u64>,
    irq_from: Option<u64>,
    oam_dma: Option<u8>,
    dmc_from: Option<u64>,
    dmc_addr: u16,
    dmc_done: Vec<(u64, u8)>,
}

impl TestBus {
    /// `program` at $8000, vectors: NMI $9000, reset $8000, IRQ/BRK $A000.
    fn new(program: &[u8]) -> TestBus {
        let mut mem = vec![0; 0x10000];
        mem[0x8000..0x8000 + program.len()].copy_from_slice(program);
        mem[0xFFFA..].copy_from_slice(&[0x00, 0x90, 0x00, 0x80, 0x00, 0xA0]);
        TestBus {
            mem,
            cycles: 0,
            log: Vec::new(),
            nmi_from: None,
            irq_from: None,
            oam_dma: None,
            dmc_from: None,
            dmc_addr: 0xC000,
            dmc_done: Vec::new(),
        }
    }
}

impl CpuBus for TestBus {
    fn read(&mut self, addr: u16) -> u8 {
        let v = self.mem[usize::from(addr)];
        self.log.push(Read(addr, v));
        self.cycles += 1;
        v
    }

    fn write(&mut self, addr: u16, val: u8) {
        self.log.push(Write(addr, val));
        if addr == 0x4014 {
            self.oam_dma = Some(val);
        } else {
            self.mem[usize::from(addr)] = val;
        }
        self.cycles += 1;
    }

    fn peek(&self, addr: u16) -> u8 {
        self.mem[usize::from(addr)]
    }

    fn nmi_line(&mut self) -> bool {
        self.nmi_from.is_some_and(|c| self.cycles >= c)
    }

    fn irq_line(&mut self) -> bool {
        self.irq_from.is_some_and(|c| self.cycles >= c)
    }

    fn cycles(&self) -> u64 {
        self.cycles
    }

    fn dma_pending(&self) -> bool {
        self.oam_dma.is_some() || self.dmc_dma_request().is_some()
    }

    fn take_oam_dma(&mut self) -> Option<u8> {
        self.oam_dma.take()
    }

    fn dmc_dma_request(&self) -> Option<u16> {
        self.dmc_from
            .is_some_and(|c| self.cycles >= c)
            .then_some(self.dmc_addr)
    }

    fn dmc_dma_fetch(&mut self, addr: u16, _cpu_addr: u16, _oam_running: bool) -> u8 {
        let val = self.read(addr);
        self.dmc_done.push((self.cycles, val));
        self.dmc_from = None;
        val
    }
}

/// A CPU about to run $8000 with `p`, SP = $FD, at cycle 0.
fn cpu_at_8000(p: u8) -> Cpu {
    let mut cpu = Cpu::new();
    cpu.set_registers(Registers {
        pc: 0x8000,
        a: 0,
        x: 0,
        y: 0,
        p,
        sp: 0xFD,
    });
    cpu
}

/// Runs one `step` and returns the bus cycles it took and its accesses.
fn step(cpu: &mut Cpu, bus: &mut TestBus) -> (u64, Vec<Access>) {
    let start = bus.cycles;
    bus.log.clear();
    cpu.step(bus).expect("no JAM expected");
    (bus.cycles - start, std::mem::take(&mut bus.log))
}

const I_SET: u8 = flags::U | flags::I;
const I_CLEAR: u8 = flags::U;

#[test]
fn power_on_is_seven_reads_with_three_fake_pushes() {
    let mut bus = TestBus::new(&[]);
    let mut cpu = Cpu::new();
    cpu.power_on(&mut bus);
    assert_eq!(bus.cycles, 7);
    assert!(
        bus.log.iter().all(|a| matches!(a, Read(..))),
        "{:?}",
        bus.log
    );
    let addrs: Vec<u16> = bus
        .log
        .iter()
        .map(|a| match a {
            Read(a, _) | Write(a, _) => *a,
        })
        .collect();
    assert_eq!(&addrs[2..], &[0x0100, 0x01FF, 0x01FE, 0xFFFC, 0xFFFD]);
    let r = cpu.registers();
    assert_eq!(
        (r.pc, r.a, r.x, r.y, r.p, r.sp),
        (0x8000, 0, 0, 0, 0x34, 0xFD)
    );
}

#[test]
fn reset_keeps_registers_moves_sp_down_three_and_sets_i() {
    let mut bus = TestBus::new(&[]);
    let mut cpu = cpu_at_8000(I_CLEAR | flags::C);
    let mut regs = cpu.registers();
    regs.a = 0x12;
    regs.sp = 0x80;
    cpu.set_registers(regs);
    cpu.reset(&mut bus);
    let r = cpu.registers();
    assert_eq!(bus.cycles, 7);
    assert_eq!(
        (r.a, r.sp, r.p, r.pc),
        (0x12, 0x7D, I_SET | flags::C, 0x8000)
    );
}

#[test]
fn rmw_writes_the_old_value_then_the_new() {
    // INC $10
    let mut bus = TestBus::new(&[0xE6, 0x10]);
    bus.mem[0x10] = 0x05;
    let mut cpu = cpu_at_8000(I_SET);
    let (cycles, log) = step(&mut cpu, &mut bus);
    assert_eq!(cycles, 5);
    assert_eq!(
        log,
        [
            Read(0x8000, 0xE6),
            Read(0x8001, 0x10),
            Read(0x10, 5),
            Write(0x10, 5),
            Write(0x10, 6)
        ]
    );
}

#[test]
fn indexed_accesses_read_the_unfixed_address() {
    // LDX #$20; LDA $12F0,X; LDA $1200,X; STA $1200,X; ASL $1200,X
    let program = [
        0xA2, 0x20, 0xBD, 0xF0, 0x12, 0xBD, 0x00, 0x12, 0x9D, 0x00, 0x12, 0x1E, 0x00, 0x12,
    ];
    let mut bus = TestBus::new(&program);
    let mut cpu = cpu_at_8000(I_SET);
    step(&mut cpu, &mut bus);
    // Page crossed: dummy read of $1210 (high byte not yet fixed), then $1310.
    let (cycles, log) = step(&mut cpu, &mut bus);
    assert_eq!(cycles, 5);
    assert_eq!(&log[3..], &[Read(0x1210, 0), Read(0x1310, 0)]);
    // No page cross: a read skips the fix-up cycle ...
    let (cycles, log) = step(&mut cpu, &mut bus);
    assert_eq!(cycles, 4);
    assert_eq!(&log[3..], &[Read(0x1220, 0)]);
    // ... a store does not.
    let (cycles, log) = step(&mut cpu, &mut bus);
    assert_eq!(cycles, 5);
    assert_eq!(&log[3..], &[Read(0x1220, 0), Write(0x1220, 0)]);
    let (cycles, log) = step(&mut cpu, &mut bus);
    assert_eq!(cycles, 7);
    assert_eq!(
        &log[3..],
        &[
            Read(0x1220, 0),
            Read(0x1220, 0),
            Write(0x1220, 0),
            Write(0x1220, 0)
        ]
    );
}

#[test]
fn implied_and_stack_instructions_do_their_dummy_reads() {
    // INX; PHA; PLA; JSR $8010 ... $8010: RTS
    let mut program = vec![0xE8, 0x48, 0x68, 0x20, 0x10, 0x80];
    program.resize(0x10, 0xEA);
    program.push(0x60);
    let mut bus = TestBus::new(&program);
    let mut cpu = cpu_at_8000(I_SET);
    assert_eq!(
        step(&mut cpu, &mut bus).1,
        [Read(0x8000, 0xE8), Read(0x8001, 0x48)]
    );
    assert_eq!(
        step(&mut cpu, &mut bus).1,
        [Read(0x8001, 0x48), Read(0x8002, 0x68), Write(0x01FD, 0)]
    );
    assert_eq!(
        step(&mut cpu, &mut bus).1,
        [
            Read(0x8002, 0x68),
            Read(0x8003, 0x20),
            Read(0x01FC, 0),
            Read(0x01FD, 0)
        ]
    );
    assert_eq!(
        step(&mut cpu, &mut bus).1,
        [
            Read(0x8003, 0x20),
            Read(0x8004, 0x10),
            Read(0x01FD, 0),
            Write(0x01FD, 0x80),
            Write(0x01FC, 0x05),
            Read(0x8005, 0x80)
        ]
    );
    assert_eq!(
        step(&mut cpu, &mut bus).1,
        [
            Read(0x8010, 0x60),
            Read(0x8011, 0),
            Read(0x01FB, 0),
            Read(0x01FC, 0x05),
            Read(0x01FD, 0x80),
            Read(0x8005, 0x80)
        ]
    );
    assert_eq!(cpu.registers().pc, 0x8006);
}

#[test]
fn branch_timing_and_dummy_reads() {
    // $8000: BNE +$7C (not taken: Z set) ; BEQ +$00 (taken) ; BEQ -$10 -> $7FF6 (page cross)
    let mut bus = TestBus::new(&[0xD0, 0x7C, 0xF0, 0x00, 0xF0, 0xF0]);
    let mut cpu = cpu_at_8000(I_SET | flags::Z);
    assert_eq!(step(&mut cpu, &mut bus).0, 2);
    let (cycles, log) = step(&mut cpu, &mut bus);
    assert_eq!((cycles, log[2]), (3, Read(0x8004, 0xF0)));
    let (cycles, log) = step(&mut cpu, &mut bus);
    assert_eq!(cycles, 4);
    // The extra cycles read the next opcode, then the target with PCH not yet fixed.
    assert_eq!(&log[2..], &[Read(0x8006, 0), Read(0x80F6, 0)]);
    assert_eq!(cpu.registers().pc, 0x7FF6);
}

/// The return address and P pushed by an interrupt sequence or BRK (SP was $FD).
fn pushed(bus: &TestBus) -> (u16, u8) {
    (
        u16::from_le_bytes([bus.mem[0x1FC], bus.mem[0x1FD]]),
        bus.mem[0x1FB],
    )
}

#[test]
fn cli_delays_the_irq_by_one_instruction() {
    // CLI; NOP; NOP with the IRQ line already asserted.
    let mut bus = TestBus::new(&[0x58, 0xEA, 0xEA]);
    bus.irq_from = Some(0);
    let mut cpu = cpu_at_8000(I_SET);
    assert_eq!(step(&mut cpu, &mut bus).0, 2);
    assert_eq!(
        cpu.registers().pc,
        0x8001,
        "IRQ must wait for the instruction after CLI"
    );
    assert_eq!(step(&mut cpu, &mut bus).0, 2 + 7);
    assert_eq!(cpu.registers().pc, IRQ_HANDLER);
    assert_eq!(pushed(&bus), (0x8002, I_CLEAR));
    assert_ne!(cpu.registers().p & flags::I, 0);
}

#[test]
fn irq_pending_during_sei_is_still_taken() {
    // SEI with the IRQ asserted from the end of its opcode fetch.
    let mut bus = TestBus::new(&[0x78, 0xEA]);
    bus.irq_from = Some(1);
    let mut cpu = cpu_at_8000(I_CLEAR);
    assert_eq!(step(&mut cpu, &mut bus).0, 2 + 7);
    assert_eq!(cpu.registers().pc, IRQ_HANDLER);
    // P was pushed with I already set by SEI.
    assert_eq!(pushed(&bus), (0x8001, I_SET));
}

#[test]
fn plp_clearing_i_delays_the_irq_like_cli() {
    // PLP (pulls $20: I clear); NOP; NOP
    let mut bus = TestBus::new(&[0x28, 0xEA, 0xEA]);
    bus.mem[0x1FE] = 0x20;
    bus.irq_from = Some(0);
    let mut cpu = cpu_at_8000(I_SET);
    assert_eq!(step(&mut cpu, &mut bus).0, 4);
    assert_eq!(step(&mut cpu, &mut bus).0, 2 + 7);
    assert_eq!(cpu.registers().pc, IRQ_HANDLER);
}

#[test]
fn rti_clearing_i_takes_the_irq_at_once() {
    // RTI to $8040 with P = $20 (I clear), IRQ asserted throughout.
    let mut bus = TestBus::new(&[0x40]);
    bus.mem[0x1FB..0x1FE].copy_from_slice(&[0x20, 0x40, 0x80]);
    bus.irq_from = Some(0);
    let mut cpu = cpu_at_8000(I_SET);
    let mut regs = cpu.registers();
    regs.sp = 0xFA;
    cpu.set_registers(regs);
    assert_eq!(step(&mut cpu, &mut bus).0, 6 + 7);
    assert_eq!(cpu.registers().pc, IRQ_HANDLER);
    assert_eq!(pushed(&bus).0, 0x8040);
}

#[test]
fn irq_must_arrive_before_the_last_cycle() {
    // LDA $10 (3 cycles): asserted at the end of cycle 2 -> taken after it;
    // asserted at the end of cycle 3 (the last) -> taken after the next instruction.
    for (from, after_first) in [(2, true), (3, false)] {
        let mut bus = TestBus::new(&[0xA5, 0x10, 0xEA]);
        bus.irq_from = Some(from);
        let mut cpu = cpu_at_8000(I_CLEAR);
        step(&mut cpu, &mut bus);
        assert_eq!(
            cpu.registers().pc == IRQ_HANDLER,
            after_first,
            "IRQ from cycle {from}"
        );
    }
}

#[test]
fn taken_branch_without_page_cross_delays_the_irq() {
    // BEQ +0 (taken, same page); NOP; NOP. IRQ asserted at the end of the operand cycle.
    let mut bus = TestBus::new(&[0xF0, 0x00, 0xEA, 0xEA]);
    bus.irq_from = Some(2);
    let mut cpu = cpu_at_8000(I_CLEAR | flags::Z);
    assert_eq!(step(&mut cpu, &mut bus).0, 3);
    assert_eq!(
        cpu.registers().pc,
        0x8002,
        "the IRQ waits one more instruction"
    );
    assert_eq!(step(&mut cpu, &mut bus).0, 2 + 7);
    assert_eq!(pushed(&bus).0, 0x8003);

    // With a page cross the last cycle samples again: the IRQ follows the branch.
    let mut bus = TestBus::new(&[0xF0, 0xF0]);
    bus.irq_from = Some(2);
    let mut cpu = cpu_at_8000(I_CLEAR | flags::Z);
    assert_eq!(step(&mut cpu, &mut bus).0, 4 + 7);
    assert_eq!(pushed(&bus).0, 0x7FF2);

    // An IRQ already seen before the branch is not delayed.
    let mut bus = TestBus::new(&[0xF0, 0x00, 0xEA]);
    bus.irq_from = Some(1);
    let mut cpu = cpu_at_8000(I_CLEAR | flags::Z);
    assert_eq!(step(&mut cpu, &mut bus).0, 3 + 7);
    assert_eq!(pushed(&bus).0, 0x8002);
}

#[test]
fn taken_branch_without_page_cross_delays_the_nmi() {
    // Same as the IRQ case: NMI edge seen at the end of the operand cycle.
    let mut bus = TestBus::new(&[0xF0, 0x00, 0xEA, 0xEA]);
    bus.nmi_from = Some(2);
    let mut cpu = cpu_at_8000(I_SET | flags::Z);
    assert_eq!(step(&mut cpu, &mut bus).0, 3);
    assert_eq!(step(&mut cpu, &mut bus).0, 2 + 7);
    assert_eq!(cpu.registers().pc, NMI_HANDLER);
    assert_eq!(pushed(&bus).0, 0x8003);

    // Seen one cycle earlier (end of the opcode fetch): taken right after the branch.
    let mut bus = TestBus::new(&[0xF0, 0x00, 0xEA]);
    bus.nmi_from = Some(1);
    let mut cpu = cpu_at_8000(I_SET | flags::Z);
    assert_eq!(step(&mut cpu, &mut bus).0, 3 + 7);
    assert_eq!(pushed(&bus).0, 0x8002);
}

#[test]
fn nmi_is_edge_triggered_and_taken_once() {
    let mut bus = TestBus::new(&[0xEA, 0xEA, 0xEA]);
    bus.mem[usize::from(NMI_HANDLER)..][..2].copy_from_slice(&[0xEA, 0xEA]);
    bus.nmi_from = Some(1);
    let mut cpu = cpu_at_8000(I_SET);
    assert_eq!(step(&mut cpu, &mut bus).0, 2 + 7);
    assert_eq!(cpu.registers().pc, NMI_HANDLER);
    // I does not mask NMI; B is clear in the pushed P.
    assert_eq!(pushed(&bus), (0x8001, I_SET));
    // The line stays high: no second NMI.
    assert_eq!(step(&mut cpu, &mut bus).0, 2);
    assert_eq!(step(&mut cpu, &mut bus).0, 2);
}

#[test]
fn brk_pushes_b_and_skips_its_padding_byte() {
    let mut bus = TestBus::new(&[0x00, 0xFF]);
    let mut cpu = cpu_at_8000(I_CLEAR);
    assert_eq!(step(&mut cpu, &mut bus).0, 7);
    assert_eq!(cpu.registers().pc, IRQ_HANDLER);
    assert_eq!(pushed(&bus), (0x8002, I_CLEAR | flags::B));
    assert_ne!(cpu.registers().p & flags::I, 0);
}

#[test]
fn nmi_during_brk_hijacks_the_vector() {
    // NMI seen by the end of BRK's 4th cycle: NMI vector, B still set in the pushed P.
    let mut bus = TestBus::new(&[0x00, 0xFF]);
    bus.mem[usize::from(NMI_HANDLER)] = 0xEA;
    bus.nmi_from = Some(4);
    let mut cpu = cpu_at_8000(I_CLEAR);
    assert_eq!(step(&mut cpu, &mut bus).0, 7);
    assert_eq!(cpu.registers().pc, NMI_HANDLER);
    assert_eq!(pushed(&bus), (0x8002, I_CLEAR | flags::B));
    // The NMI was consumed: the handler's NOP runs with no second sequence.
    assert_eq!(step(&mut cpu, &mut bus).0, 2);

    // One cycle later it is too late: IRQ vector, and the NMI follows the handler's first
    // instruction.
    let mut bus = TestBus::new(&[0x00, 0xFF]);
    bus.mem[usize::from(IRQ_HANDLER)] = 0xEA;
    bus.nmi_from = Some(5);
    let mut cpu = cpu_at_8000(I_CLEAR);
    step(&mut cpu, &mut bus);
    assert_eq!(cpu.registers().pc, IRQ_HANDLER);
    assert_eq!(step(&mut cpu, &mut bus).0, 2 + 7);
    assert_eq!(cpu.registers().pc, NMI_HANDLER);
}

#[test]
fn jam_halts_for_good() {
    let mut bus = TestBus::new(&[0xEA, 0x02]);
    let mut cpu = cpu_at_8000(I_SET);
    step(&mut cpu, &mut bus);
    let jam = Jammed {
        opcode: 0x02,
        pc: 0x8001,
    };
    assert_eq!(cpu.step(&mut bus), Err(jam));
    assert_eq!(cpu.step(&mut bus), Err(jam));
    assert_eq!(cpu.jammed(), Some(jam));
    cpu.reset(&mut bus);
    assert_eq!(cpu.jammed(), None);
}

#[test]
fn unstable_shy_masks_with_high_byte_plus_one_and_corrupts_on_page_cross() {
    // LDY #$FF; LDX #$10; SHY $12F8,X (crosses: value = $FF & $13, address $13 08)
    let mut bus = TestBus::new(&[0xA0, 0xFF, 0xA2, 0x10, 0x9C, 0xF8, 0x12, 0x9C, 0x00, 0x12]);
    let mut cpu = cpu_at_8000(I_SET);
    step(&mut cpu, &mut bus);
    step(&mut cpu, &mut bus);
    let (cycles, log) = step(&mut cpu, &mut bus);
    assert_eq!(cycles, 5);
    assert_eq!(log[4], Write(0x1308, 0x13));
    // No cross: the address is right, the value still ANDed with H + 1.
    let (_, log) = step(&mut cpu, &mut bus);
    assert_eq!(log[4], Write(0x1210, 0x13));
}

/// LDA <setup>; STA $4014; NOP, with the DMA starting on the NOP's opcode fetch.
/// `LDA #$02` (2 cycles) or `LDA $00` (3 cycles, $00 holds $02) sets the parity.
fn oam_dma_run(lda: &[u8]) -> (u64, Vec<Access>, u16) {
    let mut program = lda.to_vec();
    program.extend_from_slice(&[0x8D, 0x14, 0x40, 0xEA]);
    let nop_addr = 0x8000 + program.len() as u16 - 1;
    let mut bus = TestBus::new(&program);
    bus.mem[0] = 0x02;
    for i in 0..256 {
        bus.mem[0x200 + i] = i as u8;
    }
    let mut cpu = cpu_at_8000(I_SET);
    step(&mut cpu, &mut bus);
    step(&mut cpu, &mut bus);
    let (cycles, log) = step(&mut cpu, &mut bus);
    (cycles - 2, log, nop_addr)
}

#[test]
fn oam_dma_takes_513_or_514_cycles_and_copies_the_page() {
    // LDA #$02 + STA: the write is cycle 6 (index 5); the halt lands on index 6, a get
    // cycle, so an alignment cycle is needed: 514.
    let (dma, log, nop) = oam_dma_run(&[0xA9, 0x02]);
    assert_eq!(dma, 514);
    assert_eq!(
        &log[..2],
        &[Read(nop, 0xEA), Read(nop, 0xEA)],
        "halt + alignment repeat the CPU read"
    );
    // LDA $00 (3 cycles): the halt is on a put cycle, the transfer starts right away: 513.
    let (dma, log, nop) = oam_dma_run(&[0xA5, 0x00]);
    assert_eq!(dma, 513);
    assert_eq!(log[0], Read(nop, 0xEA));
    let writes: Vec<u8> = log
        .iter()
        .filter_map(|a| match a {
            Write(0x2004, v) => Some(*v),
            _ => None,
        })
        .collect();
    assert_eq!(writes, (0..=255).collect::<Vec<u8>>());
    // The CPU's own read comes last.
    assert_eq!(log.len(), 513 + 2);
    assert_eq!(log[513], Read(nop, 0xEA));
}

#[test]
fn dmc_dma_takes_3_or_4_cycles() {
    for (start, expected) in [(0u64, 3u64), (1, 4)] {
        // `start` cycles of padding decide the parity of the halt cycle.
        let mut bus = TestBus::new(&[0xEA]);
        bus.cycles = start;
        bus.dmc_from = Some(0);
        bus.mem[0xC000] = 0x5A;
        let mut cpu = cpu_at_8000(I_SET);
        let (cycles, log) = step(&mut cpu, &mut bus);
        assert_eq!(cycles - 2, expected, "halt on cycle index {start}");
        assert_eq!(bus.dmc_done, [(start + expected, 0x5A)]);
        assert_eq!(
            log[usize::try_from(expected).unwrap_or(0) - 1],
            Read(0xC000, 0x5A)
        );
        assert!(log[..usize::try_from(expected).unwrap_or(0) - 1]
            .iter()
            .all(|a| *a == Read(0x8000, 0xEA)));
    }
}

#[test]
fn dmc_dma_during_oam_dma_steals_two_cycles() {
    let mut program = vec![0xA5, 0x00];
    program.extend_from_slice(&[0x8D, 0x14, 0x40, 0xEA]);
    let mut bus = TestBus::new(&program);
    bus.mem[0] = 0x02;
    bus.mem[0xC000] = 0x77;
    let mut cpu = cpu_at_8000(I_SET);
    step(&mut cpu, &mut bus);
    step(&mut cpu, &mut bus);
    bus.dmc_from = Some(bus.cycles + 100);
    let (cycles, log) = step(&mut cpu, &mut bus);
    assert_eq!(cycles - 2, 513 + 2);
    assert_eq!(bus.dmc_done.len(), 1);
    assert_eq!(
        log.iter().filter(|a| matches!(a, Write(0x2004, _))).count(),
        256
    );
}

#[test]
fn dma_waits_for_a_read_cycle() {
    // INC $10 (R R R W W) with a DMC request from the end of cycle 3: the two writes go
    // ahead, the halt lands on the next read (the NOP's opcode fetch).
    let mut bus = TestBus::new(&[0xE6, 0x10, 0xEA]);
    bus.dmc_from = Some(3);
    let mut cpu = cpu_at_8000(I_SET);
    let (cycles, log) = step(&mut cpu, &mut bus);
    assert_eq!(
        (cycles, log[3], log[4]),
        (5, Write(0x10, 0), Write(0x10, 1))
    );
    assert!(bus.dmc_done.is_empty());
    let (cycles, log) = step(&mut cpu, &mut bus);
    // Halt on index 5 (put), dummy on 6 (get, not ready), alignment on 7, get on 8.
    assert_eq!(cycles, 4 + 2);
    assert_eq!(log[0], Read(0x8002, 0xEA));
    assert_eq!(bus.dmc_done.len(), 1);
}

#[test]
fn nmi_during_oam_dma_is_taken_after_the_instruction() {
    let mut program = vec![0xA5, 0x00];
    program.extend_from_slice(&[0x8D, 0x14, 0x40, 0xEA]);
    let mut bus = TestBus::new(&program);
    bus.mem[0] = 0x02;
    bus.nmi_from = Some(100);
    let mut cpu = cpu_at_8000(I_SET);
    step(&mut cpu, &mut bus);
    step(&mut cpu, &mut bus);
    let (cycles, _) = step(&mut cpu, &mut bus);
    assert_eq!(cycles, 513 + 2 + 7);
    assert_eq!(cpu.registers().pc, NMI_HANDLER);
}

/// Cycles of every opcode without page crossing (0 = JAM; branches: not taken).
/// The NMOS 6502 timing table, e.g. as blargg's instr_timing checks it.
#[rustfmt::skip]
const CYCLES: [u8; 256] = [
    7, 6, 0, 8, 3, 3, 5, 5, 3, 2, 2, 2, 4, 4, 6, 6,
    2, 5, 0, 8, 4, 4, 6, 6, 2, 4, 2, 7, 4, 4, 7, 7,
    6, 6, 0, 8, 3, 3, 5, 5, 4, 2, 2, 2, 4, 4, 6, 6,
    2, 5, 0, 8, 4, 4, 6, 6, 2, 4, 2, 7, 4, 4, 7, 7,
    6, 6, 0, 8, 3, 3, 5, 5, 3, 2, 2, 2, 3, 4, 6, 6,
    2, 5, 0, 8, 4, 4, 6, 6, 2, 4, 2, 7, 4, 4, 7, 7,
    6, 6, 0, 8, 3, 3, 5, 5, 4, 2, 2, 2, 5, 4, 6, 6,
    2, 5, 0, 8, 4, 4, 6, 6, 2, 4, 2, 7, 4, 4, 7, 7,
    2, 6, 2, 6, 3, 3, 3, 3, 2, 2, 2, 2, 4, 4, 4, 4,
    2, 6, 0, 6, 4, 4, 4, 4, 2, 5, 2, 5, 5, 5, 5, 5,
    2, 6, 2, 6, 3, 3, 3, 3, 2, 2, 2, 2, 4, 4, 4, 4,
    2, 5, 0, 5, 4, 4, 4, 4, 2, 4, 2, 4, 4, 4, 4, 4,
    2, 6, 2, 8, 3, 3, 5, 5, 2, 2, 2, 2, 4, 4, 6, 6,
    2, 5, 0, 8, 4, 4, 6, 6, 2, 4, 2, 7, 4, 4, 7, 7,
    2, 6, 2, 8, 3, 3, 5, 5, 2, 2, 2, 2, 4, 4, 6, 6,
    2, 5, 0, 8, 4, 4, 6, 6, 2, 4, 2, 7, 4, 4, 7, 7,
];

/// Reads that take one more cycle when the index crosses a page: `(zp),Y`, `abs,Y` and
/// `abs,X` of the read instructions (LAX, LAS and the unofficial NOPs included).
fn page_cross_penalty(opcode: u8) -> bool {
    let (row, col) = (opcode >> 4, opcode & 0x0F);
    match row {
        0x1 | 0x3 | 0x5 | 0x7 | 0xD | 0xF => matches!(col, 0x1 | 0x9 | 0xC | 0xD),
        0xB => matches!(col, 0x1 | 0x3 | 0x9 | 0xB | 0xC | 0xD | 0xE | 0xF),
        _ => false,
    }
}

#[test]
fn every_opcode_takes_the_documented_cycles() {
    for opcode in 0..=255u8 {
        if CYCLES[usize::from(opcode)] == 0 || opcode & 0x1F == 0x10 {
            continue; // JAM; branches are covered above
        }
        for cross in [false, true] {
            // Operand $12FF (abs) or $FF (zp); the zp pointer at $FF/$00 is also $12FF.
            let mut bus = TestBus::new(&[opcode, 0xFF, 0x12]);
            bus.mem[0xFF] = 0xFF;
            bus.mem[0x00] = 0x12;
            let mut cpu = cpu_at_8000(I_SET);
            let mut regs = cpu.registers();
            let index = u8::from(cross);
            regs.x = index;
            regs.y = index;
            cpu.set_registers(regs);
            let (cycles, _) = step(&mut cpu, &mut bus);
            let expected = u64::from(CYCLES[usize::from(opcode)])
                + u64::from(cross && page_cross_penalty(opcode));
            assert_eq!(
                cycles, expected,
                "opcode ${opcode:02X}, page cross: {cross}"
            );
        }
    }
}

#[test]
fn dmc_dma_during_a_joypad_read_repeats_that_read() {
    // LDA $4016 with a DMC fetch requested before its last (read) cycle: the halt and
    // dummy cycles read $4016 again, which is how DMC DMA corrupts controller reads.
    let mut bus = TestBus::new(&[0xAD, 0x16, 0x40]);
    bus.dmc_from = Some(3);
    let mut cpu = cpu_at_8000(I_SET);
    let (_, log) = step(&mut cpu, &mut bus);
    let joypad_reads = log.iter().filter(|a| matches!(a, Read(0x4016, _))).count();
    assert!(joypad_reads >= 3, "{log:?}");
    assert_eq!(log.last(), Some(&Read(0x4016, 0)));
    assert_eq!(bus.dmc_done.len(), 1);
}

#[test]
fn shy_with_a_dma_on_its_dummy_read_stores_y_unmasked() {
    // SHY $0500,X with X = 0, Y = $A5: normally Y & ($05 + 1) = $04 goes to $0500.
    let run = |dmc_from: Option<u64>| {
        let mut bus = TestBus::new(&[0x9C, 0x00, 0x05]);
        bus.dmc_from = dmc_from;
        let mut cpu = cpu_at_8000(I_SET);
        let mut regs = cpu.registers();
        regs.y = 0xA5;
        cpu.set_registers(regs);
        let (_, log) = step(&mut cpu, &mut bus);
        (bus.mem[0x0500], log.last().copied())
    };
    assert_eq!(run(None), (0x04, Some(Write(0x0500, 0x04))));
    // A DMC DMA requested at the end of cycle 3 halts the dummy read (cycle 4): the high
    // byte of the address no longer takes part.
    assert_eq!(run(Some(3)), (0xA5, Some(Write(0x0500, 0xA5))));
}
