//! Decoding image files to 8-bit RGB with bounded memory. JPEGs go through libjpeg-turbo, the
//! decoder behind Pillow, so pixels equal the reference's; it can also decode at 1/2, 1/4 or
//! 1/8 scale in the DCT domain, which makes a 12-megapixel photo cheap when only a 224-pixel
//! model input is wanted. Everything else goes through the image crate with its limits, the
//! format recognised from the content, not the extension.

use crate::error::{ClipError, Result};
use crate::preprocess::to_rgb8;
use image::RgbImage;
use std::io::Cursor;
use std::path::Path;

/// Largest accepted image, in pixels (width x height): about 16k x 12k.
pub const MAX_PIXELS: u64 = 200_000_000;
/// Largest accepted side, in pixels.
pub const MAX_SIDE: u32 = 65_535;

/// Reads and decodes an image file at full size.
pub fn decode_file(path: &Path) -> Result<RgbImage> {
    let bytes = std::fs::read(path).map_err(|source| ClipError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    decode_bytes(&bytes, path, None)
}

/// Decodes image bytes; `path` is only used in error messages. With `min_short_side`, a JPEG
/// may be decoded at a reduced scale whose shorter side is still at least that many pixels.
pub fn decode_bytes(bytes: &[u8], path: &Path, min_short_side: Option<u32>) -> Result<RgbImage> {
    let err = |message: String| ClipError::Image {
        path: path.to_path_buf(),
        message,
    };
    if bytes.is_empty() {
        return Err(err("the file is empty".into()));
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        if let Some(image) = decode_jpeg(bytes, min_short_side).map_err(err)? {
            return Ok(image);
        }
    }
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| err(e.to_string()))?;
    if reader.format().is_none() {
        return Err(err("not a supported image format".into()));
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| err(e.to_string()))?;
    // A GIF whose screen says 48x0 decodes to an image without pixels: nothing to look at.
    if decoded.width() == 0 || decoded.height() == 0 {
        return Err(err(format!(
            "the image has no pixels ({}x{})",
            decoded.width(),
            decoded.height()
        )));
    }
    Ok(to_rgb8(decoded))
}

/// Decodes a JPEG with libjpeg-turbo; `Ok(None)` for colour spaces it cannot turn into RGB
/// (CMYK, YCCK), which the image crate then handles.
fn decode_jpeg(bytes: &[u8], min_short_side: Option<u32>) -> Result<Option<RgbImage>, String> {
    use turbojpeg::{Colorspace, Decompressor, Image, PixelFormat, ScalingFactor};
    let mut decompressor = Decompressor::new().map_err(|e| e.to_string())?;
    let header = decompressor.read_header(bytes).map_err(|e| e.to_string())?;
    if matches!(header.colorspace, Colorspace::CMYK | Colorspace::YCCK) {
        return Ok(None);
    }
    let (w, h) = (header.width as u64, header.height as u64);
    if w == 0 || h == 0 || w * h > MAX_PIXELS || w.max(h) > MAX_SIDE as u64 {
        return Err(format!(
            "{w}x{h} pixels is beyond the limit of {MAX_PIXELS} pixels"
        ));
    }
    let mut factor = ScalingFactor::ONE;
    if let Some(min) = min_short_side {
        for candidate in [
            ScalingFactor::ONE_EIGHTH,
            ScalingFactor::ONE_QUARTER,
            ScalingFactor::ONE_HALF,
        ] {
            if candidate.scale(header.width.min(header.height)) >= min as usize {
                factor = candidate;
                break;
            }
        }
    }
    decompressor
        .set_scaling_factor(factor)
        .map_err(|e| e.to_string())?;
    let scaled = header.scaled(factor);
    let mut image = Image {
        pixels: vec![0u8; 3 * scaled.width * scaled.height],
        width: scaled.width,
        pitch: 3 * scaled.width,
        height: scaled.height,
        format: PixelFormat::RGB,
    };
    decompressor
        .decompress(bytes, image.as_deref_mut())
        .map_err(|e| e.to_string())?;
    RgbImage::from_raw(scaled.width as u32, scaled.height as u32, image.pixels)
        .map(Some)
        .ok_or_else(|| "decoded buffer has the wrong size".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 128]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&img)
            .unwrap();
        out
    }

    #[test]
    fn large_jpegs_decode_at_a_reduced_scale_when_allowed() {
        let bytes = jpeg(2000, 1000);
        let p = Path::new("x.jpg");
        assert_eq!(
            decode_bytes(&bytes, p, None).unwrap().dimensions(),
            (2000, 1000)
        );
        assert_eq!(
            decode_bytes(&bytes, p, Some(224)).unwrap().dimensions(),
            (500, 250)
        );
        assert_eq!(
            decode_bytes(&bytes, p, Some(600)).unwrap().dimensions(),
            (2000, 1000)
        );
    }

    #[test]
    fn bad_bytes_give_errors_naming_the_file() {
        let p = Path::new("bad.jpg");
        let e = decode_bytes(b"", p, None).unwrap_err().to_string();
        assert_eq!(e, "cannot decode image bad.jpg: the file is empty");
        let e = decode_bytes(b"hello, I am text", p, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a supported image format"), "{e}");
        let full = jpeg(64, 64);
        for cut in [3, 20, full.len() / 2, full.len() - 2] {
            assert!(decode_bytes(&full[..cut], p, None).is_err(), "cut at {cut}");
        }
        // Found by the torture suite's fuzzing: a GIF whose screen is 48 pixels by 0.
        let mut gif = Vec::new();
        image::DynamicImage::ImageRgb8(RgbImage::new(48, 36))
            .write_to(&mut Cursor::new(&mut gif), image::ImageFormat::Gif)
            .unwrap();
        gif[8..10].copy_from_slice(&0u16.to_le_bytes());
        let e = decode_bytes(&gif, Path::new("flat.gif"), None).unwrap_err();
        assert!(e.to_string().contains("no pixels (48x0)"), "{e}");
    }
}
