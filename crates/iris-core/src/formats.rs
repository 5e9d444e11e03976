//! Photo formats Iris knows but cannot decode yet (HEIC/HEIF, AVIF, JPEG XL, camera RAW): the
//! walk takes them, and indexing turns each into a failed row that says so, so that no photo
//! of a library is skipped silently. Sidecars (.xmp, .aae, .json) are not photos and stay out.

use std::path::Path;

/// Extensions (lower case) of photo formats not decoded yet, with the name a reason gives.
const UNDECODED: [(&str, &str); 17] = [
    ("heic", "HEIC"),
    ("heif", "HEIF"),
    ("hif", "HEIF"),
    ("avif", "AVIF"),
    ("jxl", "JPEG XL"),
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

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// True for a file the walk should take although it cannot be decoded yet.
pub(crate) fn is_undecoded_photo(path: &Path) -> bool {
    extension(path).is_some_and(|e| UNDECODED.iter().any(|(x, _)| *x == e))
}

/// The format of a file Iris cannot decode yet, by its content first (a HEIC renamed .jpg is
/// still a HEIC), then by its extension (RAW files are TIFF-like containers).
pub(crate) fn undecoded_format(path: &Path, bytes: &[u8]) -> Option<&'static str> {
    if let Some(name) = iso_media_format(bytes) {
        return Some(name);
    }
    if bytes.starts_with(&[0xFF, 0x0A]) || bytes.starts_with(b"\0\0\0\x0CJXL \r\n\x87\n") {
        return Some("JPEG XL");
    }
    let ext = extension(path)?;
    UNDECODED
        .iter()
        .find(|(x, _)| *x == ext)
        .map(|(_, name)| *name)
}

/// HEIF-family files are ISO media files: an `ftyp` box whose major brand names the kind.
fn iso_media_format(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() < 12 || &bytes[4..8] != b"ftyp" {
        return None;
    }
    match &bytes[8..12] {
        b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" => Some("HEIC"),
        b"mif1" | b"msf1" => Some("HEIF"),
        b"avif" | b"avis" => Some("AVIF"),
        _ => None,
    }
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
        assert_eq!(undecoded_format(p("a.HEIC"), &ftyp(b"heic")), Some("HEIC"));
        assert_eq!(
            undecoded_format(p("renamed.jpg"), &ftyp(b"heic")),
            Some("HEIC")
        );
        assert_eq!(undecoded_format(p("a.avif"), &ftyp(b"avif")), Some("AVIF"));
        assert_eq!(undecoded_format(p("a.NEF"), b"MM\0\x2a"), Some("RAW (NEF)"));
        assert_eq!(undecoded_format(p("a.jpg"), &[0xFF, 0xD8, 0xFF]), None);
        assert_eq!(undecoded_format(p("a.mp4"), &ftyp(b"isom")), None);
        assert!(is_undecoded_photo(p("x/IMG_1.Cr3")));
        assert!(!is_undecoded_photo(p("x/IMG_1.xmp")) && !is_undecoded_photo(p("x/IMG_1.AAE")));
    }
}
