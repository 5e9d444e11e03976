//! [`Clip`]: a loaded model that turns texts and images into L2-normalised vectors, in
//! batches of bounded size.

use crate::bert::BertTextTower;
use crate::config::{ClipConfig, Family};
use crate::error::{ClipError, Result};
use crate::hub::ModelFiles;
use crate::int8::Rows;
use crate::packed_cache::PackedCache;
use crate::precision::Precision;
use crate::preprocess::Preprocessor;
use crate::siglip::SiglipVisionTower;
use crate::text_cache::TextCache;
use crate::tokenizer::ClipTokenizer;
use crate::towers::{TextTower, VisionTower, DTYPE};
use candle_core::Device;
use candle_nn::VarBuilder;
use image::RgbImage;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Images encoded per forward pass: large enough for efficient matmuls, small enough that
/// activations stay in the tens of megabytes for ViT-B.
pub const IMAGE_BATCH: usize = 16;
/// Texts encoded per forward pass.
pub const TEXT_BATCH: usize = 64;

/// A CLIP model ready to embed.
pub struct Clip {
    config: ClipConfig,
    tokenizer: ClipTokenizer,
    preprocessor: Preprocessor,
    /// The text tower (with the contiguous weight copies fast queries need, about 250 MB for
    /// ViT-B/32), loaded on the first text embedding: an indexing run never holds it.
    text: OnceLock<TextModel>,
    weights_file: PathBuf,
    /// Where the encoders' packed int8 weights are kept between loads.
    packed_cache: Option<PackedCache>,
    vision: VisionModel,
    device: Device,
    /// The texts embedded last (a query is embedded by search, then by the viewer's parts).
    recent_texts: TextCache,
    /// The temperature the model was trained with: cosines times this are its logits.
    logit_scale: f32,
    /// SigLIP's learned bias, added to those logits before its sigmoid.
    logit_bias: Option<f32>,
    /// The matmuls' arithmetic, per tower.
    precision: Precision,
}

/// A model's vision tower, by family.
enum VisionModel {
    Clip(Box<VisionTower>),
    Siglip(Box<SiglipVisionTower>),
}

/// A model's text tower, by family.
enum TextModel {
    /// CLIP's, or SigLIP's variant of it ([`TextTower`] knows which).
    Clip(TextTower),
    /// Chinese-CLIP's.
    Bert(BertTextTower),
}

/// The logit scale of checkpoints that store none: OpenAI's CLIP, which ends training at
/// this clamp.
const DEFAULT_LOGIT_SCALE: f32 = 100.0;

/// Opens a weights file: a safetensors file is read one tensor at a time as the towers ask
/// for them ([`crate::safetensors_file`]: a load holds the copies and one tensor, not the
/// whole file's pages as a mapping does); a PyTorch pickle (`.bin`, `.pt`, `.pth`) is read
/// tensor by tensor from its zip archive.
fn map_weights(file: &Path, device: &Device) -> candle_core::Result<VarBuilder<'static>> {
    let pickle = file
        .extension()
        .is_some_and(|e| e == "bin" || e == "pt" || e == "pth");
    if pickle {
        return VarBuilder::from_pth(file, DTYPE, device);
    }
    let weights = crate::safetensors_file::SafetensorsFile::open(file)?;
    Ok(VarBuilder::from_backend(
        Box::new(weights),
        DTYPE,
        device.clone(),
    ))
}

/// A stored scalar parameter (a 0-d tensor as CLIP stores it, or one value as SigLIP does),
/// when present and finite.
fn read_scalar(vb: &VarBuilder, name: &str) -> Option<f32> {
    let scalar = vb.get((), name).or_else(|_| vb.get(1, name)?.reshape(()));
    scalar
        .and_then(|t| t.to_dtype(candle_core::DType::F32)?.to_scalar::<f32>())
        .ok()
        .filter(|v| v.is_finite())
}

/// The stored `logit_scale` as `transformers` applies it (exponentiated), or the default when
/// the checkpoint has none or holds a value that is not a finite number.
fn read_logit_scale(vb: &VarBuilder) -> f32 {
    read_scalar(vb, "logit_scale")
        .map(f32::exp)
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(DEFAULT_LOGIT_SCALE)
}

impl Clip {
    /// Loads a model from its files on the CPU (safetensors read tensor by tensor, a PyTorch pickle
    /// read from its archive), in the precision `IRIS_PRECISION` asks for
    /// ([`Precision::from_env`]).
    pub fn load(files: &ModelFiles) -> Result<Self> {
        Self::load_with_precision(files, Precision::from_env())
    }

    /// [`Self::load`] in the given precision, its packed weights kept where
    /// [`PackedCache::for_weights`] says.
    pub fn load_with_precision(files: &ModelFiles, precision: Precision) -> Result<Self> {
        let cache = PackedCache::for_weights(&files.weights);
        Self::load_with_cache(files, precision, cache)
    }

