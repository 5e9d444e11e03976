//! Multi-head scaled dot-product attention over the fused q/k/v matrix, computed directly on
//! the `[tokens, 3 * hidden]` buffer. candle would run it as one small gemm call per (image,
//! head) pair plus permute copies and a mask tensor; a ViT-B/32 batch of 16 makes 4,600 such
//! calls whose dispatch costs more than their arithmetic.

use crate::kernels::fast_exp;

/// Shape of one attention call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    pub seq: usize,
    pub heads: usize,
    pub head_dim: usize,
    /// Each position attends only to itself and earlier positions (the text tower).
    pub causal: bool,
}

/// `qkv` holds, per token, q then k then v, each `heads * head_dim` wide, with q already
/// scaled by `head_dim^-0.5`. Writes `[tokens, heads * head_dim]` into `out`, one sequence
/// after another on the calling thread (the encoder gives each thread its own sequences).
pub(crate) fn attend(qkv: &[f32], out: &mut [f32], s: Shape) {
    let hidden = s.heads * s.head_dim;
    for (out_b, rows) in out
        .chunks_exact_mut(s.seq * hidden)
        .zip(qkv.chunks_exact(s.seq * 3 * hidden))
    {
        attend_one(rows, out_b, s, 0..s.seq);
    }
}

/// [`attend`] for one query per sequence, `pool[b]` of sequence `b`: writes
/// `[sequences, heads * head_dim]` into `out` (what a tower pooled at one token needs of its
/// last layer).
pub(crate) fn attend_pooled(qkv: &[f32], out: &mut [f32], s: Shape, pool: &[usize]) {
    let hidden = s.heads * s.head_dim;
    for ((out_b, rows), &p) in out
        .chunks_exact_mut(hidden)
        .zip(qkv.chunks_exact(s.seq * 3 * hidden))
        .zip(pool)
    {
        attend_one(rows, out_b, s, p..p + 1);
    }
}

/// Keys per block of scores, and output values per block of the weighted sum: each block's
/// sums stay in registers (four AVX2 vectors) across the whole head dimension, or across
/// every key, instead of going through memory at each step.
const LANES: usize = 32;

