//! int8 weights and activations and their matmul, for the encoders' matmuls where the
//! arithmetic is the cost (a batch of images), on AVX512-VNNI (`vpdpbusd`: four u8 x i8
//! products summed into i32) or on plain AVX2 (`vpmaddwd`: two i16 x i16 products summed).
//!
//! Weights are quantised once per output column (symmetric, scale `max |w| / 127`), the
//! activations of each call once per row (asymmetric over `[min(x, 0), max(x, 0)]` onto
//! 0..=255 with a zero point, so that a GELU's one-sided outputs keep all 8 bits). The sums
//! are exact integers, so both kernels give the same results bit for bit; the one rounding
//! after the sum is `((sum as f32) * column scale) * row scale`, in that order.
//!
//! Layouts: the weight, read from the checkpoint's `[out, in]` rows, is cut into panels of
//! output columns. For VNNI a panel
//! holds 32 columns and, for each quad of inputs `4q..4q+3`, the 32 columns' four i8 values
//! side by side (one u32 each: what `vpdpbusd` multiplies with a broadcast quad of the input
//! row's u8s); the zero point's share, `zero * column sum`, is taken off after the sum. For
//! AVX2 a panel holds 16 columns and, for each pair of inputs, the two values as i16, with
//! the input row's pair (value minus zero point, as i16) broadcast. Missing columns and inputs
//! are zeros. A sum is at most 255 x 127 x inputs, well inside i32 for any encoder here.

use crate::panels::{over_panels, SharedOut};
use gemm::Parallelism;

/// Rows per pass over the panels (their quantised inputs stay in the L2 cache).
const ROW_BLOCK: usize = 64;

/// The instructions a packed weight is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// AVX512F + BW + VNNI: 32-column panels of input quads.
    Vnni512,
    /// AVX2: 16-column panels of input pairs.
    Avx2,
}

impl Kernel {
    /// The fastest kernel this CPU has (checked once), or None where it has neither.
    /// `IRIS_INT8_KERNEL=avx2` picks the AVX2 kernel where both run: what an AVX2-only CPU
    /// runs, for benchmarks (the results are the same bit for bit).
    pub(crate) fn detect() -> Option<Self> {
        static KERNEL: std::sync::OnceLock<Option<Kernel>> = std::sync::OnceLock::new();
        *KERNEL.get_or_init(|| {
            let all = Self::supported();
            let asked = std::env::var("IRIS_INT8_KERNEL").ok();
            match asked.as_deref() {
                Some("avx2") if all.contains(&Self::Avx2) => Some(Self::Avx2),
                _ => all.first().copied(),
            }
        })
    }

    /// Every kernel this CPU can run, fastest first (checked once: `multiply` asks on every
    /// call).
    pub(crate) fn supported() -> &'static [Self] {
        static KERNELS: std::sync::OnceLock<Vec<Kernel>> = std::sync::OnceLock::new();
        KERNELS.get_or_init(|| {
            #[cfg(target_arch = "x86_64")]
            {
                use std::arch::is_x86_feature_detected as has;
                let mut kernels = Vec::new();
                if has!("avx512f") && has!("avx512bw") && has!("avx512vnni") {
                    kernels.push(Self::Vnni512);
                }
                if has!("avx2") {
                    kernels.push(Self::Avx2);
                }
                kernels
            }
            #[cfg(not(target_arch = "x86_64"))]
            Vec::new()
        })
    }

    /// Output columns per panel.
    fn panel(self) -> usize {
        match self {
            Self::Vnni512 => 32,
            Self::Avx2 => 16,
        }
    }

    /// Inputs per u32 of a packed row.
    fn group(self) -> usize {
        match self {
            Self::Vnni512 => 4,
            Self::Avx2 => 2,
        }
    }
}

/// A weight matrix in int8 panels for one [`Kernel`] (see the module doc).
pub(crate) struct PackedInt8 {
    kernel: Kernel,
    inputs: usize,
    outputs: usize,
    /// Input groups per row: `ceil(inputs / kernel.group())`.
    groups: usize,
    data: Vec<u32>,
    /// Each column's scale, padded with ones to whole panels.
    scales: Vec<f32>,
    /// Each column's sum of quantised weights, padded with zeros (VNNI's zero-point share).
    sums: Vec<i32>,
}

/// One call's inputs, quantised: each row's packed groups, scale and zero point.
struct QuantisedRows {
    groups: Vec<u32>,
    scales: Vec<f32>,
    zeros: Vec<i32>,
}

/// The quantised value of `w` given `1 / scale` (symmetric, -127..=127).
fn quantise_weight(w: f32, inverse: f32) -> i32 {
    let q = w * inverse;
    (q + 0.5f32.copysign(q)).clamp(-127.0, 127.0) as i32
}

