//! What the app was started with: the paths a file manager or a shell hands it ("Open with"
//! on folders adds them as roots, on a photo searches with it), and whether it was started
//! under the name `iris`, as the installed package's link to this binary, to be the CLI.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The command-line paths, sorted by what they ask for.
#[derive(Debug, Default, PartialEq)]
pub struct LaunchPaths {
    /// Folders to add as roots.
    pub folders: Vec<PathBuf>,
    /// The photo to search with (the last file given; a search takes one query photo).
    pub photo: Option<PathBuf>,
}

/// Folders become roots, a file becomes the query photo; relative paths are taken from the
/// current directory. A path that does not exist is kept as a folder, so that adding it
/// reports the error the window shows for any bad root.
pub fn sort_paths(paths: Vec<PathBuf>) -> LaunchPaths {
    let here = std::env::current_dir().unwrap_or_default();
    sort_paths_in(paths, &here)
}

/// [`sort_paths`] for a launch that ran in `cwd` (a second launch, handed to the first).
pub fn sort_paths_in(paths: Vec<PathBuf>, cwd: &Path) -> LaunchPaths {
    let mut launch = LaunchPaths::default();
    for path in paths {
        let path = cwd.join(path);
        if path.is_file() {
            launch.photo = Some(path);
        } else {
            launch.folders.push(path);
        }
    }
    launch
}

/// Whether the program was started as `iris` (the CLI) rather than `iris-desktop`.
pub fn invoked_as_cli(program: Option<&OsStr>) -> bool {
    program
        .and_then(|p| Path::new(p).file_stem())
        .is_some_and(|stem| stem == "iris")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_become_roots_and_a_file_the_query() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("beach.jpg");
        std::fs::write(&photo, b"not decoded here").unwrap();
        let absent = dir.path().join("no such folder");
        let launch = sort_paths(vec![
            dir.path().to_path_buf(),
            photo.clone(),
            absent.clone(),
        ]);
        assert_eq!(launch.folders, vec![dir.path().to_path_buf(), absent]);
        assert_eq!(launch.photo, Some(photo));
    }

    #[test]
    fn a_second_launchs_relative_paths_are_taken_from_its_own_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("beach.jpg"), b"x").unwrap();
        let launch = sort_paths_in(vec![PathBuf::from("beach.jpg")], dir.path());
        assert_eq!(launch.photo, Some(dir.path().join("beach.jpg")));
    }

    #[test]
    fn relative_paths_are_made_absolute() {
        let launch = sort_paths(vec![PathBuf::from("some/relative/folder")]);
        assert!(launch.folders[0].is_absolute(), "{:?}", launch.folders);
        assert!(launch.folders[0].ends_with("some/relative/folder"));
    }

    #[test]
    fn the_cli_name_is_recognised_from_any_path() {
        assert!(invoked_as_cli(Some(OsStr::new("/usr/bin/iris"))));
        assert!(invoked_as_cli(Some(OsStr::new("iris"))));
        assert!(!invoked_as_cli(Some(OsStr::new("/usr/bin/iris-desktop"))));
        assert!(!invoked_as_cli(Some(OsStr::new("iris-desktop"))));
        assert!(!invoked_as_cli(None));
    }
}
