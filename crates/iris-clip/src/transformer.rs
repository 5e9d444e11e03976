//! The pre-norm transformer encoder shared by both towers, on plain f32 buffers: the residual
//! stream is a `[tokens, hidden]` matrix updated in place, q/k/v are one fused matmul with the
//! attention scale folded into the q weights, biases and residual additions ride on the
//! matmuls (gemm's `dst = dst + lhs * rhs`), and each thread runs whole sequences.
//!
//! Threading, measured on 2 AVX-512 cores: candle ran every op on both threads, which met at
//! a barrier after each of the ~150 ops of a ViT-B/32 batch and allocated each output afresh.
//! Here a batch is cut into one slice of sequences per thread ([`split_batch`]); each thread
//! runs the whole stack on its slice with single-threaded matmuls and scratch buffers reused
//! from layer to layer. Inputs of fewer sequences than threads (one text query, one image) run
//! as one slice whose matmuls use every thread.
//!
use crate::attention;
use crate::config::{Activation, TowerConfig};
use crate::int8::PackedInt8;
use crate::kernels;
use crate::packed_cache::PackedCache;
use crate::precision::TowerPrecision;
use crate::weight::{Weight, WeightLayout};
use candle_core::{Result, Tensor};
use candle_nn::VarBuilder;
use gemm::Parallelism;
use rayon::prelude::*;
use std::ops::Range;

/// `y = x W^T + b`.
pub(crate) struct Linear {
    weight: Weight,
    bias: Vec<f32>,
}

impl Linear {
    /// Loads an encoder matmul, stored `[in, out]` (see the module doc).
    pub(crate) fn load(vb: &VarBuilder, (out, inp): (usize, usize)) -> Result<Self> {
        Self::new(&vb.get((out, inp), "weight")?, &vb.get(out, "bias")?)
    }

    /// From an `[out, in]` weight and its bias.
    pub(crate) fn new(weight: &Tensor, bias: &Tensor) -> Result<Self> {
        Ok(Self {
            weight: Weight::new(weight, WeightLayout::InOut)?,
            bias: bias.to_vec1()?,
        })
    }

    pub(crate) fn outputs(&self) -> usize {
        self.weight.outputs()
    }

    /// `dst = x W^T + b`.
    pub(crate) fn forward(&self, x: &[f32], dst: &mut [f32], par: Parallelism) {
        kernels::fill_rows(dst, &self.bias);
        self.weight.multiply(x, dst, true, par);
    }

    /// `dst = activation(x W^T + b)`: an MLP's first matmul.
    pub(crate) fn forward_activated(
        &self,
        x: &[f32],
        dst: &mut [f32],
        activation: Activation,
        par: Parallelism,
    ) {
        self.weight.multiply(x, dst, false, par);
        kernels::bias_activation(dst, &self.bias, activation);
    }

    /// `dst += x W^T + b`: a residual connection.
    pub(crate) fn add_forward(&self, x: &[f32], dst: &mut [f32], par: Parallelism) {
        kernels::add_to_rows(dst, &self.bias);
        self.weight.multiply(x, dst, true, par);
    }

    /// Stores the weight in `precision` ([`Weight::prepare`]).
    pub(crate) fn prepare(&mut self, precision: TowerPrecision) {
        self.weight.prepare(precision);
    }

    /// [`Self::prepare`]d, for a matmul built where its precision is known.
    pub(crate) fn prepared(mut self, precision: TowerPrecision) -> Self {
        self.prepare(precision);
        self
    }

    /// An encoder matmul: its weight from `stored` when it holds one (packed earlier), else
    /// read by `read` and stored in `precision`; its bias from `bias`.
    fn load_stored(
        stored: Option<PackedInt8>,
        read: impl FnOnce() -> Result<Tensor>,
        bias: Tensor,
        precision: TowerPrecision,
    ) -> Result<Self> {
        let weight = match stored {
            Some(packed) => Weight::from_int8(packed),
            None => Weight::new_prepared(&read()?, precision)?,
        };
        Ok(Self {
            weight,
            bias: bias.to_vec1()?,
        })
    }
}

