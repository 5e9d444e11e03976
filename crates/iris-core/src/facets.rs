//! The library's cameras, places and years with their photo counts, for the sidebar's filter
//! menus: each entry is a value a filter takes (`camera:"Canon EOS 5D"`, `place:Lisbon`,
//! `after:2019 before:2020`). A photo counts once however many copies it has; failed files
//! are not photos.

use crate::calendar::civil_from_days;
use crate::catalog::{Catalog, Condition, RowFilter};
use crate::error::Result;
use crate::row::{PhotoRow, Status};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One menu entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Facet {
    /// The filter's value: a camera, a place name, a year.
    pub value: String,
    /// Photos with it.
    pub photos: usize,
}

/// The three menus, each by count (most photos first), years newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Facets {
    pub cameras: Vec<Facet>,
    /// Cities (else regions, else countries) where photos were taken.
    pub places: Vec<Facet>,
    /// Years photos are dated in (taken, else the file time).
    pub years: Vec<Facet>,
}

fn year(row: &PhotoRow) -> String {
    civil_from_days(crate::browse::when(row).div_euclid(86_400))
        .0
        .to_string()
}

fn place(row: &PhotoRow) -> Option<String> {
    row.city
        .clone()
        .or_else(|| row.region.clone())
        .or_else(|| row.country.clone())
}

fn menu(counts: HashMap<String, usize>) -> Vec<Facet> {
    let mut out: Vec<Facet> = counts
        .into_iter()
        .map(|(value, photos)| Facet { value, photos })
        .collect();
    out.sort_by(|a, b| b.photos.cmp(&a.photos).then_with(|| a.value.cmp(&b.value)));
    out
}

/// The menus of the catalog's photos.
pub(crate) fn facets(catalog: &Catalog) -> Result<Facets> {
    let photos = RowFilter::only(Condition::NotStatus(Status::Failed));
    let n = catalog.count(&photos)?;
    let mut seen = HashSet::new();
    let (mut cameras, mut places, mut years) = (HashMap::new(), HashMap::new(), HashMap::new());
    for row in catalog.rows(&photos, false, n)? {
        if !seen.insert(row.id.clone()) {
            continue;
        }
        for (counts, value) in [
            (&mut cameras, row.camera.clone()),
            (&mut places, place(&row)),
            (&mut years, Some(year(&row))),
        ] {
            if let Some(v) = value {
                *counts.entry(v).or_insert(0) += 1;
            }
        }
    }
    let mut years = menu(years);
    years.sort_by(|a, b| b.value.cmp(&a.value));
    Ok(Facets {
        cameras: menu(cameras),
        places: menu(places),
        years,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menus_count_photos_most_first_and_years_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path(), "v", 2).unwrap();
        let row = |path: &str, id: &str, camera: Option<&str>, city: Option<&str>, year: i64| {
            let mut r = PhotoRow::failed(path.into(), "/r".into(), id.into(), 1, 0, "".into());
            r.status = Status::Ok;
            r.camera = camera.map(String::from);
            r.city = city.map(String::from);
            r.taken = Some(crate::calendar::days_from_civil(year, 6, 1) * 86_400);
            r
        };
        let mut failed = row("/r/bad.jpg", "bad", Some("Broken"), None, 2001);
        failed.status = Status::Failed;
        catalog
            .upsert(&[
                row("/r/a.jpg", "a", Some("Canon EOS 5D"), Some("Lisbon"), 2019),
                row(
                    "/r/copy-of-a.jpg",
                    "a",
                    Some("Canon EOS 5D"),
                    Some("Lisbon"),
                    2019,
                ),
                row("/r/b.jpg", "b", Some("Pixel 7"), Some("Lisbon"), 2018),
                row("/r/c.jpg", "c", Some("Pixel 7"), None, 2021),
                row("/r/d.jpg", "d", Some("Pixel 7"), Some("Kyoto"), 2019),
                failed,
            ])
            .unwrap();
        let f = facets(&catalog).unwrap();
        let pairs = |m: &[Facet]| -> Vec<(String, usize)> {
            m.iter().map(|f| (f.value.clone(), f.photos)).collect()
        };
        assert_eq!(
            pairs(&f.cameras),
            [("Pixel 7".into(), 3), ("Canon EOS 5D".into(), 1)]
        );
        assert_eq!(
            pairs(&f.places),
            [("Lisbon".into(), 2), ("Kyoto".into(), 1)]
        );
        assert_eq!(
            pairs(&f.years),
            [("2021".into(), 1), ("2019".into(), 2), ("2018".into(), 1)]
        );
    }
}
