//! Evaluation of search as a person searches: labelled queries (their text, a kind such as
//! "visual", "keyword" or "mixed", and the photos relevant to them) run against a library
//! under each first-stage retrieval ([`Retrieval`]), with recall at 1, 5 and 10 (the share of
//! queries with a relevant photo in the first k), mean reciprocal rank and precision at 10
//! (the share of the first ten that is relevant, out of at most as many as are relevant:
//! what shows whether the first screen is the photos asked for) per kind, and the precision
//! and recall of the default cut-off ([`default_cutoff`]): of the photos it keeps, how many
//! are relevant, and of the relevant photos, how many it keeps.

use crate::error::Result;
use crate::eval::{summarize, Retrieval as Figures};
use crate::library::Library;
use crate::search::{default_cutoff, Fusion, Query, Retrieval};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Results looked at per query: a relevant photo further down counts as not found.
pub const DEPTH: usize = 100;

/// One labelled query.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledQuery {
    /// Search box text in the grammar.
    pub text: String,
    pub kind: String,
    /// Paths of the photos relevant to it, as the catalog holds them.
    pub relevant: BTreeSet<String>,
    /// Image files searched with the words (a query of words and images is scored under
    /// early and late fusion instead of the three retrievals). An image that is a photo of
    /// the library is left out of its own results.
    pub images: Vec<std::path::PathBuf>,
}

/// The figures of one kind of query under one retrieval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindFigures {
    pub kind: String,
    /// "vector", "keyword" or "hybrid"; "early" or "late" for words with images.
    pub retrieval: String,
    pub queries: usize,
    pub figures: Figures,
    pub p10: f64,
    /// Mean precision and recall of the photos at or above the default cut-off.
    pub cutoff_precision: f64,
    pub cutoff_recall: f64,
}

/// One query's figures: first relevant rank, precision at 10, cut-off precision and recall.
type Found = (usize, f64, f64, f64);

/// Precision and recall of the photos the default cut-off keeps.
fn cutoff_figures(hits: &[crate::Hit], relevant: &BTreeSet<String>) -> (f64, f64) {
    let scores: Vec<f32> = hits.iter().map(|h| h.score).collect();
    let kept: Vec<&crate::Hit> = match default_cutoff(&scores) {
        Some(c) => hits.iter().filter(|h| h.score >= c).collect(),
        None => hits.iter().collect(),
    };
    let right = kept.iter().filter(|h| relevant.contains(&h.path)).count() as f64;
    (
        right / kept.len().max(1) as f64,
        right / relevant.len().max(1) as f64,
    )
}

/// The ways a query is run: the three retrievals for words, the two fusions for words with
/// images (both hybrid).
fn ways(q: &LabelledQuery) -> Vec<(&'static str, Retrieval, Fusion)> {
    if q.images.is_empty() {
        vec![
            ("vector", Retrieval::Vector, Fusion::Early),
            ("keyword", Retrieval::Keyword, Fusion::Early),
            ("hybrid", Retrieval::Hybrid, Fusion::Early),
        ]
    } else {
        vec![
            ("early", Retrieval::Hybrid, Fusion::Early),
            ("late", Retrieval::Hybrid, Fusion::Late),
        ]
    }
}

/// Runs every query under each retrieval, hybrid fusing with `keyword_weight`; figures by
/// kind (in name order), then retrieval.
pub fn evaluate_search(
    library: &Library,
    queries: &[LabelledQuery],
    keyword_weight: f32,
) -> Result<Vec<KindFigures>> {
    let mut found: BTreeMap<(String, &str), Vec<Found>> = BTreeMap::new();
    for q in queries {
        for (name, retrieval, fusion) in ways(q) {
            let query = Query {
                k: DEPTH,
                retrieval,
                fusion,
                keyword_weight,
                images: q.images.clone(),
                ..Query::from_text(&q.text)?
            };
            let own: Vec<String> = q
                .images
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            let mut hits = library.search(&query)?;
            hits.retain(|h| !own.contains(&h.path));
            let rank = hits
                .iter()
                .position(|h| q.relevant.contains(&h.path))
                .map_or(usize::MAX, |p| p + 1);
            let top = hits
                .iter()
                .take(10)
                .filter(|h| q.relevant.contains(&h.path))
                .count();
            let p10 = top as f64 / q.relevant.len().clamp(1, 10) as f64;
            let (precision, recall) = cutoff_figures(&hits, &q.relevant);
            found
                .entry((q.kind.clone(), name))
                .or_default()
                .push((rank, p10, precision, recall));
        }
    }
    Ok(found
        .into_iter()
        .map(|((kind, retrieval), found)| {
            let ranks: Vec<usize> = found.iter().map(|f| f.0).collect();
            let mean = |part: fn(&Found) -> f64| {
                found.iter().map(part).sum::<f64>() / found.len().max(1) as f64
            };
            KindFigures {
                kind,
                retrieval: retrieval.to_string(),
                queries: found.len(),
                figures: summarize(&ranks),
                p10: mean(|f| f.1),
                cutoff_precision: mean(|f| f.2),
                cutoff_recall: mean(|f| f.3),
            }
        })
        .collect())
}
