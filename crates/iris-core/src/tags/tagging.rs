//! Every photo's tags, up to date, held in memory by the library ([`TagCache`]) and on disk
//! ([`super::store`]). Bringing them up to date is cheap when little changed: the vocabulary
//! is compared with the one held (a user tag added makes the tags again), the photos with
//! the catalog's (new ones are tagged, gone ones dropped), and the file is written only when
//! something changed.

use super::calibrate::{self, Competition};
use super::store::{self, StoredTag, StoredTags};
use super::{prompts, PhotoTag, Tag, MIN_PROBABILITY, TEMPLATES, USER_CATEGORY};
use crate::error::Result;
use crate::library::Library;
use rayon::prelude::*;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// The vocabulary as the calibration sees it, with every photo's tags.
#[derive(Clone)]
pub(crate) struct Tagging {
    pub(crate) vocabulary: Vec<Tag>,
    competition: Competition,
    pub(crate) stored: StoredTags,
}

/// The library's tags in memory, for one model.
#[derive(Default)]
pub(crate) struct TagCache(Mutex<Option<Arc<Tagging>>>);

impl Tagging {
    pub(crate) fn given(&self, id: &str) -> Vec<PhotoTag> {
        self.stored.photos.get(id).map_or_else(Vec::new, |list| {
            list.iter()
                .map(|&(t, probability, cosine)| PhotoTag {
                    tag: self.vocabulary[t as usize].clone(),
                    probability,
                    cosine,
                })
                .collect()
        })
    }

    /// The index of the tag named `name` (English or Chinese, any case).
    pub(crate) fn index_of(&self, name: &str) -> Option<usize> {
        let name = name.trim().to_lowercase();
        self.vocabulary.iter().position(|t| {
            t.name.to_lowercase() == name || (!t.chinese.is_empty() && t.chinese == name)
        })
    }

    /// The photos given tag `t` with their cosines with it, the closest first.
    pub(crate) fn photos_with(&self, t: usize) -> Vec<(&str, f32)> {
        let mut found: Vec<(&str, f32)> = self
            .stored
            .photos
            .iter()
            .filter_map(|(id, list)| {
                list.iter()
                    .find(|g| g.0 as usize == t)
                    .map(|g| (id.as_str(), g.2))
            })
            .collect();
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        found
    }
}

/// The competition of `vocabulary` for this library's model and its stamp, or `None` when
/// tags lack embeddings and `embed_missing` is false.
fn competition(
    library: &Library,
    vocabulary: &[Tag],
    embed_missing: bool,
) -> Result<Option<(Competition, String)>> {
    let column = library.catalog().vector_column();
    let names: Vec<&str> = vocabulary.iter().map(|t| t.name.as_str()).collect();
    let writable = library.writable().is_ok();
    let clip = library.clip();
    let Some(embeddings) =
        prompts::embeddings(library.dir(), column, clip, &names, writable, embed_missing)?
    else {
        return Ok(None);
    };
    let dim = clip.dim();
    let mut categories: Vec<&str> = Vec::new();
    let mut group_of: Vec<usize> = Vec::new();
    for tag in vocabulary.iter().filter(|t| t.category != USER_CATEGORY) {
        let g = match categories.iter().position(|c| *c == tag.category) {
            Some(g) => g,
            None => {
                categories.push(&tag.category);
                categories.len() - 1
            }
        };
        group_of.push(g);
    }
    let flat: Vec<f32> = embeddings.concat();
    let (shipped, user) = flat.split_at(group_of.len() * dim);
    let user_groups = calibrate::groups_of_user_tags(shipped, &group_of, user, dim);
    let shipped = group_of.len();
    group_of.extend(user_groups);
    let keyed: Vec<(&str, usize)> = names
        .iter()
        .copied()
        .zip(group_of.iter().copied())
        .collect();
    let logit_scale = clip.logit_scale();
    let stamp = store::stamp(
        &keyed,
        &format!("{MIN_PROBABILITY} {TEMPLATES:?} {logit_scale}"),
    );
    let competition = Competition {
        embeddings: flat,
        dim,
        group_of,
        shipped,
        logit_scale,
    };
    Ok(Some((competition, stamp)))
}

