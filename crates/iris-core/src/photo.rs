//! Turning one file into what the catalog needs: content hash, decoded pixels (JPEGs at a
//! reduced DCT scale when large), EXIF orientation applied, date taken and camera, and a
//! cached thumbnail. A decoder panic is caught here and costs that file only.

use crate::scan::FileEntry;
use image::{imageops, RgbImage};
use iris_clip::preprocess::Preprocessor;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Longest edge of cached thumbnails, in pixels.
pub const THUMBNAIL_EDGE: u32 = 384;

/// Metadata read from a decoded photo.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhotoMeta {
    pub width: u32,
    pub height: u32,
    pub format: String,
    pub taken: Option<i64>,
    pub camera: Option<String>,
}

/// A file read and decoded, ready for the model.
#[derive(Debug)]
pub struct Decoded {
    pub meta: PhotoMeta,
    /// Model input, `3 x size x size` floats.
    pub pixels: Vec<f32>,
    /// Whether a thumbnail now exists for this content.
    pub thumbnail: bool,
}

/// Content hash of bytes, hex.
pub fn content_id(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Where the thumbnail of a content hash lives.
pub fn thumbnail_path(thumbs: &Path, id: &str) -> PathBuf {
    thumbs
        .join(&id[..2.min(id.len())])
        .join(format!("{id}.jpg"))
}

fn format_name(bytes: &[u8]) -> String {
    image::guess_format(bytes)
        .ok()
        .and_then(|f| f.extensions_str().first().copied())
        .unwrap_or("unknown")
        .to_string()
}

struct Exif {
    orientation: u32,
    taken: Option<i64>,
    camera: Option<String>,
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn read_exif(bytes: &[u8]) -> Exif {
    let mut out = Exif {
        orientation: 1,
        taken: None,
        camera: None,
    };
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return out;
    };
    let field = |tag| exif.get_field(tag, exif::In::PRIMARY);
    if let Some(o) = field(exif::Tag::Orientation).and_then(|f| f.value.get_uint(0)) {
        out.orientation = o;
    }
    let taken = field(exif::Tag::DateTimeOriginal).or_else(|| field(exif::Tag::DateTime));
    if let Some(exif::Value::Ascii(parts)) = taken.map(|f| &f.value) {
        if let Some(dt) = parts
            .first()
            .and_then(|a| exif::DateTime::from_ascii(a).ok())
        {
            let days = days_from_civil(dt.year as i64, dt.month as i64, dt.day as i64);
            out.taken = Some(
                days * 86_400 + dt.hour as i64 * 3600 + dt.minute as i64 * 60 + dt.second as i64,
            );
        }
    }
    let text = |tag| {
        field(tag).and_then(|f| match &f.value {
            exif::Value::Ascii(parts) => parts
                .first()
                .map(|p| {
                    String::from_utf8_lossy(p)
                        .trim_matches(char::from(0))
                        .trim()
                        .to_string()
                })
                .filter(|s| !s.is_empty()),
            _ => None,
        })
    };
    let (make, model) = (text(exif::Tag::Make), text(exif::Tag::Model));
    out.camera = match (make, model) {
        (Some(make), Some(model)) if model.starts_with(&make) => Some(model),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (make, model) => make.or(model),
    };
    out
}

/// Rotates and flips as EXIF orientation 1-8 says.
fn orient(img: RgbImage, orientation: u32) -> RgbImage {
    match orientation {
        2 => imageops::flip_horizontal(&img),
        3 => imageops::rotate180(&img),
        4 => imageops::flip_vertical(&img),
        5 => imageops::flip_horizontal(&imageops::rotate90(&img)),
        6 => imageops::rotate90(&img),
        7 => imageops::flip_horizontal(&imageops::rotate270(&img)),
        8 => imageops::rotate270(&img),
        _ => img,
    }
}

fn write_thumbnail(img: &RgbImage, path: &Path) -> std::io::Result<()> {
    let (w, h) = img.dimensions();
    let scale = THUMBNAIL_EDGE as f32 / w.max(h) as f32;
    let thumb = if scale < 1.0 {
        let (tw, th) = (
            ((w as f32 * scale).round() as u32).max(1),
            ((h as f32 * scale).round() as u32).max(1),
        );
        imageops::resize(img, tw, th, imageops::FilterType::Triangle)
    } else {
        img.clone()
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension("tmp");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut file, 85)
        .encode_image(&thumb)
        .map_err(std::io::Error::other)?;
    drop(file);
    std::fs::rename(tmp, path)
}

/// Decodes at the reduced scale that still gives the model input and the thumbnail their
/// resolution, before EXIF orientation.
fn decode_reduced(bytes: &[u8], path: &Path, pre: &Preprocessor) -> Result<RgbImage, String> {
    let target = (pre.shortest_edge.unwrap_or(224) as u32).max(THUMBNAIL_EDGE * 3 / 4);
    iris_clip::decode_bytes(bytes, path, Some(target)).map_err(|e| e.to_string())
}

fn decode_inner(
    bytes: &[u8],
    entry: &FileEntry,
    pre: &Preprocessor,
    thumbs: &Path,
    id: &str,
) -> Result<Decoded, String> {
    refuse_undecoded(bytes, &entry.path)?;
    let exif = read_exif(bytes);
    let img = decode_reduced(bytes, &entry.path, pre)?;
    let (full_w, full_h) = full_size(bytes).unwrap_or(img.dimensions());
    let img = orient(img, exif.orientation);
    let (width, height) = if (5..=8).contains(&exif.orientation) {
        (full_h, full_w)
    } else {
        (full_w, full_h)
    };
    let thumb_path = thumbnail_path(thumbs, id);
    let thumbnail = thumb_path.is_file() || write_thumbnail(&img, &thumb_path).is_ok();
    Ok(Decoded {
        meta: PhotoMeta {
            width,
            height,
            format: format_name(bytes),
            taken: exif.taken,
            camera: exif.camera,
        },
        pixels: pre.pixels(&img),
        thumbnail,
    })
}

/// Pixel size of the stored image (before any reduced-scale decode).
fn full_size(bytes: &[u8]) -> Option<(u32, u32)> {
    image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

/// Decodes a photo for the model; any failure, panics included, becomes a reason.
pub fn decode(
    bytes: &[u8],
    entry: &FileEntry,
    pre: &Preprocessor,
    thumbs: &Path,
    id: &str,
) -> Result<Decoded, String> {
    isolated(|| decode_inner(bytes, entry, pre, thumbs, id))
}

/// The model input of a query image (a dropped file, a paste): the same decode as indexing
/// (reduced scale, EXIF orientation, panics caught), so a library photo dropped as a query
/// gets the vector the library holds for it.
pub fn decode_query(bytes: &[u8], path: &Path, pre: &Preprocessor) -> Result<Vec<f32>, String> {
    isolated(|| {
        refuse_undecoded(bytes, path)?;
        let exif = read_exif(bytes);
        let img = orient(decode_reduced(bytes, path, pre)?, exif.orientation);
        Ok(pre.pixels(&img))
    })
}

/// A format Iris knows but cannot decode yet is a clear reason, not a decoder's guess.
fn refuse_undecoded(bytes: &[u8], path: &Path) -> Result<(), String> {
    match crate::formats::undecoded_format(path, bytes) {
        Some(format) => Err(format!(
            "unsupported format: {format} (Iris cannot decode it yet)"
        )),
        None => Ok(()),
    }
}

/// Runs a decode with its panics turned into a reason.
fn isolated<T>(decode: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(decode)) {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(format!("the decoder crashed on this file: {what}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_convert_to_epoch_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
    }

    #[test]
    fn orientation_six_rotates_a_wide_image_to_tall() {
        let img = RgbImage::new(40, 10);
        assert_eq!(orient(img.clone(), 6).dimensions(), (10, 40));
        assert_eq!(orient(img, 1).dimensions(), (40, 10));
    }
}