/// Layer normalisation over the last dimension.
pub(crate) struct LayerNorm {
    weight: Vec<f32>,
    bias: Vec<f32>,
    eps: f32,
}

impl LayerNorm {
    pub(crate) fn load(vb: &VarBuilder, size: usize, eps: f64) -> Result<Self> {
        Ok(Self {
            weight: vb.get(size, "weight")?.to_vec1()?,
            bias: vb.get(size, "bias")?.to_vec1()?,
            eps: eps as f32,
        })
    }

    /// Normalises each row of `x` into `out`.
    pub(crate) fn forward(&self, x: &[f32], out: &mut [f32]) {
        kernels::layer_norm(x, out, &self.weight, &self.bias, self.eps);
    }
}

struct Attention {
    qkv: Linear,
    out: Linear,
}

/// The names of an encoder layer's q, k and v projections.
const QKV: [&str; 3] = ["q_proj", "k_proj", "v_proj"];

/// The q, k and v projections under `names` as one matmul writing q, k, v side by side per
/// token, with the attention scale `head_dim^-0.5` folded into q (what [`attention::attend`]
/// takes).
pub(crate) fn fused_qkv(
    vb: &VarBuilder,
    names: [&str; 3],
    hidden: usize,
    heads: usize,
) -> Result<Linear> {
    let weight = fused_qkv_part(vb, names, hidden, heads, "weight")?;
    Linear::new(&weight, &fused_qkv_part(vb, names, hidden, heads, "bias")?)
}

/// The q, k and v projections' `part` ("weight" or "bias") side by side, q scaled.
fn fused_qkv_part(
    vb: &VarBuilder,
    names: [&str; 3],
    hidden: usize,
    heads: usize,
    part: &str,
) -> Result<Tensor> {
    let scale = ((hidden / heads) as f64).powf(-0.5);
    let read = |name: &str| match part {
        "weight" => vb.pp(name).get((hidden, hidden), part),
        _ => vb.pp(name).get(hidden, part),
    };
    Tensor::cat(
        &[(read(names[0])? * scale)?, read(names[1])?, read(names[2])?],
        0,
    )
}

struct Layer {
    norm1: LayerNorm,
    attention: Attention,
    norm2: LayerNorm,
    fc1: Linear,
    fc2: Linear,
    activation: Activation,
}

impl Layer {
    /// The `(inputs, outputs)` of a layer's matmuls, in the order [`Self::matmuls`] gives them.
    fn matmul_shapes(c: &TowerConfig) -> [(usize, usize); 4] {
        let (h, i) = (c.hidden_size, c.intermediate_size);
        [(h, 3 * h), (h, h), (h, i), (i, h)]
    }

    fn matmuls(&self) -> [&Linear; 4] {
        [
            &self.attention.qkv,
            &self.attention.out,
            &self.fc1,
            &self.fc2,
        ]
    }

    /// Loads the layer, each matmul's weight stored in `precision` as soon as it is read, or
    /// taken from `stored` (its four weights, packed earlier) without reading it.
    fn load(
        vb: VarBuilder,
        c: &TowerConfig,
        precision: TowerPrecision,
        stored: Option<[PackedInt8; 4]>,
    ) -> Result<Self> {
        let (h, i, heads) = (c.hidden_size, c.intermediate_size, c.num_attention_heads);
        let [qkv, out, fc1, fc2] = match stored {
            Some(weights) => weights.map(Some),
            None => [None, None, None, None],
        };
        let attention = vb.pp("self_attn");
        let (out_vb, fc1_vb, fc2_vb) = (
            attention.pp("out_proj"),
            vb.pp("mlp").pp("fc1"),
            vb.pp("mlp").pp("fc2"),
        );
        Ok(Self {
            norm1: LayerNorm::load(&vb.pp("layer_norm1"), h, c.layer_norm_eps)?,
            attention: Attention {
                qkv: Linear::load_stored(
                    qkv,
                    || fused_qkv_part(&attention, QKV, h, heads, "weight"),
                    fused_qkv_part(&attention, QKV, h, heads, "bias")?,
                    precision,
                )?,
                out: Linear::load_stored(
                    out,
                    || out_vb.get((h, h), "weight"),
                    out_vb.get(h, "bias")?,
                    precision,
                )?,
            },
            norm2: LayerNorm::load(&vb.pp("layer_norm2"), h, c.layer_norm_eps)?,
            fc1: Linear::load_stored(
                fc1,
                || fc1_vb.get((i, h), "weight"),
                fc1_vb.get(i, "bias")?,
                precision,
            )?,
            fc2: Linear::load_stored(
                fc2,
                || fc2_vb.get((h, i), "weight"),
                fc2_vb.get(h, "bias")?,
                precision,
            )?,
            activation: c.activation,
        })
    }

