//! Live folders: [`RootWatcher`] watches every root (inotify, FSEvents or
//! ReadDirectoryChanges through `notify`, behind a debouncer) and says which roots need a
//! reconcile, that is an index run of those roots, which brings the catalog in line with the
//! disk (new files embedded, gone ones removed, moved ones keeping their embedding).
//!
//! - A change is reported once its files have settled: no event for [`SETTLE`], so a file
//!   being copied is not read half-written.
//! - Lost events are never a silent miss: a queue overflow (the kernel dropped events) or a
//!   watch that failed (the inotify watch limit, say) reconciles the root.
//! - Roots where events do not arrive (network mounts: NFS, SMB, FUSE, 9P) or that are not
//!   there now (an unplugged drive, which may come back) are reconciled on a timer instead.

use crate::error::{CoreError, Result};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, DebouncedEvent};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a file must be quiet before its change is reported.
pub const SETTLE: Duration = Duration::from_millis(1000);

/// How often roots without events (network mounts, offline roots) are reconciled.
pub const POLL_EVERY: Duration = Duration::from_secs(60);

/// Why roots need a reconcile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    /// Photos were added, changed, moved or deleted.
    Files,
    /// Events were lost (queue overflow, a failed watch): what changed is unknown.
    LostEvents,
    /// The timer of roots without change events.
    Timer,
}

/// Roots to reconcile and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub roots: Vec<PathBuf>,
    pub cause: Cause,
}

type Debouncer = notify_debouncer_full::Debouncer<
    notify::RecommendedWatcher,
    notify_debouncer_full::RecommendedCache,
>;

/// Watches a set of roots; [`RootWatcher::next_change`] waits for the next reconcile to do.
pub struct RootWatcher {
    debouncer: Debouncer,
    changes: Receiver<Change>,
    roots: Vec<PathBuf>,
    /// Roots reconciled on the timer: network mounts, roots not there, roots whose watch failed.
    polled: Vec<PathBuf>,
    next_poll: Instant,
}

impl RootWatcher {
    /// Starts watching `roots` (recursively).
    pub fn new(roots: &[PathBuf]) -> Result<Self> {
        let (send, changes) = crossbeam_channel::unbounded();
        let handler_roots = roots.to_vec();
        let debouncer = new_debouncer(SETTLE, None, move |result: DebounceEventResult| {
            if let Some(change) = classify(&handler_roots, result) {
                let _ = send.send(change);
            }
        })
        .map_err(|e| CoreError::Invalid(format!("cannot watch folders: {e}")))?;
        let mut watcher = Self {
            debouncer,
            changes,
            roots: roots.to_vec(),
            polled: Vec::new(),
            next_poll: Instant::now() + POLL_EVERY,
        };
        for root in roots {
            watcher.place(root);
        }
        Ok(watcher)
    }

    /// Watches `root` when it is there and sends events; otherwise puts it on the timer.
    /// A drive plugged in again is watched from the first timer tick that finds it.
    fn place(&mut self, root: &Path) {
        let watched = crate::scan::is_present(root)
            && !is_network_mount(root)
            // A failure here is the watch limit or a permission: the timer covers the root.
            && self.debouncer.watch(root, RecursiveMode::Recursive).is_ok();
        self.polled.retain(|p| p != root);
        if !watched {
            self.polled.push(root.to_path_buf());
        }
    }

    /// The roots watched.
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// The roots reconciled on a timer because their events cannot be had.
    pub fn polled(&self) -> &[PathBuf] {
        &self.polled
    }

    /// Waits up to `wait` for the next change; changes that arrived together are merged into
    /// one (their roots joined, the strongest cause kept). `None` when nothing happened.
    pub fn next_change(&mut self, wait: Duration) -> Option<Change> {
        let deadline = Instant::now() + wait;
        let until = if self.polled.is_empty() {
            deadline
        } else {
            deadline.min(self.next_poll)
        };
        let first = match self
            .changes
            .recv_timeout(until.saturating_duration_since(Instant::now()))
        {
            Ok(change) => change,
            Err(RecvTimeoutError::Timeout)
                if !self.polled.is_empty() && Instant::now() >= self.next_poll =>
            {
                self.next_poll = Instant::now() + POLL_EVERY;
                let due = self.polled.clone();
                for root in &due {
                    self.place(root);
                }
                return Some(Change {
                    roots: due,
                    cause: Cause::Timer,
                });
            }
            Err(_) => return None,
        };
        let change = self.changes.try_iter().fold(first, merge);
        // A root that went away (a drive unmounted under the watch) goes on the timer.
        for root in &change.roots {
            if !crate::scan::is_present(root) && !self.polled.contains(root) {
                self.polled.push(root.clone());
            }
        }
        Some(change)
    }
}

