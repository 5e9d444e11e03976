//! Search as people search, on a real library (real files, real LanceDB, the tiny CLIP model):
//! exact file names first, folder words found by keyword and fused with the vector list,
//! filters of the grammar applied before both searches (k results from a narrow filter),
//! dates at the edges of a day, a query of filters alone browsing, and a query that matches no
//! keyword ranking exactly as the vector search does.

mod common;

use common::{exiftool, index, open_library, picture, write_photos};
use iris_core::{Hit, Library, Query, Retrieval};
use std::path::{Path, PathBuf};

fn search(library: &Library, text: &str, k: usize) -> Vec<Hit> {
    let query = Query {
        k,
        ..Query::from_text(text).unwrap()
    };
    library.search(&query).unwrap()
}

fn names(hits: &[Hit]) -> Vec<String> {
    hits.iter()
        .map(|h| {
            Path::new(&h.path)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// Photos named as a camera names them, IMG_0001.JPG and on.
fn camera_roll(dir: &Path, numbers: impl Iterator<Item = u32>) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    numbers
        .map(|n| {
            let path = dir.join(format!("IMG_{n:04}.JPG"));
            picture(n + 300, 96, 72).save(&path).unwrap();
            path
        })
        .collect()
}

#[test]
fn an_exact_file_name_comes_first() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    camera_roll(&photos, (1..=30).chain([42]));
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&photos)).unwrap();
    index(&library);
    assert_eq!(names(&search(&library, "IMG_0042", 10))[0], "IMG_0042.JPG");
    assert_eq!(
        names(&search(&library, "img_0017.jpg", 10))[0],
        "IMG_0017.JPG"
    );
    // By keyword alone too: "0042" is the rarest word of the library.
    let keyword = Query {
        retrieval: Retrieval::Keyword,
        ..Query::from_text("IMG_0042").unwrap()
    };
    assert_eq!(names(&library.search(&keyword).unwrap())[0], "IMG_0042.JPG");
}

/// A library of folders with trip-like names: 5 photos in "2019 Lisbon", 4 in
/// "garden/summer", 12 in "narrow" and 19 in "other".
fn trips(root: &Path) -> Library {
    write_photos(&root.join("2019 Lisbon"), 5, 10);
    write_photos(&root.join("garden/summer"), 4, 20);
    write_photos(&root.join("narrow"), 12, 30);
    write_photos(&root.join("other"), 19, 50);
    let library = open_library(&root.parent().unwrap().join("lib"));
    library.add_roots(&[root.to_path_buf()]).unwrap();
    index(&library);
    library
}

fn all_in(hits: &[Hit], folder: &str) -> bool {
    hits.iter().all(|h| h.path.contains(&format!("/{folder}/")))
}

