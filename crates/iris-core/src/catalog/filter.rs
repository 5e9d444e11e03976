//! Typed row filters for the catalog: a conjunction of conditions on the table's columns,
//! turned into LanceDB SQL here and nowhere else, with every string value quoted and escaped
//! (judged in memory with the same verdicts by [`super::judge`]).

use crate::row::Status;

/// One condition on a row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Condition {
    Status(Status),
    NotStatus(Status),
    Root(String),
    /// The path is one of these.
    Paths(Vec<String>),
    /// The content id is one of these.
    Ids(Vec<String>),
    /// The photo lies in this folder or below it (a folder, not a string prefix).
    InFolder(String),
    /// A folder of this name, or this path of folders ("garden/summer"), lies anywhere along
    /// the photo's path (case-insensitive).
    FolderNamed(String),
    /// Dated (taken, else the file time) at or after this time (seconds, the catalog's clock).
    DatedFrom(i64),
    /// Dated before this time.
    DatedBefore(i64),
    /// The field's text holds this word (case-insensitive, as a part of a word too).
    TextHas(TextField, String),
    /// Any of these; none is nothing.
    Any(Vec<Condition>),
    /// All of these; none is everything.
    All(Vec<Condition>),
    /// Not this one (a row whose column is empty is not in it).
    Not(Box<Condition>),
    /// The format is one of these ("jpeg", "png", ...).
    Formats(Vec<String>),
    /// The row has a vector for the catalog's model.
    Embedded,
    /// The row's keyword column is empty (written by an Iris before the keyword index).
    NoKeywords,
}

/// Text fields a search may look words up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextField {
    /// The camera's make and model, and the lens.
    Camera,
    /// The city, region and country.
    Place,
}

impl TextField {
    fn sql(self) -> &'static str {
        match self {
            Self::Camera => "lower(concat_ws(' ', camera, lens))",
            Self::Place => "lower(concat_ws(' ', city, region, country))",
        }
    }
}

/// A photo's date on the catalog's clock: taken, else the file's modification time.
const DATED: &str = "coalesce(taken, mtime_ns / 1000000000)";

/// All of its conditions at once; no condition means every row.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RowFilter {
    conditions: Vec<Condition>,
}

/// Quotes a string as an SQL literal.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A status as the SQL value of an update.
pub(crate) fn status_value(status: Status) -> String {
    quoted(status.as_str())
}

fn quoted_list(values: &[String]) -> String {
    let list: Vec<String> = values.iter().map(|v| quoted(v)).collect();
    list.join(", ")
}

/// The folder itself or anything below it; trailing separators are dropped, so "/" is the
/// whole file system and "/p/a" does not take in "/p/ab".
fn in_folder_sql(folder: &str) -> String {
    let folder = folder.trim_end_matches('/');
    format!(
        "(path = {} OR starts_with(path, {}))",
        quoted(folder),
        quoted(&format!("{folder}/"))
    )
}

fn joined(conditions: &[Condition], op: &str, vector_column: &str) -> String {
    let parts: Vec<String> = conditions.iter().map(|c| c.sql(vector_column)).collect();
    format!("({})", parts.join(op))
}

impl Condition {
    fn sql(&self, vector_column: &str) -> String {
        match self {
            Self::Status(s) => format!("status = {}", quoted(s.as_str())),
            Self::NotStatus(s) => format!("status != {}", quoted(s.as_str())),
            Self::Root(r) => format!("root = {}", quoted(r)),
            // An empty list matches nothing (SQL has no empty IN list).
            Self::Paths(v) if v.is_empty() => "false".into(),
            Self::Ids(v) if v.is_empty() => "false".into(),
            Self::Formats(v) if v.is_empty() => "false".into(),
            Self::Paths(v) => format!("path IN ({})", quoted_list(v)),
            Self::Ids(v) => format!("id IN ({})", quoted_list(v)),
            Self::Formats(v) => format!("format IN ({})", quoted_list(v)),
            Self::InFolder(f) => in_folder_sql(f),
            Self::FolderNamed(name) => {
                let name = name.trim_matches('/').to_lowercase();
                format!("strpos(lower(path), {}) > 0", quoted(&format!("/{name}/")))
            }
            Self::DatedFrom(t) => format!("{DATED} >= {t}"),
            Self::DatedBefore(t) => format!("{DATED} < {t}"),
            Self::TextHas(field, word) => format!(
                "strpos({}, {}) > 0",
                field.sql(),
                quoted(&word.to_lowercase())
            ),
            Self::Any(v) if v.is_empty() => "false".into(),
            Self::All(v) if v.is_empty() => "true".into(),
            Self::Any(v) => joined(v, " OR ", vector_column),
            Self::All(v) => joined(v, " AND ", vector_column),
            Self::Not(c) => format!("NOT coalesce(({}), false)", c.sql(vector_column)),
            Self::Embedded => format!("{vector_column} IS NOT NULL"),
            Self::NoKeywords => format!("{} IS NULL", crate::keywords::COLUMN),
        }
    }
}

