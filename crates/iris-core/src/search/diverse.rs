//! Diversity: maximal marginal relevance (MMR, Carbonell and Goldstein 1998) over the first
//! results, so that forty shots of one moment do not fill the first screen. Each next pick
//! maximises `LAMBDA * relevance - (1 - LAMBDA) * (highest cosine with a photo picked
//! before)`, relevance being the photo's score (its cosine with the query). Only the first
//! [`DEPTH`] results are reordered (what a screen or two shows; the cost grows with the
//! square of it); the rest follow in their order. Relevance is the score rescaled to 0..1
//! over those results: CLIP's scores of one query span a few hundredths, and on the raw
//! scale novelty would outweigh any difference in relevance (a photo unlike the query would
//! beat a relevant one for being different).

use super::vector::cosine;

/// The weight of relevance against novelty.
pub const LAMBDA: f32 = 0.5;
/// Results reordered.
pub const DEPTH: usize = 200;

/// The order MMR picks `items` in: their indices. `scores[i]` is item i's relevance and
/// `vectors[i]` its unit vector (none: it never counts as like another).
pub(crate) fn mmr_order(scores: &[f32], vectors: &[Option<Vec<f32>>]) -> Vec<usize> {
    let n = scores.len().min(DEPTH);
    let (lo, hi) = scores[..n]
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &s| {
            (lo.min(s), hi.max(s))
        });
    let relevance = |i: usize| {
        if hi > lo {
            (scores[i] - lo) / (hi - lo)
        } else {
            1.0
        }
    };
    let mut picked: Vec<usize> = Vec::with_capacity(scores.len());
    // The highest cosine of each unpicked item with any picked one.
    let mut nearest = vec![f32::NEG_INFINITY; n];
    let mut left: Vec<usize> = (0..n).collect();
    while !left.is_empty() {
        let value = |i: usize| {
            let novelty = if picked.is_empty() {
                0.0
            } else {
                nearest[i].max(0.0)
            };
            LAMBDA * relevance(i) - (1.0 - LAMBDA) * novelty
        };
        let (at, &best) = left
            .iter()
            .enumerate()
            .max_by(|a, b| value(*a.1).total_cmp(&value(*b.1)).then(b.1.cmp(a.1)))
            .expect("left is not empty");
        left.swap_remove(at);
        left.sort_unstable();
        picked.push(best);
        if let Some(v) = &vectors[best] {
            for &i in &left {
                if let Some(w) = &vectors[i] {
                    nearest[i] = nearest[i].max(cosine(v, w));
                }
            }
        }
    }
    picked.extend(n..scores.len());
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Option<Vec<f32>> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        Some(v.iter().map(|x| x / n).collect())
    }

    #[test]
    fn near_identical_shots_make_room_for_other_relevant_photos_in_the_top_ten() {
        // Twelve shots of one moment score best, eight other relevant photos a little lower,
        // ten unrelated photos far lower.
        let axis = |i: usize, lean: f32| {
            let mut v = vec![0.0; 24];
            v[0] = lean;
            v[i] = 1.0;
            unit(&v)
        };
        let mut scores = Vec::new();
        let mut vectors = Vec::new();
        for i in 0..12 {
            scores.push(0.30 - i as f32 * 0.0005);
            let mut v = vec![0.0; 24];
            v[0] = 1.0;
            v[1] = 0.01 * i as f32;
            vectors.push(unit(&v));
        }
        for i in 0..8 {
            scores.push(0.27 - i as f32 * 0.001);
            vectors.push(axis(2 + i, 0.3));
        }
        for i in 0..10 {
            scores.push(0.18 - i as f32 * 0.001);
            vectors.push(axis(10 + i, 0.3));
        }
        let order = mmr_order(&scores, &vectors);
        let moment = |o: &[usize]| o.iter().take(10).filter(|&&i| i < 12).count();
        let plain: Vec<usize> = (0..scores.len()).collect();
        assert_eq!(moment(&plain), 10);
        assert!(moment(&order) <= 3, "{order:?}");
        assert!(
            order[..10].iter().all(|&i| i < 20),
            "no unrelated photo in the top ten"
        );
        assert_eq!(order[0], 0, "the best result stays first");
        let mut all = order.clone();
        all.sort_unstable();
        assert_eq!(all, plain, "every result once");
    }

    #[test]
    fn results_past_the_depth_keep_their_order() {
        let n = DEPTH + 5;
        let scores: Vec<f32> = (0..n).map(|i| 1.0 - i as f32 / n as f32).collect();
        let order = mmr_order(&scores, &vec![None; n]);
        assert_eq!(order, (0..n).collect::<Vec<_>>(), "nothing alike: by score");
    }
}
