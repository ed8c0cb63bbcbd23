//! `tetris-nes rom info FILE [--json]`: a ROM's header fields, mapper, sizes and checksums, and
//! whether it is the NES Tetris ROM the environment supports.

use crate::output::{outln, Stdout};
use crate::CliError;
use nes::cart::hex;
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;
use tetris_env::rom::{is_supported_tetris, TETRIS_SHA1};

#[derive(Debug, Serialize)]
struct Info<'a> {
    file: String,
    header: &'a nes::cart::Header,
    mapper_name: &'static str,
    sha1: String,
    crc32: String,
    rom_sha1: String,
    rom_crc32: String,
    supported_tetris: bool,
}

/// The board family of a mapper number, for the mappers this emulator runs.
fn mapper_name(mapper: u16) -> &'static str {
    match mapper {
        0 => "NROM",
        1 => "MMC1 (SxROM)",
        2 => "UxROM",
        3 => "CNROM",
        _ => "unsupported",
    }
}

pub fn info(path: &Path, json: bool) -> Result<ExitCode, CliError> {
    let cart = crate::rom_path::load_cart_file(path)?;
    let h = cart.header();
    let info = Info {
        file: path.to_string_lossy().into_owned(),
        header: h,
        mapper_name: mapper_name(h.mapper),
        sha1: hex(&cart.sha1()),
        crc32: format!("{:08X}", cart.crc32()),
        rom_sha1: hex(&cart.rom_sha1()),
        rom_crc32: format!("{:08X}", cart.rom_crc32()),
        supported_tetris: is_supported_tetris(&cart.sha1()),
    };
    let mut out = Stdout::new();
    if json {
        let text =
            serde_json::to_string_pretty(&info).map_err(|e| CliError::Other(e.to_string()))?;
        outln!(out, "{text}")?;
        out.finish()?;
        return Ok(ExitCode::SUCCESS);
    }
    let kib = |n: u64| format!("{} KiB", n / 1024);
    outln!(out, "file:        {}", crate::error::path(path))?;
    outln!(out, "format:      {:?}", h.format)?;
    outln!(
        out,
        "mapper:      {} ({}), submapper {}",
        h.mapper,
        info.mapper_name,
        h.submapper
    )?;
    outln!(out, "PRG ROM:     {}", kib(h.prg_rom_size))?;
    if h.chr_rom_size > 0 {
        outln!(out, "CHR ROM:     {}", kib(h.chr_rom_size))?;
    } else {
        outln!(out, "CHR RAM:     {}", kib(h.chr_ram_total()))?;
    }
    outln!(
        out,
        "PRG RAM:     {}{}",
        kib(h.prg_ram_total()),
        if h.battery { " (battery)" } else { "" }
    )?;
    outln!(out, "mirroring:   {:?}", h.mirroring)?;
    outln!(out, "trainer:     {}", if h.trainer { "yes" } else { "no" })?;
    outln!(out, "timing:      {:?}", h.timing)?;
    if h.trailing_bytes > 0 {
        outln!(
            out,
            "trailing:    {} bytes after the data",
            h.trailing_bytes
        )?;
    }
    outln!(out, "SHA-1:       {}", info.sha1)?;
    outln!(out, "CRC32:       {}", info.crc32)?;
    outln!(
        out,
        "PRG+CHR:     SHA-1 {}  CRC32 {}",
        info.rom_sha1,
        info.rom_crc32
    )?;
    if info.supported_tetris {
        outln!(out, "Tetris:      yes, the supported NES Tetris (USA) ROM")?;
    } else {
        outln!(
            out,
            "Tetris:      no (the environment needs SHA-1 {})",
            hex(&TETRIS_SHA1)
        )?;
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}
