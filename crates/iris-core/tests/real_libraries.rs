//! Real photo libraries on a real LanceDB catalog with the tiny test model: photos that cannot
//! be decoded (corrupt, or in formats not decoded yet) are failed rows that say so, an emptied
//! mount point is an offline root, an empty search box browses the library newest first, the
//! folder tree counts what is under each folder, and names that are not UTF-8 stay apart.

mod common;

use common::*;

#[test]
fn an_emptied_mount_point_is_offline_and_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mount = tmp.path().join("mnt/photos-drive");
    write_photos(&mount.join("2024"), 3, 40);
    write_photos(&mount, 2, 50);
    let empty_root = tmp.path().join("new-empty");
    std::fs::create_dir_all(&empty_root).unwrap();
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(&[mount.clone(), empty_root]).unwrap();
    assert_eq!(index(&library).embedded, 5);

    // Unmounted: the drive's files go, its mount point stays behind, empty.
    let away = tmp.path().join("drive-contents");
    std::fs::rename(&mount, &away).unwrap();
    std::fs::create_dir_all(&mount).unwrap();
    let report = index(&library);
    assert_eq!((report.offline, report.removed), (5, 0));
    let status = library.status().unwrap();
    assert_eq!((status.photos, status.offline), (5, 5));
    let online = |s: &iris_core::LibraryStatus, name: &str| {
        s.roots
            .iter()
            .find(|r| r.path.ends_with(name))
            .unwrap()
            .online
    };
    assert!(
        !online(&status, "photos-drive"),
        "the empty mount point is offline"
    );
    assert!(
        online(&status, "new-empty"),
        "a new empty root is just empty"
    );

    // Mounted again: everything back, nothing encoded again.
    std::fs::remove_dir(&mount).unwrap();
    std::fs::rename(&away, &mount).unwrap();
    let back = index(&library);
    assert_eq!(
        (back.offline, back.embedded, back.removed, back.unchanged),
        (0, 0, 0, 5)
    );
    assert_eq!(library.status().unwrap().offline, 0);
}

#[test]
fn photos_that_cannot_be_decoded_are_failed_rows_with_a_reason_and_sidecars_are_ignored() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("phone");
    write_photos(&photos, 2, 60);
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    std::fs::write(photos.join("IMG_0001.HEIC"), &heic).unwrap();
    std::fs::write(photos.join("IMG_0002.jpg"), &heic).unwrap(); // a broken HEIC renamed .jpg
    std::fs::write(photos.join("DSC_0003.NEF"), b"MM\0\x2a\0\0\0\x08").unwrap();
    for sidecar in ["IMG_0001.xmp", "IMG_0001.AAE", "IMG_0001.HEIC.json"] {
        std::fs::write(photos.join(sidecar), b"{}").unwrap();
    }
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(&[photos]).unwrap();
    let report = index(&library);
    assert_eq!(
        (report.scanned, report.embedded, report.failed),
        (5, 2, 3),
        "sidecars are not counted"
    );
    let reasons: Vec<(String, String)> = library
        .failures()
        .unwrap()
        .into_iter()
        .map(|f| (f.path.rsplit('/').next().unwrap().to_string(), f.reason))
        .collect();
    let reason_of = |name: &str| &reasons.iter().find(|(n, _)| n == name).unwrap().1;
    // Only a header: a corrupt HEIC, recognised by its content whatever its name.
    assert!(
        reason_of("IMG_0001.HEIC").starts_with("cannot decode this HEIF image"),
        "{reasons:?}"
    );
    assert!(
        reason_of("IMG_0002.jpg").starts_with("cannot decode this HEIF image"),
        "{reasons:?}"
    );
    assert!(
        reason_of("DSC_0003.NEF").starts_with("RAW (NEF) has no usable preview"),
        "{reasons:?}"
    );
    assert_eq!(library.status().unwrap().failed, 3);
    // A second run reads none of them again.
    let again = index(&library);
    assert_eq!((again.unchanged, again.failed, again.embedded), (5, 0, 0));
}

