//! Labelled search queries over a [`crate::generate_trips`] library, of three kinds: visual
//! (a demo caption, "a red circle"), keyword (a file name, a folder word, a place, a year, a
//! camera), mixed (a caption with a place, a year or a camera: "a red circle in lisbon") and
//! combined (a caption with a photo of it, for early against late fusion), each with the
//! photos its labels make relevant.

use crate::TripPhoto;
use std::collections::BTreeMap;

/// One labelled query.
#[derive(Debug, Clone, PartialEq)]
pub struct TripQuery {
    pub text: String,
    /// "visual", "keyword", "mixed" or "combined".
    pub kind: &'static str,
    /// Paths (relative to the library folder) of the relevant photos.
    pub relevant: Vec<String>,
    /// Photos (relative paths) searched with the words: "combined" queries.
    pub images: Vec<String>,
}

/// Visual queries asked, the most frequent captions.
const VISUAL: usize = 12;
/// Captions combined with each keyword in mixed queries.
const MIXED_CAPTIONS: usize = 6;

/// Whether a photo answers a keyword query: a place, a folder word, a year or a camera.
fn answers(photo: &TripPhoto, word: &str) -> bool {
    let has = |s: &Option<String>| {
        s.as_deref()
            .is_some_and(|s| s.to_lowercase().contains(word))
    };
    photo.folder.to_lowercase().contains(word)
        || has(&photo.city)
        || has(&photo.camera)
        || photo.year.is_some_and(|y| y.to_string() == word)
}

fn relevant(photos: &[TripPhoto], keep: impl Fn(&TripPhoto) -> bool) -> Vec<String> {
    photos
        .iter()
        .filter(|p| keep(p))
        .map(|p| p.path.clone())
        .collect()
}

/// "a red circle": a caption of one colour and one shape.
fn is_simple(caption: &str) -> bool {
    let words: Vec<&str> = caption.split(' ').collect();
    words.len() == 3 && matches!(words[0], "a" | "an")
}

/// The queries of a trips library.
pub fn trip_queries(photos: &[TripPhoto]) -> Vec<TripQuery> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for p in photos {
        for c in p.captions.iter().filter(|c| is_simple(c)) {
            *counts.entry(c).or_insert(0) += 1;
        }
    }
    let mut captions: Vec<(&str, usize)> = counts.into_iter().collect();
    captions.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let shows = |p: &TripPhoto, c: &str| p.captions.iter().any(|x| x == c);
    let mut out = Vec::new();
    for &(caption, _) in captions.iter().take(VISUAL) {
        out.push(TripQuery {
            text: caption.to_string(),
            kind: "visual",
            relevant: relevant(photos, |p| shows(p, caption)),
            images: Vec::new(),
        });
    }
    let words = [
        "lisbon", "kyoto", "paris", "2019", "2021", "2022", "canon", "pixel", "garden", "scans",
        "weekend",
    ];
    for word in words {
        out.push(TripQuery {
            text: word.to_string(),
            kind: "keyword",
            relevant: relevant(photos, |p| answers(p, word)),
            images: Vec::new(),
        });
    }
    for photo in photos.iter().step_by(7).take(6) {
        let name = photo.path.rsplit('/').next().unwrap_or_default();
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        out.push(TripQuery {
            text: stem.to_string(),
            kind: "keyword",
            relevant: vec![photo.path.clone()],
            images: Vec::new(),
        });
    }
    for &(caption, _) in captions.iter().take(MIXED_CAPTIONS) {
        for (word, phrase) in [
            ("lisbon", "in lisbon"),
            ("kyoto", "in kyoto"),
            ("2019", "2019"),
            ("2022", "2022"),
            ("canon", "canon"),
        ] {
            let wanted = relevant(photos, |p| shows(p, caption) && answers(p, word));
            if !wanted.is_empty() {
                out.push(TripQuery {
                    text: format!("{caption} {phrase}"),
                    kind: "mixed",
                    relevant: wanted,
                    images: Vec::new(),
                });
            }
        }
    }
    // Words with a photo of the same caption: the other photos of it are relevant.
    for &(caption, _) in captions.iter().take(MIXED_CAPTIONS) {
        let with: Vec<&TripPhoto> = photos.iter().filter(|p| shows(p, caption)).collect();
        if let [example, others @ ..] = with.as_slice() {
            out.push(TripQuery {
                text: caption.to_string(),
                kind: "combined",
                relevant: others.iter().map(|p| p.path.clone()).collect(),
                images: vec![example.path.clone()],
            });
        }
    }
    out.retain(|q| !q.relevant.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(
        path: &str,
        caption: &str,
        folder: &str,
        year: Option<i32>,
        city: Option<&str>,
    ) -> TripPhoto {
        TripPhoto {
            path: path.into(),
            captions: vec![caption.into(), format!("a photo of {caption}")],
            folder: folder.into(),
            year,
            camera: Some("Canon EOS 5D Mark IV".into()),
            city: city.map(String::from),
        }
    }

    #[test]
    fn queries_of_each_kind_name_the_photos_their_labels_make_relevant() {
        let photos = [
            photo(
                "2019 Lisbon/IMG_0001.JPG",
                "a red circle",
                "2019 Lisbon",
                Some(2019),
                Some("Lisbon"),
            ),
            photo(
                "Camera Roll/x.jpg",
                "a red circle",
                "Camera Roll",
                Some(2023),
                Some("Lisbon"),
            ),
            photo(
                "old scans/scan 001.jpg",
                "a blue star",
                "old scans",
                None,
                None,
            ),
        ];
        let q = trip_queries(&photos);
        let find = |text: &str| q.iter().find(|q| q.text == text).unwrap();
        assert_eq!(find("a red circle").relevant.len(), 2);
        assert_eq!(find("a red circle").kind, "visual");
        assert_eq!(find("lisbon").relevant.len(), 2, "by folder or by city");
        assert_eq!(find("2019").relevant, ["2019 Lisbon/IMG_0001.JPG"]);
        assert_eq!(find("IMG_0001").relevant, ["2019 Lisbon/IMG_0001.JPG"]);
        assert_eq!(find("a red circle 2019").kind, "mixed");
        assert_eq!(find("a red circle in lisbon").relevant.len(), 2);
        assert!(
            q.iter().all(|q| q.text != "a blue star 2019"),
            "nothing relevant: not asked"
        );
    }
}
