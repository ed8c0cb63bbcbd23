//! AccuracyCoin, one `#[test]` per test of the ROM, named after it (so a failure names the
//! test), all served by a single run of the ROM's "run every test" mode (see
//! `conformance::accuracycoin`). The ROM comes from `$NES_ACCURACYCOIN` (default
//! `../shared/accuracycoin/AccuracyCoin.nes`). The table below must list the ROM's tests in
//! its own menu order (`table_matches_rom`), and docs/conformance.md must give each its
//! status (`table_matches_docs`).

use conformance::accuracycoin::{self, TestResult};
use conformance::{find_accuracycoin, require_data, Status};
use std::sync::OnceLock;

/// The ROM's bytes, or `None` (skipped loudly, or a failure under `CI=true`) if absent.
fn rom() -> Option<&'static [u8]> {
    static ROM: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    ROM.get_or_init(|| {
        let path = require_data(
            &find_accuracycoin(),
            "set NES_ACCURACYCOIN or provide ../shared/accuracycoin",
        )?;
        Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    })
    .as_deref()
}

/// The verdicts of the one shared run.
fn results() -> Option<&'static [TestResult]> {
    static RESULTS: OnceLock<Result<Vec<TestResult>, String>> = OnceLock::new();
    let rom = rom()?;
    let results = RESULTS.get_or_init(|| {
        accuracycoin::run(rom, accuracycoin::FRAME_BUDGET).map_err(|out| out.message)
    });
    match results {
        Ok(r) => Some(r),
        Err(e) => panic!("AccuracyCoin did not run to its summary: {e}"),
    }
}

fn check(page: usize, name: &str) {
    let Some(results) = results() else { return };
    let result = results
        .iter()
        .find(|r| r.test.page == page && r.test.name == name)
        .unwrap_or_else(|| panic!("AccuracyCoin has no test {name:?} on page {page}"));
    assert_eq!(
        result.status,
        Status::Pass,
        "AccuracyCoin page {page}, {name:?}: {} (result byte ${:02X} at ${:04X}; error \
         codes in ../shared/accuracycoin/README.md)",
        result.message,
        result.raw,
        result.test.result_addr
    );
}

