//! The two CLIP towers over the shared encoder: text (token ids to a projected vector pooled at
//! the first end-of-text token; SigLIP's variant attends both ways, pools the last position and
//! has a biased head) and vision (pixels to a projected vector from the class token).
//! Both cut their batch into one slice per thread ([`split_batch`]) and run every step of a
//! slice on that thread.

use crate::config::Family;
use crate::config::{TextConfig, VisionConfig};
use crate::kernels::{self, l2_normalize_rows};
use crate::packed_cache::PackedCache;
use crate::precision::TowerPrecision;
use crate::token_table::TokenTable;
use crate::transformer::{pooled_rows, split_batch, whole_pool, Encoder, LayerNorm};
use crate::weight::{Weight, WeightLayout};
use candle_core::{DType, Result};
use candle_nn::VarBuilder;
use gemm::Parallelism;

/// The weights' storage type that every tensor is converted to on load.
pub(crate) const DTYPE: DType = DType::F32;

/// The final norm and projection of a tower.
struct Head {
    norm: LayerNorm,
    projection: Weight,
    /// SigLIP's text head has one.
    bias: Option<Vec<f32>>,
}

impl Head {
    /// Normalises `pooled` (`[n, hidden]`), projects it and scales each result to unit length.
    fn forward(&self, pooled: &[f32], par: Parallelism) -> Vec<Vec<f32>> {
        let mut normed = vec![0.0; pooled.len()];
        self.norm.forward(pooled, &mut normed);
        let dim = self.projection.outputs();
        let rows = pooled.len() / self.projection.inputs();
        let mut out = vec![0.0; rows * dim];
        if let Some(bias) = &self.bias {
            kernels::fill_rows(&mut out, bias);
        }
        self.projection
            .multiply(&normed, &mut out, self.bias.is_some(), par);
        l2_normalize_rows(&mut out, dim);
        out.chunks_exact(dim).map(<[f32]>::to_vec).collect()
    }
}

/// Runs `slice` on the slices of a batch and joins their vectors in batch order.
pub(crate) fn embed_batch(
    batch: usize,
    slice: impl Fn(std::ops::Range<usize>, Parallelism) -> Result<Vec<Vec<f32>>> + Sync,
) -> Result<Vec<Vec<f32>>> {
    let mut out = Vec::with_capacity(batch);
    for part in split_batch(batch, slice) {
        out.extend(part?);
    }
    Ok(out)
}

/// `text_model.*` plus `text_projection` (SigLIP: `text_model.head`).
pub(crate) struct TextTower {
    token_embedding: TokenTable,
    /// `[context, hidden]`.
    position_embedding: Vec<f32>,
    hidden: usize,
    encoder: Encoder,
    head: Head,
    /// CLIP's causal mask; SigLIP attends both ways.
    causal: bool,
}

impl TextTower {
    /// Loads the text tower of a CLIP or SigLIP model: the encoder's matmul weights in
    /// `precision` (see [`crate::precision`]), the projection in f32, all in the `[in, out]`
    /// layout fast queries need.
    pub(crate) fn load(
        vb: &VarBuilder,
        c: &TextConfig,
        projection_dim: usize,
        family: Family,
        precision: TowerPrecision,
        cache: Option<&PackedCache>,
    ) -> Result<Self> {
        let h = c.tower.hidden_size;
        let m = vb.pp("text_model");
        let e = m.pp("embeddings");
        let siglip = family == Family::Siglip;
        let head = if siglip {
            m.pp("head")
        } else {
            vb.pp("text_projection")
        };
        let weight = head.get((projection_dim, h), "weight")?;
        let bias = if siglip {
            Some(head.get(projection_dim, "bias")?.to_vec1()?)
        } else {
            None
        };
        Ok(Self {
            token_embedding: TokenTable::load(&e.pp("token_embedding"), c.vocab_size, h)?,
            position_embedding: e
                .pp("position_embedding")
                .get((c.max_position_embeddings, h), "weight")?
                .flatten_all()?
                .to_vec1()?,
            hidden: h,
            encoder: Encoder::load(m.pp("encoder"), &c.tower, precision, cache)?,
            head: Head {
                norm: LayerNorm::load(&m.pp("final_layer_norm"), h, c.tower.layer_norm_eps)?,
                projection: Weight::new(&weight, WeightLayout::InOut)?
                    .prepared(TowerPrecision::F32),
                bias,
            },
            causal: !siglip,
        })
    }

