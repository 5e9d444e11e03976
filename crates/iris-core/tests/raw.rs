//! Camera RAW files indexed through their embedded preview JPEG, on real files in a real
//! catalog: a DNG-structured file (TIFF with a thumbnail in IFD0 and a large preview in a
//! SubIFD, EXIF orientation 6) is indexed upright from the large preview; a NEF with only a
//! thumbnail is a failed row that says so.

mod common;

use common::{index, open_library, picture};

fn jpeg(seed: u32, w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&picture(seed, w, h))
        .unwrap();
    out
}

/// A little-endian TIFF entry: tag, type (3 SHORT, 4 LONG), count 1, value.
fn entry(tag: u16, kind: u16, value: u32) -> Vec<u8> {
    let mut e = tag.to_le_bytes().to_vec();
    e.extend(kind.to_le_bytes());
    e.extend(1u32.to_le_bytes());
    e.extend(value.to_le_bytes());
    e
}

fn ifd(entries: &[Vec<u8>], next: u32) -> Vec<u8> {
    let mut out = (entries.len() as u16).to_le_bytes().to_vec();
    for e in entries {
        out.extend(e);
    }
    out.extend(next.to_le_bytes());
    out
}

/// A RAW laid out as DNG and NEF are: IFD0 with orientation and a thumbnail JPEG, and, when
/// `preview` is given, a SubIFD holding it as a JPEG-compressed strip.
fn raw_file(thumb: &[u8], preview: Option<&[u8]>, orientation: u16) -> Vec<u8> {
    let ifd0_at = 8u32;
    let ifd0_len = 2 + 5 * 12 + 4;
    let sub_at = ifd0_at + ifd0_len;
    let sub_len = 2 + 4 * 12 + 4;
    let thumb_at = sub_at + sub_len;
    let preview_at = thumb_at + thumb.len() as u32;
    let mut out = b"II*\0".to_vec();
    out.extend(ifd0_at.to_le_bytes());
    out.extend(ifd(
        &[
            entry(0x00FE, 4, 1),
            entry(0x0112, 3, u32::from(orientation)),
            entry(0x014A, 4, if preview.is_some() { sub_at } else { 0 }),
            entry(0x0201, 4, thumb_at),
            entry(0x0202, 4, thumb.len() as u32),
        ],
        0,
    ));
    let preview_len = preview.map_or(0, |p| p.len() as u32);
    out.extend(ifd(
        &[
            entry(0x00FE, 4, 1),
            entry(0x0103, 3, 7),
            entry(0x0111, 4, preview_at),
            entry(0x0117, 4, preview_len),
        ],
        0,
    ));
    out.extend(thumb);
    if let Some(p) = preview {
        out.extend(p);
    }
    out
}

#[test]
fn a_raw_is_indexed_upright_from_its_largest_preview_and_one_without_is_a_failed_row() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("camera");
    std::fs::create_dir_all(&root).unwrap();
    let preview = jpeg(3, 640, 480);
    std::fs::write(
        root.join("IMG_0001.DNG"),
        raw_file(&jpeg(3, 160, 120), Some(&preview), 6),
    )
    .unwrap();
    std::fs::write(
        root.join("DSC_0002.NEF"),
        raw_file(&jpeg(4, 160, 120), None, 1),
    )
    .unwrap();
    std::fs::write(root.join("preview.jpg"), &preview).unwrap();

    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&root)).unwrap();
    let report = index(&library);
    assert_eq!((report.embedded, report.failed), (2, 1), "{report:?}");
    let rows = library.rows().unwrap();
    let row = |name: &str| rows.iter().find(|r| r.path.ends_with(name)).unwrap();

    let dng = row("IMG_0001.DNG");
    assert_eq!(dng.format.as_deref(), Some("dng"));
    assert_eq!(
        (dng.width, dng.height),
        (Some(480), Some(640)),
        "the 640x480 preview, upright"
    );
    let thumb = iris_core::photo::thumbnail_path(&library.thumbnails_dir(), &dng.id);
    let (w, h) = image::image_dimensions(&thumb).unwrap();
    assert_eq!(
        (w, h),
        (288, 384),
        "a gallery thumbnail from the 640x480 preview, not the 160x120"
    );

    let nef = row("DSC_0002.NEF");
    assert_eq!(nef.status, iris_core::Status::Failed);
    assert_eq!(
        nef.reason.as_deref(),
        Some("RAW (NEF) has no usable preview: its largest embedded JPEG is 160x120")
    );
}

#[test]
fn a_raw_and_its_jpeg_are_two_rows_but_one_photo_that_names_the_raw() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("camera");
    std::fs::create_dir_all(&root).unwrap();
    let preview = jpeg(8, 640, 480);
    std::fs::write(
        root.join("IMG_0007.CR2"),
        raw_file(&jpeg(8, 160, 120), Some(&preview), 1),
    )
    .unwrap();
    std::fs::write(root.join("IMG_0007.JPG"), jpeg(8, 1024, 768)).unwrap();
    std::fs::write(root.join("IMG_0008.JPG"), jpeg(9, 640, 480)).unwrap();
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&root)).unwrap();
    assert_eq!(index(&library).embedded, 3);
    assert_eq!(
        library.row_count().unwrap(),
        3,
        "both files of the pair are catalogued"
    );

    let shown = library.browse(&iris_core::Filter::default()).unwrap();
    let names: Vec<String> = shown
        .iter()
        .map(|h| h.path.rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(shown.len(), 2, "{names:?}");
    let pair = shown
        .iter()
        .find(|h| h.path.ends_with("IMG_0007.JPG"))
        .unwrap();
    assert!(pair
        .raw_sibling
        .as_deref()
        .unwrap()
        .ends_with("IMG_0007.CR2"));

    let found = library
        .search(&iris_core::Query::from_text("a photo").unwrap())
        .unwrap();
    assert_eq!(found.len(), 2, "a search shows the pair once too");
    assert!(!found.iter().any(|h| h.path.ends_with(".CR2")));
}
