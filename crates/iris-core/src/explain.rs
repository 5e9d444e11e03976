//! Where in a photo a query matches: the viewer's heatmap and `iris explain`.
//!
//! Method (training-free, one extra pass of the vision tower's last block): the photo is
//! decoded as indexing decodes it; the tower runs once, and its last block is read a second
//! time for dense features as SCLIP reads it (q-q plus k-k attention, no residual, no MLP;
//! `iris_clip::Clip::embed_patches`), each patch then going through the same final norm and
//! projection as the class token. Each patch's cosine with the query vector (the very vector
//! search scores with: words, images, negatives) is the heat of that cell; the class token's is
//! the photo's score. Measured on held-out two-object demo images (a caption naming one object;
//! the peak counted when nearer that object than the other, chance 0.5): plain last-layer
//! tokens 0.37, MaskCLIP's value path 0.65 (0.67 with its residual), q-q alone 0.79, k-k alone
//! 0.83, q-q + k-k 0.83 (and 0.83 inside the object's outline), so q-q + k-k it is. The grid
//! covers the square the model sees (the preprocessor's center crop), given as `window`, so a
//! wide photo's edges carry no heat.

use crate::error::{CoreError, Result};
use crate::library::Library;
use crate::search::vector::{cosine, query_vectors};
use crate::search::Query;
use image::{Rgb, RgbImage};
use iris_clip::preprocess::Preprocessor;
use iris_clip::PatchEmbeddings;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The part of the photo the model sees, as fractions of its upright width and height.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
pub struct Window {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// A photo's patch grid of similarities with a query.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Explanation {
    /// `rows` lists of `cols` cosines, top row first.
    pub grid: Vec<Vec<f32>>,
    pub rows: usize,
    pub cols: usize,
    /// The photo's cosine with the query (its search score).
    pub score: f32,
    pub window: Window,
}

/// A photo read once for explanations: its patch embeddings, the model's window on it, and the
/// upright image (for an overlay). Reused while the viewer stays on the photo.
pub struct PhotoPatches {
    pub patches: PatchEmbeddings,
    pub window: Window,
    pub image: RgbImage,
}

/// The part of a `width x height` image `pre` shows the model (its center crop, or all of
/// it), as fractions.
fn model_window(pre: &Preprocessor, width: u32, height: u32) -> Window {
    let (w, h) = pre.resized_size(width as usize, height as usize);
    let (ch, cw) = pre.crop.unwrap_or((h, w));
    let top = (h as i64 - ch as i64).div_euclid(2).max(0) as f32;
    let left = (w as i64 - cw as i64).div_euclid(2).max(0) as f32;
    let (w, h) = (w as f32, h as f32);
    Window {
        x: left / w,
        y: top / h,
        width: (cw as f32 / w).min(1.0),
        height: (ch as f32 / h).min(1.0),
    }
}

impl Library {
    /// Reads a photo (a catalog id, or a path) and runs the vision tower on it, keeping its
    /// patch embeddings.
    pub fn photo_patches(&self, photo: &str) -> Result<PhotoPatches> {
        let path = match self.photo_by_id(photo)? {
            Some(row) => crate::paths::to_path(&row.path),
            None if Path::new(photo).is_file() => PathBuf::from(photo),
            None => {
                return Err(CoreError::Invalid(format!(
                    "\"{photo}\" is neither an indexed photo's id nor an image file"
                )))
            }
        };
        let bytes = std::fs::read(&path).map_err(|e| CoreError::io(&path, e))?;
        let pre = self.clip().preprocessor();
        let image = crate::photo::decode_view(&bytes, &path, pre).map_err(|reason| {
            CoreError::Invalid(format!("cannot read \"{}\": {reason}", path.display()))
        })?;
        let patches = self.clip().embed_patches(&pre.pixels(&image))?;
        Ok(PhotoPatches {
            window: model_window(pre, image.width(), image.height()),
            patches,
            image,
        })
    }

    /// The heat of each patch of `photo` for `query` (its words, images and negatives, as
    /// search combines them).
    pub fn explain_patches(&self, photo: &PhotoPatches, query: &Query) -> Result<Explanation> {
        let vector = query_vectors(self.catalog(), self.clip(), query)?.combined;
        Ok(explanation(&photo.patches, photo.window, &vector))
    }

    /// [`Self::photo_patches`] then [`Self::explain_patches`].
    pub fn explain(&self, photo: &str, query: &Query) -> Result<Explanation> {
        self.explain_patches(&self.photo_patches(photo)?, query)
    }
}

/// The grid of cosines of unit patch vectors with the unit `query`.
pub fn explanation(patches: &PatchEmbeddings, window: Window, query: &[f32]) -> Explanation {
    let side = patches.side;
    let grid = patches
        .patches
        .chunks(side.max(1))
        .map(|row| row.iter().map(|p| cosine(query, p)).collect())
        .collect();
    Explanation {
        grid,
        rows: side,
        cols: side,
        score: cosine(query, &patches.image),
        window,
    }
}

