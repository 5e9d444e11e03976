//! Rasterises a [`Scene`]: the background per pixel, then each shape as a filled area whose
//! edge pixels are anti-aliased by supersampling (coverage of a 4x4 grid per pixel).

use crate::rng::Rng;
use crate::scene::{Background, Placed, Scene, Shape};
use image::RgbImage;

/// Samples per pixel along each axis when measuring shape coverage.
const SUPERSAMPLE: u32 = 4;
/// Amplitude of the per-channel noise of noisy backgrounds, in 0-255 units.
const NOISE: f32 = 40.0;

/// Draws `scene` as a `side` x `side` image.
pub fn render(scene: &Scene, side: u32) -> RgbImage {
    let side = side.max(1);
    let mut img = RgbImage::new(side, side);
    paint_background(scene, &mut img);
    for object in &scene.objects {
        paint_shape(object, &mut img);
    }
    img
}

fn mix(a: [u8; 3], b: [u8; 3], t: f32) -> [f32; 3] {
    let t = t.clamp(0.0, 1.0);
    [0, 1, 2].map(|i| f32::from(a[i]) * (1.0 - t) + f32::from(b[i]) * t)
}

fn to_u8(c: [f32; 3]) -> [u8; 3] {
    c.map(|v| v.round().clamp(0.0, 255.0) as u8)
}

fn paint_background(scene: &Scene, img: &mut RgbImage) {
    let side = img.width() as f32;
    let [a, b] = scene.tints;
    let (dx, dy) = (scene.direction.cos(), scene.direction.sin());
    let mut noise = Rng::new(scene.noise_seed);
    for (x, y, px) in img.enumerate_pixels_mut() {
        let (u, v) = ((x as f32 + 0.5) / side, (y as f32 + 0.5) / side);
        // Signed distance along the direction, through the image centre.
        let along = (u - 0.5) * dx + (v - 0.5) * dy;
        let colour = match scene.background {
            Background::Plain => mix(a, a, 0.0),
            // Across the whole image: |along| <= 0.71.
            Background::Gradient => mix(a, b, along / 1.42 + 0.5),
            Background::Striped => {
                // Smooth-edged stripes: a one-pixel ramp between the two tints.
                let phase = (along / scene.period).rem_euclid(1.0);
                let edge = 1.0 / (scene.period * side);
                let t = ((phase - 0.5).abs() * 2.0 - 0.5) / edge + 0.5;
                mix(a, b, t)
            }
            Background::Noisy => {
                let base = mix(a, b, 0.25);
                base.map(|c| c + noise.range(-NOISE, NOISE))
            }
        };
        px.0 = to_u8(colour);
    }
}

/// Whether the point `(x, y)` (in the shape's own frame, bounding radius 1, `y` down) is
/// inside the shape.
fn contains(shape: Shape, x: f32, y: f32) -> bool {
    match shape {
        Shape::Circle => x * x + y * y <= 1.0,
        Shape::Square => x.abs() <= 0.78 && y.abs() <= 0.78,
        Shape::Triangle => {
            // Equilateral, pointing up, vertices at radius 1.05 around a point just above
            // the origin, so that it looks as large as the other shapes.
            let y = y - 0.08;
            y <= 0.525 && y >= -1.05 + 3f32.sqrt() * x.abs()
        }
        Shape::Star => in_star(x, y),
        Shape::Heart => {
            // (X² + Y² - 1)³ - X²Y³ <= 0 spans X in ±1.14, Y in -1..1.25 (Y up).
            let (hx, hy) = (x * 1.14, -y * 1.14 + 0.12);
            let q = hx * hx + hy * hy - 1.0;
            q * q * q - hx * hx * hy * hy * hy <= 0.0
        }
        Shape::Cross => {
            let (ax, ay) = (x.abs(), y.abs());
            (ax <= 0.3 && ay <= 0.9) || (ay <= 0.3 && ax <= 0.9)
        }
    }
}

/// Five-pointed star, one point up, inner radius 0.45.
fn in_star(x: f32, y: f32) -> bool {
    let r = (x * x + y * y).sqrt();
    if r > 1.0 {
        return false;
    }
    if r <= 0.45 * (std::f32::consts::PI / 5.0).cos() {
        return true;
    }
    // Angle from the upward axis, folded into one half-sector of 36 degrees.
    let sector = std::f32::consts::PI / 5.0;
    let theta = x.atan2(-y).rem_euclid(2.0 * sector);
    let theta = (theta - sector).abs();
    // With the tip at (0, 1) and the notch 36 degrees away at radius 0.45, the point is
    // inside when it lies on the origin's side of the edge from tip to notch.
    let phi = sector - theta;
    let (px, py) = (r * phi.sin(), r * phi.cos());
    let (tx, ty) = (0.0, 1.0);
    let (nx, ny) = (0.45 * sector.sin(), 0.45 * sector.cos());
    let side = |qx: f32, qy: f32| (nx - tx) * (qy - ty) - (ny - ty) * (qx - tx);
    side(px, py) * side(0.0, 0.0) >= 0.0
}

