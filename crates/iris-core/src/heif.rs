//! HEIC/HEIF and AVIF through libheif (the system library: Debian's libheif 1.15, see the
//! README on why libheif-rs 0.18). The primary image is decoded (a burst or a Live Photo
//! still has one), or an embedded thumbnail when it is large enough for both the model and
//! the gallery, which is far cheaper than a 12-megapixel HEVC decode.
//!
//! Orientation: libheif applies the container's own transforms (irot, imir), which is how
//! phones store rotation, and their EXIF orientation then describes the same turn and must not
//! be applied again. Some encoders (heif-enc 1.15, for one) copy a JPEG's EXIF orientation
//! without writing irot; when the container turned nothing by 90° but EXIF says 5-8, the EXIF
//! turn is the only one there is and is applied.

use image::RgbImage;
use libheif_rs::{ColorSpace, HeifContext, ImageHandle, ItemId, RgbChroma};

/// A HEIF-family file decoded.
pub(crate) struct HeifPicture {
    pub image: RgbImage,
    /// The primary image's size after the container's transforms.
    pub width: u32,
    pub height: u32,
    /// The EXIF orientation still to apply to `image` (1 when the container did the turning).
    pub orientation: u32,
}

/// The format name ("heic", "heif", "avif") of a HEIF-family file: an ISO media `ftyp` box
/// whose major brand names one; None for anything else.
pub(crate) fn format_name(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() < 12 || &bytes[4..8] != b"ftyp" {
        return None;
    }
    match &bytes[8..12] {
        b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" => Some("heic"),
        b"mif1" | b"msf1" => Some("heif"),
        b"avif" | b"avis" => Some("avif"),
        _ => None,
    }
}

/// Whether the bytes are a HEIF-family file.
pub(crate) fn is_heif(bytes: &[u8]) -> bool {
    format_name(bytes).is_some()
}

/// Decodes the primary image; `min_edge` is the shorter edge the model needs and `gallery_edge`
/// the longer edge of a gallery thumbnail, which an embedded thumbnail must reach to be used.
pub(crate) fn decode(
    bytes: &[u8],
    exif_orientation: u32,
    min_edge: u32,
    gallery_edge: u32,
) -> Result<HeifPicture, String> {
    let context = HeifContext::read_from_bytes(bytes).map_err(|e| unreadable(&e))?;
    let primary = context.primary_image_handle().map_err(|e| unreadable(&e))?;
    let (width, height) = (primary.width(), primary.height());
    let stored = (primary.ispe_width(), primary.ispe_height());
    let turned = stored.0 > 0 && stored != (width as i32, height as i32);
    let orientation = if !turned && (5..=8).contains(&exif_orientation) {
        exif_orientation
    } else {
        1
    };
    let source = usable_thumbnail(&primary, min_edge, gallery_edge).unwrap_or(primary);
    // The same pixel limit as every other format, before libheif allocates for a claimed size.
    let pixels = u64::from(source.width()) * u64::from(source.height());
    if pixels > iris_clip::decode::MAX_PIXELS {
        return Err(format!(
            "{}x{} pixels is beyond the limit of {} pixels",
            source.width(),
            source.height(),
            iris_clip::decode::MAX_PIXELS
        ));
    }
    let decoded = source
        .decode(ColorSpace::Rgb(RgbChroma::Rgb), None)
        .map_err(|e| unreadable(&e))?;
    let plane = decoded
        .planes()
        .interleaved
        .ok_or_else(|| "cannot decode this HEIF image: no RGB plane".to_string())?;
    let row = plane.width as usize * 3;
    let mut pixels = Vec::with_capacity(row * plane.height as usize);
    for y in 0..plane.height as usize {
        let start = y * plane.stride;
        let line = plane
            .data
            .get(start..start + row)
            .ok_or_else(|| "cannot decode this HEIF image: short plane".to_string())?;
        pixels.extend_from_slice(line);
    }
    let image = RgbImage::from_raw(plane.width, plane.height, pixels)
        .ok_or_else(|| "cannot decode this HEIF image: bad plane size".to_string())?;
    Ok(HeifPicture {
        image,
        width,
        height,
        orientation,
    })
}

fn unreadable(e: &libheif_rs::HeifError) -> String {
    format!(
        "cannot decode this HEIF image: {}",
        e.to_string().to_lowercase()
    )
}

/// The smallest embedded thumbnail big enough for the model and the gallery, if any.
fn usable_thumbnail(
    primary: &ImageHandle,
    min_edge: u32,
    gallery_edge: u32,
) -> Option<ImageHandle> {
    let mut ids: Vec<ItemId> = vec![0; primary.number_of_thumbnails()];
    let n = primary.thumbnail_ids(&mut ids);
    ids.truncate(n);
    ids.into_iter()
        .filter_map(|id| primary.thumbnail(id).ok())
        .filter(|t| big_enough((t.width(), t.height()), min_edge, gallery_edge))
        .min_by_key(|t| u64::from(t.width()) * u64::from(t.height()))
}

/// Whether a thumbnail of `size` can stand in for the full image.
fn big_enough((w, h): (u32, u32), min_edge: u32, gallery_edge: u32) -> bool {
    w.min(h) >= min_edge && w.max(h) >= gallery_edge
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thumbnail_stands_in_only_when_big_enough_for_model_and_gallery() {
        assert!(big_enough((512, 384), 224, 384));
        assert!(
            !big_enough((320, 240), 224, 384),
            "an iPhone thumbnail is too small"
        );
        assert!(!big_enough((1024, 200), 224, 384), "too thin for the model");
    }

    #[test]
    fn heif_brands_are_recognised_and_others_are_not() {
        let ftyp = |brand: &[u8; 4]| [&[0, 0, 0, 24][..], b"ftyp", brand, &[0; 12]].concat();
        assert_eq!(format_name(&ftyp(b"heic")), Some("heic"));
        assert_eq!(format_name(&ftyp(b"avif")), Some("avif"));
        assert_eq!(format_name(&ftyp(b"mif1")), Some("heif"));
        assert!(!is_heif(&ftyp(b"isom")) && !is_heif(b"\xFF\xD8\xFF"));
    }

    #[test]
    fn garbage_with_a_heic_header_is_a_reason_not_a_crash() {
        let fake = [&[0, 0, 0, 24][..], b"ftypheic\0\0\0\0mif1heic"].concat();
        let reason = decode(&fake, 1, 224, 384).err().unwrap();
        assert!(
            reason.starts_with("cannot decode this HEIF image"),
            "{reason}"
        );
    }
}
