//! Evaluation of search as a person searches: labelled queries (their text, a kind such as
//! "visual", "keyword" or "mixed", and the photos relevant to them) run against a library
//! under each first-stage retrieval ([`Retrieval`]), with recall at 1, 5 and 10 (the share of
//! queries with a relevant photo in the first k), mean reciprocal rank and precision at 10
//! (the share of the first ten that is relevant, out of at most as many as are relevant:
//! what shows whether the first screen is the photos asked for) per kind.

use crate::error::Result;
use crate::eval::{summarize, Retrieval as Figures};
use crate::library::Library;
use crate::search::{Query, Retrieval};
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
}

/// The figures of one kind of query under one retrieval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindFigures {
    pub kind: String,
    /// "vector", "keyword" or "hybrid".
    pub retrieval: String,
    pub queries: usize,
    pub figures: Figures,
    pub p10: f64,
}

fn retrieval_name(r: Retrieval) -> &'static str {
    match r {
        Retrieval::Vector => "vector",
        Retrieval::Keyword => "keyword",
        Retrieval::Hybrid => "hybrid",
    }
}

/// Runs every query under each retrieval, hybrid fusing with `keyword_weight`; figures by
/// kind (in name order), then retrieval.
pub fn evaluate_search(
    library: &Library,
    queries: &[LabelledQuery],
    keyword_weight: f32,
) -> Result<Vec<KindFigures>> {
    // Per (kind, retrieval): the first relevant rank and the precision at 10 of each query.
    let mut found: BTreeMap<(String, &str), Vec<(usize, f64)>> = BTreeMap::new();
    for retrieval in [Retrieval::Vector, Retrieval::Keyword, Retrieval::Hybrid] {
        for q in queries {
            let query = Query {
                k: DEPTH,
                retrieval,
                keyword_weight,
                ..Query::from_text(&q.text)?
            };
            let hits = library.search(&query)?;
            let rank = hits
                .iter()
                .position(|h| q.relevant.contains(&h.path))
                .map_or(usize::MAX, |p| p + 1);
            let top = hits.iter().take(10).filter(|h| q.relevant.contains(&h.path)).count();
            let p10 = top as f64 / q.relevant.len().clamp(1, 10) as f64;
            found
                .entry((q.kind.clone(), retrieval_name(retrieval)))
                .or_default()
                .push((rank, p10));
        }
    }
    Ok(found
        .into_iter()
        .map(|((kind, retrieval), found)| {
            let ranks: Vec<usize> = found.iter().map(|(r, _)| *r).collect();
            KindFigures {
                kind,
                retrieval: retrieval.to_string(),
                queries: found.len(),
                figures: summarize(&ranks),
                p10: found.iter().map(|(_, p)| p).sum::<f64>() / found.len().max(1) as f64,
            }
        })
        .collect())
}