    /// [`Self::load_with_precision`], its packed weights kept in `cache` (none: packed at
    /// every load).
    pub(crate) fn load_with_cache(
        files: &ModelFiles,
        precision: Precision,
        packed_cache: Option<PackedCache>,
    ) -> Result<Self> {
        let config = ClipConfig::from_file(&files.config)?;
        let tokenizer = ClipTokenizer::for_family(config.family, &files.tokenizer, &config.text)?;
        let preprocessor = Preprocessor::from_file(&files.preprocessor, config.vision.image_size)?;
        let size = config.vision.image_size;
        if preprocessor.square_output() != Some(size) {
            return Err(ClipError::model(
                &files.preprocessor,
                format!(
                    "gives images of {}, not the {size}x{size} of config.json's \
                     vision_config.image_size",
                    preprocessor.output_description()
                ),
            ));
        }
        let device = Device::Cpu;
        let weights = &files.weights;
        if !weights.is_file() {
            return Err(ClipError::model(weights, "is missing"));
        }
        let wrap = |e: candle_core::Error| ClipError::model(weights, e.to_string());
        let vb = map_weights(weights, &device).map_err(wrap)?;
        let reduced = precision.on_this_cpu(Rows::Many);
        let vision = match config.family {
            Family::Siglip => {
                SiglipVisionTower::load(&vb, &config.vision, reduced, packed_cache.as_ref())
                    .map(|t| VisionModel::Siglip(Box::new(t)))
            }
            _ => {
                let projection = config.projection_dim;
                VisionTower::load(
                    &vb,
                    &config.vision,
                    projection,
                    reduced,
                    packed_cache.as_ref(),
                )
                .map(|t| VisionModel::Clip(Box::new(t)))
            }
        }
        .map_err(wrap)?;
        let logit_scale = read_logit_scale(&vb);
        let logit_bias = match config.family {
            Family::Siglip => read_scalar(&vb, "logit_bias"),
            _ => None,
        };
        Ok(Self {
            config,
            tokenizer,
            preprocessor,
            text: OnceLock::new(),
            weights_file: weights.clone(),
            packed_cache,
            vision,
            device,
            recent_texts: TextCache::default(),
            logit_scale,
            logit_bias,
            precision,
        })
    }

    /// Loads the model in a local folder.
    pub fn load_dir(dir: &Path) -> Result<Self> {
        Self::load(&ModelFiles::in_folder(dir))
    }

    /// The precision the model was loaded in ([`Precision::describe`] says what runs).
    pub fn precision(&self) -> Precision {
        self.precision
    }

    pub fn config(&self) -> &ClipConfig {
        &self.config
    }

    /// The model's family.
    pub fn family(&self) -> Family {
        self.config.family
    }

    pub fn preprocessor(&self) -> &Preprocessor {
        &self.preprocessor
    }

    pub fn tokenizer(&self) -> &ClipTokenizer {
        &self.tokenizer
    }

    /// The model's logit scale (exp of its learned `logit_scale`): cosines times
    /// this are the logits its contrastive training used, so a softmax of them is the
    /// model's own distribution over texts for an image.
    pub fn logit_scale(&self) -> f32 {
        self.logit_scale
    }

    /// A SigLIP model's logit bias: `sigmoid(cosine * logit_scale + bias)` is its probability
    /// that a text and an image match. None for softmax-trained families.
    pub fn logit_bias(&self) -> Option<f32> {
        self.logit_bias
    }

    /// Length of the embeddings.
    pub fn dim(&self) -> usize {
        self.config.projection_dim
    }

    /// The text tower, loaded on the first text embedding (an error there names the file and
    /// the tensor like one at load would).
    fn text_tower(&self) -> Result<&TextModel> {
        if let Some(tower) = self.text.get() {
            return Ok(tower);
        }
        let c = &self.config;
        let wrap = |e: candle_core::Error| ClipError::model(&self.weights_file, e.to_string());
        let vb = map_weights(&self.weights_file, &self.device).map_err(wrap)?;
        let reduced = self.precision.on_this_cpu(Rows::Few);
        let tower = match c.family {
            Family::Clip | Family::Siglip => {
                let cache = self.packed_cache.as_ref();
                TextTower::load(&vb, &c.text, c.projection_dim, c.family, reduced, cache)
                    .map(TextModel::Clip)
            }
            Family::ChineseClip => {
                BertTextTower::load(&vb, &c.text, c.projection_dim, reduced).map(TextModel::Bert)
            }
        }
        .map_err(wrap)?;
        // Two threads may both build it; one copy is kept.
        Ok(self.text.get_or_init(|| tower))
    }

