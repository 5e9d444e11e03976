//! config.json of a Hugging Face CLIP-family model: its family (`model_type`), the tower sizes,
//! with transformers' defaults for absent fields, and errors that name the field for wrong or
//! inconsistent ones and the family for unsupported models.

use crate::error::{ClipError, Result};
use serde_json::Value;
use std::path::Path;

/// Activation of the MLP blocks (`hidden_act`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// `x * sigmoid(1.702 x)`, the original OpenAI CLIP activation.
    QuickGelu,
    /// Exact (erf) GELU, `gelu` in transformers.
    Gelu,
    /// Tanh approximation of GELU (`gelu_new`, `gelu_pytorch_tanh`).
    GeluTanh,
}

/// The model families Iris runs, told apart by config.json's `model_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// OpenAI's CLIP layout (`clip`): OpenAI, LAION, DataComp and other CLIP checkpoints.
    Clip,
    /// OFA-Sys Chinese-CLIP (`chinese_clip`): a BERT/RoBERTa text tower with a WordPiece
    /// vocabulary, and CLIP's vision tower.
    ChineseClip,
    /// Google's SigLIP (`siglip`, also SigLIP 2's fixed-resolution checkpoints): sigmoid
    /// scoring, no class token, an attention-pooling head, texts padded to a fixed length.
    Siglip,
}

impl Family {
    /// The family's name as people know it.
    pub fn label(self) -> &'static str {
        match self {
            Family::Clip => "CLIP",
            Family::ChineseClip => "Chinese-CLIP",
            Family::Siglip => "SigLIP",
        }
    }

    /// The family of a `model_type` value; an absent one is CLIP (early CLIP configs lack it).
    fn of_model_type(model_type: Option<&str>) -> std::result::Result<Self, String> {
        match model_type {
            None | Some("clip") => Ok(Family::Clip),
            Some("chinese_clip") => Ok(Family::ChineseClip),
            Some("siglip") => Ok(Family::Siglip),
            Some(other) => {
                let known = match other {
                    "siglip2" => " (SigLIP 2 with flexible resolution)",
                    "blip" | "blip-2" | "blip_2" => " (BLIP)",
                    "align" => " (ALIGN)",
                    "altclip" => " (AltCLIP)",
                    "owlvit" | "owlv2" => " (OWL-ViT)",
                    "clip_vision_model" | "clip_text_model" => " (one tower of CLIP only)",
                    _ => "",
                };
                Err(format!(
                    "says `model_type` \"{other}\"{known}, a model family Iris does not run; \
                     it runs CLIP (\"clip\"), Chinese-CLIP (\"chinese_clip\") and SigLIP \
                     (\"siglip\")"
                ))
            }
        }
    }
}

/// Sizes of one transformer tower.
#[derive(Debug, Clone, PartialEq)]
pub struct TowerConfig {
    pub hidden_size: usize,
    pub intermediate_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub activation: Activation,
    pub layer_norm_eps: f64,
}

/// Text tower: tower sizes plus vocabulary and context length.
#[derive(Debug, Clone, PartialEq)]
pub struct TextConfig {
    pub tower: TowerConfig,
    pub vocab_size: usize,
    /// Context length: the longest token sequence, special tokens included.
    pub max_position_embeddings: usize,
    /// `eos_token_id` as configured; 2 is transformers' legacy value meaning "the highest id".
    pub eos_token_id: Option<u32>,
    /// Token types of a BERT text tower (Chinese-CLIP); every query is of type 0.
    pub type_vocab_size: usize,
    /// The id SigLIP pads every text with, to its full context length.
    pub pad_token_id: u32,
}

/// Vision tower: tower sizes plus the patch grid.
#[derive(Debug, Clone, PartialEq)]
pub struct VisionConfig {
    pub tower: TowerConfig,
    pub image_size: usize,
    pub patch_size: usize,
    pub num_channels: usize,
}

impl VisionConfig {
    /// Patches along one side of the (square) input.
    pub fn grid(&self) -> usize {
        self.image_size / self.patch_size
    }
}

/// The whole model configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipConfig {
    pub family: Family,
    pub text: TextConfig,
    pub vision: VisionConfig,
    pub projection_dim: usize,
}

/// Reads fields of one JSON object, naming `section.field` in every error.
struct Fields<'a> {
    file: &'a Path,
    section: &'a str,
    object: &'a serde_json::Map<String, Value>,
}

