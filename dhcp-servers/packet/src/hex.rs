//! Hex formatting helpers shared by Debug output and option-data text.

use std::fmt;

/// Displays bytes as lowercase hex with no separators (`"0a0b"`).
pub struct HexBytes<'a>(pub &'a [u8]);

impl fmt::Display for HexBytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Lowercase hex, no separators.
pub fn to_hex(bytes: &[u8]) -> String {
    HexBytes(bytes).to_string()
}
