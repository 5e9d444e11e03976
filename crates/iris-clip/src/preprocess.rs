//! Image preprocessing equal to transformers' CLIPImageProcessor as configured by
//! preprocessor_config.json: RGB conversion, shortest-edge resize (Pillow's filters, see
//! [`crate::resample`]), centre crop, rescale and mean/std normalisation, in CHW order.
//!
//! Without a centre crop (Chinese-CLIP's configuration), the image is resized to exactly the
//! configured height and width, aspect ratio not kept: what the original Chinese-CLIP trains
//! with (`Resize((224, 224))`). A bare shortest-edge size without a crop is read the same way,
//! since a fixed-size model cannot take the uncropped image transformers would make of it.

use crate::error::{ClipError, Result};
use crate::resample::{resize_window, Filter};
use image::{DynamicImage, RgbImage};
use serde_json::Value;
use std::path::Path;

/// The steps and constants of preprocessor_config.json.
#[derive(Debug, Clone, PartialEq)]
pub struct Preprocessor {
    /// Target of the shortest edge, or None when `do_resize` is false or the resize is exact.
    pub shortest_edge: Option<usize>,
    /// Exact height and width to resize to (aspect ratio not kept), or None.
    pub resize_to: Option<(usize, usize)>,
    /// Crop height and width, or None when `do_center_crop` is false.
    pub crop: Option<(usize, usize)>,
    pub filter: Filter,
    /// Multiplier applied to 8-bit values, or None when `do_rescale` is false.
    pub rescale: Option<f32>,
    /// Mean and std per channel, or None when `do_normalize` is false.
    pub normalize: Option<([f32; 3], [f32; 3])>,
}

fn flag(obj: &serde_json::Map<String, Value>, key: &str) -> bool {
    obj.get(key).and_then(Value::as_bool).unwrap_or(true)
}

/// A size given either as an integer or as an object with one of the named keys.
fn size_field(value: Option<&Value>, keys: &[&str]) -> Option<Vec<usize>> {
    match value? {
        Value::Number(n) => n.as_u64().map(|n| vec![n as usize]),
        Value::Object(o) => keys
            .iter()
            .map(|k| o.get(*k).and_then(Value::as_u64).map(|n| n as usize))
            .collect(),
        _ => None,
    }
}

fn triple(obj: &serde_json::Map<String, Value>, key: &str, default: [f32; 3]) -> Option<[f32; 3]> {
    match obj.get(key) {
        None => Some(default),
        Some(Value::Array(a)) if a.len() == 3 => {
            let v: Option<Vec<f32>> = a.iter().map(|x| x.as_f64().map(|f| f as f32)).collect();
            v.map(|v| [v[0], v[1], v[2]])
        }
        Some(_) => None,
    }
}

const CLIP_MEAN: [f32; 3] = [0.481_454_66, 0.457_827_5, 0.408_210_73];
const CLIP_STD: [f32; 3] = [0.268_629_55, 0.261_302_6, 0.275_777_1];

