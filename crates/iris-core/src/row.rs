//! One row of the catalog: a file under a root, identified by the blake3 hash of its content,
//! with its metadata, its state and its embedding for the current model.

use serde::Serialize;
use std::collections::HashMap;

/// State of a catalogued file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Decoded and embedded.
    Ok,
    /// Could not be read or decoded; `reason` says why.
    Failed,
    /// Its root is missing (unplugged drive, unmounted share); kept until it returns.
    Offline,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::Offline => "offline",
        }
    }

    pub fn parse(s: &str) -> Self {
        match s {
            "failed" => Self::Failed,
            "offline" => Self::Offline,
            _ => Self::Ok,
        }
    }
}

/// A catalog row. `path` is unique; `id` is shared by identical copies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhotoRow {
    pub path: String,
    pub root: String,
    /// blake3 of the content, hex.
    pub id: String,
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Container format recognised from the content ("jpeg", "png", ...).
    pub format: Option<String>,
    /// EXIF DateTimeOriginal as seconds since the epoch, the camera's local time read as UTC.
    pub taken: Option<i64>,
    /// EXIF OffsetTimeOriginal: minutes east of UTC of `taken`.
    pub taken_offset: Option<i32>,
    /// EXIF make and model.
    pub camera: Option<String>,
    /// EXIF LensModel.
    pub lens: Option<String>,
    /// GPS position in degrees.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The place of the GPS position (offline reverse geocoding).
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    /// Key of the cached thumbnail (the content hash) when one was made.
    pub thumb: Option<String>,
    pub status: Status,
    pub reason: Option<String>,
    #[serde(skip)]
    pub vector: Option<Vec<f32>>,
}

#[cfg(test)]
impl PhotoRow {
    /// An indexed row for unit tests: `/r/NAME` under the root `/r`, its id `NAME`.
    pub(crate) fn indexed_for_test(name: &str) -> Self {
        let mut row = Self::failed(
            format!("/r/{name}"),
            "/r".into(),
            name.to_string(),
            1,
            2,
            String::new(),
        );
        row.status = Status::Ok;
        row
    }
}

impl PhotoRow {
    /// "Honolulu, Hawaii, United States", leaving out what is unknown.
    pub fn place_label(&self) -> Option<String> {
        crate::places::Place {
            city: self.city.clone(),
            region: self.region.clone(),
            country: self.country.clone(),
        }
        .label()
    }

    /// A row for a file that could not be read or decoded.
    pub fn failed(
        path: String,
        root: String,
        id: String,
        size: u64,
        mtime_ns: i64,
        reason: String,
    ) -> Self {
        Self {
            path,
            root,
            id,
            size,
            mtime_ns,
            width: None,
            height: None,
            format: None,
            taken: None,
            taken_offset: None,
            camera: None,
            lens: None,
            lat: None,
            lon: None,
            city: None,
            region: None,
            country: None,
            thumb: None,
            status: Status::Failed,
            reason: Some(reason),
            vector: None,
        }
    }
}

/// One photo per content id (an online copy preferred) with its unit vector, in id order.
pub(crate) fn one_per_photo<'a>(
    held: impl Iterator<Item = (&'a PhotoRow, &'a [f32])>,
) -> Vec<(&'a PhotoRow, &'a [f32])> {
    let mut by_id: HashMap<&str, (&PhotoRow, &[f32])> = HashMap::new();
    for (row, vector) in held {
        let replace = by_id
            .get(row.id.as_str())
            .is_none_or(|(old, _)| old.status != Status::Ok && row.status == Status::Ok);
        if replace {
            by_id.insert(&row.id, (row, vector));
        }
    }
    let mut photos: Vec<_> = by_id.into_values().collect();
    photos.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    photos
}
