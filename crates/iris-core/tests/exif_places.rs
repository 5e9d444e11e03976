//! EXIF facts and places on real files written by exiftool (Debian's libimage-exiftool-perl):
//! orientation applied to the stored size and the thumbnail, date with its offset, camera,
//! lens, GPS, and the offline place name, through a real index run and a real catalog.

mod common;

use common::{exiftool, index, open_library, picture};
use iris_core::Filter;

#[test]
fn a_phone_photo_keeps_its_orientation_date_offset_camera_lens_and_place() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("Pictures");
    std::fs::create_dir_all(&root).unwrap();
    let beach = root.join("IMG_0042.jpg");
    picture(42, 320, 240).save(&beach).unwrap();
    exiftool(
        &beach,
        &[
            "-Orientation=6",
            "-DateTimeOriginal=2019:07:14 18:30:05",
            "-OffsetTimeOriginal=-10:00",
            "-Make=Canon",
            "-Model=Canon EOS R5",
            "-LensModel=RF24-105mm F4 L IS USM",
            "-GPSLatitude=21.2766",
            "-GPSLatitudeRef=N",
            "-GPSLongitude=157.8278",
            "-GPSLongitudeRef=W",
        ],
    );
    let plain = root.join("plain.jpg");
    picture(7, 64, 48).save(&plain).unwrap();

    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&root)).unwrap();
    assert_eq!(index(&library).embedded, 2);
    let rows = library.rows().unwrap();
    let row = rows
        .iter()
        .find(|r| r.path.ends_with("IMG_0042.jpg"))
        .unwrap();
    assert_eq!(
        (row.width, row.height),
        (Some(240), Some(320)),
        "stored upright"
    );
    assert_eq!(
        row.taken,
        Some(1_563_129_005),
        "2019-07-14 18:30:05 camera time"
    );
    assert_eq!(row.taken_offset, Some(-600));
    assert_eq!(row.camera.as_deref(), Some("Canon EOS R5"));
    assert_eq!(row.lens.as_deref(), Some("RF24-105mm F4 L IS USM"));
    let (lat, lon) = (row.lat.unwrap(), row.lon.unwrap());
    assert!(
        (lat - 21.2766).abs() < 1e-4 && (lon + 157.8278).abs() < 1e-4,
        "{lat},{lon}"
    );
    assert_eq!(
        row.place_label().as_deref(),
        Some("Honolulu, Hawaii, United States")
    );

    let thumb = iris_core::photo::thumbnail_path(&library.thumbnails_dir(), &row.id);
    let (w, h) = image::image_dimensions(&thumb).unwrap();
    assert!(
        h > w,
        "the thumbnail of an orientation-6 photo is portrait: {w}x{h}"
    );

    let hits = library.browse(&Filter::default()).unwrap();
    let hit = hits
        .iter()
        .find(|h| h.path.ends_with("IMG_0042.jpg"))
        .unwrap();
    assert_eq!(
        hit.place.as_deref(),
        Some("Honolulu, Hawaii, United States")
    );
    assert_eq!(hit.lens.as_deref(), Some("RF24-105mm F4 L IS USM"));
    let other = rows.iter().find(|r| r.path.ends_with("plain.jpg")).unwrap();
    assert_eq!(
        (other.lat, other.place_label(), other.lens.clone()),
        (None, None, None)
    );
}
