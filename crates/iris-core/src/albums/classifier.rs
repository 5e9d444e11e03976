//! The few-shot classifier of a smart album: L2-regularised logistic regression on the
//! photos' unit embeddings. Positives are the photos the user chose (or accepted), negatives
//! those marked "not this", and a sample of the library is background: mostly other things,
//! so it is taught as negative, but weighed as a whole no more than the positives (some of it
//! may belong in the album). Each of the three groups weighs in total as the positives do, so
//! five examples are not drowned by a thousand background photos.
//!
//! The weights are pulled towards a prior, the Rocchio direction of relevance feedback: the
//! examples' mean less [`ROCCHIO_NEGATIVE`] times the negatives' mean. With few examples the
//! album ranks as that direction does, and the examples' differences move it from there.
//! Without the prior (weights from zero, penalty 1e-3) five examples were fitted by their
//! quirks: precision at 50 on demo classes 0.70 against 0.78 for the mean's ranking, and
//! negatives made it worse (0.66).
//!
//! Training is full-batch gradient descent with Nesterov momentum on a convex loss: the same
//! examples give the same classifier. Features are the embeddings (centred on the library's
//! mean by the caller) times [`FEATURE_SCALE`], so that useful weights are of order one. The
//! step is small enough to converge: an earlier step of 0.5 left the loss at ten times its
//! minimum whenever negatives were given, and they then moved nothing (`iris eval-albums`).

use crate::catalog::dot::DotPath;

/// Embeddings are unit vectors; this scale brings cosine differences of 0.05-0.2 (what tells
/// photos apart) to logits of order one with moderate weights.
const FEATURE_SCALE: f32 = 10.0;
/// The weights start at, and are pulled towards, the prior direction at this norm.
const PRIOR_NORM: f32 = 6.0;
/// The negatives' weight in the prior (Rocchio's gamma; 0.15-0.25 is usual). At 0.5 the
/// demo albums lost 0.03-0.04 of precision at 50: two photos outweighed five.
const ROCCHIO_NEGATIVE: f32 = 0.25;
/// The L2 penalty on the weights' distance from that prior (not on the bias).
const L2: f32 = 1.0;
const STEPS: usize = 800;
/// The loss's curvature is at most FEATURE_SCALE^2 / 4 = 25 per unit of weight; with
/// momentum 0.9 a step of 0.1 converges in a few hundred steps (tested below).
const LEARNING_RATE: f32 = 0.1;
const MOMENTUM: f32 = 0.9;

/// A trained classifier: `sigmoid(w . x * FEATURE_SCALE + b)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Classifier {
    weights: Vec<f32>,
    bias: f32,
}