impl Preprocessor {
    /// Reads preprocessor_config.json; `image_size` (from config.json) is the default size.
    pub fn from_file(path: &Path, image_size: usize) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| ClipError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(path, &text, image_size)
    }

    /// Parses preprocessor_config.json text; `path` is only used in error messages.
    pub fn from_json(path: &Path, json: &str, image_size: usize) -> Result<Self> {
        let bad = |field: &str, v: Option<&Value>| {
            let found = v.map_or("nothing".to_string(), |v| v.to_string());
            ClipError::model(path, format!("field `{field}` is invalid, found {found}"))
        };
        let root: Value = serde_json::from_str(json)
            .map_err(|e| ClipError::model(path, format!("is not valid json: {e}")))?;
        let obj = root
            .as_object()
            .ok_or_else(|| ClipError::model(path, "must hold a json object"))?;
        let cropped = flag(obj, "do_center_crop");
        let (shortest_edge, resize_to) = if flag(obj, "do_resize") {
            let v = obj.get("size");
            let exact = match v {
                Some(Value::Object(_)) => size_field(v, &["height", "width"]),
                _ => None,
            };
            match exact {
                Some(exact) => (None, Some((exact[0], exact[1]))),
                None => {
                    let edge = match v {
                        None => image_size,
                        v => size_field(v, &["shortest_edge"]).ok_or_else(|| bad("size", v))?[0],
                    };
                    if cropped {
                        (Some(edge), None)
                    } else {
                        (None, Some((edge, edge)))
                    }
                }
            }
        } else {
            (None, None)
        };
        let crop = if cropped {
            let size = match obj.get("crop_size") {
                None => vec![image_size, image_size],
                v => size_field(v, &["height", "width"])
                    .or_else(|| size_field(v, &["height"]).map(|s| vec![s[0], s[0]]))
                    .ok_or_else(|| bad("crop_size", v))?,
            };
            Some((size[0], *size.last().unwrap_or(&size[0])))
        } else {
            None
        };
        let code = obj.get("resample").map_or(Some(3), Value::as_u64);
        let filter = code
            .and_then(Filter::from_pil_code)
            .ok_or_else(|| bad("resample", obj.get("resample")))?;
        let rescale = if flag(obj, "do_rescale") {
            let v = obj.get("rescale_factor");
            Some(match v {
                None => 1.0 / 255.0,
                Some(x) => x.as_f64().ok_or_else(|| bad("rescale_factor", v))? as f32,
            })
        } else {
            None
        };
        let normalize = if flag(obj, "do_normalize") {
            let mean = triple(obj, "image_mean", CLIP_MEAN)
                .ok_or_else(|| bad("image_mean", obj.get("image_mean")))?;
            let std = triple(obj, "image_std", CLIP_STD)
                .filter(|s| s.iter().all(|x| *x > 0.0))
                .ok_or_else(|| bad("image_std", obj.get("image_std")))?;
            Some((mean, std))
        } else {
            None
        };
        Ok(Self {
            shortest_edge,
            resize_to,
            crop,
            filter,
            rescale,
            normalize,
        })
    }

    /// Size after the resize (shortest-edge sizes truncated as transformers does).
    pub fn resized_size(&self, width: usize, height: usize) -> (usize, usize) {
        if let Some((h, w)) = self.resize_to {
            return (w, h);
        }
        let Some(target) = self.shortest_edge else {
            return (width, height);
        };
        let (short, long) = (width.min(height), width.max(height));
        let new_long = (target as f64 * long as f64 / short as f64) as usize;
        if width <= height {
            (target, new_long)
        } else {
            (new_long, target)
        }
    }

    /// The side of the output when it is the same square for every input.
    pub fn square_output(&self) -> Option<usize> {
        match self.crop.or(self.resize_to) {
            Some((h, w)) if h == w => Some(h),
            _ => None,
        }
    }

    /// The output size in words, for errors.
    pub fn output_description(&self) -> String {
        match (self.crop.or(self.resize_to), self.shortest_edge) {
            (Some((h, w)), _) => format!("{h}x{w}"),
            (None, Some(edge)) => format!("a shortest edge of {edge}, uncropped"),
            (None, None) => "their own size".to_string(),
        }
    }

    /// The shortest edge an image must keep when decoded at reduced scale so that the resize
    /// still shrinks it (224 when there is no resize).
    pub fn decode_edge(&self) -> usize {
        self.shortest_edge
            .or(self.resize_to.map(|(h, w)| h.max(w)))
            .unwrap_or(224)
    }

    /// Output height and width for an input of this size.
    pub fn output_size(&self, width: usize, height: usize) -> (usize, usize) {
        let (w, h) = self.resized_size(width, height);
        self.crop.unwrap_or((h, w))
    }

    /// Preprocesses an RGB image into CHW floats of [`Self::output_size`].
    pub fn pixels(&self, img: &RgbImage) -> Vec<f32> {
        let (w, h) = self.resized_size(img.width() as usize, img.height() as usize);
        let (ch, cw) = self.crop.unwrap_or((h, w));
        // Python's floor division: negative offsets mean the crop pads with zeros.
        let top = (h as i64 - ch as i64).div_euclid(2);
        let left = (w as i64 - cw as i64).div_euclid(2);
        let rows = top.max(0) as usize..((top + ch as i64).min(h as i64)) as usize;
        let cols = left.max(0) as usize..((left + cw as i64).min(w as i64)) as usize;
        let window = resize_window(img, (w, h), cols.clone(), rows.clone(), self.filter);
        let scale = self.rescale.unwrap_or(1.0);
        let (mean, std) = self.normalize.unwrap_or(([0.0; 3], [1.0; 3]));
        let mut out = vec![0f32; 3 * ch * cw];
        for c in 0..3 {
            let plane = &mut out[c * ch * cw..(c + 1) * ch * cw];
            for (y, row) in plane.chunks_exact_mut(cw).enumerate() {
                let sy = y as i64 + top;
                for (x, v) in row.iter_mut().enumerate() {
                    let sx = x as i64 + left;
                    let inside = (rows.start as i64..rows.end as i64).contains(&sy)
                        && (cols.start as i64..cols.end as i64).contains(&sx);
                    let byte = if inside {
                        let (wy, wx) = (sy as usize - rows.start, sx as usize - cols.start);
                        window[(wy * cols.len() + wx) * 3 + c]
                    } else {
                        0
                    };
                    *v = (byte as f32 * scale - mean[c]) / std[c];
                }
            }
        }
        out
    }
}

