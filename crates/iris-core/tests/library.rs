//! The library engine end to end on a real LanceDB catalog in a temp dir with the tiny test
//! model: incremental indexing, moves, deletions, offline roots, bad input and search.

mod common;

use common::*;
use iris_core::{Query, Status};
use std::collections::HashSet;

#[test]
fn moves_and_renames_re_embed_nothing_and_deleted_files_leave() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    let paths = write_photos(&photos, 6, 0);
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&photos)).unwrap();
    let first = index(&library);
    assert_eq!((first.scanned, first.embedded, first.failed), (6, 6, 0));
    let before: Vec<_> = library.rows().unwrap();
    let id_of = |p: &std::path::Path| {
        before
            .iter()
            .find(|r| r.path == p.to_string_lossy())
            .unwrap()
            .id
            .clone()
    };
    let (renamed_id, moved_id) = (id_of(&paths[0]), id_of(&paths[1]));

    let again = index(&library);
    assert_eq!(
        (again.embedded, again.unchanged, again.moved, again.removed),
        (0, 6, 0, 0)
    );

    std::fs::rename(&paths[0], photos.join("renamed.jpg")).unwrap();
    std::fs::create_dir_all(photos.join("sub")).unwrap();
    std::fs::rename(&paths[1], photos.join("sub/moved.jpg")).unwrap();
    std::fs::remove_file(&paths[2]).unwrap();
    let after = index(&library);
    assert_eq!(
        (after.embedded, after.moved, after.removed, after.unchanged),
        (0, 2, 1, 3)
    );

    let rows = library.rows().unwrap();
    assert_eq!(rows.len(), 5);
    let unique: HashSet<_> = rows.iter().map(|r| r.path.clone()).collect();
    assert_eq!(unique.len(), 5, "paths are unique");
    let find = |name: &str| rows.iter().find(|r| r.path.ends_with(name)).unwrap();
    assert_eq!(find("renamed.jpg").id, renamed_id);
    assert_eq!(find("sub/moved.jpg").id, moved_id);
    // The moved photo kept its embedding: "more like this" on its id finds it at the new path.
    let hits = library
        .search(&Query {
            like: vec![moved_id],
            k: 1,
            ..Query::default()
        })
        .unwrap();
    assert!(
        hits[0].path.ends_with("sub/moved.jpg") && hits[0].score > 0.999,
        "{hits:?}"
    );
}

#[test]
fn changed_content_is_re_embedded_and_copies_reuse_the_embedding() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    let paths = write_photos(&photos, 3, 10);
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&photos)).unwrap();
    index(&library);
    picture(99, 80, 60).save(&paths[0]).unwrap();
    std::fs::copy(&paths[1], photos.join("copy.jpg")).unwrap();
    let report = index(&library);
    assert_eq!((report.embedded, report.moved, report.scanned), (1, 0, 4));
    // Identical copies collapse into one search result.
    let hits = library
        .search(&Query {
            images: vec![paths[1].clone()],
            k: 10,
            ..Query::default()
        })
        .unwrap();
    let ids: HashSet<_> = hits.iter().map(|h| h.id.clone()).collect();
    assert_eq!(ids.len(), hits.len());
    assert_eq!(hits.len(), 3);
}

