//! The library map: every photo laid out in 2-D by its embedding ([`layout`]: UMAP on up to
//! 4,096 landmarks, the rest placed among them), so that similar photos sit together. The map
//! is cached in the library per model ([`store`]); photos indexed later are placed among the
//! landmarks without moving the others, until they outnumber the photos of the last full
//! layout (the library has doubled), when it is laid out again. Identical copies are one
//! point, as in browsing.

mod layout;
mod reduce;
mod store;
mod umap;

use crate::error::Result;
use crate::library::Library;
pub use layout::{Progress as MapProgress, Stage as MapStage, LANDMARKS};
use serde::Serialize;

/// The seed of every layout: the same library and model give the same map.
const SEED: u64 = 0x1A15_0005;

/// One photo on the map.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct MapPoint {
    pub id: String,
    pub path: String,
    pub x: f32,
    pub y: f32,
    /// Date taken (EXIF), seconds since the epoch in the camera's local time.
    pub taken: Option<i64>,
}

/// The 2-D positions of `vectors` (rows of `dim`) as the map lays them out with `seed`, UMAP
/// running on at most `landmarks` of them ([`LANDMARKS`] in the app): for benchmarks and
/// figures over embeddings that are not in a library.
pub fn positions(vectors: &[f32], dim: usize, seed: u64, landmarks: usize) -> Vec<[f32; 2]> {
    layout::lay_out(vectors, dim, seed, landmarks, &mut |_| {}).positions
}

/// The share of each point's `k` nearest neighbours (Euclidean, among `points`: rows of
/// `width`) that carry its label: how well a map (or the embedding space itself) keeps like
/// with like.
pub fn same_label_share(points: &[f32], width: usize, labels: &[usize], k: usize) -> f32 {
    let found = umap::nearest(points, points, width, k, true);
    let (same, all) = found
        .iter()
        .enumerate()
        .fold((0usize, 0usize), |(same, all), (i, list)| {
            let alike = list
                .iter()
                .filter(|(j, _)| labels[*j as usize] == labels[i]);
            (same + alike.count(), all + list.len())
        });
    same as f32 / all.max(1) as f32
}

/// The map of a library: its points, and whether this answer changed the cached map.
#[derive(Debug, Clone, PartialEq)]
pub struct LibraryMap {
    pub points: Vec<MapPoint>,
    /// The map was laid out, or new photos were placed on it, by this call (false when the
    /// cached map held every photo already): what tells the app to show the map again.
    pub updated: bool,
}

impl Library {
    /// Stores the map for the next time, unless the library must not be written (a newer
    /// Iris's, or its folder gone): the map is then computed again when asked for.
    fn keep_map(&self, column: &str, map: &store::StoredMap) -> Result<()> {
        match self.writable() {
            Ok(()) => store::write(self.dir(), column, map),
            Err(_) => Ok(()),
        }
    }

    /// Every embedded photo's place on the map, computing what the cached map lacks: the
    /// whole layout when there is none (or the library has doubled since), else the new
    /// photos' places among the landmarks. `progress` follows the stages of that work (and
    /// hears nothing when the cached map holds every photo).
    pub fn map(&self, progress: &mut dyn FnMut(MapProgress)) -> Result<LibraryMap> {
        let (_, held) = self.catalog().pinned()?;
        let photos = crate::row::one_per_photo(held.each());
        let column = self.catalog().vector_column().to_string();
        let stored = store::read(self.dir(), &column)
            .filter(|m| m.anchors.projection.dim == self.clip().dim());
        let missing: Vec<usize> = match &stored {
            Some(m) => (0..photos.len())
                .filter(|&i| !m.points.contains_key(&photos[i].0.id))
                .collect(),
            None => (0..photos.len()).collect(),
        };
        let updated = !(stored.is_some() && missing.is_empty());
        if updated {
            // No progress at all when the cached map answers: a view shows none.
            progress(MapProgress {
                stage: MapStage::Reading,
                done: 0,
                total: 1,
            });
        }
        let stored = match stored {
            Some(m) if missing.is_empty() => m,
            Some(mut m) if missing.len() <= m.laid_out => {
                let vectors: Vec<f32> =
                    missing.iter().flat_map(|&i| photos[i].1.to_vec()).collect();
                let placed = m.anchors.place(&vectors);
                for (&i, p) in missing.iter().zip(placed) {
                    m.points.insert(photos[i].0.id.clone(), p);
                }
                self.keep_map(&column, &m)?;
                m
            }
            _ => {
                let vectors: Vec<f32> = photos.iter().flat_map(|(_, v)| v.to_vec()).collect();
                let layout =
                    layout::lay_out(&vectors, self.clip().dim(), SEED, LANDMARKS, progress);
                let points = photos
                    .iter()
                    .zip(&layout.positions)
                    .map(|((row, _), p)| (row.id.clone(), *p))
                    .collect();
                let m = store::StoredMap::new(photos.len(), layout.anchors, points);
                self.keep_map(&column, &m)?;
                m
            }
        };
        let points = photos
            .iter()
            .filter_map(|(row, _)| {
                let [x, y] = *stored.points.get(&row.id)?;
                Some(MapPoint {
                    id: row.id.clone(),
                    path: row.path.clone(),
                    x,
                    y,
                    taken: row.taken,
                })
            })
            .collect();
        Ok(LibraryMap { points, updated })
    }
}
