//! What a synthetic image shows: one or two coloured shapes, their sizes and places, and a
//! background, drawn at random from a seeded [`Rng`].
//!
//! Coordinates are fractions of the image side, `(0, 0)` top left, `y` pointing down.

use crate::rng::Rng;
use serde::Serialize;

/// A shape that can be drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    Circle,
    Square,
    Triangle,
    Star,
    Heart,
    Cross,
}

impl Shape {
    /// Every shape, in a fixed order.
    pub const ALL: [Shape; 6] = [
        Shape::Circle,
        Shape::Square,
        Shape::Triangle,
        Shape::Star,
        Shape::Heart,
        Shape::Cross,
    ];

    /// The English word used in captions.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Circle => "circle",
            Shape::Square => "square",
            Shape::Triangle => "triangle",
            Shape::Star => "star",
            Shape::Heart => "heart",
            Shape::Cross => "cross",
        }
    }
}

/// A fill colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Colour {
    Red,
    Orange,
    Yellow,
    Green,
    Blue,
    Purple,
    Black,
    White,
}

impl Colour {
    /// Every colour, in a fixed order.
    pub const ALL: [Colour; 8] = [
        Colour::Red,
        Colour::Orange,
        Colour::Yellow,
        Colour::Green,
        Colour::Blue,
        Colour::Purple,
        Colour::Black,
        Colour::White,
    ];

    /// The English word used in captions.
    pub fn name(self) -> &'static str {
        match self {
            Colour::Red => "red",
            Colour::Orange => "orange",
            Colour::Yellow => "yellow",
            Colour::Green => "green",
            Colour::Blue => "blue",
            Colour::Purple => "purple",
            Colour::Black => "black",
            Colour::White => "white",
        }
    }

    /// The nominal sRGB value (images jitter it slightly).
    pub fn rgb(self) -> [u8; 3] {
        match self {
            Colour::Red => [220, 30, 35],
            Colour::Orange => [245, 135, 20],
            Colour::Yellow => [245, 220, 35],
            Colour::Green => [35, 165, 60],
            Colour::Blue => [35, 80, 220],
            Colour::Purple => [135, 45, 190],
            Colour::Black => [20, 20, 20],
            Colour::White => [245, 245, 245],
        }
    }
}

/// How large a shape is relative to the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    Small,
    Large,
}

impl Size {
    /// The English word used in captions.
    pub fn name(self) -> &'static str {
        match self {
            Size::Small => "small",
            Size::Large => "large",
        }
    }
}

/// The kind of background behind the shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Background {
    Plain,
    Gradient,
    Striped,
    Noisy,
}

impl Background {
    /// Every background kind, in a fixed order.
    pub const ALL: [Background; 4] = [
        Background::Plain,
        Background::Gradient,
        Background::Striped,
        Background::Noisy,
    ];
}

/// Where the first object of a two-object scene is relative to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Above,
    Below,
    LeftOf,
    RightOf,
}

impl Relation {
    /// The relation seen from the other object.
    pub fn inverse(self) -> Relation {
        match self {
            Relation::Above => Relation::Below,
            Relation::Below => Relation::Above,
            Relation::LeftOf => Relation::RightOf,
            Relation::RightOf => Relation::LeftOf,
        }
    }

    /// The English words used in captions.
    pub fn words(self) -> &'static str {
        match self {
            Relation::Above => "above",
            Relation::Below => "below",
            Relation::LeftOf => "to the left of",
            Relation::RightOf => "to the right of",
        }
    }
}

/// What an object is, independent of where it is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Object {
    pub shape: Shape,
    pub colour: Colour,
    pub size: Size,
}

/// An object as drawn: centre, radius (of its bounding circle), rotation and exact colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub object: Object,
    pub centre: (f32, f32),
    pub radius: f32,
    /// Clockwise rotation in radians.
    pub angle: f32,
    pub rgb: [u8; 3],
}