/// Converts any decoded image to 8-bit RGB the way Pillow's `convert("RGB")` does for the
/// common modes (grey replicated, palette expanded, alpha dropped), except that 16-bit and
/// float samples are scaled to 8 bits instead of clipped.
pub fn to_rgb8(img: DynamicImage) -> RgbImage {
    match img {
        DynamicImage::ImageRgb8(rgb) => rgb,
        other => other.to_rgb8(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clip224() -> Preprocessor {
        let json = r#"{"crop_size": {"height": 224, "width": 224}, "size": {"shortest_edge": 224},
            "resample": 3, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}"#;
        Preprocessor::from_json(Path::new("p.json"), json, 224).unwrap()
    }

    #[test]
    fn resize_truncates_like_transformers() {
        let p = clip224();
        assert_eq!(p.resized_size(4000, 3000), (298, 224));
        assert_eq!(p.resized_size(50, 30), (373, 224));
        assert_eq!(p.resized_size(300, 1000), (224, 746));
        assert_eq!(p.output_size(31, 17), (224, 224));
    }

    #[test]
    fn normalises_with_configured_mean_and_std() {
        let p = clip224();
        let white = RgbImage::from_pixel(300, 240, image::Rgb([255, 255, 255]));
        let px = p.pixels(&white);
        assert_eq!(px.len(), 3 * 224 * 224);
        assert!(px.iter().all(|v| (v - 1.0).abs() < 1e-6));
    }

    #[test]
    fn without_a_crop_the_image_is_resized_to_the_exact_size() {
        for size in [
            r#"{"height": 64, "width": 64}"#,
            "64",
            r#"{"shortest_edge": 64}"#,
        ] {
            let json = format!(r#"{{"do_center_crop": false, "size": {size}}}"#);
            let p = Preprocessor::from_json(Path::new("p.json"), &json, 224).unwrap();
            assert_eq!(p.resized_size(300, 100), (64, 64), "{size}");
            assert_eq!(p.square_output(), Some(64), "{size}");
            assert_eq!(p.decode_edge(), 64, "{size}");
            let wide = RgbImage::from_fn(300, 100, |x, _| image::Rgb([(x % 256) as u8, 0, 0]));
            assert_eq!(p.pixels(&wide).len(), 3 * 64 * 64);
        }
        assert_eq!(clip224().square_output(), Some(224));
        let json = r#"{"do_center_crop": false, "size": {"height": 32, "width": 48}}"#;
        let p = Preprocessor::from_json(Path::new("p.json"), json, 224).unwrap();
        assert_eq!(
            (p.square_output(), p.output_description()),
            (None, "32x48".into())
        );
    }

    #[test]
    fn bad_fields_are_named() {
        let e = Preprocessor::from_json(Path::new("p.json"), r#"{"resample": 0}"#, 224)
            .unwrap_err()
            .to_string();
        assert_eq!(e, "p.json: field `resample` is invalid, found 0");
        let e = Preprocessor::from_json(Path::new("p.json"), r#"{"image_std": [1, 0, 1]}"#, 224)
            .unwrap_err()
            .to_string();
        assert!(e.contains("`image_std`"), "{e}");
    }

    #[test]
    fn sixteen_bit_grey_is_scaled_not_clipped() {
        let grey = image::ImageBuffer::from_pixel(4, 4, image::Luma([32768u16]));
        let rgb = to_rgb8(DynamicImage::ImageLuma16(grey));
        assert_eq!(rgb.get_pixel(0, 0).0, [128, 128, 128]);
    }
}
