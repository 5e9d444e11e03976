//! `iris switch` through the binary: a switch from the tiny CLIP model to the tiny SigLIP one
//! killed with kill -9 after its first commit leaves a library that searches as before and a
//! recorded switch; running `iris switch` again resumes from the commits, and afterwards the
//! new model finds every photo embedded already.

mod common;

use common::{fixtures, iris, iris_command, stdout_json};
use image::{Rgb, RgbImage};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

#[test]
fn a_switch_killed_mid_way_keeps_the_library_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let photos = dir.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    let count = 400u32;
    for i in 0..count {
        let img = RgbImage::from_fn(96, 72, |x, y| {
            Rgb([
                (x * 3 + i) as u8,
                (y * 5 + i * 7) as u8,
                (i * 13 % 251) as u8,
            ])
        });
        img.save(photos.join(format!("p{i:03}.jpg"))).unwrap();
    }
    let library = dir.path().join("library");
    let clip = fixtures().join("tiny-clip");
    let siglip = fixtures().join("siglip/tiny-siglip");
    let indexed = stdout_json(&iris(
        &clip,
        &library,
        &["--json", "index", photos.to_str().unwrap()],
    ));
    assert_eq!(indexed["embedded"], count);
    let search = |model: &Path| {
        stdout_json(&iris(
            model,
            &library,
            &["--json", "search", "a dog", "-k", "1000"],
        ))
    };
    let before = search(&clip);

    let mut child = iris_command(
        &clip,
        &library,
        &["switch", siglip.to_str().unwrap(), "--workers", "1"],
    )
    .stderr(Stdio::piped())
    .stdout(Stdio::null())
    .spawn()
    .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = None;
    for line in stderr.lines() {
        let line = line.unwrap();
        if let Some(done) = line.strip_prefix("switch: ") {
            first = Some(done.to_string());
            break;
        }
    }
    // kill -9: no destructor, no cleanup.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the switch ended before the kill");
    let first = first.expect("the switch reported a commit");
    let committed: usize = first.split('/').next().unwrap().parse().unwrap();
    assert!(committed >= 128 && committed < count as usize, "{first}");

    assert_eq!(
        search(&clip),
        before,
        "the old model searches as before the switch"
    );
    assert!(
        library.join("switch.json").is_file(),
        "the switch is recorded"
    );

    let resumed = stdout_json(&iris(&clip, &library, &["--json", "switch"]));
    assert_eq!(resumed["complete"], true, "{resumed}");
    let embedded = resumed["embedded"].as_u64().unwrap() as usize;
    assert!(
        embedded > 0 && embedded <= count as usize - committed,
        "resumed from the commits: {embedded} after {committed}"
    );
    assert!(!library.join("switch.json").exists());
    let reindexed = stdout_json(&iris(&siglip, &library, &["--json", "index"]));
    assert_eq!(reindexed["embedded"], 0, "{reindexed}");
    assert_eq!(reindexed["unchanged"], count, "{reindexed}");
    let after = search(&siglip);
    assert_eq!(after.as_array().unwrap().len(), count as usize);
}
