//! Synthetic captioned images: coloured shapes (circle, square, triangle, star, heart, cross
//! in eight colours and two sizes) on plain, gradient, striped or noisy backgrounds, alone or
//! in pairs ("a small red circle above a blue square"), each with several true captions.
//!
//! They give the app a demo library that needs no download, and they are what the demo CLIP
//! model (`assets/demo-model`, trained by `scripts/train_demo_model.py`) was trained on.
//! Everything is deterministic: the same seed gives the same images, byte for byte, and image
//! `i` does not depend on how many images are generated.

mod caption;
mod exif_writer;
mod render;
mod rng;
mod scene;
mod trip_queries;
mod trips;

pub use caption::captions;
pub use render::render;
pub use rng::Rng;
pub use scene::{
    Background, Colour, Object, Placed, Relation, Scene, Shape, Size, TWO_OBJECT_SHARE,
};
pub use trip_queries::{trip_queries, TripQuery};
pub use trips::{generate_trips, TripPhoto, LABELS_FILE};

use serde::Serialize;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Side of the generated images, in pixels.
pub const IMAGE_SIDE: u32 = 128;
/// Name of the captions file written next to the images.
pub const CAPTIONS_FILE: &str = "captions.jsonl";
/// Name of the file describing each image's objects, written next to the images.
pub const SCENES_FILE: &str = "scenes.jsonl";

/// One generated image.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Where the image was written (inside the output folder).
    pub path: PathBuf,
    /// Every caption true of the image, most generic first.
    pub captions: Vec<String>,
    /// What is drawn: one or two objects.
    pub objects: Vec<Object>,
    /// With two objects: where the first is relative to the second.
    pub relation: Option<Relation>,
    pub background: Background,
}

/// A line of captions.jsonl.
#[derive(Serialize)]
struct CaptionLine<'a> {
    image: &'a str,
    caption: &'a str,
}

/// A line of scenes.jsonl.
#[derive(Serialize)]
struct SceneLine<'a> {
    image: &'a str,
    objects: Vec<ObjectLine>,
    relation: Option<Relation>,
    background: Background,
}

/// An object in scenes.jsonl: what it is and where (fractions of the side, `y` down).
#[derive(Serialize)]
struct ObjectLine {
    #[serde(flatten)]
    object: Object,
    x: f32,
    y: f32,
    radius: f32,
    angle: f32,
}

/// File name of image `index`.
pub fn file_name(index: usize) -> String {
    format!("{index:06}.png")
}

/// Image `index` of dataset `seed` and its captions, without writing anything.
pub fn sample_image(seed: u64, index: usize, side: u32) -> (image::RgbImage, Scene, Vec<String>) {
    let scene = Scene::random(seed, index as u64);
    let image = render(&scene, side);
    let captions = captions(&scene);
    (image, scene, captions)
}

/// Writes `count` PNG images of [`IMAGE_SIDE`] pixels into `dir` (created if needed), with
/// `dir/captions.jsonl` (one `{"image": FILE, "caption": TEXT}` line per caption, `FILE`
/// relative to `dir`) and `dir/scenes.jsonl` (per image: its objects with their shape, colour,
/// size, centre `x`, `y`, `radius` and `angle`; the relation and the background).
pub fn generate(dir: &Path, count: usize, seed: u64) -> io::Result<Vec<Sample>> {
    generate_sized(dir, count, seed, IMAGE_SIDE)
}

