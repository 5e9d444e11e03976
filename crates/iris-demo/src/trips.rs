//! A demo library laid out as a person's photos, for evaluating search: the demo images as
//! JPEGs in trip-like folders ("2019 Lisbon", "garden/summer"), named as cameras and phones
//! name them (IMG_0042.JPG, PXL_20210405_103000123.jpg, DSC01234.JPG), with EXIF dates,
//! cameras and GPS positions written into the files, and a labels file (`trips.jsonl`) that
//! says what each photo shows and where, when and with what it was taken.

use crate::exif_writer::{self, Exif};
use crate::{captions, render, Scene};
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Name of the labels file written at the top of the library.
pub const LABELS_FILE: &str = "trips.jsonl";

/// Side of the photos, in pixels.
const SIDE: u32 = 160;

/// One folder of the library: where, when and with what its photos were taken.
struct Trip {
    folder: &'static str,
    /// City and position, or none (scans, a garden with no GPS).
    place: Option<(&'static str, f64, f64)>,
    year: i32,
    month: u32,
    camera: Camera,
}

#[derive(Clone, Copy)]
enum Camera {
    Canon,
    Pixel,
    Sony,
    /// Scans: no EXIF at all.
    None,
}

impl Camera {
    fn exif(self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::Canon => Some(("Canon", "Canon EOS 5D Mark IV")),
            Self::Pixel => Some(("Google", "Pixel 7")),
            Self::Sony => Some(("SONY", "ILCE-7M3")),
            Self::None => None,
        }
    }

    /// The file name the camera gives its `n`-th photo, taken at `stamp` (yyyymmdd, hhmmss).
    fn file_name(self, n: usize, stamp: (String, String)) -> String {
        match self {
            Self::Canon => format!("IMG_{:04}.JPG", n % 10_000),
            Self::Pixel => format!("PXL_{}_{}{:03}.jpg", stamp.0, stamp.1, n % 1000),
            Self::Sony => format!("DSC{:05}.JPG", n % 100_000),
            Self::None => format!("scan {:03}.jpg", n % 1000),
        }
    }
}

const TRIPS: [Trip; 6] = [
    Trip {
        folder: "2019 Lisbon",
        place: Some(("Lisbon", 38.7223, -9.1393)),
        year: 2019,
        month: 6,
        camera: Camera::Canon,
    },
    Trip {
        folder: "2021 Kyoto",
        place: Some(("Kyoto", 35.0116, 135.7681)),
        year: 2021,
        month: 4,
        camera: Camera::Pixel,
    },
    Trip {
        folder: "garden/summer",
        place: None,
        year: 2020,
        month: 7,
        camera: Camera::Pixel,
    },
    Trip {
        folder: "Weekend in Paris",
        place: Some(("Paris", 48.8566, 2.3522)),
        year: 2022,
        month: 10,
        camera: Camera::Sony,
    },
    Trip {
        folder: "Camera Roll",
        place: Some(("Lisbon", 38.7139, -9.1335)),
        year: 2023,
        month: 2,
        camera: Camera::Pixel,
    },
    Trip {
        folder: "old scans",
        place: None,
        year: 0,
        month: 0,
        camera: Camera::None,
    },
];

/// One photo's labels: a line of `trips.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TripPhoto {
    /// Relative to the library folder.
    pub path: String,
    /// Every caption true of the picture (the demo captions).
    pub captions: Vec<String>,
    pub folder: String,
    /// The year taken, none for a scan.
    pub year: Option<i32>,
    pub camera: Option<String>,
    pub city: Option<String>,
}

/// Writes `count` photos of demo dataset `seed` into trip folders under `dir`, with
/// `dir/trips.jsonl`; photo `i` goes to trip `i % 6`.
pub fn generate_trips(dir: &Path, count: usize, seed: u64) -> io::Result<Vec<TripPhoto>> {
    fs::create_dir_all(dir)?;
    let mut labels = BufWriter::new(File::create(dir.join(LABELS_FILE))?);
    let mut out = Vec::with_capacity(count);
    for index in 0..count {
        let trip = &TRIPS[index % TRIPS.len()];
        let scene = Scene::random(seed, index as u64);
        let image = render(&scene, SIDE);
        let n = index / TRIPS.len() + 1;
        // Photos of a trip a few hours apart over its month, at a time of day that varies.
        let (day, hour, minute) = (
            (n % 27 + 1) as u32,
            (8 + n * 5 % 12) as u32,
            (n * 7 % 60) as u32,
        );
        let stamp = (
            format!("{:04}{:02}{day:02}", trip.year, trip.month),
            format!("{hour:02}{minute:02}00"),
        );
        let name = trip.camera.file_name(n, stamp);
        let folder = dir.join(trip.folder);
        fs::create_dir_all(&folder)?;
        let mut jpeg = Vec::new();
        image
            .write_to(&mut io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
            .map_err(io::Error::other)?;
        let exif = trip.camera.exif().map(|(make, model)| Exif {
            make,
            model,
            taken: format!(
                "{:04}:{:02}:{day:02} {hour:02}:{minute:02}:00",
                trip.year, trip.month
            ),
            gps: trip.place.map(|(_, lat, lon)| (lat, lon)),
        });
        let bytes = match &exif {
            Some(exif) => exif_writer::insert(&jpeg, exif),
            None => jpeg,
        };
        let path: PathBuf = folder.join(&name);
        fs::write(&path, bytes)?;
        let photo = TripPhoto {
            path: format!("{}/{name}", trip.folder),
            captions: captions(&scene),
            folder: trip.folder.to_string(),
            year: exif.is_some().then_some(trip.year),
            camera: trip.camera.exif().map(|(_, model)| model.to_string()),
            city: trip.place.map(|(city, _, _)| city.to_string()),
        };
        serde_json::to_writer(&mut labels, &photo)?;
        labels.write_all(b"\n")?;
        out.push(photo);
    }
    labels.flush()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_go_to_their_trip_with_a_camera_name_and_labels() {
        let dir = tempfile::tempdir().unwrap();
        let photos = generate_trips(dir.path(), 12, 3).unwrap();
        assert_eq!(photos.len(), 12);
        assert_eq!(photos[0].path, "2019 Lisbon/IMG_0001.JPG");
        assert_eq!(photos[6].path, "2019 Lisbon/IMG_0002.JPG");
        assert!(
            photos[1].path.starts_with("2021 Kyoto/PXL_202104"),
            "{}",
            photos[1].path
        );
        assert_eq!(photos[3].path, "Weekend in Paris/DSC00001.JPG");
        assert_eq!((photos[5].year, photos[5].camera.as_deref()), (None, None));
        assert_eq!(photos[1].city.as_deref(), Some("Kyoto"));
        for p in &photos {
            let bytes = std::fs::read(dir.path().join(&p.path)).unwrap();
            image::load_from_memory(&bytes).unwrap();
        }
        let lines = std::fs::read_to_string(dir.path().join(LABELS_FILE)).unwrap();
        assert_eq!(lines.lines().count(), 12);
    }
}
