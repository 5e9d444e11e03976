//! The pipeline of an index run: a feeder hands the planned files to worker threads, which
//! read, hash and decode them; the calling thread encodes decoded photos in batches with the
//! model, takes known content's existing vectors, and writes rows in batches of
//! [`WRITE_BATCH`], each one catalog commit.

use super::plan::Plan;
use super::priority::{lower_this_thread, Encoders};
use super::{IndexControl, IndexReport, Progress};
use crate::catalog::{Catalog, Condition, RowFilter};
use crate::error::{CoreError, Result};
use crate::paths::to_text;
use crate::photo::{self, Decoded};
use crate::row::{PhotoRow, Status};
use crate::scan::FileEntry;
use crossbeam_channel::{bounded, Receiver, RecvTimeoutError, Sender, TryRecvError};
use iris_clip::Clip;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

/// Rows written per catalog commit.
const WRITE_BATCH: usize = 64;
/// How long the writer waits for a decoded photo before it looks whether the run is paused.
const PAUSED_COMMIT_AFTER: std::time::Duration = std::time::Duration::from_millis(250);

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
        decoded: Box<Decoded>,
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
            Ok(decoded) => Outcome::Decoded {
                entry,
                id,
                decoded: Box::new(decoded),
            },
            Err(reason) => Outcome::Failed { entry, id, reason },
        }
    }
}

/// Rows waiting to be written, and the moves and copies waiting for their source rows.
struct Writer<'a> {
    catalog: &'a Catalog,
    plan: &'a Plan,
    rows: Vec<PhotoRow>,
    known: Vec<(FileEntry, String, String)>,
}

