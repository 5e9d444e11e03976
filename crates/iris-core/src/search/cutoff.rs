//! The default cut-off of a query's results: the score that splits the result scores into
//! the two classes with the largest between-class variance (Otsu's method, on the sorted
//! scores themselves rather than on histogram bins, so it does not depend on a bin width).
//! Inside the upper class, a gap at least [`SHARP_EDGE`] times its median gap cuts instead
//! (two-class Otsu alone kept every photo that shares a shape with the query, precision 0.16
//! on the evaluation set's visual queries; with the sharp edge 0.99 at recall 1.0). On
//! smooth, CLIP-like score lists no gap stands out and Otsu's split stays.
//! A query's relevant photos score apart from the long tail of the rest; the split between
//! them is where the gallery opens, drawn on the histogram, movable, the rest one click away.
//! The cut-off is a score (what the histogram and the slider show), applied to the results in
//! their fused order; it never hides the first result (a file named as the query, a keyword
//! match whose picture scores low): it is lowered to that result's score if need be.

/// Fewest results a cut-off is chosen for.
const MIN_RESULTS: usize = 4;
/// Scores closer together than this have no two classes.
const MIN_SPREAD: f32 = 1e-4;
/// How many times the median gap of the upper class a gap must be to cut there instead.
const SHARP_EDGE: f64 = 4.0;

/// The lowest score of the upper class, at most the first result's score; none when the
/// scores (of results in their order) do not split (too few, all alike).
pub fn default_cutoff(scores: &[f32]) -> Option<f32> {
    let first = *scores.first()?;
    split(scores).map(|c| if first.is_finite() { c.min(first) } else { c })
}

/// Otsu's split of the scores: the lowest score of the upper class.
fn split(scores: &[f32]) -> Option<f32> {
    let mut s: Vec<f64> = scores
        .iter()
        .filter(|x| x.is_finite())
        .map(|&x| f64::from(x))
        .collect();
    if s.len() < MIN_RESULTS {
        return None;
    }
    s.sort_by(|a, b| b.total_cmp(a));
    let n = s.len();
    if s[0] - s[n - 1] < f64::from(MIN_SPREAD) {
        return None;
    }
    let total: f64 = s.iter().sum();
    let (mut upper_sum, mut best, mut split) = (0.0, -1.0, 1);
    // Upper class: the first i scores; a split only between two different scores.
    for i in 1..n {
        upper_sum += s[i - 1];
        if s[i - 1] == s[i] {
            continue;
        }
        let (w1, w0) = (i as f64, (n - i) as f64);
        let (m1, m0) = (upper_sum / w1, (total - upper_sum) / w0);
        let between = w1 * w0 * (m1 - m0) * (m1 - m0);
        if between > best {
            (best, split) = (between, i);
        }
    }
    // Inside the upper class (and at its edge), a gap far wider than its typical gap is a
    // sharper edge: the demo model's exact matches above the photos that merely share a
    // shape, which Otsu's split keeps together.
    let mut gaps: Vec<(f64, usize)> = (0..split).map(|i| (s[i] - s[i + 1], i)).collect();
    let widest = gaps
        .iter()
        .copied()
        .fold((f64::MIN, 0), |a, g| if g.0 > a.0 { g } else { a });
    gaps.sort_by(|a, b| a.0.total_cmp(&b.0));
    let median = gaps[gaps.len() / 2].0;
    let at = if widest.0 >= SHARP_EDGE * median {
        widest.1
    } else {
        split - 1
    };
    Some(s[at] as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_high_scores_are_split_from_the_tail() {
        let mut scores = vec![0.31, 0.30, 0.29];
        scores.extend((0..40).map(|i| 0.20 - i as f32 * 0.001));
        assert_eq!(default_cutoff(&scores), Some(0.29));
    }

    #[test]
    fn too_few_or_equal_scores_have_no_cutoff() {
        assert_eq!(default_cutoff(&[0.3, 0.2, 0.1]), None);
        assert_eq!(default_cutoff(&[0.2; 10]), None);
        assert_eq!(default_cutoff(&[0.0; 10]), None);
        assert_eq!(default_cutoff(&[0.5, 0.5, f32::NAN, 0.1, 0.1]), Some(0.5));
        assert_eq!(default_cutoff(&[]), None);
    }

    #[test]
    fn a_sharp_edge_inside_the_upper_class_cuts_there() {
        // Exact matches, then photos that share something, then the tail.
        let mut scores = vec![0.86, 0.85, 0.84, 0.83];
        scores.extend((0..10).map(|i| 0.65 - i as f32 * 0.005));
        scores.extend((0..60).map(|i| 0.55 - i as f32 * 0.002));
        assert_eq!(default_cutoff(&scores), Some(0.83));
        // An even slope above the tail keeps Otsu's split.
        let mut even: Vec<f32> = (0..30).map(|i| 0.30 - i as f32 * 0.003).collect();
        even.extend((0..70).map(|i| 0.15 - i as f32 * 0.0005));
        let c = default_cutoff(&even).unwrap();
        assert!(even.iter().filter(|s| **s >= c).count() >= 25, "{c}");
    }

    #[test]
    fn the_first_result_is_never_below_the_cutoff() {
        // A file named as the query first, its picture unlike the words.
        assert_eq!(
            default_cutoff(&[0.12, 0.31, 0.30, 0.11, 0.10, 0.10]),
            Some(0.12)
        );
    }
}
