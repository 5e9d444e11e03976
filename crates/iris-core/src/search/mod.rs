//! Search: a query of words, filters, images and indexed photos ("more like this") runs as
//! two searches over the photos its filters admit (a prefilter): the nearest by cosine with
//! the query vector ([`vector`]) and the best by BM25 over the keyword index
//! ([`crate::keywords`]); the two ranked lists are fused ([`fusion`]). A file whose name is
//! the query comes first; identical copies and RAW+JPEG pairs are one hit. A query of filters
//! alone browses what they admit, newest first. Where the gallery opens, the default cut-off,
//! is chosen from the result scores ([`cutoff`]).

mod cutoff;
mod diverse;
mod filter;
mod fusion;
mod parts;
pub(crate) mod vector;

pub use cutoff::default_cutoff;
pub use filter::Filter;
pub use fusion::KEYWORD_WEIGHT;
pub(crate) use parts::score_parts;
pub use parts::ScorePart;
pub(crate) use vector::{stored_vector, QueryVectors};

use crate::catalog::{Catalog, Condition, RowFilter};
use crate::error::{CoreError, Result};
use crate::grammar::{self, TermKind};
use crate::row::{PhotoRow, Status};
use iris_clip::Clip;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// How a query of words and images searches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Fusion {
    /// One vector of all the parts, weighted (early fusion).
    #[default]
    Early,
    /// A vector search for the words and one for the images, their lists fused by rank (the
    /// weights weighing the lists); scores stay cosines with the combined vector.
    Late,
}

/// Which first-stage searches a query runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Retrieval {
    /// Both, fused: what the app and the CLI do.
    #[default]
    Hybrid,
    /// Cosine with the query vector only (Iris before the keyword index).
    Vector,
    /// BM25 over the keyword index only.
    Keyword,
}

/// Everything a search can combine.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Positive words, e.g. "beach at sunset": the text the model embeds and the words the
    /// keyword index looks up.
    pub text: Option<String>,
    /// Texts to move away from, e.g. "people".
    pub negatives: Vec<String>,
    /// Image files anywhere on disk.
    pub images: Vec<PathBuf>,
    /// Encoded images (a paste), in any supported format.
    pub image_bytes: Vec<Vec<u8>>,
    /// Ids of indexed photos.
    pub like: Vec<String>,
    /// Images to move away from ("not like this"): files, pastes, indexed photos.
    pub negative_images: Vec<PathBuf>,
    pub negative_image_bytes: Vec<Vec<u8>>,
    pub negative_like: Vec<String>,
    pub fusion: Fusion,
    pub text_weight: f32,
    pub image_weight: f32,
    pub k: usize,
    pub filter: Filter,
    pub retrieval: Retrieval,
    /// The keyword list's weight in the fusion ([`KEYWORD_WEIGHT`]).
    pub keyword_weight: f32,
    /// Reorder the first results for variety ([`diverse`]: near-identical shots spread out).
    pub diverse: bool,
}

impl Default for Query {
    fn default() -> Self {
        Self {
            text: None,
            negatives: Vec::new(),
            images: Vec::new(),
            image_bytes: Vec::new(),
            like: Vec::new(),
            negative_images: Vec::new(),
            negative_image_bytes: Vec::new(),
            negative_like: Vec::new(),
            fusion: Fusion::default(),
            text_weight: 1.0,
            image_weight: 1.0,
            k: 20,
            filter: Filter::default(),
            retrieval: Retrieval::default(),
            keyword_weight: KEYWORD_WEIGHT,
            diverse: false,
        }
    }
}

impl Query {
    /// A query from search box text in the [`grammar`]: positive words search together as one
    /// text, negative ones push away ("beach -people", `-"busy street"`), filters restrict
    /// (`in:Lisbon after:2019`); a filter with a bad value is an error that says so.
    pub fn from_text(s: &str) -> Result<Self> {
        let mut positive = Vec::new();
        let mut negatives: Vec<String> = Vec::new();
        let mut filter = Filter::default();
        for term in grammar::parse(s) {
            match (term.kind, term.key) {
                (TermKind::Word, _) => positive.push(term.text),
                (TermKind::Not, _) if !negatives.contains(&term.text) => negatives.push(term.text),
                (TermKind::Not, _) => {}
                (TermKind::Filter | TermKind::NotFilter, Some(key)) => {
                    filter.add(key, term.kind == TermKind::NotFilter, &term.text)?
                }
                (TermKind::Filter | TermKind::NotFilter, None) => {}
            }
        }
        Ok(Self {
            text: (!positive.is_empty()).then(|| positive.join(" ")),
            negatives,
            filter,
            ..Self::default()
        })
    }

