//! Cartridge tests on synthetic ROM images built here: every PRG byte holds the number of
//! its 8 KiB bank and every CHR byte the number of its 1 KiB bank, so a read says which bank
//! a window points at.

use super::*;
use std::sync::Arc;

const K8: usize = 8 * 1024;

/// An iNES 1.0 image: `prg16` × 16 KiB PRG, `chr8` × 8 KiB CHR, byte 6 low nibble `flags6`
/// and bytes 8.. as given by `tail` (bytes 8–15).
fn ines_with(mapper: u8, prg16: usize, chr8: usize, flags6: u8, tail: [u8; 8]) -> Vec<u8> {
    let mut f = vec![
        b'N',
        b'E',
        b'S',
        0x1A,
        prg16 as u8,
        chr8 as u8,
        (mapper << 4) | (flags6 & 0x0F),
        mapper & 0xF0,
    ];
    f.extend_from_slice(&tail);
    if flags6 & 0x04 != 0 {
        f.extend((0..TRAINER_LEN).map(|i| i as u8));
    }
    f.extend((0..prg16 * 2 * K8).map(|i| (i / K8) as u8));
    f.extend((0..chr8 * K8).map(|i| (i / 1024) as u8));
    f
}

fn ines(mapper: u8, prg16: usize, chr8: usize, flags6: u8) -> Vec<u8> {
    ines_with(mapper, prg16, chr8, flags6, [0; 8])
}

/// A NES 2.0 image with CHR RAM: `prg16` × 16 KiB PRG, PRG RAM / NVRAM shift counts.
fn nes2_chr_ram(mapper: u8, prg16: usize, prg_ram_shift: u8, prg_nvram_shift: u8) -> Vec<u8> {
    let mut f = vec![
        b'N',
        b'E',
        b'S',
        0x1A,
        prg16 as u8,
        0,
        mapper << 4,
        (mapper & 0xF0) | 0x08,
        0,
        (prg16 >> 8) as u8,
        prg_ram_shift | (prg_nvram_shift << 4),
        7, // 8 KiB CHR RAM
        0,
        0,
        0,
        0,
    ];
    f.extend((0..prg16 * 2 * K8).map(|i| (i / K8) as u8));
    f
}

fn load(bytes: &[u8]) -> Cart {
    Cart::from_bytes(bytes).expect("synthetic ROM loads")
}

/// The 8 KiB PRG bank number at each CPU window.
fn prg_banks(c: &Cart) -> [u8; 4] {
    [0x8000, 0xA000, 0xC000, 0xE000].map(|a| c.cpu_read(a + 0x123).expect("ROM"))
}

/// The 1 KiB CHR bank number at each PPU window.
fn chr_banks(c: &Cart) -> [u8; 8] {
    std::array::from_fn(|i| c.chr_read(i as u16 * 0x400 + 0x3F))
}

fn nametables(c: &Cart) -> [usize; 4] {
    [0x2000, 0x2400, 0x2800, 0x2C00].map(|a| c.nametable_offset(a))
}

// ---- NROM ----