/// Everything needed to render one image and caption it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    /// One or two objects; with two, `relation` says where the first is.
    pub objects: Vec<Placed>,
    pub relation: Option<Relation>,
    pub background: Background,
    /// The background's colours (one, or two for gradients and stripes).
    pub tints: [[u8; 3]; 2],
    /// Direction of gradients and stripes, in radians.
    pub direction: f32,
    /// Stripe period as a fraction of the image side.
    pub period: f32,
    /// Seed of the per-pixel noise of noisy backgrounds.
    pub noise_seed: u64,
}

/// Share of images that show two objects.
pub const TWO_OBJECT_SHARE: f32 = 0.3;
/// Radius ranges (fraction of the side) for one object alone: small, large.
const SINGLE_RADII: [(f32, f32); 2] = [(0.11, 0.15), (0.25, 0.33)];
/// Radius ranges for objects of a two-object scene, which must fit side by side.
const PAIR_RADII: [(f32, f32); 2] = [(0.10, 0.13), (0.18, 0.22)];
/// Free space kept between an object and the image border.
const MARGIN: f32 = 0.02;
/// Free space kept between the two objects of a pair.
const GAP: f32 = 0.06;

fn random_object(rng: &mut Rng) -> Object {
    Object {
        shape: Shape::ALL[rng.below(Shape::ALL.len())],
        colour: Colour::ALL[rng.below(Colour::ALL.len())],
        size: if rng.chance(0.5) {
            Size::Small
        } else {
            Size::Large
        },
    }
}

fn radius(rng: &mut Rng, size: Size, table: &[(f32, f32); 2]) -> f32 {
    let (lo, hi) = table[usize::from(size == Size::Large)];
    rng.range(lo, hi)
}

fn jitter(rng: &mut Rng, rgb: [u8; 3], amount: f32) -> [u8; 3] {
    rgb.map(|c| (f32::from(c) + rng.range(-amount, amount)).clamp(0.0, 255.0) as u8)
}

fn place(rng: &mut Rng, object: Object, centre: (f32, f32), radius: f32) -> Placed {
    let angle = match object.shape {
        Shape::Circle => 0.0,
        Shape::Heart => rng.range(-0.15, 0.15),
        _ => rng.range(-0.3, 0.3),
    };
    Placed {
        object,
        centre,
        radius,
        angle,
        rgb: jitter(rng, object.colour.rgb(), 14.0),
    }
}

/// A muted background colour: a grey between the black and white objects, slightly tinted.
fn tint(rng: &mut Rng) -> [u8; 3] {
    let grey = rng.range(75.0, 185.0);
    [0; 3].map(|_| (grey + rng.range(-16.0, 16.0)).clamp(0.0, 255.0) as u8)
}

/// Two objects side by side (or one above the other), first object where `relation` says.
fn place_pair(rng: &mut Rng, first: Object, second: Object) -> (Vec<Placed>, Relation) {
    let relation = [
        Relation::Above,
        Relation::Below,
        Relation::LeftOf,
        Relation::RightOf,
    ][rng.below(4)];
    let (r1, r2) = (
        radius(rng, first.size, &PAIR_RADII),
        radius(rng, second.size, &PAIR_RADII),
    );
    // `lead` comes first along the axis (top or left).
    let first_leads = matches!(relation, Relation::Above | Relation::LeftOf);
    let (ra, rb) = if first_leads { (r1, r2) } else { (r2, r1) };
    let need = ra + rb + GAP;
    let a = rng.range(ra + MARGIN, (1.0 - rb - MARGIN - need).max(ra + MARGIN));
    let b = rng.range(a + need, (1.0 - rb - MARGIN).max(a + need));
    // Across the axis, keep the offset small so that the relation is unambiguous.
    let pa = rng.range(ra + MARGIN, 1.0 - ra - MARGIN);
    let spread = 0.5 * (b - a);
    let pb = rng.range(
        (pa - spread).max(rb + MARGIN),
        (pa + spread).min(1.0 - rb - MARGIN),
    );
    let vertical = matches!(relation, Relation::Above | Relation::Below);
    let at = |along: f32, across: f32| {
        if vertical {
            (across, along)
        } else {
            (along, across)
        }
    };
    let (ca, cb) = (at(a, pa), at(b, pb));
    let (c1, c2) = if first_leads { (ca, cb) } else { (cb, ca) };
    let objects = vec![place(rng, first, c1, r1), place(rng, second, c2, r2)];
    (objects, relation)
}

