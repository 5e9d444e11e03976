//! Few-shot smart albums: a handful of chosen photos (and any marked "not this") train a
//! classifier over the stored embeddings ([`classifier`]) that ranks the whole library; the
//! album is its members (probability at least [`MEMBER_PROBABILITY`]) with their scores.
//! Accepting or rejecting a suggestion adds it to the examples and the album is ranked
//! again. Only the examples are kept ([`store`]), so an album follows newly indexed photos.

mod classifier;
pub mod eval;
mod store;

pub use store::Album;

use crate::error::{CoreError, Result};
use crate::library::Library;
use crate::random::Random;
use crate::row::PhotoRow;
use crate::search::Hit;
use classifier::Classifier;
use serde::Serialize;
use std::collections::HashSet;

/// The probability from which a photo is a member of an album.
pub const MEMBER_PROBABILITY: f32 = 0.5;
/// The most library photos sampled as background for training.
const BACKGROUND: usize = 1000;

/// An album in the list: its name, member and example counts.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AlbumSummary {
    pub name: String,
    pub photos: usize,
    pub examples: usize,
}

/// An album's members, most probable first: each a hit whose `score` is the classifier's
/// probability, with whether the user chose it (an example) or the classifier suggests it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AlbumView {
    #[serde(flatten)]
    #[ts(flatten)]
    pub album: Album,
    pub photos: Vec<AlbumPhoto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AlbumPhoto {
    #[serde(flatten)]
    #[ts(flatten)]
    pub hit: Hit,
    /// One of the photos the album was made from or the user accepted.
    pub example: bool,
}

/// A seed from the album's name: the same album samples the same background.
fn seed(name: &str) -> u64 {
    let hash = blake3::hash(name.as_bytes());
    u64::from_le_bytes(hash.as_bytes()[..8].try_into().unwrap_or_default())
}

/// Each photo's probability of belonging to `album`, in the order of `photos`.
pub(crate) fn rank(album: &Album, photos: &[(&PhotoRow, &[f32])], dim: usize) -> Vec<f32> {
    // Centred on the library's mean: the direction every photo shares says nothing about
    // which belong, and the classifier learns from what sets photos apart.
    let mut mean = vec![0f32; dim];
    for (_, v) in photos {
        mean.iter_mut().zip(v.iter()).for_each(|(m, x)| *m += x);
    }
    let n = photos.len().max(1) as f32;
    mean.iter_mut().for_each(|m| *m /= n);
    let centred: Vec<Vec<f32>> = photos
        .iter()
        .map(|(_, v)| {
            let mut c: Vec<f32> = v.iter().zip(&mean).map(|(x, m)| x - m).collect();
            let norm = c
                .iter()
                .map(|x| x * x)
                .sum::<f32>()
                .sqrt()
                .max(f32::MIN_POSITIVE);
            c.iter_mut().for_each(|x| *x /= norm);
            c
        })
        .collect();
    let positives: HashSet<&str> = album.positives.iter().map(String::as_str).collect();
    let negatives: HashSet<&str> = album.negatives.iter().map(String::as_str).collect();
    let pick = |set: &HashSet<&str>| -> Vec<&[f32]> {
        photos
            .iter()
            .zip(&centred)
            .filter(|((row, _), _)| set.contains(row.id.as_str()))
            .map(|(_, v)| v.as_slice())
            .collect()
    };
    let others: Vec<&[f32]> = photos
        .iter()
        .zip(&centred)
        .filter(|((row, _), _)| {
            !positives.contains(row.id.as_str()) && !negatives.contains(row.id.as_str())
        })
        .map(|(_, v)| v.as_slice())
        .collect();
    let mut random = Random::new(seed(&album.name));
    let background: Vec<&[f32]> = random
        .sample(others.len(), BACKGROUND.min(others.len()))
        .into_iter()
        .map(|i| others[i])
        .collect();
    let model = Classifier::train(&pick(&positives), &pick(&negatives), &background, dim);
    centred.iter().map(|v| model.probability(v)).collect()
}

impl Library {
    /// Runs `f` over every embedded photo once (see [`crate::row::one_per_photo`]), with the
    /// vectors the catalog holds in memory (no copy of them).
    pub(crate) fn with_photos<T>(&self, f: impl FnOnce(&[(&PhotoRow, &[f32])]) -> T) -> Result<T> {
        let (_, held) = self.catalog().pinned()?;
        Ok(f(&crate::row::one_per_photo(held.each())))
    }

