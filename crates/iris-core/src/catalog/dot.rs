//! Dot products of the held vectors with a query: 16 independent f32 lanes the compiler
//! vectorises, built three times (AVX-512F, AVX2 with FMA, and the portable baseline) with
//! the best the CPU has chosen once at run time. The lanes are summed in the same order on
//! every path, so they differ only by FMA rounding (about 1e-7 for unit vectors).

use std::sync::OnceLock;

const LANES: usize = 16;

/// The dot product, fused multiply-adds when `FMA` (only where the CPU has them: without the
/// instruction `mul_add` is a slow library call).
#[inline(always)]
fn lanes<const FMA: bool>(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0_f32; LANES];
    let (a16, b16) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f32 = a16
        .remainder()
        .iter()
        .zip(b16.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a16.zip(b16) {
        for i in 0..LANES {
            acc[i] = if FMA {
                x[i].mul_add(y[i], acc[i])
            } else {
                acc[i] + x[i] * y[i]
            };
        }
    }
    acc.iter().sum::<f32>() + tail
}

fn portable(a: &[f32], b: &[f32]) -> f32 {
    lanes::<false>(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn avx2_fma(a: &[f32], b: &[f32]) -> f32 {
    lanes::<true>(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,fma")]
fn avx512(a: &[f32], b: &[f32]) -> f32 {
    lanes::<true>(a, b)
}

/// A dot product path and the CPU features it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DotPath {
    Avx512,
    Avx2Fma,
    Portable,
}

impl DotPath {
    /// The paths this CPU can run, best first.
    pub(crate) fn available() -> Vec<DotPath> {
        let mut paths = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("fma") {
                paths.push(DotPath::Avx512);
            }
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                paths.push(DotPath::Avx2Fma);
            }
        }
        paths.push(DotPath::Portable);
        paths
    }

    /// The best path of this CPU, found once.
    pub(crate) fn best() -> DotPath {
        static BEST: OnceLock<DotPath> = OnceLock::new();
        *BEST.get_or_init(|| DotPath::available()[0])
    }

    /// The dot product of `a` and `b` (equal lengths) on this path; the path must be one of
    /// [`DotPath::available`].
    #[inline]
    pub(crate) fn dot(self, a: &[f32], b: &[f32]) -> f32 {
        match self {
            // SAFETY: `available` lists these paths only where the CPU has their features.
            #[cfg(target_arch = "x86_64")]
            #[allow(unsafe_code)]
            DotPath::Avx512 => unsafe { avx512(a, b) },
            // SAFETY: as above.
            #[cfg(target_arch = "x86_64")]
            #[allow(unsafe_code)]
            DotPath::Avx2Fma => unsafe { avx2_fma(a, b) },
            _ => portable(a, b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_of_this_cpu_equals_the_plain_sum_at_every_length() {
        let paths = DotPath::available();
        assert_eq!(paths.last(), Some(&DotPath::Portable));
        assert_eq!(DotPath::best(), paths[0]);
        for len in [0, 1, 15, 16, 17, 33, 512, 515] {
            let a: Vec<f32> = (0..len).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..len).map(|i| (i as f32 * 0.11).cos()).collect();
            let plain: f64 = a.iter().zip(&b).map(|(x, y)| *x as f64 * *y as f64).sum();
            for path in &paths {
                let got = path.dot(&a, &b) as f64;
                assert!(
                    (got - plain).abs() < 1e-4,
                    "{path:?} at {len}: {got} vs {plain}"
                );
            }
        }
    }
}
