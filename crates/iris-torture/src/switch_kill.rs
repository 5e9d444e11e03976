//! Case switch-kill (issue "More models", item 7): `iris switch` from the demo model to the
//! tiny SigLIP parity model, killed with SIGKILL at a random moment within three times an
//! uninterrupted switch, round after round, while an `iris index` of the old model runs beside
//! it with new, changed and deleted photos. Half the photos are large enough for the switch
//! to read their thumbnails, half so small that it decodes the originals. After each kill the
//! library opens with the old model and is consistent, and a switch record is whole; at the end
//! the switch, resumed, completes; the new model then has every photo (an index run with it
//! embeds none), and rows and vectors are those of a clean switch of the same photos.

use crate::cli::{finish, iris};
use crate::formats::write_photos;
use crate::kill::catalog_of;
use crate::mutate::Rng;
use crate::promise::{check, consistent_so_far, index_root, panic_count, panics_since, rows_of};
use crate::{Problems, Profile};
use iris_core::models::DownloadProgress;
use iris_core::{IndexControl, Library};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

fn kills(profile: Profile) -> u64 {
    match profile {
        Profile::Short => 8,
        Profile::Long => 50,
    }
}

/// Photos added in each round, half of each size.
const PHOTOS_PER_ROUND: u32 = 60;

fn siglip() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../iris-clip/tests/fixtures/siglip/tiny-siglip")
}

/// Photos seeded from `first`: half 96x72 (their thumbnails reach SigLIP's 64 px input), half
/// 48x36 (the switch must decode the originals).
fn add_photos(root: &Path, first: u32, count: u32) -> Result<(), String> {
    write_photos(root, first, count / 2, 96, 72)?;
    write_photos(root, first + count / 2, count - count / 2, 48, 36)?;
    Ok(())
}

fn start(library: &Path, args: &[&str]) -> Result<Child, String> {
    iris(library, args)?
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting iris: {e}"))
}