#[test]
fn a_missing_root_goes_offline_keeps_its_rows_and_comes_back() {
    let tmp = tempfile::tempdir().unwrap();
    let drive = tmp.path().join("drive");
    let local = tmp.path().join("local");
    write_photos(&drive, 4, 20);
    write_photos(&local, 2, 30);
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(&[drive.clone(), local.clone()]).unwrap();
    assert_eq!(index(&library).embedded, 6);

    std::fs::rename(&drive, tmp.path().join("unplugged")).unwrap();
    let report = index(&library);
    assert_eq!((report.offline, report.removed, report.embedded), (4, 0, 0));
    let status = library.status().unwrap();
    assert_eq!((status.photos, status.offline), (6, 4));
    assert!(
        !status
            .roots
            .iter()
            .find(|r| r.path.ends_with("drive"))
            .unwrap()
            .online
    );
    let hits = library
        .search(&Query {
            text: Some("a photo".into()),
            k: 10,
            ..Query::default()
        })
        .unwrap();
    assert_eq!(hits.len(), 6, "offline photos are still found");
    assert_eq!(hits.iter().filter(|h| !h.online).count(), 4);

    std::fs::rename(tmp.path().join("unplugged"), &drive).unwrap();
    let back = index(&library);
    assert_eq!(
        (back.offline, back.embedded, back.removed, back.unchanged),
        (0, 0, 0, 6)
    );
    assert!(library
        .rows()
        .unwrap()
        .iter()
        .all(|r| r.status == Status::Ok));
}

/// A PNG whose header claims 100000 x 100000 pixels, with a token IDAT and IEND so that
/// decoders get past the header to their size checks.
fn png_bomb() -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32fast::hash(&body).to_be_bytes());
    }
    let mut ihdr = Vec::new();
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn bad_files_become_failed_rows_with_reasons_and_the_rest_is_indexed() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    write_photos(&photos, 3, 40);
    let good = std::fs::read(photos.join("photo_040.jpg")).unwrap();
    let mut bad = vec![
        ("empty.jpg", Vec::new()),
        (
            "random.jpg",
            (0..5000u32)
                .map(|i| (i.wrapping_mul(7919) >> 3) as u8)
                .collect(),
        ),
        ("text.png", b"this is not an image\n".to_vec()),
        ("bomb.png", png_bomb()),
    ];
    for (i, cut) in [2usize, 10, 100, 400, good.len() / 2, good.len() - 10]
        .iter()
        .enumerate()
    {
        bad.push((
            ["t0.jpg", "t1.jpg", "t2.jpg", "t3.jpg", "t4.jpg", "t5.jpg"][i],
            good[..*cut].to_vec(),
        ));
    }
    for (name, bytes) in &bad {
        std::fs::write(photos.join(name), bytes).unwrap();
    }
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&photos)).unwrap();
    let report = index(&library);
    assert_eq!(report.embedded, 3);
    assert_eq!(report.failed, bad.len());
    let failures = library.failures().unwrap();
    assert_eq!(failures.len(), bad.len());
    for f in &failures {
        assert!(!f.reason.is_empty(), "{f:?}");
    }
    let reason = |name: &str| {
        failures
            .iter()
            .find(|f| f.path.ends_with(name))
            .unwrap()
            .reason
            .clone()
    };
    assert!(
        reason("empty.jpg").contains("empty"),
        "{}",
        reason("empty.jpg")
    );
    assert!(
        reason("bomb.png").to_lowercase().contains("limit"),
        "{}",
        reason("bomb.png")
    );
    // Failed files are not read again while unchanged.
    let again = index(&library);
    assert_eq!(
        (again.failed, again.embedded, again.unchanged),
        (0, 0, 3 + bad.len())
    );
    assert_eq!(library.status().unwrap().failed, bad.len());
}

