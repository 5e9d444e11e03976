//! Indexing below normal priority: an index run's own threads (the feeder, the decoders and
//! the model's matrix work in [`Encoders`]) are niced to +10 and, on Linux, put at the
//! lowest best-effort I/O priority, so that a 50,000-photo run leaves the machine usable.
//! Only the run's threads are lowered, never the caller's: searches keep normal priority.
//! Other systems than Linux run the job at normal priority (the thread cap still applies).

use super::IndexControl;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The niceness of an index run's threads (0 is normal, 19 the lowest).
pub const NICENESS: i32 = 10;

/// Lowers the calling thread's CPU priority to [`NICENESS`] (never raising a lower one) and
/// its I/O priority to best-effort level 7. A failure leaves the thread as it was: the run
/// goes on at normal priority.
pub fn lower_this_thread() {
    #[cfg(target_os = "linux")]
    linux::lower_this_thread();
}

/// The calling thread's niceness (Linux), for tests.
#[cfg(all(test, target_os = "linux"))]
pub fn this_thread_niceness() -> i32 {
    linux::niceness()
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)] // three system calls on the calling thread's own id
mod linux {
    /// `ioprio_set`'s target: one thread (a "process" in the kernel's terms).
    const IOPRIO_WHO_PROCESS: libc::c_long = 1;
    const IOPRIO_CLASS_BE: libc::c_long = 2;
    const IOPRIO_CLASS_SHIFT: libc::c_long = 13;
    /// Best-effort's lowest level.
    const IOPRIO_LOWEST_BE: libc::c_long = 7;

    fn thread_id() -> libc::id_t {
        // SAFETY: gettid has no preconditions.
        unsafe { libc::gettid() as libc::id_t }
    }

    pub(super) fn niceness() -> i32 {
        // SAFETY: getpriority reads the calling thread's own priority.
        unsafe { libc::getpriority(libc::PRIO_PROCESS, thread_id()) }
    }

    pub(super) fn lower_this_thread() {
        let tid = thread_id();
        if niceness() < super::NICENESS {
            // SAFETY: setpriority on the calling thread's own id; a refusal changes nothing.
            unsafe { libc::setpriority(libc::PRIO_PROCESS, tid, super::NICENESS) };
        }
        let priority = (IOPRIO_CLASS_BE << IOPRIO_CLASS_SHIFT) | IOPRIO_LOWEST_BE;
        // SAFETY: ioprio_set on the calling thread's own id; a refusal changes nothing.
        unsafe {
            libc::syscall(
                libc::SYS_ioprio_set,
                IOPRIO_WHO_PROCESS,
                tid as libc::c_long,
                priority,
            )
        };
    }
}

/// Thread pools of lowered threads for a run's encoding, one per thread count its control
/// allows (fewer while the user searches); they end with the run.
pub(crate) struct Encoders<'a> {
    control: &'a IndexControl,
    /// The run's threads while the user is not searching.
    workers: usize,
    pools: Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>,
}

impl<'a> Encoders<'a> {
    pub(crate) fn new(control: &'a IndexControl, workers: usize) -> Self {
        Self {
            control,
            workers,
            pools: Mutex::default(),
        }
    }

    /// Runs `work` on a pool of as many lowered threads as the run may use now: the model's
    /// parallel matrix work inside it uses that pool.
    pub(crate) fn run<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        self.run_on(self.control.threads(self.workers), work)
    }

    /// Runs `work` on a pool of `threads` lowered threads. If no pool can be made, `work`
    /// runs where it was called.
    fn run_on<R: Send>(&self, threads: usize, work: impl FnOnce() -> R + Send) -> R {
        match self.pool(threads.max(1)) {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }

    fn pool(&self, threads: usize) -> Option<Arc<rayon::ThreadPool>> {
        let mut pools = self.pools.lock().ok()?;
        if let Some(pool) = pools.get(&threads) {
            return Some(pool.clone());
        }
        let pool = lowered_pool(threads, "iris-encode")?;
        Some(pools.entry(threads).or_insert(Arc::new(pool)).clone())
    }
}

/// A pool of `threads` lowered threads named `name-0`, `name-1`...: parallel work inside its
/// `install` (candle's and gemm's included) stays below normal priority. None if the system
/// refuses threads.
pub(crate) fn lowered_pool(threads: usize, name: &'static str) -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(move |i| format!("{name}-{i}"))
        .start_handler(|_| lower_this_thread())
        .build()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[allow(unsafe_code)] // ioprio_get, which libc has no wrapper for
    #[test]
    fn a_lowered_thread_runs_at_niceness_10_and_lowest_best_effort_io() {
        let before = this_thread_niceness();
        let (nice, io) = std::thread::spawn(|| {
            lower_this_thread();
            // SAFETY: ioprio_get on the calling thread's own id.
            let io = unsafe { libc::syscall(libc::SYS_ioprio_get, 1, libc::gettid() as i64) };
            (this_thread_niceness(), io)
        })
        .join()
        .unwrap();
        assert_eq!(nice, NICENESS.max(before));
        assert_eq!(io, (2 << 13) | 7, "best-effort class, level 7");
        assert_eq!(
            this_thread_niceness(),
            before,
            "the caller's thread was lowered"
        );
    }

    #[test]
    fn encoders_run_on_pools_of_the_asked_size_of_lowered_threads() {
        let control = IndexControl::new();
        let encoders = Encoders::new(&control, 3);
        for threads in [1, 3, 1] {
            let (size, nice) = encoders.run_on(threads, || {
                let nice = rayon::broadcast(|_| {
                    #[cfg(target_os = "linux")]
                    return this_thread_niceness();
                    #[cfg(not(target_os = "linux"))]
                    return NICENESS;
                });
                (rayon::current_num_threads(), nice)
            });
            assert_eq!(size, threads);
            assert!(nice.iter().all(|&n| n >= NICENESS), "{nice:?}");
        }
        assert_eq!(
            encoders.pools.lock().unwrap().len(),
            2,
            "pools are kept per size"
        );
    }
}
