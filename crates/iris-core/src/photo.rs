//! Turning one file into what the catalog needs: content hash, decoded pixels (JPEGs at a
//! reduced DCT scale when large), EXIF orientation applied, its EXIF facts and place, and a
//! cached thumbnail. A decoder panic is caught here and costs that file only.

use crate::scan::FileEntry;
use image::{imageops, RgbImage};
use iris_clip::preprocess::Preprocessor;
use iris_clip::resample::{self, Filter};
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
    /// Minutes east of UTC of `taken`, where the camera wrote it.
    pub taken_offset: Option<i32>,
    pub camera: Option<String>,
    pub lens: Option<String>,
    /// Latitude and longitude in degrees.
    pub gps: Option<(f64, f64)>,
    /// The place of `gps`, offline ([`crate::places`]).
    pub place: Option<crate::places::Place>,
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

/// Writes `img` at most [`THUMBNAIL_EDGE`] pixels long as a JPEG (quality 85, 4:2:0): resized
/// with Pillow's bilinear filter and encoded by libjpeg-turbo, which took a sixth of what
/// the image crate's triangle filter and encoder took (6% of an index run's CPU before).
fn write_thumbnail(img: &RgbImage, path: &Path) -> std::io::Result<()> {
    let (w, h) = img.dimensions();
    let scale = THUMBNAIL_EDGE as f32 / w.max(h) as f32;
    let resized;
    let thumb = if scale < 1.0 {
        let (tw, th) = (
            ((w as f32 * scale).round() as usize).max(1),
            ((h as f32 * scale).round() as usize).max(1),
        );
        let pixels = resample::resize_window(img, (tw, th), 0..tw, 0..th, Filter::Bilinear);
        resized = RgbImage::from_raw(tw as u32, th as u32, pixels)
            .ok_or_else(|| std::io::Error::other("the resized thumbnail has the wrong size"))?;
        &resized
    } else {
        img
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let jpeg = encode_jpeg(thumb, 85).map_err(std::io::Error::other)?;
    crate::atomic::write(path, &jpeg).map_err(|e| std::io::Error::other(e.to_string()))
}

/// `img` as a 4:2:0 JPEG of `quality`, by libjpeg-turbo.
fn encode_jpeg(img: &RgbImage, quality: i32) -> Result<Vec<u8>, turbojpeg::Error> {
    let mut compressor = turbojpeg::Compressor::new()?;
    compressor.set_quality(quality)?;
    compressor.set_subsamp(turbojpeg::Subsamp::Sub2x2)?;
    let (width, height) = (img.width() as usize, img.height() as usize);
    compressor.compress_to_vec(turbojpeg::Image {
        pixels: img.as_raw().as_slice(),
        width,
        pitch: 3 * width,
        height,
        format: turbojpeg::PixelFormat::RGB,
    })
}

/// Decodes at the reduced scale that still gives the model input and the thumbnail their
/// resolution, before EXIF orientation.
fn decode_reduced(bytes: &[u8], path: &Path, pre: &Preprocessor) -> Result<RgbImage, String> {
    let target = (pre.decode_edge() as u32).max(THUMBNAIL_EDGE * 3 / 4);
    iris_clip::decode_bytes(bytes, path, Some(target)).map_err(|e| e.to_string())
}

/// A photo decoded upright for the model and the thumbnail.
struct Upright {
    image: RgbImage,
    /// Full size, upright.
    size: (u32, u32),
    exif: crate::exif_meta::Exif,
    format: String,
}

/// Decodes a photo upright: EXIF orientation (or a HEIF container's own) applied; a RAW
/// through its embedded preview, oriented by the RAW's EXIF.
fn decode_upright(bytes: &[u8], path: &Path, pre: &Preprocessor) -> Result<Upright, String> {
    refuse_undecoded(bytes, path)?;
    let exif = crate::exif_meta::read(bytes);
    let (image, size, orientation, format, exif) = if crate::heif::is_heif(bytes) {
        let min_edge = pre.decode_edge() as u32;
        let pic = crate::heif::decode(bytes, exif.orientation, min_edge, THUMBNAIL_EDGE)?;
        let format = crate::heif::format_name(bytes)
            .unwrap_or("heif")
            .to_string();
        (
            pic.image,
            (pic.width, pic.height),
            pic.orientation,
            format,
            exif,
        )
    } else if let Some(raw) = crate::formats::raw_format(path, bytes) {
        let (jpeg, size) = crate::raw::preview(bytes, raw)?;
        // CR3 and RAF keep their EXIF where the reader does not look; the preview has a copy.
        let exif = if exif == crate::exif_meta::Exif::default() {
            crate::exif_meta::read(&jpeg)
        } else {
            exif
        };
        let image = decode_reduced(&jpeg, path, pre)?;
        let format = path
            .extension()
            .map_or("raw".to_string(), |e| e.to_string_lossy().to_lowercase());
        (image, size, exif.orientation, format, exif)
    } else {
        let image = decode_reduced(bytes, path, pre)?;
        let size = full_size(bytes).unwrap_or(image.dimensions());
        (image, size, exif.orientation, format_name(bytes), exif)
    };
    if image.width() == 0 || image.height() == 0 {
        return Err(format!(
            "the image has no pixels ({}x{})",
            image.width(),
            image.height()
        ));
    }
    let size = if (5..=8).contains(&orientation) {
        (size.1, size.0)
    } else {
        size
    };
    Ok(Upright {
        image: orient(image, orientation),
        size,
        exif,
        format,
    })
}

fn decode_inner(
    bytes: &[u8],
    entry: &FileEntry,
    pre: &Preprocessor,
    thumbs: &Path,
    id: &str,
) -> Result<Decoded, String> {
    let Upright {
        image: img,
        size: (width, height),
        exif,
        format,
    } = decode_upright(bytes, &entry.path, pre)?;
    let thumb_path = thumbnail_path(thumbs, id);
    let thumbnail = thumb_path.is_file() || write_thumbnail(&img, &thumb_path).is_ok();
    Ok(Decoded {
        meta: PhotoMeta {
            width,
            height,
            format,
            taken: exif.taken,
            taken_offset: exif.offset_minutes,
            place: exif
                .gps
                .and_then(|(lat, lon)| crate::places::place_of(lat, lon)),
            gps: exif.gps,
            camera: exif.camera,
            lens: exif.lens,
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
    isolated(|| Ok(pre.pixels(&decode_upright(bytes, path, pre)?.image)))
}

/// The upright image indexing decodes from a photo (reduced scale for large ones, never below
/// the model input), for views of what the model saw.
pub fn decode_view(bytes: &[u8], path: &Path, pre: &Preprocessor) -> Result<RgbImage, String> {
    isolated(|| Ok(decode_upright(bytes, path, pre)?.image))
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
    fn orientation_six_rotates_a_wide_image_to_tall() {
        let img = RgbImage::new(40, 10);
        assert_eq!(orient(img.clone(), 6).dimensions(), (10, 40));
        assert_eq!(orient(img, 1).dimensions(), (40, 10));
    }

    #[test]
    fn a_thumbnail_is_the_photo_at_most_384_pixels_long_as_a_jpeg() {
        let dir = tempfile::tempdir().unwrap();
        // Red on the left turning blue on the right, green growing downwards.
        let gradient = |w: u32, h: u32| {
            RgbImage::from_fn(w, h, |x, y| {
                let across = (255 * x / (w - 1)) as u8;
                image::Rgb([255 - across, (255 * y / (h - 1)) as u8, across])
            })
        };
        for ((w, h), want) in [((1000, 600), (384, 230)), ((200, 100), (200, 100))] {
            let path = dir.path().join(format!("{w}.jpg"));
            write_thumbnail(&gradient(w, h), &path).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "not a JPEG");
            let thumb = image::load_from_memory(&bytes).unwrap().to_rgb8();
            assert_eq!(thumb.dimensions(), want);
            let expected = gradient(want.0, want.1);
            for (x, y) in [(2, 2), (want.0 / 2, want.1 / 2), (want.0 - 3, want.1 - 3)] {
                let (got, wanted) = (thumb.get_pixel(x, y).0, expected.get_pixel(x, y).0);
                for c in 0..3 {
                    assert!(
                        got[c].abs_diff(wanted[c]) <= 12,
                        "{w}x{h} at ({x}, {y}): {got:?} against {wanted:?}"
                    );
                }
            }
        }
    }
}
