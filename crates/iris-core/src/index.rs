//! The indexing job: plan from a walk of the roots against the catalog, then a pipeline in
//! which worker threads read, hash and decode files while the calling thread encodes batches
//! with the model and writes rows to the catalog in batches.
//!
//! Identity is the content hash: a file whose (path, size, mtime) is unchanged is not read;
//! a known hash at a new path takes the old row's embedding (a move when the old path is gone,
//! a copy otherwise), so nothing is encoded again; a missing root marks its rows offline and
//! deletes nothing. Rows are written in batches, each one LanceDB commit, and old rows are
//! deleted only after their replacements are written, so an interrupted run (cancel, crash,
//! kill -9) leaves a consistent catalog that the next run completes.

use crate::catalog::{sql_string, Catalog};
use crate::error::{CoreError, Result};
use crate::photo::{self, Decoded};
use crate::row::{PhotoRow, Status};
use crate::scan::{self, FileEntry};
use crossbeam_channel::{bounded, Receiver, Sender};
use iris_clip::Clip;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Rows written per catalog commit.
pub const WRITE_BATCH: usize = 64;

/// What an index run did (the CLI prints it with `--json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
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
    /// Wall time in seconds.
    pub seconds: f64,
}

/// Progress of a run, reported after each processed file.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    /// Files read per second so far.
    pub rate: f64,
    /// Estimated seconds left.
    pub eta_seconds: Option<f64>,
}

/// What a worker made of one file.
enum Outcome {
    /// The content is already in the catalog under `source`.
    Known {
        entry: FileEntry,
        id: String,
        source: String,
    },
    Decoded {
        entry: FileEntry,
        id: String,
        decoded: Decoded,
    },
    Failed {
        entry: FileEntry,
        id: String,
        reason: String,
    },
    /// The file disappeared before it could be read.
    Vanished,
}

struct Job<'a> {
    known: &'a HashMap<String, String>,
    preprocessor: &'a iris_clip::preprocess::Preprocessor,
    thumbs: &'a Path,
}

impl Job<'_> {
    fn process(&self, entry: FileEntry) -> Outcome {
        let bytes = match std::fs::read(&entry.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Outcome::Vanished,
            Err(e) => {
                let reason = format!("cannot read the file: {e}").to_lowercase();
                return Outcome::Failed {
                    entry,
                    id: String::new(),
                    reason,
                };
            }
        };
        let id = photo::content_id(&bytes);
        if let Some(source) = self.known.get(&id) {
            return Outcome::Known {
                entry,
                id,
                source: source.clone(),
            };
        }
        match photo::decode(&bytes, &entry, self.preprocessor, self.thumbs, &id) {
            Ok(decoded) => Outcome::Decoded { entry, id, decoded },
            Err(reason) => Outcome::Failed { entry, id, reason },
        }
    }
}

/// Rows waiting to be written, and the moves and copies waiting for their source rows.
struct Writer<'a> {
    catalog: &'a Catalog,
    rows: Vec<PhotoRow>,
    known: Vec<(FileEntry, String, String)>,
    root_of: &'a dyn Fn(&Path) -> String,
}

impl Writer<'_> {
    fn flush_if_full(&mut self) -> Result<()> {
        if self.rows.len() + self.known.len() >= WRITE_BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if !self.known.is_empty() {
            let sources: HashSet<&String> = self.known.iter().map(|(_, _, s)| s).collect();
            let list: Vec<String> = sources.iter().map(|s| sql_string(s)).collect();
            let filter = format!("path IN ({})", list.join(", "));
            let found: HashMap<String, PhotoRow> = self
                .catalog
                .rows(Some(&filter), true, list.len())?
                .into_iter()
                .map(|r| (r.path.clone(), r))
                .collect();
            for (entry, id, source) in self.known.drain(..) {
                let Some(template) = found.get(&source) else {
                    continue;
                };
                let mut row = template.clone();
                row.path = path_string(&entry.path);
                row.root = (self.root_of)(&entry.path);
                row.id = id;
                row.size = entry.size;
                row.mtime_ns = entry.mtime_ns;
                row.status = Status::Ok;
                self.rows.push(row);
            }
        }
        self.catalog.upsert(&self.rows)?;
        self.rows.clear();
        Ok(())
    }
}

