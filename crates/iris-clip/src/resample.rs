//! Pillow's convolution resampling, reproduced bit for bit: separable passes (horizontal, then
//! vertical; vertical first when the height shrinks much more, as Pillow 13 does) with 22-bit
//! fixed-point weights and rounding to 8 bits between the passes, which is
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

/// Whether Pillow (13 and later) runs the vertical pass first: when the height shrinks by
/// more than twice as many pixels as the width (then the horizontal pass has fewer rows).
/// Pillow 12 and earlier always ran the horizontal pass first; the two orders differ by a
/// level here and there (rounding to 8 bits between the passes).
fn vertical_first(in_w: usize, in_h: usize, out_w: usize, out_h: usize) -> bool {
    let shrink_h = in_h as i64 - out_h as i64;
    shrink_h > 0 && shrink_h > (in_w as i64 - out_w as i64) * 2
}

/// The output columns `cols` of one row resampled horizontally: `line` holds the input row's
/// pixels from column `offset` on.
fn horizontal_row(
    line: &[u8],
    offset: usize,
    cols: std::ops::Range<usize>,
    taps: Option<&Coefficients>,
    out: &mut [u8],
) {
    for (px, xx) in out.chunks_exact_mut(3).zip(cols) {
        let Some(h) = taps else {
            px.copy_from_slice(&line[(xx - offset) * 3..][..3]);
            continue;
        };
        let (start, k) = h.of(xx);
        let mut acc = [HALF; 3];
        for (j, w) in k.iter().enumerate() {
            let s = &line[(start + j - offset) * 3..][..3];
            for c in 0..3 {
                acc[c] += s[c] as i32 * w;
            }
        }
        for c in 0..3 {
            px[c] = clip8(acc[c]);
        }
    }
}

/// One output row resampled vertically with `taps` (first input row, weights): `image` has
/// rows of `stride` pixels starting at input row `first_row`; `out`'s pixels are the columns
/// from `first_col` on.
fn vertical_row(
    image: &[u8],
    stride: usize,
    (first_row, first_col): (usize, usize),
    (start, k): (usize, &[i32]),
    out: &mut [u8],
) {
    for (x, px) in out.chunks_exact_mut(3).enumerate() {
        let mut acc = [HALF; 3];
        for (j, w) in k.iter().enumerate() {
            let at = ((start + j - first_row) * stride + first_col + x) * 3;
            for c in 0..3 {
                acc[c] += image[at + c] as i32 * w;
            }
        }
        for c in 0..3 {
            px[c] = clip8(acc[c]);
        }
    }
}

/// The input span `(first, end)` that the outputs `wanted` read along one axis.
fn input_span(taps: Option<&Coefficients>, wanted: &std::ops::Range<usize>) -> (usize, usize) {
    match taps {
        _ if wanted.is_empty() => (0, 0),
        Some(t) => {
            let (first, _) = t.bounds[wanted.start];
            let (last, n) = t.bounds[wanted.end - 1];
            (first, last + n)
        }
        None => (wanted.start, wanted.end),
    }
}

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
    let ncols = cols.len();
    let mut out = vec![0u8; rows.len() * ncols * 3];
    if let (true, Some(v)) = (vertical_first(in_w, in_h, out_w, out_h), &vertical) {
        // Vertical pass over the input columns the wanted output columns read, then the
        // horizontal pass, each kept at 8 bits as Pillow does.
        let (first_col, end_col) = input_span(horizontal.as_ref(), &cols);
        let mut temp = vec![0u8; (end_col - first_col) * 3];
        for (yy, line) in rows.zip(out.chunks_exact_mut(ncols * 3)) {
            vertical_row(raw, in_w, (0, first_col), v.of(yy), &mut temp);
            horizontal_row(&temp, first_col, cols.clone(), horizontal.as_ref(), line);
        }
        return out;
    }
    // Horizontal pass over the input rows the wanted output rows read, then the vertical.
    let (first_row, last_row) = input_span(vertical.as_ref(), &rows);
    let mut temp = vec![0u8; (last_row - first_row) * ncols * 3];
    for (y, line) in (first_row..last_row).zip(temp.chunks_exact_mut(ncols * 3)) {
        let input = &raw[y * in_w * 3..(y + 1) * in_w * 3];
        horizontal_row(input, 0, cols.clone(), horizontal.as_ref(), line);
    }
    let Some(v) = vertical else {
        return temp;
    };
    for (yy, line) in rows.zip(out.chunks_exact_mut(ncols * 3)) {
        vertical_row(&temp, ncols, (first_row, 0), v.of(yy), line);
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

    fn transpose(img: &RgbImage) -> RgbImage {
        RgbImage::from_fn(img.height(), img.width(), |x, y| *img.get_pixel(y, x))
    }

    #[test]
    fn a_tall_image_runs_the_vertical_pass_first_as_pillow_13_does() {
        // 60x300 to 20x40: the height shrinks by 260 pixels, more than twice the width's 40.
        assert!(vertical_first(60, 300, 20, 40) && !vertical_first(300, 60, 40, 20));
        let img = RgbImage::from_fn(60, 300, |x, y| {
            let v = (x * 37 + y * 11 + (x * y) % 23) as u8;
            image::Rgb([v, v.wrapping_mul(7), 255 - v])
        });
        let got = resize_window(&img, (20, 40), 0..20, 0..40, Filter::Bicubic);
        // Vertical first is the horizontal-first resize of the transposed image, transposed.
        let flipped = resize_window(&transpose(&img), (40, 20), 0..40, 0..20, Filter::Bicubic);
        let flipped = RgbImage::from_raw(40, 20, flipped).unwrap();
        assert_eq!(got, transpose(&flipped).into_raw());
        // The order matters: horizontal first (Pillow 12) gives other pixels here.
        let h = Coefficients::new(60, 20, Filter::Bicubic);
        let v = Coefficients::new(300, 40, Filter::Bicubic);
        let mut temp = vec![0u8; 300 * 20 * 3];
        for (y, line) in temp.chunks_exact_mut(60).enumerate() {
            horizontal_row(&img.as_raw()[y * 180..][..180], 0, 0..20, Some(&h), line);
        }
        let mut old = vec![0u8; 40 * 20 * 3];
        for (yy, line) in old.chunks_exact_mut(60).enumerate() {
            vertical_row(&temp, 20, (0, 0), v.of(yy), line);
        }
        assert_ne!(got, old);
        // And a window of it equals the same part of the whole.
        let part = resize_window(&img, (20, 40), 4..14, 9..30, Filter::Bicubic);
        for (r, row) in part.chunks_exact(30).enumerate() {
            assert_eq!(row, &got[((r + 9) * 20 + 4) * 3..][..30]);
        }
    }
}
