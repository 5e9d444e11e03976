//! Chinese-CLIP's text tower: a BERT/RoBERTa encoder (post-norm layers, bidirectional
//! attention, learned absolute positions and token types) pooled at `[CLS]` and projected, on
//! the same plain-buffer pieces as the CLIP towers (fused q/k/v, [`attention::attend`], gemm
//! with biases and residuals on the matmuls).
//!
//! Why not candle-transformers' `chinese_clip`: this tower runs one short query at a time,
//! where its cost is reading the weights once, and the shared pieces already do that with the
//! `[in, out]` weight copies of [`crate::transformer`]; the vision tower is CLIP's own. Adding
//! that crate would add its code and compile time for nothing the shared pieces lack.
//!
//! Attention is bidirectional, so padding would need a mask: a batch is instead cut into
//! groups of equal token count, each run unpadded (prompt sets are mostly of a few lengths).

use crate::attention;
use crate::config::{Activation, TextConfig};
use crate::kernels::l2_normalize_rows;
use crate::precision::TowerPrecision;
use crate::token_table::TokenTable;
use crate::towers::embed_batch;
use crate::transformer::{fused_qkv, LayerNorm, Linear};
use crate::weight::{Weight, WeightLayout};
use candle_core::Result;
use candle_nn::VarBuilder;
use gemm::Parallelism;

/// One post-norm layer: `x = norm1(x + attention(x)); x = norm2(x + mlp(x))`.
struct BertLayer {
    qkv: Linear,
    attention_out: Linear,
    norm1: LayerNorm,
    fc1: Linear,
    fc2: Linear,
    norm2: LayerNorm,
}

impl BertLayer {
    /// Loads a layer, its matmul weights in `precision`.
    fn load(vb: VarBuilder, c: &TextConfig, precision: TowerPrecision) -> Result<Self> {
        let t = &c.tower;
        let (h, i, eps) = (t.hidden_size, t.intermediate_size, t.layer_norm_eps);
        let attention = vb.pp("attention");
        Ok(Self {
            qkv: fused_qkv(
                &attention.pp("self"),
                ["query", "key", "value"],
                h,
                t.num_attention_heads,
            )?
            .prepared(precision),
            attention_out: Linear::load(&attention.pp("output").pp("dense"), (h, h))?
                .prepared(precision),
            norm1: LayerNorm::load(&attention.pp("output").pp("LayerNorm"), h, eps)?,
            fc1: Linear::load(&vb.pp("intermediate").pp("dense"), (i, h))?.prepared(precision),
            fc2: Linear::load(&vb.pp("output").pp("dense"), (h, i))?.prepared(precision),
            norm2: LayerNorm::load(&vb.pp("output").pp("LayerNorm"), h, eps)?,
        })
    }
}

/// `text_model.*` (BERT) plus `text_projection`.
pub(crate) struct BertTextTower {
    word_embedding: TokenTable,
    /// `[context, hidden]`: each position's embedding plus token type 0's, summed at load.
    position_embedding: Vec<f32>,
    embedding_norm: LayerNorm,
    layers: Vec<BertLayer>,
    projection: Weight,
    hidden: usize,
    intermediate: usize,
    heads: usize,
    activation: Activation,
}

/// One thread's buffers, reused by every layer.
struct Scratch {
    normed: Vec<f32>,
    qkv: Vec<f32>,
    attended: Vec<f32>,
    mlp: Vec<f32>,
}

impl BertTextTower {
    /// Loads Chinese-CLIP's text tower: the layers' matmul weights in `precision` (see
    /// [`crate::precision`]), the projection in f32, all in the `[in, out]` layout.
    pub(crate) fn load(
        vb: &VarBuilder,
        c: &TextConfig,
        projection_dim: usize,
        precision: TowerPrecision,
    ) -> Result<Self> {
        let h = c.tower.hidden_size;
        let m = vb.pp("text_model");
        let e = m.pp("embeddings");
        let rows = |name: &str, n: usize| -> Result<Vec<f32>> {
            e.pp(name).get((n, h), "weight")?.flatten_all()?.to_vec1()
        };
        let token_types = rows("token_type_embeddings", c.type_vocab_size)?;
        let mut position_embedding = rows("position_embeddings", c.max_position_embeddings)?;
        for row in position_embedding.chunks_exact_mut(h) {
            row.iter_mut()
                .zip(&token_types[..h])
                .for_each(|(p, t)| *p += t);
        }
        let layers = (0..c.tower.num_hidden_layers)
            .map(|i| BertLayer::load(m.pp("encoder").pp("layer").pp(i), c, precision))
            .collect::<Result<_>>()?;
        let projection = vb
            .pp("text_projection")
            .get((projection_dim, h), "weight")?;
        Ok(Self {
            word_embedding: TokenTable::load(&e.pp("word_embeddings"), c.vocab_size, h)?,
            position_embedding,
            embedding_norm: LayerNorm::load(&e.pp("LayerNorm"), h, c.tower.layer_norm_eps)?,
            layers,
            projection: Weight::new(&projection, WeightLayout::InOut)?
                .prepared(TowerPrecision::F32),
            hidden: h,
            intermediate: c.tower.intermediate_size,
            heads: c.tower.num_attention_heads,
            activation: c.tower.activation,
        })
    }

