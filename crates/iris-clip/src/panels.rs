//! What the reduced-precision matmul kernels ([`crate::bf16`], [`crate::int8`]) share: the
//! split of a packed weight's column panels between threads, and the output pointer those
//! threads write through.

use gemm::Parallelism;
use std::ops::Range;

/// `dst`'s pointer, shared by threads that write disjoint columns of it.
pub(crate) struct SharedOut(pub(crate) *mut f32);
// SAFETY: only handed to `over_panels`' callers, whose threads write disjoint columns.
#[allow(unsafe_code)]
unsafe impl Sync for SharedOut {}

/// Runs `run` over `0..panels`, cut into one contiguous range per thread that `par` allows
/// (the whole range on the calling thread when it allows one).
pub(crate) fn over_panels(panels: usize, par: Parallelism, run: impl Fn(Range<usize>) + Sync) {
    let threads = match par {
        Parallelism::Rayon(0) => rayon::current_num_threads().min(panels),
        Parallelism::Rayon(n) => n.min(panels),
        Parallelism::None => 1,
    };
    if threads <= 1 {
        return run(0..panels);
    }
    let per = panels.div_ceil(threads);
    rayon::scope(|s| {
        for t in 0..threads {
            let range = t * per..((t + 1) * per).min(panels);
            let run = &run;
            s.spawn(move |_| run(range));
        }
    });
}

/// Masks of the valid columns among a 32-column panel's two 16-lane registers when `left`
/// columns remain.
pub(crate) fn column_masks(left: usize) -> (u16, u16) {
    let bits = |n: usize| {
        if n >= 16 {
            u16::MAX
        } else {
            ((1u32 << n) - 1) as u16
        }
    };
    (bits(left), bits(left.saturating_sub(16)))
}

/// `n` pseudo-random values in `[-offset, 1 - offset)` from `seed` (xorshift), for the
/// kernels' tests.
#[cfg(test)]
pub(crate) fn test_values(n: usize, seed: u32, offset: f32) -> Vec<f32> {
    let mut s = seed.wrapping_mul(2_654_435_761).max(1);
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s as f32 / u32::MAX as f32) - offset
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn every_panel_runs_once_whatever_the_threads() {
        for (panels, par) in [
            (1, Parallelism::Rayon(2)),
            (7, Parallelism::Rayon(2)),
            (7, Parallelism::Rayon(3)),
            (5, Parallelism::None),
        ] {
            let seen = Mutex::new(Vec::new());
            over_panels(panels, par, |range| seen.lock().unwrap().extend(range));
            let mut seen = seen.into_inner().unwrap();
            seen.sort();
            assert_eq!(seen, (0..panels).collect::<Vec<_>>(), "{panels} {par:?}");
        }
    }

    #[test]
    fn masks_cover_the_columns_left() {
        assert_eq!(column_masks(40), (u16::MAX, u16::MAX));
        assert_eq!(column_masks(17), (u16::MAX, 1));
        assert_eq!(column_masks(3), (0b111, 0));
    }
}
