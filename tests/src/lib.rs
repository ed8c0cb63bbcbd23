//! Shared machinery of the conformance suites, also used by `tetris-nes conformance`.
//!
//! [`run_test_rom`] runs a test ROM it may never have seen and reads its verdict the way the
//! test-ROM authors document it:
//! - the $6000 protocol of blargg's newer ROMs: the signature `DE B0 61` at $6001–$6003, a
//!   status at $6000 ($80 running, $81 "press reset", otherwise the result code, 0 = pass)
//!   and a NUL-terminated text from $6004;
//! - otherwise the text the ROM draws in the nametable (blargg's 2005 suites, branch and CPU
//!   timing tests), read once it has stopped changing.
//!
//! [`accuracycoin`] runs AccuracyCoin's 136 tests and reads each verdict from RAM.
//!
//! [`trace`] produces nestest.log-format CPU traces of the whole console.
//!
//! [`banked`] assembles small bank-switching ROMs (UxROM, MMC1 PRG modes) for the fast-path
//! equivalence tests.
//!
//! [`fuzz`] holds the fuzz targets' bodies, shared by cargo-fuzz and the corpus regression
//! test.
//!
//! [`find_test_roms`] locates `../shared/test-roms` (or `$NES_TEST_ROMS`),
//! [`find_accuracycoin`] AccuracyCoin (or `$NES_ACCURACYCOIN`).

pub mod accuracycoin;
pub mod banked;
pub mod fuzz;
pub mod testrom;
pub mod trace;

pub use testrom::{
    find_accuracycoin, find_test_roms, require_data, run_test_rom, run_test_rom_with, screen_text,
    tetris_rom, Limits, Outcome, Status,
};