#[test]
fn folder_filters_return_exactly_their_photos_and_a_narrow_one_still_k() {
    let tmp = tempfile::tempdir().unwrap();
    let library = trips(&tmp.path().join("photos"));
    let lisbon = search(&library, r#"a picture in:"2019 lisbon""#, 50);
    assert_eq!(lisbon.len(), 5, "names match case-insensitively");
    assert!(all_in(&lisbon, "2019 Lisbon"));
    let summer = search(&library, "a picture in:garden/summer", 50);
    assert_eq!(summer.len(), 4);
    assert!(all_in(&summer, "garden/summer"));
    assert_eq!(
        search(&library, "a picture in:summer in:narrow", 50).len(),
        16,
        "either"
    );
    let rest = search(&library, r#"a picture -in:"2019 Lisbon" -in:garden"#, 50);
    assert_eq!(rest.len(), 31);
    assert!(!rest
        .iter()
        .any(|h| h.path.contains("Lisbon") || h.path.contains("garden")));
    // 12 of 40 photos pass the filter; the 10 asked for come back, all from it.
    let narrow = search(&library, "stripes in:narrow", 10);
    assert_eq!(narrow.len(), 10);
    assert!(all_in(&narrow, "narrow"));
    assert!(search(&library, "stripes in:nowhere", 10).is_empty());
}

#[test]
fn a_folder_word_finds_its_photos_first_and_no_keyword_match_is_the_vector_search() {
    let tmp = tempfile::tempdir().unwrap();
    let library = trips(&tmp.path().join("photos"));
    let lisbon = search(&library, "lisbon", 20);
    assert!(all_in(&lisbon[..5], "2019 Lisbon"), "{:?}", names(&lisbon));
    let vector_only = |text: &str| Query {
        k: 20,
        retrieval: Retrieval::Vector,
        ..Query::from_text(text).unwrap()
    };
    let plain = search(&library, "a striped picture", 20);
    assert_eq!(
        plain,
        library.search(&vector_only("a striped picture")).unwrap()
    );
    // "lisbon" by vector alone does not know the folder.
    let by_vector = library.search(&vector_only("lisbon")).unwrap();
    assert!(!all_in(&by_vector[..5], "2019 Lisbon"));
}

#[test]
fn dates_filter_at_the_edges_of_a_day_and_filters_alone_browse() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    let paths = write_photos(&photos, 4, 70);
    let dates = [
        "2019:07:13 23:59:59",
        "2019:07:14 00:00:00",
        "2019:07:14 23:59:59",
        "2019:07:15 00:00:00",
    ];
    for (path, date) in paths.iter().zip(dates) {
        exiftool(path, &[&format!("-DateTimeOriginal={date}")]);
    }
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&photos)).unwrap();
    index(&library);
    let day = search(&library, "a picture after:2019-07-14 before:2019-07-15", 10);
    assert_eq!(names(&day).len(), 2);
    let mut day = names(&day);
    day.sort();
    assert_eq!(day, ["photo_071.jpg", "photo_072.jpg"]);
    assert_eq!(
        names(&search(&library, "a picture before:2019-07-14", 10)),
        ["photo_070.jpg"]
    );
    assert_eq!(
        names(&search(&library, "a picture after:2019-07-15", 10)),
        ["photo_073.jpg"]
    );
    assert_eq!(
        search(&library, "a picture after:2019-07 before:2019-08", 10).len(),
        4
    );
    assert!(search(&library, "a picture after:2020", 10).is_empty());
    // Filters alone: what they admit, newest first, no score.
    let browsed = search(&library, "after:2019-07-14", 10);
    assert_eq!(
        names(&browsed),
        ["photo_073.jpg", "photo_072.jpg", "photo_071.jpg"]
    );
    assert!(browsed.iter().all(|h| h.score == 0.0));
}

#[test]
fn camera_place_and_type_filters_use_the_photo_s_exif() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    let paths = write_photos(&photos, 3, 80);
    exiftool(&paths[0], &["-Make=Canon", "-Model=Canon EOS 5D Mark IV"]);
    exiftool(
        &paths[1],
        &[
            "-Make=Google",
            "-Model=Pixel 7",
            "-GPSLatitude=38.7223",
            "-GPSLatitudeRef=N",
            "-GPSLongitude=-9.1393",
            "-GPSLongitudeRef=W",
        ],
    );
    picture(99, 64, 64)
        .save(photos.join("drawing.png"))
        .unwrap();
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&photos)).unwrap();
    index(&library);
    assert_eq!(
        names(&search(&library, "x camera:\"eos 5d\"", 10)),
        ["photo_080.jpg"]
    );
    assert_eq!(
        names(&search(&library, "x camera:pixel", 10)),
        ["photo_081.jpg"]
    );
    assert_eq!(
        names(&search(&library, "x camera:canon camera:pixel", 10)).len(),
        2
    );
    assert_eq!(
        search(&library, "x -camera:canon", 10).len(),
        3,
        "no camera is not canon"
    );
    assert_eq!(
        names(&search(&library, "x place:lisbon", 10)),
        ["photo_081.jpg"]
    );
    assert_eq!(
        names(&search(&library, "x place:portugal", 10)),
        ["photo_081.jpg"]
    );
    assert_eq!(names(&search(&library, "x type:png", 10)), ["drawing.png"]);
    assert_eq!(search(&library, "x -type:png", 10).len(), 3);
    assert_eq!(search(&library, "x type:jpeg,png", 10).len(), 4);
    // Keywords know the camera and the place too.
    assert_eq!(names(&search(&library, "canon", 10))[0], "photo_080.jpg");
    assert_eq!(names(&search(&library, "lisbon", 10))[0], "photo_081.jpg");
    let facets = library.facets().unwrap();
    assert_eq!(facets.places[0].value, "Lisbon");
    assert_eq!(facets.cameras.len(), 2);
}

