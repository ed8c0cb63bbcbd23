//! The 16-byte header of `.nes` files: iNES 1.0 and NES 2.0.
//!
//! Layout (byte: meaning), after the magic `NES` $1A:
//! - 4 / 5: PRG ROM in 16 KiB units / CHR ROM in 8 KiB units (0 = the board has CHR RAM);
//! - 6: mirroring (bit 0, 1 = vertical), battery (bit 1), 512-byte trainer (bit 2),
//!   four-screen VRAM (bit 3), mapper bits 0–3 (bits 4–7);
//! - 7: console type (bits 0–1), format (bits 2–3: %10 = NES 2.0), mapper bits 4–7;
//! - iNES 1.0: 8 = PRG RAM in 8 KiB units (0 means 8 KiB), 9 bit 0 = PAL, 10–15 unused;
//! - NES 2.0: 8 = mapper bits 8–11 and submapper, 9 = ROM size high nibbles (nibble $F
//!   switches the size byte to exponent-multiplier notation `2^E × (2M+1)` bytes),
//!   10 / 11 = PRG / CHR (NV)RAM as shift counts (`64 << n` bytes, 0 = none),
//!   12 = CPU/PPU timing.
//!
//! Old dumps often carry a ripper's tag such as `DiskDude!` in bytes 7–15. Like the common
//! loaders, a header that is not NES 2.0 and has anything in bytes 12–15 (or the archaic
//! format bits %01 in byte 7) is taken as such garbage: byte 7 and bytes 8–15 are ignored,
//! so the mapper is just the low nibble from byte 6.
//!
//! <https://www.nesdev.org/wiki/INES>, <https://www.nesdev.org/wiki/NES_2.0>

use super::error::{CartError, Result, Section};
use super::Mirroring;
use serde::Serialize;

/// Header length in bytes.
pub const HEADER_LEN: usize = 16;
/// Trainer length in bytes (loaded at $7000 when present).
pub const TRAINER_LEN: usize = 512;
const MAGIC: [u8; 4] = *b"NES\x1A";

/// Which header format a file uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum HeaderFormat {
    /// iNES 1.0 (bytes 8–15 as the original iNES emulator read them).
    INes,
    /// iNES with garbage in bytes 7–15 (a "DiskDude!"-style tag): only bytes 4–6 are used.
    INesDirty,
    /// NES 2.0.
    Nes2,
}

/// The video system a game was made for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Timing {
    Ntsc,
    Pal,
    /// Runs on both (NES 2.0 only).
    MultiRegion,
    /// The Dendy famiclone (NES 2.0 only).
    Dendy,
}

/// Everything the header of a `.nes` file says, with sizes in bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Header {
    pub format: HeaderFormat,
    /// Mapper number (12 bits with NES 2.0, 8 bits with iNES, 4 with a dirty iNES header).
    pub mapper: u16,
    /// NES 2.0 submapper (0 for iNES).
    pub submapper: u8,
    pub prg_rom_size: u64,
    /// 0 when the board has CHR RAM instead.
    pub chr_rom_size: u64,
    /// Volatile PRG RAM at $6000 (iNES: byte 8 × 8 KiB, 8 KiB when byte 8 is 0, unless battery).
    pub prg_ram_size: u64,
    /// Battery-backed PRG RAM (iNES: the whole PRG RAM when the battery bit is set).
    pub prg_nvram_size: u64,
    /// Volatile CHR RAM (iNES: 8 KiB when there is no CHR ROM).
    pub chr_ram_size: u64,
    pub chr_nvram_size: u64,
    /// The soldered mirroring: horizontal, vertical or four-screen (mappers may override).
    pub mirroring: Mirroring,
    pub battery: bool,
    pub trainer: bool,
    /// Byte 7 bits 0–1: 0 NES/Famicom, 1 Vs. System, 2 PlayChoice-10, 3 extended.
    pub console_type: u8,
    pub timing: Timing,
    /// Whether the PRG RAM size comes from the file (NES 2.0, or an iNES header with byte 8
    /// or the battery bit set) rather than iNES's "8 KiB if in doubt" rule. Boards that
    /// normally have no PRG RAM (NROM, UxROM, CNROM) map it only when this is set.
    pub prg_ram_declared: bool,
    /// Bytes after the PRG and CHR data that the header does not account for (allowed,
    /// ignored: often a title or padding).
    pub trailing_bytes: u64,
}

