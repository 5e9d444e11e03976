//! Switching a library from one model to another of a different family (the tiny CLIP and
//! SigLIP parity models): search answers from the old column while the new one fills, a
//! stopped switch resumes from its commits, photos indexed or edited meanwhile are covered
//! with vectors of their current content, nothing is lost, the vectors come from the cached
//! thumbnails (the originals are not read), and the old column can be dropped afterwards.

mod common;

use common::{open_library, picture, write_photos};
use iris_clip::Clip;
use iris_core::models::DownloadProgress;
use iris_core::{IndexControl, Library, Query};
use std::path::{Path, PathBuf};

fn siglip_dir() -> PathBuf {
    common::manifest_dir().join("../iris-clip/tests/fixtures/siglip/tiny-siglip")
}

fn index(library: &Library) -> iris_core::IndexReport {
    library.index(2, &IndexControl::new(), &mut |_| {}).unwrap()
}

fn text_search(library: &Library, text: &str) -> Vec<(String, f32)> {
    let query = Query {
        text: Some(text.into()),
        k: 500,
        ..Query::default()
    };
    library
        .search(&query)
        .unwrap()
        .into_iter()
        .map(|h| (h.path, h.score))
        .collect()
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (norm(a) * norm(b))
}

/// The new model's vector of a photo computed directly from its cached thumbnail.
fn thumbnail_vector(clip: &Clip, thumbs: &Path, id: &str) -> Vec<f32> {
    let thumb = image::open(iris_core::photo::thumbnail_path(thumbs, id))
        .unwrap()
        .to_rgb8();
    let pixels = clip.preprocessor().pixels(&thumb);
    clip.embed_pixels(&[pixels]).unwrap().remove(0)
}

#[test]
fn search_uses_the_old_column_until_the_switch_completes_and_a_stopped_one_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let photos = dir.path().join("photos");
    let files = write_photos(&photos, 150, 0);
    let library_dir = dir.path().join("library");
    let old = open_library(&library_dir);
    old.add_roots(std::slice::from_ref(&photos)).unwrap();
    assert_eq!(index(&old).embedded, 150);
    let before = text_search(&old, "a photo of a dog");
    assert_eq!(before.len(), 150);

    // A switch stopped after its first commit (as a quit would stop it).
    let spec = siglip_dir().to_str().unwrap().to_string();
    let mut switch = old.begin_switch(&spec, DownloadProgress::Silent).unwrap();
    assert_eq!(old.pending_switch().unwrap().unwrap().to, spec);
    let control = IndexControl::new();
    let mut reported = Vec::new();
    let report = switch
        .run(2, &control, &mut |p| {
            reported.push(p.done);
            control.cancel();
        })
        .unwrap();
    assert!(report.cancelled && !report.complete, "{report:?}");
    let covered = switch.coverage().unwrap();
    assert_eq!((covered.covered, covered.photos), (128, 150), "one commit");
    assert_eq!(reported, [128]);
    assert_eq!(
        text_search(&old, "a photo of a dog"),
        before,
        "search answers from the old column, scores and all"
    );
    drop(switch);

    // Meanwhile the old model indexes a new photo and an edit of a covered one.
    picture(900, 96, 72).save(photos.join("new.jpg")).unwrap();
    // Contents are embedded in id order: the smallest id is among the 128 covered.
    let first = old
        .rows()
        .unwrap()
        .into_iter()
        .min_by(|a, b| a.id.cmp(&b.id))
        .unwrap();
    let (edited, old_id) = (PathBuf::from(&first.path), first.id);
    assert!(files.contains(&edited));
    picture(901, 96, 72).save(&edited).unwrap();
    let reindexed = index(&old);
    assert_eq!(reindexed.embedded, 2, "{reindexed:?}");
    drop(old);

    // The next start resumes the recorded switch.
    let old = open_library(&library_dir);
    let pending = old
        .pending_switch()
        .unwrap()
        .expect("the switch is recorded");
    let mut switch = old
        .begin_switch(&pending.to, DownloadProgress::Silent)
        .unwrap();
    let report = switch.run(2, &IndexControl::new(), &mut |_| {}).unwrap();
    assert!(report.complete && !report.cancelled, "{report:?}");
    assert_eq!(
        report.embedded,
        151 - 128 + 1,
        "the rest, the new photo, the edit: {report:?}"
    );
    assert_eq!(
        (report.from_thumbnails, report.from_originals),
        (report.embedded, 0)
    );
    let thumbs = old.thumbnails_dir();
    let new = switch.finish().unwrap();
    assert!(new.pending_switch().unwrap().is_none());
    assert_eq!(new.model_name(), "tiny-siglip");
    assert_eq!(new.row_count().unwrap(), 151, "no photo lost");

    // Every photo's new vector is the new model's, of its current content.
    let siglip = Clip::load_dir(&siglip_dir()).unwrap();
    for row in new.rows().unwrap() {
        assert_ne!(row.id, old_id, "the edited photo's old content is gone");
        let stored = new
            .embedding(&row.id)
            .unwrap()
            .expect("every photo has a new vector");
        let direct = thumbnail_vector(&siglip, &thumbs, &row.id);
        assert!(cosine(&stored, &direct) > 0.9999, "{}", row.path);
    }
    let after = text_search(&new, "a photo of a dog");
    assert_eq!(after.len(), 151);
    assert_ne!(after, before, "search answers from the new column");
    assert_eq!(
        index(&new).embedded,
        0,
        "the new model has every photo already"
    );

    // The old column can go; the one in use cannot.
    let columns = new.model_columns().unwrap();
    assert_eq!(columns.len(), 2, "{columns:?}");
    assert!(columns.iter().all(|c| c.photos == 151), "{columns:?}");
    let old_column = columns
        .iter()
        .find(|c| c.column.contains("tiny_clip"))
        .unwrap();
    let own = columns
        .iter()
        .find(|c| c.column.contains("tiny_siglip"))
        .unwrap();
    let refused = new.drop_model_column(&own.column).unwrap_err().to_string();
    assert!(refused.contains("model in use"), "{refused}");
    new.drop_model_column(&old_column.column).unwrap();
    assert_eq!(new.model_columns().unwrap().len(), 1);
    assert_eq!(text_search(&new, "a photo of a dog"), after);
}

