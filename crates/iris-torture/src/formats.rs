//! The seed corpus: one small valid photo in every format Iris decodes (JPEG, PNG, WebP, GIF,
//! TIFF, BMP through the image crate; HEIC and AVIF through Debian's encoders heif-enc and
//! avifenc; a RAW laid out as DNG with its preview JPEG), made at run time from a drawn picture.

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use std::io::Cursor;
use std::path::Path;
use std::process::Command;

/// A valid photo to cut, mutate or bloat.
pub struct Seed {
    /// File extension, which is also the format's name here.
    pub ext: &'static str,
    pub bytes: Vec<u8>,
}

/// A picture with some structure (stripes, a disc, a gradient), different for each seed.
pub fn picture(seed: u32, w: u32, h: u32) -> RgbImage {
    let (r, g, b) = (
        (seed.wrapping_mul(97) % 256) as u8,
        (seed.wrapping_mul(57) % 256) as u8,
        (seed.wrapping_mul(31) % 256) as u8,
    );
    let (cx, cy, radius) = (w / 3, h / 2, w.min(h) / 3);
    RgbImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as i64 - cx as i64, y as i64 - cy as i64);
        if y < 4 && x / 2 < 32 {
            // The seed's bits along the top edge: no two seeds draw the same picture.
            let bit = (seed >> (x / 2)) & 1;
            Rgb([255 * bit as u8; 3])
        } else if dx * dx + dy * dy < (radius * radius) as i64 {
            Rgb([255 - r, g / 2, b])
        } else if (x / 6) % 2 == 0 {
            Rgb([r, (y * 255 / h.max(1)) as u8, b])
        } else {
            Rgb([b, r, g])
        }
    })
}

/// Encodes `image` with the image crate.
pub fn encode(image: &RgbImage, format: ImageFormat) -> Result<Vec<u8>, String> {
    let mut out = Cursor::new(Vec::new());
    let dynamic = if format == ImageFormat::Gif {
        DynamicImage::ImageRgba8(DynamicImage::ImageRgb8(image.clone()).to_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.clone())
    };
    dynamic
        .write_to(&mut out, format)
        .map_err(|e| format!("encoding {format:?}: {e}"))?;
    Ok(out.into_inner())
}

/// One seed per format, each from its own picture of `w` x `h`; `scratch` holds the encoders'
/// input and output files.
pub fn seeds(w: u32, h: u32, scratch: &Path) -> Result<Vec<Seed>, String> {
    let mut seeds = Vec::new();
    for (i, (ext, format)) in [
        ("jpg", ImageFormat::Jpeg),
        ("png", ImageFormat::Png),
        ("webp", ImageFormat::WebP),
        ("gif", ImageFormat::Gif),
        ("tif", ImageFormat::Tiff),
        ("bmp", ImageFormat::Bmp),
    ]
    .into_iter()
    .enumerate()
    {
        let bytes = encode(&picture(i as u32 + 1, w, h), format)?;
        seeds.push(Seed { ext, bytes });
    }
    let png = scratch.join("seed-source.png");
    picture(11, w, h)
        .save(&png)
        .map_err(|e| format!("{}: {e}", png.display()))?;
    let heic = scratch.join("seed.heic");
    external(
        "heif-enc",
        &["-q", "80", s(&png), "-o", s(&heic)],
        "libheif-examples",
    )?;
    let avif = scratch.join("seed.avif");
    external("avifenc", &[s(&png), s(&avif)], "libavif-bin")?;
    for (ext, path) in [("heic", &heic), ("avif", &avif)] {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        seeds.push(Seed { ext, bytes });
    }
    // Iris indexes a RAW only from a preview of at least 320 pixels (iris-core's raw.rs).
    let preview = encode(&picture(13, 320, 240), ImageFormat::Jpeg)?;
    let thumb = encode(&picture(13, 16, 12), ImageFormat::Jpeg)?;
    seeds.push(Seed {
        ext: "dng",
        bytes: dng(&thumb, &preview),
    });
    Ok(seeds)
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap_or_default()
}

/// Runs one of Debian's encoders; a missing tool names its package.
fn external(tool: &str, args: &[&str], package: &str) -> Result<(), String> {
    let out = Command::new(tool)
        .args(args)
        .output()
        .map_err(|e| format!("{tool} not found ({e}): apt-get install {package}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{tool}: {}", String::from_utf8_lossy(&out.stderr)))
    }
}

/// A little-endian TIFF IFD entry of one value: tag, type (3 SHORT, 4 LONG), count 1.
fn entry(tag: u16, kind: u16, value: u32) -> Vec<u8> {
    let mut e = tag.to_le_bytes().to_vec();
    e.extend(kind.to_le_bytes());
    e.extend(1u32.to_le_bytes());
    e.extend(value.to_le_bytes());
    e
}

fn ifd(entries: &[Vec<u8>]) -> Vec<u8> {
    let mut out = (entries.len() as u16).to_le_bytes().to_vec();
    for e in entries {
        out.extend(e);
    }
    out.extend(0u32.to_le_bytes());
    out
}

/// A RAW laid out as a DNG: IFD0 with a thumbnail JPEG, a SubIFD holding the preview JPEG as
/// a JPEG-compressed strip (what Iris indexes a RAW from).
pub fn dng(thumb: &[u8], preview: &[u8]) -> Vec<u8> {
    let ifd0_at = 8u32;
    let sub_at = ifd0_at + 2 + 4 * 12 + 4;
    let thumb_at = sub_at + 2 + 4 * 12 + 4;
    let preview_at = thumb_at + thumb.len() as u32;
    let mut out = b"II*\0".to_vec();
    out.extend(ifd0_at.to_le_bytes());
    out.extend(ifd(&[
        entry(0x00FE, 4, 1),
        entry(0x014A, 4, sub_at),
        entry(0x0201, 4, thumb_at),
        entry(0x0202, 4, thumb.len() as u32),
    ]));
    out.extend(ifd(&[
        entry(0x00FE, 4, 1),
        entry(0x0103, 3, 7),
        entry(0x0111, 4, preview_at),
        entry(0x0117, 4, preview.len() as u32),
    ]));
    out.extend(thumb);
    out.extend(preview);
    out
}

/// Writes `count` distinct JPEG photos of `w` x `h` named `photo-SEED.jpg` into `folder`,
/// seeds from `first`; returns their paths.
pub fn write_photos(
    folder: &Path,
    first: u32,
    count: u32,
    w: u32,
    h: u32,
) -> Result<Vec<std::path::PathBuf>, String> {
    std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    (first..first + count)
        .map(|seed| {
            let path = folder.join(format!("photo-{seed:06}.jpg"));
            let bytes = encode(&picture(seed, w, h), ImageFormat::Jpeg)?;
            std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(path)
        })
        .collect()
}
