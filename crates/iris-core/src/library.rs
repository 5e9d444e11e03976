//! [`Library`]: the one API that the CLI, the desktop app and the tests call. A library is a
//! folder holding the catalog, the thumbnail cache and the list of roots; it is opened with a
//! model, whose name gives the catalog's vector column.

use crate::catalog::{Catalog, Condition, RowFilter};
use crate::error::{CoreError, Result};
use crate::folders::Folder;
use crate::index::{self, IndexControl, IndexReport, Progress};
use crate::lock::WriterLock;
use crate::models::{self, DownloadProgress, Model};
use crate::row::Status;
use crate::scan;
use crate::search::{self, Filter, Hit, Query};
use crate::watch::RootWatcher;
use iris_clip::Clip;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The default library folder: `<data dir>/iris` (e.g. ~/.local/share/iris).
pub fn default_library_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("iris")
}

/// The catalog column name of a model: `vec_` and the model's name in lower-case ASCII.
pub fn vector_column_name(model_name: &str, dim: usize) -> String {
    let mut name: String = model_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    name.truncate(60);
    format!("vec_{name}_{dim}")
}

/// Counts shown by `iris status`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LibraryStatus {
    pub photos: usize,
    pub failed: usize,
    pub offline: usize,
    pub roots: Vec<RootStatus>,
}

/// One root with its photo count and whether it is reachable now.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(rename = "Root")]
pub struct RootStatus {
    pub path: String,
    pub photos: usize,
    pub online: bool,
}

/// A file that could not be indexed.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Failure {
    pub path: String,
    pub reason: String,
}

/// An open library with its model.
pub struct Library {
    dir: PathBuf,
    catalog: Catalog,
    clip: Clip,
    /// Why this library must not be written (a newer Iris's layout: [`crate::schema`]).
    read_only: Option<String>,
    /// The name the model's vectors are stored under ([`crate::model_name`]).
    model_name: String,
    /// Every photo's tags, once asked for ([`crate::tags`]).
    tag_cache: crate::tags::TagCache,
    /// The last near-duplicate groups found ([`crate::duplicates`]).
    duplicate_cache: crate::duplicates::DuplicateCache,
}

impl Library {
    /// Resolves and loads the model `spec` (see [`models::load`]), then opens the library in
    /// `dir` with it: the one way the CLI and the desktop app open a library.
    pub fn open_model(dir: &Path, spec: &str, progress: DownloadProgress) -> Result<Self> {
        let Model { clip, name } = models::load(spec, progress)?;
        Self::open(dir, clip, &name)
    }

