//! Helpers shared by the library tests: the tiny test model, a library in a temp dir, and
//! generated photos.

#![allow(dead_code)]

use image::{Rgb, RgbImage};
use iris_clip::Clip;
use iris_core::Library;
use std::path::{Path, PathBuf};

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
        .index(2, &iris_core::IndexControl::new(), &mut |_| {})
        .unwrap()
}

/// The package folder, read when the test runs (not when it was compiled), so that a test
/// binary reused from a build in another checkout still finds this checkout's fixtures.
pub fn manifest_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("tests run under cargo"))
}

/// A JPEG with an EXIF block holding only this orientation, inserted after the SOI marker.
pub fn with_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend([0, 1]); // one IFD entry
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1]); // Orientation, SHORT, count 1
    tiff.extend(orientation.to_be_bytes());
    tiff.extend([0, 0, 0, 0, 0, 0]); // value padding, no next IFD
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

/// Runs a Debian command-line tool that makes a fixture; says which package has it if absent.
pub fn run_tool(tool: &str, args: &[&str], package: &str) {
    let out = std::process::Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} not found ({e}): apt-get install {package}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes EXIF tags (numeric values, `-n`) into a file in place with exiftool.
pub fn exiftool(path: &Path, tags: &[&str]) {
    let mut args = vec!["-q", "-overwrite_original", "-n"];
    args.extend_from_slice(tags);
    let path = path.to_str().expect("utf-8 test path");
    args.push(path);
    run_tool("exiftool", &args, "libimage-exiftool-perl");
}
