//! Pillow's convolution resampling, reproduced bit for bit: separable passes (horizontal, then
//! vertical) with 22-bit fixed-point weights and rounding to 8 bits between the passes, which is
//! what `Image.resize` does for RGB images and so what CLIPImageProcessor feeds the model.
//!
//! Only the output pixels inside a window are computed, so resizing then centre-cropping costs
//! the crop, not the whole resized image.

use image::RgbImage;

/// Pillow's resampling filters (`resample` in preprocessor_config.json).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    Box,
    Bilinear,
    Hamming,
    Bicubic,
    Lanczos,
}

impl Filter {
    /// The filter for a Pillow resample code, or None for nearest and unknown codes.
    pub fn from_pil_code(code: u64) -> Option<Self> {
        match code {
            1 => Some(Self::Lanczos),
            2 => Some(Self::Bilinear),
            3 => Some(Self::Bicubic),
            4 => Some(Self::Box),
            5 => Some(Self::Hamming),
            _ => None,
        }
    }

    fn support(self) -> f64 {
        match self {
            Self::Box => 0.5,
            Self::Bilinear | Self::Hamming => 1.0,
            Self::Bicubic => 2.0,
            Self::Lanczos => 3.0,
        }
    }

    fn weight(self, x: f64) -> f64 {
        match self {
            Self::Box => {
                if (-0.5..0.5).contains(&x) {
                    1.0
                } else {
                    0.0
                }
            }
            Self::Bilinear => (1.0 - x.abs()).max(0.0),
            Self::Hamming => {
                let x = x.abs();
                if x == 0.0 {
                    1.0
                } else if x >= 1.0 {
                    0.0
                } else {
                    let px = x * std::f64::consts::PI;
                    px.sin() / px * (0.54 + 0.46 * px.cos())
                }
            }
            Self::Bicubic => {
                const A: f64 = -0.5;
                let x = x.abs();
                if x < 1.0 {
                    ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0
                } else if x < 2.0 {
                    (((x - 5.0) * x + 8.0) * x - 4.0) * A
                } else {
                    0.0
                }
            }
            Self::Lanczos => {
                fn sinc(x: f64) -> f64 {
                    if x == 0.0 {
                        1.0
                    } else {
                        let px = x * std::f64::consts::PI;
                        px.sin() / px
                    }
                }
                if (-3.0..3.0).contains(&x) {
                    sinc(x) * sinc(x / 3.0)
                } else {
                    0.0
                }
            }
        }
    }
}

const PRECISION_BITS: u32 = 32 - 8 - 2;

/// Fixed-point weights of every output sample along one axis (Pillow's `precompute_coeffs`
/// followed by `normalize_coeffs_8bpc`).
struct Coefficients {
    /// First input sample and number of samples, per output sample.
    bounds: Vec<(usize, usize)>,
    ksize: usize,
    weights: Vec<i32>,
}

impl Coefficients {
    fn new(in_size: usize, out_size: usize, filter: Filter) -> Self {
        let scale = in_size as f64 / out_size as f64;
        let filterscale = scale.max(1.0);
        let support = filter.support() * filterscale;
        let ksize = support.ceil() as usize * 2 + 1;
        let mut bounds = Vec::with_capacity(out_size);
        let mut weights = vec![0i32; out_size * ksize];
        let mut k = vec![0f64; ksize];
        for xx in 0..out_size {
            let center = (xx as f64 + 0.5) * scale;
            // `(int)` in C truncates toward zero; negative starts are clamped to 0 anyway.
            let xmin = ((center - support + 0.5) as i64).max(0) as usize;
            let xmax = (((center + support + 0.5) as i64) as usize).min(in_size) - xmin;
            let mut total = 0.0;
            for (x, w) in k.iter_mut().enumerate().take(xmax) {
                *w = filter.weight((x as f64 + xmin as f64 - center + 0.5) / filterscale);
                total += *w;
            }
            for (x, w) in k.iter().enumerate().take(xmax) {
                let w = if total != 0.0 { w / total } else { *w };
                let fixed = w * (1u32 << PRECISION_BITS) as f64;
                weights[xx * ksize + x] = if w < 0.0 {
                    (fixed - 0.5) as i32
                } else {
                    (fixed + 0.5) as i32
                };
            }
            bounds.push((xmin, xmax));
        }
        Self {
            bounds,
            ksize,
            weights,
        }
    }