    /// Opens (creating if needed) the library in `dir` for a loaded model named `model_name`.
    pub fn open(dir: &Path, clip: Clip, model_name: &str) -> Result<Self> {
        let column = vector_column_name(model_name, clip.dim());
        std::fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e))?;
        // Creating the table or a model's column is a write: one process at a time. A reader
        // opening while a writer works does not wait: that writer made the table already.
        let writer = match WriterLock::try_acquire(dir) {
            Ok(None) if Catalog::exists(dir) => None,
            Ok(None) => Some(WriterLock::acquire(dir, &mut |_| {})?),
            Ok(held) => held,
            // A library on a read-only medium (a mounted backup, a share without write
            // access) opens for reading; writing it later fails with that error.
            Err(e) if e.is_read_only() && Catalog::exists(dir) => None,
            Err(e) => return Err(e),
        };
        let read_only = crate::schema::check(dir)?;
        let catalog = Catalog::open(dir, &column, clip.dim())?;
        drop(writer);
        Ok(Self {
            dir: dir.to_path_buf(),
            catalog,
            clip,
            read_only,
            model_name: model_name.to_string(),
            tag_cache: crate::tags::TagCache::default(),
            duplicate_cache: Default::default(),
        })
    }

    /// An error for a write when this library must not be written by this Iris, or when its
    /// folder is gone ([`Library::present`]).
    pub(crate) fn writable(&self) -> Result<()> {
        if let Some(reason) = &self.read_only {
            return Err(CoreError::Invalid(reason.clone()));
        }
        self.present()
    }

    /// The catalog's version now. Every commit changes it (photos added, changed, moved or
    /// removed, a root gone offline), so work that follows the catalog (tags, the map) can
    /// tell that an indexing run left nothing new for it.
    pub fn catalog_version(&self) -> Result<u64> {
        Ok(self.catalog().pinned()?.1.version())
    }

    /// An error when the library's folder is gone (deleted or moved while open), in words
    /// instead of the catalog's "not found" on some file of it. Nothing writes then: a write
    /// would start a new, empty library there that nobody asked for.
    pub fn present(&self) -> Result<()> {
        if self.dir.is_dir() {
            return Ok(());
        }
        Err(CoreError::Invalid(format!(
            "the library folder {} is gone: it was deleted or moved while Iris had it open. \
             Nothing was written; open the library again to start a new one there, or choose \
             another",
            self.dir.display()
        )))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The name the model's vectors are stored under ("demo", a repo id, a folder's name).
    pub fn model_name(&self) -> &str {
        &self.model_name
    }

    pub fn clip(&self) -> &Clip {
        &self.clip
    }

    pub(crate) fn tag_cache(&self) -> &crate::tags::TagCache {
        &self.tag_cache
    }

    pub(crate) fn duplicate_cache(&self) -> &crate::duplicates::DuplicateCache {
        &self.duplicate_cache
    }

    pub(crate) fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Folder of cached thumbnails, by content hash.
    pub fn thumbnails_dir(&self) -> PathBuf {
        self.dir.join("thumbnails")
    }

    fn roots_file(&self) -> PathBuf {
        self.dir.join("roots.json")
    }

    /// The registered roots.
    pub fn roots(&self) -> Result<Vec<PathBuf>> {
        match std::fs::read_to_string(self.roots_file()) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                CoreError::Invalid(format!("{} is corrupt: {e}", self.roots_file().display()))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(CoreError::io(self.roots_file(), e)),
        }
    }

    /// Registers folders as roots (absolute, deduplicated); each must exist now. The list is
    /// read and written under its own lock (`roots.lock`), so two processes adding roots at
    /// once both get theirs in; nothing is written when every folder is a root already.
    pub fn add_roots(&self, folders: &[PathBuf]) -> Result<Vec<PathBuf>> {
        self.writable()?;
        let _roots_lock = crate::lock::exclusive(&self.dir.join("roots.lock"))?;
        let mut roots = self.roots()?;
        let before = roots.len();
        for folder in folders {
            if !folder.is_dir() {
                return Err(CoreError::Invalid(format!(
                    "folder \"{}\" does not exist",
                    folder.display()
                )));
            }
            let absolute = std::path::absolute(folder).map_err(|e| CoreError::io(folder, e))?;
            if !roots.contains(&absolute) {
                roots.push(absolute);
            }
        }
        if roots.len() > before || !self.roots_file().is_file() {
            let json = serde_json::to_string_pretty(&roots)
                .map_err(|e| CoreError::Invalid(e.to_string()))?;
            crate::atomic::write(&self.roots_file(), json.as_bytes())?;
        }
        Ok(roots)
    }

    /// Indexes every registered root with `workers` decoding threads; `control` cancels,
    /// pauses and resumes it from another thread. A cancelled run returns its report (with
    /// `cancelled` set), not an error.
    /// Waits for another process writing the library (see [`WriterLock`]) first.
    pub fn index(
        &self,
        workers: usize,
        control: &IndexControl,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<IndexReport> {
        self.index_roots(&self.roots()?, workers, control, progress)
    }

    /// Indexes the registered roots among `roots` (a reconcile after a [`crate::watch::Change`]); photos
    /// moved in from another root keep their embedding.
    pub fn index_roots(
        &self,
        roots: &[PathBuf],
        workers: usize,
        control: &IndexControl,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<IndexReport> {
        self.writable()?;
        let registered = self.roots()?;
        let roots: Vec<PathBuf> = registered
            .into_iter()
            .filter(|r| roots.contains(r))
            .collect();
        let _writer = WriterLock::acquire(&self.dir, &mut |_| {})?;
        index::run(
            &self.catalog,
            &self.clip,
            &roots,
            &self.thumbnails_dir(),
            workers,
            control,
            progress,
        )
    }

    /// The pid of another process writing this library now (its index job holds the
    /// writer lock), so a caller can say what it waits for before [`Library::index`] waits.
    pub fn writer(&self) -> Option<u32> {
        WriterLock::holder(&self.dir).filter(|pid| *pid != std::process::id())
    }

    /// Watches the registered roots; each [`crate::watch::Change`] it reports is reconciled by
    /// [`Library::index_roots`].
    pub fn watch(&self) -> Result<RootWatcher> {
        RootWatcher::new(&self.roots()?)
    }

    /// Every photo `filter` admits, newest first (date taken, else file time), identical
    /// copies once: what the window shows with an empty search box.
    pub fn browse(&self, filter: &Filter) -> Result<Vec<Hit>> {
        let query = Query {
            filter: filter.clone(),
            ..Query::default()
        };
        let (query, _) = self.resolve_tags(&query, 0)?;
        crate::browse::browse(&self.catalog, &query.filter)
    }

    /// Each root's folders that hold photos, with counts, in tree order (the sidebar's tree).
    pub fn folders(&self) -> Result<Vec<Folder>> {
        crate::folders::folders(&self.catalog, &self.roots()?)
    }

    /// The saved searches, each with the number of photos it finds now (run live); one that
    /// cannot run says why instead.
    pub fn saved_searches(&self) -> Result<Vec<crate::SavedCount>> {
        let saved = crate::saved::read(&self.dir)?;
        Ok(saved
            .into_iter()
            .map(|search| {
                let run = search
                    .query(crate::saved::COUNT_DEPTH)
                    .and_then(|q| self.search(&q));
                let (photos, problem) = match run {
                    Ok(hits) => (search.shown(&hits), None),
                    Err(e) => (0, Some(e.to_string())),
                };
                crate::SavedCount {
                    search,
                    photos,
                    problem,
                }
            })
            .collect())
    }

    /// Saves a search under its name (replacing one of that name); a bad one is an error.
    pub fn save_search(&self, search: crate::SavedSearch) -> Result<()> {
        self.writable()?;
        crate::saved::save(&self.dir, search)
    }

    /// Deletes a saved search; whether there was one of that name.
    pub fn delete_saved_search(&self, name: &str) -> Result<bool> {
        self.writable()?;
        crate::saved::delete(&self.dir, name)
    }

    /// The cameras, places and years of the library with photo counts (the filter menus).
    pub fn facets(&self) -> Result<crate::Facets> {
        crate::facets::facets(&self.catalog)
    }

    /// The cosine of photo `id` with each part of `query` on its own (the viewer's breakdown
    /// of a score).
    pub fn score_parts(&self, query: &Query, id: &str) -> Result<Vec<crate::ScorePart>> {
        search::score_parts(&self.catalog, &self.clip, query, id)
    }

    /// Searches; see [`search::search`]. `tag:` filters are resolved first, and the photos
    /// given tags the query's words name join the keyword list.
    pub fn search(&self, query: &Query) -> Result<Vec<Hit>> {
        let (query, named) = self.resolve_tags(query, search::first_stage_depth(query.k))?;
        search::search(&self.catalog, &self.clip, &query, &named)
    }

    /// Counts of photos, failures, offline photos and roots.
    pub fn status(&self) -> Result<LibraryStatus> {
        let not_failed = || RowFilter::only(Condition::NotStatus(Status::Failed));
        let mut roots = Vec::new();
        for root in self.roots()? {
            let path = crate::paths::to_text(&root);
            let photos = self
                .catalog
                .count(&not_failed().and(Condition::Root(path.clone())))?;
            // An empty folder is offline only when it should hold photos (an unmounted drive's
            // mount point); a new empty root is simply empty.
            let online = scan::is_present(&root) || (photos == 0 && root.is_dir());
            roots.push(RootStatus {
                photos,
                online,
                path,
            });
        }
        let with_status = |s| RowFilter::only(Condition::Status(s));
        Ok(LibraryStatus {
            photos: self.catalog.count(&not_failed())?,
            failed: self.catalog.count(&with_status(Status::Failed))?,
            offline: self.catalog.count(&with_status(Status::Offline))?,
            roots,
        })
    }

    /// Files that could not be indexed, with the reason.
    pub fn failures(&self) -> Result<Vec<Failure>> {
        let failed = RowFilter::only(Condition::Status(Status::Failed));
        let n = self.catalog.count(&failed)?;
        let mut out: Vec<Failure> = self
            .catalog
            .rows(&failed, false, n)?
            .into_iter()
            .map(|r| Failure {
                path: r.path,
                reason: r.reason.unwrap_or_default(),
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// The row of an indexed (not failed) photo by content id, with a present file preferred.
    pub fn photo_by_id(&self, id: &str) -> Result<Option<crate::row::PhotoRow>> {
        let filter = RowFilter::only(Condition::Ids(vec![id.to_string()]))
            .and(Condition::NotStatus(Status::Failed));
        let rows = self.catalog.rows(&filter, false, 16)?;
        let present = rows
            .iter()
            .position(|r| crate::paths::to_path(&r.path).is_file())
            .unwrap_or(0);
        Ok(rows.into_iter().nth(present))
    }

    /// An indexed photo as a result without a score (what the viewer shows of a photo opened
    /// from the map).
    pub fn photo_hit(&self, id: &str) -> Result<Option<Hit>> {
        Ok(self.photo_by_id(id)?.map(|row| search::hit(row, 0.0)))
    }

    /// The stored embedding of an indexed photo, by content id: the vector searches score.
    pub fn embedding(&self, id: &str) -> Result<Option<Vec<f32>>> {
        search::stored_vector(&self.catalog, id)
    }

    /// Number of rows (all states), for tests and diagnostics.
    pub fn row_count(&self) -> Result<usize> {
        self.catalog.count(&RowFilter::all())
    }

    /// All catalog rows without vectors, for tests and diagnostics.
    pub fn rows(&self) -> Result<Vec<crate::row::PhotoRow>> {
        let all = RowFilter::all();
        let n = self.catalog.count(&all)?;
        self.catalog.rows(&all, false, n)
    }
}