#[test]
fn browsing_shows_every_photo_newest_first_copies_once_failures_never() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    let paths = write_photos(&photos, 3, 70);
    let year =
        |y: u64| std::time::UNIX_EPOCH + std::time::Duration::from_secs((y - 1970) * 31_556_952);
    for (path, y) in paths.iter().zip([2020, 2022, 2021]) {
        let f = std::fs::File::options().write(true).open(path).unwrap();
        f.set_modified(year(y)).unwrap();
    }
    std::fs::create_dir_all(photos.join("copies")).unwrap();
    std::fs::copy(&paths[1], photos.join("copies/again.jpg")).unwrap();
    std::fs::write(photos.join("broken.jpg"), b"not a jpeg").unwrap();
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&photos)).unwrap();
    assert_eq!(index(&library).failed, 1);

    let all = library.browse(&iris_core::Filter::default()).unwrap();
    let names: Vec<&str> = all
        .iter()
        .map(|h| h.path.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        names.len(),
        3,
        "the copy is one photo, the broken file none: {names:?}"
    );
    assert_eq!(names[1..], ["photo_072.jpg", "photo_070.jpg"]);
    assert!(
        ["photo_071.jpg", "again.jpg"].contains(&names[0]),
        "{names:?}"
    );
    assert!(all.iter().all(|h| h.online && h.score == 0.0));

    let folder = iris_core::Filter {
        folder: Some(photos.join("copies").to_string_lossy().into_owned()),
        ..Default::default()
    };
    let in_copies = library.browse(&folder).unwrap();
    assert_eq!(in_copies.len(), 1);
    assert!(in_copies[0].path.ends_with("copies/again.jpg"));
}

#[test]
fn the_folder_tree_counts_photos_below_each_folder_and_a_folder_filters_browsing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("Pictures");
    write_photos(&root.join("2024/summer"), 2, 0);
    write_photos(&root.join("2024"), 1, 10);
    write_photos(&root.join("scans"), 1, 20);
    write_photos(&root, 1, 30);
    std::fs::write(root.join("scans/broken.jpg"), b"not a jpeg").unwrap();
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&root)).unwrap();
    index(&library);

    let tree: Vec<(String, u32, usize, bool)> = library
        .folders()
        .unwrap()
        .into_iter()
        .map(|f| (f.name, f.depth, f.photos, f.has_children))
        .collect();
    let root_name = root.to_string_lossy().into_owned();
    assert_eq!(
        tree,
        [
            (root_name, 0, 5, true),
            ("2024".into(), 1, 3, true),
            ("summer".into(), 2, 2, false),
            ("scans".into(), 1, 1, false),
        ],
        "failed files do not count"
    );
    let in_2024 = iris_core::Filter {
        folder: Some(root.join("2024").to_string_lossy().into_owned()),
        ..iris_core::Filter::default()
    };
    let shown = library.browse(&in_2024).unwrap();
    assert_eq!(shown.len(), 3, "the folder and its subfolders");
    assert!(shown.iter().all(|h| h.path.contains("/2024/")));
}

#[test]
fn names_that_differ_only_in_bytes_that_are_not_utf8_are_two_photos_that_open() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    let names: [&[u8]; 2] = [b"caf\xe9.jpg", b"caf\xe8.jpg"];
    for (seed, name) in names.iter().enumerate() {
        let path = photos.join(std::ffi::OsStr::from_bytes(name));
        picture(70 + seed as u32, 96, 72)
            .save_with_format(&path, image::ImageFormat::Jpeg)
            .unwrap();
    }
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(std::slice::from_ref(&photos)).unwrap();
    assert_eq!(index(&library).embedded, 2);
    let rows = library.rows().unwrap();
    assert_eq!(rows.len(), 2);
    assert_ne!(rows[0].path, rows[1].path);
    for row in &rows {
        let path = iris_core::paths::to_path(&row.path);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(iris_core::photo::content_id(&bytes), row.id, "{path:?}");
    }
    // A second run finds both unchanged: the catalog's paths are the files' own.
    let again = index(&library);
    assert_eq!((again.embedded, again.unchanged, again.removed), (0, 2, 0));
}
