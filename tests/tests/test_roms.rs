//! Every test ROM of the conformance table, one `#[test]` each, so a failure names its ROM.
//! ROMs come from `$NES_TEST_ROMS` (default `../shared/test-roms`). The verdicts must agree
//! with `docs/conformance.md`, which `table_matches_docs` checks.

use conformance::{find_test_roms, require_data, run_test_rom_with, Limits, Status};
use nes::FastPaths;

/// Runs the ROM with the console's exact shortcuts (as everywhere) and without them: it
/// passes, and both runs end with the same verdict on the same frame and in the same state
/// (cycle count, registers, RAM, whole save state).
fn check(rel: &str) {
    let dir = find_test_roms();
    let Some(path) = require_data(&dir.join(rel), "set NES_TEST_ROMS or provide ../shared") else {
        return;
    };
    let rom = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let limits = Limits::for_rom(&path);
    let (out, fast) = run_test_rom_with(&rom, limits, FastPaths::ALL);
    assert_eq!(out.status, Status::Pass, "{rel}: {}", out.message);
    let (plain_out, plain) = run_test_rom_with(&rom, limits, FastPaths::NONE);
    assert_eq!(out, plain_out, "{rel}: verdict without the shortcuts");
    let (fast, plain) = (fast.expect("loaded"), plain.expect("loaded"));
    assert_eq!(fast.cycles(), plain.cycles(), "{rel}: cycle count");
    assert_eq!(fast.registers(), plain.registers(), "{rel}: registers");
    assert!(fast.ram() == plain.ram(), "{rel}: RAM differs");
    assert!(
        fast.save_state() == plain.save_state(),
        "{rel}: save state differs"
    );
}

