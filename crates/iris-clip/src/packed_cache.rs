//! An encoder's int8 weights kept on disk once packed, so that a later load reads a quarter
//! of the bytes and quantises nothing: loading ViT-B/32 spent a third of its time in
//! [`PackedInt8::from_out_in`] and most of the rest reading the f32 matmul weights that it
//! packs (crates/iris-clip/README.md, "Load").
//!
//! One file per model, tower and kernel, in `packed-weights` under Iris's cache folder
//! (`~/.cache/iris` or `$IRIS_CACHE_DIR`), named by a hash of the weights file's path,
//! the tower and the kernel, so a model has one file per tower that a new version replaces.
//! Its header says what it was packed from: the weights file's length and modification time,
//! the tower's configuration and the kernel. A file whose header does not match, that is cut
//! short, or whose weights do not hash to what the header says is not used: the tower packs
//! from the weights file as if there were none, and writes the file again. Files are written
//! to a temporary name and renamed, so a reader never sees half a file.
//!
//! Layout: `IRISPACK`, the header's length (u64, little-endian), the header (JSON), then each
//! weight's [`PackedInt8::parts`] one after another.
//!
//! Kept: the int8 weights of the CLIP and SigLIP encoders (what runs by default on a CPU with
//! AVX2). Not kept: bf16 weights (chosen only by `IRIS_PRECISION=bf16`) and Chinese-CLIP's
//! BERT text tower (its own layers); those pack at every load.

use crate::config::TowerConfig;
use crate::int8::{Kernel, PackedInt8};
use crate::safetensors_file::read_at;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

const MAGIC: &[u8; 8] = b"IRISPACK";
/// The layout's version: a change to it, or to how [`PackedInt8`] lays out its parts, must
/// change this.
const FORMAT: u32 = 1;
/// The longest header read.
const MAX_HEADER: u64 = 1 << 20;

/// Where a model's packed encoder weights are kept, and the weights file they come from.
#[derive(Debug, Clone)]
pub(crate) struct PackedCache {
    root: PathBuf,
    /// The weights file, its links resolved.
    weights: PathBuf,
    source: Source,
}

/// What a weights file was when its weights were packed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Source {
    length: u64,
    modified_s: u64,
    modified_ns: u32,
}

/// What a cache file's weights were packed from, and for.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Packing {
    format: u32,
    source: Source,
    tower: String,
    config: String,
    kernel: String,
}

/// A cache file's header: its [`Packing`], and each weight's shape and hash.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    packing: Packing,
    weights: Vec<StoredShape>,
}

/// A stored weight's inputs, outputs and the BLAKE3 hash of its parts.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct StoredShape {
    inputs: usize,
    outputs: usize,
    blake3: String,
}

/// An encoder's packed weights, opened and checked against what the load expects; each
/// weight is read (and its hash checked) when asked for, so the layers read theirs in parallel.
pub(crate) struct StoredEncoder {
    file: File,
    kernel: Kernel,
    /// Each weight's shape, hash and byte offset in the file.
    weights: Vec<(StoredShape, u64)>,
}

impl PackedCache {
    /// For `weights`, in the `packed-weights` folder of Iris's cache folder
    /// ([`crate::demo::cache_root`]); None when `IRIS_PACKED_CACHE` is `off` (benchmarks of
    /// the packing) or when the weights file cannot be looked at.
    pub(crate) fn for_weights(weights: &Path) -> Option<Self> {
        if std::env::var_os("IRIS_PACKED_CACHE").is_some_and(|v| v == "off") {
            return None;
        }
        Self::in_folder(crate::demo::cache_root().join("packed-weights"), weights)
    }

    /// For `weights`, kept in `root`.
    pub(crate) fn in_folder(root: PathBuf, weights: &Path) -> Option<Self> {
        let weights = weights.canonicalize().ok()?;
        let metadata = std::fs::metadata(&weights).ok()?;
        let modified = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(Self {
            root,
            weights,
            source: Source {
                length: metadata.len(),
                modified_s: modified.as_secs(),
                modified_ns: modified.subsec_nanos(),
            },
        })
    }

    /// The file of `tower`'s weights for `kernel`.
    pub(crate) fn file(&self, tower: &str, kernel: Kernel) -> PathBuf {
        self.root
            .join(format!("{}{kernel:?}.pack", self.stem(tower)))
    }

    /// What the names of `tower`'s files for every kernel start with.
    fn stem(&self, tower: &str) -> String {
        let mut hasher = blake3::Hasher::new();
        hasher.update(self.weights.as_os_str().as_encoded_bytes());
        hasher.update(&[0]);
        hasher.update(tower.as_bytes());
        format!("{}-", &hasher.finalize().to_hex()[..24])
    }

