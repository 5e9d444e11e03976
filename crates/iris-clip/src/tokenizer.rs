//! The text tokenizer of a model: CLIP's BPE from tokenizer.json, a BERT WordPiece (Chinese-CLIP)
//! from tokenizer.json or from a plain vocab.txt (what the OFA-Sys repositories ship), or
//! SigLIP's from tokenizer.json. Start and end tokens are added and sequences truncated to the
//! model's context length so that the end token is always kept; only SigLIP's are padded (to
//! that length, as it was trained).

use crate::config::{Family, TextConfig};
use crate::error::{ClipError, Result};
use std::path::{Path, PathBuf};
use tokenizers::models::wordpiece::WordPiece;
use tokenizers::normalizers::bert::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::processors::bert::BertProcessing;
use tokenizers::{
    AddedToken, Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy,
};

/// Where the text tower reads a sequence's vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pooling {
    /// At the first end-of-text token (CLIP).
    EndOfText(u32),
    /// At the first token, `[CLS]` (BERT).
    First,
    /// At the last position of the padded sequence (SigLIP).
    Last,
}

/// Turns text into token ids and knows where each sequence must be pooled.
pub struct ClipTokenizer {
    inner: Tokenizer,
    pooling: Pooling,
    /// Every sequence padded to this length with this id (SigLIP).
    pad_to: Option<(usize, u32)>,
    path: PathBuf,
}

impl ClipTokenizer {
    /// Loads a CLIP tokenizer.json; `context` is the model's `max_position_embeddings` and
    /// `eos_token_id` the configured end token (transformers' legacy value 2 means "the
    /// tokenizer's `<|endoftext|>`").
    pub fn from_file(path: &Path, context: usize, eos_token_id: Option<u32>) -> Result<Self> {
        let err = |m: String| ClipError::model(path, m);
        let inner = read_json(path)?;
        let end_of_text = match eos_token_id {
            Some(id) if id != 2 => id,
            _ => inner
                .token_to_id("<|endoftext|>")
                .ok_or_else(|| err("has no `<|endoftext|>` token".into()))?,
        };
        Self::finish(inner, Pooling::EndOfText(end_of_text), path, context)
    }

    /// Loads the tokenizer of a model of `family` with text tower `text` from tokenizer.json, or
    /// for a BERT text tower also from vocab.txt, lowercasing as tokenizer_config.json's
    /// `do_lower_case` says (true when absent, as for every Chinese-CLIP release).
    pub fn for_family(family: Family, path: &Path, text: &TextConfig) -> Result<Self> {
        let context = text.max_position_embeddings;
        match family {
            Family::Clip => Self::from_file(path, context, text.eos_token_id),
            Family::Siglip => {
                let mut tokenizer = Self::finish(read_json(path)?, Pooling::Last, path, context)?;
                tokenizer.pad_to = Some((context, text.pad_token_id));
                Ok(tokenizer)
            }
            Family::ChineseClip => {
                let is_vocab = path.extension().is_some_and(|e| e == "txt");
                let inner = if is_vocab {
                    wordpiece_from_vocab(path, lowercase_setting(path))?
                } else {
                    read_json(path)?
                };
                Self::finish(inner, Pooling::First, path, context)
            }
        }
    }

    fn finish(mut inner: Tokenizer, pooling: Pooling, path: &Path, context: usize) -> Result<Self> {
        inner
            .with_truncation(Some(TruncationParams {
                max_length: context,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
                direction: TruncationDirection::Right,
            }))
            .map_err(|e| {
                ClipError::model(path, format!("cannot truncate to {context} tokens: {e}"))
            })?;
        inner.with_padding(None);
        Ok(Self {
            inner,
            pooling,
            pad_to: None,
            path: path.to_path_buf(),
        })
    }

    /// Token ids of one text, start and end tokens included (and padding, for SigLIP).
    pub fn encode(&self, text: &str) -> Result<Vec<u32>> {
        let encoding = self
            .inner
            .encode(text, true)
            .map_err(|e| ClipError::model(&self.path, format!("cannot tokenize {text:?}: {e}")))?;
        let mut ids = encoding.get_ids().to_vec();
        if let Some((length, pad)) = self.pad_to {
            ids.resize(length, pad);
        }
        Ok(ids)
    }

    /// Where the text tower pools: the first end-of-text token (the last position when there is
    /// none) for CLIP, the first token for BERT.
    pub fn pool_position(&self, ids: &[u32]) -> usize {
        match self.pooling {
            Pooling::EndOfText(end) => ids
                .iter()
                .position(|&id| id == end)
                .unwrap_or(ids.len().saturating_sub(1)),
            Pooling::First => 0,
            Pooling::Last => ids.len().saturating_sub(1),
        }
    }

    /// The id used to pad CLIP batches (any id works: the causal mask hides what follows the
    /// pool). BERT batches are never padded (they are grouped by length), SigLIP's always are.
    pub fn pad_id(&self) -> u32 {
        match (self.pooling, self.pad_to) {
            (Pooling::EndOfText(end), _) => end,
            (_, Some((_, pad))) => pad,
            _ => 0,
        }
    }
}

