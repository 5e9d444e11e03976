//! Resolving the desktop app's `iris://` asset URLs: `/thumb/<id>` and `/photo/<id>`, where
//! `<id>` must be a catalog id (64 lower-case hex digits) that the catalog knows. Anything
//! else (`..`, absolute paths, percent-encoded tricks, unknown ids) resolves to nothing, so
//! the webview can never name a file to read.

use crate::library::Library;
use crate::photo::thumbnail_path;
use std::path::PathBuf;

/// A file to serve and its MIME type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub file: PathBuf,
    pub mime: &'static str,
}

fn is_catalog_id(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn mime_of(format: Option<&str>) -> &'static str {
    match format {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("bmp") => "image/bmp",
        Some("tif" | "tiff") => "image/tiff",
        _ => "application/octet-stream",
    }
}

/// The file behind a URL path such as `/thumb/<id>`, if it names a known photo.
pub fn resolve(library: &Library, url_path: &str) -> Option<Asset> {
    let mut parts = url_path.trim_start_matches('/').split('/');
    let (kind, id) = (parts.next()?, parts.next()?);
    if parts.next().is_some() || !is_catalog_id(id) {
        return None;
    }
    let row = library.photo_by_id(id).ok()??;
    match kind {
        "thumb" => {
            let file = thumbnail_path(&library.thumbnails_dir(), &row.id);
            file.is_file().then_some(Asset {
                file,
                mime: "image/jpeg",
            })
        }
        "photo" => {
            let file = crate::paths::to_path(&row.path);
            file.is_file().then(|| Asset {
                file,
                mime: mime_of(row.format.as_deref()),
            })
        }
        _ => None,
    }
}