impl RowFilter {
    /// Every row.
    pub fn all() -> Self {
        Self::default()
    }

    /// Rows matching one condition.
    pub fn only(condition: Condition) -> Self {
        Self::all().and(condition)
    }

    /// Rows matching all of these conditions.
    pub fn from_conditions(conditions: impl IntoIterator<Item = Condition>) -> Self {
        Self {
            conditions: conditions.into_iter().collect(),
        }
    }

    /// Its conditions, all of which a row must meet.
    pub(crate) fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// This filter with one more condition.
    pub fn and(mut self, condition: Condition) -> Self {
        self.conditions.push(condition);
        self
    }

    /// Whether every row matching `conditions` matches this filter too (each of its
    /// conditions is one of them): no need to ask the table.
    pub fn is_implied_by(&self, conditions: &[Condition]) -> bool {
        self.conditions.iter().all(|c| conditions.contains(c))
    }

    /// The SQL predicate, or None for every row.
    pub fn sql(&self, vector_column: &str) -> Option<String> {
        (!self.conditions.is_empty()).then(|| {
            let parts: Vec<String> = self
                .conditions
                .iter()
                .map(|c| c.sql(vector_column))
                .collect();
            parts.join(" AND ")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_become_sql_with_escaped_values() {
        let f = RowFilter::only(Condition::NotStatus(Status::Failed))
            .and(Condition::Embedded)
            .and(Condition::InFolder("/photos/it's/".into()))
            .and(Condition::DatedFrom(10))
            .and(Condition::Formats(vec![
                "jpeg".into(),
                "x' OR '1'='1".into(),
            ]));
        assert_eq!(
            f.sql("vec_m").unwrap(),
            "status != 'failed' AND vec_m IS NOT NULL AND (path = '/photos/it''s' OR \
             starts_with(path, '/photos/it''s/')) AND coalesce(taken, mtime_ns / 1000000000) \
             >= 10 AND format IN ('jpeg', 'x'' OR ''1''=''1')"
        );
    }

    #[test]
    fn words_folders_and_groups_are_case_insensitive_and_negations_keep_empty_rows() {
        let f = RowFilter::only(Condition::Any(vec![
            Condition::FolderNamed("/2019 Lisbon/".into()),
            Condition::All(vec![Condition::TextHas(TextField::Camera, "EOS".into())]),
        ]))
        .and(Condition::Not(Box::new(Condition::TextHas(
            TextField::Place,
            "O'Hare".into(),
        ))))
        .and(Condition::Any(vec![]))
        .and(Condition::All(vec![]));
        assert_eq!(
            f.sql("v").unwrap(),
            "(strpos(lower(path), '/2019 lisbon/') > 0 OR (strpos(lower(concat_ws(' ', camera, \
             lens)), 'eos') > 0)) AND NOT coalesce((strpos(lower(concat_ws(' ', city, region, \
             country)), 'o''hare') > 0), false) AND false AND true"
        );
    }

    #[test]
    fn no_condition_is_every_row_and_an_empty_list_is_none() {
        assert_eq!(RowFilter::all().sql("v"), None);
        assert_eq!(
            RowFilter::only(Condition::Paths(vec![])).sql("v").unwrap(),
            "false"
        );
    }

    #[test]
    fn the_file_system_root_is_a_folder_too() {
        assert_eq!(
            RowFilter::only(Condition::InFolder("/".into()))
                .sql("v")
                .unwrap(),
            "(path = '' OR starts_with(path, '/'))"
        );
    }
}
