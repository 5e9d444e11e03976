//! The int8 kernels' x86-64 code: quantising a row of inputs with AVX2, and the register
//! blocks of the VNNI and AVX2 kernels over a weight's panels (see the parent module's doc).

use super::{Kernel, PackedInt8, QuantisedRows, ROW_BLOCK};
use crate::panels::column_masks;
use std::arch::x86_64::*;
use std::ops::Range;

/// One row quantised into `values` (its padding past the row set to the zero point, which
/// meets zero weights), returning the row's scale and zero point: the same bytes as
/// [`super::quantise_input`] one by one, eight at a time (a scalar loop cost half as much
/// as the VNNI kernel itself).
///
/// # Safety
/// The CPU must have AVX2; `values` holds at least `row.len()` bytes.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn quantise_row(row: &[f32], values: &mut [u8], top: f32) -> (f32, i32) {
    let (mut low, mut high) = (_mm256_setzero_ps(), _mm256_setzero_ps());
    let mut chunks = row.chunks_exact(8);
    for chunk in &mut chunks {
        let v = _mm256_loadu_ps(chunk.as_ptr());
        low = _mm256_min_ps(low, v);
        high = _mm256_max_ps(high, v);
    }
    let (mut lows, mut highs) = ([0f32; 8], [0f32; 8]);
    _mm256_storeu_ps(lows.as_mut_ptr(), low);
    _mm256_storeu_ps(highs.as_mut_ptr(), high);
    let rest = chunks.remainder();
    let low = lows.iter().chain(rest).fold(0f32, |a, &b| a.min(b));
    let high = highs.iter().chain(rest).fold(0f32, |a, &b| a.max(b));
    let (scale, zero) = super::input_scale(low, high, top);
    let (inverse, offset) = (1.0 / scale, zero as f32 + 0.5);
    let (inverses, offsets) = (_mm256_set1_ps(inverse), _mm256_set1_ps(offset));
    let (floor, ceiling) = (_mm256_setzero_ps(), _mm256_set1_ps(top));
    let mut chunks = row.chunks_exact(8);
    for (chunk, out) in (&mut chunks).zip(values.chunks_exact_mut(8)) {
        let v = _mm256_loadu_ps(chunk.as_ptr());
        // Multiply, then add (not fused), clamp and truncate: as quantise_input does.
        let y = _mm256_add_ps(_mm256_mul_ps(v, inverses), offsets);
        let y = _mm256_min_ps(_mm256_max_ps(y, floor), ceiling);
        let words = _mm256_packs_epi32(_mm256_cvttps_epi32(y), _mm256_setzero_si256());
        let bytes = _mm256_packus_epi16(words, _mm256_setzero_si256());
        let first = _mm_cvtsi128_si32(_mm256_castsi256_si128(bytes)) as u32;
        let second = _mm_cvtsi128_si32(_mm256_extracti128_si256::<1>(bytes)) as u32;
        out[..4].copy_from_slice(&first.to_le_bytes());
        out[4..].copy_from_slice(&second.to_le_bytes());
    }
    let done = row.len() - chunks.remainder().len();
    for (q, &v) in values[done..].iter_mut().zip(chunks.remainder()) {
        *q = super::quantise_input(v, inverse, offset, top) as u8;
    }
    values[row.len()..].iter_mut().for_each(|q| *q = zero as u8);
    (scale, zero)
}

/// Rows per register block of the VNNI kernel (2 x 12 sums of 32 registers).
const VNNI_ROWS: usize = 12;
/// Rows per register block of the AVX2 pairs kernel (2 x 6 sums of 16 registers).
const PAIRS_ROWS: usize = 6;
/// Rows per register block of the AVX2 octets kernel (2 x 4 sums of 16 registers, the four
/// broadcast inputs of a row and a ones register; the weights are read where multiplied).
const OCTETS_ROWS: usize = 4;

/// What a register block needs to finish its sums: the panel's column scales and sums,
/// the rows' scales and zero points, and where the block's outputs go.
struct Block {
    a: *const u32,
    b: *const u32,
    groups: usize,
    dst: *mut f32,
    stride: usize,
    column_scales: *const f32,
    column_sums: *const i32,
    row_scales: *const f32,
    row_zeros: *const i32,
    left: usize,
    accumulate: bool,
}

