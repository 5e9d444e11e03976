//! A safetensors file read one tensor at a time, as candle's `VarBuilder` asks for them.
//! candle's own loader maps the whole file, and every page a tensor is copied out of stays
//! in the process's resident memory until the mapping goes at the end of the load: loading
//! ViT-B/32's vision tower held its 351 MB twice (the mapped pages and the copies). Read
//! tensor by tensor, a load holds the copies and one tensor's bytes. Reads are positional
//! (no shared file position), so the layers that load in parallel read in parallel, and f32
//! tensors are read straight into their values (no byte buffer copied after).

use candle_core::{DType, Device, Shape, Tensor};
use candle_nn::var_builder::SimpleBackend;
use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The longest header read (the format's own limit is 100 MB).
const MAX_HEADER: u64 = 100_000_000;

struct Entry {
    dtype: DType,
    shape: Vec<usize>,
    /// Byte range in the file.
    start: u64,
    end: u64,
}

/// An open safetensors file and its header.
pub(crate) struct SafetensorsFile {
    file: File,
    tensors: HashMap<String, Entry>,
}

fn error(message: String) -> candle_core::Error {
    candle_core::Error::Msg(message)
}

fn dtype(name: &str) -> candle_core::Result<DType> {
    Ok(match name {
        "F32" => DType::F32,
        "F16" => DType::F16,
        "BF16" => DType::BF16,
        "F64" => DType::F64,
        "I64" => DType::I64,
        "U32" => DType::U32,
        "U8" => DType::U8,
        other => return Err(error(format!("tensors of dtype {other} are not supported"))),
    })
}

impl SafetensorsFile {
    /// Opens `path` and reads its header (every tensor's dtype, shape and place).
    pub(crate) fn open(path: &Path) -> candle_core::Result<Self> {
        let mut file = File::open(path)?;
        let size = file.metadata()?.len();
        let mut length = [0u8; 8];
        file.read_exact(&mut length)
            .map_err(|_| error("too short for a safetensors file".into()))?;
        let length = u64::from_le_bytes(length);
        if length > MAX_HEADER || 8 + length > size {
            return Err(error(format!(
                "a safetensors header of {length} bytes in a file of {size}"
            )));
        }
        let mut header = vec![0u8; length as usize];
        file.read_exact(&mut header)?;
        let header: HashMap<String, serde_json::Value> = serde_json::from_slice(&header)
            .map_err(|e| error(format!("the safetensors header is not JSON: {e}")))?;
        let data_start = 8 + length;
        let mut tensors = HashMap::new();
        for (name, info) in header {
            if name == "__metadata__" {
                continue;
            }
            let bad = || error(format!("tensor {name}: its header entry is malformed"));
            let dtype = dtype(info["dtype"].as_str().ok_or_else(bad)?)?;
            let shape: Vec<usize> = info["shape"]
                .as_array()
                .ok_or_else(bad)?
                .iter()
                .map(|d| d.as_u64().map(|d| d as usize).ok_or_else(bad))
                .collect::<candle_core::Result<_>>()?;
            let offsets = info["data_offsets"].as_array().ok_or_else(bad)?;
            let (Some(start), Some(end)) = (
                offsets.first().and_then(serde_json::Value::as_u64),
                offsets.get(1).and_then(serde_json::Value::as_u64),
            ) else {
                return Err(bad());
            };
            let elements = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
            let bytes = elements.and_then(|n| n.checked_mul(dtype.size_in_bytes()));
            if start > end || bytes != Some((end - start) as usize) || data_start + end > size {
                return Err(error(format!(
                    "tensor {name}: bytes {start}..{end} do not hold its {shape:?} {dtype:?} \
                     in a file of {size}"
                )));
            }
            let (start, end) = (data_start + start, data_start + end);
            tensors.insert(
                name,
                Entry {
                    dtype,
                    shape,
                    start,
                    end,
                },
            );
        }
        Ok(Self { file, tensors })
    }

    /// The tensor `name` as stored, read from the file.
    fn read(&self, name: &str, device: &Device) -> candle_core::Result<Tensor> {
        let entry = self
            .tensors
            .get(name)
            .ok_or_else(|| candle_core::Error::CannotFindTensor {
                path: name.to_string(),
            })?;
        let length = (entry.end - entry.start) as usize;
        if entry.dtype == DType::F32 && cfg!(target_endian = "little") {
            let mut values = vec![0f32; length / 4];
            read_at(
                &self.file,
                bytemuck::cast_slice_mut(&mut values),
                entry.start,
            )?;
            return Tensor::from_vec(values, entry.shape.as_slice(), device);
        }
        let mut bytes = vec![0u8; length];
        read_at(&self.file, &mut bytes, entry.start)?;
        Tensor::from_raw_buffer(&bytes, entry.dtype, &entry.shape, device)
    }
}

/// Fills `buffer` from `file` at `offset`, leaving the file's position alone.
#[cfg(unix)]
pub(crate) fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

/// Fills `buffer` from `file` at `offset` (Windows moves the position; nothing relies on it).
#[cfg(windows)]
pub(crate) fn read_at(file: &File, mut buffer: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buffer.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buffer, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buffer = &mut buffer[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

impl SimpleBackend for SafetensorsFile {
    fn get(
        &self,
        shape: Shape,
        name: &str,
        _: candle_nn::Init,
        dtype: DType,
        device: &Device,
    ) -> candle_core::Result<Tensor> {
        let tensor = self.get_unchecked(name, dtype, device)?;
        if tensor.shape() != &shape {
            return Err(candle_core::Error::UnexpectedShape {
                msg: format!("shape mismatch for {name}"),
                expected: shape,
                got: tensor.shape().clone(),
            });
        }
        Ok(tensor)
    }

    fn get_unchecked(
        &self,
        name: &str,
        dtype: DType,
        device: &Device,
    ) -> candle_core::Result<Tensor> {
        self.read(name, device)?.to_dtype(dtype)
    }

    fn contains_tensor(&self, name: &str) -> bool {
        self.tensors.contains_key(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_weights() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-clip/model.safetensors")
    }

    #[test]
    fn every_tensor_reads_as_candle_reads_it_from_the_mapped_file() {
        let path = tiny_weights();
        let file = SafetensorsFile::open(&path).unwrap();
        let mapped = candle_core::safetensors::load(&path, &Device::Cpu).unwrap();
        assert_eq!(file.tensors.len(), mapped.len());
        for (name, want) in &mapped {
            let got = file.read(name, &Device::Cpu).unwrap();
            assert_eq!(got.dtype(), want.dtype(), "{name}");
            assert_eq!(got.shape(), want.shape(), "{name}");
            let (got, want) = (
                got.to_dtype(DType::F32)
                    .unwrap()
                    .flatten_all()
                    .unwrap()
                    .to_vec1::<f32>()
                    .unwrap(),
                want.to_dtype(DType::F32)
                    .unwrap()
                    .flatten_all()
                    .unwrap()
                    .to_vec1::<f32>()
                    .unwrap(),
            );
            assert_eq!(got, want, "{name}");
        }
        let missing = file.read("no.such.tensor", &Device::Cpu).unwrap_err();
        assert!(missing.to_string().contains("no.such.tensor"), "{missing}");
    }

    #[test]
    fn a_cut_or_garbled_file_is_an_error_naming_what_is_wrong() {
        let bytes = std::fs::read(tiny_weights()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.safetensors");
        for (cut, words) in [
            (bytes[..4].to_vec(), "too short"),
            (bytes[..bytes.len() / 2].to_vec(), "do not hold"),
            (
                [&u64::MAX.to_le_bytes()[..], &bytes[8..]].concat(),
                "header of",
            ),
            (
                [&bytes[..8], &vec![b'x'; bytes.len() - 8][..]].concat(),
                "not JSON",
            ),
        ] {
            std::fs::write(&path, cut).unwrap();
            let message = SafetensorsFile::open(&path).err().unwrap().to_string();
            assert!(message.contains(words), "{words}: {message}");
        }
    }
}