    /// Embeds `batch` rows of `seq` ids (row-major), each pooled at its `pool[i]` position.
    /// With the causal mask, positions after the pooled one may hold anything.
    pub(crate) fn forward(
        &self,
        ids: &[u32],
        batch: usize,
        pool: &[usize],
    ) -> Result<Vec<Vec<f32>>> {
        let h = self.hidden;
        let seq = ids.len() / batch.max(1);
        let (vocab, context) = (
            self.token_embedding.vocab(),
            self.position_embedding.len() / h,
        );
        if seq > context {
            candle_core::bail!("{seq} tokens given, the model takes at most {context}")
        }
        if let Some(id) = ids.iter().find(|&&id| id as usize >= vocab) {
            candle_core::bail!("token id {id} outside the model's vocabulary of {vocab}")
        }
        self.token_embedding.with_rows(|tokens| {
            embed_batch(batch, |range, par| {
                let ids = &ids[range.start * seq..range.end * seq];
                let mut x = vec![0.0; ids.len() * h];
                for (t, (row, &id)) in x.chunks_exact_mut(h).zip(ids).enumerate() {
                    let token = &tokens[id as usize * h..][..h];
                    let position = &self.position_embedding[(t % seq) * h..][..h];
                    for ((x, a), b) in row.iter_mut().zip(token).zip(position) {
                        *x = a + b;
                    }
                }
                let pooled =
                    (self.encoder).forward_pooled(&mut x, seq, self.causal, par, &pool[range]);
                Ok(self.head.forward(&pooled, par))
            })
        })?
    }
}

/// `vision_model.*` plus `visual_projection`.
pub(crate) struct VisionTower {
    /// Patch embedding as a matrix over flattened `[channels, patch, patch]` patches.
    patch: Weight,
    class_embedding: Vec<f32>,
    /// `[grid * grid + 1, hidden]`.
    position_embedding: Vec<f32>,
    pre_norm: LayerNorm,
    encoder: Encoder,
    head: Head,
    patch_size: usize,
    grid: usize,
}

impl VisionTower {
    /// Loads the vision tower of a CLIP model, the encoder's matmul weights in `precision`
    /// (see [`crate::precision`]).
    pub(crate) fn load(
        vb: &VarBuilder,
        c: &VisionConfig,
        projection_dim: usize,
        precision: TowerPrecision,
        cache: Option<&PackedCache>,
    ) -> Result<Self> {
        let (h, p, eps) = (c.tower.hidden_size, c.patch_size, c.tower.layer_norm_eps);
        let m = vb.pp("vision_model");
        let e = m.pp("embeddings");
        let conv = e.pp("patch_embedding").get((h, 3, p, p), "weight")?;
        let projection = vb
            .pp("visual_projection")
            .get((projection_dim, h), "weight")?;
        Ok(Self {
            patch: Weight::new(&conv.reshape((h, 3 * p * p))?, WeightLayout::OutIn)?,
            class_embedding: e.get(h, "class_embedding")?.to_vec1()?,
            position_embedding: e
                .pp("position_embedding")
                .get((c.grid() * c.grid() + 1, h), "weight")?
                .flatten_all()?
                .to_vec1()?,
            pre_norm: LayerNorm::load(&m.pp("pre_layrnorm"), h, eps)?,
            encoder: Encoder::load(m.pp("encoder"), &c.tower, precision, cache)?,
            head: Head {
                norm: LayerNorm::load(&m.pp("post_layernorm"), h, eps)?,
                projection: Weight::new(&projection, WeightLayout::OutIn)?,
                bias: None,
            },
            patch_size: p,
            grid: c.grid(),
        })
    }

    /// Embeds `batch` images of `3 x size x size` pixels (CHW, one after another).
    pub(crate) fn forward(&self, pixels: &[f32], batch: usize) -> Result<Vec<Vec<f32>>> {
        let size = self.grid * self.patch_size;
        if pixels.len() != batch * 3 * size * size {
            candle_core::bail!(
                "{} pixel values given for {batch} images of 3x{size}x{size}",
                pixels.len()
            )
        }
        embed_batch(batch, |range, par| {
            let image = 3 * size * size;
            Ok(self.forward_slice(&pixels[range.start * image..range.end * image], par))
        })
    }

