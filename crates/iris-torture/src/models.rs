//! Case 11, bad models: copies of the demo model's folder broken one way each (weights cut
//! short or empty, a tokenizer or preprocessor file missing, config.json not JSON, tensor
//! shapes that disagree with the config, absurd sizes such as a hidden size of 10^9, zero
//! attention heads, a million layers). Loading each, and a first text and image embedding
//! where it loads, must give a clear error naming the file at fault: no panic, and no
//! allocation of more than 256 MiB on the way.

use crate::memory::{mib, peak_bytes, reset_peak};
use crate::promise::{panic_count, panic_messages};
use crate::Problems;
use iris_clip::{Clip, ModelFiles};
use serde_json::Value;
use std::path::Path;

/// How much more than its resting memory loading a broken model may take.
const ALLOWED_GROWTH: u64 = 256 << 20;

/// One way to break a model folder, and the file its error must name.
struct Breakage {
    name: &'static str,
    blames: &'static str,
    apply: fn(&Path) -> std::io::Result<()>,
}

fn cut_weights(dir: &Path, keep: fn(usize) -> usize) -> std::io::Result<()> {
    let path = dir.join("model.safetensors");
    let bytes = std::fs::read(&path)?;
    std::fs::write(&path, &bytes[..keep(bytes.len())])
}

/// Sets `section.key` of config.json (`section` "" for the top level).
fn set_config(dir: &Path, section: &str, key: &str, value: Value) -> std::io::Result<()> {
    let path = dir.join("config.json");
    let mut config: Value =
        serde_json::from_slice(&std::fs::read(&path)?).map_err(std::io::Error::other)?;
    let target = if section.is_empty() {
        &mut config
    } else {
        &mut config[section]
    };
    target[key] = value;
    std::fs::write(&path, config.to_string())
}

const BREAKAGES: [Breakage; 13] = [
    Breakage {
        name: "weights cut to 10 bytes",
        blames: "model.safetensors",
        apply: |d| cut_weights(d, |_| 10),
    },
    Breakage {
        name: "weights cut in half",
        blames: "model.safetensors",
        apply: |d| cut_weights(d, |n| n / 2),
    },
    Breakage {
        name: "weights empty",
        blames: "model.safetensors",
        apply: |d| cut_weights(d, |_| 0),
    },
    Breakage {
        name: "tokenizer missing",
        blames: "tokenizer.json",
        apply: |d| std::fs::remove_file(d.join("tokenizer.json")),
    },
    Breakage {
        name: "preprocessor missing",
        blames: "preprocessor_config.json",
        apply: |d| std::fs::remove_file(d.join("preprocessor_config.json")),
    },
    Breakage {
        name: "config not JSON",
        blames: "config.json",
        apply: |d| std::fs::write(d.join("config.json"), "{\"vision_config\": {"),
    },
    Breakage {
        name: "vision hidden size 96 (weights are 64)",
        blames: "model.safetensors",
        apply: |d| set_config(d, "vision_config", "hidden_size", 96.into()),
    },
    Breakage {
        name: "vision hidden size 10^9",
        blames: "",
        apply: |d| set_config(d, "vision_config", "hidden_size", 1_000_000_000.into()),
    },
    Breakage {
        name: "text hidden size 10^9",
        blames: "",
        apply: |d| set_config(d, "text_config", "hidden_size", 1_000_000_000.into()),
    },
    Breakage {
        name: "vision intermediate size 10^9",
        blames: "",
        apply: |d| {
            set_config(
                d,
                "vision_config",
                "intermediate_size",
                1_000_000_000.into(),
            )
        },
    },
    Breakage {
        name: "zero attention heads",
        blames: "config.json",
        apply: |d| set_config(d, "vision_config", "num_attention_heads", 0.into()),
    },
    Breakage {
        name: "a million vision layers",
        blames: "",
        apply: |d| set_config(d, "vision_config", "num_hidden_layers", 1_000_000.into()),
    },
    Breakage {
        name: "projection dim 10^9",
        blames: "",
        apply: |d| set_config(d, "", "projection_dim", 1_000_000_000.into()),
    },
];

/// Loads a model folder and embeds one text and one blank image; the first error.
fn load_and_use(dir: &Path) -> Result<(), String> {
    let clip = Clip::load(&ModelFiles::in_folder(dir)).map_err(|e| e.to_string())?;
    clip.embed_texts(&["a photo of a dog"])
        .map_err(|e| e.to_string())?;
    let blank = image::RgbImage::new(64, 64);
    clip.embed_images(&[blank]).map_err(|e| e.to_string())?;
    Ok(())
}

pub fn run(work: &Path) -> Result<Problems, String> {
    let demo = iris_clip::resolve(iris_clip::DEMO_MODEL, false).map_err(|e| e.to_string())?;
    load_and_use(demo.config.parent().unwrap_or(Path::new(".")))
        .map_err(|e| format!("the intact demo model does not load: {e}"))?;
    let mut problems = Vec::new();
    for (i, breakage) in BREAKAGES.iter().enumerate() {
        let dir = work.join(format!("model-{i}"));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        for file in [
            &demo.config,
            &demo.tokenizer,
            &demo.preprocessor,
            &demo.weights,
        ] {
            let name = file.file_name().unwrap_or_default();
            std::fs::copy(file, dir.join(name)).map_err(|e| format!("{}: {e}", file.display()))?;
        }
        (breakage.apply)(&dir).map_err(|e| format!("{}: {e}", breakage.name))?;
        reset_peak();
        let resting = peak_bytes().unwrap_or(0);
        let panics = panic_count();
        let outcome = std::panic::catch_unwind(|| load_and_use(&dir));
        let growth = peak_bytes().unwrap_or(0).saturating_sub(resting);
        let what = breakage.name;
        match outcome {
            Err(_) => problems.push(format!("{what}: panicked: {:?}", panic_messages())),
            Ok(Ok(())) => problems.push(format!("{what}: loaded and embedded without an error")),
            Ok(Err(message)) => {
                println!("  {what}: {message} (+{:.0} MiB)", mib(growth));
                if !names_the_file(&message, breakage.blames) {
                    problems.push(format!(
                        "{what}: the error does not name the file at fault: {message}"
                    ));
                }
                if panic_count() > panics {
                    problems.push(format!(
                        "{what}: a panic was caught on the way: {:?}",
                        panic_messages()
                    ));
                }
            }
        }
        if growth > ALLOWED_GROWTH {
            problems.push(format!(
                "{what}: took {:.0} MiB more than at rest (allowed {:.0})",
                mib(growth),
                mib(ALLOWED_GROWTH)
            ));
        }
    }
    Ok(problems)
}

/// Whether an error names the file at fault: `blames` when given, else any model file.
fn names_the_file(message: &str, blames: &str) -> bool {
    let files = [
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "preprocessor_config.json",
    ];
    if blames.is_empty() {
        files.iter().any(|f| message.contains(f))
    } else {
        message.contains(blames)
    }
}
