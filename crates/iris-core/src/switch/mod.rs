//! Switching a library to another model without downtime. The new model gets its own vector
//! column beside the old one's; a [`ModelSwitch`] fills it in the background (pixels from the
//! cached thumbnails where they are large enough: [`source`]) while the [`Library`] opened
//! with the old model goes on answering searches from the old column. Each write is one
//! commit that sets only the new column, so a kill at any point loses at most the batch being
//! computed, and the switch, recorded in `switch.json` ([`record`]), resumes from the
//! commits. When the new column covers every photo that can be read, [`ModelSwitch::finish`]
//! hands back the library opened with the new model; the old column stays until the user
//! drops it ([`Library::drop_model_column`]).
//!
//! Photos indexed by the old model during a switch (new files, edits, moves) arrive without
//! a new vector, so [`ModelSwitch::run`] looks again after each pass until none is left.

mod record;
mod source;

pub use record::SwitchRecord;

use crate::catalog::{Catalog, NewVector};
use crate::error::{CoreError, Result};
use crate::index::pipeline::{feed, start_workers};
use crate::index::priority::Encoders;
use crate::index::{IndexControl, Progress};
use crate::library::{vector_column_name, Library};
use crate::lock::WriterLock;
use crate::models::{self, DownloadProgress};
use crossbeam_channel::bounded;
use iris_clip::Clip;
use serde::Serialize;
use source::Origin;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// New vectors written per catalog commit.
const WRITE_BATCH: usize = 128;

/// What a run of a switch did (`iris switch --json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct SwitchReport {
    /// The name of the model switched to.
    pub to: String,
    /// Photos (distinct contents) given a vector by the new model in this run.
    pub embedded: usize,
    /// Of those, computed from the cached thumbnail.
    pub from_thumbnails: usize,
    /// Of those, computed from the original file (a thumbnail smaller than the model input).
    pub from_originals: usize,
    /// Of those, from a thumbnail smaller than the model input, the file being unreadable.
    pub from_small_thumbnails: usize,
    /// Photos that could not be read at all now (no thumbnail, file offline): the index run
    /// that next sees their file embeds them.
    pub waiting: usize,
    /// Every photo that can be read has a vector of the new model.
    pub complete: bool,
    pub cancelled: bool,
    pub seconds: f64,
}

/// The new model's coverage of the library.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
pub struct SwitchCoverage {
    /// Photos with a vector of the new model.
    pub covered: usize,
    /// Photos in the library (failed files aside).
    pub photos: usize,
}

/// A switch in progress: the new model loaded and a catalog handle on its column.
pub struct ModelSwitch {
    dir: PathBuf,
    thumbs: PathBuf,
    catalog: Catalog,
    clip: Clip,
    record: SwitchRecord,
    /// Contents the last run could not read.
    waiting: HashSet<String>,
}

/// One content to embed: its id and the paths that hold it.
struct Todo {
    id: String,
    paths: Vec<String>,
}

/// A worker's result for one content.
enum Done {
    Pixels(Todo, Vec<f32>, Origin),
    Unreadable(Todo),
}

impl Library {
    /// The switch this library is in the middle of, if any (the next start resumes it).
    pub fn pending_switch(&self) -> Result<Option<SwitchRecord>> {
        record::read(self.dir())
    }

    /// Starts switching to the model `spec`, or resumes the recorded switch to it: records
    /// the switch first (so that a kill even while the model downloads resumes), loads the
    /// model, and adds its vector column. The library goes on searching with its own model.
    pub fn begin_switch(&self, spec: &str, progress: DownloadProgress) -> Result<ModelSwitch> {
        self.writable()?;
        let to_name = models::model_name(spec);
        if to_name == self.model_name() {
            return Err(CoreError::Invalid(format!(
                "the library already uses the model \"{to_name}\""
            )));
        }
        let mut record = SwitchRecord {
            from: self.model_name().to_string(),
            to: spec.to_string(),
            to_name,
            to_column: None,
        };
        record::write(self.dir(), &record)?;
        let models::Model { clip, name } = models::load(spec, progress)?;
        let column = vector_column_name(&name, clip.dim());
        let catalog = {
            let _writer = WriterLock::acquire(self.dir(), &mut |_| {})?;
            Catalog::open(self.dir(), &column, clip.dim())?
        };
        record.to_column = Some(column);
        record::write(self.dir(), &record)?;
        Ok(ModelSwitch {
            dir: self.dir().to_path_buf(),
            thumbs: self.thumbnails_dir(),
            catalog,
            clip,
            record,
            waiting: HashSet::new(),
        })
    }

