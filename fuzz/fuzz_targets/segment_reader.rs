//! The segment reader on arbitrary bytes: it reports damage, it never panics. The seed
//! corpus (corpus/segment_reader) is replayed by a unit test on every `cargo test`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = pgpulse::recording::reader::read_bytes_for_fuzzing(data);
});