    /// Embeds the images of `pixels` on the calling thread (matmuls threaded by `par`).
    fn forward_slice(&self, pixels: &[f32], par: Parallelism) -> Vec<Vec<f32>> {
        let tokens = self.grid * self.grid + 1;
        let mut x = self.embed(pixels, par);
        let images = x.len() / (tokens * self.class_embedding.len());
        let class = (self.encoder).forward_pooled(&mut x, tokens, false, par, &vec![0; images]);
        self.head.forward(&class, par)
    }

    /// One image's embedding (as [`Self::forward`] gives it) followed by its patches' dense
    /// features in raster order: the last layer read for dense features
    /// ([`Encoder::forward_with_dense`]) through the same head (final norm, projection, unit
    /// length). What a heatmap compares with a query (see `Clip::embed_patches`).
    pub(crate) fn token_embeddings(&self, pixels: &[f32]) -> Result<Vec<Vec<f32>>> {
        check_one_image(pixels, self.grid * self.patch_size)?;
        let par = whole_pool();
        let (h, tokens) = (self.class_embedding.len(), self.grid * self.grid + 1);
        let mut x = self.embed(pixels, par);
        let dense = self.encoder.forward_with_dense(&mut x, tokens, par);
        let mut rows = self.head.forward(&pooled_rows(&x, tokens, h, &[0]), par);
        rows.extend(self.head.forward(&dense[h..], par));
        Ok(rows)
    }

    /// The encoder's input for the images of `pixels`: patch and class embeddings with their
    /// positions, normalised, `[batch, tokens, hidden]`.
    fn embed(&self, pixels: &[f32], par: Parallelism) -> Vec<f32> {
        let (g, p) = (self.grid, self.patch_size);
        let h = self.class_embedding.len();
        let size = g * p;
        let batch = pixels.len() / (3 * size * size);
        let tokens = g * g + 1;
        let patches = cut_patches(pixels, g, p);
        let mut embedded = vec![0.0; batch * g * g * h];
        self.patch.multiply(&patches, &mut embedded, false, par);
        let mut x = vec![0.0; batch * tokens * h];
        for (b, image) in x.chunks_exact_mut(tokens * h).enumerate() {
            let (class, rest) = image.split_at_mut(h);
            let (class_position, positions) = self.position_embedding.split_at(h);
            for ((x, c), q) in class
                .iter_mut()
                .zip(&self.class_embedding)
                .zip(class_position)
            {
                *x = c + q;
            }
            let patches = &embedded[b * g * g * h..][..g * g * h];
            for ((x, e), q) in rest.iter_mut().zip(patches).zip(positions) {
                *x = e + q;
            }
        }
        let mut normed = vec![0.0; x.len()];
        self.pre_norm.forward(&x, &mut normed);
        normed
    }

    /// The side of the patch grid.
    pub(crate) fn grid(&self) -> usize {
        self.grid
    }
}

/// Cuts CHW images of a `g x g` grid of `p`-pixel patches into rows of flattened
/// `[channel, row, column]` patches, patches in raster order (what a patch convolution
/// multiplies).
pub(crate) fn cut_patches(pixels: &[f32], g: usize, p: usize) -> Vec<f32> {
    let size = g * p;
    let mut out = Vec::with_capacity(pixels.len());
    for image in pixels.chunks_exact(3 * size * size) {
        for gy in 0..g {
            for gx in 0..g {
                for channel in image.chunks_exact(size * size) {
                    for py in 0..p {
                        out.extend_from_slice(&channel[(gy * p + py) * size + gx * p..][..p]);
                    }
                }
            }
        }
    }
    out
}

/// Fails unless `pixels` holds exactly one image of 3 x `size` x `size` values.
pub(crate) fn check_one_image(pixels: &[f32], size: usize) -> Result<()> {
    if pixels.len() != 3 * size * size {
        candle_core::bail!(
            "{} pixel values given for one image of 3x{size}x{size}",
            pixels.len()
        )
    }
    Ok(())
}
