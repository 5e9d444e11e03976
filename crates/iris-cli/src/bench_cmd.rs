//! `iris bench-search` (hidden, for scripts/bench-hybrid.sh): search latency on a synthetic
//! catalog of N rows (random unit vectors, generated names, folders, dates, cameras and
//! places; iris_core::synthetic) with the query vector given, so that the figure is the
//! catalog's work: the prefiltered vector scan, the keyword search and the fusion. The
//! baseline, measured in the same run on the same catalog, is the vector search alone with the
//! same filter (what Iris answered before the keyword index).

use anyhow::Result;
use clap::Args;
use iris_core::synthetic::SyntheticCatalog;
use iris_core::{Query, Retrieval};
use std::time::Instant;

#[derive(Args)]
pub struct BenchSearchArgs {
    /// Rows of the synthetic catalog.
    #[arg(long, default_value_t = 100_000)]
    rows: usize,
    /// Vector dimensions (512: ViT-B/32).
    #[arg(long, default_value_t = 512)]
    dim: usize,
    /// Timed searches per case, after one warm-up each.
    #[arg(long, default_value_t = 20)]
    searches: usize,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

pub fn bench_search(args: &BenchSearchArgs) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("iris-bench-search-{}", std::process::id()));
    let result = run(args, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run(args: &BenchSearchArgs, dir: &std::path::Path) -> Result<()> {
    let started = Instant::now();
    let mut catalog = SyntheticCatalog::create(dir, args.rows, args.dim, 7)?;
    println!(
        "{} rows of {} dimensions written and indexed in {:.1} s",
        args.rows,
        args.dim,
        started.elapsed().as_secs_f64()
    );
    let cases = [
        (
            "hybrid, filter after:2019 camera:canon",
            "lisbon after:2019 camera:canon",
            Retrieval::Hybrid,
        ),
        (
            "vector, same filter (baseline)",
            "lisbon after:2019 camera:canon",
            Retrieval::Vector,
        ),
        ("hybrid, no filter", "lisbon", Retrieval::Hybrid),
        ("vector, no filter", "lisbon", Retrieval::Vector),
        ("keyword only", "lisbon", Retrieval::Keyword),
    ];
    let mut medians = Vec::new();
    for (name, text, retrieval) in cases {
        let query = Query {
            k: 100,
            retrieval,
            ..Query::from_text(text)?
        };
        let mut times = Vec::with_capacity(args.searches);
        for i in 0..=args.searches {
            let vector = catalog.query_vector();
            let t = Instant::now();
            let hits = catalog.search(&query, &vector)?;
            if i > 0 {
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            anyhow::ensure!(hits.len() == query.k, "{name}: {} hits", hits.len());
        }
        times.sort_by(f64::total_cmp);
        let median = percentile(&times, 0.5);
        medians.push(median);
        println!(
            "{name:<42} median {median:6.1} ms  p90 {:6.1} ms  ({} searches, k {})",
            percentile(&times, 0.9),
            times.len(),
            query.k
        );
    }
    println!(
        "hybrid/vector with the filter: {:.2}",
        medians[0] / medians[1]
    );
    Ok(())
}