impl PackedInt8 {
    /// From the checkpoint's row-major `[outputs, inputs]` matrix, for `kernel`: each output
    /// column's weights are one contiguous row there, so its scale and its quantised values
    /// come from one pass over that row (no transposed copy at load).
    pub(crate) fn from_out_in(
        values: &[f32],
        inputs: usize,
        outputs: usize,
        kernel: Kernel,
    ) -> Self {
        assert_eq!(values.len(), inputs * outputs);
        let (panel, group) = (kernel.panel(), kernel.group());
        let panels = outputs.div_ceil(panel);
        // A value's bits within its word: a byte for VNNI, an i16 for AVX2.
        let (bits, mask) = match kernel {
            Kernel::Vnni512 => (8, 0xff),
            Kernel::Avx2 => (16, 0xffff),
        };
        let groups = inputs.div_ceil(group);
        let mut data = vec![0u32; panels * groups * panel];
        let mut scales = vec![1f32; panels * panel];
        let mut sums = vec![0i32; panels * panel];
        let mut quantised = vec![0i32; inputs];
        for (column, row) in values.chunks_exact(inputs).enumerate() {
            let max = row.iter().fold(0f32, |m, v| m.max(v.abs()));
            if max > 0.0 && max.is_finite() {
                scales[column] = max / 127.0;
            }
            let inverse = 1.0 / scales[column];
            // Quantised in one pass the compiler vectorises, then packed (no division per
            // value: a load took 3.9 s against 1.4 s in f32 on an AVX2-only EPYC with one).
            quantised
                .iter_mut()
                .zip(row)
                .for_each(|(q, &w)| *q = quantise_weight(w, inverse));
            sums[column] = quantised.iter().sum();
            let (p, j) = (column / panel, column % panel);
            let words = &mut data[p * groups * panel..][..groups * panel];
            for (word, values) in words
                .iter_mut()
                .skip(j)
                .step_by(panel)
                .zip(quantised.chunks(group))
            {
                *word = values
                    .iter()
                    .enumerate()
                    .fold(0, |word, (i, &q)| word | (q as u32 & mask) << (bits * i));
            }
        }
        Self {
            kernel,
            inputs,
            outputs,
            groups,
            data,
            scales,
            sums,
        }
    }

    fn panels(&self) -> usize {
        self.outputs.div_ceil(self.kernel.panel())
    }

    /// `dst = x W^T`, or `dst += x W^T` when `accumulate`, as [`crate::transformer::Weight`]'s
    /// multiply; `par` splits the panels between threads.
    pub(crate) fn multiply(&self, x: &[f32], dst: &mut [f32], accumulate: bool, par: Parallelism) {
        let rows = x.len() / self.inputs;
        assert!(x.len() == rows * self.inputs && dst.len() == rows * self.outputs);
        assert!(
            Kernel::supported().contains(&self.kernel),
            "int8 weights for {:?} on a CPU without it",
            self.kernel
        );
        let quantised = quantise_rows(x, rows, self.inputs, self.kernel);
        let out = SharedOut(dst.as_mut_ptr());
        over_panels(self.panels(), par, |panels| {
            let out = &out;
            // SAFETY: the assertions above size the inputs, the panels and `dst`, and the CPU
            // has the kernel's instructions; each call writes only its own panels' columns, so
            // the threads' writes are disjoint.
            #[allow(unsafe_code)]
            unsafe {
                match self.kernel {
                    Kernel::Vnni512 => {
                        x86::vnni_panels(self, &quantised, out.0, panels, accumulate)
                    }
                    Kernel::Avx2 => x86::avx2_panels(self, &quantised, out.0, panels, accumulate),
                }
            }
        });
    }
}

/// The scale and zero point that map `[low, high]` (which holds 0) onto 0..=255.
fn input_scale(low: f32, high: f32) -> (f32, i32) {
    let range = high - low;
    let scale = if range > 0.0 && range.is_finite() {
        range / 255.0
    } else {
        1.0
    };
    (scale, (-low / scale + 0.5).clamp(0.0, 255.0) as i32)
}

/// `v` on 0..=255: `round(v / scale) + zero`, given `1 / scale` and `zero + 0.5`.
fn quantise_input(v: f32, inverse: f32, offset: f32) -> i32 {
    (v * inverse + offset).clamp(0.0, 255.0) as i32
}

