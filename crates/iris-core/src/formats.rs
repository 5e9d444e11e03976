//! Which photo formats a file holds beyond what the image crate decodes: camera RAW (indexed
//! through its embedded preview, [`crate::raw`]), HEIC/HEIF and AVIF (decoded by libheif,
//! [`crate::heif`]), and JPEG XL, which Iris knows but cannot decode yet: the walk takes it
//! and indexing makes it a failed row that says so, so that no photo of a library is skipped
//! silently. Sidecars (.xmp, .aae, .json) are not photos and stay out.

use std::path::Path;

/// RAW extensions (lower case) with the name a reason gives.
const RAW: [(&str, &str); 12] = [
    ("dng", "RAW (DNG)"),
    ("cr2", "RAW (CR2)"),
    ("cr3", "RAW (CR3)"),
    ("nef", "RAW (NEF)"),
    ("nrw", "RAW (NRW)"),
    ("arw", "RAW (ARW)"),
    ("raf", "RAW (RAF)"),
    ("rw2", "RAW (RW2)"),
    ("orf", "RAW (ORF)"),
    ("pef", "RAW (PEF)"),
    ("srw", "RAW (SRW)"),
    ("x3f", "RAW (X3F)"),
];

/// Whether a catalog format name (the lower-case extension a RAW is stored under) is a RAW.
pub(crate) fn is_raw_format_name(format: &str) -> bool {
    RAW.iter().any(|(ext, _)| *ext == format)
}

/// The catalog format names of RAWs (their lower-case extensions).
pub(crate) fn raw_format_names() -> impl Iterator<Item = &'static str> {
    RAW.iter().map(|(ext, _)| *ext)
}

/// Extensions of formats not decoded yet, with the name a reason gives.
const UNDECODED: [(&str, &str); 1] = [("jxl", "JPEG XL")];

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

fn named(table: &[(&str, &'static str)], path: &Path) -> Option<&'static str> {
    let ext = extension(path)?;
    table.iter().find(|(x, _)| *x == ext).map(|(_, name)| *name)
}

/// True for a file the walk takes beyond the image extensions: RAWs and JPEG XL.
pub(crate) fn is_extra_photo(path: &Path) -> bool {
    named(&RAW, path)
        .or_else(|| named(&UNDECODED, path))
        .is_some()
}

/// Whether the content is one the image crate or libheif decodes as it is (TIFF aside: a RAW
/// is a TIFF too). Content decides before the name: a JPEG named .NEF is a JPEG.
fn plainly_decodable(bytes: &[u8]) -> bool {
    crate::heif::is_heif(bytes)
        || image::guess_format(bytes).is_ok_and(|f| f != image::ImageFormat::Tiff)
}

/// The RAW format of a file ("RAW (NEF)"), by its extension, unless its content is a plain
/// image.
pub(crate) fn raw_format(path: &Path, bytes: &[u8]) -> Option<&'static str> {
    if plainly_decodable(bytes) {
        return None;
    }
    named(&RAW, path)
}

/// The format of a file Iris cannot decode yet, by its content first (a JPEG XL renamed .jpg
/// is still one), then by its extension.
pub(crate) fn undecoded_format(path: &Path, bytes: &[u8]) -> Option<&'static str> {
    if plainly_decodable(bytes) {
        return None;
    }
    if bytes.starts_with(&[0xFF, 0x0A]) || bytes.starts_with(b"\0\0\0\x0CJXL \r\n\x87\n") {
        return Some("JPEG XL");
    }
    named(&UNDECODED, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(brand: &[u8; 4]) -> Vec<u8> {
        let mut b = vec![0, 0, 0, 24];
        b.extend_from_slice(b"ftyp");
        b.extend_from_slice(brand);
        b.extend_from_slice(&[0; 12]);
        b
    }

    #[test]
    fn content_names_the_format_before_the_extension() {
        let p = Path::new;
        assert_eq!(
            undecoded_format(p("a.HEIC"), &ftyp(b"heic")),
            None,
            "decoded"
        );
        assert_eq!(
            undecoded_format(p("a.jxl.jpg"), &[0xFF, 0x0A, 1]),
            Some("JPEG XL")
        );
        assert_eq!(undecoded_format(p("a.jxl"), b"garbage"), Some("JPEG XL"));
        assert_eq!(undecoded_format(p("a.jpg"), &[0xFF, 0xD8, 0xFF]), None);
        assert_eq!(raw_format(p("a.NEF"), b"MM\0\x2a"), Some("RAW (NEF)"));
        assert_eq!(
            raw_format(p("a.NEF"), &[0xFF, 0xD8, 0xFF, 0xE0]),
            None,
            "a JPEG named .NEF"
        );
        assert_eq!(raw_format(p("a.tif"), b"MM\0\x2a"), None);
        assert!(is_extra_photo(p("x/IMG_1.Cr3")) && is_extra_photo(p("x/a.JXL")));
        assert!(!is_extra_photo(p("x/IMG_1.xmp")) && !is_extra_photo(p("x/IMG_1.AAE")));
    }
}