/// Attention for one sequence, all heads, of the `queries` (rows of `out` in order): the
/// scores of a query over blocks of [`LANES`] keys
/// (k transposed, padded with zero keys to whole blocks), then the weighted sum of values in
/// blocks of [`LANES`] outputs. Each sum runs in the order of the textbook loop, so the
/// results do not depend on the blocking. Compiled for AVX-512 and AVX2 with the best chosen
/// at run time.
#[multiversion::multiversion(targets(
    "x86_64+avx512f+avx512vl+avx2+fma",
    "x86_64+avx2+fma",
    "aarch64+neon"
))]
fn attend_one(rows: &[f32], out: &mut [f32], s: Shape, queries: std::ops::Range<usize>) {
    let (seq, d) = (s.seq, s.head_dim);
    let hidden = s.heads * d;
    let stride = 3 * hidden;
    let padded = seq.div_ceil(LANES) * LANES;
    let mut k_t = vec![0f32; d * padded];
    let mut scores = vec![0f32; padded];
    for h in 0..s.heads {
        for j in 0..seq {
            let k = &rows[j * stride + hidden + h * d..][..d];
            for (c, v) in k.iter().enumerate() {
                k_t[c * padded + j] = *v;
            }
        }
        for i in queries.clone() {
            let visible = if s.causal { i + 1 } else { seq };
            let q = &rows[i * stride + h * d..][..d];
            for first in (0..visible).step_by(LANES) {
                let mut sums = [0f32; LANES];
                for (c, qc) in q.iter().enumerate() {
                    let keys = &k_t[c * padded + first..][..LANES];
                    for (sum, k) in sums.iter_mut().zip(keys) {
                        *sum += qc * k;
                    }
                }
                scores[first..first + LANES].copy_from_slice(&sums);
            }
            let scores = &mut scores[..visible];
            let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let mut sum = 0.0;
            for score in scores.iter_mut() {
                *score = fast_exp(*score - max);
                sum += *score;
            }
            let value = |j: usize| &rows[j * stride + 2 * hidden + h * d..][..d];
            let o = &mut out[(i - queries.start) * hidden + h * d..][..d];
            let mut blocks = o.chunks_exact_mut(LANES);
            for (b, block) in (&mut blocks).enumerate() {
                let mut sums = [0f32; LANES];
                for (j, score) in scores.iter().enumerate() {
                    let w = score / sum;
                    for (o, v) in sums.iter_mut().zip(&value(j)[b * LANES..][..LANES]) {
                        *o += w * v;
                    }
                }
                block.copy_from_slice(&sums);
            }
            let rest = blocks.into_remainder();
            let done = d - rest.len();
            rest.fill(0.0);
            for (j, score) in scores.iter().enumerate() {
                let w = score / sum;
                for (o, v) in rest.iter_mut().zip(&value(j)[done..]) {
                    *o += w * v;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Straightforward reference: softmax(q k^T) v per head, with an optional causal mask.
    fn naive(qkv: &[f32], batch: usize, s: Shape) -> Vec<f32> {
        let hidden = s.heads * s.head_dim;
        let get = |b: usize, t: usize, part: usize, h: usize, d: usize| {
            qkv[(b * s.seq + t) * 3 * hidden + part * hidden + h * s.head_dim + d]
        };
        let mut out = vec![0f32; batch * s.seq * hidden];
        for b in 0..batch {
            for h in 0..s.heads {
                for i in 0..s.seq {
                    let n = if s.causal { i + 1 } else { s.seq };
                    let logits: Vec<f64> = (0..n)
                        .map(|j| {
                            (0..s.head_dim)
                                .map(|d| (get(b, i, 0, h, d) * get(b, j, 1, h, d)) as f64)
                                .sum()
                        })
                        .collect();
                    let max = logits.iter().cloned().fold(f64::MIN, f64::max);
                    let exps: Vec<f64> = logits.iter().map(|l| (l - max).exp()).collect();
                    let total: f64 = exps.iter().sum();
                    for d in 0..s.head_dim {
                        let v: f64 = (0..n)
                            .map(|j| exps[j] / total * get(b, j, 2, h, d) as f64)
                            .sum();
                        out[(b * s.seq + i) * hidden + h * s.head_dim + d] = v as f32;
                    }
                }
            }
        }
        out
    }

    #[test]
    fn matches_the_textbook_formula() {
        // Shorter than a block; ViT-B/32's 50 tokens of 64 per head (two key blocks, two
        // output blocks); a head of 40 (a block and a remainder) over 33 keys.
        let shapes = [(7, 2, 11), (50, 2, 64), (33, 3, 40)];
        for ((seq, heads, head_dim), causal) in shapes
            .into_iter()
            .flat_map(|shape| [(shape, false), (shape, true)])
        {
            let batch = 3;
            let s = Shape {
                seq,
                heads,
                head_dim,
                causal,
            };
            let n = batch * s.seq * 3 * s.heads * s.head_dim;
            let qkv: Vec<f32> = (0..n)
                .map(|i| ((i * 7919 % 101) as f32 / 50.0) - 1.0)
                .collect();
            let mut got = vec![f32::NAN; batch * s.seq * s.heads * s.head_dim];
            attend(&qkv, &mut got, s);
            let want = naive(&qkv, batch, s);
            let max = got
                .iter()
                .zip(&want)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            assert!(max < 1e-5, "{s:?}: max difference {max}");
            let hidden = s.heads * s.head_dim;
            let pool: Vec<usize> = (0..batch).map(|b| (3 * b + 1) % s.seq).collect();
            let mut pooled = vec![f32::NAN; batch * hidden];
            attend_pooled(&qkv, &mut pooled, s, &pool);
            for (b, &p) in pool.iter().enumerate() {
                let row = &got[(b * s.seq + p) * hidden..][..hidden];
                assert_eq!(
                    &pooled[b * hidden..][..hidden],
                    row,
                    "{s:?}: pooled row {b}"
                );
            }
        }
    }
}