impl Library {
    /// Every photo's tags, brought up to date: new photos tagged, gone ones dropped, and all
    /// tagged again when the vocabulary changed. With `embed_missing` false, `None` when the
    /// vocabulary is not embedded yet (for this model: the first tagging embeds about 5,000
    /// sentences, which a search does not wait for).
    pub(crate) fn tagging(&self, embed_missing: bool) -> Result<Option<Arc<Tagging>>> {
        let mut held = self.tag_cache().0.lock().unwrap_or_else(|e| e.into_inner());
        let vocabulary = self.tag_vocabulary()?;
        if let Some(t) = held.as_ref().filter(|t| t.vocabulary == vocabulary) {
            if self.in_step(t)? {
                return Ok(Some(t.clone()));
            }
        }
        let (competition, stored) = match held.take() {
            Some(t) if t.vocabulary == vocabulary => {
                let t = Arc::try_unwrap(t).unwrap_or_else(|shared| (*shared).clone());
                (t.competition, t.stored)
            }
            _ => {
                let Some((c, stamp)) = competition(self, &vocabulary, embed_missing)? else {
                    return Ok(None);
                };
                let column = self.catalog().vector_column();
                let stored = store::read(self.dir(), column)
                    .filter(|s| s.stamp == stamp)
                    .unwrap_or_else(|| StoredTags::new(stamp));
                (c, stored)
            }
        };
        let mut tagging = Tagging {
            vocabulary,
            competition,
            stored,
        };
        if self.bring_up_to_date(&mut tagging)? {
            let column = self.catalog().vector_column();
            if self.writable().is_ok() {
                // The tags are a cache: a library on a read-only medium still gets them.
                match store::write(self.dir(), column, &tagging.stored) {
                    Err(e) if !e.is_read_only() => return Err(e),
                    _ => {}
                }
            }
        }
        let tagging = Arc::new(tagging);
        *held = Some(tagging.clone());
        Ok(Some(tagging))
    }

    /// Whether `tagging` has exactly the catalog's photos.
    fn in_step(&self, tagging: &Tagging) -> Result<bool> {
        let (_, held) = self.catalog().pinned()?;
        let mut present: HashSet<&str> = HashSet::new();
        for (row, _) in held.each() {
            if present.insert(&row.id) && !tagging.stored.photos.contains_key(&row.id) {
                return Ok(false);
            }
        }
        Ok(present.len() == tagging.stored.photos.len())
    }

    /// Tags the catalog's photos that `tagging` lacks and drops those the catalog no longer
    /// has; whether anything changed.
    fn bring_up_to_date(&self, tagging: &mut Tagging) -> Result<bool> {
        let (_, held) = self.catalog().pinned()?;
        let mut present: HashSet<&str> = HashSet::new();
        let mut missing: Vec<(&str, &[f32])> = Vec::new();
        for (row, vector) in held.each() {
            if present.insert(&row.id) && !tagging.stored.photos.contains_key(&row.id) {
                missing.push((&row.id, vector));
            }
        }
        let before = tagging.stored.photos.len();
        tagging
            .stored
            .photos
            .retain(|id, _| present.contains(id.as_str()));
        let dropped = tagging.stored.photos.len() != before;
        let competition = &tagging.competition;
        let tagged: Vec<(String, Vec<StoredTag>)> = missing
            .par_iter()
            .map(|(id, vector)| {
                let given = competition
                    .tag(vector)
                    .into_iter()
                    .map(|g| (g.tag as u32, g.probability, g.cosine))
                    .collect();
                (id.to_string(), given)
            })
            .collect();
        let added = !tagged.is_empty();
        tagging.stored.photos.extend(tagged);
        Ok(dropped || added)
    }
}
