//! Near-duplicate groups: resized, recompressed, lightly cropped or edited copies of a photo,
//! and bursts shot seconds apart. Two photos are a pair when their embeddings agree (cosine
//! at least [`DuplicateSettings::min_cosine`]) and either their perceptual hashes do (at most
//! [`DuplicateSettings::max_hash_distance`] bits apart: [`hash`]) or they were taken within
//! [`DuplicateSettings::burst_seconds`] of each other. Neither signal alone will do: the model
//! finds two photos of the same kind of scene alike, and a hash is fooled by a crop. Pairs
//! join into groups (connected components); a group lists its photos best first (most
//! pixels, then largest file) for a side-by-side choice.
//!
//! Every pair of photos is compared (n^2/2 dot products, blocked over the cores): a second or
//! two for 10,000 photos, about a minute for 50,000. The library keeps the last groups found
//! ([`DuplicateCache`]) and answers again from them while the catalog and the settings are the
//! same: the galleries ask after every search, to stack each group into one tile.

pub(crate) mod hash;

use crate::catalog::dot::DotPath;
use crate::error::Result;
use crate::library::Library;
use crate::search::Hit;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::{Arc, Mutex};

/// The thresholds of a pair, a setting of the app and flags of `iris duplicates`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize, Serialize, ts_rs::TS)]
pub struct DuplicateSettings {
    /// The least cosine of two photos' embeddings.
    pub min_cosine: f32,
    /// The most bits in which their perceptual hashes may differ.
    pub max_hash_distance: u32,
    /// Photos taken at most this many seconds apart (both dated) are a burst whatever their
    /// hashes.
    pub burst_seconds: i64,
}

impl Default for DuplicateSettings {
    fn default() -> Self {
        Self {
            min_cosine: 0.9,
            max_hash_distance: 12,
            burst_seconds: 10,
        }
    }
}

/// Two photos of a group and why they pair.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DuplicatePair {
    pub a: String,
    pub b: String,
    pub cosine: f32,
    /// Bits in which their hashes differ (none when a thumbnail could not be read).
    pub hash_distance: Option<u32>,
    /// Paired as a burst (taken seconds apart).
    pub burst: bool,
}

/// A group of near-duplicates: its photos, best first, and the pairs that join them.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DuplicateGroup {
    pub photos: Vec<Hit>,
    pub pairs: Vec<DuplicatePair>,
}

/// Groups found, with the catalog version and the settings they were found under.
#[derive(Clone)]
struct Found {
    version: u64,
    settings: DuplicateSettings,
    groups: Arc<Vec<DuplicateGroup>>,
}

/// The groups last found, and one search for them at a time: the galleries, the Duplicates
/// view and the background all ask at once after an indexing run, and at 100,000 photos each
/// search holds every core for half a minute (they piled up, five at once, before).
#[derive(Default)]
pub(crate) struct DuplicateCache {
    found: Mutex<Option<Found>>,
    finding: Mutex<()>,
}

/// The root of `i` in a union-find forest, halving paths.
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

impl Library {
    /// The library's near-duplicate groups under `settings`, largest group first; the last
    /// answer again while the catalog and the settings are unchanged. A caller that comes
    /// while the groups are searched for waits for that search and shares its answer.
    pub fn duplicates(&self, settings: &DuplicateSettings) -> Result<Arc<Vec<DuplicateGroup>>> {
        let (_, held) = self.catalog().pinned()?;
        let cache = self.duplicate_cache();
        let version = held.version();
        let known = || {
            let found = cache
                .found
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            found
                .filter(|f| f.version == version && f.settings == *settings)
                .map(|f| f.groups)
        };
        if let Some(groups) = known() {
            return Ok(groups);
        }
        let _one = cache.finding.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(groups) = known() {
            return Ok(groups);
        }
        let groups = Arc::new(self.find_duplicates(&held, settings)?);
        *cache.found.lock().unwrap_or_else(|e| e.into_inner()) = Some(Found {
            version,
            settings: *settings,
            groups: groups.clone(),
        });
        Ok(groups)
    }