    /// Removes `tower`'s files for other kernels than `kept`'s: a CPU runs one kernel per
    /// tower, and a kernel a new version no longer packs for (7-bit `Avx2Quads`, 86 MB for
    /// ViT-B/32) would otherwise stay.
    fn remove_others(&self, tower: &str, kept: &Path) {
        let stem = self.stem(tower);
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return;
        };
        for path in entries.flatten().map(|e| e.path()) {
            let ours = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&stem) && n.ends_with(".pack"));
            if ours && path != kept {
                let _ = std::fs::remove_file(&path);
            }
        }
    }

    fn packing(&self, tower: &str, c: &TowerConfig, kernel: Kernel) -> Packing {
        Packing {
            format: FORMAT,
            source: self.source.clone(),
            tower: tower.to_string(),
            config: format!("{c:?}"),
            kernel: format!("{kernel:?}"),
        }
    }

    /// `tower`'s stored weights when its file was packed from this weights file, for this
    /// configuration and kernel, and holds `shapes` (`(inputs, outputs)` in load order).
    pub(crate) fn read(
        &self,
        tower: &str,
        c: &TowerConfig,
        kernel: Kernel,
        shapes: &[(usize, usize)],
    ) -> Option<StoredEncoder> {
        let file = File::open(self.file(tower, kernel)).ok()?;
        let length = file.metadata().ok()?.len();
        let mut start = [0u8; 16];
        read_at(&file, &mut start, 0).ok()?;
        let header_length = u64::from_le_bytes(start[8..].try_into().ok()?);
        if &start[..8] != MAGIC || header_length > MAX_HEADER {
            return None;
        }
        let mut header = vec![0u8; header_length as usize];
        read_at(&file, &mut header, 16).ok()?;
        let header: Header = serde_json::from_slice(&header).ok()?;
        let stored_shapes: Vec<_> = (header.weights.iter())
            .map(|w| (w.inputs, w.outputs))
            .collect();
        if header.packing != self.packing(tower, c, kernel) || stored_shapes != shapes {
            return None;
        }
        let mut offset = 16 + header_length;
        let mut weights = Vec::with_capacity(header.weights.len());
        for shape in header.weights {
            let bytes = PackedInt8::stored_bytes(kernel, shape.inputs, shape.outputs);
            weights.push((shape, offset));
            offset += bytes;
        }
        (offset == length).then_some(StoredEncoder {
            file,
            kernel,
            weights,
        })
    }

    /// Stores `tower`'s `weights` (in load order), replacing its file.
    pub(crate) fn write(
        &self,
        tower: &str,
        c: &TowerConfig,
        kernel: Kernel,
        weights: &[&PackedInt8],
    ) -> std::io::Result<()> {
        let header = Header {
            packing: self.packing(tower, c, kernel),
            weights: weights
                .iter()
                .map(|w| {
                    let (_, inputs, outputs) = w.shape();
                    let mut hasher = blake3::Hasher::new();
                    w.parts().iter().for_each(|part| {
                        hasher.update(part);
                    });
                    StoredShape {
                        inputs,
                        outputs,
                        blake3: hasher.finalize().to_hex().to_string(),
                    }
                })
                .collect(),
        };
        let header = serde_json::to_vec(&header).map_err(std::io::Error::other)?;
        std::fs::create_dir_all(&self.root)?;
        let target = self.file(tower, kernel);
        let mut temporary = tempfile::NamedTempFile::new_in(&self.root)?;
        {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, temporary.as_file_mut());
            out.write_all(MAGIC)?;
            out.write_all(&(header.len() as u64).to_le_bytes())?;
            out.write_all(&header)?;
            for part in weights.iter().flat_map(|w| w.parts()) {
                out.write_all(part)?;
            }
            out.flush()?;
        }
        temporary.persist(&target).map_err(|e| e.error)?;
        self.remove_others(tower, &target);
        Ok(())
    }
}

impl StoredEncoder {
    /// The `index`th weight, or None when it cannot be read or its bytes do not hash to what
    /// the header says.
    pub(crate) fn weight(&self, index: usize) -> Option<PackedInt8> {
        let (shape, mut offset) = self.weights.get(index)?;
        let mut hasher = blake3::Hasher::new();
        let weight = PackedInt8::read_parts(self.kernel, shape.inputs, shape.outputs, |part| {
            read_at(&self.file, part, offset)?;
            offset += part.len() as u64;
            hasher.update(part);
            Ok::<_, std::io::Error>(())
        })
        .ok()?;
        (hasher.finalize().to_hex().as_str() == shape.blake3).then_some(weight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Clip, ModelFiles, Precision};
    use std::time::SystemTime;

    /// The tiny CLIP fixture copied into `dir` (its weights file is changed by a test).
    fn tiny_model(dir: &Path) -> ModelFiles {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-clip");
        for entry in std::fs::read_dir(&fixture).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
        }
        ModelFiles::in_folder(dir)
    }