#[test]
fn an_indexed_photo_finds_itself_first() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    let paths = write_photos(&photos, 8, 50);
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(&[photos]).unwrap();
    index(&library);
    for p in &paths {
        let hits = library
            .search(&Query {
                images: vec![p.clone()],
                k: 3,
                ..Query::default()
            })
            .unwrap();
        assert_eq!(hits[0].path, p.to_string_lossy());
        assert!(hits[0].score >= 0.99, "{}", hits[0].score);
        assert!(hits[0].score >= hits[1].score);
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn negative_terms_and_weights_rank_by_the_combined_similarity() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    let paths = write_photos(&photos, 12, 60);
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(&[photos]).unwrap();
    index(&library);
    let clip = library.clip();
    let texts = clip
        .embed_texts(&["a striped picture", "a round disc"])
        .unwrap();
    let photo_vectors = clip.embed_image_files(&paths).unwrap();
    let vector_of = |path: &str| {
        &photo_vectors[paths
            .iter()
            .position(|p| p.to_string_lossy() == path)
            .unwrap()]
    };

    let plain = library
        .search(&Query {
            k: 12,
            ..Query::from_text("a striped picture").unwrap()
        })
        .unwrap();
    let negative = library
        .search(&Query {
            negatives: vec!["a round disc".into()],
            k: 12,
            ..Query::from_text("a striped picture").unwrap()
        })
        .unwrap();
    // The plain ranking follows the cosine with the text.
    for w in plain.windows(2) {
        assert!(
            dot(vector_of(&w[0].path), &texts[0]) >= dot(vector_of(&w[1].path), &texts[0]) - 1e-5
        );
    }
    // With the negative term, the ranking follows cos(text) - 0.5 cos(negative).
    let combined = |p: &str| dot(vector_of(p), &texts[0]) - 0.5 * dot(vector_of(p), &texts[1]);
    for w in negative.windows(2) {
        assert!(combined(&w[0].path) >= combined(&w[1].path) - 1e-5, "{w:?}");
    }
    let order = |hits: &[iris_core::Hit]| hits.iter().map(|h| h.path.clone()).collect::<Vec<_>>();
    assert_ne!(
        order(&plain),
        order(&negative),
        "the negative term changes the ranking"
    );

    // Text and image together, weighted: the ranking follows the weighted sum.
    let q = Query {
        text: Some("a striped picture".into()),
        images: vec![paths[3].clone()],
        text_weight: 1.0,
        image_weight: 2.0,
        k: 12,
        ..Query::default()
    };
    let mixed = library.search(&q).unwrap();
    let weighted =
        |p: &str| dot(vector_of(p), &texts[0]) + 2.0 * dot(vector_of(p), &photo_vectors[3]);
    for w in mixed.windows(2) {
        assert!(weighted(&w[0].path) >= weighted(&w[1].path) - 1e-4);
    }
    assert_eq!(mixed[0].path, paths[3].to_string_lossy());
}

#[test]
fn filters_restrict_by_folder_and_format() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    write_photos(&photos.join("a"), 3, 70);
    write_photos(&photos.join("ab"), 2, 75);
    write_photos(&photos.join("b"), 3, 80);
    common::picture(90, 64, 64)
        .save(photos.join("b/pic.png"))
        .unwrap();
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&photos)).unwrap();
    index(&library);
    let mut q = Query {
        k: 20,
        ..Query::from_text("anything").unwrap()
    };
    q.filter.folder = Some(photos.join("a").to_string_lossy().into_owned());
    let hits = library.search(&q).unwrap();
    assert_eq!(
        hits.len(),
        3,
        "a folder is not a prefix: photos/ab stays out"
    );
    assert!(hits.iter().all(|h| h.path.contains("/a/")));
    q.filter.folder = Some(format!("{}/", photos.join("ab").display()));
    assert_eq!(
        library.search(&q).unwrap().len(),
        2,
        "a trailing slash names the folder"
    );
    let mut q = Query {
        k: 20,
        ..Query::from_text("anything").unwrap()
    };
    q.filter.formats = vec!["png".into()];
    let hits = library.search(&q).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].path.ends_with("pic.png"));
}