macro_rules! accuracycoin_table {
    ($( $name:ident => ($page:literal, $test:literal), )*) => {
        $( #[test] fn $name() { check($page, $test); } )*
        /// Every test of the table, as (page, name).
        const TABLE: &[(usize, &str)] = &[$(($page, $test)),*];
    };
}

accuracycoin_table! {
    rom_is_not_writable => (1, "ROM is not writable"),
    ram_mirroring => (1, "RAM Mirroring"),
    pc_wraparound => (1, "PC Wraparound"),
    the_decimal_flag => (1, "The Decimal Flag"),
    the_b_flag => (1, "The B Flag"),
    dummy_read_cycles => (1, "Dummy read cycles"),
    dummy_write_cycles => (1, "Dummy write cycles"),
    open_bus => (1, "Open Bus"),
    all_nop_instructions => (1, "All NOP instructions"),
    absolute_indexed => (2, "Absolute Indexed"),
    zero_page_indexed => (2, "Zero Page Indexed"),
    indirect => (2, "Indirect"),
    indirect_x => (2, "Indirect, X"),
    indirect_y => (2, "Indirect, Y"),
    relative => (2, "Relative"),
    op_03_slo_indirect_x => (3, "$03   SLO indirect,X"),
    op_07_slo_zeropage => (3, "$07   SLO zeropage"),
    op_0f_slo_absolute => (3, "$0F   SLO absolute"),
    op_13_slo_indirect_y => (3, "$13   SLO indirect,Y"),
    op_17_slo_zeropage_x => (3, "$17   SLO zeropage,X"),
    op_1b_slo_absolute_y => (3, "$1B   SLO absolute,Y"),
    op_1f_slo_absolute_x => (3, "$1F   SLO absolute,X"),
    op_23_rla_indirect_x => (4, "$23   RLA indirect,X"),
    op_27_rla_zeropage => (4, "$27   RLA zeropage"),
    op_2f_rla_absolute => (4, "$2F   RLA absolute"),
    op_33_rla_indirect_y => (4, "$33   RLA indirect,Y"),
    op_37_rla_zeropage_x => (4, "$37   RLA zeropage,X"),
    op_3b_rla_absolute_y => (4, "$3B   RLA absolute,Y"),
    op_3f_rla_absolute_x => (4, "$3F   RLA absolute,X"),
    op_43_sre_indirect_x => (5, "$43   SRE indirect,X"),
    op_47_sre_zeropage => (5, "$47   SRE zeropage"),
    op_4f_sre_absolute => (5, "$4F   SRE absolute"),
    op_53_sre_indirect_y => (5, "$53   SRE indirect,Y"),
    op_57_sre_zeropage_x => (5, "$57   SRE zeropage,X"),
    op_5b_sre_absolute_y => (5, "$5B   SRE absolute,Y"),
    op_5f_sre_absolute_x => (5, "$5F   SRE absolute,X"),
    op_63_rra_indirect_x => (6, "$63   RRA indirect,X"),
    op_67_rra_zeropage => (6, "$67   RRA zeropage"),
    op_6f_rra_absolute => (6, "$6F   RRA absolute"),
    op_73_rra_indirect_y => (6, "$73   RRA indirect,Y"),
    op_77_rra_zeropage_x => (6, "$77   RRA zeropage,X"),
    op_7b_rra_absolute_y => (6, "$7B   RRA absolute,Y"),
    op_7f_rra_absolute_x => (6, "$7F   RRA absolute,X"),
    op_83_sax_indirect_x => (7, "$83   SAX indirect,X"),
    op_87_sax_zeropage => (7, "$87   SAX zeropage"),
    op_8f_sax_absolute => (7, "$8F   SAX absolute"),
    op_97_sax_zeropage_y => (7, "$97   SAX zeropage,Y"),
    a3_lax_indirect_x => (7, "$A3   LAX indirect,X"),
    a7_lax_zeropage => (7, "$A7   LAX zeropage"),
    af_lax_absolute => (7, "$AF   LAX absolute"),
    b3_lax_indirect_y => (7, "$B3   LAX indirect,Y"),
    b7_lax_zeropage_y => (7, "$B7   LAX zeropage,Y"),
    bf_lax_absolute_x => (7, "$BF   LAX absolute,X"),
    c3_dcp_indirect_x => (8, "$C3   DCP indirect,X"),
    c7_dcp_zeropage => (8, "$C7   DCP zeropage"),
    cf_dcp_absolute => (8, "$CF   DCP absolute"),
    d3_dcp_indirect_y => (8, "$D3   DCP indirect,Y"),
    d7_dcp_zeropage_x => (8, "$D7   DCP zeropage,X"),
    db_dcp_absolute_y => (8, "$DB   DCP absolute,Y"),
    df_dcp_absolute_x => (8, "$DF   DCP absolute,X"),
    e3_isc_indirect_x => (9, "$E3   ISC indirect,X"),
    e7_isc_zeropage => (9, "$E7   ISC zeropage"),
    ef_isc_absolute => (9, "$EF   ISC absolute"),
    f3_isc_indirect_y => (9, "$F3   ISC indirect,Y"),
    f7_isc_zeropage_x => (9, "$F7   ISC zeropage,X"),
    fb_isc_absolute_y => (9, "$FB   ISC absolute,Y"),
    ff_isc_absolute_x => (9, "$FF   ISC absolute,X"),
    op_93_sha_indirect_y => (10, "$93   SHA indirect,Y"),
    op_9f_sha_absolute_y => (10, "$9F   SHA absolute,Y"),
    op_9b_shs_absolute_y => (10, "$9B   SHS absolute,Y"),
    op_9c_shy_absolute_x => (10, "$9C   SHY absolute,X"),
    op_9e_shx_absolute_y => (10, "$9E   SHX absolute,Y"),
    bb_lae_absolute_y => (10, "$BB   LAE absolute,Y"),
    op_0b_anc_immediate => (11, "$0B   ANC Immediate"),
    op_2b_anc_immediate => (11, "$2B   ANC Immediate"),
    op_4b_asr_immediate => (11, "$4B   ASR Immediate"),
    op_6b_arr_immediate => (11, "$6B   ARR Immediate"),
    op_8b_ane_immediate => (11, "$8B   ANE Immediate"),
    ab_lxa_immediate => (11, "$AB   LXA Immediate"),
    cb_axs_immediate => (11, "$CB   AXS Immediate"),
    eb_sbc_immediate => (11, "$EB   SBC Immediate"),
    interrupt_flag_latency => (12, "Interrupt flag latency"),
    nmi_overlap_brk => (12, "NMI Overlap BRK"),
    nmi_overlap_irq => (12, "NMI Overlap IRQ"),
    dma_plus_open_bus => (13, "DMA + Open Bus"),
    dma_plus_2002_read => (13, "DMA + $2002 Read"),
    dma_plus_2007_read => (13, "DMA + $2007 Read"),
    dma_plus_2007_write => (13, "DMA + $2007 Write"),
    dma_plus_4015_read => (13, "DMA + $4015 Read"),
    dma_plus_4016_read => (13, "DMA + $4016 Read"),
    dmc_dma_bus_conflicts => (13, "DMC DMA Bus Conflicts"),
    dmc_dma_plus_oam_dma => (13, "DMC DMA + OAM DMA"),
    explicit_dma_abort => (13, "Explicit DMA Abort"),
    implicit_dma_abort => (13, "Implicit DMA Abort"),
    length_counter => (14, "Length Counter"),
    length_table => (14, "Length Table"),
    frame_counter_irq => (14, "Frame Counter IRQ"),
    frame_counter_4_step => (14, "Frame Counter 4-step"),
    frame_counter_5_step => (14, "Frame Counter 5-step"),
    delta_modulation_channel => (14, "Delta Modulation Channel"),
    apu_register_activation => (14, "APU Register Activation"),
    controller_strobing => (14, "Controller Strobing"),
    controller_clocking => (14, "Controller Clocking"),
    chr_rom_is_not_writable => (16, "CHR ROM is not writable"),
    ppu_register_mirroring => (16, "PPU Register Mirroring"),
    ppu_register_open_bus => (16, "PPU Register Open Bus"),
    ppu_read_buffer => (16, "PPU Read Buffer"),
    palette_ram_quirks => (16, "Palette RAM Quirks"),
    rendering_flag_behavior => (16, "Rendering Flag Behavior"),
    op_2007_read_w_rendering => (16, "$2007 read w/ rendering"),
    vblank_beginning => (17, "VBlank beginning"),
    vblank_end => (17, "VBlank end"),
    nmi_control => (17, "NMI Control"),
    nmi_timing => (17, "NMI Timing"),
    nmi_suppression => (17, "NMI Suppression"),
    nmi_at_vblank_end => (17, "NMI at VBlank end"),
    nmi_disabled_at_vblank => (17, "NMI disabled at VBlank"),
    sprite_overflow_behavior => (18, "Sprite overflow behavior"),
    sprite_0_hit_behavior => (18, "Sprite 0 Hit behavior"),
    op_2002_flag_clear_timing => (18, "$2002 flag clear timing"),
    suddenly_resize_sprite => (18, "Suddenly Resize Sprite"),
    arbitrary_sprite_zero => (18, "Arbitrary Sprite zero"),
    misaligned_oam_behavior => (18, "Misaligned OAM behavior"),
    address_2004_behavior => (18, "Address $2004 behavior"),
    oam_corruption => (18, "OAM Corruption"),
    inc_4014 => (18, "INC $4014"),
    attributes_as_tiles => (19, "Attributes As Tiles"),
    t_register_quirks => (19, "t Register Quirks"),
    stale_bg_shift_registers => (19, "Stale BG Shift Registers"),
    bg_serial_in => (19, "BG Serial In"),
    sprites_on_scanline_0 => (19, "Sprites On Scanline 0"),
    op_2004_stress_test => (19, "$2004 Stress Test"),
    instruction_timing => (20, "Instruction Timing"),
    implied_dummy_reads => (20, "Implied Dummy Reads"),
    branch_dummy_reads => (20, "Branch Dummy Reads"),
    jsr_edge_cases => (20, "JSR Edge Cases"),
}

/// The table is the ROM's own catalogue, in menu order: none is missing, none invented.
#[test]
fn table_matches_rom() {
    let Some(rom) = rom() else { return };
    let catalogue = accuracycoin::catalogue(rom).expect("AccuracyCoin's menu table");
    let from_rom: Vec<(usize, &str)> = catalogue
        .iter()
        .map(|t| (t.page, t.name.as_str()))
        .collect();
    assert_eq!(from_rom, TABLE);
}

/// `docs/conformance.md` has a row for every test, with the status this suite asserts, and
/// states the count.
#[test]
fn table_matches_docs() {
    let doc_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/conformance.md");
    let doc = std::fs::read_to_string(doc_path).expect("docs/conformance.md exists");
    for (page, test) in TABLE {
        let cell = test.replace('|', "\\|");
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| {page} | {cell} |")))
            .unwrap_or_else(|| panic!("docs/conformance.md has no row for page {page}, {test:?}"));
        assert!(
            row.contains(" | pass | "),
            "row for {test:?} does not say pass: {row}"
        );
    }
    assert!(
        doc.contains(&format!(
            "**{n} of {n} AccuracyCoin tests pass.**",
            n = TABLE.len()
        )),
        "docs/conformance.md does not state the AccuracyCoin count"
    );
}

/// The fast paths (the executor's shortcuts of `nes::FastPaths`, the PPU's idle
/// and whole-line gears) change no result byte: the same run dot by dot with all of them
/// off. (~15 s: the PPU runs every dot.)
#[test]
fn fast_paths_change_no_verdict() {
    let (Some(rom), Some(fast)) = (rom(), results()) else {
        return;
    };
    let slow = accuracycoin::run_with(rom, accuracycoin::FRAME_BUDGET, |nes| {
        nes.set_fast_paths(nes::FastPaths::NONE);
        nes.bus_mut().ppu_mut().set_dots_only(true);
    })
    .unwrap_or_else(|out| panic!("slow run: {}", out.message));
    let bytes = |r: &[TestResult]| r.iter().map(|t| t.raw).collect::<Vec<u8>>();
    assert_eq!(bytes(&slow), bytes(fast));
}