fn merge(mut a: Change, b: Change) -> Change {
    for root in b.roots {
        if !a.roots.contains(&root) {
            a.roots.push(root);
        }
    }
    if b.cause == Cause::LostEvents {
        a.cause = Cause::LostEvents;
    }
    a
}

/// What one batch of debounced events means for the roots: a reconcile of the roots whose
/// photos changed, of every root when events were lost, or nothing (only reads, sidecars,
/// hidden files).
pub(crate) fn classify(roots: &[PathBuf], result: DebounceEventResult) -> Option<Change> {
    let events = match result {
        Ok(events) => events,
        Err(errors) => {
            let named: Vec<PathBuf> = errors
                .iter()
                .flat_map(|e| e.paths.iter().filter_map(|p| root_of(roots, p)))
                .collect();
            let roots = if named.is_empty() {
                roots.to_vec()
            } else {
                dedup(named)
            };
            return Some(Change {
                roots,
                cause: Cause::LostEvents,
            });
        }
    };
    if events.iter().any(|e| e.need_rescan()) {
        return Some(Change {
            roots: roots.to_vec(),
            cause: Cause::LostEvents,
        });
    }
    let changed: Vec<PathBuf> = events
        .iter()
        .filter(|e| !matches!(e.kind, EventKind::Access(_)))
        .flat_map(|e: &DebouncedEvent| e.paths.iter())
        .filter(|p| is_photo_or_folder(roots, p))
        .filter_map(|p| root_of(roots, p))
        .collect();
    (!changed.is_empty()).then(|| Change {
        roots: dedup(changed),
        cause: Cause::Files,
    })
}

fn dedup(mut roots: Vec<PathBuf>) -> Vec<PathBuf> {
    roots.sort();
    roots.dedup();
    roots
}

/// The root holding `path` (the longest that contains it).
fn root_of(roots: &[PathBuf], path: &Path) -> Option<PathBuf> {
    roots
        .iter()
        .filter(|r| path.starts_with(r))
        .max_by_key(|r| r.as_os_str().len())
        .cloned()
}

/// Whether a changed path can matter to the catalog: anything but a file the walk would not
/// take (a sidecar, a partial download) or a path under a hidden folder. A path that is gone
/// may have been a photo or a folder of photos (`trip.2019` has an "extension"), so it counts.
fn is_photo_or_folder(roots: &[PathBuf], path: &Path) -> bool {
    let Some(root) = root_of(roots, path) else {
        return false;
    };
    let inside = path.strip_prefix(&root).unwrap_or(path);
    if inside.iter().any(crate::scan::is_hidden) {
        return false;
    }
    !path.is_file() || crate::scan::is_candidate(path)
}

/// Whether `root` is on a file system whose changes send no events here (network file
/// systems and FUSE, where another machine or a daemon writes).
#[cfg(target_os = "linux")]
pub fn is_network_mount(root: &Path) -> bool {
    const NETWORK: [i64; 8] = [
        0x6969,      // NFS
        0x517B,      // SMB
        0xFF53_4D42, // CIFS
        0xFE53_4D42, // SMB2
        0x6573_5546, // FUSE (sshfs, rclone, gvfs)
        0x0102_1997, // 9P (VM and WSL shares)
        0x5346_414F, // AFS
        0x00C3_6400, // Ceph
    ];
    // f_type is i64 on x86_64 glibc and narrower elsewhere.
    #[allow(clippy::unnecessary_cast)]
    rustix::fs::statfs(root).is_ok_and(|s| NETWORK.contains(&(s.f_type as i64)))
}