/// Runs `iris switch TARGET` to its end (with no TARGET: resumes the recorded switch).
fn run_switch(library: &Path, target: &str) -> Result<(), String> {
    let mut args = vec!["switch", "--workers", "2"];
    if !target.is_empty() {
        args.push(target);
    }
    let out = finish(start(library, &args)?)?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "iris switch failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

pub fn run(profile: Profile, work: &Path) -> Result<Problems, String> {
    let root = work.join("photos");
    let lib = work.join("library");
    let target = siglip();
    let target = target.to_str().ok_or("the fixture's path is not UTF-8")?;
    add_photos(&root, 0, 4 * PHOTOS_PER_ROUND)?;
    index_root(&lib, &root)?;
    // An uninterrupted switch of a copy times the work: kills land within 3x that.
    let timing = work.join("timing");
    index_root(&timing, &root)?;
    let timed = Instant::now();
    run_switch(&timing, target)?;
    let run_ms = timed.elapsed().as_millis().max(1) as usize;
    println!("  an uninterrupted switch takes {run_ms} ms: kills land within 3x that");

    let mut problems = Vec::new();
    let mut rng = Rng::for_iteration(0x5317, 0);
    let (mut killed_running, mut finished_first) = (0, 0);
    let panics = panic_count();
    let mut round = 0;
    let root_arg = root.to_str().ok_or("the test root's path is not UTF-8")?;
    while killed_running < kills(profile) && round < 4 * kills(profile) {
        add_photos(
            &root,
            1_000 + round as u32 * PHOTOS_PER_ROUND,
            PHOTOS_PER_ROUND,
        )?;
        let _ = std::fs::remove_file(root.join(format!("photo-{:06}.jpg", round * 3)));
        write_photos(&root, 500_000 + round as u32, 1, 96, 72)?;
        std::fs::rename(
            root.join(format!("photo-{:06}.jpg", 500_000 + round)),
            root.join(format!("photo-{:06}.jpg", round * 3 + 1)),
        )
        .map_err(|e| e.to_string())?;
        let index = start(&lib, &["index", "--workers", "1", root_arg])?;
        let mut switch = start(&lib, &["switch", target, "--workers", "1"])?;
        let delay = Duration::from_millis(rng.below(3 * run_ms) as u64);
        let started = Instant::now();
        while started.elapsed() < delay && switch.try_wait().map_err(|e| e.to_string())?.is_none() {
            std::thread::sleep(Duration::from_millis(5));
        }
        let killed = switch.try_wait().map_err(|e| e.to_string())?.is_none();
        if killed {
            switch.kill().map_err(|e| format!("kill -9: {e}"))?;
            killed_running += 1;
        } else {
            finished_first += 1;
        }
        let _ = finish(switch)?;
        let indexed = finish(index)?;
        if !indexed.status.success() {
            problems.push(format!(
                "round {round}: iris index beside the switch failed: {}",
                String::from_utf8_lossy(&indexed.stderr)
            ));
        }
        let rows =
            rows_of(&lib).map_err(|e| format!("round {round}, after a kill at {delay:?}: {e}"))?;
        for problem in consistent_so_far(&rows, &root) {
            problems.push(format!("round {round} (killed at {delay:?}): {problem}"));
        }
        // Killed before it recorded itself, or after it finished, there is no record; a
        // record there is whole (written atomically).
        if let Ok(text) = std::fs::read_to_string(lib.join("switch.json")) {
            if serde_json::from_str::<serde_json::Value>(&text).is_err() {
                problems.push(format!("round {round}: switch.json is not whole: {text:?}"));
            }
        }
        round += 1;
    }
    println!(
        "  {round} rounds: {killed_running} switches killed while running, {finished_first} finished before their kill"
    );
    index_root(&lib, &root)?;
    // A recorded switch resumes with no model named; one that finished is started again.
    match lib.join("switch.json").is_file() {
        true => run_switch(&lib, "")?,
        false => run_switch(&lib, target)?,
    }
    problems.extend(check(&lib, &root, &[])?);
    problems.extend(compare_with_clean_switch(work, &lib, &root, target)?);
    if killed_running < kills(profile) {
        problems.push(format!(
            "only {killed_running} kills landed while the switch ran in {round} rounds"
        ));
    }
    problems.extend(panics_since(panics));
    Ok(problems)
}

/// The switched library against a clean switch of the same photos (indexed with the demo
/// model, then switched with no kill and nothing beside it): the same rows, nothing left for
/// the new model to embed, and every photo's new vector the clean switch's for its content
/// (a stale vector, of what a file held before an edit, would differ).
fn compare_with_clean_switch(
    work: &Path,
    lib: &Path,
    root: &Path,
    target: &str,
) -> Result<Problems, String> {
    let mut problems = Vec::new();
    let clean_dir = work.join("clean");
    index_root(&clean_dir, root)?;
    run_switch(&clean_dir, target)?;
    if catalog_of(lib)? != catalog_of(&clean_dir)? {
        problems.push("the switched catalog's rows differ from a cleanly switched one".into());
    }
    let open = |dir: &Path| {
        Library::open_model(dir, target, DownloadProgress::Silent)
            .map_err(|e| format!("opening {} with SigLIP: {e}", dir.display()))
    };
    let (switched, clean) = (open(lib)?, open(&clean_dir)?);
    let again = switched
        .index(2, &IndexControl::new(), &mut |_| {})
        .map_err(|e| e.to_string())?;
    if again.embedded > 0 {
        problems.push(format!(
            "after the switch, indexing with the new model embedded {} photos",
            again.embedded
        ));
    }
    let rows = switched.rows().map_err(|e| e.to_string())?;
    let (mut compared, mut differ, mut worst) = (0, 0, 1.0f32);
    for row in rows
        .iter()
        .filter(|r| r.status != iris_core::Status::Failed)
    {
        let ours = switched.embedding(&row.id).map_err(|e| e.to_string())?;
        let theirs = clean.embedding(&row.id).map_err(|e| e.to_string())?;
        let (Some(ours), Some(theirs)) = (ours, theirs) else {
            problems.push(format!("{}: no vector of the new model", row.path));
            continue;
        };
        let c = cosine(&ours, &theirs);
        compared += 1;
        worst = worst.min(c);
        if c < 0.99999 {
            differ += 1;
        }
    }
    println!("  {compared} photos switched; worst cosine with the clean switch {worst:.6}");
    if differ > 0 {
        problems.push(format!(
            "{differ} of {compared} switched vectors differ from the clean switch's (worst cosine {worst:.6})"
        ));
    }
    Ok(problems)
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>() / (norm(a) * norm(b))
}