fn read_json(path: &Path) -> Result<Tokenizer> {
    if !path.is_file() {
        return Err(ClipError::model(path, "is missing"));
    }
    Tokenizer::from_file(path).map_err(|e| ClipError::model(path, format!("is invalid: {e}")))
}

/// `do_lower_case` of the tokenizer_config.json beside `vocab`; true when it is absent.
fn lowercase_setting(vocab: &Path) -> bool {
    let config = vocab.with_file_name("tokenizer_config.json");
    std::fs::read_to_string(config)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|v| v.get("do_lower_case").and_then(serde_json::Value::as_bool))
        .unwrap_or(true)
}

/// transformers' BertTokenizer from a vocab.txt: cleaned text, CJK characters split apart,
/// accents stripped when lowercasing, WordPiece with `##` continuations, `[CLS] ... [SEP]`, and
/// special tokens typed in the text (`[SEP]`, `[MASK]`, ...) read as themselves.
fn wordpiece_from_vocab(path: &Path, lowercase: bool) -> Result<Tokenizer> {
    let err = |m: String| ClipError::model(path, m);
    if !path.is_file() {
        return Err(err("is missing".into()));
    }
    let model = WordPiece::from_file(&path.to_string_lossy())
        .unk_token("[UNK]".into())
        .continuing_subword_prefix("##".into())
        .max_input_chars_per_word(100)
        .build()
        .map_err(|e| err(format!("is not a WordPiece vocabulary: {e}")))?;
    let id = |token: &str| {
        tokenizers::Model::token_to_id(&model, token)
            .ok_or_else(|| err(format!("has no `{token}` token")))
    };
    let (cls, sep) = (id("[CLS]")?, id("[SEP]")?);
    id("[UNK]")?;
    let specials: Vec<AddedToken> = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        .into_iter()
        .filter(|t| id(t).is_ok())
        .map(|t| AddedToken::from(t, true))
        .collect();
    let mut tokenizer = Tokenizer::new(model);
    tokenizer.add_special_tokens(&specials);
    tokenizer
        .with_normalizer(Some(BertNormalizer::new(true, true, None, lowercase)))
        .with_pre_tokenizer(Some(BertPreTokenizer))
        .with_post_processor(Some(BertProcessing::new(
            ("[SEP]".into(), sep),
            ("[CLS]".into(), cls),
        )));
    Ok(tokenizer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_config(context: usize) -> TextConfig {
        let json = format!(
            r#"{{"model_type": "chinese_clip", "text_config": {{"max_position_embeddings": {context}}},
                "vision_config": {{}}}}"#
        );
        crate::config::ClipConfig::from_json("config.json".as_ref(), &json)
            .unwrap()
            .text
    }

    fn vocab(dir: &Path, lines: &[&str]) -> PathBuf {
        let path = dir.join("vocab.txt");
        std::fs::write(&path, lines.join("\n")).unwrap();
        path
    }

    #[test]
    fn a_vocab_txt_tokenizes_like_bert() {
        let dir = tempfile::tempdir().unwrap();
        let path = vocab(
            dir.path(),
            &[
                "[PAD]", "[UNK]", "[CLS]", "[SEP]", "dog", "##s", "海", "边", "cafe", ",",
            ],
        );
        let t = ClipTokenizer::for_family(Family::ChineseClip, &path, &text_config(8)).unwrap();
        assert_eq!(t.encode("海边 Dogs").unwrap(), vec![2, 6, 7, 4, 5, 3]);
        assert_eq!(t.encode("Café, 🐶").unwrap(), vec![2, 8, 9, 1, 3]);
        assert_eq!(t.encode("dog[SEP]海").unwrap(), vec![2, 4, 3, 6, 3]);
        let long = t.encode(&"dog ".repeat(20)).unwrap();
        assert_eq!(long.len(), 8);
        assert_eq!((long[0], long[7]), (2, 3), "{long:?}");
        assert_eq!(t.pool_position(&long), 0);
    }

    #[test]
    fn tokenizer_config_can_keep_case() {
        let dir = tempfile::tempdir().unwrap();
        let path = vocab(dir.path(), &["[UNK]", "[CLS]", "[SEP]", "dog", "Dog"]);
        std::fs::write(
            dir.path().join("tokenizer_config.json"),
            r#"{"do_lower_case": false}"#,
        )
        .unwrap();
        let t = ClipTokenizer::for_family(Family::ChineseClip, &path, &text_config(8)).unwrap();
        assert_eq!(t.encode("Dog dog").unwrap(), vec![1, 4, 3, 2]);
    }

    #[test]
    fn a_vocab_without_special_tokens_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = vocab(dir.path(), &["[UNK]", "dog"]);
        let e = ClipTokenizer::for_family(Family::ChineseClip, &path, &text_config(8))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("has no `[CLS]` token"), "{e}");
    }
}
