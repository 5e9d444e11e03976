//! How a file's path is written in the catalog: as text, and losslessly. A path that is valid
//! UTF-8 is written as itself. A name that is not UTF-8 (Latin-1 from an old camera, a Windows
//! share or a zip) has each of its stray bytes written as one character of the last private-use
//! block, U+10FF00 + the byte; the bytes of any real character in that block are written the
//! same way. So two different paths never share a text (`to_string_lossy` made "caf\xe9.jpg"
//! and "caf\xe8.jpg" one row), and the text gives back the exact path to open.

use std::path::{Path, PathBuf};

/// The first of the 256 characters that stand for single bytes.
const BYTE_BASE: u32 = 0x10_FF00;

fn byte_char(byte: u8) -> char {
    char::from_u32(BYTE_BASE + u32::from(byte)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

fn is_byte_char(c: char) -> bool {
    c as u32 >= BYTE_BASE
}

/// The catalog's text for a path.
pub fn to_text(path: &Path) -> String {
    if let Some(text) = path.to_str() {
        if !text.chars().any(is_byte_char) {
            return text.to_string();
        }
    }
    bytes_to_text(path_bytes(path).as_ref())
}

/// The path a catalog text stands for.
pub fn to_path(text: &str) -> PathBuf {
    if !text.chars().any(is_byte_char) {
        return PathBuf::from(text);
    }
    let mut bytes = Vec::with_capacity(text.len());
    for c in text.chars() {
        if is_byte_char(c) {
            bytes.push((c as u32 - BYTE_BASE) as u8);
        } else {
            bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }
    path_from_bytes(bytes)
}

fn bytes_to_text(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if is_byte_char(c) {
                text.extend(c.encode_utf8(&mut [0; 4]).bytes().map(byte_char));
            } else {
                text.push(c);
            }
        }
        text.extend(chunk.invalid().iter().copied().map(byte_char));
    }
    text
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().into()
}

#[cfg(unix)]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

// Elsewhere paths are Unicode (Windows' unpaired surrogates aside): the lossy form is the text.
#[cfg(not(unix))]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    path.to_string_lossy().into_owned().into_bytes().into()
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    fn raw(bytes: &[u8]) -> PathBuf {
        PathBuf::from(OsStr::from_bytes(bytes))
    }

    #[test]
    fn utf8_paths_are_their_own_text() {
        for p in ["/photos/café/日本 📷.jpg", "/a/line\nbreak.jpg", ""] {
            assert_eq!(to_text(Path::new(p)), p);
            assert_eq!(to_path(p), PathBuf::from(p));
        }
    }

    #[test]
    fn names_that_are_not_utf8_keep_apart_and_come_back_exactly() {
        let (e9, e8) = (raw(b"/p/caf\xe9.jpg"), raw(b"/p/caf\xe8.jpg"));
        let (t9, t8) = (to_text(&e9), to_text(&e8));
        assert_ne!(t9, t8);
        assert!(t9.starts_with("/p/caf") && t9.ends_with(".jpg"), "{t9:?}");
        assert_eq!(to_path(&t9), e9);
        assert_eq!(to_path(&t8), e8);
        for bytes in [
            &b"\xff\xfe"[..],
            b"\xc3",
            b"ok\xf0\x9f\x93",
            b"\x80/\xc3\xa9/\xed\xa0\x80",
        ] {
            assert_eq!(to_path(&to_text(&raw(bytes))), raw(bytes), "{bytes:?}");
        }
    }

    #[test]
    fn a_real_character_of_the_byte_block_cannot_pass_for_a_byte() {
        let odd = PathBuf::from("/p/\u{10FFE9}.jpg");
        let latin = raw(b"/p/\xe9.jpg");
        assert_ne!(to_text(&odd), to_text(&latin));
        assert_eq!(to_path(&to_text(&odd)), odd);
        assert_eq!(to_path(&to_text(&latin)), latin);
    }
}