fn paint_shape(object: &Placed, img: &mut RgbImage) {
    let side = img.width() as f32;
    let (cx, cy) = (object.centre.0 * side, object.centre.1 * side);
    let r = (object.radius * side).max(0.5);
    let (sin, cos) = object.angle.sin_cos();
    // Shapes fit their unit square, which rotated fits a square of half-side sqrt(2).
    let reach = r * std::f32::consts::SQRT_2;
    let x0 = (cx - reach).floor().max(0.0) as u32;
    let y0 = (cy - reach).floor().max(0.0) as u32;
    let x1 = ((cx + reach).ceil().max(0.0) as u32).min(img.width());
    let y1 = ((cy + reach).ceil().max(0.0) as u32).min(img.height());
    let n = SUPERSAMPLE;
    let total = (n * n) as f32;
    for py in y0..y1 {
        for px in x0..x1 {
            let mut hits = 0u32;
            for sy in 0..n {
                for sx in 0..n {
                    let x = (px as f32 + (sx as f32 + 0.5) / n as f32 - cx) / r;
                    let y = (py as f32 + (sy as f32 + 0.5) / n as f32 - cy) / r;
                    // Into the shape's frame: undo its clockwise rotation.
                    let (lx, ly) = (x * cos + y * sin, -x * sin + y * cos);
                    hits += u32::from(contains(object.object.shape, lx, ly));
                }
            }
            if hits > 0 {
                let pixel = img.get_pixel_mut(px, py);
                let below = pixel.0;
                pixel.0 = to_u8(mix(below, object.rgb, hits as f32 / total));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::Scene;

    fn area(shape: Shape) -> f32 {
        let n = 200;
        let mut hits = 0;
        for i in 0..n {
            for j in 0..n {
                let x = (i as f32 + 0.5) / n as f32 * 2.0 - 1.0;
                let y = (j as f32 + 0.5) / n as f32 * 2.0 - 1.0;
                hits += u32::from(contains(shape, x, y));
            }
        }
        hits as f32 / (n * n) as f32 * 4.0
    }

    #[test]
    fn shapes_have_sensible_areas() {
        for shape in Shape::ALL {
            let a = area(shape);
            assert!((0.9..3.2).contains(&a), "{shape:?} area {a}");
            assert!(contains(shape, 0.0, 0.05), "{shape:?} misses its centre");
            assert!(!contains(shape, 0.99, 0.99), "{shape:?} fills its corner");
        }
        // A star's tip is up, a triangle's base is down.
        assert!(in_star(0.0, -0.95) && !in_star(0.0, 0.95));
        assert!(contains(Shape::Triangle, 0.0, -0.9) && !contains(Shape::Triangle, 0.9, -0.9));
    }

    #[test]
    fn shapes_are_painted_in_their_colour() {
        for i in 0..40 {
            let scene = Scene::random(11, i);
            let img = render(&scene, 96);
            assert_eq!(img.dimensions(), (96, 96));
            for p in &scene.objects {
                // Circles, squares, hearts, stars and crosses all cover their centre.
                let (x, y) = ((p.centre.0 * 96.0) as u32, (p.centre.1 * 96.0) as u32);
                let got = img.get_pixel(x, y).0;
                let diff: i32 = got
                    .iter()
                    .zip(p.rgb)
                    .map(|(&a, b)| (i32::from(a) - i32::from(b)).abs())
                    .sum();
                assert!(diff <= 6, "{:?}: {got:?} vs {:?}", p.object, p.rgb);
            }
        }
    }

    #[test]
    fn edges_are_anti_aliased() {
        let mut scene = Scene::random(5, 0);
        scene.background = Background::Plain;
        scene.objects.truncate(1);
        let img = render(&scene, 128);
        let object = scene.objects[0].rgb;
        let background = img.get_pixel(0, 0).0;
        let (mut inner, mut partial) = (0, 0);
        for px in img.pixels() {
            if px.0 == object {
                inner += 1;
            } else if px.0 != background {
                partial += 1;
            }
        }
        assert!(inner > 50, "{inner} object pixels");
        assert!(partial > 10, "{partial} edge pixels");
    }
}
