//! `iris bench-map` (hidden, for scripts/bench-map.sh): the library map's layout time on
//! synthetic embeddings (unit vectors of `--dim` floats around `--clusters` random centres,
//! a spread like photos of one subject), for each `--rows`: the map as the app computes it
//! (UMAP on 4,096 landmarks, the rest placed among them), and at the sizes where it is
//! affordable the baseline in the same run, UMAP on every row (the same reduction, neighbour
//! count and epochs). With each: the share of each point's 10 nearest map neighbours from its
//! own cluster.

use anyhow::Result;
use clap::Args;
use iris_core::map::{positions, same_label_share, LANDMARKS};
use iris_demo::Rng;
use std::time::Instant;

#[derive(Args)]
pub struct BenchMapArgs {
    /// Library sizes, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [10_000usize, 100_000])]
    rows: Vec<usize>,
    #[arg(long, default_value_t = 512)]
    dim: usize,
    #[arg(long, default_value_t = 200)]
    clusters: usize,
    /// Rows up to which the all-rows UMAP baseline runs too.
    #[arg(long, default_value_t = 20_000)]
    baseline_up_to: usize,
    /// Instead: write a library of this many synthetic photos for `--model` into
    /// `--library` (the desktop map's frame-rate measurement, tests/desktop/measure_map.mjs).
    #[arg(long)]
    write_library: Option<usize>,
}

/// Roughly normal: a sum of four uniforms.
fn normal(rng: &mut Rng) -> f32 {
    (0..4).map(|_| rng.unit()).sum::<f32>() - 2.0
}

fn unit(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    v.iter_mut().for_each(|x| *x /= norm);
    v
}

/// `rows` unit vectors, row `i` around centre `i % clusters`, and their labels.
fn synthetic(rows: usize, dim: usize, clusters: usize) -> (Vec<f32>, Vec<usize>) {
    let mut rng = Rng::new(7);
    let centres: Vec<Vec<f32>> = (0..clusters)
        .map(|_| unit((0..dim).map(|_| normal(&mut rng)).collect()))
        .collect();
    let spread = 2.5 / (dim as f32).sqrt();
    let mut vectors = Vec::with_capacity(rows * dim);
    for i in 0..rows {
        let c = &centres[i % clusters];
        vectors.extend(unit(
            c.iter().map(|x| x + spread * normal(&mut rng)).collect(),
        ));
    }
    (vectors, (0..rows).map(|i| i % clusters).collect())
}

/// Rows up to which the neighbour share is computed (an exact all-pairs search).
const SHARE_UP_TO: usize = 20_000;

fn timed(vectors: &[f32], dim: usize, landmarks: usize, labels: &[usize]) -> (f64, Option<f32>) {
    let start = Instant::now();
    let map = positions(vectors, dim, 1, landmarks);
    let seconds = start.elapsed().as_secs_f64();
    let flat: Vec<f32> = map.iter().flat_map(|p| p.iter().copied()).collect();
    let share = (labels.len() <= SHARE_UP_TO).then(|| same_label_share(&flat, 2, labels, 10));
    (seconds, share)
}

fn share_text(share: Option<f32>) -> String {
    share.map_or("not computed above 20,000 rows".into(), |s| {
        format!("{s:.3}")
    })
}

pub fn bench_map(cli: &crate::Cli, args: &BenchMapArgs) -> Result<()> {
    if let Some(rows) = args.write_library {
        let library = crate::library_cmds::open(cli)?;
        let root = library.dir().join("unplugged-drive");
        iris_core::synthetic::fill_library(&library, &root, rows, 7)?;
        println!("{rows} synthetic photos in {}", library.dir().display());
        return Ok(());
    }
    println!(
        "map layout, {} threads, {}-d synthetic embeddings in {} clusters",
        rayon::current_num_threads(),
        args.dim,
        args.clusters
    );
    for &rows in &args.rows {
        let (vectors, labels) = synthetic(rows, args.dim, args.clusters);
        let (seconds, share) = timed(&vectors, args.dim, LANDMARKS, &labels);
        println!(
            "{rows:>8} rows: map (UMAP on {} landmarks + placing) {seconds:7.2} s, \
             10-NN own-cluster share {}",
            LANDMARKS.min(rows),
            share_text(share)
        );
        if rows <= args.baseline_up_to && rows > LANDMARKS {
            let (base, base_share) = timed(&vectors, args.dim, rows, &labels);
            println!(
                "{rows:>8} rows: baseline UMAP on every row   {base:7.2} s, \
                 10-NN own-cluster share {}; map/baseline time {:.2}x",
                share_text(base_share),
                seconds / base
            );
        }
    }
    Ok(())
}