    /// The fused q/k/v of `norm1(x)`, into `scratch.qkv`.
    fn queries_keys_values(&self, x: &[f32], scratch: &mut Scratch) {
        self.norm1.forward(x, &mut scratch.normed);
        (self.attention.qkv).forward(&scratch.normed, &mut scratch.qkv, scratch.parallelism);
    }

    /// `x += attention(norm1(x)); x += mlp(norm2(x))`.
    fn forward(&self, x: &mut [f32], scratch: &mut Scratch, shape: attention::Shape) {
        let par = scratch.parallelism;
        self.queries_keys_values(x, scratch);
        attention::attend(&scratch.qkv, &mut scratch.attended, shape);
        self.attention.out.add_forward(&scratch.attended, x, par);
        self.norm2.forward(x, &mut scratch.normed);
        self.fc1
            .forward_activated(&scratch.normed, &mut scratch.mlp, self.activation, par);
        self.fc2.add_forward(&scratch.mlp, x, par);
    }
}

impl Layer {
    /// [`Self::forward`]'s output at one token per sequence, `pool[b]` of sequence `b`, as
    /// `[sequences, hidden]`: every token's keys and values, but the attention, the output
    /// projection and the MLP of the pooled tokens only (in ViT-B/32's last layer, 1 of 50).
    fn forward_pooled(
        &self,
        x: &[f32],
        scratch: &mut Scratch,
        shape: attention::Shape,
        pool: &[usize],
    ) -> Vec<f32> {
        let par = scratch.parallelism;
        let hidden = self.norm1.weight.len();
        self.queries_keys_values(x, scratch);
        let rows = pool.len() * hidden;
        attention::attend_pooled(&scratch.qkv, &mut scratch.attended[..rows], shape, pool);
        let mut out = pooled_rows(x, shape.seq, hidden, pool);
        self.attention
            .out
            .add_forward(&scratch.attended[..rows], &mut out, par);
        let normed = &mut scratch.normed[..rows];
        self.norm2.forward(&out, normed);
        let mlp = &mut scratch.mlp[..pool.len() * self.fc1.outputs()];
        self.fc1
            .forward_activated(normed, mlp, self.activation, par);
        self.fc2.add_forward(mlp, &mut out, par);
        out
    }

    /// The layer read for dense features, training-free, as SCLIP reads CLIP's last block:
    /// each token attends by the likeness of its queries to the others' queries plus that of
    /// its keys to their keys (q-q + k-k, "correlative self-attention") instead of q-k, and
    /// the result goes through the output projection with no residual and no MLP. On the demo
    /// model this put a caption's peak on the named object in 0.83 of held-out images, against
    /// 0.37 for the plain last-layer tokens and 0.65 for MaskCLIP's value path (README,
    /// "Where a query matches").
    fn correlative_out(
        &self,
        x: &[f32],
        scratch: &mut Scratch,
        shape: attention::Shape,
    ) -> Vec<f32> {
        let par = scratch.parallelism;
        let hidden = self.norm1.weight.len();
        self.queries_keys_values(x, scratch);
        // The q weights carry the attention scale; k = q / scale puts it on q-q once.
        let unscale = (shape.head_dim as f32).sqrt();
        let fused = scratch.qkv.clone();
        let mut summed = vec![0.0; scratch.attended.len()];
        for (from, to, factor) in [(0, hidden, unscale), (hidden, 0, 1.0 / unscale)] {
            scratch.qkv.copy_from_slice(&fused);
            for row in scratch.qkv.chunks_exact_mut(3 * hidden) {
                row.copy_within(from..from + hidden, to);
                row[to..to + hidden].iter_mut().for_each(|v| *v *= factor);
            }
            attention::attend(&scratch.qkv, &mut scratch.attended, shape);
            summed
                .iter_mut()
                .zip(&scratch.attended)
                .for_each(|(s, a)| *s += a);
        }
        let mut out = vec![0.0; summed.len()];
        self.attention.out.forward(&summed, &mut out, par);
        out
    }
}

