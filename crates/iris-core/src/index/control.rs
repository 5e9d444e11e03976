//! [`IndexControl`]: how a caller cancels, pauses and resumes an index run from another
//! thread. A paused run holds its workers on a condition variable (no polling, no CPU);
//! a cancelled run stops taking files, writes what it finished and reports it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

/// Cancel, pause and resume for a running [`crate::Library::index`].
#[derive(Debug, Default)]
pub struct IndexControl {
    cancelled: AtomicBool,
    paused: Mutex<bool>,
    changed: Condvar,
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
    use std::time::Duration;

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
}
