//! A matmul's weight matrix and its multiply: f32 through gemm, or packed for the bf16 or
//! int8 kernels ([`crate::bf16`], [`crate::int8`]).
//!
//! Weight layout: encoder weights kept in f32 are copied at load from the checkpoint's
//! `[out, in]` to `[in, out]` ([`Weight::prepare`]; int8 and bf16 weights are packed straight
//! from the checkpoint's rows). A matmul of a few rows (one text query, 7x512x2048) took
//! 1.4 ms on the checkpoint's layout read as a transpose and 0.2 ms on the copy; for the
//! vision tower's many-row matmuls the copy cut gemm's packing from 13% to 6% of encoding
//! time. Layers load and are prepared in parallel. The two matmuls that run once per
//! image (patch embedding, projection) keep the checkpoint's layout.
//!
//! A text query streams all 151 MB of the ViT-B/32 text weights through a handful of rows, so
//! it is bound by memory: 7 tokens take 15-18 ms where reading the weights alone takes 6-7 ms
//! here. A hand-written few-rows kernel on the `[out, in]` layout (each weight row streamed
//! once, dotted with every input row) was tried and dropped: 15-17 ms for 7 tokens, no better
//! than gemm, and 42 ms against 20 for 16 tokens.
//! Fewer bytes per weight are what pays: [`crate::int8`] keeps the weights as int8 where the
//! CPU has AVX2 ([`Weight::prepare`]), 4.5 ms a query against 19-20 in f32.

use crate::bf16::{self, PackedBf16};
use crate::int8::PackedInt8;
use crate::precision::TowerPrecision;
use candle_core::{Result, Storage, Tensor};
use gemm::Parallelism;

/// How a weight matrix is stored (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WeightLayout {
    /// The checkpoint's `[out, in]`, kept as is: no copy at load.
    OutIn,
    /// Transposed to `[in, out]` at load: faster matmuls (see the module doc).
    InOut,
}

/// A weight matrix in reduced precision, packed for its kernel.
enum Packed {
    Bf16(PackedBf16),
    Int8(PackedInt8),
}

/// A weight matrix mapping `inputs` values to `outputs`: f32 in `data`, or bf16 or int8 in
/// `packed` once [`Self::prepare`] has converted it (then `data` is empty).
pub(crate) struct Weight {
    data: Vec<f32>,
    packed: Option<Packed>,
    inputs: usize,
    outputs: usize,
    /// How `data` is stored now.
    layout: WeightLayout,
    /// How [`Self::prepare`] stores it in f32.
    wanted: WeightLayout,
}

impl Weight {
    /// From an `[out, in]` tensor, kept in the checkpoint's layout until [`Self::prepare`]
    /// packs it or copies it to `layout` (it multiplies correctly in either).
    pub(crate) fn new(weight: &Tensor, layout: WeightLayout) -> Result<Self> {
        let (outputs, inputs) = weight.dims2()?;
        Ok(Self {
            data: with_values(weight, <[f32]>::to_vec)?,
            packed: None,
            inputs,
            outputs,
            layout: WeightLayout::OutIn,
            wanted: layout,
        })
    }

    /// From an `[out, in]` tensor, to be stored `[in, out]` in `precision`: packed, or in f32
    /// transposed, straight from the tensor's values (no f32 copy first).
    pub(crate) fn new_prepared(weight: &Tensor, precision: TowerPrecision) -> Result<Self> {
        let (outputs, inputs) = weight.dims2()?;
        with_values(weight, |values| {
            let (data, packed) = stored_in_out(values, inputs, outputs, precision);
            Self::in_out(data, packed, inputs, outputs)
        })
    }

    /// A weight already stored `[in, out]`: f32 `data`, or `packed` (then `data` is empty).
    fn in_out(data: Vec<f32>, packed: Option<Packed>, inputs: usize, outputs: usize) -> Self {
        Self {
            data,
            packed,
            inputs,
            outputs,
            layout: WeightLayout::InOut,
            wanted: WeightLayout::InOut,
        }
    }

    /// Stores a weight meant for `[in, out]` in `precision` for [`bf16`]'s or [`int8`]'s
    /// kernel, packed straight from the checkpoint's rows, when the CPU has it; else (and for
    /// f32) transposes it to `[in, out]`. Weights kept in the checkpoint's layout stay f32.
    pub(crate) fn prepare(&mut self, precision: TowerPrecision) {
        if self.wanted != WeightLayout::InOut || self.layout == WeightLayout::InOut {
            return;
        }
        (self.data, self.packed) = stored_in_out(&self.data, self.inputs, self.outputs, precision);
        self.layout = WeightLayout::InOut;
    }

    /// [`Self::prepare`]d, for a weight built where its precision is known.
    pub(crate) fn prepared(mut self, precision: TowerPrecision) -> Self {
        self.prepare(precision);
        self
    }

    /// A weight packed in int8 earlier ([`crate::packed_cache`]).
    pub(crate) fn from_int8(packed: PackedInt8) -> Self {
        let (_, inputs, outputs) = packed.shape();
        Self::in_out(Vec::new(), Some(Packed::Int8(packed)), inputs, outputs)
    }

    /// Its int8 packing, when it has one.
    pub(crate) fn int8(&self) -> Option<&PackedInt8> {
        match &self.packed {
            Some(Packed::Int8(packed)) => Some(packed),
            _ => None,
        }
    }

    pub(crate) fn inputs(&self) -> usize {
        self.inputs
    }

    pub(crate) fn outputs(&self) -> usize {
        self.outputs
    }