#[inline(always)]
unsafe fn vnni_block<const R: usize>(k: &Block) {
    let mut sums = [[_mm512_setzero_si512(); 2]; R];
    for g in 0..k.groups {
        let w0 = _mm512_loadu_si512(k.b.add(g * 32).cast());
        let w1 = _mm512_loadu_si512(k.b.add(g * 32 + 16).cast());
        for (r, sum) in sums.iter_mut().enumerate() {
            let x = _mm512_set1_epi32(*k.a.add(r * k.groups + g) as i32);
            sum[0] = _mm512_dpbusd_epi32(sum[0], x, w0);
            sum[1] = _mm512_dpbusd_epi32(sum[1], x, w1);
        }
    }
    let masks = column_masks(k.left);
    for (r, sum) in sums.iter().enumerate() {
        let zero = _mm512_set1_epi32(*k.row_zeros.add(r));
        let scale = _mm512_set1_ps(*k.row_scales.add(r));
        for (half, mask) in [(0, masks.0), (1, masks.1)] {
            let c = 16 * half;
            let share = _mm512_mullo_epi32(zero, _mm512_loadu_si512(k.column_sums.add(c).cast()));
            let exact = _mm512_cvtepi32_ps(_mm512_sub_epi32(sum[half], share));
            let column = _mm512_loadu_ps(k.column_scales.add(c));
            let mut y = _mm512_mul_ps(_mm512_mul_ps(exact, column), scale);
            let d = k.dst.add(r * k.stride + c);
            if k.accumulate {
                y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(mask, d));
            }
            _mm512_mask_storeu_ps(d, mask, y);
        }
    }
}

#[inline(always)]
unsafe fn avx2_pairs_block<const R: usize>(k: &Block) {
    let mut sums = [[_mm256_setzero_si256(); 2]; R];
    for g in 0..k.groups {
        let w0 = _mm256_loadu_si256(k.b.add(g * 16).cast());
        let w1 = _mm256_loadu_si256(k.b.add(g * 16 + 8).cast());
        for (r, sum) in sums.iter_mut().enumerate() {
            let x = _mm256_set1_epi32(*k.a.add(r * k.groups + g) as i32);
            sum[0] = _mm256_add_epi32(sum[0], _mm256_madd_epi16(x, w0));
            sum[1] = _mm256_add_epi32(sum[1], _mm256_madd_epi16(x, w1));
        }
    }
    avx2_finish(k, &sums, false);
}

#[inline(always)]
unsafe fn avx2_octets_block<const R: usize>(k: &Block) {
    let mut sums = [[_mm256_setzero_si256(); 2]; R];
    let ones = _mm256_set1_epi16(1);
    // Four quads a step: their products sum in i16 (see the module doc), then widen to i32.
    for g in (0..k.groups).step_by(4) {
        let b = k.b.add(g * 16);
        for (r, sum) in sums.iter_mut().enumerate() {
            let a = k.a.add(r * k.groups + g);
            let x = [0, 1, 2, 3].map(|i| _mm256_set1_epi32(*a.add(i) as i32));
            let products = |half: usize| {
                let w = |i: usize| _mm256_loadu_si256(b.add(i * 16 + half * 8).cast());
                let p = |i: usize| _mm256_maddubs_epi16(x[i], w(i));
                let quads =
                    _mm256_add_epi16(_mm256_add_epi16(p(0), p(1)), _mm256_add_epi16(p(2), p(3)));
                _mm256_madd_epi16(quads, ones)
            };
            sum[0] = _mm256_add_epi32(sum[0], products(0));
            sum[1] = _mm256_add_epi32(sum[1], products(1));
        }
    }
    avx2_finish(k, &sums, true);
}

/// An AVX2 block's sums scaled into its outputs, the zero point's share taken off first
/// where the inputs were not centred before the products.
#[inline(always)]
unsafe fn avx2_finish<const R: usize>(k: &Block, sums: &[[__m256i; 2]; R], off_centre: bool) {
    let width = k.left.min(16);
    for (r, sum) in sums.iter().enumerate() {
        let zero = _mm256_set1_epi32(if off_centre { *k.row_zeros.add(r) } else { 0 });
        let scale = _mm256_set1_ps(*k.row_scales.add(r));
        let mut out = [0f32; 16];
        for (half, &sum) in sum.iter().enumerate() {
            let c = 8 * half;
            let share = _mm256_mullo_epi32(zero, _mm256_loadu_si256(k.column_sums.add(c).cast()));
            let column = _mm256_loadu_ps(k.column_scales.add(c));
            let exact = _mm256_cvtepi32_ps(_mm256_sub_epi32(sum, share));
            let y = _mm256_mul_ps(_mm256_mul_ps(exact, column), scale);
            _mm256_storeu_ps(out.as_mut_ptr().add(c), y);
        }
        let d = std::slice::from_raw_parts_mut(k.dst.add(r * k.stride), width);
        if k.accumulate {
            d.iter_mut().zip(&out).for_each(|(d, y)| *d += y);
        } else {
            d.copy_from_slice(&out[..width]);
        }
    }
}

