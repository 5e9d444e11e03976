//! HEIC and AVIF photos made at test time with Debian's encoders (heif-enc from
//! libheif-examples, avifenc from libavif-bin; EXIF by exiftool), indexed through libheif into
//! a real catalog: upright size and thumbnail, GPS and place, the format recognised by content
//! whatever the name, a corrupt file a failed row, and pixels that match the source photo.

mod common;

use common::{exiftool, index, open_library, picture, run_tool as run};
use std::path::Path;

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn heic_and_avif_index_upright_with_their_place_and_a_broken_one_is_a_failed_row() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    let root = tmp.path().join("iPhone");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(&root).unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_string();

    // A landscape shot turned by EXIF orientation 6, with GPS: the phone photo.
    let turned = src.join("turned.jpg");
    picture(5, 320, 240).save(&turned).unwrap();
    exiftool(
        &turned,
        &[
            "-Orientation=6",
            "-GPSLatitude=35.0116",
            "-GPSLatitudeRef=N",
            "-GPSLongitude=135.7681",
            "-GPSLongitudeRef=E",
        ],
    );
    run(
        "heif-enc",
        &[
            "-q",
            "90",
            &s(&turned),
            "-o",
            &s(&root.join("IMG_0001.HEIC")),
        ],
        "libheif-examples",
    );
    // The same HEIC under a JPEG name: recognised by content.
    std::fs::copy(root.join("IMG_0001.HEIC"), root.join("IMG_0002.jpg")).unwrap();
    // An AVIF: avifenc turns the EXIF orientation into the container's own rotation.
    let plain = src.join("plain.png");
    picture(9, 300, 200).save(&plain).unwrap();
    run(
        "avifenc",
        &[&s(&plain), &s(&root.join("sunset.avif"))],
        "libavif-bin",
    );
    let avif_turned = src.join("avif-turned.jpg");
    picture(11, 300, 200).save(&avif_turned).unwrap();
    exiftool(&avif_turned, &["-Orientation=6"]);
    run(
        "avifenc",
        &[&s(&avif_turned), &s(&root.join("rotated.avif"))],
        "libavif-bin",
    );
    // A burst: two images in one HEIC, the first the primary (landscape, then portrait).
    let (first, second) = (src.join("first.png"), src.join("second.png"));
    picture(13, 200, 100).save(&first).unwrap();
    picture(14, 100, 200).save(&second).unwrap();
    let burst = root.join("IMG_0004.HEIC");
    run(
        "heif-enc",
        &["-q", "90", &s(&first), &s(&second), "-o", &s(&burst)],
        "libheif-examples",
    );
    // A HEIC cut short, as an interrupted copy leaves it.
    let whole = std::fs::read(root.join("IMG_0001.HEIC")).unwrap();
    std::fs::write(root.join("IMG_0003.HEIC"), &whole[..whole.len() / 3]).unwrap();
    // The source photos, indexed too, to compare the pixels libheif gives.
    std::fs::copy(&turned, root.join("source.jpg")).unwrap();
    std::fs::copy(&plain, root.join("source.png")).unwrap();

    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&root)).unwrap();
    let report = index(&library);
    assert_eq!((report.failed, report.scanned), (1, 8), "{report:?}");
    let rows = library.rows().unwrap();
    let row = |name: &str| rows.iter().find(|r| r.path.ends_with(name)).unwrap();

    let heic = row("IMG_0001.HEIC");
    assert_eq!(heic.format.as_deref(), Some("heic"));
    assert_eq!((heic.width, heic.height), (Some(240), Some(320)), "upright");
    let thumb = iris_core::photo::thumbnail_path(&library.thumbnails_dir(), &heic.id);
    let (w, h) = image::image_dimensions(&thumb).unwrap();
    assert!(
        h > w,
        "the thumbnail of an orientation-6 HEIC is portrait: {w}x{h}"
    );
    assert_eq!(heic.country.as_deref(), Some("Japan"));
    assert_eq!(heic.city.as_deref(), Some("Kyoto"));
    assert_eq!(row("IMG_0002.jpg").format.as_deref(), Some("heic"));
    assert_eq!(row("IMG_0002.jpg").id, heic.id);

    let avif = row("sunset.avif");
    assert_eq!(
        (avif.format.as_deref(), avif.width, avif.height),
        (Some("avif"), Some(300), Some(200))
    );
    let rotated = row("rotated.avif");
    assert_eq!(
        (rotated.width, rotated.height),
        (Some(200), Some(300)),
        "the container's rotation, once"
    );

    let burst = row("IMG_0004.HEIC");
    assert_eq!(
        (burst.width, burst.height),
        (Some(200), Some(100)),
        "a burst indexes its primary"
    );
    let broken = row("IMG_0003.HEIC");
    assert_eq!(broken.status, iris_core::Status::Failed);
    assert!(
        broken
            .reason
            .as_deref()
            .unwrap()
            .starts_with("cannot decode this HEIF image"),
        "{:?}",
        broken.reason
    );

    // libheif's pixels are the photo's: each encoded photo is nearer its source than the other.
    let vector = |name: &str| library.embedding(&row(name).id).unwrap().unwrap();
    let (heic_v, avif_v) = (vector("IMG_0001.HEIC"), vector("sunset.avif"));
    let (jpeg_v, png_v) = (vector("source.jpg"), vector("source.png"));
    assert!(
        cosine(&heic_v, &jpeg_v) > cosine(&heic_v, &png_v),
        "HEIC pixels match their source"
    );
    assert!(
        cosine(&avif_v, &png_v) > cosine(&avif_v, &jpeg_v),
        "AVIF pixels match their source"
    );
}
