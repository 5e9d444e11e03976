//! A photo's text for the keyword index (BM25 over the catalog's `keywords` column): its file
//! name, the folders from its root down, camera and lens, place names and the date words of
//! its date taken (not of a file time, which a copy resets: an undated photo copied in
//! December must not answer "winter"; the date filters do fall back to it). It is
//! made from the row's own fields whenever the row is written, so it is always in step with
//! them; LanceDB's tokenizer splits it into lower-case words (on spaces and punctuation:
//! "IMG_0042.JPG" is "img 0042 jpg"), stems them and drops stop words.

use crate::calendar::date_words;
use crate::row::PhotoRow;

/// The name of the catalog column that holds it.
pub(crate) const COLUMN: &str = "keywords";

/// The keyword text of a row, one field per line.
pub(crate) fn keywords(row: &PhotoRow) -> String {
    let path = crate::paths::to_path(&row.path);
    let mut lines: Vec<String> = Vec::new();
    if let Some(name) = path.file_name() {
        lines.push(name.to_string_lossy().into_owned());
    }
    // The root's own name ("Pictures") and every folder below it; not the folders above the
    // root, which every photo shares ("home", the user's name).
    let root = crate::paths::to_path(&row.root);
    let below = path.parent().and_then(|p| p.strip_prefix(&root).ok());
    let mut folders: Vec<String> = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .into_iter()
        .collect();
    if let Some(below) = below {
        folders.extend(below.iter().map(|c| c.to_string_lossy().into_owned()));
    }
    if !folders.is_empty() {
        lines.push(folders.join(" / "));
    }
    let fields = [&row.camera, &row.lens, &row.city, &row.region, &row.country];
    lines.extend(fields.into_iter().flatten().cloned());
    if let Some(taken) = row.taken {
        lines.push(date_words(taken, row.lat));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::days_from_civil;

    #[test]
    fn a_row_is_found_by_its_name_folders_camera_place_and_date() {
        let mut row = PhotoRow::failed(
            "/home/ann/Pictures/2019 Lisbon/day 2/IMG_0042.JPG".into(),
            "/home/ann/Pictures".into(),
            "id".into(),
            1,
            0,
            String::new(),
        );
        row.camera = Some("Canon EOS 5D".into());
        row.lens = Some("EF24-105mm f/4L".into());
        row.city = Some("Lisbon".into());
        row.country = Some("Portugal".into());
        row.taken = Some(days_from_civil(2019, 7, 14) * 86_400);
        row.lat = Some(38.7);
        assert_eq!(
            keywords(&row),
            "IMG_0042.JPG\nPictures / 2019 Lisbon / day 2\nCanon EOS 5D\nEF24-105mm f/4L\n\
             Lisbon\nPortugal\n2019 july summer"
        );
    }

    #[test]
    fn an_undated_photo_has_no_date_words_and_one_outside_its_root_no_folders() {
        let mut row =
            PhotoRow::failed("/x/a.png".into(), "/r".into(), "id".into(), 1, 0, "".into());
        row.mtime_ns = days_from_civil(2021, 1, 5) * 86_400 * 1_000_000_000;
        assert_eq!(keywords(&row), "a.png\nr");
    }
}
