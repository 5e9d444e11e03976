//! Case 7, hostile names: photos whose names hold bytes that are not UTF-8, newlines, tabs,
//! quotes, `%` sequences, markup, leading dashes, 255 bytes, CJK and emoji; a photo 100
//! folders deep; a symlink loop, a link to itself, a dangling link and a link to a photo; and a
//! photo replaced by a folder of the same name between two runs. Each is indexed or reported,
//! never a crash, and the promise holds after both runs.

use crate::formats::{encode, picture};
use crate::promise::{check, index_root, panic_count, panics_since, rows_of};
use crate::Problems;
use image::ImageFormat;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The hostile file names, as bytes.
fn names() -> Vec<Vec<u8>> {
    let mut names: Vec<Vec<u8>> = [
        "line\nbreak.jpg",
        "tab\there.jpg",
        "quote\"s 'and' `ticks`.jpg",
        "100% %s %n %2e%2e%2f.jpg",
        "-rf.jpg",
        "--help.jpg",
        "<img src=x onerror=alert(1)>.jpg",
        "back\\slash.jpg",
        "日本語 写真.jpg",
        "camera 📷.jpg",
        " leading and trailing space .jpg",
    ]
    .iter()
    .map(|n| n.as_bytes().to_vec())
    .collect();
    // Latin-1 names from an old camera or a Windows share: not UTF-8, and differing only there.
    names.push(b"caf\xe9.jpg".to_vec());
    names.push(b"caf\xe8.jpg".to_vec());
    names.push(b"\xff\xfe.jpg".to_vec());
    let mut long = vec![b'x'; 251];
    long.extend(b".jpg");
    names.push(long);
    let mut wide = "é".repeat(125).into_bytes();
    wide.extend(b".jpg");
    names.push(wide);
    names
}

fn photo(seed: u32) -> Result<Vec<u8>, String> {
    encode(&picture(seed, 48, 36), ImageFormat::Jpeg)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn run(work: &Path) -> Result<Problems, String> {
    let root = work.join("photos");
    let lib = work.join("library");
    std::fs::create_dir_all(&root).map_err(|e| e.to_string())?;
    let names = names();
    for (i, name) in names.iter().enumerate() {
        write(&root.join(OsStr::from_bytes(name)), &photo(i as u32)?)?;
    }
    let mut deep = root.clone();
    for _ in 0..100 {
        deep.push("nest");
    }
    std::fs::create_dir_all(&deep).map_err(|e| e.to_string())?;
    write(&deep.join("deep.jpg"), &photo(100)?)?;
    write(&root.join("swap.jpg"), &photo(101)?)?;
    let link = |target: &Path, name: &str| {
        std::os::unix::fs::symlink(target, root.join(name)).map_err(|e| format!("{name}: {e}"))
    };
    link(&root, "loop")?;
    link(Path::new("self-link"), "self-link")?;
    link(Path::new("/nowhere/at/all.jpg"), "dangling.jpg")?;
    link(&root.join("swap.jpg"), "link-to-swap.jpg")?;
    println!(
        "  {} hostile names, a photo 100 folders deep, 4 symlinks (loop, self, dangling, to a photo)",
        names.len()
    );
    let panics = panic_count();
    let first = index_root(&lib, &root)?;
    println!(
        "  first run: {} embedded, {} failed",
        first.embedded, first.failed
    );
    let mut problems = check(&lib, &root, &[])?;
    let before = rows_of(&lib)?;
    // The photo becomes a folder of the same name holding another photo.
    std::fs::remove_file(root.join("link-to-swap.jpg")).map_err(|e| e.to_string())?;
    std::fs::remove_file(root.join("swap.jpg")).map_err(|e| e.to_string())?;
    std::fs::create_dir(root.join("swap.jpg")).map_err(|e| e.to_string())?;
    write(&root.join("swap.jpg").join("inner.jpg"), &photo(102)?)?;
    let second = index_root(&lib, &root)?;
    println!(
        "  after swap.jpg became a folder: {} embedded, {} removed",
        second.embedded, second.removed
    );
    problems.extend(check(&lib, &root, &before)?);
    problems.extend(panics_since(panics));
    Ok(problems)
}