    /// `dst = x W^T`, or `dst += x W^T` when `accumulate`; `x` is `[rows, inputs]`, `dst`
    /// `[rows, outputs]`.
    pub(crate) fn multiply(&self, x: &[f32], dst: &mut [f32], accumulate: bool, par: Parallelism) {
        let rows = x.len() / self.inputs;
        assert!(
            x.len() == rows * self.inputs && dst.len() == rows * self.outputs,
            "matmul of {} values by {}x{} into {}",
            x.len(),
            self.inputs,
            self.outputs,
            dst.len()
        );
        match &self.packed {
            Some(Packed::Bf16(packed)) => return packed.multiply(x, dst, accumulate, par),
            Some(Packed::Int8(packed)) => return packed.multiply(x, dst, accumulate, par),
            None => {}
        }
        // rhs[k][n] = W[n][k]: strides of k (rows) and n (columns) in the stored data.
        let (rhs_rs, rhs_cs) = match self.layout {
            WeightLayout::OutIn => (1, self.inputs as isize),
            WeightLayout::InOut => (self.outputs as isize, 1),
        };
        // SAFETY: the assertion above bounds every index gemm reads or writes: lhs is
        // rows x inputs row-major, dst rows x outputs row-major, rhs inputs x outputs within
        // `data` by the strides of its layout.
        #[allow(unsafe_code)]
        unsafe {
            gemm::gemm(
                rows,
                self.outputs,
                self.inputs,
                dst.as_mut_ptr(),
                1,
                self.outputs as isize,
                accumulate,
                x.as_ptr(),
                1,
                self.inputs as isize,
                self.data.as_ptr(),
                rhs_cs,
                rhs_rs,
                1.0,
                1.0,
                false,
                false,
                false,
                par,
            );
        }
    }
}

/// `run` given the f32 values of a contiguous `[out, in]` tensor on the CPU.
fn with_values<R>(weight: &Tensor, run: impl FnOnce(&[f32]) -> R) -> Result<R> {
    let weight = weight.contiguous()?;
    let (storage, tensor_layout) = weight.storage_and_layout();
    let (Storage::Cpu(cpu), Some((start, end))) = (&*storage, tensor_layout.contiguous_offsets())
    else {
        candle_core::bail!("weights must be contiguous and on the CPU")
    };
    Ok(run(&cpu.as_slice::<f32>()?[start..end]))
}

/// The checkpoint's `[out, in]` `values` packed for `precision`'s kernel when it has one on
/// this CPU (bf16, int8), else None (f32).
fn pack(
    values: &[f32],
    inputs: usize,
    outputs: usize,
    precision: TowerPrecision,
) -> Option<Packed> {
    match precision {
        TowerPrecision::Bf16 if bf16::available() => Some(Packed::Bf16(PackedBf16::from_out_in(
            values, inputs, outputs,
        ))),
        TowerPrecision::Int8(kernel) => Some(Packed::Int8(PackedInt8::from_out_in(
            values, inputs, outputs, kernel,
        ))),
        _ => None,
    }
}

/// The checkpoint's `[out, in]` `values` stored `[in, out]` for `precision`: packed for its
/// kernel (no f32 data), or transposed in f32.
fn stored_in_out(
    values: &[f32],
    inputs: usize,
    outputs: usize,
    precision: TowerPrecision,
) -> (Vec<f32>, Option<Packed>) {
    match pack(values, inputs, outputs, precision) {
        Some(packed) => (Vec::new(), Some(packed)),
        None => (transpose(values, outputs, inputs), None),
    }
}

/// `rows x cols` row-major to `cols x rows`, in tiles that stay in the L1 cache.
fn transpose(values: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    const TILE: usize = 32;
    let mut out = vec![0f32; values.len()];
    for r0 in (0..rows).step_by(TILE) {
        for c0 in (0..cols).step_by(TILE) {
            for r in r0..(r0 + TILE).min(rows) {
                for c in c0..(c0 + TILE).min(cols) {
                    out[c * rows + r] = values[r * cols + c];
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn both_layouts_multiply_like_the_textbook() {
        let (outputs, inputs, rows) = (5, 3, 4);
        let w: Vec<f32> = (0..outputs * inputs).map(|i| i as f32 - 7.0).collect();
        let x: Vec<f32> = (0..rows * inputs).map(|i| (i % 5) as f32 * 0.5).collect();
        let tensor = Tensor::from_vec(w.clone(), (outputs, inputs), &Device::Cpu).unwrap();
        let mut want = vec![0f32; rows * outputs];
        for r in 0..rows {
            for o in 0..outputs {
                want[r * outputs + o] = (0..inputs)
                    .map(|i| x[r * inputs + i] * w[o * inputs + i])
                    .sum();
            }
        }
        // As loaded (the checkpoint's rows), then as prepared in f32 (an `[in, out]` copy
        // for the wanted layout).
        for layout in [WeightLayout::OutIn, WeightLayout::InOut] {
            let mut weight = Weight::new(&tensor, layout).unwrap();
            for prepared in [false, true] {
                if prepared {
                    weight.prepare(TowerPrecision::F32);
                }
                let mut got = vec![f32::NAN; rows * outputs];
                weight.multiply(&x, &mut got, false, Parallelism::None);
                assert_eq!(got, want, "{layout:?}, prepared {prepared}");
                weight.multiply(&x, &mut got, true, Parallelism::Rayon(2));
                let doubled: Vec<f32> = want.iter().map(|v| 2.0 * v).collect();
                assert_eq!(got, doubled, "{layout:?}, prepared {prepared}, accumulated");
            }
            assert_eq!(weight.layout, layout);
        }
    }
}
