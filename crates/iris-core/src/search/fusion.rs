//! Fusing the vector and keyword result lists into one ranking, by weighted reciprocal rank
//! fusion (RRF, Cormack et al. 2009): a photo's fused score is the sum over the lists it is
//! in of `weight / (RRF_K + rank)`, the vector list weighing 1 and the keyword list
//! [`KEYWORD_WEIGHT`]. With no keyword match the fused list is the vector list as it was.
//!
//! Why the keyword list weighs more: a word that matches a photo's name, folder, place,
//! camera or date is something the person typed and can read back, while the vector list
//! ranks every photo. With equal weights the two lists interleave, so "lisbon" shows a
//! photo from elsewhere at every other place; at weight 2 the first 60 keyword matches come
//! before any photo found by the vector alone, and a photo in both lists before either
//! (`iris eval-search --keyword-weight` measures other weights).
//!
//! BM25 cannot tell apart photos that match the same words equally ("2019" matches every
//! photo of 2019 with nearly one score), so the keyword list is ranked in bands of BM25
//! (of [`BM25_BAND`] of the best score each) and by cosine with the query vector inside a
//! band: a mixed query ("red circle 2019") then finds the red circles among the photos of
//! 2019. The bands are wide because the small differences of BM25 between photos that match
//! the same words say nothing (a folder and a city both named Lisbon score 1.57 against 1.38
//! for the city alone); with bands of 5% "a white heart in lisbon" put every photo of the
//! "2019 Lisbon" folder before the white hearts of the Camera Roll taken in Lisbon (rank 11
//! on the evaluation set). A rarer matched word ("0042" of IMG_0042) scores several times
//! more and stays in a band of its own. Every hit's score stays its cosine with the query.

use super::vector::cosine;
use super::Hit;
use crate::row::PhotoRow;
use std::collections::HashMap;
use std::path::Path;

/// The rank offset of RRF (the value of the paper, which LanceDB's reranker uses too).
pub(crate) const RRF_K: f32 = 60.0;

/// The weight of the keyword list in the fusion (the vector list's is 1).
pub const KEYWORD_WEIGHT: f32 = 2.0;

/// The width of a BM25 band, as a fraction of the best BM25 score of the query.
const BM25_BAND: f32 = 0.5;

/// A row with its cosine with the query vector.
type Scored = (PhotoRow, f32);

/// The keyword list with each row's cosine, in bands of BM25, by cosine inside a band.
fn banded(sparse: Vec<(PhotoRow, f32)>, query: &[f32]) -> Vec<Scored> {
    let best = sparse.iter().map(|(_, s)| *s).fold(0.0_f32, f32::max);
    let band = |s: f32| {
        if best > 0.0 {
            ((best - s) / (best * BM25_BAND)).floor() as i64
        } else {
            0
        }
    };
    let mut rows: Vec<(i64, Scored)> = sparse
        .into_iter()
        .map(|(row, bm25)| {
            let c = row.vector.as_deref().map_or(0.0, |v| cosine(query, v));
            (band(bm25), (row, c))
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(b.1 .1.total_cmp(&a.1 .1)));
    rows.into_iter().map(|(_, scored)| scored).collect()
}

/// Rows (with their vectors) scored by their cosine with the query vector.
pub(crate) fn rescored(rows: Vec<(PhotoRow, f32)>, query: &[f32]) -> Vec<Scored> {
    rows.into_iter()
        .map(|(row, _)| {
            let c = row.vector.as_deref().map_or(0.0, |v| cosine(query, v));
            (row, c)
        })
        .collect()
}

/// The vector list (rows with their cosines, best first), the keyword list (rows with
/// their vectors and BM25 scores) and the tag list (photos given every tag the query names, most
/// probable first, with their cosines) fused by RRF, the keyword and tag lists each weighing
/// `keyword_weight`; ties keep the higher cosine first.
pub(crate) fn fuse(
    dense: Vec<Scored>,
    sparse: Vec<(PhotoRow, f32)>,
    tagged: Vec<Scored>,
    query: &[f32],
    keyword_weight: f32,
) -> Vec<Scored> {
    if sparse.is_empty() && tagged.is_empty() {
        return dense;
    }
    let mut lists = vec![(1.0, dense)];
    if !sparse.is_empty() {
        lists.push((keyword_weight, banded(sparse, query)));
    }
    if !tagged.is_empty() {
        lists.push((keyword_weight, tagged));
    }
    rank_fuse(lists)
}

/// Weighted RRF of ranked lists (each with its weight); ties keep the higher cosine first.
pub(crate) fn rank_fuse(lists: Vec<(f32, Vec<Scored>)>) -> Vec<Scored> {
    let mut fused: HashMap<String, (f32, Scored)> = HashMap::new();
    for (weight, list) in lists {
        let mut seen = std::collections::HashSet::new();
        // Each content id counts once per list, at its best rank.
        for (rank, (row, c)) in list
            .into_iter()
            .filter(|(row, _)| seen.insert(row.id.clone()))
            .enumerate()
        {
            let add = weight / (RRF_K + rank as f32 + 1.0);
            fused
                .entry(row.id.clone())
                .and_modify(|(score, _)| *score += add)
                .or_insert((add, (row, c)));
        }
    }
    let mut out: Vec<(f32, Scored)> = fused.into_values().collect();
    out.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1 .1.total_cmp(&a.1 .1))
            .then_with(|| a.1 .0.path.cmp(&b.1 .0.path))
    });
    out.into_iter().map(|(_, scored)| scored).collect()
}

