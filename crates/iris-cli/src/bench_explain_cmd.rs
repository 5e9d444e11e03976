//! `iris bench-explain` (hidden, for scripts/bench-explain.sh): the viewer heatmap's time from
//! the toggle to the grid, for a ViT-B/32-shaped model with random weights (written once into
//! `--model-dir`; the shape, not the weights, sets the time) on a 12-megapixel JPEG: the photo
//! read and decoded as indexing decodes it, one pass of the vision tower with its last block
//! read twice, and a dot product per patch, the query's text being embedded already by the
//! search that showed the photo (the model keeps its last texts); the same with a query never
//! seen; a new query on the same photo (its patches kept); the parts (decode, vision pass, text) and, as
//! the baseline in the same run, what indexing does for the photo: the same decode and one
//! plain embedding.

use anyhow::{Context, Result};
use candle_core::{DType, Device, Tensor};
use clap::Args;
use iris_core::{Library, Query};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Args)]
pub struct BenchExplainArgs {
    /// Where the random ViT-B/32-shaped model is (written there if absent).
    #[arg(long)]
    model_dir: PathBuf,
    /// Timed runs per case, after one warm-up.
    #[arg(long, default_value_t = 7)]
    runs: usize,
}

/// ViT-B/32: vision 768 wide, 12 layers, patch 32 at 224 px; text 512 wide, 12 layers.
const VISION: (usize, usize, usize) = (768, 12, 3072);
const TEXT: (usize, usize, usize) = (512, 12, 2048);
const PATCH: usize = 32;
const IMAGE: usize = 224;
const PROJECTION: usize = 512;
const VOCAB: usize = 49408;

fn random(shape: &[usize], device: &Device) -> candle_core::Result<Tensor> {
    Tensor::randn(0f32, 0.02, shape, device)
}

/// Writes config.json, preprocessor_config.json, the demo model's tokenizer (the real CLIP
/// tokenizer) and random weights in the Hugging Face layout.
fn write_model(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let device = Device::Cpu;
    let mut tensors: HashMap<String, Tensor> = HashMap::new();
    let ones = |n: usize| Tensor::ones(n, DType::F32, &device);
    let zeros = |n: usize| Tensor::zeros(n, DType::F32, &device);
    for (tower, (h, layers, inner)) in [("vision_model", VISION), ("text_model", TEXT)] {
        for i in 0..layers {
            let l = format!("{tower}.encoder.layers.{i}");
            for p in ["q_proj", "k_proj", "v_proj", "out_proj"] {
                tensors.insert(
                    format!("{l}.self_attn.{p}.weight"),
                    random(&[h, h], &device)?,
                );
                tensors.insert(format!("{l}.self_attn.{p}.bias"), zeros(h)?);
            }
            for n in ["layer_norm1", "layer_norm2"] {
                tensors.insert(format!("{l}.{n}.weight"), ones(h)?);
                tensors.insert(format!("{l}.{n}.bias"), zeros(h)?);
            }
            tensors.insert(format!("{l}.mlp.fc1.weight"), random(&[inner, h], &device)?);
            tensors.insert(format!("{l}.mlp.fc1.bias"), zeros(inner)?);
            tensors.insert(format!("{l}.mlp.fc2.weight"), random(&[h, inner], &device)?);
            tensors.insert(format!("{l}.mlp.fc2.bias"), zeros(h)?);
        }
    }
    let (vh, th) = (VISION.0, TEXT.0);
    let grid = IMAGE / PATCH;
    let v = "vision_model";
    tensors.insert(
        format!("{v}.embeddings.class_embedding"),
        random(&[vh], &device)?,
    );
    tensors.insert(
        format!("{v}.embeddings.patch_embedding.weight"),
        random(&[vh, 3, PATCH, PATCH], &device)?,
    );
    tensors.insert(
        format!("{v}.embeddings.position_embedding.weight"),
        random(&[grid * grid + 1, vh], &device)?,
    );
    for n in ["pre_layrnorm", "post_layernorm"] {
        tensors.insert(format!("{v}.{n}.weight"), ones(vh)?);
        tensors.insert(format!("{v}.{n}.bias"), zeros(vh)?);
    }
    tensors.insert(
        "visual_projection.weight".into(),
        random(&[PROJECTION, vh], &device)?,
    );
    let t = "text_model";
    tensors.insert(
        format!("{t}.embeddings.token_embedding.weight"),
        random(&[VOCAB, th], &device)?,
    );
    tensors.insert(
        format!("{t}.embeddings.position_embedding.weight"),
        random(&[77, th], &device)?,
    );
    tensors.insert(format!("{t}.final_layer_norm.weight"), ones(th)?);
    tensors.insert(format!("{t}.final_layer_norm.bias"), zeros(th)?);
    tensors.insert(
        "text_projection.weight".into(),
        random(&[PROJECTION, th], &device)?,
    );
    tensors.insert("logit_scale".into(), Tensor::new(2.6592f32, &device)?);
    candle_core::safetensors::save(&tensors, dir.join("model.safetensors"))?;
    let tower = |(h, layers, inner): (usize, usize, usize)| {
        serde_json::json!({"hidden_size": h, "num_hidden_layers": layers, "intermediate_size": inner,
            "num_attention_heads": h / 64, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5})
    };
    let mut text = tower(TEXT);
    text["vocab_size"] = VOCAB.into();
    text["max_position_embeddings"] = 77.into();
    text["eos_token_id"] = 49407.into();
    let mut vision = tower(VISION);
    vision["image_size"] = IMAGE.into();
    vision["patch_size"] = PATCH.into();
    let config = serde_json::json!({"model_type": "clip", "projection_dim": PROJECTION,
        "text_config": text, "vision_config": vision});
    std::fs::write(
        dir.join("config.json"),
        serde_json::to_string_pretty(&config)?,
    )?;
    let pre = serde_json::json!({"crop_size": {"height": IMAGE, "width": IMAGE}, "do_center_crop": true,
        "do_convert_rgb": true, "do_normalize": true, "do_rescale": true, "do_resize": true,
        "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
        "resample": 3, "rescale_factor": 1.0 / 255.0, "size": {"shortest_edge": IMAGE}});
    std::fs::write(
        dir.join("preprocessor_config.json"),
        serde_json::to_string_pretty(&pre)?,
    )?;
    let demo = iris_clip::resolve(iris_clip::DEMO_MODEL, false)?;
    std::fs::copy(&demo.tokenizer, dir.join("tokenizer.json"))?;
    Ok(())
}

