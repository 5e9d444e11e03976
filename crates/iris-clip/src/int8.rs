//! int8 weights and activations and their matmul, for the encoders' matmuls, on three
//! kernels of this crate's own: AVX512-VNNI (`vpdpbusd`: four u8 x i8 products summed into
//! i32), and on plain AVX2 `vpmaddwd` (two i16 x i16 products summed into i32) for the text
//! tower and `vpmaddubsw` (two u8 x i8 products summed into i16) for the image tower.
//!
//! Weights are quantised once per output column (symmetric, scale `max |w| / limit`, or a
//! clipped one for AVX2 octets, see [`column_scale`]), the activations of each call once per
//! row (asymmetric over `[min(x, 0), max(x, 0)]` onto 0..=top with a zero point, so that a
//! GELU's one-sided outputs keep all their levels). The sums are exact integers; the one
//! rounding after the sum is `((sum as f32) * column scale) * row scale`, in that order.
//!
//! - **VNNI** takes 8 bits of each (limit 127, top 255) in both towers.
//! - **AVX2 pairs** (`vpmaddwd`) takes 8 bits too and gives VNNI's sums. Its multiplies do
//!   half the work of VNNI's, which a text query's few rows do not feel (their cost is the
//!   weights' bytes), so the text tower keeps 8 bits on every CPU.
//! - **AVX2 octets** (`vpmaddubsw`) takes 7-bit inputs (top 127) and weights within ±32.
//!   `vpmaddubsw` saturates its i16 sums; at those levels the sums of four quads (sixteen
//!   products of at most 127 x 32, 32,512 in all) still fit, so one `vpmaddwd` against ones
//!   widens four quads' products: five multiplies per sixteen inputs where the pairs kernel
//!   needs eight. A batch of images is bound by those multiplies on AVX2-only CPUs (Zen 1
//!   and Zen 2 issue them on one pipe): 1.09x the images per second of the 7-bit kernel
//!   before it (two quads a step, weights within ±63), which was 1.26x the pairs kernel's,
//!   on a Zen 1 EPYC. Quality: on ViT-B/32-shaped weights the images' worst cosine to f32 is
//!   0.99948 (0.99979 at 7 bits, 0.99995 at 8); the demo model's two-object image to text
//!   R@1 moves by +0.0032 (one query of 311; the bound is 0.005), the other figures by at
//!   most 0.001. 7-bit weights in the text tower moved that R@1 by 0.0064 already: the text
//!   tower keeps 8 bits.
//!
//! Layout: the weight, read from the checkpoint's `[out, in]` rows, is cut into panels of
//! output columns (32 for VNNI, 16 for AVX2). A panel holds, for each group of inputs (a quad
//! `4q..4q+3`, or a pair for AVX2 pairs), its columns' values side by side (one u32 per
//! column: four i8s, or two i16s), what the kernels multiply with the input row's group
//! broadcast. VNNI and AVX2 octets take u8 inputs and take the zero point's share,
//! `zero * column sum`, off after the sum; AVX2 pairs takes the inputs minus their zero point
//! as i16. Missing columns and inputs are zeros. A sum is at most 255 x 127 x inputs, well
//! inside i32 for any encoder here.

use crate::panels::{over_panels, SharedOut};
use gemm::Parallelism;
use rayon::prelude::*;
use scale::{column_scale, quantise_weight};

/// Rows per pass over the panels (their quantised inputs stay in the L2 cache).
const ROW_BLOCK: usize = 64;

/// The instructions a packed weight is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// AVX512F + BW + VNNI: 32-column panels of input quads, 8 bits.
    Vnni512,
    /// AVX2 `vpmaddwd`: 16-column panels of input pairs as i16, 8 bits (the same sums as
    /// VNNI), for a few rows at a time (a text query), where the weights' bytes are the cost.
    Avx2Pairs,
    /// AVX2 `vpmaddubsw`: 16-column panels of input quads taken four a step, 7-bit inputs and
    /// weights within ±32, for many rows at a time (a batch of images), where the multiplies
    /// are the cost.
    Avx2Octets,
}

/// How many rows a tower's matmuls take at a time: what picks the AVX2 kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rows {
    /// A text tower's: a query's few tokens.
    Few,
    /// An image tower's: a batch of images' tokens.
    Many,
}