    /// Gives up the recorded switch; the new column keeps what it has (a later switch to that
    /// model goes on from there) until it is dropped.
    pub fn cancel_switch(&self) -> Result<()> {
        self.writable()?;
        record::clear(self.dir())
    }

    /// Every model's vector column in the library, with its coverage.
    pub fn model_columns(&self) -> Result<Vec<crate::catalog::VectorColumn>> {
        self.catalog().vector_columns()
    }

    /// Drops another model's vector column (freeing its space); refuses the column of the
    /// model in use and that of a switch under way.
    pub fn drop_model_column(&self, column: &str) -> Result<()> {
        self.writable()?;
        if let Some(pending) = self.pending_switch()? {
            if pending.to_column.as_deref() == Some(column) {
                return Err(CoreError::Invalid(format!(
                    "\"{column}\" is being filled by the switch to {}; cancel the switch first",
                    pending.to_name
                )));
            }
        }
        let _writer = WriterLock::acquire(self.dir(), &mut |_| {})?;
        self.catalog().drop_vector_column(column)?;
        self.catalog().compact_if_fragmented()?;
        Ok(())
    }
}

impl ModelSwitch {
    pub fn record(&self) -> &SwitchRecord {
        &self.record
    }

    /// How much of the library the new model covers now.
    pub fn coverage(&self) -> Result<SwitchCoverage> {
        use crate::catalog::{Condition, RowFilter};
        let photos = RowFilter::only(Condition::NotStatus(crate::row::Status::Failed));
        Ok(SwitchCoverage {
            covered: self
                .catalog
                .count(&photos.clone().and(Condition::Embedded))?,
            photos: self.catalog.count(&photos)?,
        })
    }

    /// The contents left to embed, each once with all its paths, but those found unreadable.
    fn todo(&self) -> Result<Vec<Todo>> {
        let n = self.coverage()?.photos;
        let mut by_id: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in self.catalog.unembedded_rows(n)? {
            if !self.waiting.contains(&row.id) {
                by_id.entry(row.id).or_default().push(row.path);
            }
        }
        Ok(by_id
            .into_iter()
            .map(|(id, paths)| Todo { id, paths })
            .collect())
    }