/// Every row block of `x` against the panels in `panels`, through `block` (the kernel's
/// register block for `rows` rows, at most `max` of them).
#[inline(always)]
unsafe fn drive(
    w: &PackedInt8,
    x: &QuantisedRows,
    dst: *mut f32,
    panels: Range<usize>,
    accumulate: bool,
    max: usize,
    block: impl Fn(usize, &Block),
) {
    let (groups, stride, width) = (w.groups, w.outputs, w.kernel.panel());
    let rows = x.scales.len();
    for first in (0..rows).step_by(ROW_BLOCK) {
        let end = (first + ROW_BLOCK).min(rows);
        for panel in panels.clone() {
            let column = panel * width;
            let mut row = first;
            while row < end {
                let n = max.min(end - row);
                let k = Block {
                    a: x.groups.as_ptr().add(row * groups),
                    b: w.data.as_ptr().add(panel * groups * width),
                    groups,
                    dst: dst.add(row * stride + column),
                    stride,
                    column_scales: w.scales.as_ptr().add(column),
                    column_sums: w.sums.as_ptr().add(column),
                    row_scales: x.scales.as_ptr().add(row),
                    row_zeros: x.zeros.as_ptr().add(row),
                    left: w.outputs - column,
                    accumulate,
                };
                block(n, &k);
                row += n;
            }
        }
    }
}

/// `w`'s kernel over `panels`.
///
/// # Safety
/// The CPU must have the kernel's instructions; `x` is quantised for it from
/// `rows x w.inputs` values, `dst` holds `rows * w.outputs` floats and `panels` lies within
/// the weight's panels.
pub(super) unsafe fn kernel_panels(
    w: &PackedInt8,
    x: &QuantisedRows,
    dst: *mut f32,
    panels: Range<usize>,
    accumulate: bool,
) {
    match w.kernel {
        Kernel::Vnni512 => vnni_panels(w, x, dst, panels, accumulate),
        Kernel::Avx2Pairs => avx2_pairs_panels(w, x, dst, panels, accumulate),
        Kernel::Avx2Octets => avx2_octets_panels(w, x, dst, panels, accumulate),
    }
}

/// The VNNI kernel over `panels`.
///
/// # Safety
/// The CPU must have AVX512F, AVX512BW and AVX512-VNNI; `w` is packed for
/// [`super::Kernel::Vnni512`], `x` quantised for it from `rows x w.inputs` values, `dst`
/// holds `rows * w.outputs` floats and `panels` lies within the weight's panels.
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
unsafe fn vnni_panels(
    w: &PackedInt8,
    x: &QuantisedRows,
    dst: *mut f32,
    panels: Range<usize>,
    accumulate: bool,
) {
    drive(w, x, dst, panels, accumulate, VNNI_ROWS, |n, k| match n {
        12.. => vnni_block::<12>(k),
        11 => vnni_block::<11>(k),
        10 => vnni_block::<10>(k),
        9 => vnni_block::<9>(k),
        8 => vnni_block::<8>(k),
        7 => vnni_block::<7>(k),
        6 => vnni_block::<6>(k),
        5 => vnni_block::<5>(k),
        4 => vnni_block::<4>(k),
        3 => vnni_block::<3>(k),
        2 => vnni_block::<2>(k),
        _ => vnni_block::<1>(k),
    })
}

/// The AVX2 pairs kernel over `panels`.
///
/// # Safety
/// The CPU must have AVX2; `w` is packed for [`super::Kernel::Avx2Pairs`], `x` quantised for
/// it from `rows x w.inputs` values, `dst` holds `rows * w.outputs` floats and `panels` lies
/// within the weight's panels.
#[target_feature(enable = "avx2")]
unsafe fn avx2_pairs_panels(
    w: &PackedInt8,
    x: &QuantisedRows,
    dst: *mut f32,
    panels: Range<usize>,
    accumulate: bool,
) {
    drive(w, x, dst, panels, accumulate, PAIRS_ROWS, |n, k| match n {
        6.. => avx2_pairs_block::<6>(k),
        5 => avx2_pairs_block::<5>(k),
        4 => avx2_pairs_block::<4>(k),
        3 => avx2_pairs_block::<3>(k),
        2 => avx2_pairs_block::<2>(k),
        _ => avx2_pairs_block::<1>(k),
    })
}

/// The AVX2 octets kernel over `panels`.
///
/// # Safety
/// The CPU must have AVX2; `w` is packed for [`super::Kernel::Avx2Octets`], `x` quantised for
/// it from `rows x w.inputs` values, `dst` holds `rows * w.outputs` floats and `panels` lies
/// within the weight's panels.
#[target_feature(enable = "avx2")]
unsafe fn avx2_octets_panels(
    w: &PackedInt8,
    x: &QuantisedRows,
    dst: *mut f32,
    panels: Range<usize>,
    accumulate: bool,
) {
    drive(w, x, dst, panels, accumulate, OCTETS_ROWS, |n, k| match n {
        4.. => avx2_octets_block::<4>(k),
        3 => avx2_octets_block::<3>(k),
        2 => avx2_octets_block::<2>(k),
        _ => avx2_octets_block::<1>(k),
    })
}