/// A file's name without its extension, lower case.
fn stem(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Hits whose file name is the query's text or one of its words ("IMG_0042",
/// "img_0042.jpg") first, in their order; the rest after them.
pub(crate) fn exact_names_first(hits: Vec<Hit>, text: Option<&str>) -> Vec<Hit> {
    let Some(text) = text else { return hits };
    let text = text.trim().to_lowercase();
    let mut names: Vec<String> = text.split_whitespace().map(String::from).collect();
    names.push(text.clone());
    let names: Vec<String> = names
        .into_iter()
        .map(|n| stem(&n))
        .filter(|n| !n.is_empty())
        .collect();
    let (mut first, rest): (Vec<Hit>, Vec<Hit>) = hits
        .into_iter()
        .partition(|h| names.contains(&stem(&h.path)));
    first.extend(rest);
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, vector: [f32; 2]) -> PhotoRow {
        let mut row = PhotoRow::failed(
            format!("/p/{id}.jpg"),
            "/p".into(),
            id.into(),
            1,
            0,
            "".into(),
        );
        row.vector = Some(vector.to_vec());
        row
    }

    fn ids(list: &[Scored]) -> Vec<&str> {
        list.iter().map(|(r, _)| r.id.as_str()).collect()
    }

    #[test]
    fn without_keyword_matches_the_vector_list_is_unchanged() {
        let dense = vec![(row("a", [1.0, 0.0]), 0.9), (row("b", [0.0, 1.0]), 0.2)];
        assert_eq!(
            fuse(dense.clone(), vec![], vec![], &[1.0, 0.0], KEYWORD_WEIGHT),
            dense
        );
    }

    #[test]
    fn a_photo_in_both_lists_beats_one_at_the_top_of_either() {
        let q = [1.0, 0.0];
        let both = cosine(&q, &[0.9, 0.1]);
        let dense = vec![
            (row("v1", [1.0, 0.0]), 1.0),
            (row("both", [0.9, 0.1]), both),
        ];
        let sparse = vec![(row("k1", [0.0, 1.0]), 5.0), (row("both", [0.9, 0.1]), 5.0)];
        let fused = fuse(dense.clone(), sparse.clone(), vec![], &q, 1.0);
        assert_eq!(
            ids(&fused),
            ["both", "v1", "k1"],
            "equal weights: ties by cosine"
        );
        assert!(
            (fused[0].1 - cosine(&q, &[0.9, 0.1])).abs() < 1e-6,
            "score is the cosine"
        );
        let fused = fuse(dense, sparse, vec![], &q, KEYWORD_WEIGHT);
        assert_eq!(
            ids(&fused),
            ["both", "k1", "v1"],
            "a keyword match before a vector-only one"
        );
    }

    #[test]
    fn at_weight_two_sixty_keyword_matches_come_before_the_best_vector_only_photo() {
        let q = [1.0, 0.0];
        let dense = vec![(row("v", [1.0, 0.0]), 1.0)];
        let sparse: Vec<(PhotoRow, f32)> = (0..70)
            .map(|i| (row(&format!("k{i:02}"), [0.0, 1.0]), 3.0))
            .collect();
        let fused = fuse(dense, sparse, vec![], &q, KEYWORD_WEIGHT);
        let v = fused.iter().position(|(r, _)| r.id == "v").unwrap();
        assert!((60..=62).contains(&v), "{v}");
    }

    #[test]
    fn equal_bm25_is_ranked_by_cosine_and_a_clearly_better_bm25_stays_first() {
        let q = [1.0, 0.0];
        let sparse = vec![
            (row("far", [0.0, 1.0]), 2.0),
            (row("near", [1.0, 0.1]), 1.95),
            (row("name", [0.0, 1.0]), 9.0),
        ];
        let ranked = banded(sparse.clone(), &q);
        assert_eq!(ids(&ranked), ["name", "near", "far"]);
        assert_eq!(
            ids(&rescored(sparse, &q)),
            ["far", "near", "name"],
            "as given"
        );
    }

    #[test]
    fn a_file_named_as_the_query_comes_first() {
        let h = |path: &str| Hit {
            path: path.into(),
            ..crate::search::hit(row("x", [1.0, 0.0]), 0.0)
        };
        let hits = vec![h("/p/IMG_0041.JPG"), h("/p/IMG_0042.JPG"), h("/p/a.png")];
        let out = exact_names_first(hits.clone(), Some("IMG_0042"));
        assert_eq!(out[0].path, "/p/IMG_0042.JPG");
        assert_eq!(out[1].path, "/p/IMG_0041.JPG");
        let out = exact_names_first(hits.clone(), Some("sunset a.PNG"));
        assert_eq!(out[0].path, "/p/a.png");
        assert_eq!(exact_names_first(hits.clone(), None), hits);
    }
}
