//! Controlling an index run from another thread, on a real LanceDB catalog with the tiny
//! test model: pause and resume, and the run's threads held back and below normal priority
//! while the user searches.

mod common;

use common::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[test]
fn a_paused_run_holds_until_resumed_and_then_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    write_photos(&photos, 40, 300);
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(&[photos]).unwrap();
    let control = Arc::new(iris_core::IndexControl::new());
    control.pause();
    let done = Arc::new(AtomicUsize::new(0));
    let report = std::thread::scope(|scope| {
        let run = scope.spawn(|| {
            library.index(2, &control, &mut |p| {
                done.store(p.done, Ordering::SeqCst);
            })
        });
        std::thread::sleep(Duration::from_millis(800));
        let while_paused = done.load(Ordering::SeqCst);
        assert!(!run.is_finished(), "a paused run finished");
        assert!(while_paused < 40, "{while_paused} files done while paused");
        control.resume();
        run.join().unwrap().unwrap()
    });
    assert!(!report.cancelled);
    assert_eq!(report.embedded, 40);
}

#[test]
fn a_run_paused_mid_batch_commits_what_it_has_so_that_it_is_searchable() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    write_photos(&photos, 60, 500);
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(&[photos]).unwrap();
    let control = iris_core::IndexControl::new();
    let report = std::thread::scope(|scope| {
        let run = scope.spawn(|| {
            library.index(1, &control, &mut |p| {
                // Paused after 10 photos: far from a full write batch of 64.
                if p.done == 10 {
                    control.pause();
                }
            })
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = 0;
        while Instant::now() < deadline {
            seen = library.status().unwrap().photos;
            if seen >= 10 {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(!run.is_finished(), "the run finished instead of pausing");
        assert!(
            (10..60).contains(&seen),
            "{seen} photos committed while paused"
        );
        control.resume();
        run.join().unwrap().unwrap()
    });
    assert_eq!(report.embedded, 60);
    assert_eq!(library.status().unwrap().photos, 60);
}

/// Each thread of this process whose name starts with `iris-`, with its niceness
/// (/proc/self/task/TID/stat: the name in parentheses, then the 17th field after it).
#[cfg(target_os = "linux")]
fn iris_threads_niceness() -> Vec<(String, i32)> {
    let mut found = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = &stat[open + 1..close];
        let nice = stat[close + 2..]
            .split(' ')
            .nth(16)
            .unwrap()
            .parse()
            .unwrap();
        if name.starts_with("iris-") {
            found.push((name.to_string(), nice));
        }
    }
    found
}

#[test]
fn a_search_during_a_run_halves_its_threads_and_its_threads_run_below_normal_priority() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    write_photos(&photos, 80, 700);
    let library = open_library(&tmp.path().join("lib"));
    library.add_roots(&[photos]).unwrap();
    let control = iris_core::IndexControl::new();
    let threads_seen: Mutex<Vec<(usize, usize)>> = Mutex::default();
    #[cfg(target_os = "linux")]
    let mut lowered: Vec<(String, i32)> = Vec::new();
    let mut searched: Option<Instant> = None;
    let report = library
        .index(4, &control, &mut |p| {
            threads_seen.lock().unwrap().push((p.done, p.threads));
            if p.done == 30 {
                control.user_searching();
                searched = Some(Instant::now());
                #[cfg(target_os = "linux")]
                lowered.extend(iris_threads_niceness());
            }
        })
        .unwrap();
    assert_eq!(report.embedded, 80);
    assert!(
        searched.unwrap().elapsed() < iris_core::SEARCHING_FOR,
        "the run's held-back workers waited out the searching window"
    );
    let seen = threads_seen.into_inner().unwrap();
    let before: Vec<usize> = seen
        .iter()
        .filter(|(d, _)| *d < 30)
        .map(|(_, t)| *t)
        .collect();
    let after: Vec<usize> = seen
        .iter()
        .filter(|(d, _)| *d > 30)
        .map(|(_, t)| *t)
        .collect();
    assert!(
        !before.is_empty() && before.iter().all(|&t| t == 4),
        "{before:?}"
    );
    assert!(
        !after.is_empty() && after.iter().all(|&t| t == 2),
        "{after:?}"
    );
    #[cfg(target_os = "linux")]
    {
        let names: Vec<&str> = lowered.iter().map(|(n, _)| n.as_str()).collect();
        assert!(
            names
                .iter()
                .filter(|n| n.starts_with("iris-decode-"))
                .count()
                >= 4,
            "{names:?}"
        );
        assert!(
            names.iter().any(|n| n.starts_with("iris-encode-")),
            "{names:?}"
        );
        assert!(
            lowered
                .iter()
                .all(|(_, nice)| *nice >= iris_core::INDEX_NICENESS),
            "{lowered:?}"
        );
    }
}