/// [`generate`] with images of `side` x `side` pixels.
pub fn generate_sized(dir: &Path, count: usize, seed: u64, side: u32) -> io::Result<Vec<Sample>> {
    fs::create_dir_all(dir)?;
    let mut caption_out = BufWriter::new(File::create(dir.join(CAPTIONS_FILE))?);
    let mut scene_out = BufWriter::new(File::create(dir.join(SCENES_FILE))?);
    let mut samples = Vec::with_capacity(count);
    for index in 0..count {
        let (image, scene, captions) = sample_image(seed, index, side);
        let name = file_name(index);
        let path = dir.join(&name);
        image
            .save_with_format(&path, image::ImageFormat::Png)
            .map_err(io::Error::other)?;
        for caption in &captions {
            let line = CaptionLine {
                image: &name,
                caption,
            };
            serde_json::to_writer(&mut caption_out, &line)?;
            caption_out.write_all(b"\n")?;
        }
        let objects = scene.object_kinds();
        let line = SceneLine {
            image: &name,
            objects: scene
                .objects
                .iter()
                .map(|p| ObjectLine {
                    object: p.object,
                    x: p.centre.0,
                    y: p.centre.1,
                    radius: p.radius,
                    angle: p.angle,
                })
                .collect(),
            relation: scene.relation,
            background: scene.background,
        };
        serde_json::to_writer(&mut scene_out, &line)?;
        scene_out.write_all(b"\n")?;
        samples.push(Sample {
            path,
            captions,
            objects,
            relation: scene.relation,
            background: scene.background,
        });
    }
    caption_out.flush()?;
    scene_out.flush()?;
    Ok(samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("iris-demo-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn writes_images_and_captions() -> io::Result<()> {
        let dir = temp_dir("write");
        let samples = generate(&dir, 30, 1)?;
        assert_eq!(samples.len(), 30);
        let pngs = fs::read_dir(&dir)?
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "png"))
            })
            .count();
        assert_eq!(pngs, 30);
        let text = fs::read_to_string(dir.join(CAPTIONS_FILE))?;
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()?;
        let total: usize = samples.iter().map(|s| s.captions.len()).sum();
        assert_eq!(lines.len(), total);
        let mut expected = Vec::new();
        for sample in &samples {
            let name = sample.path.file_name().and_then(|n| n.to_str());
            for caption in &sample.captions {
                expected.push((name.unwrap_or_default().to_string(), caption.clone()));
            }
        }
        for (line, (image, caption)) in lines.iter().zip(&expected) {
            assert_eq!(line["image"].as_str(), Some(image.as_str()));
            assert_eq!(line["caption"].as_str(), Some(caption.as_str()));
            assert!(dir.join(image).is_file());
        }
        let first = &samples[0];
        let img = image::open(&first.path).map_err(io::Error::other)?;
        assert_eq!((img.width(), img.height()), (IMAGE_SIDE, IMAGE_SIDE));
        let scenes = fs::read_to_string(dir.join(SCENES_FILE))?;
        assert_eq!(scenes.lines().count(), 30);
        fs::remove_dir_all(&dir)
    }

    #[test]
    fn same_seed_same_bytes() -> io::Result<()> {
        let (a, b, c) = (temp_dir("a"), temp_dir("b"), temp_dir("c"));
        let sa = generate_sized(&a, 8, 42, 64)?;
        let sb = generate_sized(&b, 12, 42, 64)?;
        let sc = generate_sized(&c, 8, 43, 64)?;
        for (x, y) in sa.iter().zip(&sb) {
            assert_eq!(x.captions, y.captions);
            assert_eq!(fs::read(&x.path)?, fs::read(&y.path)?);
        }
        assert_ne!(
            sa.iter().map(|s| &s.captions).collect::<Vec<_>>(),
            sc.iter().map(|s| &s.captions).collect::<Vec<_>>()
        );
        let captions = |d: &Path| fs::read_to_string(d.join(CAPTIONS_FILE));
        assert!(captions(&b)?.starts_with(&captions(&a)?));
        for d in [a, b, c] {
            fs::remove_dir_all(d)?;
        }
        Ok(())
    }

    #[test]
    fn mix_of_one_and_two_objects() {
        let scenes: Vec<Scene> = (0..1000).map(|i| Scene::random(7, i)).collect();
        let two = scenes.iter().filter(|s| s.objects.len() == 2).count();
        assert!((230..370).contains(&two), "{two} two-object scenes");
        for shape in Shape::ALL {
            assert!(scenes.iter().any(|s| s.objects[0].object.shape == shape));
        }
        for colour in Colour::ALL {
            assert!(scenes.iter().any(|s| s.objects[0].object.colour == colour));
        }
        for background in Background::ALL {
            assert!(scenes.iter().any(|s| s.background == background));
        }
    }

    #[test]
    fn empty_dataset() -> io::Result<()> {
        let dir = temp_dir("empty");
        assert!(generate(&dir, 0, 0)?.is_empty());
        assert_eq!(fs::read_to_string(dir.join(CAPTIONS_FILE))?, "");
        fs::remove_dir_all(&dir)
    }
}
