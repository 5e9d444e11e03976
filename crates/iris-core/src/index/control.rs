//! [`IndexControl`]: how a caller cancels, pauses, resumes and throttles an index run from
//! another thread. A paused run holds its workers on a condition variable (no polling, no
//! CPU); a cancelled run stops taking files, writes what it finished and reports it; while
//! the user searches, the run works on fewer threads (see [`IndexControl::user_searching`]).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long after a search the user counts as searching: a person reading results and
/// typing the next query, not only the milliseconds of the search itself.
pub const SEARCHING_FOR: Duration = Duration::from_secs(15);

/// How often a held-back worker looks whether it may work again (the searching window ends
/// with no event to wake it).
const HELD_BACK_CHECK: Duration = Duration::from_millis(200);

/// Cancel, pause, resume and the thread cap for a running [`crate::Library::index`] (and a
/// model switch's re-embedding).
#[derive(Debug, Default)]
pub struct IndexControl {
    cancelled: AtomicBool,
    paused: Mutex<bool>,
    changed: Condvar,
    /// Threads while the user searches; 0 = half of the run's threads.
    threads_while_searching: AtomicUsize,
    last_search: Mutex<Option<Instant>>,
}

impl IndexControl {
    pub fn new() -> Self {
        Self::default()
    }

    /// Stops the run (a paused run too); what it finished is kept and reported.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.changed.notify_all();
    }

    /// Holds the run after the files in hand.
    pub fn pause(&self) {
        self.set_paused(true);
    }

    pub fn resume(&self) {
        self.set_paused(false);
    }

    fn set_paused(&self, paused: bool) {
        if let Ok(mut p) = self.paused.lock() {
            *p = paused;
        }
        self.changed.notify_all();
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    pub fn is_paused(&self) -> bool {
        self.paused.lock().map(|p| *p).unwrap_or(false)
    }

    /// Clears cancel and pause, for the next run.
    pub fn reset(&self) {
        self.cancelled.store(false, Ordering::SeqCst);
        self.resume();
    }

    /// Threads a run uses while the user searches: `None` = half of its threads (at least
    /// one), the default; more than the run has is the run's own count.
    pub fn set_threads_while_searching(&self, threads: Option<usize>) {
        self.threads_while_searching
            .store(threads.unwrap_or(0), Ordering::SeqCst);
        self.changed.notify_all();
    }

    /// The user searched just now: for [`SEARCHING_FOR`] the run works on its reduced
    /// thread count, so that the search and the window stay quick.
    pub fn user_searching(&self) {
        if let Ok(mut last) = self.last_search.lock() {
            *last = Some(Instant::now());
        }
    }

    /// The threads a run of `all` threads may use now.
    pub fn threads(&self, all: usize) -> usize {
        let all = all.max(1);
        let searching = self
            .last_search
            .lock()
            .ok()
            .and_then(|last| *last)
            .is_some_and(|at| at.elapsed() < SEARCHING_FOR);
        if !searching {
            return all;
        }
        let setting = match self.threads_while_searching.load(Ordering::SeqCst) {
            0 => None,
            n => Some(n),
        };
        Self::threads_while_searching(setting, all)
    }

    /// The threads a run of `all` threads works on while the user searches, given the
    /// setting (`None` = half, at least one; never more than `all`).
    pub fn threads_while_searching(setting: Option<usize>, all: usize) -> usize {
        let all = all.max(1);
        setting.map_or(all / 2, |n| n.min(all)).max(1)
    }

    /// Waits a moment for the thread cap to change (a held-back worker's wait: the
    /// searching window ends with no event to wake it, so it looks again now and then).
    pub(crate) fn wait_held(&self) {
        if let Ok(paused) = self.paused.lock() {
            let _ = self.changed.wait_timeout(paused, HELD_BACK_CHECK);
        }
    }

    /// Blocks while paused; false when the run is cancelled (and must stop).
    pub(crate) fn proceed(&self) -> bool {
        let Ok(mut paused) = self.paused.lock() else {
            return !self.is_cancelled();
        };
        while *paused && !self.is_cancelled() {
            paused = match self.changed.wait(paused) {
                Ok(p) => p,
                Err(_) => return !self.is_cancelled(),
            };
        }
        !self.is_cancelled()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_paused_run_waits_until_resumed_or_cancelled() {
        let control = Arc::new(IndexControl::new());
        assert!(control.proceed());
        control.pause();
        let waiter = {
            let control = control.clone();
            std::thread::spawn(move || control.proceed())
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiter.is_finished(), "a paused run went on");
        control.resume();
        assert!(waiter.join().unwrap());

        control.pause();
        let waiter = {
            let control = control.clone();
            std::thread::spawn(move || control.proceed())
        };
        control.cancel();
        assert!(!waiter.join().unwrap(), "a cancelled run went on");
        control.reset();
        assert!(control.proceed() && !control.is_paused());
    }

    #[test]
    fn a_search_holds_the_run_to_its_reduced_threads() {
        let control = IndexControl::new();
        assert_eq!(control.threads(4), 4, "idle: every thread");
        control.user_searching();
        assert_eq!(control.threads(4), 2, "searching: half by default");
        assert_eq!(control.threads(1), 1, "never below one");
        control.set_threads_while_searching(Some(3));
        assert_eq!(control.threads(4), 3);
        assert_eq!(control.threads(2), 2, "never above the run's own");
    }

    #[test]
    fn the_searching_window_ends() {
        let control = IndexControl::new();
        if let Ok(mut last) = control.last_search.lock() {
            *last = Instant::now().checked_sub(SEARCHING_FOR + Duration::from_millis(1));
        }
        assert_eq!(control.threads(4), 4, "a search longer ago than the window");
    }
}
