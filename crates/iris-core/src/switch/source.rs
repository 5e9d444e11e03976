//! Where a model switch gets a photo's pixels: the cached thumbnail (384 px on the long edge,
//! upright, JPEG quality 85) when its short edge still reaches the new model's input size, so
//! that re-embedding a library costs a small JPEG decode a photo instead of a full decode of
//! the original; otherwise the original file, decoded as indexing decodes it; and, for a photo
//! whose file cannot be read now (an offline drive), its thumbnail even when small, enlarged.

use crate::photo;
use image::RgbImage;
use iris_clip::preprocess::Preprocessor;
use std::path::Path;

/// What a photo's new vector was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Thumbnail,
    Original,
    /// The thumbnail, smaller than the model's input: the file itself was not readable.
    SmallThumbnail,
}

fn decode_thumbnail(path: &Path) -> Option<RgbImage> {
    let bytes = std::fs::read(path).ok()?;
    let image = image::load_from_memory(&bytes).ok()?;
    Some(iris_clip::preprocess::to_rgb8(image))
}

/// The original at one of `paths` that still holds content `id`, decoded upright.
fn decode_original(id: &str, paths: &[String], pre: &Preprocessor) -> Result<RgbImage, String> {
    let mut reason = "its file is not readable now".to_string();
    for path in paths {
        let path = crate::paths::to_path(path);
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        if photo::content_id(&bytes) != id {
            reason = "its file changed since it was indexed".to_string();
            continue;
        }
        return photo::decode_view(&bytes, &path, pre);
    }
    Err(reason)
}

/// The model input for content `id` (found at `paths`), and what it came from; a reason when
/// neither a thumbnail nor the file can be read.
pub(crate) fn pixels(
    id: &str,
    paths: &[String],
    thumbs: &Path,
    pre: &Preprocessor,
) -> Result<(Vec<f32>, Origin), String> {
    let thumbnail = decode_thumbnail(&photo::thumbnail_path(thumbs, id));
    if let Some(thumb) = &thumbnail {
        if thumb.width().min(thumb.height()) as usize >= pre.decode_edge() {
            return Ok((pre.pixels(thumb), Origin::Thumbnail));
        }
    }
    match (decode_original(id, paths, pre), thumbnail) {
        (Ok(image), _) => Ok((pre.pixels(&image), Origin::Original)),
        (Err(_), Some(thumb)) => Ok((pre.pixels(&thumb), Origin::SmallThumbnail)),
        (Err(reason), None) => Err(reason),
    }
}