impl Kernel {
    /// The fastest kernel this CPU has for `rows` (checked once), or None without AVX2.
    /// `IRIS_INT8_KERNEL=avx2` picks the AVX2 kernels where VNNI runs too: what an AVX2-only
    /// CPU runs, for benchmarks.
    pub(crate) fn detect(rows: Rows) -> Option<Self> {
        static VNNI: std::sync::OnceLock<Option<bool>> = std::sync::OnceLock::new();
        let vnni = (*VNNI.get_or_init(|| {
            let all = Self::supported();
            let asked = std::env::var("IRIS_INT8_KERNEL").ok();
            let vnni = all.contains(&Self::Vnni512) && asked.as_deref() != Some("avx2");
            (!all.is_empty()).then_some(vnni)
        }))?;
        Some(match (vnni, rows) {
            (true, _) => Self::Vnni512,
            (false, Rows::Few) => Self::Avx2Pairs,
            (false, Rows::Many) => Self::Avx2Octets,
        })
    }

    /// Every kernel this CPU can run (checked once: `multiply` asks on every call).
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
                    kernels.extend([Self::Avx2Pairs, Self::Avx2Octets]);
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
            Self::Avx2Pairs | Self::Avx2Octets => 16,
        }
    }

    /// Inputs per u32 of a packed row.
    fn group(self) -> usize {
        match self {
            Self::Avx2Pairs => 2,
            Self::Vnni512 | Self::Avx2Octets => 4,
        }
    }

    /// Groups per packed row of `inputs`: whole fours of quads for [`Kernel::Avx2Octets`],
    /// which takes four a step (the padding quads' weights are zeros).
    fn groups(self, inputs: usize) -> usize {
        match self {
            Self::Avx2Octets => inputs.div_ceil(16) * 4,
            _ => inputs.div_ceil(self.group()),
        }
    }

    /// The largest quantised weight and the largest quantised input (see the module doc).
    fn levels(self) -> (f32, f32) {
        match self {
            Self::Avx2Octets => (32.0, 127.0),
            Self::Vnni512 | Self::Avx2Pairs => (127.0, 255.0),
        }
    }
}

/// A weight matrix in int8 panels for one [`Kernel`] (see the module doc).
pub(crate) struct PackedInt8 {
    kernel: Kernel,
    inputs: usize,
    outputs: usize,
    /// Input groups per row ([`Kernel::groups`]).
    groups: usize,
    data: Vec<u32>,
    /// Each column's scale, padded with ones to whole panels.
    scales: Vec<f32>,
    /// Each column's sum of quantised weights, padded with zeros (the zero point's share).
    sums: Vec<i32>,
}

/// One call's inputs, quantised: each row's u8 quads, scale and zero point.
struct QuantisedRows {
    groups: Vec<u32>,
    scales: Vec<f32>,
    zeros: Vec<i32>,
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
        let (panel, (limit, _)) = (kernel.panel(), kernel.levels());
        let panels = outputs.div_ceil(panel);
        let groups = kernel.groups(inputs);
        // A value's bits within its word: a byte, or an i16 for `vpmaddwd`.
        let (bits, mask) = match kernel {
            Kernel::Avx2Pairs => (16, 0xffff),
            Kernel::Vnni512 | Kernel::Avx2Octets => (8, 0xff),
        };
        let mut data = vec![0u32; panels * groups * panel];
        let mut scales = vec![1f32; panels * panel];
        let mut sums = vec![0i32; panels * panel];
        // Panels are packed in parallel: each owns its words, scales and sums.
        let columns = values.chunks_exact(inputs).collect::<Vec<_>>();
        data.par_chunks_mut(groups * panel)
            .zip(scales.par_chunks_mut(panel))
            .zip(sums.par_chunks_mut(panel))
            .zip(columns.par_chunks(panel))
            .for_each(|(((words, scales), sums), rows)| {
                let mut quantised = vec![0i32; inputs];
                for (j, row) in rows.iter().enumerate() {
                    scales[j] = column_scale(row, kernel);
                    let inverse = 1.0 / scales[j];
                    // Quantised in one pass the compiler vectorises, then packed (no division
                    // per value: a load took 3.9 s against 1.4 s in f32 on an AVX2-only EPYC
                    // with one).
                    quantised
                        .iter_mut()
                        .zip(row.iter())
                        .for_each(|(q, &w)| *q = quantise_weight(w, inverse, limit));
                    sums[j] = quantised.iter().sum();
                    for (word, values) in words
                        .iter_mut()
                        .skip(j)
                        .step_by(panel)
                        .zip(quantised.chunks(kernel.group()))
                    {
                        *word = values
                            .iter()
                            .enumerate()
                            .fold(0, |word, (i, &q)| word | (q as u32 & mask) << (bits * i));
                    }
                }
            });
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

    /// The kernel it is packed for, its inputs and its outputs.
    pub(crate) fn shape(&self) -> (Kernel, usize, usize) {
        (self.kernel, self.inputs, self.outputs)
    }

