//! The search box's grammar, defined once for the CLI and the desktop app: words separated by
//! whitespace; a "double-quoted phrase" is one term; a leading `-` makes a negative term
//! (`-people`, `-"busy street"`); a lone `-` or empty quotes give nothing; dashes inside a
//! word ("co-op") are kept. A known key before a colon makes a filter, its value a word or a
//! phrase (`in:"2019 Lisbon"`, `after:2019-07`, `camera:canon`), negated with a leading `-`
//! (`-in:screenshots`); an unknown key ("10:30", "re:union") is a plain word, and a key with
//! no value gives nothing. What a filter's value means is [`crate::search::Filter`]'s business.

use serde::Serialize;

/// Whether a term is searched for or away from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum TermKind {
    Word,
    Not,
    /// A `key:value` filter.
    Filter,
    /// A `-key:value` filter: the photos it names are left out.
    NotFilter,
}

/// What a filter restricts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum FilterKey {
    /// `in:FOLDER`: a folder's name, a path below a root ("garden/summer") or an absolute path.
    In,
    /// `after:DATE`: taken on or after the start of DATE (2019, 2019-07, 2019-07-14).
    After,
    /// `before:DATE`: taken before the start of DATE.
    Before,
    /// `camera:WORDS`: in the camera's make and model or the lens.
    Camera,
    /// `place:WORDS`: in the city, region or country.
    Place,
    /// `type:FORMAT`: heic, jpeg, png, raw, ... (several with commas).
    Type,
    /// `tag:NAME`: given the tag (its English or Chinese name) by the model.
    Tag,
}