/// The prior weights: mean(positives) - ROCCHIO_NEGATIVE * mean(negatives), at PRIOR_NORM.
fn rocchio(positives: &[&[f32]], negatives: &[&[f32]], dim: usize) -> Vec<f32> {
    let mut prior = vec![0f32; dim];
    for (group, weight) in [(positives, 1.0), (negatives, -ROCCHIO_NEGATIVE)] {
        let share = weight / group.len().max(1) as f32;
        for x in group {
            prior
                .iter_mut()
                .zip(x.iter())
                .for_each(|(p, v)| *p += share * v);
        }
    }
    let norm = prior
        .iter()
        .map(|p| p * p)
        .sum::<f32>()
        .sqrt()
        .max(f32::MIN_POSITIVE);
    prior.iter_mut().for_each(|p| *p *= PRIOR_NORM / norm);
    prior
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// The training problem: the weighted examples and the prior the weights are pulled to.
struct Objective<'a> {
    /// (embedding, label, weight / total weight).
    examples: Vec<(&'a [f32], f32, f32)>,
    prior: Vec<f32>,
}

impl<'a> Objective<'a> {
    fn new(
        positives: &[&'a [f32]],
        negatives: &[&'a [f32]],
        background: &[&'a [f32]],
        dim: usize,
    ) -> Self {
        // Each group sums to 1, then all to 1.
        let groups = [(positives, 1.0), (negatives, 0.0), (background, 0.0)];
        let total = groups.iter().filter(|(g, _)| !g.is_empty()).count().max(1) as f32;
        let mut examples = Vec::new();
        for (group, label) in groups {
            let weight = 1.0 / (group.len().max(1) as f32 * total);
            examples.extend(group.iter().map(|x| (*x, label, weight)));
        }
        Self {
            examples,
            prior: rocchio(positives, negatives, dim),
        }
    }

    /// The loss's gradient at (`weights`, `bias`), the penalty's included.
    fn gradient(&self, weights: &[f32], bias: f32) -> (Vec<f32>, f32) {
        let dot = DotPath::best();
        let mut grad: Vec<f32> = weights
            .iter()
            .zip(&self.prior)
            .map(|(w, p)| L2 * (w - p))
            .collect();
        let mut grad_bias = 0f32;
        for &(x, label, weight) in &self.examples {
            let z = dot.dot(weights, x) * FEATURE_SCALE + bias;
            let error = (sigmoid(z) - label) * weight;
            grad_bias += error;
            grad.iter_mut()
                .zip(x)
                .for_each(|(g, xi)| *g += error * xi * FEATURE_SCALE);
        }
        (grad, grad_bias)
    }
}

impl Classifier {
    /// Trains on `positives`, `negatives` and `background` (unit embeddings of `dim`).
    pub(crate) fn train(
        positives: &[&[f32]],
        negatives: &[&[f32]],
        background: &[&[f32]],
        dim: usize,
    ) -> Self {
        let objective = Objective::new(positives, negatives, background, dim);
        let mut model = Self {
            weights: objective.prior.clone(),
            bias: 0.0,
        };
        let mut velocity = (vec![0f32; dim], 0f32);
        for _ in 0..STEPS {
            // Nesterov: the gradient at the look-ahead point.
            let ahead: Vec<f32> = model
                .weights
                .iter()
                .zip(&velocity.0)
                .map(|(w, v)| w + MOMENTUM * v)
                .collect();
            let (grad, grad_bias) = objective.gradient(&ahead, model.bias + MOMENTUM * velocity.1);
            for (v, g) in velocity.0.iter_mut().zip(&grad) {
                *v = MOMENTUM * *v - LEARNING_RATE * g;
            }
            velocity.1 = MOMENTUM * velocity.1 - LEARNING_RATE * grad_bias;
            model
                .weights
                .iter_mut()
                .zip(&velocity.0)
                .for_each(|(w, v)| *w += v);
            model.bias += velocity.1;
        }
        model
    }

    /// The probability that the photo with unit embedding `x` belongs in the album.
    pub(crate) fn probability(&self, x: &[f32]) -> f32 {
        sigmoid(DotPath::best().dot(&self.weights, x) * FEATURE_SCALE + self.bias)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::Random;

    /// A unit vector near `centre` (spread `noise`).
    fn near(rng: &mut Random, centre: &[f32], noise: f32) -> Vec<f32> {
        let mut v: Vec<f32> = centre.iter().map(|c| c + noise * rng.normal()).collect();
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter_mut().for_each(|x| *x /= n);
        v
    }

    #[test]
    fn five_examples_separate_their_cluster_from_the_rest() {
        let dim = 32;
        let mut rng = Random::new(7);
        let (a, b) = (rng.unit_vector(dim), rng.unit_vector(dim));
        let ours: Vec<Vec<f32>> = (0..5).map(|_| near(&mut rng, &a, 0.05)).collect();
        let rest: Vec<Vec<f32>> = (0..200).map(|_| near(&mut rng, &b, 0.05)).collect();
        let c = Classifier::train(
            &ours.iter().map(Vec::as_slice).collect::<Vec<_>>(),
            &[],
            &rest.iter().map(Vec::as_slice).collect::<Vec<_>>(),
            dim,
        );
        for _ in 0..20 {
            assert!(c.probability(&near(&mut rng, &a, 0.05)) > 0.5);
            assert!(c.probability(&near(&mut rng, &b, 0.05)) < 0.5);
        }
    }

    #[test]
    fn a_negative_near_the_examples_moves_the_boundary_away_from_it() {
        let dim = 32;
        let mut rng = Random::new(8);
        let a = rng.unit_vector(dim);
        let ours: Vec<Vec<f32>> = (0..5).map(|_| near(&mut rng, &a, 0.05)).collect();
        // A photo that shares much with the examples (cosine about 0.7) but is not one of them.
        let b = rng.unit_vector(dim);
        let mixed: Vec<f32> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
        let other = near(&mut rng, &mixed, 0.05);
        let background: Vec<Vec<f32>> = (0..100).map(|_| rng.unit_vector(dim)).collect();
        let ours: Vec<&[f32]> = ours.iter().map(Vec::as_slice).collect();
        let background: Vec<&[f32]> = background.iter().map(Vec::as_slice).collect();
        let without = Classifier::train(&ours, &[], &background, dim);
        let with = Classifier::train(&ours, &[&other], &background, dim);
        let (before, after) = (without.probability(&other), with.probability(&other));
        eprintln!("the negative's probability: {before} without it, {after} with it");
        assert!(after < before - 0.1, "{before} -> {after}");
        // The examples stay in.
        assert!(ours.iter().all(|x| with.probability(x) > 0.5));
    }

    /// Training reaches the loss's minimum (gradient near zero), negatives given or not. A
    /// step of 0.5 ended at ten times the minimum's loss with negatives near the examples.
    #[test]
    fn training_converges_with_and_without_negatives() {
        let dim = 64;
        let mut rng = Random::new(9);
        let a = rng.unit_vector(dim);
        let ours: Vec<Vec<f32>> = (0..5).map(|_| near(&mut rng, &a, 0.05)).collect();
        let close: Vec<Vec<f32>> = (0..10).map(|_| near(&mut rng, &a, 0.08)).collect();
        let background: Vec<Vec<f32>> = (0..300).map(|_| rng.unit_vector(dim)).collect();
        let ours: Vec<&[f32]> = ours.iter().map(Vec::as_slice).collect();
        let close: Vec<&[f32]> = close.iter().map(Vec::as_slice).collect();
        let background: Vec<&[f32]> = background.iter().map(Vec::as_slice).collect();
        for negatives in [&close[..0], &close[..2], &close[..]] {
            let model = Classifier::train(&ours, negatives, &background, dim);
            let objective = Objective::new(&ours, negatives, &background, dim);
            let norm = |(grad, bias): (Vec<f32>, f32)| {
                (grad.iter().map(|g| g * g).sum::<f32>() + bias * bias).sqrt()
            };
            let start = norm(objective.gradient(&objective.prior, 0.0));
            let end = norm(objective.gradient(&model.weights, model.bias));
            eprintln!(
                "{} negatives: gradient norm {start} -> {end}",
                negatives.len()
            );
            assert!(
                end < start / 100.0,
                "{} negatives: {start} -> {end}",
                negatives.len()
            );
        }
    }

    #[test]
    fn the_same_examples_give_the_same_classifier() {
        let x = [1.0f32, 0.0];
        let y = [0.0f32, 1.0];
        assert_eq!(
            Classifier::train(&[&x], &[&y], &[], 2),
            Classifier::train(&[&x], &[&y], &[], 2)
        );
    }
}
