//! Fresh ids for new nodes, edges and flows: a prefix and eight random base-36 characters.

/// A small random generator (xorshift64*), seeded by the caller: from the clock and
/// `Math.random` in the browser (the app's `canvas::fresh_ids`), from a constant in tests.
#[derive(Debug, Clone)]
pub struct IdGen {
    state: u64,
}

const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

impl IdGen {
    pub fn new(seed: u64) -> IdGen {
        // Zero is xorshift's only fixed point.
        IdGen { state: seed.max(1) }
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// `<prefix>_<8 chars>`, different from every id `taken` accepts.
    pub fn next(&mut self, prefix: &str, taken: impl Fn(&str) -> bool) -> String {
        loop {
            let mut bits = self.next_u64();
            let mut id = String::with_capacity(prefix.len() + 9);
            id.push_str(prefix);
            id.push('_');
            for _ in 0..8 {
                id.push(char::from(ALPHABET[(bits % 36) as usize]));
                bits /= 36;
            }
            if !taken(&id) {
                return id;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_have_the_prefix_and_avoid_taken_ones() {
        let mut ids = IdGen::new(42);
        let mut seen = HashSet::new();
        for _ in 0..10_000 {
            let id = ids.next("node", |id| seen.contains(id));
            assert!(id.starts_with("node_") && id.len() == 13, "{id}");
            assert!(seen.insert(id));
        }
        // A generator that would repeat an id skips it.
        let first = IdGen::new(7).next("edge", |_| false);
        let second = IdGen::new(7).next("edge", |id| id == first);
        assert_ne!(first, second);
    }
}
