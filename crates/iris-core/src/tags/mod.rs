//! Zero-shot tags: every embedded photo gets the tags of a vocabulary ([`vocabulary`]) that
//! the model sees in it, with scores ([`calibrate`]), from its stored embedding and each
//! tag's prompt-ensemble embedding ([`prompts`]): one matrix product per photo, no image
//! decoding. The tags are cached per model ([`store`]) and brought up to date when they are
//! asked for: new photos are tagged, and a changed vocabulary tags every photo again. They
//! answer `tag:` filters, and a query's words that name a tag find its photos as the keyword
//! index's words do.

mod calibrate;
mod prompts;
mod store;
mod vocabulary;

pub use calibrate::MIN_PROBABILITY;
pub use prompts::TEMPLATES;
pub use vocabulary::{Tag, USER_CATEGORY};

use crate::error::{CoreError, Result};
use crate::library::Library;
use calibrate::Competition;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use store::StoredTags;

/// A tag of the library with the number of photos given it (the sidebar's list).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct TagCount {
    #[serde(flatten)]
    #[ts(flatten)]
    pub tag: Tag,
    pub photos: usize,
}

/// A tag given to one photo, with its scores ("what the model sees").
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct PhotoTag {
    #[serde(flatten)]
    #[ts(flatten)]
    pub tag: Tag,
    /// Probability within the tag's category at the model's temperature (the score that
    /// gives the tag: at least [`MIN_PROBABILITY`]).
    pub probability: f32,
    /// Cosine of the photo with the tag's ensemble embedding.
    pub cosine: f32,
}

/// The vocabulary with every photo's tags, up to date.
struct Tagging {
    vocabulary: Vec<Tag>,
    stored: StoredTags,
}

