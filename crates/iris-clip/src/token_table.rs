//! A text tower's token embedding table, kept in the tensor its weights file was read into:
//! copying it into a `Vec` held two of it at once while the tower loaded (101 MB each for
//! CLIP ViT-B/32, 65 MB for Chinese-CLIP), the peak of an indexing run's memory.

use candle_core::{Result, Tensor};
use candle_nn::VarBuilder;

/// `[vocab, hidden]` f32 rows, looked up by token id.
pub(crate) struct TokenTable {
    table: Tensor,
    hidden: usize,
}

impl TokenTable {
    /// `vb`'s `weight` of `vocab` rows of `hidden` values.
    pub(crate) fn load(vb: &VarBuilder, vocab: usize, hidden: usize) -> Result<Self> {
        let table = vb.get((vocab, hidden), "weight")?.contiguous()?;
        Ok(Self { table, hidden })
    }

    /// Token ids the table has rows for.
    pub(crate) fn vocab(&self) -> usize {
        self.table.dims()[0]
    }

    /// `run` given the rows, one after another (row `id` at `id * hidden`).
    pub(crate) fn with_rows<T>(&self, run: impl FnOnce(&[f32]) -> T) -> Result<T> {
        let (storage, layout) = self.table.storage_and_layout();
        match &*storage {
            candle_core::Storage::Cpu(values) => {
                let rows = &values.as_slice::<f32>()?[layout.start_offset()..];
                Ok(run(&rows[..self.vocab() * self.hidden]))
            }
            _ => candle_core::bail!("the token embedding is not in the CPU's memory"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device};
    use std::collections::HashMap;

    #[test]
    fn rows_read_back_as_stored() {
        let values: Vec<f32> = (0..12).map(|v| v as f32 * 0.5).collect();
        let weight = Tensor::from_vec(values.clone(), (4, 3), &Device::Cpu).unwrap();
        let vb = VarBuilder::from_tensors(
            HashMap::from([("weight".to_string(), weight)]),
            DType::F32,
            &Device::Cpu,
        );
        let table = TokenTable::load(&vb, 4, 3).unwrap();
        assert_eq!(table.vocab(), 4);
        table
            .with_rows(|rows| assert_eq!(rows, &values[..]))
            .unwrap();
        assert!(
            TokenTable::load(&vb, 5, 3).is_err(),
            "a wrong shape is an error"
        );
    }
}
