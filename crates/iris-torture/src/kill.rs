//! Case 4, kill -9 at random moments: `iris index` (a separate process) is killed at a random
//! moment within three times what an uninterrupted run takes, round after round, until 20
//! kills (long: 100) have landed while it ran; each round has new, changed and deleted photos
//! for it to work on. Runs that end before their kill, and the table's compaction once its
//! fragments pile up, put other kills after the last commit. After each kill the catalog must
//! open and be consistent as far as it got (one row per path, rows hold their file's content,
//! failures have reasons); at the end one uninterrupted run must converge to the same catalog
//! as a library indexed once, without kills, from the same folder.

use crate::cli::{finish, start_index};
use crate::formats::write_photos;
use crate::mutate::Rng;
use crate::promise::{check, consistent_so_far, index_root, panic_count, panics_since, rows_of};
use crate::{Problems, Profile};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

/// Kills that must land while `iris index` runs; rounds go on until they have (at most four
/// times as many rounds: a run that ends before its kill tests the moments after its last
/// commit and compaction).
fn kills(profile: Profile) -> u64 {
    match profile {
        Profile::Short => 20,
        Profile::Long => 100,
    }
}

/// Photos added in each round (and in the first, uninterrupted run that times one).
const PHOTOS_PER_ROUND: u32 = 120;

pub fn run(profile: Profile, work: &Path) -> Result<Problems, String> {
    let root = work.join("photos");
    let lib = work.join("library");
    write_photos(&root, 0, PHOTOS_PER_ROUND, 64, 48)?;
    // One uninterrupted run times a round's work: kills land uniformly within three times
    // that, so that some runs get to their last commit and compaction, or past them.
    let timed = Instant::now();
    let first = finish(start_index(&lib, &root)?)?;
    if !first.status.success() {
        return Err(format!(
            "the first iris run failed: {}",
            String::from_utf8_lossy(&first.stderr)
        ));
    }
    let run_ms = timed.elapsed().as_millis().max(1) as usize;
    println!(
        "  an uninterrupted run of {PHOTOS_PER_ROUND} photos takes {run_ms} ms: kills land within 3x the last uninterrupted run"
    );
    // Later runs can be quicker than the first (warm caches: on a 2-core EPYC 64 of 80 runs
    // finished before a kill drawn from the first run's time), so each run that finishes
    // first sets the window the next kills are drawn from.
    let mut window_ms = run_ms;
    let mut problems = Vec::new();
    let mut rng = Rng::for_iteration(0x4B11, 0);
    let (mut killed_running, mut finished_first) = (0, 0);
    let panics = panic_count();
    let mut round = 0;
    while killed_running < kills(profile) && round < 4 * kills(profile) {
        // New photos, one photo changed in place and one deleted: work for the run to do.
        let first = 1_000 + round as u32 * PHOTOS_PER_ROUND;
        write_photos(&root, first, PHOTOS_PER_ROUND, 64, 48)?;
        let _ = std::fs::remove_file(root.join(format!("photo-{:06}.jpg", round * 3)));
        write_photos(&root, 500_000 + round as u32, 1, 64, 48)?;
        std::fs::rename(
            root.join(format!("photo-{:06}.jpg", 500_000 + round)),
            root.join(format!("photo-{:06}.jpg", round * 3 + 1)),
        )
        .map_err(|e| e.to_string())?;
        let mut child = start_index(&lib, &root)?;
        let delay = Duration::from_millis(rng.below(3 * window_ms) as u64);
        let started = Instant::now();
        while started.elapsed() < delay {
            if child.try_wait().map_err(|e| e.to_string())?.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        if child.try_wait().map_err(|e| e.to_string())?.is_none() {
            child.kill().map_err(|e| format!("kill -9: {e}"))?;
            killed_running += 1;
        } else {
            finished_first += 1;
            window_ms = started.elapsed().as_millis().max(1) as usize;
        }
        let _ = finish(child)?;
        let rows =
            rows_of(&lib).map_err(|e| format!("round {round}, after a kill at {delay:?}: {e}"))?;
        for problem in consistent_so_far(&rows, &root) {
            problems.push(format!("round {round} (killed at {delay:?}): {problem}"));
        }
        round += 1;
    }
    println!(
        "  {round} rounds: {killed_running} runs killed while running, {finished_first} finished before their kill"
    );
    let after_kills = index_root(&lib, &root)?;
    println!(
        "  uninterrupted rerun: {} embedded, {} unchanged, {} removed",
        after_kills.embedded, after_kills.unchanged, after_kills.removed
    );
    problems.extend(check(&lib, &root, &[])?);
    let reference = work.join("reference");
    index_root(&reference, &root)?;
    let (ours, theirs) = (catalog_of(&lib)?, catalog_of(&reference)?);
    if ours != theirs {
        let missing = theirs.difference(&ours).count();
        let extra = ours.difference(&theirs).count();
        problems.push(format!(
            "the catalog after kills differs from one indexed without kills: {missing} rows missing, {extra} extra"
        ));
    }
    if killed_running < kills(profile) {
        problems.push(format!(
            "only {killed_running} kills landed while iris was running in {round} rounds"
        ));
    }
    problems.extend(panics_since(panics));
    Ok(problems)
}

/// What a catalog holds, as comparable rows: path, content id, state.
pub(crate) fn catalog_of(dir: &Path) -> Result<BTreeSet<(String, String, &'static str)>, String> {
    let rows = rows_of(dir)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.path, r.id, r.status.as_str()))
        .collect())
}
