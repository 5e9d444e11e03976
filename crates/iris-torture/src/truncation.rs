//! Case 1, truncation: a valid photo in every format cut short, at 40 offsets spread over the
//! file (short profile) or at every 37th byte (long), dropped into a root beside the intact
//! photos, which were indexed first. Each cut file must be a failed row with a reason, or an
//! indexed photo where its first bytes still decode; the intact photos stay indexed.

use crate::formats::seeds;
use crate::promise::{check, index_root, panic_count, panics_since, rows_of};
use crate::{Problems, Profile};
use std::path::Path;

/// The lengths a file of `len` bytes is cut to: never 0 (an empty file is its own case) nor
/// `len` (the intact file).
pub fn cut_lengths(len: usize, profile: Profile) -> Vec<usize> {
    let cuts: Vec<usize> = match profile {
        Profile::Long => (1..len).step_by(37).collect(),
        Profile::Short => (0..40)
            .map(|i| 1 + i * (len.saturating_sub(2)) / 39)
            .collect(),
    };
    let mut cuts: Vec<usize> = cuts.into_iter().filter(|&c| c > 0 && c < len).collect();
    cuts.dedup();
    cuts
}

pub fn run(profile: Profile, work: &Path) -> Result<Problems, String> {
    let root = work.join("photos");
    let lib = work.join("library");
    std::fs::create_dir_all(&root).map_err(|e| e.to_string())?;
    let seeds = seeds(96, 72, work)?;
    for seed in &seeds {
        let path = root.join(format!("whole.{}", seed.ext));
        std::fs::write(&path, &seed.bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let first = index_root(&lib, &root)?;
    let before = rows_of(&lib)?;
    let mut problems = Vec::new();
    if first.embedded != seeds.len() {
        problems.push(format!(
            "{} of {} intact seed photos were indexed",
            first.embedded,
            seeds.len()
        ));
    }
    let mut total = 0;
    for seed in &seeds {
        let cuts = cut_lengths(seed.bytes.len(), profile);
        total += cuts.len();
        for cut in &cuts {
            let path = root.join(format!("{}-cut-{cut:06}.{}", seed.ext, seed.ext));
            std::fs::write(&path, &seed.bytes[..*cut])
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        println!(
            "  {}: {} bytes cut at {} lengths",
            seed.ext,
            seed.bytes.len(),
            cuts.len()
        );
    }
    let panics = panic_count();
    let report = index_root(&lib, &root)?;
    println!(
        "  {total} cut files: {} indexed (their first bytes still decode), {} failed rows",
        report.embedded, report.failed
    );
    problems.extend(check(&lib, &root, &before)?);
    problems.extend(panics_since(panics));
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_cuts_are_forty_spread_over_the_file_and_long_ones_every_37th_byte() {
        let short = cut_lengths(2000, Profile::Short);
        assert_eq!(short.len(), 40);
        assert_eq!((short[0], *short.last().unwrap()), (1, 1999));
        let long = cut_lengths(2000, Profile::Long);
        assert_eq!(long.len(), 55);
        assert_eq!(long[1] - long[0], 37);
        assert!(cut_lengths(10, Profile::Short)
            .iter()
            .all(|&c| c > 0 && c < 10));
        assert!(cut_lengths(1, Profile::Short).is_empty());
    }
}