impl Tagging {
    fn given(&self, id: &str) -> Vec<PhotoTag> {
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
    fn index_of(&self, name: &str) -> Option<usize> {
        let name = name.trim().to_lowercase();
        self.vocabulary.iter().position(|t| {
            t.name.to_lowercase() == name || (!t.chinese.is_empty() && t.chinese == name)
        })
    }

    /// The photos given tag `t` with their cosines with it, the closest first.
    fn photos_with(&self, t: usize) -> Vec<(&str, f32)> {
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

/// The tags that `text` names: an English name as whole words in it, or a Chinese name
/// anywhere in it ("dog on a beach" names "dog" and "beach"; 海边的狗 names 狗).
fn named_in(text: &str, vocabulary: &[Tag]) -> Vec<usize> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    vocabulary
        .iter()
        .enumerate()
        .filter(|(_, tag)| {
            let name: Vec<&str> = tag.name.split_whitespace().collect();
            let english = !name.is_empty()
                && words
                    .windows(name.len())
                    .any(|w| w.iter().zip(&name).all(|(w, n)| same_word(w, n)));
            let chinese = !tag.chinese.is_empty() && lower.contains(&tag.chinese);
            english || chinese
        })
        .map(|(i, _)| i)
        .collect()
}

/// Whether a query's word is a tag's word or its plural ("dogs", "beaches").
fn same_word(word: &str, name: &str) -> bool {
    word == name
        || word
            .strip_prefix(name)
            .is_some_and(|rest| rest == "s" || rest == "es")
}

impl Library {
    /// The tag vocabulary of this library's model: the shipped tags, then the user's.
    pub fn tag_vocabulary(&self) -> Result<Vec<Tag>> {
        let mut tags = vocabulary::shipped(self.model_name());
        tags.extend(
            vocabulary::user_tags(self.dir())?
                .into_iter()
                .map(|name| Tag {
                    name,
                    chinese: String::new(),
                    category: USER_CATEGORY.into(),
                }),
        );
        Ok(tags)
    }

    /// Every photo's tags, computing what the cache lacks.
    fn tagging(&self) -> Result<Tagging> {
        let vocabulary = self.tag_vocabulary()?;
        let column = self.catalog().vector_column().to_string();
        let writable = self.writable().is_ok();
        let names: Vec<&str> = vocabulary.iter().map(|t| t.name.as_str()).collect();
        let embeddings = prompts::embeddings(self.dir(), &column, self.clip(), &names, writable)?;
        let dim = self.clip().dim();
        let mut categories: Vec<&str> = Vec::new();
        let mut group_of: Vec<usize> = Vec::new();
        let shipped = vocabulary
            .iter()
            .take_while(|t| t.category != USER_CATEGORY);
        for tag in shipped {
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
        let (shipped_rows, user_rows) = flat.split_at(group_of.len() * dim);
        let user_groups = calibrate::groups_of_user_tags(shipped_rows, &group_of, user_rows, dim);
        group_of.extend(user_groups);
        let competition = Competition {
            embeddings: flat,
            dim,
            group_of,
            logit_scale: self.clip().logit_scale(),
        };
        let keyed: Vec<(&str, usize)> = names
            .iter()
            .copied()
            .zip(competition.group_of.iter().copied())
            .collect();
        let settings = format!(
            "{MIN_PROBABILITY} {:?} {}",
            TEMPLATES, competition.logit_scale
        );
        let stamp = store::stamp(&keyed, &settings);
        let mut stored = store::read(self.dir(), &column)
            .filter(|s| s.stamp == stamp)
            .unwrap_or_else(|| StoredTags::new(stamp));
        let (_, held) = self.catalog().pinned()?;
        let mut present: HashSet<&str> = HashSet::new();
        let mut missing: Vec<(&str, &[f32])> = Vec::new();
        for (row, vector) in held.each() {
            if present.insert(&row.id) && !stored.photos.contains_key(&row.id) {
                missing.push((&row.id, vector));
            }
        }
        let before = stored.photos.len();
        stored.photos.retain(|id, _| present.contains(id.as_str()));
        let mut changed = stored.photos.len() != before;
        if !missing.is_empty() {
            let tagged: Vec<(String, Vec<store::StoredTag>)> = missing
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
            stored.photos.extend(tagged);
            changed = true;
        }
        if changed && writable {
            // The tags are a cache: a library on a read-only medium still gets them.
            match store::write(self.dir(), &column, &stored) {
                Err(e) if !e.is_read_only() => return Err(e),
                _ => {}
            }
        }
        Ok(Tagging { vocabulary, stored })
    }

    /// The library's tags with their photo counts, most photos first (tags no photo has are
    /// left out).
    pub fn tags(&self) -> Result<Vec<TagCount>> {
        let tagging = self.tagging()?;
        let mut counts = vec![0usize; tagging.vocabulary.len()];
        for list in tagging.stored.photos.values() {
            for g in list {
                counts[g.0 as usize] += 1;
            }
        }
        let mut out: Vec<TagCount> = tagging
            .vocabulary
            .into_iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(tag, photos)| TagCount { tag, photos })
            .collect();
        out.sort_by(|a, b| b.photos.cmp(&a.photos).then(a.tag.name.cmp(&b.tag.name)));
        Ok(out)
    }

    /// The tags given to the photo with content id `id`, most probable first.
    pub fn photo_tags(&self, id: &str) -> Result<Vec<PhotoTag>> {
        Ok(self.tagging()?.given(id))
    }

    /// Adds a user tag (a word or phrase): every photo is tagged again with it; whether it
    /// was new.
    pub fn add_tag(&self, name: &str) -> Result<bool> {
        self.writable()?;
        let shipped = vocabulary::shipped(self.model_name());
        vocabulary::add_user_tag(self.dir(), &shipped, name)
    }

    /// Removes a user tag; whether there was one.
    pub fn remove_tag(&self, name: &str) -> Result<bool> {
        self.writable()?;
        vocabulary::remove_user_tag(self.dir(), name)
    }

    /// `query` with its `tag:` filters resolved to photo ids, and the photos given the tags
    /// its words name (at most `depth`): the keyword side's tag list. The list is ranked by
    /// cosine with the tag, not by probability: a photo that is plainly the tag and one
    /// whose rivals are weak can both be near certain, and the closer one should lead.
    pub(crate) fn resolve_tags(
        &self,
        query: &crate::Query,
        depth: usize,
    ) -> Result<(crate::Query, Vec<String>)> {
        let mut query = query.clone();
        let words = query
            .text
            .as_deref()
            .filter(|_| query.retrieval != crate::Retrieval::Vector);
        let filter = &query.filter;
        if filter.tags.is_empty() && filter.not_tags.is_empty() && words.is_none() {
            return Ok((query, Vec::new()));
        }
        let tagging = self.tagging()?;
        let ids_of = |name: &String| -> Result<HashSet<String>> {
            let t = tagging.index_of(name).ok_or_else(|| unknown_tag(name))?;
            Ok(tagging
                .photos_with(t)
                .into_iter()
                .map(|(id, _)| id.to_string())
                .collect())
        };
        let mut admitted: Option<HashSet<String>> = None;
        for name in &filter.tags {
            let ids = ids_of(name)?;
            admitted = Some(match admitted {
                Some(a) => a.intersection(&ids).cloned().collect(),
                None => ids,
            });
        }
        let mut left_out: Vec<String> = Vec::new();
        for name in &filter.not_tags {
            left_out.extend(ids_of(name)?);
        }
        let mut best: HashMap<&str, f32> = HashMap::new();
        for t in words.map_or_else(Vec::new, |w| named_in(w, &tagging.vocabulary)) {
            for (id, cosine) in tagging.photos_with(t) {
                let e = best.entry(id).or_insert(f32::MIN);
                *e = e.max(cosine);
            }
        }
        let mut named: Vec<(&str, f32)> = best.into_iter().collect();
        named.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        let named: Vec<String> = named
            .into_iter()
            .take(depth)
            .map(|(id, _)| id.to_string())
            .collect();
        if let Some(ids) = admitted {
            let mut ids: Vec<String> = ids.into_iter().collect();
            ids.sort();
            query.filter.tagged = Some(ids);
        }
        left_out.sort();
        left_out.dedup();
        query.filter.not_tagged = left_out;
        Ok((query, named))
    }
}

fn unknown_tag(name: &str) -> CoreError {
    CoreError::Invalid(format!(
        "unknown tag \"{name}\": `iris tags` lists the library's tags"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(name: &str, chinese: &str) -> Tag {
        Tag {
            name: name.into(),
            chinese: chinese.into(),
            category: "animal".into(),
        }
    }

    #[test]
    fn a_query_names_tags_by_whole_english_words_or_chinese_anywhere() {
        let v = [
            tag("dog", "狗"),
            tag("hot dog", "热狗"),
            tag("beach", "海滩"),
            tag("do", ""),
        ];
        assert_eq!(named_in("A dog on the Beach!", &v), [0, 2]);
        assert_eq!(named_in("hot dog stand", &v), [0, 1]);
        assert_eq!(named_in("海边的狗", &v), [0]);
        assert_eq!(named_in("dogs and beaches", &v), [0, 2]);
        assert!(named_in("dogged", &v).is_empty());
    }
}
