//! Case 2, bombs: files whose headers claim huge pictures in every format Iris reads (a
//! 65500x65500 JPEG; PNG, TIFF and BMP claiming 100,000-pixel sides, GIF 65,000, WebP 16,384;
//! HEIC and AVIF whose `ispe` box claims 30,000 x 30,000; a DNG whose preview JPEG claims
//! 65500x65500; a TIFF whose one strip claims 4 GB),
//! a GIF of 3,000 frames and a real decompression bomb (a PNG of a few hundred KB holding
//! 14,000 x 14,000 pixels, under the decoders' pixel limit, so it decodes). The claims must be
//! failed rows with reasons, and the indexing process's peak resident memory must stay under
//! 1.5 GB.

use crate::formats::{encode, picture};
use crate::memory::{mib, peak_bytes, reset_peak};
use crate::promise::{check, index_root, panic_count, panics_since, rows_of};
use crate::Problems;
use image::{ImageFormat, Luma};
use iris_core::Status;
use std::path::Path;

/// The peak resident memory allowed while indexing the bombs.
pub const PEAK_LIMIT_BYTES: u64 = 1_500_000_000;

pub fn run(work: &Path) -> Result<Problems, String> {
    let root = work.join("photos");
    let lib = work.join("library");
    std::fs::create_dir_all(&root).map_err(|e| e.to_string())?;
    let mut files = bombs()?;
    for seed in crate::formats::seeds(64, 48, work)?
        .into_iter()
        .filter(|s| s.ext == "heic" || s.ext == "avif")
    {
        let name = format!("claims-{}-30000.{}", seed.ext, seed.ext);
        files.push((name, ispe_claiming(&seed.bytes, 30_000, 30_000)?));
    }
    for (name, bytes) in &files {
        std::fs::write(root.join(name), bytes).map_err(|e| format!("{name}: {e}"))?;
        println!("  {name}: {} bytes", bytes.len());
    }
    // Making the decompression bomb took memory of its own: measure from here.
    reset_peak();
    let panics = panic_count();
    let report = index_root(&lib, &root)?;
    let peak = peak_bytes().ok_or("no /proc/self/status to read the peak memory from")?;
    println!(
        "  indexed {} files: {} photos, {} failed rows; peak resident memory {:.0} MiB (limit {:.0} MiB)",
        report.scanned,
        report.embedded,
        report.failed,
        mib(peak),
        mib(PEAK_LIMIT_BYTES)
    );
    let mut problems = Vec::new();
    if peak > PEAK_LIMIT_BYTES {
        problems.push(format!(
            "peak resident memory {:.0} MiB is over {:.0} MiB",
            mib(peak),
            mib(PEAK_LIMIT_BYTES)
        ));
    }
    let rows = rows_of(&lib)?;
    for (name, _) in files.iter().filter(|(n, _)| n.starts_with("claims-")) {
        match rows.iter().find(|r| r.path.ends_with(name.as_str())) {
            Some(row) if row.status == Status::Failed => println!(
                "  {name}: failed row: {}",
                row.reason.as_deref().unwrap_or_default()
            ),
            Some(row) => {
                problems.push(format!("{name}: a {} row, not failed", row.status.as_str()))
            }
            None => problems.push(format!("{name}: no row")),
        }
    }
    problems.extend(check(&lib, &root, &[])?);
    problems.extend(panics_since(panics));
    Ok(problems)
}

/// Every bomb, by file name; the names of those whose claims cannot be met start "claims-".
fn bombs() -> Result<Vec<(String, Vec<u8>)>, String> {
    let small = picture(5, 64, 64);
    let jpeg = encode(&small, ImageFormat::Jpeg)?;
    let gif = encode(&small, ImageFormat::Gif)?;
    let preview = encode(&picture(6, 320, 240), ImageFormat::Jpeg)?;
    Ok(vec![
        (
            "claims-jpeg-65500.jpg".into(),
            jpeg_claiming(&jpeg, 65_500, 65_500)?,
        ),
        (
            "claims-png-100000.png".into(),
            png_claiming(100_000, 100_000),
        ),
        (
            "claims-gif-65000.gif".into(),
            gif_claiming(&gif, 65_000, 65_000),
        ),
        (
            "claims-tiff-100000.tif".into(),
            tiff_gray(100_000, 100_000, 64),
        ),
        (
            "claims-tiff-4gb-strip.tif".into(),
            tiff_gray(64, 64, 0xFFFF_FF00),
        ),
        (
            "claims-bmp-100000.bmp".into(),
            bmp_claiming(100_000, 100_000),
        ),
        (
            "claims-webp-16384.webp".into(),
            webp_claiming(16_384, 16_384),
        ),
        (
            "claims-dng-preview-65500.dng".into(),
            crate::formats::dng(&jpeg, &jpeg_claiming(&preview, 65_500, 65_500)?),
        ),
        ("gif-3000-frames.gif".into(), gif_frames(3_000)?),
        ("png-14000-zeros.png".into(), png_zeros(14_000)?),
    ])
}

