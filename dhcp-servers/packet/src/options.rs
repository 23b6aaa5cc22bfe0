//! An ordered list of raw options, `(code, bytes)`, backed by a single byte buffer.
//!
//! Keeping options raw (rather than as a typed enum) means unknown and config-defined
//! options survive decode/encode untouched; typed access goes through the helpers on
//! [`crate::Pkt4`] / [`crate::Pkt6`] or through [`crate::optdef`]. All values live in one
//! `Vec<u8>`, so decoding a packet costs two allocations however many options it has.

use std::fmt;

/// Ordered list of options. `C` is `u8` for DHCPv4 and `u16` for DHCPv6.
///
/// Order is the order of insertion (for decoded packets: the order received).
/// Several entries may share a code. Encoders choose their own wire order.
#[derive(Clone, Default)]
pub struct OptionList<C> {
    entries: Vec<Entry<C>>,
    data: Vec<u8>,
}

/// DHCPv4 options (one-byte codes).
pub type Options4 = OptionList<u8>;
/// DHCPv6 options (two-byte codes).
pub type Options6 = OptionList<u16>;

#[derive(Clone, Copy)]
struct Entry<C> {
    code: C,
    start: u32,
    len: u32,
}

impl<C: Copy + PartialEq> OptionList<C> {
    /// An empty list.
    pub fn new() -> Self {
        OptionList {
            entries: Vec::new(),
            data: Vec::new(),
        }
    }

    /// An empty list with room for `entries` options holding `bytes` bytes in total.
    pub fn with_capacity(entries: usize, bytes: usize) -> Self {
        OptionList {
            entries: Vec::with_capacity(entries),
            data: Vec::with_capacity(bytes),
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no options.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every option, keeping the allocations for reuse.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.data.clear();
    }

    fn value(&self, e: &Entry<C>) -> &[u8] {
        let start = e.start as usize;
        &self.data[start..start + e.len as usize]
    }

    /// All options in list order.
    pub fn iter(&self) -> impl Iterator<Item = (C, &[u8])> + '_ {
        self.entries.iter().map(move |e| (e.code, self.value(e)))
    }

    /// Entry `index` in list order.
    pub fn get_index(&self, index: usize) -> Option<(C, &[u8])> {
        self.entries.get(index).map(|e| (e.code, self.value(e)))
    }

    /// The value of the first option with `code`.
    pub fn get(&self, code: C) -> Option<&[u8]> {
        self.entries
            .iter()
            .find(|e| e.code == code)
            .map(|e| self.value(e))
    }

