//! Fuzz target `checks`: see `conformance::fuzz::checks`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| conformance::fuzz::checks(data));