/// A 4000 x 3000 JPEG with photo-like detail (gradients and texture), quality 90.
fn write_photo(path: &Path) -> Result<()> {
    let image = image::RgbImage::from_fn(4000, 3000, |x, y| {
        let n = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) % 37;
        image::Rgb([
            (x / 16 % 256) as u8,
            (y / 12 % 256) as u8,
            (((x + y) / 28) as u8).wrapping_add(n as u8),
        ])
    });
    image.save_with_format(path, image::ImageFormat::Jpeg)?;
    Ok(())
}

fn median_ms(runs: usize, mut f: impl FnMut() -> Result<()>) -> Result<f64> {
    f()?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f()?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

pub fn bench_explain(args: &BenchExplainArgs) -> Result<()> {
    if !args.model_dir.join("model.safetensors").is_file() {
        write_model(&args.model_dir).context("cannot write the random ViT-B/32 model")?;
    }
    let work = tempfile::tempdir()?;
    let photo = work.path().join("photo-12mp.jpg");
    write_photo(&photo)?;
    let clip = iris_clip::Clip::load_dir(&args.model_dir)?;
    let library = Library::open(&work.path().join("library"), clip, "b32-random")?;
    let path = photo.to_string_lossy().into_owned();
    // The app's case: the search has just embedded the query, the model keeps its last texts.
    let query = Query::from_text("a dog asleep on a sofa")?;
    let toggle = median_ms(args.runs, || {
        let patches = library.photo_patches(&path)?;
        library.explain_patches(&patches, &query)?;
        Ok(())
    })?;
    let mut fresh = 0;
    let mut unseen = || {
        fresh += 1;
        Query::from_text(&format!("kids on a beach at dusk number {fresh}"))
    };
    let toggle_unseen_query = median_ms(args.runs, || {
        let patches = library.photo_patches(&path)?;
        library.explain_patches(&patches, &unseen()?)?;
        Ok(())
    })?;
    let patches = library.photo_patches(&path)?;
    let requery = median_ms(args.runs, || {
        library.explain_patches(&patches, &unseen()?)?;
        Ok(())
    })?;
    let clip = library.clip();
    let bytes = std::fs::read(&photo)?;
    let decode = || {
        iris_core::photo::decode_view(&bytes, &photo, clip.preprocessor())
            .map_err(anyhow::Error::msg)
    };
    let embed = median_ms(args.runs, || {
        let pixels =
            iris_core::photo::decode_query(&std::fs::read(&photo)?, &photo, clip.preprocessor())
                .map_err(anyhow::Error::msg)?;
        clip.embed_pixels(&[pixels])?;
        Ok(())
    })?;
    let decode_ms = median_ms(args.runs, || decode().map(|_| ()))?;
    let pixels = clip.preprocessor().pixels(&decode()?);
    let vision_ms = median_ms(args.runs, || {
        clip.embed_patches(&pixels)?;
        Ok(())
    })?;
    let mut n = 0;
    let text_ms = median_ms(args.runs, || {
        n += 1;
        clip.embed_texts(&[format!("a dog asleep on a sofa number {n}")])?;
        Ok(())
    })?;
    println!(
        "{}",
        serde_json::json!({
            "photo": "4000x3000 JPEG", "model": "ViT-B/32 shape, random weights",
            "threads": rayon::current_num_threads(),
            "toggle_to_grid_ms": toggle, "toggle_with_an_unseen_query_ms": toggle_unseen_query,
            "new_query_same_photo_ms": requery,
            "baseline_decode_and_embed_ms": embed, "ratio_to_baseline": toggle / embed,
            "parts_ms": {"decode": decode_ms, "vision_with_dense_last_block": vision_ms, "text": text_ms},
        })
    );
    Ok(())
}
