//! Option data text <-> wire conversion must never panic, for every standard
//! definition, in both directions.
#![no_main]

use dhcp_packet::optdata::{encode_option_data, format_option_data};
use dhcp_packet::optdef::{STD_V4, STD_V4_SUB, STD_V6, STD_V6_SUB};
use dhcp_packet::Universe;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let (u, defs) = if pick & 0x80 == 0 {
        (Universe::V4, [STD_V4, STD_V4_SUB])
    } else {
        (Universe::V6, [STD_V6, STD_V6_SUB])
    };
    let all: Vec<_> = defs.iter().flat_map(|t| t.iter()).collect();
    let def = all[usize::from(pick & 0x7f) % all.len()];
    let _ = format_option_data(def, u, rest);
    if let Ok(text) = std::str::from_utf8(rest) {
        let mut out = Vec::new();
        let _ = encode_option_data(def, u, text, true, &mut out);
        out.clear();
        let _ = encode_option_data(def, u, text, false, &mut out);
    }
});
