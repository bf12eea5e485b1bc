//! cargo-fuzz target: see `oxpy_binascii_core_fuzz::hex`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oxpy_binascii_core_fuzz::hex(data));