impl Fields<'_> {
    fn err(&self, key: &str, message: String) -> ClipError {
        let field = if self.section.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.section)
        };
        ClipError::model(self.file, format!("field `{field}` {message}"))
    }

    fn usize(&self, key: &str, default: usize) -> Result<usize> {
        match self.object.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(v) => match v.as_u64() {
                Some(n) if n > 0 => Ok(n as usize),
                _ => Err(self.err(key, format!("must be a positive integer, found {v}"))),
            },
        }
    }

    fn f64(&self, key: &str, default: f64) -> Result<f64> {
        match self.object.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(v) => v
                .as_f64()
                .filter(|x| *x > 0.0)
                .ok_or_else(|| self.err(key, format!("must be a positive number, found {v}"))),
        }
    }

    fn activation(&self, default: Activation) -> Result<Activation> {
        match self.object.get("hidden_act") {
            None | Some(Value::Null) => Ok(default),
            Some(Value::String(s)) => match s.as_str() {
                "quick_gelu" => Ok(Activation::QuickGelu),
                "gelu" => Ok(Activation::Gelu),
                "gelu_new" | "gelu_pytorch_tanh" | "gelu_fast" => Ok(Activation::GeluTanh),
                other => Err(self.err("hidden_act", format!("has unsupported value \"{other}\""))),
            },
            Some(v) => Err(self.err("hidden_act", format!("must be a string, found {v}"))),
        }
    }

    fn section(&self, key: &'static str) -> Result<Fields<'_>> {
        match self.object.get(key) {
            Some(Value::Object(object)) => Ok(Fields {
                file: self.file,
                section: key,
                object,
            }),
            Some(v) => Err(self.err(key, format!("must be an object, found {v}"))),
            None => Err(self.err(key, "is missing".to_string())),
        }
    }

    /// Tower sizes with transformers' defaults for absent fields.
    fn tower(&self, defaults: &TowerConfig) -> Result<TowerConfig> {
        let tower = TowerConfig {
            hidden_size: self.usize("hidden_size", defaults.hidden_size)?,
            intermediate_size: self.usize("intermediate_size", defaults.intermediate_size)?,
            num_hidden_layers: self.usize("num_hidden_layers", defaults.num_hidden_layers)?,
            num_attention_heads: self.usize("num_attention_heads", defaults.num_attention_heads)?,
            activation: self.activation(defaults.activation)?,
            layer_norm_eps: self.f64("layer_norm_eps", defaults.layer_norm_eps)?,
        };
        if !tower.hidden_size.is_multiple_of(tower.num_attention_heads) {
            return Err(self.err(
                "num_attention_heads",
                format!(
                    "({}) must divide hidden_size ({})",
                    tower.num_attention_heads, tower.hidden_size
                ),
            ));
        }
        Ok(tower)
    }
}

/// A base-size tower (12 layers, MLP four times as wide) of `hidden` width and `heads` heads.
fn tower_defaults(hidden: usize, heads: usize, activation: Activation, eps: f64) -> TowerConfig {
    TowerConfig {
        hidden_size: hidden,
        intermediate_size: 4 * hidden,
        num_hidden_layers: 12,
        num_attention_heads: heads,
        activation,
        layer_norm_eps: eps,
    }
}

/// SigLIP base: 768 wide, 12 layers and heads, tanh GELU, LayerNorm eps 1e-6.
fn siglip_defaults() -> TowerConfig {
    tower_defaults(768, 12, Activation::GeluTanh, 1e-6)
}

