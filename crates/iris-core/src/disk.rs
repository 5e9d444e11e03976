//! How much disk a folder takes: the library in About, catalogs in benchmarks.

use std::path::Path;

/// Bytes of the files under `dir`, links not followed (0 for a folder that is not there).
pub fn usage(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(m) if m.is_dir() => usage(&entry.path()),
            Ok(m) if m.is_file() => m.len(),
            _ => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_counts_every_file_below_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("thumbs/ab")).unwrap();
        std::fs::write(dir.path().join("catalog.bin"), vec![0u8; 1000]).unwrap();
        std::fs::write(dir.path().join("thumbs/ab/1.jpg"), vec![0u8; 234]).unwrap();
        assert_eq!(usage(dir.path()), 1234);
        assert_eq!(usage(&dir.path().join("absent")), 0);
    }
}
