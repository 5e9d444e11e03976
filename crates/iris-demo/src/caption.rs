//! Captions of a [`Scene`] in several phrasings: every caption returned is true of the
//! image, so that a search for any of them may return it.
//!
//! One object: "a red circle" ("an orange star"), "a small red circle", "a photo of a red circle",
//! "a photo of a small red circle", "red circle on stripes",
//! "a small red circle on a striped background".
//! Two objects: "a red circle above a blue square", "a blue square below a red circle",
//! "a small red circle above a blue square", "a small red circle above a large blue square",
//! "a photo of a red circle above a blue square", "a red circle and a blue square",
//! "a blue square and a red circle".

use crate::scene::{Background, Object, Relation, Scene};

/// "a" or "an", as the next word requires (the colours starting with a vowel: "orange").
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// "a red circle", "an orange star".
fn a(phrase: &str) -> String {
    format!("{} {phrase}", article(phrase))
}

/// "red circle".
fn plain(o: &Object) -> String {
    format!("{} {}", o.colour.name(), o.shape.name())
}

/// "small red circle".
fn sized(o: &Object) -> String {
    format!("{} {} {}", o.size.name(), o.colour.name(), o.shape.name())
}

/// Short form after "on": "stripes".
fn background_short(b: Background) -> &'static str {
    match b {
        Background::Plain => "a plain background",
        Background::Gradient => "a gradient",
        Background::Striped => "stripes",
        Background::Noisy => "noise",
    }
}

/// Adjective before "background": "striped".
fn background_adjective(b: Background) -> &'static str {
    match b {
        Background::Plain => "plain",
        Background::Gradient => "gradient",
        Background::Striped => "striped",
        Background::Noisy => "noisy",
    }
}

/// Captions of a single object on a background.
pub fn single(o: &Object, background: Background) -> Vec<String> {
    vec![
        a(&plain(o)),
        a(&sized(o)),
        format!("a photo of {}", a(&plain(o))),
        format!("a photo of {}", a(&sized(o))),
        format!("{} on {}", plain(o), background_short(background)),
        format!(
            "{} on a {} background",
            a(&sized(o)),
            background_adjective(background)
        ),
    ]
}

/// Captions of two objects, the first `relation` the second.
pub fn pair(first: &Object, second: &Object, relation: Relation) -> Vec<String> {
    let rel = relation.words();
    let inv = relation.inverse().words();
    let (pa, pb) = (a(&plain(first)), a(&plain(second)));
    let (sa, sb) = (a(&sized(first)), a(&sized(second)));
    vec![
        format!("{pa} {rel} {pb}"),
        format!("{pb} {inv} {pa}"),
        format!("{sa} {rel} {pb}"),
        format!("{sa} {rel} {sb}"),
        format!("a photo of {pa} {rel} {pb}"),
        format!("{pa} and {pb}"),
        format!("{pb} and {pa}"),
    ]
}

/// All captions of a scene (empty only for a scene without objects).
pub fn captions(scene: &Scene) -> Vec<String> {
    match (scene.objects.as_slice(), scene.relation) {
        ([one], _) => single(&one.object, scene.background),
        ([a, b], Some(relation)) => pair(&a.object, &b.object, relation),
        // Two objects without a relation (never generated) or more: name each one.
        (objects, _) => objects.iter().map(|p| a(&plain(&p.object))).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{Colour, Shape, Size};

    const RED_CIRCLE: Object = Object {
        shape: Shape::Circle,
        colour: Colour::Red,
        size: Size::Small,
    };
    const BLUE_SQUARE: Object = Object {
        shape: Shape::Square,
        colour: Colour::Blue,
        size: Size::Large,
    };

    #[test]
    fn single_object_phrasings() {
        let c = single(&RED_CIRCLE, Background::Striped);
        assert_eq!(
            c,
            [
                "a red circle",
                "a small red circle",
                "a photo of a red circle",
                "a photo of a small red circle",
                "red circle on stripes",
                "a small red circle on a striped background",
            ]
        );
    }

    #[test]
    fn two_object_phrasings() {
        let c = pair(&RED_CIRCLE, &BLUE_SQUARE, Relation::Above);
        assert!(c.contains(&"a small red circle above a blue square".to_string()));
        assert!(c.contains(&"a blue square below a red circle".to_string()));
        assert!(c.contains(&"a small red circle above a large blue square".to_string()));
        assert!(c.contains(&"a blue square and a red circle".to_string()));
        let c = pair(&RED_CIRCLE, &BLUE_SQUARE, Relation::LeftOf);
        assert!(c.contains(&"a red circle to the left of a blue square".to_string()));
        assert!(c.contains(&"a blue square to the right of a red circle".to_string()));
        let orange = Object {
            colour: Colour::Orange,
            ..BLUE_SQUARE
        };
        let c = pair(&orange, &RED_CIRCLE, Relation::Below);
        assert!(c.contains(&"an orange square below a red circle".to_string()));
        assert!(c.contains(&"a large orange square below a small red circle".to_string()));
        assert_eq!(
            single(&orange, Background::Noisy)[4],
            "orange square on noise"
        );
        assert_eq!(
            single(&orange, Background::Noisy)[2],
            "a photo of an orange square"
        );
    }

    #[test]
    fn every_scene_has_distinct_captions() {
        for i in 0..300 {
            let scene = Scene::random(9, i);
            let c = captions(&scene);
            assert!(c.len() >= 6);
            let mut unique = c.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), c.len(), "{c:?}");
            for o in scene.object_kinds() {
                assert!(c[0].contains(o.colour.name()) && c[0].contains(o.shape.name()));
            }
        }
    }
}