impl ClipConfig {
    /// Reads and checks `config.json`.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| ClipError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(path, &text)
    }

    /// Parses config.json text; `path` is only used in error messages.
    pub fn from_json(path: &Path, json: &str) -> Result<Self> {
        let root: Value = serde_json::from_str(json)
            .map_err(|e| ClipError::model(path, format!("is not valid json: {e}")))?;
        let Value::Object(object) = &root else {
            return Err(ClipError::model(path, "must hold a json object"));
        };
        let top = Fields {
            file: path,
            section: "",
            object,
        };
        let model_type = match object.get("model_type") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(v) => return Err(top.err("model_type", format!("must be a string, found {v}"))),
        };
        let family = Family::of_model_type(model_type).map_err(|m| ClipError::model(path, m))?;
        let t = top.section("text_config")?;
        let (tower, vocab, context) = match family {
            Family::Clip => (
                tower_defaults(512, 8, Activation::QuickGelu, 1e-5),
                49408,
                77,
            ),
            // transformers' ChineseCLIPTextConfig: BERT-base.
            Family::ChineseClip => (tower_defaults(768, 12, Activation::Gelu, 1e-12), 30522, 512),
            Family::Siglip => (siglip_defaults(), 32000, 64),
        };
        let text = TextConfig {
            tower: t.tower(&tower)?,
            vocab_size: t.usize("vocab_size", vocab)?,
            max_position_embeddings: t.usize("max_position_embeddings", context)?,
            eos_token_id: t
                .object
                .get("eos_token_id")
                .and_then(Value::as_u64)
                .map(|id| id as u32),
            type_vocab_size: t.usize("type_vocab_size", 2)?,
            pad_token_id: t
                .object
                .get("pad_token_id")
                .and_then(Value::as_u64)
                .map_or(1, |id| id as u32),
        };
        let v = top.section("vision_config")?;
        let vision_defaults = match family {
            Family::Siglip => siglip_defaults(),
            _ => tower_defaults(768, 12, Activation::QuickGelu, 1e-5),
        };
        let vision = VisionConfig {
            tower: v.tower(&vision_defaults)?,
            image_size: v.usize("image_size", 224)?,
            patch_size: v.usize("patch_size", 32)?,
            num_channels: v.usize("num_channels", 3)?,
        };
        if !vision.image_size.is_multiple_of(vision.patch_size) {
            return Err(v.err(
                "patch_size",
                format!(
                    "({}) must divide image_size ({})",
                    vision.patch_size, vision.image_size
                ),
            ));
        }
        if vision.num_channels != 3 {
            return Err(v.err(
                "num_channels",
                format!("must be 3 (rgb), found {}", vision.num_channels),
            ));
        }
        let projection_dim = match family {
            // No projection: the vision tower's pooled width, which the text head must match.
            Family::Siglip => {
                let width = vision.tower.hidden_size;
                let text_width = t.usize("projection_size", text.tower.hidden_size)?;
                if text_width != width {
                    return Err(t.err(
                        "projection_size",
                        format!("({text_width}) must equal vision_config.hidden_size ({width})"),
                    ));
                }
                width
            }
            _ => top.usize("projection_dim", 512)?,
        };
        Ok(Self {
            family,
            text,
            vision,
            projection_dim,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<ClipConfig> {
        ClipConfig::from_json(Path::new("config.json"), json)
    }

    #[test]
    fn absent_fields_take_transformers_defaults() {
        let c = parse(r#"{"text_config": {}, "vision_config": {"patch_size": 16}}"#).unwrap();
        assert_eq!(c.text.tower.hidden_size, 512);
        assert_eq!(c.text.max_position_embeddings, 77);
        assert_eq!(c.vision.tower.hidden_size, 768);
        assert_eq!(c.vision.grid(), 14);
        assert_eq!(c.projection_dim, 512);
        assert_eq!(c.vision.tower.activation, Activation::QuickGelu);
        assert_eq!(c.family, Family::Clip);
    }

    #[test]
    fn the_family_comes_from_model_type_with_its_own_defaults() {
        let c = parse(r#"{"model_type": "chinese_clip", "text_config": {}, "vision_config": {}}"#)
            .unwrap();
        assert_eq!(c.family, Family::ChineseClip);
        assert_eq!(c.text.tower.activation, Activation::Gelu);
        assert_eq!(c.text.tower.hidden_size, 768);
        assert_eq!(c.text.tower.num_attention_heads, 12);
        assert_eq!(c.text.tower.layer_norm_eps, 1e-12);
        assert_eq!(c.text.max_position_embeddings, 512);
        assert_eq!(c.vision.tower.activation, Activation::QuickGelu);
        let c =
            parse(r#"{"model_type": "siglip", "text_config": {}, "vision_config": {}}"#).unwrap();
        assert_eq!((c.family, c.projection_dim), (Family::Siglip, 768));
        assert_eq!(c.text.max_position_embeddings, 64);
        assert_eq!(c.vision.tower.activation, Activation::GeluTanh);
        let e = parse(
            r#"{"model_type": "siglip", "text_config": {"projection_size": 512}, "vision_config": {}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("`text_config.projection_size` (512) must equal"),
            "{e}"
        );
        let e = parse(r#"{"model_type": "siglip2", "text_config": {}, "vision_config": {}}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("\"siglip2\" (SigLIP 2 with flexible resolution)"),
            "{e}"
        );
        assert!(e.contains("does not run"), "{e}");
        let e = parse(r#"{"model_type": "llama", "text_config": {}, "vision_config": {}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("`model_type` \"llama\", a model family"), "{e}");
    }

    #[test]
    fn errors_name_the_file_and_field() {
        let e = parse(r#"{"text_config": {}}"#).unwrap_err().to_string();
        assert_eq!(e, "config.json: field `vision_config` is missing");
        let e = parse(r#"{"text_config": {"hidden_size": "big"}, "vision_config": {}}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`text_config.hidden_size`") && e.contains("\"big\""),
            "{e}"
        );
        let e = parse(r#"{"text_config": {}, "vision_config": {"patch_size": 30}}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`vision_config.patch_size` (30) must divide image_size (224)"),
            "{e}"
        );
        let e = parse(r#"{"text_config": {"num_attention_heads": 7}, "vision_config": {}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("`text_config.num_attention_heads`"), "{e}");
        let e = parse(r#"{"text_config": {"hidden_act": "relu"}, "vision_config": {}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unsupported value \"relu\""), "{e}");
        assert!(parse("[1]")
            .unwrap_err()
            .to_string()
            .contains("json object"));
    }
}
