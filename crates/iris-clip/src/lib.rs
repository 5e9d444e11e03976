//! CLIP on plain f32 buffers (candle for loading, tensors and the matmuls): the model layer
//! of Iris.
//!
//! Loads CLIP and Chinese-CLIP models in the Hugging Face layout (config.json,
//! model.safetensors or pytorch_model.bin, tokenizer.json or vocab.txt,
//! preprocessor_config.json) from a folder or from the Hugging Face cache, and
//! turns texts and images into L2-normalised vectors that match `transformers` on the same
//! weights. It knows nothing about photo libraries or databases.
//!
//! ```no_run
//! let files = iris_clip::resolve("openai/clip-vit-base-patch32", true)?;
//! let clip = iris_clip::Clip::load(&files)?;
//! let v = clip.embed_texts(&["a dog asleep on a sofa"])?;
//! # Ok::<(), iris_clip::ClipError>(())
//! ```
//!
//! Pieces: [`config`] (config.json and the model family), [`preprocess`] and [`resample`]
//! (CLIPImageProcessor, Pillow-exact), [`tokenizer`] (BPE or WordPiece), the encoder and towers
//! (private; Chinese-CLIP's BERT text tower in `bert`), [`hub`] (finding files) and
//! [`catalogue`] (the models known by name).

mod attention;
mod bert;
mod bf16;
pub mod catalogue;
pub mod config;
pub mod decode;
mod demo;
mod error;
pub mod hub;
mod int8;
mod kernels;
mod model;
mod packed_cache;
mod panels;
mod precision;
pub mod preprocess;
pub mod resample;
mod safetensors_file;
mod siglip;
mod text_cache;
mod token_table;
pub mod tokenizer;
mod towers;
mod transformer;
mod weight;

pub use config::{ClipConfig, Family};
pub use decode::{decode_bytes, decode_file};
pub use demo::DEMO_MODEL;
pub use error::{ClipError, Result};
pub use hub::{cached, resolve, resolve_with, DownloadProgress, ModelFiles, DEFAULT_MODEL};
pub use kernels::kernel_target;
pub use model::{Clip, PatchEmbeddings, IMAGE_BATCH, TEXT_BATCH};
pub use precision::Precision;

/// Sets the number of CPU threads used by the matrix kernels and parallel ops. Call it before
/// the first embedding; later calls only affect the matrix kernels.
pub fn set_threads(threads: usize) {
    let threads = threads.max(1);
    // candle's matmul reads RAYON_NUM_THREADS on every call; rayon reads it once.
    std::env::set_var("RAYON_NUM_THREADS", threads.to_string());
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
}
