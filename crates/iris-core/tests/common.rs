//! Helpers shared by the library tests: the tiny test model, a library in a temp dir, and
//! generated photos.

#![allow(dead_code)]

use image::{Rgb, RgbImage};
use iris_clip::Clip;
use iris_core::Library;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

pub fn tiny_model_dir() -> PathBuf {
    manifest_dir().join("../iris-clip/tests/fixtures/tiny-clip")
}

pub fn open_library(dir: &Path) -> Library {
    let clip = Clip::load_dir(&tiny_model_dir()).unwrap();
    Library::open(dir, clip, "tiny-clip").unwrap()
}

/// A distinct picture for each seed: stripes, a disc and a colour wash.
pub fn picture(seed: u32, w: u32, h: u32) -> RgbImage {
    let mut s = seed.wrapping_mul(2_654_435_761).wrapping_add(12345);
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        s
    };
    let (r, g, b) = (
        (next() % 256) as u8,
        (next() % 256) as u8,
        (next() % 256) as u8,
    );
    let period = 4 + next() % 20;
    let (cx, cy, rad) = (next() % w, next() % h, 5 + next() % (w.min(h) / 2));
    RgbImage::from_fn(w, h, |x, y| {
        let dx = x as i64 - cx as i64;
        let dy = y as i64 - cy as i64;
        if dx * dx + dy * dy < (rad * rad) as i64 {
            Rgb([255 - r, 255 - g, b / 2])
        } else if (x / period) % 2 == 0 {
            Rgb([r, g, b])
        } else {
            Rgb([g, b, r])
        }
    })
}

/// Writes `count` JPEG photos named `photo_NNN.jpg` into `dir`, seeds from `first_seed`.
pub fn write_photos(dir: &Path, count: u32, first_seed: u32) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    (0..count)
        .map(|i| {
            let path = dir.join(format!("photo_{:03}.jpg", first_seed + i));
            picture(first_seed + i, 96, 72).save(&path).unwrap();
            path
        })
        .collect()
}

pub fn index(library: &Library) -> iris_core::IndexReport {
    library
        .index(2, &AtomicBool::new(false), &mut |_| {})
        .unwrap()
}

/// The package folder, read when the test runs (not when it was compiled), so that a test
/// binary reused from a build in another checkout still finds this checkout's fixtures.
fn manifest_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("tests run under cargo"))
}
