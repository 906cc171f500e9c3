//! A small deterministic random number generator (xorshift64*), one per task: the
//! workload needs plausible parameters, not cryptographic quality, and no new dependency.

#[derive(Debug, Clone)]
pub(super) struct Rng(u64);

impl Rng {
    /// A generator for `seed`, spread by splitmix64 so that neighbouring seeds (client 0,
    /// 1, 2...) start far apart; never zero, which xorshift could not leave.
    pub(super) fn seeded(seed: u64) -> Self {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Self((z ^ (z >> 31)) | 1)
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `[0, 1)`.
    pub(super) fn unit(&mut self) -> f64 {
        // The top 53 bits fill an f64 mantissa exactly.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[0, n)`; 0 when `n` is 0.
    pub(super) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // The modulo bias is below 1e-9 for the small n used here.
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `[low, high]`.
    pub(super) fn between(&mut self, low: i32, high: i32) -> i32 {
        let span = usize::try_from(high.saturating_sub(low)).unwrap_or(0) + 1;
        low.saturating_add(i32::try_from(self.below(span)).unwrap_or(0))
    }

    /// One element, uniformly; `None` for an empty slice.
    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }

    /// One item by weight; `None` when all weights are zero.
    pub(super) fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> Option<T> {
        let total: u64 = items.iter().map(|(_, weight)| u64::from(*weight)).sum();
        if total == 0 {
            return None;
        }
        let mut ticket = self.next_u64() % total;
        for (item, weight) in items {
            let weight = u64::from(*weight);
            if ticket < weight {
                return Some(*item);
            }
            ticket -= weight;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_seeds_differ() {
        let (mut a, mut b, mut c) = (Rng::seeded(1), Rng::seeded(1), Rng::seeded(2));
        let first: Vec<usize> = (0..20).map(|_| a.below(1000)).collect();
        let second: Vec<usize> = (0..20).map(|_| b.below(1000)).collect();
        let other: Vec<usize> = (0..20).map(|_| c.below(1000)).collect();
        assert_eq!(first, second);
        assert_ne!(first, other);
    }

    #[test]
    fn ranges_hold() {
        let mut rng = Rng::seeded(7);
        for _ in 0..10_000 {
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u), "{u}");
            assert!(rng.below(3) < 3);
            assert!((5..=9).contains(&rng.between(5, 9)));
        }
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.between(4, 4), 4);
        assert_eq!(rng.pick::<u8>(&[]), None);
    }

    #[test]
    fn weights_are_respected() {
        let mut rng = Rng::seeded(42);
        let items = [("a", 30), ("b", 10), ("never", 0)];
        let mut counts = [0usize; 3];
        for _ in 0..40_000 {
            match rng.weighted(&items) {
                Some("a") => counts[0] += 1,
                Some("b") => counts[1] += 1,
                _ => counts[2] += 1,
            }
        }
        assert_eq!(counts[2], 0);
        let share = counts[0] as f64 / 40_000.0;
        assert!((0.73..0.77).contains(&share), "{counts:?}");
        assert_eq!(rng.weighted(&[("x", 0)]), None);
    }
}
