//! Fuzz target `fm2`: see `conformance::fuzz::fm2`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| conformance::fuzz::fm2(data));