impl FilterKey {
    /// Every key, with the word typed before its colon.
    pub const ALL: [(FilterKey, &'static str); 7] = [
        (Self::In, "in"),
        (Self::After, "after"),
        (Self::Before, "before"),
        (Self::Camera, "camera"),
        (Self::Place, "place"),
        (Self::Type, "type"),
        (Self::Tag, "tag"),
    ];

    /// The word typed before the colon.
    pub fn word(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("", |(_, w)| w)
    }
}

/// One term of the search text. `start` and `end` are offsets into the text in UTF-16 code
/// units (what a web view's string indices count), so the UI can remove a term's source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Term {
    pub kind: TermKind,
    /// The filter's key, for the two filter kinds.
    pub key: Option<FilterKey>,
    /// The word, the phrase or the filter's value.
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Splits search text into terms.
pub fn parse(text: &str) -> Vec<Term> {
    let chars: Vec<char> = text.chars().collect();
    // UTF-16 offset of each char index (and of the end).
    let mut offsets = Vec::with_capacity(chars.len() + 1);
    let mut at = 0;
    for c in &chars {
        offsets.push(at);
        at += c.len_utf16();
    }
    offsets.push(at);
    let n = chars.len();
    let mut terms = Vec::new();
    let mut i = 0;
    while i < n {
        while i < n && chars[i].is_whitespace() {
            i += 1;
        }
        if i >= n {
            break;
        }
        let start = i;
        let negative = chars[i] == '-';
        if negative {
            i += 1;
        }
        let key = filter_key(&chars[i..]);
        if let Some((_, typed)) = key {
            i += typed + 1;
        }
        let value: String = if i < n && chars[i] == '"' {
            let close = chars[i + 1..]
                .iter()
                .position(|&c| c == '"')
                .map(|p| p + i + 1);
            let end = close.unwrap_or(n);
            let value = chars[i + 1..end].iter().collect();
            i = close.map_or(n, |c| c + 1);
            value
        } else {
            let word_start = i;
            while i < n && !chars[i].is_whitespace() {
                i += 1;
            }
            chars[word_start..i].iter().collect()
        };
        let mut value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        if negative {
            value = value.trim_start_matches('-').to_string();
        }
        if !value.is_empty() {
            let kind = match (key.is_some(), negative) {
                (false, false) => TermKind::Word,
                (false, true) => TermKind::Not,
                (true, false) => TermKind::Filter,
                (true, true) => TermKind::NotFilter,
            };
            terms.push(Term {
                kind,
                key: key.map(|(k, _)| k),
                text: value,
                start: offsets[start],
                end: offsets[i],
            });
        }
    }
    terms
}

/// The filter key `chars` start with (`in:`, `Camera:`; case-insensitive) and the length of
/// its word.
fn filter_key(chars: &[char]) -> Option<(FilterKey, usize)> {
    FilterKey::ALL.iter().find_map(|&(key, word)| {
        let n = word.len();
        let typed: String = chars.iter().take(n).collect();
        (chars.len() > n && chars[n] == ':' && typed.eq_ignore_ascii_case(word)).then_some((key, n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(TermKind, String)> {
        parse(s).into_iter().map(|t| (t.kind, t.text)).collect()
    }

    fn filters(s: &str) -> Vec<(TermKind, Option<FilterKey>, String)> {
        parse(s)
            .into_iter()
            .map(|t| (t.kind, t.key, t.text))
            .collect()
    }

    #[test]
    fn every_key_makes_a_filter_with_a_word_or_a_phrase() {
        use FilterKey::*;
        use TermKind::{Filter, NotFilter, Word};
        assert_eq!(
            filters(
                r#"red in:"2019 Lisbon" -in:screenshots after:2019 Before:2020-07-14 camera:"EOS 5D" place:lisbon -type:png,heic circle"#
            ),
            [
                (Word, None, "red".into()),
                (Filter, Some(In), "2019 Lisbon".into()),
                (NotFilter, Some(In), "screenshots".into()),
                (Filter, Some(After), "2019".into()),
                (Filter, Some(Before), "2020-07-14".into()),
                (Filter, Some(Camera), "EOS 5D".into()),
                (Filter, Some(Place), "lisbon".into()),
                (NotFilter, Some(Type), "png,heic".into()),
                (Word, None, "circle".into()),
            ]
        );
    }

    #[test]
    fn unknown_keys_are_words_and_empty_filters_give_nothing() {
        use TermKind::{Not, Word};
        assert_eq!(
            filters(r#"10:30 re:union -x:y in: after:"" type"#),
            [
                (Word, None, "10:30".into()),
                (Word, None, "re:union".into()),
                (Not, None, "x:y".into()),
                (Word, None, "type".into()),
            ]
        );
        let t = parse(r#"a in:"b c" d"#);
        assert_eq!(
            (t[1].start, t[1].end),
            (2, 10),
            "a filter's source is its whole text"
        );
        for (key, word) in FilterKey::ALL {
            assert_eq!(key.word(), word);
        }
    }

    #[test]
    fn words_phrases_and_negatives() {
        use TermKind::{Not, Word};
        assert_eq!(
            texts(r#"kids  "on a   beach" -people -"busy street" co-op - "" -"#),
            [
                (Word, "kids".to_string()),
                (Word, "on a beach".to_string()),
                (Not, "people".to_string()),
                (Not, "busy street".to_string()),
                (Word, "co-op".to_string()),
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end_and_double_dashes_collapse() {
        use TermKind::{Not, Word};
        assert_eq!(
            texts(r#"red "blue sky"#),
            [(Word, "red".into()), (Word, "blue sky".into())]
        );
        assert_eq!(texts("--people"), [(Not, "people".to_string())]);
    }

    #[test]
    fn offsets_count_utf16_units_and_cover_the_source() {
        let terms = parse("😀 -\"café au lait\" x");
        assert_eq!(
            (terms[0].start, terms[0].end),
            (0, 2),
            "an emoji is two units"
        );
        assert_eq!((terms[1].start, terms[1].end), (3, 18));
        assert_eq!((terms[2].start, terms[2].end), (19, 20));
    }
}
