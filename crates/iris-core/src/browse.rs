//! Browsing without a query: every photo of the library (or of a filter's part of it) newest
//! first, by date taken, else by the file's modification time, so that photos without a date
//! still sit where they were made. Identical copies are one photo, an online copy preferred,
//! and a RAW+JPEG pair is one ([`crate::pairs`]).

use crate::catalog::Catalog;
use crate::error::Result;
use crate::row::{PhotoRow, Status};
use crate::search::{hit, Filter, Hit};
use std::collections::HashMap;

/// Seconds since the epoch a photo sorts by: taken, else the file's modification time.
pub(crate) fn when(row: &PhotoRow) -> i64 {
    row.taken.unwrap_or(row.mtime_ns.div_euclid(1_000_000_000))
}

/// The photos `filter` admits, newest first, one per content id.
pub(crate) fn browse(catalog: &Catalog, filter: &Filter) -> Result<Vec<Hit>> {
    let rows = filter.rows();
    let n = catalog.count(&rows)?;
    let mut by_id: HashMap<String, PhotoRow> = HashMap::with_capacity(n);
    for row in catalog.rows(&rows, false, n)? {
        // The first copy found stays, unless a later one is online and it is not.
        let replace = by_id
            .get(&row.id)
            .is_none_or(|old| old.status != Status::Ok && row.status == Status::Ok);
        if replace {
            by_id.insert(row.id.clone(), row);
        }
    }
    let mut photos: Vec<PhotoRow> = by_id.into_values().collect();
    photos.sort_by(|a, b| when(b).cmp(&when(a)).then_with(|| a.path.cmp(&b.path)));
    Ok(crate::pairs::collapse(
        photos.into_iter().map(|row| hit(row, 0.0)).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_taken_comes_first_then_the_file_time() {
        let mut row = PhotoRow::failed("/p/a.jpg".into(), "/p".into(), "a".into(), 1, 0, "".into());
        row.mtime_ns = 1_700_000_000_999_999_999;
        assert_eq!(when(&row), 1_700_000_000);
        row.taken = Some(1_500_000_000);
        assert_eq!(when(&row), 1_500_000_000);
        row.taken = None;
        row.mtime_ns = -1;
        assert_eq!(when(&row), -1, "before 1970 rounds down");
    }
}
