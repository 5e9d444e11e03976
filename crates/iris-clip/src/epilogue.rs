//! What follows a linear layer's matmul — bias, then optionally quick-GELU — fused into one
//! parallel pass. As separate candle ops, bias and quick-GELU over one ViT-B MLP activation
//! (800x3072) took 29 ms against 21 ms for the matmul itself; fused, about 3 ms.

use candle_core::{CpuStorage, CustomOp1, Layout, Result, Shape};
use rayon::prelude::*;

/// `exp(x)` to about 2e-7 relative error, written so that it vectorises: round-to-nearest by
/// the 1.5 * 2^23 trick, a degree-6 polynomial on the remainder, and the power of two built
/// from its bits.
#[inline(always)]
pub(crate) fn fast_exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 88.0);
    let n = (x * LOG2E + ROUND) - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    p * f32::from_bits(((n as i32 + 127) << 23) as u32)
}

/// Bias addition followed by an optional quick-GELU (`x * sigmoid(1.702 x)`), over the rows
/// of a contiguous 2-D f32 tensor.
pub(crate) struct BiasActivation {
    pub bias: Vec<f32>,
    pub quick_gelu: bool,
}

impl CustomOp1 for BiasActivation {
    fn name(&self) -> &'static str {
        "bias-activation"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let Some((start, end)) = layout.contiguous_offsets() else {
            candle_core::bail!("bias-activation needs a contiguous input")
        };
        let input = &storage.as_slice::<f32>()?[start..end];
        let width = self.bias.len();
        if layout.dims().last() != Some(&width) {
            candle_core::bail!("bias of {width} values for input {:?}", layout.dims())
        }
        let mut out = vec![0f32; input.len()];
        out.par_chunks_mut(width * 16)
            .zip(input.par_chunks(width * 16))
            .for_each(|(o, i)| bias_activation_rows(i, o, &self.bias, self.quick_gelu));
        Ok((CpuStorage::F32(out), layout.shape().clone()))
    }
}

/// One block of rows; compiled for AVX-512 and AVX2, chosen at run time.
#[multiversion::multiversion(targets(
    "x86_64+avx512f+avx512vl+avx2+fma",
    "x86_64+avx2+fma",
    "aarch64+neon"
))]
fn bias_activation_rows(input: &[f32], out: &mut [f32], bias: &[f32], quick_gelu: bool) {
    let width = bias.len();
    for (o_row, i_row) in out.chunks_exact_mut(width).zip(input.chunks_exact(width)) {
        if quick_gelu {
            for ((o, x), b) in o_row.iter_mut().zip(i_row).zip(bias) {
                let y = x + b;
                *o = y / (1.0 + fast_exp(-1.702 * y));
            }
        } else {
            for ((o, x), b) in o_row.iter_mut().zip(i_row).zip(bias) {
                *o = x + b;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_exp_is_accurate() {
        let mut worst = 0f64;
        for i in -8000..=8000 {
            let x = i as f32 / 100.0;
            let rel = ((fast_exp(x) as f64 - (x as f64).exp()) / (x as f64).exp()).abs();
            worst = worst.max(rel);
        }
        assert!(worst < 5e-7, "worst relative error {worst}");
    }
}