impl Header {
    /// Parses the header of a whole `.nes` file and checks that the file holds every
    /// section the header declares.
    pub fn parse(file: &[u8]) -> Result<Header> {
        let start = &file[..file.len().min(MAGIC.len())];
        if !MAGIC.starts_with(start) {
            return Err(CartError::BadMagic {
                found: start.to_vec(),
            });
        }
        if file.len() < HEADER_LEN {
            return Err(CartError::TooShort { len: file.len() });
        }
        let b = &file[..HEADER_LEN];
        let nes2 = b[7] & 0x0C == 0x08;
        let dirty = !nes2 && (b[7] & 0x0C != 0 || b[12..16].iter().any(|&x| x != 0));
        // A dirty header keeps only bytes 4–6.
        let mut h = [0u8; HEADER_LEN];
        h.copy_from_slice(b);
        if dirty {
            h[7..].fill(0);
        }

        let battery = h[6] & 0x02 != 0;
        let trainer = h[6] & 0x04 != 0;
        let mirroring = if h[6] & 0x08 != 0 {
            Mirroring::FourScreen
        } else if h[6] & 0x01 != 0 {
            Mirroring::Vertical
        } else {
            Mirroring::Horizontal
        };
        let mapper_low = u16::from(h[6] >> 4) | u16::from(h[7] & 0xF0);

        let mut header = if nes2 {
            let prg_rom_size = nes2_rom_size(h[4], h[9] & 0x0F, 16 * 1024, Section::PrgRom)?;
            let chr_rom_size = nes2_rom_size(h[5], h[9] >> 4, 8 * 1024, Section::ChrRom)?;
            Header {
                format: HeaderFormat::Nes2,
                mapper: mapper_low | (u16::from(h[8] & 0x0F) << 8),
                submapper: h[8] >> 4,
                prg_rom_size,
                chr_rom_size,
                prg_ram_size: shift_size(h[10] & 0x0F),
                prg_nvram_size: shift_size(h[10] >> 4),
                chr_ram_size: shift_size(h[11] & 0x0F),
                chr_nvram_size: shift_size(h[11] >> 4),
                mirroring,
                battery,
                trainer,
                console_type: h[7] & 0x03,
                timing: match h[12] & 0x03 {
                    0 => Timing::Ntsc,
                    1 => Timing::Pal,
                    2 => Timing::MultiRegion,
                    _ => Timing::Dendy,
                },
                prg_ram_declared: true,
                trailing_bytes: 0,
            }
        } else {
            let chr_rom_size = u64::from(h[5]) * 8 * 1024;
            let prg_ram = u64::from(h[8].max(1)) * 8 * 1024;
            Header {
                format: if dirty {
                    HeaderFormat::INesDirty
                } else {
                    HeaderFormat::INes
                },
                mapper: mapper_low,
                submapper: 0,
                prg_rom_size: u64::from(h[4]) * 16 * 1024,
                chr_rom_size,
                prg_ram_size: if battery { 0 } else { prg_ram },
                prg_nvram_size: if battery { prg_ram } else { 0 },
                chr_ram_size: if chr_rom_size == 0 { 8 * 1024 } else { 0 },
                chr_nvram_size: 0,
                mirroring,
                battery,
                trainer,
                console_type: h[7] & 0x03,
                timing: if h[9] & 0x01 != 0 {
                    Timing::Pal
                } else {
                    Timing::Ntsc
                },
                prg_ram_declared: battery || h[8] != 0,
                trailing_bytes: 0,
            }
        };

        // Every section must be there in full; extra bytes at the end are fine.
        let mut pos = HEADER_LEN as u64;
        let len = file.len() as u64;
        let sections = [
            (
                Section::Trainer,
                if trainer { TRAINER_LEN as u64 } else { 0 },
            ),
            (Section::PrgRom, header.prg_rom_size),
            (Section::ChrRom, header.chr_rom_size),
        ];
        for (section, size) in sections {
            let actual = len.saturating_sub(pos);
            if actual < size {
                return Err(CartError::Truncated {
                    section,
                    expected: size,
                    actual,
                });
            }
            pos += size;
        }
        header.trailing_bytes = len - pos;
        Ok(header)
    }

    /// Offset of the PRG ROM in the file.
    #[must_use]
    pub fn prg_offset(&self) -> usize {
        HEADER_LEN + if self.trainer { TRAINER_LEN } else { 0 }
    }