    /// Whether the query has something to search for (not only filters and negatives).
    pub fn has_positive(&self) -> bool {
        self.text.is_some()
            || !self.images.is_empty()
            || !self.image_bytes.is_empty()
            || !self.like.is_empty()
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Hit {
    pub path: String,
    /// Cosine similarity with the query vector (0 when browsing: there is no query).
    pub score: f32,
    pub id: String,
    pub size: u64,
    pub taken: Option<i64>,
    /// File modification time, seconds since the epoch (what browsing sorts undated photos by).
    pub modified: i64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub format: Option<String>,
    pub camera: Option<String>,
    pub lens: Option<String>,
    /// Where it was taken: "Honolulu, Hawaii, United States".
    pub place: Option<String>,
    /// The RAW file shot with this photo (IMG_0001.CR2 beside IMG_0001.JPG), shown as one.
    pub raw_sibling: Option<String>,
    /// False when the photo's drive is not connected.
    pub online: bool,
    /// Found by the query's words themselves (its name, folders, camera, place, date or a
    /// tag): a match the person can read back, which the cut-off never hides, whatever its
    /// cosine (a query the model reads poorly, such as Chinese words for an English model,
    /// scores its matches low).
    pub matched: bool,
}

/// The best `q.k` photos for a query, best first, identical copies collapsed. `tagged` are
/// the photos given tags the query's words name, most probable first ([`crate::tags`]):
/// they join the keyword list.
pub fn search(catalog: &Catalog, clip: &Clip, q: &Query, tagged: &[String]) -> Result<Vec<Hit>> {
    // Filters alone browse what they admit (negative words alone push away from nothing).
    if !q.has_positive() && !q.filter.is_empty() {
        let mut hits = crate::browse::browse(catalog, &q.filter)?;
        hits.truncate(q.k);
        return Ok(hits);
    }
    if !q.has_positive() {
        return Err(CoreError::Invalid(
            "the query is empty: give text, an image or a photo id".into(),
        ));
    }
    let vectors = vector::query_vectors(catalog, clip, q)?;
    search_by_vector(catalog, q, &vectors, tagged)
}

/// How many rows each first-stage list (vector, keyword) brings for `k` results: room for
/// fusion, duplicates and diversity to choose from.
pub(crate) fn first_stage_depth(k: usize) -> usize {
    k * 2 + 8
}

/// [`search`] with the query vector made: the vector and keyword searches, fusion and the
/// final order.
pub(crate) fn search_by_vector(
    catalog: &Catalog,
    q: &Query,
    vectors: &QueryVectors,
    tagged: &[String],
) -> Result<Vec<Hit>> {
    let query = vectors.combined.as_slice();
    let depth = first_stage_depth(q.k);
    let rows = q.filter.rows();
    let dense = match (q.retrieval, q.fusion, &vectors.text, &vectors.image) {
        (Retrieval::Keyword, ..) => Vec::new(),
        (_, Fusion::Late, Some(text), Some(image)) => {
            let list = |v: &[f32]| -> Result<Vec<(PhotoRow, f32)>> {
                let found = catalog.nearest_with_vectors(v, depth, &rows)?;
                Ok(fusion::rescored(found, query))
            };
            fusion::rank_fuse(vec![
                (q.text_weight, list(text)?),
                (q.image_weight, list(image)?),
            ])
        }
        _ => catalog.nearest(query, depth, &rows)?,
    };
    let sparse = match (&q.text, q.retrieval) {
        (Some(text), Retrieval::Hybrid | Retrieval::Keyword) => {
            catalog.keyword_search(text, depth, &rows)?
        }
        _ => Vec::new(),
    };
    let tag_list = match q.retrieval {
        Retrieval::Vector => Vec::new(),
        _ => tagged_rows(catalog, tagged, &rows, query)?,
    };
    let matched: HashSet<String> = sparse
        .iter()
        .chain(&tag_list)
        .map(|(row, _)| row.id.clone())
        .collect();
    let ranked = match q.retrieval {
        Retrieval::Vector => dense,
        Retrieval::Keyword if tag_list.is_empty() => fusion::rescored(sparse, query),
        Retrieval::Keyword => fusion::rank_fuse(vec![
            (1.0, fusion::rescored(sparse, query)),
            (1.0, tag_list),
        ]),
        Retrieval::Hybrid => fusion::fuse(dense, sparse, tag_list, query, q.keyword_weight),
    };
    let mut seen = HashSet::new();
    let mut hits: Vec<Hit> = ranked
        .into_iter()
        .filter(|(row, _)| seen.insert(row.id.clone()))
        .map(|(row, score)| Hit {
            matched: matched.contains(&row.id),
            ..hit(row, score)
        })
        .collect();
    if q.diverse {
        hits = diversify(catalog, hits)?;
    }
    let hits = fusion::exact_names_first(hits, q.text.as_deref());
    let mut hits = crate::pairs::collapse(hits);
    hits.truncate(q.k);
    Ok(hits)
}

/// The rows of the photos `tagged` names that `rows` admits (one row per photo), each with
/// its cosine with the query vector, the highest first.
fn tagged_rows(
    catalog: &Catalog,
    tagged: &[String],
    rows: &RowFilter,
    query: &[f32],
) -> Result<Vec<(PhotoRow, f32)>> {
    if tagged.is_empty() {
        return Ok(Vec::new());
    }
    let filter = rows
        .clone()
        .and(Condition::Ids(tagged.to_vec()))
        .and(Condition::Embedded);
    let mut by_id: HashMap<String, PhotoRow> = HashMap::new();
    for row in catalog.rows(&filter, true, tagged.len() * 4 + 1)? {
        by_id.entry(row.id.clone()).or_insert(row);
    }
    let found = tagged.iter().filter_map(|id| by_id.remove(id));
    let mut scored = fusion::rescored(found.map(|row| (row, 0.0)).collect(), query);
    // A tag is given or not, like a keyword band: inside it, the query's cosine orders (so a
    // "not like this" photo sinks in the tag list as it does in the vector list).
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(scored)
}

/// The hits in the order MMR picks them, their vectors read from the catalog.
fn diversify(catalog: &Catalog, hits: Vec<Hit>) -> Result<Vec<Hit>> {
    let first: Vec<String> = hits
        .iter()
        .take(diverse::DEPTH)
        .map(|h| h.id.clone())
        .collect();
    let n = first.len();
    let rows = RowFilter::only(Condition::Ids(first)).and(Condition::Embedded);
    let vectors: HashMap<String, Vec<f32>> = catalog
        .rows(&rows, true, n * 4 + 1)?
        .into_iter()
        .filter_map(|r| r.vector.map(|v| (r.id, v)))
        .collect();
    let scores: Vec<f32> = hits.iter().map(|h| h.score).collect();
    let unit: Vec<Option<Vec<f32>>> = hits
        .iter()
        .take(n)
        .map(|h| vectors.get(&h.id).cloned())
        .collect();
    let order = diverse::mmr_order(&scores, &unit);
    let mut slots: Vec<Option<Hit>> = hits.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

pub(crate) fn hit(row: PhotoRow, score: f32) -> Hit {
    Hit {
        place: row.place_label(),
        raw_sibling: None,
        matched: false,
        online: row.status == Status::Ok,
        path: row.path,
        score,
        id: row.id,
        size: row.size,
        taken: row.taken,
        modified: row.mtime_ns.div_euclid(1_000_000_000),
        width: row.width,
        height: row.height,
        format: row.format,
        camera: row.camera,
        lens: row.lens,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minus_words_become_negative_terms() {
        let q = Query::from_text("beach  -people at sunset -").unwrap();
        assert_eq!(q.text.as_deref(), Some("beach at sunset"));
        assert_eq!(q.negatives, ["people"]);
        let q = Query::from_text("-red").unwrap();
        assert_eq!(q.text, None);
        assert!(!q.has_positive());
    }

    #[test]
    fn quoted_negatives_follow_the_grammar() {
        let q = Query::from_text(r#"street -"busy street" -cars -cars"#).unwrap();
        assert_eq!(q.text.as_deref(), Some("street"));
        assert_eq!(q.negatives, ["busy street", "cars"]);
    }

    #[test]
    fn filters_leave_the_text_and_a_bad_one_is_an_error() {
        let q = Query::from_text(r#"red in:"2019 Lisbon" circle -camera:sony type:raw"#).unwrap();
        assert_eq!(q.text.as_deref(), Some("red circle"));
        assert_eq!(q.filter.in_folders, ["2019 Lisbon"]);
        assert_eq!(q.filter.not_cameras, ["sony"]);
        assert!(q.filter.formats.contains(&"nef".to_string()));
        let q = Query::from_text("after:2019").unwrap();
        assert!(q.text.is_none() && !q.has_positive() && q.filter.taken_after.is_some());
        let e = Query::from_text("cat before:july").unwrap_err();
        assert!(e.to_string().contains("before:july is not a date"), "{e}");
    }
}
