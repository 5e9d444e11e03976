//! SigLIP's vision tower: a biased patch convolution plus learned positions (no class token),
//! the shared pre-norm encoder, a final norm over every token, and the attention-pooling head:
//! a learned probe attends over the tokens, then a residual MLP. The pooled vector is the
//! embedding; SigLIP has no projection. Its text tower is CLIP's with the changes
//! [`crate::towers::TextTower`] names. Dense patch features (the viewer's heatmap) read the
//! last block as CLIP's are read and pass each token through the head alone.

use crate::config::{Activation, VisionConfig};
use crate::kernels::{self, fast_exp, l2_normalize_rows};
use crate::packed_cache::PackedCache;
use crate::precision::TowerPrecision;
use crate::towers::{check_one_image, cut_patches, embed_batch};
use crate::transformer::{whole_pool, Encoder, LayerNorm, Linear};
use crate::weight::{Weight, WeightLayout};
use candle_core::Result;
use candle_nn::VarBuilder;
use gemm::Parallelism;

/// `vision_model.head`: multi-head attention of one learned query over the tokens, then
/// `x + mlp(norm(x))`.
struct PoolingHead {
    /// The probe's query, projected and scaled by `head_dim^-0.5` once at load.
    query: Vec<f32>,
    /// Keys and values side by side per token.
    key_value: Linear,
    out: Linear,
    norm: LayerNorm,
    fc1: Linear,
    fc2: Linear,
    activation: Activation,
    heads: usize,
}

impl PoolingHead {
    fn load(vb: &VarBuilder, c: &VisionConfig) -> Result<Self> {
        let (h, heads) = (c.tower.hidden_size, c.tower.num_attention_heads);
        let attention = vb.pp("attention");
        let weight = attention.get((3 * h, h), "in_proj_weight")?;
        let bias = attention.get(3 * h, "in_proj_bias")?;
        let scale = ((h / heads) as f64).powf(-0.5);
        let probe = vb.get((1, 1, h), "probe")?.reshape((1, h))?;
        let query = probe
            .matmul(&weight.narrow(0, 0, h)?.t()?)?
            .broadcast_add(&bias.narrow(0, 0, h)?)?;
        let query = (query * scale)?.flatten_all()?.to_vec1()?;
        let i = c.tower.intermediate_size;
        let f32 = TowerPrecision::F32;
        Ok(Self {
            query,
            key_value: Linear::new(&weight.narrow(0, h, 2 * h)?, &bias.narrow(0, h, 2 * h)?)?
                .prepared(f32),
            out: Linear::load(&attention.pp("out_proj"), (h, h))?.prepared(f32),
            norm: LayerNorm::load(&vb.pp("layernorm"), h, c.tower.layer_norm_eps)?,
            fc1: Linear::load(&vb.pp("mlp").pp("fc1"), (i, h))?.prepared(f32),
            fc2: Linear::load(&vb.pp("mlp").pp("fc2"), (h, i))?.prepared(f32),
            activation: c.tower.activation,
            heads,
        })
    }

    /// Pools each image's `tokens` rows of `x` (`[images * tokens, hidden]`) to one vector.
    fn forward(&self, x: &[f32], tokens: usize, par: Parallelism) -> Vec<f32> {
        let h = self.query.len();
        let d = h / self.heads;
        let mut kv = vec![0.0; x.len() / h * 2 * h];
        self.key_value.forward(x, &mut kv, par);
        let images = x.len() / (tokens * h);
        let mut attended = vec![0.0; images * h];
        let mut scores = vec![0.0f32; tokens];
        for (kv, out) in kv
            .chunks_exact(tokens * 2 * h)
            .zip(attended.chunks_exact_mut(h))
        {
            for head in 0..self.heads {
                let q = &self.query[head * d..][..d];
                for (t, score) in scores.iter_mut().enumerate() {
                    let k = &kv[t * 2 * h + head * d..][..d];
                    *score = q.iter().zip(k).map(|(a, b)| a * b).sum();
                }
                let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let mut sum = 0.0;
                for score in scores.iter_mut() {
                    *score = fast_exp(*score - max);
                    sum += *score;
                }
                let o = &mut out[head * d..][..d];
                for (t, score) in scores.iter().enumerate() {
                    let v = &kv[t * 2 * h + h + head * d..][..d];
                    for (o, v) in o.iter_mut().zip(v) {
                        *o += score / sum * v;
                    }
                }
            }
        }
        let mut pooled = vec![0.0; images * h];
        self.out.forward(&attended, &mut pooled, par);
        self.add_mlp(&mut pooled, par);
        pooled
    }

    /// Each row of `x` through the head as if the probe attended to that token alone: its
    /// value, the output projection, then the residual MLP. This is the head's reading of one
    /// token (what MaskCLIP does with CLIP's projection), so dense features land in the space
    /// of the pooled embedding.
    fn forward_each(&self, x: &[f32], par: Parallelism) -> Vec<f32> {
        let h = self.query.len();
        let mut kv = vec![0.0; x.len() * 2];
        self.key_value.forward(x, &mut kv, par);
        let values: Vec<f32> = kv
            .chunks_exact(2 * h)
            .flat_map(|row| row[h..].iter().copied())
            .collect();
        let mut out = vec![0.0; x.len()];
        self.out.forward(&values, &mut out, par);
        self.add_mlp(&mut out, par);
        out
    }