/// One thread's buffers for the intermediate values of a layer, reused by every layer.
struct Scratch {
    normed: Vec<f32>,
    qkv: Vec<f32>,
    attended: Vec<f32>,
    mlp: Vec<f32>,
    parallelism: Parallelism,
}

/// A stack of encoder layers (`encoder.layers.N` in the checkpoint).
pub(crate) struct Encoder {
    layers: Vec<Layer>,
    hidden: usize,
    intermediate: usize,
    heads: usize,
}

impl Encoder {
    /// Loads the layers in parallel, each matmul's weight stored in `precision` (see
    /// [`crate::precision`]) as soon as it is read: a load holds the f32 copy of one matmul
    /// per layer in flight, not of the whole stack. In int8, with a `cache`, the weights
    /// packed by an earlier load are read from it instead, and a load that packed any writes
    /// them there ([`crate::packed_cache`]).
    pub(crate) fn load(
        vb: VarBuilder,
        c: &TowerConfig,
        precision: TowerPrecision,
        cache: Option<&PackedCache>,
    ) -> Result<Self> {
        let tower = vb.prefix();
        let vb = vb.pp("layers");
        let kernel = match precision {
            TowerPrecision::Int8(kernel) => Some(kernel),
            _ => None,
        };
        let cache = cache.zip(kernel);
        let shapes = Layer::matmul_shapes(c).repeat(c.num_hidden_layers);
        let stored = cache.and_then(|(cache, kernel)| cache.read(&tower, c, kernel, &shapes));
        let stored_layer = |l: usize| -> Option<[PackedInt8; 4]> {
            let stored = stored.as_ref()?;
            let weights: Vec<_> = (4 * l..4 * l + 4)
                .map(|w| stored.weight(w))
                .collect::<Option<_>>()?;
            weights.try_into().ok()
        };
        let (layers, packed_now): (Vec<Layer>, Vec<bool>) = (0..c.num_hidden_layers)
            .into_par_iter()
            .map(|l| {
                let weights = stored_layer(l);
                let packed_now = weights.is_none();
                Ok((Layer::load(vb.pp(l), c, precision, weights)?, packed_now))
            })
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .unzip();
        let encoder = Self {
            layers,
            hidden: c.hidden_size,
            intermediate: c.intermediate_size,
            heads: c.num_attention_heads,
        };
        if let Some((cache, kernel)) = cache.filter(|_| packed_now.contains(&true)) {
            let weights: Option<Vec<&PackedInt8>> = (encoder.layers.iter())
                .flat_map(Layer::matmuls)
                .map(|linear| linear.weight.int8())
                .collect();
            if let Err(e) = weights.map_or(Ok(()), |w| cache.write(&tower, c, kernel, &w)) {
                eprintln!(
                    "iris: could not keep the packed weights in {}: {e}",
                    cache.file(&tower, kernel).display()
                );
            }
        }
        Ok(encoder)
    }

    /// Runs `x`, `[sequences * seq, hidden]`, through every layer in place; `causal` hides
    /// later positions. `par` is the matmuls' threading.
    pub(crate) fn forward(&self, x: &mut [f32], seq: usize, causal: bool, par: Parallelism) {
        let (mut scratch, shape) = self.scratch(x.len(), seq, causal, par);
        for layer in &self.layers {
            layer.forward(x, &mut scratch, shape);
        }
    }