    /// An image's and a text's embedding.
    fn embeddings(clip: &Clip) -> Vec<Vec<f32>> {
        let image =
            image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 6, y as u8 * 8, 90]));
        let mut out = clip.embed_images(&[image]).unwrap();
        out.extend(clip.embed_texts(&["a red square"]).unwrap());
        out
    }

    /// The cache folder's files and when each was written.
    fn packs(root: &Path) -> Vec<(PathBuf, SystemTime)> {
        let mut files: Vec<_> = std::fs::read_dir(root)
            .unwrap()
            .map(|e| {
                let path = e.unwrap().path();
                let written = std::fs::metadata(&path).unwrap().modified().unwrap();
                (path, written)
            })
            .collect();
        files.sort();
        files
    }

    fn load(files: &ModelFiles, root: &Path) -> Clip {
        let cache = PackedCache::in_folder(root.to_path_buf(), &files.weights);
        assert!(cache.is_some());
        Clip::load_with_cache(files, Precision::Int8, cache).unwrap()
    }

    #[test]
    fn a_second_load_reads_what_the_first_packed_and_a_damaged_file_is_packed_again() {
        if Kernel::supported().is_empty() {
            eprintln!("skipped: this CPU has no AVX2 (no int8 weights to keep)");
            return;
        }
        let (model, cache) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let files = tiny_model(model.path());
        let packed = Clip::load_with_cache(&files, Precision::Int8, None).unwrap();
        let want = embeddings(&packed);

        let first = load(&files, cache.path());
        assert_eq!(embeddings(&first), want, "the load that writes the files");
        let written = packs(cache.path());
        assert_eq!(written.len(), 2, "one file per tower: {written:?}");

        let second = load(&files, cache.path());
        assert_eq!(embeddings(&second), want, "the load that reads them");
        assert_eq!(
            packs(cache.path()),
            written,
            "a good file is read, not written again"
        );

        let sizes: Vec<u64> = written
            .iter()
            .map(|(path, _)| std::fs::metadata(path).unwrap().len())
            .collect();
        // What an earlier version left: the tower's file for a kernel no longer packed for,
        // which the tower's next write removes, and another model's, which it keeps.
        let name = written[0].0.file_name().unwrap().to_str().unwrap();
        let stem = &name[..name.find('-').unwrap() + 1];
        let old = cache.path().join(format!("{stem}Avx2Quads.pack"));
        let other_model = cache.path().join("0123456789abcdef01234567-Avx2Quads.pack");
        std::fs::write(&old, b"IRISPACK").unwrap();
        std::fs::write(&other_model, b"IRISPACK").unwrap();
        let original = std::fs::read(&written[0].0).unwrap();
        let mut flipped = original.clone();
        *flipped.last_mut().unwrap() ^= 1;
        for damaged in [
            flipped,
            original[..original.len() - 5].to_vec(),
            b"IRISPACK".to_vec(),
        ] {
            std::fs::write(&written[0].0, &damaged).unwrap();
            let again = load(&files, cache.path());
            assert_eq!(embeddings(&again), want, "{} bytes", damaged.len());
            assert_eq!(std::fs::read(&written[0].0).unwrap(), original);
        }
        assert!(!old.exists(), "the tower's file for an old kernel stays");
        std::fs::remove_file(&other_model).expect("another model's file was removed");
        let now: Vec<u64> = packs(cache.path())
            .iter()
            .map(|(path, _)| std::fs::metadata(path).unwrap().len())
            .collect();
        assert_eq!(now, sizes);
    }

    #[test]
    fn weights_changed_since_they_were_packed_are_packed_again() {
        if Kernel::supported().is_empty() {
            eprintln!("skipped: this CPU has no AVX2 (no int8 weights to keep)");
            return;
        }
        let (model, cache) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let files = tiny_model(model.path());
        let before = embeddings(&load(&files, cache.path()));

        // Negate one cached matmul's weights in place (the file keeps its length).
        let mut bytes = std::fs::read(&files.weights).unwrap();
        let length = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + length]).unwrap();
        let offsets = &header["vision_model.encoder.layers.0.mlp.fc1.weight"]["data_offsets"];
        let (start, end) = (offsets[0].as_u64().unwrap(), offsets[1].as_u64().unwrap());
        for value in
            bytes[8 + length + start as usize..8 + length + end as usize].chunks_exact_mut(4)
        {
            value[3] ^= 0x80;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&files.weights, &bytes).unwrap();

        let after = embeddings(&load(&files, cache.path()));
        let fresh = embeddings(&Clip::load_with_cache(&files, Precision::Int8, None).unwrap());
        assert_eq!(after, fresh, "the changed weights, packed again");
        assert_ne!(
            after[0], before[0],
            "the change reaches the image embedding"
        );
        assert_eq!(embeddings(&load(&files, cache.path())), fresh, "and kept");
    }
}