#[test]
fn a_negative_image_pushes_its_photo_down_and_late_fusion_keeps_the_scores_cosines() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    let paths = write_photos(&photos, 16, 120);
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&photos)).unwrap();
    index(&library);
    let name = |p: &PathBuf| p.to_string_lossy().into_owned();
    let rank_score = |hits: &[Hit], path: &str| {
        let at = hits.iter().position(|h| h.path == path).unwrap();
        (at, hits[at].score)
    };
    let plain = Query {
        k: 16,
        ..Query::from_text("a striped picture").unwrap()
    };
    let target = name(&paths[3]);
    let before = rank_score(&library.search(&plain).unwrap(), &target);
    let away = Query {
        negative_images: vec![paths[3].clone()],
        ..plain.clone()
    };
    let after = rank_score(&library.search(&away).unwrap(), &target);
    assert!(
        after.1 < before.1 && after.0 >= before.0,
        "{before:?} -> {after:?}"
    );

    let like = library.search(&Query {
        k: 1,
        images: vec![paths[7].clone()],
        ..Query::default()
    });
    let id = like.unwrap()[0].id.clone();
    let early = Query {
        k: 16,
        like: vec![id.clone()],
        retrieval: Retrieval::Vector,
        ..Query::from_text("a striped picture").unwrap()
    };
    let late = Query {
        fusion: iris_core::Fusion::Late,
        ..early.clone()
    };
    let (early, late) = (
        library.search(&early).unwrap(),
        library.search(&late).unwrap(),
    );
    assert_eq!(late.len(), 16);
    for hit in &late {
        let same = early.iter().find(|h| h.id == hit.id).unwrap();
        assert!(
            (same.score - hit.score).abs() < 1e-5,
            "a score is the cosine with the query"
        );
    }
    // Late fusion is the rank fusion of the words' search and the photo's search.
    let words = library
        .search(&Query {
            k: 16,
            retrieval: Retrieval::Vector,
            ..Query::from_text("a striped picture").unwrap()
        })
        .unwrap();
    let photo = library
        .search(&Query {
            k: 16,
            like: vec![id],
            retrieval: Retrieval::Vector,
            ..Query::default()
        })
        .unwrap();
    let rrf = |h: &Hit| {
        [&words, &photo]
            .iter()
            .map(|list| 1.0 / (61.0 + list.iter().position(|x| x.id == h.id).unwrap() as f32))
            .sum::<f32>()
    };
    let mut expected = late.clone();
    expected.sort_by(|a, b| {
        rrf(b)
            .total_cmp(&rrf(a))
            .then(b.score.total_cmp(&a.score))
            .then_with(|| a.path.cmp(&b.path))
    });
    assert_eq!(names(&late), names(&expected));
}

/// The galleries ask for the near-duplicate groups after every search: the library answers
/// from the groups it found while the catalog and the thresholds are unchanged, and finds
/// them again (with the new photo) once either changes.
#[test]
fn duplicate_groups_are_kept_until_the_catalog_or_the_thresholds_change() {
    use iris_core::duplicates::DuplicateSettings;
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    write_photos(&photos, 4, 700);
    let original = picture(700, 96, 72);
    original.save(photos.join("copy_a.png")).unwrap();
    let library = open_library(&tmp.path().join("library"));
    library.add_roots(std::slice::from_ref(&photos)).unwrap();
    index(&library);
    let settings = DuplicateSettings::default();
    let first = library.duplicates(&settings).unwrap();
    assert_eq!(first.len(), 1, "the copy and its original");
    assert_eq!(first[0].photos.len(), 2);
    assert!(std::sync::Arc::ptr_eq(
        &first,
        &library.duplicates(&settings).unwrap()
    ));
    let stricter = DuplicateSettings {
        max_hash_distance: 0,
        ..settings
    };
    assert!(!std::sync::Arc::ptr_eq(
        &first,
        &library.duplicates(&stricter).unwrap()
    ));
    // A second copy joins the group once it is indexed.
    original.save(photos.join("copy_b.bmp")).unwrap();
    index(&library);
    let after = library.duplicates(&settings).unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].photos.len(), 3);
}
