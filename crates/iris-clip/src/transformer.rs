//! The pre-norm transformer encoder shared by both towers, laid out for CPU speed: the
//! residual stream stays a 2-D `[tokens, hidden]` matrix, q/k/v are one fused matmul with the
//! attention scale folded into the q weights, and linear layers multiply by transposed views
//! without copying weights.

use crate::config::{Activation, TowerConfig};
use candle_core::{Module, Result, Tensor, D};
use candle_nn::VarBuilder;

/// `y = x W^T + b` over a 2-D input.
pub(crate) struct Linear {
    weight_t: Tensor,
    bias: Option<Tensor>,
}

impl Linear {
    pub(crate) fn load(vb: &VarBuilder, out: usize, inp: usize, bias: bool) -> Result<Self> {
        let weight = vb.get((out, inp), "weight")?;
        let bias = if bias {
            Some(vb.get(out, "bias")?)
        } else {
            None
        };
        Self::new(weight, bias)
    }

    /// A bias-free layer over an already loaded `[out, in]` weight.
    pub(crate) fn from_weight(weight: Tensor) -> Result<Self> {
        Self::new(weight, None)
    }

    fn new(weight: Tensor, bias: Option<Tensor>) -> Result<Self> {
        Ok(Self {
            weight_t: weight.t()?,
            bias,
        })
    }
}

impl Module for Linear {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let y = x.matmul(&self.weight_t)?;
        match &self.bias {
            Some(b) => y.broadcast_add(b),
            None => Ok(y),
        }
    }
}

/// Layer normalisation over the last dimension.
pub(crate) struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f32,
}

impl LayerNorm {
    pub(crate) fn load(vb: &VarBuilder, size: usize, eps: f64) -> Result<Self> {
        Ok(Self {
            weight: vb.get(size, "weight")?,
            bias: vb.get(size, "bias")?,
            eps: eps as f32,
        })
    }
}

impl Module for LayerNorm {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        candle_nn::ops::layer_norm(x, &self.weight, &self.bias, self.eps)
    }
}

struct Attention {
    qkv: Linear,
    out: Linear,
    heads: usize,
}

impl Attention {
    fn load(vb: VarBuilder, hidden: usize, heads: usize) -> Result<Self> {
        let scale = ((hidden / heads) as f64).powf(-0.5);
        let part = |name: &str| -> Result<(Tensor, Tensor)> {
            let p = vb.pp(name);
            Ok((p.get((hidden, hidden), "weight")?, p.get(hidden, "bias")?))
        };
        let (qw, qb) = part("q_proj")?;
        let (kw, kb) = part("k_proj")?;
        let (vw, vb_) = part("v_proj")?;
        let weight = Tensor::cat(&[(qw * scale)?, kw, vw], 0)?;
        let bias = Tensor::cat(&[(qb * scale)?, kb, vb_], 0)?;
        Ok(Self {
            qkv: Linear::new(weight, Some(bias))?,
            out: Linear::load(&vb.pp("out_proj"), hidden, hidden, true)?,
            heads,
        })
    }

    /// `x` is `[batch * seq, hidden]`; `mask` is added to the `[seq, seq]` scores.
    fn forward(&self, x: &Tensor, batch: usize, mask: Option<&Tensor>) -> Result<Tensor> {
        let (tokens, hidden) = x.dims2()?;
        let seq = tokens / batch;
        let head_dim = hidden / self.heads;
        let qkv = self
            .qkv
            .forward(x)?
            .reshape((batch, seq, 3, self.heads, head_dim))?
            .permute((2, 0, 3, 1, 4))?;
        let q = qkv.get(0)?.contiguous()?;
        let k = qkv.get(1)?.contiguous()?;
        let v = qkv.get(2)?.contiguous()?;
        let mut scores = q.matmul(&k.t()?)?;
        if let Some(mask) = mask {
            scores = scores.broadcast_add(mask)?;
        }
        let probs = candle_nn::ops::softmax_last_dim(&scores)?;
        probs
            .matmul(&v)?
            .transpose(1, 2)?
            .reshape((tokens, hidden))?
            .apply(&self.out)
    }
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
    fn load(vb: VarBuilder, c: &TowerConfig) -> Result<Self> {
        let (h, i) = (c.hidden_size, c.intermediate_size);
        Ok(Self {
            norm1: LayerNorm::load(&vb.pp("layer_norm1"), h, c.layer_norm_eps)?,
            attention: Attention::load(vb.pp("self_attn"), h, c.num_attention_heads)?,
            norm2: LayerNorm::load(&vb.pp("layer_norm2"), h, c.layer_norm_eps)?,
            fc1: Linear::load(&vb.pp("mlp").pp("fc1"), i, h, true)?,
            fc2: Linear::load(&vb.pp("mlp").pp("fc2"), h, i, true)?,
            activation: c.activation,
        })
    }

    fn forward(&self, x: &Tensor, batch: usize, mask: Option<&Tensor>) -> Result<Tensor> {
        let attended = self.attention.forward(&x.apply(&self.norm1)?, batch, mask)?;
        let x = (x + attended)?;
        let h = x.apply(&self.norm2)?.apply(&self.fc1)?;
        let h = match self.activation {
            Activation::QuickGelu => (&h * candle_nn::ops::sigmoid(&(&h * 1.702)?)?)?,
            Activation::Gelu => h.gelu_erf()?,
            Activation::GeluTanh => h.gelu()?,
        };
        x + h.apply(&self.fc2)?
    }
}

/// A stack of encoder layers (`encoder.layers.N` in the checkpoint).
pub(crate) struct Encoder {
    layers: Vec<Layer>,
}

impl Encoder {
    pub(crate) fn load(vb: VarBuilder, c: &TowerConfig) -> Result<Self> {
        let vb = vb.pp("layers");
        let layers = (0..c.num_hidden_layers)
            .map(|i| Layer::load(vb.pp(i), c))
            .collect::<Result<_>>()?;
        Ok(Self { layers })
    }

    /// Runs `[batch * seq, hidden]` through every layer.
    pub(crate) fn forward(&self, x: &Tensor, batch: usize, mask: Option<&Tensor>) -> Result<Tensor> {
        let mut x = x.clone();
        for layer in &self.layers {
            x = layer.forward(&x, batch, mask)?;
        }
        Ok(x)
    }
}

/// Divides each row by its L2 norm.
pub(crate) fn l2_normalize(x: &Tensor) -> Result<Tensor> {
    let norm = x.sqr()?.sum_keepdim(D::Minus1)?.sqrt()?;
    x.broadcast_div(&norm)
}