    /// Embeds every photo the new column lacks with `workers` decoding threads, in passes
    /// until none is left (photos indexed meanwhile included); `control` pauses and cancels.
    /// Each batch of vectors is written under the library's writer lock, so an index run of
    /// the old model and the switch take turns at the table.
    pub fn run(
        &mut self,
        workers: usize,
        control: &IndexControl,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<SwitchReport> {
        let started = Instant::now();
        let mut report = SwitchReport {
            to: self.record.to_name.clone(),
            ..SwitchReport::default()
        };
        self.waiting.clear();
        loop {
            let todo = self.todo()?;
            if todo.is_empty() || control.is_cancelled() {
                break;
            }
            self.pass(todo, workers, control, progress, &mut report, started)?;
        }
        report.cancelled = control.is_cancelled();
        report.waiting = self.waiting.len();
        report.complete = !report.cancelled;
        if report.embedded > 0 {
            let _writer = WriterLock::acquire(&self.dir, &mut |_| {})?;
            self.catalog.compact_if_fragmented()?;
        }
        report.seconds = (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
        Ok(report)
    }

    fn pass(
        &mut self,
        todo: Vec<Todo>,
        workers: usize,
        control: &IndexControl,
        progress: &mut dyn FnMut(Progress),
        report: &mut SwitchReport,
        started: Instant,
    ) -> Result<()> {
        let coverage = self.coverage()?;
        let (before, total) = (coverage.covered, coverage.photos);
        let (pre, thumbs) = (self.clip.preprocessor(), self.thumbs.as_path());
        let mut written = 0usize;
        let mut unreadable: Vec<String> = Vec::new();
        let mut pending: Vec<(Todo, Vec<f32>)> = Vec::new();
        let mut vectors: Vec<NewVector> = Vec::new();
        let encoders = Encoders::new(control, workers);
        let process = |todo: Todo| decode(todo, thumbs, pre);
        let result = std::thread::scope(|scope| -> Result<()> {
            let (work_tx, work_rx) = bounded::<Todo>(4 * iris_clip::IMAGE_BATCH);
            let (done_tx, done_rx) = bounded::<Done>(2 * iris_clip::IMAGE_BATCH);
            scope.spawn(move || feed(todo, work_tx, control));
            start_workers(scope, (work_rx, done_tx), control, workers, &process)?;
            for done in done_rx.iter() {
                if control.is_cancelled() {
                    break;
                }
                match done {
                    Done::Unreadable(todo) => unreadable.push(todo.id),
                    Done::Pixels(todo, pixels, origin) => {
                        match origin {
                            Origin::Thumbnail => report.from_thumbnails += 1,
                            Origin::Original => report.from_originals += 1,
                            Origin::SmallThumbnail => report.from_small_thumbnails += 1,
                        }
                        pending.push((todo, pixels));
                    }
                }
                if pending.len() >= iris_clip::IMAGE_BATCH {
                    report.embedded += self.encode(&mut pending, &mut vectors, &encoders)?;
                }
                if vectors.len() >= WRITE_BATCH {
                    written += self.write(&mut vectors)?;
                    let done = before + written;
                    let rate = report.embedded as f64 / started.elapsed().as_secs_f64().max(1e-3);
                    progress(Progress {
                        done,
                        total,
                        rate,
                        eta_seconds: (rate > 0.0).then(|| total.saturating_sub(done) as f64 / rate),
                        threads: control.threads(workers),
                    });
                }
            }
            drop(done_rx);
            Ok(())
        });
        result?;
        self.waiting.extend(unreadable);
        if !control.is_cancelled() {
            report.embedded += self.encode(&mut pending, &mut vectors, &encoders)?;
        }
        let last_reported = written;
        written += self.write(&mut vectors)?;
        if written == last_reported {
            return Ok(());
        }
        let done = (before + written).min(total);
        progress(Progress {
            done,
            total,
            rate: report.embedded as f64 / started.elapsed().as_secs_f64().max(1e-3),
            eta_seconds: None,
            threads: control.threads(workers),
        });
        Ok(())
    }

    /// Encodes the pending pixels in one batch on `encoders`' lowered threads; their vectors
    /// join `vectors`, one per path.
    fn encode(
        &self,
        pending: &mut Vec<(Todo, Vec<f32>)>,
        vectors: &mut Vec<NewVector>,
        encoders: &Encoders,
    ) -> Result<usize> {
        if pending.is_empty() {
            return Ok(0);
        }
        let pixels: Vec<Vec<f32>> = pending.iter_mut().map(|(_, p)| std::mem::take(p)).collect();
        let embedded = encoders.run(|| self.clip.embed_pixels(&pixels))?;
        let n = pending.len();
        for ((todo, _), vector) in pending.drain(..).zip(embedded) {
            for path in todo.paths {
                vectors.push(NewVector {
                    path,
                    id: todo.id.clone(),
                    vector: vector.clone(),
                });
            }
        }
        Ok(n)
    }

    /// Writes the vectors (one commit, under the writer lock); how many rows they were.
    fn write(&self, vectors: &mut Vec<NewVector>) -> Result<usize> {
        if vectors.is_empty() {
            return Ok(0);
        }
        let _writer = WriterLock::acquire(&self.dir, &mut |_| {})?;
        self.catalog.set_vectors(vectors)?;
        let n = vectors.len();
        vectors.clear();
        Ok(n)
    }

    /// Ends a complete switch: forgets the record and opens the library with the new model,
    /// which searches its own column from then on. An error when photos that can be read
    /// still lack a vector (a run did not complete).
    pub fn finish(self) -> Result<Library> {
        let left = self.todo()?.len();
        if left > 0 {
            return Err(CoreError::Invalid(format!(
                "the switch to {} has {left} photos left to embed; run it to the end first",
                self.record.to_name
            )));
        }
        record::clear(&self.dir)?;
        Library::open(&self.dir, self.clip, &self.record.to_name)
    }
}

/// What a decoding worker makes of a photo: its pixels from the best source, or unreadable.
fn decode(todo: Todo, thumbs: &Path, pre: &iris_clip::preprocess::Preprocessor) -> Done {
    match source::pixels(&todo.id, &todo.paths, thumbs, pre) {
        Ok((pixels, origin)) => Done::Pixels(todo, pixels, origin),
        Err(_) => Done::Unreadable(todo),
    }
}