fn path_string(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Indexes `roots` (all of them online or not) into `catalog` with `clip`.
pub fn run(
    catalog: &Catalog,
    clip: &Clip,
    roots: &[PathBuf],
    thumbs: &Path,
    workers: usize,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> Result<IndexReport> {
    let started = Instant::now();
    let mut report = IndexReport::default();
    let existing: HashMap<String, (PhotoRow, bool)> = catalog
        .all_rows()?
        .into_iter()
        .map(|(r, embedded)| (r.path.clone(), (r, embedded)))
        .collect();

    // Walk the roots that are there; mark the rows of missing ones offline.
    let mut online_roots = Vec::new();
    let mut files = Vec::new();
    for root in roots {
        let name = path_string(root);
        if root.is_dir() {
            catalog.set_root_status(&name, Status::Offline, Status::Ok)?;
            files.extend(scan::walk(root).files);
            online_roots.push(name);
        } else {
            catalog.set_root_status(&name, Status::Ok, Status::Offline)?;
        }
    }
    report.scanned = files.len();
    let root_of = |p: &Path| -> String {
        let s = path_string(p);
        online_roots
            .iter()
            .filter(|r| s.starts_with(r.as_str()))
            .max_by_key(|r| r.len())
            .cloned()
            .unwrap_or_default()
    };

    // Plan: unchanged files are skipped; the rest are read.
    let seen: HashSet<String> = files.iter().map(|f| path_string(&f.path)).collect();
    let mut to_read = Vec::new();
    for f in files {
        let same = existing
            .get(&path_string(&f.path))
            .is_some_and(|(row, embedded)| {
                row.size == f.size
                    && row.mtime_ns == f.mtime_ns
                    && (row.status == Status::Failed || *embedded)
            });
        if same {
            report.unchanged += 1;
        } else {
            to_read.push(f);
        }
    }
    let vanished: Vec<String> = existing
        .values()
        .filter(|(r, _)| online_roots.contains(&r.root) && !seen.contains(&r.path))
        .map(|(r, _)| r.path.clone())
        .collect();
    let vanished_set: HashSet<&String> = vanished.iter().collect();
    // Known content: prefer a vanished path as the source, so that it is recorded as a move.
    let mut known: HashMap<String, String> = HashMap::new();
    for (row, embedded) in existing.values() {
        if *embedded && row.status != Status::Failed {
            let entry = known
                .entry(row.id.clone())
                .or_insert_with(|| row.path.clone());
            if vanished_set.contains(&row.path) {
                *entry = row.path.clone();
            }
        }
    }

    let skipped = report.unchanged;
    let total = skipped + to_read.len();
    let reading = to_read.len();
    let job = Job {
        known: &known,
        preprocessor: clip.preprocessor(),
        thumbs,
    };
    let mut writer = Writer {
        catalog,
        rows: Vec::new(),
        known: Vec::new(),
        root_of: &root_of,
    };
    let mut consumed_sources: HashSet<String> = HashSet::new();
    let result = std::thread::scope(|scope| -> Result<()> {
        // The channels live in this closure: whether it ends normally, by cancel or by an
        // error, dropping them unblocks the feeder and the workers.
        let (work_tx, work_rx) = bounded::<FileEntry>(4 * iris_clip::IMAGE_BATCH);
        let (done_tx, done_rx) = bounded::<Outcome>(2 * iris_clip::IMAGE_BATCH);
        scope.spawn(move || feed(to_read, work_tx, cancel));
        for _ in 0..workers.max(1) {
            let (rx, tx, job) = (work_rx.clone(), done_tx.clone(), &job);
            scope.spawn(move || work(rx, tx, job, cancel));
        }
        drop((work_rx, done_tx));
        let mut pending: Vec<(FileEntry, String, Decoded)> = Vec::new();
        let mut processed = 0usize;
        let encode = |pending: &mut Vec<(FileEntry, String, Decoded)>,
                      writer: &mut Writer|
         -> Result<usize> {
            let pixels: Vec<Vec<f32>> = pending
                .iter_mut()
                .map(|(_, _, d)| std::mem::take(&mut d.pixels))
                .collect();
            let vectors = clip.embed_pixels(&pixels)?;
            let n = pending.len();
            for ((entry, id, d), v) in pending.drain(..).zip(vectors) {
                writer
                    .rows
                    .push(ok_row(&entry, (writer.root_of)(&entry.path), id, d, v));
            }
            Ok(n)
        };
        for outcome in done_rx.iter() {
            if cancel.load(Ordering::Relaxed) {
                break;
            }
            processed += 1;
            match outcome {
                Outcome::Vanished => {}
                Outcome::Known { entry, id, source } => {
                    if vanished_set.contains(&source) && consumed_sources.insert(source.clone()) {
                        report.moved += 1;
                    } else {
                        report.unchanged += 1;
                    }
                    writer.known.push((entry, id, source));
                }
                Outcome::Failed { entry, id, reason } => {
                    report.failed += 1;
                    let root = root_of(&entry.path);
                    writer.rows.push(PhotoRow::failed(
                        path_string(&entry.path),
                        root,
                        id,
                        entry.size,
                        entry.mtime_ns,
                        reason,
                    ));
                }
                Outcome::Decoded { entry, id, decoded } => {
                    pending.push((entry, id, decoded));
                    if pending.len() >= iris_clip::IMAGE_BATCH {
                        report.embedded += encode(&mut pending, &mut writer)?;
                    }
                }
            }
            writer.flush_if_full()?;
            let rate = processed as f64 / started.elapsed().as_secs_f64().max(1e-3);
            progress(Progress {
                done: skipped + processed,
                total,
                rate,
                eta_seconds: (rate > 0.0).then(|| (reading - processed.min(reading)) as f64 / rate),
            });
        }
        drop(done_rx);
        report.embedded += encode(&mut pending, &mut writer)?;
        writer.flush()
    });
    result?;
    if cancel.load(Ordering::Relaxed) {
        return Err(CoreError::Cancelled);
    }
    // Only now that every replacement row is written may the old rows go.
    catalog.delete_paths(&vanished)?;
    report.removed = vanished.len() - consumed_sources.len();
    if report.embedded + report.failed + report.moved + report.removed > 0 {
        catalog.compact()?;
    }
    report.offline = catalog.count(Some("status = 'offline'".into()))?;
    report.seconds = (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    Ok(report)
}

fn ok_row(entry: &FileEntry, root: String, id: String, d: Decoded, vector: Vec<f32>) -> PhotoRow {
    PhotoRow {
        path: path_string(&entry.path),
        root,
        thumb: d.thumbnail.then(|| id.clone()),
        id,
        size: entry.size,
        mtime_ns: entry.mtime_ns,
        width: Some(d.meta.width),
        height: Some(d.meta.height),
        format: Some(d.meta.format),
        taken: d.meta.taken,
        camera: d.meta.camera,
        status: Status::Ok,
        reason: None,
        vector: Some(vector),
    }
}

fn feed(files: Vec<FileEntry>, tx: Sender<FileEntry>, cancel: &AtomicBool) {
    for f in files {
        if cancel.load(Ordering::Relaxed) || tx.send(f).is_err() {
            return;
        }
    }
}

fn work(rx: Receiver<FileEntry>, tx: Sender<Outcome>, job: &Job, cancel: &AtomicBool) {
    for entry in rx.iter() {
        if cancel.load(Ordering::Relaxed) || tx.send(job.process(entry)).is_err() {
            return;
        }
    }
}