/// The photo with the heat laid over the model's window (blue low, red high, scaled between
/// the grid's least and greatest cosine) and the rest dimmed: `iris explain --png`.
pub fn overlay(photo: &PhotoPatches, e: &Explanation) -> RgbImage {
    let (lo, hi) = e
        .grid
        .iter()
        .flatten()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let span = (hi - lo).max(1e-6);
    let (w, h) = photo.image.dimensions();
    let win = e.window;
    let (x0, y0) = (win.x * w as f32, win.y * h as f32);
    let (ww, wh) = (win.width * w as f32, win.height * h as f32);
    let mut out = photo.image.clone();
    for (x, y, pixel) in out.enumerate_pixels_mut() {
        let (u, v) = ((x as f32 + 0.5 - x0) / ww, (y as f32 + 0.5 - y0) / wh);
        if !(0.0..1.0).contains(&u) || !(0.0..1.0).contains(&v) {
            pixel.0 = pixel.0.map(|c| c / 3);
            continue;
        }
        let heat = (sample(&e.grid, u, v) - lo) / span;
        let colour = heat_colour(heat);
        for (c, k) in pixel.0.iter_mut().zip(colour.0) {
            *c = ((*c as f32) * 0.45 + k as f32 * 0.55).round() as u8;
        }
    }
    out
}

/// The grid's value at `(u, v)` in [0, 1)², interpolated between cell centres.
fn sample(grid: &[Vec<f32>], u: f32, v: f32) -> f32 {
    let rows = grid.len();
    let cols = grid.first().map_or(0, Vec::len);
    if rows == 0 || cols == 0 {
        return 0.0;
    }
    let gy = (v * rows as f32 - 0.5).clamp(0.0, (rows - 1) as f32);
    let gx = (u * cols as f32 - 0.5).clamp(0.0, (cols - 1) as f32);
    let (r0, c0) = (gy.floor() as usize, gx.floor() as usize);
    let (r1, c1) = ((r0 + 1).min(rows - 1), (c0 + 1).min(cols - 1));
    let (fy, fx) = (gy - r0 as f32, gx - c0 as f32);
    let top = grid[r0][c0] * (1.0 - fx) + grid[r0][c1] * fx;
    let bottom = grid[r1][c0] * (1.0 - fx) + grid[r1][c1] * fx;
    top * (1.0 - fy) + bottom * fy
}

/// Blue (0) through cyan, green and yellow to red (1).
pub fn heat_colour(t: f32) -> Rgb<u8> {
    let t = t.clamp(0.0, 1.0);
    let stops = [
        [49.0, 54.0, 149.0],
        [69.0, 117.0, 180.0],
        [116.0, 173.0, 209.0],
        [254.0, 224.0, 144.0],
        [244.0, 109.0, 67.0],
        [165.0, 0.0, 38.0],
    ];
    let scaled = t * (stops.len() - 1) as f32;
    let i = (scaled.floor() as usize).min(stops.len() - 2);
    let f = scaled - i as f32;
    let mix = |k: usize| (stops[i][k] * (1.0 - f) + stops[i + 1][k] * f).round() as u8;
    Rgb([mix(0), mix(1), mix(2)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wide_photo_is_seen_through_its_center_square() {
        let pre = Preprocessor {
            shortest_edge: Some(224),
            resize_to: None,
            crop: Some((224, 224)),
            filter: iris_clip::resample::Filter::Bicubic,
            rescale: None,
            normalize: None,
        };
        let w = model_window(&pre, 400, 200);
        assert!(
            (w.x - 0.25).abs() < 0.01 && (w.width - 0.5).abs() < 0.01,
            "{w:?}"
        );
        assert!(w.y.abs() < 1e-6 && (w.height - 1.0).abs() < 1e-6, "{w:?}");
        let tall = model_window(&pre, 300, 600);
        assert!(
            (tall.y - 0.25).abs() < 0.01 && (tall.height - 0.5).abs() < 0.01,
            "{tall:?}"
        );
    }

    #[test]
    fn sampling_hits_cell_values_at_their_centres_and_blends_between() {
        let grid = vec![vec![0.0, 1.0], vec![2.0, 3.0]];
        assert_eq!(sample(&grid, 0.25, 0.25), 0.0);
        assert_eq!(sample(&grid, 0.75, 0.75), 3.0);
        assert!((sample(&grid, 0.5, 0.25) - 0.5).abs() < 1e-6);
        assert_eq!(sample(&grid, 0.0, 0.0), 0.0);
    }

    #[test]
    fn heat_runs_from_blue_to_red() {
        let (cold, hot) = (heat_colour(0.0), heat_colour(1.0));
        assert!(cold.0[2] > cold.0[0] && hot.0[0] > hot.0[2]);
        assert_eq!(heat_colour(-3.0), cold);
        assert_eq!(heat_colour(7.0), hot);
    }
}
