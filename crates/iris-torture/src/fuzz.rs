//! Case 3, mutation fuzzing of the decode path in process: 10,000 (long: 200,000) mutants of
//! the seed corpus (bit flips, edge bytes, insertions, duplicated and removed chunks; see
//! `mutate`) through the engine's whole decode of one file (`photo::decode`: format sniffing,
//! EXIF, HEIF, RAW previews, reduced-scale decode, orientation, thumbnail). A panic, even one
//! the engine catches, is a finding: its input is saved for a regression file. An abort takes
//! the process down, and the input being decoded is then left in the work folder printed at
//! the start. Files in tests/torture/regressions/ (crashes found before) are decoded first.

use crate::formats::seeds;
use crate::mutate::{mutate, Rng};
use crate::promise::{open_library, panic_count, panic_messages};
use crate::{Problems, Profile};
use iris_core::photo;
use iris_core::scan::FileEntry;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The fixed seed of the mutations: a finding is reproduced by its iteration number.
pub const SEED: u64 = 0x1415_9265_3589;

/// Where crashes found earlier are kept, relative to the repository root.
pub const REGRESSIONS: &str = "tests/torture/regressions";

fn iterations(profile: Profile) -> u64 {
    match profile {
        Profile::Short => 10_000,
        Profile::Long => 200_000,
    }
}

/// Tally of one format's mutants.
#[derive(Default)]
struct Tally {
    tried: u64,
    decoded: u64,
}

pub fn run(profile: Profile, work: &Path) -> Result<Problems, String> {
    let seeds = seeds(48, 36, work)?;
    let library = open_library(&work.join("library"))?;
    let pre = library.clip().preprocessor();
    let thumbs = work.join("thumbs");
    let current = work.join("current-input");
    let found = std::env::temp_dir().join("iris-torture-found");
    println!(
        "  work folder {} (after an abort, current-input there is the file that did it)",
        work.display()
    );
    let mut problems = Vec::new();
    let decode = |bytes: &[u8], name: &str| {
        let entry = FileEntry {
            path: PathBuf::from(name),
            size: bytes.len() as u64,
            mtime_ns: 0,
        };
        let panics = panic_count();
        let result = photo::decode(bytes, &entry, pre, &thumbs, "fuzz");
        (result.is_ok(), panic_count() > panics)
    };
    for (name, bytes) in regression_files()? {
        if decode(&bytes, &name).1 {
            problems.push(format!("regression file {name} panics again"));
        }
    }
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let started = std::time::Instant::now();
    let count = iterations(profile);
    for iteration in 0..count {
        let mut rng = Rng::for_iteration(SEED, iteration);
        let seed = &seeds[rng.below(seeds.len())];
        let bytes = mutate(&seed.bytes, &mut rng);
        std::fs::write(&current, &bytes).map_err(|e| format!("{}: {e}", current.display()))?;
        let name = format!("mutant.{}", seed.ext);
        let (decoded, panicked) = decode(&bytes, &name);
        let tally = tallies.entry(seed.ext).or_default();
        tally.tried += 1;
        tally.decoded += u64::from(decoded);
        if panicked {
            let kept = keep_finding(&found, iteration, seed.ext, &bytes);
            problems.push(format!(
                "iteration {iteration} ({} mutant) panicked; input kept as {kept}",
                seed.ext
            ));
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    for (ext, tally) in &tallies {
        println!(
            "  {ext}: {} mutants, {} still decoded, {} refused with a reason",
            tally.tried,
            tally.decoded,
            tally.tried - tally.decoded
        );
    }
    println!(
        "  {count} mutants in {seconds:.1} s ({:.0} a second), seed {SEED:#x}",
        count as f64 / seconds.max(1e-9)
    );
    if !problems.is_empty() {
        problems.push(format!("panic messages: {:?}", panic_messages()));
    }
    Ok(problems)
}

/// Saves a mutant that panicked, for a regression file; says where (or why it could not).
fn keep_finding(folder: &Path, iteration: u64, ext: &str, bytes: &[u8]) -> String {
    let path = folder.join(format!("iteration-{iteration}.{ext}"));
    match std::fs::create_dir_all(folder).and_then(|_| std::fs::write(&path, bytes)) {
        Ok(()) => path.display().to_string(),
        Err(e) => format!("nowhere ({}: {e})", path.display()),
    }
}

/// The regression files, by name; none when the folder is absent (run from elsewhere).
fn regression_files() -> Result<Vec<(String, Vec<u8>)>, String> {
    let Ok(entries) = std::fs::read_dir(REGRESSIONS) else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.ends_with(".md") {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| format!("{name}: {e}"))?;
        files.push((name, bytes));
    }
    Ok(files)
}
