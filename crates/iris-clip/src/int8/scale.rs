//! The scale of a weight column and its quantised values: `max |w| / limit` for the 8-bit
//! kernels, and for the AVX2 octets' coarse ±32 levels the clipped scale of least squared
//! error (see [`column_scale`]).

use super::Kernel;

/// The quantised value of `w` given `1 / scale` (symmetric, -limit..=limit).
pub(super) fn quantise_weight(w: f32, inverse: f32, limit: f32) -> i32 {
    let q = w * inverse;
    (q + 0.5f32.copysign(q)).clamp(-limit, limit) as i32
}

/// Clipping ratios first tried for an [`Kernel::Avx2Octets`] column's scale; the best is
/// then refined by [`CLIP_REFINE`] either side. Heavy-tailed columns of 3,072 weights are
/// best clipped at 0.6-0.8 of their largest weight, Gaussian ones of 768 at 0.9-0.98.
const CLIP_RATIOS: [f32; 5] = [1.0, 0.9, 0.8, 0.7, 0.6];
/// The step of the refining search around the best of [`CLIP_RATIOS`].
const CLIP_REFINE: f32 = 0.05;

/// The scale of one output column's weights `row` for `kernel`: `max |w| / limit`, so that
/// no weight is clipped, for the 8-bit kernels. For [`Kernel::Avx2Octets`], whose ±32 levels
/// are coarse, the clipped scale that gives the least squared error over the column
/// ([`CLIP_RATIOS`] of it, then [`CLIP_REFINE`] either side of the best): clipping its few
/// largest weights buys every other weight finer steps (on ViT-B/32-shaped weights the
/// images' worst cosine to f32 went from 0.99930 to 0.99948).
pub(super) fn column_scale(row: &[f32], kernel: Kernel) -> f32 {
    let limit = kernel.levels().0;
    let max = row.iter().fold(0f32, |m, v| m.max(v.abs()));
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let unclipped = max / limit;
    if kernel != Kernel::Avx2Octets {
        return unclipped;
    }
    let least = |ratios: &mut dyn Iterator<Item = f32>| {
        ratios
            .filter(|&ratio| ratio <= 1.0)
            .map(|ratio| (squared_error(row, unclipped * ratio, limit), ratio))
            .fold((f32::INFINITY, 1.0), |best, tried| {
                if tried.0 < best.0 {
                    tried
                } else {
                    best
                }
            })
    };
    let coarse = least(&mut CLIP_RATIOS.into_iter());
    let fine = least(&mut [coarse.1 + CLIP_REFINE, coarse.1 - CLIP_REFINE].into_iter());
    unclipped * if fine.0 < coarse.0 { fine.1 } else { coarse.1 }
}

/// The squared error of `row` quantised with `scale` onto -limit..=limit as
/// [`quantise_weight`] does, in floats, eight lanes at a time (an ordered sum or the integer
/// conversion would keep the compiler from vectorising it; the first load of ViT-B/32 took
/// 2.4 s against 0.8 s with the scalar search).
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
fn squared_error(row: &[f32], scale: f32, limit: f32) -> f32 {
    let inverse = 1.0 / scale;
    let error = |w: f32| {
        let q = w * inverse;
        let level = (q + 0.5f32.copysign(q)).clamp(-limit, limit).trunc();
        let e = w - level * scale;
        e * e
    };
    let mut lanes = [0f32; 8];
    let mut chunks = row.chunks_exact(8);
    for chunk in &mut chunks {
        lanes
            .iter_mut()
            .zip(chunk)
            .for_each(|(l, &w)| *l += error(w));
    }
    lanes.iter().sum::<f32>() + chunks.remainder().iter().map(|&w| error(w)).sum::<f32>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_octets_column_is_clipped_where_that_lowers_its_error_and_8_bits_never_are() {
        let error = |row: &[f32], scale: f32| -> f32 {
            let limit = Kernel::Avx2Octets.levels().0;
            row.iter()
                .map(|&w| w - quantise_weight(w, 1.0 / scale, limit) as f32 * scale)
                .map(|e| e * e)
                .sum()
        };
        let mut outlier = crate::panels::test_values(768, 6, 0.3);
        outlier[100] = 4.0 * outlier.iter().fold(0f32, |m, v| m.max(v.abs()));
        let even: Vec<f32> = (0..64).map(|i| (i % 2) as f32 - 0.5).collect();
        for (row, clipped) in [(&outlier, true), (&even, false)] {
            let max = row.iter().fold(0f32, |m, v| m.max(v.abs()));
            let unclipped = max / Kernel::Avx2Octets.levels().0;
            let scale = column_scale(row, Kernel::Avx2Octets);
            assert_eq!(scale < unclipped, clipped, "{scale} against {unclipped}");
            assert!(error(row, scale) <= error(row, unclipped));
            assert_eq!(column_scale(row, Kernel::Avx2Pairs), max / 127.0);
        }
    }
}