impl Scene {
    /// Scene number `index` of the dataset `seed`; independent of how many are drawn.
    pub fn random(seed: u64, index: u64) -> Scene {
        let mut rng = Rng::for_item(seed, index);
        let first = random_object(&mut rng);
        let (objects, relation) = if rng.chance(TWO_OBJECT_SHARE) {
            let mut second = random_object(&mut rng);
            // Two identical objects would make "a red circle above a red circle".
            if second.shape == first.shape && second.colour == first.colour {
                let others = Colour::ALL.len() - 1;
                let next = (first.colour as usize + 1 + rng.below(others)) % Colour::ALL.len();
                second.colour = Colour::ALL[next];
            }
            let (objects, relation) = place_pair(&mut rng, first, second);
            (objects, Some(relation))
        } else {
            let r = radius(&mut rng, first.size, &SINGLE_RADII);
            let centre = (
                rng.range(r + MARGIN, 1.0 - r - MARGIN),
                rng.range(r + MARGIN, 1.0 - r - MARGIN),
            );
            (vec![place(&mut rng, first, centre, r)], None)
        };
        let background = Background::ALL[rng.below(Background::ALL.len())];
        let a = tint(&mut rng);
        // Stripes and gradients need two visibly different tints: darker or lighter by 35-70.
        let shift = rng.range(35.0, 70.0) * if a[0] < 130 { 1.0 } else { -1.0 };
        let b = a.map(|c| (f32::from(c) + shift + rng.range(-10.0, 10.0)).clamp(0.0, 255.0) as u8);
        Scene {
            objects,
            relation,
            background,
            tints: [a, b],
            direction: rng.range(0.0, std::f32::consts::PI),
            period: rng.range(0.06, 0.16),
            noise_seed: rng.next_u64(),
        }
    }

    /// The objects without their placement.
    pub fn object_kinds(&self) -> Vec<Object> {
        self.objects.iter().map(|p| p.object).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(p: &Placed) -> bool {
        let (x, y) = p.centre;
        x - p.radius >= 0.0 && x + p.radius <= 1.0 && y - p.radius >= 0.0 && y + p.radius <= 1.0
    }

    #[test]
    fn scenes_are_deterministic_and_fit() {
        let mut pairs = 0;
        for i in 0..2000 {
            let s = Scene::random(3, i);
            assert_eq!(s, Scene::random(3, i));
            assert!(s.objects.iter().all(inside), "{s:?}");
            if let [a, b] = s.objects.as_slice() {
                pairs += 1;
                let d =
                    ((a.centre.0 - b.centre.0).powi(2) + (a.centre.1 - b.centre.1).powi(2)).sqrt();
                assert!(d >= a.radius + b.radius, "{s:?}");
                let (dx, dy) = (a.centre.0 - b.centre.0, a.centre.1 - b.centre.1);
                let expected = match s.relation {
                    Some(Relation::Above) => dy < 0.0 && dy.abs() > dx.abs(),
                    Some(Relation::Below) => dy > 0.0 && dy.abs() > dx.abs(),
                    Some(Relation::LeftOf) => dx < 0.0 && dx.abs() > dy.abs(),
                    Some(Relation::RightOf) => dx > 0.0 && dx.abs() > dy.abs(),
                    None => false,
                };
                assert!(expected, "{s:?}");
            }
        }
        assert!((450..750).contains(&pairs), "{pairs} pairs");
    }
}
