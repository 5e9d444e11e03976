//! Mutations of valid files for fuzzing: bit flips, overwrites with edge values, byte
//! insertions, chunk duplication and removal, drawn from a fixed-seed generator so that a
//! mutant is reproduced from (seed, iteration) alone.

/// xorshift64*: the same numbers on every platform, no dependency.
pub struct Rng(u64);

impl Rng {
    /// The generator of one iteration: mixes the run's seed with the iteration number.
    pub fn for_iteration(seed: u64, iteration: u64) -> Self {
        let mut rng = Self((seed ^ iteration.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1);
        rng.next();
        rng
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n`; 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Byte values that sit on edges: sizes and lengths turn into 0, maxima or sign flips.
const EDGE_BYTES: [u8; 6] = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF];

/// Applies one to four mutations to a copy of `seed`.
pub fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        match rng.below(5) {
            0 => flip_bits(&mut bytes, rng),
            1 => {
                let at = rng.below(bytes.len());
                if let Some(b) = bytes.get_mut(at) {
                    *b = EDGE_BYTES[rng.below(EDGE_BYTES.len())];
                }
            }
            2 => {
                let at = rng.below(bytes.len() + 1);
                let count = 1 + rng.below(16);
                let insert: Vec<u8> = (0..count).map(|_| rng.next() as u8).collect();
                bytes.splice(at..at, insert);
            }
            3 => duplicate_chunk(&mut bytes, rng),
            _ => {
                let at = rng.below(bytes.len());
                let end = (at + 1 + rng.below(64)).min(bytes.len());
                bytes.drain(at..end);
            }
        }
    }
    bytes
}

fn flip_bits(bytes: &mut [u8], rng: &mut Rng) {
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(bytes.len());
        if let Some(b) = bytes.get_mut(at) {
            *b ^= 1 << rng.below(8);
        }
    }
}

/// Copies a run of up to 256 bytes to another place (repeated chunks, markers, frames).
fn duplicate_chunk(bytes: &mut Vec<u8>, rng: &mut Rng) {
    if bytes.is_empty() {
        return;
    }
    let from = rng.below(bytes.len());
    let len = (1 + rng.below(256)).min(bytes.len() - from);
    let chunk = bytes[from..from + len].to_vec();
    let to = rng.below(bytes.len() + 1);
    bytes.splice(to..to, chunk);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_iteration_gives_the_same_mutant_every_time() {
        let seed: Vec<u8> = (0..500u32).map(|i| (i * 7) as u8).collect();
        let a = mutate(&seed, &mut Rng::for_iteration(42, 1234));
        let b = mutate(&seed, &mut Rng::for_iteration(42, 1234));
        assert_eq!(a, b);
        let others: Vec<Vec<u8>> = (0..20)
            .map(|i| mutate(&seed, &mut Rng::for_iteration(42, i)))
            .collect();
        let changed = others.iter().filter(|m| *m != &seed).count();
        assert!(
            changed >= 18,
            "{changed} of 20 mutants differ from the seed"
        );
        let distinct: std::collections::HashSet<&Vec<u8>> = others.iter().collect();
        assert!(distinct.len() >= 18, "{} distinct of 20", distinct.len());
    }

    #[test]
    fn tiny_and_empty_inputs_do_not_break_the_mutator() {
        for i in 0..200 {
            let mut rng = Rng::for_iteration(7, i);
            let _ = mutate(&[], &mut rng);
            let _ = mutate(&[1], &mut rng);
        }
    }
}