    /// The values of every option with `code`, in list order.
    pub fn get_all(&self, code: C) -> impl Iterator<Item = &[u8]> + '_ {
        self.entries
            .iter()
            .filter(move |e| e.code == code)
            .map(move |e| self.value(e))
    }

    /// True when an option with `code` is present.
    pub fn contains(&self, code: C) -> bool {
        self.entries.iter().any(|e| e.code == code)
    }

    fn store(&mut self, value: &[u8]) -> (u32, u32) {
        let start = self.data.len() as u32;
        self.data.extend_from_slice(value);
        (start, value.len() as u32)
    }

    /// Appends an option, keeping any existing ones with the same code.
    pub fn push(&mut self, code: C, value: &[u8]) {
        let (start, len) = self.store(value);
        self.entries.push(Entry { code, start, len });
    }

    /// Sets the option `code` to `value`: replaces the first entry in place (keeping its
    /// position) and removes the others; appends when absent.
    pub fn set(&mut self, code: C, value: &[u8]) {
        match self.entries.iter().position(|e| e.code == code) {
            Some(i) => {
                let (start, len) = self.store(value);
                self.entries[i].start = start;
                self.entries[i].len = len;
                if self.entries[i + 1..].iter().any(|e| e.code == code) {
                    let mut seen = false;
                    self.entries.retain(|e| {
                        if e.code != code {
                            return true;
                        }
                        let keep = !seen;
                        seen = true;
                        keep
                    });
                }
                self.compact_if_wasteful();
            }
            None => self.push(code, value),
        }
    }

    /// Appends `more` to the first option with `code` (RFC 3396 concatenation), or adds
    /// the option when absent.
    pub fn extend(&mut self, code: C, more: &[u8]) {
        let Some(i) = self.entries.iter().position(|e| e.code == code) else {
            self.push(code, more);
            return;
        };
        let e = self.entries[i];
        let end = (e.start + e.len) as usize;
        if end != self.data.len() {
            // Move the value to the end of the buffer so it stays contiguous.
            let start = self.data.len();
            self.data.extend_from_within(e.start as usize..end);
            self.entries[i].start = start as u32;
        }
        self.data.extend_from_slice(more);
        self.entries[i].len += more.len() as u32;
    }

    /// Removes every option with `code`; returns true when something was removed.
    pub fn remove(&mut self, code: C) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.code != code);
        let removed = self.entries.len() != before;
        if removed {
            self.compact_if_wasteful();
        }
        removed
    }

    /// Keeps the backing buffer from growing without bound when a long-lived list is
    /// edited repeatedly.
    fn compact_if_wasteful(&mut self) {
        if self.data.len() <= 1024 {
            return;
        }
        let live: usize = self.entries.iter().map(|e| e.len as usize).sum();
        if self.data.len() > 2 * live {
            let mut data = Vec::with_capacity(live);
            for e in &mut self.entries {
                let start = e.start as usize;
                let new_start = data.len() as u32;
                data.extend_from_slice(&self.data[start..start + e.len as usize]);
                e.start = new_start;
            }
            self.data = data;
        }
    }
}

impl<C: Copy + PartialEq> PartialEq for OptionList<C> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<C: Copy + PartialEq> Eq for OptionList<C> {}

impl<C: Copy + PartialEq + fmt::Debug> fmt::Debug for OptionList<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (code, value) in self.iter() {
            list.entry(&format_args!("{code:?}: {}", crate::hex::HexBytes(value)));
        }
        list.finish()
    }
}

impl<C: Copy + PartialEq> FromIterator<(C, Vec<u8>)> for OptionList<C> {
    fn from_iter<I: IntoIterator<Item = (C, Vec<u8>)>>(iter: I) -> Self {
        let mut list = OptionList::new();
        for (code, value) in iter {
            list.push(code, &value);
        }
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_get_set_remove_keep_order() {
        let mut o = Options4::new();
        o.push(53, &[1]);
        o.push(12, b"host");
        o.push(12, b"again");
        assert_eq!(o.get(12), Some(&b"host"[..]));
        assert_eq!(o.get_all(12).count(), 2);
        o.set(12, b"one");
        assert_eq!(
            o.iter().collect::<Vec<_>>(),
            vec![(53, &[1][..]), (12, &b"one"[..])]
        );
        assert!(o.remove(53));
        assert!(!o.remove(53));
        assert_eq!(o.len(), 1);
    }

    #[test]
    fn extend_keeps_value_contiguous() {
        let mut o = Options4::new();
        o.push(82, &[1, 2]);
        o.push(12, b"x");
        o.extend(82, &[3]);
        o.extend(12, b"y");
        o.extend(7, &[9]);
        assert_eq!(o.get(82), Some(&[1, 2, 3][..]));
        assert_eq!(o.get(12), Some(&b"xy"[..]));
        assert_eq!(o.get(7), Some(&[9][..]));
    }

    #[test]
    fn equality_ignores_dead_bytes() {
        let mut a = Options6::new();
        a.push(1, &[1; 2000]);
        a.set(1, &[2]);
        let mut b = Options6::new();
        b.push(1, &[2]);
        assert_eq!(a, b);
        assert!(a.data.len() < 2000, "compacted after set");
    }
}