    /// [`Self::forward`]'s output at one token per sequence, `pool[b]` of sequence `b`
    /// (`[sequences, hidden]`), the last layer computed for those tokens only
    /// ([`Layer::forward_pooled`]). `x` is left as the last layer's input.
    pub(crate) fn forward_pooled(
        &self,
        x: &mut [f32],
        seq: usize,
        causal: bool,
        par: Parallelism,
        pool: &[usize],
    ) -> Vec<f32> {
        let (mut scratch, shape) = self.scratch(x.len(), seq, causal, par);
        let Some((last, rest)) = self.layers.split_last() else {
            return pooled_rows(x, seq, self.hidden, pool);
        };
        for layer in rest {
            layer.forward(x, &mut scratch, shape);
        }
        last.forward_pooled(x, &mut scratch, shape, pool)
    }

    /// [`Self::forward`] (no mask), and also the last layer read for dense features from the
    /// same input ([`Layer::correlative_out`]), returned: the dense features of every token.
    pub(crate) fn forward_with_dense(
        &self,
        x: &mut [f32],
        seq: usize,
        par: Parallelism,
    ) -> Vec<f32> {
        let (mut scratch, shape) = self.scratch(x.len(), seq, false, par);
        let Some((last, rest)) = self.layers.split_last() else {
            return x.to_vec();
        };
        for layer in rest {
            layer.forward(x, &mut scratch, shape);
        }
        let dense = last.correlative_out(x, &mut scratch, shape);
        last.forward(x, &mut scratch, shape);
        dense
    }

    fn scratch(
        &self,
        values: usize,
        seq: usize,
        causal: bool,
        par: Parallelism,
    ) -> (Scratch, attention::Shape) {
        let tokens = values / self.hidden;
        let scratch = Scratch {
            normed: vec![0.0; tokens * self.hidden],
            qkv: vec![0.0; tokens * 3 * self.hidden],
            attended: vec![0.0; tokens * self.hidden],
            mlp: vec![0.0; tokens * self.intermediate],
            parallelism: par,
        };
        let shape = attention::Shape {
            seq,
            heads: self.heads,
            head_dim: self.hidden / self.heads,
            causal,
        };
        (scratch, shape)
    }
}

/// Row `pool[b]` of each sequence `b` of `seq` rows of `hidden` values in `x`.
pub(crate) fn pooled_rows(x: &[f32], seq: usize, hidden: usize, pool: &[usize]) -> Vec<f32> {
    x.chunks_exact(seq * hidden)
        .zip(pool)
        .flat_map(|(rows, &p)| rows[p * hidden..][..hidden].iter().copied())
        .collect()
}

/// The matmuls' threading for one input that has the pool to itself: every thread.
pub(crate) fn whole_pool() -> Parallelism {
    match rayon::current_num_threads() {
        0 | 1 => Parallelism::None,
        threads => Parallelism::Rayon(threads),
    }
}

/// Runs `work` on slices of a batch of `batch` items, one slice per thread of the rayon pool
/// (fewer when the batch is smaller), and returns the results in batch order. A slice is given
/// the parallelism its matmuls should use: none when every thread has its own slice, all
/// threads when the batch is too small to share.
pub(crate) fn split_batch<R: Send>(
    batch: usize,
    work: impl Fn(Range<usize>, Parallelism) -> R + Sync,
) -> Vec<R> {
    let threads = rayon::current_num_threads().max(1);
    if batch < threads || threads == 1 {
        return vec![work(0..batch, whole_pool())];
    }
    let slices: Vec<Range<usize>> = (0..threads)
        .map(|t| batch * t / threads..batch * (t + 1) / threads)
        .collect();
    slices
        .into_par_iter()
        .map(|range| work(range, Parallelism::None))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_batch_covers_the_batch_in_order() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        pool.install(|| {
            for batch in [1, 2, 3, 7, 16] {
                let ranges = split_batch(batch, |r, _| r);
                let flat: Vec<usize> = ranges.iter().flat_map(|r| r.clone()).collect();
                assert_eq!(flat, (0..batch).collect::<Vec<_>>(), "batch {batch}");
                assert_eq!(ranges.len(), if batch < 3 { 1 } else { 3 }, "batch {batch}");
            }
        });
    }
}
