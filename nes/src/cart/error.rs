//! Why a file cannot be used as a cartridge, or a saved cartridge state cannot be restored.
//!
//! Every check that a malformed file can fail ends in one of these variants: nothing in
//! `cart` panics on bad input (the fuzz test in `cart::tests` holds it to that).

use std::fmt;

/// Which part of an iNES file a size or truncation error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Trainer,
    PrgRom,
    ChrRom,
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Section::Trainer => "trainer",
            Section::PrgRom => "PRG ROM",
            Section::ChrRom => "CHR ROM",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CartError {
    #[error("not an iNES file: the first bytes are {found:02X?}, expected \"NES\" $1A")]
    BadMagic { found: Vec<u8> },
    #[error("file is {len} bytes, shorter than the 16-byte iNES header")]
    TooShort { len: usize },
    #[error("{section} truncated: the header says {expected} bytes, the file holds {actual}")]
    Truncated {
        section: Section,
        expected: u64,
        actual: u64,
    },
    #[error("{section} size in the NES 2.0 header does not fit in 64 bits")]
    SizeOverflow { section: Section },
    #[error("the header declares no PRG ROM")]
    ZeroPrg,
    #[error("unsupported mapper {mapper} (submapper {submapper})")]
    UnsupportedMapper { mapper: u16, submapper: u8 },
    #[error("save state is for mapper {state}, this cartridge is mapper {cart}")]
    StateMapper { state: u16, cart: u16 },
    #[error("save state {what} is {actual} bytes, this cartridge has {expected}")]
    StateSize {
        what: &'static str,
        expected: usize,
        actual: usize,
    },
}

/// `Result` with a [`CartError`].
pub type Result<T, E = CartError> = std::result::Result<T, E>;