    /// Embeds texts; each result is independent of the others in the batch, and the texts
    /// embedded last are answered from memory.
    pub fn embed_texts<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>> {
        let mut out: Vec<Option<Vec<f32>>> = texts
            .iter()
            .map(|t| self.recent_texts.get(t.as_ref()))
            .collect();
        // Batched by length: a batch runs at its longest text's length, so texts of like
        // length together pad least (a library's first tagging embeds 5,000 sentences).
        let mut missing: Vec<(usize, Vec<u32>)> = (0..texts.len())
            .filter(|&i| out[i].is_none())
            .map(|i| Ok((i, self.tokenizer.encode(texts[i].as_ref())?)))
            .collect::<Result<_>>()?;
        missing.sort_by_key(|(_, ids)| ids.len());
        for chunk in missing.chunks(TEXT_BATCH) {
            let ids: Vec<Vec<u32>> = chunk.iter().map(|(_, ids)| ids.clone()).collect();
            for ((i, _), vector) in chunk.iter().zip(self.embed_token_batch(ids)?) {
                self.recent_texts.put(texts[*i].as_ref(), &vector);
                out[*i] = Some(vector);
            }
        }
        Ok(out.into_iter().flatten().collect())
    }

    /// One batch of at most [`TEXT_BATCH`] tokenised texts through the text tower.
    fn embed_token_batch(&self, ids: Vec<Vec<u32>>) -> Result<Vec<Vec<f32>>> {
        let tower = match self.text_tower()? {
            TextModel::Bert(tower) => return Ok(tower.forward(&ids)?),
            TextModel::Clip(tower) => tower,
        };
        let seq = ids.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let pool: Vec<usize> = ids
            .iter()
            .map(|i| self.tokenizer.pool_position(i))
            .collect();
        let mut flat = Vec::with_capacity(seq * ids.len());
        for row in &ids {
            flat.extend_from_slice(row);
            flat.resize(flat.len() + seq - row.len(), self.tokenizer.pad_id());
        }
        Ok(tower.forward(&flat, ids.len(), &pool)?)
    }

    /// Preprocesses one decoded image into CHW floats.
    pub fn preprocess(&self, image: &RgbImage) -> Vec<f32> {
        self.preprocessor.pixels(image)
    }

    /// Embeds already preprocessed images (each `3 x size x size` floats).
    pub fn embed_pixels(&self, pixels: &[Vec<f32>]) -> Result<Vec<Vec<f32>>> {
        let size = self.config.vision.image_size;
        let mut out = Vec::with_capacity(pixels.len());
        for chunk in pixels.chunks(IMAGE_BATCH) {
            let mut flat = Vec::with_capacity(chunk.len() * 3 * size * size);
            for p in chunk {
                if p.len() != 3 * size * size {
                    return Err(ClipError::Compute(candle_core::Error::Msg(format!(
                        "pixels of length {} given, the model takes 3x{size}x{size}",
                        p.len()
                    ))));
                }
                flat.extend_from_slice(p);
            }
            out.extend(match &self.vision {
                VisionModel::Clip(tower) => tower.forward(&flat, chunk.len())?,
                VisionModel::Siglip(tower) => tower.forward(&flat, chunk.len())?,
            });
        }
        Ok(out)
    }

    /// One preprocessed image's embedding and its patches' (unit vectors in the embedding
    /// space: the last layer's patch tokens read with correlative self-attention, as SCLIP
    /// does, through the same final norm and projection as the class token; for SigLIP through
    /// the final norm and the pooling head, each token alone): what a heatmap of where a query
    /// matches is computed from.
    pub fn embed_patches(&self, pixels: &[f32]) -> Result<PatchEmbeddings> {
        let (rows, side) = match &self.vision {
            VisionModel::Clip(vision) => (vision.token_embeddings(pixels)?, vision.grid()),
            VisionModel::Siglip(vision) => (vision.token_embeddings(pixels)?, vision.grid()),
        };
        let mut rows = rows.into_iter();
        let image = rows.next().unwrap_or_default();
        Ok(PatchEmbeddings {
            side,
            image,
            patches: rows.collect(),
        })
    }

    /// Embeds decoded images.
    pub fn embed_images(&self, images: &[RgbImage]) -> Result<Vec<Vec<f32>>> {
        let mut out = Vec::with_capacity(images.len());
        for chunk in images.chunks(IMAGE_BATCH) {
            let pixels: Vec<Vec<f32>> = chunk.iter().map(|i| self.preprocess(i)).collect();
            out.extend(self.embed_pixels(&pixels)?);
        }
        Ok(out)
    }

    /// Decodes image files (format recognised from content) and embeds them.
    pub fn embed_image_files<P: AsRef<Path>>(&self, paths: &[P]) -> Result<Vec<Vec<f32>>> {
        let mut out = Vec::with_capacity(paths.len());
        for chunk in paths.chunks(IMAGE_BATCH) {
            let images = chunk
                .iter()
                .map(|p| crate::decode::decode_file(p.as_ref()))
                .collect::<Result<Vec<_>>>()?;
            out.extend(self.embed_images(&images)?);
        }
        Ok(out)
    }
}

/// An image's embedding and its patches', from [`Clip::embed_patches`].
#[derive(Debug, Clone)]
pub struct PatchEmbeddings {
    /// Patches per side of the (square, center-cropped) model input.
    pub side: usize,
    /// The image's embedding (equal to what `embed_pixels` gives).
    pub image: Vec<f32>,
    /// `side * side` unit vectors, row by row from the top left.
    pub patches: Vec<Vec<f32>>,
}
