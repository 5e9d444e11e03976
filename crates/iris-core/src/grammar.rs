//! The search box's grammar, defined once for the CLI and the desktop app: words separated by
//! whitespace; a "double-quoted phrase" is one term; a leading `-` makes a negative term
//! (`-people`, `-"busy street"`); a lone `-` or empty quotes give nothing; dashes inside a
//! word ("co-op") are kept. `key:value` filters will be recognised here, by key, as the
//! features that need them land; until then such a word is a plain word.

use serde::Serialize;

/// Whether a term is searched for or away from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum TermKind {
    Word,
    Not,
}

/// One term of the search text. `start` and `end` are offsets into the text in UTF-16 code
/// units (what a web view's string indices count), so the UI can remove a term's source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Term {
    pub kind: TermKind,
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
            terms.push(Term {
                kind: if negative {
                    TermKind::Not
                } else {
                    TermKind::Word
                },
                text: value,
                start: offsets[start],
                end: offsets[i],
            });
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(TermKind, String)> {
        parse(s).into_iter().map(|t| (t.kind, t.text)).collect()
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
