//! One writer per library: a lock file (`writer.lock`, an OS advisory lock) that every writing
//! job holds while it writes, so the app and `iris watch`, or two CLI runs, take turns instead
//! of racing on the catalog. Readers (search, browse, status) never take it. The holder's pid
//! is written into the file so the one waiting can say whom it waits for. The OS drops the
//! lock when its holder exits, kill -9 included, so a crashed writer never leaves it stuck.

use crate::error::{CoreError, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The held lock; dropping it lets the next writer in.
#[derive(Debug)]
pub struct WriterLock {
    file: File,
}

fn lock_path(dir: &Path) -> PathBuf {
    dir.join("writer.lock")
}

fn open(dir: &Path) -> Result<File> {
    open_file(&lock_path(dir))
}

fn open_file(path: &Path) -> Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| CoreError::io(path, e))
}

/// Holds an exclusive lock on the file `path` (made if missing), waiting for another holder,
/// until the returned file is dropped: for a short read-modify-write of a small library file
/// (the roots list), which must not wait for a whole index run under the writer lock.
pub(crate) fn exclusive(path: &Path) -> Result<File> {
    let file = open_file(path)?;
    file.lock().map_err(|e| CoreError::io(path, e))?;
    Ok(file)
}

impl WriterLock {
    /// Takes the lock of the library in `dir`, waiting for the holder if there is one; before
    /// it waits, `on_wait` is told the holder's pid (when the holder wrote one).
    pub fn acquire(dir: &Path, on_wait: &mut dyn FnMut(Option<u32>)) -> Result<Self> {
        let file = open(dir)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                on_wait(read_pid(&mut &file));
                file.lock().map_err(|e| CoreError::io(lock_path(dir), e))?;
            }
            Err(TryLockError::Error(e)) => return Err(CoreError::io(lock_path(dir), e)),
        }
        Self::holding(file, dir)
    }

    /// Takes the lock if nobody holds it; None when another writer does.
    pub fn try_acquire(dir: &Path) -> Result<Option<Self>> {
        let file = open(dir)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Self::holding(file, dir)?)),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(CoreError::io(lock_path(dir), e)),
        }
    }

    /// Writes this process's pid into the lock file it holds.
    fn holding(mut file: File, dir: &Path) -> Result<Self> {
        let pid = std::process::id().to_string();
        let written = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(pid.as_bytes()));
        written.map_err(|e| CoreError::io(lock_path(dir), e))?;
        Ok(Self { file })
    }

    /// The pid of the process writing the library in `dir` now, if one is; `Some(0)` when a
    /// writer holds the lock but its pid is unreadable.
    pub fn holder(dir: &Path) -> Option<u32> {
        let file = open(dir).ok()?;
        match file.try_lock() {
            Ok(()) => None,
            Err(_) => Some(read_pid(&mut &file).unwrap_or(0)),
        }
    }
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

fn read_pid(file: &mut &File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn a_second_writer_waits_for_the_first_and_learns_its_pid() {
        let dir = tempfile::tempdir().unwrap();
        let first = WriterLock::acquire(dir.path(), &mut |_| panic!("nobody holds it")).unwrap();
        assert_eq!(WriterLock::holder(dir.path()), Some(std::process::id()));
        assert!(WriterLock::try_acquire(dir.path()).unwrap().is_none());
        let (told, heard) = mpsc::channel();
        let (got, taken) = mpsc::channel();
        let path = dir.path().to_path_buf();
        let second = std::thread::spawn(move || {
            let lock = WriterLock::acquire(&path, &mut |pid| told.send(pid).unwrap()).unwrap();
            got.send(()).unwrap();
            drop(lock);
        });
        let pid = heard.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(pid, Some(std::process::id()));
        assert!(
            taken.recv_timeout(Duration::from_millis(300)).is_err(),
            "the second writer got in while the first held the lock"
        );
        drop(first);
        taken.recv_timeout(Duration::from_secs(5)).unwrap();
        second.join().unwrap();
        assert_eq!(WriterLock::holder(dir.path()), None);
        assert!(WriterLock::try_acquire(dir.path()).unwrap().is_some());
    }
}
