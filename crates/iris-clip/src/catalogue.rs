//! The models Iris knows by name: the built-in demo model and the published checkpoints of the
//! families it runs, with what a person choosing one wants to know (embedding width, languages,
//! download size, a published zero-shot figure and where it comes from). Any other repo id or
//! folder still loads when its config.json names a supported family.

use crate::config::Family;

/// A published zero-shot figure and its source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZeroShot {
    /// What was measured, e.g. "ImageNet zero-shot top-1 (%)".
    pub benchmark: &'static str,
    pub value: f32,
    pub source: &'static str,
}

/// One model Iris knows by name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KnownModel {
    /// The spec that selects it: a Hugging Face repo id, or "demo".
    pub id: &'static str,
    pub family: Family,
    /// The vision architecture, e.g. "ViT-B/32".
    pub architecture: &'static str,
    /// Embedding width.
    pub dim: usize,
    /// Languages its text tower was trained on (ISO 639-1).
    pub languages: &'static [&'static str],
    /// Size of its files, approximate (the weights' parameter count in f32).
    pub download_bytes: u64,
    /// None where no figure for this checkpoint alone was found to cite.
    pub zero_shot: Option<ZeroShot>,
}

const CLIP_PAPER: &str = "Radford et al. 2021, Learning Transferable Visual Models From Natural \
     Language Supervision (arXiv:2103.00020)";
const SIGLIP2_PAPER: &str = "Tschannen et al. 2025, SigLIP 2: Multilingual Vision-Language \
     Encoders (arXiv:2502.14786)";
const OPEN_CLIP: &str = "OpenCLIP pretrained model results (github.com/mlfoundations/open_clip)";

const fn imagenet(value: f32, source: &'static str) -> Option<ZeroShot> {
    Some(ZeroShot {
        benchmark: "ImageNet zero-shot top-1 (%)",
        value,
        source,
    })
}

const MB: u64 = 1_000_000;

/// The models Iris knows by name, the default first after the demo model.
pub const KNOWN_MODELS: &[KnownModel] = &[
    KnownModel {
        id: crate::demo::DEMO_MODEL,
        family: Family::Clip,
        architecture: "ViT (demo: coloured shapes only)",
        dim: 64,
        languages: &["en"],
        download_bytes: 0,
        zero_shot: None,
    },
    KnownModel {
        id: "openai/clip-vit-base-patch32",
        family: Family::Clip,
        architecture: "ViT-B/32",
        dim: 512,
        languages: &["en"],
        download_bytes: 605 * MB,
        zero_shot: imagenet(63.2, CLIP_PAPER),
    },
    KnownModel {
        id: "openai/clip-vit-base-patch16",
        family: Family::Clip,
        architecture: "ViT-B/16",
        dim: 512,
        languages: &["en"],
        download_bytes: 599 * MB,
        zero_shot: imagenet(68.6, CLIP_PAPER),
    },
    KnownModel {
        id: "openai/clip-vit-large-patch14",
        family: Family::Clip,
        architecture: "ViT-L/14",
        dim: 768,
        languages: &["en"],
        download_bytes: 1_710 * MB,
        zero_shot: imagenet(75.3, CLIP_PAPER),
    },
    KnownModel {
        id: "openai/clip-vit-large-patch14-336",
        family: Family::Clip,
        architecture: "ViT-L/14 at 336 px",
        dim: 768,
        languages: &["en"],
        download_bytes: 1_710 * MB,
        zero_shot: imagenet(76.2, CLIP_PAPER),
    },
    KnownModel {
        id: "laion/CLIP-ViT-B-32-laion2B-s34B-b79K",
        family: Family::Clip,
        architecture: "ViT-B/32 (LAION-2B, gelu)",
        dim: 512,
        languages: &["en"],
        download_bytes: 605 * MB,
        zero_shot: imagenet(66.6, OPEN_CLIP),
    },
    KnownModel {
        id: "laion/CLIP-ViT-L-14-laion2B-s32B-b82K",
        family: Family::Clip,
        architecture: "ViT-L/14 (LAION-2B, gelu)",
        dim: 768,
        languages: &["en"],
        download_bytes: 1_710 * MB,
        zero_shot: imagenet(75.3, OPEN_CLIP),
    },
    KnownModel {
        id: "google/siglip2-base-patch16-224",
        family: Family::Siglip,
        architecture: "ViT-B/16, sigmoid loss, multilingual",
        dim: 768,
        // Trained on multilingual WebLI with the Gemma tokenizer.
        languages: &["en", "zh", "ja", "ko"],
        download_bytes: 1_500 * MB,
        zero_shot: imagenet(78.2, SIGLIP2_PAPER),
    },
    KnownModel {
        id: "OFA-Sys/chinese-clip-vit-base-patch16",
        family: Family::ChineseClip,
        architecture: "ViT-B/16 + RoBERTa-wwm-base",
        dim: 512,
        languages: &["zh"],
        download_bytes: 752 * MB,
        zero_shot: None,
    },
    KnownModel {
        id: "OFA-Sys/chinese-clip-vit-large-patch14",
        family: Family::ChineseClip,
        architecture: "ViT-L/14 + RoBERTa-wwm-base",
        dim: 768,
        languages: &["zh"],
        download_bytes: 1_624 * MB,
        zero_shot: None,
    },
];

/// The known model selected by `spec`, if any.
pub fn known_model(spec: &str) -> Option<&'static KnownModel> {
    KNOWN_MODELS.iter().find(|m| m.id == spec)
}

impl Family {
    /// The languages a model of this family understands when nothing more is known of it.
    pub fn languages(self) -> &'static [&'static str] {
        match self {
            Family::Clip => &["en"],
            Family::ChineseClip => &["zh"],
            Family::Siglip => &["en"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_starts_with_demo_then_the_default_and_names_each_model_once() {
        assert_eq!(KNOWN_MODELS[0].id, crate::DEMO_MODEL);
        assert_eq!(KNOWN_MODELS[1].id, crate::DEFAULT_MODEL);
        let mut ids: Vec<&str> = KNOWN_MODELS.iter().map(|m| m.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), KNOWN_MODELS.len());
        assert!(KNOWN_MODELS
            .iter()
            .any(|m| m.family == Family::ChineseClip && m.languages.contains(&"zh")));
        assert_eq!(
            known_model("openai/clip-vit-base-patch16").unwrap().dim,
            512
        );
        assert!(known_model("someone/else").is_none());
    }

    #[test]
    fn the_demo_entry_tells_the_demo_models_width() {
        let config = include_str!("../../../assets/demo-model/config.json");
        let config = crate::config::ClipConfig::from_json("config.json".as_ref(), config).unwrap();
        assert_eq!(
            known_model(crate::DEMO_MODEL).unwrap().dim,
            config.projection_dim
        );
    }
}