    /// Its packed words, column scales and column sums, as bytes ([`crate::packed_cache`]
    /// writes them; [`Self::read_parts`] reads them back).
    pub(crate) fn parts(&self) -> [&[u8]; 3] {
        [
            bytemuck::cast_slice(&self.data),
            bytemuck::cast_slice(&self.scales),
            bytemuck::cast_slice(&self.sums),
        ]
    }

    /// The bytes of [`Self::parts`] for a weight of this shape.
    pub(crate) fn stored_bytes(kernel: Kernel, inputs: usize, outputs: usize) -> u64 {
        let (columns, groups) = Self::columns_and_groups(kernel, inputs, outputs);
        // A word, a scale and a sum are 4 bytes each.
        4 * (columns * groups + 2 * columns) as u64
    }

    /// Output columns padded to whole panels, and input groups per row, for this shape.
    fn columns_and_groups(kernel: Kernel, inputs: usize, outputs: usize) -> (usize, usize) {
        let columns = outputs.div_ceil(kernel.panel()) * kernel.panel();
        (columns, kernel.groups(inputs))
    }

    /// A weight of this shape whose [`Self::parts`] `fill` reads, one after another, into
    /// buffers sized from the shape: what is read cannot give the kernels a wrong length.
    pub(crate) fn read_parts<E>(
        kernel: Kernel,
        inputs: usize,
        outputs: usize,
        mut fill: impl FnMut(&mut [u8]) -> Result<(), E>,
    ) -> Result<Self, E> {
        let (columns, groups) = Self::columns_and_groups(kernel, inputs, outputs);
        let mut data = vec![0u32; columns * groups];
        let mut scales = vec![0f32; columns];
        let mut sums = vec![0i32; columns];
        fill(bytemuck::cast_slice_mut(&mut data))?;
        fill(bytemuck::cast_slice_mut(&mut scales))?;
        fill(bytemuck::cast_slice_mut(&mut sums))?;
        Ok(Self {
            kernel,
            inputs,
            outputs,
            groups,
            data,
            scales,
            sums,
        })
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
        let quantised = quantise_rows(x, rows, self.inputs, self.groups, self.kernel);
        let out = SharedOut(dst.as_mut_ptr());
        over_panels(self.panels(), par, |panels| {
            let out = &out;
            // SAFETY: the assertions above size the inputs, the panels and `dst`, and the CPU
            // has the kernel's instructions; each call writes only its own panels' columns, so
            // the threads' writes are disjoint.
            #[allow(unsafe_code)]
            unsafe {
                x86::kernel_panels(self, &quantised, out.0, panels, accumulate)
            }
        });
    }
}

/// The scale and zero point that map `[low, high]` (which holds 0) onto 0..=top.
fn input_scale(low: f32, high: f32, top: f32) -> (f32, i32) {
    let range = high - low;
    let scale = if range > 0.0 && range.is_finite() {
        range / top
    } else {
        1.0
    };
    (scale, (-low / scale + 0.5).clamp(0.0, top) as i32)
}

/// `v` on 0..=top: `round(v / scale) + zero`, given `1 / scale` and `zero + 0.5`.
fn quantise_input(v: f32, inverse: f32, offset: f32, top: f32) -> i32 {
    (v * inverse + offset).clamp(0.0, top) as i32
}

/// Each row of `x` quantised onto 0..=top (see the module doc) and packed into `groups`
/// words for `kernel`: the u8 values in quads, or value minus zero point as i16 pairs for
/// [`Kernel::Avx2Pairs`].
fn quantise_rows(
    x: &[f32],
    rows: usize,
    inputs: usize,
    groups: usize,
    kernel: Kernel,
) -> QuantisedRows {
    let (group, (_, top)) = (kernel.group(), kernel.levels());
    let mut out = QuantisedRows {
        groups: vec![0u32; rows * groups],
        scales: vec![1f32; rows],
        zeros: vec![0i32; rows],
    };
    let mut values = vec![0u8; groups * group];
    for (r, row) in x.chunks_exact(inputs).enumerate() {
        // SAFETY: every kernel needs AVX2, and `multiply` checked the CPU has this one;
        // `values` holds at least the row.
        #[allow(unsafe_code)]
        let (scale, zero) = unsafe { x86::quantise_row(row, &mut values, top) };
        let packed = &mut out.groups[r * groups..][..groups];
        if kernel == Kernel::Avx2Pairs {
            let centred = |v: u8| (v as i32 - zero) as i16 as u16 as u32;
            for (word, pair) in packed.iter_mut().zip(values.chunks_exact(2)) {
                *word = centred(pair[0]) | (centred(pair[1]) << 16);
            }
        } else {
            for (word, quad) in packed.iter_mut().zip(values.chunks_exact(4)) {
                *word = u32::from_le_bytes([quad[0], quad[1], quad[2], quad[3]]);
            }
        }
        out.scales[r] = scale;
        out.zeros[r] = zero;
    }
    out
}

