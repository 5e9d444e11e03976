//! bf16 weights and their matmul on AVX512-BF16 (`vdpbf16ps`: pairs of bf16 products summed
//! into f32), for the encoders' matmuls where reading the weights is the cost.
//!
//! A text query is a handful of rows against every weight of the text tower: 151 MB of f32
//! for ViT-B/32, streamed once per query. Kept as bf16 the weights are half that: a 5-word
//! query takes 10.3-11.0 ms against 23-26 ms in f32 (`scripts/bench-clip.sh`, 2 threads, on
//! this project's AVX-512 Intel Xeon; a lone 7x512x2048 matmul 0.20 ms against gemm's 0.40).
//! Many-row matmuls (a batch of images) are bound by arithmetic instead, and there the gain
//! depends on the CPU: this Xeon issues one 512-bit `vdpbf16ps` a cycle, the arithmetic of
//! its two f32 FMAs, so gemm's tuned f32 kernel stays ahead (ViT-B/32 images at 14-15 img/s in
//! bf16 against 18-19 in f32). So `IRIS_PRECISION=bf16` is an opt-in: the default runs both
//! towers in [`crate::int8`], faster for queries (4.5 ms) and images alike on this Xeon.
//!
//! Layout: the weight, read from the checkpoint's `[out, in]` rows, is cut into panels of 32
//! output columns; a panel holds, for each pair of inputs `(2q, 2q+1)`, the 32 columns' two
//! bf16 values side by side (one u32 each, low half first: what `vdpbf16ps` multiplies with a
//! broadcast pair of the input row). Inputs are rounded to bf16 the same way per call. Missing columns and an odd last
//! input are zeros. The kernel keeps an 8-row x 32-column block of sums in 16 registers.
//! Rounding is to nearest even, as PyTorch's bf16 conversion; a product's error is about 2^-9
//! relative per factor, and the sums stay f32.

use crate::panels::{over_panels, SharedOut};
use gemm::Parallelism;

/// Output columns per panel (two 16-float registers).
const PANEL: usize = 32;
/// Rows per register block.
const ROWS: usize = 8;
/// Rows per pass over the panels (their inputs stay in the L2 cache).
const ROW_BLOCK: usize = 64;