    /// PRG RAM of both kinds, in bytes.
    #[must_use]
    pub fn prg_ram_total(&self) -> u64 {
        self.prg_ram_size + self.prg_nvram_size
    }

    /// CHR RAM of both kinds, in bytes.
    #[must_use]
    pub fn chr_ram_total(&self) -> u64 {
        self.chr_ram_size + self.chr_nvram_size
    }
}

/// `64 << n` bytes, or 0 for a shift count of 0.
fn shift_size(n: u8) -> u64 {
    if n == 0 {
        0
    } else {
        64 << n
    }
}

/// A NES 2.0 ROM size: `lsb` plus the high nibble `msb` in `unit`s, or with `msb` = $F the
/// exponent-multiplier form `2^E × (2M+1)` bytes where `lsb` = %EEEEEEMM.
fn nes2_rom_size(lsb: u8, msb: u8, unit: u64, section: Section) -> Result<u64> {
    if msb == 0x0F {
        let exponent = u32::from(lsb >> 2);
        let multiplier = u64::from(lsb & 0x03) * 2 + 1;
        1u64.checked_shl(exponent)
            .and_then(|p| p.checked_mul(multiplier))
            .ok_or(CartError::SizeOverflow { section })
    } else {
        Ok((u64::from(msb) << 8 | u64::from(lsb)) * unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(header: [u8; 16], body: usize) -> Vec<u8> {
        let mut f = header.to_vec();
        f.resize(16 + body, 0);
        f
    }

    #[test]
    fn ines_tetris_header() {
        let h = Header::parse(&file(
            [
                b'N', b'E', b'S', 0x1A, 2, 2, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            ],
            0xC000,
        ))
        .expect("valid");
        assert_eq!(h.format, HeaderFormat::INes);
        assert_eq!((h.mapper, h.submapper), (1, 0));
        assert_eq!((h.prg_rom_size, h.chr_rom_size), (0x8000, 0x4000));
        assert_eq!((h.prg_ram_size, h.prg_nvram_size), (0x2000, 0));
        assert!(!h.prg_ram_declared);
        assert_eq!(h.chr_ram_total(), 0);
        assert_eq!(h.mirroring, Mirroring::Horizontal);
        assert_eq!(h.trailing_bytes, 0);
        assert_eq!(h.timing, Timing::Ntsc);
    }

    #[test]
    fn ines_flags() {
        // Vertical, battery, trainer, mapper $23, 2 × 8 KiB PRG RAM, PAL.
        let h = Header::parse(&file(
            [
                b'N', b'E', b'S', 0x1A, 1, 0, 0x37, 0x20, 2, 1, 0, 0, 0, 0, 0, 0,
            ],
            512 + 0x4000 + 7,
        ))
        .expect("valid");
        assert_eq!(h.mapper, 0x23);
        assert!(h.battery && h.trainer && h.prg_ram_declared);
        assert_eq!((h.prg_ram_size, h.prg_nvram_size), (0, 0x4000));
        assert_eq!(h.chr_ram_size, 0x2000);
        assert_eq!(h.mirroring, Mirroring::Vertical);
        assert_eq!(h.timing, Timing::Pal);
        assert_eq!(h.trailing_bytes, 7);
        assert_eq!(h.prg_offset(), 16 + 512);
    }

    #[test]
    fn four_screen_overrides_mirroring_bit() {
        let h = Header::parse(&file(
            [
                b'N', b'E', b'S', 0x1A, 1, 1, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            ],
            0x6000,
        ))
        .expect("valid");
        assert_eq!(h.mirroring, Mirroring::FourScreen);
    }

    #[test]
    fn diskdude_garbage_is_ignored() {
        let mut header = [0u8; 16];
        header[..4].copy_from_slice(b"NES\x1A");
        header[4] = 2;
        header[5] = 1;
        header[6] = 0x21; // mapper 2, vertical
        header[7..16].copy_from_slice(b"DiskDude!");
        let h = Header::parse(&file(header, 0xA000)).expect("valid");
        assert_eq!(h.format, HeaderFormat::INesDirty);
        assert_eq!(h.mapper, 2);
        assert_eq!(h.prg_ram_size, 0x2000);
        assert!(!h.prg_ram_declared);
        assert_eq!(h.console_type, 0);

        // Garbage only in bytes 12–15 also clears the upper nibble.
        let mut header2 = [
            b'N', b'E', b'S', 0x1A, 1, 1, 0x10, 0x40, 0, 0, 0, 0, 1, 2, 3, 4,
        ];
        let h = Header::parse(&file(header2, 0x6000)).expect("valid");
        assert_eq!(h.mapper, 1);
        header2[12..].fill(0);
        let h = Header::parse(&file(header2, 0x6000)).expect("valid");
        assert_eq!((h.format, h.mapper), (HeaderFormat::INes, 0x41));
    }

    #[test]
    fn nes2_fields() {
        // Mapper $A51 submapper 3, battery, PRG $105 × 16 KiB, no CHR ROM, PRG RAM 64<<7,
        // PRG NVRAM 64<<6, CHR RAM 64<<7, CHR NVRAM 64<<1, Dendy timing.
        let header = [
            b'N', b'E', b'S', 0x1A, 0x05, 0x00, 0x12, 0x58, 0x3A, 0x01, 0x67, 0x17, 0x03, 0, 0, 0,
        ];
        let prg = 0x105 * 0x4000;
        let h = Header::parse(&file(header, prg)).expect("valid");
        assert_eq!(h.format, HeaderFormat::Nes2);
        assert_eq!((h.mapper, h.submapper), (0xA51, 3));
        assert_eq!(h.prg_rom_size, prg as u64);
        assert_eq!(h.chr_rom_size, 0);
        assert_eq!((h.prg_ram_size, h.prg_nvram_size), (64 << 7, 64 << 6));
        assert_eq!((h.chr_ram_size, h.chr_nvram_size), (64 << 7, 64 << 1));
        assert_eq!(h.timing, Timing::Dendy);
        assert!(h.battery);
        assert_eq!(h.mirroring, Mirroring::Horizontal);
    }

    #[test]
    fn nes2_exponent_multiplier() {
        // PRG: E=14, M=1 → 3 × 16 KiB; CHR: E=10, M=0 → 1 KiB.
        let header = [
            b'N',
            b'E',
            b'S',
            0x1A,
            14 << 2 | 1,
            10 << 2,
            0,
            0x08,
            0,
            0xFF,
            0,
            0,
            0,
            0,
            0,
            0,
        ];
        let h = Header::parse(&file(header, 3 * 0x4000 + 0x400)).expect("valid");
        assert_eq!((h.prg_rom_size, h.chr_rom_size), (3 * 0x4000, 0x400));
        // E=63, M=3: 7 × 2^63 does not fit.
        let header = [
            b'N', b'E', b'S', 0x1A, 0xFF, 0, 0, 0x08, 0, 0x0F, 0, 0, 0, 0, 0, 0,
        ];
        assert!(matches!(
            Header::parse(&file(header, 0)),
            Err(CartError::SizeOverflow {
                section: Section::PrgRom
            })
        ));
    }

    #[test]
    fn errors() {
        assert!(matches!(
            Header::parse(b"NES"),
            Err(CartError::TooShort { len: 3 })
        ));
        assert!(matches!(
            Header::parse(b""),
            Err(CartError::TooShort { len: 0 })
        ));
        assert!(matches!(
            Header::parse(b"PK\x03"),
            Err(CartError::BadMagic { .. })
        ));
        assert!(matches!(
            Header::parse(&[0u8; 40]),
            Err(CartError::BadMagic { .. })
        ));
        let header = [
            b'N', b'E', b'S', 0x1A, 2, 1, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        let e = Header::parse(&file(header, 100)).expect_err("truncated trainer");
        assert!(matches!(
            e,
            CartError::Truncated {
                section: Section::Trainer,
                expected: 512,
                actual: 100
            }
        ));
        let e = Header::parse(&file(header, 512 + 0x8000 - 1)).expect_err("truncated PRG");
        assert!(matches!(
            e,
            CartError::Truncated {
                section: Section::PrgRom,
                expected: 0x8000,
                actual: 0x7FFF
            }
        ));
        assert_eq!(
            e.to_string(),
            "PRG ROM truncated: the header says 32768 bytes, the file holds 32767"
        );
        let e = Header::parse(&file(header, 512 + 0x8000 + 10)).expect_err("truncated CHR");
        assert!(matches!(
            e,
            CartError::Truncated {
                section: Section::ChrRom,
                expected: 0x2000,
                actual: 10
            }
        ));
    }
}