/// Whether `root` is on a file system whose changes send no events here.
#[cfg(not(target_os = "linux"))]
pub fn is_network_mount(_root: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, Flag};
    use notify::Event;

    fn event(kind: EventKind, path: &Path) -> DebouncedEvent {
        DebouncedEvent::new(
            Event::new(kind).add_path(path.to_path_buf()),
            Instant::now(),
        )
    }

    #[test]
    fn photo_changes_name_their_root_and_sidecars_or_hidden_files_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("a-b"));
        std::fs::create_dir_all(a.join(".thumbs")).unwrap();
        for file in [
            "IMG_1.xmp",
            "IMG_1.jpg.part",
            ".thumbs/IMG_1.jpg",
            "IMG_2.jpg",
        ] {
            std::fs::write(a.join(file), b"x").unwrap();
        }
        let roots = vec![a.clone(), b.clone()];
        let create = EventKind::Create(CreateKind::File);
        let change = classify(&roots, Ok(vec![event(create, &b.join("x/IMG_1.JPG"))])).unwrap();
        assert_eq!(
            change,
            Change {
                roots: vec![b.clone()],
                cause: Cause::Files
            }
        );
        let gone = EventKind::Remove(notify::event::RemoveKind::Any);
        let change = classify(&roots, Ok(vec![event(gone, &a.join("trip.2019"))]));
        assert_eq!(
            change.map(|c| c.roots),
            Some(vec![a.clone()]),
            "a folder removed"
        );
        let quiet = [
            event(create, &a.join("IMG_1.xmp")),
            event(create, &a.join(".thumbs/IMG_1.jpg")),
            event(create, &a.join("IMG_1.jpg.part")),
            event(
                EventKind::Access(notify::event::AccessKind::Any),
                &a.join("IMG_2.jpg"),
            ),
            event(create, &dir.path().join("elsewhere.jpg")),
        ];
        assert_eq!(classify(&roots, Ok(quiet.to_vec())), None);
    }

    #[test]
    fn an_overflow_or_a_watch_error_reconciles_every_root() {
        let roots = vec![PathBuf::from("/photos"), PathBuf::from("/mnt/camera")];
        let mut overflow = Event::new(EventKind::Other);
        overflow = overflow.set_flag(Flag::Rescan);
        let change = classify(
            &roots,
            Ok(vec![DebouncedEvent::new(overflow, Instant::now())]),
        );
        assert_eq!(
            change,
            Some(Change {
                roots: roots.clone(),
                cause: Cause::LostEvents
            })
        );
        let lost = notify::Error::new(notify::ErrorKind::MaxFilesWatch);
        let change = classify(&roots, Err(vec![lost]));
        assert_eq!(
            change,
            Some(Change {
                roots: roots.clone(),
                cause: Cause::LostEvents
            })
        );
        let named = notify::Error::generic("gone").add_path("/mnt/camera/DCIM".into());
        let change = classify(&roots, Err(vec![named])).unwrap();
        assert_eq!(change.roots, vec![PathBuf::from("/mnt/camera")]);
    }

    #[test]
    fn changes_that_arrive_together_merge_and_keep_the_strongest_cause() {
        let files = Change {
            roots: vec!["/a".into()],
            cause: Cause::Files,
        };
        let lost = Change {
            roots: vec!["/b".into(), "/a".into()],
            cause: Cause::LostEvents,
        };
        let merged = merge(files, lost);
        assert_eq!(merged.roots, vec![PathBuf::from("/a"), PathBuf::from("/b")]);
        assert_eq!(merged.cause, Cause::LostEvents);
    }

    #[test]
    fn a_root_not_there_is_polled_and_the_timer_reconciles_it() {
        let dir = tempfile::tempdir().unwrap();
        let here = dir.path().join("here");
        std::fs::create_dir(&here).unwrap();
        std::fs::write(here.join("a.jpg"), b"x").unwrap();
        let gone = dir.path().join("unplugged");
        let mut watcher = RootWatcher::new(&[here.clone(), gone.clone()]).unwrap();
        assert_eq!(watcher.polled(), std::slice::from_ref(&gone));
        watcher.next_poll = Instant::now();
        let change = watcher.next_change(Duration::from_millis(10)).unwrap();
        assert_eq!(
            change,
            Change {
                roots: vec![gone],
                cause: Cause::Timer
            }
        );
    }

    #[test]
    fn a_local_folder_is_not_a_network_mount() {
        assert!(!is_network_mount(&std::env::temp_dir()));
    }
}
