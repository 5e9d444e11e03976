//! The two CLIP towers over the shared encoder: text (token ids to a projected vector pooled at
//! the first end-of-text token) and vision (pixels to a projected vector from the class token).

use crate::config::{TextConfig, VisionConfig};
use crate::transformer::{l2_normalize, Encoder, LayerNorm, Linear, WeightLayout};
use candle_core::{DType, Module, Result, Tensor};
use candle_nn::VarBuilder;

/// `text_model.*` plus `text_projection`.
pub(crate) struct TextTower {
    token_embedding: Tensor,
    position_embedding: Tensor,
    encoder: Encoder,
    final_norm: LayerNorm,
    projection: Linear,
}

impl TextTower {
    /// Loads the text tower; `layout` View checks every shape without copying anything,
    /// Contiguous makes the copies fast queries need.
    pub(crate) fn load(
        vb: &VarBuilder,
        c: &TextConfig,
        projection_dim: usize,
        layout: WeightLayout,
    ) -> Result<Self> {
        let h = c.tower.hidden_size;
        let m = vb.pp("text_model");
        let e = m.pp("embeddings");
        Ok(Self {
            token_embedding: e.pp("token_embedding").get((c.vocab_size, h), "weight")?,
            position_embedding: e
                .pp("position_embedding")
                .get((c.max_position_embeddings, h), "weight")?,
            encoder: Encoder::load(m.pp("encoder"), &c.tower, layout)?,
            final_norm: LayerNorm::load(&m.pp("final_layer_norm"), h, c.tower.layer_norm_eps)?,
            projection: Linear::load(
                &vb.pp("text_projection"),
                (projection_dim, h),
                false,
                layout,
            )?,
        })
    }

    /// Embeds `batch` rows of `seq` ids (row-major), each pooled at its `pool[i]` position.
    /// Positions after the pooled one may hold anything: the causal mask hides them.
    pub(crate) fn forward(&self, ids: &[u32], batch: usize, pool: &[usize]) -> Result<Tensor> {
        let device = self.token_embedding.device();
        let seq = ids.len() / batch;
        let ids = Tensor::from_slice(ids, ids.len(), device)?;
        let tokens = self.token_embedding.index_select(&ids, 0)?;
        let positions = self
            .position_embedding
            .narrow(0, 0, seq)?
            .repeat((batch, 1))?;
        let x = (tokens + positions)?;
        let x = self.encoder.forward(&x, batch, true)?;
        let rows: Vec<u32> = pool
            .iter()
            .enumerate()
            .map(|(b, p)| (b * seq + p) as u32)
            .collect();
        let rows = Tensor::from_vec(rows, batch, device)?;
        let pooled = x.index_select(&rows, 0)?.apply(&self.final_norm)?;
        l2_normalize(&pooled.apply(&self.projection)?)
    }
}

/// `vision_model.*` plus `visual_projection`.
pub(crate) struct VisionTower {
    /// Patch embedding as a matrix over flattened `[channels, patch, patch]` patches.
    patch: Linear,
    class_embedding: Tensor,
    position_embedding: Tensor,
    pre_norm: LayerNorm,
    encoder: Encoder,
    post_norm: LayerNorm,
    projection: Linear,
    patch_size: usize,
    grid: usize,
}

impl VisionTower {
    pub(crate) fn load(vb: &VarBuilder, c: &VisionConfig, projection_dim: usize) -> Result<Self> {
        let (h, p, eps) = (c.tower.hidden_size, c.patch_size, c.tower.layer_norm_eps);
        let m = vb.pp("vision_model");
        let e = m.pp("embeddings");
        let conv = e.pp("patch_embedding").get((h, 3, p, p), "weight")?;
        let patch = Linear::from_weight(conv.reshape((h, 3 * p * p))?, WeightLayout::View)?;
        Ok(Self {
            patch,
            class_embedding: e.get(h, "class_embedding")?.reshape((1, h))?,
            position_embedding: e
                .pp("position_embedding")
                .get((c.grid() * c.grid() + 1, h), "weight")?,
            pre_norm: LayerNorm::load(&m.pp("pre_layrnorm"), h, eps)?,
            encoder: Encoder::load(m.pp("encoder"), &c.tower, WeightLayout::View)?,
            post_norm: LayerNorm::load(&m.pp("post_layernorm"), h, eps)?,
            projection: Linear::load(
                &vb.pp("visual_projection"),
                (projection_dim, h),
                false,
                WeightLayout::View,
            )?,
            patch_size: p,
            grid: c.grid(),
        })
    }

    /// Embeds `[batch, 3, size, size]` pixels.
    pub(crate) fn forward(&self, pixels: &Tensor) -> Result<Tensor> {
        let (batch, _, _, _) = pixels.dims4()?;
        let (g, p) = (self.grid, self.patch_size);
        let patches = pixels
            .reshape((batch, 3, g, p, g, p))?
            .permute((0, 2, 4, 1, 3, 5))?
            .contiguous()?
            .reshape((batch * g * g, 3 * p * p))?;
        let embedded = self.patch.forward(&patches)?;
        let hidden = embedded.dim(1)?;
        let embedded = embedded.reshape((batch, g * g, hidden))?;
        let class = self.class_embedding.unsqueeze(0)?.repeat((batch, 1, 1))?;
        let x = Tensor::cat(&[class, embedded], 1)?
            .broadcast_add(&self.position_embedding)?
            .reshape((batch * (g * g + 1), hidden))?
            .apply(&self.pre_norm)?;
        let x = self.encoder.forward(&x, batch, false)?;
        let class_rows = x
            .reshape((batch, g * g + 1, hidden))?
            .narrow(1, 0, 1)?
            .squeeze(1)?
            .contiguous()?;
        let pooled = class_rows.apply(&self.post_norm)?;
        l2_normalize(&pooled.apply(&self.projection)?)
    }
}

/// The weights' storage type that every tensor is converted to on load.
pub(crate) const DTYPE: DType = DType::F32;