    fn view(&self, album: Album, photos: &[(&PhotoRow, &[f32])]) -> AlbumView {
        let scores = rank(&album, photos, self.clip().dim());
        let chosen: HashSet<&str> = album.positives.iter().map(String::as_str).collect();
        let refused: HashSet<&str> = album.negatives.iter().map(String::as_str).collect();
        let mut members: Vec<AlbumPhoto> = photos
            .iter()
            .zip(scores)
            .filter(|((row, _), p)| {
                let id = row.id.as_str();
                chosen.contains(id) || (*p >= MEMBER_PROBABILITY && !refused.contains(id))
            })
            .map(|((row, _), p)| AlbumPhoto {
                example: chosen.contains(row.id.as_str()),
                hit: crate::search::hit((*row).clone(), p),
            })
            .collect();
        members.sort_by(|a, b| {
            b.hit
                .score
                .total_cmp(&a.hit.score)
                .then(a.hit.id.cmp(&b.hit.id))
        });
        AlbumView {
            album,
            photos: members,
        }
    }

    /// Ids that are not indexed photos, as an error naming the first.
    fn check_ids(&self, ids: &[String]) -> Result<()> {
        for id in ids {
            if self.photo_by_id(id)?.is_none() {
                return Err(CoreError::Invalid(format!(
                    "no indexed photo has the id \"{id}\""
                )));
            }
        }
        Ok(())
    }

    /// Makes an album from `positives` (at least one) and `negatives`, by content id.
    pub fn create_album(
        &self,
        name: &str,
        positives: &[String],
        negatives: &[String],
    ) -> Result<AlbumView> {
        self.writable()?;
        let name = store::checked_name(name)?;
        if positives.is_empty() {
            return Err(CoreError::Invalid(
                "an album is made from at least one photo".into(),
            ));
        }
        self.check_ids(positives)?;
        self.check_ids(negatives)?;
        let album = Album {
            name: name.clone(),
            positives: dedup(positives),
            negatives: dedup(negatives)
                .into_iter()
                .filter(|n| !positives.contains(n))
                .collect(),
        };
        let made = album.clone();
        store::update(self.dir(), move |albums| {
            if albums.iter().any(|a| a.name == name) {
                return Err(CoreError::Invalid(format!(
                    "an album named \"{name}\" exists already"
                )));
            }
            albums.push(made);
            Ok((true, ()))
        })?;
        self.with_photos(|photos| self.view(album, photos))
    }

    /// The albums with their member counts, in the order they were made.
    pub fn albums(&self) -> Result<Vec<AlbumSummary>> {
        let albums = store::read(self.dir())?;
        self.with_photos(|photos| {
            albums
                .into_iter()
                .map(|album| {
                    let examples = album.positives.len() + album.negatives.len();
                    let view = self.view(album, photos);
                    AlbumSummary {
                        name: view.album.name,
                        photos: view.photos.len(),
                        examples,
                    }
                })
                .collect()
        })
    }

    /// One album's members with their scores.
    pub fn album(&self, name: &str) -> Result<AlbumView> {
        let albums = store::read(self.dir())?;
        let album = albums[store::position(&albums, name)?].clone();
        self.with_photos(|photos| self.view(album, photos))
    }

    /// Relevance feedback: `accepted` photos become examples of the album and `rejected` ones
    /// are marked "not this" (each moving out of the other list); the album is ranked again.
    pub fn album_feedback(
        &self,
        name: &str,
        accepted: &[String],
        rejected: &[String],
    ) -> Result<AlbumView> {
        self.writable()?;
        self.check_ids(accepted)?;
        self.check_ids(rejected)?;
        let album = store::update(self.dir(), |albums| {
            let at = store::position(albums, name)?;
            let album = &mut albums[at];
            for id in accepted {
                album.negatives.retain(|n| n != id);
                if !album.positives.contains(id) {
                    album.positives.push(id.clone());
                }
            }
            for id in rejected {
                album.positives.retain(|p| p != id);
                if !album.negatives.contains(id) {
                    album.negatives.push(id.clone());
                }
            }
            if album.positives.is_empty() {
                return Err(CoreError::Invalid(format!(
                    "\"{}\" would have no photo left to learn from",
                    album.name
                )));
            }
            Ok((true, album.clone()))
        })?;
        self.with_photos(|photos| self.view(album, photos))
    }

    /// Renames an album.
    pub fn rename_album(&self, name: &str, new_name: &str) -> Result<()> {
        self.writable()?;
        let new_name = store::checked_name(new_name)?;
        store::update(self.dir(), |albums| {
            let at = store::position(albums, name)?;
            if albums.iter().any(|a| a.name == new_name) && albums[at].name != new_name {
                return Err(CoreError::Invalid(format!(
                    "an album named \"{new_name}\" exists already"
                )));
            }
            albums[at].name = new_name;
            Ok((true, ()))
        })
    }

    /// Deletes an album (its photos stay in the library); whether there was one.
    pub fn delete_album(&self, name: &str) -> Result<bool> {
        self.writable()?;
        store::update(self.dir(), |albums| {
            let before = albums.len();
            albums.retain(|a| a.name != name.trim());
            let deleted = albums.len() != before;
            Ok((deleted, deleted))
        })
    }
}

/// `ids` without repeats, in order.
fn dedup(ids: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.iter()
        .filter(|id| seen.insert(id.as_str()))
        .cloned()
        .collect()
}