#[test]
fn a_switch_reads_thumbnails_not_originals_and_waits_for_a_photo_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let photos = dir.path().join("photos");
    let files = write_photos(&photos, 6, 40);
    let library_dir = dir.path().join("library");
    let old = open_library(&library_dir);
    old.add_roots(std::slice::from_ref(&photos)).unwrap();
    assert_eq!(index(&old).embedded, 6);
    // The originals turn to junk (a decode of them would fail) and one thumbnail goes: that
    // photo cannot be read now, and the switch says so instead of failing or finishing.
    for file in &files {
        std::fs::write(file, b"not a photo any more").unwrap();
    }
    let rows = old.rows().unwrap();
    std::fs::remove_file(iris_core::photo::thumbnail_path(
        &old.thumbnails_dir(),
        &rows[0].id,
    ))
    .unwrap();
    let spec = siglip_dir().to_str().unwrap().to_string();
    let mut switch = old.begin_switch(&spec, DownloadProgress::Silent).unwrap();
    let report = switch.run(1, &IndexControl::new(), &mut |_| {}).unwrap();
    assert_eq!(
        (
            report.embedded,
            report.from_thumbnails,
            report.from_originals,
            report.waiting
        ),
        (5, 5, 0, 1),
        "{report:?}"
    );
    assert!(report.complete, "{report:?}");
    assert_eq!(switch.coverage().unwrap().covered, 5);
    let new = switch.finish().unwrap();
    assert_eq!(new.row_count().unwrap(), 6, "the unreadable photo is kept");
    let again = switching_to_the_model_in_use(&new);
    assert!(again.contains("already uses"), "{again}");
}

/// The error of switching a library to the model it uses.
fn switching_to_the_model_in_use(library: &Library) -> String {
    let spec = siglip_dir().to_str().unwrap().to_string();
    match library.begin_switch(&spec, DownloadProgress::Silent) {
        Ok(_) => panic!("a switch to the model in use started"),
        Err(e) => e.to_string(),
    }
}
