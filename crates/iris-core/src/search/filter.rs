//! Which photos a search or a browse may return: the sidebar's folder and the grammar's
//! filters (`in:`, `after:`, `before:`, `camera:`, `place:`, `type:` and their `-` forms),
//! checked and turned into typed catalog conditions, which the catalog applies before the
//! vector and keyword searches (a prefilter: a narrow filter still returns k photos).
//!
//! Repeating a key widens (`camera:canon camera:sony` is either), different keys narrow
//! (`camera:canon after:2019` is both), and the words of one value must all be found
//! (`camera:"eos 5d"`), case-insensitively. Dates are the photo's date taken, else its file
//! time (what browsing sorts by); `after:D` keeps the photos from the start of D on and
//! `before:D` those before the start of D, so `after:2019 before:2020` is the year 2019.

use crate::calendar::parse_period;
use crate::catalog::{Condition, RowFilter, TextField};
use crate::error::{CoreError, Result};
use crate::formats::{is_raw_format_name, raw_format_names};
use crate::grammar::FilterKey;
use crate::row::Status;

/// Restrictions on which photos may be returned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Only photos in this folder (an absolute path) or below it: the sidebar's folder.
    pub folder: Option<String>,
    /// `in:` folders, any of them: absolute paths, or names and paths below a root
    /// ("2019 Lisbon", "garden/summer") found anywhere along a photo's path.
    pub in_folders: Vec<String>,
    /// `-in:` folders, left out.
    pub not_in_folders: Vec<String>,
    /// Only photos dated at or after this time (seconds, the catalog's clock).
    pub taken_after: Option<i64>,
    /// Only photos dated before this time.
    pub taken_before: Option<i64>,
    /// `camera:` values, any of them, each a set of words the camera or lens holds.
    pub cameras: Vec<String>,
    pub not_cameras: Vec<String>,
    /// `place:` values, any of them, each a set of words the city, region or country holds.
    pub places: Vec<String>,
    pub not_places: Vec<String>,
    /// Only these catalog formats ("jpg", "png", "heic", "cr2", ...).
    pub formats: Vec<String>,
    pub not_formats: Vec<String>,
    /// `tag:` names, every one of them, as typed (English or Chinese).
    pub tags: Vec<String>,
    pub not_tags: Vec<String>,
    /// The content ids the `tag:` names admit (all of `tags`) and those `-tag:` names leave
    /// out: the library resolves the names before a search ([`crate::Library::search`]).
    pub tagged: Option<Vec<String>>,
    pub not_tagged: Vec<String>,
}

/// The catalog formats a `type:` word names: what the catalog stores ("jpg" for JPEG, "tif"
/// for TIFF, a RAW's extension) under the names people use.
pub(crate) fn formats_named(word: &str) -> Result<Vec<String>> {
    let word = word.trim().to_lowercase();
    let names: Vec<&str> = match word.as_str() {
        "jpeg" | "jpg" => vec!["jpg", "jpeg"],
        "tiff" | "tif" => vec!["tif", "tiff"],
        "heif" => vec!["heif", "heic"],
        "raw" => raw_format_names().collect(),
        "heic" | "avif" | "png" | "webp" | "gif" | "bmp" => vec![word.as_str()],
        w if is_raw_format_name(w) => vec![w],
        _ => {
            return Err(CoreError::Invalid(format!(
                "unknown type \"{word}\": one of jpeg, png, heic, heif, avif, webp, gif, bmp, \
                 tiff, raw, or a RAW's extension (dng, cr2, cr3, nef, arw, raf, ...)"
            )))
        }
    };
    Ok(names.into_iter().map(String::from).collect())
}

fn date(key: FilterKey, value: &str) -> Result<crate::calendar::Period> {
    parse_period(value.trim()).ok_or_else(|| {
        CoreError::Invalid(format!(
            "{}:{value} is not a date: write a year, a month or a day (2019, 2019-07, \
             2019-07-14)",
            key.word()
        ))
    })
}

