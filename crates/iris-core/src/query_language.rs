//! Whether the model in use reads the language a text query is written in: the script of the
//! query's letters (Han, kana, Hangul or Latin) against the model's languages (from the list
//! of known models, else its family's), and the hint shown when it does not, naming a model
//! that does. Without it a Chinese query on an English-only CLIP returns confident-looking
//! but meaningless results.

use iris_clip::catalogue::{known_model, KnownModel, KNOWN_MODELS};
use iris_clip::{Family, DEMO_MODEL};

/// The language a query's letters say it is written in, by script: "zh" for Chinese
/// characters (with no kana), "ja" with kana, "ko" with Hangul, "en" for Latin letters alone
/// (other Latin-script languages cannot be told apart this way); None with no letters.
pub fn query_language(text: &str) -> Option<&'static str> {
    let has = |test: fn(char) -> bool| text.chars().any(test);
    if has(is_kana) {
        Some("ja")
    } else if has(is_hangul) {
        Some("ko")
    } else if has(is_han) {
        Some("zh")
    } else if has(|c| c.is_ascii_alphabetic()) {
        Some("en")
    } else {
        None
    }
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}')
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

fn language_name(code: &str) -> &'static str {
    match code {
        "zh" => "Chinese",
        "ja" => "Japanese",
        "ko" => "Korean",
        _ => "English",
    }
}

/// The hint for a text query the model `spec` (of `family`) does not read, or None when it
/// reads it (or the query has no letters).
pub fn language_hint(text: &str, spec: &str, family: Family) -> Option<String> {
    hint_among(text, spec, family, KNOWN_MODELS)
}

/// [`language_hint`] with its suggestion taken from `models`.
fn hint_among(text: &str, spec: &str, family: Family, models: &[KnownModel]) -> Option<String> {
    let language = query_language(text)?;
    let reads = known_model(spec).map_or(family.languages(), |m| m.languages);
    if reads.contains(&language) {
        return None;
    }
    let reads_names: Vec<&str> = reads.iter().map(|l| language_name(l)).collect();
    let wanted = language_name(language);
    // A model made for the language (its first) before a multilingual one that also reads it.
    let candidates = || models.iter().filter(|m| m.id != DEMO_MODEL);
    let suggestion = candidates()
        .find(|m| m.languages.first() == Some(&language))
        .or_else(|| candidates().find(|m| m.languages.contains(&language)));
    let advice = match suggestion {
        Some(m) => format!(
            "For {wanted} queries choose a {} model such as {} in Settings.",
            m.family.label(),
            m.id
        ),
        None => format!("Iris has no {wanted} model yet; try the query in English."),
    };
    Some(format!(
        "This model reads {} only, so a {wanted} query may match poorly. {advice}",
        reads_names.join(" and ")
    ))
}

impl crate::Library {
    /// The hint for `query`'s words (positive and negative) when the library's model does not
    /// read their language.
    pub fn language_hint(&self, query: &crate::Query) -> Option<String> {
        let words: Vec<&str> = query
            .text
            .iter()
            .chain(&query.negatives)
            .map(String::as_str)
            .collect();
        language_hint(&words.join(" "), self.model_name(), self.clip().family())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_gives_the_language() {
        assert_eq!(query_language("海边的狗"), Some("zh"));
        assert_eq!(query_language("dog 海边"), Some("zh"));
        assert_eq!(query_language("海辺の犬"), Some("ja"));
        assert_eq!(query_language("바닷가의 개"), Some("ko"));
        assert_eq!(query_language("a dog on the beach"), Some("en"));
        assert_eq!(query_language("2024 📷"), None);
    }

    #[test]
    fn a_query_the_model_cannot_read_gets_a_hint_naming_one_that_can() {
        let hint = language_hint("红色的圆", "demo", Family::Clip).unwrap();
        assert!(hint.contains("reads English only"), "{hint}");
        assert!(
            hint.contains("OFA-Sys/chinese-clip-vit-base-patch16"),
            "{hint}"
        );
        assert_eq!(language_hint("a red circle", "demo", Family::Clip), None);
        let chinese = "OFA-Sys/chinese-clip-vit-base-patch16";
        assert_eq!(
            language_hint("红色的圆", chinese, Family::ChineseClip),
            None
        );
        let hint = language_hint("red circle", chinese, Family::ChineseClip).unwrap();
        assert!(hint.contains("reads Chinese only"), "{hint}");
        assert!(hint.contains("openai/clip-vit-base-patch32"), "{hint}");
        let hint = language_hint("바닷가", "/my/folder", Family::Clip).unwrap();
        assert!(hint.contains("a Korean query may match poorly"), "{hint}");
        assert!(hint.contains("google/siglip2-base-patch16-224"), "{hint}");
        let english_only: Vec<KnownModel> = KNOWN_MODELS
            .iter()
            .filter(|m| m.languages == ["en"])
            .copied()
            .collect();
        let hint = hint_among("바닷가", "/my/folder", Family::Clip, &english_only).unwrap();
        assert!(hint.contains("no Korean model"), "{hint}");
        assert_eq!(language_hint("2024", "demo", Family::Clip), None);
    }
}
