//! RAW+JPEG pairs: a camera set to RAW+JPEG writes IMG_0001.CR2 beside IMG_0001.JPG, one
//! photo in two files. Both stay in the catalog (each its own row and embedding), but in
//! results they are one: the RAW's hit is dropped when its sibling (same folder, same name
//! but for the extension, any case; a JPEG, HEIC or other decoded format) is among the hits,
//! and that sibling's hit names the RAW in `raw_sibling`. The two embed almost alike, so a
//! search ranks them side by side; a RAW whose sibling is not among the hits stays.

use crate::search::Hit;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Folder and lower-case file stem: what the two files of a pair share.
fn pair_key(path: &str) -> Option<(String, String)> {
    let p = Path::new(path);
    let stem = p.file_stem()?.to_string_lossy().to_lowercase();
    Some((p.parent()?.to_string_lossy().into_owned(), stem))
}

/// Collapses each RAW+JPEG pair among `hits` into the JPEG's hit, keeping the order.
pub(crate) fn collapse(hits: Vec<Hit>) -> Vec<Hit> {
    let is_raw = |h: &Hit| {
        h.format
            .as_deref()
            .is_some_and(crate::formats::is_raw_format_name)
    };
    let mut raw_of: HashMap<(String, String), String> = HashMap::new();
    for h in hits.iter().filter(|h| is_raw(h)) {
        if let Some(key) = pair_key(&h.path) {
            raw_of.entry(key).or_insert_with(|| h.path.clone());
        }
    }
    if raw_of.is_empty() {
        return hits;
    }
    let mut paired: HashSet<String> = HashSet::new();
    let mut out: Vec<Hit> = hits
        .into_iter()
        .map(|mut h| {
            if !is_raw(&h) {
                if let Some(raw) = pair_key(&h.path).and_then(|k| raw_of.get(&k)) {
                    paired.insert(raw.clone());
                    h.raw_sibling = Some(raw.clone());
                }
            }
            h
        })
        .collect();
    out.retain(|h| !paired.contains(&h.path));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(path: &str, format: &str) -> Hit {
        Hit {
            path: path.into(),
            score: 0.5,
            id: path.into(),
            size: 1,
            taken: None,
            modified: 0,
            width: None,
            height: None,
            format: Some(format.into()),
            camera: None,
            lens: None,
            place: None,
            raw_sibling: None,
            online: true,
            matched: false,
        }
    }

    #[test]
    fn a_raw_beside_its_jpeg_is_one_hit_that_names_the_raw() {
        let hits = vec![
            hit("/p/IMG_0001.CR2", "cr2"),
            hit("/p/IMG_0002.jpg", "jpeg"),
            hit("/p/img_0001.JPG", "jpeg"),
            hit("/q/IMG_0002.NEF", "nef"),
            hit("/p/IMG_0003.DNG", "dng"),
        ];
        let out = collapse(hits);
        let paths: Vec<&str> = out.iter().map(|h| h.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/p/IMG_0002.jpg",
                "/p/img_0001.JPG",
                "/q/IMG_0002.NEF",
                "/p/IMG_0003.DNG"
            ]
        );
        assert_eq!(out[1].raw_sibling.as_deref(), Some("/p/IMG_0001.CR2"));
        assert_eq!(
            out[0].raw_sibling, None,
            "another folder's RAW is no sibling"
        );
    }
}