    fn of(&self, out: usize) -> (usize, &[i32]) {
        let (start, len) = self.bounds[out];
        (
            start,
            &self.weights[out * self.ksize..out * self.ksize + len],
        )
    }
}

fn clip8(acc: i32) -> u8 {
    (acc >> PRECISION_BITS).clamp(0, 255) as u8
}

const HALF: i32 = 1 << (PRECISION_BITS - 1);

/// Resizes `src` to `out_w` x `out_h` as Pillow would, but returns only the window
/// `cols` x `rows` of the result (row-major RGB, `cols.len() * rows.len() * 3` bytes).
pub fn resize_window(
    src: &RgbImage,
    (out_w, out_h): (usize, usize),
    cols: std::ops::Range<usize>,
    rows: std::ops::Range<usize>,
    filter: Filter,
) -> Vec<u8> {
    let (in_w, in_h) = (src.width() as usize, src.height() as usize);
    let raw = src.as_raw();
    let horizontal = (in_w != out_w).then(|| Coefficients::new(in_w, out_w, filter));
    let vertical = (in_h != out_h).then(|| Coefficients::new(in_h, out_h, filter));
    // The input rows that the wanted output rows read.
    let (first_row, last_row) = match (&vertical, rows.is_empty()) {
        (_, true) => (0, 0),
        (Some(v), false) => {
            let (s, _) = v.bounds[rows.start];
            let (e, n) = v.bounds[rows.end - 1];
            (s, e + n)
        }
        (None, false) => (rows.start, rows.end),
    };
    let ncols = cols.len();
    // Horizontal pass over the needed input rows, kept at 8 bits as Pillow does.
    let mut temp = vec![0u8; (last_row - first_row) * ncols * 3];
    for y in first_row..last_row {
        let line = &raw[y * in_w * 3..(y + 1) * in_w * 3];
        let out = &mut temp[(y - first_row) * ncols * 3..(y - first_row + 1) * ncols * 3];
        for (i, xx) in cols.clone().enumerate() {
            let px = &mut out[i * 3..i * 3 + 3];
            match &horizontal {
                None => px.copy_from_slice(&line[xx * 3..xx * 3 + 3]),
                Some(h) => {
                    let (start, k) = h.of(xx);
                    let mut acc = [HALF; 3];
                    for (j, w) in k.iter().enumerate() {
                        let s = &line[(start + j) * 3..(start + j) * 3 + 3];
                        for c in 0..3 {
                            acc[c] += s[c] as i32 * w;
                        }
                    }
                    for c in 0..3 {
                        px[c] = clip8(acc[c]);
                    }
                }
            }
        }
    }
    let Some(v) = vertical else {
        return temp;
    };
    let mut out = vec![0u8; rows.len() * ncols * 3];
    for (r, yy) in rows.clone().enumerate() {
        let (start, k) = v.of(yy);
        let line = &mut out[r * ncols * 3..(r + 1) * ncols * 3];
        for (x, px) in line.chunks_exact_mut(3).enumerate() {
            let mut acc = [HALF; 3];
            for (j, w) in k.iter().enumerate() {
                let at = ((start + j - first_row) * ncols + x) * 3;
                for c in 0..3 {
                    acc[c] += temp[at + c] as i32 * w;
                }
            }
            for c in 0..3 {
                px[c] = clip8(acc[c]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_sum_to_one_in_fixed_point() {
        for (i, o) in [(4000, 224), (50, 64), (224, 224), (300, 7)] {
            let c = Coefficients::new(i, o, Filter::Bicubic);
            for x in 0..o {
                let (_, k) = c.of(x);
                let sum: i32 = k.iter().sum();
                assert!(
                    (sum - (1 << PRECISION_BITS)).abs() < 64,
                    "{i}->{o} at {x}: {sum}"
                );
            }
        }
    }

    #[test]
    fn flat_image_stays_flat_and_window_matches_full() {
        let img = RgbImage::from_fn(97, 61, |x, y| {
            image::Rgb([(x * 2) as u8, (y * 3) as u8, 200])
        });
        let full = resize_window(&img, (40, 30), 0..40, 0..30, Filter::Bicubic);
        let part = resize_window(&img, (40, 30), 5..25, 3..13, Filter::Bicubic);
        for r in 0..10 {
            for c in 0..20 {
                let a = &full[((r + 3) * 40 + c + 5) * 3..][..3];
                let b = &part[(r * 20 + c) * 3..][..3];
                assert_eq!(a, b);
            }
        }
        assert!(full.chunks(3).all(|p| p[2] == 200));
    }
}
