//! The tags a library's photos can get: the shipped vocabulary (assets/tags/vocabulary.tsv,
//! about 1,000 everyday photo concepts in English and Simplified Chinese; the demo model gets
//! assets/tags/demo.tsv, the concepts it was trained on) and the user's own tags, kept in
//! the library's `tags/user.json`.

use crate::error::{CoreError, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The shipped vocabulary for real models.
const EVERYDAY: &str = include_str!("../../../../assets/tags/vocabulary.tsv");
/// The demo model's vocabulary: its 48 colour-shape names, 4 backgrounds and 2 sizes.
const DEMO: &str = include_str!("../../../../assets/tags/demo.tsv");

/// The category of the tags a user adds.
pub const USER_CATEGORY: &str = "user";

/// Longest user tag accepted, in characters.
const MAX_USER_TAG: usize = 80;

/// One tag: its English name (what the model reads and the keyword index matches), the
/// name shown to Chinese readers, and the group of tags it competes with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Tag {
    pub name: String,
    /// Simplified Chinese display name (empty for a user's tag).
    pub chinese: String,
    /// "scene", "animal", "food", ... or [`USER_CATEGORY`].
    pub category: String,
}

/// Parses a vocabulary file: a header line, then `category<TAB>english<TAB>chinese` lines.
pub(crate) fn parse(text: &str) -> Result<Vec<Tag>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    if lines.next() != Some("category\tenglish\tchinese") {
        return Err(CoreError::Invalid(
            "a tag vocabulary starts with the header \"category\\tenglish\\tchinese\"".into(),
        ));
    }
    lines
        .enumerate()
        .map(|(i, line)| match line.split('\t').collect::<Vec<_>>()[..] {
            [category, name, chinese] if !name.is_empty() && !category.is_empty() => Ok(Tag {
                name: name.to_string(),
                chinese: chinese.to_string(),
                category: category.to_string(),
            }),
            _ => Err(CoreError::Invalid(format!(
                "tag vocabulary line {} is not category, english and chinese: \"{line}\"",
                i + 2
            ))),
        })
        .collect()
}

/// The shipped vocabulary for a model: the demo model's own, else the everyday one.
pub(crate) fn shipped(model_name: &str) -> Vec<Tag> {
    let text = if model_name == crate::models::DEMO_MODEL {
        DEMO
    } else {
        EVERYDAY
    };
    parse(text).expect("the shipped vocabularies parse (checked by a test)")
}

fn user_file(library: &Path) -> PathBuf {
    library.join("tags").join("user.json")
}

/// The user's tags, in the order added.
pub(crate) fn user_tags(library: &Path) -> Result<Vec<String>> {
    let file = user_file(library);
    match std::fs::read(&file) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| CoreError::Invalid(format!("{} is corrupt: {e}", file.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(CoreError::io(&file, e)),
    }
}

fn write_user_tags(library: &Path, tags: &[String]) -> Result<()> {
    crate::atomic::write_json(&user_file(library), &tags)
}

/// A user's tag as stored: trimmed, inner spaces collapsed, lower-case.
pub(crate) fn normalise(tag: &str) -> Result<String> {
    let tag = tag.split_whitespace().collect::<Vec<_>>().join(" ");
    let tag = tag.to_lowercase();
    if tag.is_empty() {
        return Err(CoreError::Invalid("a tag needs a word or phrase".into()));
    }
    if tag.chars().count() > MAX_USER_TAG || tag.chars().any(char::is_control) {
        return Err(CoreError::Invalid(format!(
            "a tag is a word or phrase of at most {MAX_USER_TAG} characters: \"{tag}\""
        )));
    }
    Ok(tag)
}

/// Adds a user tag (under the library's tags lock); whether it was new. A tag the shipped
/// vocabulary has already is refused, since it is given already.
pub(crate) fn add_user_tag(library: &Path, shipped: &[Tag], tag: &str) -> Result<bool> {
    let tag = normalise(tag)?;
    if shipped.iter().any(|t| t.name.eq_ignore_ascii_case(&tag)) {
        return Err(CoreError::Invalid(format!(
            "\"{tag}\" is a built-in tag already"
        )));
    }
    let _lock = crate::lock::exclusive(&library.join("tags.lock"))?;
    let mut tags = user_tags(library)?;
    if tags.contains(&tag) {
        return Ok(false);
    }
    tags.push(tag);
    write_user_tags(library, &tags)?;
    Ok(true)
}

/// Removes a user tag; whether there was one.
pub(crate) fn remove_user_tag(library: &Path, tag: &str) -> Result<bool> {
    let tag = normalise(tag)?;
    let _lock = crate::lock::exclusive(&library.join("tags.lock"))?;
    let mut tags = user_tags(library)?;
    let before = tags.len();
    tags.retain(|t| *t != tag);
    if tags.len() == before {
        return Ok(false);
    }
    write_user_tags(library, &tags)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_vocabularies_parse_with_unique_names_and_chinese_names() {
        for (text, least) in [(EVERYDAY, 950), (DEMO, 54)] {
            let tags = parse(text).unwrap();
            assert!(tags.len() >= least, "{} tags", tags.len());
            let mut names: Vec<String> = tags.iter().map(|t| t.name.to_lowercase()).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), tags.len(), "a name appears twice");
            assert!(tags
                .iter()
                .all(|t| t.chinese.chars().any(|c| c > '\u{2e80}')));
        }
    }

    #[test]
    fn a_bad_vocabulary_line_is_named() {
        let e = parse("category\tenglish\tchinese\nobject\tdog").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        assert!(parse("dog").is_err());
    }

    #[test]
    fn user_tags_are_normalised_kept_in_order_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let shipped = shipped(crate::models::DEMO_MODEL);
        assert!(add_user_tag(dir.path(), &shipped, "  My   Garden ").unwrap());
        assert!(!add_user_tag(dir.path(), &shipped, "my garden").unwrap());
        assert!(add_user_tag(dir.path(), &shipped, "snow").unwrap());
        assert_eq!(user_tags(dir.path()).unwrap(), ["my garden", "snow"]);
        let e = add_user_tag(dir.path(), &shipped, "Red Circle").unwrap_err();
        assert!(e.to_string().contains("built-in"), "{e}");
        assert!(add_user_tag(dir.path(), &shipped, " ").is_err());
        assert!(add_user_tag(dir.path(), &shipped, &"x".repeat(81)).is_err());
        assert!(remove_user_tag(dir.path(), "MY GARDEN").unwrap());
        assert!(!remove_user_tag(dir.path(), "my garden").unwrap());
        assert_eq!(user_tags(dir.path()).unwrap(), ["snow"]);
    }
}