impl Writer<'_> {
    fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.known.is_empty()
    }

    fn flush_if_full(&mut self) -> Result<()> {
        if self.rows.len() + self.known.len() >= WRITE_BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if !self.known.is_empty() {
            let sources: HashSet<&String> = self.known.iter().map(|(_, _, s)| s).collect();
            let sources: Vec<String> = sources.into_iter().cloned().collect();
            let n = sources.len();
            let filter = RowFilter::only(Condition::Paths(sources));
            let found: HashMap<String, PhotoRow> = self
                .catalog
                .rows(&filter, true, n)?
                .into_iter()
                .map(|r| (r.path.clone(), r))
                .collect();
            for (entry, id, source) in self.known.drain(..) {
                let Some(template) = found.get(&source) else {
                    continue;
                };
                let mut row = template.clone();
                row.path = to_text(&entry.path);
                row.root = self.plan.root_of(&entry.path);
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

/// What a pipeline works with.
pub(crate) struct Context<'a> {
    pub catalog: &'a Catalog,
    pub clip: &'a Clip,
    pub thumbs: &'a Path,
    pub workers: usize,
    pub control: &'a IndexControl,
}

/// Reads, decodes, encodes and writes `plan.to_read`, counting into `report`; returns the
/// plan and the vanished paths whose content turned up at a new path (moves).
pub(crate) fn run(
    context: &Context,
    mut plan: Plan,
    progress: &mut dyn FnMut(Progress),
    report: &mut IndexReport,
) -> Result<(Plan, HashSet<String>)> {
    let Context {
        catalog,
        clip,
        thumbs,
        workers,
        control,
    } = *context;
    let started = Instant::now();
    let to_read = std::mem::take(&mut plan.to_read);
    let skipped = plan.unchanged;
    let reading = to_read.len();
    let total = skipped + reading;
    let job = Job {
        known: &plan.known,
        preprocessor: clip.preprocessor(),
        thumbs,
    };
    let mut writer = Writer {
        catalog,
        plan: &plan,
        rows: Vec::new(),
        known: Vec::new(),
    };
    let mut consumed_sources: HashSet<String> = HashSet::new();
    let process = |entry: FileEntry| job.process(entry);
    let result = std::thread::scope(|scope| -> Result<()> {
        // The channels live in this closure: whether it ends normally, by cancel or by an
        // error, dropping them unblocks the feeder and the workers.
        let (work_tx, work_rx) = bounded::<FileEntry>(4 * iris_clip::IMAGE_BATCH);
        let (done_tx, done_rx) = bounded::<Outcome>(2 * iris_clip::IMAGE_BATCH);
        scope.spawn(move || feed(to_read, work_tx, control));
        start_workers(scope, (work_rx, done_tx), control, workers, &process)?;
        let encoders = Encoders::new(control, workers);
        let mut pending: Vec<(FileEntry, String, Decoded)> = Vec::new();
        let mut processed = 0usize;
        let encode = |pending: &mut Vec<(FileEntry, String, Decoded)>,
                      writer: &mut Writer|
         -> Result<usize> {
            let pixels: Vec<Vec<f32>> = pending
                .iter_mut()
                .map(|(_, _, d)| std::mem::take(&mut d.pixels))
                .collect();
            let vectors = encoders.run(|| clip.embed_pixels(&pixels))?;
            let n = pending.len();
            for ((entry, id, d), v) in pending.drain(..).zip(vectors) {
                let root = writer.plan.root_of(&entry.path);
                writer.rows.push(ok_row(&entry, root, id, d, v));
            }
            Ok(n)
        };
        loop {
            let outcome = match done_rx.recv_timeout(PAUSED_COMMIT_AFTER) {
                Ok(outcome) => outcome,
                Err(RecvTimeoutError::Timeout) => {
                    // A paused run commits what it has: those photos are searchable while it
                    // waits (a batch may be up to WRITE_BATCH rows short).
                    if control.is_paused() && !(pending.is_empty() && writer.is_empty()) {
                        report.embedded += encode(&mut pending, &mut writer)?;
                        writer.flush()?;
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            };
            if control.is_cancelled() {
                break;
            }
            processed += 1;
            match outcome {
                Outcome::Vanished => {}
                Outcome::Known { entry, id, source } => {
                    if plan.is_vanished(&source) && consumed_sources.insert(source.clone()) {
                        report.moved += 1;
                    } else {
                        report.unchanged += 1;
                    }
                    writer.known.push((entry, id, source));
                }
                Outcome::Failed { entry, id, reason } => {
                    report.failed += 1;
                    writer.rows.push(PhotoRow::failed(
                        to_text(&entry.path),
                        plan.root_of(&entry.path),
                        id,
                        entry.size,
                        entry.mtime_ns,
                        reason,
                    ));
                }
                Outcome::Decoded { entry, id, decoded } => {
                    pending.push((entry, id, *decoded));
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
                threads: control.threads(workers),
            });
        }
        drop(done_rx);
        report.embedded += encode(&mut pending, &mut writer)?;
        writer.flush()
    });
    result?;
    Ok((plan, consumed_sources))
}

fn ok_row(entry: &FileEntry, root: String, id: String, d: Decoded, vector: Vec<f32>) -> PhotoRow {
    let place = d.meta.place.unwrap_or_default();
    PhotoRow {
        path: to_text(&entry.path),
        root,
        thumb: d.thumbnail.then(|| id.clone()),
        id,
        size: entry.size,
        mtime_ns: entry.mtime_ns,
        width: Some(d.meta.width),
        height: Some(d.meta.height),
        format: Some(d.meta.format),
        taken: d.meta.taken,
        taken_offset: d.meta.taken_offset,
        camera: d.meta.camera,
        lens: d.meta.lens,
        lat: d.meta.gps.map(|g| g.0),
        lon: d.meta.gps.map(|g| g.1),
        city: place.city,
        region: place.region,
        country: place.country,
        status: Status::Ok,
        reason: None,
        vector: Some(vector),
    }
}

/// Hands `items` to the workers one by one (below normal priority), until cancelled.
pub(crate) fn feed<T>(items: Vec<T>, tx: Sender<T>, control: &IndexControl) {
    lower_this_thread();
    for item in items {
        if !control.proceed() || tx.send(item).is_err() {
            return;
        }
    }
}

/// Starts `all` decoding workers (threads `iris-decode-N`) in `scope`, each serving items
/// from `rx` to `tx` through `process`; the caller's ends of the channels go with them.
pub(crate) fn start_workers<'scope, I: Send + 'scope, O: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    (rx, tx): (Receiver<I>, Sender<O>),
    control: &'scope IndexControl,
    all: usize,
    process: &'scope (dyn Fn(I) -> O + Sync),
) -> Result<()> {
    for worker in 0..all.max(1) {
        let (rx, tx) = (rx.clone(), tx.clone());
        std::thread::Builder::new()
            .name(format!("iris-decode-{worker}"))
            .spawn_scoped(scope, move || {
                serve(rx, tx, control, (worker, all), process)
            })
            .map_err(|e| CoreError::Invalid(format!("could not start an indexing thread: {e}")))?;
    }
    Ok(())
}

/// Worker `worker` of `all`: sends what `process` makes of each item it takes, below normal
/// priority. While the run's thread cap (lowered while the user searches) leaves it out, it
/// waits, unless every item is handed out: then it is done.
fn serve<I, O>(
    rx: Receiver<I>,
    tx: Sender<O>,
    control: &IndexControl,
    (worker, all): (usize, usize),
    process: impl Fn(I) -> O,
) {
    lower_this_thread();
    loop {
        if !control.proceed() {
            return;
        }
        let item = if worker < control.threads(all) {
            match rx.recv() {
                Ok(item) => item,
                Err(_) => return,
            }
        } else if rx.is_empty() {
            // Whether the work is all handed out: an item that came in the meantime is taken.
            match rx.try_recv() {
                Ok(item) => item,
                Err(TryRecvError::Disconnected) => return,
                Err(TryRecvError::Empty) => {
                    control.wait_held();
                    continue;
                }
            }
        } else {
            control.wait_held();
            continue;
        };
        if tx.send(process(item)).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_back_workers_leave_the_work_to_the_others_and_end_with_them() {
        let control = IndexControl::new();
        control.set_threads_while_searching(Some(1));
        control.user_searching();
        let (work_tx, work_rx) = bounded::<usize>(200);
        let (done_tx, done_rx) = bounded::<(usize, String)>(200);
        (0..200).for_each(|i| work_tx.send(i).unwrap());
        drop(work_tx);
        let started = Instant::now();
        let process = |i: usize| (i, std::thread::current().name().unwrap_or("").to_string());
        std::thread::scope(|scope| start_workers(scope, (work_rx, done_tx), &control, 4, &process))
            .unwrap();
        let done: Vec<(usize, String)> = done_rx.iter().collect();
        assert_eq!(done.len(), 200);
        assert!(
            done.iter().all(|(_, name)| name == "iris-decode-0"),
            "a held worker worked"
        );
        assert!(
            started.elapsed() < crate::index::SEARCHING_FOR,
            "the held workers waited out the searching window"
        );
    }
}