#[test]
fn asset_urls_resolve_only_catalog_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    let paths = write_photos(&photos, 2, 100);
    std::fs::write(photos.join("secret.txt"), b"secret").unwrap();
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&photos)).unwrap();
    index(&library);
    let row = library
        .rows()
        .unwrap()
        .into_iter()
        .find(|r| r.path == paths[0].to_string_lossy())
        .unwrap();
    let photo = iris_core::assets::resolve(&library, &format!("/photo/{}", row.id)).unwrap();
    assert_eq!((photo.file, photo.mime), (paths[0].clone(), "image/jpeg"));
    let thumb = iris_core::assets::resolve(&library, &format!("/thumb/{}", row.id)).unwrap();
    assert!(thumb.file.starts_with(library.thumbnails_dir()));
    let secret = photos.join("secret.txt").display().to_string();
    for bad in [
        "/photo/..".to_string(),
        "/photo/../../etc/passwd".to_string(),
        format!("/photo/{secret}"),
        format!("/photo/%2e%2e%2f{}", row.id),
        format!("/photo/{}/..", row.id),
        format!("/photo/{}", "0".repeat(64)),
        format!("/photo/{}", row.id.to_uppercase()),
        format!("/other/{}", row.id),
        String::new(),
    ] {
        assert_eq!(iris_core::assets::resolve(&library, &bad), None, "{bad}");
    }
}

#[test]
fn a_cancelled_run_keeps_its_commits_and_the_next_run_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    write_photos(&photos, 120, 200);
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(&[photos]).unwrap();
    let control = iris_core::IndexControl::new();
    let mut calls = 0;
    let cancelled = library
        .index(2, &control, &mut |_| {
            calls += 1;
            if calls == 90 {
                control.cancel();
            }
        })
        .expect("a cancelled run is not an error");
    assert!(cancelled.cancelled, "{cancelled:?}");
    let kept = library.row_count().unwrap();
    assert!(kept > 0 && kept < 120, "{kept} rows kept");
    assert_eq!(
        cancelled.embedded, kept,
        "the report counts what was written"
    );
    let report = index(&library);
    assert_eq!(report.unchanged, kept);
    assert_eq!(report.embedded, 120 - kept);
    let paths: HashSet<_> = library
        .rows()
        .unwrap()
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(paths.len(), 120);
}

#[test]
fn a_query_image_is_decoded_as_indexing_decodes_it() {
    // A library photo with EXIF orientation 6, dropped as a query, finds itself at ~1.0: the
    // query went through the same reduced-scale decode and orientation as the stored vector.
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    write_photos(&photos, 4, 400);
    let rotated = photos.join("rotated.jpg");
    let mut jpeg = Vec::new();
    common::picture(404, 640, 480)
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    std::fs::write(&rotated, common::with_orientation(&jpeg, 6)).unwrap();
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(&[photos]).unwrap();
    index(&library);
    let hits = library
        .search(&Query {
            images: vec![rotated.clone()],
            ..Query::default()
        })
        .unwrap();
    assert_eq!(hits[0].path, rotated.to_string_lossy());
    assert!(hits[0].score > 0.9999, "score {}", hits[0].score);
    let pasted = library
        .search(&Query {
            image_bytes: vec![b"not an image at all".to_vec()],
            ..Query::default()
        })
        .unwrap_err();
    assert!(pasted.to_string().contains("pasted image"), "{pasted}");
}

#[test]
fn processes_adding_roots_at_once_all_get_theirs_in() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("lib");
    open_library(&dir);
    let folders: Vec<_> = (0..6)
        .map(|i| {
            let folder = tmp.path().join(format!("photos-{i}"));
            std::fs::create_dir_all(&folder).unwrap();
            folder
        })
        .collect();
    // One library per thread, as the app and `iris index` each open their own.
    let libraries: Vec<_> = folders.iter().map(|_| open_library(&dir)).collect();
    std::thread::scope(|scope| {
        for (library, folder) in libraries.iter().zip(&folders) {
            scope.spawn(move || library.add_roots(std::slice::from_ref(folder)).unwrap());
        }
    });
    let roots = open_library(&dir).roots().unwrap();
    for folder in &folders {
        assert!(roots.contains(folder), "{folder:?} lost from {roots:?}");
    }
    assert_eq!(roots.len(), folders.len());
}
