//! A synthetic catalog for search benchmarks: `n` photo rows with random unit vectors and
//! generated camera file names, trip folders, dates, cameras and places, written in large
//! commits, compacted, with the keyword index built, searched through the same code as a
//! library's search once the query vector is made (no model, no image files).

use crate::calendar::days_from_civil;
use crate::catalog::Catalog;
use crate::error::Result;
use crate::random::Random;
use crate::row::{PhotoRow, Status};
use crate::search::{first_stage_depth, search_by_vector, Hit, Query, QueryVectors};
use std::path::Path;

/// Rows per commit while writing.
const CHUNK: usize = 10_000;

const PLACES: [(&str, &str, f64); 10] = [
    ("Lisbon", "Portugal", 38.7),
    ("Kyoto", "Japan", 35.0),
    ("Paris", "France", 48.9),
    ("Honolulu", "United States", 21.3),
    ("Sydney", "Australia", -33.9),
    ("Berlin", "Germany", 52.5),
    ("Cape Town", "South Africa", -33.9),
    ("Reykjavik", "Iceland", 64.1),
    ("Mexico City", "Mexico", 19.4),
    ("Seoul", "South Korea", 37.6),
];
const CAMERAS: [&str; 5] = [
    "Canon EOS 5D Mark IV",
    "Pixel 7",
    "iPhone 13",
    "SONY ILCE-7M3",
    "NIKON D750",
];
const FOLDERS: [&str; 6] = [
    "Camera Roll",
    "garden",
    "family",
    "work",
    "screenshots",
    "scans",
];

/// Row `i`: a trip folder of a year and a place ("2019 Lisbon") or an everyday folder,
/// a camera's file name, a date in that year, the camera and the place.
fn row(i: usize, dim: usize, random: &mut Random) -> PhotoRow {
    let year = 2010 + random.below(16) as i64;
    let (city, country, lat) = PLACES[random.below(PLACES.len())];
    let folder = if random.below(3) == 0 {
        FOLDERS[random.below(FOLDERS.len())].to_string()
    } else {
        format!("{year} {city}")
    };
    let path = format!("/bench/{folder}/IMG_{i:06}.JPG");
    let mut r = PhotoRow::failed(
        path,
        "/bench".into(),
        format!("{i:016x}"),
        1 << 20,
        0,
        String::new(),
    );
    r.status = Status::Ok;
    r.reason = None;
    r.format = Some("jpg".into());
    r.taken = Some(days_from_civil(year, 1, 1) * 86_400 + random.below(365 * 86_400) as i64);
    r.camera = Some(CAMERAS[random.below(CAMERAS.len())].into());
    r.city = Some(city.into());
    r.country = Some(country.into());
    r.lat = Some(lat);
    r.vector = Some(random.unit_vector(dim));
    r
}

/// A synthetic catalog open for searching.
pub struct SyntheticCatalog {
    catalog: Catalog,
    dim: usize,
    random: Random,
    /// The directions clustered rows lie around (none: uniform rows).
    centres: Vec<Vec<f32>>,
}

/// How far a clustered row lies from its centre: noise of this norm, about, before the row
/// is made a unit vector (cosine to the centre about 0.64, as photos of one subject are).
pub(crate) const CLUSTER_NOISE: f32 = 1.2;

/// A unit vector near `centre`, by noise of norm about `noise`.
pub(crate) fn near(centre: &[f32], noise: f32, random: &mut Random) -> Vec<f32> {
    let spread = noise / (centre.len() as f32).sqrt();
    let mut v: Vec<f32> = centre
        .iter()
        .map(|c| c + spread * random.normal())
        .collect();
    crate::search::vector::normalize(&mut v);
    v
}

impl SyntheticCatalog {
    /// Writes `n` rows of uniformly random `dim`-dimensional unit vectors into a new catalog
    /// in `dir`.
    pub fn create(dir: &Path, n: usize, dim: usize, seed: u64) -> Result<Self> {
        Self::create_with(dir, n, dim, 0, seed)
    }

    /// [`SyntheticCatalog::create`] with each row's vector near one of `clusters` random
    /// directions: embeddings of a library's many subjects, as an approximate index meets
    /// them (uniform vectors have no neighbours worth the name).
    pub fn create_clustered(
        dir: &Path,
        n: usize,
        dim: usize,
        clusters: usize,
        seed: u64,
    ) -> Result<Self> {
        Self::create_with(dir, n, dim, clusters, seed)
    }

    fn create_with(dir: &Path, n: usize, dim: usize, clusters: usize, seed: u64) -> Result<Self> {
        let catalog = Catalog::open(dir, "vec_synthetic", dim)?;
        let mut random = Random::new(seed);
        let centres: Vec<Vec<f32>> = (0..clusters).map(|_| random.unit_vector(dim)).collect();
        for start in (0..n).step_by(CHUNK) {
            let rows: Vec<PhotoRow> = (start..n.min(start + CHUNK))
                .map(|i| {
                    let mut r = row(i, dim, &mut random);
                    if !centres.is_empty() {
                        r.vector = Some(near(
                            &centres[random.below(clusters)],
                            CLUSTER_NOISE,
                            &mut random,
                        ));
                    }
                    r
                })
                .collect();
            catalog.upsert(&rows)?;
        }
        catalog.compact_if_fragmented()?;
        catalog.update_keyword_index()?;
        Ok(Self {
            catalog,
            dim,
            random,
            centres,
        })
    }

