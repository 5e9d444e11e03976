//! `iris bench-search` (hidden, for scripts/bench-hybrid.sh): search latency on a synthetic
//! catalog of N rows (random unit vectors, generated names, folders, dates, cameras and
//! places; iris_core::synthetic) with the query vector given, so that the figure is the
//! catalog's work: the vector search over the vectors held in memory with the filter's rows,
//! the keyword search and the fusion. The baseline, measured in the same run on the same
//! catalog, is LanceDB's own flat vector search with the same filter as a prefilter and the
//! same depth (what Iris ran before it held the vectors in memory).

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
    /// Results per search.
    #[arg(long, default_value_t = 100)]
    k: usize,
    /// Timed searches per case, after one warm-up each.
    #[arg(long, default_value_t = 20)]
    searches: usize,
}

/// What answers a case: Iris's search with this retrieval, or LanceDB's flat vector search.
#[derive(Clone, Copy)]
enum Engine {
    Iris(Retrieval),
    LanceDbFlat,
}

/// The value at fraction `p` of `sorted` (nearest rank).
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
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
    let filtered = "lisbon after:2019 camera:canon";
    let cases = [
        (
            "hybrid, filter after:2019 camera:canon",
            filtered,
            Engine::Iris(Retrieval::Hybrid),
        ),
        (
            "vector, same filter",
            filtered,
            Engine::Iris(Retrieval::Vector),
        ),
        (
            "LanceDB flat vector, same filter (baseline)",
            filtered,
            Engine::LanceDbFlat,
        ),
        (
            "hybrid, no filter",
            "lisbon",
            Engine::Iris(Retrieval::Hybrid),
        ),
        (
            "vector, no filter",
            "lisbon",
            Engine::Iris(Retrieval::Vector),
        ),
        (
            "LanceDB flat vector, no filter (baseline)",
            "lisbon",
            Engine::LanceDbFlat,
        ),
        ("keyword only", "lisbon", Engine::Iris(Retrieval::Keyword)),
    ];
    let mut medians = Vec::new();
    for (name, text, engine) in cases {
        let query = Query {
            k: args.k,
            retrieval: match engine {
                Engine::Iris(retrieval) => retrieval,
                Engine::LanceDbFlat => Retrieval::Vector,
            },
            ..Query::from_text(text)?
        };
        let mut times = Vec::with_capacity(args.searches);
        for i in 0..=args.searches {
            let vector = catalog.query_vector();
            let t = Instant::now();
            let found = match engine {
                Engine::Iris(_) => catalog.search(&query, &vector)?.len(),
                Engine::LanceDbFlat => catalog.lancedb_flat_search(&query, &vector)?.len(),
            };
            if i > 0 {
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            anyhow::ensure!(found >= query.k, "{name}: {found} rows");
        }
        times.sort_by(f64::total_cmp);
        let median = percentile(&times, 0.5);
        medians.push(median);
        println!(
            "{name:<46} median {median:7.2} ms  p90 {:7.2} ms  ({} searches, k {})",
            percentile(&times, 0.9),
            times.len(),
            query.k
        );
    }
    println!(
        "hybrid/LanceDB flat with the filter: {:.2}; vector/LanceDB flat: {:.2} filtered, {:.2} unfiltered",
        medians[0] / medians[2],
        medians[1] / medians[2],
        medians[4] / medians[5]
    );
    Ok(())
}
