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
mod tagging;
mod vocabulary;

pub(crate) use tagging::TagCache;

pub use calibrate::MIN_PROBABILITY;
pub use prompts::TEMPLATES;
pub use vocabulary::{Tag, USER_CATEGORY};

use crate::error::{CoreError, Result};
use crate::library::Library;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

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

/// A photo given a tag, with its cosine with the tag's ensemble embedding (the map's colour
/// by tag).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct TaggedPhoto {
    pub id: String,
    pub cosine: f32,
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

    /// The library's tags with their photo counts, most photos first: the shipped tags some
    /// photo has, and every user tag (one that no photo has yet stays, so it can be removed).
    pub fn tags(&self) -> Result<Vec<TagCount>> {
        let tagging = self.tagging(true)?.ok_or_else(not_embedded)?;
        let mut counts = vec![0usize; tagging.vocabulary.len()];
        for list in tagging.stored.photos.values() {
            for g in list {
                counts[g.0 as usize] += 1;
            }
        }
        let mut out: Vec<TagCount> = tagging
            .vocabulary
            .iter()
            .cloned()
            .zip(counts)
            .filter(|(tag, n)| *n > 0 || tag.category == USER_CATEGORY)
            .map(|(tag, photos)| TagCount { tag, photos })
            .collect();
        out.sort_by(|a, b| b.photos.cmp(&a.photos).then(a.tag.name.cmp(&b.tag.name)));
        Ok(out)
    }

    /// The tags given to the photo with content id `id`, most probable first.
    pub fn photo_tags(&self, id: &str) -> Result<Vec<PhotoTag>> {
        Ok(self.tagging(true)?.ok_or_else(not_embedded)?.given(id))
    }

    /// The photos given the tag named `name` (English or Chinese, any case), closest to it
    /// first.
    pub fn tagged_photos(&self, name: &str) -> Result<Vec<TaggedPhoto>> {
        let tagging = self.tagging(true)?.ok_or_else(not_embedded)?;
        let t = tagging.index_of(name).ok_or_else(|| unknown_tag(name))?;
        Ok(tagging
            .photos_with(t)
            .into_iter()
            .map(|(id, cosine)| TaggedPhoto {
                id: id.to_string(),
                cosine,
            })
            .collect())
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

    /// `query` with its `tag:` filters resolved to photo ids, and the photos given every tag
    /// its words name: the keyword side's tag list. When more than `depth` photos have them,
    /// those closest to the tags are kept (by cosine with the tag, not by probability: a photo
    /// that is plainly the tag and one whose rivals are weak can both be near certain); the
    /// search orders the list by cosine with the query.
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
        let filters = !filter.tags.is_empty() || !filter.not_tags.is_empty();
        if !filters && words.is_none() {
            return Ok((query, Vec::new()));
        }
        // A `tag:` filter waits for the tags; words alone search without them until the
        // vocabulary has been embedded (after indexing, in the background).
        let Some(tagging) = self.tagging(filters)? else {
            return Ok((query, Vec::new()));
        };
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
        // The photos given every tag the words name (keywords are all required, as a search
        // engine's are): "a purple star left of a black circle" must not put a lone black
        // circle above the picture itself, which the vector list finds first.
        let named_tags = words.map_or_else(Vec::new, |w| named_in(w, &tagging.vocabulary));
        let mut best: HashMap<&str, (usize, f32)> = HashMap::new();
        for &t in &named_tags {
            for (id, cosine) in tagging.photos_with(t) {
                let e = best.entry(id).or_insert((0, f32::MIN));
                *e = (e.0 + 1, e.1.max(cosine));
            }
        }
        let mut named: Vec<(&str, f32)> = best
            .into_iter()
            .filter(|(_, (count, _))| *count == named_tags.len())
            .map(|(id, (_, cosine))| (id, cosine))
            .collect();
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

fn not_embedded() -> CoreError {
    CoreError::Invalid("the tag vocabulary is not embedded".into())
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