    /// Embeds token sequences (each `[CLS] ... [SEP]`), pooled at `[CLS]`, projected and scaled
    /// to unit length; results in input order.
    pub(crate) fn forward(&self, ids: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        let h = self.hidden;
        let (vocab, context) = (
            self.word_embedding.vocab(),
            self.position_embedding.len() / h,
        );
        for row in ids {
            if row.is_empty() || row.len() > context {
                candle_core::bail!("{} tokens given, the model takes 1 to {context}", row.len())
            }
            if let Some(id) = row.iter().find(|&&id| id as usize >= vocab) {
                candle_core::bail!("token id {id} outside the model's vocabulary of {vocab}")
            }
        }
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| ids[i].len());
        let mut out = vec![Vec::new(); ids.len()];
        for group in order.chunk_by(|&a, &b| ids[a].len() == ids[b].len()) {
            let seq = ids[group[0]].len();
            let flat: Vec<u32> = group.iter().flat_map(|&i| ids[i].clone()).collect();
            let vectors = self.word_embedding.with_rows(|words| {
                embed_batch(group.len(), |range, par| {
                    let ids = &flat[range.start * seq..range.end * seq];
                    Ok(self.forward_slice(words, ids, seq, par))
                })
            })??;
            for (&i, vector) in group.iter().zip(vectors) {
                out[i] = vector;
            }
        }
        Ok(out)
    }

    /// Sequences of `seq` ids each, one after another, on the calling thread, given the word
    /// embedding's rows.
    fn forward_slice(
        &self,
        words: &[f32],
        ids: &[u32],
        seq: usize,
        par: Parallelism,
    ) -> Vec<Vec<f32>> {
        let h = self.hidden;
        let tokens = ids.len();
        let mut x = vec![0.0; tokens * h];
        for (t, (row, &id)) in x.chunks_exact_mut(h).zip(ids).enumerate() {
            let word = &words[id as usize * h..][..h];
            let position = &self.position_embedding[(t % seq) * h..][..h];
            for ((x, a), b) in row.iter_mut().zip(word).zip(position) {
                *x = a + b;
            }
        }
        let mut s = Scratch {
            normed: vec![0.0; tokens * h],
            qkv: vec![0.0; tokens * 3 * h],
            attended: vec![0.0; tokens * h],
            mlp: vec![0.0; tokens * self.intermediate],
        };
        self.embedding_norm.forward(&x, &mut s.normed);
        std::mem::swap(&mut x, &mut s.normed);
        let shape = attention::Shape {
            seq,
            heads: self.heads,
            head_dim: h / self.heads,
            causal: false,
        };
        for layer in &self.layers {
            layer.qkv.forward(&x, &mut s.qkv, par);
            attention::attend(&s.qkv, &mut s.attended, shape);
            layer.attention_out.add_forward(&s.attended, &mut x, par);
            layer.norm1.forward(&x, &mut s.normed);
            std::mem::swap(&mut x, &mut s.normed);
            layer
                .fc1
                .forward_activated(&x, &mut s.mlp, self.activation, par);
            layer.fc2.add_forward(&s.mlp, &mut x, par);
            layer.norm2.forward(&x, &mut s.normed);
            std::mem::swap(&mut x, &mut s.normed);
        }
        let pooled: Vec<f32> = x
            .chunks_exact(seq * h)
            .flat_map(|sequence| sequence[..h].iter().copied())
            .collect();
        let dim = self.projection.outputs();
        let mut projected = vec![0.0; pooled.len() / h * dim];
        self.projection
            .multiply(&pooled, &mut projected, false, par);
        l2_normalize_rows(&mut projected, dim);
        projected.chunks_exact(dim).map(<[f32]>::to_vec).collect()
    }
}
