//! The indexing job, in three phases: [`plan`] (from a walk of the roots against the catalog,
//! reading no file), [`pipeline`] (worker threads read, hash and decode; the calling thread
//! encodes and writes in batches) and the finish here (delete vanished rows, compact, count).
//!
//! Identity is the content hash: a file whose (path, size, mtime) is unchanged is not read;
//! a known hash at a new path takes the old row's embedding (a move when the old path is gone,
//! a copy otherwise), so nothing is encoded again; a missing root marks its rows offline and
//! deletes nothing. Rows are written in batches, each one LanceDB commit, and old rows are
//! deleted only after their replacements are written, so an interrupted run (cancel, crash,
//! kill -9) leaves a consistent catalog that the next run completes.

mod control;
pub(crate) mod pipeline;
mod plan;
pub mod priority;

use crate::catalog::{Catalog, Condition, RowFilter};
use crate::error::Result;
use crate::paths::to_text;
use crate::row::Status;
use crate::scan;
pub use control::{IndexControl, SEARCHING_FOR};
use iris_clip::Clip;
use plan::RootWalk;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What an index run did (the CLI prints it with `--json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct IndexReport {
    /// Candidate files seen by the walk.
    pub scanned: usize,
    /// Photos encoded by the model in this run.
    pub embedded: usize,
    /// Files not encoded because their content was already embedded (unchanged, or a copy).
    pub unchanged: usize,
    /// Photos whose path changed (moves and renames).
    pub moved: usize,
    /// Rows removed because their file is gone.
    pub removed: usize,
    /// Files that could not be read or decoded in this run.
    pub failed: usize,
    /// Photos offline after this run.
    pub offline: usize,
    /// The run was cancelled: what it finished is written, gone files are removed by the
    /// next full run.
    pub cancelled: bool,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// Progress of a run, reported after each processed file.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    /// Files read per second so far.
    pub rate: f64,
    /// Estimated seconds left.
    pub eta_seconds: Option<f64>,
    /// Threads the run works on now: fewer while the user searches (0 in a summary of a
    /// run that is not working).
    pub threads: usize,
}

/// Indexes `roots` (all of them online or not) into `catalog` with `clip`. A cancelled run is
/// not an error: its report says `cancelled` and counts what it did.
pub(crate) fn run(
    catalog: &Catalog,
    clip: &Clip,
    roots: &[PathBuf],
    thumbs: &Path,
    workers: usize,
    control: &IndexControl,
    progress: &mut dyn FnMut(Progress),
) -> Result<IndexReport> {
    let started = Instant::now();
    let walks = roots
        .iter()
        .map(|root| RootWalk {
            root: to_text(root),
            files: scan::is_present(root).then(|| scan::walk(root).files),
        })
        .collect();
    let plan = plan::plan(catalog.all_rows()?, walks);
    for root in &plan.online_roots {
        catalog.set_root_status(root, Status::Offline, Status::Ok)?;
    }
    for root in &plan.offline_roots {
        catalog.set_root_status(root, Status::Ok, Status::Offline)?;
    }
    let mut report = IndexReport {
        scanned: plan.scanned,
        unchanged: plan.unchanged,
        ..IndexReport::default()
    };
    let context = pipeline::Context {
        catalog,
        clip,
        thumbs,
        workers,
        control,
    };
    let (plan, moved_from) = pipeline::run(&context, plan, progress, &mut report)?;

    // Finish. Only now that every replacement row is written may the old rows go; a
    // cancelled run has not seen every file, so it leaves them to the next run.
    report.cancelled = control.is_cancelled();
    if !report.cancelled {
        catalog.delete_paths(&plan.vanished)?;
        report.removed = plan.vanished.len() - moved_from.len();
    }
    if report.embedded + report.failed + report.moved + report.removed > 0 {
        catalog.compact_if_fragmented()?;
    }
    // Also after a run that changed nothing: a catalog of an older Iris gains its keywords.
    catalog.update_keyword_index()?;
    report.offline = catalog.count(&RowFilter::only(Condition::Status(Status::Offline)))?;
    report.seconds = (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    Ok(report)
}