/// A valid JPEG whose start-of-frame says `w` x `h`.
fn jpeg_claiming(jpeg: &[u8], w: u16, h: u16) -> Result<Vec<u8>, String> {
    let sof = jpeg
        .windows(2)
        .position(|m| m == [0xFF, 0xC0])
        .ok_or("the encoder wrote no baseline start-of-frame")?;
    let mut out = jpeg.to_vec();
    out[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    out[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    Ok(out)
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend(data);
    out.extend(&body);
    out.extend(crc32fast::hash(&body).to_be_bytes());
}

/// A HEIF (HEIC or AVIF) whose image spatial extents boxes (`ispe`, one per image item: heif-enc
/// writes the coded tile and the cropped primary) all say `w` x `h`.
fn ispe_claiming(heif: &[u8], w: u32, h: u32) -> Result<Vec<u8>, String> {
    let mut out = heif.to_vec();
    let boxes: Vec<usize> = heif
        .windows(4)
        .enumerate()
        .filter(|(_, b)| *b == b"ispe")
        .map(|(at, _)| at)
        .collect();
    if boxes.is_empty() {
        return Err("the encoder wrote no ispe box".into());
    }
    for at in boxes {
        let fields = at + 8; // after the box type and its version and flags
        out.get_mut(fields..fields + 8)
            .ok_or("an ispe box is cut short")?
            .copy_from_slice(&[w.to_be_bytes(), h.to_be_bytes()].concat());
    }
    Ok(out)
}

/// A PNG header of `w` x `h` RGB with a token IDAT and IEND, so decoders reach their checks.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    png_chunk(&mut out, b"IHDR", &ihdr);
    png_chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]);
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// A valid GIF whose logical screen says `w` x `h`.
fn gif_claiming(gif: &[u8], w: u16, h: u16) -> Vec<u8> {
    let mut out = gif.to_vec();
    out[6..8].copy_from_slice(&w.to_le_bytes());
    out[8..10].copy_from_slice(&h.to_le_bytes());
    out
}

/// A GIF of `count` 32x32 frames.
fn gif_frames(count: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut out);
        let frames = (0..count).map(|i| {
            let rgba = image::DynamicImage::ImageRgb8(picture(i, 32, 32)).to_rgba8();
            image::Frame::new(rgba)
        });
        encoder
            .encode_frames(frames)
            .map_err(|e| format!("encoding the GIF: {e}"))?;
    }
    Ok(out)
}

/// An 8-bit grey TIFF of `w` x `h` in one uncompressed strip whose byte count is
/// `strip_bytes`, with only 64 bytes of pixels in the file.
fn tiff_gray(w: u32, h: u32, strip_bytes: u32) -> Vec<u8> {
    let entries: [(u16, u16, u32); 9] = [
        (256, 4, w),                  // ImageWidth
        (257, 4, h),                  // ImageLength
        (258, 3, 8),                  // BitsPerSample
        (259, 3, 1),                  // Compression: none
        (262, 3, 1),                  // Photometric: black is zero
        (273, 4, 8 + 2 + 9 * 12 + 4), // StripOffsets: right after the IFD
        (277, 3, 1),                  // SamplesPerPixel
        (278, 4, h),                  // RowsPerStrip
        (279, 4, strip_bytes),        // StripByteCounts
    ];
    let mut out = b"II*\0".to_vec();
    out.extend(8u32.to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    for (tag, kind, value) in entries {
        out.extend(tag.to_le_bytes());
        out.extend(kind.to_le_bytes());
        out.extend(1u32.to_le_bytes());
        out.extend(value.to_le_bytes());
    }
    out.extend(0u32.to_le_bytes());
    out.extend([0x80u8; 64]);
    out
}

/// A BMP header of `w` x `h` at 24 bits with a few bytes of pixels.
fn bmp_claiming(w: i32, h: i32) -> Vec<u8> {
    let mut out = b"BM".to_vec();
    out.extend(1_000_000u32.to_le_bytes()); // file size claimed
    out.extend([0u8; 4]);
    out.extend(54u32.to_le_bytes()); // pixel data offset
    out.extend(40u32.to_le_bytes()); // BITMAPINFOHEADER
    out.extend(w.to_le_bytes());
    out.extend(h.to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend(24u16.to_le_bytes());
    out.extend([0u8; 24]); // no compression, sizes and palette left to the decoder
    out.extend([0x40u8; 64]);
    out
}

/// A lossless WebP header (VP8L) of `w` x `h` with a few bytes of stream.
fn webp_claiming(w: u32, h: u32) -> Vec<u8> {
    let bits = (w - 1) | ((h - 1) << 14);
    let mut vp8l = vec![0x2F];
    vp8l.extend(bits.to_le_bytes());
    vp8l.extend([0u8; 16]);
    let mut out = b"RIFF".to_vec();
    out.extend((4 + 8 + vp8l.len() as u32).to_le_bytes());
    out.extend(b"WEBPVP8L");
    out.extend((vp8l.len() as u32).to_le_bytes());
    out.extend(vp8l);
    out
}

/// A real PNG of `side` x `side` black grey pixels: a few hundred KB that decode to
/// side^2 bytes (196 MB at 14,000) and three times that as RGB.
fn png_zeros(side: u32) -> Result<Vec<u8>, String> {
    let image = image::GrayImage::from_pixel(side, side, Luma([0]));
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|e| format!("encoding the PNG bomb: {e}"))?;
    Ok(out.into_inner())
}
