//! The library engine of Iris: the catalog (LanceDB), scanning, decoding, thumbnails, the
//! indexing job and search. The desktop app, the CLI and the tests all call [`Library`].
//!
//! Data flow: roots are walked ([`scan`]); files whose (path, size, mtime) are unchanged are
//! skipped; the rest are read and hashed (blake3), known content takes its existing embedding
//! (moves and copies never re-encode), new content is decoded ([`photo`]) on worker threads
//! and encoded in batches by the model, and rows are committed in batches (the private
//! catalog module, one LanceDB table). Models are resolved and loaded through [`models`].
//! Search runs a query's words, images and photo ids as a vector search and its words as a
//! keyword search (BM25), both over the photos its filters admit, and fuses the two lists.
//! A library moves to another model through a [`ModelSwitch`], which fills the new model's
//! vector column while the old one serves search.

pub mod albums;
mod arrow_rows;
pub mod assets;
mod atomic;
mod browse;
mod calendar;
mod catalog;
pub mod disk;
pub mod duplicates;
mod error;
pub mod eval;
mod exif_meta;
pub mod explain;
mod facets;
mod folders;
mod formats;
pub mod grammar;
mod heif;
mod index;
mod keywords;
mod library;
mod lock;
pub mod map;
pub mod models;
mod pairs;
pub mod paths;
pub mod photo;
pub mod places;
pub mod query_language;
mod random;
mod raw;
mod row;
pub mod saved;
pub mod scan;
pub mod schema;
mod search;
pub mod search_eval;
mod switch;
pub mod synthetic;
pub mod tags;
pub mod trash;
pub mod watch;

pub use catalog::{VectorColumn, ANN_ABOVE_ROWS};
pub use error::{CoreError, Result};
pub use facets::{Facet, Facets};
pub use folders::Folder;
pub use index::priority::NICENESS as INDEX_NICENESS;
pub use index::{IndexControl, IndexReport, Progress, SEARCHING_FOR};
pub use library::{
    default_library_dir, vector_column_name, Failure, Library, LibraryStatus, RootStatus,
};
pub use lock::WriterLock;
pub use models::model_name;
pub use row::{PhotoRow, Status};
pub use saved::{SavedCount, SavedSearch};
pub use search::{
    default_cutoff, Filter, Fusion, Hit, Query, Retrieval, ScorePart, KEYWORD_WEIGHT,
};
pub use switch::{ModelSwitch, SwitchCoverage, SwitchRecord, SwitchReport};
pub use watch::{Cause, Change, RootWatcher};