    /// A random unit query vector: near one of the clusters' centres when the rows are
    /// clustered (a query about one of the library's subjects), else uniform.
    pub fn query_vector(&mut self) -> Vec<f32> {
        if self.centres.is_empty() {
            return self.random.unit_vector(self.dim);
        }
        let centre = self.centres[self.random.below(self.centres.len())].clone();
        near(&centre, CLUSTER_NOISE, &mut self.random)
    }

    /// Rows from which search builds and uses the approximate index (see
    /// [`crate::ANN_ABOVE_ROWS`]), from the next table version read.
    pub fn set_ann_above_rows(&self, rows: usize) {
        self.catalog.set_ann_above_rows(rows);
    }

    /// Reads the catalog into memory if it is not, and says whether its approximate index
    /// is built.
    pub fn vector_index_ready(&self) -> Result<bool> {
        self.catalog.vector_index_ready()
    }

    /// The first `count` rows with their vectors: photos of the library to search by
    /// themselves.
    pub fn rows_with_vectors(&self, count: usize) -> Result<Vec<PhotoRow>> {
        self.catalog
            .rows(&crate::catalog::RowFilter::all(), true, count)
    }

    /// The vector search's `query.k` nearest rows matching the query's filter by one exact
    /// pass: what the approximate index is measured against.
    pub fn exact_search(&self, query: &Query, vector: &[f32]) -> Result<Vec<PhotoRow>> {
        let found = self.exact_search_scored(query, vector)?;
        Ok(found.into_iter().map(|(row, _)| row).collect())
    }

    /// [`Self::exact_search`] with each row's cosine with `vector`.
    pub fn exact_search_scored(
        &self,
        query: &Query,
        vector: &[f32],
    ) -> Result<Vec<(PhotoRow, f32)>> {
        self.catalog
            .exact_nearest(vector, query.k, &query.filter.rows())
    }

    /// Searches as [`crate::Library::search`] does once the query's vector is made.
    pub fn search(&self, query: &Query, vector: &[f32]) -> Result<Vec<Hit>> {
        search_by_vector(
            &self.catalog,
            query,
            &QueryVectors::single(vector.to_vec()),
            &[],
        )
    }

    /// The baseline of the vector search: LanceDB's flat search with the query's filter as a
    /// prefilter, as deep as the search's first stage (2k + 8), its rows best first.
    pub fn lancedb_flat_search(&self, query: &Query, vector: &[f32]) -> Result<Vec<PhotoRow>> {
        let found = self.catalog.lancedb_nearest(
            vector,
            first_stage_depth(query.k),
            &query.filter.rows(),
        )?;
        Ok(found.into_iter().map(|(row, _)| row).collect())
    }
}

/// Fills `library` with `n` synthetic photos for the desktop map's benchmark: the rows of
/// [`SyntheticCatalog`] under `root` (registered as a root, then removed: an unplugged drive,
/// whose photos stay in the catalog, offline), each vector near its folder's own direction, so
/// that folders form regions of the map.
pub fn fill_library(library: &crate::Library, root: &Path, n: usize, seed: u64) -> Result<()> {
    let dim = library.clip().dim();
    std::fs::create_dir_all(root).map_err(|e| crate::CoreError::io(root, e))?;
    library.add_roots(&[root.to_path_buf()])?;
    std::fs::remove_dir(root).map_err(|e| crate::CoreError::io(root, e))?;
    let root_text = root.to_string_lossy().into_owned();
    let mut random = Random::new(seed);
    let mut centres: std::collections::HashMap<String, Vec<f32>> = Default::default();
    for start in (0..n).step_by(CHUNK) {
        let rows: Vec<PhotoRow> = (start..n.min(start + CHUNK))
            .map(|i| {
                let mut r = row(i, dim, &mut random);
                let folder = r.path.trim_start_matches("/bench/").to_string();
                let folder = folder.rsplit_once('/').map_or("", |(f, _)| f).to_string();
                r.path = format!("{root_text}/{folder}/IMG_{i:06}.JPG");
                r.root = root_text.clone();
                r.status = Status::Offline;
                let centre = centres
                    .entry(folder)
                    .or_insert_with(|| random.unit_vector(dim))
                    .clone();
                r.vector = Some(near(&centre, 1.5, &mut random));
                r
            })
            .collect();
        library.catalog().upsert(&rows)?;
    }
    library.catalog().compact_if_fragmented()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_synthetic_catalog_answers_filtered_hybrid_queries_with_k_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SyntheticCatalog::create(dir.path(), 300, 8, 1).unwrap();
        let v = s.query_vector();
        let q = Query {
            k: 10,
            ..Query::from_text("lisbon after:2015").unwrap()
        };
        let hits = s.search(&q, &v).unwrap();
        assert_eq!(hits.len(), 10);
        let first = hits
            .iter()
            .position(|h| h.place.as_deref() != Some("Lisbon, Portugal"));
        assert!(first.is_none_or(|p| p >= 5), "Lisbon first: {hits:?}");
        assert!(hits
            .iter()
            .all(|h| h.taken.unwrap() >= days_from_civil(2015, 1, 1) * 86_400));
    }
}