    fn find_duplicates(
        &self,
        held: &crate::catalog::Resident,
        settings: &DuplicateSettings,
    ) -> Result<Vec<DuplicateGroup>> {
        let photos = crate::row::one_per_photo(held.each());
        let ids: Vec<&str> = photos.iter().map(|(row, _)| row.id.as_str()).collect();
        let writable = self.writable().is_ok();
        let hashes = hash::hashes(self.dir(), &self.thumbnails_dir(), &ids, writable)?;
        let dot = DotPath::best();
        // By photo index, in compact arrays: the cheap tests (hashes, dates) come first and
        // the cosine only for the few pairs they pass. At 100,000 photos the cosine of every
        // pair (and reading each row's date from its PhotoRow) took minutes, holding every pool
        // thread meanwhile (the map waited behind it).
        let hash_of: Vec<Option<hash::Hashes>> = photos
            .iter()
            .map(|(row, _)| hashes.get(&row.id).copied())
            .collect();
        let taken: Vec<Option<i64>> = photos.iter().map(|(row, _)| row.taken).collect();
        let pairs: Vec<DuplicatePair> = (0..photos.len())
            .into_par_iter()
            .flat_map_iter(|i| {
                let (photos, hash_of, taken) = (&photos, &hash_of, &taken);
                (i + 1..photos.len()).filter_map(move |j| {
                    let hash_distance = match (&hash_of[i], &hash_of[j]) {
                        (Some(a), Some(b)) => Some(hash::distance(a, b)),
                        _ => None,
                    };
                    let burst = matches!((taken[i], taken[j]),
                        (Some(a), Some(b)) if (a - b).abs() <= settings.burst_seconds);
                    let alike = hash_distance.is_some_and(|d| d <= settings.max_hash_distance);
                    if !(alike || burst) {
                        return None;
                    }
                    let ((row_i, v_i), (row_j, v_j)) = (photos[i], photos[j]);
                    let cosine = dot.dot(v_i, v_j);
                    (cosine >= settings.min_cosine).then(|| DuplicatePair {
                        a: row_i.id.clone(),
                        b: row_j.id.clone(),
                        cosine,
                        hash_distance,
                        burst,
                    })
                })
            })
            .collect();
        let index: std::collections::HashMap<&str, usize> =
            ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let mut parent: Vec<usize> = (0..photos.len()).collect();
        for p in &pairs {
            let (a, b) = (
                root(&mut parent, index[p.a.as_str()]),
                root(&mut parent, index[p.b.as_str()]),
            );
            parent[a.max(b)] = a.min(b);
        }
        let mut groups: std::collections::BTreeMap<usize, DuplicateGroup> = Default::default();
        for p in pairs {
            let r = root(&mut parent, index[p.a.as_str()]);
            groups
                .entry(r)
                .or_insert_with(|| DuplicateGroup {
                    photos: Vec::new(),
                    pairs: Vec::new(),
                })
                .pairs
                .push(p);
        }
        for (i, (row, _)) in photos.iter().enumerate() {
            let r = root(&mut parent, i);
            if let Some(g) = groups.get_mut(&r) {
                g.photos.push(crate::search::hit((*row).clone(), 0.0));
            }
        }
        let mut groups: Vec<DuplicateGroup> = groups.into_values().collect();
        let pixels = |h: &Hit| u64::from(h.width.unwrap_or(0)) * u64::from(h.height.unwrap_or(0));
        for g in &mut groups {
            g.photos.sort_by(|a, b| {
                pixels(b)
                    .cmp(&pixels(a))
                    .then(b.size.cmp(&a.size))
                    .then(a.path.cmp(&b.path))
            });
        }
        groups.sort_by(|a, b| {
            b.photos
                .len()
                .cmp(&a.photos.len())
                .then(a.photos[0].path.cmp(&b.photos[0].path))
        });
        Ok(groups)
    }
}
