//! Fuzz target `save_state`: see `conformance::fuzz::save_state`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| conformance::fuzz::save_state(data));