    /// `x + mlp(norm(x))`, row by row.
    fn add_mlp(&self, x: &mut [f32], par: Parallelism) {
        let mut normed = vec![0.0; x.len()];
        self.norm.forward(x, &mut normed);
        let mut mlp = vec![0.0; x.len() / self.query.len() * self.fc1.outputs()];
        self.fc1
            .forward_activated(&normed, &mut mlp, self.activation, par);
        self.fc2.add_forward(&mlp, x, par);
    }
}

/// `vision_model.*` of a SigLIP checkpoint.
pub(crate) struct SiglipVisionTower {
    /// Patch convolution as a matrix over flattened `[channels, patch, patch]` patches.
    patch: Weight,
    patch_bias: Vec<f32>,
    /// `[grid * grid, hidden]`.
    position_embedding: Vec<f32>,
    encoder: Encoder,
    post_norm: LayerNorm,
    head: PoolingHead,
    patch_size: usize,
    grid: usize,
}

impl SiglipVisionTower {
    /// Loads SigLIP's vision tower: the encoder's matmul weights in `precision` (see
    /// [`crate::precision`]), the pooling head's in f32.
    pub(crate) fn load(
        vb: &VarBuilder,
        c: &VisionConfig,
        precision: TowerPrecision,
        cache: Option<&PackedCache>,
    ) -> Result<Self> {
        let (h, p, g) = (c.tower.hidden_size, c.patch_size, c.grid());
        let m = vb.pp("vision_model");
        let e = m.pp("embeddings");
        let conv = e.pp("patch_embedding");
        Ok(Self {
            patch: Weight::new(
                &conv.get((h, 3, p, p), "weight")?.reshape((h, 3 * p * p))?,
                WeightLayout::OutIn,
            )?,
            patch_bias: conv.get(h, "bias")?.to_vec1()?,
            position_embedding: e
                .pp("position_embedding")
                .get((g * g, h), "weight")?
                .flatten_all()?
                .to_vec1()?,
            encoder: Encoder::load(m.pp("encoder"), &c.tower, precision, cache)?,
            post_norm: LayerNorm::load(&m.pp("post_layernorm"), h, c.tower.layer_norm_eps)?,
            head: PoolingHead::load(&m.pp("head"), c)?,
            patch_size: p,
            grid: g,
        })
    }

    /// Embeds `batch` images of `3 x size x size` pixels (CHW, one after another).
    pub(crate) fn forward(&self, pixels: &[f32], batch: usize) -> Result<Vec<Vec<f32>>> {
        let size = self.grid * self.patch_size;
        let image = 3 * size * size;
        if pixels.len() != batch * image {
            candle_core::bail!(
                "{} pixel values given for {batch} images of 3x{size}x{size}",
                pixels.len()
            )
        }
        embed_batch(batch, |range, par| {
            Ok(self.forward_slice(&pixels[range.start * image..range.end * image], par))
        })
    }

    /// Patches per side of the model input.
    pub(crate) fn grid(&self) -> usize {
        self.grid
    }

    /// The encoder's input for the images of `pixels`: biased patch embeddings plus positions,
    /// `[batch, tokens, hidden]`.
    fn embed(&self, pixels: &[f32], par: Parallelism) -> Vec<f32> {
        let (g, h) = (self.grid, self.patch_bias.len());
        let patches = cut_patches(pixels, g, self.patch_size);
        let mut x = vec![0.0; patches.len() / self.patch.inputs() * h];
        kernels::fill_rows(&mut x, &self.patch_bias);
        self.patch.multiply(&patches, &mut x, true, par);
        for image in x.chunks_exact_mut(g * g * h) {
            image
                .iter_mut()
                .zip(&self.position_embedding)
                .for_each(|(x, p)| *x += p);
        }
        x
    }

    fn forward_slice(&self, pixels: &[f32], par: Parallelism) -> Vec<Vec<f32>> {
        let h = self.patch_bias.len();
        let tokens = self.grid * self.grid;
        let mut x = self.embed(pixels, par);
        self.encoder.forward(&mut x, tokens, false, par);
        let mut normed = vec![0.0; x.len()];
        self.post_norm.forward(&x, &mut normed);
        let mut pooled = self.head.forward(&normed, tokens, par);
        l2_normalize_rows(&mut pooled, h);
        pooled.chunks_exact(h).map(<[f32]>::to_vec).collect()
    }

    /// One image's embedding, then each patch's dense embedding in the same space, row by row
    /// from the top left (unit vectors): the last block read as CLIP's is read
    /// ([`Encoder::forward_with_dense`]), the final norm, and the pooling head applied to each
    /// token alone ([`PoolingHead::forward_each`]).
    pub(crate) fn token_embeddings(&self, pixels: &[f32]) -> Result<Vec<Vec<f32>>> {
        check_one_image(pixels, self.grid * self.patch_size)?;
        let par = whole_pool();
        let (h, tokens) = (self.patch_bias.len(), self.grid * self.grid);
        let mut x = self.embed(pixels, par);
        let dense = self.encoder.forward_with_dense(&mut x, tokens, par);
        let mut normed = vec![0.0; x.len()];
        self.post_norm.forward(&x, &mut normed);
        let mut rows = self.head.forward(&normed, tokens, par);
        self.post_norm.forward(&dense, &mut normed);
        rows.extend(self.head.forward_each(&normed, par));
        l2_normalize_rows(&mut rows, h);
        Ok(rows.chunks_exact(h).map(<[f32]>::to_vec).collect())
    }
}