mod scale;

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86;

#[cfg(not(target_arch = "x86_64"))]
#[allow(unsafe_code)]
mod x86 {
    use super::{PackedInt8, QuantisedRows};
    use std::ops::Range;

    /// Never called: [`super::Kernel::supported`] is empty off x86-64.
    pub(super) unsafe fn quantise_row(_: &[f32], _: &mut [u8], _: f32) -> (f32, i32) {
        unreachable!("int8 weights off x86-64")
    }

    /// Never called: [`super::Kernel::supported`] is empty off x86-64.
    pub(super) unsafe fn kernel_panels(
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
    fn reference(
        x: &[f32],
        w: &[f32],
        (rows, k, n): (usize, usize, usize),
        kernel: Kernel,
    ) -> Vec<f32> {
        let (limit, top) = kernel.levels();
        let column_scales: Vec<f32> = w
            .chunks_exact(k)
            .map(|row| column_scale(row, kernel))
            .collect();
        let mut out = vec![0f32; rows * n];
        for r in 0..rows {
            let row = &x[r * k..][..k];
            let low = row.iter().copied().fold(0f32, f32::min);
            let high = row.iter().copied().fold(0f32, f32::max);
            let (scale, zero) = input_scale(low, high, top);
            let qx: Vec<i64> = row
                .iter()
                .map(|&v| (quantise_input(v, 1.0 / scale, zero as f32 + 0.5, top) - zero) as i64)
                .collect();
            for c in 0..n {
                let sum: i64 = (0..k)
                    .map(|i| {
                        let q = quantise_weight(w[c * k + i], 1.0 / column_scales[c], limit);
                        qx[i] * q as i64
                    })
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
        // inputs short of a group, a row of zeros, a row of one sign, and a row at the top of
        // the inputs' range against columns at their limit (the most `vpmaddubsw` can sum).
        for &(rows, k, n) in &[
            (1, 7, 5),
            (13, 33, 48),
            (70, 64, 70),
            (25, 2, 32),
            (3, 101, 17),
        ] {
            let (mut x, mut w) = (values(rows * k, 1), values(k * n, 2));
            x[..k].iter_mut().for_each(|v| *v = 0.0);
            if rows > 1 {
                x[k..2 * k].iter_mut().for_each(|v| *v = v.abs());
            }
            if rows > 2 && n > 1 {
                x[2 * k..3 * k].iter_mut().for_each(|v| *v = 1.0);
                w[..k].iter_mut().for_each(|v| *v = 0.5);
                w[k..2 * k].iter_mut().for_each(|v| *v = -0.5);
            }
            for &kernel in kernels {
                let expected = reference(&x, &w, (rows, k, n), kernel);
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
    fn every_kernels_product_is_close_to_f32() {
        if Kernel::supported().is_empty() {
            eprintln!("skipped: this CPU has no AVX2");
            return;
        }
        let (rows, k, n) = (9, 256, 40);
        let (x, w) = (values(rows * k, 4), values(k * n, 5));
        for &kernel in Kernel::supported() {
            let mut got = vec![0f32; rows * n];
            let packed = PackedInt8::from_out_in(&w, k, n, kernel);
            packed.multiply(&x, &mut got, false, Parallelism::None);
            for r in 0..rows {
                for c in 0..n {
                    let exact: f32 = (0..k).map(|i| x[r * k + i] * w[c * k + i]).sum();
                    let scale: f32 = (0..k).map(|i| (x[r * k + i] * w[c * k + i]).abs()).sum();
                    assert!(
                        (got[r * n + c] - exact).abs() <= 0.02 * scale,
                        "{kernel:?} [{r},{c}] {} vs {exact}",
                        got[r * n + c]
                    );
                }
            }
        }
    }

    #[test]
    fn a_text_tower_gets_8_bits_and_an_image_tower_the_fastest_kernel() {
        let (Some(few), Some(many)) = (Kernel::detect(Rows::Few), Kernel::detect(Rows::Many))
        else {
            eprintln!("skipped: this CPU has no AVX2");
            return;
        };
        assert_eq!(few.levels(), (127.0, 255.0));
        let vnni = Kernel::supported().contains(&Kernel::Vnni512)
            && std::env::var("IRIS_INT8_KERNEL").as_deref() != Ok("avx2");
        let (want_few, want_many) = match vnni {
            true => (Kernel::Vnni512, Kernel::Vnni512),
            false => (Kernel::Avx2Pairs, Kernel::Avx2Octets),
        };
        assert_eq!((few, many), (want_few, want_many));
    }
}