/// Each row of `x` quantised onto 0..=255 (see the module doc) and packed for `kernel`:
/// the u8 values in quads for VNNI, value minus zero point as i16 pairs for AVX2.
fn quantise_rows(x: &[f32], rows: usize, inputs: usize, kernel: Kernel) -> QuantisedRows {
    let group = kernel.group();
    let groups = inputs.div_ceil(group);
    let mut out = QuantisedRows {
        groups: vec![0u32; rows * groups],
        scales: vec![1f32; rows],
        zeros: vec![0i32; rows],
    };
    let mut values = vec![0u8; groups * group];
    for (r, row) in x.chunks_exact(inputs).enumerate() {
        // SAFETY: both kernels need AVX2, and `multiply` checked the CPU has this one;
        // `values` holds at least the row.
        #[allow(unsafe_code)]
        let (scale, zero) = unsafe { x86::quantise_row(row, &mut values) };
        let packed = &mut out.groups[r * groups..][..groups];
        match kernel {
            Kernel::Vnni512 => {
                for (word, quad) in packed.iter_mut().zip(values.chunks_exact(4)) {
                    *word = u32::from_le_bytes([quad[0], quad[1], quad[2], quad[3]]);
                }
            }
            Kernel::Avx2 => {
                let centred = |v: u8| (v as i32 - zero) as i16 as u16 as u32;
                for (word, pair) in packed.iter_mut().zip(values.chunks_exact(2)) {
                    *word = centred(pair[0]) | (centred(pair[1]) << 16);
                }
            }
        }
        out.scales[r] = scale;
        out.zeros[r] = zero;
    }
    out
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    use super::{PackedInt8, QuantisedRows, ROW_BLOCK};
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
    pub(super) unsafe fn quantise_row(row: &[f32], values: &mut [u8]) -> (f32, i32) {
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
        let (scale, zero) = super::input_scale(low, high);
        let (inverse, offset) = (1.0 / scale, zero as f32 + 0.5);
        let (inverses, offsets) = (_mm256_set1_ps(inverse), _mm256_set1_ps(offset));
        let (floor, ceiling) = (_mm256_setzero_ps(), _mm256_set1_ps(255.0));
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
            *q = super::quantise_input(v, inverse, offset) as u8;
        }
        values[row.len()..].iter_mut().for_each(|q| *q = zero as u8);
        (scale, zero)
    }

    /// Rows per register block of the VNNI kernel (2 x 12 sums of 32 registers).
    const VNNI_ROWS: usize = 12;
    /// Rows per register block of the AVX2 kernel (2 x 6 sums of 16 registers).
    const AVX2_ROWS: usize = 6;

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
                let share =
                    _mm512_mullo_epi32(zero, _mm512_loadu_si512(k.column_sums.add(c).cast()));
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
    unsafe fn avx2_block<const R: usize>(k: &Block) {
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
        let width = k.left.min(16);
        for (r, sum) in sums.iter().enumerate() {
            let scale = _mm256_set1_ps(*k.row_scales.add(r));
            let mut out = [0f32; 16];
            for (half, &sum) in sum.iter().enumerate() {
                let column = _mm256_loadu_ps(k.column_scales.add(8 * half));
                let exact = _mm256_cvtepi32_ps(sum);
                let y = _mm256_mul_ps(_mm256_mul_ps(exact, column), scale);
                _mm256_storeu_ps(out.as_mut_ptr().add(8 * half), y);
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

    /// The VNNI kernel over `panels`.
    ///
    /// # Safety
    /// The CPU must have AVX512F, AVX512BW and AVX512-VNNI; `w` is packed for
    /// [`super::Kernel::Vnni512`], `x` quantised for it from `rows x w.inputs` values, `dst`
    /// holds `rows * w.outputs` floats and `panels` lies within the weight's panels.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub(super) unsafe fn vnni_panels(
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

    /// The AVX2 kernel over `panels`.
    ///
    /// # Safety
    /// The CPU must have AVX2; `w` is packed for [`super::Kernel::Avx2`], `x` quantised for it
    /// from `rows x w.inputs` values, `dst` holds `rows * w.outputs` floats and `panels` lies
    /// within the weight's panels.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn avx2_panels(
        w: &PackedInt8,
        x: &QuantisedRows,
        dst: *mut f32,
        panels: Range<usize>,
        accumulate: bool,
    ) {
        drive(w, x, dst, panels, accumulate, AVX2_ROWS, |n, k| match n {
            6.. => avx2_block::<6>(k),
            5 => avx2_block::<5>(k),
            4 => avx2_block::<4>(k),
            3 => avx2_block::<3>(k),
            2 => avx2_block::<2>(k),
            _ => avx2_block::<1>(k),
        })
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[allow(unsafe_code)]
mod x86 {
    use super::{PackedInt8, QuantisedRows};
    use std::ops::Range;

    /// Never called: [`super::Kernel::supported`] is empty off x86-64.
    pub(super) unsafe fn quantise_row(_: &[f32], _: &mut [u8]) -> (f32, i32) {
        unreachable!("int8 weights off x86-64")
    }

    /// Never called: [`super::Kernel::supported`] is empty off x86-64.
    pub(super) unsafe fn vnni_panels(
        _: &PackedInt8,
        _: &QuantisedRows,
        _: *mut f32,
        _: Range<usize>,
        _: bool,
    ) {
        unreachable!("int8 weights off x86-64")
    }

    /// Never called: [`super::Kernel::supported`] is empty off x86-64.
    pub(super) unsafe fn avx2_panels(
        _: &PackedInt8,
        _: &QuantisedRows,
        _: *mut f32,
        _: Range<usize>,
        _: bool,
    ) {
        unreachable!("int8 weights off x86-64")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(n: usize, seed: u32) -> Vec<f32> {
        crate::panels::test_values(n, seed, 0.3)
    }

    /// What the kernels must give: the integer sums of the values quantised one by one (not
    /// through the packed words), scaled in the module doc's order.
    fn reference(x: &[f32], w: &[f32], rows: usize, k: usize, n: usize) -> Vec<f32> {
        let column_scales: Vec<f32> = (0..n)
            .map(|c| {
                let max = (0..k).map(|i| w[c * k + i].abs()).fold(0f32, f32::max);
                if max > 0.0 {
                    max / 127.0
                } else {
                    1.0
                }
            })
            .collect();
        let mut out = vec![0f32; rows * n];
        for r in 0..rows {
            let row = &x[r * k..][..k];
            let low = row.iter().copied().fold(0f32, f32::min);
            let high = row.iter().copied().fold(0f32, f32::max);
            let (scale, zero) = input_scale(low, high);
            let qx: Vec<i64> = row
                .iter()
                .map(|&v| (quantise_input(v, 1.0 / scale, zero as f32 + 0.5) - zero) as i64)
                .collect();
            for c in 0..n {
                let sum: i64 = (0..k)
                    .map(|i| qx[i] * quantise_weight(w[c * k + i], 1.0 / column_scales[c]) as i64)
                    .sum();
                out[r * n + c] = ((sum as f32) * column_scales[c]) * scale;
            }
        }
        out
    }

    #[test]
    fn every_kernel_equals_the_integer_arithmetic_for_every_tail() {
        let kernels = Kernel::supported();
        if kernels.is_empty() {
            eprintln!("skipped: this CPU has no AVX2 (the f32 path runs instead)");
            return;
        }
        // Rows past a register block and a row block, columns short of a panel and past one,
        // inputs short of a group, a row of zeros and a row of one sign.
        for &(rows, k, n) in &[
            (1, 7, 5),
            (13, 33, 48),
            (70, 64, 70),
            (25, 2, 32),
            (3, 101, 17),
        ] {
            let (mut x, w) = (values(rows * k, 1), values(k * n, 2));
            x[..k].iter_mut().for_each(|v| *v = 0.0);
            if rows > 1 {
                x[k..2 * k].iter_mut().for_each(|v| *v = v.abs());
            }
            let expected = reference(&x, &w, rows, k, n);
            for &kernel in kernels {
                let packed = PackedInt8::from_out_in(&w, k, n, kernel);
                for (accumulate, par) in [(false, Parallelism::None), (true, Parallelism::Rayon(2))]
                {
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
                            (got - want).abs() <= 1e-6 * (1.0 + want.abs()),
                            "{kernel:?} {rows}x{k}x{n} [{i}]: {got} vs {want}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_product_is_close_to_f32() {
        let Some(kernel) = Kernel::detect() else {
            eprintln!("skipped: this CPU has no AVX2");
            return;
        };
        let (rows, k, n) = (9, 256, 40);
        let (x, w) = (values(rows * k, 4), values(k * n, 5));
        let mut got = vec![0f32; rows * n];
        PackedInt8::from_out_in(&w, k, n, kernel).multiply(&x, &mut got, false, Parallelism::None);
        for r in 0..rows {
            for c in 0..n {
                let exact: f32 = (0..k).map(|i| x[r * k + i] * w[c * k + i]).sum();
                let scale: f32 = (0..k).map(|i| (x[r * k + i] * w[c * k + i]).abs()).sum();
                assert!(
                    (got[r * n + c] - exact).abs() <= 0.02 * scale,
                    "[{r},{c}] {} vs {exact}",
                    got[r * n + c]
                );
            }
        }
    }
}
