//! The CLIP tokenizer from tokenizer.json: start and end tokens added, truncated to the
//! model's context length so that the end-of-text token is always kept, never padded.

use crate::error::{ClipError, Result};
use std::path::{Path, PathBuf};
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

/// Turns text into token ids and knows where each sequence must be pooled.
pub struct ClipTokenizer {
    inner: Tokenizer,
    end_of_text: u32,
    path: PathBuf,
}

impl ClipTokenizer {
    /// Loads tokenizer.json; `context` is the model's `max_position_embeddings` and
    /// `eos_token_id` the configured end token (transformers' legacy value 2 means "the
    /// tokenizer's `<|endoftext|>`").
    pub fn from_file(path: &Path, context: usize, eos_token_id: Option<u32>) -> Result<Self> {
        let err = |m: String| ClipError::model(path, m);
        if !path.is_file() {
            return Err(err("is missing".into()));
        }
        let mut inner = Tokenizer::from_file(path).map_err(|e| err(format!("is invalid: {e}")))?;
        inner
            .with_truncation(Some(TruncationParams {
                max_length: context,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
                direction: TruncationDirection::Right,
            }))
            .map_err(|e| err(format!("cannot truncate to {context} tokens: {e}")))?;
        inner.with_padding(None);
        let end_of_text = match eos_token_id {
            Some(id) if id != 2 => id,
            _ => inner
                .token_to_id("<|endoftext|>")
                .ok_or_else(|| err("has no `<|endoftext|>` token".into()))?,
        };
        Ok(Self {
            inner,
            end_of_text,
            path: path.to_path_buf(),
        })
    }

    /// Token ids of one text, start and end tokens included.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>> {
        let encoding = self
            .inner
            .encode(text, true)
            .map_err(|e| ClipError::model(&self.path, format!("cannot tokenize {text:?}: {e}")))?;
        Ok(encoding.get_ids().to_vec())
    }

    /// Position of the first end-of-text token, where the text tower pools; the last
    /// position when there is none.
    pub fn pool_position(&self, ids: &[u32]) -> usize {
        ids.iter()
            .position(|&id| id == self.end_of_text)
            .unwrap_or(ids.len().saturating_sub(1))
    }

    /// The id used to pad batches (any id works: the causal mask hides what follows the pool).
    pub fn pad_id(&self) -> u32 {
        self.end_of_text
    }
}
