//! `iris bench-ann` (hidden, for scripts/bench-search.sh): vector search at scale on
//! synthetic catalogs of clustered embeddings (iris_core::synthetic) with generated metadata.
//! For each size it prints the approximate index's build time, the query latency p50/p95
//! with and without a filter through the library's vector search, recall@10 against exact
//! search (and over the true neighbours above chance alone), the catalog's size on disk and
//! the process's memory. The baseline, measured in the same run on the same vectors and
//! queries, is the exact search over the held vectors (one pass of dot products split over
//! the cores: what Iris runs below the index's threshold).

use crate::bench_cmd::percentile;
use anyhow::Result;
use clap::Args;
use iris_core::synthetic::SyntheticCatalog;
use iris_core::{Query, Retrieval};
use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct BenchAnnArgs {
    /// Rows of each catalog, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [10_000, 100_000, 1_000_000])]
    rows: Vec<usize>,
    /// Vector dimensions (512: ViT-B/32).
    #[arg(long, default_value_t = 512)]
    dim: usize,
    /// Clusters the embeddings lie around, per 1,000 rows (at least 20 in all).
    #[arg(long, default_value_t = 1.0)]
    clusters_per_1000: f64,
    /// Timed searches per case, after one warm-up each.
    #[arg(long, default_value_t = 50)]
    searches: usize,
}

const K: usize = 10;
const FILTER: &str = "after:2019 camera:canon";

/// A field of /proc/self/status in MiB (VmRSS, VmHWM), where the system has it.
fn memory_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Starts the peak of RSS (VmHWM) again from the RSS now (Linux: `clear_refs` 5), so that a
/// step's own peak can be told from the catalog's making before it; false where it cannot.
fn restart_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

pub fn bench_ann(args: &BenchAnnArgs) -> Result<()> {
    println!(
        "k {K}, {} dimensions, {} timed searches a case; threshold for the index in the app: {} rows",
        args.dim,
        args.searches,
        iris_core::ANN_ABOVE_ROWS
    );
    for &rows in &args.rows {
        let dir = std::env::temp_dir().join(format!("iris-bench-ann-{}", std::process::id()));
        let result = one_size(args, rows, &dir);
        let _ = std::fs::remove_dir_all(&dir);
        result?;
    }
    Ok(())
}

fn one_size(args: &BenchAnnArgs, rows: usize, dir: &Path) -> Result<()> {
    let clusters = ((rows as f64 * args.clusters_per_1000 / 1000.0) as usize).max(20);
    let started = Instant::now();
    let mut catalog = SyntheticCatalog::create_clustered(dir, rows, args.dim, clusters, 7)?;
    println!(
        "\n{rows} rows around {clusters} clusters: written in {:.1} s, {:.0} MB on disk",
        started.elapsed().as_secs_f64(),
        iris_core::disk::usage(dir) as f64 / 1e6
    );
    // The index at every size, so that it can be compared with exact search at each.
    catalog.set_ann_above_rows(0);
    let own_peak = restart_peak_rss();
    let loading = Instant::now();
    catalog.vector_index_ready()?;
    let loaded = loading.elapsed();
    while !catalog.vector_index_ready()? {
        std::thread::sleep(Duration::from_millis(10));
    }
    println!(
        "held in memory in {:.2} s; index built {:.2} s after; RSS {:.0} MiB",
        loaded.as_secs_f64(),
        (loading.elapsed() - loaded).as_secs_f64(),
        memory_mib("VmRSS:").unwrap_or(f64::NAN)
    );
    if own_peak {
        println!(
            "peak RSS while reading the rows and building the index {:.0} MiB",
            memory_mib("VmHWM:").unwrap_or(f64::NAN)
        );
    }
    // A cosine that a direction unrelated to the query exceeds with probability about 3e-7
    // (5 standard deviations of a random unit vector's cosine, 1/sqrt(dim)): neighbours below
    // it are ranked by noise, which no index can follow.
    let chance = 5.0 / (args.dim as f32).sqrt();
    for filter in ["", FILTER] {
        let query = Query {
            k: K,
            retrieval: Retrieval::Vector,
            ..Query::from_text(filter)?
        };
        let (mut ann, mut exact, mut recall) = (Vec::new(), Vec::new(), 0.0);
        // The true neighbours above chance, and how many of them the search found.
        let (mut above_chance, mut tenth) = ((0usize, 0usize), Vec::new());
        for i in 0..=args.searches {
            let vector = catalog.query_vector();
            let t = Instant::now();
            let found = catalog.search(&query, &vector)?;
            let ann_ms = t.elapsed().as_secs_f64() * 1000.0;
            let t = Instant::now();
            let truth = catalog.exact_search_scored(&query, &vector)?;
            let exact_ms = t.elapsed().as_secs_f64() * 1000.0;
            if i == 0 {
                continue;
            }
            ann.push(ann_ms);
            exact.push(exact_ms);
            let found: HashSet<&str> = found.iter().take(K).map(|h| h.path.as_str()).collect();
            let hits = truth
                .iter()
                .filter(|(r, _)| found.contains(r.path.as_str()));
            recall += hits.count() as f64 / truth.len().clamp(1, K) as f64;
            let meaningful: Vec<_> = (truth.iter())
                .filter(|(_, cosine)| *cosine > chance)
                .collect();
            above_chance.0 += meaningful.len();
            above_chance.1 += (meaningful.iter())
                .filter(|(r, _)| found.contains(r.path.as_str()))
                .count();
            tenth.push(truth.get(K - 1).map_or(f64::NAN, |(_, c)| *c as f64));
        }
        ann.sort_by(f64::total_cmp);
        exact.sort_by(f64::total_cmp);
        tenth.sort_by(f64::total_cmp);
        let name = if filter.is_empty() {
            "no filter"
        } else {
            FILTER
        };
        println!(
            "{name:<26} index p50 {:7.2} ms p95 {:7.2} ms | exact p50 {:7.2} ms p95 {:7.2} ms | index/exact {:.2} | recall@{K} {:.3}",
            percentile(&ann, 0.5),
            percentile(&ann, 0.95),
            percentile(&exact, 0.5),
            percentile(&exact, 0.95),
            percentile(&ann, 0.5) / percentile(&exact, 0.5),
            recall / args.searches as f64
        );
        println!(
            "{:<26} true {K}th cosine p50 {:.3} | neighbours above chance (cosine > {chance:.3}) {:.1} of {K}, found {:.3} of them",
            "",
            percentile(&tenth, 0.5),
            above_chance.0 as f64 / args.searches as f64,
            above_chance.1 as f64 / above_chance.0.max(1) as f64
        );
    }
    println!(
        "peak RSS so far {:.0} MiB",
        memory_mib("VmHWM:").unwrap_or(f64::NAN)
    );
    Ok(())
}
