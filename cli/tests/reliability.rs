//! Issue 14's CLI cases, run as the binary: nothing lost, nothing silently wrong.
//!
//! - a closed stdout pipe ends every command quietly and at once; `/dev/full` is one line
//!   and exit 2;
//! - an output that is an input is an error and the input is untouched; outputs are written
//!   whole or not at all;
//! - bounded work: checks frames, `--vec-envs`, `rom info`'s file size, symlink loops;
//! - checks.json mistakes are errors; error messages quote and cut input;
//! - no display: one line, exit 2; Ctrl-C reports what was done and ends traces on a whole
//!   line (exit 130); a CPU jam is exit 2 for `trace` as for `screenshot`.
//!
//! `TETRIS_NES_BIN` runs the cases against another build (e.g. one from before the fixes).
//! Cases that need the ROM skip loudly without it, and fail under `CI=true`.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let exe = std::env::var_os("TETRIS_NES_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_tetris-nes")),
        PathBuf::from,
    );
    let mut c = Command::new(exe);
    c.env("SDL_VIDEODRIVER", "dummy")
        .env("SDL_AUDIODRIVER", "dummy");
    c
}

fn rom() -> Option<PathBuf> {
    conformance::tetris_rom()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tetris-nes-rel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A fresh, empty folder.
fn tmp_dir(name: &str) -> PathBuf {
    let d = tmp(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit code 2 and one `tetris-nes:` line on stderr containing `needle`, no panic.
fn assert_one_line_error(o: &Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "not one line: {err:?}");
    assert!(err.starts_with("tetris-nes: "), "{err}");
    assert!(err.contains(needle), "{err:?} lacks {needle:?}");
    assert!(!err.contains("panicked"), "{err}");
}

/// A tiny NROM cartridge running `program` at $8000 (made here: no ROM data).
fn nrom(program: &[u8]) -> Vec<u8> {
    let mut prg = vec![0xEA; 0x4000];
    prg[..program.len()].copy_from_slice(program);
    prg[0x3FFA..].copy_from_slice(&[0x00, 0x80, 0x00, 0x80, 0x00, 0x80]);
    let mut rom = b"NES\x1a\x01\x01\x00\x00\0\0\0\0\0\0\0\0".to_vec();
    rom.extend_from_slice(&prg);
    rom.extend_from_slice(&[0u8; 0x2000]);
    rom
}

/// A ROM that loops forever (`JMP $8000`).
fn looping_rom() -> PathBuf {
    let p = tmp("loop.nes");
    std::fs::write(&p, nrom(&[0x4C, 0x00, 0x80])).unwrap();
    p
}

/// Runs with stdout a pipe whose reader is gone before the first write.
fn with_closed_pipe(cmd: &mut Command) -> (Output, Duration) {
    let t = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = Vec::new();
    child.stderr.take().unwrap().read_to_end(&mut err).unwrap();
    let status = child.wait().unwrap();
    (
        Output {
            status,
            stdout: Vec::new(),
            stderr: err,
        },
        t.elapsed(),
    )
}

fn with_dev_full(cmd: &mut Command) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    cmd.stdout(full).output().unwrap()
}

/// A short fm2 movie (no input) of `frames` frames.
fn movie(name: &str, frames: usize) -> PathBuf {
    let p = tmp(name);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    writeln!(f, "version 3").unwrap();
    for _ in 0..frames {
        writeln!(f, "|0|........|........||").unwrap();
    }
    f.flush().unwrap();
    p
}

/// Every command, by name, with arguments that print to stdout (`None`: needs the ROM and it
/// is missing).
fn printing_commands() -> Vec<(&'static str, Command)> {
    let mut out = Vec::new();
    let lp = looping_rom();
    let mut c = bin();
    c.args(["rom", "info"]).arg(&lp);
    out.push(("rom info", c));
    let mut c = bin();
    c.arg("trace").arg(&lp).args(["--lines", "100000000"]);
    out.push(("trace", c));
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = tmp_dir(&format!("conf-pipe-{n}"));
    std::fs::copy(&lp, dir.join("a.nes")).unwrap();
    let mut c = bin();
    c.arg("conformance").arg(&dir).args(["--max-frames", "3"]);
    out.push(("conformance", c));
    if let Some(rom) = rom() {
        let mut c = bin();
        c.args(["-m", "random", "-s", "300", "--rom"]).arg(&rom);
        out.push(("random mode", c));
        let mut c = bin();
        c.arg("movie")
            .arg(movie("pipe.fm2", 30))
            .arg("--rom")
            .arg(&rom);
        out.push(("movie", c));
        let actions = tmp("pipe-actions.txt");
        std::fs::write(&actions, "0\n0\n0\n").unwrap();
        let mut c = bin();
        c.args(["replay", "--actions"])
            .arg(&actions)
            .arg("--trace")
            .arg(tmp("pipe-trace.jsonl"))
            .arg("--rom")
            .arg(&rom);
        out.push(("replay", c));
        let mut c = bin();
        c.args(["bench", "--steps", "50", "--vec-envs", "2", "--rom"])
            .arg(&rom);
        out.push(("bench", c));
    }
    out
}

/// Before: exit 101 (a panic) in rom info, random mode, movie, replay, conformance and bench;
/// trace kept emulating its 10^8 lines after the reader left.
#[test]
fn a_closed_pipe_ends_every_command_quietly_and_at_once() {
    for (name, mut cmd) in printing_commands() {
        let (o, took) = with_closed_pipe(&mut cmd);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert!(o.stderr.is_empty(), "{name}: quiet, got {}", stderr(&o));
        assert!(took < Duration::from_secs(30), "{name}: took {took:?}");
    }
}

/// Before: exit 101 (a panic) on `> /dev/full`.
#[test]
fn a_full_disk_is_one_line_and_exit_2() {
    for (name, mut cmd) in printing_commands() {
        let o = with_dev_full(&mut cmd);
        assert_one_line_error(&o, "stdout");
        let _ = name;
    }
}

/// Before: each of these overwrote its input and exited 0.
#[test]
fn an_output_that_is_an_input_is_an_error() {
    let Some(rom) = rom() else { return };
    // A copy of the ROM: the real one is never put at risk.
    let rom_copy = tmp("rom-copy.nes");
    std::fs::copy(&rom, &rom_copy).unwrap();
    let rom_bytes = std::fs::read(&rom_copy).unwrap();
    let actions = tmp("same-actions.txt");
    std::fs::write(&actions, "0\n0\n").unwrap();
    let m = movie("same.fm2", 20);
    let movie_text = std::fs::read(&m).unwrap();

    let o = bin()
        .args(["replay", "--actions"])
        .arg(&actions)
        .arg("--trace")
        .arg(&actions)
        .arg("--rom")
        .arg(&rom_copy)
        .output()
        .unwrap();
    assert_one_line_error(&o, "also an input");
    assert_eq!(std::fs::read_to_string(&actions).unwrap(), "0\n0\n");

    let o = bin()
        .args(["replay", "--actions"])
        .arg(&actions)
        .arg("--trace")
        .arg(&rom_copy)
        .arg("--rom")
        .arg(&rom_copy)
        .output()
        .unwrap();
    assert_one_line_error(&o, "also an input");

    let o = bin()
        .arg("movie")
        .arg(&m)
        .arg("--trace")
        .arg(&m)
        .arg("--rom")
        .arg(&rom_copy)
        .output()
        .unwrap();
    assert_one_line_error(&o, "also an input");
    assert_eq!(std::fs::read(&m).unwrap(), movie_text);

    // The same file under another name (a hard link) is still the input.
    let link = tmp("rom-link.nes");
    let _ = std::fs::remove_file(&link);
    std::fs::hard_link(&rom_copy, &link).unwrap();
    let o = bin()
        .args(["screenshot", "--frames", "1", "--rom"])
        .arg(&rom_copy)
        .arg("-o")
        .arg(&link)
        .output()
        .unwrap();
    assert_one_line_error(&o, "also an input");
    let o = bin()
        .args(["screenshot", "--frames", "1", "--rom"])
        .arg(&rom_copy)
        .arg("-o")
        .arg(&rom_copy)
        .output()
        .unwrap();
    assert_one_line_error(&o, "also an input");
    assert_eq!(std::fs::read(&rom_copy).unwrap(), rom_bytes);
}

/// Before: a bad action on line 3 truncated the existing trace and left it partial.
#[test]
fn a_failed_replay_leaves_an_existing_trace_untouched() {
    let Some(rom) = rom() else { return };
    let actions = tmp("bad-late.txt");
    std::fs::write(&actions, "0\n1\n99\n").unwrap();
    let trace = tmp("kept.jsonl");
    std::fs::write(&trace, "{\"old\": true}\n").unwrap();
    let o = bin()
        .args(["replay", "-a", "simple", "--actions"])
        .arg(&actions)
        .arg("--trace")
        .arg(&trace)
        .arg("--rom")
        .arg(&rom)
        .output()
        .unwrap();
    assert_one_line_error(&o, ":3:");
    assert_eq!(
        std::fs::read_to_string(&trace).unwrap(),
        "{\"old\": true}\n"
    );
    let leftovers: Vec<_> = std::fs::read_dir(trace.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// Before: a check at frame 10^9 (or u64::MAX) made `movie` run for hours.
#[test]
fn checks_far_past_the_movie_are_refused_at_once() {
    let Some(rom) = rom() else { return };
    let m = movie("short.fm2", 10);
    for frame in [
        "1000000000",
        "18446744073709551615",
        "99999999999999999999999",
    ] {
        let checks = tmp("far.json");
        std::fs::write(
            &checks,
            format!(r#"[{{"file": "short.fm2", "checks": {{"{frame}": {{"score": 0}}}}}}]"#),
        )
        .unwrap();
        let t = Instant::now();
        let mut child = bin()
            .arg("movie")
            .arg(&m)
            .arg("--checks")
            .arg(&checks)
            .arg("--rom")
            .arg(&rom)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        while child.try_wait().unwrap().is_none() && t.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let o = child.wait_with_output().unwrap();
        assert_one_line_error(&o, "frame");
    }
}

/// Before: a check at frame 0 passed unchecked, duplicate keys kept the last, another entry's
/// bad keys went unnoticed, an entry without checks passed.
#[test]
fn checks_mistakes_are_errors() {
    let m = movie("mistakes.fm2", 10);
    for (checks, needle) in [
        (
            r#"[{"file": "mistakes.fm2", "checks": {"0": {"score": 0}}}]"#,
            "not a frame number",
        ),
        (
            r#"[{"file": "mistakes.fm2", "checks": {"5": {"score": 0}, "5": {"score": 1}}}]"#,
            "checked twice",
        ),
        (
            r#"[{"file": "mistakes.fm2", "checks": {"5": {"score": 0}}}, {"file": "x.fm2", "checks": {"five": {"score": 0}}}]"#,
            "not a frame number",
        ),
        (r#"[{"file": "mistakes.fm2", "checks": {}}]"#, "no checks"),
    ] {
        let path = tmp("mistakes.json");
        std::fs::write(&path, checks).unwrap();
        let o = bin()
            .arg("movie")
            .arg(&m)
            .arg("--checks")
            .arg(&path)
            .output()
            .unwrap();
        assert_one_line_error(&o, needle);
    }
}

/// Before: exit 134 (an allocation abort) for 10^6 envs.
#[test]
fn bench_vec_envs_is_bounded() {
    let o = bin()
        .args(["bench", "--vec-envs", "1000000"])
        .output()
        .unwrap();
    assert_one_line_error(&o, "--vec-envs");
}

/// Before: `rom info` read a 3 GB file whole.
#[test]
fn rom_info_refuses_a_huge_file_without_reading_it() {
    let big = tmp("huge.nes");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(3 << 30).unwrap(); // sparse: no disk used
    drop(f);
    let t = Instant::now();
    let o = bin().args(["rom", "info"]).arg(&big).output().unwrap();
    let _ = std::fs::remove_file(&big);
    assert_one_line_error(&o, "larger than 64 MiB");
    assert!(t.elapsed() < Duration::from_secs(5));
}

/// Before: `conformance` followed a symlink loop forever.
#[test]
fn conformance_survives_a_symlink_loop() {
    let dir = tmp_dir("conf-loop");
    std::fs::copy(looping_rom(), dir.join("a.nes")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("again")).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.join("sub/back")).unwrap();
    let mut child = bin()
        .arg("conformance")
        .arg(&dir)
        .args(["--max-frames", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if t.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("conformance still walking after 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("from 1 ROMs)"), "one ROM, found once: {out}");
}

/// Before: a 50 MB line gave a 50 MB error, and a newline in a path split the error line.
#[test]
fn errors_quote_and_cut_their_input() {
    let actions = tmp("long-line.txt");
    std::fs::write(&actions, format!("0\n{}\n", "x".repeat(1_000_000))).unwrap();
    let o = bin()
        .args(["replay", "--actions"])
        .arg(&actions)
        .arg("--trace")
        .arg(tmp("unused.jsonl"))
        .output()
        .unwrap();
    assert_one_line_error(&o, "characters");
    assert!(o.stderr.len() < 600, "{} bytes", o.stderr.len());
    let o = bin().arg("movie").arg("no/such\ndir.fm2").output().unwrap();
    assert_one_line_error(&o, "no/such\\ndir.fm2");
    let bad = tmp("long-record.fm2");
    std::fs::write(&bad, format!("version 3\n|0|{}|\n", ".".repeat(1_000_000))).unwrap();
    let o = bin().arg("movie").arg(&bad).output().unwrap();
    assert_one_line_error(&o, "characters");
    assert!(o.stderr.len() < 600, "{} bytes", o.stderr.len());
}

/// Before: without a display the window "opened" on SDL's offscreen driver (exit 0 with
/// --max-frames) and SDL and ALSA printed ~10 lines.
#[test]
fn no_display_is_one_line_and_exit_2() {
    let Some(rom) = rom() else { return };
    for args in [
        &["--max-frames", "5"][..],
        &["-m", "random", "--render", "-s", "5"][..],
    ] {
        let o = bin()
            .env_remove("SDL_VIDEODRIVER")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("SDL_AUDIODRIVER")
            .arg("--rom")
            .arg(&rom)
            .args(args)
            .output()
            .unwrap();
        assert_one_line_error(&o, "no display");
    }
}

fn sigint(pid: u32) {
    let ok = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

/// Waits until a temporary file in `dir` has data (the command is past its start-up).
fn wait_for_tmp_data(dir: &Path) {
    let t = Instant::now();
    loop {
        let busy = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| {
                e.file_name().to_string_lossy().ends_with(".tmp")
                    && e.metadata().is_ok_and(|m| m.len() > 0)
            });
        if busy {
            return;
        }
        assert!(t.elapsed() < Duration::from_secs(60), "no trace data");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn assert_whole_json_lines(trace: &Path) -> usize {
    let text = std::fs::read_to_string(trace).unwrap();
    assert!(text.ends_with('\n'), "ends on a whole line");
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("a cut line {line:?}: {e}"));
    }
    text.lines().count()
}

/// Before: Ctrl-C lost random mode's summary.
#[test]
fn ctrl_c_in_random_mode_prints_the_summary() {
    let Some(rom) = rom() else { return };
    let child = bin()
        .args(["-m", "random", "-s", "1000000000", "--json", "--rom"])
        .arg(&rom)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    sigint(child.id());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["interrupted"], true);
    assert!(v["steps"].as_u64().unwrap() > 0);
}

/// Before: an interrupted `movie --trace` or `replay` left a cut-off last JSON line.
#[test]
fn ctrl_c_ends_traces_on_a_whole_line() {
    let Some(rom) = rom() else { return };
    let dir = tmp_dir("sigint");
    let m = movie("long.fm2", 400_000);
    let trace = dir.join("movie.jsonl");
    let mut cmd = bin();
    cmd.arg("movie").arg(&m).arg("--trace").arg(&trace);
    interrupt_once_writing(cmd, &rom, &dir, "interrupted after");
    let n = assert_whole_json_lines(&trace);
    assert!(n > 0 && n < 400_000, "{n} lines");

    let actions = tmp("many-actions.txt");
    std::fs::write(&actions, "0\n".repeat(1_000_000)).unwrap();
    let trace = dir.join("replay.jsonl");
    let mut cmd = bin();
    cmd.args(["replay", "--actions"])
        .arg(&actions)
        .arg("--trace")
        .arg(&trace);
    interrupt_once_writing(cmd, &rom, &dir, "interrupted");
    assert_whole_json_lines(&trace);
}

/// Runs `cmd --rom rom`, sends it Ctrl-C once it has written into `dir`, and checks that it
/// stopped with exit code 130 saying `said`.
fn interrupt_once_writing(mut cmd: Command, rom: &Path, dir: &Path, said: &str) {
    let child = cmd
        .arg("--rom")
        .arg(rom)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_tmp_data(dir);
    sigint(child.id());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains(said));
}

/// Before: `trace` exited 1 on a CPU jam where `screenshot` exited 2.
#[test]
fn a_cpu_jam_is_exit_2_for_every_command() {
    let jam = tmp("jam.nes");
    std::fs::write(&jam, nrom(&[0xEA, 0xEA, 0x02])).unwrap();
    let o = bin()
        .arg("trace")
        .arg(&jam)
        .args(["--lines", "10"])
        .output()
        .unwrap();
    assert_one_line_error(&o, "jammed");
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 3);
    let o = bin()
        .args(["screenshot", "--frames", "2", "--rom"])
        .arg(&jam)
        .arg("-o")
        .arg(tmp("jam.png"))
        .output()
        .unwrap();
    assert_one_line_error(&o, "jammed");
    assert!(!tmp("jam.png").exists(), "no picture written");
}
