//! Row filters judged on rows held in memory ([`super::resident`]) with the same verdicts as
//! their SQL ([`super::filter`]): a NULL there is false here, as a WHERE clause and the
//! `NOT coalesce(.., false)` of a negation have it; words and folder names compare
//! lower-cased as `lower()` does. A filter is prepared once per query (its words lower-cased,
//! its folder names made into "/name/") and each held row carries its lower-cased texts, made
//! once when it is read, so judging 100,000 rows allocates nothing.

use super::{Condition, RowFilter, TextField};
use crate::row::PhotoRow;

/// A row held in memory: its metadata and the lower-cased texts filters look words up in.
pub(crate) struct HeldRow {
    pub(crate) row: PhotoRow,
    /// The path, lower-cased.
    path: String,
    /// The camera and lens, joined by a space as `concat_ws` does, lower-cased.
    camera: String,
    /// The city, region and country, joined likewise.
    place: String,
}

/// The words of these fields joined by spaces, lower-cased, as `lower(concat_ws(' ', ..))`.
fn joined_lower(fields: &[&Option<String>]) -> String {
    let words: Vec<&str> = fields.iter().filter_map(|f| f.as_deref()).collect();
    words.join(" ").to_lowercase()
}

impl HeldRow {
    pub(crate) fn new(row: PhotoRow) -> Self {
        Self {
            path: row.path.to_lowercase(),
            camera: joined_lower(&[&row.camera, &row.lens]),
            place: joined_lower(&[&row.city, &row.region, &row.country]),
            row,
        }
    }
}

/// A filter prepared for judging held rows.
pub(crate) struct Judge(Vec<Condition>);

/// The condition with its words lower-cased and folder names as the "/name/" looked for.
fn prepared(condition: &Condition) -> Condition {
    match condition {
        Condition::FolderNamed(name) => {
            Condition::FolderNamed(format!("/{}/", name.trim_matches('/').to_lowercase()))
        }
        Condition::TextHas(field, word) => Condition::TextHas(*field, word.to_lowercase()),
        Condition::Any(v) => Condition::Any(v.iter().map(prepared).collect()),
        Condition::All(v) => Condition::All(v.iter().map(prepared).collect()),
        Condition::Not(c) => Condition::Not(Box::new(prepared(c))),
        other => other.clone(),
    }
}

/// Whether `path` is `folder` or lies below it, as the SQL of `InFolder` has it.
fn in_folder(path: &str, folder: &str) -> bool {
    let folder = folder.trim_end_matches('/');
    path.strip_prefix(folder)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// A prepared condition's verdict on a held row (one with a vector). The keyword text is not
/// held: a filter asking of it is never judged here ([`Judge::can_judge`]).
fn admits(condition: &Condition, held: &HeldRow) -> bool {
    let row = &held.row;
    let dated = || row.taken.unwrap_or(row.mtime_ns / 1_000_000_000);
    match condition {
        Condition::Status(s) => row.status == *s,
        Condition::NotStatus(s) => row.status != *s,
        Condition::Root(r) => row.root == *r,
        Condition::Paths(v) => v.contains(&row.path),
        Condition::Ids(v) => v.contains(&row.id),
        Condition::Formats(v) => row.format.as_ref().is_some_and(|f| v.contains(f)),
        Condition::InFolder(f) => in_folder(&row.path, f),
        Condition::FolderNamed(pattern) => held.path.contains(pattern.as_str()),
        Condition::DatedFrom(t) => dated() >= *t,
        Condition::DatedBefore(t) => dated() < *t,
        Condition::TextHas(TextField::Camera, word) => held.camera.contains(word.as_str()),
        Condition::TextHas(TextField::Place, word) => held.place.contains(word.as_str()),
        Condition::Any(v) => v.iter().any(|c| admits(c, held)),
        Condition::All(v) => v.iter().all(|c| admits(c, held)),
        Condition::Not(c) => !admits(c, held),
        Condition::Embedded => true,
        Condition::NoKeywords => false,
    }
}

impl Judge {
    pub(crate) fn new(filter: &RowFilter) -> Self {
        Self(filter.conditions().iter().map(prepared).collect())
    }

    /// Whether the filter can be judged in memory at all (it needs no column not held).
    pub(crate) fn can_judge(&self) -> bool {
        fn held_only(c: &Condition) -> bool {
            match c {
                Condition::NoKeywords => false,
                Condition::Any(v) | Condition::All(v) => v.iter().all(held_only),
                Condition::Not(c) => held_only(c),
                _ => true,
            }
        }
        self.0.iter().all(held_only)
    }

    /// Whether the filter admits `held` (for a filter it [can judge](Self::can_judge)).
    pub(crate) fn admits(&self, held: &HeldRow) -> bool {
        self.0.iter().all(|c| admits(c, held))
    }
}