macro_rules! rom_table {
    ($( $(#[$attr:meta])* $name:ident => $path:literal, )*) => {
        $( #[test] $(#[$attr])* fn $name() { check($path); } )*
        /// Every ROM of the table, by path.
        const TABLE: &[&str] = &[$($path),*];
    };
}

rom_table! {
    // CPU (issue 2)
    instr_test_01_basics => "instr_test-v5/rom_singles/01-basics.nes",
    instr_test_02_implied => "instr_test-v5/rom_singles/02-implied.nes",
    instr_test_03_immediate => "instr_test-v5/rom_singles/03-immediate.nes",
    instr_test_04_zero_page => "instr_test-v5/rom_singles/04-zero_page.nes",
    instr_test_05_zp_xy => "instr_test-v5/rom_singles/05-zp_xy.nes",
    instr_test_06_absolute => "instr_test-v5/rom_singles/06-absolute.nes",
    instr_test_07_abs_xy => "instr_test-v5/rom_singles/07-abs_xy.nes",
    instr_test_08_ind_x => "instr_test-v5/rom_singles/08-ind_x.nes",
    instr_test_09_ind_y => "instr_test-v5/rom_singles/09-ind_y.nes",
    instr_test_10_branches => "instr_test-v5/rom_singles/10-branches.nes",
    instr_test_11_stack => "instr_test-v5/rom_singles/11-stack.nes",
    instr_test_12_jmp_jsr => "instr_test-v5/rom_singles/12-jmp_jsr.nes",
    instr_test_13_rts => "instr_test-v5/rom_singles/13-rts.nes",
    instr_test_14_rti => "instr_test-v5/rom_singles/14-rti.nes",
    instr_test_15_brk => "instr_test-v5/rom_singles/15-brk.nes",
    instr_test_16_special => "instr_test-v5/rom_singles/16-special.nes",
    instr_test_all_instrs => "instr_test-v5/all_instrs.nes",
    instr_test_official_only => "instr_test-v5/official_only.nes",
    instr_timing => "instr_timing/instr_timing.nes",
    instr_timing_1_instr_timing => "instr_timing/rom_singles/1-instr_timing.nes",
    instr_timing_2_branch_timing => "instr_timing/rom_singles/2-branch_timing.nes",
    cpu_dummy_reads => "cpu_dummy_reads/cpu_dummy_reads.nes",
    cpu_exec_space_ppuio => "cpu_exec_space/test_cpu_exec_space_ppuio.nes",
    cpu_exec_space_apu => "cpu_exec_space/test_cpu_exec_space_apu.nes",
    cpu_reset_ram_after_reset => "cpu_reset/ram_after_reset.nes",
    cpu_reset_registers => "cpu_reset/registers.nes",
    cpu_timing_test6 => "cpu_timing_test6/cpu_timing_test.nes",
    branch_timing_1_basics => "branch_timing_tests/1.Branch_Basics.nes",
    branch_timing_2_backward => "branch_timing_tests/2.Backward_Branch.nes",
    branch_timing_3_forward => "branch_timing_tests/3.Forward_Branch.nes",
    // PPU (issue 3)
    ppu_vbl_nmi_01_vbl_basics => "ppu_vbl_nmi/rom_singles/01-vbl_basics.nes",
    ppu_vbl_nmi_02_vbl_set_time => "ppu_vbl_nmi/rom_singles/02-vbl_set_time.nes",
    ppu_vbl_nmi_03_vbl_clear_time => "ppu_vbl_nmi/rom_singles/03-vbl_clear_time.nes",
    ppu_vbl_nmi_04_nmi_control => "ppu_vbl_nmi/rom_singles/04-nmi_control.nes",
    ppu_vbl_nmi_05_nmi_timing => "ppu_vbl_nmi/rom_singles/05-nmi_timing.nes",
    ppu_vbl_nmi_06_suppression => "ppu_vbl_nmi/rom_singles/06-suppression.nes",
    ppu_vbl_nmi_07_nmi_on_timing => "ppu_vbl_nmi/rom_singles/07-nmi_on_timing.nes",
    ppu_vbl_nmi_08_nmi_off_timing => "ppu_vbl_nmi/rom_singles/08-nmi_off_timing.nes",
    ppu_vbl_nmi_09_even_odd_frames => "ppu_vbl_nmi/rom_singles/09-even_odd_frames.nes",
    ppu_vbl_nmi_10_even_odd_timing => "ppu_vbl_nmi/rom_singles/10-even_odd_timing.nes",
    vbl_nmi_timing_1_frame_basics => "vbl_nmi_timing/1.frame_basics.nes",
    vbl_nmi_timing_2_vbl_timing => "vbl_nmi_timing/2.vbl_timing.nes",
    vbl_nmi_timing_3_even_odd_frames => "vbl_nmi_timing/3.even_odd_frames.nes",
    vbl_nmi_timing_4_vbl_clear_timing => "vbl_nmi_timing/4.vbl_clear_timing.nes",
    vbl_nmi_timing_5_nmi_suppression => "vbl_nmi_timing/5.nmi_suppression.nes",
    vbl_nmi_timing_6_nmi_disable => "vbl_nmi_timing/6.nmi_disable.nes",
    vbl_nmi_timing_7_nmi_timing => "vbl_nmi_timing/7.nmi_timing.nes",
    sprite_hit_01_basics => "sprite_hit_tests_2005.10.05/01.basics.nes",
    sprite_hit_02_alignment => "sprite_hit_tests_2005.10.05/02.alignment.nes",
    sprite_hit_03_corners => "sprite_hit_tests_2005.10.05/03.corners.nes",
    sprite_hit_04_flip => "sprite_hit_tests_2005.10.05/04.flip.nes",
    sprite_hit_05_left_clip => "sprite_hit_tests_2005.10.05/05.left_clip.nes",
    sprite_hit_06_right_edge => "sprite_hit_tests_2005.10.05/06.right_edge.nes",
    sprite_hit_07_screen_bottom => "sprite_hit_tests_2005.10.05/07.screen_bottom.nes",
    sprite_hit_08_double_height => "sprite_hit_tests_2005.10.05/08.double_height.nes",
    sprite_hit_09_timing_basics => "sprite_hit_tests_2005.10.05/09.timing_basics.nes",
    sprite_hit_10_timing_order => "sprite_hit_tests_2005.10.05/10.timing_order.nes",
    sprite_hit_11_edge_timing => "sprite_hit_tests_2005.10.05/11.edge_timing.nes",
    ppu_tests_palette_ram => "blargg_ppu_tests_2005.09.15b/palette_ram.nes",
    ppu_tests_power_up_palette => "blargg_ppu_tests_2005.09.15b/power_up_palette.nes",
    ppu_tests_sprite_ram => "blargg_ppu_tests_2005.09.15b/sprite_ram.nes",
    ppu_tests_vbl_clear_time => "blargg_ppu_tests_2005.09.15b/vbl_clear_time.nes",
    ppu_tests_vram_access => "blargg_ppu_tests_2005.09.15b/vram_access.nes",
    ppu_read_buffer => "ppu_read_buffer/test_ppu_read_buffer.nes",
    oam_read => "oam_read/oam_read.nes",
    oam_stress => "oam_stress/oam_stress.nes",
    cpu_dummy_writes_oam => "cpu_dummy_writes/cpu_dummy_writes_oam.nes",
    cpu_dummy_writes_ppumem => "cpu_dummy_writes/cpu_dummy_writes_ppumem.nes",
    // APU and interrupts (issue 3)
    apu_test_1_len_ctr => "apu_test/rom_singles/1-len_ctr.nes",
    apu_test_2_len_table => "apu_test/rom_singles/2-len_table.nes",
    apu_test_3_irq_flag => "apu_test/rom_singles/3-irq_flag.nes",
    apu_test_4_jitter => "apu_test/rom_singles/4-jitter.nes",
    apu_test_5_len_timing => "apu_test/rom_singles/5-len_timing.nes",
    apu_test_6_irq_flag_timing => "apu_test/rom_singles/6-irq_flag_timing.nes",
    apu_test_7_dmc_basics => "apu_test/rom_singles/7-dmc_basics.nes",
    apu_test_8_dmc_rates => "apu_test/rom_singles/8-dmc_rates.nes",
    blargg_apu_01_len_ctr => "blargg_apu_2005.07.30/01.len_ctr.nes",
    blargg_apu_02_len_table => "blargg_apu_2005.07.30/02.len_table.nes",
    blargg_apu_03_irq_flag => "blargg_apu_2005.07.30/03.irq_flag.nes",
    blargg_apu_04_clock_jitter => "blargg_apu_2005.07.30/04.clock_jitter.nes",
    blargg_apu_05_len_timing_mode0 => "blargg_apu_2005.07.30/05.len_timing_mode0.nes",
    blargg_apu_06_len_timing_mode1 => "blargg_apu_2005.07.30/06.len_timing_mode1.nes",
    blargg_apu_07_irq_flag_timing => "blargg_apu_2005.07.30/07.irq_flag_timing.nes",
    blargg_apu_08_irq_timing => "blargg_apu_2005.07.30/08.irq_timing.nes",
    blargg_apu_09_reset_timing => "blargg_apu_2005.07.30/09.reset_timing.nes",
    blargg_apu_10_len_halt_timing => "blargg_apu_2005.07.30/10.len_halt_timing.nes",
    blargg_apu_11_len_reload_timing => "blargg_apu_2005.07.30/11.len_reload_timing.nes",
    apu_reset_4015_cleared => "apu_reset/4015_cleared.nes",
    apu_reset_4017_timing => "apu_reset/4017_timing.nes",
    apu_reset_4017_written => "apu_reset/4017_written.nes",
    apu_reset_irq_flag_cleared => "apu_reset/irq_flag_cleared.nes",
    apu_reset_len_ctrs_enabled => "apu_reset/len_ctrs_enabled.nes",
    apu_reset_works_immediately => "apu_reset/works_immediately.nes",
    cpu_interrupts_1_cli_latency => "cpu_interrupts_v2/rom_singles/1-cli_latency.nes",
    cpu_interrupts_2_nmi_and_brk => "cpu_interrupts_v2/rom_singles/2-nmi_and_brk.nes",
    cpu_interrupts_3_nmi_and_irq => "cpu_interrupts_v2/rom_singles/3-nmi_and_irq.nes",
    cpu_interrupts_4_irq_and_dma => "cpu_interrupts_v2/rom_singles/4-irq_and_dma.nes",
    cpu_interrupts_5_branch_delays_irq => "cpu_interrupts_v2/rom_singles/5-branch_delays_irq.nes",
    // The combined ROMs (every single above in one run) and nestest's interactive menu.
    apu_test_all => "apu_test/apu_test.nes",
    cpu_interrupts_all => "cpu_interrupts_v2/cpu_interrupts.nes",
    ppu_vbl_nmi_all => "ppu_vbl_nmi/ppu_vbl_nmi.nes",
    nestest_menu => "nestest/nestest.nes",
}

/// The table names every ROM under the test-ROM folder, so a ROM added there is not
/// silently left out.
#[test]
fn table_covers_every_rom() {
    fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, base, out);
            } else if path.extension().is_some_and(|e| e == "nes") {
                out.push(
                    path.strip_prefix(base)
                        .expect("under base")
                        .display()
                        .to_string(),
                );
            }
        }
    }
    let dir = find_test_roms();
    let Some(dir) = require_data(&dir, "set NES_TEST_ROMS") else {
        return;
    };
    let mut found = Vec::new();
    walk(&dir, &dir, &mut found);
    for rom in &found {
        assert!(
            TABLE.contains(&rom.as_str()),
            "{rom} is under {} but not in the table",
            dir.display()
        );
    }
}

/// `docs/conformance.md` lists every ROM of the table, and says "pass" exactly for the ROMs
/// whose test is not ignored.
#[test]
fn table_matches_docs() {
    let doc_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/conformance.md");
    let doc = std::fs::read_to_string(doc_path).expect("docs/conformance.md exists");
    for rom in TABLE {
        let row = doc
            .lines()
            .find(|l| l.starts_with('|') && l.contains(&format!("`{rom}`")))
            .unwrap_or_else(|| panic!("docs/conformance.md has no row for `{rom}`"));
        assert!(
            row.contains("| pass |") || row.contains("| fail"),
            "row for {rom} has no status: {row}"
        );
    }
}