impl Filter {
    /// Adds one filter of the grammar (`negated` for its `-` form), checking its value.
    pub fn add(&mut self, key: FilterKey, negated: bool, value: &str) -> Result<()> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(());
        }
        let push = |list: &mut Vec<String>| {
            if !list.iter().any(|v| v == value) {
                list.push(value.to_string());
            }
        };
        match (key, negated) {
            (FilterKey::In, false) => push(&mut self.in_folders),
            (FilterKey::In, true) => push(&mut self.not_in_folders),
            (FilterKey::Camera, false) => push(&mut self.cameras),
            (FilterKey::Camera, true) => push(&mut self.not_cameras),
            (FilterKey::Place, false) => push(&mut self.places),
            (FilterKey::Place, true) => push(&mut self.not_places),
            (FilterKey::Tag, false) => push(&mut self.tags),
            (FilterKey::Tag, true) => push(&mut self.not_tags),
            // Not after D is before D, and not before D is after it.
            (FilterKey::After, false) | (FilterKey::Before, true) => {
                let start = date(key, value)?.start;
                self.taken_after = Some(self.taken_after.map_or(start, |t| t.max(start)));
            }
            (FilterKey::Before, false) | (FilterKey::After, true) => {
                let start = date(key, value)?.start;
                self.taken_before = Some(self.taken_before.map_or(start, |t| t.min(start)));
            }
            (FilterKey::Type, _) => {
                let list = if negated {
                    &mut self.not_formats
                } else {
                    &mut self.formats
                };
                for word in value.split([',', '|']).filter(|w| !w.trim().is_empty()) {
                    for format in formats_named(word)? {
                        if !list.contains(&format) {
                            list.push(format);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether nothing is restricted.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The catalog rows a search may return: readable photos matching every restriction.
    pub(crate) fn rows(&self) -> RowFilter {
        let mut rows = RowFilter::only(Condition::NotStatus(Status::Failed));
        if let Some(folder) = &self.folder {
            rows = rows.and(Condition::InFolder(folder.clone()));
        }
        let folder = |f: &String| {
            if f.starts_with('/') {
                Condition::InFolder(f.clone())
            } else {
                Condition::FolderNamed(f.clone())
            }
        };
        let words = |field: TextField, value: &String| {
            Condition::All(
                value
                    .split_whitespace()
                    .map(|w| Condition::TextHas(field, w.to_string()))
                    .collect(),
            )
        };
        let groups = [
            (&self.in_folders, &self.not_in_folders, None),
            (&self.cameras, &self.not_cameras, Some(TextField::Camera)),
            (&self.places, &self.not_places, Some(TextField::Place)),
        ];
        for (any, none, field) in groups {
            let condition = |v: &String| field.map_or_else(|| folder(v), |f| words(f, v));
            if !any.is_empty() {
                rows = rows.and(Condition::Any(any.iter().map(condition).collect()));
            }
            for v in none {
                rows = rows.and(Condition::Not(Box::new(condition(v))));
            }
        }
        if let Some(t) = self.taken_after {
            rows = rows.and(Condition::DatedFrom(t));
        }
        if let Some(t) = self.taken_before {
            rows = rows.and(Condition::DatedBefore(t));
        }
        if let Some(ids) = &self.tagged {
            rows = rows.and(Condition::Ids(ids.clone()));
        }
        if !self.not_tagged.is_empty() {
            rows = rows.and(Condition::Not(Box::new(Condition::Ids(
                self.not_tagged.clone(),
            ))));
        }
        if !self.formats.is_empty() {
            rows = rows.and(Condition::Formats(self.formats.clone()));
        }
        if !self.not_formats.is_empty() {
            rows = rows.and(Condition::Not(Box::new(Condition::Formats(
                self.not_formats.clone(),
            ))));
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::days_from_civil;

    #[test]
    fn filters_become_typed_row_conditions() {
        let mut f = Filter {
            folder: Some("/photos/a".into()),
            ..Filter::default()
        };
        f.add(FilterKey::In, false, "2019 Lisbon").unwrap();
        f.add(FilterKey::In, false, "/photos/b").unwrap();
        f.add(FilterKey::In, true, "trash").unwrap();
        f.add(FilterKey::Camera, false, "eos 5d").unwrap();
        f.add(FilterKey::After, false, "2019").unwrap();
        f.add(FilterKey::Type, false, "jpeg,png").unwrap();
        let has = |field, w: &str| Condition::TextHas(field, w.into());
        assert_eq!(
            f.rows(),
            RowFilter::only(Condition::NotStatus(Status::Failed))
                .and(Condition::InFolder("/photos/a".into()))
                .and(Condition::Any(vec![
                    Condition::FolderNamed("2019 Lisbon".into()),
                    Condition::InFolder("/photos/b".into()),
                ]))
                .and(Condition::Not(Box::new(Condition::FolderNamed(
                    "trash".into()
                ))))
                .and(Condition::Any(vec![Condition::All(vec![
                    has(TextField::Camera, "eos"),
                    has(TextField::Camera, "5d"),
                ])]))
                .and(Condition::DatedFrom(days_from_civil(2019, 1, 1) * 86_400))
                .and(Condition::Formats(vec![
                    "jpg".into(),
                    "jpeg".into(),
                    "png".into()
                ]))
        );
    }

    #[test]
    fn dates_narrow_and_negated_dates_turn_round() {
        let day = |y, m, d| days_from_civil(y, m, d) * 86_400;
        let mut f = Filter::default();
        f.add(FilterKey::After, false, "2018").unwrap();
        f.add(FilterKey::After, false, "2019-07").unwrap();
        f.add(FilterKey::Before, false, "2020").unwrap();
        f.add(FilterKey::Before, false, "2019-07-14").unwrap();
        assert_eq!(f.taken_after, Some(day(2019, 7, 1)), "the later start wins");
        assert_eq!(
            f.taken_before,
            Some(day(2019, 7, 14)),
            "the earlier end wins"
        );
        let mut g = Filter::default();
        g.add(FilterKey::After, true, "2019").unwrap();
        g.add(FilterKey::Before, true, "2010").unwrap();
        assert_eq!(
            (g.taken_after, g.taken_before),
            (Some(day(2010, 1, 1)), Some(day(2019, 1, 1)))
        );
    }

    #[test]
    fn bad_values_are_clear_errors_and_raw_names_every_raw() {
        let mut f = Filter::default();
        let e = f.add(FilterKey::After, false, "yesterday").unwrap_err();
        assert!(
            e.to_string().contains("after:yesterday is not a date"),
            "{e}"
        );
        let e = f.add(FilterKey::Type, false, "docx").unwrap_err();
        assert!(e.to_string().contains("unknown type \"docx\""), "{e}");
        f.add(FilterKey::Type, true, "RAW").unwrap();
        assert_eq!(f.not_formats.len(), raw_format_names().count());
        assert!(f.not_formats.iter().all(|x| is_raw_format_name(x)));
        assert!(Filter::default().is_empty() && !f.is_empty());
    }
}