/// Whether this CPU has the instructions (checked once).
pub(crate) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static HAS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *HAS.get_or_init(|| {
            std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512bf16")
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// `x` rounded to bf16 (nearest, ties to even), as the high 16 bits of its f32.
fn to_bf16(x: f32) -> u32 {
    let bits = x.to_bits();
    if x.is_nan() {
        return (bits >> 16) | 0x40;
    }
    (bits + 0x7fff + ((bits >> 16) & 1)) >> 16
}

/// Two values as one pair, the first in the low half.
fn pair(lo: f32, hi: f32) -> u32 {
    to_bf16(lo) | (to_bf16(hi) << 16)
}

/// A weight matrix in bf16 panels (see the module doc).
pub(crate) struct PackedBf16 {
    inputs: usize,
    outputs: usize,
    /// Input pairs, `ceil(inputs / 2)`.
    pairs: usize,
    data: Vec<u32>,
}

impl PackedBf16 {
    /// From the checkpoint's row-major `[outputs, inputs]` matrix: each output column's
    /// weights are one contiguous row there (no transposed copy at load).
    pub(crate) fn from_out_in(values: &[f32], inputs: usize, outputs: usize) -> Self {
        assert_eq!(values.len(), inputs * outputs);
        let pairs = inputs.div_ceil(2);
        let panels = outputs.div_ceil(PANEL);
        let mut data = vec![0u32; panels * pairs * PANEL];
        for (column, row) in values.chunks_exact(inputs).enumerate() {
            let (p, j) = (column / PANEL, column % PANEL);
            let words = &mut data[p * pairs * PANEL..][..pairs * PANEL];
            for (q, two) in row.chunks(2).enumerate() {
                words[q * PANEL + j] = pair(two[0], two.get(1).copied().unwrap_or(0.0));
            }
        }
        Self {
            inputs,
            outputs,
            pairs,
            data,
        }
    }

    fn panels(&self) -> usize {
        self.outputs.div_ceil(PANEL)
    }

    /// `dst = x W^T`, or `dst += x W^T` when `accumulate`, as [`crate::transformer::Weight`]'s
    /// multiply; `par` splits the panels between threads.
    pub(crate) fn multiply(&self, x: &[f32], dst: &mut [f32], accumulate: bool, par: Parallelism) {
        let rows = x.len() / self.inputs;
        assert!(x.len() == rows * self.inputs && dst.len() == rows * self.outputs);
        assert!(available(), "bf16 weights on a CPU without AVX512-BF16");
        let pairs = input_pairs(x, rows, self.inputs);
        let out = SharedOut(dst.as_mut_ptr());
        over_panels(self.panels(), par, |panels| {
            let out = &out;
            // SAFETY: the assertions above size `pairs`, the panels and `dst`; each call
            // writes only the columns of its own panels, so the threads' writes are disjoint.
            #[allow(unsafe_code)]
            unsafe {
                x86::multiply_panels(self, &pairs, rows, out.0, panels, accumulate)
            }
        });
    }
}

/// Each row of `x` (`rows x inputs`) as bf16 pairs, `ceil(inputs / 2)` per row.
fn input_pairs(x: &[f32], rows: usize, inputs: usize) -> Vec<u32> {
    let pairs = inputs.div_ceil(2);
    let mut out = vec![0u32; rows * pairs];
    for (row, dst) in x.chunks_exact(inputs).zip(out.chunks_exact_mut(pairs)) {
        let mut two = row.chunks_exact(2);
        for (d, p) in dst.iter_mut().zip(&mut two) {
            *d = pair(p[0], p[1]);
        }
        if let [last] = two.remainder() {
            dst[pairs - 1] = pair(*last, 0.0);
        }
    }
    out
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    use super::{PackedBf16, PANEL, ROWS, ROW_BLOCK};
    use crate::panels::column_masks;
    use std::arch::x86_64::*;
    use std::ops::Range;

    /// The block of `R` rows from `a` (pairs per row `pairs`) times one panel `b`, into `dst`
    /// (row stride `stride`) under the column masks of the panel's two registers.
    #[inline(always)]
    unsafe fn block<const R: usize>(
        a: *const u32,
        pairs: usize,
        b: *const u32,
        dst: *mut f32,
        stride: usize,
        masks: (u16, u16),
        accumulate: bool,
    ) {
        let mut sums = [[_mm512_setzero_ps(); 2]; R];
        if accumulate {
            for (r, sum) in sums.iter_mut().enumerate() {
                sum[0] = _mm512_maskz_loadu_ps(masks.0, dst.add(r * stride));
                sum[1] = _mm512_maskz_loadu_ps(masks.1, dst.add(r * stride + 16));
            }
        }
        for q in 0..pairs {
            let w0: __m512bh = std::mem::transmute(_mm512_loadu_si512(b.add(q * PANEL).cast()));
            let w1: __m512bh =
                std::mem::transmute(_mm512_loadu_si512(b.add(q * PANEL + 16).cast()));
            for (r, sum) in sums.iter_mut().enumerate() {
                let x: __m512bh =
                    std::mem::transmute(_mm512_set1_epi32(*a.add(r * pairs + q) as i32));
                sum[0] = _mm512_dpbf16_ps(sum[0], x, w0);
                sum[1] = _mm512_dpbf16_ps(sum[1], x, w1);
            }
        }
        for (r, sum) in sums.iter().enumerate() {
            _mm512_mask_storeu_ps(dst.add(r * stride), masks.0, sum[0]);
            _mm512_mask_storeu_ps(dst.add(r * stride + 16), masks.1, sum[1]);
        }
    }

    /// Rows `x` (as bf16 pairs) times the panels in `panels`, into row-major `dst`.
    ///
    /// # Safety
    /// The CPU must have AVX512F and AVX512-BF16; `x` holds `rows * w.pairs` pairs and `dst`
    /// `rows * w.outputs` floats; `panels` lies within the weight's panels.
    #[target_feature(enable = "avx512f,avx512bf16")]
    pub(super) unsafe fn multiply_panels(
        w: &PackedBf16,
        x: &[u32],
        rows: usize,
        dst: *mut f32,
        panels: Range<usize>,
        accumulate: bool,
    ) {
        let (pairs, stride) = (w.pairs, w.outputs);
        for first in (0..rows).step_by(ROW_BLOCK) {
            let end = (first + ROW_BLOCK).min(rows);
            for panel in panels.clone() {
                let column = panel * PANEL;
                let m = column_masks(w.outputs - column);
                let b = w.data.as_ptr().add(panel * pairs * PANEL);
                let mut row = first;
                while row + ROWS <= end {
                    let (a, d) = (x.as_ptr().add(row * pairs), dst.add(row * stride + column));
                    block::<ROWS>(a, pairs, b, d, stride, m, accumulate);
                    row += ROWS;
                }
                let (a, d) = (x.as_ptr().add(row * pairs), dst.add(row * stride + column));
                match end - row {
                    0 => {}
                    1 => block::<1>(a, pairs, b, d, stride, m, accumulate),
                    2 => block::<2>(a, pairs, b, d, stride, m, accumulate),
                    3 => block::<3>(a, pairs, b, d, stride, m, accumulate),
                    4 => block::<4>(a, pairs, b, d, stride, m, accumulate),
                    5 => block::<5>(a, pairs, b, d, stride, m, accumulate),
                    6 => block::<6>(a, pairs, b, d, stride, m, accumulate),
                    _ => block::<7>(a, pairs, b, d, stride, m, accumulate),
                }
            }
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod x86 {
    use super::PackedBf16;
    use std::ops::Range;

    /// Never called: [`super::available`] is false off x86-64.
    #[allow(unsafe_code)]
    pub(super) unsafe fn multiply_panels(
        _: &PackedBf16,
        _: &[u32],
        _: usize,
        _: *mut f32,
        _: Range<usize>,
        _: bool,
    ) {
        unreachable!("bf16 weights off x86-64")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(n: usize, seed: u32) -> Vec<f32> {
        crate::panels::test_values(n, seed, 0.5)
    }

    /// `x W` in f64 from the bf16-rounded values: what the kernel must give up to f32 sums.
    fn reference(x: &[f32], w: &[f32], rows: usize, k: usize, n: usize) -> Vec<f32> {
        let round = |v: f32| f32::from_bits(to_bf16(v) << 16) as f64;
        let mut out = vec![0f32; rows * n];
        for r in 0..rows {
            for c in 0..n {
                let s: f64 = (0..k)
                    .map(|i| round(x[r * k + i]) * round(w[c * k + i]))
                    .sum();
                out[r * n + c] = s as f32;
            }
        }
        out
    }

    #[test]
    fn rounding_is_to_nearest_even() {
        // 1 + 2^-8 lies halfway between bf16's 1 and 1 + 2^-7: ties go to the even one (1).
        assert_eq!(to_bf16(1.0 + 1.0 / 256.0), to_bf16(1.0));
        assert_eq!(to_bf16(1.0 + 3.0 / 256.0), to_bf16(1.0 + 4.0 / 256.0));
        assert_eq!(f32::from_bits(to_bf16(-2.5) << 16), -2.5);
        assert!(f32::from_bits(to_bf16(f32::NAN) << 16).is_nan());
    }

    #[test]
    fn the_kernel_equals_bf16_arithmetic_for_every_tail() {
        if !available() {
            eprintln!("skipped: this CPU has no AVX512-BF16 (the f32 path runs instead)");
            return;
        }
        // Rows past a block and a row block, columns short of a panel and past one, odd inputs.
        for &(rows, k, n) in &[
            (1, 7, 5),
            (9, 33, 48),
            (70, 64, 70),
            (13, 2, 32),
            (3, 100, 17),
        ] {
            let (x, w) = (values(rows * k, 1), values(k * n, 2));
            let packed = PackedBf16::from_out_in(&w, k, n);
            let expected = reference(&x, &w, rows, k, n);
            for (accumulate, par) in [(false, Parallelism::None), (true, Parallelism::Rayon(2))] {
                let start = values(rows * n, 3);
                let mut dst = if accumulate {
                    start.clone()
                } else {
                    vec![f32::NAN; rows * n]
                };
                packed.multiply(&x, &mut dst, accumulate, par);
                for (i, (&got, &want)) in dst.iter().zip(&expected).enumerate() {
                    let want = if accumulate { want + start[i] } else { want };
                    assert!(
                        (got - want).abs() <= 1e-5 * (1.0 + want.abs()),
                        "{rows}x{k}x{n} [{i}]: {got} vs {want}"
                    );
                }
            }
        }
    }
}
