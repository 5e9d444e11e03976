//! The library engine of Iris: the catalog (LanceDB), scanning, decoding, thumbnails, the
//! indexing job and search. The desktop app, the CLI and the tests all call [`Library`].
//!
//! Data flow: roots are walked ([`scan`]); files whose (path, size, mtime) are unchanged are
//! skipped; the rest are read and hashed (blake3), known content takes its existing embedding
//! (moves and copies never re-encode), new content is decoded ([`photo`]) on worker threads
//! and encoded in batches by the model, and rows are committed in batches (the private
//! catalog module, one LanceDB table). Models are resolved and loaded through [`models`].
//! Search turns text, images and photo ids into one query vector and returns
//! the nearest photos by cosine similarity.

mod arrow_rows;
pub mod assets;
mod browse;
mod catalog;
mod error;
pub mod eval;
mod exif_meta;
mod folders;
mod formats;
pub mod grammar;
mod heif;
mod index;
mod library;
mod lock;
pub mod models;
mod pairs;
pub mod photo;
pub mod places;
mod raw;
mod row;
pub mod scan;
mod search;
pub mod watch;

pub use error::{CoreError, Result};
pub use folders::Folder;
pub use index::{IndexControl, IndexReport, Progress};
pub use library::{
    default_library_dir, vector_column_name, Failure, Library, LibraryStatus, RootStatus,
};
pub use lock::WriterLock;
pub use models::model_name;
pub use row::{PhotoRow, Status};
pub use search::{Filter, Hit, Query};
pub use watch::{Cause, Change, RootWatcher};