#[test]
fn nrom_128_mirrors_prg_and_256_does_not() {
    let c = load(&ines(0, 1, 1, 0));
    assert_eq!(prg_banks(&c), [0, 1, 0, 1]);
    let c = load(&ines(0, 2, 1, 0));
    assert_eq!(prg_banks(&c), [0, 1, 2, 3]);
    assert_eq!(chr_banks(&c), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(c.mapper_number(), 0);
    assert_eq!(c.cpu_read(0xFFFF), Some(3));
}

#[test]
fn nrom_unmapped_is_open_bus_and_chr_rom_is_read_only() {
    let mut c = load(&ines(0, 2, 1, 0));
    for a in [0x4020, 0x5000, 0x5FFF] {
        assert_eq!(c.cpu_read(a), None, "{a:04X}");
    }
    // iNES 1.0 cannot declare "no PRG RAM": the board gets 8 KiB at $6000.
    c.cpu_write(0x6000, 1, 0);
    assert_eq!(c.cpu_read(0x6000), Some(1));
    assert_eq!(c.cpu_read(0x7FFF), Some(0));
    // NES 2.0 is taken at its word: no PRG RAM declared, none mapped.
    let c2 = load(&nes2_chr_ram(0, 2, 0, 0));
    assert_eq!(c2.cpu_read(0x6000), None);
    c.cpu_write(0x8000, 0xFF, 2);
    assert_eq!(prg_banks(&c), [0, 1, 2, 3]);
    c.chr_write(0x0400, 0xAA);
    assert_eq!(c.chr_read(0x0400), 1);
    assert_eq!(c.prg_ram().len(), 8 * 1024);
}

#[test]
fn nrom_prg_ram_when_declared() {
    // iNES byte 8 = 1: 8 KiB PRG RAM.
    let mut c = load(&ines_with(0, 1, 1, 0, [1, 0, 0, 0, 0, 0, 0, 0]));
    c.cpu_write(0x6000, 0x42, 0);
    c.cpu_write(0x7FFF, 0x43, 1);
    assert_eq!(c.cpu_read(0x6000), Some(0x42));
    assert_eq!(c.cpu_read(0x7FFF), Some(0x43));
    assert_eq!(c.prg_ram().len(), K8);
    // Battery bit alone declares it too.
    let c = load(&ines(0, 1, 1, 0x02));
    assert_eq!(c.cpu_read(0x6000), Some(0));
    assert!(c.has_battery());
    // NES 2.0 with 2 KiB (shift 5): repeats through the 8 KiB window.
    let mut f = nes2_chr_ram(0, 1, 5, 0);
    f[11] = 0;
    f[5] = 1;
    f.extend_from_slice(&[0u8; K8]);
    let mut c = load(&f);
    assert_eq!(c.prg_ram().len(), 2048);
    c.cpu_write(0x6001, 9, 0);
    assert_eq!(c.cpu_read(0x6801), Some(9));
    assert_eq!(c.cpu_read(0x7801), Some(9));
}

#[test]
fn chr_ram_is_writable() {
    let mut c = load(&ines(0, 1, 0, 0));
    assert_eq!(c.chr_read(0x1234), 0);
    c.chr_write(0x1234, 0x5A);
    c.chr_write(0x0000, 0x11);
    assert_eq!(c.chr_read(0x1234), 0x5A);
    assert_eq!(c.chr_read(0x0000), 0x11);
    // Address bits above $1FFF are ignored.
    assert_eq!(c.chr_read(0x3234), 0x5A);
}

#[test]
fn trainer_is_loaded_at_7000() {
    let c = load(&ines(0, 1, 1, 0x04));
    for i in [0u16, 1, 255, 511] {
        assert_eq!(c.cpu_read(0x7000 + i), Some(i as u8));
    }
    assert_eq!(c.cpu_read(0x7200), Some(0));
    assert_eq!(prg_banks(&c), [0, 1, 0, 1]);
}

// ---- Mirroring ----

#[test]
fn soldered_mirroring() {
    let c = load(&ines(0, 1, 1, 0));
    assert_eq!(c.mirroring(), Mirroring::Horizontal);
    assert_eq!(nametables(&c), [0, 0, 0x400, 0x400]);
    let c = load(&ines(0, 1, 1, 0x01));
    assert_eq!(c.mirroring(), Mirroring::Vertical);
    assert_eq!(nametables(&c), [0, 0x400, 0, 0x400]);
    // $3000–$3EFF mirrors $2000–$2EFF; offsets within a nametable carry through.
    assert_eq!(c.nametable_offset(0x37FF), 0x7FF);
    assert_eq!(c.nametable_offset(0x2BC0), 0x3C0);
    let c = load(&ines(0, 1, 1, 0x08));
    assert_eq!(c.mirroring(), Mirroring::FourScreen);
    assert_eq!(nametables(&c), [0, 0x400, 0x800, 0xC00]);
    assert!(c.nametable_offset(0x2FFF) < NAMETABLE_RAM_SIZE);
}

// ---- UxROM ----

#[test]
fn uxrom_switches_8000_and_fixes_last_bank() {
    let mut c = load(&ines(2, 8, 0, 0));
    assert_eq!(prg_banks(&c), [0, 1, 14, 15]);
    c.cpu_write(0x8000, 3, 0);
    assert_eq!(prg_banks(&c), [6, 7, 14, 15]);
    c.cpu_write(0xFFFF, 7, 1);
    assert_eq!(prg_banks(&c), [14, 15, 14, 15]);
    // Bank numbers wrap to the ROM size.
    c.cpu_write(0xC000, 9, 2);
    assert_eq!(prg_banks(&c), [2, 3, 14, 15]);
    assert_eq!(c.mapper_number(), 2);
    assert_eq!(
        c.cpu_read(0x6000),
        Some(0),
        "iNES 1.0 implies 8 KiB of PRG RAM"
    );
}

// ---- CNROM ----

#[test]
fn cnrom_switches_8k_chr() {
    let mut c = load(&ines(3, 2, 4, 0));
    assert_eq!(chr_banks(&c), [0, 1, 2, 3, 4, 5, 6, 7]);
    c.cpu_write(0x8000, 2, 0);
    assert_eq!(chr_banks(&c), [16, 17, 18, 19, 20, 21, 22, 23]);
    c.cpu_write(0xFFFF, 7, 1);
    assert_eq!(chr_banks(&c)[0], 24);
    assert_eq!(prg_banks(&c), [0, 1, 2, 3]);
    assert_eq!(c.mapper_number(), 3);
}

// ---- MMC1 ----

/// Loads `val` (5 bits) into the MMC1 register at `addr` with five writes two cycles apart,
/// starting at `*cycle`.
fn mmc1_load(c: &mut Cart, addr: u16, val: u8, cycle: &mut u64) {
    for i in 0..5 {
        c.cpu_write(addr, (val >> i) & 1, *cycle);
        *cycle += 4;
    }
}

#[test]
fn mmc1_power_on_fixes_last_bank() {
    let c = load(&ines(1, 8, 2, 0));
    assert_eq!(prg_banks(&c), [0, 1, 14, 15]);
    assert_eq!(c.mapper_number(), 1);
    // One-screen lower until the control register is written.
    assert_eq!(c.mirroring(), Mirroring::SingleScreenLower);
}

#[test]
fn mmc1_prg_modes() {
    let mut c = load(&ines(1, 8, 2, 0));
    let cy = &mut 10;
    mmc1_load(&mut c, 0xE000, 5, cy);
    assert_eq!(
        prg_banks(&c),
        [10, 11, 14, 15],
        "mode 3: switch $8000, fix last"
    );
    mmc1_load(&mut c, 0x8000, 0b01000, cy);
    assert_eq!(
        prg_banks(&c),
        [0, 1, 10, 11],
        "mode 2: fix first, switch $C000"
    );
    mmc1_load(&mut c, 0x8000, 0b00000, cy);
    assert_eq!(
        prg_banks(&c),
        [8, 9, 10, 11],
        "mode 0: 32 KiB, low bit ignored"
    );
    mmc1_load(&mut c, 0x8000, 0b00100, cy);
    assert_eq!(prg_banks(&c), [8, 9, 10, 11], "mode 1: 32 KiB");
    mmc1_load(&mut c, 0xE000, 2, cy);
    assert_eq!(prg_banks(&c), [4, 5, 6, 7]);
}

#[test]
fn mmc1_chr_modes() {
    let mut c = load(&ines(1, 2, 4, 0)); // 32 KiB CHR: eight 4 KiB banks
    let cy = &mut 0;
    mmc1_load(&mut c, 0x8000, 0b11100, cy); // 4 KiB CHR
    mmc1_load(&mut c, 0xA000, 3, cy);
    mmc1_load(&mut c, 0xC000, 6, cy);
    assert_eq!(chr_banks(&c), [12, 13, 14, 15, 24, 25, 26, 27]);
    mmc1_load(&mut c, 0x8000, 0b01100, cy); // 8 KiB CHR: CHR1 ignored, CHR0 bit 0 ignored
    assert_eq!(chr_banks(&c), [8, 9, 10, 11, 12, 13, 14, 15]);
    mmc1_load(&mut c, 0xA000, 5 | 0x10, cy); // wraps to the CHR size
    assert_eq!(chr_banks(&c), [16, 17, 18, 19, 20, 21, 22, 23]);
}

#[test]
fn mmc1_mirroring() {
    let mut c = load(&ines(1, 2, 2, 0));
    let cy = &mut 0;
    for (bits, m, nt) in [
        (0, Mirroring::SingleScreenLower, [0, 0, 0, 0]),
        (1, Mirroring::SingleScreenUpper, [0x400; 4]),
        (2, Mirroring::Vertical, [0, 0x400, 0, 0x400]),
        (3, Mirroring::Horizontal, [0, 0, 0x400, 0x400]),
    ] {
        mmc1_load(&mut c, 0x9FFF, 0x0C | bits, cy);
        assert_eq!(c.mirroring(), m);
        assert_eq!(nametables(&c), nt);
    }
}

#[test]
fn mmc1_register_selected_by_last_write_address() {
    let mut c = load(&ines(1, 8, 2, 0));
    // Four bits to $8000, the fifth to $E000: the PRG register gets the value.
    for (i, addr) in [0x8000, 0x8000, 0xA000, 0xC000, 0xE000]
        .into_iter()
        .enumerate()
    {
        c.cpu_write(addr, (3 >> i) & 1, i as u64 * 3);
    }
    assert_eq!(prg_banks(&c), [6, 7, 14, 15]);
}

#[test]
fn mmc1_reset_bit_clears_shift_register_and_sets_mode_3() {
    let mut c = load(&ines(1, 8, 2, 0));
    let cy = &mut 0;
    mmc1_load(&mut c, 0x8000, 0b00000, cy); // 32 KiB mode
    assert_eq!(prg_banks(&c), [0, 1, 2, 3]);
    // Three stray bits, then a reset: mode 3 again, and the next five bits start afresh.
    for _ in 0..3 {
        c.cpu_write(0x8000, 1, *cy);
        *cy += 2;
    }
    c.cpu_write(0x8000, 0x80, *cy);
    *cy += 2;
    assert_eq!(prg_banks(&c), [0, 1, 14, 15]);
    mmc1_load(&mut c, 0xE000, 1, cy);
    assert_eq!(prg_banks(&c), [2, 3, 14, 15]);
    // The reset bit keeps the other control bits (here: vertical mirroring, 4 KiB CHR).
    mmc1_load(&mut c, 0x8000, 0b10010, cy);
    c.cpu_write(0x8000, 0xFF, *cy);
    *cy += 2;
    assert_eq!(c.mirroring(), Mirroring::Vertical);
    assert_eq!(prg_banks(&c), [2, 3, 14, 15]);
}

#[test]
fn mmc1_ignores_write_on_the_next_cycle() {
    let mut c = load(&ines(1, 8, 2, 0));
    // Bits 1,0,1 for the PRG register, each followed by a back-to-back write of the
    // opposite bit (a read-modify-write's second write) that must be ignored.
    let mut cy = 100;
    for bit in [1u8, 0, 1, 0, 0] {
        c.cpu_write(0xE000, bit, cy);
        c.cpu_write(0xE000, bit ^ 1, cy + 1);
        cy += 10;
    }
    assert_eq!(prg_banks(&c), [10, 11, 14, 15]);
    // Two cycles apart both count.
    let mut c = load(&ines(1, 8, 2, 0));
    for (i, bit) in [1u8, 1, 0, 0, 0].into_iter().enumerate() {
        c.cpu_write(0xE000, bit, 50 + 2 * i as u64);
    }
    assert_eq!(prg_banks(&c), [6, 7, 14, 15]);
}

#[test]
fn mmc1_inc_on_rom_resets_once() {
    // Tetris's idiom: INC $8000 where the ROM byte has bit 7 set. The 6502 writes the old
    // value ($80: reset) then, on the next cycle, the new one ($81: would shift in a 1).
    let mut c = load(&ines(1, 8, 2, 0));
    let cy = &mut 0;
    mmc1_load(&mut c, 0x8000, 0, cy);
    c.cpu_write(0xE000, 1, *cy); // one stray bit pending
    *cy += 3;
    c.cpu_write(0x8000, 0x80, *cy);
    c.cpu_write(0x8000, 0x81, *cy + 1);
    *cy += 3;
    // Had the second write counted it would be bit 0 of the next load.
    mmc1_load(&mut c, 0xE000, 0b00110, cy);
    assert_eq!(prg_banks(&c), [12, 13, 14, 15]);
}

#[test]
fn mmc1_prg_ram_enable_bit() {
    let mut c = load(&ines(1, 2, 2, 0));
    assert_eq!(c.prg_ram().len(), K8, "iNES MMC1 defaults to 8 KiB PRG RAM");
    c.cpu_write(0x6000, 0x77, 0);
    assert_eq!(c.cpu_read(0x6000), Some(0x77));
    let cy = &mut 10;
    mmc1_load(&mut c, 0xE000, 0x10, cy);
    assert_eq!(c.cpu_read(0x6000), None);
    c.cpu_write(0x6000, 0x11, *cy);
    *cy += 2;
    mmc1_load(&mut c, 0xE000, 0x00, cy);
    assert_eq!(
        c.cpu_read(0x6000),
        Some(0x77),
        "writes while disabled are dropped"
    );
}

#[test]
fn mmc1_no_prg_ram_when_nes2_says_none() {
    let c = load(&nes2_chr_ram(1, 2, 0, 0));
    assert_eq!(c.cpu_read(0x6000), None);
}

#[test]
fn snrom_chr_bit_4_disables_prg_ram() {
    let mut c = load(&nes2_chr_ram(1, 16, 0, 7)); // 256 KiB, 8 KiB NVRAM, 8 KiB CHR RAM
    let cy = &mut 0;
    c.cpu_write(0x6000, 5, 0);
    assert_eq!(c.cpu_read(0x6000), Some(5));
    mmc1_load(&mut c, 0xA000, 0x10, cy);
    assert_eq!(c.cpu_read(0x6000), None);
    // Bit 4 does not reach the 256 KiB PRG: there is only one.
    assert_eq!(prg_banks(&c), [0, 1, 30, 31]);
}

#[test]
fn surom_outer_bank() {
    let mut c = load(&nes2_chr_ram(1, 32, 0, 7)); // 512 KiB
    let cy = &mut 0;
    assert_eq!(prg_banks(&c), [0, 1, 30, 31]);
    mmc1_load(&mut c, 0xE000, 2, cy);
    mmc1_load(&mut c, 0xA000, 0x10, cy);
    assert_eq!(
        prg_banks(&c),
        [36, 37, 62, 63],
        "both halves move to the upper 256 KiB"
    );
    mmc1_load(&mut c, 0x8000, 0b01000, cy); // mode 2: first bank of the outer bank fixed
    assert_eq!(prg_banks(&c), [32, 33, 36, 37]);
    assert_eq!(c.cpu_read(0x6000), Some(0), "no SNROM disable on SUROM");
}

#[test]
fn sxrom_and_sorom_prg_ram_banks() {
    // SXROM: 32 KiB PRG RAM, bits 2–3 of CHR bank 0.
    let mut c = load(&nes2_chr_ram(1, 32, 0, 9));
    assert_eq!(c.prg_ram().len(), 32 * 1024);
    let cy = &mut 0;
    for bank in 0..4u8 {
        mmc1_load(&mut c, 0xA000, bank << 2, cy);
        c.cpu_write(0x6000, 0xA0 + bank, *cy);
        *cy += 2;
    }
    for bank in 0..4u8 {
        assert_eq!(c.prg_ram()[usize::from(bank) * K8], 0xA0 + bank);
    }
    mmc1_load(&mut c, 0xA000, 2 << 2, cy);
    assert_eq!(c.cpu_read(0x6000), Some(0xA2));
    // SOROM: 8 KiB RAM + 8 KiB NVRAM, bit 3.
    let mut c = load(&nes2_chr_ram(1, 16, 7, 7));
    assert_eq!(c.prg_ram().len(), 16 * 1024);
    mmc1_load(&mut c, 0xA000, 0x08, cy);
    c.cpu_write(0x6000, 0x55, *cy);
    assert_eq!(c.prg_ram()[K8], 0x55);
}

#[test]
fn mmc1_submapper_5_fixes_prg() {
    let mut f = ines(1, 2, 1, 0);
    f[7] |= 0x08; // NES 2.0
    f[8] = 0x50;
    let mut c = load(&f);
    let cy = &mut 0;
    mmc1_load(&mut c, 0xE000, 1, cy);
    assert_eq!(prg_banks(&c), [0, 1, 2, 3]);
}

// ---- Whole cartridge ----

#[test]
fn hashes_and_hex() {
    let f = ines(1, 2, 2, 0);
    let c = load(&f);
    assert_eq!(c.crc32(), crc32fast::hash(&f));
    assert_eq!(c.sha1(), <[u8; 20]>::from(Sha1::digest(&f)));
    assert_eq!(c.rom_crc32(), crc32fast::hash(&f[16..]));
    assert_eq!(hex(&[0x77, 0x0b, 0xff]), "770bff");
    // Trailing bytes change the file hash, not the ROM hash, and are reported.
    let mut g = f.clone();
    g.extend_from_slice(b"title");
    let d = load(&g);
    assert_eq!(d.header().trailing_bytes, 5);
    assert_eq!(d.rom_sha1(), c.rom_sha1());
    assert_ne!(d.sha1(), c.sha1());
}

#[test]
fn clones_share_rom_and_copy_state() {
    let mut a = load(&ines(1, 2, 0, 0));
    let b = a.clone();
    assert!(Arc::ptr_eq(&a.prg, &b.prg));
    assert!(Arc::ptr_eq(&a.info, &b.info));
    a.chr_write(0, 1);
    a.cpu_write(0x6000, 2, 0);
    assert_eq!((b.chr_read(0), b.cpu_read(0x6000)), (0, Some(0)));
}

#[test]
fn state_round_trip() {
    let mut c = load(&ines(1, 8, 0, 0));
    let cy = &mut 0;
    mmc1_load(&mut c, 0xE000, 3, cy);
    c.cpu_write(0x6123, 0x99, *cy);
    c.chr_write(0x0042, 0x24);
    let saved = c.state();
    let before = (prg_banks(&c), c.mirroring());
    mmc1_load(&mut c, 0xE000, 5, cy);
    mmc1_load(&mut c, 0x8000, 0b00010, cy);
    c.cpu_write(0x6123, 0, *cy);
    c.chr_write(0x0042, 0);
    c.set_state(&saved).expect("same cartridge");
    assert_eq!((prg_banks(&c), c.mirroring()), before);
    assert_eq!(c.cpu_read(0x6123), Some(0x99));
    assert_eq!(c.chr_read(0x0042), 0x24);
    let mut out = load(&ines(0, 1, 1, 0)).state();
    c.save_state_into(&mut out);
    assert_eq!(out, saved);

    // Another board, or other memory sizes, are refused.
    let mut nrom = load(&ines(0, 1, 0, 0));
    assert!(matches!(
        nrom.set_state(&saved),
        Err(CartError::StateMapper { state: 1, cart: 0 })
    ));
    let mut chr_rom = load(&ines(1, 8, 2, 0));
    let e = chr_rom.set_state(&saved).expect_err("CHR RAM size differs");
    assert!(matches!(
        e,
        CartError::StateSize {
            what: "CHR RAM",
            expected: 0,
            actual: 8192
        }
    ));
    let mut no_ram = load(&nes2_chr_ram(1, 8, 0, 0));
    assert!(matches!(
        no_ram.set_state(&saved),
        Err(CartError::StateSize {
            what: "PRG RAM",
            ..
        })
    ));
}

#[test]
fn nes2_odd_prg_size_is_mirrored_up() {
    // Exponent-multiplier PRG: 2^13 × 3 = 24 KiB, mirrored to 32 KiB.
    let mut f = nes2_chr_ram(0, 0, 0, 0);
    f[4] = 13 << 2 | 1;
    f[9] = 0x0F;
    f.extend((0..3 * K8).map(|i| (i / K8) as u8));
    let c = load(&f);
    assert_eq!(c.header().prg_rom_size, 3 * K8 as u64);
    assert_eq!(prg_banks(&c), [0, 1, 2, 0]);
}

#[test]
fn load_errors() {
    assert!(matches!(
        Cart::from_bytes(&ines(0, 0, 1, 0)),
        Err(CartError::ZeroPrg)
    ));
    let e = Cart::from_bytes(&ines(4, 2, 2, 0)).expect_err("MMC3");
    assert!(matches!(
        e,
        CartError::UnsupportedMapper {
            mapper: 4,
            submapper: 0
        }
    ));
    assert_eq!(e.to_string(), "unsupported mapper 4 (submapper 0)");
    let mut f = ines(1, 2, 2, 0);
    f[7] |= 0x08;
    f[8] = 0x30; // MMC1A
    assert!(matches!(
        Cart::from_bytes(&f),
        Err(CartError::UnsupportedMapper {
            mapper: 1,
            submapper: 3
        })
    ));
    let mut f = ines(0, 2, 1, 0);
    f.truncate(f.len() - 1);
    assert!(matches!(
        Cart::from_bytes(&f),
        Err(CartError::Truncated {
            section: Section::ChrRom,
            expected: 8192,
            actual: 8191
        })
    ));
    assert!(matches!(
        Cart::from_bytes(b"NES\x1A\x01"),
        Err(CartError::TooShort { len: 5 })
    ));
    assert!(matches!(
        Cart::from_bytes(b"\x7FELF0123456789abcdef"),
        Err(CartError::BadMagic { .. })
    ));
}

/// Deterministic xorshift64 for the fuzz test.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn random_and_mutated_files_never_panic() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let seeds = [
        ines(0, 1, 1, 0),
        ines(1, 2, 2, 0),
        ines(2, 4, 0, 1),
        ines(3, 2, 4, 8),
        ines(0, 1, 1, 4),
        nes2_chr_ram(1, 32, 0, 9),
    ];
    let mut loaded = 0;
    for i in 0..6000 {
        let mut f = seeds[i % seeds.len()].clone();
        match rng.below(4) {
            // Random header bytes, keeping the magic most of the time.
            0 => {
                for b in &mut f[4..16] {
                    *b = rng.next() as u8;
                }
                if rng.below(4) == 0 {
                    f[9] |= 0x0F; // exponent-multiplier PRG
                }
                if rng.below(8) == 0 {
                    f[rng.below(4) as usize] ^= 1 << rng.below(8);
                }
            }
            // A few flipped bits in the header.
            1 => {
                for _ in 0..rng.below(4) + 1 {
                    f[rng.below(16) as usize] ^= 1 << rng.below(8);
                }
            }
            // Truncated anywhere.
            2 => f.truncate(rng.below(f.len() as u64 + 1) as usize),
            // Small mapper numbers with random sizes, then trailing junk or a cut.
            _ => {
                f[4] = rng.below(4) as u8;
                f[5] = rng.below(3) as u8;
                f[6] = (rng.below(4) as u8) << 4 | rng.next() as u8 & 0x0F;
                f[7] = if rng.below(2) == 0 { 0 } else { 0x08 };
                f[8] = rng.next() as u8 & 0x5F;
                f[10] = rng.next() as u8;
                f[11] = rng.next() as u8;
                let len = (f.len() as u64 + rng.below(70_000)).saturating_sub(35_000);
                f.resize(len.max(16) as usize, 0xEA);
            }
        }
        if let Ok(mut c) = Cart::from_bytes(&f) {
            loaded += 1;
            for _ in 0..64 {
                let addr = 0x4020 + rng.below(0x10000 - 0x4020) as u16;
                let cycle = rng.below(200);
                c.cpu_write(addr, rng.next() as u8, cycle);
                let _ = c.cpu_read(addr);
                let _ = c.cpu_read(0x8000 | rng.next() as u16);
                c.chr_write(rng.next() as u16, 1);
                let _ = c.chr_read(rng.next() as u16);
                assert!(c.nametable_offset(rng.next() as u16) < NAMETABLE_RAM_SIZE);
            }
            let s = c.state();
            c.set_state(&s).expect("own state");
        } else {
            // Every error formats.
            let _ = Cart::from_bytes(&f).map_err(|e| e.to_string());
        }
    }
    assert!(loaded > 500, "only {loaded} of the inputs loaded");
}
